//! The long fault soak and the fake server under load (issue 14), figures printed as
//! markdown for BENCHMARKS.md:
//!
//! ```text
//! cargo run --release -p connectwise-tests --example soak -- --calls 10000 --load-secs 10
//! ```
//!
//! Options: `--calls N` (calls of each kind; 0 skips the soak), `--seed S` (the faults'
//! seed), `--workers W` (soak calls at once), `--load-secs T` (0 skips the load run),
//! `--max-growth-mib M` (the load run fails when resident memory grows more after its
//! warm-up; default 32). Exits 1 when a check fails.

use connectwise_tests::{load, soak};
use std::time::Duration;

#[tokio::main]
async fn main() {
    let mut calls = 10_000usize;
    let mut seed = 14u64;
    let mut workers = 16usize;
    let mut load_secs = 10.0f64;
    let mut max_growth_mib = 32.0f64;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().unwrap_or_default();
        let bad = || -> ! {
            eprintln!("soak: bad value {value:?} for {flag}");
            std::process::exit(2)
        };
        match flag.as_str() {
            "--calls" => calls = value.parse().unwrap_or_else(|_| bad()),
            "--seed" => seed = value.parse().unwrap_or_else(|_| bad()),
            "--workers" => workers = value.parse().unwrap_or_else(|_| bad()),
            "--load-secs" => load_secs = value.parse().unwrap_or_else(|_| bad()),
            "--max-growth-mib" => max_growth_mib = value.parse().unwrap_or_else(|_| bad()),
            _ => {
                eprintln!("soak: unknown option {flag} (see the example's docs)");
                std::process::exit(2)
            }
        }
    }
    let mut failed = false;
    if calls > 0 {
        let mut config = soak::SoakConfig::new(calls, seed);
        config.workers = workers;
        println!(
            "## Fault soak: {calls} calls of each kind, seed {seed}, {workers} at once, \
             timeout {:?}, retries {:?}\n",
            config.timeout, config.retry
        );
        match soak::run(config).await {
            Ok(report) => {
                println!("{}", report.table());
                for p in report.problems.iter().take(50) {
                    println!("PROBLEM: {p}");
                }
                failed |= !report.problems.is_empty();
            }
            Err(e) => {
                eprintln!("soak: {e}");
                failed = true;
            }
        }
    }
    if load_secs > 0.0 {
        let config = load::LoadConfig::new(Duration::from_secs_f64(load_secs));
        match load::run(config).await {
            Ok(report) => {
                println!("## Fake server under load\n\n{}", report.summary());
                let samples: Vec<String> = report
                    .samples
                    .iter()
                    .step_by((report.samples.len() / 10).max(1))
                    .map(|(t, b)| format!("{t:.1}s {:.1}", *b as f64 / 1048576.0))
                    .collect();
                println!("RSS samples (MiB): {}", samples.join(", "));
                for e in &report.first_errors {
                    println!("ERROR: {e}");
                }
                let growth = report.growth() as f64 / 1048576.0;
                if report.failed > 0 || growth > max_growth_mib {
                    failed = true;
                }
            }
            Err(e) => {
                eprintln!("load: {e}");
                failed = true;
            }
        }
    }
    if failed {
        std::process::exit(1);
    }
}
