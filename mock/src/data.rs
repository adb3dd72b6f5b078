//! The rows the server answers with: loaded from a folder of JSON files, or generated from
//! the spec (see [`crate::generate`]) on first use of each resource and parent, then kept.
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
use crate::spec::Api;
use crate::MockError;
use connectwise_codegen::ir::Resource;
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// Grandparent and parent ids of a child resource's rows (`(None, None)` for top level).
pub(crate) type Parents = (Option<i32>, Option<i32>);

/// Rows shared between requests.
type Rows = Arc<Vec<Value>>;
/// A loaded resource's rows by parent.
type ByParent = HashMap<Parents, Rows>;

/// Rows by resource and parent.
#[derive(Debug)]
pub(crate) struct DataStore {
    params: Params,
    generate: bool,
    /// Loaded from the data folder: resource name -> parent -> rows.
    loaded: HashMap<String, ByParent>,
    generated: Mutex<HashMap<(String, Parents), Rows>>,
}

impl DataStore {
    pub fn new(
        api: &Api,
        params: Params,
        generate: bool,
        dir: Option<&Path>,
    ) -> Result<DataStore, MockError> {
        let loaded = match dir {
            Some(dir) => load_dir(api, dir)?,
            None => HashMap::new(),
        };
        Ok(DataStore {
            params,
            generate,
            loaded,
            generated: Mutex::new(HashMap::new()),
        })
    }

    /// The rows of `resource` under `parents`, in id order.
    pub fn rows(&self, api: &Api, resource: &Resource, parents: Parents) -> Rows {
        if let Some(by_parent) = self.loaded.get(&resource.name) {
            return by_parent.get(&parents).cloned().unwrap_or_default();
        }
        if !self.generate {
            return Arc::default();
        }
        let key = (resource.name.clone(), parents);
        // A poisoned lock only means another request panicked mid-insert of a complete
        // value; the map itself is fine.
        let mut cache = self
            .generated
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        cache
            .entry(key)
            .or_insert_with(|| Arc::new(generate::rows(&api.ir, &self.params, resource, parents)))
            .clone()
    }
}

fn load_dir(api: &Api, dir: &Path) -> Result<HashMap<String, ByParent>, MockError> {
    let data_error = |path: &Path, message: String| MockError::Data {
        path: path.to_owned(),
        message,
    };
    let entries = std::fs::read_dir(dir).map_err(|e| data_error(dir, e.to_string()))?;
    let mut out = HashMap::new();
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
        let Some(resource) = api.ir.resources.get(&name) else {
            let closest = api
                .ir
                .resources
                .keys()
                .map(|k| (strsim::jaro_winkler(&name, k), k))
                .filter(|(score, _)| *score > 0.8)
                .max_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(_, k)| format!(" (did you mean `{k}.json`?)"))
                .unwrap_or_default();
            return Err(data_error(
                &path,
                format!("`{name}` is not a resource of the spec{closest}"),
            ));
        };
        let bytes = std::fs::read(&path).map_err(|e| data_error(&path, e.to_string()))?;
        let value: Value =
            serde_json::from_slice(&bytes).map_err(|e| data_error(&path, e.to_string()))?;
        let arity = resource.keys.len();
        let mut by_parent = HashMap::new();
        match (arity, value) {
            (0, Value::Array(rows)) => {
                by_parent.insert((None, None), Arc::new(sorted(rows, &path)?));
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
                    by_parent.insert(parents, Arc::new(sorted(rows, &path)?));
                }
            }
            (_, _) => {
                return Err(data_error(
                    &path,
                    format!(
                    "`{}` is a child resource ({}): its file must be an object keyed by parent id",
                    resource.name, resource.path
                ),
                ))
            }
        }
        out.insert(name, by_parent);
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
