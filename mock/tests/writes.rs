//! Writes on the fake server over plain HTTP, as the API answers them: bodies and patches
//! checked against the model (every bad field in one 400 `InvalidObject`), read-only fields
//! ignored, what the server fills in (`id`, `_info`, `dateCreated`-like fields), 404s, and
//! child resources (a ticket's notes) the same way.

#[path = "support/http.rs"]
mod http;
#[path = "support/strict.rs"]
mod strict;

use connectwise_mock::{data, MockServer};
use http::{call, Answer};
use reqwest::Method;
use serde_json::{json, Value};

async fn server() -> MockServer {
    MockServer::builder()
        .seed(11)
        .rows(50)
        .start()
        .await
        .expect("the fake server starts")
}

async fn send(s: &MockServer, method: Method, path: &str, body: Option<Value>) -> Answer {
    call(&reqwest::Client::new(), s, method, path, body.as_ref()).await
}

/// Now as the server writes it, whole seconds: `2026-11-30T20:04:40Z`.
fn now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    chrono::DateTime::from_timestamp(secs as i64, 0)
        .unwrap()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// `(field, code)` of every validation error of a 400, sorted.
fn errors(answer: &Answer, resource: &str) -> Vec<(String, String)> {
    assert_eq!(
        answer.status,
        400,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    let body = answer.json();
    assert_eq!(body["code"], "InvalidObject");
    assert_eq!(body["message"], format!("{resource} object is invalid"));
    let mut out: Vec<(String, String)> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            assert_eq!(e["resource"], resource, "{e}");
            assert!(!e["message"].as_str().unwrap().is_empty(), "{e}");
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    out.sort();
    out
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

#[tokio::test]
async fn an_invalid_create_names_every_bad_field_and_stores_nothing() {
    let s = server().await;
    let body = json!({
        "summary": 42,
        "sumary": "typo",
        "status": {"id": "three"},
        "board": "Help Desk",
        "closedFlag": "no",
        "severity": "Catastrophic",
        "mobileGuid": "not-a-guid",
        "requiredDate": "next tuesday",
        "budgetHours": "2",
        "customFields": [{"id": 1, "value": "ok"}, {"id": 2, "caption": 7}],
    });
    let answer = send(&s, Method::POST, "/service/tickets", Some(body)).await;
    assert_eq!(
        errors(&answer, "Ticket"),
        pairs(&[
            ("board", "InvalidType"),
            ("budgetHours", "InvalidType"),
            ("closedFlag", "InvalidType"),
            ("customFields/1/caption", "InvalidType"),
            ("mobileGuid", "InvalidValue"),
            ("requiredDate", "InvalidValue"),
            ("severity", "InvalidValue"),
            ("status/id", "InvalidType"),
            ("sumary", "InvalidField"),
            ("summary", "InvalidType"),
        ])
    );
    let typo = answer.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["field"] == "sumary")
        .cloned()
        .unwrap();
    assert!(
        typo["message"].as_str().unwrap().contains("`summary`"),
        "{typo}"
    );
    let count = send(&s, Method::GET, "/service/tickets/count", None).await;
    assert_eq!(count.json()["count"], 50, "nothing was stored");

    // A PUT checks its body the same way.
    let answer = send(
        &s,
        Method::PUT,
        "/service/tickets/3",
        Some(json!({"summary": "ok", "status": 3, "nope": true})),
    )
    .await;
    assert_eq!(
        errors(&answer, "Ticket"),
        pairs(&[("nope", "InvalidField"), ("status", "InvalidType")])
    );
}

#[tokio::test]
async fn a_create_ignores_read_only_fields_and_fills_in_what_the_api_fills_in() {
    let s = server().await;
    let before = now();
    let body = json!({
        "id": 999,
        "_info": {"lastUpdated": "2001-01-01T00:00:00Z", "updatedBy": "someone"},
        "SUMMARY": "Printer on fire",
        "status": {"id": 1},
    });
    let created = send(&s, Method::POST, "/service/tickets", Some(body)).await;
    assert_eq!(
        created.status,
        201,
        "{}",
        String::from_utf8_lossy(&created.body)
    );
    let row = created.json();
    assert_eq!(row["id"], 51, "the next id, not the body's");
    assert_eq!(row["summary"], "Printer on fire", "spelled as the model");
    assert!(row.get("SUMMARY").is_none());
    let info = &row["_info"];
    let updated = info["lastUpdated"].as_str().unwrap();
    assert!(
        updated >= before.as_str() && updated <= now().as_str(),
        "{info}"
    );
    assert_eq!(info["updatedBy"], "APIMember");
    assert_eq!(info["dateEntered"], info["lastUpdated"]);
    assert_eq!(info["enteredBy"], "APIMember");
    assert_eq!(
        send(&s, Method::GET, "/service/tickets/51", None)
            .await
            .json(),
        row
    );

    // A child row: its parent field from the path, `dateCreated`/`createdBy` filled in.
    let note = send(
        &s,
        Method::POST,
        "/service/tickets/7/notes",
        Some(json!({"text": "Called back", "ticketId": 12345})),
    )
    .await;
    assert_eq!(note.status, 201);
    let note = note.json();
    assert_eq!(note["ticketId"], 7);
    assert!(strict::is_date_time(note["dateCreated"].as_str().unwrap()));
    assert_eq!(note["createdBy"], "APIMember");
    // What the body sets is kept.
    let note = send(
        &s,
        Method::POST,
        "/service/tickets/7/notes",
        Some(json!({"text": "x", "dateCreated": "2024-01-02T03:04:05Z", "createdBy": "jsmith"})),
    )
    .await
    .json();
    assert_eq!(
        (&note["dateCreated"], &note["createdBy"]),
        (&json!("2024-01-02T03:04:05Z"), &json!("jsmith"))
    );
}

#[tokio::test]
async fn put_and_patch_update_last_updated_and_keep_when_it_was_entered() {
    let s = server().await;
    let original = send(&s, Method::GET, "/service/tickets/5", None)
        .await
        .json();
    let old = original["_info"]["lastUpdated"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(old.starts_with("202"), "{old}");
    let before = now();

    let patched = send(
        &s,
        Method::PATCH,
        "/service/tickets/5",
        Some(json!([{"op": "replace", "path": "summary", "value": "Moved"}])),
    )
    .await;
    assert_eq!(patched.status, 200);
    let patched = patched.json();
    let info = &patched["_info"];
    assert!(info["lastUpdated"].as_str().unwrap() >= before.as_str());
    assert_eq!(info["updatedBy"], "APIMember");
    // The other `_info` keys are the row's.
    for (k, v) in original["_info"].as_object().unwrap() {
        if k != "lastUpdated" && k != "updatedBy" {
            assert_eq!(&info[k], v, "{k}");
        }
    }

    let put = send(
        &s,
        Method::PUT,
        "/service/tickets/5",
        Some(json!({"summary": "Replaced", "_info": {"lastUpdated": "1999-01-01T00:00:00Z"}})),
    )
    .await
    .json();
    assert_eq!(put["summary"], "Replaced");
    assert!(put["_info"]["lastUpdated"].as_str().unwrap() >= before.as_str());
    assert!(put.get("status").is_none(), "a PUT replaces the whole row");
}

#[tokio::test]
async fn a_write_to_a_missing_record_is_404_not_found() {
    let s = server().await;
    for (method, body) in [
        (
            Method::PATCH,
            Some(json!([{"op": "replace", "path": "summary", "value": "x"}])),
        ),
        // 404 wins over a bad body, as the API looks the record up first.
        (
            Method::PATCH,
            Some(json!([{"op": "replace", "path": "nope", "value": 1}])),
        ),
        (Method::PUT, Some(json!({"summary": "x"}))),
        (Method::DELETE, None),
    ] {
        let answer = send(&s, method.clone(), "/service/tickets/5000", body).await;
        assert_eq!(answer.status, 404, "{method}");
        let body = answer.json();
        assert_eq!(body["code"], "NotFound", "{body}");
        assert!(body["message"].as_str().unwrap().contains("5000"), "{body}");
    }
}

#[tokio::test]
async fn patch_paths_and_values_are_checked_and_a_refused_patch_changes_nothing() {
    let s = server().await;
    let before = send(&s, Method::GET, "/service/tickets/3", None)
        .await
        .json();
    let answer = send(
        &s,
        Method::PATCH,
        "/service/tickets/3",
        Some(json!([
            {"op": "replace", "path": "summary", "value": "fine"},
            {"op": "replace", "path": "/sumary", "value": "x"},
            {"op": "replace", "path": "status/id", "value": "3"},
            {"op": "replace", "path": "status/nmae", "value": "New"},
            {"op": "replace", "path": "severity", "value": "Huge"},
            {"op": "replace", "path": "summary/deeper", "value": "x"},
            {"op": "test", "path": "summary", "value": "x"},
        ])),
    )
    .await;
    assert_eq!(
        errors(&answer, "Ticket"),
        pairs(&[
            ("severity", "InvalidValue"),
            ("status/id", "InvalidType"),
            ("status/nmae", "InvalidField"),
            ("sumary", "InvalidField"),
            ("summary", "InvalidPatch"),
            ("summary/deeper", "InvalidField"),
        ])
    );
    assert_eq!(
        send(&s, Method::GET, "/service/tickets/3", None)
            .await
            .json(),
        before
    );

    // Every path form of a good patch; `id` and `_info` are ignored.
    let row = send(
        &s,
        Method::PATCH,
        "/service/tickets/3",
        Some(json!([
            {"op": "replace", "path": "Summary", "value": "a"},
            {"op": "replace", "path": "/status/id", "value": 3},
            {"op": "replace", "path": "board", "value": {"id": 2}},
            {"op": "replace", "path": "id", "value": 77},
            {"op": "replace", "path": "/_info/updatedBy", "value": "me"},
            {"op": "replace", "path": "customFields", "value": [{"id": 3, "value": "x"}, {"id": 4, "value": 5}]},
        ])),
    )
    .await;
    assert_eq!(row.status, 200, "{}", String::from_utf8_lossy(&row.body));
    let row = row.json();
    assert_eq!(
        (
            &row["id"],
            &row["summary"],
            &row["status"]["id"],
            &row["board"]
        ),
        (&json!(3), &json!("a"), &json!(3), &json!({"id": 2}))
    );
    assert_eq!(row["_info"]["updatedBy"], "APIMember");
    assert_eq!(
        row["customFields"],
        json!([{"id": 3, "value": "x"}, {"id": 4, "value": 5}]),
        "custom fields are set as one replace of the list"
    );
}

#[tokio::test]
async fn child_resources_are_written_like_top_level_ones() {
    let s = server().await;
    let notes = "/service/tickets/9/notes";
    let count = |a: Answer| a.json()["count"].as_u64().unwrap();
    let n = count(send(&s, Method::GET, &format!("{notes}/count"), None).await);

    let bad = send(
        &s,
        Method::POST,
        notes,
        Some(json!({"txt": "x", "internalFlag": 1})),
    )
    .await;
    assert_eq!(
        errors(&bad, "ServiceNote"),
        pairs(&[("internalFlag", "InvalidType"), ("txt", "InvalidField")])
    );

    let created = send(&s, Method::POST, notes, Some(json!({"text": "First"})))
        .await
        .json();
    let id = created["id"].as_i64().unwrap();
    assert_eq!(id, n as i64 + 1);
    let one = format!("{notes}/{id}");
    let patched = send(
        &s,
        Method::PATCH,
        &one,
        Some(json!([{"op": "replace", "path": "text", "value": "Second"}])),
    )
    .await
    .json();
    assert_eq!(
        (patched["text"].as_str(), patched["ticketId"].as_i64()),
        (Some("Second"), Some(9))
    );
    let put = send(&s, Method::PUT, &one, Some(json!({"text": "Third"})))
        .await
        .json();
    assert_eq!(
        (put["text"].as_str(), put["ticketId"].as_i64()),
        (Some("Third"), Some(9))
    );
    assert_eq!(send(&s, Method::GET, &one, None).await.json(), put);
    assert_eq!(
        count(send(&s, Method::GET, &format!("{notes}/count"), None).await),
        n + 1
    );
    // Another ticket's notes did not change.
    let other = send(&s, Method::GET, "/service/tickets/10/notes/count", None).await;
    assert_eq!(other.status, 200);

    assert_eq!(send(&s, Method::DELETE, &one, None).await.status, 204);
    assert_eq!(send(&s, Method::GET, &one, None).await.status, 404);
    let again = send(
        &s,
        Method::PATCH,
        &one,
        Some(json!([{"op": "replace", "path": "text", "value": "x"}])),
    )
    .await;
    assert_eq!(
        (again.status, again.json()["code"].clone()),
        (404, json!("NotFound"))
    );
}

#[tokio::test]
async fn a_generated_body_is_accepted_and_its_answer_passes_a_strict_check() {
    let s = server().await;
    let spec: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../codegen/specs/connectwise-sample.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let overrides: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../codegen/specs/overrides.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let strict = strict::Strict::new(&spec, &overrides).unwrap();
    for seed in 0..5 {
        let body = data::value("Ticket", seed).unwrap().unwrap();
        let created = send(&s, Method::POST, "/service/tickets", Some(body.clone())).await;
        assert_eq!(
            created.status,
            201,
            "{}",
            String::from_utf8_lossy(&created.body)
        );
        let row = created.json();
        assert_eq!(strict.check("Ticket", &row), Vec::<String>::new());
        // What was sent is what is stored, but for what the server owns.
        for (k, v) in body.as_object().unwrap() {
            if k != "id" && k != "_info" {
                assert_eq!(&row[k], v, "{k}");
            }
        }
    }
}
