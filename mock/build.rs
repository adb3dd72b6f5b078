//! Finds the spec and overrides the `connectwise` crate is generated from (the same
//! `CONNECTWISE_SPEC` / `CONNECTWISE_OVERRIDES` variables and defaults as `runtime/build.rs`)
//! and hands their paths to the crate, which embeds them with `include_bytes!`.

use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=CONNECTWISE_SPEC");
    println!("cargo:rerun-if-env-changed=CONNECTWISE_OVERRIDES");
    println!("cargo:rerun-if-changed=build.rs");
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let specs = manifest.join("../specs");
    let spec = resolve("CONNECTWISE_SPEC", specs.join("connectwise-sample.json"));
    let overrides = resolve("CONNECTWISE_OVERRIDES", specs.join("overrides.json"));
    println!("cargo:rerun-if-changed={}", spec.display());
    println!("cargo:rerun-if-changed={}", overrides.display());
    if !spec.exists() {
        eprintln!("error: connectwise-mock: {} does not exist", spec.display());
        std::process::exit(1);
    }
    // The runtime reads a missing overrides file as "no overrides": embed an empty one then.
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    let overrides = if overrides.exists() {
        overrides
    } else {
        let empty = out.join("no-overrides.json");
        if std::fs::write(&empty, b"").is_err() {
            eprintln!("error: connectwise-mock: cannot write {}", empty.display());
            std::process::exit(1);
        }
        empty
    };
    println!("cargo:rustc-env=CW_MOCK_SPEC={}", absolute(&spec).display());
    println!(
        "cargo:rustc-env=CW_MOCK_OVERRIDES={}",
        absolute(&overrides).display()
    );
}

/// The path in `var`, or `default`.
fn resolve(var: &str, default: PathBuf) -> PathBuf {
    std::env::var_os(var).map(PathBuf::from).unwrap_or(default)
}

fn absolute(path: &std::path::Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned())
}
