//! How long checking a condition takes: parse + check of realistic conditions against the
//! `Ticket` model of the full-scale spec (`../shared/specs/connectwise-manage-2025.x-reconstructed.json`
//! when it exists, else the sample spec), and reading the whole condition schema once
//! (what the `bundle!` macro pays once per compiler process if it caches the schema).
//!
//! `cargo bench -p connectwise-conditions --bench check`

use std::hint::black_box;
use std::path::{Path, PathBuf};

use connectwise_codegen::{ir, load, Overrides};
use connectwise_conditions::{check, check_str, parse, Schema};
use criterion::{criterion_group, criterion_main, Criterion};

const CONDITIONS: &[(&str, &str)] = &[
    (
        "seed",
        "summary like '%a%' and status/name like '%new%'and board/name='Help Desk'",
    ),
    (
        "realistic",
        "(status/name = 'Open') and ((priority/name in ('High', 'Critical')) or (summary like 'outage*')) \
         and (summary not contains 'Low Priority') and (closedFlag = True) and company/identifier = 'ACME' \
         and board/id in (1, 2, 3) and lastUpdated >= [2026-06-01T00:00:00Z]",
    ),
    ("typo", "status/nmae = 'New' and sumary like '%a%' and id like '5'"),
];

fn spec_path() -> (PathBuf, &'static str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let full = root.join("../../shared/specs/connectwise-manage-2025.x-reconstructed.json");
    if full.exists() {
        (full, "full")
    } else {
        (
            root.join("../codegen/specs/connectwise-sample.json"),
            "sample",
        )
    }
}

fn schema_json(spec: &Path) -> String {
    let overrides_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../codegen/specs/overrides.json");
    let doc = load::read_spec(spec).expect("spec loads");
    let overrides = Overrides::read(&overrides_path).expect("overrides load");
    let ir = ir::build(&doc, &overrides, spec).expect("IR builds");
    connectwise_codegen::schema::condition_schema(&ir)
}

fn bench(c: &mut Criterion) {
    let (spec, which) = spec_path();
    let text = schema_json(&spec);
    let schema = Schema::from_json(&text).expect("schema reads");
    eprintln!(
        "{which} spec: {} models, schema JSON {} bytes",
        schema.models().len(),
        text.len()
    );
    for (name, condition) in CONDITIONS {
        // The condition must be realistic for this spec: the clean ones check clean.
        let verdict = check_str(condition, &schema, "Ticket");
        assert_eq!(verdict.is_ok(), *name != "typo", "{name}: {verdict:?}");
        c.bench_function(&format!("{which}/parse+check/{name}"), |b| {
            b.iter(|| check_str(black_box(condition), black_box(&schema), "Ticket"))
        });
    }
    let parsed = parse(CONDITIONS[1].1).expect("parses");
    c.bench_function(&format!("{which}/check only/realistic"), |b| {
        b.iter(|| check(black_box(&parsed), black_box(&schema), "Ticket"))
    });
    c.bench_function(
        &format!("{which}/serde_json::Value of the schema (floor)"),
        |b| b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(&text))),
    );
    c.bench_function(&format!("{which}/Schema::from_json (whole spec)"), |b| {
        b.iter(|| Schema::from_json(black_box(&text)))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = bench
}
criterion_main!(benches);
