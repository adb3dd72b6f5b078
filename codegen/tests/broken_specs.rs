//! The corpus of broken specs, `tests/broken/*.json`: every file must fail with the right kind
//! of error, and the error's text must name the place (a JSON pointer, or line and column for
//! JSON that does not parse, and the component schema when there is one). Failing runs write
//! nothing. `tests/collisions/*.json` holds specs whose names collide: those are not errors;
//! the generator resolves them deterministically, and the tests below pin the names it picks.

use connectwise_codegen::{generate, write_dir, Config, EmitOptions, Error, Generated};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn corpus(dir: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(dir)
}

fn config(spec: PathBuf) -> Config {
    Config {
        spec,
        overrides: None,
        emit: EmitOptions::default(),
    }
}

/// The kind of [`Error`] a broken spec must produce.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Json,
    NotOpenApi3,
    Spec,
}

fn kind(e: &Error) -> Option<Kind> {
    match e {
        Error::Json { .. } => Some(Kind::Json),
        Error::NotOpenApi3 { .. } => Some(Kind::NotOpenApi3),
        Error::Spec { .. } => Some(Kind::Spec),
        _ => None,
    }
}

/// `(file, kind, texts the error's Display must contain)`. For `Spec` errors the first text
/// is the pointer of the first diagnostic, exactly.
const CASES: &[(&str, Kind, &[&str])] = &[
    // Not JSON, or not an OpenAPI 3.0 document.
    ("invalid_json_truncated.json", Kind::Json, &["not valid JSON at line 28, column 0"]),
    ("empty_file.json", Kind::NotOpenApi3, &["the file is empty"]),
    ("not_json_yaml.json", Kind::NotOpenApi3, &["not a JSON object", "convert YAML first"]),
    ("not_an_object.json", Kind::NotOpenApi3, &["is a JSON array"]),
    ("swagger_2_0.json", Kind::NotOpenApi3, &["#/swagger", "Swagger \"2.0\""]),
    ("openapi_3_1_0.json", Kind::NotOpenApi3, &["#/openapi is \"3.1.0\"", "3.0.x"]),
    ("openapi_missing.json", Kind::NotOpenApi3, &["#/openapi is missing"]),
    ("openapi_number.json", Kind::NotOpenApi3, &["#/openapi is 3.0, not a string"]),
    // JSON, but openapiv3 rejects it: the innermost place that does not parse.
    ("info_missing.json", Kind::Spec, &["#", "missing field `info`"]),
    ("paths_is_array.json", Kind::Spec, &["#/paths", "expected struct Paths"]),
    (
        "property_schema_is_string.json",
        Kind::Spec,
        &[
            "#/components/schemas/Ticket/properties/board",
            "(schema `Ticket`)",
            "string \"BoardReference\"",
        ],
    ),
    (
        "type_is_array.json",
        Kind::Spec,
        &["#/components/schemas/Ticket/properties/board", "(schema `Ticket`)", "sequence"],
    ),
    (
        "parameters_is_object.json",
        Kind::Spec,
        &["#/paths/~1service~1tickets/get/parameters", "expected a sequence"],
    ),
    (
        "duplicate_key.json",
        Kind::Spec,
        &["#/components/schemas/Ticket/properties/board", "(schema `Ticket`)", "duplicate key \"type\""],
    ),
    (
        "deeply_nested_bad_schema.json",
        Kind::Spec,
        &[
            "#/components/schemas/Ticket/properties/board/items/items/items/items/items/items/items/items/items/items/items/items/items/items/items/items/items/items/items/items/items/items/items/items/items/items/items/items/items/items/items/items/items/items/items/items/items/items/items/items",
            "(schema `Ticket`)",
            "integer `5`",
        ],
    ),
    // Read, but broken or unsupported: the IR says where.
    ("info_version_empty.json", Kind::Spec, &["#/info/version", "is empty"]),
    (
        "dangling_ref_property.json",
        Kind::Spec,
        &[
            "#/components/schemas/Ticket/properties/board",
            "(schema `Ticket`)",
            "\"#/components/schemas/BoardRef\" does not resolve",
        ],
    ),
    (
        "dangling_ref_array_items.json",
        Kind::Spec,
        &[
            "#/components/schemas/Ticket/properties/notes/items",
            "(schema `Ticket`)",
            "\"#/components/schemas/ServiceNote\" does not resolve",
        ],
    ),
    (
        "dangling_ref_list_response.json",
        Kind::Spec,
        &[
            "#/paths/~1service~1tickets/get/responses/200/content/application~1vnd.connectwise.com+json; version=2025.8/schema/items",
            "\"#/components/schemas/Tickets\" does not resolve",
        ],
    ),
    (
        "non_local_ref.json",
        Kind::Spec,
        &[
            "#/components/schemas/Ticket/properties/board",
            "(schema `Ticket`)",
            "\"common.json#/components/schemas/BoardReference\" is not supported",
        ],
    ),
    (
        "non_local_ref_list_response.json",
        Kind::Spec,
        &[
            "#/paths/~1service~1tickets/get/responses/200/content/application~1vnd.connectwise.com+json; version=2025.8/schema/items",
            "\"service.json#/components/schemas/Ticket\" is not supported",
        ],
    ),
    ("path_item_ref.json", Kind::Spec, &["#/paths/~1service~1tickets", "path item $refs"]),
    (
        "response_ref.json",
        Kind::Spec,
        &["#/paths/~1service~1tickets/get/responses/200", "response $refs"],
    ),
    (
        "one_of_property.json",
        Kind::Spec,
        &["#/components/schemas/Ticket/properties/board", "(schema `Ticket`)", "unsupported schema shape: oneOf"],
    ),
    (
        "any_of_property.json",
        Kind::Spec,
        &["#/components/schemas/Ticket/properties/board", "(schema `Ticket`)", "unsupported schema shape: anyOf"],
    ),
    (
        "all_of_two_schemas.json",
        Kind::Spec,
        &[
            "#/components/schemas/Ticket/properties/board",
            "(schema `Ticket`)",
            "allOf with more than one schema",
        ],
    ),
    (
        "not_schema.json",
        Kind::Spec,
        &["#/components/schemas/Ticket/properties/board", "(schema `Ticket`)", "unsupported schema shape: not"],
    ),
    (
        "properties_with_one_of.json",
        Kind::Spec,
        &[
            "#/components/schemas/Ticket/properties/board",
            "(schema `Ticket`)",
            "mixed with other keywords",
        ],
    ),
    (
        "alias_cycle.json",
        Kind::Spec,
        &["#/components/schemas/Board", "(schema `Board`)", "Board -> BoardReference -> Board"],
    ),
    (
        "arrays_nested_too_deep.json",
        Kind::Spec,
        &[
            "#/components/schemas/Ticket/properties/board/items/items/items/items/items/items/items",
            "(schema `Ticket`)",
            "nested more than 32 deep",
        ],
    ),
    (
        "multiple_problems.json",
        Kind::Spec,
        &[
            "#/components/schemas/Ticket/properties/board",
            "3 problem(s)",
            "#/components/schemas/Ticket/properties/company (schema `Ticket`): unsupported schema shape: oneOf",
            "#/paths/~1company~1companies/get/responses/200/content/application~1vnd.connectwise.com+json; version=2025.8/schema/items",
            "\"#/components/schemas/Companies\" does not resolve",
        ],
    ),
];

#[test]
fn every_broken_spec_fails_with_an_error_that_names_the_place() {
    let mut wrong = Vec::new();
    for (file, want, texts) in CASES {
        let path = corpus("broken").join(file);
        let e = match generate(&config(path)) {
            Ok(g) => {
                wrong.push(format!("{file}: generated {}", g.summary()));
                continue;
            }
            Err(e) => e,
        };
        let shown = e.to_string();
        if kind(&e) != Some(*want) {
            wrong.push(format!("{file}: expected a {want:?} error, got {e:?}"));
            continue;
        }
        // The file is named, so is the place.
        if !shown.contains(file) {
            wrong.push(format!("{file}: the error does not name the file: {shown}"));
        }
        for text in *texts {
            if !shown.contains(text) {
                wrong.push(format!("{file}: the error lacks {text:?}: {shown}"));
            }
        }
        if *want == Kind::Spec {
            let first = &e.diagnostics()[0];
            if first.pointer != texts[0] {
                wrong.push(format!("{file}: first pointer is {:?}", first.pointer));
            }
            // Problems inside a component schema say which one.
            for d in e.diagnostics() {
                if d.pointer.starts_with("#/components/schemas/") && d.schema.is_none() {
                    wrong.push(format!("{file}: no schema named for {d}"));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_corpus_has_an_expectation_for_every_file() {
    let files: BTreeSet<String> = std::fs::read_dir(corpus("broken"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let cases: BTreeSet<String> = CASES.iter().map(|(f, _, _)| f.to_string()).collect();
    assert_eq!(files, cases);
    assert!(files.len() >= 12);
}

/// The `cwgen` binary, when this test build has it (the `cli` feature, on by default).
fn cwgen() -> Option<&'static str> {
    option_env!("CARGO_BIN_EXE_cwgen")
}

/// What `cwgen --spec <spec> --out <out>` does, in process: generate, then write only if
/// that worked.
fn run_like_cwgen(spec: &Path, out: &Path) -> Result<Generated, Error> {
    let generated = generate(&config(spec.to_owned()))?;
    write_dir(&generated.files, out)?;
    Ok(generated)
}

#[test]
fn a_failing_run_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    for (file, _, texts) in CASES {
        let spec = corpus("broken").join(file);
        let out = tmp.path().join(file.trim_end_matches(".json"));
        match cwgen() {
            Some(exe) => {
                let run = std::process::Command::new(exe)
                    .arg("--spec")
                    .arg(&spec)
                    .arg("--out")
                    .arg(&out)
                    .output()
                    .unwrap();
                let stderr = String::from_utf8_lossy(&run.stderr);
                assert!(!run.status.success(), "{file}: cwgen succeeded");
                assert_eq!(run.status.code(), Some(1), "{file}: {stderr}");
                assert!(stderr.starts_with("cwgen: error: "), "{file}: {stderr}");
                assert!(stderr.contains(texts[0]), "{file}: {stderr}");
                assert!(!stderr.contains("panicked"), "{file}: {stderr}");
                assert!(run.stdout.is_empty(), "{file}");
            }
            None => {
                run_like_cwgen(&spec, &out).unwrap_err();
            }
        }
        assert!(!out.exists(), "{file}: {} was created", out.display());
    }
    let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_failing_run_leaves_earlier_output_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("generated");
    let good = corpus("collisions").join("field_names.json");
    run_like_cwgen(&good, &out).unwrap();
    let snapshot = || -> Vec<(String, Vec<u8>)> {
        let mut files: Vec<_> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                let name = e.file_name().to_string_lossy().into_owned();
                (name, std::fs::read(e.path()).unwrap())
            })
            .collect();
        files.sort();
        files
    };
    let before = snapshot();
    assert!(!before.is_empty());
    for (file, _, _) in CASES {
        let spec = corpus("broken").join(file);
        match cwgen() {
            Some(exe) => {
                let status = std::process::Command::new(exe)
                    .arg("--spec")
                    .arg(&spec)
                    .arg("--out")
                    .arg(&out)
                    .output()
                    .unwrap()
                    .status;
                assert!(!status.success(), "{file}");
            }
            None => {
                run_like_cwgen(&spec, &out).unwrap_err();
            }
        }
        assert!(snapshot() == before, "{file} changed {}", out.display());
    }
}

/// Generates a collisions spec twice: the output must not change between runs.
fn collisions(file: &str) -> Generated {
    let path = corpus("collisions").join(file);
    let a = generate(&config(path.clone())).unwrap_or_else(|e| panic!("{file}: {e}"));
    let b = generate(&config(path)).unwrap();
    assert_eq!(a.files, b.files, "{file}: not deterministic");
    a
}

fn keys<V>(map: &std::collections::BTreeMap<String, V>) -> Vec<&str> {
    map.keys().map(String::as_str).collect()
}

fn fields(g: &Generated, model: &str) -> Vec<(String, String)> {
    g.ir.models[model]
        .fields
        .iter()
        .map(|f| (f.json.clone(), f.name.clone()))
        .collect()
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn colliding_schema_names_get_distinct_type_names() {
    let g = collisions("schema_names.json");
    // The schema already spelled as the Rust name keeps it; reserved names get `_`.
    assert_eq!(
        keys(&g.ir.models),
        [
            "CompanyConfiguration",
            "CompanyConfiguration2",
            "Option_",
            "Self_",
            "Type",
            "Type2"
        ]
    );
    let schema_of = |rust: &str| g.ir.models[rust].schema.as_str();
    assert_eq!(schema_of("CompanyConfiguration"), "CompanyConfiguration");
    assert_eq!(schema_of("CompanyConfiguration2"), "Company.Configuration");
    assert_eq!(schema_of("Type"), "Type");
    assert_eq!(schema_of("Type2"), "type");
    // An inline enum does not take the name of a component schema either.
    assert_eq!(
        keys(&g.ir.enums),
        ["CompanyConfigurationStatus", "CompanyConfigurationStatus2"]
    );
    assert_eq!(
        g.ir.enums["CompanyConfigurationStatus"].schema,
        "CompanyConfigurationStatus"
    );
    assert_eq!(
        g.ir.enums["CompanyConfigurationStatus2"].schema,
        "CompanyConfiguration.Status"
    );
    // Resources are named after the models, so they are distinct too.
    let resources: Vec<(&str, &str)> =
        g.ir.resources
            .values()
            .map(|r| (r.name.as_str(), r.schema.as_str()))
            .collect();
    assert_eq!(
        resources,
        [
            ("company_configuration", "CompanyConfiguration"),
            ("company_configuration2", "Company.Configuration"),
            ("option", "Option"),
            ("self_", "Self"),
            ("type2", "type"),
        ]
    );
    // `Option_` and `Self_` hold each other: boxed, so the structs have a size.
    assert!(g.ir.models["Option_"].fields[1].boxed);
}

#[test]
fn colliding_property_names_get_distinct_field_names() {
    let g = collisions("field_names.json");
    assert_eq!(
        fields(&g, "Ticket"),
        pairs(&[
            ("_info", "info_2"),
            ("info", "info"),
            ("id", "id"),
            ("ID", "id_2"),
            ("addressLine1", "address_line1"),
            ("address_line1", "address_line1_2"),
            ("type", "r#type"),
            ("self", "self_"),
            ("1stLine", "_1st_line"),
            ("additional", "additional"),
        ])
    );
    // Every field is written and read under its own JSON property, so two never merge.
    let serde = &g.files["serde_service.rs"];
    for (json, field) in [
        ("_info", "info_2"),
        ("ID", "id_2"),
        ("address_line1", "address_line1_2"),
    ] {
        assert!(
            serde.contains(&format!("map.field({json:?}, &self.{field})?;")),
            "{serde}"
        );
        assert!(
            // `map.next_value()`, or `model::lenient(map)` for a scalar field.
            serde.contains(&format!("{json:?} => self.{field} = map.next_value()?,"))
                || serde.contains(&format!(
                    "{json:?} => self.{field} = crate::__private::model::lenient(map)?,"
                )),
            "{serde}"
        );
    }
    let models = &g.files["models_service.rs"];
    // The flattened map of unlisted properties steps aside for the `additional` property.
    assert!(models.contains("pub additional_: "), "{models}");
}

#[test]
fn colliding_enum_values_get_distinct_variants() {
    let g = collisions("enum_values.json");
    let variants: Vec<(String, String)> = g.ir.enums["PriorityLevel"].variants.clone();
    assert_eq!(
        variants,
        pairs(&[
            ("Low", "Low"),
            ("Low2", "low"),
            ("Low3", "LOW"),
            ("InProgress", "In Progress"),
            ("InProgress2", "in-progress"),
            ("Unknown2", "Unknown"),
            ("Empty", ""),
            ("_1High", "1-High"),
        ])
    );
}

#[test]
fn list_paths_that_want_one_resource_name_get_distinct_names() {
    let g = collisions("resource_names.json");
    let resources: Vec<(&str, &str)> =
        g.ir.resources
            .values()
            .map(|r| (r.name.as_str(), r.path.as_str()))
            .collect();
    assert_eq!(
        resources,
        [
            ("member", "/system/members"),
            // The model's own list keeps the name; the other model's second path is numbered.
            ("member_with_sso", "/system/memberWithSsos"),
            ("member_with_sso_2", "/system/members/withSso"),
            ("ticket", "/service/tickets"),
            // Same extra segments, in another order: numbered in path order.
            (
                "ticket_by_parent_id_merged",
                "/service/tickets/{parentId}/merged"
            ),
            (
                "ticket_by_parent_id_merged_2",
                "/service/{parentId}/tickets/merged"
            ),
        ]
    );
}
