//! The HTTP side: authentication, routing of every list and get-by-id path, the Bundle
//! endpoint, `Link` headers, and the faults applied to each answer.

use crate::data::DataStore;
use crate::faults::{Faults, Plan};
use crate::query::{self, Failure, ListParams};
use crate::spec::{Api, Kind};
use crate::{MockCredentials, ReceivedRequest};
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::Response;
use connectwise::request::Keys;
use connectwise_codegen::ir::Resource;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

/// The API root below the host, as on ConnectWise's cloud servers.
pub(crate) const BASE_PATH: &str = "/v4_6_release/apis/3.0";

/// Everything a request handler needs.
pub(crate) struct Shared {
    pub api: Arc<Api>,
    pub data: Arc<DataStore>,
    pub credentials: MockCredentials,
    pub faults: Faults,
    pub log: Arc<Mutex<Vec<ReceivedRequest>>>,
    /// `http://127.0.0.1:port`, for `Link` headers.
    pub origin: String,
}

/// An answer before faults are applied.
struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn json(status: u16, value: &Value) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: serde_json::to_vec(value).unwrap_or_default(),
        }
    }

    fn failure(f: &Failure) -> Reply {
        Reply::json(f.status, &f.body)
    }
}

pub(crate) fn router(shared: Arc<Shared>) -> axum::Router {
    axum::Router::new().fallback(handle).with_state(shared)
}

async fn handle(
    State(s): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let query_pairs: Vec<(String, String)> = uri
        .query()
        .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default();
    let path = uri
        .path()
        .strip_prefix(BASE_PATH)
        .unwrap_or(uri.path())
        .to_owned();
    s.log
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(ReceivedRequest {
            method: method.to_string(),
            path: path.clone(),
            query: query_pairs.clone(),
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), String::from_utf8_lossy(v.as_bytes()).into()))
                .collect(),
            body: body.to_vec(),
        });

    let plan = s.faults.plan();
    if !plan.latency.is_zero() {
        tokio::time::sleep(plan.latency).await;
    }
    let reply = if let Some((status, retry_after)) = plan.fail {
        let mut r = Reply::json(
            status,
            &json!({
                "code": if status == 429 { "TooManyRequests" } else { "ServerError" },
                "message": if status == 429 { "Rate limit exceeded" } else { "Injected server error" },
                "errors": [],
            }),
        );
        if let Some(secs) = retry_after {
            r.headers.push(("retry-after", secs.to_string()));
        }
        r
    } else if let Err(f) = authenticate(&s.credentials, &headers) {
        Reply::failure(&f)
    } else if !uri.path().starts_with(BASE_PATH) {
        Reply::failure(&Failure::new(
            404,
            "NotFound",
            format!("the API lives under {BASE_PATH}"),
        ))
    } else if method == Method::POST
        && path
            .trim_end_matches('/')
            .eq_ignore_ascii_case("/system/bundles")
    {
        bundle(&s, &body)
    } else if method == Method::GET {
        let forward_only = headers
            .get("pagination-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("forward-only"));
        get(&s, &path, &query_pairs, forward_only)
    } else {
        Reply::failure(&Failure::new(
            405,
            "MethodNotAllowed",
            format!("the fake server only reads: {method} is not supported"),
        ))
    };
    respond(reply, &plan)
}

/// Basic `company+public:private` and a `clientId` header, or 401.
fn authenticate(c: &MockCredentials, headers: &HeaderMap) -> Result<(), Failure> {
    use base64::Engine;
    let unauthorized = |m: &str| Failure::new(401, "Unauthorized", m);
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| unauthorized("Authorization header is missing"))?;
    let encoded = auth
        .strip_prefix("Basic ")
        .or_else(|| auth.strip_prefix("basic "))
        .ok_or_else(|| unauthorized("Authorization must be Basic"))?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| unauthorized("Authorization is not valid base64"))?;
    let expected = format!("{}+{}:{}", c.company, c.public_key, c.private_key);
    if decoded != expected {
        return Err(unauthorized("Invalid credentials"));
    }
    let client_id = headers
        .get("clientid")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if client_id.trim().is_empty() {
        return Err(unauthorized("clientId header is required"));
    }
    Ok(())
}

/// The condition check for `resource`'s model (unknown fields, type mismatches), with the
/// same checker `bundle!` runs at compile time. A model the schema lacks is not checked.
fn checker<'a>(
    api: &'a Api,
    resource: &'a Resource,
) -> impl Fn(&connectwise_conditions::Condition) -> Result<(), Vec<String>> + 'a {
    move |condition| {
        let Some(schema) = &api.schema else {
            return Ok(());
        };
        if schema.model(&resource.model).is_none() {
            return Ok(());
        }
        connectwise_conditions::check(condition, schema, &resource.model)
            .map_err(|errors| errors.into_iter().map(|e| e.message).collect())
    }
}

/// `GET` of a list or get-by-id path.
fn get(s: &Shared, path: &str, query_pairs: &[(String, String)], forward_only: bool) -> Reply {
    let Some((resource, kind, keys)) = s.api.route(path) else {
        return Reply::failure(&Failure::new(
            404,
            "NotFound",
            format!("no endpoint at {path}"),
        ));
    };
    let param = |name: &str| {
        query_pairs
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let int = |name: &str| -> Result<Option<i64>, Failure> {
        param(name)
            .map(|v| {
                v.trim().parse::<i64>().map_err(|_| {
                    Failure::invalid(
                        &resource.resource_type,
                        name,
                        format!("{name} must be an integer, not {v:?}"),
                    )
                })
            })
            .transpose()
    };
    match kind {
        Kind::Get => {
            // The get path is the list path plus `/{id}`: its parents are the list's.
            let parents = (keys.grand_parent_id, keys.parent_id);
            let rows = s.data.rows(&s.api, resource, parents);
            let id = keys.id.unwrap_or_default();
            match query::get(
                &rows,
                id,
                param("fields").as_deref(),
                &resource.resource_type,
            ) {
                Ok(v) => Reply::json(200, &v),
                Err(f) => Reply::failure(&f),
            }
        }
        Kind::List => {
            let forward_only = forward_only && resource.supports_page_id();
            let params = (|| {
                Ok::<_, Failure>(ListParams {
                    conditions: param("conditions"),
                    child_conditions: param("childConditions"),
                    custom_field_conditions: param("customFieldConditions"),
                    order_by: param("orderBy"),
                    fields: param("fields"),
                    page: int("page")?,
                    page_size: int("pageSize")?,
                    page_id: int("pageId")?,
                    forward_only,
                })
            })();
            let params = match params {
                Ok(p) => p,
                Err(f) => return Reply::failure(&f),
            };
            // The route matched the list path, so every key it needs is there.
            let parents = crate::spec::list_parents(resource, &keys).unwrap_or_default();
            let rows = s.data.rows(&s.api, resource, parents);
            let check = checker(&s.api, resource);
            let mut page = match query::list(&rows, &params, &resource.resource_type, &check) {
                Ok(p) => p,
                Err(f) => return Reply::failure(&f),
            };
            let mut reply = Reply::json(200, &Value::Array(std::mem::take(&mut page.items)));
            let url = |changes: &[(&str, String)]| -> String {
                let mut pairs: Vec<(String, String)> = query_pairs
                    .iter()
                    .filter(|(k, _)| !changes.iter().any(|(c, _)| k.eq_ignore_ascii_case(c)))
                    .cloned()
                    .collect();
                pairs.extend(changes.iter().map(|(k, v)| ((*k).to_owned(), v.clone())));
                let query = form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(pairs)
                    .finish();
                format!("{}{BASE_PATH}{path}?{query}", s.origin)
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
    }
}

/// `POST /system/bundles`.
fn bundle(s: &Shared, body: &[u8]) -> Reply {
    let requests = match crate::incoming::parse_request_body(body) {
        Ok(r) => r,
        Err(message) => {
            return Reply::failure(&Failure::invalid(
                "BundleRequestsCollection",
                "requests",
                message,
            ))
        }
    };
    let mut results = Vec::with_capacity(requests.len());
    let (mut ok, mut failed) = (0, 0);
    for (i, incoming) in requests.iter().enumerate() {
        let sequence_number = incoming.sequence_number.unwrap_or(i as u32 + 1);
        let resource_type = incoming.resource_type.clone().unwrap_or_default();
        let version = incoming
            .version
            .clone()
            .unwrap_or_else(|| s.api.ir.version.clone());
        let outcome = sub_request(s, &resource_type, &incoming.request);
        let result = match outcome {
            Ok(entities) => {
                ok += 1;
                json!({
                    "sequenceNumber": sequence_number,
                    "resourceType": resource_type,
                    "count": entities.len(),
                    "entities": entities,
                    "version": version,
                    "success": true,
                    "statusCode": 200,
                })
            }
            Err(f) => {
                failed += 1;
                json!({
                    "sequenceNumber": sequence_number,
                    "resourceType": resource_type,
                    "entities": [],
                    "count": 0,
                    "version": version,
                    "success": false,
                    "statusCode": f.status,
                    "error": f.body,
                })
            }
        };
        results.push(result);
    }
    Reply::json(
        200,
        &json!({
            "results": results,
            "_info": {
                "success": ok.to_string(),
                "failure": failed.to_string(),
                "total": (ok + failed).to_string(),
            },
        }),
    )
}

/// One bundle sub-request, answered as its own endpoint would.
fn sub_request(
    s: &Shared,
    resource_type: &str,
    request: &connectwise::bundle::SubRequest,
) -> Result<Vec<Value>, Failure> {
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
    let keys: Keys = request.keys;
    // A list path with `{id}` in it takes the bundle's `id` as a path key; otherwise `id`
    // asks for one entity.
    let get_id = if crate::spec::list_takes_id(resource) {
        None
    } else {
        keys.id
    };
    // Ids a path does not take are ignored, as the API does (the documentation's own example
    // sends Id, ParentId and GrandParentId to a top-level list).
    let parents = crate::spec::list_parents(resource, &keys).map_err(|key| {
        Failure::invalid(
            &resource.resource_type,
            key,
            format!(
                "{key} is required for {} ({})",
                resource.resource_type, resource.path
            ),
        )
    })?;
    let rows = s.data.rows(&s.api, resource, parents);
    let q = &request.query;
    if let Some(id) = get_id {
        if resource.get_path.is_none() {
            return Err(Failure::new(
                404,
                "NotFound",
                format!(
                    "{} cannot be read by id ({})",
                    resource.resource_type, resource.path
                ),
            ));
        }
        return query::get(&rows, id, q.fields.as_deref(), &resource.resource_type)
            .map(|v| vec![v]);
    }
    let params = ListParams {
        conditions: q.conditions.clone(),
        child_conditions: q.child_conditions.clone(),
        custom_field_conditions: q.custom_field_conditions.clone(),
        order_by: q.order_by.clone(),
        fields: q.fields.clone(),
        page: q.page.map(i64::from),
        page_size: q.page_size.map(i64::from),
        page_id: q.page_id,
        forward_only: q.page_id.is_some() && q.page.is_none(),
    };
    let check = checker(&s.api, resource);
    query::list(&rows, &params, &resource.resource_type, &check).map(|p| p.items)
}

/// Applies the plan's body faults and builds the HTTP response.
fn respond(reply: Reply, plan: &Plan) -> Response {
    let mut body = reply.body;
    if plan.truncate {
        body.truncate(body.len() / 2);
    }
    let length = body.len();
    let http_body = match plan.slow {
        Some((chunk, pause)) => {
            let chunks: Vec<Vec<u8>> = body.chunks(chunk).map(<[u8]>::to_vec).collect();
            let stream = futures_util::stream::unfold(
                (chunks.into_iter(), true),
                move |(mut rest, first)| async move {
                    let next = rest.next()?;
                    if !first {
                        tokio::time::sleep(pause).await;
                    }
                    Some((Ok::<_, std::io::Error>(Bytes::from(next)), (rest, false)))
                },
            );
            Body::from_stream(stream)
        }
        None => Body::from(body),
    };
    let mut response = Response::new(http_body);
    *response.status_mut() =
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(
        "content-type",
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    headers.insert("content-length", HeaderValue::from(length));
    for (name, value) in reply.headers {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.append(name, v);
        }
    }
    response
}
