//! A strict client's check of a JSON value against the spec's own schema (the OpenAPI
//! document's `components/schemas`, read as JSON, not the tables the fake server generates
//! from), formats included: what a client that validates every answer would refuse.
//!
//! - `$ref` to `#/components/schemas/X` is followed; `type` must match (`integer` is a whole
//!   number, `int32` within `i32`); `null` only where `nullable: true`.
//! - Formats: `date-time` (RFC 3339: `2024-03-05T14:07:00Z`, `...T14:07:00.5+02:00`), `date`
//!   (`2024-03-05`), `uuid` (8-4-4-4-12 hex digits), `byte` (standard base64, padded),
//!   `int32`/`int64` ranges; `double`, `float` and `binary` take any number or string.
//! - `enum`: the value must be one of them.
//! - Objects with `properties`: every property present is checked, and a key that is not a
//!   property is refused unless `additionalProperties` gives it a schema (stricter than JSON
//!   Schema's default, so that a generated field the model lacks is caught). An object schema
//!   without `properties` takes anything.
//! - Fields the overrides file retypes as `any` (`specs/overrides.json`: `fields`) take
//!   anything, as the generated client does.
//! - `allOf`, `oneOf`, `anyOf`, `not` are refused as unsupported (the specs have none).

// Each user of this file uses part of it.
#![allow(dead_code)]

use serde_json::Value;
use std::collections::BTreeSet;

/// The spec's schemas and the fields its overrides make free-form.
pub struct Strict<'a> {
    schemas: &'a serde_json::Map<String, Value>,
    /// `(schema, field)` pairs overridden to `any`.
    free: BTreeSet<(String, String)>,
}

impl<'a> Strict<'a> {
    /// From a parsed OpenAPI document and overrides file (`Value::Null` for none).
    pub fn new(spec: &'a Value, overrides: &Value) -> Result<Strict<'a>, String> {
        let schemas = spec
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .ok_or("the spec has no components/schemas")?;
        let mut free = BTreeSet::new();
        if let Some(fields) = overrides.get("fields").and_then(Value::as_object) {
            for (schema, fields) in fields {
                for (field, o) in fields.as_object().into_iter().flatten() {
                    if o.get("type").and_then(Value::as_str) == Some("any") {
                        free.insert((schema.clone(), field.clone()));
                    }
                }
            }
        }
        Ok(Strict { schemas, free })
    }

    /// Whether the spec has the component schema `name`.
    pub fn has(&self, name: &str) -> bool {
        self.schemas.contains_key(name)
    }

    /// The component schema names.
    pub fn names(&self) -> impl Iterator<Item = &String> {
        self.schemas.keys()
    }

    /// Every problem of `value` as a `schema` (a component schema's name), each as
    /// `path: message`.
    pub fn check(&self, schema: &str, value: &Value) -> Vec<String> {
        let mut out = Vec::new();
        match self.schemas.get(schema) {
            Some(s) => self.value(s, Some(schema), value, "", &mut out, 0),
            None => out.push(format!("no component schema {schema:?}")),
        }
        out
    }

    fn value(
        &self,
        schema: &Value,
        name: Option<&str>,
        value: &Value,
        path: &str,
        out: &mut Vec<String>,
        depth: usize,
    ) {
        if depth > 64 {
            out.push(format!("{path}: nested too deep"));
            return;
        }
        if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            let Some(target) = r.strip_prefix("#/components/schemas/") else {
                out.push(format!("{path}: unsupported $ref {r}"));
                return;
            };
            match self.schemas.get(target) {
                Some(s) => self.value(s, Some(target), value, path, out, depth + 1),
                None => out.push(format!("{path}: $ref {r} resolves to nothing")),
            }
            return;
        }
        for unsupported in ["allOf", "oneOf", "anyOf", "not"] {
            if schema.get(unsupported).is_some() {
                out.push(format!("{path}: unsupported {unsupported}"));
                return;
            }
        }
        if value.is_null() {
            if schema.get("nullable") != Some(&Value::Bool(true)) {
                out.push(format!("{path}: null where the schema is not nullable"));
            }
            return;
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            if !values.contains(value) {
                out.push(format!("{path}: {value} is not one of {values:?}"));
            }
        }
        let format = schema.get("format").and_then(Value::as_str);
        let ty = schema.get("type").and_then(Value::as_str);
        let fail = |out: &mut Vec<String>, what: &str| {
            out.push(format!("{path}: {value} is not {what}"));
        };
        match ty {
            Some("string") => {
                let Some(s) = value.as_str() else {
                    return fail(out, "a string");
                };
                let ok = match format {
                    Some("date-time") => is_date_time(s),
                    Some("date") => is_date(s),
                    Some("uuid") => is_uuid(s),
                    Some("byte") => is_base64(s),
                    _ => true,
                };
                if !ok {
                    fail(out, &format!("a valid {}", format.unwrap_or_default()));
                }
            }
            Some("integer") => {
                let Some(n) = value.as_i64() else {
                    return fail(out, "an integer");
                };
                if format == Some("int32") && i32::try_from(n).is_err() {
                    fail(out, "an int32");
                }
            }
            Some("number") => {
                if !value.is_number() {
                    fail(out, "a number");
                }
            }
            Some("boolean") => {
                if !value.is_boolean() {
                    fail(out, "a boolean");
                }
            }
            Some("array") => {
                let Some(items) = value.as_array() else {
                    return fail(out, "an array");
                };
                if let Some(item) = schema.get("items") {
                    for (i, v) in items.iter().enumerate() {
                        self.value(item, None, v, &format!("{path}/{i}"), out, depth + 1);
                    }
                }
            }
            Some("object") | None => {
                let properties = schema.get("properties").and_then(Value::as_object);
                let additional = schema.get("additionalProperties");
                if ty.is_none() && properties.is_none() && additional.is_none() {
                    // `{}`: anything.
                    return;
                }
                let Some(map) = value.as_object() else {
                    return fail(out, "an object");
                };
                for (key, v) in map {
                    let here = format!("{path}/{key}");
                    if name.is_some_and(|n| self.free.contains(&(n.to_owned(), key.clone()))) {
                        continue;
                    }
                    match (properties.and_then(|p| p.get(key)), additional) {
                        (Some(s), _) => self.value(s, None, v, &here, out, depth + 1),
                        (None, Some(a)) if a.is_object() => {
                            self.value(a, None, v, &here, out, depth + 1)
                        }
                        (None, Some(Value::Bool(true))) => {}
                        (None, None) if properties.is_none() => {}
                        (None, _) => out.push(format!("{here}: not a property of the schema")),
                    }
                }
            }
            Some(other) => out.push(format!("{path}: unsupported type {other}")),
        }
    }
}

fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `YYYY-MM-DD`, a real day.
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let (Some(y), Some(m), Some(d)) = (digits(&s[..4]), digits(&s[5..7]), digits(&s[8..])) else {
        return false;
    };
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// RFC 3339 `date-time`: `YYYY-MM-DDThh:mm:ss[.frac](Z|+hh:mm|-hh:mm)`.
pub fn is_date_time(s: &str) -> bool {
    if s.len() < 20 || !s.is_char_boundary(10) || !is_date(&s[..10]) {
        return false;
    }
    let rest = &s[10..];
    let Some(rest) = rest.strip_prefix(['T', 't']) else {
        return false;
    };
    let time = |t: &str| -> bool {
        let b = t.as_bytes();
        b.len() == 8
            && b[2] == b':'
            && b[5] == b':'
            && digits(&t[..2]).is_some_and(|h| h < 24)
            && digits(&t[3..5]).is_some_and(|m| m < 60)
            && digits(&t[6..]).is_some_and(|s| s <= 60)
    };
    if rest.len() < 9 || !rest.is_char_boundary(8) || !time(&rest[..8]) {
        return false;
    }
    let mut rest = &rest[8..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return false;
        }
        rest = &frac[n..];
    }
    match rest {
        "Z" | "z" => true,
        offset => {
            let b = offset.as_bytes();
            b.len() == 6
                && (b[0] == b'+' || b[0] == b'-')
                && b[3] == b':'
                && digits(&offset[1..3]).is_some_and(|h| h < 24)
                && digits(&offset[4..]).is_some_and(|m| m < 60)
        }
    }
}

/// 8-4-4-4-12 hex digits.
pub fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Standard base64 with padding.
pub fn is_base64(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() % 4 != 0 {
        return false;
    }
    let pad = b.iter().rev().take_while(|c| **c == b'=').count();
    pad <= 2
        && b[..b.len() - pad]
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == b'+' || *c == b'/')
}
