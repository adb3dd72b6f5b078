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

use crate::api::Api;
use crate::generate::{self, Params};
use crate::validate::{self, Problem};
use crate::MockError;
use connectwise::registry::Resource;
use connectwise_conditions::schema::FieldType;
use connectwise_conditions::Schema;
use serde::{Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

/// Grandparent and parent ids of a child resource's rows (`(None, None)` for top level).
pub(crate) type Parents = (Option<i32>, Option<i32>);

/// One table's rows, in id order, shared with the requests reading them (a write replaces
/// the table's `Arc`, so a reader keeps the rows it started with).
pub(crate) type Rows = Arc<Vec<Row>>;

/// A stored row and its JSON, serialized once when the row is stored: a page of a thousand
/// rows costs the server a copy of their bytes, not a thousand serializations (the fake
/// server shares the machine with the client it serves, in tests and benchmarks). Reads see
/// the row as a [`Value`] (`Deref`); it serializes as its stored JSON.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    value: Value,
    json: Box<RawValue>,
}

impl Row {
    pub fn new(value: Value) -> Row {
        // A `Value` always serializes (its keys are strings).
        let json = serde_json::value::to_raw_value(&value).unwrap_or_default();
        Row { value, json }
    }

    pub fn value(&self) -> &Value {
        &self.value
    }
}

impl std::ops::Deref for Row {
    type Target = Value;

    fn deref(&self) -> &Value {
        &self.value
    }
}

impl PartialEq for Row {
    fn eq(&self, other: &Row) -> bool {
        self.value == other.value
    }
}

impl PartialEq<Value> for Row {
    fn eq(&self, other: &Value) -> bool {
        self.value == *other
    }
}

impl Serialize for Row {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.json.serialize(serializer)
    }
}

/// Rows by resource and parent.
#[derive(Debug)]
pub(crate) struct Store {
    api: &'static Api,
    schema: &'static Schema,
    params: Params,
    generate: bool,
    /// Rows of top-level resources whose count is not `params.rows`.
    row_counts: HashMap<Resource, u32>,
    /// Resources with a file in the data folder: never generated.
    loaded: HashSet<Resource>,
    tables: Mutex<HashMap<(Resource, Parents), Rows>>,
    /// The highest id each table has given a created row: ids are not reused after a
    /// delete, as the API's are not.
    last_ids: Mutex<HashMap<(Resource, Parents), i64>>,
}

/// Why a write did not happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum WriteError {
    /// No row with that id.
    NotFound,
    /// The body or the patch is wrong: every problem found (see [`crate::validate`]).
    Invalid(Vec<Problem>),
}

/// A write to one table.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Write {
    /// A new row from a body (`POST`).
    Create(Value),
    /// Row `id` replaced by a body (`PUT`).
    Replace(i32, Value),
    /// JSON Patch operations applied to row `id` (`PATCH`).
    Patch(i32, Value),
    /// Row `id` removed (`DELETE`).
    Delete(i32),
}

/// What a write did: the row as now stored, or the row removed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Written {
    Created(Value),
    Replaced(Value),
    Patched(Value),
    Deleted(Value),
}

impl Written {
    /// The row as stored (the removed row for a delete).
    pub fn into_row(self) -> Value {
        match self {
            Written::Created(row)
            | Written::Replaced(row)
            | Written::Patched(row)
            | Written::Deleted(row) => row,
        }
    }
}

/// The member the API's writes are made by, in `_info/updatedBy` and `enteredBy`.
pub(crate) const API_MEMBER: &str = "APIMember";

/// Top-level fields the API fills in with the time of a create when the body lacks them.
const ENTERED_DATES: &[&str] = &["dateEntered", "dateCreated", "enteredDate", "createdDate"];
/// Top-level fields the API fills in with the member of a create when the body lacks them.
const ENTERED_BY: &[&str] = &["enteredBy", "createdBy"];

impl Store {
    pub fn new(
        api: &'static Api,
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
                    let rows = rows.into_iter().map(Row::new).collect();
                    tables.insert((resource, parents), Arc::new(rows));
                }
            }
        }
        Ok(Store {
            api,
            schema: &api.schema,
            params,
            generate,
            row_counts: HashMap::new(),
            loaded,
            tables: Mutex::new(tables),
            last_ids: Mutex::default(),
        })
    }

    /// Top-level resources with their own row count (of [`Params::rows`] otherwise).
    pub fn with_row_counts(mut self, row_counts: HashMap<Resource, u32>) -> Self {
        self.row_counts = row_counts;
        self
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
                let params = match self.row_counts.get(&resource) {
                    Some(&rows) => Params {
                        rows,
                        ..self.params
                    },
                    None => self.params,
                };
                let rows = generate::rows(self.api, &params, resource, parents);
                Arc::new(rows.into_iter().map(Row::new).collect())
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

    /// Adds `body` as a new row (see [`Store::write`]).
    #[cfg(test)]
    pub fn create(
        &self,
        resource: Resource,
        parents: Parents,
        body: Value,
    ) -> Result<Value, WriteError> {
        self.write(resource, parents, Write::Create(body))
            .map(Written::into_row)
    }

    /// Replaces row `id` with `body` (see [`Store::write`]).
    #[cfg(test)]
    pub fn replace(
        &self,
        resource: Resource,
        parents: Parents,
        id: i32,
        body: Value,
    ) -> Result<Value, WriteError> {
        self.write(resource, parents, Write::Replace(id, body))
            .map(Written::into_row)
    }

    /// Applies JSON Patch operations to row `id` (see [`Store::write`]).
    #[cfg(test)]
    pub fn patch(
        &self,
        resource: Resource,
        parents: Parents,
        id: i32,
        operations: Value,
    ) -> Result<Value, WriteError> {
        self.write(resource, parents, Write::Patch(id, operations))
            .map(Written::into_row)
    }

    /// Removes row `id` (see [`Store::write`]).
    #[cfg(test)]
    pub fn delete(&self, resource: Resource, parents: Parents, id: i32) -> Result<(), WriteError> {
        self.write(resource, parents, Write::Delete(id)).map(|_| ())
    }

    /// Applies one write to the rows of `resource` under `parents`, all of it or nothing: the
    /// one place where rows change.
    ///
    /// - A create checks the body against the model ([`crate::validate`]: every bad field is
    ///   reported), drops `id` and `_info`, and stores it with the next id (after the table's
    ///   last row and every id created before: a deleted row's id is not given again), the parent fields of a child row (`ticketId`) set from the path, `_info` filled
    ///   in as the API does (`lastUpdated`, `updatedBy`, `dateEntered`, `enteredBy`, those the
    ///   model's `_info` has) and, when the body lacks them, the model's `dateEntered`-like
    ///   and `enteredBy`-like fields.
    /// - A replace checks the body the same way and stores it with the row's id, its parent
    ///   fields, and its `_info` kept but for `lastUpdated` and `updatedBy`, set anew.
    /// - A patch checks the operations' paths and values, applies them to a copy of the row
    ///   and stores it with `_info` updated the same way.
    /// - A delete removes the row.
    ///
    /// A replace, patch or delete of a row that does not exist is [`WriteError::NotFound`]
    /// (before the body is looked at, as the API answers 404 first).
    pub fn write(
        &self,
        resource: Resource,
        parents: Parents,
        write: Write,
    ) -> Result<Written, WriteError> {
        let model = resource.info().model;
        let mut tables = self.tables();
        let table = self.table(&mut tables, resource, parents);
        // The highest id the table has had, before this write changes it. Locked after
        // `tables`, as everywhere: no deadlock.
        let mut last_ids = self.last_ids.lock().unwrap_or_else(|p| p.into_inner());
        let last_id = last_ids.entry((resource, parents)).or_insert(0);
        *last_id = (*last_id).max(table.last().and_then(|r| id_of(r)).unwrap_or(0));
        let found = |id: i32| position(table, id).map_err(|_| WriteError::NotFound);
        let now = generate::now();
        let (slot, written) = match write {
            Write::Create(body) => {
                let mut row = validate::body(self.api, model, body).map_err(WriteError::Invalid)?;
                self.set_parent_fields(&mut row, resource, parents);
                self.fill_created(&mut row, model, &now);
                let id = *last_id + 1;
                *last_id = id;
                let row = self.stamp(row, model, id, None, &now);
                (Slot::Append, Written::Created(row))
            }
            Write::Replace(id, body) => {
                let i = found(id)?;
                let mut row = validate::body(self.api, model, body).map_err(WriteError::Invalid)?;
                self.set_parent_fields(&mut row, resource, parents);
                let row = self.stamp(row, model, i64::from(id), table[i].get("_info"), &now);
                (Slot::At(i), Written::Replaced(row))
            }
            Write::Patch(id, operations) => {
                let i = found(id)?;
                let operations =
                    validate::patch(self.api, model, &operations).map_err(WriteError::Invalid)?;
                let mut row = table[i].value().clone();
                crate::patch::apply(&mut row, &operations).map_err(|(field, message)| {
                    WriteError::Invalid(vec![Problem::new(
                        field.trim_start_matches('/'),
                        validate::INVALID_PATCH,
                        message,
                    )])
                })?;
                let Value::Object(row) = row else {
                    return Err(WriteError::Invalid(vec![Problem::new(
                        "",
                        validate::INVALID_PATCH,
                        "the patch replaces the whole record",
                    )]));
                };
                let info = table[i].get("_info");
                let row = self.stamp(row, model, i64::from(id), info, &now);
                (Slot::At(i), Written::Patched(row))
            }
            Write::Delete(id) => {
                let i = found(id)?;
                (Slot::Remove(i), Written::Deleted(table[i].value().clone()))
            }
        };
        let rows = Arc::make_mut(table);
        match slot {
            Slot::Append => rows.push(Row::new(written.clone().into_row())),
            Slot::At(i) => rows[i] = Row::new(written.clone().into_row()),
            Slot::Remove(i) => {
                rows.remove(i);
            }
        }
        Ok(written)
    }

    /// A child row's parent fields (`ticketId`), from the path.
    fn set_parent_fields(
        &self,
        row: &mut Map<String, Value>,
        resource: Resource,
        parents: Parents,
    ) {
        for (field, id) in generate::parent_fields(self.schema, resource, parents) {
            row.insert(field, Value::from(id));
        }
    }

    /// The model's `dateEntered`- and `enteredBy`-like top-level fields the body lacks.
    fn fill_created(&self, row: &mut Map<String, Value>, model: &str, now: &str) {
        let Some(m) = self.schema.model(model) else {
            return;
        };
        for field in m.fields() {
            if row.get(&field.name).is_some_and(|v| !v.is_null()) {
                continue;
            }
            let value = if ENTERED_DATES.contains(&field.name.as_str()) {
                match field.ty {
                    FieldType::DateTime | FieldType::String => Value::from(now),
                    FieldType::Date => Value::from(&now[..10]),
                    _ => continue,
                }
            } else if ENTERED_BY.contains(&field.name.as_str()) && field.ty == FieldType::String {
                Value::from(API_MEMBER)
            } else {
                continue;
            };
            row.insert(field.name.clone(), value);
        }
    }

    /// The row with `id`, and `_info` (when the model has one) as the API writes it: `old`'s
    /// keys (a replaced or patched row's) with `lastUpdated` and `updatedBy` set to now and
    /// the API member, and, for a new row, `dateEntered` and `enteredBy` too; only keys the
    /// model's `_info` can hold.
    fn stamp(
        &self,
        mut row: Map<String, Value>,
        model: &str,
        id: i64,
        old: Option<&Value>,
        now: &str,
    ) -> Value {
        row.insert("id".into(), Value::from(id));
        let info_type = match self.schema.model(model) {
            Some(m) => m.field("_info").map(|f| f.ty.clone()),
            None => Some(FieldType::Map),
        };
        let info_model = match &info_type {
            Some(FieldType::Object(name)) => self.schema.model(name),
            _ => None,
        };
        let holds = |key: &str| match (&info_type, info_model) {
            (Some(FieldType::Map), _) => true,
            (Some(FieldType::Object(_)), Some(m)) => {
                m.field(key).is_some() || m.additional.is_some()
            }
            _ => false,
        };
        if info_type.is_none() {
            row.remove("_info");
            return Value::Object(row);
        }
        let mut info = match old {
            Some(Value::Object(old)) => old.clone(),
            _ => Map::new(),
        };
        let mut set = |key: &str, value: &str| {
            if holds(key) {
                info.insert(key.to_owned(), Value::from(value));
            }
        };
        set("lastUpdated", now);
        set("updatedBy", API_MEMBER);
        if old.is_none() {
            set("dateEntered", now);
            set("enteredBy", API_MEMBER);
        }
        row.insert("_info".into(), Value::Object(info));
        Value::Object(row)
    }
}

/// Where a write puts its row.
enum Slot {
    Append,
    At(usize),
    Remove(usize),
}

/// Where row `id` is (or would be) in id-ordered rows.
fn position(rows: &[Row], id: i32) -> Result<usize, usize> {
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
        Store::new(api, params, true, None).unwrap()
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
            Err(WriteError::Invalid(_))
        ));

        s.delete(Resource::Ticket, top, 11).unwrap();
        assert!(!s.contains(Resource::Ticket, top, 11));
        assert_eq!(
            s.delete(Resource::Ticket, top, 11),
            Err(WriteError::NotFound)
        );
        // The deleted last row's id is not given again, a generated one's neither.
        let next = s.create(Resource::Ticket, top, json!({})).unwrap();
        assert_eq!(next["id"], 12);
        s.delete(Resource::Board, top, 5).unwrap();
        let next = s.create(Resource::Board, top, json!({})).unwrap();
        assert_eq!(next["id"], 6);
    }

    #[test]
    fn a_patch_is_all_or_nothing() {
        let s = store();
        let top = (None, None);
        let before = s.rows(Resource::Ticket, top)[2].clone();
        let refused = s.patch(
            Resource::Ticket,
            top,
            3,
            json!([
                {"op": "replace", "path": "summary", "value": "changed"},
                {"op": "replace", "path": "status/id", "value": "x"},
            ]),
        );
        let Err(WriteError::Invalid(problems)) = refused else {
            panic!("{refused:?}");
        };
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].field, "status/id");
        assert_eq!(s.rows(Resource::Ticket, top)[2], before);
        let row = s
            .patch(
                Resource::Ticket,
                top,
                3,
                json!([{"op": "replace", "path": "status", "value": {"id": 2}}]),
            )
            .unwrap();
        assert_eq!(row["status"], json!({"id": 2}));
        assert_eq!(s.rows(Resource::Ticket, top)[2], row);
        assert_eq!(
            s.patch(Resource::Ticket, top, 99, json!([])),
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
        assert_eq!(rows.last().map(Row::value), Some(&note));
    }
}
