//! Every kind of operation, end to end: the typed constructors, `Client::send`, and the fake
//! server (`connectwise-mock`) on loopback, which records what it received. A count, a bundle
//! mixing reads and counts, an action, and each write kind with its method, path and body.

use connectwise::models::{Company, CompanyMerge, ServiceNote, Ticket};
use connectwise::{Bundle, Client};
use connectwise_mock::{MockServer, RecordedRequest};
use serde_json::json;

async fn start() -> (MockServer, Client) {
    let server = MockServer::builder()
        .seed(7)
        .rows(40)
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
async fn a_count_is_a_number_with_the_conditions_applied() {
    let (server, client) = start().await;
    let all = client.send(Ticket::count()).await.unwrap();
    let listed = client
        .send(Ticket::list().page_size(1000))
        .await
        .unwrap()
        .len() as u64;
    assert_eq!(all, listed);
    let closed = client
        .send(Ticket::count().conditions("closedFlag = true"))
        .await
        .unwrap();
    let closed_listed = client
        .send(
            Ticket::list()
                .conditions("closedFlag = true")
                .page_size(1000),
        )
        .await
        .unwrap()
        .len() as u64;
    assert_eq!(closed, closed_listed);
    assert!(closed < all, "{closed} of {all}");
    let seen = last(&server);
    assert_eq!(seen.method, "GET");
    assert_eq!(seen.path, "/service/tickets");
    let count = &server.requests()[server.requests().len() - 2];
    assert_eq!(count.path, "/service/tickets/count");
    assert_eq!(count.query_param("conditions"), Some("closedFlag = true"));
}

#[tokio::test]
async fn a_bundle_mixes_reads_and_counts_in_two_calls_at_once() {
    let (server, client) = start().await;
    let mut bundle = Bundle::new();
    let tickets = bundle.push(
        Ticket::list()
            .conditions("closedFlag = false")
            .page_size(1000),
    );
    let open = bundle.push(Ticket::count().conditions("closedFlag = false"));
    let company = bundle.push(Company::get(1));
    let companies = bundle.push(Company::count());
    server.clear_requests();
    let mut results = bundle.send(&client).await.unwrap();
    let tickets = results.take(tickets).unwrap();
    assert_eq!(results.take(open).unwrap(), tickets.len() as u64);
    assert_eq!(results.take(company).unwrap().id, Some(1));
    assert_eq!(
        results.take(companies).unwrap(),
        client.send(Company::count()).await.unwrap()
    );
    let seen = server.requests();
    let mut paths: Vec<&str> = seen[..2].iter().map(|r| r.path.as_str()).collect();
    paths.sort();
    assert_eq!(paths, ["/system/bundles", "/system/bundles/count"]);
    let counts = seen
        .iter()
        .find(|r| r.path == "/system/bundles/count")
        .unwrap()
        .body_json()
        .unwrap();
    let numbers: Vec<u64> = counts["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["sequenceNumber"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, [2, 4], "counts keep their place in the bundle");
}

#[tokio::test]
async fn an_action_is_sent_to_its_path() {
    let (server, client) = start().await;
    let copy: Ticket = client.send(Ticket::copy(3)).await.unwrap();
    let seen = last(&server);
    assert_eq!(
        (seen.method.as_str(), seen.path.as_str()),
        ("POST", "/service/tickets/3/copy")
    );
    assert!(seen.body.is_empty());
    assert!(copy.id.is_some());
    let merge = CompanyMerge {
        to_company_id: Some(2),
        ..CompanyMerge::default()
    };
    client.send(Company::merge(1, &merge)).await.unwrap();
    let seen = last(&server);
    assert_eq!(
        (seen.method.as_str(), seen.path.as_str()),
        ("POST", "/company/companies/1/merge")
    );
    assert_eq!(seen.body_json(), Some(json!({"toCompanyId": 2})));
    assert_eq!(seen.content_type(), Some("application/json"));
}

#[tokio::test]
async fn each_write_kind_is_sent_with_its_method_path_and_body() {
    let (server, client) = start().await;
    // Create: POST, only the fields that were set.
    let ticket = Ticket {
        summary: Some("Printer on fire".into()),
        ..Ticket::default()
    };
    let created = client.send(Ticket::create(&ticket)).await.unwrap();
    let seen = last(&server);
    assert_eq!(
        (seen.method.as_str(), seen.path.as_str()),
        ("POST", "/service/tickets")
    );
    assert_eq!(
        seen.body_json(),
        Some(json!({"summary": "Printer on fire"}))
    );
    let id = created.id.expect("the created ticket has an id");
    assert_eq!(created.summary.as_deref(), Some("Printer on fire"));
    // The new ticket can be read back.
    let read = client.send(Ticket::get(id)).await.unwrap();
    assert_eq!(read.summary.as_deref(), Some("Printer on fire"));
    // Patch: PATCH, one JSON Patch array.
    let patched = client
        .send(Ticket::patch(id).replace_path("summary", "Printer fixed"))
        .await
        .unwrap();
    let seen = last(&server);
    assert_eq!(
        (seen.method.as_str(), seen.path.as_str()),
        ("PATCH", format!("/service/tickets/{id}").as_str())
    );
    assert_eq!(
        seen.body_json(),
        Some(json!([{"op": "replace", "path": "summary", "value": "Printer fixed"}]))
    );
    assert_eq!(patched.summary.as_deref(), Some("Printer fixed"));
    // Put: PUT, the whole model.
    let replacement = Ticket {
        summary: Some("Replaced".into()),
        ..Ticket::default()
    };
    let put = client.send(Ticket::put(id, &replacement)).await.unwrap();
    let seen = last(&server);
    assert_eq!(seen.method, "PUT");
    assert_eq!(seen.body_json(), Some(json!({"summary": "Replaced"})));
    assert_eq!(put.summary.as_deref(), Some("Replaced"));
    // A child: parent id first.
    let note = ServiceNote {
        text: Some("Called the customer".into()),
        ..ServiceNote::default()
    };
    let note = client.send(ServiceNote::create(id, &note)).await.unwrap();
    let note_id = note.id.unwrap();
    assert_eq!(last(&server).path, format!("/service/tickets/{id}/notes"));
    // Delete: DELETE, no body, `()`; then the note is gone.
    client.send(ServiceNote::delete(id, note_id)).await.unwrap();
    let seen = last(&server);
    assert_eq!(
        (seen.method.as_str(), seen.path.as_str()),
        (
            "DELETE",
            format!("/service/tickets/{id}/notes/{note_id}").as_str()
        )
    );
    assert!(seen.body.is_empty());
    let gone = client
        .send(ServiceNote::get(id, note_id))
        .await
        .unwrap_err();
    assert_eq!(gone.status(), Some(404));
}

#[tokio::test]
async fn a_download_gives_bytes() {
    let (server, client) = start().await;
    let bytes: Vec<u8> = client
        .send(connectwise::resources::system_documents::get_download(1))
        .await
        .unwrap();
    assert!(!bytes.is_empty());
    assert_eq!(last(&server).path, "/system/documents/1/download");
}
