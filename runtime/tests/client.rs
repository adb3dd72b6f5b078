//! The HTTP client against a scripted server on loopback: headers, retries (429 with
//! `Retry-After`, 5xx, connection errors), timeouts, error bodies, paging, and a bundle.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use connectwise::models::{Company, Ticket};
use connectwise::{Bundle, Client, Credentials, Error, Request, RetryPolicy};
use futures_util::TryStreamExt;
use serde_json::json;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A canned response: status, headers, body.
type Canned = (u16, Vec<(&'static str, String)>, String);
/// What the server saw of one request.
type Seen = (HeaderMap, HashMap<String, String>, Bytes);
type QueryLog = Arc<Mutex<Vec<HashMap<String, String>>>>;
type ModeAndQuery = (Option<String>, HashMap<String, String>);

/// A scripted server: each request to a route pops the next canned response (the last one
/// repeats), and every request's headers and query are recorded.
#[derive(Clone, Default)]
struct Script {
    responses: Arc<Mutex<Vec<Canned>>>,
    seen: Arc<Mutex<Vec<Seen>>>,
    hits: Arc<AtomicUsize>,
}

impl Script {
    fn new(responses: Vec<Canned>) -> Self {
        Script {
            responses: Arc::new(Mutex::new(responses)),
            ..Default::default()
        }
    }
}

async fn scripted(
    State(s): State<Script>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    s.hits.fetch_add(1, Ordering::SeqCst);
    s.seen.lock().unwrap().push((headers, q, body));
    let (status, headers, body) = {
        let mut r = s.responses.lock().unwrap();
        if r.len() > 1 {
            r.remove(0)
        } else {
            r[0].clone()
        }
    };
    if status == 999 {
        // Stall longer than any client timeout in these tests.
        tokio::time::sleep(Duration::from_secs(5)).await;
        return StatusCode::OK.into_response();
    }
    let mut resp = (StatusCode::from_u16(status).unwrap(), body).into_response();
    for (k, v) in headers {
        resp.headers_mut().insert(k, v.parse().unwrap());
    }
    resp
}

async fn serve(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{addr}/v4_6_release/apis/3.0")
}

async fn scripted_server(script: &Script) -> String {
    let router = Router::new()
        .route(
            "/v4_6_release/apis/3.0/service/tickets",
            get(scripted).post(scripted),
        )
        .route(
            "/v4_6_release/apis/3.0/service/tickets/{id}",
            axum::routing::put(scripted)
                .patch(scripted)
                .delete(scripted),
        )
        .route(
            "/v4_6_release/apis/3.0/service/tickets/count",
            get(scripted),
        )
        .route(
            "/v4_6_release/apis/3.0/system/bundles/count",
            post(scripted),
        )
        .route(
            "/v4_6_release/apis/3.0/company/companies/{id}",
            get(scripted),
        )
        .route("/v4_6_release/apis/3.0/system/bundles", post(scripted))
        .with_state(script.clone());
    serve(router).await
}

fn client(base: &str, retry: RetryPolicy) -> Client {
    Client::builder(base)
        .credentials(Credentials::new("acme", "pub", "priv"))
        .client_id("11111111-2222-3333-4444-555555555555")
        .retry(retry)
        .timeout(Duration::from_millis(500))
        .build()
        .unwrap()
}

fn fast_retries(n: u32) -> RetryPolicy {
    RetryPolicy {
        max_retries: n,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_secs(2),
    }
}

fn ok(body: serde_json::Value) -> Canned {
    (
        200,
        vec![("content-type", "application/json".into())],
        body.to_string(),
    )
}

#[tokio::test]
async fn sends_basic_auth_client_id_and_versioned_accept() {
    let script = Script::new(vec![ok(json!([{"id": 1, "summary": "Printer on fire"}]))]);
    let base = scripted_server(&script).await;
    let tickets = client(&base, RetryPolicy::none())
        .list(
            Ticket::list()
                .conditions("board/name = 'Help Desk'")
                .page_size(50),
        )
        .await
        .unwrap();
    assert_eq!(tickets[0].summary.as_deref(), Some("Printer on fire"));
    let seen = script.seen.lock().unwrap();
    let (headers, query, _) = &seen[0];
    assert_eq!(headers["authorization"], "Basic YWNtZStwdWI6cHJpdg==");
    assert_eq!(headers["clientid"], "11111111-2222-3333-4444-555555555555");
    assert_eq!(
        headers["accept"],
        format!(
            "application/vnd.connectwise.com+json; version={}",
            connectwise::API_VERSION
        )
    );
    assert_eq!(query["conditions"], "board/name = 'Help Desk'");
    assert_eq!(query["pageSize"], "50");
}

#[tokio::test]
async fn retries_429_after_retry_after_seconds() {
    let script = Script::new(vec![
        (429, vec![("retry-after", "1".into())], String::new()),
        ok(json!([])),
    ]);
    let base = scripted_server(&script).await;
    let started = Instant::now();
    client(&base, fast_retries(3))
        .list(Ticket::list())
        .await
        .unwrap();
    assert_eq!(script.hits.load(Ordering::SeqCst), 2);
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "Retry-After: 1 was not honoured"
    );
}

#[tokio::test]
async fn retries_502_503_504_then_succeeds() {
    let script = Script::new(vec![
        (502, vec![], String::new()),
        (503, vec![], String::new()),
        (504, vec![], String::new()),
        ok(json!([{"id": 3}])),
    ]);
    let base = scripted_server(&script).await;
    let tickets = client(&base, fast_retries(3))
        .list(Ticket::list())
        .await
        .unwrap();
    assert_eq!(tickets[0].id, Some(3));
    assert_eq!(script.hits.load(Ordering::SeqCst), 4);
}

#[tokio::test]
async fn gives_up_after_max_retries_with_the_last_status() {
    let script = Script::new(vec![(503, vec![], String::new())]);
    let base = scripted_server(&script).await;
    let err = client(&base, fast_retries(2))
        .list(Ticket::list())
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(script.hits.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn does_not_retry_other_errors_and_keeps_the_api_error_body() {
    let script = Script::new(vec![(
        400,
        vec![],
        json!({"code": "InvalidObject", "message": "conditions: unknown field",
               "errors": [{"code": "InvalidField", "message": "Unknown field nmae", "resource": "ticket", "field": "nmae"}]})
        .to_string(),
    )]);
    let base = scripted_server(&script).await;
    let err = client(&base, fast_retries(3))
        .list(Ticket::list())
        .await
        .unwrap_err();
    assert_eq!(script.hits.load(Ordering::SeqCst), 1);
    match &err {
        Error::Status {
            status: 400,
            body: Some(body),
            ..
        } => {
            assert_eq!(body.code.as_deref(), Some("InvalidObject"));
            assert_eq!(body.errors[0].field.as_deref(), Some("nmae"));
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("Unknown field nmae"), "{err}");
}

#[tokio::test]
async fn a_timeout_is_a_typed_error() {
    let script = Script::new(vec![(999, vec![], String::new())]);
    let base = scripted_server(&script).await;
    let err = client(&base, RetryPolicy::none())
        .list(Ticket::list())
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
}

#[tokio::test]
async fn connection_errors_are_retried_then_reported() {
    // A port nothing listens on.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let base = format!("http://127.0.0.1:{port}/apis/3.0");
    let err = client(&base, fast_retries(2))
        .list(Ticket::list())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(!format!("{err:?}").contains("priv"), "secrets in the error");
}

#[tokio::test]
async fn malformed_body_is_a_decode_error_with_its_path() {
    let script = Script::new(vec![ok(json!([{"id": 1}, {"id": {"nested": true}}]))]);
    let base = scripted_server(&script).await;
    let err = client(&base, RetryPolicy::none())
        .list(Ticket::list())
        .await
        .unwrap_err();
    match err {
        Error::Decode { path, .. } => assert_eq!(path, "[1].id"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn get_by_id_fills_the_path() {
    let script = Script::new(vec![ok(json!({"id": 250, "name": "Acme"}))]);
    let base = scripted_server(&script).await;
    let company: Company = client(&base, RetryPolicy::none())
        .get(Company::get(250))
        .await
        .unwrap();
    assert_eq!(company.name.as_deref(), Some("Acme"));
}

#[tokio::test]
async fn bundle_post_is_retried_and_decoded() {
    let script = Script::new(vec![
        (503, vec![], String::new()),
        ok(json!({"results": [
            {"sequenceNumber": 2, "success": true, "statusCode": 200, "entities": [{"id": 250, "name": "Acme"}]},
            {"sequenceNumber": 1, "success": true, "statusCode": 200, "entities": [{"id": 1}, {"id": 2}]},
        ]})),
    ]);
    let base = scripted_server(&script).await;
    let mut b = Bundle::new();
    let tickets = b.push(Ticket::list().conditions("closedFlag = false"));
    let company = b.push(Company::get(250));
    let mut results = b.send(&client(&base, fast_retries(2))).await.unwrap();
    assert_eq!(results.take(tickets).unwrap().len(), 2);
    assert_eq!(results.take(company).unwrap().name.as_deref(), Some("Acme"));
    let seen = script.seen.lock().unwrap();
    assert_eq!(seen.len(), 2);
    let body: serde_json::Value = serde_json::from_slice(&seen[1].2).unwrap();
    assert_eq!(
        body["requests"][0]["apiRequest"]["filters"]["conditions"],
        "closedFlag = false"
    );
    assert_eq!(body["requests"][1]["apiRequest"]["id"], 250);
}

/// Page-number paging: pages of `pageSize` until a short page, conditions on every page.
#[tokio::test]
async fn stream_pages_by_number_until_a_short_page() {
    async fn pages(
        Query(q): Query<HashMap<String, String>>,
        State(log): State<QueryLog>,
    ) -> Response {
        log.lock().unwrap().push(q.clone());
        let page: usize = q["page"].parse().unwrap();
        let size: usize = q["pageSize"].parse().unwrap();
        let total = 5;
        let items: Vec<_> = ((page - 1) * size..(page * size).min(total))
            .map(|i| json!({"id": i}))
            .collect();
        axum::Json(items).into_response()
    }
    let log = Arc::new(Mutex::new(Vec::new()));
    // Member has no pageId in... every resource of the sample supports pageId, so ask for a
    // page number to force page-number paging.
    let router = Router::new()
        .route("/v4_6_release/apis/3.0/service/tickets", get(pages))
        .with_state(log.clone());
    let base = serve(router).await;
    let c = client(&base, RetryPolicy::none());
    let all: Vec<Ticket> = c
        .stream(Ticket::list().conditions("id > 0").page(1).page_size(2))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        all.iter().map(|t| t.id.unwrap()).collect::<Vec<_>>(),
        vec![0, 1, 2, 3, 4]
    );
    let log = log.lock().unwrap();
    assert_eq!(log.len(), 3);
    assert!(log.iter().all(|q| q["conditions"] == "id > 0"));
}

/// Forward-only paging: `pagination-type: forward-only`, then follow `Link rel="next"`.
#[tokio::test]
async fn stream_follows_forward_only_link_headers() {
    #[derive(Clone)]
    struct S {
        base: Arc<Mutex<String>>,
        /// (pagination-type header, query) of each request.
        log: Arc<Mutex<Vec<ModeAndQuery>>>,
    }
    async fn pages(
        State(s): State<S>,
        headers: HeaderMap,
        Query(q): Query<HashMap<String, String>>,
    ) -> Response {
        let mode = headers
            .get("pagination-type")
            .map(|v| v.to_str().unwrap().to_owned());
        s.log.lock().unwrap().push((mode, q.clone()));
        let after: i32 = q.get("pageId").map(|p| p.parse().unwrap()).unwrap_or(0);
        let ids: Vec<i32> = (after + 1..=(after + 2).min(5)).collect();
        let mut resp =
            axum::Json(ids.iter().map(|i| json!({"id": i})).collect::<Vec<_>>()).into_response();
        if let Some(last) = ids.last().filter(|l| **l < 5) {
            let next = format!(
                "<{}/service/tickets?conditions=id%20%3E%200&pageSize=2&pageId={last}>; rel=\"next\"",
                s.base.lock().unwrap()
            );
            resp.headers_mut().insert("link", next.parse().unwrap());
        }
        resp
    }
    let s = S {
        base: Default::default(),
        log: Default::default(),
    };
    let router = Router::new()
        .route("/v4_6_release/apis/3.0/service/tickets", get(pages))
        .with_state(s.clone());
    let base = serve(router).await;
    *s.base.lock().unwrap() = base.clone();
    let c = client(&base, RetryPolicy::none());
    let all: Vec<Ticket> = c
        .stream(Ticket::list().conditions("id > 0").page_size(2))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        all.iter().map(|t| t.id.unwrap()).collect::<Vec<_>>(),
        vec![1, 2, 3, 4, 5]
    );
    let log = s.log.lock().unwrap();
    assert_eq!(log.len(), 3);
    assert!(log
        .iter()
        .all(|(mode, q)| mode.as_deref() == Some("forward-only") && q["conditions"] == "id > 0"));
}

/// A write that may have reached the server is never sent again: a 503 or a timeout ends a
/// create or a patch at once, while the same answers are retried for an idempotent PUT.
#[tokio::test]
async fn retries_follow_the_idempotent_flag_not_the_method() {
    let ticket = Ticket {
        summary: Some("Printer on fire".into()),
        ..Ticket::default()
    };
    // A create that gets a 503 is sent once.
    let script = Script::new(vec![(503, vec![], String::new()), ok(json!({"id": 9}))]);
    let base = scripted_server(&script).await;
    let err = client(&base, fast_retries(3))
        .send(Ticket::create(&ticket))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(script.hits.load(Ordering::SeqCst), 1);
    // A create that times out is sent once.
    let script = Script::new(vec![(999, vec![], String::new())]);
    let base = scripted_server(&script).await;
    let err = client(&base, fast_retries(3))
        .send(Ticket::patch(9).replace_path("summary", "x"))
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(script.hits.load(Ordering::SeqCst), 1);
    // A 429 is retried for a create too: the server said it did not act on it.
    let script = Script::new(vec![
        (429, vec![("retry-after", "0".into())], String::new()),
        ok(json!({"id": 9, "summary": "Printer on fire"})),
    ]);
    let base = scripted_server(&script).await;
    let created = client(&base, fast_retries(3))
        .send(Ticket::create(&ticket))
        .await
        .unwrap();
    assert_eq!(created.id, Some(9));
    assert_eq!(script.hits.load(Ordering::SeqCst), 2);
    // A PUT is idempotent: its 503 is retried.
    let script = Script::new(vec![(503, vec![], String::new()), ok(json!({"id": 9}))]);
    let base = scripted_server(&script).await;
    let put = client(&base, fast_retries(3))
        .send(Ticket::put(9, &ticket))
        .await
        .unwrap();
    assert_eq!(put.id, Some(9));
    assert_eq!(script.hits.load(Ordering::SeqCst), 2);
}

/// Each kind is sent with its method, its path and its body; the body of a create holds only
/// the fields that were set.
#[tokio::test]
async fn writes_are_sent_with_their_method_path_and_body() {
    let ticket = Ticket {
        summary: Some("Printer on fire".into()),
        ..Ticket::default()
    };
    let create = Ticket::create(&ticket);
    assert_eq!(create.method(), connectwise::Method::Post);
    assert!(!create.idempotent());
    let body = create.body().unwrap().unwrap();
    assert_eq!(&body.bytes[..], br#"{"summary":"Printer on fire"}"#);
    let delete = Ticket::delete(9);
    assert_eq!(
        (delete.method(), Request::path(&delete)),
        (connectwise::Method::Delete, "/service/tickets/9".to_owned())
    );
    assert!(delete.idempotent());
    let script = Script::new(vec![(204, vec![], String::new())]);
    let base = scripted_server(&script).await;
    let c = client(&base, RetryPolicy::none());
    c.send(Ticket::delete(9)).await.unwrap();
    let script = Script::new(vec![ok(json!({"count": 42}))]);
    let base = scripted_server(&script).await;
    let c = client(&base, RetryPolicy::none());
    let n = c
        .send(Ticket::count().conditions("status/name = 'New'"))
        .await
        .unwrap();
    assert_eq!(n, 42);
    let seen = script.seen.lock().unwrap();
    assert_eq!(seen[0].1["conditions"], "status/name = 'New'");
}

/// A bundle of reads and counts: the reads go to `/system/bundles` and the counts to
/// `/system/bundles/count`, each with its own sequence numbers, and `take` works for both.
#[tokio::test]
async fn a_bundle_of_reads_and_counts_makes_two_calls() {
    let script = Script::new(vec![ok(json!({"results": [
        {"sequenceNumber": 1, "success": true, "statusCode": 200, "entities": [{"id": 1}]},
        {"sequenceNumber": 2, "success": true, "statusCode": 200, "count": 17},
    ]}))]);
    let base = scripted_server(&script).await;
    let mut b = Bundle::new();
    let tickets = b.push(Ticket::list());
    let open = b.push(Ticket::count().conditions("closedFlag = false"));
    let count_body: serde_json::Value = serde_json::from_slice(&b.count_json("2025.8")).unwrap();
    assert_eq!(
        count_body,
        json!({"requests": [{"version": "2025.8", "sequenceNumber": 2, "resourceType": "Ticket",
            "apiRequest": {"filters": {"conditions": "closedFlag = false"}}}]})
    );
    let reads_body: serde_json::Value = serde_json::from_slice(&b.to_json("2025.8")).unwrap();
    assert_eq!(reads_body["requests"].as_array().unwrap().len(), 1);
    // The scripted server answers both calls with the same body; each call takes only its
    // own sequence numbers, so the answer to the other one is a protocol error...
    let err = b.clone().send(&client(&base, RetryPolicy::none())).await;
    assert!(matches!(err, Err(Error::Protocol(_))), "{err:?}");
    // ...and with answers that keep to their own, both come back.
    let script = Script::new(vec![ok(json!({"results": [
        {"sequenceNumber": 1, "success": true, "statusCode": 200, "entities": [{"id": 1}]},
    ]}))]);
    let count_script = Script::new(vec![ok(json!({"results": [
        {"sequenceNumber": 2, "success": true, "statusCode": 200, "count": "17"},
    ]}))]);
    let router = Router::new()
        .route(
            "/v4_6_release/apis/3.0/system/bundles",
            post(scripted).with_state(script.clone()),
        )
        .route(
            "/v4_6_release/apis/3.0/system/bundles/count",
            post(scripted).with_state(count_script.clone()),
        );
    let base = serve(router).await;
    let mut results = b.send(&client(&base, RetryPolicy::none())).await.unwrap();
    assert_eq!(results.take(tickets).unwrap().len(), 1);
    assert_eq!(results.take(open).unwrap(), 17);
    assert_eq!(script.hits.load(Ordering::SeqCst), 1);
    assert_eq!(count_script.hits.load(Ordering::SeqCst), 1);
}
