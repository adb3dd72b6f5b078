//! The API modules that have a cargo feature are listed once, in
//! `connectwise_codegen::inputs::MODULE_FEATURES`; the manifests of `connectwise` and
//! `connectwise-macros` and the specs must agree with that list, or a module could be left
//! without a feature (always compiled) or a feature turn nothing off.

use connectwise_codegen::inputs::MODULE_FEATURES;
use connectwise_codegen::{generate, Config, EmitOptions};
use connectwise_tests::{shared_spec, workspace_root, FULL_SCALE, REAL_SUBSET};
use std::collections::BTreeSet;

fn features(manifest: &str) -> toml::Table {
    let text = std::fs::read_to_string(workspace_root().join(manifest)).unwrap();
    let parsed: toml::Table = text.parse().unwrap();
    parsed["features"].as_table().unwrap().clone()
}

fn list(value: &toml::Value) -> Vec<String> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

fn modules() -> BTreeSet<String> {
    MODULE_FEATURES.iter().map(|m| m.to_string()).collect()
}

#[test]
fn the_runtime_has_one_feature_per_module_forwarded_to_the_macros() {
    let f = features("runtime/Cargo.toml");
    let module_features: BTreeSet<String> = f
        .keys()
        .filter(|k| !matches!(k.as_str(), "default" | "full" | "axum"))
        .cloned()
        .collect();
    assert_eq!(module_features, modules());
    assert_eq!(
        list(&f["full"]).into_iter().collect::<BTreeSet<_>>(),
        modules()
    );
    for m in MODULE_FEATURES {
        assert_eq!(
            list(&f[*m]),
            vec![format!("connectwise-macros/{m}")],
            "feature {m}"
        );
    }
}

#[test]
fn the_macros_have_the_same_features() {
    let f = features("macros/Cargo.toml");
    let module_features: BTreeSet<String> = f
        .keys()
        .filter(|k| !matches!(k.as_str(), "default" | "full"))
        .cloned()
        .collect();
    assert_eq!(module_features, modules());
    assert_eq!(
        list(&f["full"]).into_iter().collect::<BTreeSet<_>>(),
        modules()
    );
}

fn spec_modules(spec: std::path::PathBuf) -> BTreeSet<String> {
    let g = generate(&Config {
        spec,
        overrides: Some(workspace_root().join("codegen/specs/overrides.json")),
        emit: EmitOptions::default(),
    })
    .unwrap();
    g.ir.operations.iter().map(|op| op.module.clone()).collect()
}

#[test]
fn every_module_of_the_specs_has_a_feature() {
    let sample = spec_modules(workspace_root().join("codegen/specs/connectwise-sample.json"));
    assert!(sample.is_subset(&modules()), "{sample:?}");
    for name in [FULL_SCALE, REAL_SUBSET] {
        let Some(spec) = shared_spec(name) else {
            continue;
        };
        let found = spec_modules(spec);
        assert!(found.is_subset(&modules()), "{name}: {found:?}");
    }
    // And the full-scale spec uses every one of them.
    if let Some(spec) = shared_spec(FULL_SCALE) {
        assert_eq!(spec_modules(spec), modules());
    }
}
