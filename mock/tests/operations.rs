//! Every kind of operation of the runtime's table on the fake server, over plain HTTP:
//! counts (individual and `/system/bundles/count`), creates, replaces, patches (every path
//! form clients send), deletes, actions, downloads, the request log, and 404/405 routing.

use connectwise::models::Ticket;
use connectwise_mock::MockServer;
use reqwest::Method;
use serde_json::{json, Value};

async fn server() -> MockServer {
    MockServer::builder()
        .seed(5)
        .rows(200)
        .start()
        .await
        .expect("the fake server starts")
}

/// What one plain HTTP call answered.
struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }
}

/// `method` on `path` (below the API root, query string included) with a JSON body.
async fn call(s: &MockServer, method: Method, path: &str, body: Option<Value>) -> Answer {
    let c = s.credentials();
    let mut r = reqwest::Client::new()
        .request(method, format!("{}{path}", s.url()))
        .basic_auth(
            format!("{}+{}", c.company, c.public_key),
            Some(&c.private_key),
        )
        .header("clientId", &c.client_id);
    if let Some(body) = body {
        r = r.json(&body);
    }
    let r = r.send().await.expect("the server answers");
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let body = r.bytes().await.expect("a body").to_vec();
    Answer {
        status,
        headers,
        body,
    }
}

async fn get(s: &MockServer, path: &str) -> Answer {
    call(s, Method::GET, path, None).await
}

#[tokio::test]
async fn a_count_applies_its_conditions() {
    let s = server().await;
    let all = get(&s, "/service/tickets/count").await;
    assert_eq!(all.status, 200);
    assert_eq!(all.json(), json!({"count": 200}));

    let condition = "status/name = 'New' and closedFlag = false";
    let query = format!("conditions={}", urlencode(condition));
    let counted = get(&s, &format!("/service/tickets/count?{query}")).await;
    let listed = get(&s, &format!("/service/tickets?{query}&pageSize=1000")).await;
    let n = counted.json()["count"].as_u64().unwrap();
    assert!(n > 0 && n < 200, "{n}");
    assert_eq!(n as usize, listed.json().as_array().unwrap().len());

    // Child resources count under their parent; bad conditions are the list's 400.
    let notes = get(&s, "/service/tickets/9/notes").await.json();
    let counted = get(&s, "/service/tickets/9/notes/count").await.json();
    assert_eq!(counted["count"], notes.as_array().unwrap().len());
    let bad = get(
        &s,
        "/service/tickets/count?conditions=summray%20%3D%20%27x%27",
    )
    .await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.json()["errors"][0]["field"], "conditions");
    assert!(bad.json()["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("did you mean `summary`"));
}

#[tokio::test]
async fn bundles_count_answers_a_count_per_sub_request() {
    let s = server().await;
    let body = json!({"requests": [
        {"sequenceNumber": 1, "resourceType": "Ticket", "apiRequest": {
            "filters": {"conditions": "status/name = 'New'"}}},
        {"sequenceNumber": 2, "resourceType": "ServiceNote", "apiRequest": {"parentId": 9}},
        {"sequenceNumber": 3, "resourceType": "Tickett", "apiRequest": {}},
        {"sequenceNumber": 4, "resourceType": "Ticket", "apiRequest": {
            "filters": {"conditions": "status/name = "}}},
    ]});
    let answer = call(&s, Method::POST, "/system/bundles/count", Some(body)).await;
    assert_eq!(answer.status, 200);
    let v = answer.json();
    let results = v["results"].as_array().unwrap();
    let new = get(
        &s,
        "/service/tickets/count?conditions=status%2Fname%20%3D%20%27New%27",
    )
    .await
    .json();
    assert_eq!(results[0]["count"], new["count"]);
    assert_eq!(results[0]["success"], true);
    assert_eq!(results[0]["statusCode"], 200);
    let notes = get(&s, "/service/tickets/9/notes/count").await.json();
    assert_eq!(results[1]["count"], notes["count"]);
    assert_eq!(results[2]["statusCode"], 400);
    assert!(results[2]["error"]["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("did you mean `Ticket`"));
    assert_eq!(results[3]["statusCode"], 400);
    assert_eq!(results[3]["error"]["code"], "InvalidObject");
    assert_eq!(v["_info"]["total"], "4");
    assert_eq!(v["_info"]["success"], "2");
}

#[tokio::test]
async fn create_then_get_sees_the_new_row() {
    let s = server().await;
    let body = json!({"summary": "Printer on fire", "status": {"id": 1}, "board": {"id": 1}});
    let created = call(&s, Method::POST, "/service/tickets", Some(body)).await;
    assert_eq!(created.status, 201);
    let row = created.json();
    assert_eq!(row["id"], 201, "the next id after the 200 rows");
    assert_eq!(row["summary"], "Printer on fire");
    assert_eq!(row["status"], json!({"id": 1}));
    assert!(row["_info"]["lastUpdated"].as_str().unwrap().ends_with('Z'));
    // It decodes as the client would.
    let ticket: Ticket = serde_json::from_value(row.clone()).unwrap();
    assert_eq!(ticket.id, Some(201));

    assert_eq!(get(&s, "/service/tickets/201").await.json(), row);
    assert_eq!(get(&s, "/service/tickets/count").await.json()["count"], 201);
    let found = get(
        &s,
        "/service/tickets?conditions=summary%20contains%20%27on%20fire%27",
    )
    .await
    .json();
    assert_eq!(found.as_array().unwrap().len(), 1);

    // A child row gets its parent's id; a body that is not an object is a 400.
    let note = call(
        &s,
        Method::POST,
        "/service/tickets/9/notes",
        Some(json!({"text": "Called back"})),
    )
    .await
    .json();
    assert_eq!(note["ticketId"], 9);
    let notes = get(&s, "/service/tickets/9/notes?pageSize=100")
        .await
        .json();
    assert_eq!(notes.as_array().unwrap().last(), Some(&note));
    let bad = call(&s, Method::POST, "/service/tickets", Some(json!([1, 2]))).await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.json()["code"], "InvalidObject");
}

#[tokio::test]
async fn put_replaces_the_row_or_is_404() {
    let s = server().await;
    let put = call(
        &s,
        Method::PUT,
        "/service/tickets/7",
        Some(json!({"id": 999, "summary": "Replaced"})),
    )
    .await;
    assert_eq!(put.status, 200);
    let row = put.json();
    assert_eq!(row["id"], 7, "the path's id wins");
    assert_eq!(row["summary"], "Replaced");
    assert!(row.get("status").is_none(), "a PUT replaces the whole row");
    assert_eq!(get(&s, "/service/tickets/7").await.json(), row);

    let missing = call(&s, Method::PUT, "/service/tickets/5000", Some(json!({}))).await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["code"], "NotFound");
}

#[tokio::test]
async fn patch_takes_every_path_form() {
    let s = server().await;
    let before = get(&s, "/service/tickets/3").await.json();
    let ops = json!([
        {"op": "replace", "path": "summary", "value": "First"},
        {"op": "replace", "path": "/summary", "value": "Second"},
        {"op": "replace", "path": "status/id", "value": 3},
        {"op": "replace", "path": "/board/id", "value": 2},
        {"op": "add", "path": "budgetHours", "value": 1.5},
        {"op": "remove", "path": "/contactName"},
    ]);
    let patched = call(&s, Method::PATCH, "/service/tickets/3", Some(ops)).await;
    assert_eq!(patched.status, 200);
    let row = patched.json();
    assert_eq!(row["id"], 3);
    assert_eq!(row["summary"], "Second");
    assert_eq!(row["status"]["id"], 3);
    assert_eq!(
        row["status"]["name"], before["status"]["name"],
        "only the id changed"
    );
    assert_eq!(row["board"]["id"], 2);
    assert_eq!(row["budgetHours"], 1.5);
    assert!(row.get("contactName").is_none());
    assert_eq!(row["company"], before["company"], "the rest is kept");
    assert_eq!(get(&s, "/service/tickets/3").await.json(), row);

    // `status` with an object replaces the whole reference.
    let row = call(
        &s,
        Method::PATCH,
        "/service/tickets/3",
        Some(json!([{"op": "replace", "path": "status", "value": {"id": 4}}])),
    )
    .await
    .json();
    assert_eq!(row["status"], json!({"id": 4}));

    let missing = call(
        &s,
        Method::PATCH,
        "/service/tickets/5000",
        Some(json!([{"op": "replace", "path": "summary", "value": "x"}])),
    )
    .await;
    assert_eq!(missing.status, 404);
    let bad = call(
        &s,
        Method::PATCH,
        "/service/tickets/3",
        Some(json!([{"op": "move", "path": "summary", "from": "x"}])),
    )
    .await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.json()["errors"][0]["field"], "summary");
    // A refused patch changes nothing.
    assert_eq!(get(&s, "/service/tickets/3").await.json(), row);
}

#[tokio::test]
async fn delete_then_the_row_is_404() {
    let s = server().await;
    let deleted = call(&s, Method::DELETE, "/service/tickets/4", None).await;
    assert_eq!(deleted.status, 204);
    assert!(deleted.body.is_empty());
    assert_eq!(get(&s, "/service/tickets/4").await.status, 404);
    assert_eq!(get(&s, "/service/tickets/count").await.json()["count"], 199);
    let again = call(&s, Method::DELETE, "/service/tickets/4", None).await;
    assert_eq!(again.status, 404);
    // Child rows too.
    let notes = get(&s, "/service/tickets/2/notes").await.json();
    let id = notes[0]["id"].as_i64().unwrap();
    let path = format!("/service/tickets/2/notes/{id}");
    assert_eq!(call(&s, Method::DELETE, &path, None).await.status, 204);
    assert_eq!(get(&s, &path).await.status, 404);
}

#[tokio::test]
async fn actions_answer_their_response_model() {
    let s = server().await;
    let copy = call(&s, Method::POST, "/service/tickets/5/copy", None).await;
    assert_eq!(copy.status, 200);
    let ticket: Ticket = serde_json::from_slice(&copy.body).expect("a Ticket");
    assert!(ticket.id.is_some() && ticket.summary.is_some());
    // The same call, the same answer.
    let again = call(&s, Method::POST, "/service/tickets/5/copy", None).await;
    assert_eq!(again.body, copy.body);
    // Below a row that does not exist: 404.
    let missing = call(&s, Method::POST, "/service/tickets/5000/copy", None).await;
    assert_eq!(missing.status, 404);

    let merged = call(
        &s,
        Method::POST,
        "/company/companies/3/merge",
        Some(json!({"toCompanyId": 4})),
    )
    .await;
    assert_eq!(merged.status, 200);
    assert_eq!(merged.json()["success"], true);

    // A search is a list filtered by the body's conditions.
    let found = call(
        &s,
        Method::POST,
        "/service/tickets/search?pageSize=1000",
        Some(json!({"conditions": "status/name = 'New'", "orderBy": "id desc"})),
    )
    .await;
    assert_eq!(found.status, 200);
    let found: Vec<Ticket> = serde_json::from_slice(&found.body).unwrap();
    assert!(!found.is_empty());
    assert!(found
        .iter()
        .all(|t| t.status.as_ref().unwrap().name.as_deref() == Some("New")));
    assert!(found.windows(2).all(|w| w[0].id > w[1].id));

    // A download answers bytes; an upload a generated model, 201.
    let download = get(&s, "/system/documents/12/download").await;
    assert_eq!(download.status, 200);
    assert_eq!(download.headers["content-type"], "application/octet-stream");
    assert!(!download.body.is_empty());
    let c = s.credentials();
    let upload = reqwest::Client::new()
        .post(format!("{}/system/documents", s.url()))
        .basic_auth(
            format!("{}+{}", c.company, c.public_key),
            Some(&c.private_key),
        )
        .header("clientId", &c.client_id)
        .header("content-type", "multipart/form-data; boundary=x")
        .body("--x\r\n\r\nhello\r\n--x--\r\n")
        .send()
        .await
        .unwrap();
    assert_eq!(upload.status().as_u16(), 201);
    assert!(upload.json::<Value>().await.unwrap().is_object());
}

#[tokio::test]
async fn the_request_log_records_method_path_query_and_body() {
    let s = server().await;
    let ops = json!([{"op": "replace", "path": "status/id", "value": 3}]);
    call(&s, Method::PATCH, "/service/tickets/8", Some(ops.clone())).await;
    get(&s, "/service/tickets/count?conditions=id%3E5").await;
    let log = s.requests();
    assert_eq!(log.len(), 2);
    assert_eq!(
        (log[0].method.as_str(), log[0].path.as_str()),
        ("PATCH", "/service/tickets/8")
    );
    assert_eq!(log[0].body_json(), Some(ops));
    assert_eq!(log[0].content_type(), Some("application/json"));
    assert_eq!(log[1].method, "GET");
    assert_eq!(log[1].path, "/service/tickets/count");
    assert_eq!(log[1].query_string, "conditions=id%3E5");
    assert_eq!(log[1].query_param("conditions"), Some("id>5"));
    assert!(log[1].body.is_empty());
}

#[tokio::test]
async fn a_method_the_spec_lacks_is_405_and_an_unknown_path_404() {
    let s = server().await;
    // Members cannot be deleted in the spec.
    let r = call(&s, Method::DELETE, "/system/members/5", None).await;
    assert_eq!(r.status, 405);
    assert_eq!(r.headers["allow"], "GET, PUT, PATCH");
    assert_eq!(r.json()["code"], "MethodNotAllowed");
    let r = call(&s, Method::PUT, "/service/tickets", Some(json!({}))).await;
    assert_eq!(r.status, 405);
    assert_eq!(r.headers["allow"], "GET, POST");
    let r = get(&s, "/service/tickets/search").await;
    assert_eq!(r.status, 405, "search is POST only, and not a ticket id");

    for path in [
        "/service/nothing",
        "/service/tickets/abc",
        "/service/tickets/1/nope",
    ] {
        let r = get(&s, path).await;
        assert_eq!(r.status, 404, "{path}");
        assert_eq!(r.json()["code"], "NotFound");
    }
}

/// What `connectwise::Client::send` expects of each kind: a smoke test of the contract (the
/// end-to-end tests live in the workspace's `tests/`).
#[tokio::test]
async fn client_send_reads_every_answer() {
    let s = server().await;
    let client = s.client().build().unwrap();
    let n = client
        .send(Ticket::count().conditions("status/name = 'New'"))
        .await
        .unwrap();
    assert!(n > 0);
    let created = client
        .send(Ticket::create(&Ticket {
            summary: Some("From the client".into()),
            ..Ticket::default()
        }))
        .await
        .unwrap();
    let id = created.id.unwrap();
    let patched = client
        .send(Ticket::patch(id).replace_path("summary", "Patched"))
        .await
        .unwrap();
    assert_eq!(patched.summary.as_deref(), Some("Patched"));
    let copy = client.send(Ticket::copy(id)).await.unwrap();
    assert!(copy.id.is_some());
    client.send(Ticket::delete(id)).await.unwrap();
    let err = client.get(Ticket::get(id)).await.unwrap_err();
    assert_eq!(err.status(), Some(404));

    let mut b = connectwise::Bundle::new();
    let count = b.push(Ticket::count().conditions("status/name = 'New'"));
    let page = b.push(Ticket::list().page_size(3));
    let mut r = b.send(&client).await.unwrap();
    assert_eq!(r.take(count).unwrap(), n);
    assert_eq!(r.take(page).unwrap().len(), 3);
}

/// Percent-encodes everything but unreserved characters.
fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
