//! Emits the operations: one typed constructor per operation of the spec, in the module of
//! `connectwise::resources` its group names (and, for a model's main resource, on the model
//! too: `Ticket::create(&ticket)`), and the runtime's operation table (`OPERATIONS`), which
//! the constructors point into and the fake server routes from.
//!
//! What a constructor returns follows the operation's kind: `ListRequest<Model>`,
//! `GetRequest<Model>` and `CountRequest<Model>` for a resource's own list, get-by-id and
//! count (the reads a bundle takes), `PatchRequest<Output>` for a PATCH, and `Call<Output>`
//! for everything else, `Output` following the response (a model, a list, `u64`, `()` for no
//! content, `Vec<u8>` for bytes).

use crate::emit::{ident, ModuleFilter};
use crate::ir::{Body, Ir, Operation, OperationKind, ParamType, PathKey, Response, Segment, Type};
use proc_macro2::Ident;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The path segments and query lists the registry's tables share: one `const` per distinct
/// parsed path (`PATH_12`) and per distinct query list (`QUERY_3`), emitted once in
/// `registry.rs` and named by the rows of both tables.
pub(crate) struct Shared {
    paths: BTreeMap<String, usize>,
    parsed: Vec<Vec<Segment>>,
    queries: Vec<Vec<String>>,
}

impl Shared {
    pub(crate) fn new(ir: &Ir, filter: &ModuleFilter) -> Shared {
        let mut shared = Shared {
            paths: BTreeMap::new(),
            parsed: Vec::new(),
            queries: Vec::new(),
        };
        let resources = ir.resources.values().filter(|r| filter.keeps(&r.module));
        for r in resources {
            shared.add_query(&r.query);
            for p in [Some(&r.path), r.get_path.as_ref(), r.count_path.as_ref()]
                .into_iter()
                .flatten()
            {
                shared.add_path(p, parse_path(p));
            }
        }
        for op in kept_operations(ir, filter) {
            shared.add_query(&op.query);
            shared.add_path(&op.path, op.segments.clone());
        }
        shared
    }

    fn add_path(&mut self, path: &str, segments: Vec<Segment>) {
        let key = segments_key(&segments);
        if !self.paths.contains_key(&key) {
            self.paths.insert(key, self.parsed.len());
            self.parsed.push(segments);
        }
        let _ = path;
    }

    fn add_query(&mut self, query: &[String]) {
        if !self.queries.iter().any(|q| q == query) {
            self.queries.push(query.to_vec());
        }
    }

    /// The const holding `segments`.
    fn path(&self, segments: &[Segment]) -> Ident {
        let i = self
            .paths
            .get(&segments_key(segments))
            .copied()
            .unwrap_or(0);
        ident(&format!("PATH_{i}"))
    }

    /// The const holding the parsed `path` (a template of the spec).
    pub(crate) fn path_of(&self, path: &str) -> Ident {
        self.path(&parse_path(path))
    }

    pub(crate) fn query(&self, query: &[String]) -> Ident {
        let i = self.queries.iter().position(|q| q == query).unwrap_or(0);
        ident(&format!("QUERY_{i}"))
    }

    /// The consts, as text (see [`table_text`] for why text).
    pub(crate) fn text(&self) -> String {
        let mut out = String::with_capacity(self.parsed.len() * 160);
        for (i, segments) in self.parsed.iter().enumerate() {
            let _ = writeln!(out, "const PATH_{i}: &[Segment] = &[");
            for segment in segments {
                match segment {
                    Segment::Literal(l) => {
                        let _ = writeln!(out, "    Segment::Literal({l:?}),");
                    }
                    Segment::Param { name, key, .. } => {
                        let key = match key {
                            Some(k) => format!("Some(PathKey::{})", key_variant_name(*k)),
                            None => "None".to_owned(),
                        };
                        let _ = writeln!(
                            out,
                            "    Segment::Param {{\n        name: {name:?},\n        key: {key},\n    }},"
                        );
                    }
                }
            }
            out.push_str("];\n");
        }
        for (i, query) in self.queries.iter().enumerate() {
            let _ = writeln!(out, "const QUERY_{i}: &[&str] = &[");
            for q in query {
                let _ = writeln!(out, "    {q:?},");
            }
            out.push_str("];\n");
        }
        out
    }
}

/// A path template's segments (trailing slashes dropped; parameters typed `i32`, which the
/// registry does not record).
pub(crate) fn parse_path(path: &str) -> Vec<Segment> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(
            |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => Segment::Param {
                    name: name.to_owned(),
                    key: PathKey::of(name),
                    ty: ParamType::I32,
                },
                None => Segment::Literal(s.to_owned()),
            },
        )
        .collect()
}

/// What the registry records of segments: literals and parameter names.
fn segments_key(segments: &[Segment]) -> String {
    segments
        .iter()
        .map(|s| match s {
            Segment::Literal(l) => l.clone(),
            Segment::Param { name, .. } => format!("{{{name}}}"),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The operations `filter` keeps, in table order, with their index in `OPERATIONS`.
pub(crate) fn kept_operations<'i>(ir: &'i Ir, filter: &ModuleFilter) -> Vec<&'i Operation> {
    ir.operations
        .iter()
        .filter(|op| filter.keeps(&op.module))
        .collect()
}

/// The body of `operations.rs`: `pub static OPERATIONS: [OperationInfo; N]`.
///
/// Written as text, in the layout prettyplease gives it, rather than built as tokens and
/// pretty-printed: it is a table of literals (3,053 rows for the full-scale spec, about a
/// third of the generated bytes), and going through `quote`, `syn` and `prettyplease` doubled
/// the generator's time. Every string goes through `{:?}`, which writes a valid Rust string
/// literal; the snapshot crate compiles the result.
pub(crate) fn table_text(
    ir: &Ir,
    filter: &ModuleFilter,
    variants: &[(&str, String)],
    shared: &Shared,
) -> String {
    let ops = kept_operations(ir, filter);
    let variants: BTreeMap<&str, &str> = variants.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let mut out = String::with_capacity(ops.len() * 420);
    out.push_str(
        "/// Every operation of the spec (of the enabled API modules), sorted by group and\n\
         /// function: what the constructors in [`crate::resources`] build, and what the fake\n\
         /// server routes.\n",
    );
    let _ = writeln!(
        out,
        "pub static OPERATIONS: [OperationInfo; {}usize] = [",
        ops.len()
    );
    for op in ops {
        let body = match &op.body {
            Body::None => "BodyKind::None".to_owned(),
            Body::Model(m) => format!("BodyKind::Model({m:?})"),
            Body::ModelList(m) => format!("BodyKind::ModelList({m:?})"),
            Body::Patch => "BodyKind::Patch".to_owned(),
            Body::Json(_) => "BodyKind::Json".to_owned(),
            Body::Bytes(_) => "BodyKind::Bytes".to_owned(),
        };
        let response = match &op.response {
            Response::None => "ResponseKind::None".to_owned(),
            Response::Model(m) => format!("ResponseKind::Model({m:?})"),
            Response::List(m) => format!("ResponseKind::List({m:?})"),
            Response::Count => "ResponseKind::Count".to_owned(),
            Response::Json(_) => "ResponseKind::Json".to_owned(),
            Response::Bytes => "ResponseKind::Bytes".to_owned(),
        };
        let resource = match op.resource.as_ref().and_then(|r| variants.get(r.as_str())) {
            Some(v) => format!("Some(Resource::{v})"),
            None => "None".to_owned(),
        };
        let _ = write!(
            out,
            "    OperationInfo {{\n        \
             group: {:?},\n        \
             function: {:?},\n        \
             method: Method::{:?},\n        \
             kind: OperationKind::{:?},\n        \
             path: {:?},\n        \
             segments: {},\n        \
             query: {},\n        \
             body: {body},\n        \
             response: {response},\n        \
             idempotent: {},\n        \
             resource: {resource},\n        \
             module: {:?},\n    \
             }},\n",
            op.group,
            crate::names::unraw(&op.function),
            op.method,
            op.kind,
            op.path,
            shared.path(&op.segments),
            shared.query(&op.query),
            op.idempotent,
            op.module,
        );
    }
    out.push_str("];\n");
    out
}

/// The constructors of every group of API module `module`, as text in rustfmt's layout
/// (building them as tokens and pretty-printing them was a third of `cwgen`'s time).
/// `variants` names each kept resource's `Resource` variant.
pub(crate) fn constructors_text(
    ir: &Ir,
    filter: &ModuleFilter,
    module: &str,
    variants: &BTreeMap<&str, String>,
) -> String {
    let ops = kept_operations(ir, filter);
    let mut groups: BTreeMap<&str, Vec<(usize, &Operation)>> = BTreeMap::new();
    for (i, op) in ops.iter().enumerate() {
        if op.module == module {
            groups.entry(op.group.as_str()).or_default().push((i, op));
        }
    }
    let mut out = String::new();
    for (group, ops) in groups {
        let resource = ir.resources.get(group);
        let doc = match resource {
            Some(r) => format!(
                "`{}`: `{}` and its operations; entities are [`{}`](crate::models::{}).",
                r.name, r.path, r.model, r.model
            ),
            None => format!("Operations on `{}`.", group_path(&ops)),
        };
        let _ = writeln!(out, "/// {doc}\npub mod {group} {{");
        for (i, op) in &ops {
            constructor(&mut out, ir, op, *i, variants, None);
        }
        out.push_str("}\n");
        if let Some(r) = resource.filter(|r| r.primary) {
            let _ = writeln!(out, "impl crate::models::{} {{", r.model);
            for (i, op) in ops
                .iter()
                .filter(|(_, op)| crate::names::unraw(&op.function) != "fields")
            {
                constructor(&mut out, ir, op, *i, variants, Some(group));
            }
            out.push_str("}\n");
        }
    }
    out
}

/// The shortest path of a group, for its doc.
fn group_path(ops: &[(usize, &Operation)]) -> String {
    ops.iter()
        .map(|(_, op)| op.path.as_str())
        .min_by_key(|p| (p.len(), *p))
        .unwrap_or("")
        .to_owned()
}

/// One constructor, indented for a module or impl block. With `delegate_to`, the same on
/// the model, calling the module's.
fn constructor(
    out: &mut String,
    ir: &Ir,
    op: &Operation,
    index: usize,
    variants: &BTreeMap<&str, String>,
    delegate_to: Option<&str>,
) {
    let name = &op.function;
    let summary = op.summary.as_deref().unwrap_or("").trim_end_matches('.');
    let method = op.method.lower().to_ascii_uppercase();
    let doc = if summary.is_empty() {
        format!("`{method} {}`.", op.path)
    } else {
        format!("{summary}: `{method} {}`.", op.path)
    };
    // Arguments: the path's parameters, in order, then the body.
    let mut args: Vec<String> = Vec::new();
    let mut arg_names: Vec<String> = Vec::new();
    let mut path_args: Vec<String> = Vec::new();
    let mut keys: Vec<PathKey> = Vec::new();
    for (param, key, ty) in op.params() {
        let arg = arg_name(param, key);
        let ty = match ty {
            ParamType::I32 => "i32",
            ParamType::I64 => "i64",
            ParamType::Text => "&str",
        };
        args.push(format!("{arg}: {ty}"));
        path_args.push(format!("{arg}.into()"));
        arg_names.push(arg);
        if let Some(k) = key {
            keys.push(k);
        }
    }
    match &op.body {
        Body::Model(m) => args.push(format!("body: &crate::models::{m}")),
        Body::ModelList(m) => args.push(format!("body: &[crate::models::{m}]")),
        Body::Json(t) => args.push(format!("body: &{}", model_type(t))),
        Body::Bytes(_) => {
            args.push("content_type: impl Into<String>".to_owned());
            args.push("body: impl Into<Vec<u8>>".to_owned());
            arg_names.push("content_type".to_owned());
        }
        Body::None | Body::Patch => {}
    }
    if !matches!(op.body, Body::None | Body::Patch) {
        arg_names.push("body".to_owned());
    }
    let resource = op.resource.as_ref().and_then(|r| ir.resources.get(r));
    let variant = op.resource.as_ref().and_then(|r| variants.get(r.as_str()));
    // Which request type.
    let read = match (op.kind, resource, variant) {
        (OperationKind::List, Some(r), Some(v)) if r.path == op.spec_path => {
            Some(("ListRequest", r, v))
        }
        (OperationKind::Get, Some(r), Some(v)) if r.get_path.as_deref() == Some(&op.spec_path) => {
            Some(("GetRequest", r, v))
        }
        (OperationKind::Count, Some(r), Some(v)) if r.count_path.as_deref() == Some(&op.path) => {
            Some(("CountRequest", r, v))
        }
        _ => None,
    };
    let (output, decode) = output_of(&op.response);
    let (ret, body) = match read {
        Some((ty, r, variant)) => {
            let own = match delegate_to {
                Some(_) => "Self".to_owned(),
                None => format!("crate::models::{}", r.model),
            };
            let keys = keys_text(&keys);
            (
                format!("crate::request::{ty}<{own}>"),
                call_text(
                    &format!("crate::request::{ty}::new"),
                    &[format!("crate::Resource::{variant}"), keys],
                    "",
                ),
            )
        }
        None => {
            let (ty, with_body) = match &op.body {
                Body::Patch => ("PatchRequest", ""),
                Body::Model(_) | Body::ModelList(_) | Body::Json(_) => ("Call", ".json(body)"),
                Body::Bytes(_) => ("Call", ".bytes(content_type, body)"),
                Body::None => ("Call", ""),
            };
            (
                format!("crate::request::{ty}<{output}>"),
                call_text(
                    &format!("crate::request::{ty}::new"),
                    &[
                        format!("&crate::registry::OPERATIONS[{index}]"),
                        format!("&[{}]", path_args.join(", ")),
                        decode.to_owned(),
                    ],
                    with_body,
                ),
            )
        }
    };
    let body = match delegate_to {
        Some(module) => format!("        {module}::{name}({})\n", arg_names.join(", ")),
        None => body,
    };
    let one_line = format!("    pub fn {name}({}) -> {ret} {{", args.join(", "));
    // A summary may span lines: each is a doc line.
    for line in doc.lines() {
        let _ = writeln!(out, "    /// {}", line.trim_end());
    }
    if one_line.len() <= 100 {
        out.push_str(&one_line);
        out.push('\n');
    } else {
        let _ = writeln!(out, "    pub fn {name}(");
        for arg in &args {
            let _ = writeln!(out, "        {arg},");
        }
        let _ = writeln!(out, "    ) -> {ret} {{");
    }
    out.push_str(&body);
    out.push_str("    }\n");
}

/// A call as a function body at depth 2: on one line when it fits in 100 columns, else one
/// argument per line; then the method chained after it (`.json(body)`).
fn call_text(function: &str, args: &[String], then: &str) -> String {
    let one_line = format!("        {function}({}){then}\n", args.join(", "));
    if one_line.len() <= 101 {
        return one_line;
    }
    let mut out = format!("        {function}(\n");
    for arg in args {
        let _ = writeln!(out, "            {arg},");
    }
    out.push_str("        )");
    if !then.is_empty() {
        let _ = write!(out, "\n        {then}");
    }
    out.push('\n');
    out
}

/// The output type and decoder of a response.
fn output_of(response: &Response) -> (String, &'static str) {
    match response {
        Response::None => ("()".to_owned(), "crate::request::decode_unit"),
        Response::Model(m) => (format!("crate::models::{m}"), "crate::request::decode_json"),
        Response::List(m) => (
            format!("Vec<crate::models::{m}>"),
            "crate::request::decode_json",
        ),
        Response::Count => ("u64".to_owned(), "crate::request::decode_count"),
        Response::Json(t) => (model_type(t), "crate::request::decode_json"),
        Response::Bytes => ("Vec<u8>".to_owned(), "crate::request::decode_bytes"),
    }
}

/// A type, with generated types under `crate::models`.
fn model_type(ty: &Type) -> String {
    crate::emit::type_path(ty, true)
        .to_string()
        .replace(' ', "")
        .replace(',', ", ")
}

/// The argument name of a path parameter: `id`, `parent_id`, `grand_parent_id`, or the
/// parameter's name in snake_case.
fn arg_name(param: &str, key: Option<PathKey>) -> String {
    match key {
        Some(k) => key_arg(k).to_owned(),
        None => crate::names::snake_ident(param),
    }
}

pub(crate) fn key_arg(k: PathKey) -> &'static str {
    match k {
        PathKey::GrandParentId => "grand_parent_id",
        PathKey::ParentId => "parent_id",
        PathKey::Id => "id",
    }
}

fn key_variant_name(k: PathKey) -> &'static str {
    match k {
        PathKey::GrandParentId => "GrandParentId",
        PathKey::ParentId => "ParentId",
        PathKey::Id => "Id",
    }
}

/// `crate::request::Keys::new(None, Some(parent_id), None)`.
fn keys_text(keys: &[PathKey]) -> String {
    if keys.is_empty() {
        return "crate::request::Keys::NONE".to_owned();
    }
    let args: Vec<String> = [PathKey::GrandParentId, PathKey::ParentId, PathKey::Id]
        .iter()
        .map(|k| match keys.contains(k) {
            true => format!("Some({})", key_arg(*k)),
            false => "None".to_owned(),
        })
        .collect();
    format!("crate::request::Keys::new({})", args.join(", "))
}
