//! Code generation benchmarks: `cargo bench -p connectwise-codegen --bench generate`.
//!
//! - `generate/sample/end_to_end` and `generate/full/end_to_end`: what `cwgen` does, in
//!   process: read + validate the spec and the overrides, build the IR, emit and pretty-print
//!   every file, and write them into a fresh temporary folder (created outside the timing).
//! - `stages/full/{read,ir,emit,write}`: the same pipeline one stage at a time, on the
//!   full-scale spec, each stage fed with the output of the previous one computed beforehand.
//!
//! The full-scale spec is the reconstructed ConnectWise Manage 2025.x spec in `../shared/specs/`
//! next to the repository (never in it); `CONNECTWISE_BENCH_FULL_SPEC` names another file. When
//! it is absent, its benchmarks are skipped with a note: benchmarks are not tests.
//! Figures and the command lines that produced them: `BENCHMARKS.md` at the repository root.

use connectwise_codegen::{emit, generate, ir, load, write_dir, Config, EmitOptions, Overrides};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, SamplingMode};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

const FULL_SPEC: &str = "connectwise-manage-2025.x-reconstructed.json";

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn sample_spec() -> PathBuf {
    repo_root().join("codegen/specs/connectwise-sample.json")
}

fn overrides() -> Option<PathBuf> {
    let p = repo_root().join("codegen/specs/overrides.json");
    p.exists().then_some(p)
}

/// The full-scale spec, if it is there.
fn full_spec() -> Option<PathBuf> {
    let p = match std::env::var_os("CONNECTWISE_BENCH_FULL_SPEC") {
        Some(v) => PathBuf::from(v),
        None => repo_root().join("../shared/specs").join(FULL_SPEC),
    };
    p.exists().then_some(p)
}

fn config(spec: PathBuf) -> Config {
    Config {
        spec,
        overrides: overrides(),
        emit: EmitOptions::default(),
    }
}

/// Everything `cwgen --spec SPEC --out DIR` does, into a fresh temporary folder.
fn end_to_end(config: &Config, dir: &Path) {
    let generated = generate(config).expect("generate");
    write_dir(&generated.files, dir).expect("write_dir");
    black_box(generated);
}

fn bench_end_to_end(c: &mut Criterion) {
    let mut group = c.benchmark_group("generate");

    let sample = config(sample_spec());
    group.bench_function("sample/end_to_end", |b| {
        b.iter_batched(
            || tempfile::tempdir().expect("tempdir"),
            |dir| {
                end_to_end(&sample, dir.path());
                dir // dropped (removed) outside the timing
            },
            BatchSize::PerIteration,
        )
    });

    match full_spec() {
        None => eprintln!(
            "note: {FULL_SPEC} not found in ../shared/specs/ (or CONNECTWISE_BENCH_FULL_SPEC): \
             skipping generate/full/end_to_end"
        ),
        Some(spec) => {
            let full = config(spec);
            group
                .sampling_mode(SamplingMode::Flat)
                .sample_size(10)
                .measurement_time(Duration::from_secs(10));
            group.bench_function("full/end_to_end", |b| {
                b.iter_batched(
                    || tempfile::tempdir().expect("tempdir"),
                    |dir| {
                        end_to_end(&full, dir.path());
                        dir
                    },
                    BatchSize::PerIteration,
                )
            });
        }
    }
    group.finish();
}

fn bench_stages(c: &mut Criterion) {
    let Some(spec) = full_spec() else {
        eprintln!("note: {FULL_SPEC} not found: skipping stages/full/*");
        return;
    };
    let overrides_path = overrides();
    let read_overrides = || match &overrides_path {
        Some(p) => Overrides::read(p).expect("overrides"),
        None => Overrides::default(),
    };

    let mut group = c.benchmark_group("stages/full");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .measurement_time(Duration::from_secs(8));

    // read: file -> serde_json -> openapiv3 (plus the overrides file), as `generate` does.
    group.bench_function("read", |b| {
        b.iter(|| {
            let doc = load::read_spec(&spec).expect("read");
            black_box((doc, read_overrides()))
        })
    });

    let doc = load::read_spec(&spec).expect("read");
    let ovr = read_overrides();
    // ir: validation, names, models, resources.
    group.bench_function("ir", |b| {
        b.iter(|| black_box(ir::build(&doc, &ovr, &spec).expect("ir")))
    });

    let ir = ir::build(&doc, &ovr, &spec).expect("ir");
    let options = EmitOptions::default();
    // emit: quote + prettyplease for every file.
    group.bench_function("emit", |b| {
        b.iter(|| black_box(emit::emit(&ir, &options).expect("emit")))
    });

    let files = emit::emit(&ir, &options).expect("emit");
    // write: every file into a fresh folder.
    group.bench_function("write", |b| {
        b.iter_batched(
            || tempfile::tempdir().expect("tempdir"),
            |dir| {
                write_dir(&files, dir.path()).expect("write_dir");
                dir
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, bench_end_to_end, bench_stages);
criterion_main!(benches);
