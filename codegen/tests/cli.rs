//! The `cwgen` command line: generation, the one-line summary, and `--check`.

use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn cwgen(out: &std::path::Path, check: bool) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cwgen"));
    cmd.arg("--spec")
        .arg(root().join("codegen/specs/connectwise-sample.json"))
        .arg("--overrides")
        .arg(root().join("codegen/specs/overrides.json"))
        .arg("--out")
        .arg(out);
    if check {
        cmd.arg("--check");
    }
    cmd.output().unwrap()
}

#[test]
fn writes_the_files_and_prints_a_one_line_summary() {
    let dir = tempfile::tempdir().unwrap();
    let out = cwgen(dir.path(), false);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(
        stdout.contains("models") && stdout.contains("resources") && stdout.contains(" s"),
        "{stdout}"
    );
    for f in [
        "models.rs",
        "registry.rs",
        "resources.rs",
        "models_service.rs",
    ] {
        assert!(dir.path().join(f).exists(), "{f} not written");
    }
}

#[test]
fn check_passes_when_up_to_date_and_fails_when_a_file_differs_or_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    // Nothing there yet: out of date.
    let out = cwgen(dir.path(), true);
    assert!(!out.status.success());
    assert!(
        dir.path().read_dir().unwrap().next().is_none(),
        "--check wrote files"
    );

    assert!(cwgen(dir.path(), false).status.success());
    let out = cwgen(dir.path(), true);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("checked"));

    let registry = dir.path().join("registry.rs");
    let mut text = std::fs::read_to_string(&registry).unwrap();
    text.push_str("// edited by hand\n");
    std::fs::write(&registry, text).unwrap();
    let out = cwgen(dir.path(), true);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("registry.rs differs"), "{stderr}");

    std::fs::remove_file(dir.path().join("models_time.rs")).unwrap();
    let stderr = String::from_utf8_lossy(&cwgen(dir.path(), true).stderr).into_owned();
    assert!(stderr.contains("models_time.rs is missing"), "{stderr}");
}
