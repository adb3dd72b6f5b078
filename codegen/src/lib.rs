//! `connectwise-codegen`: reads a ConnectWise Manage OpenAPI 3.0 spec and generates the typed
//! models and the resource registry of the `connectwise` crate.
//!
//! All the logic is here, as plain functions: [`load::read_spec`] (JSON -> `openapiv3`),
//! [`ir::build`] (spec + [`Overrides`] -> [`Ir`], every name decided, every problem reported
//! with its JSON pointer), and [`emit::emit`] (IR -> pretty-printed Rust files). The runtime's
//! `build.rs`, the `cwgen` CLI and the `bundle!` macro are thin callers. Data flows one way:
//! spec -> this crate -> generated code -> runtime and macros -> user. It may depend on
//! openapiv3, serde, serde_json, quote, proc-macro2, syn, prettyplease and heck (clap only for
//! the CLI), and on nothing of this workspace.
#![warn(missing_docs)]

pub mod emit;
pub mod emit_callbacks;
pub mod emit_fields;
pub mod emit_macro;
mod emit_operations;
mod emit_serde;
pub mod error;
pub mod inputs;
pub mod ir;
pub mod load;
pub mod names;
pub mod overrides;
pub mod schema;

pub use emit::{EmitOptions, ModuleFilter};
pub use error::{Diagnostic, Error};
pub use ir::Ir;
pub use overrides::Overrides;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What to generate from.
#[derive(Debug, Clone)]
pub struct Config {
    /// The OpenAPI 3.0 spec (JSON).
    pub spec: PathBuf,
    /// The overrides file, if any.
    pub overrides: Option<PathBuf>,
    /// What to emit (which modules).
    pub emit: EmitOptions,
}

/// The generated files and what went into them.
#[derive(Debug, Clone)]
pub struct Generated {
    /// File name -> Rust source.
    pub files: BTreeMap<String, String>,
    /// The intermediate representation the files were emitted from.
    pub ir: Ir,
    /// Time taken by each stage.
    pub timings: Timings,
}

/// How long each stage took.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    /// Reading and parsing the spec and overrides files.
    pub read: Duration,
    /// Building the IR from the spec.
    pub ir: Duration,
    /// Emitting and pretty-printing the Rust files.
    pub emit: Duration,
}

impl Generated {
    /// `"827 models, 312 enums, 664 resources in 12 modules (2025.8)"`.
    pub fn summary(&self) -> String {
        format!(
            "{} models, {} enums, {} resources in {} modules (API {})",
            self.ir.models.len(),
            self.ir.enums.len(),
            self.ir.resources.len(),
            self.ir.modules.len(),
            self.ir.version
        )
    }
}

/// Reads the spec (and overrides) and generates every file, in memory.
pub fn generate(config: &Config) -> Result<Generated, Error> {
    let start = Instant::now();
    let spec = load::read_spec(&config.spec)?;
    let overrides = match &config.overrides {
        Some(p) => Overrides::read(p)?,
        None => Overrides::default(),
    };
    let read = start.elapsed();
    let ir = ir::build(&spec, &overrides, &config.spec)?;
    // The IR holds all emit needs. Freeing the parsed spec (about a million small
    // allocations for the full spec: tens of milliseconds) goes on beside the emission, its
    // memory reused for the output as it is freed. (No thread to be had: the closure, and
    // the spec with it, is dropped here.)
    let freeing = std::thread::Builder::new()
        .name("cwgen-free".into())
        .spawn(move || drop(spec));
    let ir_done = start.elapsed();
    let files = emit::emit(&ir, &config.emit);
    if let Ok(thread) = freeing {
        // Nothing is left running behind the caller's back. Dropping cannot fail.
        let _ = thread.join();
    }
    let files = files?;
    let done = start.elapsed();
    Ok(Generated {
        files,
        ir,
        timings: Timings {
            read,
            ir: ir_done - read,
            emit: done - ir_done,
        },
    })
}

/// Writes the files into `dir` (created if needed), leaving files whose contents are already
/// right untouched (so cargo does not rebuild for nothing). Files of `dir` that were generated
/// before but are no longer produced are removed; other files are left alone.
pub fn write_dir(files: &BTreeMap<String, String>, dir: &Path) -> Result<(), Error> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    for (name, contents) in files {
        let path = dir.join(name);
        if std::fs::read(&path).ok().as_deref() != Some(contents.as_bytes()) {
            std::fs::write(&path, contents).map_err(|e| Error::io(&path, e))?;
        }
    }
    for stale in generated_files_in(dir)? {
        if !files.contains_key(&stale) {
            let path = dir.join(&stale);
            std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
        }
    }
    Ok(())
}

/// Compares `dir` with `files`: the names of files that differ, are missing or are extra.
pub fn diff_dir(files: &BTreeMap<String, String>, dir: &Path) -> Result<Vec<String>, Error> {
    let mut differences = Vec::new();
    for (name, contents) in files {
        match std::fs::read(dir.join(name)) {
            Ok(bytes) if bytes == contents.as_bytes() => {}
            Ok(_) => differences.push(format!("{name} differs")),
            Err(_) => differences.push(format!("{name} is missing")),
        }
    }
    if dir.exists() {
        for extra in generated_files_in(dir)? {
            if !files.contains_key(&extra) {
                differences.push(format!("{extra} is not generated any more"));
            }
        }
    }
    Ok(differences)
}

/// The `.rs` files of `dir` that carry our generated-code header.
fn generated_files_in(dir: &Path) -> Result<Vec<String>, Error> {
    let mut out = Vec::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(Error::io(dir, e)),
    };
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".rs") {
            let head = std::fs::read(entry.path()).unwrap_or_default();
            if head.starts_with(b"// Generated by connectwise-codegen") {
                out.push(name);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// A fingerprint of the inputs of a generation: the spec's bytes and the overrides' bytes
/// (FNV-1a, 64 bits). The runtime's `build.rs` and the `bundle!` macro's `build.rs` each compute
/// it from the files they read; the macro's expansion asserts (at compile time) that the two
/// agree, so a runtime and a macro generated from different specs cannot be mixed silently.
pub fn fingerprint(spec: &[u8], overrides: &[u8]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash = OFFSET;
    let len = (spec.len() as u64).to_le_bytes();
    for byte in len.iter().chain(spec).chain(overrides) {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(PRIME);
    }
    hash
}

#[cfg(test)]
mod fingerprint_tests {
    use super::fingerprint;

    #[test]
    fn fingerprint_tells_the_inputs_apart() {
        let a = fingerprint(b"{\"openapi\":\"3.0.1\"}", b"");
        assert_eq!(a, fingerprint(b"{\"openapi\":\"3.0.1\"}", b""));
        assert_ne!(a, fingerprint(b"{\"openapi\":\"3.0.2\"}", b""));
        assert_ne!(a, fingerprint(b"{\"openapi\":\"3.0.1\"}", b"{}"));
        // Moving a byte from the spec to the overrides changes it too.
        assert_ne!(fingerprint(b"ab", b"c"), fingerprint(b"a", b"bc"));
    }
}
