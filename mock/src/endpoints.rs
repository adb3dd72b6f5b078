//! The answer to one operation of the runtime's table, by its kind and what its path points
//! at within its resource ([`Target`]):
//!
//! | operation | answer |
//! |---|---|
//! | list (the list path) | the rows, filtered, ordered and paged, with `Link` headers |
//! | get (list path + id) | the row, or 404 |
//! | count (the count path) | `{"count": n}`, conditions applied |
//! | create (the list path) | 201, the body (checked against the model: 400 `InvalidObject` naming every bad field) with the next id, `_info` and the fields the API fills in, stored |
//! | replace (list path + id) | 200, the body (checked) with that id, stored; 404 if no such row |
//! | patch (list path + id) | 200, the row with the JSON Patch (paths and values checked) applied, stored; 404 if none |
//! | delete (list path + id) | 204, the row removed; 404 if none |
//! | an action answering a list of its resource's model (`POST /service/tickets/search`) | the rows, filtered by the body's `conditions`, `childConditions`, `customFieldConditions` and `orderBy` |
//! | anything else | 404 if it is below a row that does not exist (`/service/tickets/{id}/copy`); else a generated value of the response model (201 for a create), a list of one to three, `{"count": 0}`, `{}` (no response model), `0` (JSON of another shape: an integer or free-form JSON), 204 (a delete), or some bytes (a download) |

use crate::api::{self, Target};
use crate::generate::{self, hash_str};
use crate::query::{self, Failure, ListParams};
use crate::server::{Incoming, Reply, Shared, BASE_PATH};
use crate::store::{Parents, Write, WriteError, Written};
use connectwise::registry::{
    BodyKind, Method, OperationInfo, OperationKind, Resource, ResourceInfo, ResponseKind, Segment,
};
use connectwise_conditions::Schema;
use serde_json::{json, Map, Value};

/// A resource's rows under one parent.
#[derive(Clone, Copy)]
struct Table {
    resource: Resource,
    parents: Parents,
}

impl Table {
    fn info(self) -> &'static ResourceInfo {
        self.resource.info()
    }
}

pub(crate) fn answer(
    s: &Shared,
    op: &'static OperationInfo,
    params: &[(Segment, &str)],
    request: &Incoming<'_>,
) -> Reply {
    let Some(resource) = op.resource else {
        return generated(s, op, params);
    };
    let info = resource.info();
    let table = Table {
        resource,
        parents: api::parents_from_path(info, params),
    };
    let result = match (op.kind, api::target(op, info, params)) {
        (OperationKind::List, Target::Collection) => return list(s, table, request),
        (OperationKind::Get, Target::Record(id)) => get(s, table, id, request),
        (OperationKind::Count, Target::Count) => count(s, table, request),
        (OperationKind::Create, Target::Collection) => json_body(op, info, request, json!({}))
            .and_then(|body| write(s, table, None, Write::Create(body))),
        (OperationKind::Replace, Target::Record(id)) => json_body(op, info, request, json!({}))
            .and_then(|body| write(s, table, Some(id), Write::Replace(id, body))),
        (OperationKind::Patch, Target::Record(id)) => json_body(op, info, request, json!([]))
            .and_then(|ops| write(s, table, Some(id), Write::Patch(id, ops))),
        (OperationKind::Delete, Target::Record(id)) => write(s, table, Some(id), Write::Delete(id)),
        (_, Target::Record(id) | Target::UnderRecord(id))
            if !s.store.contains(resource, table.parents, id) =>
        {
            Err(Failure::not_found(info.resource_type, id))
        }
        (OperationKind::Action, Target::Other) if op.response == ResponseKind::List(info.model) => {
            search(s, table, request)
        }
        _ => Ok(generated(s, op, params)),
    };
    let reply = result.unwrap_or_else(|f| Reply::failure(&f));
    crate::callbacks::written(s, op, resource, params, &reply);
    reply
}

/// The condition check for `model` (unknown fields, type mismatches), with the same checker
/// `bundle!` runs at compile time. A model the schema lacks is not checked.
pub(crate) fn checker<'a>(
    schema: &'a Schema,
    model: &'a str,
) -> impl Fn(&connectwise_conditions::Condition) -> Result<(), Vec<String>> + 'a {
    move |condition| {
        if schema.model(model).is_none() {
            return Ok(());
        }
        connectwise_conditions::check(condition, schema, model)
            .map_err(|errors| errors.into_iter().map(|e| e.message).collect())
    }
}

/// Applies one write to the store and answers as the API does: 201 with the created row, 200
/// with the replaced or patched one, 204 for a delete; 404 `NotFound` for a missing row
/// (`id`), 400 `InvalidObject` with every problem of the body. Every write of the HTTP API
/// goes through here, and [`Written`] says what changed.
fn write(s: &Shared, table: Table, id: Option<i32>, write: Write) -> Result<Reply, Failure> {
    let info = table.info();
    match s.store.write(table.resource, table.parents, write) {
        Ok(Written::Created(row)) => Ok(Reply::json(201, &row)),
        Ok(Written::Replaced(row) | Written::Patched(row)) => Ok(Reply::json(200, &row)),
        Ok(Written::Deleted(_)) => Ok(Reply::no_content()),
        Err(WriteError::NotFound) => Err(Failure::not_found(
            info.resource_type,
            id.unwrap_or_default(),
        )),
        Err(WriteError::Invalid(problems)) => {
            Err(Failure::invalid_problems(info.resource_type, problems))
        }
    }
}

/// The request's body as JSON, or the API's 400. An operation the spec gives no body takes
/// none: `empty` then (`{}` for a create, `[]` for a patch).
fn json_body(
    op: &OperationInfo,
    info: &ResourceInfo,
    request: &Incoming<'_>,
    empty: Value,
) -> Result<Value, Failure> {
    if !request.body.iter().all(u8::is_ascii_whitespace) {
        parse_json(info, request.body)
    } else if op.body == BodyKind::None {
        Ok(empty)
    } else {
        Err(Failure::invalid(
            info.resource_type,
            "",
            "the request has no body",
        ))
    }
}

fn parse_json(info: &ResourceInfo, body: &[u8]) -> Result<Value, Failure> {
    serde_json::from_slice(body).map_err(|e| {
        Failure::invalid(
            info.resource_type,
            "",
            format!("the body is not valid JSON: {e}"),
        )
    })
}

/// The filters and paging of a list or count URL.
fn list_params(
    info: &ResourceInfo,
    request: &Incoming<'_>,
    forward_only: bool,
) -> Result<ListParams, Failure> {
    let int = |name: &str| -> Result<Option<i64>, Failure> {
        request
            .param(name)
            .map(|v| {
                v.trim().parse::<i64>().map_err(|_| {
                    Failure::invalid(
                        info.resource_type,
                        name,
                        format!("{name} must be an integer, not {v:?}"),
                    )
                })
            })
            .transpose()
    };
    Ok(ListParams {
        conditions: request.param("conditions"),
        child_conditions: request.param("childConditions"),
        custom_field_conditions: request.param("customFieldConditions"),
        order_by: request.param("orderBy"),
        fields: request.param("fields"),
        page: int("page")?,
        page_size: int("pageSize")?,
        page_id: int("pageId")?,
        forward_only,
    })
}

/// `GET` of a list path.
fn list(s: &Shared, table: Table, request: &Incoming<'_>) -> Reply {
    let info = table.info();
    let forward_only = info.supports_page_id()
        && request
            .header("pagination-type")
            .is_some_and(|v| v.eq_ignore_ascii_case("forward-only"));
    let params = match list_params(info, request, forward_only) {
        Ok(p) => p,
        Err(f) => return Reply::failure(&f),
    };
    let rows = s.store.rows(table.resource, table.parents);
    let check = checker(&s.api.schema, info.model);
    let mut page = match query::list(&rows, &params, info.resource_type, &check) {
        Ok(p) => p,
        Err(f) => return Reply::failure(&f),
    };
    let mut reply = Reply::json(200, &std::mem::take(&mut page.items));
    let url = |changes: &[(&str, String)]| -> String {
        let mut pairs: Vec<(String, String)> = request
            .query
            .iter()
            .filter(|(k, _)| !changes.iter().any(|(c, _)| k.eq_ignore_ascii_case(c)))
            .cloned()
            .collect();
        pairs.extend(changes.iter().map(|(k, v)| ((*k).to_owned(), v.clone())));
        let query = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        format!("{}{BASE_PATH}{}?{query}", s.origin, request.path)
    };
    let size = page.page_size.to_string();
    if forward_only {
        if let Some(next) = page.next_page_id {
            reply.headers.push((
                "link",
                format!(
                    "<{}>; rel=\"next\"",
                    url(&[("pageId", next.to_string()), ("pageSize", size)])
                ),
            ));
        }
    } else {
        let last = page.total.div_ceil(page.page_size).max(1);
        let mut links = Vec::new();
        let mut link = |n: usize, rel: &str| {
            links.push(format!(
                "<{}>; rel=\"{rel}\"",
                url(&[("page", n.to_string()), ("pageSize", size.clone())])
            ));
        };
        if page.page < last {
            link(page.page + 1, "next");
        }
        if page.page > 1 {
            link(page.page - 1, "prev");
            link(1, "first");
        }
        if page.page < last {
            link(last, "last");
        }
        if !links.is_empty() {
            reply.headers.push(("link", links.join(", ")));
        }
    }
    reply
}

/// `GET` of a get-by-id path.
fn get(s: &Shared, table: Table, id: i32, request: &Incoming<'_>) -> Result<Reply, Failure> {
    let rows = s.store.rows(table.resource, table.parents);
    let fields = request.param("fields");
    query::get(&rows, id, fields.as_deref(), table.info().resource_type)
        .map(|row| Reply::json(200, &row))
}

/// `GET` of a count path: `{"count": n}`.
fn count(s: &Shared, table: Table, request: &Incoming<'_>) -> Result<Reply, Failure> {
    let info = table.info();
    let params = list_params(info, request, false)?;
    let rows = s.store.rows(table.resource, table.parents);
    let check = checker(&s.api.schema, info.model);
    let n = query::count(&rows, &params, info.resource_type, &check)?;
    Ok(Reply::json(200, &json!({ "count": n })))
}

/// An action that answers a list of its resource's model, with the filters in its body
/// (`POST /service/tickets/search` with `{"conditions": "..."}`), paged by the URL's `page`
/// and `pageSize`.
fn search(s: &Shared, table: Table, request: &Incoming<'_>) -> Result<Reply, Failure> {
    let info = table.info();
    let body = if request.body.iter().all(u8::is_ascii_whitespace) {
        Value::Object(Map::new())
    } else {
        parse_json(info, request.body)?
    };
    let text = |name: &str| {
        body.as_object()?
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .and_then(|(_, v)| v.as_str())
            .filter(|v| !v.trim().is_empty())
            .map(str::to_owned)
    };
    let mut params = list_params(info, request, false)?;
    params.conditions = text("conditions");
    params.child_conditions = text("childConditions");
    params.custom_field_conditions = text("customFieldConditions");
    params.order_by = text("orderBy");
    let rows = s.store.rows(table.resource, table.parents);
    let check = checker(&s.api.schema, info.model);
    let page = query::list(&rows, &params, info.resource_type, &check)?;
    Ok(Reply::json(200, &page.items))
}

/// A generated answer of the operation's response kind: a function of the seed, the path
/// template and the path's values.
fn generated(s: &Shared, op: &OperationInfo, params: &[(Segment, &str)]) -> Reply {
    let mut parts = vec![hash_str(op.path), hash_str(op.method.as_str())];
    parts.extend(params.iter().map(|(_, v)| hash_str(v)));
    let status = if op.kind == OperationKind::Create {
        201
    } else {
        200
    };
    let api = s.api;
    match op.response {
        ResponseKind::None if op.method == Method::Delete => Reply::no_content(),
        ResponseKind::None => Reply::json(status, &json!({})),
        // JSON of another shape, which the table does not describe (an integer for
        // `/finance/agreements/{id}/invoice`, free-form JSON elsewhere): `0` decodes into both.
        ResponseKind::Json => Reply::json(status, &json!(0)),
        ResponseKind::Model(model) => Reply::json(
            status,
            &generate::model_value(api, &s.params, model, &parts),
        ),
        ResponseKind::List(model) => {
            let n = 1 + generate::Rng::new(&parts).below(3);
            let items: Vec<Value> = (0..n)
                .map(|i| {
                    let mut parts = parts.clone();
                    parts.push(i);
                    generate::model_value(api, &s.params, model, &parts)
                })
                .collect();
            Reply::json(status, &items)
        }
        ResponseKind::Count => Reply::json(status, &json!({ "count": 0 })),
        ResponseKind::Bytes => Reply::bytes(
            "application/octet-stream",
            generate::bytes(&s.params, &parts),
        ),
    }
}
