//! Operations: every (method, path) of a spec becomes one operation with a unique
//! constructor name (`codegen/src/ir/operations.rs` has the naming rule). The full-scale spec
//! is read from `../shared/specs/`; its tests fail, not skip, when `CI` is set and it is
//! missing.

use connectwise_codegen::ir::{Body, Method, OperationKind, Response};
use connectwise_codegen::{generate, Config, EmitOptions, Generated};
use std::collections::BTreeMap;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn generate_spec(spec: PathBuf) -> Generated {
    generate(&Config {
        spec,
        overrides: Some(root().join("codegen/specs/overrides.json")),
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
    // 1,712 GET: 680 lists, 490 counts, 417 gets and 124 actions (`get_info`, downloads...).
    assert_eq!(kinds[&OperationKind::List], 680);
    assert_eq!(kinds[&OperationKind::Count], 490);
    assert_eq!(
        ops.iter().filter(|op| op.method == Method::Get).count(),
        1712
    );
    assert_eq!(
        ops.iter().filter(|op| op.method == Method::Post).count(),
        386
    );
    assert_eq!(
        ops.iter().filter(|op| op.method == Method::Patch).count(),
        325
    );
    assert_eq!(
        ops.iter().filter(|op| op.method == Method::Put).count(),
        323
    );
    assert_eq!(
        ops.iter().filter(|op| op.method == Method::Delete).count(),
        307
    );
    let named = |group: &str, function: &str| {
        ops.iter()
            .find(|op| op.group == group && op.function == function)
            .unwrap_or_else(|| panic!("no {group}::{function}"))
    };
    let copy = named("ticket", "copy");
    assert_eq!(
        (copy.method, copy.path.as_str()),
        (Method::Post, "/service/tickets/{id}/copy")
    );
    assert_eq!(copy.response, Response::Model("Ticket".into()));
    let merge = named("company", "merge");
    assert_eq!(merge.body, Body::Model("CompanyMerge".into()));
    assert!(!merge.idempotent);
    assert_eq!(
        named("member", "get_by_member_identifier").path,
        "/system/members/{memberIdentifier}"
    );
    assert_eq!(
        named("forecast", "put_all").path,
        "/sales/opportunities/{parentId}/forecast"
    );
    assert_eq!(
        named("forecast", "put").path,
        "/sales/opportunities/{parentId}/forecast/{id}"
    );
    assert_eq!(
        named("document_info", "get_download").response,
        Response::Bytes
    );
    // The two repairs of the overrides file, and 27 trailing slashes: 29 odd paths.
    let patch_vendors = named("catalog_item", "patch_vendors");
    assert_eq!(
        patch_vendors.path,
        "/procurement/catalog/{parentId}/vendors/{id}"
    );
    assert_eq!(
        patch_vendors.spec_path,
        "/procurement/catalog/{parentId}/vendors/{id}{id}"
    );
    assert_eq!(patch_vendors.body, Body::Patch);
    assert_eq!(
        named("agreement_type", "copy").path,
        "/finance/agreements/types/{id}/copy"
    );
    assert_eq!(g.ir.repairs.len(), 29);
    assert_eq!(
        g.ir.repairs
            .iter()
            .filter(|(from, _)| from.ends_with('/'))
            .count(),
        27
    );
    // Spelled two ways, in one group, each sending its own spelling.
    assert_eq!(
        named("allowed_file_type", "list").path,
        "/system/allowedfiletypes"
    );
    assert_eq!(
        named("allowed_file_type", "create").path,
        "/system/AllowedFileTypes"
    );
    // Only the read-only bundle POSTs are idempotent POSTs.
    let mut idempotent_posts: Vec<&str> = ops
        .iter()
        .filter(|op| op.method == Method::Post && op.idempotent)
        .map(|op| op.path.as_str())
        .collect();
    idempotent_posts.sort();
    assert_eq!(
        idempotent_posts,
        ["/system/bundles", "/system/bundles/count"]
    );
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

#[test]
fn the_sample_spec_has_every_kind_of_operation() {
    let g = generate_spec(root().join("codegen/specs/connectwise-sample.json"));
    let ops = &g.ir.operations;
    let kinds: std::collections::BTreeSet<OperationKind> = ops.iter().map(|op| op.kind).collect();
    assert_eq!(kinds.len(), 8, "{kinds:?}");
    let ticket: Vec<&str> = ops
        .iter()
        .filter(|op| op.group == "ticket")
        .map(|op| op.function.as_str())
        .collect();
    assert_eq!(
        ticket,
        ["copy", "count", "create", "delete", "get", "list", "patch", "put", "search"]
    );
    // Sorted by (group, function), names unique.
    assert!(ops
        .windows(2)
        .all(|w| (&w[0].group, &w[0].function) < (&w[1].group, &w[1].function)));
    // Counts are found for the resources that have them.
    assert_eq!(
        g.ir.resources["ticket"].count_path.as_deref(),
        Some("/service/tickets/count")
    );
    assert_eq!(g.ir.resources["member_with_sso"].count_path, None);
    // No repairs needed in our own spec.
    assert!(g.ir.repairs.is_empty());
}

/// Every file generated from the full-scale spec is valid Rust: the files written as text
/// (constructors, field accessors, serde impls, the operation table) included. Its multi-line
/// summaries once broke the constructors' doc comments.
#[test]
fn every_file_generated_from_the_full_scale_spec_parses() {
    let Some(g) = full_scale() else {
        return;
    };
    for (file, code) in &g.files {
        if let Err(e) = syn::parse_file(code) {
            // Without span locations, name the first line that is neither code nor comment.
            let stray = code.lines().find(|l| {
                let t = l.trim_start();
                !t.is_empty()
                    && t.chars().next().is_some_and(|c| c.is_alphabetic())
                    && !t.contains(['(', '{', '}', ';', '=', ':'])
            });
            panic!("{file}: {e}\n{stray:?}");
        }
    }
}

/// `_info` maps of scalars become the runtime's `Info`; `_info` objects with properties stay
/// structs, and other maps stay maps.
#[test]
fn info_maps_become_info_and_other_maps_stay_maps() {
    use connectwise_codegen::ir::Type;
    let mut specs = vec![generate_spec(
        root().join("codegen/specs/connectwise-sample.json"),
    )];
    specs.extend(full_scale());
    for g in &specs {
        let (mut info, mut structs, mut maps) = (0, 0, 0);
        for field in g.ir.models.values().flat_map(|m| &m.fields) {
            match (&field.ty, field.json.as_str()) {
                (Type::Info, "_info") => info += 1,
                (Type::Info, other) => panic!("{other} is Info"),
                (Type::Named(_), "_info") => structs += 1,
                (Type::Map(_), "_info") => panic!("an _info map is not Info"),
                (Type::Map(_), _) => maps += 1,
                _ => {}
            }
        }
        assert!(info > 50 && structs >= 1, "{info} Info, {structs} structs");
        if g.ir.models.len() > 500 {
            // The full-scale spec: 695 `_info` maps of strings, and `miscProperties`.
            assert_eq!((info, maps), (695, 1));
        }
    }
}
