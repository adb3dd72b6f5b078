//! Snapshot of the code generated from our sample spec (`specs/connectwise-sample.json` with
//! `specs/overrides.json`): every file is checked in under `tests/output/sample/`, and the
//! crate `tests/output` compiles them, so a change to the generator shows up in review as a
//! diff of real Rust. Refresh with `EXPECTORATE=overwrite cargo test -p connectwise-codegen`.

use connectwise_codegen::{generate, Config, EmitOptions};
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn sample_config() -> Config {
    Config {
        spec: root().join("codegen/specs/connectwise-sample.json"),
        overrides: Some(root().join("codegen/specs/overrides.json")),
        emit: EmitOptions::default(),
    }
}

#[test]
fn sample_spec_output_matches_the_checked_in_snapshot() {
    let generated = generate(&sample_config()).expect("the sample spec generates");
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/output/sample");
    for (name, contents) in &generated.files {
        expectorate::assert_contents(dir.join(name), contents);
    }
    // No stale snapshot files left behind by a generator that emits fewer files now.
    let differences = connectwise_codegen::diff_dir(&generated.files, &dir).unwrap();
    assert!(differences.is_empty(), "{differences:?}");
}

#[test]
fn generation_is_deterministic() {
    let a = generate(&sample_config()).unwrap();
    let b = generate(&sample_config()).unwrap();
    assert_eq!(a.files, b.files);
}

#[test]
fn sample_spec_covers_the_seed_resources() {
    let generated = generate(&sample_config()).unwrap();
    let r = &generated.ir.resources;
    for name in [
        "ticket",
        "company",
        "member",
        "service_note",
        "purchase_order",
        "purchase_order_line_item",
        "contact",
        "board",
        "board_status",
        "configuration",
        "agreement",
        "time_entry",
        "project",
        "schedule_entry",
        "opportunity",
        "invoice",
    ] {
        assert!(r.contains_key(name), "sample spec lacks resource {name}");
    }
    // The seed's example: line items of a purchase order, by parent id.
    let li = &r["purchase_order_line_item"];
    assert_eq!(li.path, "/procurement/purchaseorders/{parentId}/lineitems");
    assert_eq!(li.parent_arity(), 1);
    assert!(
        r.values().any(|r| r.parent_arity() == 2),
        "no grandparent path"
    );
    // The override renamed `Company.Configuration`'s resource.
    assert_eq!(r["configuration"].schema, "Company.Configuration");
    assert_eq!(r["configuration"].resource_type, "Configuration");
    // Member sits on two list paths: the shorter keeps the name.
    assert_eq!(r["member"].path, "/system/members");
    assert_eq!(r["member_with_sso"].path, "/system/members/withSso");
}
