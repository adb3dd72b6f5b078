//! Peak heap memory of decoding the bundle response of `decode.rs` (20 sub-results x 1000
//! entities), four ways, each run once on the same bytes with a counting global allocator.
//!
//! What is counted, alike for all three: every live heap byte, including the 88 MB input body
//! (allocated before the decode starts and alive until after it ends: `floor` and `untyped`
//! borrow it, `ours` owns it inside `BundleResults`) and the 20 decoded `Vec<Model>`s, which
//! are all kept until the peak is read. `peak above body` subtracts the body: the decoded
//! values plus whatever the decoder needed on the way.
//!
//! `streamed` is how `Bundle::send` decodes now (issue 13): the body is fed to
//! `Bundle::decoder` in 64 KiB pieces, each copied into a buffer of its own first (as the
//! network hands them over) and dropped after its `feed`. The client never holds the whole
//! body, so none is counted for it: its figure is everything it allocates, pieces included.
//!
//! `cargo bench -p connectwise --bench decode_memory` (`DECODE_DUMP_BODY=file` also writes
//! the generated response body to `file`).

mod bundle_data;

use bundle_data::{Data, Kind, SUB_RESULTS};
use connectwise::models::{Company, Member, Ticket};
use connectwise::Bundle;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

/// `System`, counting live bytes and their high-water mark.
struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(n: usize) {
    let now = CURRENT.fetch_add(n, Relaxed) + n;
    PEAK.fetch_max(now, Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc_zeroed(layout);
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        CURRENT.fetch_sub(layout.size(), Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = System.realloc(ptr, layout, new_size);
        if !p.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                CURRENT.fetch_sub(layout.size() - new_size, Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Peak and retained live bytes while `f` runs, counted from zero for whatever is alive now
/// (`baseline`, subtracted) plus what `f` allocates; `f`'s result is dropped after the reading.
fn measure<R>(baseline: usize, f: impl FnOnce() -> R) -> (usize, usize) {
    let before = CURRENT.load(Relaxed);
    PEAK.store(before, Relaxed);
    let kept = f();
    let (peak, retained) = (PEAK.load(Relaxed), CURRENT.load(Relaxed));
    drop(kept);
    (
        peak - before + baseline,
        (retained + baseline).saturating_sub(before),
    )
}

#[derive(Default)]
struct Decoded {
    tickets: Vec<Vec<Ticket>>,
    companies: Vec<Vec<Company>>,
    members: Vec<Vec<Member>>,
}

fn main() {
    // Under `cargo test --benches` (no `--bench` argument): a quick run on a small data set.
    let benching = std::env::args().any(|a| a == "--bench");
    let data = if benching {
        Data::generate()
    } else {
        Data::with_entities(10)
    };
    data.check();
    let body_len = data.body.len();
    if let Some(path) = std::env::var_os("DECODE_DUMP_BODY") {
        // To look at the generated response: DECODE_DUMP_BODY=/tmp/bundle.json.
        std::fs::write(path, &data.body).unwrap();
    }
    // Each measurement starts with one body alive, counted as `body_len` bytes.

    let floor = measure(body_len, || {
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
    });

    // The body is moved in, as `Bundle::send` does: its copy is made before the count
    // starts, so that, as for the other two, one body is alive and counted as `body_len`.
    let mut bundle = Bundle::new();
    let (mut th, mut ch, mut mh) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..SUB_RESULTS {
        match Kind::of(i) {
            Kind::Ticket => th.push(bundle.push(Ticket::list())),
            Kind::Company => ch.push(bundle.push(Company::list())),
            Kind::Member => mh.push(bundle.push(Member::list())),
        }
    }
    let body = data.body.clone();
    let ours = measure(body_len, move || {
        let mut r = bundle.decode_response(body, "bench").unwrap();
        let mut out = Decoded::default();
        out.tickets
            .extend(th.into_iter().map(|h| r.take(h).unwrap()));
        out.companies
            .extend(ch.into_iter().map(|h| r.take(h).unwrap()));
        out.members
            .extend(mh.into_iter().map(|h| r.take(h).unwrap()));
        (out, r)
    });

    let mut bundle = Bundle::new();
    let (mut th, mut ch, mut mh) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..SUB_RESULTS {
        match Kind::of(i) {
            Kind::Ticket => th.push(bundle.push(Ticket::list())),
            Kind::Company => ch.push(bundle.push(Company::list())),
            Kind::Member => mh.push(bundle.push(Member::list())),
        }
    }
    let streamed = measure(0, || {
        let mut decoder = bundle.decoder("bench");
        for chunk in data.body.chunks(64 * 1024) {
            let piece = chunk.to_vec();
            decoder.feed(&piece).unwrap();
        }
        let mut r = decoder.finish().unwrap();
        let mut out = Decoded::default();
        out.tickets
            .extend(th.into_iter().map(|h| r.take(h).unwrap()));
        out.companies
            .extend(ch.into_iter().map(|h| r.take(h).unwrap()));
        out.members
            .extend(mh.into_iter().map(|h| r.take(h).unwrap()));
        (out, r)
    });

    let untyped = measure(body_len, || {
        let mut root: serde_json::Value = serde_json::from_slice(&data.body).unwrap();
        let mut out = Decoded::default();
        for (r, (kind, _)) in root["results"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .zip(&data.results)
        {
            let entities = r["entities"].take();
            match kind {
                Kind::Ticket => out.tickets.push(serde_json::from_value(entities).unwrap()),
                Kind::Company => out
                    .companies
                    .push(serde_json::from_value(entities).unwrap()),
                Kind::Member => out.members.push(serde_json::from_value(entities).unwrap()),
            }
        }
        (out, root)
    });

    let mb = |n: usize| n as f64 / 1e6;
    println!(
        "peak heap, body {:.1} MB included in every figure ({SUB_RESULTS} x {} entities):",
        mb(body_len),
        data.per_result
    );
    println!(
        "  {:<8} {:>10} {:>16} {:>12}",
        "", "peak MB", "above body MB", "retained MB"
    );
    for (name, (peak, retained)) in [("floor", floor), ("ours", ours), ("untyped", untyped)] {
        println!(
            "  {name:<8} {:>10.1} {:>16.1} {:>12.1}",
            mb(peak),
            mb(peak - body_len),
            mb(retained)
        );
    }
    println!(
        "  {:<8} {:>10.1} {:>16} {:>12.1}   (no whole body: the pieces and one result at a time)",
        "streamed",
        mb(streamed.0),
        "-",
        mb(streamed.1)
    );
    println!(
        "  ours - floor: peak {:+} bytes, retained {:+} bytes",
        ours.0 as i64 - floor.0 as i64,
        ours.1 as i64 - floor.1 as i64
    );
    let ratio = ours.0 as f64 / floor.0 as f64;
    println!(
        "  ours/floor peak {ratio:.3}x (target <= 1.3x: {}); above body {:.3}x; untyped/ours peak {:.2}x",
        if ratio <= 1.3 { "met" } else { "MISSED" },
        (ours.0 - body_len) as f64 / (floor.0 - body_len) as f64,
        untyped.0 as f64 / ours.0 as f64
    );
    let ratio = streamed.0 as f64 / ours.0 as f64;
    println!(
        "  streamed/ours peak {ratio:.3}x (target < 1: {}); streamed/floor peak {:.3}x; streamed - floor above body: {:+.1} MB",
        if ratio < 1.0 { "met" } else { "MISSED" },
        streamed.0 as f64 / floor.0 as f64,
        mb(streamed.0) - mb(floor.0 - body_len)
    );
}
