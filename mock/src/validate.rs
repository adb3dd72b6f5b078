//! Checks write bodies and JSON Patch operations against the model, as the API does before it
//! stores anything: every problem is found (not only the first) and becomes one validation
//! error of a 400 `InvalidObject`, `{"code", "message", "resource", "field"}`, `field` being
//! the JSON path of the offending value (`summary`, `status/id`, `customFields/0/value`).
//!
//! | `code` | when |
//! |---|---|
//! | `InvalidField` | a field the model does not have (in a body, or on a patch path), or a patch path that walks into a value that has no fields (`summary/x`) or into a list with something else than an index |
//! | `InvalidType` | a value of the wrong JSON type: a string for an integer, an object for a string, a number for a boolean, a list for an object... (the body itself must be an object) |
//! | `InvalidValue` | the right JSON type, not an allowed value: an enum value not in the enum, a date or date-time that does not parse, a `uuid` or `byte` (base64) string that is not one |
//! | `InvalidPatch` | a patch operation that is not one: not an object, no `op` or one other than `add`, `replace`, `remove`, no `path`, no `value` for `add`/`replace`, an index out of range |
//!
//! `null` is accepted for every field (every field of the API is nullable). Field names are
//! matched as the API matches them, exactly or else ignoring case, and written back in the
//! model's spelling. Read-only fields, `id` and `_info`, are accepted and ignored: the caller
//! drops them from bodies, and patch operations on them are dropped here. A model the schema
//! lacks is not checked.

use crate::api::Api;
use connectwise_conditions::schema::{FieldType, ModelSchema};
use serde_json::{Map, Value};

/// No such field.
pub(crate) const INVALID_FIELD: &str = "InvalidField";
/// A value of the wrong JSON type.
pub(crate) const INVALID_TYPE: &str = "InvalidType";
/// The right type, not an allowed value.
pub(crate) const INVALID_VALUE: &str = "InvalidValue";
/// A malformed patch operation.
pub(crate) const INVALID_PATCH: &str = "InvalidPatch";

/// The fields the server owns: ignored in bodies and patches.
pub(crate) const READ_ONLY: &[&str] = &["id", "_info"];

/// One thing wrong with a write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    /// The JSON path of the value: `status/id` (empty for the body itself).
    pub field: String,
    /// One of the codes above.
    pub code: &'static str,
    pub message: String,
}

impl Problem {
    pub fn new(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        Problem {
            field: field.into(),
            code,
            message: message.into(),
        }
    }
}

/// Checks `body` (a create's or a replace's) against `model` and gives it back with its
/// field names in the model's spelling, read-only fields dropped.
pub(crate) fn body(
    api: &Api,
    model: &str,
    body: Value,
) -> Result<Map<String, Value>, Vec<Problem>> {
    let Value::Object(map) = body else {
        return Err(vec![Problem::new(
            "",
            INVALID_TYPE,
            format!("the body must be a JSON object, not {}", json_kind(&body)),
        )]);
    };
    let mut out = Vec::new();
    let mut map = match api.schema.model(model) {
        Some(m) => Checker { api }.object(m, map, "", &mut out),
        None => map,
    };
    if !out.is_empty() {
        return Err(out);
    }
    for field in READ_ONLY {
        map.remove(*field);
    }
    Ok(map)
}

/// Checks JSON Patch `operations` (an array of them, or one) against `model`: each one's
/// shape, its path and its value. Gives them back with paths in the model's spelling
/// (`/status/id`), operations on read-only fields dropped.
pub(crate) fn patch(api: &Api, model: &str, operations: &Value) -> Result<Value, Vec<Problem>> {
    let operations = match operations {
        Value::Array(ops) => ops.as_slice(),
        one @ Value::Object(_) => std::slice::from_ref(one),
        other => {
            return Err(vec![Problem::new(
                "",
                INVALID_PATCH,
                format!(
                    "the body must be an array of JSON Patch operations, not {}",
                    json_kind(other)
                ),
            )])
        }
    };
    let checker = Checker { api };
    let mut out = Vec::new();
    let mut kept = Vec::with_capacity(operations.len());
    for (i, operation) in operations.iter().enumerate() {
        let Some(operation) = operation.as_object() else {
            out.push(Problem::new(
                "",
                INVALID_PATCH,
                format!("operation {i} is not an object"),
            ));
            continue;
        };
        let text = |name: &str| operation.get(name).and_then(Value::as_str);
        let Some(path) = text("path") else {
            out.push(Problem::new(
                "",
                INVALID_PATCH,
                format!("operation {i} has no `path`"),
            ));
            continue;
        };
        let field = path.trim_start_matches('/').to_owned();
        let op = match text("op").map(str::to_ascii_lowercase).as_deref() {
            Some(op @ ("add" | "replace" | "remove")) => op.to_owned(),
            Some(other) => {
                out.push(Problem::new(
                    field,
                    INVALID_PATCH,
                    format!(
                        "operation {i}: `{other}` is not supported: use add, replace or remove"
                    ),
                ));
                continue;
            }
            None => {
                out.push(Problem::new(
                    field,
                    INVALID_PATCH,
                    format!("operation {i} has no `op`"),
                ));
                continue;
            }
        };
        let segments: Vec<String> = field
            .split('/')
            .map(|s| s.replace("~1", "/").replace("~0", "~"))
            .collect();
        if segments.iter().any(String::is_empty) {
            out.push(Problem::new(
                field,
                INVALID_PATCH,
                format!("operation {i}: `{path}` names no field"),
            ));
            continue;
        }
        if READ_ONLY
            .iter()
            .any(|r| r.eq_ignore_ascii_case(&segments[0]))
        {
            continue;
        }
        let Some((spelled, ty, owner)) = checker.resolve(model, &segments, &mut out) else {
            continue;
        };
        let mut operation = operation.clone();
        let pointer: String = spelled
            .iter()
            .map(|s| format!("/{}", s.replace('~', "~0").replace('/', "~1")))
            .collect();
        operation.insert("op".into(), Value::from(op.clone()));
        operation.insert("path".into(), Value::from(pointer));
        if op != "remove" {
            match operation.get_mut("value") {
                Some(value) => {
                    let name = spelled.last().map_or("", String::as_str);
                    checker.value(
                        &ty,
                        owner.as_deref(),
                        name,
                        value,
                        &spelled.join("/"),
                        &mut out,
                    )
                }
                None => {
                    out.push(Problem::new(
                        field,
                        INVALID_PATCH,
                        format!("operation {i}: `{op}` needs a `value`"),
                    ));
                    continue;
                }
            }
        }
        kept.push(Value::Object(operation));
    }
    if out.is_empty() {
        Ok(Value::Array(kept))
    } else {
        Err(out)
    }
}

struct Checker<'a> {
    api: &'a Api,
}

impl Checker<'_> {
    /// Checks every field of `map` against `model`; the map with the model's spelling.
    fn object(
        &self,
        model: &ModelSchema,
        map: Map<String, Value>,
        prefix: &str,
        out: &mut Vec<Problem>,
    ) -> Map<String, Value> {
        let mut kept = Map::with_capacity(map.len());
        for (key, mut value) in map {
            let path = join(prefix, &key);
            match model.field(&key) {
                Some(field) => {
                    self.value(
                        &field.ty,
                        Some(model.name()),
                        &field.name,
                        &mut value,
                        &path,
                        out,
                    );
                    kept.insert(field.name.clone(), value);
                }
                None => match &model.additional {
                    Some(ty) => {
                        self.value(ty, None, &key, &mut value, &path, out);
                        kept.insert(key, value);
                    }
                    None => {
                        out.push(unknown_field(model, &key, path));
                    }
                },
            }
        }
        kept
    }

    /// Checks `value` against `ty`; `owner` and `name` are the model and field it is in,
    /// for string formats.
    fn value(
        &self,
        ty: &FieldType,
        owner: Option<&str>,
        name: &str,
        value: &mut Value,
        path: &str,
        out: &mut Vec<Problem>,
    ) {
        if value.is_null() {
            return;
        }
        let wrong = |out: &mut Vec<Problem>, value: &Value| {
            out.push(Problem::new(
                path,
                INVALID_TYPE,
                format!(
                    "`{path}` must be {}, not {}",
                    ty.describe(),
                    json_kind(value)
                ),
            ));
        };
        match ty {
            FieldType::Any => {}
            FieldType::String => match value.as_str() {
                Some(s) => {
                    let format = owner.and_then(|m| self.api.format(m, name));
                    if let Some(problem) = format.and_then(|f| bad_format(f, s)) {
                        out.push(Problem::new(
                            path,
                            INVALID_VALUE,
                            format!("`{path}` must be {problem}: {s:?}"),
                        ));
                    }
                }
                None => wrong(out, value),
            },
            FieldType::Integer => {
                if !(value.is_i64() || value.is_u64()) {
                    wrong(out, value);
                }
            }
            FieldType::Number => {
                if !value.is_number() {
                    wrong(out, value);
                }
            }
            FieldType::Boolean => {
                if !value.is_boolean() {
                    wrong(out, value);
                }
            }
            FieldType::DateTime | FieldType::Date => match value.as_str() {
                Some(s) if connectwise_conditions::DateTime::parse(s).is_some() => {}
                Some(s) => out.push(Problem::new(
                    path,
                    INVALID_VALUE,
                    format!(
                        "`{path}` must be {} such as \"2024-01-31T09:30:00Z\": {s:?}",
                        ty.describe()
                    ),
                )),
                None => wrong(out, value),
            },
            FieldType::Enum(values) => match value.as_str() {
                Some(s) if values.iter().any(|v| v == s) => {}
                Some(s) => out.push(Problem::new(
                    path,
                    INVALID_VALUE,
                    format!("`{path}` must be one of {}: {s:?}", values.join(", ")),
                )),
                None => wrong(out, value),
            },
            FieldType::Map => {
                if !value.is_object() {
                    wrong(out, value);
                }
            }
            FieldType::List(item) => match value {
                Value::Array(items) => {
                    for (i, v) in items.iter_mut().enumerate() {
                        self.value(item, owner, name, v, &join(path, &i.to_string()), out);
                    }
                }
                other => wrong(out, other),
            },
            FieldType::Object(model) => match value {
                Value::Object(map) => {
                    if let Some(model) = self.api.schema.model(model) {
                        *map = self.object(model, std::mem::take(map), path, out);
                    }
                }
                other => wrong(out, other),
            },
        }
    }

    /// The field a patch path names, in the model's spelling, with its type and the model it
    /// is a field of; `None` (and a problem) when the path names no field.
    fn resolve(
        &self,
        model: &str,
        segments: &[String],
        out: &mut Vec<Problem>,
    ) -> Option<(Vec<String>, FieldType, Option<String>)> {
        let mut ty = FieldType::Object(model.to_owned());
        let mut owner: Option<String> = None;
        let mut spelled: Vec<String> = Vec::with_capacity(segments.len());
        for (i, segment) in segments.iter().enumerate() {
            let here = |spelled: &[String]| {
                let mut all = spelled.to_vec();
                all.extend(segments[i..].iter().cloned());
                all.join("/")
            };
            let (next, next_owner, name) = match &ty {
                FieldType::Any | FieldType::Map => {
                    spelled.extend(segments[i..].iter().cloned());
                    return Some((spelled, FieldType::Any, None));
                }
                FieldType::Object(name) => {
                    let Some(m) = self.api.schema.model(name) else {
                        spelled.extend(segments[i..].iter().cloned());
                        return Some((spelled, FieldType::Any, None));
                    };
                    match m.field(segment) {
                        Some(f) => (f.ty.clone(), Some(m.name().to_owned()), f.name.clone()),
                        None => match &m.additional {
                            Some(t) => (t.clone(), None, segment.clone()),
                            None => {
                                out.push(unknown_field(m, segment, here(&spelled)));
                                return None;
                            }
                        },
                    }
                }
                FieldType::List(item) => {
                    if segment == "-" || segment.parse::<usize>().is_ok() {
                        ((**item).clone(), owner.clone(), segment.clone())
                    } else {
                        out.push(Problem::new(
                            here(&spelled),
                            INVALID_FIELD,
                            format!(
                                "`{}` is a list: `{segment}` is not an index of it",
                                spelled.join("/")
                            ),
                        ));
                        return None;
                    }
                }
                scalar => {
                    out.push(Problem::new(
                        here(&spelled),
                        INVALID_FIELD,
                        format!(
                            "`{}` is {}: it has no field `{segment}`",
                            spelled.join("/"),
                            scalar.describe()
                        ),
                    ));
                    return None;
                }
            };
            ty = next;
            owner = next_owner;
            spelled.push(name);
        }
        Some((spelled, ty, owner))
    }
}

fn unknown_field(model: &ModelSchema, key: &str, path: String) -> Problem {
    let hint =
        connectwise_conditions::did_you_mean(key, model.fields().iter().map(|f| f.name.as_str()))
            .map(|f| format!(" (did you mean `{f}`?)"))
            .unwrap_or_default();
    Problem::new(
        path,
        INVALID_FIELD,
        format!("`{key}` is not a field of {}{hint}", model.name()),
    )
}

/// What `s` should be when it is not a string of `format`: `None` when it is (or the format
/// is not checked).
fn bad_format(format: &str, s: &str) -> Option<&'static str> {
    let ok = match format {
        "uuid" => is_uuid(s),
        "byte" => {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD.decode(s).is_ok()
        }
        _ => true,
    };
    let expected = match format {
        "uuid" => "a UUID such as \"0f8fad5b-d9cb-469f-a165-70867728950e\"",
        _ => "base64",
    };
    (!ok).then_some(expected)
}

/// `8-4-4-4-12` hex digits.
pub(crate) fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_owned()
    } else {
        format!("{prefix}/{key}")
    }
}

/// "a string", "an object"...: what a JSON value is, for messages.
pub(crate) fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a number with a fraction",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn api() -> &'static Api {
        Api::get().unwrap()
    }

    fn fields(problems: &[Problem]) -> Vec<(&str, &str)> {
        problems
            .iter()
            .map(|p| (p.field.as_str(), p.code))
            .collect()
    }

    #[test]
    fn a_body_names_every_bad_field() {
        let problems = body(
            api(),
            "Ticket",
            json!({
                "summry": "x",
                "status": {"id": "3", "nmae": "New"},
                "closedFlag": 1,
                "severity": "Extreme",
                "mobileGuid": "not-a-uuid",
                "closedDate": "yesterday",
                "customFields": [{"id": 1, "value": {"any": "thing"}}, {"id": "x"}],
                "summary": {"text": "x"},
            }),
        )
        .unwrap_err();
        let mut got = fields(&problems);
        got.sort_unstable();
        assert_eq!(
            got,
            [
                ("closedDate", INVALID_VALUE),
                ("closedFlag", INVALID_TYPE),
                ("customFields/1/id", INVALID_TYPE),
                ("mobileGuid", INVALID_VALUE),
                ("severity", INVALID_VALUE),
                ("status/id", INVALID_TYPE),
                ("status/nmae", INVALID_FIELD),
                ("summary", INVALID_TYPE),
                ("summry", INVALID_FIELD),
            ]
        );
        let summry = problems.iter().find(|p| p.field == "summry").unwrap();
        assert!(
            summry.message.contains("did you mean `summary`"),
            "{summry:?}"
        );
    }

    #[test]
    fn a_good_body_is_respelled_and_loses_its_read_only_fields() {
        let map = body(
            api(),
            "Ticket",
            json!({"id": 9, "_info": {"x": "y"}, "SUMMARY": "x", "status": {"ID": 3}, "summary2": null}),
        );
        assert!(map.is_err(), "summary2 is no field");
        let map = body(
            api(),
            "Ticket",
            json!({"id": 9, "_info": {"x": "y"}, "SUMMARY": "x", "status": {"ID": 3}, "closedDate": null}),
        )
        .unwrap();
        assert_eq!(
            Value::Object(map),
            json!({"summary": "x", "status": {"id": 3}, "closedDate": null})
        );
        assert_eq!(
            fields(&body(api(), "Ticket", json!([1])).unwrap_err()),
            [("", INVALID_TYPE)]
        );
    }

    #[test]
    fn patch_paths_and_values_are_checked_all_at_once() {
        let problems = patch(
            api(),
            "Ticket",
            &json!([
                {"op": "replace", "path": "summary", "value": 5},
                {"op": "replace", "path": "/status/nmae", "value": "x"},
                {"op": "replace", "path": "summary/x", "value": "x"},
                {"op": "replace", "path": "/sumary", "value": "x"},
                {"op": "move", "path": "summary"},
                {"op": "add", "path": "summary"},
                {"path": "summary", "value": "x"},
                {"op": "replace", "path": "customFields/x", "value": 1},
                {"op": "replace", "path": "status", "value": {"id": true}},
                7,
            ]),
        )
        .unwrap_err();
        assert_eq!(
            fields(&problems),
            [
                ("summary", INVALID_TYPE),
                ("status/nmae", INVALID_FIELD),
                ("summary/x", INVALID_FIELD),
                ("sumary", INVALID_FIELD),
                ("summary", INVALID_PATCH),
                ("summary", INVALID_PATCH),
                ("summary", INVALID_PATCH),
                ("customFields/x", INVALID_FIELD),
                ("status/id", INVALID_TYPE),
                ("", INVALID_PATCH),
            ]
        );
    }

    #[test]
    fn good_patches_are_respelled_and_skip_read_only_fields() {
        let ops = patch(
            api(),
            "Ticket",
            &json!([
                {"op": "Replace", "path": "Summary", "value": "a"},
                {"op": "replace", "path": "status/ID", "value": 3},
                {"op": "replace", "path": "/status", "value": {"id": 4}},
                {"op": "add", "path": "customFields/-", "value": {"id": 1, "value": 5}},
                {"op": "remove", "path": "closedDate"},
                {"op": "replace", "path": "id", "value": 99},
                {"op": "replace", "path": "_info/lastUpdated", "value": "x"},
            ]),
        )
        .unwrap();
        let paths: Vec<&str> = ops
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["path"].as_str().unwrap())
            .collect();
        assert_eq!(
            paths,
            [
                "/summary",
                "/status/id",
                "/status",
                "/customFields/-",
                "/closedDate"
            ]
        );
    }

    #[test]
    fn uuids() {
        assert!(is_uuid("0f8fad5b-d9cb-469f-a165-70867728950e"));
        assert!(!is_uuid("0f8fad5b-d9cb-469f-a165-70867728950"));
        assert!(!is_uuid("0f8fad5bd9cb469fa16570867728950e"));
        assert!(!is_uuid("0f8fad5b-d9cb-469f-a165-70867728950g"));
    }
}
