//! Callbacks against the fake server (moved from the runtime, which has no dev-dependency on
//! the fake server: it depends on the runtime): verification (every way a delivery can be wrong is its
//! own typed error, and no key is fetched from a place that is not allowed) and
//! `ensure_callbacks` (the second run sends no write).

use connectwise::callbacks::{
    sign, Action, Callback, CallbackError, CallbackRegistration, EnsureOptions, Event, Metadata,
    Verifier, SIGNATURE_HEADER,
};
use connectwise::models::Ticket;
use connectwise_mock::MockServer;
use http::{HeaderMap, HeaderValue};

async fn server() -> MockServer {
    MockServer::builder().rows(20).start().await.unwrap()
}

/// A delivery as the fake server would send it: body and headers, signed with `key`.
fn delivery(key_url: &str, entity: Option<&str>, key: &str) -> (HeaderMap, Vec<u8>) {
    let callback = Callback {
        message_id: Some("m-1".into()),
        from_url: Some("127.0.0.1".into()),
        company_id: Some("mockcompany".into()),
        member_id: Some("mockapi".into()),
        action: Action::Updated,
        r#type: "ticket".into(),
        id: 7,
        product_instance_id: None,
        partner_id: None,
        callback_object_rec_id: Some("1".into()),
        entity: entity.map(str::to_owned),
        metadata: Some(Metadata {
            key_url: Some(key_url.to_owned()),
        }),
    };
    let body = serde_json::to_vec(&callback).unwrap();
    let mut headers = HeaderMap::new();
    headers.insert(
        SIGNATURE_HEADER,
        HeaderValue::from_str(&sign(key, &body)).unwrap(),
    );
    (headers, body)
}

/// How many times the server was asked for a signing key.
fn key_fetches(server: &MockServer) -> usize {
    server
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/system/callbackkey"))
        .count()
}

const ENTITY: &str = r#"{"id":7,"summary":"Printer on fire"}"#;

fn verifier(server: &MockServer) -> Verifier {
    let client = server.client().build().unwrap();
    Verifier::new(&client).allow_insecure_loopback(true)
}

#[tokio::test]
async fn a_valid_delivery_passes_and_decodes() {
    let server = server().await;
    let verifier = verifier(&server);
    let key = server.callback_signing_key();
    let (headers, body) = delivery(&server.callback_key_url(), Some(ENTITY), &key);
    let callback = verifier.verify(&headers, &body).await.unwrap();
    assert_eq!((callback.id, callback.action.clone()), (7, Action::Updated));
    let ticket: Ticket = callback.entity().unwrap().unwrap();
    assert_eq!(ticket.summary.as_deref(), Some("Printer on fire"));
    match callback.event().unwrap() {
        Event::Ticket(Some(t)) => assert_eq!(*t, ticket),
        other => panic!("expected a ticket, got {other:?}"),
    }
    // The key was fetched once, with the client's credentials; the second delivery uses the
    // cached key.
    assert_eq!(key_fetches(&server), 1);
    let fetch = server
        .requests()
        .into_iter()
        .find(|r| r.path.starts_with("/system/callbackkey"))
        .unwrap();
    assert!(fetch.header("authorization").is_some());
    verifier.verify(&headers, &body).await.unwrap();
    assert_eq!(key_fetches(&server), 1);
}

#[tokio::test]
async fn tampering_and_bad_headers_are_typed_errors() {
    let server = server().await;
    let verifier = verifier(&server);
    let key = server.callback_signing_key();
    let url = server.callback_key_url();
    let (headers, body) = delivery(&url, Some(ENTITY), &key);

    // A changed body: one more byte of whitespace.
    let mut longer = body.clone();
    longer.push(b' ');
    let e = verifier.verify(&headers, &longer).await.unwrap_err();
    assert!(matches!(e, CallbackError::BadSignature), "{e:?}");

    // A changed entity, with the original signature.
    let (_, other) = delivery(&url, Some(r#"{"id":7,"summary":"All fine"}"#), &key);
    let e = verifier.verify(&headers, &other).await.unwrap_err();
    assert!(matches!(e, CallbackError::BadSignature), "{e:?}");

    // Signed with another key.
    let (wrong, body2) = delivery(&url, Some(ENTITY), "not-the-key");
    let e = verifier.verify(&wrong, &body2).await.unwrap_err();
    assert!(matches!(e, CallbackError::BadSignature), "{e:?}");

    // No header; not base64; base64 of the wrong length.
    let e = verifier.verify(&HeaderMap::new(), &body).await.unwrap_err();
    assert!(matches!(e, CallbackError::MissingSignature), "{e:?}");
    for bad in ["not base64 !!", "AAAA", ""] {
        let mut h = HeaderMap::new();
        h.insert(SIGNATURE_HEADER, HeaderValue::from_static(bad));
        let e = verifier.verify(&h, &body).await.unwrap_err();
        assert!(
            matches!(e, CallbackError::MalformedSignature),
            "{bad:?}: {e:?}"
        );
    }

    // Not a callback at all.
    let e = verifier.verify(&headers, b"{}").await.unwrap_err();
    assert!(matches!(e, CallbackError::Payload(_)), "{e:?}");

    // The valid one still passes.
    verifier.verify(&headers, &body).await.unwrap();
}

#[tokio::test]
async fn keys_are_fetched_only_from_allowed_places() {
    let server = server().await;
    let key = server.callback_signing_key();
    let port = server.address().port();
    let path = server
        .callback_key_url()
        .split_once(&format!(":{port}"))
        .unwrap()
        .1
        .to_owned();

    // Another host (the same server under another name: a fetch would show in its log).
    let v = verifier(&server);
    let (h, b) = delivery(&format!("http://localhost:{port}{path}"), None, &key);
    let e = v.verify(&h, &b).await.unwrap_err();
    assert!(
        matches!(&e, CallbackError::HostNotAllowed { host, .. } if host == "localhost"),
        "{e:?}"
    );
    let (h, b) = delivery("https://attacker.example/key", None, &key);
    let e = v.verify(&h, &b).await.unwrap_err();
    assert!(matches!(e, CallbackError::HostNotAllowed { .. }), "{e:?}");

    // Over http, without the loopback allowance.
    let client = server.client().build().unwrap();
    let strict = Verifier::new(&client);
    let (h, b) = delivery(&server.callback_key_url(), None, &key);
    let e = strict.verify(&h, &b).await.unwrap_err();
    assert!(matches!(e, CallbackError::InsecureKeyUrl { .. }), "{e:?}");

    // Credentials in the URL, another scheme, no key URL.
    for bad in [
        format!("http://user:pw@127.0.0.1:{port}{path}"),
        format!("ftp://127.0.0.1:{port}{path}"),
        "not a url".to_owned(),
    ] {
        let (h, b) = delivery(&bad, None, &key);
        let e = v.verify(&h, &b).await.unwrap_err();
        assert!(
            matches!(e, CallbackError::InvalidKeyUrl { .. }),
            "{bad}: {e:?}"
        );
    }
    let mut no_url: Callback = serde_json::from_slice(&b).unwrap();
    no_url.metadata = None;
    let body = serde_json::to_vec(&no_url).unwrap();
    let mut h = HeaderMap::new();
    h.insert(
        SIGNATURE_HEADER,
        HeaderValue::from_str(&sign(&key, &body)).unwrap(),
    );
    let e = v.verify(&h, &body).await.unwrap_err();
    assert!(matches!(e, CallbackError::MissingKeyUrl), "{e:?}");

    // An allowed host (any port) that answers with a redirect to the real key URL.
    let target = server.callback_key_url();
    let app = axum::Router::new().route(
        "/key",
        axum::routing::get(move || {
            let target = target.clone();
            async move { axum::response::Redirect::temporary(&target) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let redirector = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let (h, b) = delivery(&format!("http://{redirector}/key"), None, &key);
    let e = v.verify(&h, &b).await.unwrap_err();
    assert!(
        matches!(e, CallbackError::KeyRedirect { status: 307, .. }),
        "{e:?}"
    );

    // None of these fetched a key from the server.
    assert_eq!(key_fetches(&server), 0, "{:#?}", server.requests());

    // A key URL that is allowed but wrong is an error of its own.
    let (h, b) = delivery(
        &format!("{}/system/callbackkey/nope", server.url()),
        None,
        &key,
    );
    let e = v.verify(&h, &b).await.unwrap_err();
    assert!(
        matches!(
            e,
            CallbackError::KeyFetch {
                status: Some(404),
                ..
            }
        ),
        "{e:?}"
    );
}

#[tokio::test]
async fn allowed_hosts_are_matched_in_any_case_and_still_need_https() {
    let server = server().await;
    let port = server.address().port();
    let key = server.callback_signing_key();
    let path = server
        .callback_key_url()
        .split_once(&format!(":{port}"))
        .unwrap()
        .1
        .to_owned();
    // The client talks to 127.0.0.1; `localhost` is allowed explicitly, but needs https.
    let client = server.client().build().unwrap();
    let v = Verifier::new(&client)
        .allow_host("LOCALHOST")
        .allow_insecure_loopback(true);
    let (h, b) = delivery(&format!("http://localhost:{port}{path}"), None, &key);
    let e = v.verify(&h, &b).await.unwrap_err();
    assert!(matches!(e, CallbackError::InsecureKeyUrl { .. }), "{e:?}");
    // `::1` is loopback: allowed once named.
    let v = v.allow_host("[::1]");
    let (h, b) = delivery(&format!("http://[::1]:{port}{path}"), None, &key);
    // The server listens on 127.0.0.1 only: the fetch is tried (allowed) and fails.
    let e = v.verify(&h, &b).await.unwrap_err();
    assert!(matches!(e, CallbackError::KeyFetch { .. }), "{e:?}");
}

#[tokio::test]
async fn ensure_callbacks_twice_sends_no_write_the_second_time() {
    let server = server().await;
    let client = server.client().build().unwrap();
    let url = "http://127.0.0.1:9/hook";
    let wanted = [
        CallbackRegistration::new(url, "ticket").description("tickets"),
        CallbackRegistration::new(url, "company"),
        CallbackRegistration::new(url, "ticket")
            .level("board")
            .object_id(3),
    ];
    let first = client
        .ensure_callbacks(&wanted, EnsureOptions::default())
        .await
        .unwrap();
    assert_eq!((first.created.len(), first.kept.len()), (3, 0));
    let writes = |server: &MockServer| {
        server
            .requests()
            .iter()
            .filter(|r| r.method != "GET")
            .count()
    };
    assert_eq!(writes(&server), 3);
    server.clear_requests();

    let second = client
        .ensure_callbacks(&wanted, EnsureOptions::default().remove_unlisted(true))
        .await
        .unwrap();
    assert!(second.unchanged(), "{second:?}");
    assert_eq!(second.kept.len(), 3);
    assert_eq!(writes(&server), 0, "{:#?}", server.requests());
    assert!(!server.requests().is_empty(), "it listed the entries");

    // Asking for less, with removal: the unlisted entries of that url go; another url's stay.
    let other = CallbackRegistration::new("http://127.0.0.1:10/other", "ticket");
    client
        .ensure_callbacks(std::slice::from_ref(&other), EnsureOptions::default())
        .await
        .unwrap();
    let third = client
        .ensure_callbacks(&wanted[..1], EnsureOptions::default().remove_unlisted(true))
        .await
        .unwrap();
    assert_eq!((third.created.len(), third.removed.len()), (0, 2));
    let again = client
        .ensure_callbacks(&[other], EnsureOptions::default())
        .await
        .unwrap();
    assert!(again.unchanged() && again.kept.len() == 1, "{again:?}");
}

#[tokio::test]
async fn keys_are_cached_for_their_ttl() {
    let server = server().await;
    let key = server.callback_signing_key();
    let (headers, body) = delivery(&server.callback_key_url(), Some(ENTITY), &key);
    let fresh = verifier(&server).key_ttl(std::time::Duration::ZERO);
    fresh.verify(&headers, &body).await.unwrap();
    fresh.verify(&headers, &body).await.unwrap();
    assert_eq!(key_fetches(&server), 2, "a zero TTL fetches every time");

    server.clear_requests();
    let cached = verifier(&server);
    let clone = cached.clone();
    cached.verify(&headers, &body).await.unwrap();
    clone.verify(&headers, &body).await.unwrap();
    assert_eq!(key_fetches(&server), 1, "clones share the cache");

    // A signature that does not match a freshly cached key does not fetch it again: forged
    // deliveries cannot make the verifier fetch keys in a loop.
    let (wrong, body2) = delivery(&server.callback_key_url(), Some(ENTITY), "old-key");
    for _ in 0..3 {
        let e = cached.verify(&wrong, &body2).await.unwrap_err();
        assert!(matches!(e, CallbackError::BadSignature), "{e:?}");
    }
    assert_eq!(key_fetches(&server), 1);
}

#[tokio::test]
async fn a_rotated_key_is_fetched_again() {
    let server = server().await;
    let url = server.callback_key_url();
    let old = server.callback_signing_key();
    let v = verifier(&server).key_refetch_after(std::time::Duration::ZERO);
    let (h, b) = delivery(&url, Some(ENTITY), &old);
    v.verify(&h, &b).await.unwrap();
    server.rotate_callback_signing_key("the-new-key");
    let (h, b) = delivery(&url, Some(ENTITY), "the-new-key");
    v.verify(&h, &b).await.unwrap();
    assert_eq!(key_fetches(&server), 2);
    // Deliveries signed with the old key now fail, after one more fetch.
    let (h, b) = delivery(&url, Some(ENTITY), &old);
    let e = v.verify(&h, &b).await.unwrap_err();
    assert!(matches!(e, CallbackError::BadSignature), "{e:?}");
    assert_eq!(key_fetches(&server), 3);
}
