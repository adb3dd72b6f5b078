//! The patch layer: small, reviewed fixes applied after a spec is loaded, so nobody edits a
//! vendor spec by hand. One JSON file (`specs/overrides.json`):
//!
//! ```json
//! {
//!   "resources": {
//!     "/service/tickets/{parentId}/notes": { "name": "service_note", "resource_type": "ServiceNote" }
//!   },
//!   "fields": {
//!     "CustomFieldValue": { "value": { "type": "any", "reason": "string, number or bool" } }
//!   }
//! }
//! ```
//!
//! - `resources`, keyed by list path: `name` (the snake_case resource name, as `bundle!` spells
//!   it) and `resource_type` (what the Bundle endpoint's `resourceType` carries).
//! - `fields`, keyed by schema then JSON property: `type` is one of `string`, `integer`
//!   (i64), `int32`, `number`, `boolean`, `date-time`, `date`, `any` (free JSON).
//! - `paths`, keyed by the spec's spelling of a path: `path`, the repaired path the operations
//!   are named after and sent to (`/finance/agreements/types{id}/copy` ->
//!   `/finance/agreements/types/{id}/copy`). These name typos of particular spec versions,
//!   so one the spec lacks is not reported.
//! - `callbacks`, keyed by callback type (`ticket`): the component schema (or Rust model name)
//!   the callback's record decodes into (`Ticket`, `Company.Configuration`). Unlike the
//!   others, a name the spec lacks is an error when the spec has `/system/callbacks` (the
//!   runtime's `Event` enum is built from it); in a cut-down spec without them, a warning.
//!
//! An override that names a path, schema or property the spec does not have is not an error
//! (the same file serves every spec version) but is reported as a warning.

use crate::error::Error;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// The parsed overrides file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overrides {
    /// Free text for humans; ignored.
    #[serde(default, rename = "$comment")]
    pub comment: Option<serde_json::Value>,
    /// Per list path.
    #[serde(default)]
    pub resources: BTreeMap<String, ResourceOverride>,
    /// Per schema name, per JSON property name.
    #[serde(default)]
    pub fields: BTreeMap<String, BTreeMap<String, FieldOverride>>,
    /// Paths the spec spells wrongly, keyed by the spec's spelling. Only the vendor specs
    /// that have the typo have the path, so an unmatched entry is not reported.
    #[serde(default)]
    pub paths: BTreeMap<String, PathOverride>,
    /// Callback types (the `Type` of a callback, lower case) -> the component schema (or Rust
    /// model name) its `Entity` decodes into; see `emit_callbacks`. A name that is no model
    /// of a spec with `/system/callbacks` is an error.
    #[serde(default)]
    pub callbacks: BTreeMap<String, String>,
}

/// A repaired path.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathOverride {
    /// The path as the operation is sent.
    pub path: String,
    /// Why; ignored.
    pub reason: Option<String>,
}

/// Fixes for one resource (one list path).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceOverride {
    /// The resource's snake_case name.
    pub name: Option<String>,
    /// The Bundle endpoint's `resourceType` for it.
    pub resource_type: Option<String>,
    /// Why; ignored.
    pub reason: Option<String>,
}

/// A replacement type for one property.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldOverride {
    /// The type the property gets instead of the spec's.
    #[serde(rename = "type")]
    pub ty: FieldTypeOverride,
    /// Why; ignored.
    pub reason: Option<String>,
}

/// The types a property can be overridden to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FieldTypeOverride {
    /// `"string"`: `String`.
    String,
    /// `"integer"`: `i64`.
    Integer,
    /// `"int32"`: `i32`.
    Int32,
    /// `"number"`: `f64`.
    Number,
    /// `"boolean"`: `bool`.
    Boolean,
    /// `"date-time"`: the runtime's lenient date-time type.
    DateTime,
    /// `"date"`: the runtime's lenient date type.
    Date,
    /// `"any"`: free-form JSON (`serde_json::Value`).
    Any,
}

impl Overrides {
    /// Reads an overrides file.
    pub fn read(path: &Path) -> Result<Self, Error> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        Self::parse(&bytes, path)
    }

    /// Parses overrides from bytes; `path` is only used in error messages.
    pub fn parse(bytes: &[u8], path: &Path) -> Result<Self, Error> {
        let overrides: Overrides = serde_json::from_slice(bytes).map_err(|e| Error::Overrides {
            path: path.to_owned(),
            message: e.to_string(),
        })?;
        for (p, r) in &overrides.resources {
            if let Some(name) = &r.name {
                let ok = !name.is_empty()
                    && name
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                    && !name.starts_with(|c: char| c.is_ascii_digit());
                if !ok {
                    return Err(Error::Overrides {
                        path: path.to_owned(),
                        message: format!(
                            "resources.{p:?}.name {name:?} is not a snake_case identifier"
                        ),
                    });
                }
            }
        }
        Ok(overrides)
    }
}
