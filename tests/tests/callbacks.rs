//! Callbacks end to end: the fake server sends a signed callback for every write of a
//! registered type to a local axum server, whose handler takes a verified
//! `connectwise::callbacks::Callback` (the runtime's `axum` feature). Every write arrives as
//! exactly one callback with the right action, type, id and record; the delivery faults
//! (duplicate, drop, delay) are visible, and duplicates are told apart by `MessageId`.

use connectwise::callbacks::{
    Action, Callback, CallbackRegistration, Dedup, EnsureOptions, Event, Verifier,
};
use connectwise::models::{Company, Contact, Ticket};
use connectwise::Client;
use connectwise_mock::{DeliveryOutcome, MockServer};
use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::mpsc;

/// A local axum server whose `/hook` takes verified callbacks and hands them over.
async fn receiver(verifier: Verifier) -> (String, mpsc::UnboundedReceiver<Callback>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let app = axum::Router::new()
        .route(
            "/hook",
            axum::routing::post(move |callback: Callback| {
                let tx = tx.clone();
                async move {
                    tx.send(callback).ok();
                    "ok"
                }
            }),
        )
        .with_state(verifier);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{address}/hook"), rx)
}

/// The next `n` callbacks, then checks that no more come.
async fn take(rx: &mut mpsc::UnboundedReceiver<Callback>, n: usize) -> Vec<Callback> {
    let mut out = Vec::new();
    while out.len() < n {
        match tokio::time::timeout(Duration::from_secs(10), rx.recv()).await {
            Ok(Some(c)) => out.push(c),
            _ => panic!("only {} of {n} callbacks arrived: {out:#?}", out.len()),
        }
    }
    if let Ok(Some(extra)) = tokio::time::timeout(Duration::from_millis(300), rx.recv()).await {
        panic!("more callbacks than writes: {extra:#?}");
    }
    out
}

async fn setup() -> (
    MockServer,
    Client,
    String,
    mpsc::UnboundedReceiver<Callback>,
) {
    let server = MockServer::builder().rows(10).start().await.unwrap();
    let client = server.client().build().unwrap();
    let verifier = Verifier::new(&client).allow_insecure_loopback(true);
    let (url, rx) = receiver(verifier).await;
    let report = client
        .ensure_callbacks(
            &[
                CallbackRegistration::new(&url, "ticket"),
                CallbackRegistration::new(&url, "company"),
            ],
            EnsureOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(report.created.len(), 2);
    (server, client, url, rx)
}

/// What a write should produce: action, type, id, and the record the server answered.
type Expected = (Action, &'static str, i64, Option<serde_json::Value>);

#[tokio::test]
async fn every_write_arrives_once_with_its_record() {
    let (server, client, _url, mut rx) = setup().await;
    let mut expected: Vec<Expected> = Vec::new();

    let ticket = Ticket {
        summary: Some("Printer on fire".into()),
        ..Ticket::default()
    };
    let created = client.send(Ticket::create(&ticket)).await.unwrap();
    let id = created.id.unwrap();
    expected.push((Action::Added, "ticket", id.into(), Some(json(&created))));

    let patched = client
        .send(Ticket::patch(id).replace_path("summary", "Printer fixed"))
        .await
        .unwrap();
    expected.push((Action::Updated, "ticket", id.into(), Some(json(&patched))));

    let replaced = client
        .send(Ticket::put(
            id,
            &Ticket {
                summary: Some("Printer replaced".into()),
                ..Ticket::default()
            },
        ))
        .await
        .unwrap();
    expected.push((Action::Updated, "ticket", id.into(), Some(json(&replaced))));

    let company = client
        .send(Company::create(&Company {
            name: Some("Callback Co".into()),
            identifier: Some("CallbackCo".into()),
            ..Company::default()
        }))
        .await
        .unwrap();
    let company_id = company.id.unwrap();
    expected.push((
        Action::Added,
        "company",
        company_id.into(),
        Some(json(&company)),
    ));

    // Not registered: no callback. A write that fails: no callback.
    client
        .send(Contact::create(&Contact::default()))
        .await
        .unwrap();
    assert!(client
        .send(Ticket::patch(999_999).replace_path("summary", "x"))
        .await
        .is_err());

    client.send(Ticket::delete(id)).await.unwrap();
    expected.push((Action::Deleted, "ticket", id.into(), None));
    client.send(Company::delete(company_id)).await.unwrap();
    expected.push((Action::Deleted, "company", company_id.into(), None));

    let got = take(&mut rx, expected.len()).await;
    // One task sends them in write order.
    for (callback, (action, kind, id, record)) in got.iter().zip(&expected) {
        assert_eq!(
            (&callback.action, callback.r#type.as_str(), callback.id),
            (action, *kind, *id)
        );
        let event = callback.event().unwrap();
        assert_eq!(event.kind(), *kind);
        match (&event, record) {
            (Event::Ticket(Some(t)), Some(record)) => {
                assert_eq!(serde_json::to_value(t).unwrap(), *record);
                let direct: Ticket = callback.entity().unwrap().unwrap();
                assert_eq!(**t, direct);
            }
            (Event::Company(Some(c)), Some(record)) => {
                assert_eq!(serde_json::to_value(c).unwrap(), *record)
            }
            (Event::Ticket(None) | Event::Company(None), None) => {
                assert_eq!(callback.entity::<Ticket>().unwrap(), None)
            }
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(callback.company_id.as_deref(), Some("mockcompany"));
    }
    let summaries: Vec<_> = got
        .iter()
        .filter_map(|c| c.entity::<Ticket>().ok().flatten()?.summary)
        .collect();
    assert_eq!(
        summaries,
        ["Printer on fire", "Printer fixed", "Printer replaced"]
    );
    // Every message id is distinct.
    let mut dedup = Dedup::new(100);
    assert!(got.iter().all(|c| dedup.first_time(c)));
    assert_eq!(server.deliveries().len(), expected.len());
    assert!(server
        .deliveries()
        .iter()
        .all(|d| d.outcome == DeliveryOutcome::Answered(200)));
}

/// A record as JSON, as the client decoded it (so it compares with the callback's record
/// decoded into the same model).
fn json<T: serde::Serialize>(record: &T) -> serde_json::Value {
    serde_json::to_value(record).unwrap()
}

#[tokio::test]
async fn duplicates_are_detectable_and_drops_and_delays_show() {
    let (server, client, _url, mut rx) = setup().await;
    let faults = server.callback_faults();
    faults.delay(Duration::from_millis(20)).duplicate_next(1);
    let write = |summary: &'static str| {
        let client = client.clone();
        async move {
            client
                .send(Ticket::create(&Ticket {
                    summary: Some(summary.into()),
                    ..Ticket::default()
                }))
                .await
                .unwrap()
                .id
                .unwrap()
        }
    };
    let first = write("one").await;
    let second = write("two").await;
    // Three deliveries for two writes: the first twice.
    let got = take(&mut rx, 3).await;
    let mut dedup = Dedup::default();
    let unique: Vec<&Callback> = got.iter().filter(|c| dedup.first_time(c)).collect();
    assert_eq!(
        unique.iter().map(|c| c.id).collect::<Vec<_>>(),
        [i64::from(first), i64::from(second)]
    );
    assert_eq!(got[0].message_id, got[1].message_id);
    assert_ne!(got[0].message_id, got[2].message_id);

    // A dropped delivery never arrives and is recorded as dropped.
    faults.delay(Duration::ZERO).drop_next(1);
    let dropped = write("three").await;
    let kept = write("four").await;
    let got = take(&mut rx, 1).await;
    assert_eq!(got[0].id, i64::from(kept));
    let outcomes: HashMap<i64, DeliveryOutcome> = server
        .deliveries()
        .iter()
        .map(|d| {
            let c = Callback::from_slice(&d.body).unwrap();
            (c.id, d.outcome.clone())
        })
        .collect();
    assert_eq!(outcomes[&i64::from(dropped)], DeliveryOutcome::Dropped);
    assert_eq!(outcomes[&i64::from(kept)], DeliveryOutcome::Answered(200));
}

#[tokio::test]
async fn the_extractor_answers_401_and_413() {
    let server = MockServer::builder().rows(5).start().await.unwrap();
    let client = server.client().build().unwrap();
    let verifier = Verifier::new(&client)
        .allow_insecure_loopback(true)
        .body_limit(64);
    let (url, mut rx) = receiver(verifier).await;
    let http = reqwest::Client::new();
    let unsigned = http
        .post(&url)
        .body(r#"{"Action":"added","Type":"ticket","ID":1}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status().as_u16(), 401);
    let forged = http
        .post(&url)
        .header(
            "x-content-signature",
            connectwise::callbacks::sign("guess", b"{}"),
        )
        .body(r#"{"Action":"added","Type":"ticket","ID":1}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status().as_u16(), 401);
    let big = http
        .post(&url)
        .body(vec![b' '; 10_000])
        .send()
        .await
        .unwrap();
    assert_eq!(big.status().as_u16(), 413);
    // A streamed body with no length is cut off at the limit too.
    let chunks =
        futures_util::stream::iter((0..100).map(|_| Ok::<_, std::io::Error>(vec![b' '; 100])));
    let streamed = http
        .post(&url)
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await
        .unwrap();
    assert_eq!(streamed.status().as_u16(), 413);
    assert!(rx.try_recv().is_err(), "nothing reached the handler");
}
