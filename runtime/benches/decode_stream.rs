//! Decoding a bundle response while it arrives (issue 13), against decoding it whole, on the
//! response of `decode.rs` (`bundle_data`: 20 sub-results x 1000 entities, 88 MB).
//!
//! - `whole`: `Bundle::decode_response` of the whole body, then `take` of all 20 handles: what
//!   the client did before, once the last byte was in. Timed from its start.
//! - `streamed`: the body arrives in 64 KiB chunks at 100 MB/s (each chunk is handed over at
//!   the time its last byte would arrive; the thread sleeps until then, and a chunk that
//!   arrives while the decoder is busy waits, as bytes wait in the socket): each is copied
//!   into a fresh buffer, as the network hands it over, and fed to `Bundle::decoder`; after
//!   the last, `finish` and `take` of all 20 handles. Timed from the arrival of the last
//!   byte to the last `take`: the wait a caller sees once the body is in.
//! - `back to back`: the same feeding with no pauses: the whole CPU cost of decoding while
//!   receiving (the finder's pass over the bytes, the copies), against `whole`.
//!
//! Rounds alternate the three, so that each round's figures see about the same machine;
//! ratios are medians of the per-round ratios. On-CPU time is the thread's
//! (`/proc/thread-self/schedstat`, Linux).
//!
//! `cargo bench -p connectwise --bench decode_stream` (`DECODE_STREAM_ROUNDS`, default 7).

mod bundle_data;

use bundle_data::{Data, Kind, SUB_RESULTS};
use connectwise::bundle::{BundleResults, Handle};
use connectwise::models::{Company, Member, Ticket};
use connectwise::Bundle;
use std::hint::black_box;
use std::time::{Duration, Instant};

const URL: &str = "https://api-na.myconnectwise.net/v4_6_release/apis/3.0/system/bundles";
/// The size of each piece of the body as it arrives.
const CHUNK: usize = 64 * 1024;
/// The link's speed, bytes per second.
const RATE: f64 = 100e6;

fn benching() -> bool {
    std::env::args().any(|a| a == "--bench")
}

struct Sent {
    bundle: Bundle,
    tickets: Vec<Handle<Vec<Ticket>>>,
    companies: Vec<Handle<Vec<Company>>>,
    members: Vec<Handle<Vec<Member>>>,
}

fn sent() -> Sent {
    let mut s = Sent {
        bundle: Bundle::new(),
        tickets: Vec::new(),
        companies: Vec::new(),
        members: Vec::new(),
    };
    for i in 0..SUB_RESULTS {
        match Kind::of(i) {
            Kind::Ticket => s.tickets.push(s.bundle.push(Ticket::list())),
            Kind::Company => s.companies.push(s.bundle.push(Company::list())),
            Kind::Member => s.members.push(s.bundle.push(Member::list())),
        }
    }
    s
}

type Decoded = (Vec<Vec<Ticket>>, Vec<Vec<Company>>, Vec<Vec<Member>>);

fn take_all(mut r: BundleResults, s: Sent) -> (Decoded, BundleResults) {
    let out = (
        s.tickets.into_iter().map(|h| r.take(h).unwrap()).collect(),
        s.companies
            .into_iter()
            .map(|h| r.take(h).unwrap())
            .collect(),
        s.members.into_iter().map(|h| r.take(h).unwrap()).collect(),
    );
    (out, r)
}

fn cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

fn cpu_ms_since(start: Option<u64>) -> f64 {
    match (start, cpu_ns()) {
        (Some(a), Some(b)) => (b - a) as f64 / 1e6,
        _ => f64::NAN,
    }
}

/// What one streamed run measured, in ms.
struct Streamed {
    /// From the arrival of the last byte to the last `take`.
    after_last: f64,
    /// On-CPU time of the decoding done after the last byte arrived: every `feed` that
    /// ended after it (the last one, and any backlog), `finish` and the `take`s.
    after_last_cpu: f64,
    /// On-CPU time of every `feed`, `finish` and `take`.
    total_cpu: f64,
    /// The longest `feed`.
    longest_feed: f64,
}

/// Feeds `body` in [`CHUNK`]s, each at its arrival time at [`RATE`] (`paced`), or back to
/// back; returns the figures and the decoded values (dropped by the caller, untimed).
fn streamed(body: &[u8], s: Sent, paced: bool) -> (Streamed, (Decoded, BundleResults)) {
    let mut decoder = s.bundle.decoder(URL);
    let start = Instant::now();
    let mut cpu_total = 0.0;
    let mut longest_feed: f64 = 0.0;
    let mut arrived = 0usize;
    let last_at = Duration::from_secs_f64(body.len() as f64 / RATE);
    let mut cpu_after_last = 0.0;
    for chunk in body.chunks(CHUNK) {
        arrived += chunk.len();
        if paced {
            let at = Duration::from_secs_f64(arrived as f64 / RATE);
            loop {
                let now = start.elapsed();
                if now >= at {
                    break;
                }
                std::thread::sleep(at - now);
            }
        }
        // The network hands each piece over in a buffer of its own.
        let piece = chunk.to_vec();
        let (t, c) = (Instant::now(), cpu_ns());
        decoder.feed(black_box(&piece)).unwrap();
        let cpu = cpu_ms_since(c);
        cpu_total += cpu;
        if paced && start.elapsed() >= last_at {
            cpu_after_last += cpu;
        }
        longest_feed = longest_feed.max(t.elapsed().as_secs_f64() * 1e3);
    }
    let last_byte = if paced {
        start + Duration::from_secs_f64(body.len() as f64 / RATE)
    } else {
        Instant::now()
    };
    let c = cpu_ns();
    let results = decoder.finish().unwrap();
    let out = take_all(results, s);
    let after_last_cpu = cpu_ms_since(c) + cpu_after_last;
    let after_last = Instant::now()
        .saturating_duration_since(last_byte)
        .as_secs_f64()
        * 1e3;
    (
        Streamed {
            after_last,
            after_last_cpu,
            total_cpu: cpu_total + after_last_cpu,
            longest_feed,
        },
        out,
    )
}

/// The whole-body decode: (wall ms, on-CPU ms) and the values.
fn whole(body: Vec<u8>, s: Sent) -> ((f64, f64), (Decoded, BundleResults)) {
    let (t, c) = (Instant::now(), cpu_ns());
    let results = s.bundle.decode_response(black_box(body), URL).unwrap();
    let out = take_all(results, s);
    ((t.elapsed().as_secs_f64() * 1e3, cpu_ms_since(c)), out)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn json(d: &Decoded) -> serde_json::Value {
    serde_json::json!([d.0, d.1, d.2])
}

fn main() {
    let data = if benching() {
        Data::generate()
    } else {
        Data::with_entities(10)
    };
    data.check();
    {
        // Both ways give the same values, in every chunking.
        let (_, (a, _)) = whole(data.body.clone(), sent());
        let (_, (b, _)) = streamed(&data.body, sent(), false);
        assert!(json(&a) == json(&b), "streamed differs from whole");
    }
    let rounds = if benching() {
        std::env::var("DECODE_STREAM_ROUNDS")
            .ok()
            .and_then(|r| r.parse().ok())
            .unwrap_or(7)
    } else {
        1
    };
    let load = || {
        std::fs::read_to_string("/proc/loadavg")
            .ok()
            .and_then(|l| l.split_whitespace().next().map(str::to_owned))
            .unwrap_or_default()
    };
    let load_before = load();
    let mut w = Vec::new();
    let mut p = Vec::new();
    let mut b = Vec::new();
    for _ in 0..rounds {
        let (t, out) = whole(data.body.clone(), sent());
        drop(out);
        w.push(t);
        let (t, out) = streamed(&data.body, sent(), true);
        drop(out);
        p.push(t);
        let (t, out) = streamed(&data.body, sent(), false);
        drop(out);
        b.push(t);
    }
    let mb = data.body.len() as f64 / 1e6;
    println!(
        "load average (1 min) before / after: {load_before} / {}",
        load()
    );
    println!(
        "decode while receiving: body {mb:.1} MB ({SUB_RESULTS} x {} entities) in {} KiB chunks at {:.0} MB/s (arrival {:.0} ms), {rounds} rounds",
        data.per_result,
        CHUNK / 1024,
        RATE / 1e6,
        data.body.len() as f64 / RATE * 1e3
    );
    let col = |v: Vec<f64>| format!("{:>9.1}", median(v));
    println!("  {:<44} {:>9} {:>9}", "median ms", "wall", "on-CPU");
    println!(
        "  {:<44} {} {}",
        "whole body: decode + take (after the last byte)",
        col(w.iter().map(|x| x.0).collect()),
        col(w.iter().map(|x| x.1).collect())
    );
    println!(
        "  {:<44} {} {}",
        "streamed at 100 MB/s: last byte -> all taken",
        col(p.iter().map(|x| x.after_last).collect()),
        col(p.iter().map(|x| x.after_last_cpu).collect())
    );
    println!(
        "  {:<44} {:>9} {}",
        "streamed at 100 MB/s: CPU of every feed+take",
        "",
        col(p.iter().map(|x| x.total_cpu).collect())
    );
    println!(
        "  {:<44} {} {:>9}",
        "streamed at 100 MB/s: longest feed",
        col(p.iter().map(|x| x.longest_feed).collect()),
        ""
    );
    println!(
        "  {:<44} {:>9} {}",
        "back to back: CPU of every feed+take",
        "",
        col(b.iter().map(|x| x.total_cpu).collect())
    );
    let ratio = |f: &dyn Fn(usize) -> f64| median((0..rounds).map(f).collect());
    let after = ratio(&|i| p[i].after_last / w[i].0);
    let after_cpu = ratio(&|i| p[i].after_last_cpu / w[i].1);
    let overhead = ratio(&|i| b[i].total_cpu / w[i].1);
    let verdict = |r: f64| if r <= 0.10 { "met" } else { "MISSED" };
    println!(
        "  last byte -> all taken / whole-body decode: wall {after:.3}x (target <= 0.10x: {}), on-CPU {after_cpu:.3}x (target <= 0.10x: {})",
        verdict(after),
        verdict(after_cpu)
    );
    println!("  streamed CPU in all / whole-body decode CPU: {overhead:.3}x");
}
