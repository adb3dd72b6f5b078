//! The Bundle endpoints: `POST /system/bundles` (reads) and `POST /system/bundles/count`
//! (counts). The request body is read leniently ([`crate::incoming`]); each sub-request is
//! answered as its own endpoint would be, and the answer is written with the runtime's wire
//! types (`connectwise::wire`), the same the client reads: `sequenceNumber`, `resourceType`,
//! `entities` (as they are, a raw JSON array), `count`, `version`, `success`, `statusCode`,
//! `error`, and `_info` totals as strings. A sub-request that fails (an unknown
//! `resourceType`, with "did you mean"; a missing id; a bad condition) fails its own result,
//! never the bundle.

use crate::api;
use crate::endpoints::checker;
use crate::incoming::{parse_request_body, IncomingRequest};
use crate::query::{self, Failure, ListParams};
use crate::server::{Reply, Shared};
use crate::store::Parents;
use connectwise::bundle::SubRequest;
use connectwise::registry::{Resource, API_VERSION};
use connectwise::wire::{BundleResult, BundleResults};
use serde_json::value::{to_raw_value, RawValue};
use serde_json::Value;
use std::collections::BTreeMap;

/// `POST /system/bundles`: each sub-request's entities.
pub(crate) fn read(s: &Shared, body: &[u8]) -> Reply {
    answer(s, body, |s, request| {
        let (raw, count) = entities(s, request)?;
        Ok((Some(raw), count))
    })
}

/// `POST /system/bundles/count`: each sub-request's count of matching rows.
pub(crate) fn count(s: &Shared, body: &[u8]) -> Reply {
    answer(s, body, |s, request| {
        let (resource, parents) = table(s, request)?;
        let info = resource.info();
        let rows = s.store.rows(resource, parents);
        let check = checker(&s.api.schema, info.model);
        let n = query::count(&rows, &list_params(request), info.resource_type, &check)?;
        Ok((None, n as u64))
    })
}

/// The envelope around each sub-request's `(entities, count)`.
fn answer(
    s: &Shared,
    body: &[u8],
    one: impl Fn(&Shared, &SubRequest) -> Result<(Option<Box<RawValue>>, u64), Failure>,
) -> Reply {
    let requests = match parse_request_body(body) {
        Ok(r) => r,
        Err(message) => {
            return Reply::failure(&Failure::invalid(
                "BundleRequestsCollection",
                "requests",
                message,
            ))
        }
    };
    let (mut ok, mut failed) = (0, 0);
    let results: Vec<BundleResult> = requests
        .iter()
        .enumerate()
        .map(|(i, incoming)| {
            let IncomingRequest {
                version,
                sequence_number,
                resource_type,
                request,
            } = incoming;
            let mut result = BundleResult {
                sequence_number: sequence_number.unwrap_or(i as u32 + 1),
                resource_type: Some(resource_type.clone().unwrap_or_default()),
                version: Some(version.clone().unwrap_or_else(|| API_VERSION.to_owned())),
                ..BundleResult::default()
            };
            match one(s, request) {
                Ok((entities, count)) => {
                    ok += 1;
                    result.entities = entities;
                    result.count = Some(count);
                    result.success = true;
                    result.status_code = 200;
                }
                Err(f) => {
                    failed += 1;
                    result.entities = RawValue::from_string("[]".into()).ok();
                    result.count = Some(0);
                    result.success = false;
                    result.status_code = f.status;
                    result.error = Some(f.error);
                }
            }
            result
        })
        .collect();
    let info: BTreeMap<String, Value> =
        [("success", ok), ("failure", failed), ("total", ok + failed)]
            .into_iter()
            .map(|(k, n)| (k.to_owned(), Value::from(n.to_string())))
            .collect();
    // Each result's entities, and room for the rest of it.
    let size = results
        .iter()
        .map(|r| r.entities.as_ref().map_or(0, |e| e.get().len()) + 256)
        .sum::<usize>()
        + 256;
    Reply::json_sized(200, &BundleResults { results, info }, size)
}

/// The resource and parent a sub-request reads.
fn table(s: &Shared, request: &SubRequest) -> Result<(Resource, Parents), Failure> {
    let resource_type = &request.resource_type;
    let Some(resource) = s.api.resource_for_type(resource_type, &request.keys) else {
        let hint = s
            .api
            .closest_type(resource_type)
            .map(|t| format!(" (did you mean `{t}`?)"))
            .unwrap_or_default();
        return Err(Failure::invalid(
            "BundleRequest",
            "resourceType",
            format!("unknown resourceType `{resource_type}`{hint}"),
        ));
    };
    let info = resource.info();
    // Ids a path does not take are ignored, as the API does (the documentation's own example
    // sends Id, ParentId and GrandParentId to a top-level list).
    let parents = api::parents_from_keys(info, &request.keys).map_err(|key| {
        Failure::invalid(
            info.resource_type,
            key,
            format!(
                "{key} is required for {} ({})",
                info.resource_type, info.path
            ),
        )
    })?;
    Ok((resource, parents))
}

fn list_params(request: &SubRequest) -> ListParams {
    let q = &request.query;
    ListParams {
        conditions: q.conditions.clone(),
        child_conditions: q.child_conditions.clone(),
        custom_field_conditions: q.custom_field_conditions.clone(),
        order_by: q.order_by.clone(),
        fields: q.fields.clone(),
        page: q.page.map(i64::from),
        page_size: q.page_size.map(i64::from),
        page_id: q.page_id,
        forward_only: q.page_id.is_some() && q.page.is_none(),
    }
}

/// One read sub-request, answered as its own endpoint would: one entity for an `id` (where
/// the list path does not itself take `{id}`), else a page of the list; with their number.
fn entities(s: &Shared, request: &SubRequest) -> Result<(Box<RawValue>, u64), Failure> {
    let (resource, parents) = table(s, request)?;
    let info = resource.info();
    let rows = s.store.rows(resource, parents);
    let q = &request.query;
    let get_id = if api::list_takes_id(info) {
        None
    } else {
        request.keys.id
    };
    if let Some(id) = get_id {
        if info.get_segments.is_none() {
            return Err(Failure::new(
                404,
                "NotFound",
                format!(
                    "{} cannot be read by id ({})",
                    info.resource_type, info.path
                ),
            ));
        }
        let one = query::get(&rows, id, q.fields.as_deref(), info.resource_type)?;
        return Ok((raw(&[one]), 1));
    }
    let check = checker(&s.api.schema, info.model);
    let page = query::list(&rows, &list_params(request), info.resource_type, &check)?;
    Ok((raw(&page.items), page.items.len() as u64))
}

/// Entities as the raw JSON array the envelope carries.
fn raw<T: serde::Serialize>(entities: &[T]) -> Box<RawValue> {
    // Plain JSON values: serializing cannot fail.
    to_raw_value(entities).unwrap_or_default()
}
