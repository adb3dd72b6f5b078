//! The real specs in `../shared/specs/` generate, and the generated code compiles.
//! These tests read the specs from beside the repo and fail, not skip, when `CI` is set and
//! the specs are missing.

use connectwise_codegen::{generate, Config, EmitOptions};
use connectwise_tests::{shared_spec, workspace_root, FULL_SCALE, REAL_SUBSET};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

fn config(spec: &Path) -> Config {
    Config {
        spec: spec.to_owned(),
        overrides: Some(workspace_root().join("codegen/specs/overrides.json")),
        emit: EmitOptions::default(),
    }
}

#[test]
fn full_scale_spec_generates_every_schema_and_list_endpoint() {
    let Some(spec) = shared_spec(FULL_SCALE) else {
        return;
    };
    let g = generate(&config(&spec)).expect("the full-scale spec generates");
    let ir = &g.ir;
    // Every one of the 827 component schemas became a type of its own.
    assert_eq!(ir.components.len(), 827);
    for rust in ir.components.values() {
        assert!(
            ir.models.contains_key(rust)
                || ir.enums.contains_key(rust)
                || ir.aliases.contains_key(rust),
            "{rust} was named but not generated"
        );
    }
    // 520 models have list endpoints, 32 of them on more than one path.
    let mut paths_per_model: BTreeMap<&str, usize> = BTreeMap::new();
    for r in ir.resources.values() {
        *paths_per_model.entry(r.schema.as_str()).or_default() += 1;
    }
    assert_eq!(paths_per_model.len(), 520);
    assert_eq!(paths_per_model.values().filter(|n| **n > 1).count(), 32);
    // Every list path of the spec is a resource, under a unique name.
    assert_eq!(ir.resources.len(), 680);
    assert_eq!(ir.modules.len(), 12);
    assert!(ir.warnings.is_empty(), "{:?}", ir.warnings);
    // Arity 0, 1 and 2 all occur.
    for arity in 0..=2 {
        assert!(ir.resources.values().any(|r| r.parent_arity() == arity));
    }
    assert_eq!(ir.resources["ticket"].path, "/service/tickets");
    assert_eq!(
        ir.resources["purchase_order_line_item"].path,
        "/procurement/purchaseorders/{parentId}/lineitems"
    );
}

#[test]
fn real_subset_generates() {
    let Some(spec) = shared_spec(REAL_SUBSET) else {
        return;
    };
    let g = generate(&config(&spec)).expect("the real subset generates");
    assert_eq!(g.ir.version, "2025.8");
    assert_eq!(g.ir.resources.len(), 38);
    // The real `Ticket._info` has both typed properties and additionalProperties.
    let info =
        g.ir.models
            .values()
            .find(|m| m.schema == "Ticket.Info")
            .expect("Ticket._info struct");
    assert!(info.additional.is_some());
}

/// `cargo check` of the runtime crate with `CONNECTWISE_SPEC` set to each real spec, with
/// every module and with single modules (the features must each compile on their own).
#[test]
fn runtime_compiles_against_the_real_specs() {
    let Some(full) = shared_spec(FULL_SCALE) else {
        return;
    };
    let Some(subset) = shared_spec(REAL_SUBSET) else {
        return;
    };
    let target = workspace_root().join("target/real-spec-check");
    let check = |spec: &Path, features: &[&str]| {
        let mut cmd = Command::new(env!("CARGO"));
        cmd.current_dir(workspace_root())
            .args(["check", "--quiet", "-p", "connectwise"])
            .env("CONNECTWISE_SPEC", spec)
            .env("CARGO_TARGET_DIR", &target)
            .env_remove("CONNECTWISE_OVERRIDES");
        if !features.is_empty() {
            cmd.args(["--no-default-features", "--features", &features.join(",")]);
        }
        let out = cmd.output().expect("cargo runs");
        assert!(
            out.status.success(),
            "cargo check with {} and features {features:?} failed:\n{}",
            spec.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    };
    check(&subset, &[]);
    check(&full, &[]);
    check(&full, &["service"]);
    check(&full, &["procurement", "time"]);
}
