//! Starts the fake server (which embeds the same spec as the runtime), and:
//!
//! 1. sends one bundle per API module with one typed sub-request per picked resource, and
//!    decodes every sub-result into its model type (or, for a read that clashes with
//!    another's, checks that the client did not send it: a `clash` line): one line per
//!    sub-request and a
//!    `SUMMARY modules=12 sub_requests=130 decoded=130 entities=540 failed=0` line;
//! 2. writes (`writes.rs`): for every resource with a create and a get in
//!    `connectwise::registry::OPERATIONS`, creates a record from a body the fake server's
//!    generator makes for the model, sent through the client as JSON with the runtime's
//!    generic `Call`, and reads it back: a `wrote <resource>` line each and
//!    `WRITES swept=.. failed=.. skipped=..`;
//! 3. formats (`formats.rs`): every generated row of every resource, and a generated value of
//!    every model, checked against the spec itself, formats included:
//!    `FORMATS rows=.. values=.. problems=..`;
//! 4. whole lists: the same resources' lists in one bundle per module, read whole with
//!    `send_all` (pages of 7), each compared with `client.stream` of the same list (same rows,
//!    same order): a `paged <module>/<resource>: <rows> rows` line each and
//!    `PAGED lists=.. rows=.. multi_page=.. failed=.. ambiguous=..` (lists that clash with
//!    another read, whose `resourceType` and ids are the same, are not sent in a bundle:
//!    listed, not compared; step 1 checks that the client refuses them).
//!
//! Exits 1 if anything failed.

mod formats;
mod writes;

use connectwise_mock::MockServer;
use std::time::Instant;

mod generated {
    include!(concat!(env!("OUT_DIR"), "/requests.rs"));
}

#[tokio::main]
async fn main() {
    let started = Instant::now();
    let server = match MockServer::builder()
        .seed(1)
        .rows(30)
        .child_rows(3)
        .start()
        .await
    {
        Ok(s) => s,
        Err(e) => {
            eprintln!("the fake server did not start: {e}");
            std::process::exit(1);
        }
    };
    let client = match server.client().build() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("client: {e}");
            std::process::exit(1);
        }
    };
    let (mut modules, mut sub_requests, mut decoded, mut entities, mut failed) = (0, 0, 0, 0, 0);
    for (module, bundle, takes) in generated::modules() {
        modules += 1;
        let mut results = match bundle.send(&client).await {
            Ok(r) => r,
            Err(e) => {
                println!("FAIL {module}: the bundle failed: {e}");
                failed += takes.len();
                sub_requests += takes.len();
                continue;
            }
        };
        for (resource, kind, take) in takes {
            sub_requests += 1;
            match take(&mut results) {
                Ok(n) => {
                    decoded += 1;
                    entities += n;
                    println!("ok   {module}/{resource} {kind}: {n} entities");
                }
                Err(e) => {
                    failed += 1;
                    println!("FAIL {module}/{resource} {kind}: {e}");
                }
            }
        }
    }
    println!(
        "SUMMARY modules={modules} sub_requests={sub_requests} decoded={decoded} entities={entities} failed={failed} seconds={:.2}",
        started.elapsed().as_secs_f64()
    );

    let sweep = writes::sweep(&client).await;
    println!(
        "WRITES swept={} failed={} skipped={}",
        sweep.swept, sweep.failed, sweep.skipped
    );
    let check = formats::check();
    println!(
        "FORMATS rows={} values={} problems={}",
        check.rows, check.values, check.problems
    );
    let paged = paged(&client).await;
    if failed > 0 || sweep.failed > 0 || check.problems > 0 || paged > 0 {
        std::process::exit(1);
    }
}

/// `send_all` against `client.stream`, list by list: the number of lists that differ or fail.
async fn paged(client: &connectwise::Client) -> usize {
    let (mut lists, mut rows, mut multi_page, mut failed) = (0, 0, 0, 0);
    for (module, bundle, compares) in generated::paged() {
        let mut results = match bundle.send_all(client).await {
            Ok(r) => r,
            Err(e) => {
                println!("FAIL paged {module}: send_all failed: {e}");
                failed += compares.len();
                lists += compares.len();
                continue;
            }
        };
        for (resource, compare) in compares {
            lists += 1;
            match compare(&mut results, client.clone()).await {
                Ok(n) => {
                    rows += n;
                    multi_page += usize::from(n > 7);
                    println!("paged {module}/{resource}: {n} rows");
                }
                Err(e) => {
                    failed += 1;
                    println!("FAIL paged {module}/{resource}: {e}");
                }
            }
        }
    }
    for name in generated::AMBIGUOUS {
        println!("ambiguous {name}: its list clashes with another read's (not sent in a bundle)");
    }
    println!(
        "PAGED lists={lists} rows={rows} multi_page={multi_page} failed={failed} ambiguous={}",
        generated::AMBIGUOUS.len()
    );
    failed
}

/// The rows of `send_all` and of `stream`, compared as JSON: their number, or how they differ.
fn same_rows<T: serde::Serialize>(all: &[T], streamed: &[T]) -> Result<usize, String> {
    let json = |rows: &[T]| serde_json::to_value(rows).map_err(|e| e.to_string());
    if all.len() != streamed.len() {
        return Err(format!(
            "send_all gave {} rows, stream {}",
            all.len(),
            streamed.len()
        ));
    }
    if json(all)? != json(streamed)? {
        return Err(format!(
            "{} rows each, not the same rows in the same order",
            all.len()
        ));
    }
    Ok(all.len())
}
