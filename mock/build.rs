//! Finds the spec and overrides the `connectwise` crate is generated from (the same
//! `CONNECTWISE_SPEC` / `CONNECTWISE_OVERRIDES` variables, defaults and rerun lines as
//! `runtime/build.rs`: `connectwise_codegen::inputs`) and hands their paths to the crate,
//! which embeds them with `include_bytes!`.

use connectwise_codegen::inputs::SpecInputs;
use std::path::{Path, PathBuf};

fn main() {
    if let Err(message) = run() {
        eprintln!("error: connectwise-mock: {message}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let manifest =
        PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").ok_or("no CARGO_MANIFEST_DIR")?);
    let inputs = SpecInputs::from_env(&manifest)?;
    // The runtime reads a missing overrides file as "no overrides": embed an empty one then.
    let overrides = match inputs.overrides {
        Some(p) => p,
        None => {
            let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("no OUT_DIR")?);
            let empty = out.join("no-overrides.json");
            std::fs::write(&empty, b"").map_err(|e| format!("{}: {e}", empty.display()))?;
            empty
        }
    };
    println!(
        "cargo:rustc-env=CW_MOCK_SPEC={}",
        absolute(&inputs.spec).display()
    );
    println!(
        "cargo:rustc-env=CW_MOCK_OVERRIDES={}",
        absolute(&overrides).display()
    );
    Ok(())
}

fn absolute(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned())
}
