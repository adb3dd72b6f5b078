//! The long run: `cargo run --release -p connectwise-fuzz -- --target all --seconds 600`.
//!
//! Runs each chosen target for `--seconds` (or `--inputs`) and prints its report; exits with
//! 1 when any target found a failure (the inputs are written under `--out`), 70 when the
//! watchdog stopped a hang or a runaway allocation. `--replay FILE...` runs saved inputs once.

use clap::Parser;
use connectwise_fuzz::engine::{Config, Limits};
use connectwise_fuzz::{replay_target, run_target, targets, TARGETS};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Parser, Debug)]
#[command(
    about = "Mutation fuzzers for the bundle decoder, the condition language and the spec loader"
)]
struct Args {
    /// `bundle`, `conditions`, `spec` or `all`.
    #[arg(long, default_value = "all")]
    target: String,
    /// Seconds per target.
    #[arg(long, default_value_t = 60)]
    seconds: u64,
    /// Stop a target after this many inputs (seeds included).
    #[arg(long)]
    inputs: Option<u64>,
    /// The seed of the mutations: the same seed tries the same inputs.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Per-input time budget, in milliseconds: a slower input is a failure.
    #[arg(long, default_value_t = 1000)]
    budget_ms: u64,
    /// An input still running after this many seconds is a hang: the process stops.
    #[arg(long, default_value_t = 30)]
    hang_seconds: u64,
    /// Per-input peak heap limit, in MiB: more is a failure.
    #[arg(long, default_value_t = 256)]
    memory_mib: usize,
    /// Hard per-input heap limit, in MiB: the process stops rather than allocate past it.
    #[arg(long, default_value_t = 2048)]
    hard_memory_mib: usize,
    /// Where failing inputs are written.
    #[arg(long)]
    out: Option<PathBuf>,
    /// More seeds: every file of this folder (for the one target named by --target).
    #[arg(long)]
    corpus: Option<PathBuf>,
    /// Write each input to OUT/current-input before running it (to catch an input that
    /// aborts the process, such as a stack overflow). Slow.
    #[arg(long)]
    keep_current: bool,
    /// Also print the most frequent outcomes of each target.
    #[arg(long)]
    verbose: bool,
    /// Run these saved inputs once each instead of fuzzing.
    #[arg(long, num_args = 1..)]
    replay: Vec<PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let names: Vec<&str> = if args.target == "all" {
        TARGETS.to_vec()
    } else {
        vec![args.target.as_str()]
    };
    let config = Config {
        seed: args.seed,
        max_inputs: args.inputs,
        max_time: Duration::from_secs(args.seconds),
        limits: Limits {
            time_budget: Duration::from_millis(args.budget_ms),
            hang: Duration::from_secs(args.hang_seconds),
            memory: args.memory_mib << 20,
            hard_memory: args.hard_memory_mib << 20,
        },
        out_dir: args
            .out
            .clone()
            .unwrap_or_else(|| std::env::temp_dir().join("connectwise-fuzz")),
        keep_current: args.keep_current,
        max_failures: 50,
    };
    let extra = match &args.corpus {
        Some(dir) if names.len() == 1 => match targets::read_extra(dir) {
            Ok(seeds) => seeds,
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::from(2);
            }
        },
        Some(_) => {
            eprintln!("--corpus needs one --target");
            return ExitCode::from(2);
        }
        None => Vec::new(),
    };
    let mut failed = false;
    for name in names {
        let report = if args.replay.is_empty() {
            run_target(name, &config, extra.clone())
        } else {
            let mut inputs = Vec::new();
            for path in &args.replay {
                match std::fs::read(path) {
                    Ok(bytes) => inputs.push(bytes),
                    Err(e) => {
                        eprintln!("cannot read {}: {e}", path.display());
                        return ExitCode::from(2);
                    }
                }
            }
            replay_target(name, &config, inputs)
        };
        match report {
            Ok(report) => {
                println!("{}", report.summary());
                // The slowest and the most memory-hungry inputs, for a look.
                let dir = config.out_dir.join(name);
                if std::fs::create_dir_all(&dir).is_ok() {
                    let slowest = dir.join("slowest-input");
                    let hungriest = dir.join("largest-peak-heap-input");
                    if std::fs::write(&slowest, &report.slowest.1).is_ok()
                        && std::fs::write(&hungriest, &report.peak_memory.1).is_ok()
                    {
                        println!("  slowest input: {}", slowest.display());
                        println!("  largest peak heap input: {}", hungriest.display());
                    }
                }
                if args.verbose {
                    print!("{}", report.outcomes_table());
                }
                failed |= !report.failures.is_empty();
            }
            Err(e) => {
                eprintln!("{name}: {e}");
                return ExitCode::from(2);
            }
        }
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
