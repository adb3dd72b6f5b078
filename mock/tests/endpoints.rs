//! The individual endpoints of the fake server, through the real `connectwise::Client`:
//! list, get, the API's errors, conditions and orderBy, paging through `client.stream`,
//! faults, determinism, and the data folder.

use connectwise::models::{Company, PurchaseOrderLineItem, ServiceNote, Ticket};
use connectwise::{Client, Error, RetryPolicy};
use connectwise_mock::{MockError, MockServer};
use futures_util::TryStreamExt;
use serde_json::json;
use std::time::{Duration, Instant};

async fn server(rows: u32) -> MockServer {
    MockServer::builder()
        .seed(7)
        .rows(rows)
        .start()
        .await
        .expect("the fake server starts")
}

fn client(server: &MockServer) -> Client {
    server
        .client()
        .retry(RetryPolicy::none())
        .build()
        .expect("client")
}

fn fast_retries(n: u32) -> RetryPolicy {
    RetryPolicy {
        max_retries: n,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(20),
    }
}

#[tokio::test]
async fn list_gives_the_default_page_of_25_decoded_tickets() {
    let s = server(300).await;
    let tickets: Vec<Ticket> = client(&s).list(Ticket::list()).await.unwrap();
    assert_eq!(tickets.len(), 25);
    let ids: Vec<i32> = tickets.iter().filter_map(|t| t.id).collect();
    assert_eq!(ids, (1..=25).collect::<Vec<_>>());
    assert!(tickets
        .iter()
        .all(|t| t.summary.is_some() && t.status.is_some()));
    let sent = s.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].path, "/service/tickets");
    assert_eq!(sent[0].method, "GET");
}

#[tokio::test]
async fn page_size_is_capped_at_1000() {
    let s = server(1500).await;
    let tickets: Vec<Ticket> = client(&s)
        .list(Ticket::list().page_size(5000))
        .await
        .unwrap();
    assert_eq!(tickets.len(), 1000);
}

#[tokio::test]
async fn get_by_id_and_404_with_the_api_error_body() {
    let s = server(100).await;
    let c = client(&s);
    let company: Company = c.get(Company::get(42)).await.unwrap();
    assert_eq!(company.id, Some(42));
    // The reference names agree with the records they point to.
    let tickets: Vec<Ticket> = c
        .list(Ticket::list().conditions("company/id = 42").page_size(1000))
        .await
        .unwrap();
    for t in &tickets {
        let reference = t.company.as_ref().unwrap();
        assert_eq!(reference.name, company.name);
    }

    let err = c.get(Company::get(101)).await.unwrap_err();
    let Error::Status { status, body, .. } = &err else {
        panic!("expected a status error, got {err:?}");
    };
    assert_eq!(*status, 404);
    let body = body.as_ref().expect("an error body");
    assert_eq!(body.code.as_deref(), Some("NotFound"));
    assert!(
        body.message.as_deref().unwrap_or("").contains("101"),
        "{body:?}"
    );
}

#[tokio::test]
async fn child_resources_take_their_parent_id() {
    let s = server(50).await;
    let c = client(&s);
    let notes: Vec<ServiceNote> = c.list(ServiceNote::list(7).page_size(100)).await.unwrap();
    assert!(!notes.is_empty() && notes.len() <= 8, "{}", notes.len());
    assert!(notes.iter().all(|n| n.ticket_id == Some(7)));
    let lines: Vec<PurchaseOrderLineItem> = c.list(PurchaseOrderLineItem::list(3)).await.unwrap();
    assert!(lines.iter().all(|l| l.purchase_order_id == Some(3)));
    let one: PurchaseOrderLineItem = c.get(PurchaseOrderLineItem::get(3, 1)).await.unwrap();
    assert_eq!(one.id, Some(1));
    assert_eq!(
        s.requests()[2].path,
        "/procurement/purchaseorders/3/lineitems/1"
    );
}

#[tokio::test]
async fn bad_conditions_are_400_with_the_api_error_body() {
    let s = server(50).await;
    let c = client(&s);
    for bad in [
        "status/name = ",
        "summary like",
        "id > 'x' and (",
        "summary > 5",
    ] {
        let err = c.list(Ticket::list().conditions(bad)).await.expect_err(bad);
        assert_eq!(err.status(), Some(400), "{bad}: {err}");
        let Error::Status {
            body: Some(body), ..
        } = &err
        else {
            panic!("{bad}: no error body: {err:?}");
        };
        assert_eq!(body.code.as_deref(), Some("InvalidObject"), "{bad}");
        assert_eq!(body.errors.len(), 1, "{bad}");
        assert_eq!(body.errors[0].field.as_deref(), Some("conditions"), "{bad}");
    }
    let err = c
        .list(Ticket::list().order_by("summary sideways"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
}

#[tokio::test]
async fn wrong_credentials_or_no_client_id_are_401() {
    let s = server(10).await;
    let wrong = Client::builder(s.url())
        .credentials(connectwise::Credentials::new(
            &s.credentials().company,
            &s.credentials().public_key,
            "not-the-private-key",
        ))
        .client_id(&s.credentials().client_id)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = wrong.list(Ticket::list()).await.unwrap_err();
    assert_eq!(err.status(), Some(401));

    let no_client_id = s
        .client()
        .client_id("")
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = no_client_id.list(Ticket::list()).await.unwrap_err();
    assert_eq!(err.status(), Some(401));

    // And without any headers at all.
    let raw = reqwest::get(format!("{}/service/tickets", s.url()))
        .await
        .unwrap();
    assert_eq!(raw.status().as_u16(), 401);
    let body: serde_json::Value = raw.json().await.unwrap();
    assert_eq!(body["code"], "Unauthorized");
}

#[tokio::test]
async fn conditions_filter_like_the_api() {
    let s = server(2000).await;
    let c = client(&s);
    let new: Vec<Ticket> = c
        .list(
            Ticket::list()
                .conditions("status/name = 'New'")
                .page_size(1000),
        )
        .await
        .unwrap();
    assert!(new.len() > 100, "{}", new.len());
    for t in &new {
        assert_eq!(
            t.status.as_ref().and_then(|s| s.name.as_deref()),
            Some("New")
        );
    }
    let printers: Vec<Ticket> = c
        .list(
            Ticket::list()
                .conditions("summary like '%printer%' and closedFlag = false")
                .page_size(1000),
        )
        .await
        .unwrap();
    assert!(!printers.is_empty());
    for t in &printers {
        let summary = t.summary.as_deref().unwrap().to_lowercase();
        assert!(summary.contains("printer"), "{summary}");
        assert_eq!(t.closed_flag, Some(false));
    }
    let seed_conditions: Vec<Ticket> = c
        .list(
            Ticket::list()
                .conditions(
                    "summary like '%a%' and status/name like '%new%'and board/name='Help Desk'",
                )
                .page_size(1000),
        )
        .await
        .unwrap();
    assert!(!seed_conditions.is_empty());
    for t in &seed_conditions {
        assert_eq!(
            t.board.as_ref().and_then(|b| b.name.as_deref()),
            Some("Help Desk")
        );
    }
}

#[tokio::test]
async fn order_by_sorts_on_several_keys() {
    let s = server(300).await;
    let tickets: Vec<Ticket> = client(&s)
        .list(
            Ticket::list()
                .order_by("status/name asc, id desc")
                .page_size(300),
        )
        .await
        .unwrap();
    assert_eq!(tickets.len(), 300);
    let keys: Vec<(String, i32)> = tickets
        .iter()
        .map(|t| {
            (
                t.status
                    .as_ref()
                    .and_then(|s| s.name.clone())
                    .unwrap_or_default()
                    .to_lowercase(),
                -t.id.unwrap(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}

#[tokio::test]
async fn stream_by_page_number_keeps_the_conditions_on_every_page() {
    let s = server(1000).await;
    let c = client(&s);
    let condition = "status/name != 'Closed'";
    let all: Vec<Ticket> = c
        .list(Ticket::list().conditions(condition).page_size(1000))
        .await
        .unwrap();
    s.clear_requests();
    let streamed: Vec<Ticket> = c
        .stream(Ticket::list().conditions(condition).page(1).page_size(100))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        streamed.iter().map(|t| t.id).collect::<Vec<_>>(),
        all.iter().map(|t| t.id).collect::<Vec<_>>()
    );
    let sent = s.requests();
    assert_eq!(sent.len(), all.len().div_ceil(100));
    for (i, r) in sent.iter().enumerate() {
        assert_eq!(r.query_param("conditions"), Some(condition));
        assert_eq!(r.query_param("page"), Some((i + 1).to_string().as_str()));
    }
}

#[tokio::test]
async fn stream_forward_only_follows_the_link_header() {
    let s = server(500).await;
    let c = client(&s);
    let condition = "closedFlag = false";
    let all: Vec<Ticket> = c
        .list(Ticket::list().conditions(condition).page_size(1000))
        .await
        .unwrap();
    s.clear_requests();
    let streamed: Vec<Ticket> = c
        .stream(Ticket::list().conditions(condition).page_size(40))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(streamed.len(), all.len());
    assert!(streamed.windows(2).all(|w| w[0].id < w[1].id));
    let sent = s.requests();
    assert_eq!(sent.len(), all.len().div_ceil(40));
    for (i, r) in sent.iter().enumerate() {
        assert_eq!(r.header("pagination-type"), Some("forward-only"));
        assert_eq!(r.query_param("conditions"), Some(condition), "page {i}");
        assert_eq!(r.query_param("pageSize"), Some("40"));
        if i > 0 {
            let expected = streamed[i * 40 - 1].id.unwrap().to_string();
            assert_eq!(r.query_param("pageId"), Some(expected.as_str()));
        }
    }
}

#[tokio::test]
async fn page_number_answers_carry_next_and_last_links() {
    let s = server(100).await;
    let c = &s.credentials();
    let url = format!(
        "{}/service/tickets?conditions={}&pageSize=30&page=2",
        s.url(),
        "id%20%3E%205"
    );
    let r = reqwest::Client::new()
        .get(&url)
        .basic_auth(
            format!("{}+{}", c.company, c.public_key),
            Some(&c.private_key),
        )
        .header("clientId", &c.client_id)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let link = r.headers()["link"].to_str().unwrap().to_owned();
    // 95 rows with id > 5: pages of 30 -> 4 pages.
    assert!(
        link.contains("page=3") && link.contains("rel=\"next\""),
        "{link}"
    );
    assert!(
        link.contains("page=4") && link.contains("rel=\"last\""),
        "{link}"
    );
    assert!(
        link.contains("page=1") && link.contains("rel=\"first\""),
        "{link}"
    );
    assert!(link.contains("conditions=id+%3E+5"), "{link}");
    let body: Vec<serde_json::Value> = r.json().await.unwrap();
    assert_eq!(body.len(), 30);
    assert_eq!(body[0]["id"], 36);
}

#[tokio::test]
async fn fields_selects_what_is_sent() {
    let s = server(20).await;
    let tickets: Vec<Ticket> = client(&s)
        .list(Ticket::list().fields("id,status/name").page_size(3))
        .await
        .unwrap();
    assert_eq!(tickets.len(), 3);
    for t in &tickets {
        assert!(t.id.is_some() && t.summary.is_none() && t.company.is_none());
        let status = t.status.as_ref().unwrap();
        assert!(status.name.is_some() && status.id.is_none());
    }
}

#[tokio::test]
async fn too_many_requests_then_success() {
    let s = server(10).await;
    s.faults().too_many_requests(2, Duration::ZERO);
    let c = s.client().retry(fast_retries(3)).build().unwrap();
    let started = Instant::now();
    let tickets: Vec<Ticket> = c.list(Ticket::list()).await.unwrap();
    assert_eq!(tickets.len(), 10);
    assert_eq!(s.requests().len(), 3);
    assert!(started.elapsed() < Duration::from_secs(2));

    // Without retries, the 429 is the error.
    s.faults().too_many_requests(1, Duration::from_secs(1));
    let err = client(&s).list(Ticket::list()).await.unwrap_err();
    assert_eq!(err.status(), Some(429));
}

#[tokio::test]
async fn server_errors_are_retried_until_success() {
    let s = server(10).await;
    s.faults().server_errors(2, 503);
    let c = s.client().retry(fast_retries(3)).build().unwrap();
    let company: Company = c.get(Company::get(3)).await.unwrap();
    assert_eq!(company.id, Some(3));
    assert_eq!(s.requests().len(), 3);

    s.faults().server_errors(5, 502);
    let err = c.get(Company::get(3)).await.unwrap_err();
    assert_eq!(err.status(), Some(502));
}

#[tokio::test]
async fn a_truncated_body_is_a_decode_error() {
    let s = server(10).await;
    s.faults().truncate_bodies(1);
    let err = client(&s).list(Ticket::list()).await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    // Only once.
    assert!(client(&s).list(Ticket::list()).await.is_ok());
}

#[tokio::test]
async fn latency_and_slow_bodies() {
    let s = server(10).await;
    s.faults().latency(Duration::from_millis(120));
    let started = Instant::now();
    client(&s).list(Ticket::list()).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(120));
    s.faults().latency(Duration::ZERO);

    // A slow body arrives whole, just late.
    s.faults().slow_bodies(1, 512, Duration::from_millis(5));
    let started = Instant::now();
    let tickets: Vec<Ticket> = client(&s).list(Ticket::list()).await.unwrap();
    assert_eq!(tickets.len(), 10);
    assert!(started.elapsed() >= Duration::from_millis(10));

    // ... unless it is slower than the client's timeout.
    s.faults().slow_bodies(1, 64, Duration::from_millis(100));
    let impatient = s
        .client()
        .timeout(Duration::from_millis(300))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = impatient.list(Ticket::list()).await.unwrap_err();
    assert!(
        err.is_timeout() || matches!(err, Error::Transport { .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn the_same_seed_gives_the_same_data() {
    async fn snapshot(seed: u64) -> String {
        let s = MockServer::builder()
            .seed(seed)
            .rows(200)
            .start()
            .await
            .unwrap();
        let raw = reqwest::Client::new()
            .get(format!(
                "{}/service/tickets?pageSize=200&orderBy=summary",
                s.url()
            ))
            .basic_auth(
                format!("{}+{}", s.credentials().company, s.credentials().public_key),
                Some(&s.credentials().private_key),
            )
            .header("clientId", &s.credentials().client_id)
            .send()
            .await
            .unwrap();
        raw.text().await.unwrap()
    }
    let a = snapshot(1).await;
    assert_eq!(a, snapshot(1).await);
    assert_ne!(a, snapshot(2).await);
}

#[tokio::test]
async fn a_data_folder_serves_exactly_its_rows() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("ticket.json"),
        json!([
            {"id": 3, "summary": "Printer on fire", "status": {"id": 1, "name": "New"}},
            {"id": 1, "summary": "Mouse missing", "status": {"id": 2, "name": "Closed"}},
        ])
        .to_string(),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("service_note.json"),
        json!({"3": [{"id": 1, "ticketId": 3, "text": "Called the fire brigade"}]}).to_string(),
    )
    .unwrap();
    let s = MockServer::builder()
        .data_dir(dir.path())
        .generate(false)
        .start()
        .await
        .unwrap();
    let c = client(&s);
    let tickets: Vec<Ticket> = c.list(Ticket::list()).await.unwrap();
    assert_eq!(
        tickets.iter().map(|t| t.id).collect::<Vec<_>>(),
        vec![Some(1), Some(3)]
    );
    let printers: Vec<Ticket> = c
        .list(Ticket::list().conditions("summary contains 'printer'"))
        .await
        .unwrap();
    assert_eq!(printers.len(), 1);
    let notes: Vec<ServiceNote> = c.list(ServiceNote::list(3)).await.unwrap();
    assert_eq!(notes[0].text.as_deref(), Some("Called the fire brigade"));
    assert!(c.list(ServiceNote::list(4)).await.unwrap().is_empty());
    // Resources without a file are empty when generation is off.
    assert!(c.list(Company::list()).await.unwrap().is_empty());

    std::fs::write(dir.path().join("tickets.json"), "[]").unwrap();
    let err = MockServer::builder()
        .data_dir(dir.path())
        .start()
        .await
        .unwrap_err();
    assert!(matches!(err, MockError::Data { .. }), "{err:?}");
    assert!(
        err.to_string().contains("did you mean `ticket.json`"),
        "{err}"
    );
}

#[tokio::test]
async fn unknown_fields_and_type_mismatches_are_400_with_every_problem() {
    let s = server(20).await;
    let c = client(&s);
    let err = c
        .list(
            Ticket::list()
                .conditions("status/nmae = 'New' and closedFlag = 'yes' and summray like '%a%'"),
        )
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
    let Error::Status {
        body: Some(body), ..
    } = &err
    else {
        panic!("no error body: {err:?}");
    };
    let messages: Vec<&str> = body
        .errors
        .iter()
        .filter_map(|e| e.message.as_deref())
        .collect();
    assert_eq!(messages.len(), 3, "{messages:?}");
    assert!(messages[0].contains("did you mean `name`"), "{messages:?}");
    assert!(
        messages[2].contains("did you mean `summary`"),
        "{messages:?}"
    );
    assert!(body
        .errors
        .iter()
        .all(|e| e.field.as_deref() == Some("conditions")));

    // The same verdict for a bundle sub-request.
    let mut b = connectwise::Bundle::new();
    let h = b.push(Ticket::list().conditions("status/nmae = 'New'"));
    let mut r = b.send(&c).await.unwrap();
    let item = r.take(h).unwrap_err();
    assert_eq!(item.status_code(), Some(400));
    assert!(item.validation_errors()[0]
        .message
        .as_deref()
        .unwrap()
        .contains("did you mean `name`"));
}

#[tokio::test]
async fn literal_segments_win_over_ids_in_routing() {
    let s = server(30).await;
    let c = client(&s);
    let with_sso: Vec<connectwise::models::Member> = c
        .list(connectwise::resources::member_with_sso::list().page_size(100))
        .await
        .unwrap();
    assert_eq!(with_sso.len(), 30);
    let one: connectwise::models::Member =
        c.get(connectwise::models::Member::get(12)).await.unwrap();
    assert_eq!(one.id, Some(12));
    let paths: Vec<String> = s.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, ["/system/members/withSso", "/system/members/12"]);
}
