//! Writes the tables the `bundle!` macro checks its input against, from the same spec and
//! overrides as the `connectwise` crate's build script: `CONNECTWISE_SPEC` (default: the
//! sample spec shipped in `connectwise-codegen`) and `CONNECTWISE_OVERRIDES` (default: the
//! overrides shipped there),
//! resolved the same way, with the same rerun lines (`connectwise_codegen::inputs`); a module
//! whose cargo feature is off here (the `connectwise` crate forwards its module features) is
//! marked off in the table, so that `bundle!` says so. Output in OUT_DIR:
//!
//! - `registry.rs`: the spec's fingerprint and a static table of the resources sorted by name
//!   (name, resourceType, model, path, parent keys in template order, get-by-id path, count
//!   path, API module, whether that module's feature is on), emitted by
//!   `connectwise_codegen::emit_macro::macro_tables`;
//! - `condition_schema.json`: every model's fields and their types
//!   (`connectwise_codegen::schema::condition_schema`), which literal conditions are checked
//!   against.
//!
//! All the spec logic is in `connectwise-codegen`; this is a thin caller.

use connectwise_codegen::emit_macro::macro_tables;
use connectwise_codegen::inputs::{module_enabled, SpecInputs};
use std::path::PathBuf;

fn main() {
    if let Err(message) = run() {
        eprintln!("error: connectwise-macros: {message}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let manifest =
        PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").ok_or("no CARGO_MANIFEST_DIR")?);
    let inputs = SpecInputs::from_env(&manifest)?;
    let fingerprint = inputs.fingerprint()?;
    let ir = inputs.ir()?;

    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("no OUT_DIR")?);
    std::fs::write(
        out.join("registry.rs"),
        macro_tables(&ir, module_enabled, fingerprint),
    )
    .map_err(|e| format!("writing registry.rs: {e}"))?;
    let schema = connectwise_codegen::schema::condition_schema(&ir);
    std::fs::write(out.join("condition_schema.json"), schema)
        .map_err(|e| format!("writing condition_schema.json: {e}"))?;
    Ok(())
}
