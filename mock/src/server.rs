//! The HTTP side: the request log, faults, authentication, routing (the Bundle endpoints,
//! then the runtime's operation table: 404 for a path the spec lacks, 405 for a method it
//! lacks on a path it has) and the response.

use crate::api::{Api, Route};
use crate::faults::{Faults, Plan};
use crate::generate::Params;
use crate::query::Failure;
use crate::store::Store;
use crate::{MockCredentials, RecordedRequest};
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method as HttpMethod, StatusCode, Uri};
use axum::response::Response;
use connectwise::registry::Method;
use serde::Serialize;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// The API root below the host, as on ConnectWise's cloud servers.
pub(crate) const BASE_PATH: &str = "/v4_6_release/apis/3.0";

/// Everything a request handler needs.
pub(crate) struct Shared {
    pub api: &'static Api,
    pub store: Store,
    /// What generated answers (of actions, downloads, ...) are a function of.
    pub params: Params,
    pub credentials: MockCredentials,
    pub faults: Faults,
    pub log: Arc<Mutex<Vec<RecordedRequest>>>,
    /// The log keeps at most this many requests.
    pub max_logged: usize,
    /// Requests received since the start (not reset with the log).
    pub received: Arc<std::sync::atomic::AtomicU64>,
    /// 429s answered and requests in flight.
    pub counters: Arc<Counters>,
    /// `http://127.0.0.1:port`, for `Link` headers.
    pub origin: String,
    /// Callback deliveries and the signing key.
    pub callbacks: crate::callbacks::Callbacks,
}

/// What the server counts besides the requests received.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    /// 429s answered (throttle mode and `too_many_requests` faults).
    pub too_many: AtomicU64,
    /// Requests being answered now.
    pub in_flight: AtomicU64,
    /// The most requests in flight at once (since the start or the last reset).
    pub max_in_flight: AtomicU64,
}

/// A request in flight, from its arrival until its answer is handed to the connection (a
/// slow body: until its last chunk is).
struct InFlight(Arc<Counters>);

impl InFlight {
    fn start(counters: &Arc<Counters>) -> Self {
        let now = counters.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        counters.max_in_flight.fetch_max(now, Ordering::SeqCst);
        InFlight(Arc::clone(counters))
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// One request, as the answering code reads it.
pub(crate) struct Incoming<'a> {
    /// Below the API root: `/service/tickets`.
    pub path: &'a str,
    /// Decoded query parameters, in order.
    pub query: &'a [(String, String)],
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
}

impl Incoming<'_> {
    /// The first query parameter named `name` (any case).
    pub fn param(&self, name: &str) -> Option<String> {
        self.query
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    }

    /// The first header named `name`, if it is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// An answer before faults are applied.
pub(crate) struct Reply {
    pub status: u16,
    /// `None` for no body at all (204).
    pub content_type: Option<&'static str>,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json<T: Serialize + ?Sized>(status: u16, value: &T) -> Reply {
        Reply::json_sized(status, value, 128)
    }

    /// [`json`](Self::json), written into a body of `capacity` bytes (a large answer is not
    /// copied as it grows).
    pub fn json_sized<T: Serialize + ?Sized>(status: u16, value: &T, capacity: usize) -> Reply {
        let mut body = Vec::with_capacity(capacity);
        // Values of JSON maps with string keys: serializing cannot fail.
        if serde_json::to_writer(&mut body, value).is_err() {
            body.clear();
        }
        Reply {
            status,
            content_type: Some("application/json; charset=utf-8"),
            headers: Vec::new(),
            body,
        }
    }

    pub fn failure(f: &Failure) -> Reply {
        Reply::json(f.status, &f.error)
    }

    /// `204 No Content`.
    pub fn no_content() -> Reply {
        Reply {
            status: 204,
            content_type: None,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn bytes(content_type: &'static str, body: Vec<u8>) -> Reply {
        Reply {
            status: 200,
            content_type: Some(content_type),
            headers: Vec::new(),
            body,
        }
    }
}

pub(crate) fn router(shared: Arc<Shared>) -> axum::Router {
    axum::Router::new().fallback(handle).with_state(shared)
}

async fn handle(
    State(s): State<Arc<Shared>>,
    method: HttpMethod,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let query_string = uri.query().unwrap_or_default();
    let query: Vec<(String, String)> = form_urlencoded::parse(query_string.as_bytes())
        .into_owned()
        .collect();
    let path = uri.path().strip_prefix(BASE_PATH).unwrap_or(uri.path());
    let in_flight = InFlight::start(&s.counters);
    s.received
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let plan = s.faults.plan();
    {
        let mut log = s.log.lock().unwrap_or_else(|p| p.into_inner());
        if log.len() < s.max_logged {
            log.push(RecordedRequest {
                method: method.to_string(),
                path: path.to_owned(),
                query_string: query_string.to_owned(),
                query: query.clone(),
                headers: headers
                    .iter()
                    .map(|(k, v)| (k.to_string(), String::from_utf8_lossy(v.as_bytes()).into()))
                    .collect(),
                body: body.to_vec(),
                fault: plan.kind(),
            });
        }
    }

    if !plan.latency.is_zero() {
        tokio::time::sleep(plan.latency).await;
    }
    let reply = if let Some((status, retry_after)) = plan.fail {
        let (code, message) = if status == 429 {
            ("TooManyRequests", "Rate limit exceeded")
        } else {
            ("ServerError", "Injected server error")
        };
        if status == 429 {
            s.counters.too_many.fetch_add(1, Ordering::SeqCst);
        }
        let mut r = Reply::failure(&Failure::new(status, code, message));
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
    } else {
        let request = Incoming {
            path,
            query: &query,
            headers: &headers,
            body: &body,
        };
        answer(&s, &method, &request)
    };
    // Acted on, then the answer lost: a proxy's 5xx instead.
    let reply = match plan.fail_after {
        Some(status) => Reply::failure(&Failure::new(
            status,
            "ServerError",
            "Injected server error after the request was acted on",
        )),
        None => reply,
    };
    respond(reply, &plan, in_flight)
}

/// Routes an authenticated request below the API root.
fn answer(s: &Shared, method: &HttpMethod, request: &Incoming<'_>) -> Reply {
    let method_http = method;
    let method = match *method {
        HttpMethod::GET => Some(Method::Get),
        HttpMethod::POST => Some(Method::Post),
        HttpMethod::PUT => Some(Method::Put),
        HttpMethod::PATCH => Some(Method::Patch),
        HttpMethod::DELETE => Some(Method::Delete),
        _ => None,
    };
    if let Some(reply) = crate::callbacks::key(s, method_http, request) {
        return reply;
    }
    // The Bundle endpoints are served whatever the spec says: every client uses them.
    let bare = request.path.trim_end_matches('/');
    if method == Some(Method::Post) && bare.eq_ignore_ascii_case("/system/bundles") {
        return crate::bundles::read(s, request.body);
    }
    if method == Some(Method::Post) && bare.eq_ignore_ascii_case("/system/bundles/count") {
        return crate::bundles::count(s, request.body);
    }
    match s.api.route(method, request.path) {
        Route::Found { op, params } => crate::endpoints::answer(s, op, &params, request),
        Route::MethodNotAllowed(allowed) => {
            let names: Vec<&str> = allowed.iter().map(|m| m.as_str()).collect();
            let mut reply = Reply::failure(&Failure::new(
                405,
                "MethodNotAllowed",
                format!(
                    "{} {} is not an operation of the spec; this path takes {}",
                    method.map_or("this method", Method::as_str),
                    request.path,
                    names.join(", ")
                ),
            ));
            reply.headers.push(("allow", names.join(", ")));
            reply
        }
        Route::NotFound => Reply::failure(&Failure::new(
            404,
            "NotFound",
            format!("no endpoint at {}", request.path),
        )),
    }
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

/// Applies the plan's body faults and builds the HTTP response; the request is in flight
/// until `in_flight` is dropped.
fn respond(reply: Reply, plan: &Plan, in_flight: InFlight) -> Response {
    let mut body = reply.body;
    if plan.truncate {
        body.truncate(body.len() / 2);
    }
    let length = body.len();
    let http_body = if plan.drop {
        // Half of the body, then an error: the connection is closed mid-body, short of the
        // announced `Content-Length`.
        let half = Bytes::from(body[..length / 2].to_vec());
        let parts: Vec<Result<Bytes, std::io::Error>> = vec![
            Ok(half),
            Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionAborted,
                "injected: connection dropped mid-body",
            )),
        ];
        Body::from_stream(futures_util::stream::iter(parts))
    } else {
        match plan.slow {
            Some((chunk, pause)) => {
                let chunks: Vec<Vec<u8>> = body.chunks(chunk).map(<[u8]>::to_vec).collect();
                // In flight until the last chunk is handed over: the count drops before
                // that chunk is written, so a client cannot have read the whole body (and
                // sent its next request) while the server still counts this one.
                let stream = futures_util::stream::unfold(
                    (chunks.into_iter().peekable(), true, Some(in_flight)),
                    move |(mut rest, first, mut in_flight)| async move {
                        let next = rest.next()?;
                        if !first {
                            tokio::time::sleep(pause).await;
                        }
                        if rest.peek().is_none() {
                            drop(in_flight.take());
                        }
                        Some((
                            Ok::<_, std::io::Error>(Bytes::from(next)),
                            (rest, false, in_flight),
                        ))
                    },
                );
                Body::from_stream(stream)
            }
            None => Body::from(body),
        }
    };
    let mut response = Response::new(http_body);
    *response.status_mut() =
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    if let Some(content_type) = reply.content_type {
        headers.insert("content-type", HeaderValue::from_static(content_type));
    }
    if reply.status != 204 {
        headers.insert("content-length", HeaderValue::from(length));
    }
    for (name, value) in reply.headers {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.append(name, v);
        }
    }
    response
}
