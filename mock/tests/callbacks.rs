//! The fake server's callbacks: the signing key at its key URL (authenticated only), and
//! deliveries only to matching, active, loopback entries, signed as ConnectWise signs.

use connectwise::callbacks::{sign, Action, Callback};
use connectwise::models::{BoardReference, CallbackEntry, Ticket};
use connectwise_mock::{DeliveryOutcome, MockServer};
use std::time::Duration;

#[tokio::test]
async fn the_key_url_answers_only_with_credentials() {
    let server = MockServer::builder().rows(3).start().await.unwrap();
    let http = reqwest::Client::new();
    let url = server.callback_key_url();
    let c = server.credentials();
    let anonymous = http.get(&url).send().await.unwrap();
    assert_eq!(anonymous.status().as_u16(), 401);
    let authed = |u: &str| {
        http.get(u)
            .basic_auth(
                format!("{}+{}", c.company, c.public_key),
                Some(c.private_key.clone()),
            )
            .header("clientId", &c.client_id)
    };
    let ok = authed(&url).send().await.unwrap();
    assert_eq!(ok.status().as_u16(), 200);
    let body: serde_json::Value = ok.json().await.unwrap();
    assert_eq!(body["signing_key"], server.callback_signing_key());
    let other = format!("{}/system/callbackkey/other", server.url());
    assert_eq!(authed(&other).send().await.unwrap().status().as_u16(), 404);
    let post = http
        .post(&url)
        .basic_auth(
            format!("{}+{}", c.company, c.public_key),
            Some(c.private_key.clone()),
        )
        .header("clientId", &c.client_id)
        .send()
        .await
        .unwrap();
    assert_eq!(post.status().as_u16(), 405);
}

#[tokio::test]
async fn only_matching_active_loopback_entries_get_signed_deliveries() {
    let server = MockServer::builder().rows(3).start().await.unwrap();
    let client = server.client().build().unwrap();
    // A receiver that answers 200 to anything.
    let app = axum::Router::new().fallback(|| async { "ok" });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let entry = |url: &str, level: &str, object: i32, inactive: bool| CallbackEntry {
        url: Some(url.to_owned()),
        r#type: Some("Ticket".into()),
        level: Some(level.into()),
        object_id: Some(object),
        inactive_flag: Some(inactive),
        ..CallbackEntry::default()
    };
    let mut ids = Vec::new();
    for e in [
        entry(&hook, "owner", 0, false), // every ticket
        entry("https://www.example.com/hook", "owner", 0, false), // not loopback
        entry(&hook, "owner", 0, true),  // inactive
        entry(&hook, "board", 4, false), // tickets on board 4
        entry(&hook, "board", 5, false), // another board
        entry(&hook, "owner", 999, false), // another ticket
    ] {
        let created = client.send(CallbackEntry::create(&e)).await.unwrap();
        ids.push(created.id.unwrap());
    }
    let ticket = client
        .send(Ticket::create(&Ticket {
            summary: Some("On board 4".into()),
            board: Some(BoardReference {
                id: Some(4),
                ..BoardReference::default()
            }),
            ..Ticket::default()
        }))
        .await
        .unwrap();

    let mut deliveries = Vec::new();
    for _ in 0..100 {
        deliveries = server.deliveries();
        if deliveries.len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(server.deliveries().len(), 2, "{deliveries:#?}");
    let mut from: Vec<String> = Vec::new();
    for d in &deliveries {
        assert_eq!(d.outcome, DeliveryOutcome::Answered(200));
        assert_eq!(d.url, hook);
        assert_eq!(d.signature, sign(&server.callback_signing_key(), &d.body));
        let c = Callback::from_slice(&d.body).unwrap();
        assert_eq!(c.message_id.as_deref(), Some(d.message_id.as_str()));
        assert_eq!(
            (&c.action, c.id),
            (&Action::Added, i64::from(ticket.id.unwrap()))
        );
        assert_eq!(c.r#type, "Ticket", "the entry's type, as registered");
        assert_eq!(c.key_url(), Some(server.callback_key_url().as_str()));
        let record: Ticket = c.entity().unwrap().unwrap();
        assert_eq!(record, ticket);
        from.push(c.callback_object_rec_id.unwrap());
    }
    assert_eq!(from, [ids[0].to_string(), ids[3].to_string()]);
    assert_ne!(deliveries[0].message_id, deliveries[1].message_id);

    // A deletion matches by id only: the owner-level entry, not the board one.
    client
        .send(Ticket::delete(ticket.id.unwrap()))
        .await
        .unwrap();
    for _ in 0..100 {
        if server.deliveries().len() >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let all = server.deliveries();
    assert_eq!(all.len(), 3, "{all:#?}");
    let deleted = Callback::from_slice(&all[2].body).unwrap();
    assert_eq!(deleted.action, Action::Deleted);
    assert_eq!(deleted.entity, None);
    assert_eq!(
        deleted.callback_object_rec_id.as_deref(),
        Some(ids[0].to_string().as_str())
    );
}
