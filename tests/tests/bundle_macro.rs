//! `bundle!` end to end, against a scripted ConnectWise on loopback: the seed's examples
//! ("Bundled Requests": tickets by conditions with a page, a company by conditions, a member,
//! the line items of purchase order 1 by parent id) go through the macro; the server checks
//! the request body field by field and answers with the seed's response shape (results out of
//! order, `resouceType`, string counts, a 404 sub-result); each result decodes into its model.
//! Counts in the same macro call go to `/system/bundles/count`, at the same time.

use axum::body::Bytes;
use axum::extract::State;
use axum::routing::post;
use axum::Router;
use connectwise::models::{Company, Member, PurchaseOrderLineItem, Ticket};
use connectwise::{bundle, Client, Credentials, ItemError, ItemErrorKind};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

/// The seed's ticket conditions, verbatim (including its missing space before `and`).
const SEED_TICKET_CONDITIONS: &str =
    "summary like '%a%' and status/name like '%new%'and board/name='Help Desk'";

/// Bodies the server received.
type Received = Arc<Mutex<Vec<Bytes>>>;

/// Serves `POST .../system/bundles` with `response`, recording each request body.
async fn server(response: Value) -> (String, Received) {
    let received: Received = Arc::default();
    let state = (received.clone(), response.to_string());
    let router = Router::new()
        .route(
            "/v4_6_release/apis/3.0/system/bundles",
            post(
                |State((received, response)): State<(Received, String)>, body: Bytes| async move {
                    received.lock().expect("lock").push(body);
                    ([("content-type", "application/json")], response)
                },
            ),
        )
        .with_state(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local addr");
    tokio::spawn(async move { axum::serve(listener, router).await });
    (format!("http://{addr}/v4_6_release/apis/3.0"), received)
}

fn client(base: &str) -> Client {
    Client::builder(base)
        .credentials(Credentials::new("mycompany", "PUBLIC", "PRIVATE"))
        .client_id("00000000-0000-0000-0000-000000000000")
        .build()
        .expect("client")
}

/// The seed's response shape: results out of order, `resouceType` (sic), `Version`, counts as
/// strings, one failed sub-request.
fn seed_like_response() -> Value {
    json!({
        "results": [
            {
                "sequenceNumber": 4,
                "resouceType": "PurchaseOrderLineItem",
                "entities": [
                    {"id": 11, "purchaseOrderId": 1, "lineNumber": 1, "description": "Switch", "quantity": 2.0},
                    {"id": 12, "purchaseOrderId": 1, "lineNumber": 2, "description": "Cable", "quantity": 10.0}
                ],
                "count": "2", "success": true, "statusCode": 200
            },
            {
                "sequenceNumber": 1,
                "resourceType": "Ticket",
                "Version": "2019.3",
                "entities": [
                    {"id": 501, "summary": "a new printer", "status": {"id": 1, "name": "New"},
                     "board": {"id": 1, "name": "Help Desk"}, "someFieldTheSpecLacks": [1, 2]}
                ],
                "count": 1, "success": true, "statusCode": 200
            },
            {
                "sequenceNumber": 5,
                "resourceType": "Ticket",
                "success": false, "statusCode": 404,
                "error": {"code": "NotFound", "message": "Ticket 999 not found"}
            },
            {
                "sequenceNumber": 2,
                "resourceType": "Company",
                "entities": [{"id": 2, "identifier": "Connectwise", "name": "ConnectWise"}],
                "count": "1", "success": true, "statusCode": 200
            },
            {
                "sequenceNumber": 3,
                "resourceType": "Member",
                "entities": [{"id": 7, "identifier": "jsmith", "firstName": "John", "lastName": "Smith"}],
                "count": 1, "success": true, "statusCode": 200
            }
        ],
        "_info": {"failure": "1", "success": "4", "total": "5"}
    })
}

#[tokio::test]
async fn the_seed_bundle_through_the_macro() {
    let (base, received) = server(seed_like_response()).await;
    let client = client(&base);
    // The seed filters companies and members on `companyName` / `memberName`, which neither
    // the sample spec nor the real 2025.8 spec has (Company has `name`, Member
    // `identifier`/`firstName`/`lastName`): as literals they would not pass the compile-time
    // condition check, so they go in as run-time strings, which are sent unchecked.
    let company_conditions = String::from("companyName = 'Connectwise'");
    let member_conditions = "memberName = 'John Smith'".to_owned();
    let po_id = 1;

    let (tickets, companies, members, lines, missing) = bundle!(
        ticket(
            conditions = SEED_TICKET_CONDITIONS,
            page = 1,
            page_size = 1000,
            version = "2019.3"
        ),
        company(
            conditions = company_conditions,
            child_conditions = "",
            custom_field_conditions = "",
            page_size = 25,
            page_id = 2,
            version = "2019.2",
        ),
        member(conditions = member_conditions, page = 1, page_size = 25),
        purchase_order_line_item(
            parent_id = po_id,
            page = 1,
            page_size = 1000,
            version = "2019.5"
        ),
        ticket(id = 999),
    )
    .send(&client)
    .await
    .expect("the bundle call succeeds");

    // The request body, field by field.
    let bodies = received.lock().expect("lock").clone();
    assert_eq!(bodies.len(), 1, "one HTTP call for five sub-requests");
    let body: Value = serde_json::from_slice(&bodies[0]).expect("JSON body");
    let requests = body["requests"].as_array().expect("requests array");
    assert_eq!(requests.len(), 5);
    let expected = [
        json!({"version": "2019.3", "sequenceNumber": 1, "resourceType": "Ticket",
               "apiRequest": {"filters": {"conditions": SEED_TICKET_CONDITIONS},
                              "page": {"page": 1, "pageSize": 1000}}}),
        json!({"version": "2019.2", "sequenceNumber": 2, "resourceType": "Company",
               "apiRequest": {"filters": {"conditions": "companyName = 'Connectwise'",
                                          "childConditions": "", "customFieldConditions": ""},
                              "page": {"pageSize": 25, "pageId": 2}}}),
        json!({"version": client.api_version(), "sequenceNumber": 3, "resourceType": "Member",
               "apiRequest": {"filters": {"conditions": "memberName = 'John Smith'"},
                              "page": {"page": 1, "pageSize": 25}}}),
        json!({"version": "2019.5", "sequenceNumber": 4, "resourceType": "PurchaseOrderLineItem",
               "apiRequest": {"parentId": 1, "page": {"page": 1, "pageSize": 1000}}}),
        json!({"version": client.api_version(), "sequenceNumber": 5, "resourceType": "Ticket",
               "apiRequest": {"id": 999}}),
    ];
    for (i, (got, want)) in requests.iter().zip(&expected).enumerate() {
        let (got, want) = (
            got.as_object().expect("object"),
            want.as_object().expect("object"),
        );
        for (field, value) in want {
            assert_eq!(
                got.get(field),
                Some(value),
                "request {} field {field}",
                i + 1
            );
        }
        assert_eq!(
            got.len(),
            want.len(),
            "request {} has no other fields: {got:?}",
            i + 1
        );
    }

    // Each result in its concrete type.
    let tickets: Vec<Ticket> = tickets.expect("tickets");
    assert_eq!(tickets.len(), 1);
    assert_eq!(tickets[0].id, Some(501));
    assert_eq!(tickets[0].summary.as_deref(), Some("a new printer"));
    let status = tickets[0].status.as_ref().expect("status");
    assert_eq!(status.name.as_deref(), Some("New"));
    let board = tickets[0].board.as_ref().expect("board");
    assert_eq!(board.name.as_deref(), Some("Help Desk"));

    let companies: Vec<Company> = companies.expect("companies");
    assert_eq!(companies.len(), 1);
    assert_eq!(companies[0].identifier.as_deref(), Some("Connectwise"));

    let members: Vec<Member> = members.expect("members");
    assert_eq!(members[0].identifier.as_deref(), Some("jsmith"));

    let lines: Vec<PurchaseOrderLineItem> = lines.expect("line items");
    let described: Vec<(Option<i32>, Option<&str>)> = lines
        .iter()
        .map(|l| (l.line_number, l.description.as_deref()))
        .collect();
    assert_eq!(
        described,
        [(Some(1), Some("Switch")), (Some(2), Some("Cable"))]
    );
    assert!(lines.iter().all(|l| l.purchase_order_id == Some(1)));

    // The 404 sub-result is that sub-request's error only.
    let missing: Result<Ticket, ItemError> = missing;
    let err = missing.expect_err("ticket 999 is a 404");
    assert_eq!(err.sequence_number, 5);
    assert_eq!(err.resource_type, "Ticket");
    assert_eq!(err.status_code(), Some(404));
    assert_eq!(err.code(), Some("NotFound"));
    assert_eq!(err.message(), Some("Ticket 999 not found"));
    assert!(matches!(
        err.kind,
        ItemErrorKind::Api {
            status_code: 404,
            ..
        }
    ));
}

#[tokio::test]
async fn a_result_missing_from_the_response_is_an_item_error() {
    let response = json!({"results": [
        {"sequenceNumber": 1, "resourceType": "Company", "entities": [{"id": 250}],
         "count": 1, "success": true, "statusCode": 200}
    ]});
    let (base, _) = server(response).await;
    let (company, lines) = bundle!(company(id = 250), purchase_order_line_item(parent_id = 1))
        .send(&client(&base))
        .await
        .expect("the bundle call succeeds");
    let company: Company = company.expect("company 250");
    assert_eq!(company.id, Some(250));
    let err = lines.expect_err("no result for sequence number 2");
    assert_eq!(err.sequence_number, 2);
    assert_eq!(err.kind, ItemErrorKind::Missing);
}

/// Serves `POST .../system/bundles` with `reads` and `POST .../system/bundles/count` with
/// `counts`, recording the request bodies of each.
async fn server_with_counts(reads: Value, counts: Value) -> (String, Received, Received) {
    async fn answer(
        State((received, response)): State<(Received, String)>,
        body: Bytes,
    ) -> ([(&'static str, &'static str); 1], String) {
        received.lock().expect("lock").push(body);
        ([("content-type", "application/json")], response)
    }
    let (read_bodies, count_bodies): (Received, Received) = Default::default();
    let router = Router::new()
        .route(
            "/v4_6_release/apis/3.0/system/bundles",
            post(answer).with_state((read_bodies.clone(), reads.to_string())),
        )
        .route(
            "/v4_6_release/apis/3.0/system/bundles/count",
            post(answer).with_state((count_bodies.clone(), counts.to_string())),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local addr");
    tokio::spawn(async move { axum::serve(listener, router).await });
    (
        format!("http://{addr}/v4_6_release/apis/3.0"),
        read_bodies,
        count_bodies,
    )
}

/// The one body `received` holds, as JSON.
fn only_body(received: &Received) -> Value {
    let bodies = received.lock().expect("lock").clone();
    assert_eq!(bodies.len(), 1, "one call");
    serde_json::from_slice(&bodies[0]).expect("JSON body")
}

/// Counts next to reads in one `bundle!`: the reads go to `/system/bundles`, the counts to
/// `/system/bundles/count` (each sub-request keeping its sequence number, its position in the
/// macro call), and each slot comes back in its type: `Vec<Ticket>`, `u64`, `Company`, `u64`.
#[tokio::test]
async fn counts_and_reads_in_one_bundle() {
    let reads = json!({"results": [
        {"sequenceNumber": 3, "resourceType": "Company", "entities": [{"id": 250, "name": "Contoso"}],
         "count": "1", "success": true, "statusCode": 200},
        {"sequenceNumber": 1, "resourceType": "Ticket", "entities": [{"id": 501, "summary": "new"}],
         "count": 1, "success": true, "statusCode": 200},
    ]});
    let counts = json!({"results": [
        {"sequenceNumber": 4, "resourceType": "ServiceNote", "count": "3", "success": true, "statusCode": 200},
        {"sequenceNumber": 2, "resourceType": "Ticket", "count": 42, "success": true, "statusCode": 200},
    ]});
    let (base, read_bodies, count_bodies) = server_with_counts(reads, counts).await;
    let client = client(&base);
    let ticket_id = 501;

    let (tickets, new_tickets, company, notes) = bundle!(
        ticket(conditions = "status/name = 'New'", page_size = 10),
        ticket(count, conditions = "status/name = 'New'"),
        company(id = 250),
        service_note(count, parent_id = ticket_id),
    )
    .send(&client)
    .await
    .expect("both calls succeed");

    let version = client.api_version();
    assert_eq!(
        only_body(&read_bodies),
        json!({"requests": [
            {"version": version, "sequenceNumber": 1, "resourceType": "Ticket",
             "apiRequest": {"filters": {"conditions": "status/name = 'New'"}, "page": {"pageSize": 10}}},
            {"version": version, "sequenceNumber": 3, "resourceType": "Company",
             "apiRequest": {"id": 250}},
        ]})
    );
    assert_eq!(
        only_body(&count_bodies),
        json!({"requests": [
            {"version": version, "sequenceNumber": 2, "resourceType": "Ticket",
             "apiRequest": {"filters": {"conditions": "status/name = 'New'"}}},
            {"version": version, "sequenceNumber": 4, "resourceType": "ServiceNote",
             "apiRequest": {"parentId": 501}},
        ]})
    );

    let tickets: Vec<Ticket> = tickets.expect("tickets");
    assert_eq!(tickets[0].id, Some(501));
    let new_tickets: u64 = new_tickets.expect("count of new tickets");
    assert_eq!(new_tickets, 42);
    let company: Company = company.expect("company 250");
    assert_eq!(company.name.as_deref(), Some("Contoso"));
    let notes: u64 = notes.expect("count of the ticket's notes");
    assert_eq!(notes, 3);
}
