//! The body cap (`ClientBuilder::max_body_size`) against a small server on loopback whose
//! bodies come in chunks with no `Content-Length` (so the cap is counted as they arrive) or
//! with one (so it fails at once), and a bundle response decoded while it arrives.

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::header;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use connectwise::models::Ticket;
use connectwise::{Bundle, Client, Credentials, Error, RetryPolicy};
use std::sync::Arc;

/// How the server sends its body: the bytes, in chunks of `chunk` bytes, with a
/// `Content-Length` or not, and the status.
#[derive(Clone)]
struct Answer {
    body: Arc<Vec<u8>>,
    chunk: usize,
    length: bool,
    status: u16,
}

async fn answer(State(a): State<Answer>) -> Response {
    let chunks: Vec<Result<Bytes, std::io::Error>> = a
        .body
        .chunks(a.chunk)
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect();
    let mut builder = Response::builder()
        .status(a.status)
        .header(header::CONTENT_TYPE, "application/json");
    if a.length {
        builder = builder.header(header::CONTENT_LENGTH, a.body.len());
    }
    builder
        .body(Body::from_stream(futures_util::stream::iter(chunks)))
        .unwrap()
}

async fn serve(a: Answer) -> String {
    let router = Router::new()
        .route("/v4_6_release/apis/3.0/service/tickets", get(answer))
        .route("/v4_6_release/apis/3.0/system/bundles", post(answer))
        .with_state(a);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{addr}/v4_6_release/apis/3.0")
}

fn client(base: &str, max_body_size: u64) -> Client {
    Client::builder(base)
        .credentials(Credentials::new("acme", "pub", "priv"))
        .client_id("11111111-2222-3333-4444-555555555555")
        .retry(RetryPolicy::none())
        .max_body_size(max_body_size)
        .build()
        .unwrap()
}

/// A list of `n` tickets, about 60 bytes each.
fn tickets(n: usize) -> Vec<u8> {
    let items: Vec<String> = (0..n)
        .map(|i| format!(r#"{{"id":{i},"summary":"ticket number {i} of the big list"}}"#))
        .collect();
    format!("[{}]", items.join(",")).into_bytes()
}

/// A bundle response with `results` lists of `n` tickets each.
fn bundle_body(results: usize, n: usize) -> Vec<u8> {
    let list = String::from_utf8(tickets(n)).unwrap();
    let items: Vec<String> = (1..=results)
        .map(|seq| format!(r#"{{"sequenceNumber":{seq},"success":true,"statusCode":200,"count":{n},"entities":{list}}}"#))
        .collect();
    format!(
        r#"{{"results":[{}],"_info":{{"total":"{results}"}}}}"#,
        items.join(",")
    )
    .into_bytes()
}

fn answer_of(body: Vec<u8>, chunk: usize, length: bool) -> Answer {
    Answer {
        body: Arc::new(body),
        chunk,
        length,
        status: 200,
    }
}

#[tokio::test]
async fn a_list_bigger_than_the_cap_is_a_typed_error_counted_as_it_arrives() {
    let body = tickets(20_000);
    assert!(body.len() > 1_000_000);
    let base = serve(answer_of(body.clone(), 16 * 1024, false)).await;
    match client(&base, 256 * 1024).send(Ticket::list()).await {
        Err(Error::BodyTooLarge { url, limit }) => {
            assert_eq!(limit, 256 * 1024);
            assert!(url.ends_with("/service/tickets"), "{url}");
        }
        other => panic!("{other:?}"),
    }
    // Under the cap, the same body reads whole.
    let all = client(&base, body.len() as u64)
        .send(Ticket::list())
        .await
        .unwrap();
    assert_eq!(all.len(), 20_000);
    assert_eq!(all[19_999].id, Some(19_999));
}

#[tokio::test]
async fn a_content_length_over_the_cap_fails_at_once() {
    let base = serve(answer_of(tickets(20_000), 1 << 20, true)).await;
    let err = client(&base, 1000).send(Ticket::list()).await.unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { limit: 1000, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("max_body_size"), "{err}");
}

#[tokio::test]
async fn a_bundle_response_is_capped_and_decoded_while_it_arrives() {
    let body = bundle_body(5, 2_000);
    let base = serve(answer_of(body.clone(), 4096 + 7, false)).await;
    let make = || {
        let mut bundle = Bundle::new();
        let handles: Vec<_> = (0..5).map(|_| bundle.push(Ticket::list())).collect();
        (bundle, handles)
    };
    let err = make()
        .0
        .send(&client(&base, body.len() as u64 - 1))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::BodyTooLarge { .. }), "{err:?}");
    let (bundle, handles) = make();
    let mut results = bundle
        .send(&client(&base, body.len() as u64))
        .await
        .unwrap();
    // The same values as decoding the whole body at once.
    let (bundle, whole_handles) = make();
    let mut whole = bundle.decode_response(body, "whole").unwrap();
    assert_eq!(results.info(), whole.info());
    for (h, w) in handles.into_iter().zip(whole_handles) {
        let streamed = results.take(h).unwrap();
        assert_eq!(streamed.len(), 2_000);
        assert_eq!(
            serde_json::to_value(&streamed).unwrap(),
            serde_json::to_value(whole.take(w).unwrap()).unwrap()
        );
    }
}

#[tokio::test]
async fn an_error_body_over_the_cap_is_left_out_of_the_status_error() {
    let mut a = answer_of(vec![b'x'; 100_000], 1000, false);
    a.status = 400;
    let base = serve(a).await;
    let err = client(&base, 10_000)
        .send(Ticket::list())
        .await
        .unwrap_err();
    match err {
        Error::Status { status, body, .. } => {
            assert_eq!(status, 400);
            assert_eq!(body, None);
        }
        other => panic!("{other:?}"),
    }
    // Within the cap, the same body is the error's message.
    let err = client(&base, 1_000_000)
        .send(Ticket::list())
        .await
        .unwrap_err();
    assert!(
        err.message().is_some_and(|m| m.starts_with("xxx")),
        "{err:?}"
    );
}
