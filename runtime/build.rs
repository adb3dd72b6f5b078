//! Generates the models and the resource registry from the spec named by `CONNECTWISE_SPEC`
//! (default: the workspace's sample spec), with the overrides named by
//! `CONNECTWISE_OVERRIDES` (default: `specs/overrides.json`). API modules whose cargo feature
//! is off are left out. All logic is in `connectwise-codegen`; this is a thin caller.

use connectwise_codegen::{emit, ir, load, write_dir, EmitOptions, ModuleFilter, Overrides};
use std::path::{Path, PathBuf};

/// The API modules that have a cargo feature (see Cargo.toml). A module of the spec that is
/// not listed here has no feature and is always generated.
const MODULE_FEATURES: &[&str] = &[
    "company",
    "configurations",
    "expense",
    "finance",
    "marketing",
    "procurement",
    "project",
    "sales",
    "schedule",
    "service",
    "system",
    "time",
];

fn main() {
    if let Err(message) = run() {
        eprintln!("error: connectwise: {message}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    println!("cargo:rerun-if-env-changed=CONNECTWISE_SPEC");
    println!("cargo:rerun-if-env-changed=CONNECTWISE_OVERRIDES");
    println!("cargo:rerun-if-changed=build.rs");
    let manifest =
        PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").ok_or("no CARGO_MANIFEST_DIR")?);
    let specs = manifest.join("../specs");
    let spec = path_from_env("CONNECTWISE_SPEC", specs.join("connectwise-sample.json"))?;
    let overrides = path_from_env("CONNECTWISE_OVERRIDES", specs.join("overrides.json"))?;
    println!("cargo:rerun-if-changed={}", spec.display());
    println!("cargo:rerun-if-changed={}", overrides.display());

    let doc = load::read_spec(&spec).map_err(|e| e.to_string())?;
    let overrides = if overrides.exists() {
        Overrides::read(&overrides).map_err(|e| e.to_string())?
    } else {
        Overrides::default()
    };
    let ir = ir::build(&doc, &overrides, &spec).map_err(|e| e.to_string())?;
    for w in &ir.warnings {
        println!("cargo:warning=connectwise: {w}");
    }
    let off = MODULE_FEATURES
        .iter()
        .filter(|m| std::env::var_os(format!("CARGO_FEATURE_{}", m.to_uppercase())).is_none())
        .map(|m| m.to_string())
        .collect();
    let options = EmitOptions {
        modules: ModuleFilter::Except(off),
    };
    let files = emit::emit(&ir, &options).map_err(|e| e.to_string())?;
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("no OUT_DIR")?).join("connectwise");
    write_dir(&files, &out).map_err(|e| e.to_string())?;
    Ok(())
}

/// The path in `var`, or `default`. A relative path is taken from the runtime crate's folder
/// (where cargo runs build scripts), which is rarely what a user means: say so if it is missing.
fn path_from_env(var: &str, default: PathBuf) -> Result<PathBuf, String> {
    match std::env::var_os(var) {
        None => Ok(default),
        Some(v) => {
            let p = PathBuf::from(&v);
            if !p.exists() {
                let hint = if Path::new(&v).is_relative() {
                    " (relative paths are taken from the connectwise crate's folder: use an absolute path)"
                } else {
                    ""
                };
                return Err(format!("{var}={} does not exist{hint}", p.display()));
            }
            Ok(p)
        }
    }
}
