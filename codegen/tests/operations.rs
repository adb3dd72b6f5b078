//! Operations: every (method, path) of a spec becomes one operation with a unique
//! constructor name (`codegen/src/ir/operations.rs` has the naming rule). The full-scale spec
//! is read from `../shared/specs/`; its tests fail, not skip, when `CI` is set and it is
//! missing.

use connectwise_codegen::ir::OperationKind;
use connectwise_codegen::{generate, Config, EmitOptions, Generated};
use std::collections::BTreeMap;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn generate_spec(spec: PathBuf) -> Generated {
    generate(&Config {
        spec,
        overrides: Some(root().join("specs/overrides.json")),
        emit: EmitOptions::default(),
    })
    .expect("the spec generates")
}

fn full_scale() -> Option<Generated> {
    let spec = root().join("../shared/specs/connectwise-manage-2025.x-reconstructed.json");
    if !spec.exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but {} is missing",
            spec.display()
        );
        eprintln!("skipped: {} is missing", spec.display());
        return None;
    }
    Some(generate_spec(spec))
}

#[test]
fn every_operation_of_the_full_scale_spec_has_one_constructor() {
    let Some(g) = full_scale() else {
        return;
    };
    let ops = &g.ir.operations;
    // 3,053 operations: 1,712 GET, 386 POST, 325 PATCH, 323 PUT, 307 DELETE.
    assert_eq!(ops.len(), 3053);
    let mut names = std::collections::BTreeSet::new();
    for op in ops {
        assert!(
            names.insert((op.group.as_str(), op.function.as_str())),
            "{}::{} twice",
            op.group,
            op.function
        );
    }
    let mut kinds: BTreeMap<OperationKind, usize> = BTreeMap::new();
    for op in ops {
        *kinds.entry(op.kind).or_default() += 1;
    }
    if std::env::var_os("CW_PRINT_OPERATIONS").is_some() {
        for op in ops {
            println!(
                "{:?} {} {}::{} {:?} -> {:?}",
                op.method, op.path, op.group, op.function, op.body, op.response
            );
        }
        println!("{kinds:?}");
        println!("repairs: {:?}", g.ir.repairs);
    }
}
