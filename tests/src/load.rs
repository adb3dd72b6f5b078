//! The fake server under load (issue 14): many clients at once for a bounded time, each with
//! its own connection pool, reading (lists, gets, counts, bundles) and writing (patches and
//! replaces of a fixed set of rows, so that the data does not grow) without faults. Every
//! call must succeed, and the process's resident memory (`/proc/self/statm`; the server runs
//! in this process) is sampled as it runs, to see that it stays flat.
//!
//! Used by `tests/tests/soak.rs` (1.5 s) and by the long run:
//! `cargo run --release -p connectwise-tests --example soak -- --calls 0 --load-secs 10`.

use connectwise::models::{Company, Ticket};
use connectwise::{Bundle, Client, Error};
use connectwise_mock::MockServer;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How a load run is made.
#[derive(Debug, Clone)]
pub struct LoadConfig {
    /// Clients at once, each its own `Client` (its own connections) in its own task.
    pub clients: usize,
    /// How long they run.
    pub duration: Duration,
    /// Memory samples taken before this share of the run are the warm-up: growth is
    /// measured from the largest of them.
    pub warm_up: f64,
}

impl LoadConfig {
    /// 64 clients for `duration`, the first quarter a warm-up.
    pub fn new(duration: Duration) -> LoadConfig {
        LoadConfig {
            clients: 64,
            duration,
            warm_up: 0.25,
        }
    }
}

/// The figures of a load run.
#[derive(Debug, Clone, Default)]
pub struct LoadReport {
    pub clients: usize,
    /// Calls that succeeded (a bundle is one call of two HTTP requests).
    pub calls: u64,
    /// Calls that failed, with the first few errors.
    pub failed: u64,
    pub first_errors: Vec<String>,
    /// HTTP requests the server received.
    pub requests: u64,
    /// The most requests the server answered at once.
    pub max_in_flight: u64,
    pub wall: Duration,
    /// Resident memory (bytes) after the warm-up (the largest sample of it), at the end, and
    /// the largest after the warm-up.
    pub rss_after_warm_up: u64,
    pub rss_end: u64,
    pub rss_max: u64,
    /// Every sample: (seconds since the start, bytes).
    pub samples: Vec<(f64, u64)>,
    /// The 99th percentile and the longest call.
    pub p99: Duration,
    pub max: Duration,
}

impl LoadReport {
    /// Resident memory growth after the warm-up: the largest later sample minus the largest
    /// warm-up sample (0 if it shrank).
    pub fn growth(&self) -> u64 {
        self.rss_max.saturating_sub(self.rss_after_warm_up)
    }

    /// The figures as text.
    pub fn summary(&self) -> String {
        let mb = |b: u64| b as f64 / (1024.0 * 1024.0);
        format!(
            "{} clients, {:.1?}: {} calls ok ({:.0}/s), {} failed; {} HTTP requests; at most {} \
             in flight; call p99 {:.1?}, max {:.1?}; RSS after warm-up {:.1} MiB, max after \
             {:.1} MiB, end {:.1} MiB (growth {:.1} MiB)",
            self.clients,
            self.wall,
            self.calls,
            self.calls as f64 / self.wall.as_secs_f64().max(1e-9),
            self.failed,
            self.requests,
            self.max_in_flight,
            self.p99,
            self.max,
            mb(self.rss_after_warm_up),
            mb(self.rss_max),
            mb(self.rss_end),
            mb(self.growth()),
        )
    }
}

/// This process's resident memory in bytes (`/proc/self/statm`), `None` where there is none.
pub fn rss() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

/// Runs `config.clients` clients against one fake server for `config.duration`.
pub async fn run(config: LoadConfig) -> Result<LoadReport, crate::soak::SoakError> {
    let server = MockServer::builder()
        .seed(3)
        .rows(300)
        // The log would grow with every request: keep the last few only.
        .max_logged_requests(1000)
        .start()
        .await?;
    let mut clients = Vec::new();
    for _ in 0..config.clients {
        clients.push(server.client().timeout(Duration::from_secs(10)).build()?);
    }
    let stop = Arc::new(AtomicBool::new(false));
    let calls = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let errors: Arc<Mutex<Vec<String>>> = Arc::default();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (c, client) in clients.into_iter().enumerate() {
        let (stop, calls, failed, errors) =
            (stop.clone(), calls.clone(), failed.clone(), errors.clone());
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::new();
            let mut n = c;
            while !stop.load(Ordering::Relaxed) {
                let t0 = Instant::now();
                let result = one_call(&client, c, n).await;
                times.push(t0.elapsed());
                match result {
                    Ok(()) => calls.fetch_add(1, Ordering::Relaxed),
                    Err(e) => {
                        let mut errors = errors.lock().unwrap_or_else(|p| p.into_inner());
                        if errors.len() < 5 {
                            errors.push(e.to_string());
                        }
                        failed.fetch_add(1, Ordering::Relaxed)
                    }
                };
                n += 1;
            }
            times
        }));
    }
    let mut samples = Vec::new();
    while started.elapsed() < config.duration {
        if let Some(bytes) = rss() {
            samples.push((started.elapsed().as_secs_f64(), bytes));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    stop.store(true, Ordering::Relaxed);
    let mut times = Vec::new();
    for t in tasks {
        times.extend(t.await.unwrap_or_default());
    }
    let wall = started.elapsed();
    if let Some(bytes) = rss() {
        samples.push((wall.as_secs_f64(), bytes));
    }
    times.sort();
    let warm = config.duration.as_secs_f64() * config.warm_up;
    let rss_after_warm_up = samples
        .iter()
        .filter(|(t, _)| *t <= warm)
        .map(|s| s.1)
        .max()
        .unwrap_or(0);
    let rss_max = samples
        .iter()
        .filter(|(t, _)| *t > warm)
        .map(|s| s.1)
        .max()
        .unwrap_or(0);
    let errors = errors.lock().unwrap_or_else(|p| p.into_inner()).clone();
    Ok(LoadReport {
        clients: config.clients,
        calls: calls.load(Ordering::Relaxed),
        failed: failed.load(Ordering::Relaxed),
        first_errors: errors,
        requests: server.request_count(),
        max_in_flight: server.max_in_flight(),
        wall,
        rss_after_warm_up,
        rss_end: samples.last().map_or(0, |s| s.1),
        rss_max,
        samples,
        p99: times
            .get(times.len().saturating_mul(99) / 100)
            .copied()
            .unwrap_or_default(),
        max: times.last().copied().unwrap_or_default(),
    })
}

/// Client `c`'s call `n`: a list, a get, a count, a bundle, a patch or a replace, in turn.
async fn one_call(client: &Client, c: usize, n: usize) -> Result<(), Error> {
    let id = 1 + (n * 7 % 300) as i32;
    match n % 6 {
        0 => {
            client
                .send(Company::list().page(1 + (n % 5) as u32).page_size(50))
                .await?;
        }
        1 => {
            client.send(Company::get(id)).await?;
        }
        2 => {
            client.send(Company::count().conditions("id > 100")).await?;
        }
        3 => {
            let mut b = Bundle::new();
            let list = b.push(Company::list().page_size(20));
            let count = b.push(Ticket::count());
            let mut results = b.send(client).await?;
            results
                .take(list)
                .map_err(|e| Error::Protocol(e.to_string()))?;
            results
                .take(count)
                .map_err(|e| Error::Protocol(e.to_string()))?;
        }
        4 => {
            // Each client its own ticket: rows are replaced, never added.
            let ticket = 1 + (c % 64) as i32;
            client
                .send(Ticket::patch(ticket).replace_path("summary", format!("load {c} {n}")))
                .await?;
        }
        _ => {
            let ticket = 101 + (c % 64) as i32;
            let body = Ticket {
                summary: Some(format!("load {c} {n}")),
                ..Ticket::default()
            };
            client.send(Ticket::put(ticket, &body)).await?;
        }
    }
    Ok(())
}
