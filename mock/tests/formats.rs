//! Generated data as a strict client sees it: every generated row of every resource, and a
//! generated value of every model, validates against the spec's own schema with formats
//! checked (`support/strict.rs`: `date-time`, `date`, `uuid`, `byte`, `int32`, enums, no
//! field the schema lacks), and text fields named like dates hold dates. The spec is the one
//! the runtime was generated from (`CONNECTWISE_SPEC`, default the sample spec). The
//! full-scale spec gets the same check in `tests/full-spec-e2e`.

#[path = "support/strict.rs"]
mod strict;

use connectwise::registry::Resource;
use connectwise_mock::data;
use serde_json::{json, Value};
use std::path::PathBuf;
use strict::Strict;

fn read(path: &PathBuf) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The spec and overrides the runtime was generated from (as `runtime/build.rs` finds them).
fn spec_and_overrides() -> (Value, Value) {
    let runtime = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../runtime");
    let from_env = |name: &str, default: &str| {
        std::env::var_os(name)
            .map(|p| runtime.join(PathBuf::from(p)))
            .unwrap_or_else(|| runtime.join(default))
    };
    let spec = read(&from_env(
        "CONNECTWISE_SPEC",
        "../codegen/specs/connectwise-sample.json",
    ));
    let overrides = from_env("CONNECTWISE_OVERRIDES", "../codegen/specs/overrides.json");
    let overrides = if overrides.exists() {
        read(&overrides)
    } else {
        Value::Null
    };
    (spec, overrides)
}

fn parents_for(resource: Resource) -> (Option<i32>, Option<i32>) {
    match resource.info().parent_arity() {
        0 => (None, None),
        1 => (None, Some(4)),
        _ => (Some(2), Some(4)),
    }
}

#[test]
fn every_generated_row_validates_against_the_spec_with_formats() {
    let (spec, overrides) = spec_and_overrides();
    let strict = Strict::new(&spec, &overrides).unwrap();
    let mut problems = Vec::new();
    let mut rows_checked = 0;
    for resource in Resource::ALL {
        let info = resource.info();
        for seed in [1, 2] {
            let rows = data::rows(resource, parents_for(resource), seed, 12, 3).unwrap();
            for row in &rows {
                rows_checked += 1;
                for p in strict.check(info.schema, row) {
                    problems.push(format!("{} ({}): {p}", info.name, info.schema));
                }
            }
        }
    }
    assert!(rows_checked > 100, "{rows_checked}");
    assert!(
        problems.is_empty(),
        "{} problems, first ones:\n{}",
        problems.len(),
        problems[..problems.len().min(30)].join("\n")
    );
}

#[test]
fn every_models_generated_value_validates_against_the_spec_with_formats() {
    let (spec, overrides) = spec_and_overrides();
    let strict = Strict::new(&spec, &overrides).unwrap();
    let mut problems = Vec::new();
    let mut checked = 0;
    for model in data::models().unwrap() {
        // The component schema the Rust name comes from: its name without dots, when only
        // one has it (inline models such as `TicketInfo` are checked inside their owners).
        let schemas: Vec<&String> = strict
            .names()
            .filter(|n| n.replace('.', "") == model)
            .collect();
        let [schema] = schemas[..] else { continue };
        for seed in [3, 4, 5] {
            let value = data::value(model, seed).unwrap().unwrap();
            checked += 1;
            for p in strict.check(schema, &value) {
                problems.push(format!("{model} ({schema}): {p}"));
            }
        }
    }
    assert!(checked > 100, "{checked}");
    assert!(
        problems.is_empty(),
        "{} problems, first ones:\n{}",
        problems.len(),
        problems[..problems.len().min(30)].join("\n")
    );
}

/// Every string under a key named like a date in `value`, with its path.
fn dated_strings(value: &Value, path: &str, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let here = format!("{path}/{k}");
                let dated = k == "date"
                    || k.ends_with("Date")
                    || k.starts_with("dateEntered")
                    || k == "lastUpdated";
                match v {
                    Value::String(s) if dated => out.push((here, s.clone())),
                    _ => dated_strings(v, &here, out),
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                dated_strings(v, &format!("{path}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn text_fields_named_like_dates_hold_dates() {
    let mut found = Vec::new();
    for resource in Resource::ALL {
        for row in data::rows(resource, parents_for(resource), 9, 5, 2).unwrap() {
            dated_strings(&row, resource.info().name, &mut found);
        }
    }
    assert!(found.len() > 50, "{}", found.len());
    let bad: Vec<_> = found
        .iter()
        .filter(|(_, s)| !(strict::is_date_time(s) || strict::is_date(s)))
        .collect();
    assert!(bad.is_empty(), "{bad:?}");
}

#[test]
fn formats_the_sample_spec_declares_are_generated_as_such() {
    // `Ticket.mobileGuid` is `format: uuid` in the sample spec.
    let rows = data::rows(Resource::Ticket, (None, None), 1, 30, 1).unwrap();
    let guids: Vec<&str> = rows
        .iter()
        .filter_map(|r| r.get("mobileGuid")?.as_str())
        .collect();
    assert!(guids.len() > 10, "{guids:?}");
    assert!(guids.iter().all(|g| strict::is_uuid(g)), "{guids:?}");
    let distinct: std::collections::BTreeSet<_> = guids.iter().collect();
    assert_eq!(distinct.len(), guids.len());
}

#[test]
fn the_strict_checker_refuses_what_a_strict_client_refuses() {
    for good in [
        "2024-03-05T14:07:00Z",
        "2024-02-29T23:59:59.123+02:00",
        "2023-12-31T00:00:00-05:30",
    ] {
        assert!(strict::is_date_time(good), "{good}");
    }
    for bad in [
        "2024-03-05",
        "2024-03-05T14:07:00",
        "2023-02-29T00:00:00Z",
        "2024-13-01T00:00:00Z",
        "2024-03-05T24:00:00Z",
        "2024-03-05 14:07:00Z",
        "Date Entered 42",
    ] {
        assert!(!strict::is_date_time(bad), "{bad}");
    }
    assert!(strict::is_date("2024-02-29") && !strict::is_date("2024-02-30"));
    assert!(strict::is_base64("aGk=") && !strict::is_base64("aGk") && !strict::is_base64("a*k="));
    assert!(!strict::is_uuid("Mobile Guid 7"));

    let (spec, overrides) = spec_and_overrides();
    let strict = Strict::new(&spec, &overrides).unwrap();
    let mut row = data::rows(Resource::Ticket, (None, None), 1, 1, 1).unwrap()[0].clone();
    assert_eq!(strict.check("Ticket", &row), Vec::<String>::new());
    row["mobileGuid"] = json!("Mobile Guid 7");
    row["summry"] = json!("x");
    row["id"] = json!("7");
    row["_info"]["lastUpdated"] = json!("yesterday");
    let problems = strict.check("Ticket", &row);
    assert_eq!(problems.len(), 4, "{problems:?}");
    // `CustomFieldValue.value` is retyped `any` by the overrides: anything goes.
    let value = json!({"id": 1, "value": "text"});
    assert!(strict.check("CustomFieldValue", &value).is_empty());
}
