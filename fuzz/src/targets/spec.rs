//! The spec loader: JSON in, through `connectwise-codegen`'s `load::parse_spec`, `ir::build`
//! and `emit::emit`, as the runtime's build script and `cwgen` run them.
//!
//! Properties, beside not panicking: every spec error comes with diagnostics, each with a JSON
//! pointer into the document (what `codegen/tests/no_panic.rs` asks as well); an IR that was
//! built emits (an emit error after that is the generator writing code that is not Rust); and
//! its condition schema reads back with `connectwise_conditions::Schema::from_json`.
//!
//! Emitting is the slow part and many mutants (a description changed, an unused parameter)
//! give an IR seen before: an IR is emitted only when its `Debug` text's hash is new.

use crate::engine::{signature, Outcome, Target};
use crate::mutate::Mutator;
use crate::targets::{read, read_dir, SeedError};
use connectwise_codegen::{emit, ir, load, EmitOptions, Error, Overrides};
use serde_json::Value;
use std::collections::{BTreeSet, HashSet};
use std::hash::{Hash, Hasher};
use std::path::Path;

/// OpenAPI keys and values the generator reads.
const DICTIONARY: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ":",
    ",",
    "\"",
    "null",
    "true",
    "false",
    "{}",
    "[]",
    "\"\"",
    "\"openapi\"",
    "\"3.0.1\"",
    "\"3.1.0\"",
    "\"2.0\"",
    "\"swagger\"",
    "\"info\"",
    "\"title\"",
    "\"version\"",
    "\"paths\"",
    "\"components\"",
    "\"schemas\"",
    "\"$ref\"",
    "\"#/components/schemas/Ticket\"",
    "\"#/components/schemas/\"",
    "\"#/paths/x\"",
    "\"other.json#/a\"",
    "\"type\"",
    "\"object\"",
    "\"array\"",
    "\"string\"",
    "\"integer\"",
    "\"number\"",
    "\"boolean\"",
    "\"format\"",
    "\"int32\"",
    "\"int64\"",
    "\"double\"",
    "\"date-time\"",
    "\"date\"",
    "\"uuid\"",
    "\"binary\"",
    "\"properties\"",
    "\"items\"",
    "\"required\"",
    "\"enum\"",
    "\"nullable\"",
    "\"additionalProperties\"",
    "\"allOf\"",
    "\"oneOf\"",
    "\"anyOf\"",
    "\"not\"",
    "\"description\"",
    "\"parameters\"",
    "\"name\"",
    "\"in\"",
    "\"path\"",
    "\"query\"",
    "\"schema\"",
    "\"responses\"",
    "\"200\"",
    "\"content\"",
    "\"application/json\"",
    "\"requestBody\"",
    "\"get\"",
    "\"post\"",
    "\"put\"",
    "\"patch\"",
    "\"delete\"",
    "\"operationId\"",
    "\"tags\"",
    "\"/service/tickets\"",
    "\"/service/tickets/{id}\"",
    "\"/company/companies/{parentId}/notes\"",
    "\"{parentId}\"",
    "\"{grandparentId}\"",
    "\"{id}\"",
    "\"conditions\"",
    "\"pageId\"",
    "\"_info\"",
    "\"id\"",
    "\"type\"",
    "\"self\"",
    "\"Self\"",
    "\"crate\"",
    "\"fn\"",
    "\"r#type\"",
    "\"0abc\"",
    "\"\u{e9}t\u{e9}\"",
    "\"a-b.c d\"",
    "\"\\u0000\"",
];

/// The spec loader target.
pub struct SpecTarget {
    seeds: Vec<(String, Vec<u8>)>,
    overrides: Overrides,
    /// Hashes of the IRs emitted so far.
    emitted: HashSet<u64>,
}

/// Paths of the sample spec that go into the small seeds, a few at a time: with a parent,
/// a grandparent, a get-by-id sibling, one model on two paths, writes and actions.
const CUTS: &[&[&str]] = &[
    &[
        "/company/companies/{parentId}/notes",
        "/company/companies/{parentId}/notes/{id}",
    ],
    &["/company/configurations/types/{grandparentId}/questions/{parentId}/values"],
    &[
        "/service/boards/{parentId}/statuses",
        "/service/tickets/{parentId}/notes",
    ],
    &[
        "/service/tickets",
        "/service/tickets/{id}",
        "/service/tickets/count",
    ],
    &["/company/companies", "/company/companies/{id}"],
    &["/system/members", "/system/members/{id}"],
    &["/procurement/purchaseorders/{parentId}/lineitems"],
];

impl SpecTarget {
    /// The target, with its seeds: `codegen/tests/broken` (every kind of broken spec the
    /// loader must report), `codegen/tests/collisions` (names that collide in Rust) and small
    /// cuts of `codegen/specs/connectwise-sample.json` (a few paths and every schema they reach, so
    /// that a mutant is read, built and emitted in milliseconds); with `codegen/specs/overrides.json`.
    pub fn new() -> Result<SpecTarget, SeedError> {
        let mut seeds = read_dir("codegen/tests/broken", ".json")?;
        seeds.extend(read_dir("codegen/tests/collisions", ".json")?);
        let (_, sample) = read("codegen/specs/connectwise-sample.json")?;
        let sample: Value = serde_json::from_slice(&sample)
            .map_err(|e| SeedError(format!("the sample spec is not JSON: {e}")))?;
        for (i, paths) in CUTS.iter().enumerate() {
            let cut = cut(&sample, paths).ok_or_else(|| {
                SeedError(format!(
                    "the sample spec lacks the paths of cut {i}: {paths:?}"
                ))
            })?;
            let bytes = serde_json::to_vec(&cut).map_err(|e| SeedError(e.to_string()))?;
            seeds.push((
                format!("codegen/specs/connectwise-sample.json, cut {i}"),
                bytes,
            ));
        }
        let (name, bytes) = read("codegen/specs/overrides.json")?;
        let overrides = Overrides::parse(&bytes, Path::new(&name))
            .map_err(|e| SeedError(format!("the overrides do not read: {e}")))?;
        Ok(SpecTarget {
            seeds,
            overrides,
            emitted: HashSet::new(),
        })
    }

    /// Adds seeds.
    pub fn with_seeds(mut self, more: Vec<(String, Vec<u8>)>) -> Self {
        self.seeds.extend(more);
        self
    }
}

/// The sample with only `paths` and the schemas they reach; `None` if a path is missing.
fn cut(sample: &Value, paths: &[&str]) -> Option<Value> {
    let mut doc = sample.clone();
    let all_paths = doc.get_mut("paths")?.as_object_mut()?;
    if !paths.iter().all(|p| all_paths.contains_key(*p)) {
        return None;
    }
    all_paths.retain(|p, _| paths.contains(&p.as_str()));
    let all = sample.get("components")?.get("schemas")?.as_object()?;
    let mut keep = BTreeSet::new();
    let mut todo = Vec::new();
    refs_in(doc.get("paths")?, &mut todo);
    while let Some(name) = todo.pop() {
        if keep.insert(name.clone()) {
            if let Some(s) = all.get(&name) {
                refs_in(s, &mut todo);
            }
        }
    }
    doc.get_mut("components")?
        .get_mut("schemas")?
        .as_object_mut()?
        .retain(|k, _| keep.contains(k));
    Some(doc)
}

fn refs_in(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("$ref", Value::String(r)) => {
                        if let Some(name) = r.strip_prefix("#/components/schemas/") {
                            out.push(name.to_owned());
                        }
                    }
                    _ => refs_in(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs_in(v, out)),
        _ => {}
    }
}

/// A count in words (the signature leaves digits out): none, one, two, three, many.
fn few(n: usize) -> &'static str {
    ["none", "one", "two", "three", "many"][n.min(4)]
}

/// Every problem in the spec comes with a JSON pointer into it.
fn placed(e: &Error) -> Result<(), String> {
    if matches!(e, Error::Spec { .. }) && e.diagnostics().is_empty() {
        return Err(format!("a spec error without diagnostics: {e}"));
    }
    match e.diagnostics().iter().find(|d| !d.pointer.starts_with('#')) {
        Some(d) => Err(format!("a diagnostic without a JSON pointer: {d}")),
        None => Ok(()),
    }
}

/// What kind of error, and its first diagnostics, for the outcome signature.
fn sum_up(stage: &str, e: &Error) -> String {
    let kind = match e {
        Error::Io { .. } => "io",
        Error::Json { .. } => "json",
        Error::NotOpenApi3 { .. } => "not openapi 3",
        Error::Spec { .. } => "spec",
        Error::Overrides { .. } => "overrides",
        Error::OutOfDate { .. } => "out of date",
        Error::Emit { .. } => "emit",
    };
    let messages: Vec<&str> = e
        .diagnostics()
        .iter()
        .take(3)
        .map(|d| d.message.as_str())
        .collect();
    let first_line = e.to_string();
    let first_line = if messages.is_empty() {
        // The message after the path (the path is the same for every input).
        first_line.lines().next().unwrap_or_default().to_owned()
    } else {
        String::new()
    };
    signature(&[stage, kind, &messages.join("|"), &first_line])
}

impl Target for SpecTarget {
    fn name(&self) -> &'static str {
        "spec"
    }

    fn seeds(&self) -> Vec<(String, Vec<u8>)> {
        self.seeds.clone()
    }

    fn deep(&self, stage: &str) -> bool {
        matches!(stage, "ir" | "built")
    }

    fn mutator(&self) -> Mutator {
        Mutator::new(DICTIONARY, 256 << 10).json()
    }

    fn run(&mut self, input: &[u8]) -> Outcome {
        let path = Path::new("fuzz.json");
        let spec = match load::parse_spec(input, path) {
            Ok(spec) => spec,
            Err(e) => {
                placed(&e)?;
                return Ok(sum_up("load", &e));
            }
        };
        // Half the inputs (by their bytes) with the workspace's overrides, half without.
        let none = Overrides::default();
        let overrides = if input.len() % 2 == 0 {
            &self.overrides
        } else {
            &none
        };
        let ir = match ir::build(&spec, overrides, path) {
            Ok(ir) => ir,
            Err(e) => {
                placed(&e)?;
                return Ok(sum_up("ir", &e));
            }
        };
        drop(spec);
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        let text = format!("{ir:?}");
        text.hash(&mut hasher);
        let hash = hasher.finish();
        if self.emitted.len() < 1_000_000 && self.emitted.insert(hash) {
            let files = emit::emit(&ir, &EmitOptions::default())
                .map_err(|e| format!("emit failed after the IR was built: {e}"))?;
            if files.is_empty() {
                return Err("emit wrote no file".into());
            }
            let schema = connectwise_codegen::schema::condition_schema(&ir);
            connectwise_conditions::Schema::from_json(&schema)
                .map_err(|e| format!("the condition schema of the IR does not read back: {e}"))?;
        }
        Ok(signature(&[
            "built",
            few(ir.models.len()),
            few(ir.resources.len()),
            few(ir.enums.len()),
        ]))
    }
}
