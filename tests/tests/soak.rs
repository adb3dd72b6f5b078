//! The fault soak (issue 14), bounded: a few hundred calls of every kind against a server
//! with random faults (`connectwise_tests::soak`). The long run:
//! `cargo run --release -p connectwise-tests --example soak -- --calls 10000 --load-secs 10`
//! (figures in BENCHMARKS.md).

use connectwise_tests::soak;
use connectwise_tests::soak::{Kind, SoakConfig};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_call_under_random_faults_is_right_or_a_typed_error_and_no_write_is_doubled() {
    let calls = 200;
    let report = soak::run(SoakConfig::new(calls, 14))
        .await
        .expect("the soak runs");
    println!("{}", report.table());
    assert!(
        report.problems.is_empty(),
        "{} problems, first ones: {:#?}",
        report.problems.len(),
        &report.problems[..report.problems.len().min(20)]
    );
    assert_eq!(report.duplicates, 0);
    for kind in Kind::ALL {
        let k = &report.kinds[&kind];
        assert_eq!(k.calls, calls as u64, "{kind:?}");
        assert!(k.ok > 0, "{kind:?}: no call succeeded");
        assert!(k.max_elapsed <= report.budget, "{kind:?}");
    }
    // The faults happened: each kind several times, and some calls failed of them.
    let i = report.injected;
    for (name, n) in [
        ("429", i.too_many_requests),
        ("5xx", i.server_errors),
        ("5xx after", i.server_errors_after),
        ("truncated", i.truncated),
        ("slow", i.slow),
        ("dropped", i.dropped),
        ("delayed", i.delayed),
    ] {
        assert!(n >= 5, "{name}: {n} injected ({i:?})");
    }
    let errors: u64 = report.kinds.values().flat_map(|k| k.errors.values()).sum();
    assert!(errors > 0, "no call failed: were the faults applied?");
    assert!(report.writes_checked >= 3 * calls as u64);
}
