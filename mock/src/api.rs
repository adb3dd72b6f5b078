//! What the fake server knows about the API, all of it from the `connectwise` crate's
//! generated tables: the operations it routes ([`OPERATIONS`]), the resources it keeps rows
//! for ([`Resource::ALL`]) and every model's fields (`CONDITION_SCHEMA`), which the data is
//! generated from and conditions are checked against. Nothing is read from a spec at run
//! time; the schema text is parsed once per process.

use crate::store::Parents;
use crate::MockError;
use connectwise::registry::{
    Method, OperationInfo, PathKey, Resource, ResourceInfo, Segment, OPERATIONS,
};
use connectwise::request::Keys;
use connectwise_conditions::Schema;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The API, ready to serve: built once per process.
#[derive(Debug)]
pub(crate) struct Api {
    /// Every model's fields, by Rust name.
    pub schema: Schema,
    /// Lower-cased resourceType, and resource name without underscores -> resources, each
    /// model's primary resource first.
    by_type: HashMap<String, Vec<Resource>>,
    /// Every resourceType once, for "did you mean".
    types: Vec<&'static str>,
}

/// Where a request goes: an operation of the table, with its path's parameter values.
#[derive(Debug)]
pub(crate) enum Route<'p> {
    Found {
        op: &'static OperationInfo,
        /// The parameters' values, in path order.
        params: Vec<(Segment, &'p str)>,
    },
    /// The path is the spec's, but not with this method: these are its methods.
    MethodNotAllowed(Vec<Method>),
    NotFound,
}

/// What an operation of a resource acts on, by the shape of its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    /// The list path: list, create.
    Collection,
    /// The count path.
    Count,
    /// The list path and one id: get, replace, patch, delete.
    Record(i32),
    /// Below one record (`/service/tickets/{id}/copy`).
    UnderRecord(i32),
    /// Anything else.
    Other,
}

impl Api {
    /// The API of the `connectwise` crate this was built with, loaded once per process.
    pub fn get() -> Result<&'static Api, MockError> {
        static API: OnceLock<Result<Api, String>> = OnceLock::new();
        API.get_or_init(|| {
            Schema::from_json(connectwise::__private::CONDITION_SCHEMA)
                .map(Api::new)
                .map_err(|e| format!("the runtime's condition schema does not load: {e}"))
        })
        .as_ref()
        .map_err(|e| MockError::Spec(e.clone()))
    }

    fn new(schema: Schema) -> Api {
        let mut ordered: Vec<Resource> = Resource::ALL.to_vec();
        // The primary resource of a model first, by codegen's rule: fewest segments, then
        // fewest parameters, then the smallest path. `Member` is `/system/members`, not
        // `/system/members/withSso`.
        ordered.sort_by_key(|r| {
            let info = r.info();
            (info.segments.len(), info.keys.len(), info.path)
        });
        let mut by_type: HashMap<String, Vec<Resource>> = HashMap::new();
        let mut types = Vec::new();
        for r in ordered {
            let info = r.info();
            by_type
                .entry(info.resource_type.to_ascii_lowercase())
                .or_default()
                .push(r);
            by_type
                .entry(info.name.replace('_', ""))
                .or_default()
                .push(r);
            types.push(info.resource_type);
        }
        types.sort_unstable();
        types.dedup();
        Api {
            schema,
            by_type,
            types,
        }
    }

    /// The string format of `model`'s field `field` (its JSON name), if it has one: `uuid`,
    /// `byte`, `binary` (the schema's `formats`).
    pub fn format(&self, model: &str, field: &str) -> Option<&str> {
        self.schema
            .model(model)?
            .formats
            .get(field)
            .map(String::as_str)
    }

    /// The operation `method` on `path` (below the API root) is: the one whose path matches
    /// with the most literal segments (`/system/members/withSso` over `/system/members/{id}`).
    /// An id parameter (`{id}`, `{parentId}`, `{grandparentId}`) must be an integer.
    pub fn route<'p>(&self, method: Option<Method>, path: &'p str) -> Route<'p> {
        let mut best: Option<(&'static OperationInfo, Vec<(Segment, &'p str)>)> = None;
        let mut allowed = Vec::new();
        for op in OPERATIONS.iter() {
            // `matches` compares the method too: with the operation's own, only the path.
            let Some(params) = op.matches(op.method, path) else {
                continue;
            };
            let ids_are_integers = params.iter().all(|(segment, value)| match segment {
                Segment::Param { key: Some(_), .. } => value.parse::<i32>().is_ok(),
                _ => true,
            });
            if !ids_are_integers {
                continue;
            }
            if Some(op.method) == method {
                if best
                    .as_ref()
                    .map_or(true, |(b, _)| op.literals() > b.literals())
                {
                    best = Some((op, params));
                }
            } else if !allowed.contains(&op.method) {
                allowed.push(op.method);
            }
        }
        match best {
            Some((op, params)) => Route::Found { op, params },
            None if !allowed.is_empty() => {
                allowed.sort();
                Route::MethodNotAllowed(allowed)
            }
            None => Route::NotFound,
        }
    }

    /// The resource a bundle's `resourceType` names: its resourceType or its name, in any
    /// case, with or without underscores (the documentation sends `purchaseorderlineitem`).
    ///
    /// Several list paths may share one resourceType (`ActivityReference` under
    /// `/marketing/campaigns/{id}` and `/service/tickets/{parentId}`); the wire format has
    /// nothing else to tell them apart, so the ids sent decide: the resource whose list path
    /// takes exactly those ids (a get-by-id path first, then a list path), else the primary one.
    pub fn resource_for_type(&self, resource_type: &str, keys: &Keys) -> Option<Resource> {
        let key = resource_type.to_ascii_lowercase();
        let candidates = self
            .by_type
            .get(&key)
            .or_else(|| self.by_type.get(&key.replace('_', "")))?;
        let given: Vec<PathKey> = [
            (PathKey::GrandParentId, keys.grand_parent_id),
            (PathKey::ParentId, keys.parent_id),
            (PathKey::Id, keys.id),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|_| k))
        .collect();
        let list_keys = |r: &Resource| {
            let mut k = r.info().keys.to_vec();
            k.sort();
            k
        };
        let is_get = |r: &&Resource| {
            let mut k = list_keys(r);
            k.push(PathKey::Id);
            k.sort();
            r.info().get_segments.is_some() && k == given
        };
        let is_list = |r: &&Resource| list_keys(r) == given;
        // Where reads share the type and ids, the one that clashes with no other (the plain
        // collection, as the client's registry says) answers; then a get-by-id, as typed gets
        // are the common case; then any.
        let served = candidates.iter().find(|r| {
            (is_get(r) && r.info().get_clash.is_none())
                || (is_list(r) && r.info().list_clash.is_none())
        });
        served
            .or_else(|| candidates.iter().find(is_get))
            .or_else(|| candidates.iter().find(is_list))
            .or(candidates.first())
            .copied()
    }

    /// The known resourceType closest to `resource_type`, for "did you mean".
    pub fn closest_type(&self, resource_type: &str) -> Option<&'static str> {
        connectwise_conditions::did_you_mean(resource_type, self.types.iter().copied())
    }
}

/// What `op` acts on within `resource`, from the shape of its path and the values `params`
/// of its parameters.
pub(crate) fn target(
    op: &OperationInfo,
    resource: &ResourceInfo,
    params: &[(Segment, &str)],
) -> Target {
    let list = resource.segments;
    if op.segments == list {
        return Target::Collection;
    }
    if resource.count_segments == Some(op.segments) {
        return Target::Count;
    }
    let Some(rest) = op.segments.strip_prefix(list) else {
        return Target::Other;
    };
    let Some((Segment::Param { key: Some(_), .. }, after)) = rest.split_first() else {
        return Target::Other;
    };
    // The record's id is the first parameter after the list path's own.
    let before = list
        .iter()
        .filter(|s| matches!(s, Segment::Param { .. }))
        .count();
    let Some(id) = params.get(before).and_then(|(_, v)| v.parse().ok()) else {
        return Target::Other;
    };
    if after.is_empty() {
        Target::Record(id)
    } else {
        Target::UnderRecord(id)
    }
}

/// The parents of a resource's rows from a request path that starts with its list path:
/// the values of the list path's parameters (`params`, in path order), the last two
/// (`(grandParentId, parentId)`, or `(None, parentId)`).
pub(crate) fn parents_from_path(resource: &ResourceInfo, params: &[(Segment, &str)]) -> Parents {
    let n = resource
        .segments
        .iter()
        .filter(|s| matches!(s, Segment::Param { .. }))
        .count();
    let values: Vec<i32> = params
        .iter()
        .take(n)
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    parents_of(&values)
}

/// The parents of a resource's rows from a bundle sub-request's ids: the values of its list
/// path's keys (a list path with `{id}` in it, such as `/company/portalSecurityLevels/{id}/...`,
/// is keyed by that id). `Err` names the first missing key.
pub(crate) fn parents_from_keys(
    resource: &ResourceInfo,
    keys: &Keys,
) -> Result<Parents, &'static str> {
    let mut values = Vec::with_capacity(2);
    for key in resource.keys {
        let name = match key {
            PathKey::GrandParentId => "grandParentId",
            PathKey::ParentId => "parentId",
            PathKey::Id => "id",
        };
        values.push(keys.get(*key).ok_or(name)?);
    }
    Ok(parents_of(&values))
}

fn parents_of(values: &[i32]) -> Parents {
    match values {
        [] => (None, None),
        [p] => (None, Some(*p)),
        [.., g, p] => (Some(*g), Some(*p)),
    }
}

/// Whether the list path itself takes `{id}` (so a bundle's `id` is part of the list's path,
/// not a get-by-id).
pub(crate) fn list_takes_id(resource: &ResourceInfo) -> bool {
    resource.keys.contains(&PathKey::Id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(method: Method, path: &str) -> &'static OperationInfo {
        match Api::get().unwrap().route(Some(method), path) {
            Route::Found { op, .. } => op,
            other => panic!("{method} {path}: {other:?}"),
        }
    }

    #[test]
    fn literal_segments_win_and_ids_must_be_integers() {
        assert_eq!(
            found(Method::Get, "/system/members/withSso").group,
            "member_with_sso"
        );
        assert_eq!(found(Method::Get, "/system/members/12").function, "get");
        assert_eq!(
            found(Method::Post, "/service/tickets/search").function,
            "search"
        );
        assert_eq!(found(Method::Get, "/SERVICE/Tickets/").function, "list");
        let api = Api::get().unwrap();
        assert!(matches!(
            api.route(Some(Method::Get), "/service/tickets/abc"),
            Route::NotFound
        ));
        assert!(matches!(
            api.route(Some(Method::Get), "/service/tickets/search"),
            Route::MethodNotAllowed(m) if m == [Method::Post]
        ));
        assert!(matches!(
            api.route(None, "/service/tickets"),
            Route::MethodNotAllowed(m) if m == [Method::Get, Method::Post]
        ));
    }

    #[test]
    fn targets_follow_the_path_shape() {
        let api = Api::get().unwrap();
        let cases = [
            (Method::Get, "/service/tickets", Target::Collection),
            (Method::Get, "/service/tickets/count", Target::Count),
            (Method::Patch, "/service/tickets/5", Target::Record(5)),
            (
                Method::Post,
                "/service/tickets/5/copy",
                Target::UnderRecord(5),
            ),
            (Method::Post, "/service/tickets/search", Target::Other),
            (
                Method::Delete,
                "/service/tickets/7/notes/2",
                Target::Record(2),
            ),
        ];
        for (method, path, expected) in cases {
            let Route::Found { op, params } = api.route(Some(method), path) else {
                panic!("{path}");
            };
            let resource = op.resource.unwrap().info();
            assert_eq!(target(op, resource, &params), expected, "{path}");
        }
        let Route::Found { op, params } = api.route(
            Some(Method::Get),
            "/company/configurations/types/3/questions/7/values",
        ) else {
            panic!("values");
        };
        assert_eq!(
            parents_from_path(op.resource.unwrap().info(), &params),
            (Some(3), Some(7))
        );
    }

    #[test]
    fn resource_types_pick_by_ids_then_primary() {
        let api = Api::get().unwrap();
        assert_eq!(
            api.resource_for_type("member", &Keys::NONE),
            Some(Resource::Member)
        );
        assert_eq!(
            api.resource_for_type("purchaseorderlineitem", &Keys::new(None, Some(1), None)),
            Some(Resource::PurchaseOrderLineItem)
        );
        assert_eq!(api.resource_for_type("Tickett", &Keys::NONE), None);
        assert_eq!(api.closest_type("Tickett"), Some("Ticket"));
    }

    #[test]
    fn string_formats_come_from_the_table() {
        let api = Api::get().unwrap();
        assert_eq!(api.format("Ticket", "mobileGuid"), Some("uuid"));
        assert_eq!(api.format("Ticket", "summary"), None);
        assert_eq!(api.format("NoSuchModel", "mobileGuid"), None);
    }
}
