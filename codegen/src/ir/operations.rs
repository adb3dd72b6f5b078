//! Paths -> operations: every (method, path) of the spec, with its kind, group, constructor
//! name, parsed path, query, body and response. Resources (the bundle-able reads) were found
//! first; this step places every operation under one, or under a group named after its path.
//!
//! # Operation naming
//!
//! Each operation gets a *group* (the module of `connectwise::resources` its constructor is
//! in) and a *function* name, decided in this order:
//!
//! 1. **Paths are repaired first.** The overrides file's `paths` section rewrites a path the
//!    spec spells wrongly (`/finance/agreements/types{id}/copy` ->
//!    `/finance/agreements/types/{id}/copy`); a trailing slash is dropped. The request is sent
//!    to the repaired path.
//! 2. **Group.** The longest prefix of the path (whole segments, literal segments compared
//!    without regard to case) that is a resource's list path: `POST
//!    /service/tickets/{id}/copy` is in `ticket`, `POST /system/AllowedFileTypes` in
//!    `allowed_file_type`. A path under no resource is grouped by its own literal segments,
//!    without trailing parameters and `count`: `GET /system/info` is in `system_info`.
//! 3. **Function**, from what follows the group's path (the *tail*):
//!    - nothing: `list` (GET of a list), `get` (GET of one record), `create` (POST), `put`,
//!      `patch`, `delete`;
//!    - one parameter (`/{id}`): `get`, `put`, `patch`, `delete` (and `post`);
//!    - `count` (GET): `count`;
//!    - anything else is an *action*, named after the tail's literal segments in snake_case:
//!      POST `copy`, `merge`, `bulk`, `search`; other methods take their method as a prefix:
//!      `get_info`, `put_bulk`, `delete_bulk`.
//! 4. **Collisions within a group** (the spec has a few): the operation whose path has only
//!    the standard ids (`{id}`, `{parentId}`, `{grandparentId}`) and the most of them keeps
//!    the name; one with another parameter becomes `<name>_by_<parameter>`
//!    (`get_by_member_identifier`), one with fewer ids `<name>_all` (`put_all` for
//!    `PUT .../forecast` next to `PUT .../forecast/{id}`), and any other `<method>_<name>`;
//!    anything still taken is numbered `_2`, `_3` in path order.
//!
//! Kinds: list, get, count, create, replace (PUT), patch, delete, action. A POST is idempotent
//! only for the read-only bundle endpoints (`/system/bundles`, `/system/bundles/count`).

use super::resources::segments;
use super::{unescape_pointer, Builder, PathKey, Resource, Type};
use crate::error::{path_pointer, Diagnostic};
use crate::names::{snake_ident, unique_names, unraw};
use openapiv3::{
    Operation as OaOperation, Parameter, ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind,
    StatusCode, StringFormat, Type as OaType, VariantOrUnknownOrEmpty,
};
use std::collections::{BTreeMap, BTreeSet};

/// An HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Method {
    /// `GET`: reads.
    Get,
    /// `POST`: creates, actions, and the bundle endpoint.
    Post,
    /// `PUT`: replaces a record.
    Put,
    /// `PATCH`: changes a record with JSON Patch operations.
    Patch,
    /// `DELETE`: deletes a record.
    Delete,
}

impl Method {
    /// `get`, `post`, ... (as in the spec and in action names).
    pub fn lower(self) -> &'static str {
        match self {
            Method::Get => "get",
            Method::Post => "post",
            Method::Put => "put",
            Method::Patch => "patch",
            Method::Delete => "delete",
        }
    }
}

/// What an operation does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OperationKind {
    /// `GET` of the group's path: a page of records.
    List,
    /// `GET` of one record (`/{id}`, or a path that returns one value).
    Get,
    /// `GET .../count`: the number of records matching the conditions.
    Count,
    /// `POST` of the group's path: a new record.
    Create,
    /// `PUT`: replaces a record.
    Replace,
    /// `PATCH`: changes a record with JSON Patch operations.
    Patch,
    /// `DELETE`: deletes a record.
    Delete,
    /// Anything else (`copy`, `merge`, `bulk`, `get_info`, ...): named after the path's tail.
    Action,
}

/// One segment of a parsed path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Literal text between slashes (`service`, `tickets`).
    Literal(String),
    /// A `{parameter}`.
    Param {
        /// The name between the braces.
        name: String,
        /// The bundle key it is, if any.
        key: Option<PathKey>,
        /// The Rust type the constructor takes for it.
        ty: ParamType,
    },
}

/// The type of a path parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    /// `i32`: declared `int32`, and every standard id (`id`, `parentId`, `grandparentId`).
    I32,
    /// `i64`: another integer parameter.
    I64,
    /// `&str`: a string parameter, or one whose type is not declared.
    Text,
}

/// An operation's request body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// No request body.
    None,
    /// One value of a generated type (by Rust name).
    Model(String),
    /// A JSON array of a generated type.
    ModelList(String),
    /// JSON Patch operations.
    Patch,
    /// JSON of another shape.
    Json(Type),
    /// Raw bytes, with this content type (uploads).
    Bytes(String),
}

/// An operation's successful response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    /// No success response with content (`204 No Content`, or none declared).
    None,
    /// One value of a generated type (by Rust name).
    Model(String),
    /// A JSON array of a generated type.
    List(String),
    /// `{"count": n}`.
    Count,
    /// JSON of another shape.
    Json(Type),
    /// Raw bytes (downloads).
    Bytes,
}

/// One operation of the spec.
#[derive(Debug, Clone)]
pub struct Operation {
    /// The module of `resources` its constructor is in.
    pub group: String,
    /// The constructor's name (may be a raw identifier).
    pub function: String,
    /// The HTTP method.
    pub method: Method,
    /// What the operation does, which decided its function name.
    pub kind: OperationKind,
    /// The path as sent: the spec's, repaired.
    pub path: String,
    /// The path as the spec spells it.
    pub spec_path: String,
    /// The repaired path, parsed into literals and typed parameters.
    pub segments: Vec<Segment>,
    /// Query parameter names, in spec order.
    pub query: Vec<String>,
    /// What the request sends.
    pub body: Body,
    /// What a successful response decodes into.
    pub response: Response,
    /// Whether the request may be retried safely: GET, PUT, DELETE and the bundle reads.
    pub idempotent: bool,
    /// The resource the group is, if it is one.
    pub resource: Option<String>,
    /// The API module (first path segment).
    pub module: String,
    /// The spec's `summary` (or `description`), trimmed: the constructor's doc comment.
    pub summary: Option<String>,
}

impl Operation {
    /// The parameters, in path order.
    pub fn params(&self) -> impl Iterator<Item = (&str, Option<PathKey>, ParamType)> {
        self.segments.iter().filter_map(|s| match s {
            Segment::Param { name, key, ty } => Some((name.as_str(), *key, *ty)),
            Segment::Literal(_) => None,
        })
    }
}

/// A spec operation with its repaired path, before naming.
struct Raw<'a> {
    path: String,
    spec_path: &'a str,
    method: Method,
    op: &'a OaOperation,
}

impl<'a> Builder<'a> {
    /// Every operation of the spec, grouped and named (see the module doc), sorted by (group,
    /// function). Sets each resource's `count_path`.
    pub(super) fn operations(
        &mut self,
        resources: &mut BTreeMap<String, Resource>,
    ) -> Vec<Operation> {
        let raws = self.raw_operations();
        // Lower-cased list path -> resource name.
        let lists: BTreeMap<String, &str> = resources
            .values()
            .map(|r| {
                (
                    segments(&r.path).join("/").to_ascii_lowercase(),
                    r.name.as_str(),
                )
            })
            .collect();
        // Group names for paths under no resource must not take a resource's name.
        let mut taken: BTreeSet<String> = resources.keys().cloned().collect();
        let mut loose: BTreeMap<String, String> = BTreeMap::new();
        struct Placed<'a> {
            raw: Raw<'a>,
            group_key: String,
            resource: Option<String>,
            tail: Vec<String>,
        }
        let mut placed = Vec::with_capacity(raws.len());
        for raw in raws {
            let segs = segments(&raw.path);
            let found = (1..=segs.len()).rev().find_map(|k| {
                let key = segs[..k].join("/").to_ascii_lowercase();
                lists.get(&key).map(|name| (k, (*name).to_owned()))
            });
            let (k, group_key, resource) = match found {
                Some((k, name)) => (k, name.clone(), Some(name)),
                None => {
                    // The literal segments before the first parameter, without a `count`.
                    let mut k = segs.iter().position(|s| is_param(s)).unwrap_or(segs.len());
                    while k > 1 && segs[k - 1].eq_ignore_ascii_case("count") {
                        k -= 1;
                    }
                    let words: Vec<String> = segs[..k]
                        .iter()
                        .filter(|s| !is_param(s))
                        .map(|s| unraw(&snake_ident(s)).to_owned())
                        .collect();
                    let words = if words.is_empty() {
                        "root".to_owned()
                    } else {
                        words.join("_")
                    };
                    let key = format!("~{}", segs[..k].join("/").to_ascii_lowercase());
                    loose.entry(key.clone()).or_insert(words);
                    (k, key, None)
                }
            };
            let tail = segs[k..].iter().map(|s| s.to_string()).collect();
            placed.push(Placed {
                raw,
                group_key,
                resource,
                tail,
            });
        }
        // Name the loose groups, after the resources.
        let loose_names = unique_names(&loose, &mut taken, true, |_| 0);

        // Kinds and wanted names; then collisions per group.
        let mut ops: Vec<Operation> = Vec::with_capacity(placed.len());
        for p in placed {
            let group = match &p.resource {
                Some(r) => r.clone(),
                None => loose_names[&p.group_key].clone(),
            };
            let response = self.response_of(&p.raw);
            let tail: Vec<&str> = p.tail.iter().map(String::as_str).collect();
            let m = p.raw.method;
            let (kind, function) = match (m, tail.as_slice()) {
                (Method::Get, []) if matches!(response, Response::List(_)) => {
                    (OperationKind::List, "list".to_owned())
                }
                (Method::Get, [] | [_]) if tail.iter().all(|t| is_param(t)) => {
                    (OperationKind::Get, "get".to_owned())
                }
                (Method::Get, [c]) if c.eq_ignore_ascii_case("count") => {
                    (OperationKind::Count, "count".to_owned())
                }
                (Method::Post, []) => (OperationKind::Create, "create".to_owned()),
                (Method::Put, [] | [_]) if tail.iter().all(|t| is_param(t)) => {
                    (OperationKind::Replace, "put".to_owned())
                }
                (Method::Patch, [] | [_]) if tail.iter().all(|t| is_param(t)) => {
                    (OperationKind::Patch, "patch".to_owned())
                }
                (Method::Delete, [] | [_]) if tail.iter().all(|t| is_param(t)) => {
                    (OperationKind::Delete, "delete".to_owned())
                }
                _ => {
                    let words: Vec<String> = tail
                        .iter()
                        .filter(|t| !is_param(t))
                        .map(|t| unraw(&snake_ident(t)).to_owned())
                        .collect();
                    let words = words.join("_");
                    let name = match (m, words.is_empty()) {
                        (Method::Post, false) => words,
                        (_, true) => m.lower().to_owned(),
                        (_, false) => format!("{}_{words}", m.lower()),
                    };
                    (OperationKind::Action, name)
                }
            };
            let function = snake_ident(&function);
            let segments = self.parse_segments(&p.raw);
            let query = p
                .raw
                .op
                .parameters
                .iter()
                .filter_map(|prm| match prm {
                    ReferenceOr::Item(Parameter::Query { parameter_data, .. }) => {
                        Some(parameter_data.name.clone())
                    }
                    _ => None,
                })
                .collect();
            let body = self.body_of(&p.raw);
            // A PATCH takes a list of JSON Patch operations, whatever its kind.
            let body = match (m, body) {
                (Method::Patch, Body::ModelList(_)) => Body::Patch,
                (_, b) => b,
            };
            let response = match (kind, response) {
                (OperationKind::Count, Response::Model(_)) => Response::Count,
                (_, r) => r,
            };
            let bundle_read = m == Method::Post
                && matches!(
                    p.raw.path.to_ascii_lowercase().as_str(),
                    "/system/bundles" | "/system/bundles/count"
                );
            ops.push(Operation {
                group,
                function,
                method: m,
                kind,
                path: p.raw.path.clone(),
                spec_path: p.raw.spec_path.to_owned(),
                module: snake_ident(segments_first(&p.raw.path)),
                segments,
                query,
                body,
                response,
                idempotent: matches!(m, Method::Get | Method::Put | Method::Delete) || bundle_read,
                resource: p.resource,
                summary: p
                    .raw
                    .op
                    .summary
                    .clone()
                    .or_else(|| p.raw.op.description.clone()),
            });
        }
        resolve_collisions(&mut ops);
        ops.sort_by(|a, b| (&a.group, &a.function).cmp(&(&b.group, &b.function)));
        for op in &ops {
            if op.kind == OperationKind::Count {
                if let Some(r) = op.resource.as_ref().and_then(|r| resources.get_mut(r)) {
                    if r.count_path.is_none() && same_keys(&op.segments, r) {
                        r.count_path = Some(op.path.clone());
                    }
                }
            }
        }
        ops
    }

    /// The spec's operations with repaired paths, sorted by (path, method).
    fn raw_operations(&mut self) -> Vec<Raw<'a>> {
        let spec = self.spec;
        let mut out = Vec::new();
        for (path, item) in &spec.paths.paths {
            // Path item $refs were reported when the resources were found.
            let ReferenceOr::Item(item) = item else {
                continue;
            };
            let repaired = match self.overrides.paths.get(path) {
                Some(o) => o.path.clone(),
                None => path.clone(),
            };
            let repaired = match repaired.trim_end_matches('/') {
                "" => "/".to_owned(),
                p => p.to_owned(),
            };
            if repaired != *path {
                self.repairs.push((path.clone(), repaired.clone()));
            }
            for (method, op) in [
                (Method::Get, &item.get),
                (Method::Post, &item.post),
                (Method::Put, &item.put),
                (Method::Patch, &item.patch),
                (Method::Delete, &item.delete),
            ] {
                if let Some(op) = op {
                    out.push(Raw {
                        path: repaired.clone(),
                        spec_path: path,
                        method,
                        op,
                    });
                }
            }
        }
        out.sort_by(|a, b| (&a.path, a.method, a.spec_path).cmp(&(&b.path, b.method, b.spec_path)));
        out
    }

    /// The path's segments, each parameter typed from its declaration (an undeclared one:
    /// `i32` for the standard ids, text otherwise).
    fn parse_segments(&mut self, raw: &Raw<'a>) -> Vec<Segment> {
        let declared: BTreeMap<&str, ParamType> = raw
            .op
            .parameters
            .iter()
            .filter_map(|p| match p {
                ReferenceOr::Item(Parameter::Path { parameter_data, .. }) => {
                    let ty = match &parameter_data.format {
                        ParameterSchemaOrContent::Schema(ReferenceOr::Item(s)) => param_type(s),
                        _ => ParamType::Text,
                    };
                    Some((parameter_data.name.as_str(), ty))
                }
                _ => None,
            })
            .collect();
        segments(&raw.path)
            .into_iter()
            .map(
                |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    Some(name) => {
                        let key = PathKey::of(name);
                        let ty = match (key, declared.get(name)) {
                            // The bundle's keys are i32: keep every id of a resource one type.
                            (Some(_), Some(ParamType::I32 | ParamType::I64) | None) => {
                                ParamType::I32
                            }
                            (_, Some(t)) => *t,
                            (None, None) => ParamType::Text,
                        };
                        Segment::Param {
                            name: name.to_owned(),
                            key,
                            ty,
                        }
                    }
                    None => Segment::Literal(s.to_owned()),
                },
            )
            .collect()
    }

    /// The request body: the first content type's schema.
    fn body_of(&mut self, raw: &Raw<'a>) -> Body {
        let Some(body) = &raw.op.request_body else {
            return Body::None;
        };
        let ReferenceOr::Item(body) = body else {
            self.warn(
                raw,
                "requestBody $refs are not supported: sent without a body",
            );
            return Body::None;
        };
        let Some((media, content)) = body.content.iter().next() else {
            return Body::None;
        };
        if !is_json(media) {
            return Body::Bytes(media.clone());
        }
        match &content.schema {
            None => Body::Json(Type::Json),
            Some(schema) => match self.schema_shape(schema) {
                Shape::Named(n) => Body::Model(n),
                Shape::ListOf(n) => Body::ModelList(n),
                Shape::Binary => Body::Bytes(media.clone()),
                Shape::Other(t) => Body::Json(t),
            },
        }
    }

    /// The first success response's shape (200, 201, 204, 207, then any 2xx or default).
    fn response_of(&mut self, raw: &Raw<'a>) -> Response {
        let responses = &raw.op.responses;
        let best = responses
            .responses
            .iter()
            .filter_map(|(code, r)| match code {
                StatusCode::Code(c) if (200..300).contains(c) => Some((*c, r)),
                _ => None,
            })
            .min_by_key(|(c, _)| *c)
            .map(|(_, r)| r)
            .or(responses.default.as_ref());
        let Some(ReferenceOr::Item(response)) = best else {
            return Response::None;
        };
        let Some((media, content)) = response.content.iter().next() else {
            return Response::None;
        };
        let Some(schema) = &content.schema else {
            return if is_json(media) {
                Response::Json(Type::Json)
            } else {
                Response::Bytes
            };
        };
        match self.schema_shape(schema) {
            Shape::Binary => Response::Bytes,
            _ if !is_json(media) => Response::Bytes,
            Shape::Named(n) => Response::Model(n),
            Shape::ListOf(n) => Response::List(n),
            Shape::Other(t) => Response::Json(t),
        }
    }

    fn schema_shape(&mut self, schema: &ReferenceOr<Schema>) -> Shape {
        match schema {
            ReferenceOr::Reference { reference } => match self.named(reference) {
                Some(n) => Shape::Named(n),
                None => Shape::Other(Type::Json),
            },
            ReferenceOr::Item(s) => match &s.schema_kind {
                SchemaKind::Type(OaType::Array(a)) => match &a.items {
                    Some(ReferenceOr::Reference { reference }) => match self.named(reference) {
                        Some(n) => Shape::ListOf(n),
                        None => Shape::Other(Type::Json),
                    },
                    _ => Shape::Other(Type::Json),
                },
                SchemaKind::Type(OaType::String(st))
                    if matches!(
                        st.format,
                        VariantOrUnknownOrEmpty::Item(StringFormat::Binary)
                    ) =>
                {
                    Shape::Binary
                }
                SchemaKind::Type(OaType::String(_)) => Shape::Other(Type::String),
                SchemaKind::Type(OaType::Integer(_)) => Shape::Other(Type::I64),
                SchemaKind::Type(OaType::Number(_)) => Shape::Other(Type::F64),
                SchemaKind::Type(OaType::Boolean(_)) => Shape::Other(Type::Bool),
                _ => Shape::Other(Type::Json),
            },
        }
    }

    /// The Rust name of the type a component `$ref` names (a broken one was reported with
    /// the schemas, or is reported here).
    fn named(&mut self, reference: &str) -> Option<String> {
        let target = reference.strip_prefix("#/components/schemas/")?;
        self.names.get(&unescape_pointer(target)).cloned()
    }

    fn warn(&mut self, raw: &Raw<'a>, message: &str) {
        self.warnings.push(Diagnostic {
            pointer: path_pointer(raw.spec_path, raw.method.lower()),
            schema: None,
            message: message.to_owned(),
        });
    }
}

enum Shape {
    Named(String),
    ListOf(String),
    Binary,
    Other(Type),
}

fn is_json(media: &str) -> bool {
    let m = media.to_ascii_lowercase();
    m.contains("json") || m == "*/*"
}

fn is_param(segment: &str) -> bool {
    segment.starts_with('{') && segment.ends_with('}')
}

fn segments_first(path: &str) -> &str {
    segments(path).first().copied().unwrap_or("root")
}

fn param_type(s: &Schema) -> ParamType {
    match &s.schema_kind {
        SchemaKind::Type(OaType::Integer(i)) => match &i.format {
            VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32) => ParamType::I32,
            _ => ParamType::I64,
        },
        _ => ParamType::Text,
    }
}

/// Whether a count path takes the same keys as the resource's list path.
fn same_keys(segments: &[Segment], r: &Resource) -> bool {
    let keys: Vec<PathKey> = segments
        .iter()
        .filter_map(|s| match s {
            Segment::Param { key, .. } => Some(key.unwrap_or(PathKey::Id)),
            Segment::Literal(_) => None,
        })
        .collect();
    let theirs: Vec<PathKey> = r.keys.iter().map(|(k, _)| *k).collect();
    keys == theirs
}

/// Rule 4 of the module doc: one name per (group, function).
fn resolve_collisions(ops: &mut [Operation]) {
    let mut by_name: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    for (i, op) in ops.iter().enumerate() {
        by_name
            .entry((op.group.clone(), op.function.clone()))
            .or_default()
            .push(i);
    }
    let mut taken: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for ((group, name), _) in by_name.iter() {
        taken.entry(group.clone()).or_default().insert(name.clone());
    }
    for ((group, name), mut claimants) in by_name {
        if claimants.len() < 2 {
            continue;
        }
        let standard_only = |op: &Operation| op.params().all(|(_, key, _)| key.is_some());
        // The keeper: standard ids only, then the most of them, then GET < POST < ..., then path.
        claimants.sort_by_key(|&i| {
            let op = &ops[i];
            (
                !standard_only(op),
                usize::MAX - op.params().count(),
                op.method,
                op.path.clone(),
            )
        });
        let keeper_params = ops[claimants[0]].params().count();
        let names = taken.entry(group.clone()).or_default();
        for &i in &claimants[1..] {
            let op = &ops[i];
            let base = unraw(&name).to_owned();
            let odd = op.params().find(|(_, key, _)| key.is_none());
            let wanted = match odd {
                Some((param, _, _)) => {
                    format!("{base}_by_{}", unraw(&snake_ident(param)))
                }
                None if op.params().count() < keeper_params => format!("{base}_all"),
                None => format!("{}_{base}", op.method.lower()),
            };
            let mut candidate = snake_ident(&wanted);
            let mut n = 1;
            while names.contains(&candidate) {
                n += 1;
                candidate = format!("{}_{n}", unraw(&snake_ident(&wanted)));
            }
            names.insert(candidate.clone());
            ops[i].function = candidate;
        }
    }
}
