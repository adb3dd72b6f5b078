//! Bundles at scale, against the fake server: a bundle bigger than the client's
//! `max_bundle_size` is split into several calls with the same results, and
//! `Bundle::send_all` reads whole collections in two round trips.

use connectwise::models::{Company, Ticket};
use connectwise::{Bundle, BundleResults, Client, Handle, ItemErrorKind};
use connectwise_mock::MockServer;
use serde::Serialize;

async fn server(rows: u32) -> MockServer {
    MockServer::builder()
        .seed(11)
        .rows(rows)
        .start()
        .await
        .expect("the fake server starts")
}

fn client(server: &MockServer, max_bundle_size: usize) -> Client {
    server
        .client()
        .max_bundle_size(max_bundle_size)
        .build()
        .expect("the client builds")
}

/// Values as JSON, to compare models that need not implement `PartialEq`.
fn json<T: Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).expect("a model serializes")
}

/// The HTTP calls the server answered to `path` (below the API root).
fn calls_to(server: &MockServer, path: &str) -> usize {
    server
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path == path)
        .count()
}

enum Sent {
    Page(Handle<Vec<Ticket>>),
    One(Handle<Company>),
    Missing(Handle<Ticket>),
}

/// 25 sub-requests: ticket pages, companies by id, and one ticket that does not exist.
fn twenty_five() -> (Bundle, Vec<Sent>) {
    let mut bundle = Bundle::new();
    let mut sent = Vec::new();
    for i in 0..25u32 {
        sent.push(match i % 3 {
            0 => Sent::Page(bundle.push(Ticket::list().page(i / 3 + 1).page_size(5))),
            1 => Sent::One(bundle.push(Company::get(i as i32 + 1))),
            _ if i == 23 => Sent::Missing(bundle.push(Ticket::get(999_999))),
            _ => Sent::One(bundle.push(Company::get(i as i32 + 100))),
        });
    }
    (bundle, sent)
}

/// Every sub-result, as JSON or as its error's status code.
fn outcomes(mut results: BundleResults, sent: Vec<Sent>) -> Vec<Result<serde_json::Value, u16>> {
    let status = |e: connectwise::ItemError| match e.kind {
        ItemErrorKind::Api { status_code, .. } => status_code,
        other => panic!("sub-request {} failed as {other:?}", e.sequence_number),
    };
    sent.into_iter()
        .map(|s| match s {
            Sent::Page(h) => results.take(h).map(|v| json(&v)).map_err(status),
            Sent::One(h) => results.take(h).map(|v| json(&v)).map_err(status),
            Sent::Missing(h) => results.take(h).map(|v| json(&v)).map_err(status),
        })
        .collect()
}

#[tokio::test]
async fn a_bundle_over_the_limit_is_split_with_the_same_results() {
    let server = server(200).await;

    let (bundle, sent) = twenty_five();
    let whole = outcomes(bundle.send(&client(&server, 100)).await.unwrap(), sent);
    assert_eq!(calls_to(&server, "/system/bundles"), 1);
    server.clear_requests();

    let (bundle, sent) = twenty_five();
    let split = outcomes(bundle.send(&client(&server, 10)).await.unwrap(), sent);
    let calls: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.path == "/system/bundles")
        .collect();
    assert_eq!(calls.len(), 3, "25 sub-requests, at most 10 a call");
    let mut sizes: Vec<usize> = calls
        .iter()
        .map(|r| {
            r.body_json().expect("a JSON body")["requests"]
                .as_array()
                .expect("requests")
                .len()
        })
        .collect();
    sizes.sort_unstable();
    assert_eq!(sizes, [5, 10, 10]);

    assert_eq!(whole.len(), 25);
    assert_eq!(split, whole);
    assert_eq!(split[23], Err(404), "the missing ticket fails on its own");
    assert!(split.iter().filter(|r| r.is_ok()).count() == 24);
    let first_page = split[0].as_ref().unwrap().as_array().unwrap();
    assert_eq!(first_page.len(), 5);
}

#[tokio::test]
async fn counts_are_split_too() {
    let server = server(50).await;
    let mut bundle = Bundle::new();
    let counts: Vec<_> = (0..12)
        .map(|i| bundle.push(Ticket::count().conditions(format!("id > {}", i * 4))))
        .collect();
    let mut results = bundle.send(&client(&server, 5)).await.unwrap();
    assert_eq!(calls_to(&server, "/system/bundles/count"), 3);
    assert_eq!(calls_to(&server, "/system/bundles"), 0);
    for (i, h) in counts.into_iter().enumerate() {
        assert_eq!(results.take(h).unwrap(), 50 - (i as u64 * 4).min(50));
    }
}

#[tokio::test]
async fn the_fake_server_takes_rows_per_resource_and_counts_requests() {
    let server = MockServer::builder()
        .seed(3)
        .rows(30)
        .resource_rows("ticket", 1234)
        .resource_rows("Company", 7)
        .start()
        .await
        .expect("the fake server starts");
    let client = client(&server, 25);
    assert_eq!(server.request_count(), 0);
    assert_eq!(client.send(Ticket::count()).await.unwrap(), 1234);
    assert_eq!(client.send(Company::count()).await.unwrap(), 7);
    let contacts = connectwise::models::Contact::count();
    assert_eq!(client.send(contacts).await.unwrap(), 30);
    assert_eq!(server.request_count(), 3);
    server.clear_requests();
    assert_eq!(
        server.request_count(),
        3,
        "clearing the log keeps the count"
    );
    client.send(Ticket::count()).await.unwrap();
    assert_eq!(server.request_count(), 4);
    assert_eq!(server.requests().len(), 1);

    let unknown = MockServer::builder()
        .resource_rows("tickett", 5)
        .start()
        .await;
    assert!(
        matches!(&unknown, Err(connectwise_mock::MockError::Config(m)) if m.contains("tickett")),
        "{unknown:?}"
    );
}

#[tokio::test]
async fn send_all_equals_stream_in_three_calls() {
    use futures_util::TryStreamExt;
    let server = MockServer::builder()
        .seed(5)
        .rows(40)
        .resource_rows("ticket", 2500)
        .resource_rows("company", 1200)
        .start()
        .await
        .expect("the fake server starts");
    let client = client(&server, 25);
    let mut bundle = Bundle::new();
    let tickets = bundle.push(Ticket::list());
    let companies = bundle.push(Company::list().page_size(500));
    let closed = bundle.push(
        Ticket::list()
            .conditions("closedFlag = true")
            .page_size(300),
    );
    let one = bundle.push(Company::get(3));
    server.clear_requests();
    let mut results = bundle.send_all(&client).await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 3, "first pages, counts, the rest");
    let t = results.take(tickets).unwrap();
    let c = results.take(companies).unwrap();
    let x = results.take(closed).unwrap();
    let o = results.take(one).unwrap();
    assert_eq!(t.len(), 2500);
    assert_eq!(c.len(), 1200);
    let streamed: Vec<Ticket> = client.stream(Ticket::list()).try_collect().await.unwrap();
    assert_eq!(json(&t), json(&streamed));
    let streamed: Vec<Company> = client.stream(Company::list()).try_collect().await.unwrap();
    assert_eq!(json(&c), json(&streamed));
    let streamed: Vec<Ticket> = client
        .stream(Ticket::list().conditions("closedFlag = true"))
        .try_collect()
        .await
        .unwrap();
    assert!(streamed.len() > 300, "{}", streamed.len());
    assert_eq!(json(&x), json(&streamed));
    assert_eq!(json(&o), json(&client.send(Company::get(3)).await.unwrap()));

    // A smaller limit splits the second round.
    let mut bundle = Bundle::new();
    let tickets = bundle.push(Ticket::list().page_size(100));
    server.clear_requests();
    let mut results = bundle.send_all(&self::client(&server, 10)).await.unwrap();
    assert_eq!(
        server.requests().len(),
        2 + 3,
        "24 remaining pages, 10 a call"
    );
    assert_eq!(json(&results.take(tickets).unwrap()), json(&t));
}

#[tokio::test]
async fn bundle_macro_send_all_reads_whole_lists() {
    use connectwise::bundle;
    use futures_util::TryStreamExt;
    let server = MockServer::builder()
        .seed(9)
        .rows(30)
        .resource_rows("ticket", 1700)
        .start()
        .await
        .expect("the fake server starts");
    let client = client(&server, 25);
    server.clear_requests();
    let (tickets, company) = bundle!(ticket(page_size = 400), company(id = 2))
        .send_all(&client)
        .await
        .unwrap();
    assert_eq!(
        server.requests().len(),
        3,
        "first pages, counts, the other four pages"
    );
    let tickets = tickets.unwrap();
    assert_eq!(tickets.len(), 1700);
    let streamed: Vec<Ticket> = client.stream(Ticket::list()).try_collect().await.unwrap();
    assert_eq!(json(&tickets), json(&streamed));
    assert_eq!(
        json(&company.unwrap()),
        json(&client.send(Company::get(2)).await.unwrap())
    );
}

/// A fake server serving exactly `tickets` (its data folder), nothing generated.
async fn serving(tickets: serde_json::Value) -> (MockServer, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(dir.path().join("ticket.json"), tickets.to_string()).expect("the data file");
    let server = MockServer::builder()
        .data_dir(dir.path())
        .generate(false)
        .start()
        .await
        .expect("the fake server starts");
    (server, dir)
}

fn tickets(n: i32) -> Vec<serde_json::Value> {
    (1..=n)
        .map(|id| serde_json::json!({"id": id, "summary": format!("ticket {id}")}))
        .collect()
}

#[tokio::test]
async fn send_all_joins_decoded_pages_and_a_second_take_says_so() {
    let (server, _dir) = serving(serde_json::Value::from(tickets(25))).await;
    let client = client(&server, 25);
    let mut bundle = Bundle::new();
    let all = bundle.push(Ticket::list().page_size(10));
    // A second handle to the same result (the same position in another bundle).
    let again = Bundle::new().push(Ticket::list());
    let mut results = bundle.send_all(&client).await.unwrap();
    let rows = results.take(all).unwrap();
    assert_eq!(
        rows.iter().map(|t| t.id).collect::<Vec<_>>(),
        (1..=25).map(Some).collect::<Vec<_>>()
    );
    // The pages were decoded as they arrived and their bytes dropped: nothing to decode again.
    let err = results.take(again).unwrap_err();
    assert_eq!(err.kind, ItemErrorKind::Taken, "{err}");
}

#[tokio::test]
async fn send_all_with_a_bad_row_on_a_later_page_loses_only_that_row() {
    let mut rows = tickets(25);
    // Row 17 is on the second page of ten: a flag no conversion can read.
    rows[16] = serde_json::json!({"id": 17, "summary": "bad", "closedFlag": "perhaps"});
    let (server, _dir) = serving(serde_json::Value::from(rows)).await;
    let client = client(&server, 25);
    let mut bundle = Bundle::new();
    let all = bundle.push(Ticket::list().page_size(10));
    // A second handle to the same result (the same position in another bundle).
    let again = Bundle::new().push(Ticket::list());
    let mut results = bundle.send_all(&client).await.unwrap();
    // `take` fails the whole list for the row, at its index in the whole list ...
    let err = results.take(all).unwrap_err();
    assert!(
        matches!(&err.kind, ItemErrorKind::Decode { path, .. } if path.starts_with("[16]")),
        "{err:?}"
    );
    // ... and `take_each` loses only it: every page's rows, in order.
    let each = results.take_each(again).unwrap();
    assert_eq!(each.len(), 25);
    let bad: Vec<usize> = each
        .iter()
        .filter_map(|r| r.as_ref().err().map(|e| e.index))
        .collect();
    assert_eq!(bad, vec![16]);
    assert_eq!(each[24].as_ref().unwrap().id, Some(25));
}

#[tokio::test]
async fn send_all_of_a_raw_list_joins_its_pages() {
    let (server, _dir) = serving(serde_json::Value::from(tickets(23))).await;
    let client = client(&server, 25);
    let mut bundle = Bundle::new();
    let all = bundle
        .push(connectwise::RawRequest::<Vec<serde_json::Value>>::list("ticket").page_size(10));
    server.clear_requests();
    let mut results = bundle.send_all(&client).await.unwrap();
    assert_eq!(server.requests().len(), 3);
    let rows = results.take(all).unwrap();
    assert_eq!(
        rows.iter().map(|t| t["id"].as_i64()).collect::<Vec<_>>(),
        (1..=23).map(Some).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn send_all_fails_a_list_the_server_refuses_on_its_own_in_three_calls() {
    // The fake server checks conditions against the model: a field the ticket does not
    // have is a 400 for the first page and for the count. The other list is read whole.
    let server = server(30).await;
    let client = client(&server, 25);
    let mut bundle = Bundle::new();
    let refused = bundle.push(Ticket::list().conditions("noSuchField = 1"));
    let tickets = bundle.push(Ticket::list().page_size(7));
    server.clear_requests();
    let mut results = bundle.send_all(&client).await.unwrap();
    assert_eq!(server.requests().len(), 3, "first pages, counts, the rest");
    let e = results.take(refused).unwrap_err();
    assert!(
        matches!(
            e.kind,
            ItemErrorKind::Api {
                status_code: 400,
                ..
            }
        ),
        "{e:?}"
    );
    let t = results.take(tickets).unwrap();
    assert_eq!(t.len(), 30);
    let ids: Vec<_> = t.iter().map(|t| t.id).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(ids, sorted, "every ticket once, in order");
}

#[tokio::test]
async fn a_read_that_clashes_with_another_is_not_sent_and_fails_alone() {
    use connectwise::models::Member;
    use connectwise::resources::member_with_sso;
    let server = server(30).await;
    let client = client(&server, 25);
    // `/system/members/withSso` lists `Member`s with no ids, as `/system/members` does: the
    // API would answer it with the members, so the client does not send it.
    let mut bundle = Bundle::new();
    let members = bundle.push(Member::list().page_size(100));
    let with_sso = bundle.push(member_with_sso::list());
    let tickets = bundle.push(Ticket::list().page_size(7));
    assert_eq!(
        bundle.requests()[1].clash,
        Some("member"),
        "the registry says which read it clashes with"
    );
    server.clear_requests();
    let mut results = bundle.send(&client).await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    let body: serde_json::Value = serde_json::from_slice(&requests[0].body).unwrap();
    let sequence: Vec<u64> = body["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["sequenceNumber"].as_u64().unwrap())
        .collect();
    assert_eq!(sequence, [1, 3], "{body}");
    assert_eq!(results.take(members).unwrap().len(), 30);
    assert_eq!(results.take(tickets).unwrap().len(), 7);
    let error = results.take(with_sso).unwrap_err();
    assert_eq!(error.sequence_number, 2);
    assert_eq!(
        error.kind,
        ItemErrorKind::Clash {
            with: "member".into()
        }
    );
    assert!(
        error.to_string().contains("`member`'s are the same"),
        "{error}"
    );

    // send_all: no first page and no count for it; the others are read whole.
    let mut bundle = Bundle::new();
    let with_sso = bundle.push(member_with_sso::list());
    let members = bundle.push(Member::list().page_size(8));
    server.clear_requests();
    let mut results = bundle.send_all(&client).await.unwrap();
    let requests = server.requests();
    let sub_requests: usize = requests
        .iter()
        .map(|r| {
            String::from_utf8_lossy(&r.body)
                .matches("sequenceNumber")
                .count()
        })
        .sum();
    assert_eq!(
        (requests.len(), sub_requests),
        (3, 1 + 1 + 3),
        "the members' first page, their count, their 3 other pages"
    );
    assert_eq!(results.take(members).unwrap().len(), 30);
    assert!(matches!(
        results.take_each(with_sso).unwrap_err().kind,
        ItemErrorKind::Clash { .. }
    ));

    // Only clashing reads: nothing is sent.
    let mut bundle = Bundle::new();
    let with_sso = bundle.push(member_with_sso::list());
    server.clear_requests();
    let mut results = bundle.send(&client).await.unwrap();
    assert!(server.requests().is_empty());
    assert!(results.take(with_sso).is_err());
}

#[tokio::test]
async fn bundle_macro_takes_the_id_of_a_list_under_an_id() {
    use connectwise::bundle;
    use connectwise::resources::portal_security;
    use futures_util::TryStreamExt;
    let server = MockServer::builder()
        .seed(4)
        .rows(20)
        .child_rows(6)
        .start()
        .await
        .expect("the fake server starts");
    let client = client(&server, 25);
    // `/company/contacts/{id}/portalSecurity`: `id` names the contact, and it is a list.
    server.clear_requests();
    let (portal,) = bundle!(portal_security(id = 3, page_size = 4))
        .send(&client)
        .await
        .unwrap();
    let body: serde_json::Value = serde_json::from_slice(&server.requests()[0].body).unwrap();
    let sent = &body["requests"][0];
    assert_eq!(sent["resourceType"], "PortalSecurity", "{body}");
    assert_eq!(sent["apiRequest"]["id"], 3, "{body}");
    let portal = portal.unwrap();
    assert_eq!(portal.len(), 4);
    let streamed: Vec<_> = client
        .stream(portal_security::list(3))
        .try_collect()
        .await
        .unwrap();
    assert!(streamed.len() > 4, "{}", streamed.len());
    assert_eq!(json(&portal), json(&streamed[..4].to_vec()));
    // Read whole.
    let (portal,) = bundle!(portal_security(id = 3, page_size = 4))
        .send_all(&client)
        .await
        .unwrap();
    assert_eq!(json(&portal.unwrap()), json(&streamed));
}
