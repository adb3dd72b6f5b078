//! Paths -> resources: one per GET collection endpoint, named as the module doc's "Resource
//! naming" says, with its path keys, get-by-id sibling and query parameters.

use super::names::segment_words;
use super::{unescape_pointer, Builder, PathKey, Resource};
use crate::error::{path_pointer, schema_pointer, Diagnostic};
use crate::names::{snake_ident, unique_names};
use openapiv3::{Operation, Parameter, ReferenceOr, SchemaKind, Type as OaType};
use std::collections::{BTreeMap, BTreeSet};

impl<'a> Builder<'a> {
    pub(super) fn resources(&mut self) -> BTreeMap<String, Resource> {
        let spec = self.spec;
        // (schema, path) -> list operation; plus the set of paths with a GET returning one model.
        let mut lists: BTreeMap<&str, Vec<(&str, &Operation)>> = BTreeMap::new();
        let mut gets: BTreeMap<&str, String> = BTreeMap::new();
        for (path, item) in &spec.paths.paths {
            let item = match item {
                ReferenceOr::Item(i) => i,
                ReferenceOr::Reference { .. } => {
                    self.diag(
                        format!("#/paths/{}", crate::error::escape_pointer(path)),
                        None,
                        "path item $refs are not supported".into(),
                    );
                    continue;
                }
            };
            let Some(op) = &item.get else { continue };
            match self.success_schema(path, op) {
                Some(ResponseShape::List(schema)) => {
                    lists.entry(schema).or_default().push((path.as_str(), op))
                }
                Some(ResponseShape::One(schema)) => {
                    gets.insert(path.as_str(), schema.to_owned());
                }
                None => {}
            }
        }

        let mut found: Vec<Resource> = Vec::new();
        let mut wanted: BTreeMap<String, String> = BTreeMap::new();
        let mut rank: BTreeMap<String, u8> = BTreeMap::new();
        for (schema, mut paths) in lists {
            let Some(model) = self.names.get(schema).cloned() else {
                continue; // reported by success_schema
            };
            paths.sort_by_key(|(p, _)| (segments(p).len(), params(p).len(), *p));
            let primary = paths[0].0;
            let primary_segments: BTreeSet<&str> = segments(primary).into_iter().collect();
            for (i, (path, op)) in paths.iter().enumerate() {
                let mut keys = Vec::new();
                let mut bad = None;
                for p in params(path) {
                    match PathKey::of(p) {
                        Some(k) if !keys.iter().any(|(k2, _)| *k2 == k) => {
                            keys.push((k, p.to_owned()))
                        }
                        _ => bad = Some(p),
                    }
                }
                if let Some(p) = bad {
                    self.warnings.push(Diagnostic {
                        pointer: path_pointer(path, "get"),
                        schema: Some(schema.to_owned()),
                        message: format!(
                            "skipped: path parameter {{{p}}} has no Bundle equivalent \
                             (only id, parentId, grandparentId)"
                        ),
                    });
                    continue;
                }
                let over = self.overrides.resources.get(*path);
                let base = snake_ident(&model);
                let name = if let Some(n) = over.and_then(|o| o.name.clone()) {
                    rank.insert(path.to_string(), 0);
                    n
                } else if i == 0 {
                    rank.insert(path.to_string(), 1);
                    base
                } else {
                    rank.insert(path.to_string(), 2);
                    let mut q: Vec<String> = segments(path)
                        .into_iter()
                        .filter(|s| !primary_segments.contains(s))
                        .map(segment_words)
                        .collect();
                    if q.is_empty() {
                        q = segments(path).into_iter().map(segment_words).collect();
                    }
                    format!("{}_{}", crate::names::unraw(&base), q.join("_"))
                };
                wanted.insert(path.to_string(), name);
                let get_path = format!("{path}/{{id}}");
                let get_path = (!keys.iter().any(|(k, _)| *k == PathKey::Id)
                    && gets.get(get_path.as_str()).map(String::as_str) == Some(schema))
                .then_some(get_path);
                let query = op
                    .parameters
                    .iter()
                    .filter_map(|p| match p {
                        ReferenceOr::Item(Parameter::Query { parameter_data, .. }) => {
                            Some(parameter_data.name.clone())
                        }
                        _ => None,
                    })
                    .collect();
                let resource_type =
                    over.and_then(|o| o.resource_type.clone())
                        .unwrap_or_else(|| {
                            schema.chars().filter(char::is_ascii_alphanumeric).collect()
                        });
                found.push(Resource {
                    name: String::new(),
                    resource_type,
                    model: model.clone(),
                    schema: schema.to_owned(),
                    path: path.to_string(),
                    keys,
                    get_path,
                    count_path: None,
                    query,
                    module: snake_ident(segments(path).first().copied().unwrap_or("root")),
                    doc: op.summary.clone().or_else(|| op.description.clone()),
                    primary: i == 0,
                    list_clash: None,
                    get_clash: None,
                });
            }
        }
        for p in self.overrides.resources.keys() {
            if !wanted.contains_key(p) {
                self.warnings.push(Diagnostic {
                    pointer: format!("#/paths/{}", crate::error::escape_pointer(p)),
                    schema: None,
                    message: "override names a path that is not a list endpoint of this spec"
                        .into(),
                });
            }
        }
        for (schema, fields) in &self.overrides.fields {
            for field in fields.keys() {
                let known = self
                    .names
                    .get(schema)
                    .and_then(|r| self.models.get(r))
                    .is_some_and(|m| m.fields.iter().any(|f| &f.json == field));
                if !known {
                    self.warnings.push(Diagnostic {
                        pointer: schema_pointer(schema),
                        schema: Some(schema.clone()),
                        message: format!(
                            "override names property {field:?}, which this spec lacks"
                        ),
                    });
                }
            }
        }
        let names = unique_names(&wanted, &mut BTreeSet::new(), true, |p| rank[p]);
        found
            .into_iter()
            .map(|mut r| {
                r.name = names[&r.path].clone();
                (r.name.clone(), r)
            })
            .collect()
    }

    /// The schema a GET's success response returns: a list of a component, or one component.
    fn success_schema(&mut self, path: &str, op: &'a Operation) -> Option<ResponseShape<'a>> {
        let response = op
            .responses
            .responses
            .iter()
            .find(|(code, _)| matches!(code, openapiv3::StatusCode::Code(200)))
            .map(|(_, r)| r)?;
        let pointer = path_pointer(path, "get") + "/responses/200";
        let response = match response {
            ReferenceOr::Item(r) => r,
            ReferenceOr::Reference { reference } => {
                self.diag(
                    pointer,
                    None,
                    format!("response $refs ({reference:?}) are not supported"),
                );
                return None;
            }
        };
        let (media, schema) = response
            .content
            .iter()
            .find_map(|(media, m)| Some((media, m.schema.as_ref()?)))?;
        let pointer = format!(
            "{pointer}/content/{}/schema",
            crate::error::escape_pointer(media)
        );
        Some(match schema {
            ReferenceOr::Reference { reference } => {
                ResponseShape::One(self.response_target(reference, pointer)?)
            }
            ReferenceOr::Item(s) => match &s.schema_kind {
                SchemaKind::Type(OaType::Array(a)) => match &a.items {
                    Some(ReferenceOr::Reference { reference }) => {
                        ResponseShape::List(self.response_target(reference, pointer + "/items")?)
                    }
                    _ => return None,
                },
                _ => return None,
            },
        })
    }

    /// The component schema a response's `$ref` names, as the spec spells its name.
    fn response_target(&mut self, reference: &str, pointer: String) -> Option<&'a str> {
        let spec = self.spec;
        let Some(target) = reference.strip_prefix("#/components/schemas/") else {
            self.diag(
                pointer,
                None,
                format!(
                    "$ref {reference:?} is not supported: only local \
                     `#/components/schemas/...` references are"
                ),
            );
            return None;
        };
        let found = spec
            .components
            .as_ref()
            .and_then(|c| c.schemas.get_key_value(unescape_pointer(target).as_str()));
        match found {
            Some((name, _)) => Some(name.as_str()),
            None => {
                self.diag(
                    pointer,
                    None,
                    format!("$ref {reference:?} does not resolve: no such component schema"),
                );
                None
            }
        }
    }
}

enum ResponseShape<'a> {
    List(&'a str),
    One(&'a str),
}

pub(super) fn segments(path: &str) -> Vec<&str> {
    path.split('/').filter(|s| !s.is_empty()).collect()
}

pub(super) fn params(path: &str) -> Vec<&str> {
    segments(path)
        .into_iter()
        .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
        .collect()
}
