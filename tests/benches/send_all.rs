//! Whole collections (issue 13): `Bundle::send_all` against paging with `client.stream`,
//! one resource after another and all at once, against the fake server with 50 ms latency
//! per HTTP call and its throttle on.
//!
//! ```text
//! cargo bench -p connectwise-tests --bench send_all              # 5 rounds a rate
//! cargo bench -p connectwise-tests --bench send_all -- --rounds 3
//! ```
//!
//! Six top-level resources (5,000 tickets, 2,000 companies, 2,000 contacts, 500 members,
//! 2,000 time entries, 1,000 configurations: 12,500 rows) are read whole three ways, each
//! with a new client of the default settings (no `rate_limit`, `max_concurrency` 8,
//! `max_bundle_size` 25, the default retry policy, the shared 429 pause):
//!
//! - `send_all`: one bundle of six lists, `Bundle::send_all` (first pages and counts, then
//!   every remaining page);
//! - sequential paging: `client.stream(X::list())` of each resource in turn (1,000 rows a
//!   page, forward-only `pageId` paging, as `stream` does where the endpoint supports it);
//! - concurrent paging: the six streams joined.
//!
//! At each throttle rate (the fake server's token bucket, `Faults::throttle`: the main one 5
//! requests a second in bursts of 10, then 2/s in bursts of 5 and 10/s in bursts of 20) every
//! round runs the three in turn, each starting with a full bucket and its own client. The
//! table gives the median wall time of the rounds, the HTTP calls the server answered (its
//! `request_count`, the count call and retried calls included) and the 429s among them
//! (`throttled_count`), the most calls the server answered at once, and the errors that
//! reached the caller (there must be none). The rows of every run are compared with the
//! first `send_all`'s: count and a hash of their JSON, per resource, in order.

use connectwise::models::{Company, CompanyConfiguration, Contact, Member, Ticket, TimeEntry};
use connectwise::{Bundle, Client, Error, ItemError, ItemErrorKind};
use connectwise_mock::MockServer;
use futures_util::TryStreamExt;
use serde::Serialize;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// The resources and their rows, in the order of every table.
const RESOURCES: [(&str, u32); 6] = [
    ("ticket", 5000),
    ("company", 2000),
    ("contact", 2000),
    ("member", 500),
    ("time_entry", 2000),
    ("configuration", 1000),
];

/// The fake server's latency, on every HTTP call.
const LATENCY: Duration = Duration::from_millis(50);

/// The throttle rates: (requests a second, burst). The first is the main one.
const RATES: [(f64, u32); 3] = [(5.0, 10), (2.0, 5), (10.0, 20)];

/// What one resource's rows came to: how many, and a hash of their JSON in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Digest {
    rows: usize,
    hash: u64,
}

fn digest<T: Serialize>(rows: &[T]) -> Digest {
    let mut hasher = DefaultHasher::new();
    for row in rows {
        // Serializing a decoded model cannot fail; an empty hash would show as a mismatch.
        serde_json::to_vec(row)
            .unwrap_or_default()
            .hash(&mut hasher);
    }
    Digest {
        rows: rows.len(),
        hash: hasher.finish(),
    }
}

/// What reached the caller instead of rows.
#[derive(Debug, Default)]
struct Failures {
    /// Every error, as text.
    errors: Vec<String>,
    /// How many of them were a 429.
    too_many: usize,
}

impl Failures {
    fn call(&mut self, e: &Error) {
        if matches!(
            e,
            Error::Status { status: 429, .. } | Error::Throttled { .. }
        ) {
            self.too_many += 1;
        }
        self.errors.push(e.to_string());
    }

    fn item(&mut self, e: &ItemError) {
        if matches!(
            e.kind,
            ItemErrorKind::Api {
                status_code: 429,
                ..
            }
        ) {
            self.too_many += 1;
        }
        self.errors.push(e.to_string());
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Method {
    SendAll,
    Sequential,
    Concurrent,
}

impl Method {
    const ALL: [Method; 3] = [Method::SendAll, Method::Sequential, Method::Concurrent];

    fn name(self) -> &'static str {
        match self {
            Method::SendAll => "send_all",
            Method::Sequential => "sequential paging",
            Method::Concurrent => "concurrent paging",
        }
    }
}

/// One run of one method.
#[derive(Debug)]
struct Run {
    wall: Duration,
    calls: u64,
    throttled: u64,
    max_in_flight: u64,
    failures: Failures,
    rows: [Digest; 6],
}

/// Every row of one resource, paged by `client.stream`.
async fn stream_all<T>(
    client: &Client,
    request: connectwise::ListRequest<T>,
) -> Result<Vec<T>, Error>
where
    T: serde::de::DeserializeOwned,
{
    client.stream(request).try_collect().await
}

/// The six resources' rows as read (`None`: an error reached the caller).
type Fetched = (
    Option<Vec<Ticket>>,
    Option<Vec<Company>>,
    Option<Vec<Contact>>,
    Option<Vec<Member>>,
    Option<Vec<TimeEntry>>,
    Option<Vec<CompanyConfiguration>>,
);

fn digests(f: &Fetched) -> [Digest; 6] {
    fn d<T: Serialize>(rows: &Option<Vec<T>>) -> Digest {
        rows.as_deref().map(digest).unwrap_or_default()
    }
    [d(&f.0), d(&f.1), d(&f.2), d(&f.3), d(&f.4), d(&f.5)]
}

/// The six streams' outcomes as [`Fetched`], each error recorded in `failures`.
#[allow(clippy::type_complexity)]
fn streamed(
    f: &mut Failures,
    (t, co, ct, m, te, cf): (
        Result<Vec<Ticket>, Error>,
        Result<Vec<Company>, Error>,
        Result<Vec<Contact>, Error>,
        Result<Vec<Member>, Error>,
        Result<Vec<TimeEntry>, Error>,
        Result<Vec<CompanyConfiguration>, Error>,
    ),
) -> Fetched {
    (
        t.map_err(|e| f.call(&e)).ok(),
        co.map_err(|e| f.call(&e)).ok(),
        ct.map_err(|e| f.call(&e)).ok(),
        m.map_err(|e| f.call(&e)).ok(),
        te.map_err(|e| f.call(&e)).ok(),
        cf.map_err(|e| f.call(&e)).ok(),
    )
}

/// Reads the six resources as `method` does.
async fn read(method: Method, client: &Client, failures: &mut Failures) -> Fetched {
    match method {
        Method::SendAll => {
            let mut bundle = Bundle::new();
            let t = bundle.push(Ticket::list());
            let co = bundle.push(Company::list());
            let ct = bundle.push(Contact::list());
            let m = bundle.push(Member::list());
            let te = bundle.push(TimeEntry::list());
            let cf = bundle.push(CompanyConfiguration::list());
            match bundle.send_all(client).await {
                Err(e) => {
                    failures.call(&e);
                    (None, None, None, None, None, None)
                }
                Ok(mut r) => {
                    let f = failures;
                    (
                        r.take(t).map_err(|e| f.item(&e)).ok(),
                        r.take(co).map_err(|e| f.item(&e)).ok(),
                        r.take(ct).map_err(|e| f.item(&e)).ok(),
                        r.take(m).map_err(|e| f.item(&e)).ok(),
                        r.take(te).map_err(|e| f.item(&e)).ok(),
                        r.take(cf).map_err(|e| f.item(&e)).ok(),
                    )
                }
            }
        }
        Method::Sequential => {
            let t = stream_all(client, Ticket::list()).await;
            let co = stream_all(client, Company::list()).await;
            let ct = stream_all(client, Contact::list()).await;
            let m = stream_all(client, Member::list()).await;
            let te = stream_all(client, TimeEntry::list()).await;
            let cf = stream_all(client, CompanyConfiguration::list()).await;
            streamed(failures, (t, co, ct, m, te, cf))
        }
        Method::Concurrent => {
            let all = tokio::join!(
                stream_all(client, Ticket::list()),
                stream_all(client, Company::list()),
                stream_all(client, Contact::list()),
                stream_all(client, Member::list()),
                stream_all(client, TimeEntry::list()),
                stream_all(client, CompanyConfiguration::list()),
            );
            streamed(failures, all)
        }
    }
}

/// One run of `method` at `rate` requests a second in bursts of `burst`: a full bucket, a new
/// client of the default settings.
async fn measure(server: &MockServer, method: Method, rate: f64, burst: u32) -> Run {
    server.faults().throttle(rate, burst);
    let client = server.client().build().expect("the client builds");
    let (calls, throttled) = (server.request_count(), server.throttled_count());
    server.reset_max_in_flight();
    let mut failures = Failures::default();
    let start = Instant::now();
    let fetched = read(method, &client, &mut failures).await;
    let wall = start.elapsed();
    Run {
        wall,
        calls: server.request_count() - calls,
        throttled: server.throttled_count() - throttled,
        max_in_flight: server.max_in_flight(),
        failures,
        rows: digests(&fetched),
    }
}

fn median<T: Ord + Copy>(values: impl Iterator<Item = T>) -> T {
    let mut v: Vec<T> = values.collect();
    v.sort_unstable();
    v[v.len() / 2]
}

/// `min-max`, or one value when they agree.
fn range<T: Ord + Copy + std::fmt::Display>(values: impl Iterator<Item = T>) -> String {
    let v: Vec<T> = values.collect();
    let (lo, hi) = (v.iter().min().copied(), v.iter().max().copied());
    match (lo, hi) {
        (Some(lo), Some(hi)) if lo == hi => lo.to_string(),
        (Some(lo), Some(hi)) => format!("{lo}-{hi}"),
        _ => String::new(),
    }
}

fn ms(d: Duration) -> u128 {
    d.as_millis()
}

fn yes(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "NOT met"
    }
}

/// The rows every run must give: each resource's rows as configured, the same as `reference`.
fn check_rows(what: &str, rows: &[Digest; 6], reference: &[Digest; 6]) -> bool {
    let mut good = true;
    for (i, (name, expected)) in RESOURCES.iter().enumerate() {
        if rows[i].rows != *expected as usize || rows[i] != reference[i] {
            eprintln!(
                "{what}: {name}: {} rows (hash {:x}), expected {expected} (hash {:x})",
                rows[i].rows, rows[i].hash, reference[i].hash
            );
            good = false;
        }
    }
    good
}

async fn bench(rounds: usize, profile: Option<usize>) -> ExitCode {
    let mut builder = MockServer::builder().seed(13);
    for (name, rows) in RESOURCES {
        builder = builder.resource_rows(name, rows);
    }
    let server = builder.start().await.expect("the fake server starts");
    server.faults().latency(LATENCY);

    // The reference rows, and a warm-up of both sides: `send_all` with no throttle.
    let client = server.client().build().expect("the client builds");
    let mut failures = Failures::default();
    let reference = digests(&read(Method::SendAll, &client, &mut failures).await);
    let mut ok = failures.errors.is_empty();
    for e in &failures.errors {
        eprintln!("warm-up: {e}");
    }
    let expected: [Digest; 6] = std::array::from_fn(|i| Digest {
        rows: RESOURCES[i].1 as usize,
        hash: reference[i].hash,
    });
    ok &= check_rows("warm-up send_all", &reference, &expected);
    if let Some(runs) = profile {
        // `--profile N`: N more send_alls, unthrottled, for a profiler; no table.
        for _ in 0..runs {
            read(Method::SendAll, &client, &mut failures).await;
        }
        return if failures.errors.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        };
    }
    drop(client);

    println!(
        "Whole collections: {} rows of six resources ({}), {} ms latency a call, \
         clients with the default settings; {rounds} rounds a rate.",
        RESOURCES.iter().map(|(_, n)| n).sum::<u32>(),
        RESOURCES
            .iter()
            .map(|(name, n)| format!("{n} {name}"))
            .collect::<Vec<_>>()
            .join(", "),
        LATENCY.as_millis()
    );
    for (rate, burst) in RATES {
        let mut runs: Vec<Vec<Run>> = Method::ALL.iter().map(|_| Vec::new()).collect();
        for _ in 0..rounds {
            for (k, method) in Method::ALL.into_iter().enumerate() {
                runs[k].push(measure(&server, method, rate, burst).await);
            }
        }
        server.faults().no_throttle();

        println!();
        println!("Throttle: {rate} requests a second, bursts of {burst}");
        println!();
        println!(
            "| | HTTP calls | of them 429 | errors (429s) reaching the caller | most at once | \
             wall time, median (min-max) | calls / send_all's | time / send_all's |"
        );
        println!("|---|---|---|---|---|---|---|---|");
        let calls: Vec<u64> = runs
            .iter()
            .map(|r| median(r.iter().map(|x| x.calls)))
            .collect();
        let walls: Vec<Duration> = runs
            .iter()
            .map(|r| median(r.iter().map(|x| x.wall)))
            .collect();
        for (k, method) in Method::ALL.into_iter().enumerate() {
            let r = &runs[k];
            let errors: usize = r.iter().map(|x| x.failures.errors.len()).sum();
            let too_many: usize = r.iter().map(|x| x.failures.too_many).sum();
            println!(
                "| {} | {} | {} | {errors} ({too_many}) | {} | {} ms ({}) | {:.2}x | {:.2}x |",
                method.name(),
                range(r.iter().map(|x| x.calls)),
                range(r.iter().map(|x| x.throttled)),
                range(r.iter().map(|x| x.max_in_flight)),
                ms(walls[k]),
                range(r.iter().map(|x| ms(x.wall))),
                calls[k] as f64 / calls[0] as f64,
                walls[k].as_secs_f64() / walls[0].as_secs_f64(),
            );
            for (i, run) in r.iter().enumerate() {
                for e in &run.failures.errors {
                    eprintln!("{} round {}: {e}", method.name(), i + 1);
                }
                ok &= run.failures.errors.is_empty();
                ok &= check_rows(
                    &format!("{} round {}", method.name(), i + 1),
                    &run.rows,
                    &expected,
                );
            }
        }
        let fewer = calls[1].min(calls[2]) as f64 / calls[0] as f64;
        let faster = walls[1].min(walls[2]).as_secs_f64() / walls[0].as_secs_f64();
        let clean = runs.iter().flatten().all(|x| x.failures.errors.is_empty());
        // Three calls, two of them at once: two round trips.
        let two = runs[0].iter().all(|x| x.calls == 3 && x.max_in_flight == 2);
        println!();
        println!(
            "Goals: {fewer:.2}x fewer calls than the paging with fewer (>= 4x: {}); \
             {faster:.2}x faster than the faster paging (>= 2x: {}); no error reaching the \
             caller: {}; send_all in two round trips (3 calls, 2 at once, every round): {}.",
            yes(fewer >= 4.0),
            yes(faster >= 2.0),
            yes(clean),
            yes(two),
        );
    }
    println!();
    println!(
        "Rows: every run gave each resource's rows, the same as the warm-up send_all (count \
         and hash of the JSON, in order): {}",
        yes(ok)
    );
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn main() -> ExitCode {
    // `cargo bench` passes `--bench`; `--rounds N` sets the rounds a rate (default 5);
    // `--profile N` runs N send_alls after the warm-up and nothing else (for `perf`).
    let args: Vec<String> = std::env::args().collect();
    let rounds = args
        .iter()
        .position(|a| a == "--rounds")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(5usize)
        .max(1);
    let profile = args
        .iter()
        .position(|a| a == "--profile")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(bench(rounds, profile))
}
