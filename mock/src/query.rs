//! What one list, get-by-id or count call answers, whichever way it came (its own URL or a
//! bundle sub-request): filtering by conditions, ordering, paging and field selection, and
//! the API's errors.

use crate::store::{id_of, Row};
use connectwise::{ApiError, ValidationError};
use connectwise_conditions::{matches, parse, Condition};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::cmp::Ordering;

/// The API's default page size.
pub(crate) const DEFAULT_PAGE_SIZE: usize = 25;
/// The largest page size the API accepts; larger ones are cut to it.
pub(crate) const MAX_PAGE_SIZE: usize = 1000;

/// A failed call: its HTTP status and the API's error body (`{"code","message","errors"}`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Failure {
    pub status: u16,
    pub error: ApiError,
}

impl Failure {
    pub fn new(status: u16, code: &str, message: impl Into<String>) -> Failure {
        Failure {
            status,
            error: ApiError {
                code: Some(code.to_owned()),
                message: Some(message.into()),
                errors: Vec::new(),
            },
        }
    }

    /// 400 `InvalidObject` with one validation error on `field`.
    pub fn invalid(resource: &str, field: &str, message: impl Into<String>) -> Failure {
        Failure::invalid_all(resource, field, vec![message.into()])
    }

    /// 400 `InvalidObject` with one validation error on `field` per message.
    pub fn invalid_all(resource: &str, field: &str, messages: Vec<String>) -> Failure {
        let errors = messages
            .into_iter()
            .map(|message| ValidationError {
                code: Some("InvalidField".into()),
                message: Some(message),
                resource: Some(resource.to_owned()),
                field: Some(field.to_owned()),
            })
            .collect();
        Failure {
            status: 400,
            error: ApiError {
                code: Some("InvalidObject".into()),
                message: Some(format!("{resource} object is invalid")),
                errors,
            },
        }
    }

    /// 400 `InvalidObject` with one validation error per problem, each with its own code
    /// and field.
    pub fn invalid_problems(resource: &str, problems: Vec<crate::validate::Problem>) -> Failure {
        let errors = problems
            .into_iter()
            .map(|p| ValidationError {
                code: Some(p.code.to_owned()),
                message: Some(p.message),
                resource: Some(resource.to_owned()),
                field: Some(p.field),
            })
            .collect();
        Failure {
            status: 400,
            error: ApiError {
                code: Some("InvalidObject".into()),
                message: Some(format!("{resource} object is invalid")),
                errors,
            },
        }
    }

    pub fn not_found(resource_type: &str, id: impl std::fmt::Display) -> Failure {
        Failure::new(404, "NotFound", format!("{resource_type} {id} not found"))
    }
}

/// The filters and paging of a list call.
#[derive(Debug, Clone, Default)]
pub(crate) struct ListParams {
    pub conditions: Option<String>,
    pub child_conditions: Option<String>,
    pub custom_field_conditions: Option<String>,
    pub order_by: Option<String>,
    pub fields: Option<String>,
    pub page: Option<i64>,
    pub page_size: Option<i64>,
    /// Forward-only paging: rows with an id above this one.
    pub page_id: Option<i64>,
    /// `pagination-type: forward-only` (or a bundle sub-request with a `pageId`).
    pub forward_only: bool,
}

/// One page of a list.
#[derive(Debug)]
pub(crate) struct ListPage<'r> {
    /// The rows as stored (borrowed: a page is serialized, never changed) or, with
    /// `fields`, their projections.
    pub items: Vec<Cow<'r, Row>>,
    /// Rows matching the filters, over all pages.
    pub total: usize,
    pub page: usize,
    pub page_size: usize,
    /// Forward-only: the `pageId` of the next page, when there is one.
    pub next_page_id: Option<i64>,
}

/// Vets a parsed condition against the resource's model: every problem's message.
pub(crate) type Check<'a> = &'a dyn Fn(&Condition) -> Result<(), Vec<String>>;

/// Accepts any condition that parses.
pub(crate) fn no_check(_: &Condition) -> Result<(), Vec<String>> {
    Ok(())
}

/// A parsed condition, or the 400 the API answers for it.
pub(crate) fn parse_condition(
    text: Option<&str>,
    resource: &str,
    field: &str,
    check: Check<'_>,
) -> Result<Option<Condition>, Failure> {
    let Some(text) = text.filter(|t| !t.trim().is_empty()) else {
        return Ok(None);
    };
    let condition = parse(text).map_err(|e| Failure::invalid(resource, field, e.to_string()))?;
    check(&condition).map_err(|messages| Failure::invalid_all(resource, field, messages))?;
    Ok(Some(condition))
}

/// The rows that match the conditions of `params` (`conditions` and `childConditions`,
/// vetted by `check` against the model; `customFieldConditions` for syntax only: the custom
/// fields of the fake data are not modelled).
fn filter<'r>(
    rows: &'r [Row],
    params: &ListParams,
    resource: &str,
    check: Check<'_>,
) -> Result<Vec<&'r Row>, Failure> {
    let conditions = parse_condition(params.conditions.as_deref(), resource, "conditions", check)?;
    let child = parse_condition(
        params.child_conditions.as_deref(),
        resource,
        "childConditions",
        check,
    )?;
    parse_condition(
        params.custom_field_conditions.as_deref(),
        resource,
        "customFieldConditions",
        &no_check,
    )?;
    let mut kept = Vec::new();
    for row in rows {
        let mut keep = true;
        for (condition, field) in [(&conditions, "conditions"), (&child, "childConditions")] {
            if let Some(c) = condition {
                keep &= matches(c, row)
                    .map_err(|e| Failure::invalid(resource, field, e.to_string()))?;
            }
        }
        if keep {
            kept.push(row);
        }
    }
    Ok(kept)
}

/// How many of `rows` match the conditions of `params` (what `GET .../count` answers).
pub(crate) fn count(
    rows: &[Row],
    params: &ListParams,
    resource: &str,
    check: Check<'_>,
) -> Result<usize, Failure> {
    filter(rows, params, resource, check).map(|kept| kept.len())
}

/// Filters, orders and pages `rows`. `check` vets `conditions` and `childConditions` against
/// the model.
pub(crate) fn list<'r>(
    rows: &'r [Row],
    params: &ListParams,
    resource: &str,
    check: Check<'_>,
) -> Result<ListPage<'r>, Failure> {
    let mut kept = filter(rows, params, resource, check)?;
    let order = parse_order_by(params.order_by.as_deref(), resource)?;
    let fields: Option<Vec<Vec<String>>> = params.fields.as_deref().map(parse_fields);

    let total = kept.len();
    let page_size = match params.page_size {
        Some(n) if n >= 1 => (n as usize).min(MAX_PAGE_SIZE),
        Some(n) => {
            return Err(Failure::invalid(
                resource,
                "pageSize",
                format!("pageSize must be at least 1, not {n}"),
            ))
        }
        None => DEFAULT_PAGE_SIZE,
    };
    let project = |items: &[&'r Row]| -> Vec<Cow<'r, Row>> {
        items
            .iter()
            .map(|&v| match &fields {
                Some(f) => Cow::Owned(Row::new(select(v, f))),
                None => Cow::Borrowed(v),
            })
            .collect()
    };

    if params.forward_only {
        // Forward-only pages are in id order, starting after `pageId`.
        kept.sort_by_key(|r| id_of(r).unwrap_or(0));
        // The first page starts at the first row, whether or not the rows have ids (some
        // models have none: `/company/contacts/{id}/portalSecurity`).
        let start = match params.page_id {
            None => 0,
            Some(after) => kept.partition_point(|r| id_of(r).unwrap_or(0) <= after),
        };
        let end = (start + page_size).min(kept.len());
        let page = &kept[start..end];
        let next_page_id = if end < kept.len() {
            page.last().and_then(|r| id_of(r))
        } else {
            None
        };
        return Ok(ListPage {
            items: project(page),
            total,
            page: 1,
            page_size,
            next_page_id,
        });
    }

    if !order.is_empty() {
        kept.sort_by(|a, b| {
            order
                .iter()
                .map(|(path, descending)| {
                    let o = compare(lookup(a, path), lookup(b, path));
                    if *descending {
                        o.reverse()
                    } else {
                        o
                    }
                })
                .find(|o| *o != Ordering::Equal)
                .unwrap_or(Ordering::Equal)
        });
    }
    let page = match params.page {
        Some(p) if p >= 1 => p as usize,
        Some(p) => {
            return Err(Failure::invalid(
                resource,
                "page",
                format!("page must be at least 1, not {p}"),
            ))
        }
        None => 1,
    };
    let start = (page - 1).saturating_mul(page_size).min(kept.len());
    let end = start.saturating_add(page_size).min(kept.len());
    Ok(ListPage {
        items: project(&kept[start..end]),
        total,
        page,
        page_size,
        next_page_id: None,
    })
}

/// One entity by id, with `fields` applied.
pub(crate) fn get(
    rows: &[Row],
    id: i32,
    fields: Option<&str>,
    resource_type: &str,
) -> Result<Value, Failure> {
    let row = rows
        .binary_search_by_key(&i64::from(id), |r| id_of(r).unwrap_or(0))
        .ok()
        .and_then(|i| rows.get(i))
        .ok_or_else(|| Failure::not_found(resource_type, id))?;
    Ok(match fields {
        Some(f) => select(row, &parse_fields(f)),
        None => row.value().clone(),
    })
}

/// `name asc, id desc` -> [(["name"], false), (["id"], true)].
fn parse_order_by(text: Option<&str>, resource: &str) -> Result<Vec<(Vec<String>, bool)>, Failure> {
    let Some(text) = text.filter(|t| !t.trim().is_empty()) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for part in text.split(',') {
        let mut words = part.split_whitespace();
        let Some(field) = words.next() else {
            return Err(Failure::invalid(
                resource,
                "orderBy",
                format!("orderBy {text:?} has an empty term"),
            ));
        };
        let descending = match words.next().map(str::to_ascii_lowercase).as_deref() {
            None | Some("asc") => false,
            Some("desc") => true,
            Some(other) => {
                return Err(Failure::invalid(
                    resource,
                    "orderBy",
                    format!("orderBy: expected `asc` or `desc` after `{field}`, found `{other}`"),
                ))
            }
        };
        if let Some(extra) = words.next() {
            return Err(Failure::invalid(
                resource,
                "orderBy",
                format!("orderBy: unexpected `{extra}`"),
            ));
        }
        out.push((field.split('/').map(str::to_owned).collect(), descending));
    }
    Ok(out)
}

/// A value at a `/` path, property names compared without regard to case.
fn lookup<'v>(value: &'v Value, path: &[String]) -> Option<&'v Value> {
    path.iter().try_fold(value, |v, name| {
        let obj = v.as_object()?;
        obj.get(name.as_str()).or_else(|| {
            obj.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v)
        })
    })
}

/// SQL Server's order: nulls first, numbers by value, strings without regard to case.
fn compare(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    fn rank(v: Option<&Value>) -> u8 {
        match v {
            None | Some(Value::Null) => 0,
            Some(Value::Bool(_)) => 1,
            Some(Value::Number(_)) => 2,
            Some(Value::String(_)) => 3,
            Some(_) => 4,
        }
    }
    match (a, b) {
        (Some(Value::Number(x)), Some(Value::Number(y))) => x
            .as_f64()
            .unwrap_or(0.0)
            .total_cmp(&y.as_f64().unwrap_or(0.0)),
        (Some(Value::String(x)), Some(Value::String(y))) => x
            .to_lowercase()
            .cmp(&y.to_lowercase())
            .then_with(|| x.cmp(y)),
        (Some(Value::Bool(x)), Some(Value::Bool(y))) => x.cmp(y),
        _ => rank(a).cmp(&rank(b)),
    }
}

/// `id,summary,status/name` -> paths.
fn parse_fields(text: &str) -> Vec<Vec<String>> {
    text.split(',')
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .map(|f| f.split('/').map(str::to_owned).collect())
        .collect()
}

/// Only the listed fields of `value` (nested paths keep the objects on the way).
fn select(value: &Value, fields: &[Vec<String>]) -> Value {
    let mut out = Map::new();
    for path in fields {
        insert_path(&mut out, value, path);
    }
    Value::Object(out)
}

fn insert_path(out: &mut Map<String, Value>, value: &Value, path: &[String]) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    let Some(obj) = value.as_object() else {
        return;
    };
    let Some((key, inner)) = obj.iter().find(|(k, _)| k.eq_ignore_ascii_case(first)) else {
        return;
    };
    if rest.is_empty() {
        out.insert(key.clone(), inner.clone());
        return;
    }
    let slot = out
        .entry(key.clone())
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(nested) = slot {
        insert_path(nested, inner, rest);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rows() -> Vec<Row> {
        (1..=10)
            .map(|i| json!({"id": i, "name": format!("n{}", i % 3), "status": {"name": if i % 2 == 0 {"New"} else {"Closed"}}}))
            .map(Row::new)
            .collect()
    }

    fn ok(c: &Condition) -> Result<(), Vec<String>> {
        no_check(c)
    }

    #[test]
    fn conditions_order_and_pages() {
        let params = ListParams {
            conditions: Some("status/name = 'new'".into()),
            order_by: Some("name desc, id asc".into()),
            page_size: Some(2),
            page: Some(2),
            ..Default::default()
        };
        let table = rows();
        let page = list(&table, &params, "Ticket", &ok).unwrap();
        assert_eq!(page.total, 5);
        let ids: Vec<i64> = page.items.iter().filter_map(|r| id_of(r)).collect();
        // New: 2,4,6,8,10; names n2,n1,n0,n2,n1 -> desc: n2(2,8), n1(4,10), n0(6).
        assert_eq!(ids, vec![4, 10]);
    }

    #[test]
    fn counts_apply_the_conditions_and_ignore_paging() {
        let params = ListParams {
            conditions: Some("status/name = 'new'".into()),
            page_size: Some(2),
            ..Default::default()
        };
        assert_eq!(count(&rows(), &params, "Ticket", &ok).unwrap(), 5);
        assert_eq!(
            count(&rows(), &ListParams::default(), "Ticket", &ok).unwrap(),
            10
        );
    }

    #[test]
    fn the_first_forward_only_page_holds_rows_without_ids() {
        let table: Vec<Row> = (1..=3)
            .map(|i| Row::new(json!({"identifier": format!("p{i}")})))
            .collect();
        let params = ListParams {
            page_size: Some(7),
            forward_only: true,
            ..Default::default()
        };
        let page = list(&table, &params, "PortalSecurity", &ok).unwrap();
        assert_eq!(page.items.len(), 3);
        assert_eq!(page.next_page_id, None);
    }

    #[test]
    fn forward_only_pages_by_id() {
        let params = ListParams {
            page_size: Some(4),
            page_id: Some(3),
            forward_only: true,
            ..Default::default()
        };
        let table = rows();
        let page = list(&table, &params, "Ticket", &ok).unwrap();
        let ids: Vec<i64> = page.items.iter().filter_map(|r| id_of(r)).collect();
        assert_eq!(ids, vec![4, 5, 6, 7]);
        assert_eq!(page.next_page_id, Some(7));
        let last = ListParams {
            page_id: Some(7),
            ..params
        };
        assert_eq!(
            list(&rows(), &last, "Ticket", &ok).unwrap().next_page_id,
            None
        );
    }

    #[test]
    fn bad_conditions_and_order_by_are_400() {
        for params in [
            ListParams {
                conditions: Some("status/name = ".into()),
                ..Default::default()
            },
            ListParams {
                order_by: Some("name sideways".into()),
                ..Default::default()
            },
            ListParams {
                conditions: Some("name > 5".into()),
                ..Default::default()
            },
        ] {
            let e = list(&rows(), &params, "Ticket", &ok).unwrap_err();
            assert_eq!(e.status, 400, "{params:?}");
            assert_eq!(e.error.code.as_deref(), Some("InvalidObject"));
        }
    }

    #[test]
    fn fields_select_nested_paths() {
        let v = json!({"id": 1, "summary": "x", "status": {"id": 2, "name": "New"}});
        assert_eq!(
            select(&v, &parse_fields("id, status/name")),
            json!({"id": 1, "status": {"name": "New"}})
        );
    }

    #[test]
    fn get_by_id_and_404() {
        let rows = rows();
        assert_eq!(
            get(&rows, 3, Some("id"), "Ticket").unwrap(),
            json!({"id": 3})
        );
        let e = get(&rows, 99, None, "Ticket").unwrap_err();
        assert_eq!(e.status, 404);
        assert_eq!(e.error.code.as_deref(), Some("NotFound"));
    }
}
