//! Homes: which API module each generated type lives in (the feature that compiles it).

use super::resources::segments;
use super::{named_in, unescape_pointer, Home, Ir};
use crate::names::snake_ident;
use openapiv3::{OpenAPI, Operation, ReferenceOr, Schema, SchemaKind, Type as OaType};
use std::collections::{BTreeMap, BTreeSet};

/// Decides which module each generated type lives in: the one module whose operations reach
/// it, or shared (`None`) when several do or none does.
pub(super) fn assign_homes(ir: &mut Ir, spec: &OpenAPI, names: &BTreeMap<String, String>) {
    // Edges between named types.
    let mut edges: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for m in ir.models.values() {
        let e = edges.entry(&m.name).or_default();
        for f in &m.fields {
            named_in(&f.ty, e);
        }
    }
    for a in ir.aliases.values() {
        named_in(&a.ty, edges.entry(&a.name).or_default());
    }
    // Roots: the schemas each module's operations name directly.
    let mut roots: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    for (path, item) in &spec.paths.paths {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        let module = snake_ident(segments(path).first().copied().unwrap_or("root"));
        let set = roots.entry(module).or_default();
        for (_, op) in item.iter() {
            let mut refs = Vec::new();
            operation_refs(op, &mut refs);
            for r in refs {
                if let Some(rust) = r
                    .strip_prefix("#/components/schemas/")
                    .and_then(|t| names.get(&unescape_pointer(t)))
                {
                    if let Some((k, _)) = ir_name(ir, rust) {
                        set.insert(k);
                    }
                }
            }
        }
    }
    let mut reached: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, start) in &roots {
        let mut stack: Vec<&str> = start.iter().copied().collect();
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        while let Some(n) = stack.pop() {
            if seen.insert(n) {
                if let Some(next) = edges.get(n) {
                    stack.extend(next.iter().copied());
                }
            }
        }
        for n in seen {
            reached
                .entry(n.to_owned())
                .or_default()
                .insert(module.clone());
        }
    }
    let home = |name: &str| -> Home {
        match reached.get(name) {
            Some(m) if m.len() == 1 => m.iter().next().cloned(),
            _ => None,
        }
    };
    for m in ir.models.values_mut() {
        m.home = home(&m.name);
    }
    for e in ir.enums.values_mut() {
        e.home = home(&e.name);
    }
    for a in ir.aliases.values_mut() {
        a.home = home(&a.name);
    }
}

/// The key under which `rust` is stored in the IR, borrowed from the IR.
fn ir_name<'i>(ir: &'i Ir, rust: &str) -> Option<(&'i str, ())> {
    ir.models
        .get_key_value(rust)
        .map(|(k, _)| k.as_str())
        .or_else(|| ir.enums.get_key_value(rust).map(|(k, _)| k.as_str()))
        .or_else(|| ir.aliases.get_key_value(rust).map(|(k, _)| k.as_str()))
        .map(|k| (k, ()))
}

fn operation_refs<'o>(op: &'o Operation, out: &mut Vec<&'o str>) {
    fn schema_refs<'s>(s: &'s ReferenceOr<Schema>, out: &mut Vec<&'s str>) {
        match s {
            ReferenceOr::Reference { reference } => out.push(reference),
            ReferenceOr::Item(s) => {
                if let SchemaKind::Type(OaType::Array(a)) = &s.schema_kind {
                    if let Some(ReferenceOr::Reference { reference }) = &a.items {
                        out.push(reference);
                    }
                }
            }
        }
    }
    if let Some(ReferenceOr::Item(body)) = &op.request_body {
        for m in body.content.values() {
            if let Some(s) = &m.schema {
                schema_refs(s, out);
            }
        }
    }
    for r in op.responses.responses.values() {
        if let ReferenceOr::Item(r) = r {
            for m in r.content.values() {
                if let Some(s) = &m.schema {
                    schema_refs(s, out);
                }
            }
        }
    }
}
