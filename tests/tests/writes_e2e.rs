//! Writes end to end: the typed constructors and the typed patch builder through
//! `Client::send` against the fake server (`connectwise-mock`), each checked by what the server
//! recorded and by reading the record back.

use connectwise::models::{ServiceNote, ServiceStatusReference, Ticket, TicketSeverity};
use connectwise::{Client, HasCustomFields, StatusKind};
use connectwise_mock::{MockServer, RecordedRequest};
use serde_json::json;

async fn start() -> (MockServer, Client) {
    let server = MockServer::builder()
        .seed(11)
        .rows(30)
        .start()
        .await
        .expect("the fake server starts");
    let client = server.client().build().expect("the client builds");
    (server, client)
}

/// The last request the server received.
fn last(server: &MockServer) -> RecordedRequest {
    server
        .requests()
        .pop()
        .expect("the server received a request")
}

#[tokio::test]
async fn create_sends_only_what_was_set_and_never_id_or_info() {
    let (server, client) = start().await;
    // A ticket read back and sent again as a new one: its id and `_info` stay home.
    let existing = client.send(Ticket::get(1)).await.expect("ticket 1");
    assert!(existing.id.is_some());
    let copy = Ticket {
        summary: Some("Printer on fire".into()),
        status: Some(ServiceStatusReference {
            id: Some(1),
            ..Default::default()
        }),
        id: existing.id,
        info: existing.info.clone(),
        ..Ticket::default()
    };
    let created = client.send(Ticket::create(&copy)).await.expect("created");
    let seen = last(&server);
    assert_eq!(
        (seen.method.as_str(), seen.path.as_str()),
        ("POST", "/service/tickets")
    );
    assert_eq!(
        seen.body_json(),
        Some(json!({"summary": "Printer on fire", "status": {"id": 1}}))
    );
    let id = created.id.expect("the new ticket has an id");
    assert_ne!(Some(id), existing.id);
    let read = client.send(Ticket::get(id)).await.expect("read back");
    assert_eq!(read.summary.as_deref(), Some("Printer on fire"));
    assert_eq!(read.status.and_then(|s| s.id), Some(1));
}

#[tokio::test]
async fn put_replaces_and_reads_back() {
    let (server, client) = start().await;
    let replacement = Ticket {
        summary: Some("Replaced".into()),
        closed_flag: Some(false),
        ..Ticket::default()
    };
    let put = client
        .send(Ticket::put(2, &replacement))
        .await
        .expect("replaced");
    let seen = last(&server);
    assert_eq!(
        (seen.method.as_str(), seen.path.as_str()),
        ("PUT", "/service/tickets/2")
    );
    assert_eq!(
        seen.body_json(),
        Some(json!({"summary": "Replaced", "closedFlag": false}))
    );
    assert_eq!(put.summary.as_deref(), Some("Replaced"));
    let read = client.send(Ticket::get(2)).await.expect("read back");
    assert_eq!(read.summary.as_deref(), Some("Replaced"));
    assert_eq!(read.closed_flag, Some(false));
}

#[tokio::test]
async fn a_typed_patch_is_one_request_and_reads_back() {
    let (server, client) = start().await;
    let t = Ticket::fields;
    let patched = client
        .send(
            Ticket::patch(3)
                .replace(t().summary(), "Printer on fire")
                .replace(t().status().id(), 3)
                .replace(t().severity(), TicketSeverity::High)
                .add(t().budget_hours(), 2.5)
                .custom_field(7, "EMEA")
                .custom_field(8, 12),
        )
        .await
        .expect("patched");
    let seen = last(&server);
    assert_eq!(
        (seen.method.as_str(), seen.path.as_str()),
        ("PATCH", "/service/tickets/3")
    );
    assert_eq!(
        seen.body_json(),
        Some(json!([
            {"op": "replace", "path": "summary", "value": "Printer on fire"},
            {"op": "replace", "path": "status/id", "value": 3},
            {"op": "replace", "path": "severity", "value": "High"},
            {"op": "add", "path": "budgetHours", "value": 2.5},
            {"op": "replace", "path": "customFields",
             "value": [{"id": 7, "value": "EMEA"}, {"id": 8, "value": 12}]},
        ]))
    );
    assert_eq!(patched.summary.as_deref(), Some("Printer on fire"));
    let read = client.send(Ticket::get(3)).await.expect("read back");
    assert_eq!(read.summary.as_deref(), Some("Printer on fire"));
    assert_eq!(read.status.as_ref().and_then(|s| s.id), Some(3));
    assert_eq!(read.severity, Some(TicketSeverity::High));
    assert_eq!(read.budget_hours, Some(2.5));
    assert_eq!(read.custom_field(7), Some(&json!("EMEA")));
    assert_eq!(read.custom_field(8), Some(&json!(12)));
    // A nested model, then `remove`.
    let patched = client
        .send(
            Ticket::patch(3)
                .replace(
                    t().status(),
                    ServiceStatusReference {
                        id: Some(1),
                        ..Default::default()
                    },
                )
                .remove(t().budget_hours()),
        )
        .await
        .expect("patched again");
    assert_eq!(
        last(&server).body_json(),
        Some(json!([
            {"op": "replace", "path": "status", "value": {"id": 1}},
            {"op": "remove", "path": "budgetHours"},
        ]))
    );
    assert_eq!(patched.status.and_then(|s| s.id), Some(1));
    assert_eq!(patched.budget_hours, None);
}

#[tokio::test]
async fn a_deleted_child_is_gone_with_a_typed_404() {
    let (server, client) = start().await;
    let note = ServiceNote {
        text: Some("Called the customer".into()),
        ..ServiceNote::default()
    };
    let note = client
        .send(ServiceNote::create(4, &note))
        .await
        .expect("a note");
    let note_id = note.id.expect("the note has an id");
    assert_eq!(
        client
            .send(ServiceNote::get(4, note_id))
            .await
            .expect("the note reads back")
            .text
            .as_deref(),
        Some("Called the customer")
    );
    // A delete answers `()`.
    let deleted: Result<(), _> = client.send(ServiceNote::delete(4, note_id)).await;
    deleted.expect("deleted");
    let seen = last(&server);
    assert_eq!(
        (seen.method.as_str(), seen.path.clone()),
        ("DELETE", format!("/service/tickets/4/notes/{note_id}"))
    );
    assert!(seen.body.is_empty());
    let gone = client
        .send(ServiceNote::get(4, note_id))
        .await
        .expect_err("the note is gone");
    assert_eq!(gone.kind(), Some(StatusKind::NotFound), "{gone}");
    assert_eq!(gone.status(), Some(404));
    assert!(gone.message().is_some(), "{gone:?}");
    // Deleting it again is a 404 too.
    let again = client
        .send(ServiceNote::delete(4, note_id))
        .await
        .expect_err("already gone");
    assert_eq!(again.kind(), Some(StatusKind::NotFound), "{again}");
}

/// A create that times out is received exactly once: POST is not idempotent, so the client
/// does not send it again, while a GET that times out is retried.
#[tokio::test]
async fn a_create_that_times_out_is_sent_once() {
    let server = MockServer::builder()
        .seed(11)
        .rows(30)
        .start()
        .await
        .expect("the fake server starts");
    let client = server
        .client()
        .timeout(std::time::Duration::from_millis(200))
        .retry(connectwise::RetryPolicy {
            max_retries: 3,
            base_delay: std::time::Duration::from_millis(1),
            max_delay: std::time::Duration::from_millis(5),
        })
        .build()
        .expect("the client builds");
    server
        .faults()
        .latency(std::time::Duration::from_millis(400));
    let ticket = Ticket {
        summary: Some("Once".into()),
        ..Ticket::default()
    };
    let err = client
        .send(Ticket::create(&ticket))
        .await
        .expect_err("times out");
    assert!(err.is_timeout(), "{err}");
    let posts = server
        .requests()
        .iter()
        .filter(|r| r.method == "POST")
        .count();
    assert_eq!(posts, 1);
    let err = client.send(Ticket::get(1)).await.expect_err("times out");
    assert!(err.is_timeout(), "{err}");
    let gets = server
        .requests()
        .iter()
        .filter(|r| r.method == "GET")
        .count();
    assert_eq!(gets, 4, "a GET is tried once and retried three times");
}
