//! `connectwise-fuzz`: mutation fuzzers for the three places where the project reads outside
//! data, on stable Rust, with no nightly toolchain, no libFuzzer and no sanitizer runtime.
//!
//! | target | input | code under fuzz |
//! | --- | --- | --- |
//! | `bundle` | bytes | `connectwise`: `Bundle::decode_response`, `BundleResults::decode` and `take`, from the body of a `POST /system/bundles` answer to typed models ([`targets::bundle`]) |
//! | `conditions` | text | `connectwise-conditions`: parse, print and parse back, check against the condition schema, evaluate ([`targets::conditions`]) |
//! | `spec` | JSON | `connectwise-codegen`: `load::parse_spec`, `ir::build`, `emit::emit` ([`targets::spec`]) |
//!
//! Each target starts from seeds in the repository (the fixtures taken from ConnectWise's
//! "Bundled Requests" page in `runtime/tests/fixtures` and `mock/tests/fixtures`, the
//! conditions of `conditions/tests`, the sample spec and the broken specs of `codegen/tests`,
//! and `fuzz/corpus`), mutates them ([`mutate`]: bit and byte flips, inserted, deleted and
//! duplicated ranges, splices of two inputs, truncation, interesting numbers, a dictionary of
//! each target's tokens), and runs every input inside `catch_unwind`, timed, with its peak
//! heap counted by this crate's global allocator ([`alloc`]) and a watchdog for hangs
//! ([`engine`]). Everything is fixed by the seed of the run: the same seed tries the same
//! inputs.
//!
//! No input may panic, break a target's properties (a printed condition parses back, spec
//! errors carry JSON pointers, the two bundle decoders agree), take longer than the per-input
//! time budget or use more heap than the per-input limit.
//!
//! Runs: `cargo test -p connectwise-fuzz` runs a bounded run of each target (`tests/bounded.rs`);
//! the long run is the binary, `cargo run --release -p connectwise-fuzz -- --target all
//! --seconds 600` (see `--help`; BENCHMARKS.md has figures).
//!
//! Depends on the three crates under fuzz (`connectwise`, `connectwise-conditions`,
//! `connectwise-codegen` without its CLI), `serde_json` (the targets' seeds and values) and
//! `clap` (the binary's arguments). The engine is written here rather than taken from a crate:
//! `cargo fuzz` and libFuzzer need nightly; `bolero` on stable runs as a property test that
//! generates inputs from types rather than mutating seed corpora (its libFuzzer and AFL
//! engines need `cargo bolero` and, for sanitizers, nightly); `arbitrary` only turns bytes into
//! values and has no engine; `proptest` generates from strategies and shrinks, but does not
//! mutate a corpus of real documents, which is what finds bugs in decoders of JSON that is
//! almost right. Coverage guidance needs instrumentation this crate does without: a mutant
//! joins the corpus when its outcome (how far it got, which error) is new.

#![warn(missing_docs)]

pub mod alloc;
pub mod engine;
pub mod mutate;
pub mod rng;
pub mod targets;

use engine::{Config, Report};
use targets::SeedError;

/// The targets, by name.
pub const TARGETS: &[&str] = &["bundle", "conditions", "spec"];

/// Runs the target named `name` (one of [`TARGETS`]) with its seeds and `extra` seeds.
pub fn run_target(
    name: &str,
    config: &Config,
    extra: Vec<(String, Vec<u8>)>,
) -> Result<Report, SeedError> {
    Ok(match name {
        "bundle" => engine::run(
            &mut targets::bundle::BundleTarget::new()?.with_seeds(extra),
            config,
        ),
        "conditions" => engine::run(
            &mut targets::conditions::ConditionsTarget::new()?.with_seeds(extra),
            config,
        ),
        "spec" => engine::run(
            &mut targets::spec::SpecTarget::new()?.with_seeds(extra),
            config,
        ),
        other => {
            return Err(SeedError(format!(
                "unknown target `{other}`: one of {}",
                TARGETS.join(", ")
            )))
        }
    })
}

/// Runs each of `inputs` once through the target named `name`.
pub fn replay_target(
    name: &str,
    config: &Config,
    inputs: Vec<Vec<u8>>,
) -> Result<Report, SeedError> {
    Ok(match name {
        "bundle" => engine::replay(&mut targets::bundle::BundleTarget::new()?, inputs, config),
        "conditions" => engine::replay(
            &mut targets::conditions::ConditionsTarget::new()?,
            inputs,
            config,
        ),
        "spec" => engine::replay(&mut targets::spec::SpecTarget::new()?, inputs, config),
        other => {
            return Err(SeedError(format!(
                "unknown target `{other}`: one of {}",
                TARGETS.join(", ")
            )))
        }
    })
}
