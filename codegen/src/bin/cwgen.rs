//! `cwgen`: generate the `connectwise` models and resource registry from a spec, or check
//! that a folder is up to date with it (`--check`, for CI).

use clap::Parser;
use connectwise_codegen::{
    diff_dir, generate, write_dir, Config, EmitOptions, Error, ModuleFilter,
};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Generate typed Rust for the ConnectWise Manage API from its OpenAPI 3.0 spec.
#[derive(Parser, Debug)]
#[command(name = "cwgen", version)]
struct Args {
    /// The OpenAPI 3.0 spec (JSON).
    #[arg(long)]
    spec: PathBuf,
    /// Where to write the generated `.rs` files.
    #[arg(long)]
    out: PathBuf,
    /// The overrides file (the patch layer applied after loading).
    #[arg(long)]
    overrides: Option<PathBuf>,
    /// Only these API modules (comma separated: `company,service`); default all.
    #[arg(long, value_delimiter = ',')]
    modules: Option<Vec<String>>,
    /// Write nothing; fail if OUT differs from what the spec generates.
    #[arg(long)]
    check: bool,
    /// Also print how long each stage took (read, IR, emit, write), on stderr.
    #[arg(long)]
    timings: bool,
}

fn main() -> ExitCode {
    no_huge_pages();
    let args = Args::parse();
    match run(&args) {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cwgen: error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Turns transparent huge pages off for this process. cwgen lives for a fraction of a second
/// and touches about 150 MB; with huge pages (which mimalloc asks for) the kernel zeroes whole
/// 2 MB pages on first touch, and `perf` showed that zeroing (`clear_page_erms`) at 40% of an
/// isolated run's time. Best effort: on failure nothing changes.
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and touches no memory of ours.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

fn run(args: &Args) -> Result<String, Error> {
    let start = Instant::now();
    let config = Config {
        spec: args.spec.clone(),
        overrides: args.overrides.clone(),
        emit: EmitOptions {
            modules: match &args.modules {
                Some(m) => ModuleFilter::Only(m.iter().cloned().collect()),
                None => ModuleFilter::All,
            },
        },
    };
    let generated = generate(&config)?;
    for w in &generated.ir.warnings {
        eprintln!("cwgen: warning: {w}");
    }
    let written = Instant::now();
    let verb = if args.check {
        let differences = diff_dir(&generated.files, &args.out)?;
        if !differences.is_empty() {
            return Err(Error::OutOfDate {
                dir: args.out.clone(),
                differences,
            });
        }
        "checked"
    } else {
        write_dir(&generated.files, &args.out)?;
        "wrote"
    };
    if args.timings {
        let t = &generated.timings;
        eprintln!(
            "cwgen: timings: read {:.3} s, IR {:.3} s, emit {:.3} s, {verb} {:.3} s",
            t.read.as_secs_f64(),
            t.ir.as_secs_f64(),
            t.emit.as_secs_f64(),
            written.elapsed().as_secs_f64()
        );
    }
    Ok(format!(
        "cwgen: {}; {verb} {} files in {} in {:.3} s",
        generated.summary(),
        generated.files.len(),
        args.out.display(),
        start.elapsed().as_secs_f64()
    ))
}
