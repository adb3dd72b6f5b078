//! The `cw-mock` binary: prints its base URL and credentials, then serves them.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

/// Kills the child when the test ends, however it ends.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

#[tokio::test]
async fn cw_mock_prints_what_to_use_and_serves_it() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cw-mock"))
        .args(["--port", "0", "--rows", "12", "--seed", "3"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("cw-mock starts");
    let stdout = child.stdout.take().expect("stdout");
    let _running = Running(child);
    let mut printed = std::collections::BTreeMap::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("a line");
        if line.starts_with("Ctrl-C") {
            break;
        }
        if let Some((k, v)) = line.trim().split_once(": ") {
            printed.insert(k.trim().to_owned(), v.trim().to_owned());
        }
    }
    let url = &printed["base URL"];
    assert!(url.starts_with("http://127.0.0.1:") && url.ends_with("/v4_6_release/apis/3.0"));
    let client = connectwise::Client::builder(url.as_str())
        .credentials(connectwise::Credentials::new(
            &printed["company"],
            &printed["public key"],
            &printed["private key"],
        ))
        .client_id(&printed["clientId"])
        .build()
        .unwrap();
    let tickets: Vec<connectwise::models::Ticket> = client
        .list(connectwise::models::Ticket::list().page_size(100))
        .await
        .unwrap();
    assert_eq!(tickets.len(), 12);
}

#[test]
fn cw_mock_reports_a_bad_data_folder() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("tikcet.json"), "[]").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_cw-mock"))
        .arg("--data")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("did you mean `ticket.json`"), "{err}");
}
