//! `connectwise-tests`: cross-crate tests of the workspace (generated code against the
//! runtime, the real specs, end-to-end runs). Helpers shared by the test files live here; it
//! may depend on every crate of the workspace.

pub mod load;
pub mod soak;

use std::path::PathBuf;

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_owned()
}

/// A file of `../shared/specs/` (real ConnectWise spec data, never committed here).
///
/// Returns `None` when it is missing on a developer's machine (and says so on stderr); when
/// the `CI` variable is set, a missing file fails the test instead: CI always has it.
pub fn shared_spec(name: &str) -> Option<PathBuf> {
    let path = workspace_root().join("../shared/specs").join(name);
    if path.exists() {
        return Some(path);
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "{} is missing, and CI is set: the real specs must be beside the repo in CI",
            path.display()
        );
    }
    eprintln!(
        "NOTE: {} is missing; this test did not run (it fails instead when CI is set)",
        path.display()
    );
    None
}

/// The real 2025.8 subset (72 paths, 145 schemas).
pub const REAL_SUBSET: &str = "connectwise-manage-2025.8-pruned-subset.json";
/// The full-scale reconstruction (1815 paths, 827 schemas).
pub const FULL_SCALE: &str = "connectwise-manage-2025.x-reconstructed.json";
