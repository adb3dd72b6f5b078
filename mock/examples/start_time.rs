//! How long the fake server takes from `MockServer::builder()...start()` to its first answered
//! request (`GET /service/tickets?pageSize=1`, which generates the tickets), in a fresh
//! process (the first start pays the one-time load) and again in the same process. `ROWS`
//! sets the generated rows per resource (default 2000, the builder's default).
//!
//! `CONNECTWISE_SPEC=<spec> cargo run --release -p connectwise-mock --example start_time`

use connectwise::models::Ticket;
use connectwise_mock::MockServer;
use std::time::Instant;

#[tokio::main]
async fn main() {
    let rows: u32 = std::env::var("ROWS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(2000);
    for round in ["first", "second"] {
        let started = Instant::now();
        let server = MockServer::builder()
            .rows(rows)
            .start()
            .await
            .expect("starts");
        let up = started.elapsed();
        let client = server.client().build().expect("client");
        let tickets: Vec<Ticket> = client
            .list(Ticket::list().page_size(1))
            .await
            .expect("first request");
        assert_eq!(tickets.len(), 1);
        let answered = started.elapsed();
        println!(
            "{round} start ({rows} rows): start() {:.1} ms, first answered request {:.1} ms",
            up.as_secs_f64() * 1e3,
            answered.as_secs_f64() * 1e3
        );
    }
}
