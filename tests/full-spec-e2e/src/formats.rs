//! Generated data as a strict client sees it, on the spec this crate is built against: every
//! generated row of every resource (two seeds) and a generated value of every model whose
//! component schema is unambiguous, checked against the spec's own schemas with the checker
//! of `mock/tests/support/strict.rs` (formats `date-time`, `date`, `uuid`, `byte`, `int32`,
//! enums, no field the schema lacks).

#[path = "../../../mock/tests/support/strict.rs"]
mod strict;

use connectwise::registry::Resource;
use connectwise_mock::data;
use serde_json::Value;

pub struct Check {
    pub rows: usize,
    pub values: usize,
    pub problems: usize,
}

fn read(path: &str) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))
}

pub fn check() -> Check {
    let mut c = Check {
        rows: 0,
        values: 0,
        problems: 0,
    };
    let spec = match read(env!("E2E_SPEC")) {
        Ok(s) => s,
        Err(e) => {
            println!("FAIL formats: {e}");
            c.problems += 1;
            return c;
        }
    };
    let overrides = read(env!("E2E_OVERRIDES")).unwrap_or(Value::Null);
    let strict = match strict::Strict::new(&spec, &overrides) {
        Ok(s) => s,
        Err(e) => {
            println!("FAIL formats: {e}");
            c.problems += 1;
            return c;
        }
    };
    let report = |what: String, problems: Vec<String>, c: &mut Check| {
        for p in problems {
            c.problems += 1;
            if c.problems <= 40 {
                println!("FAIL format {what}: {p}");
            }
        }
    };
    for resource in Resource::ALL {
        let info = resource.info();
        let parents = match info.parent_arity() {
            0 => (None, None),
            1 => (None, Some(4)),
            _ => (Some(2), Some(4)),
        };
        for seed in [1, 2] {
            match data::rows(resource, parents, seed, 6, 2) {
                Ok(rows) => {
                    for row in rows {
                        c.rows += 1;
                        report(
                            info.name.to_owned(),
                            strict.check(info.schema, &row),
                            &mut c,
                        );
                    }
                }
                Err(e) => report(info.name.to_owned(), vec![e.to_string()], &mut c),
            }
        }
    }
    let models = data::models().unwrap_or_default();
    for model in models {
        let schemas: Vec<&String> = strict
            .names()
            .filter(|n| n.replace('.', "") == model)
            .collect();
        let [schema] = schemas[..] else { continue };
        for seed in [3, 4] {
            if let Ok(Some(value)) = data::value(model, seed) {
                c.values += 1;
                report(model.to_owned(), strict.check(schema, &value), &mut c);
            }
        }
    }
    c
}
