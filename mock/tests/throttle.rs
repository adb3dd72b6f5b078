//! Throttle mode (a token bucket answering 429 with `Retry-After`) and the counts the server
//! keeps for throttling tests: requests received, 429s answered, the most in flight at once.

use connectwise_mock::{MockError, MockServer};
use std::time::Duration;

/// A plain `GET /service/tickets` with the server's credentials: status, `Retry-After`, body.
async fn get(http: &reqwest::Client, s: &MockServer) -> (u16, Option<String>, Vec<u8>) {
    let c = s.credentials();
    let r = http
        .get(format!("{}/service/tickets?pageSize=1", s.url()))
        .basic_auth(
            format!("{}+{}", c.company, c.public_key),
            Some(&c.private_key),
        )
        .header("clientId", &c.client_id)
        .send()
        .await
        .expect("the server answers");
    let status = r.status().as_u16();
    let retry_after = r
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().expect("text").to_owned());
    (
        status,
        retry_after,
        r.bytes().await.expect("a body").to_vec(),
    )
}

#[tokio::test]
async fn an_empty_bucket_answers_429_with_retry_after_and_is_counted() {
    // Bursts of 2, then one request every 2 s.
    let s = MockServer::builder()
        .rows(10)
        .throttle(0.5, 2)
        .start()
        .await
        .unwrap();
    let http = reqwest::Client::new();
    for _ in 0..2 {
        let (status, retry_after, _) = get(&http, &s).await;
        assert_eq!((status, retry_after), (200, None));
    }
    let (status, retry_after, body) = get(&http, &s).await;
    assert_eq!(status, 429);
    // The next token is about 2 s away (less if the first requests were slow): whole seconds.
    let secs: u64 = retry_after.expect("Retry-After").parse().expect("seconds");
    assert!((1..=2).contains(&secs), "Retry-After: {secs}");
    let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["code"], "TooManyRequests");
    assert_eq!(s.request_count(), 3);
    assert_eq!(s.throttled_count(), 1);
    assert_eq!(s.requests().len(), 3, "429s are recorded too");

    // A one-shot 429 is counted as well; turning the throttle off at run time serves again.
    s.faults()
        .no_throttle()
        .too_many_requests(1, Duration::ZERO);
    assert_eq!(get(&http, &s).await.0, 429);
    assert_eq!(get(&http, &s).await.0, 200);
    assert_eq!((s.request_count(), s.throttled_count()), (5, 2));
}

#[tokio::test]
async fn a_bad_throttle_does_not_start() {
    for (rate, burst) in [
        (0.0, 5),
        (-1.0, 5),
        (f64::NAN, 5),
        (f64::INFINITY, 5),
        (1.0, 0),
    ] {
        let err = MockServer::builder()
            .throttle(rate, burst)
            .start()
            .await
            .unwrap_err();
        assert!(
            matches!(&err, MockError::Config(m) if m.contains("throttle")),
            "{rate}/{burst}: {err}"
        );
    }
}

#[tokio::test]
async fn max_in_flight_is_the_most_answered_at_once() {
    let s = MockServer::builder().rows(10).start().await.unwrap();
    s.faults().latency(Duration::from_millis(300));
    let http = reqwest::Client::new();
    let calls: Vec<_> = (0..5).map(|_| get(&http, &s)).collect();
    let answers = futures_util::future::join_all(calls).await;
    assert!(answers.iter().all(|(status, ..)| *status == 200));
    assert_eq!(s.max_in_flight(), 5);
    // One at a time after a reset: the most is 1.
    s.reset_max_in_flight();
    assert_eq!(s.max_in_flight(), 0);
    for _ in 0..2 {
        get(&http, &s).await;
    }
    assert_eq!(s.max_in_flight(), 1);
}
