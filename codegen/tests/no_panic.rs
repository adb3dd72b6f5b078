//! No input makes codegen panic. Thousands of variants of the sample spec, made
//! deterministically (xorshift with a fixed seed, no `rand`): truncated at many offsets, bytes
//! replaced, keys deleted or renamed, values replaced by other JSON types, `type`s swapped,
//! `$ref`s pointed elsewhere, schemas wrapped in `oneOf`/`allOf`/`not`, parts spliced into
//! other places. Each goes through `load::parse_spec`, `ir::build` and `emit::emit` inside
//! `catch_unwind`. Errors are fine; a panic is a bug, and so is an emit error after the IR was
//! built (the generator produced tokens that are not Rust).
//!
//! The mutations work on a small cut of the sample spec (a few list paths and the schemas they
//! reach) so that a few thousand variants run in seconds in a debug build.

use connectwise_codegen::{emit, ir, load, EmitOptions, Error, Overrides};
use serde_json::{json, Value};
use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

/// Variants made by structural mutation of the small spec (the slow kind: many of them load
/// and build an IR, which is emitted unless an equal one was before).
const STRUCTURAL: usize = 750;
/// Variants made by replacing bytes of the small spec's text.
const BYTE_FLIPS: usize = 1250;
/// Truncation offsets into the small spec's text.
const TRUNCATIONS: usize = 1000;
/// Truncation offsets into the full sample spec's text.
const SAMPLE_TRUNCATIONS: usize = 50;
/// Structural variants of the full sample spec (each emits the whole sample).
const FULL: usize = 4;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// xorshift64*: enough randomness for picking mutations, the same every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// What happened to the variants.
#[derive(Default, Debug)]
struct Tally {
    load_errors: usize,
    ir_errors: usize,
    /// Variants that got an IR (emitted unless an equal IR was emitted before).
    built: usize,
    /// IRs already emitted (by their `Debug` text's hash): many mutations (a description, an
    /// unused parameter) do not change the IR, and emitting is the slow part.
    seen: HashSet<u64>,
    failures: Vec<String>,
}

impl Tally {
    /// Runs the pipeline on `bytes`; records a panic or an emit error as a failure, with the
    /// variant saved next to the test's temporary files for a look.
    fn run(&mut self, name: &str, bytes: &[u8], overrides: &Overrides) {
        let path = Path::new("variant.json");
        let seen = &mut self.seen;
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let spec = match load::parse_spec(bytes, path) {
                Ok(spec) => spec,
                Err(e) => return placed(&e).map(|()| Stage::Load),
            };
            let ir = match ir::build(&spec, overrides, path) {
                Ok(ir) => ir,
                Err(e) => return placed(&e).map(|()| Stage::Ir),
            };
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            format!("{ir:?}").hash(&mut hasher);
            if seen.insert(hasher.finish()) {
                emit::emit(&ir, &EmitOptions::default())
                    .map_err(|e| format!("emit failed after the IR was built: {e}"))?;
            }
            Ok(Stage::Emit)
        }));
        let problem = match outcome {
            Ok(Ok(Stage::Load)) => return self.load_errors += 1,
            Ok(Ok(Stage::Ir)) => return self.ir_errors += 1,
            Ok(Ok(Stage::Emit)) => return self.built += 1,
            Ok(Err(e)) => e,
            Err(payload) => {
                let message = payload
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                format!("panicked: {message}")
            }
        };
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("no_panic");
        let _ = std::fs::create_dir_all(&dir);
        let file = dir.join(format!("{name}.json"));
        let _ = std::fs::write(&file, bytes);
        self.failures
            .push(format!("{name} ({}): {problem}", file.display()));
    }
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

/// How far a variant got.
enum Stage {
    Load,
    Ir,
    Emit,
}

/// A small spec cut from the sample: a few list paths (with a parent, with a grandparent,
/// with a get-by-id sibling, one model on two paths) and every schema they reach.
fn small_spec(sample: &Value) -> Value {
    const PATHS: &[&str] = &[
        "/company/companies/{parentId}/notes",
        "/company/companies/{parentId}/notes/{id}",
        "/company/configurations/types/{grandparentId}/questions/{parentId}/values",
        "/service/boards/{parentId}/statuses",
        "/service/tickets/{parentId}/notes",
    ];
    let mut doc = sample.clone();
    let paths = doc["paths"].as_object_mut().unwrap();
    paths.retain(|p, _| PATHS.contains(&p.as_str()));
    // Fewer query parameters: they are many nodes, all alike.
    for item in paths.values_mut() {
        for op in item.as_object_mut().unwrap().values_mut() {
            if let Some(Value::Array(params)) = op.get_mut("parameters") {
                params.retain(|p| matches!(p["name"].as_str(), Some("conditions" | "pageId")));
            }
        }
    }
    let statuses = paths["/service/boards/{parentId}/statuses"].clone();
    paths.insert(
        "/service/boards/{parentId}/statuses/active".into(),
        statuses,
    );
    // Schemas reachable from those paths.
    let all = sample["components"]["schemas"].as_object().unwrap();
    let mut keep = std::collections::BTreeSet::new();
    let mut todo = Vec::new();
    refs_in(&doc["paths"], &mut todo);
    while let Some(name) = todo.pop() {
        if keep.insert(name.clone()) {
            if let Some(s) = all.get(&name) {
                refs_in(s, &mut todo);
            }
        }
    }
    doc["components"]["schemas"]
        .as_object_mut()
        .unwrap()
        .retain(|k, _| keep.contains(k));
    doc
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

/// One node of the document, for picking what to mutate.
struct Node {
    pointer: String,
    object: bool,
    string: bool,
    /// An object with a `type` key.
    typed: bool,
    /// An object with a `$ref` key.
    reference: bool,
}

/// Every node under the root, in document order.
fn nodes(v: &Value, at: &str, out: &mut Vec<Node>) {
    let children: Vec<(String, &Value)> = match v {
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| (k.replace('~', "~0").replace('/', "~1"), v))
            .collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (i.to_string(), v))
            .collect(),
        _ => Vec::new(),
    };
    for (token, v) in children {
        let pointer = format!("{at}/{token}");
        out.push(Node {
            pointer: pointer.clone(),
            object: v.is_object(),
            string: v.is_string(),
            typed: v.get("type").is_some(),
            reference: v.get("$ref").is_some(),
        });
        nodes(v, &pointer, out);
    }
}

/// The pointer's parent and last token (unescaped).
fn split(pointer: &str) -> (&str, String) {
    let i = pointer.rfind('/').unwrap();
    let token = pointer[i + 1..].replace("~1", "/").replace("~0", "~");
    (&pointer[..i], token)
}

/// Applies one random mutation to `doc`; returns what it did.
fn mutate(doc: &mut Value, rng: &mut Rng) -> String {
    let mut all = Vec::new();
    nodes(doc, "", &mut all);
    let schema_names: Vec<String> = doc["components"]["schemas"]
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let those = |keep: fn(&Node) -> bool| -> Vec<String> {
        all.iter()
            .filter(|n| keep(n))
            .map(|n| n.pointer.clone())
            .collect()
    };
    let nodes = those(|_| true);
    match rng.below(11) {
        // Delete a key.
        0 => {
            let p = rng.pick(&nodes).clone();
            let (parent, key) = split(&p);
            match doc.pointer_mut(parent) {
                Some(Value::Object(m)) => {
                    m.remove(&key);
                }
                Some(Value::Array(a)) => {
                    let i: usize = key.parse().unwrap();
                    a.remove(i);
                }
                _ => {}
            }
            format!("delete {p}")
        }
        // Replace a value with another JSON type.
        1 | 2 => {
            let p = rng.pick(&nodes).clone();
            let values = [
                Value::Null,
                json!(1),
                json!("x"),
                json!([]),
                json!({}),
                json!(true),
                json!(-2.5),
                json!("3.0.1"),
                json!({"type": "object"}),
            ];
            let v = rng.pick(&values).clone();
            *doc.pointer_mut(&p).unwrap() = v.clone();
            format!("{p} = {v}")
        }
        // Swap a `type`.
        3 => {
            let typed = those(|n| n.typed);
            let Some(p) = (!typed.is_empty()).then(|| rng.pick(&typed).clone()) else {
                return "no type".into();
            };
            let types = [
                "object", "array", "string", "integer", "number", "boolean", "null", "file", "",
            ];
            let t = *rng.pick(&types);
            doc.pointer_mut(&p).unwrap()["type"] = json!(t);
            format!("{p}/type = {t:?}")
        }
        // Point a `$ref` elsewhere.
        4 => {
            let refs = those(|n| n.reference);
            let Some(p) = (!refs.is_empty()).then(|| rng.pick(&refs).clone()) else {
                return "no $ref".into();
            };
            let mut targets: Vec<String> = [
                "#/components/schemas/Missing",
                "#/components/schemas/",
                "#/components/schemas/A~1B",
                "#/components/responses/Ticket",
                "#",
                "",
                "other.json#/components/schemas/Ticket",
                "https://example.com/spec.json#/components/schemas/Ticket",
            ]
            .map(String::from)
            .to_vec();
            targets.extend(
                schema_names
                    .iter()
                    .map(|n| format!("#/components/schemas/{n}")),
            );
            let t = rng.pick(&targets).clone();
            doc.pointer_mut(&p).unwrap()["$ref"] = json!(t);
            format!("{p}/$ref = {t:?}")
        }
        // Replace a node by a `$ref` to some schema (aliases, cycles).
        5 => {
            let p = rng.pick(&nodes).clone();
            if schema_names.is_empty() {
                return "no schemas".into();
            }
            let t = format!("#/components/schemas/{}", rng.pick(&schema_names));
            *doc.pointer_mut(&p).unwrap() = json!({ "$ref": t });
            format!("{p} = $ref {t}")
        }
        // Wrap an object in a combinator, or put one next to its keywords.
        6 => {
            let objects = those(|n| n.object);
            let Some(p) = (!objects.is_empty()).then(|| rng.pick(&objects).clone()) else {
                return "no objects".into();
            };
            let node = doc.pointer_mut(&p).unwrap();
            let orig = node.clone();
            let how = rng.below(6);
            *node = match how {
                0 => json!({ "oneOf": [orig, {"type": "string"}] }),
                1 => json!({ "anyOf": [orig] }),
                2 => json!({ "allOf": [orig] }),
                3 => json!({ "allOf": [orig, {"type": "object"}] }),
                4 => json!({ "not": orig }),
                _ => {
                    let mut o = orig.clone();
                    o["allOf"] = json!([orig]);
                    o
                }
            };
            format!("wrap {p} ({how})")
        }
        // Rename a key, often to a name that collides with a neighbour's.
        7 => {
            let p = rng.pick(&nodes).clone();
            let (parent, key) = split(&p);
            let names = [
                "_info",
                "info",
                "type",
                "self",
                "Self",
                "",
                "1",
                "id",
                "ID",
                "Option",
                "Unknown",
                "additional",
                "a/b",
                "~",
                "r#type",
                "Ticket",
                "ticket",
                "/shared/things",
                "/{parentId}",
                "/service/{weird}/tickets",
                "/",
                "$ref",
                "get",
            ];
            let new = rng.pick(&names).to_string();
            if let Some(Value::Object(m)) = doc.pointer_mut(parent) {
                if let Some(v) = m.remove(&key) {
                    m.insert(new.clone(), v);
                }
            }
            format!("rename {p} -> {new:?}")
        }
        // Copy one node over another (structural splicing).
        8 => {
            let from = rng.pick(&nodes).clone();
            let to = rng.pick(&nodes).clone();
            let v = doc.pointer(&from).unwrap().clone();
            *doc.pointer_mut(&to).unwrap() = v;
            format!("copy {from} -> {to}")
        }
        // A component schema becomes an alias of another (or of itself): alias chains, cycles.
        10 => {
            if schema_names.is_empty() {
                return "no schemas".into();
            }
            let from = rng.pick(&schema_names).clone();
            let to = format!("#/components/schemas/{}", rng.pick(&schema_names));
            let alias = match rng.below(3) {
                0 => json!({ "$ref": to }),
                1 => json!({ "type": "array", "items": { "$ref": to } }),
                _ => json!({ "allOf": [{ "$ref": to }], "nullable": true }),
            };
            doc["components"]["schemas"][&from] = alias.clone();
            format!("{from} = {alias}")
        }
        // A string becomes an odd one (enum values, names, versions, paths).
        _ => {
            let strings = those(|n| n.string);
            let Some(p) = (!strings.is_empty()).then(|| rng.pick(&strings).clone()) else {
                return "no strings".into();
            };
            let odd = [
                "",
                " ",
                "Unknown",
                "_",
                "1",
                "r#type",
                "self",
                "Self",
                "é",
                "a b",
                "{id}",
                "/",
                "Low",
                "low",
                "3.1.0",
                "2.0",
                "date-time",
                "int32",
                "\"quoted\"",
                "line\nbreak",
                "#/components/schemas/Ticket",
            ];
            let s = *rng.pick(&odd);
            *doc.pointer_mut(&p).unwrap() = json!(s);
            format!("{p} = {s:?}")
        }
    }
}

#[test]
fn no_variant_of_the_sample_spec_makes_codegen_panic() {
    let start = std::time::Instant::now();
    let mut phases = Vec::new();
    let mut phase =
        |name: &str| phases.push(format!("{name} {:.1} s", start.elapsed().as_secs_f64()));
    let sample_bytes = std::fs::read(root().join("codegen/specs/connectwise-sample.json")).unwrap();
    let sample: Value = serde_json::from_slice(&sample_bytes).unwrap();
    let small = small_spec(&sample);
    let small_bytes = serde_json::to_vec_pretty(&small).unwrap();
    let overrides = Overrides::read(&root().join("codegen/specs/overrides.json")).unwrap();
    let none = Overrides::default();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut tally = Tally::default();

    // The unmutated input works.
    tally.run("small", &small_bytes, &overrides);
    assert_eq!(tally.built, 1, "{:?}", tally.failures);

    for i in 0..TRUNCATIONS {
        let at = if i % 2 == 0 {
            i * small_bytes.len() / TRUNCATIONS
        } else {
            rng.below(small_bytes.len())
        };
        tally.run(&format!("truncate-small-{at}"), &small_bytes[..at], &none);
    }
    for i in 0..SAMPLE_TRUNCATIONS {
        let at = rng.below(sample_bytes.len());
        let name = format!("truncate-sample-{i}-{at}");
        tally.run(&name, &sample_bytes[..at], &none);
    }
    phase("truncated");
    let junk: &[u8] = b"{}[]\",:0a\\ -.e\xff\x00\n}";
    for i in 0..BYTE_FLIPS {
        let mut bytes = small_bytes.clone();
        for _ in 0..1 + rng.below(3) {
            let at = rng.below(bytes.len());
            bytes[at] = *rng.pick(junk);
        }
        tally.run(&format!("bytes-{i}"), &bytes, &none);
    }
    phase("bytes replaced");
    for i in 0..STRUCTURAL {
        let mut doc = small.clone();
        let what: Vec<String> = (0..1 + rng.below(3))
            .map(|_| mutate(&mut doc, &mut rng))
            .collect();
        let bytes = serde_json::to_vec(&doc).unwrap();
        let overrides = if i % 2 == 0 { &overrides } else { &none };
        let before = tally.failures.len();
        tally.run(&format!("structural-{i}"), &bytes, overrides);
        if let Some(last) = tally.failures.get_mut(before) {
            last.push_str(&format!(" after {what:?}"));
        }
    }
    phase("structural");
    for i in 0..FULL {
        let mut doc = sample.clone();
        let what = mutate(&mut doc, &mut rng);
        let bytes = serde_json::to_vec(&doc).unwrap();
        let before = tally.failures.len();
        tally.run(&format!("full-{i}"), &bytes, &overrides);
        if let Some(last) = tally.failures.get_mut(before) {
            last.push_str(&format!(" after {what}"));
        }
    }
    phase("full");

    eprintln!(
        "{} variants: {} not loaded, {} rejected by the IR, {} built ({} distinct IRs emitted); {}",
        tally.load_errors + tally.ir_errors + tally.built + tally.failures.len(),
        tally.load_errors,
        tally.ir_errors,
        tally.built,
        tally.seen.len(),
        phases.join(", "),
    );
    assert!(
        tally.failures.is_empty(),
        "{} variant(s) broke codegen:\n{}",
        tally.failures.len(),
        tally.failures.join("\n")
    );
    // The mutations reach every stage, so the test exercises more than the JSON parser.
    assert!(tally.seen.len() > STRUCTURAL / 10, "{tally:?}");
    assert!(tally.ir_errors > STRUCTURAL / 20, "{tally:?}");
}

/// Deep nesting stays within serde_json's recursion limit, so the recursive IR builder
/// cannot overflow the stack either: an error or a type, never a crash.
#[test]
fn deeply_nested_schemas_do_not_overflow_the_stack() {
    for depth in [10, 40, 60, 63, 64, 100, 2000] {
        let mut tally = Tally::default();
        tally.run(
            &format!("deep-{depth}"),
            &nested(depth),
            &Overrides::default(),
        );
        assert!(tally.failures.is_empty(), "{:?}", tally.failures);
    }
}

/// A spec whose one property nests `depth` arrays and objects (two JSON levels each).
fn nested(depth: usize) -> Vec<u8> {
    let mut s = String::from(
        r#"{"openapi":"3.0.1","info":{"title":"deep","version":"2025.8"},"paths":{},"#,
    );
    s.push_str(r#""components":{"schemas":{"Deep":"#);
    for i in 0..depth {
        s.push_str(if i % 2 == 0 {
            r#"{"type":"array","items":"#
        } else {
            r#"{"type":"object","properties":{"x":"#
        });
    }
    s.push_str(r#"{"type":"string"}"#);
    for i in (0..depth).rev() {
        s.push_str(if i % 2 == 0 { "}" } else { "}}" });
    }
    s.push_str("}}}");
    s.into_bytes()
}
