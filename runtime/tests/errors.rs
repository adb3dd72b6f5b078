//! Typed errors of writes against a small server on loopback that answers each path with a
//! canned status and body: a 400 `InvalidObject` with every validation error, 400, 401, 403,
//! 404 and 409 with their messages, bodies that are not JSON or miss fields, and no error
//! that prints the credentials.

use axum::body::Bytes;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use connectwise::models::{ServiceNote, Ticket};
use connectwise::{Client, Credentials, Error, RetryPolicy, StatusKind};
use serde_json::json;

const PRIVATE_KEY: &str = "pRiVaTe-KeY-9f8e7d";

/// `/service/tickets/{case}` answers the case's status and body.
fn canned(case: &str) -> (u16, String) {
    let api = |code: &str, message: &str| json!({"code": code, "message": message}).to_string();
    match case {
        "1" => (
            400,
            json!({
                "code": "InvalidObject",
                "message": "ticket object is invalid",
                "errors": [
                    {"code": "NullValue", "message": "The summary field is required.",
                     "resource": "ticket", "field": "summary"},
                    {"code": "InvalidField", "message": "Board not found.",
                     "resource": "ticket", "field": "board/id"},
                ]
            })
            .to_string(),
        ),
        "2" => (400, api("InvalidParameter", "bad conditions")),
        "3" => (401, api("Unauthorized", "Password does not match")),
        "4" => (
            403,
            api(
                "Forbidden",
                "You do not have permission to add to Service Tickets",
            ),
        ),
        "5" => (404, api("NotFound", "Ticket 5 not found")),
        "6" => (409, api("Conflict", "Ticket 6 is being edited")),
        // Not JSON: a proxy's page.
        "7" => (
            403,
            "<html><body>Access denied by the firewall</body></html>".into(),
        ),
        // JSON in other spellings: PascalCase names, null errors, numbers for text.
        "8" => (
            400,
            json!({"Code": "InvalidObject", "Message": null, "errors": null}).to_string(),
        ),
        "9" => (
            400,
            json!({"code": "InvalidObject", "errors": [{"field": "summary"}, {"code": 12}, "loose"]})
                .to_string(),
        ),
        // Empty, and a body that is JSON but no object.
        "10" => (404, String::new()),
        "11" => (409, json!("duplicate").to_string()),
        // A long text body is cut.
        "12" => (400, "x".repeat(2000)),
        _ => (500, String::new()),
    }
}

async fn answer(Path(case): Path<String>, _body: Bytes) -> Response {
    let (status, body) = canned(&case);
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, body).into_response()
}

async fn client() -> Client {
    // Any other path: a 500 with an empty body.
    let router = Router::new()
        .route("/v4_6_release/apis/3.0/service/tickets/{case}", any(answer))
        .fallback(|| async { StatusCode::INTERNAL_SERVER_ERROR });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let addr = listener.local_addr().expect("an address");
    tokio::spawn(async move { axum::serve(listener, router).await });
    Client::builder(format!("http://{addr}/v4_6_release/apis/3.0"))
        .credentials(Credentials::new("acme", "PUBLICKEY", PRIVATE_KEY))
        .client_id("client-id")
        .retry(RetryPolicy::none())
        .build()
        .expect("the client builds")
}

async fn patch_error(client: &Client, case: i32) -> Error {
    client
        .send(Ticket::patch(case).replace(Ticket::fields().summary(), "x"))
        .await
        .expect_err("the server refuses")
}

#[tokio::test]
async fn invalid_object_carries_every_validation_error() {
    let client = client().await;
    let err = patch_error(&client, 1).await;
    assert_eq!(err.kind(), Some(StatusKind::Invalid));
    assert_eq!(err.status(), Some(400));
    assert_eq!(err.message(), Some("ticket object is invalid"));
    let fields: Vec<(Option<&str>, Option<&str>, Option<&str>)> = err
        .validation_errors()
        .iter()
        .map(|e| (e.code.as_deref(), e.field.as_deref(), e.message.as_deref()))
        .collect();
    assert_eq!(
        fields,
        [
            (
                Some("NullValue"),
                Some("summary"),
                Some("The summary field is required.")
            ),
            (
                Some("InvalidField"),
                Some("board/id"),
                Some("Board not found.")
            ),
        ]
    );
    assert_eq!(
        err.validation_errors()[0].resource.as_deref(),
        Some("ticket")
    );
    let shown = err.to_string();
    for part in [
        "PATCH",
        "/service/tickets/1",
        "HTTP 400 (the record is invalid)",
        "summary: The summary field is required.",
        "board/id: Board not found.",
    ] {
        assert!(shown.contains(part), "{part:?} not in {shown}");
    }
    // The variant is matchable.
    assert!(matches!(
        err,
        Error::Status {
            status: 400,
            kind: StatusKind::Invalid,
            body: Some(_),
            ..
        }
    ));
}

#[tokio::test]
async fn each_status_has_its_kind_and_keeps_the_message() {
    let client = client().await;
    for (case, kind, message) in [
        (2, StatusKind::BadRequest, "bad conditions"),
        (3, StatusKind::Unauthorized, "Password does not match"),
        (
            4,
            StatusKind::Forbidden,
            "You do not have permission to add to Service Tickets",
        ),
        (5, StatusKind::NotFound, "Ticket 5 not found"),
        (6, StatusKind::Conflict, "Ticket 6 is being edited"),
    ] {
        let err = patch_error(&client, case).await;
        assert_eq!(err.kind(), Some(kind), "case {case}: {err}");
        assert_eq!(err.message(), Some(message), "case {case}");
        assert!(err.validation_errors().is_empty());
        assert!(err.to_string().contains(message), "{err}");
    }
    // Through every kind of write, not only patches.
    let err = client
        .send(Ticket::create(&Ticket::default()))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), Some(StatusKind::ServerError), "{err}");
    let err = client.send(ServiceNote::delete(5, 1)).await.unwrap_err();
    assert_eq!(err.kind(), Some(StatusKind::ServerError), "{err}");
    let err = client
        .send(Ticket::put(4, &Ticket::default()))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), Some(StatusKind::Forbidden), "{err}");
    let err = client.send(Ticket::get(5)).await.unwrap_err();
    assert_eq!(err.kind(), Some(StatusKind::NotFound), "{err}");
    let shown = err.to_string();
    assert!(
        shown.contains("HTTP 404 (not found): NotFound: Ticket 5 not found"),
        "{shown}"
    );
}

#[tokio::test]
async fn bodies_that_are_not_the_apis_json_are_tolerated() {
    let client = client().await;
    // Text: kept as the message; the status alone decides the kind.
    let err = patch_error(&client, 7).await;
    assert_eq!(err.kind(), Some(StatusKind::Forbidden));
    assert_eq!(
        err.message(),
        Some("<html><body>Access denied by the firewall</body></html>")
    );
    // PascalCase, nulls.
    let err = patch_error(&client, 8).await;
    assert_eq!(err.kind(), Some(StatusKind::Invalid));
    assert_eq!(err.message(), None);
    assert!(err.validation_errors().is_empty());
    // Missing fields and odd items.
    let err = patch_error(&client, 9).await;
    assert_eq!(err.kind(), Some(StatusKind::Invalid));
    let errors = err.validation_errors();
    assert_eq!(errors.len(), 3);
    assert_eq!(errors[0].field.as_deref(), Some("summary"));
    assert_eq!(errors[0].message, None);
    assert_eq!(errors[1].code.as_deref(), Some("12"));
    assert_eq!(errors[2].message.as_deref(), Some("loose"));
    // Empty: no body.
    let err = patch_error(&client, 10).await;
    assert_eq!(err.kind(), Some(StatusKind::NotFound));
    assert!(err.api_error().is_none());
    // A JSON string.
    let err = patch_error(&client, 11).await;
    assert_eq!(err.kind(), Some(StatusKind::Conflict));
    assert_eq!(err.message(), Some("duplicate"));
    // Long text is cut.
    let err = patch_error(&client, 12).await;
    assert_eq!(err.kind(), Some(StatusKind::BadRequest));
    let message = err.message().unwrap_or_default();
    assert!(message.len() < 600 && message.ends_with("..."), "{message}");
}

/// No error shows the private key or the `Authorization` header, in `Display` or `Debug`:
/// statuses of every kind, a refused connection, a body that does not decode, a bad config.
#[tokio::test]
async fn no_error_prints_the_credentials() {
    use base64::Engine;
    let basic =
        base64::engine::general_purpose::STANDARD.encode(format!("acme+PUBLICKEY:{PRIVATE_KEY}"));
    let client = client().await;
    let mut errors = Vec::new();
    for case in 1..=13 {
        errors.push(patch_error(&client, case).await);
    }
    // Nothing listens on port 9 of loopback (discard): a connection error.
    let closed = Client::builder("http://127.0.0.1:9/apis/3.0")
        .credentials(Credentials::new("acme", "PUBLICKEY", PRIVATE_KEY))
        .client_id("client-id")
        .retry(RetryPolicy::none())
        .build()
        .expect("the client builds");
    errors.push(closed.send(Ticket::get(1)).await.unwrap_err());
    errors.push(
        Client::builder(format!(
            "https://acme+PUBLICKEY:{PRIVATE_KEY}@example.invalid/apis/3.0"
        ))
        .credentials(Credentials::new("acme", "PUBLICKEY", PRIVATE_KEY))
        .client_id("client-id")
        .build()
        .unwrap_err(),
    );
    for err in &errors {
        let shown = format!("{err} | {err:?} | {err:#?}");
        assert!(!shown.contains(PRIVATE_KEY), "{shown}");
        assert!(!shown.contains(&basic), "{shown}");
    }
    assert!(matches!(errors.last(), Some(Error::Config(_))));
    let shown = format!("{client:?}");
    assert!(!shown.contains(PRIVATE_KEY), "{shown}");
}
