//! The fake server under load (issue 14), bounded: 64 clients at once for 1.5 s
//! (`connectwise_tests::load`), in a test binary of its own so that the memory it measures
//! (this process's) is its own. The long run:
//! `cargo run --release -p connectwise-tests --example soak -- --calls 0 --load-secs 10`
//! (figures in BENCHMARKS.md).

use connectwise_tests::load;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_clients_at_once_never_fail_and_memory_stays_bounded() {
    let report = load::run(load::LoadConfig::new(Duration::from_millis(1500)))
        .await
        .expect("the load runs");
    println!("{}", report.summary());
    assert_eq!(report.failed, 0, "{:?}", report.first_errors);
    assert!(report.calls >= 64, "{}", report.summary());
    assert!(report.max_in_flight > 1, "{}", report.summary());
    // Loose here (a debug build, a short run); the long run bounds it tighter.
    assert!(report.growth() < 64 * 1024 * 1024, "{}", report.summary());
}
