//! The bounded run of each target in the test suite: a fixed seed, at most a few seconds and a
//! few thousand inputs each in a debug build, so `cargo test -p connectwise-fuzz` stays near
//! half a minute on a loaded 2-core machine. Every input must pass (no panic, no broken
//! property, within the time budget and the memory limit), and the run must have got past the
//! syntax often enough to have fuzzed the decoders behind it. The long run is the binary (see
//! the crate's docs).

use connectwise_fuzz::engine::{Config, Limits, Report};
use connectwise_fuzz::run_target;
use std::time::Duration;

fn bounded(target: &str, seconds: u64, inputs: u64) -> Report {
    let config = Config {
        seed: 14,
        max_inputs: Some(inputs),
        max_time: Duration::from_secs(seconds),
        limits: Limits {
            // Debug builds on a shared machine: generous, but a runaway input still fails.
            time_budget: Duration::from_secs(3),
            hang: Duration::from_secs(120),
            memory: 256 << 20,
            hard_memory: 2 << 30,
        },
        out_dir: std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("fuzz-findings"),
        keep_current: false,
        max_failures: 10,
    };
    let report = run_target(target, &config, Vec::new()).expect("the seeds load");
    println!("{}", report.summary());
    assert!(report.failures.is_empty(), "{}", report.summary());
    assert!(
        report.inputs > report.seeds as u64 + 100,
        "too few mutants ran: {}",
        report.summary()
    );
    report
}

fn stage(report: &Report, name: &str) -> u64 {
    report
        .stages
        .iter()
        .find(|(s, _)| s == name)
        .map(|(_, n)| *n)
        .unwrap_or(0)
}

#[test]
fn bundle_decoder_bounded_run() {
    let report = bounded("bundle", 10, 8_000);
    // Mutants that decode reach the typed models; errors are the envelope's.
    assert!(stage(&report, "ok") > 50, "{}", report.summary());
    assert!(
        stage(&report, "envelope error") > 50,
        "{}",
        report.summary()
    );
}

#[test]
fn condition_language_bounded_run() {
    let report = bounded("conditions", 10, 20_000);
    assert!(stage(&report, "parsed") > 200, "{}", report.summary());
    assert!(stage(&report, "parse error") > 200, "{}", report.summary());
}

#[test]
fn spec_loader_bounded_run() {
    let report = bounded("spec", 12, 2_000);
    assert!(stage(&report, "built") > 5, "{}", report.summary());
    assert!(stage(&report, "load") > 50, "{}", report.summary());
}
