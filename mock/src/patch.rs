//! JSON Patch as ConnectWise takes it: an array of `{"op", "path", "value"}`, all applied to
//! one record or none. `op` is `add`, `replace` or `remove`; `path` names a field as clients
//! write it, `summary`, `/summary`, `status/id` or `/status/id` (names matched without
//! regard to case, `~1` and `~0` unescaped, array elements by index, `-` to append). Missing
//! objects on the way are made, so `status/id` works on a row without a `status`; removing a
//! field that is not there does nothing (the API reads it as null either way).

use serde_json::{Map, Value};

/// Applies `operations` (an array of operations, or one) to `row`. The error is `(path,
/// message)`; `row` may then be half-changed, so callers patch a copy.
pub(crate) fn apply(row: &mut Value, operations: &Value) -> Result<(), (String, String)> {
    let operations = match operations {
        Value::Array(ops) => ops.as_slice(),
        one @ Value::Object(_) => std::slice::from_ref(one),
        _ => {
            return Err((
                String::new(),
                "expected an array of JSON Patch operations".into(),
            ))
        }
    };
    for (i, operation) in operations.iter().enumerate() {
        let text = |name: &str| operation.get(name).and_then(Value::as_str);
        let path = text("path").unwrap_or_default().to_owned();
        let fail = |message: String| (path.clone(), format!("operation {i}: {message}"));
        let op = text("op").ok_or_else(|| fail("no `op`".into()))?;
        let segments: Vec<String> = path
            .trim_start_matches('/')
            .split('/')
            .map(|s| s.replace("~1", "/").replace("~0", "~"))
            .collect();
        if segments.iter().any(String::is_empty) {
            return Err(fail(format!("`{path}` names no field")));
        }
        let value = operation.get("value").cloned();
        match op.to_ascii_lowercase().as_str() {
            "add" | "replace" => {
                let value = value.ok_or_else(|| fail(format!("`{op}` needs a `value`")))?;
                set(row, &segments, value, op.eq_ignore_ascii_case("add")).map_err(fail)?;
            }
            "remove" => remove(row, &segments).map_err(fail)?,
            other => {
                return Err(fail(format!(
                    "`{other}` is not supported: use add, replace or remove"
                )))
            }
        }
    }
    Ok(())
}

/// The key of `map` that `name` means: itself, else one equal ignoring ASCII case.
fn key_in(map: &Map<String, Value>, name: &str) -> String {
    if map.contains_key(name) {
        return name.to_owned();
    }
    map.keys()
        .find(|k| k.eq_ignore_ascii_case(name))
        .cloned()
        .unwrap_or_else(|| name.to_owned())
}

fn index(segment: &str, len: usize, append: bool) -> Result<usize, String> {
    if append && segment == "-" {
        return Ok(len);
    }
    match segment.parse::<usize>() {
        Ok(i) if i < len || (append && i == len) => Ok(i),
        _ => Err(format!("`{segment}` is not an index of a list of {len}")),
    }
}

fn set(target: &mut Value, segments: &[String], value: Value, add: bool) -> Result<(), String> {
    let Some((first, rest)) = segments.split_first() else {
        *target = value;
        return Ok(());
    };
    if target.is_null() {
        *target = Value::Object(Map::new());
    }
    match target {
        Value::Object(map) => {
            let key = key_in(map, first);
            if rest.is_empty() {
                map.insert(key, value);
                return Ok(());
            }
            let slot = map.entry(key).or_insert(Value::Null);
            set(slot, rest, value, add)
        }
        Value::Array(items) => {
            let last = rest.is_empty();
            let i = index(first, items.len(), add && last)?;
            if last && add {
                items.insert(i, value);
                Ok(())
            } else {
                set(&mut items[i], rest, value, add)
            }
        }
        _ => Err(format!("`{first}` is inside a value that is not an object")),
    }
}

fn remove(target: &mut Value, segments: &[String]) -> Result<(), String> {
    let Some((first, rest)) = segments.split_first() else {
        return Ok(());
    };
    match target {
        Value::Object(map) => {
            let key = key_in(map, first);
            if rest.is_empty() {
                map.remove(&key);
                Ok(())
            } else {
                map.get_mut(&key).map_or(Ok(()), |v| remove(v, rest))
            }
        }
        Value::Array(items) => {
            let i = index(first, items.len(), false)?;
            if rest.is_empty() {
                items.remove(i);
                Ok(())
            } else {
                remove(&mut items[i], rest)
            }
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_path_form_clients_send() {
        let mut row = json!({"id": 5, "summary": "old", "status": {"id": 1, "name": "New"}});
        apply(
            &mut row,
            &json!([
                {"op": "replace", "path": "summary", "value": "a"},
                {"op": "replace", "path": "/Summary", "value": "b"},
                {"op": "replace", "path": "status/id", "value": 3},
                {"op": "add", "path": "/board/id", "value": 2},
                {"op": "remove", "path": "/status/name"},
                {"op": "remove", "path": "notThere"},
            ]),
        )
        .unwrap();
        assert_eq!(
            row,
            json!({"id": 5, "summary": "b", "status": {"id": 3}, "board": {"id": 2}})
        );
        apply(
            &mut row,
            &json!({"op": "replace", "path": "status", "value": {"id": 4}}),
        )
        .unwrap();
        assert_eq!(row["status"], json!({"id": 4}));
    }

    #[test]
    fn lists_take_indexes() {
        let mut row = json!({"tags": ["a", "b"]});
        apply(
            &mut row,
            &json!([
                {"op": "add", "path": "tags/-", "value": "c"},
                {"op": "add", "path": "tags/0", "value": "z"},
                {"op": "replace", "path": "tags/1", "value": "y"},
                {"op": "remove", "path": "tags/2"},
            ]),
        )
        .unwrap();
        assert_eq!(row, json!({"tags": ["z", "y", "c"]}));
    }

    #[test]
    fn bad_operations_are_refused_with_their_path() {
        let mut row = json!({"summary": "x", "tags": []});
        for (ops, path) in [
            (
                json!([{"op": "move", "path": "summary", "from": "x"}]),
                "summary",
            ),
            (json!([{"op": "replace", "path": "summary"}]), "summary"),
            (json!([{"op": "replace", "path": "", "value": 1}]), ""),
            (
                json!([{"op": "replace", "path": "summary/x", "value": 1}]),
                "summary/x",
            ),
            (
                json!([{"op": "replace", "path": "tags/3", "value": 1}]),
                "tags/3",
            ),
            (json!("replace"), ""),
        ] {
            let (at, message) = apply(&mut row, &ops).unwrap_err();
            assert_eq!(at, path, "{message}");
        }
    }
}
