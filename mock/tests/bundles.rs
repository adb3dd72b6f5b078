//! `POST /system/bundles` on the fake server, through the real client's `Bundle`: every
//! sub-request kind, partial failure, retries, a bundle of 100, and the seed's own request.

use connectwise::models::{
    Company, ConfigurationTypeQuestionValue, Member, PurchaseOrderLineItem, ServiceNote, Ticket,
};
use connectwise::{Bundle, ItemErrorKind, RawRequest, RetryPolicy};
use connectwise_mock::MockServer;
use std::time::Duration;

async fn server() -> MockServer {
    MockServer::builder()
        .seed(11)
        .rows(500)
        .start()
        .await
        .expect("the fake server starts")
}

#[tokio::test]
async fn every_sub_request_kind_in_one_bundle() {
    let s = server().await;
    let c = s.client().retry(RetryPolicy::none()).build().unwrap();
    let mut b = Bundle::new();
    let tickets = b.push(
        Ticket::list()
            .conditions(
                "summary like '%a%' and status/name like '%new%' and board/name='Help Desk'",
            )
            .order_by("id desc")
            .page(1)
            .page_size(1000),
    );
    let company = b.push(Company::get(250));
    let lines = b.push(PurchaseOrderLineItem::list(5).page_size(1000));
    let line = b.push(PurchaseOrderLineItem::get(5, 1));
    let values = b.push(ConfigurationTypeQuestionValue::list(2, 3));
    let notes = b.push(ServiceNote::list(9).fields("id,ticketId"));
    let members = b.push(
        Member::list()
            .conditions("identifier like 'j%'")
            .page_size(10),
    );
    let raw_list = b.push(RawRequest::<Vec<serde_json::Value>>::list("ticket").page_size(3));
    let raw_get = b.push(RawRequest::<serde_json::Value>::get("Company", 7));
    let forward = b.push(Ticket::list().page_id(490).page_size(100));
    let mut r = b.send(&c).await.unwrap();

    let tickets: Vec<Ticket> = r.take(tickets).unwrap();
    assert!(!tickets.is_empty());
    assert!(tickets.windows(2).all(|w| w[0].id > w[1].id));
    for t in &tickets {
        assert_eq!(t.board.as_ref().unwrap().name.as_deref(), Some("Help Desk"));
    }
    let company: Company = r.take(company).unwrap();
    assert_eq!(company.id, Some(250));
    let lines: Vec<PurchaseOrderLineItem> = r.take(lines).unwrap();
    assert!(!lines.is_empty());
    assert!(lines.iter().all(|l| l.purchase_order_id == Some(5)));
    let line: PurchaseOrderLineItem = r.take(line).unwrap();
    assert_eq!((line.id, line.purchase_order_id), (Some(1), Some(5)));
    let values: Vec<ConfigurationTypeQuestionValue> = r.take(values).unwrap();
    assert!(!values.is_empty());
    let notes: Vec<ServiceNote> = r.take(notes).unwrap();
    assert!(notes
        .iter()
        .all(|n| n.ticket_id == Some(9) && n.text.is_none()));
    let members: Vec<Member> = r.take(members).unwrap();
    assert!(!members.is_empty());
    assert!(members
        .iter()
        .all(|m| m.identifier.as_deref().unwrap().starts_with('j')));
    let raw_list: Vec<serde_json::Value> = r.take(raw_list).unwrap();
    assert_eq!(raw_list.len(), 3);
    let raw_get: serde_json::Value = r.take(raw_get).unwrap();
    assert_eq!(raw_get["id"], 7);
    let forward: Vec<Ticket> = r.take(forward).unwrap();
    assert_eq!(
        forward.iter().map(|t| t.id.unwrap()).collect::<Vec<_>>(),
        (491..=500).collect::<Vec<_>>()
    );
    assert_eq!(r.info()["total"], "10");
    assert_eq!(r.info()["success"], "10");

    // What went over the wire: one POST, the client's sub-requests as sent.
    let sent = s.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        (sent[0].method.as_str(), sent[0].path.as_str()),
        ("POST", "/system/bundles")
    );
    let body = sent[0].body_json().unwrap();
    assert_eq!(body["requests"][3]["apiRequest"]["parentId"], 5);
    assert_eq!(body["requests"][4]["apiRequest"]["grandParentId"], 2);
}

#[tokio::test]
async fn one_missing_id_fails_only_its_own_sub_request() {
    let s = server().await;
    let c = s.client().build().unwrap();
    let mut b = Bundle::new();
    let tickets = b.push(Ticket::list().page_size(5));
    let missing = b.push(Company::get(999_999));
    let note = b.push(ServiceNote::get(1, 1));
    let unknown = b.push(RawRequest::<Vec<serde_json::Value>>::list("Tickett"));
    let no_get = b.push(RawRequest::<serde_json::Value>::get("ServiceTicketNote", 1).parent_id(1));
    let bad = b.push(Ticket::list().conditions("status/name = "));
    let mut r = b.send(&c).await.unwrap();

    assert_eq!(r.take(tickets).unwrap().len(), 5);
    let err = r.take(missing).unwrap_err();
    assert_eq!(err.status_code(), Some(404));
    assert_eq!(err.code(), Some("NotFound"));
    assert_eq!(err.sequence_number, 2);
    assert!(r.take(note).is_ok());
    let err = r.take(unknown).unwrap_err();
    assert_eq!(err.status_code(), Some(400));
    assert!(
        err.validation_errors()[0]
            .message
            .as_deref()
            .unwrap()
            .contains("did you mean `Ticket`"),
        "{err}"
    );
    assert_eq!(r.take(no_get).unwrap_err().status_code(), Some(404));
    let err = r.take(bad).unwrap_err();
    assert_eq!(err.status_code(), Some(400));
    assert_eq!(err.code(), Some("InvalidObject"));
    assert!(matches!(err.kind, ItemErrorKind::Api { .. }));
    assert_eq!(r.info()["success"], "2");
    assert_eq!(r.info()["failure"], "4");
    assert_eq!(r.info()["total"], "6");
}

#[tokio::test]
async fn a_bundle_of_100_sub_requests() {
    let s = server().await;
    let c = s.client().build().unwrap();
    let mut b = Bundle::new();
    let handles: Vec<_> = (1..=100)
        .map(|i| b.push(Ticket::list().conditions(format!("id = {i}"))))
        .collect();
    let mut r = b.send(&c).await.unwrap();
    for (i, h) in handles.into_iter().enumerate() {
        let tickets: Vec<Ticket> = r.take(h).unwrap();
        assert_eq!(tickets.len(), 1);
        assert_eq!(tickets[0].id, Some(i as i32 + 1));
    }
    assert_eq!(r.info()["total"], "100");
    // Split by the client's `max_bundle_size` (25 by default): four calls.
    assert_eq!(
        s.requests().len(),
        100_usize.div_ceil(connectwise::DEFAULT_MAX_BUNDLE_SIZE)
    );
}

#[tokio::test]
async fn a_bundle_is_retried_after_429_and_503() {
    let s = server().await;
    let c = s
        .client()
        .retry(RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(20),
        })
        .build()
        .unwrap();
    s.faults()
        .too_many_requests(1, Duration::ZERO)
        .server_errors(1, 503);
    let mut b = Bundle::new();
    let company = b.push(Company::get(1));
    let mut r = b.send(&c).await.unwrap();
    assert_eq!(r.take(company).unwrap().id, Some(1));
    assert_eq!(s.requests().len(), 3);
}

#[tokio::test]
async fn a_truncated_bundle_answer_is_a_decode_error() {
    let s = server().await;
    let c = s.client().retry(RetryPolicy::none()).build().unwrap();
    s.faults().truncate_bodies(1);
    let mut b = Bundle::new();
    b.push(Ticket::list());
    let err = b.send(&c).await.unwrap_err();
    assert!(matches!(err, connectwise::Error::Decode { .. }), "{err:?}");
}

/// The seed's documented request, sent as raw JSON (its capitalised names, `ResourceName`,
/// lower-case `purchaseorderlineitem` and trailing comma included).
#[tokio::test]
async fn the_seeds_request_body_is_understood() {
    let s = server().await;
    let body = r#"{
      "requests": [
        {"Version": "2019.3", "SequenceNumber": 1, "ResourceType": "ticket",
         "ApiRequest": {"Filters": {"conditions": "summary like '%a%' and status/name like '%new%'and board/name='Help Desk'"},
                        "Page": {"page": 1, "pageSize": 1000}}},
        {"Version": "2019.2", "SequenceNumber": 2, "ResourceName": "Member",
         "ApiRequest": {"Id": 1, "ParentId": 2, "GrandParentId": 3,
                        "Filters": {"conditions": "", "childConditions": "", "customFieldConditions": ""},
                        "Page": {"page": 1, "pageSize": 25}}},
        {"Version": "2019.5", "SequenceNumber": 3, "ResourceType": "purchaseorderlineitem",
         "ApiRequest": {"Filters": {"conditions": "", "childConditions": "", "customFieldConditions": ""},
                        "Page": {"page": 1, "pageSize": 1000}, "parentId": 1,}}
      ]
    }"#;
    let cr = s.credentials();
    let r = reqwest::Client::new()
        .post(format!("{}/system/bundles", s.url()))
        .basic_auth(
            format!("{}+{}", cr.company, cr.public_key),
            Some(&cr.private_key),
        )
        .header("clientId", &cr.client_id)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let v: serde_json::Value = r.json().await.unwrap();
    let results = v["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    for (i, result) in results.iter().enumerate() {
        assert_eq!(result["sequenceNumber"], i + 1);
        assert_eq!(result["success"], true, "{result}");
        assert_eq!(result["statusCode"], 200);
        assert_eq!(
            result["count"].as_u64().unwrap(),
            result["entities"].as_array().unwrap().len() as u64
        );
    }
    assert!(results[0]["count"].as_u64().unwrap() > 0);
    assert_eq!(results[1]["entities"][0]["id"], 1);
    assert_eq!(results[1]["version"], "2019.2");
    assert_eq!(results[2]["entities"][0]["purchaseOrderId"], 1);
    assert_eq!(v["_info"]["total"], "3");
}
