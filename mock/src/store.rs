//! The rows the server answers with, and the writes that change them: one table per resource
//! and parent, loaded from a folder of JSON files or generated from the models (see
//! [`crate::generate`]) on first use, then kept. Creates, replaces, patches and deletes change
//! the table, so later reads (lists, gets, counts, bundles) see them.
//!
//! # The data folder
//!
//! One file per resource, named after the resource as `bundle!` spells it:
//! `<dir>/<resource>.json` (`ticket.json`, `purchase_order_line_item.json`).
//!
//! - A top-level resource's file is an array of entities: `[{"id": 1, "summary": "..."}, ...]`.
//! - A child resource's file (its path has `{parentId}`) is an object keyed by the parent id:
//!   `{"7": [{"id": 1, ...}], "8": [...]}`; with a grandparent too, the key is
//!   `"<grandParentId>/<parentId>"`: `{"3/7": [...]}`.
//!
//! Every entity needs an integer `id` (what get-by-id and forward-only paging use). Rows are
//! served in id order. A resource with no file is generated, unless generation is off, in
//! which case it is empty. A file whose name is no resource of the spec is an error at start
//! (with the closest resource name), not silently ignored.

use crate::generate::{self, Params};
use crate::MockError;
use connectwise::registry::Resource;
use connectwise_conditions::Schema;
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

/// Grandparent and parent ids of a child resource's rows (`(None, None)` for top level).
pub(crate) type Parents = (Option<i32>, Option<i32>);

/// One table's rows, in id order, shared with the requests reading them (a write replaces
/// the table's `Arc`, so a reader keeps the rows it started with).
pub(crate) type Rows = Arc<Vec<Value>>;

/// Rows by resource and parent.
#[derive(Debug)]
pub(crate) struct Store {
    schema: &'static Schema,
    params: Params,
    generate: bool,
    /// Resources with a file in the data folder: never generated.
    loaded: HashSet<Resource>,
    tables: Mutex<HashMap<(Resource, Parents), Rows>>,
}

/// Why a write did not happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum WriteError {
    /// No row with that id.
    NotFound,
    /// The body or a patch operation is wrong: what is wrong, and the field.
    Invalid { field: String, message: String },
}

impl Store {
    pub fn new(
        schema: &'static Schema,
        params: Params,
        generate: bool,
        dir: Option<&Path>,
    ) -> Result<Store, MockError> {
        let mut tables = HashMap::new();
        let mut loaded = HashSet::new();
        if let Some(dir) = dir {
            for (resource, by_parent) in load_dir(dir)? {
                loaded.insert(resource);
                for (parents, rows) in by_parent {
                    tables.insert((resource, parents), Arc::new(rows));
                }
            }
        }
        Ok(Store {
            schema,
            params,
            generate,
            loaded,
            tables: Mutex::new(tables),
        })
    }

    /// The tables, locked. A poisoned lock only means another request panicked; every write
    /// replaces a whole value, so the map itself is fine.
    fn tables(&self) -> MutexGuard<'_, HashMap<(Resource, Parents), Rows>> {
        self.tables
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    /// The table of `resource` under `parents`, made on first use.
    fn table<'t>(
        &self,
        tables: &'t mut HashMap<(Resource, Parents), Rows>,
        resource: Resource,
        parents: Parents,
    ) -> &'t mut Rows {
        tables.entry((resource, parents)).or_insert_with(|| {
            if self.generate && !self.loaded.contains(&resource) {
                Arc::new(generate::rows(self.schema, &self.params, resource, parents))
            } else {
                Arc::default()
            }
        })
    }

    /// The rows of `resource` under `parents`, in id order.
    pub fn rows(&self, resource: Resource, parents: Parents) -> Rows {
        let mut tables = self.tables();
        self.table(&mut tables, resource, parents).clone()
    }

    /// Whether the row exists.
    pub fn contains(&self, resource: Resource, parents: Parents, id: i32) -> bool {
        position(&self.rows(resource, parents), id).is_ok()
    }

    /// Adds `body` as a new row with the next id (after the table's last) and
    /// `_info/lastUpdated`; a child row's parent fields (`ticketId`) are filled in when the
    /// body lacks them. Gives the row as stored.
    pub fn create(
        &self,
        resource: Resource,
        parents: Parents,
        body: Value,
    ) -> Result<Value, WriteError> {
        let mut row = object(body)?;
        for (field, id) in generate::parent_fields(self.schema, resource, parents) {
            row.entry(field).or_insert(Value::from(id));
        }
        let mut tables = self.tables();
        let rows = Arc::make_mut(self.table(&mut tables, resource, parents));
        let id = rows.last().and_then(id_of).unwrap_or(0) + 1;
        let row = stamp(row, id);
        rows.push(row.clone());
        Ok(row)
    }

    /// Replaces row `id` with `body` (its id kept, `_info/lastUpdated` set).
    pub fn replace(
        &self,
        resource: Resource,
        parents: Parents,
        id: i32,
        body: Value,
    ) -> Result<Value, WriteError> {
        let row = object(body)?;
        let mut tables = self.tables();
        let table = self.table(&mut tables, resource, parents);
        let i = position(table, id).map_err(|_| WriteError::NotFound)?;
        let row = stamp(row, i64::from(id));
        Arc::make_mut(table)[i] = row.clone();
        Ok(row)
    }

    /// Applies JSON Patch operations to row `id`, all or none.
    pub fn patch(
        &self,
        resource: Resource,
        parents: Parents,
        id: i32,
        operations: &Value,
    ) -> Result<Value, WriteError> {
        let mut tables = self.tables();
        let table = self.table(&mut tables, resource, parents);
        let i = position(table, id).map_err(|_| WriteError::NotFound)?;
        let mut row = table[i].clone();
        crate::patch::apply(&mut row, operations)
            .map_err(|(field, message)| WriteError::Invalid { field, message })?;
        let row = stamp(object(row)?, i64::from(id));
        Arc::make_mut(table)[i] = row.clone();
        Ok(row)
    }

    /// Removes row `id`.
    pub fn delete(&self, resource: Resource, parents: Parents, id: i32) -> Result<(), WriteError> {
        let mut tables = self.tables();
        let table = self.table(&mut tables, resource, parents);
        let i = position(table, id).map_err(|_| WriteError::NotFound)?;
        Arc::make_mut(table).remove(i);
        Ok(())
    }
}

/// A body that must be one JSON object.
fn object(body: Value) -> Result<Map<String, Value>, WriteError> {
    match body {
        Value::Object(map) => Ok(map),
        other => Err(WriteError::Invalid {
            field: String::new(),
            message: format!("expected a JSON object, found {}", kind_of(&other)),
        }),
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The row with `id` and `_info/lastUpdated` set to now (other `_info` keys kept).
fn stamp(mut row: Map<String, Value>, id: i64) -> Value {
    row.insert("id".into(), Value::from(id));
    let info = row
        .entry("_info")
        .or_insert_with(|| Value::Object(Map::new()));
    if !info.is_object() {
        *info = Value::Object(Map::new());
    }
    if let Value::Object(info) = info {
        info.insert("lastUpdated".into(), Value::from(generate::now()));
    }
    Value::Object(row)
}

/// Where row `id` is (or would be) in id-ordered rows.
fn position(rows: &[Value], id: i32) -> Result<usize, usize> {
    rows.binary_search_by_key(&i64::from(id), |r| id_of(r).unwrap_or(0))
}

/// One file of the data folder: its rows by parent.
type Loaded = Vec<(Parents, Vec<Value>)>;

fn load_dir(dir: &Path) -> Result<Vec<(Resource, Loaded)>, MockError> {
    let data_error = |path: &Path, message: String| MockError::Data {
        path: path.to_owned(),
        message,
    };
    let entries = std::fs::read_dir(dir).map_err(|e| data_error(dir, e.to_string()))?;
    let mut out = Vec::new();
    let mut paths: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    for path in paths {
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_owned();
        let Some(resource) = Resource::from_name(&name) else {
            let closest = connectwise_conditions::did_you_mean(
                &name,
                Resource::ALL.iter().map(|r| r.info().name),
            )
            .map(|k| format!(" (did you mean `{k}.json`?)"))
            .unwrap_or_default();
            return Err(data_error(
                &path,
                format!("`{name}` is not a resource of the spec{closest}"),
            ));
        };
        let info = resource.info();
        let bytes = std::fs::read(&path).map_err(|e| data_error(&path, e.to_string()))?;
        let value: Value =
            serde_json::from_slice(&bytes).map_err(|e| data_error(&path, e.to_string()))?;
        let arity = info.keys.len();
        let mut by_parent = Vec::new();
        match (arity, value) {
            (0, Value::Array(rows)) => {
                by_parent.push(((None, None), sorted(rows, &path)?));
            }
            (0, _) => {
                return Err(data_error(
                    &path,
                    "a top-level resource's file must be an array of entities".into(),
                ))
            }
            (_, Value::Object(map)) => {
                for (key, rows) in map {
                    let parents = parse_parents(&key, arity).ok_or_else(|| {
                        data_error(
                            &path,
                            format!(
                                "key {key:?}: expected {}",
                                if arity == 1 {
                                    "a parent id (\"7\")"
                                } else {
                                    "\"<grandParentId>/<parentId>\" (\"3/7\")"
                                }
                            ),
                        )
                    })?;
                    let Value::Array(rows) = rows else {
                        return Err(data_error(
                            &path,
                            format!("key {key:?}: expected an array of entities"),
                        ));
                    };
                    by_parent.push((parents, sorted(rows, &path)?));
                }
            }
            (_, _) => {
                return Err(data_error(
                    &path,
                    format!(
                    "`{}` is a child resource ({}): its file must be an object keyed by parent id",
                    info.name, info.path
                ),
                ))
            }
        }
        out.push((resource, by_parent));
    }
    Ok(out)
}

fn parse_parents(key: &str, arity: usize) -> Option<Parents> {
    match arity {
        1 => Some((None, Some(key.trim().parse().ok()?))),
        _ => {
            let (g, p) = key.split_once('/')?;
            Some((Some(g.trim().parse().ok()?), Some(p.trim().parse().ok()?)))
        }
    }
}

/// Checks every row has an integer id and sorts by it.
fn sorted(mut rows: Vec<Value>, path: &Path) -> Result<Vec<Value>, MockError> {
    for (i, row) in rows.iter().enumerate() {
        if id_of(row).is_none() {
            return Err(MockError::Data {
                path: path.to_owned(),
                message: format!("entity {i} has no integer `id`"),
            });
        }
    }
    rows.sort_by_key(|r| id_of(r).unwrap_or(0));
    Ok(rows)
}

/// An entity's `id`.
pub(crate) fn id_of(row: &Value) -> Option<i64> {
    row.get("id")?.as_i64()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn store() -> Store {
        let api = crate::api::Api::get().unwrap();
        let params = Params {
            seed: 1,
            rows: 10,
            child_rows: 3,
        };
        Store::new(&api.schema, params, true, None).unwrap()
    }

    #[test]
    fn writes_change_what_reads_see() {
        let s = store();
        let top = (None, None);
        let created = s
            .create(Resource::Ticket, top, json!({"summary": "New one"}))
            .unwrap();
        assert_eq!(created["id"], 11);
        assert!(created["_info"]["lastUpdated"]
            .as_str()
            .unwrap()
            .ends_with('Z'));
        assert_eq!(s.rows(Resource::Ticket, top).len(), 11);

        let replaced = s
            .replace(Resource::Ticket, top, 11, json!({"summary": "Replaced"}))
            .unwrap();
        assert_eq!(
            (replaced["id"].clone(), replaced["summary"].clone()),
            (json!(11), json!("Replaced"))
        );
        assert_eq!(
            s.replace(Resource::Ticket, top, 99, json!({})),
            Err(WriteError::NotFound)
        );
        assert!(matches!(
            s.replace(Resource::Ticket, top, 11, json!([1])),
            Err(WriteError::Invalid { .. })
        ));

        s.delete(Resource::Ticket, top, 11).unwrap();
        assert!(!s.contains(Resource::Ticket, top, 11));
        assert_eq!(
            s.delete(Resource::Ticket, top, 11),
            Err(WriteError::NotFound)
        );
    }

    #[test]
    fn a_child_row_gets_its_parent_field() {
        let s = store();
        let note = s
            .create(
                Resource::ServiceNote,
                (None, Some(7)),
                json!({"text": "Hi"}),
            )
            .unwrap();
        assert_eq!(note["ticketId"], 7);
        let rows = s.rows(Resource::ServiceNote, (None, Some(7)));
        assert_eq!(rows.last(), Some(&note));
    }
}
