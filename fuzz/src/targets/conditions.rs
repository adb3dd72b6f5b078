//! The condition language: text in, through `connectwise-conditions`' parser, printer,
//! checker and evaluator.
//!
//! For each input (read as UTF-8, invalid sequences replaced):
//!
//! - `parse`; an error must point inside the text (its span within it, line and column from 1)
//!   and say something;
//! - a condition that parses is printed, and the print must parse back to an equal tree and
//!   print the same again (the printer's promise);
//! - it is checked against the runtime's condition schema (every model's fields, from the
//!   sample spec) for `Ticket`, `Company`, `Member` and one more model picked by the input,
//!   and against a model the schema lacks; every check error's span must lie in the text;
//! - it is evaluated against the entities of the bundle corpus and a few more;
//! - `check_custom_field_conditions`, `FieldPath::parse`, `Number::parse` and
//!   `DateTime::parse` run on the text as well.

use crate::engine::{signature, Outcome, Target};
use crate::mutate::Mutator;
use crate::targets::{read_dir, rust_string_literals, SeedError};
use connectwise_conditions::{
    check, check_custom_field_conditions, matches, parse, DateTime, FieldPath, Number, Schema, Span,
};
use serde_json::{json, Value};

/// Keywords, operators and field names of the language.
const DICTIONARY: &[&str] = &[
    " ",
    "'",
    "\"",
    "''",
    "\\'",
    "\\\\",
    "(",
    ")",
    ",",
    "/",
    "[",
    "]",
    "=",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    " and ",
    " or ",
    " not ",
    "not ",
    " like ",
    " contains ",
    " in ",
    " not in ",
    " not like ",
    " not contains ",
    "AND",
    "Or",
    "LIKE",
    "Not In",
    "true",
    "false",
    "null",
    "TRUE",
    "Null",
    "%",
    "_",
    "*",
    "'%a%'",
    "(1, 2, 3)",
    "('a', 'b')",
    "()",
    "(null)",
    "[2024-01-31T00:00:00Z]",
    "[2024-01-31]",
    "[2024-02-30T25:61:61Z]",
    "[9999-12-31T23:59:59.999999999+14:00]",
    "[0000-01-01T00:00:00-14:00]",
    "[]",
    "id",
    "summary",
    "status/name",
    "board/id",
    "company/identifier",
    "closedFlag",
    "severity",
    "'High'",
    "recordType",
    "_info/lastUpdated",
    "customFields/value",
    "caption",
    "value",
    "lastUpdated",
    "dateEntered",
    "budgetHours",
    "owner/identifier",
    "contact/name",
    "a/b/c/d/e/f/g/h",
    "é",
    "\u{0}",
    "\u{feff}",
    "\u{200b}",
];

/// The condition target.
pub struct ConditionsTarget {
    seeds: Vec<(String, Vec<u8>)>,
    schema: Schema,
    /// Model names of the schema, for the one picked by the input.
    models: Vec<String>,
    entities: Vec<Value>,
}

impl ConditionsTarget {
    /// The target, with its seeds: the string literals of `conditions/tests/*.rs` (the real
    /// conditions of the seed page, ConnectWise's documentation and public clients, and the
    /// table of checker cases) and the conditions of the fake server's request fixtures; and
    /// with the runtime's condition schema.
    pub fn new() -> Result<ConditionsTarget, SeedError> {
        let mut texts: Vec<(String, String)> = Vec::new();
        for (name, source) in read_dir("conditions/tests", ".rs")? {
            let source = String::from_utf8_lossy(&source).into_owned();
            for literal in rust_string_literals(&source) {
                texts.push((name.clone(), literal));
            }
        }
        // The seed page's request bodies, as published (not strict JSON: a trailing comma):
        // their strings, the conditions among them.
        for (name, bytes) in read_dir("mock/tests/fixtures", ".json")? {
            for literal in rust_string_literals(&String::from_utf8_lossy(&bytes)) {
                texts.push((name.clone(), literal));
            }
        }
        let mut seen = std::collections::HashSet::new();
        let seeds: Vec<(String, Vec<u8>)> = texts
            .into_iter()
            // Conditions, not the tests' other strings: something of a comparison in them.
            .filter(|(_, t)| !t.is_empty() && t.len() <= 4096 && t.contains(|c| "=<>(".contains(c)))
            .filter(|(_, t)| seen.insert(t.clone()))
            .map(|(name, t)| (name, t.into_bytes()))
            .collect();
        if seeds.len() < 50 {
            return Err(SeedError(format!(
                "only {} condition seeds found in conditions/tests and mock/tests/fixtures",
                seeds.len()
            )));
        }
        let schema = Schema::from_json(connectwise::__private::CONDITION_SCHEMA)
            .map_err(|e| SeedError(format!("the runtime's condition schema does not read: {e}")))?;
        let models = schema.models().map(|m| m.name().to_owned()).collect();
        let mut entities = vec![
            json!({}),
            json!({"id": 1, "summary": "A printer", "status": {"name": "New", "id": 16},
                   "board": {"name": "Help Desk", "id": 1}, "closedFlag": false, "severity": "High",
                   "budgetHours": 1.5, "_info": {"lastUpdated": "2024-01-31T00:00:00Z"},
                   "customFields": [{"caption": "Region", "value": "EU"}, {"caption": "Size", "value": 3}]}),
            json!({"id": null, "summary": null, "status": null, "closedFlag": "true",
                   "budgetHours": "x", "_info": {"lastUpdated": "not a date"}}),
            json!([1, 2, 3]),
            json!("a string entity"),
        ];
        for (_, bytes) in read_dir("fuzz/corpus/bundle", ".json")? {
            if let Ok(doc) = serde_json::from_slice::<Value>(&bytes) {
                collect_entities(&doc, &mut entities);
            }
        }
        Ok(ConditionsTarget {
            seeds,
            schema,
            models,
            entities,
        })
    }

    /// Adds seeds.
    pub fn with_seeds(mut self, more: Vec<(String, Vec<u8>)>) -> Self {
        self.seeds.extend(more);
        self
    }
}

/// The objects in `entities` arrays (or single objects) of a bundle response.
fn collect_entities(doc: &Value, out: &mut Vec<Value>) {
    let results = doc
        .get("results")
        .or_else(|| doc.get("Results"))
        .and_then(Value::as_array);
    for result in results.into_iter().flatten() {
        let Some(obj) = result.as_object() else {
            continue;
        };
        for (key, value) in obj {
            if !["entities", "data", "entity"].contains(&key.to_ascii_lowercase().as_str()) {
                continue;
            }
            match value {
                Value::Array(items) => out.extend(items.iter().filter(|i| i.is_object()).cloned()),
                Value::Object(_) => out.push(value.clone()),
                _ => {}
            }
        }
    }
}

/// `span` lies within `text`, on character boundaries, in order.
fn span_ok(span: Span, text: &str) -> bool {
    span.start <= span.end
        && span.end <= text.len()
        && text.is_char_boundary(span.start)
        && text.is_char_boundary(span.end)
}

impl Target for ConditionsTarget {
    fn name(&self) -> &'static str {
        "conditions"
    }

    fn seeds(&self) -> Vec<(String, Vec<u8>)> {
        self.seeds.clone()
    }

    fn deep(&self, stage: &str) -> bool {
        matches!(stage, "parsed")
    }

    fn mutator(&self) -> Mutator {
        Mutator::new(DICTIONARY, 16 << 10)
    }

    fn run(&mut self, input: &[u8]) -> Outcome {
        let text = String::from_utf8_lossy(input);
        let text = text.as_ref();
        // The side doors, for their panics only.
        let _ = FieldPath::parse(text);
        let _ = Number::parse(text);
        let _ = DateTime::parse(text);
        let custom = check_custom_field_conditions(text).is_ok();

        let condition = match parse(text) {
            Ok(c) => c,
            Err(e) => {
                if !span_ok(e.span(), text) && e.span() != Span::default() {
                    return Err(format!(
                        "a parse error's span {:?} is outside the text",
                        e.span()
                    ));
                }
                if e.line() < 1 || e.column() < 1 || e.message().is_empty() {
                    return Err(format!(
                        "a parse error without a place or a message: line {}, column {}, {:?}",
                        e.line(),
                        e.column(),
                        e.message()
                    ));
                }
                if custom {
                    return Err("check_custom_field_conditions accepts what parse rejects".into());
                }
                return Ok(signature(&["parse error", e.message()]));
            }
        };

        let printed = condition.to_string();
        let reparsed = match parse(&printed) {
            Ok(r) => r,
            Err(e) => {
                return Err(format!(
                    "the printed condition {printed:?} does not parse back: {e}"
                ))
            }
        };
        if reparsed != condition {
            return Err(format!(
                "the printed condition {printed:?} parses back to another tree:\n{condition:?}\nvs\n{reparsed:?}"
            ));
        }
        let printed_again = reparsed.to_string();
        if printed_again != printed {
            return Err(format!(
                "printing is not stable: {printed:?} then {printed_again:?}"
            ));
        }
        for c in condition.comparisons() {
            if !span_ok(c.span, text) || !span_ok(c.field.span(), text) {
                return Err(format!(
                    "a comparison's span {:?} is outside the text",
                    c.span
                ));
            }
        }

        let picked = self
            .models
            .get(input.iter().map(|&b| b as usize).sum::<usize>() % self.models.len().max(1))
            .cloned()
            .unwrap_or_default();
        let mut outcome = vec!["parsed".to_owned()];
        for model in [
            "Ticket",
            "Company",
            "Member",
            picked.as_str(),
            "NoSuchModel",
        ] {
            match check(&condition, &self.schema, model) {
                Ok(()) => outcome.push("checks".into()),
                Err(errors) => {
                    for e in &errors {
                        if e.span != Span::default() && !span_ok(e.span, text) {
                            return Err(format!(
                                "a check error's span {:?} is outside the text: {}",
                                e.span, e.message
                            ));
                        }
                        let _ = e.line_column(text);
                    }
                    let kinds: Vec<String> =
                        errors.iter().map(|e| format!("{:?}", e.kind)).collect();
                    outcome.push(kinds.join(","));
                }
            }
        }
        for entity in &self.entities {
            outcome.push(match matches(&condition, entity) {
                Ok(true) => "match".into(),
                Ok(false) => "no match".into(),
                Err(e) => format!("eval error {e}"),
            });
        }
        let parts: Vec<&str> = outcome.iter().map(String::as_str).collect();
        Ok(signature(&parts))
    }
}
