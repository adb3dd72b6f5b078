//! What a build script generates from, found the same way by every crate that generates from
//! the spec (`connectwise`, `connectwise-macros`): `CONNECTWISE_SPEC` (default: the sample
//! spec shipped in this package, [`DEFAULT_SPEC`]) and `CONNECTWISE_OVERRIDES` (default:
//! [`DEFAULT_OVERRIDES`], also in this package), with the cargo rerun lines, so that switching
//! or editing either regenerates all of them; plus the API modules that have a cargo feature.
//!
//! The defaults live in this package (`specs/`), so a build script that uses them reads no file
//! outside the packages it depends on: `connectwise` and `connectwise-macros` build from
//! crates.io (or any packaged copy) with no file of their own.

use crate::{fingerprint, ir, load, Ir, Overrides};
use std::path::{Path, PathBuf};

/// The sample spec shipped in this package (`specs/connectwise-sample.json`): what builds
/// generate from when `CONNECTWISE_SPEC` is unset.
pub const DEFAULT_SPEC: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/specs/connectwise-sample.json");

/// The overrides shipped in this package (`specs/overrides.json`): what builds apply when
/// `CONNECTWISE_OVERRIDES` is unset.
pub const DEFAULT_OVERRIDES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/specs/overrides.json");

/// The API modules that have a cargo feature in `connectwise` (forwarded to
/// `connectwise-macros`). A module of the spec that is not listed has no feature and is
/// always generated.
pub const MODULE_FEATURES: &[&str] = &[
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

/// Whether `module`'s cargo feature is on, for the crate whose build script is running
/// (modules without a feature are always on).
pub fn module_enabled(module: &str) -> bool {
    !MODULE_FEATURES.contains(&module)
        || std::env::var_os(format!("CARGO_FEATURE_{}", module.to_uppercase())).is_some()
}

/// The spec and overrides files a build generates from.
#[derive(Debug, Clone)]
pub struct SpecInputs {
    /// The OpenAPI spec: `CONNECTWISE_SPEC`, or [`DEFAULT_SPEC`] when unset.
    pub spec: PathBuf,
    /// `None` when the overrides file does not exist: no overrides.
    pub overrides: Option<PathBuf>,
}

impl SpecInputs {
    /// Resolves the two variables for a build script of the crate in `manifest_dir` and prints
    /// cargo's rerun lines. Unset, they default to [`DEFAULT_SPEC`] and [`DEFAULT_OVERRIDES`]
    /// (in this package, not the caller's). A variable naming a file that does not exist is an
    /// error; relative paths are taken from `manifest_dir` (where cargo runs build scripts),
    /// which the error says: from another project, give an absolute path, or set it in that
    /// project's `.cargo/config.toml` `[env]` with `relative = true`.
    pub fn from_env(manifest_dir: &Path) -> Result<SpecInputs, String> {
        println!("cargo:rerun-if-env-changed=CONNECTWISE_SPEC");
        println!("cargo:rerun-if-env-changed=CONNECTWISE_OVERRIDES");
        println!("cargo:rerun-if-changed=build.rs");
        let spec = path_from_env(
            "CONNECTWISE_SPEC",
            manifest_dir,
            PathBuf::from(DEFAULT_SPEC),
        )?;
        let overrides = path_from_env(
            "CONNECTWISE_OVERRIDES",
            manifest_dir,
            PathBuf::from(DEFAULT_OVERRIDES),
        )?;
        println!("cargo:rerun-if-changed={}", spec.display());
        println!("cargo:rerun-if-changed={}", overrides.display());
        if !spec.exists() {
            return Err(format!("{} does not exist", spec.display()));
        }
        let overrides = overrides.exists().then_some(overrides);
        Ok(SpecInputs { spec, overrides })
    }

    /// [`fingerprint`] of the two files (a missing overrides file counts as empty).
    pub fn fingerprint(&self) -> Result<u64, String> {
        let read = |p: &Path| std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()));
        let spec = read(&self.spec)?;
        let overrides = match &self.overrides {
            Some(p) => read(p)?,
            None => Vec::new(),
        };
        Ok(fingerprint(&spec, &overrides))
    }

    /// Reads both and builds the IR. Warnings are in `Ir::warnings`.
    pub fn ir(&self) -> Result<Ir, String> {
        let doc = load::read_spec(&self.spec).map_err(|e| e.to_string())?;
        let overrides = match &self.overrides {
            Some(p) => Overrides::read(p).map_err(|e| e.to_string())?,
            None => Overrides::default(),
        };
        ir::build(&doc, &overrides, &self.spec).map_err(|e| e.to_string())
    }
}

/// The path in `var` (a relative one taken from `manifest_dir`), or `default`.
fn path_from_env(var: &str, manifest_dir: &Path, default: PathBuf) -> Result<PathBuf, String> {
    match std::env::var_os(var) {
        None => Ok(default),
        Some(v) => {
            let p = manifest_dir.join(&v);
            if !p.exists() {
                let hint = if Path::new(&v).is_relative() {
                    " (relative paths are taken from the building crate's folder: use an absolute path)"
                } else {
                    ""
                };
                return Err(format!("{var}={} does not exist{hint}", p.display()));
            }
            Ok(p)
        }
    }
}
