//! Time to decode a bundle response of 20 sub-results x 1000 entities (tickets, companies,
//! members; see `bundle_data`), three ways, on the same bytes:
//!
//! - `floor`: `serde_json::from_slice::<Vec<Model>>` of each sub-result's `entities` array,
//!   cut out of the body beforehand. No envelope at all: the least any decoder can do.
//! - `ours`: `Bundle::decode_response` of the whole body (what `Bundle::send` does with the
//!   response), then `take` of all 20 handles. The body is moved in, as `send` does; its copy
//!   is made in the untimed setup.
//! - `untyped`: `serde_json::from_slice::<serde_json::Value>` of the whole body, then
//!   `serde_json::from_value::<Vec<Model>>` of each `entities` value (moved out, not cloned).
//!
//! In all three the decoded values are dropped outside the timed section.
//!
//! `cargo bench -p connectwise --bench decode` runs the criterion group (wall time), then a
//! summary that times the three decoders in turn, round after round, in wall time and in
//! on-CPU time of the thread (Linux), and prints the ratios the issue sets targets for as
//! medians of the ratios within a round: on a shared machine the three runs of a round see
//! about the same load. `DECODE_SUMMARY_ROUNDS` (default 15) sets the rounds, 0 skips it.

mod bundle_data;

use bundle_data::{Data, Kind, SUB_RESULTS};
use connectwise::bundle::{BundleResults, Handle};
use connectwise::models::{Company, Member, Ticket};
use connectwise::Bundle;
use criterion::{black_box, criterion_group, BatchSize, Criterion, SamplingMode, Throughput};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const URL: &str = "https://api-na.myconnectwise.net/v4_6_release/apis/3.0/system/bundles";

/// True under `cargo bench`; under `cargo test --benches` (no `--bench` argument) criterion
/// runs each benchmark once as a smoke test, and a small data set is enough.
fn benching() -> bool {
    std::env::args().any(|a| a == "--bench")
}

fn data() -> &'static Data {
    static DATA: OnceLock<Data> = OnceLock::new();
    DATA.get_or_init(|| {
        let data = if benching() {
            Data::generate()
        } else {
            Data::with_entities(10)
        };
        data.check();
        data
    })
}

/// What each decoder hands back: the 20 decoded sub-results.
#[derive(Default, PartialEq)]
struct Decoded {
    tickets: Vec<Vec<Ticket>>,
    companies: Vec<Vec<Company>>,
    members: Vec<Vec<Member>>,
}

impl Decoded {
    fn entities(&self) -> usize {
        self.tickets.iter().map(Vec::len).sum::<usize>()
            + self.companies.iter().map(Vec::len).sum::<usize>()
            + self.members.iter().map(Vec::len).sum::<usize>()
    }
}

fn floor(data: &Data) -> Decoded {
    let mut out = Decoded::default();
    for (i, (kind, _)) in data.results.iter().enumerate() {
        let bytes = data.entities(i);
        match kind {
            Kind::Ticket => out.tickets.push(serde_json::from_slice(bytes).unwrap()),
            Kind::Company => out.companies.push(serde_json::from_slice(bytes).unwrap()),
            Kind::Member => out.members.push(serde_json::from_slice(bytes).unwrap()),
        }
    }
    out
}

/// A bundle of the 20 list requests, and their handles.
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

/// Returns the results too, so that dropping them (and the body they own) is not timed.
fn ours(body: Vec<u8>, sent: Sent) -> (Decoded, BundleResults) {
    let mut results = sent.bundle.decode_response(body, URL).unwrap();
    let mut out = Decoded::default();
    for h in sent.tickets {
        out.tickets.push(results.take(h).unwrap());
    }
    for h in sent.companies {
        out.companies.push(results.take(h).unwrap());
    }
    for h in sent.members {
        out.members.push(results.take(h).unwrap());
    }
    (out, results)
}

/// Returns what is left of the tree too, so that dropping it is not timed.
fn untyped(data: &Data) -> (Decoded, serde_json::Value) {
    let mut root: serde_json::Value = serde_json::from_slice(&data.body).unwrap();
    let mut out = Decoded::default();
    let results = root["results"].as_array_mut().unwrap();
    for r in results.iter_mut() {
        let entities = r["entities"].take();
        match r["resourceType"].as_str().unwrap() {
            "ticket" => out.tickets.push(serde_json::from_value(entities).unwrap()),
            "company" => out
                .companies
                .push(serde_json::from_value(entities).unwrap()),
            "member" => out.members.push(serde_json::from_value(entities).unwrap()),
            other => panic!("unexpected resourceType {other}"),
        }
    }
    (out, root)
}

fn benches(c: &mut Criterion) {
    let data = data();
    let mut g = c.benchmark_group("bundle_decode_20x1000");
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(20)
        .warm_up_time(Duration::from_secs(3))
        .measurement_time(Duration::from_secs(25))
        .throughput(Throughput::Bytes(data.body.len() as u64));
    g.bench_function("floor_from_slice_per_array", |b| {
        b.iter_batched(|| (), |()| floor(black_box(data)), BatchSize::PerIteration)
    });
    g.bench_function("ours_decode_and_take", |b| {
        b.iter_batched(
            || (data.body.clone(), sent()),
            |(body, sent)| ours(black_box(body), sent),
            BatchSize::PerIteration,
        )
    });
    g.bench_function("untyped_value_then_from_value", |b| {
        b.iter_batched(
            || (),
            |()| untyped(black_box(data)),
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group!(decode, benches);

/// Nanoseconds the calling thread has spent on a CPU (`/proc/thread-self/schedstat`, Linux),
/// or `None` elsewhere. Unlike wall time it leaves out the time the thread waited for a CPU,
/// which on a shared machine is most of the noise.
fn cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Wall and on-CPU time of `f`, in ms (on-CPU is NaN where unavailable).
fn timed<R>(f: impl FnOnce() -> R) -> ((f64, f64), R) {
    let (wall, cpu) = (Instant::now(), cpu_ns());
    let r = f();
    let cpu = match (cpu, cpu_ns()) {
        (Some(a), Some(b)) => (b - a) as f64 / 1e6,
        _ => f64::NAN,
    };
    ((wall.elapsed().as_secs_f64() * 1e3, cpu), r)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn best(v: &[f64]) -> f64 {
    v.iter().copied().fold(f64::INFINITY, f64::min)
}

/// Times the three decoders in turn, `rounds` times, and prints best and median wall and
/// on-CPU times, and the ratios against the targets, as medians of the ratios within
/// each round (the three runs of a round see about the same machine).
fn summary(rounds: usize) {
    let data = data();
    let entities = SUB_RESULTS * data.per_result;
    // [floor, ours, untyped] x rounds, (wall ms, cpu ms)
    let mut t: [Vec<(f64, f64)>; 3] = Default::default();
    for _ in 0..rounds {
        let (d, out) = timed(|| floor(black_box(data)));
        assert_eq!(out.entities(), entities);
        drop(out);
        t[0].push(d);

        let (body, s) = (data.body.clone(), sent());
        let (d, out) = timed(|| ours(black_box(body), s));
        assert_eq!(out.0.entities(), entities);
        drop(out);
        t[1].push(d);

        let (d, out) = timed(|| untyped(black_box(data)));
        assert_eq!(out.0.entities(), entities);
        drop(out);
        t[2].push(d);
    }
    let mb = data.body.len() as f64 / 1e6;
    println!();
    println!(
        "summary: body {mb:.1} MB, {SUB_RESULTS} sub-results x {} entities, {rounds} rounds of floor, ours, untyped",
        data.per_result
    );
    println!(
        "  {:<8} {:>22} {:>22}",
        "", "wall ms best / median", "on-CPU ms best / median"
    );
    for (name, t) in ["floor", "ours", "untyped"].iter().zip(&t) {
        let wall: Vec<f64> = t.iter().map(|x| x.0).collect();
        let cpu: Vec<f64> = t.iter().map(|x| x.1).collect();
        println!(
            "  {name:<8} {:>10.1} / {:>9.1} {:>11.1} / {:>9.1}",
            best(&wall),
            median(wall.clone()),
            best(&cpu),
            median(cpu.clone())
        );
    }
    let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
    for (label, pick) in [
        ("wall", (|x: (f64, f64)| x.0) as fn((f64, f64)) -> f64),
        ("on-CPU", |x: (f64, f64)| x.1),
    ] {
        let ratio = |a: usize, b: usize| {
            median((0..rounds).map(|i| pick(t[a][i]) / pick(t[b][i])).collect())
        };
        let (of, uo) = (ratio(1, 0), ratio(2, 1));
        println!(
            "  {label:<6} median of per-round ratios: ours/floor {of:.3}x (target <= 1.15x: {}), untyped/ours {uo:.2}x (target >= 2.5x: {})",
            verdict(of <= 1.15),
            verdict(uo >= 2.5)
        );
    }
}

fn main() {
    // Under `cargo test --benches` criterion runs each benchmark once as a test; the
    // summary (and its minute) is for `cargo bench` only, and not for `--profile-time`.
    let profiling = std::env::args().any(|a| a == "--profile-time");
    if !benching() {
        // The three decoders must agree.
        let data = data();
        let (ours, _) = ours(data.body.clone(), sent());
        assert!(floor(data) == ours, "ours differs from the floor");
        assert!(untyped(data).0 == ours, "untyped differs from ours");
    }
    decode();
    Criterion::default().configure_from_args().final_summary();
    let rounds = std::env::var("DECODE_SUMMARY_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(15);
    if benching() && !profiling && rounds > 0 {
        summary(rounds);
    }
}
