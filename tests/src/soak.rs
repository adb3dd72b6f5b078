//! The fault soak (issue 14): the client (`connectwise`) against the fake server
//! (`connectwise-mock`) with random faults from a seed ([`RandomFaults`]), every kind of call
//! many times, each checked against the same call to a fault-free server with the same data,
//! or against what it wrote.
//!
//! What a run checks, call by call and at the end (every breach is a [`SoakReport::problems`]
//! line):
//! - **the answer**: `Ok` only with the fault-free answer (reads, the bundle, the action: the
//!   same value as from the fault-free server, which must not have failed; writes: the row
//!   they wrote, with the id and summary sent); else an `Err` of `connectwise::Error` (or a
//!   bundle sub-request's `ItemError`), never a panic (each call runs under `catch_unwind`);
//! - **no write applied twice**: every create, patch and action carries a unique tag (a
//!   summary, a path); the server's request log says how many of its requests were acted on
//!   (reached the endpoint: `connectwise_mock::FaultKind::acted_on`): at most one, exactly one for an `Ok`.
//!   At the end the store is read without faults: every created summary is stored once for
//!   an `Ok` create (with the id it returned), at most once for an `Err`, and every note whose
//!   delete said `Ok` is gone. PUT and DELETE are idempotent: the client may re-send them by
//!   design, so for them only the answer and the end state count;
//! - **no call outlives its timeout**: each call's elapsed time is at most
//!   [`SoakConfig::budget`]: every attempt's timeout, every wait before a retry (the retry
//!   policy's `max_delay`, which caps `Retry-After` too) and the pauses other calls' 429s put
//!   on this one, plus a slack for the scheduler.
//!
//! Used by `tests/tests/soak.rs` (a few hundred calls of each kind) and by the long run:
//! `cargo run --release -p connectwise-tests --example soak -- --calls 10000`.

use connectwise::models::{Company, Contact, ServiceNote, Ticket};
use connectwise::{Bundle, Client, Error, ItemError, RetryPolicy};
use connectwise_mock::{Injected, MockServer, RandomFaults, RecordedRequest};
use futures_util::FutureExt;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Debug;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Every kind of call the soak makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// A page of companies, with conditions, page and page size drawn from a few.
    List,
    /// A company by id (some ids missing: a 404 is then the fault-free answer).
    Get,
    /// A count of companies with conditions.
    Count,
    /// A bundle: a page of companies, a contact by id and a count (two HTTP calls at once).
    Bundle,
    /// A ticket with a unique summary (`POST`, not idempotent).
    Create,
    /// A ticket's summary replaced by JSON Patch (`PATCH`, not idempotent).
    Patch,
    /// A ticket replaced (`PUT`, idempotent).
    Put,
    /// A service note deleted (`DELETE`, idempotent), one note per call.
    Delete,
    /// `POST /service/tickets/{id}/copy` (an action, not idempotent), one id per call.
    Action,
}

impl Kind {
    /// Every kind, in the order of the report.
    pub const ALL: [Kind; 9] = [
        Kind::List,
        Kind::Get,
        Kind::Count,
        Kind::Bundle,
        Kind::Create,
        Kind::Patch,
        Kind::Put,
        Kind::Delete,
        Kind::Action,
    ];
}

/// How big and how hostile a run is.
#[derive(Debug, Clone)]
pub struct SoakConfig {
    /// Calls of each kind.
    pub calls_per_kind: usize,
    /// Calls in flight at once (tasks sharing clones of one client).
    pub workers: usize,
    /// The faults (their seed included).
    pub faults: RandomFaults,
    /// The client's timeout of each attempt.
    pub timeout: Duration,
    /// The client's retry policy.
    pub retry: RetryPolicy,
    /// Added to the computed time budget of a call, for the scheduler of a loaded machine.
    pub slack: Duration,
    /// Companies and contacts the servers generate (gets ask for ids up to 10% beyond).
    pub rows: u32,
}

impl SoakConfig {
    /// A run of `calls_per_kind` calls of each kind with faults from `seed`: about a fifth of
    /// the requests get a fault (3% of each kind), 3% a latency of up to 1.2 times the timeout.
    pub fn new(calls_per_kind: usize, seed: u64) -> SoakConfig {
        let timeout = Duration::from_millis(400);
        SoakConfig {
            calls_per_kind,
            workers: 16,
            faults: RandomFaults {
                seed,
                latency_odds: 0.03,
                latency: (Duration::from_millis(1), timeout.mul_f64(1.2)),
                // Capped at the retry policy's `max_delay` by the client.
                retry_after: Duration::from_secs(1),
                slow_chunk: 256,
                slow_pause: Duration::from_millis(3),
                ..RandomFaults::default()
            },
            timeout,
            retry: RetryPolicy {
                max_retries: 3,
                base_delay: Duration::from_millis(5),
                max_delay: Duration::from_millis(50),
            },
            slack: Duration::from_millis(500),
            rows: 200,
        }
    }

    /// The longest a call may take: `(r + 1)` attempts of `timeout`, `r` waits before a retry
    /// and `r + 1` pauses put by other calls' 429s (each at most `max_delay`), plus the slack
    /// (`r` = `max_retries`).
    pub fn budget(&self) -> Duration {
        let r = self.retry.max_retries;
        self.timeout * (r + 1) + self.retry.max_delay * (2 * r + 1) + self.slack
    }
}

/// What happened to the calls of one kind.
#[derive(Debug, Clone, Default)]
pub struct KindReport {
    pub calls: u64,
    pub ok: u64,
    /// Failed calls by error variant (`Transport(timeout)`, `Status(502)`, `Decode`, ...).
    pub errors: BTreeMap<String, u64>,
    /// The longest call.
    pub max_elapsed: Duration,
}

/// The figures of a run, and every breach of its checks.
#[derive(Debug, Clone, Default)]
pub struct SoakReport {
    pub kinds: BTreeMap<Kind, KindReport>,
    /// Faults the server injected, by kind.
    pub injected: Injected,
    /// Requests the faulted server received (retries included).
    pub requests: u64,
    /// Tagged writes acted on more than once (creates, patches, actions), or stored twice.
    pub duplicates: u64,
    /// Writes checked for duplicates (creates, patches and actions, each by its tag).
    pub writes_checked: u64,
    /// The time budget each call had ([`SoakConfig::budget`]).
    pub budget: Duration,
    /// The whole run, the end checks included.
    pub wall: Duration,
    /// Every breach: a wrong value, a panic, a write applied twice, a call over its budget.
    pub problems: Vec<String>,
}

impl SoakReport {
    /// The figures as a table (markdown).
    pub fn table(&self) -> String {
        let mut out = String::from(
            "| kind | calls | ok | typed errors (by variant) | max elapsed |\n|---|---:|---:|---|---:|\n",
        );
        for (kind, k) in &self.kinds {
            let errors: Vec<String> = k.errors.iter().map(|(e, n)| format!("{e} {n}")).collect();
            out += &format!(
                "| {kind:?} | {} | {} | {} | {:.0?} |\n",
                k.calls,
                k.ok,
                if errors.is_empty() {
                    "-".to_owned()
                } else {
                    errors.join(", ")
                },
                k.max_elapsed
            );
        }
        let i = &self.injected;
        out += &format!(
            "\nrequests {}; faults injected {} (429 {}, 5xx before acting {}, 5xx after acting {}, \
             truncated {}, slow {}, dropped mid-body {}; delayed {}); writes checked {}, \
             duplicates {}; budget per call {:.0?}; wall {:.1?}; problems {}\n",
            self.requests,
            i.total(),
            i.too_many_requests,
            i.server_errors,
            i.server_errors_after,
            i.truncated,
            i.slow,
            i.dropped,
            i.delayed,
            self.writes_checked,
            self.duplicates,
            self.budget,
            self.wall,
            self.problems.len()
        );
        out
    }
}

/// Why a run could not be made (not a breach: those are in the report).
#[derive(Debug, thiserror::Error)]
pub enum SoakError {
    #[error("the fake server: {0}")]
    Mock(#[from] connectwise_mock::MockError),
    #[error("the client: {0}")]
    Client(#[from] Error),
}

/// The name of an error's variant, for the report.
pub fn variant(e: &Error) -> String {
    match e {
        Error::Transport { source, .. } if source.is_timeout() => "Transport(timeout)".into(),
        Error::Transport { source, .. } if source.is_body() || source.is_decode() => {
            "Transport(body)".into()
        }
        Error::Transport { source, .. } if source.is_connect() => "Transport(connect)".into(),
        Error::Transport { source, .. } => {
            // The innermost cause says what happened (`connection closed before message
            // completed`, ...).
            let mut cause: &dyn std::error::Error = source;
            while let Some(next) = cause.source() {
                cause = next;
            }
            let text: String = cause.to_string().chars().take(60).collect();
            format!("Transport({text})")
        }
        Error::Status { status, .. } => format!("Status({status})"),
        Error::Decode { .. } => "Decode".into(),
        Error::Protocol(_) => "Protocol".into(),
        Error::Throttled { .. } => "Throttled".into(),
        Error::Config(_) => "Config".into(),
        Error::Encode(_) => "Encode".into(),
        _ => "other".into(),
    }
}

/// One call's outcome as the tallies see it.
enum Outcome {
    Ok,
    Err(String),
}

/// Shared state of a run.
struct Run {
    config: SoakConfig,
    faulty: Client,
    reference: Client,
    next: AtomicUsize,
    tallies: Mutex<BTreeMap<Kind, KindReport>>,
    problems: Mutex<Vec<String>>,
    /// Reads' fault-free answers, by call (as `Debug` text: the models hold floats).
    cache: Mutex<HashMap<String, Result<String, String>>>,
    /// Creates: summary -> the id returned (`None`: `Err`).
    creates: Mutex<HashMap<String, Option<i32>>>,
    /// Tagged non-idempotent writes: tag -> whether the call said `Ok`.
    tagged: Mutex<HashMap<String, bool>>,
    /// Note parents whose delete said `Ok`.
    deleted: Mutex<Vec<i32>>,
}

tokio::task_local! {
    /// The time of the faulted request of the call being made (not of the fault-free one
    /// it is compared with).
    static ELAPSED: std::cell::Cell<Duration>;
}

/// Runs `f`, adding its time to the call's elapsed time.
async fn timed<T>(f: impl Future<Output = T>) -> T {
    let t0 = Instant::now();
    let out = f.await;
    let spent = t0.elapsed();
    ELAPSED.try_with(|e| e.set(e.get() + spent)).ok();
    out
}

impl Run {
    fn problem(&self, p: String) {
        let mut problems = self.problems.lock().unwrap_or_else(|p| p.into_inner());
        if problems.len() < 1000 {
            problems.push(p);
        }
    }

    fn tally(&self, kind: Kind, outcome: Outcome, elapsed: Duration) {
        let mut t = self.tallies.lock().unwrap_or_else(|p| p.into_inner());
        let k = t.entry(kind).or_default();
        k.calls += 1;
        k.max_elapsed = k.max_elapsed.max(elapsed);
        match outcome {
            Outcome::Ok => k.ok += 1,
            Outcome::Err(e) => *k.errors.entry(e).or_default() += 1,
        }
    }

    /// The fault-free answer of a read, from the reference server (cached by `key`).
    async fn reference<T: Debug, F: Future<Output = Result<T, Error>>>(
        &self,
        key: &str,
        call: impl FnOnce(Client) -> F,
    ) -> Result<String, String> {
        if let Some(hit) = self
            .cache
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(key)
        {
            return hit.clone();
        }
        let answer = call(self.reference.clone())
            .await
            .map(|v| format!("{v:?}"))
            .map_err(|e| variant(&e));
        // The API's own answers only (a refused connection of a loaded machine is not).
        if answer
            .as_ref()
            .map_or_else(|e| e.starts_with("Status"), |_| true)
        {
            self.cache
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(key.to_owned(), answer.clone());
        }
        answer
    }

    /// A read: `Ok` must be the reference's `Ok` value.
    async fn read<T: Debug, F: Future<Output = Result<T, Error>>>(
        &self,
        key: String,
        call: impl Fn(Client) -> F,
    ) -> Outcome {
        let got = timed(call(self.faulty.clone())).await;
        let value = match got {
            Ok(value) => value,
            Err(e) => return Outcome::Err(variant(&e)),
        };
        match self.reference(&key, &call).await {
            Ok(expected) if expected == format!("{value:?}") => {}
            Ok(_) => self.problem(format!("{key}: a value other than the fault-free one")),
            Err(e) => self.problem(format!("{key}: Ok where the fault-free server said {e}")),
        }
        Outcome::Ok
    }

    async fn call(&self, kind: Kind, n: usize) -> Outcome {
        let rows = self.config.rows as usize;
        // Draws from the call's number: the same calls each run.
        let h = mix(self.config.faults.seed ^ (n as u64).wrapping_mul(0x9e37_79b9));
        const CONDITIONS: [&str; 4] = [
            "",
            "id > 20",
            "name like '%a%'",
            "deletedFlag = false and id < 150",
        ];
        let cond = CONDITIONS[(h % 4) as usize];
        let page = 1 + (h >> 8) % 4;
        let page_size = [1, 10, 25, 60][((h >> 16) % 4) as usize];
        let id = 1 + ((h >> 24) as usize % (rows + rows / 10)) as i32;
        match kind {
            Kind::List => {
                let key = format!("list {cond:?} {page} {page_size}");
                self.read(key, |c| async move {
                    let mut r = Company::list().page(page as u32).page_size(page_size);
                    if !cond.is_empty() {
                        r = r.conditions(cond);
                    }
                    c.send(r).await
                })
                .await
            }
            Kind::Get => {
                self.read(format!("get {id}"), |c| async move {
                    c.send(Company::get(id)).await
                })
                .await
            }
            Kind::Count => {
                self.read(format!("count {cond:?}"), |c| async move {
                    let mut r = Company::count();
                    if !cond.is_empty() {
                        r = r.conditions(cond);
                    }
                    c.send(r).await
                })
                .await
            }
            Kind::Bundle => {
                let key = format!("bundle {cond:?} {page} {page_size} {id}");
                self.read(key, |c| async move {
                    let mut b = Bundle::new();
                    let mut list = Company::list().page(page as u32).page_size(page_size);
                    let mut count = Company::count();
                    if !cond.is_empty() {
                        list = list.conditions(cond);
                        count = count.conditions(cond);
                    }
                    let list = b.push(list);
                    let contact = b.push(Contact::get(id));
                    let count = b.push(count);
                    let mut results = b.send(&c).await?;
                    // Each sub-result as it is, errors included (as text: `ItemError`s
                    // of a fault-free call are part of the answer).
                    let item = |e: ItemError| e.to_string();
                    Ok((
                        results.take(list).map_err(item),
                        results.take(contact).map_err(item),
                        results.take(count).map_err(item),
                    ))
                })
                .await
            }
            Kind::Create => {
                let tag = format!("soak-c-{n}");
                let body = Ticket {
                    summary: Some(tag.clone()),
                    ..Ticket::default()
                };
                let got = timed(self.faulty.send(Ticket::create(&body))).await;
                let id = got.as_ref().ok().and_then(|t| t.id);
                if let Ok(t) = &got {
                    if t.summary.as_deref() != Some(tag.as_str()) || t.id.is_none() {
                        self.problem(format!("{tag}: created {t:?}"));
                    }
                }
                self.creates
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(tag.clone(), id);
                self.tag(tag, got.is_ok());
                outcome(got)
            }
            Kind::Patch => {
                let target = 1 + (n % 100) as i32;
                let tag = format!("soak-p-{n}");
                let patch = Ticket::patch(target).replace_path("summary", tag.as_str());
                let got = timed(self.faulty.send(patch)).await;
                if let Ok(t) = &got {
                    if t.summary.as_deref() != Some(tag.as_str()) || t.id != Some(target) {
                        self.problem(format!("{tag}: patched {t:?}"));
                    }
                }
                self.tag(tag, got.is_ok());
                outcome(got)
            }
            Kind::Put => {
                let target = 101 + (n % 100) as i32;
                let tag = format!("soak-u-{n}");
                let body = Ticket {
                    summary: Some(tag.clone()),
                    closed_flag: Some(n.is_multiple_of(2)),
                    ..Ticket::default()
                };
                let got = timed(self.faulty.send(Ticket::put(target, &body))).await;
                if let Ok(t) = &got {
                    if t.summary.as_deref() != Some(tag.as_str())
                        || t.id != Some(target)
                        || t.closed_flag != Some(n.is_multiple_of(2))
                    {
                        self.problem(format!("{tag}: replaced with {t:?}"));
                    }
                }
                outcome(got)
            }
            Kind::Delete => {
                // Note 1 of its own ticket: every ticket id has generated notes.
                let parent = 500_000 + n as i32;
                let got = timed(self.faulty.send(ServiceNote::delete(parent, 1))).await;
                if got.is_ok() {
                    self.deleted
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .push(parent);
                }
                outcome(got)
            }
            Kind::Action => {
                // An existing ticket; the call's number, a parameter the server ignores, tags it.
                let target = 1 + (n % 200) as i32;
                let copy = Ticket::copy(target).param(ACTION_TAG, n);
                let got = timed(self.faulty.send(copy)).await;
                self.tag(action_tag(n), got.is_ok());
                match got {
                    Ok(t) => {
                        match self.reference.send(Ticket::copy(target)).await {
                            Ok(expected) if expected == t => {}
                            Ok(_) => self.problem(format!(
                                "copy {target}: a value other than the fault-free one"
                            )),
                            Err(e) => self.problem(format!(
                                "copy {target}: Ok where the fault-free server said {e}"
                            )),
                        }
                        Outcome::Ok
                    }
                    Err(e) => Outcome::Err(variant(&e)),
                }
            }
        }
    }

    fn tag(&self, tag: String, ok: bool) {
        self.tagged
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(tag, ok);
    }
}

fn outcome<T>(r: Result<T, Error>) -> Outcome {
    match r {
        Ok(_) => Outcome::Ok,
        Err(e) => Outcome::Err(variant(&e)),
    }
}

/// The query parameter that tags an action call.
const ACTION_TAG: &str = "soakTag";

fn action_tag(n: usize) -> String {
    format!("soak-a-{n}")
}

/// splitmix64's finalizer.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The tag of a logged request of a non-idempotent write, if it is one of the soak's.
fn logged_tag(r: &RecordedRequest) -> Option<String> {
    match r.method.as_str() {
        "POST" if r.path.ends_with("/copy") => {
            Some(format!("soak-a-{}", r.query_param(ACTION_TAG)?))
        }
        "POST" | "PATCH" => {
            let body = String::from_utf8_lossy(&r.body);
            let start = body.find("soak-")?;
            let tag: String = body[start..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            Some(tag)
        }
        _ => None,
    }
}

/// Runs the soak: two servers with the same data, one with `config.faults`; every kind of
/// call `config.calls_per_kind` times from `config.workers` tasks; then the end checks
/// without faults.
pub async fn run(config: SoakConfig) -> Result<SoakReport, SoakError> {
    let started = Instant::now();
    let build = |server: &MockServer| {
        server
            .client()
            .timeout(config.timeout)
            .retry(config.retry)
            // No call waits for a place: the budget is the timeouts and the retries.
            .max_concurrency(config.workers * 2)
            .max_throttle_wait(config.retry.max_delay * (config.retry.max_retries + 2))
            .build()
    };
    let servers = || {
        MockServer::builder()
            .seed(config.faults.seed)
            .rows(config.rows)
            .resource_rows("ticket", 200)
            .child_rows(2)
    };
    let faulty_server = servers().start().await?;
    let reference_server = servers().max_logged_requests(0).start().await?;
    let run = Arc::new(Run {
        faulty: build(&faulty_server)?,
        // Fault-free, but as slow as a loaded machine makes it: time and retries to spare.
        reference: reference_server
            .client()
            .timeout(Duration::from_secs(30))
            .max_concurrency(config.workers * 2)
            .build()?,
        config: config.clone(),
        next: AtomicUsize::new(0),
        tallies: Mutex::default(),
        problems: Mutex::default(),
        cache: Mutex::default(),
        creates: Mutex::default(),
        tagged: Mutex::default(),
        deleted: Mutex::default(),
    });
    faulty_server.faults().random(Some(config.faults));

    // The log, drained as the run goes: acted-on requests by tag.
    let acted: Arc<Mutex<HashMap<String, u32>>> = Arc::default();
    let drain = |server: &MockServer, acted: &Mutex<HashMap<String, u32>>| {
        let mut acted = acted.lock().unwrap_or_else(|p| p.into_inner());
        for r in server.take_requests() {
            if !matches!(r.fault, Some(k) if !k.acted_on()) {
                if let Some(tag) = logged_tag(&r) {
                    *acted.entry(tag).or_default() += 1;
                }
            }
        }
    };
    let total = config.calls_per_kind * Kind::ALL.len();
    let mut tasks = Vec::new();
    for _ in 0..config.workers.max(1) {
        let run = run.clone();
        tasks.push(tokio::spawn(async move {
            loop {
                let i = run.next.fetch_add(1, Ordering::Relaxed);
                if i >= total {
                    break;
                }
                let kind = Kind::ALL[i % Kind::ALL.len()];
                let n = i / Kind::ALL.len();
                let (result, elapsed) = ELAPSED
                    .scope(std::cell::Cell::new(Duration::ZERO), async {
                        let result = AssertUnwindSafe(run.call(kind, n)).catch_unwind().await;
                        (result, ELAPSED.with(std::cell::Cell::get))
                    })
                    .await;
                let outcome = match result {
                    Ok(o) => o,
                    Err(_) => {
                        run.problem(format!("{kind:?} {n}: panicked"));
                        Outcome::Err("panic".into())
                    }
                };
                if elapsed > run.config.budget() {
                    run.problem(format!(
                        "{kind:?} {n}: took {elapsed:?}, over the budget {:?}",
                        run.config.budget()
                    ));
                }
                run.tally(kind, outcome, elapsed);
            }
        }));
    }
    while tasks.iter().any(|t| !t.is_finished()) {
        tokio::time::sleep(Duration::from_millis(200)).await;
        drain(&faulty_server, &acted);
    }
    for t in tasks {
        if t.await.is_err() {
            run.problem("a worker panicked".into());
        }
    }
    faulty_server.faults().random(None).reset();
    // Requests still being answered (a slow body of a call given up) reach the log.
    tokio::time::sleep(config.timeout + Duration::from_millis(200)).await;
    drain(&faulty_server, &acted);
    let requests = faulty_server.request_count();
    let injected = faulty_server.faults().injected();

    // No tagged write acted on twice; every `Ok` one acted on once.
    let mut duplicates = 0;
    let acted = acted.lock().unwrap_or_else(|p| p.into_inner()).clone();
    let tagged = run.tagged.lock().unwrap_or_else(|p| p.into_inner()).clone();
    for (tag, ok) in &tagged {
        let times = acted.get(tag).copied().unwrap_or(0);
        if times > 1 {
            duplicates += 1;
            run.problem(format!("{tag}: acted on {times} times"));
        } else if *ok && times != 1 {
            run.problem(format!("{tag}: Ok but acted on {times} times"));
        }
    }
    for tag in acted.keys().filter(|t| !tagged.contains_key(*t)) {
        run.problem(format!("{tag}: acted on, never sent"));
    }

    // The store, read without faults: creates stored once, deleted notes gone.
    let checker = faulty_server.client().build()?;
    let mut stored: HashMap<String, Vec<i32>> = HashMap::new();
    let mut page = 1;
    loop {
        let tickets = checker
            .send(
                Ticket::list()
                    .conditions("summary like 'soak-c-%'")
                    .page(page)
                    .page_size(1000),
            )
            .await?;
        for t in &tickets {
            if let (Some(s), Some(id)) = (&t.summary, t.id) {
                stored.entry(s.clone()).or_default().push(id);
            }
        }
        if tickets.len() < 1000 {
            break;
        }
        page += 1;
    }
    let creates = run
        .creates
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    for (tag, id) in &creates {
        let rows = stored.get(tag).map_or(&[][..], Vec::as_slice);
        match (id, rows) {
            (Some(id), [row]) if row == id => {}
            (None, [] | [_]) => {}
            (_, rows) if rows.len() > 1 => {
                duplicates += 1;
                run.problem(format!("{tag}: stored {} times", rows.len()));
            }
            (id, rows) => run.problem(format!("{tag}: returned {id:?}, stored {rows:?}")),
        }
    }
    for tag in stored.keys().filter(|t| !creates.contains_key(*t)) {
        run.problem(format!("{tag}: stored, never sent"));
    }
    let deleted = run
        .deleted
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    for chunk in deleted.chunks(64) {
        let gets = chunk.iter().map(|&parent| {
            let checker = checker.clone();
            async move { (parent, checker.send(ServiceNote::get(parent, 1)).await) }
        });
        for (parent, got) in futures_util::future::join_all(gets).await {
            if got.as_ref().err().and_then(Error::status) != Some(404) {
                run.problem(format!(
                    "note 1 of ticket {parent}: deleted (Ok), then read: {}",
                    match got {
                        Ok(_) => "found".to_owned(),
                        Err(e) => e.to_string(),
                    }
                ));
            }
        }
    }

    let tallies = run
        .tallies
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    let problems = run
        .problems
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    Ok(SoakReport {
        kinds: tallies,
        injected,
        requests,
        duplicates,
        writes_checked: (tagged.len()) as u64,
        budget: config.budget(),
        wall: started.elapsed(),
        problems,
    })
}
