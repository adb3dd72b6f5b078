//! The intermediate representation: what the spec means for a Rust client, with every name
//! already decided. Built from `openapiv3::OpenAPI` (+ overrides) by [`build`]; the emitter
//! only walks it.
//!
//! # Resource naming
//!
//! One resource per GET collection endpoint (a GET whose 200 response is an array of a
//! component schema). Resources are named after their model, in snake_case: `Ticket` ->
//! `ticket`, `PurchaseOrderLineItem` -> `purchase_order_line_item`. Some models are listed on
//! more than one path (32 in the full-scale spec: `Member` on `/system/members` and
//! `/system/members/withSso`, `ConfigurationReference` under agreements and project and
//! service tickets, ...). For those:
//!
//! 1. The *primary* path keeps the model's name: the path with the fewest segments, then the
//!    fewest parameters, then the smallest string. `/system/members` is `member`.
//! 2. Every other path is named `<model>_<qualifier>`, the qualifier being the path's segments
//!    that the primary path does not have, in order, snake_cased, a parameter `{parentId}`
//!    spelled `by_parent_id`: `/system/members/withSso` is `member_with_sso`,
//!    `/service/tickets/{parentId}/configurations` (primary under `/finance/agreements`) is
//!    `configuration_reference_service_tickets`.
//! 3. Names set in the overrides file win; then primary names; a name still taken by then
//!    gets `_2`, `_3`, ... in path order.
//!
//! Path parameters map to the Bundle `apiRequest` keys: `{grandparentId}`/`{grandParentId}`
//! -> `grandParentId`, `{parentId}` -> `parentId`, `{id}` -> `id`. A list path with another
//! parameter name cannot be expressed in a bundle and is skipped with a warning.

mod cycles;
mod homes;
mod names;
mod operations;
mod resources;
mod schema;

pub use operations::{Body, Method, Operation, OperationKind, ParamType, Response, Segment};

use crate::error::{Diagnostic, Error};
use crate::overrides::Overrides;
use openapiv3::{OpenAPI, ReferenceOr, Schema};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The whole API, ready to emit.
#[derive(Debug, Clone, Default)]
pub struct Ir {
    /// `info.title`.
    pub title: String,
    /// `info.version`: the default for the `Accept` header and the bundle's `version`.
    pub version: String,
    /// Structs, by Rust name.
    pub models: BTreeMap<String, Model>,
    /// Open enums, by Rust name.
    pub enums: BTreeMap<String, EnumDef>,
    /// Type aliases for component schemas that are not objects (`type: string`, arrays).
    pub aliases: BTreeMap<String, Alias>,
    /// Resources, by snake_case name.
    pub resources: BTreeMap<String, Resource>,
    /// Every operation of the spec, sorted by (group, function); see `operations.rs`.
    pub operations: Vec<Operation>,
    /// The spec's paths that were repaired (overrides, trailing slashes): (as spelled, as sent).
    pub repairs: Vec<(String, String)>,
    /// The API modules (first path segment): `company`, `service`, ...
    pub modules: BTreeSet<String>,
    /// Problems that did not stop generation (skipped paths, unused overrides).
    pub warnings: Vec<Diagnostic>,
    /// Every component schema's name -> the Rust name of the type generated for it.
    pub components: BTreeMap<String, String>,
    /// Callback type (`ticket`) -> Rust model name, from the overrides' `callbacks` table.
    pub callbacks: BTreeMap<String, String>,
}

/// Where a generated type lives: in one API module (compiled only with that module's feature)
/// or shared by several (always compiled).
pub type Home = Option<String>;

/// A struct generated from an object schema.
#[derive(Debug, Clone)]
pub struct Model {
    /// The component schema's name (`Company.Configuration`), or `Owner.field` for an inline
    /// object schema.
    pub schema: String,
    /// The Rust type name.
    pub name: String,
    /// The schema's `description`, trimmed: the struct's doc comment.
    pub doc: Option<String>,
    /// The schema's properties, in spec order.
    pub fields: Vec<Field>,
    /// Type of the values of properties not listed (`additionalProperties` next to
    /// `properties`, as the real `Ticket._info` has): kept in a flattened map.
    pub additional: Option<Type>,
    /// The API module the struct is generated in, or `None` when shared.
    pub home: Home,
}

/// One property of a model. Every field is optional in the generated struct.
#[derive(Debug, Clone)]
pub struct Field {
    /// The JSON property name.
    pub json: String,
    /// The Rust field name (may be raw: `r#type`).
    pub name: String,
    /// The Rust type, without the `Option`.
    pub ty: Type,
    /// The property's `description`, trimmed: the field's doc comment.
    pub doc: Option<String>,
    /// True when the field closes a cycle of structs and must be boxed.
    pub boxed: bool,
    /// The spec's `format` of a string property when it is not a type of its own (`uuid`,
    /// `byte`, `binary`; `date` and `date-time` are `Type::Date`/`Type::DateTime`): for the
    /// condition schema's `formats`, which the fake server generates and checks values with.
    pub format: Option<String>,
}

/// A field's type, before `Option<...>`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Type {
    /// `type: string` without a format of its own: `String`.
    String,
    /// `type: boolean`: `bool`.
    Bool,
    /// `type: integer, format: int32`: `i32`.
    I32,
    /// `type: integer` with format `int64` or none: `i64`.
    I64,
    /// `type: number`: `f64`.
    F64,
    /// `format: date-time`: the runtime's lenient date-time type.
    DateTime,
    /// `format: date`: the runtime's lenient date type.
    Date,
    /// Free-form JSON.
    Json,
    /// `type: array` of the inner type: `Vec<_>`.
    List(Box<Type>),
    /// `additionalProperties`: a map from string keys.
    Map(Box<Type>),
    /// A property `_info` that is a map of scalars (every model's metadata: `lastUpdated`,
    /// `updatedBy`, links): the runtime's `Info`, that map kept as compact JSON.
    Info,
    /// A generated struct, enum or alias, by Rust name.
    Named(String),
}

/// An open string enum: known values as variants, anything else kept in `Unknown(String)`.
#[derive(Debug, Clone)]
pub struct EnumDef {
    /// Component schema name or `Owner.field`.
    pub schema: String,
    /// The Rust type name.
    pub name: String,
    /// The schema's `description`, trimmed: the enum's doc comment.
    pub doc: Option<String>,
    /// (variant name, JSON value), in spec order.
    pub variants: Vec<(String, String)>,
    /// The API module the enum is generated in, or `None` when shared.
    pub home: Home,
}

/// `pub type Name = Type;` for a non-object component schema.
#[derive(Debug, Clone)]
pub struct Alias {
    /// The component schema's name.
    pub schema: String,
    /// The Rust type name.
    pub name: String,
    /// The schema's `description`, trimmed: the alias's doc comment.
    pub doc: Option<String>,
    /// The type the alias stands for.
    pub ty: Type,
    /// The API module the alias is generated in, or `None` when shared.
    pub home: Home,
}

/// A path parameter as the Bundle endpoint names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PathKey {
    /// `{grandparentId}`/`{grandParentId}`: the bundle key `grandParentId`.
    GrandParentId,
    /// `{parentId}`: the bundle key `parentId`.
    ParentId,
    /// `{id}`: the bundle key `id`.
    Id,
}

impl PathKey {
    /// The bundle key a path parameter is (`id`, `parentId`, `grandparentId`, any case).
    pub fn of(param: &str) -> Option<Self> {
        match param.to_ascii_lowercase().as_str() {
            "grandparentid" => Some(PathKey::GrandParentId),
            "parentid" => Some(PathKey::ParentId),
            "id" => Some(PathKey::Id),
            _ => None,
        }
    }
}

/// One list endpoint and its get-by-id sibling.
#[derive(Debug, Clone)]
pub struct Resource {
    /// snake_case, unique: what `bundle!` calls it.
    pub name: String,
    /// What the Bundle endpoint's `resourceType` carries.
    pub resource_type: String,
    /// Rust name of the model each entity decodes into.
    pub model: String,
    /// The model's component schema name.
    pub schema: String,
    /// The list path template, as in the spec: `/procurement/purchaseorders/{parentId}/lineitems`.
    pub path: String,
    /// The path's parameters in template order, with their spelling in the template.
    pub keys: Vec<(PathKey, String)>,
    /// The get-by-id path, when the spec has `GET {path}/{id}` returning the same model.
    pub get_path: Option<String>,
    /// The count path, when the spec has `GET {path}/count`.
    pub count_path: Option<String>,
    /// The list operation's query parameters (`conditions`, `pageId`, ...), in spec order.
    pub query: Vec<String>,
    /// The API module: the path's first segment.
    pub module: String,
    /// The list operation's summary.
    pub doc: Option<String>,
    /// Whether this is its model's primary resource (the model's `list`/`get` go to it).
    pub primary: bool,
    /// Another read of the spec that a bundle sub-request for this list (or its count) would
    /// be taken for, when there is one: a sub-request names its resource only by
    /// `resourceType` and the ids it carries, and that read shares both. `None` for nearly
    /// all; see [`bundle_clashes`] for who wins.
    pub list_clash: Option<String>,
    /// The same for a get-by-id sub-request (`None` without a get path).
    pub get_clash: Option<String>,
}

impl Resource {
    /// Number of parent levels: 0, 1 (`parentId`) or 2 (`grandParentId` too).
    pub fn parent_arity(&self) -> usize {
        self.keys.iter().filter(|(k, _)| *k != PathKey::Id).count()
    }

    /// Whether the endpoint supports forward-only paging (`pageId`).
    pub fn supports_page_id(&self) -> bool {
        self.query.iter().any(|q| q == "pageId")
    }
}

/// Builds the IR. All problems in the spec are collected and returned together.
pub fn build(spec: &OpenAPI, overrides: &Overrides, path: &Path) -> Result<Ir, Error> {
    let mut b = Builder {
        spec,
        overrides,
        diags: Vec::new(),
        warnings: Vec::new(),
        names: BTreeMap::new(),
        taken: BTreeSet::new(),
        models: BTreeMap::new(),
        enums: BTreeMap::new(),
        aliases: BTreeMap::new(),
        repairs: Vec::new(),
    };
    b.check_version();
    b.name_schemas();
    b.convert_schemas();
    b.check_alias_cycles();
    let mut resources = b.resources();
    let operations = b.operations(&mut resources);
    bundle_clashes(&mut resources);
    let has_callbacks = spec.paths.paths.contains_key("/system/callbacks");
    let (callbacks, errors, warnings) =
        crate::emit_callbacks::resolve(&b.overrides.callbacks, &b.names, &b.models, has_callbacks);
    b.diags.extend(errors);
    b.warnings.extend(warnings);
    if !b.diags.is_empty() {
        return Err(Error::Spec {
            path: path.to_owned(),
            diagnostics: b.diags,
        });
    }
    let modules: BTreeSet<String> = resources.values().map(|r| r.module.clone()).collect();
    let mut ir = Ir {
        title: spec.info.title.clone(),
        version: spec.info.version.clone(),
        models: b.models,
        enums: b.enums,
        aliases: b.aliases,
        resources,
        operations,
        repairs: b.repairs,
        modules,
        warnings: b.warnings,
        components: b.names.clone(),
        callbacks,
    };
    homes::assign_homes(&mut ir, spec, &b.names);
    cycles::box_cycles(&mut ir);
    Ok(ir)
}

/// Sets each resource's `list_clash` and `get_clash`. A bundle sub-request carries a
/// `resourceType` (compared without regard to case, as the API does) and the ids it has: a
/// list sends its path's keys, a get-by-id those and `id`. Reads with the same type and the
/// same set of keys cannot be told apart by the API, whichever resources they belong to (a
/// list whose path ends in `{id}/usages` looks like another resource's get-by-id). Where one
/// of them has a shorter path than every other (the plain collection: `/system/members`
/// against `/system/members/withSso`, `/service/tickets` against
/// `/service/tickets/calculateSla`), the sub-request means it and the others clash with it;
/// where none does (`/service/tickets/{parentId}/timeentries` and
/// `/project/tickets/{parentId}/timeentries`, the hundred `Usage` lists), every one of them
/// clashes with the first other by name.
pub fn bundle_clashes(resources: &mut BTreeMap<String, Resource>) {
    type Shape = (String, Vec<PathKey>);
    // (name, whether the get-by-id, path length in segments), by wire shape.
    let mut groups: BTreeMap<Shape, Vec<(String, bool, usize)>> = BTreeMap::new();
    for r in resources.values() {
        let mut keys: Vec<PathKey> = r.keys.iter().map(|(k, _)| *k).collect();
        keys.sort();
        let ty = r.resource_type.to_ascii_lowercase();
        let length = |p: &str| resources::segments(p).len();
        if let Some(get) = &r.get_path {
            let mut keys = keys.clone();
            keys.push(PathKey::Id);
            keys.sort();
            groups
                .entry((ty.clone(), keys))
                .or_default()
                .push((r.name.clone(), true, length(get)));
        }
        groups
            .entry((ty, keys))
            .or_default()
            .push((r.name.clone(), false, length(&r.path)));
    }
    for reads in groups.values().filter(|reads| reads.len() > 1) {
        let shortest = reads.iter().map(|(_, _, n)| *n).min().unwrap_or(0);
        let mut at_shortest = reads.iter().filter(|(_, _, n)| *n == shortest);
        let winner = match (at_shortest.next(), at_shortest.next()) {
            (Some(w), None) => Some(w),
            _ => None,
        };
        for read in reads {
            let clash = match winner {
                Some(w) if w == read => None,
                Some(w) => Some(w.0.clone()),
                None => reads
                    .iter()
                    .filter(|other| *other != read)
                    .map(|other| other.0.clone())
                    .min(),
            };
            if let Some(r) = resources.get_mut(&read.0) {
                if read.1 {
                    r.get_clash = clash;
                } else {
                    r.list_clash = clash;
                }
            }
        }
    }
}

struct Builder<'a> {
    spec: &'a OpenAPI,
    overrides: &'a Overrides,
    diags: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
    /// Component schema name -> Rust type name.
    names: BTreeMap<String, String>,
    /// Every Rust type name handed out so far.
    taken: BTreeSet<String>,
    models: BTreeMap<String, Model>,
    enums: BTreeMap<String, EnumDef>,
    aliases: BTreeMap<String, Alias>,
    /// Paths repaired so far: (as spelled, as sent).
    repairs: Vec<(String, String)>,
}

impl<'a> Builder<'a> {
    fn diag(&mut self, pointer: String, schema: Option<&str>, message: String) {
        self.diags.push(Diagnostic {
            pointer,
            schema: schema.map(str::to_owned),
            message,
        });
    }

    fn check_version(&mut self) {
        if self.spec.info.version.trim().is_empty() {
            self.diag(
                "#/info/version".into(),
                None,
                "is empty; the API version is needed for the Accept header".into(),
            );
        }
    }

    fn schemas(&self) -> impl Iterator<Item = (&'a String, &'a ReferenceOr<Schema>)> {
        self.spec.components.iter().flat_map(|c| c.schemas.iter())
    }
}

/// Unescapes one JSON pointer token (`~1` -> `/`, `~0` -> `~`).
fn unescape_pointer(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Collects the named types `ty` mentions (through lists and maps).
fn named_in<'t>(ty: &'t Type, out: &mut BTreeSet<&'t str>) {
    match ty {
        Type::Named(n) => {
            out.insert(n);
        }
        Type::List(t) | Type::Map(t) => named_in(t, out),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resource(name: &str, ty: &str, path: &str, get: bool) -> (String, Resource) {
        let keys = resources::params(path)
            .into_iter()
            .filter_map(|p| Some((PathKey::of(p)?, p.to_owned())))
            .collect();
        let r = Resource {
            name: name.into(),
            resource_type: ty.into(),
            model: ty.into(),
            schema: ty.into(),
            path: path.into(),
            keys,
            get_path: get.then(|| format!("{path}/{{id}}")),
            count_path: None,
            query: Vec::new(),
            module: "m".into(),
            doc: None,
            primary: false,
            list_clash: None,
            get_clash: None,
        };
        (name.to_owned(), r)
    }

    fn clashes(resources: &[(String, Resource)]) -> Vec<(String, Option<String>, Option<String>)> {
        let mut map: BTreeMap<String, Resource> = resources.iter().cloned().collect();
        bundle_clashes(&mut map);
        map.into_values()
            .map(|r| (r.name, r.list_clash, r.get_clash))
            .collect()
    }

    fn row(
        name: &str,
        list: Option<&str>,
        get: Option<&str>,
    ) -> (String, Option<String>, Option<String>) {
        (name.into(), list.map(Into::into), get.map(Into::into))
    }

    #[test]
    fn the_plain_collection_wins_and_the_others_clash_with_it() {
        let out = clashes(&[
            resource("member", "Member", "/system/members", true),
            resource(
                "member_with_sso",
                "Member",
                "/system/members/withSso",
                false,
            ),
            resource("ticket", "Ticket", "/service/tickets", true),
        ]);
        assert_eq!(
            out,
            [
                row("member", None, None),
                row("member_with_sso", Some("member"), None),
                row("ticket", None, None),
            ]
        );
    }

    #[test]
    fn without_a_shortest_path_every_read_clashes_and_case_does_not_tell_types_apart() {
        let out = clashes(&[
            resource(
                "te_project",
                "TimeEntryReference",
                "/project/tickets/{parentId}/timeentries",
                false,
            ),
            resource(
                "te_service",
                "timeentryreference",
                "/service/tickets/{parentId}/timeentries",
                false,
            ),
            // Another parent arity: told apart by its ids.
            resource("te_all", "TimeEntryReference", "/time/entries", false),
        ]);
        assert_eq!(
            out,
            [
                row("te_all", None, None),
                row("te_project", Some("te_service"), None),
                row("te_service", Some("te_project"), None),
            ]
        );
    }

    #[test]
    fn a_list_under_an_id_looks_like_another_resources_get_by_id() {
        // `GET /company/companies/types/{id}/usages` sends `id`, as a get-by-id of `usage`
        // (`GET /usages/{id}`) does; the get's path is the shorter one, so it wins.
        let out = clashes(&[
            resource("usage", "Usage", "/usages", true),
            resource(
                "usage_company_types",
                "Usage",
                "/company/companies/types/{id}/usages",
                false,
            ),
            resource(
                "usage_company_statuses",
                "Usage",
                "/company/companies/statuses/{id}/usages",
                false,
            ),
        ]);
        assert_eq!(
            out,
            [
                row("usage", None, None),
                row("usage_company_statuses", Some("usage"), None),
                row("usage_company_types", Some("usage"), None),
            ]
        );
    }
}
