//! Issue 4's speed item: against the fake server with 50 ms injected latency per HTTP
//! request, 20 reads as one bundle vs 20 sequential individual calls vs 20 concurrent
//! individual calls. Prints wall times (median of `ROUNDS`) and ratios.
//!
//! `cargo bench -p connectwise-mock --bench latency`

use connectwise::models::{Company, Ticket};
use connectwise::{Bundle, Client, RetryPolicy};
use connectwise_mock::MockServer;
use std::time::{Duration, Instant};

const LATENCY: Duration = Duration::from_millis(50);
const CALLS: i32 = 20;
const ROUNDS: usize = 7;

/// Sub-request `i` of 20: ten filtered ticket pages, ten companies by id.
fn is_ticket(i: i32) -> bool {
    i % 2 == 0
}

fn ticket_request(i: i32) -> connectwise::ListRequest<Ticket> {
    Ticket::list()
        .conditions(format!("id > {} and closedFlag = false", i * 10))
        .page_size(25)
}

async fn bundle(client: &Client) -> usize {
    let mut b = Bundle::new();
    let mut tickets = Vec::new();
    let mut companies = Vec::new();
    for i in 0..CALLS {
        if is_ticket(i) {
            tickets.push(b.push(ticket_request(i)));
        } else {
            companies.push(b.push(Company::get(i + 1)));
        }
    }
    let mut r = b.send(client).await.expect("bundle");
    let mut n = 0;
    for h in tickets {
        n += r.take(h).expect("tickets").len();
    }
    for h in companies {
        r.take(h).expect("company");
        n += 1;
    }
    n
}

async fn one(client: &Client, i: i32) -> usize {
    if is_ticket(i) {
        client.list(ticket_request(i)).await.expect("list").len()
    } else {
        client.get(Company::get(i + 1)).await.expect("get");
        1
    }
}

async fn sequential(client: &Client) -> usize {
    let mut n = 0;
    for i in 0..CALLS {
        n += one(client, i).await;
    }
    n
}

async fn concurrent(client: &Client) -> usize {
    futures_util::future::join_all((0..CALLS).map(|i| one(client, i)))
        .await
        .into_iter()
        .sum()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[tokio::main]
async fn main() {
    let server = MockServer::builder()
        .seed(1)
        .rows(500)
        .start()
        .await
        .expect("server");
    let client = server
        .client()
        .retry(RetryPolicy::none())
        .build()
        .expect("client");
    // Warm up (data generation, connections) without latency.
    let expected = bundle(&client).await;
    assert_eq!(sequential(&client).await, expected);
    assert_eq!(concurrent(&client).await, expected);
    server.faults().latency(LATENCY);

    let mut times: [Vec<Duration>; 3] = Default::default();
    for _ in 0..ROUNDS {
        let t = Instant::now();
        assert_eq!(bundle(&client).await, expected);
        times[0].push(t.elapsed());
        let t = Instant::now();
        assert_eq!(sequential(&client).await, expected);
        times[1].push(t.elapsed());
        let t = Instant::now();
        assert_eq!(concurrent(&client).await, expected);
        times[2].push(t.elapsed());
    }
    let [b, s, c] = times.map(median);
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "20 reads ({expected} entities), {} ms injected latency per HTTP request, median of {ROUNDS}:",
        LATENCY.as_millis()
    );
    println!(
        "  one bundle:             {:8.1} ms  (1 HTTP request)",
        ms(b)
    );
    println!(
        "  20 sequential calls:    {:8.1} ms  ({:.1}x the bundle)",
        ms(s),
        ms(s) / ms(b)
    );
    println!(
        "  20 concurrent calls:    {:8.1} ms  ({:.2}x the bundle)",
        ms(c),
        ms(c) / ms(b)
    );
}
