//! The client's throttle against the fake server: a storm of calls from several clones of one
//! client, paced under the server's throttle or ridden out through the pause a 429 puts on
//! every clone; the concurrency limit as the server sees it; `max_throttle_wait` and its typed
//! error; and the throttle's waits kept out of the request timeout.

use connectwise::models::{Company, Ticket};
use connectwise::{
    Bundle, Client, ClientBuilder, Error, RetryPolicy, ThrottleCause, DEFAULT_MAX_CONCURRENCY,
};
use connectwise_mock::MockServer;
use std::time::{Duration, Instant};

async fn server() -> MockServer {
    MockServer::builder()
        .seed(5)
        .rows(50)
        .start()
        .await
        .expect("the fake server starts")
}

/// Retries enough for a storm, with a `max_delay` that honours `Retry-After`s of seconds.
fn patient() -> RetryPolicy {
    RetryPolicy {
        max_retries: 8,
        base_delay: Duration::from_millis(50),
        max_delay: Duration::from_secs(10),
    }
}

fn build(builder: ClientBuilder) -> Client {
    builder.build().expect("the client builds")
}

/// `calls` list calls from each of `clones` clones of `client`, every one at once, each clone
/// on its own task: every call's result.
async fn storm(client: &Client, clones: usize, calls: usize) -> Vec<Result<Vec<Ticket>, Error>> {
    let tasks: Vec<_> = (0..clones)
        .map(|_| {
            let clone = client.clone();
            tokio::spawn(async move {
                let calls = (0..calls)
                    .map(|i| clone.list(Ticket::list().page(i as u32 % 5 + 1).page_size(10)));
                futures_util::future::join_all(calls).await
            })
        })
        .collect();
    let mut results = Vec::new();
    for task in tasks {
        results.extend(task.await.expect("the task ends"));
    }
    results
}

/// Waits (at most 10 s) until `done` holds.
async fn until(what: &str, done: impl Fn() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < Duration::from_secs(10), "never: {what}");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_storm_from_clones_is_paced_under_the_servers_rate() {
    // The server takes 20 a second (bursts of 5); the client paces itself at 15 a second.
    let s = server().await;
    s.faults().throttle(20.0, 5);
    let client = build(s.client().rate_limit(15 * 60).retry(patient()));
    let started = Instant::now();
    let results = storm(&client, 4, 8).await;
    let elapsed = started.elapsed();

    assert_eq!(results.len(), 32);
    for r in &results {
        assert_eq!(r.as_ref().expect("no error reaches the caller").len(), 10);
    }
    assert_eq!(s.throttled_count(), 0, "paced under the rate: no 429");
    assert_eq!(s.request_count(), 32, "one request a call");
    // Sent at most 15 a second, the first at once: 31 intervals of 1/15 s at least.
    let least = Duration::from_secs(31) / 15;
    assert!(
        elapsed >= least,
        "32 requests in {elapsed:?}: faster than the rate"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_storm_without_a_rate_limit_is_ridden_out_through_the_shared_pause() {
    // No rate limit on the client: it meets the server's throttle (10 a second, bursts of
    // 10) and each 429 (`Retry-After: 1`) pauses every clone.
    let s = server().await;
    s.faults().throttle(10.0, 10);
    let concurrency = 4;
    let client = build(s.client().max_concurrency(concurrency).retry(patient()));
    let started = Instant::now();
    let results = storm(&client, 3, 10).await;
    let elapsed = started.elapsed();

    assert_eq!(results.len(), 30);
    for r in &results {
        assert_eq!(r.as_ref().expect("no error reaches the caller").len(), 10);
    }
    let throttled = s.throttled_count();
    assert!(throttled > 0, "the storm did meet the throttle");
    assert_eq!(
        s.request_count(),
        30 + throttled,
        "a retry for each 429, no more"
    );
    // After a 429 no request is sent for a second: 429s come in waves of at most the
    // requests in flight, a second or more apart.
    let waves = elapsed.as_secs() + 1;
    assert!(
        throttled <= concurrency as u64 * waves,
        "{throttled} 429s in {elapsed:?}: requests were sent during the pause"
    );
    // And the server's rate holds for what it accepted.
    let accepted = s.request_count() - throttled;
    assert!(accepted as f64 <= 10.0 + 10.0 * elapsed.as_secs_f64());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_pauses_every_clone_not_only_the_one_that_got_it() {
    let s = server().await;
    s.faults().too_many_requests(1, Duration::from_secs(1));
    let client = build(s.client().retry(patient()));
    let first = {
        let clone = client.clone();
        tokio::spawn(async move { clone.list(Ticket::list()).await })
    };
    // The server counts the 429 as it answers; the client pauses when the answer arrives.
    until("the client reads the 429", || client.paused_for().is_some()).await;
    let landed = Instant::now();
    let pause = client.paused_for().unwrap_or_default();
    assert!(
        pause > Duration::from_millis(500),
        "the pause is the Retry-After of 1 s, {pause:?} left"
    );
    assert_eq!(s.throttled_count(), 1);

    // Another clone, during the pause: it waits for the end of the pause, then goes. A
    // client of its own is not paused.
    let other = build(s.client());
    let (clone, own) = tokio::join!(
        async {
            client
                .clone()
                .list(Ticket::list())
                .await
                .expect("it goes after the pause");
            landed.elapsed()
        },
        async {
            other.list(Ticket::list()).await.expect("another client");
            landed.elapsed()
        }
    );
    first
        .await
        .unwrap()
        .expect("the first call is retried after the pause");
    assert!(
        clone >= pause,
        "the clone went after {clone:?}, the pause had {pause:?} left"
    );
    assert!(own < pause, "another client waited {own:?}");
    assert_eq!(
        s.request_count(),
        4,
        "the 429, its retry, the clone and the other client"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_sees_at_most_max_concurrency_requests_at_once() {
    let s = server().await;
    s.faults().latency(Duration::from_millis(150));

    let client = build(s.client().max_concurrency(3));
    let results = storm(&client, 4, 4).await;
    assert!(results.iter().all(Result::is_ok));
    assert_eq!(s.max_in_flight(), 3);

    // The default, 8.
    s.reset_max_in_flight();
    let results = storm(&build(s.client()), 4, 5).await;
    assert!(results.iter().all(Result::is_ok));
    assert_eq!(s.max_in_flight(), DEFAULT_MAX_CONCURRENCY as u64);

    // A bundle split into several calls keeps to the limit too.
    s.reset_max_in_flight();
    s.clear_requests();
    let client = build(s.client().max_bundle_size(1).max_concurrency(2));
    let mut bundle = Bundle::new();
    let handles: Vec<_> = (1..=6).map(|id| bundle.push(Company::get(id))).collect();
    let mut results = bundle.send(&client).await.expect("the bundle");
    for (handle, id) in handles.into_iter().zip(1..) {
        assert_eq!(results.take(handle).expect("a company").id, Some(id));
    }
    assert_eq!(s.requests().len(), 6, "one call a sub-request");
    assert_eq!(s.max_in_flight(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_wait_beyond_max_throttle_wait_is_a_throttled_error_at_once() {
    let s = server().await;
    // One a minute: the second call's slot is a minute away.
    let client = build(
        s.client()
            .rate_limit(1)
            .max_throttle_wait(Duration::from_secs(5)),
    );
    client
        .list(Ticket::list())
        .await
        .expect("the first goes at once");
    let started = Instant::now();
    let err = client.clone().list(Ticket::list()).await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "it did not wait"
    );
    match &err {
        Error::Throttled {
            method,
            url,
            cause,
            waited,
            would_wait,
            limit,
        } => {
            assert_eq!(*method, "GET");
            assert!(url.ends_with("/service/tickets"), "{url}");
            assert_eq!(*cause, ThrottleCause::RateLimit);
            assert!(*waited < Duration::from_secs(1), "{waited:?}");
            let would_wait = would_wait.expect("a rate wait is known");
            assert!(
                would_wait > Duration::from_secs(55) && would_wait <= Duration::from_secs(60),
                "{would_wait:?}"
            );
            assert_eq!(*limit, Duration::from_secs(5));
        }
        other => panic!("not Throttled: {other:?}"),
    }
    let message = err.to_string();
    assert!(
        message.contains("not sent") && message.contains("max_throttle_wait (5s)"),
        "{message}"
    );
    assert_eq!(s.request_count(), 1, "the second call was not sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pause_beyond_max_throttle_wait_is_a_throttled_error_at_once() {
    let s = server().await;
    s.faults().too_many_requests(1, Duration::from_secs(3));
    let client = build(
        s.client()
            .retry(patient())
            .max_throttle_wait(Duration::from_secs(1)),
    );
    let started = Instant::now();
    let err = client.list(Ticket::list()).await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "it did not wait"
    );
    assert!(
        matches!(
            err,
            // `would_wait` counts the whole call: what it waited before the 429 (the first
            // acquire, microseconds) and the pause still to run (under 3 s).
            Error::Throttled { cause: ThrottleCause::Paused, would_wait: Some(w), waited, .. }
                if w > Duration::from_secs(2) && w <= Duration::from_secs(3) + waited
        ),
        "{err:?}"
    );
    assert_eq!(s.request_count(), 1, "the retry was not sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_concurrency_wait_beyond_max_throttle_wait_is_a_throttled_error_when_it_runs_out() {
    let s = server().await;
    s.faults().latency(Duration::from_secs(1));
    let client = build(
        s.client()
            .max_concurrency(1)
            .max_throttle_wait(Duration::from_millis(200)),
    );
    let first = {
        let clone = client.clone();
        tokio::spawn(async move { clone.list(Ticket::list()).await })
    };
    until("the first request arrives", || s.request_count() == 1).await;
    let started = Instant::now();
    let err = client.list(Ticket::list()).await.unwrap_err();
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(200) && took < Duration::from_millis(800),
        "{took:?}"
    );
    assert!(
        matches!(
            err,
            Error::Throttled { cause: ThrottleCause::Concurrency, would_wait: None, waited, .. }
                if waited >= Duration::from_millis(200)
        ),
        "{err:?}"
    );
    first.await.unwrap().expect("the first call ends well");
    assert_eq!(s.request_count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_throttle_wait_is_not_counted_in_the_timeout() {
    // Timeout 300 ms; exchanges of 100 ms; two a second, so the third call waits 1 s.
    let s = server().await;
    s.faults().latency(Duration::from_millis(100));
    let client = build(
        s.client()
            .timeout(Duration::from_millis(300))
            .rate_limit(120)
            .retry(RetryPolicy::none()),
    );
    let started = Instant::now();
    let calls = (0..3).map(|_| {
        let clone = client.clone();
        async move { clone.list(Ticket::list()).await }
    });
    for r in futures_util::future::join_all(calls).await {
        r.expect("no timeout: the wait for the rate is not counted");
    }
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(s.request_count(), 3);

    // A timeout still ends a slow exchange.
    s.faults().latency(Duration::from_millis(600));
    let err = client.list(Ticket::list()).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_place_under_max_concurrency_is_held_until_the_body_is_read() {
    let s = server().await;
    // Bodies of 25 tickets (tens of KiB) sent 4 KiB at a time, 20 ms apart: the server counts a
    // request in flight until its last chunk is out.
    s.faults()
        .slow_bodies(4, 4 * 1024, Duration::from_millis(20));
    let client = build(s.client().max_concurrency(1));
    s.reset_max_in_flight();
    let (a, b) = tokio::join!(client.list(Ticket::list()), client.list(Ticket::list()));
    assert_eq!(a.expect("the first list").len(), 25);
    assert_eq!(b.expect("the second list").len(), 25);
    assert_eq!(s.faults().injected().slow, 2, "both bodies came slowly");
    assert_eq!(
        s.max_in_flight(),
        1,
        "the second request went out while the first body was still arriving"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bundle_given_up_while_its_body_arrives_frees_its_place_at_once() {
    // A bundle's body is read on a task of its own: when the caller stops waiting, that task
    // stops too, and the place it held under `max_concurrency` is free for the next call.
    let s = server().await;
    // The bundle's body (25 tickets, tens of KiB) 1 KiB every 200 ms: seconds in all.
    s.faults().slow_bodies(1, 1024, Duration::from_millis(200));
    let client = build(s.client().max_concurrency(1));
    let mut bundle = Bundle::new();
    let _tickets = bundle.push(Ticket::list());
    let given_up = tokio::time::timeout(Duration::from_millis(500), bundle.send(&client)).await;
    assert!(given_up.is_err(), "the slow body was read in 500 ms");
    assert_eq!(s.faults().injected().slow, 1);

    let started = Instant::now();
    let tickets = client
        .list(Ticket::list().page_size(1))
        .await
        .expect("the next call");
    assert_eq!(tickets.len(), 1);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "the next call waited {:?} for the place of the bundle given up",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_429s_than_max_retries_are_ridden_out_with_the_default_policy() {
    // Six 429s in a row, `Retry-After: 0`: more than the default three retries. Before,
    // the fourth 429 reached the caller; 429s now count against `max_throttle_wait` only.
    let s = server().await;
    s.faults().too_many_requests(6, Duration::ZERO);
    let client = build(s.client());
    let started = Instant::now();
    let tickets = client
        .list(Ticket::list().page_size(10))
        .await
        .expect("no 429 reaches the caller");
    assert_eq!(tickets.len(), 10);
    assert_eq!(s.request_count(), 7, "a retry for each 429, no more");
    assert_eq!(s.throttled_count(), 6);
    // Past the third, each waited the policy's backoff at least (`Retry-After: 0`
    // notwithstanding): 4th, 5th and 6th at least 125, 250 and 500 ms (their jitter's floor).
    assert!(
        started.elapsed() >= Duration::from_millis(875),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endless_429s_end_as_a_throttled_error_at_max_throttle_wait() {
    let s = server().await;
    s.faults().too_many_requests(1000, Duration::ZERO);
    let client = build(s.client().max_throttle_wait(Duration::from_secs(2)));
    let err = client.list(Ticket::list()).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Throttled {
                cause: ThrottleCause::Paused,
                ..
            }
        ),
        "{err:?}"
    );
    // The backoff grows: a handful of requests in two seconds, not a flood.
    let sent = s.request_count();
    assert!((4..=12).contains(&sent), "{sent} requests");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_retries_the_first_429_is_the_error() {
    let s = server().await;
    s.faults().too_many_requests(1, Duration::ZERO);
    let client = build(s.client().retry(RetryPolicy::none()));
    let err = client.list(Ticket::list()).await.unwrap_err();
    assert_eq!(err.status(), Some(429));
    assert_eq!(s.request_count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endless_429s_with_a_zero_max_delay_still_wait_between_tries() {
    // `max_delay` 0 capped every wait, the floor included: requests in a tight loop until
    // microseconds of throttle wait added up to the limit (review of 969ad8b).
    let s = server().await;
    s.faults().too_many_requests(1000, Duration::ZERO);
    let policy = RetryPolicy {
        max_retries: 3,
        base_delay: Duration::ZERO,
        max_delay: Duration::ZERO,
    };
    let client = build(
        s.client()
            .retry(policy)
            .max_throttle_wait(Duration::from_secs(1)),
    );
    let err = client.list(Ticket::list()).await.unwrap_err();
    assert!(matches!(err, Error::Throttled { .. }), "{err:?}");
    // Three at once, then one each 100 ms at most, for a second.
    let sent = s.request_count();
    assert!(sent <= 16, "{sent} requests");
}
