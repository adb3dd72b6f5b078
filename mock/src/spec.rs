//! What the fake server knows about the API: the codegen IR of a spec (models for the data,
//! resources for the routes) and the route table that maps a request path to a resource.

use crate::MockError;
use connectwise::request::Keys;
use connectwise_codegen::ir::{Ir, PathKey, Resource};
use connectwise_codegen::{load, Overrides};
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};

/// The spec and overrides the `connectwise` crate was generated from, embedded by `build.rs`.
const EMBEDDED_SPEC: &[u8] = include_bytes!(env!("CW_MOCK_SPEC"));
const EMBEDDED_OVERRIDES: &[u8] = include_bytes!(env!("CW_MOCK_OVERRIDES"));

/// A spec, ready to serve.
#[derive(Debug)]
pub(crate) struct Api {
    pub ir: Ir,
    routes: Vec<Route>,
    /// Lower-cased resourceType / resource name (underscores removed) -> resource names,
    /// primary resources first.
    by_type: HashMap<String, Vec<String>>,
    /// The models' fields for the condition checker (`None` if the IR does not convert,
    /// which would be a bug of codegen's `condition_schema`; conditions are then only parsed).
    pub schema: Option<connectwise_conditions::Schema>,
}

/// Whether a route is a list path or a get-by-id path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    List,
    Get,
}

#[derive(Debug)]
struct Route {
    segments: Vec<Segment>,
    resource: String,
    kind: Kind,
    /// Literal segments: a route with more of them wins (`/system/members/withSso` over
    /// `/system/members/{id}`).
    literals: usize,
}

#[derive(Debug)]
enum Segment {
    /// Compared without regard to case, as ConnectWise does.
    Literal(String),
    Param(PathKey),
}

impl Api {
    /// The embedded spec, loaded once per process, after checking that it is the one the
    /// `connectwise` crate was generated from.
    pub fn embedded() -> Result<Arc<Api>, MockError> {
        static SAME_SPEC: OnceLock<bool> = OnceLock::new();
        static API: OnceLock<Result<Arc<Api>, String>> = OnceLock::new();
        let same = *SAME_SPEC.get_or_init(|| {
            connectwise_codegen::fingerprint(EMBEDDED_SPEC, EMBEDDED_OVERRIDES)
                == connectwise::registry::SPEC_FINGERPRINT
        });
        if !same {
            return Err(MockError::SpecMismatch {
                mock: env!("CW_MOCK_SPEC").to_owned(),
            });
        }
        API.get_or_init(|| {
            Api::from_bytes(
                EMBEDDED_SPEC,
                EMBEDDED_OVERRIDES,
                Path::new(env!("CW_MOCK_SPEC")),
            )
            .map(Arc::new)
            .map_err(|e| e.to_string())
        })
        .clone()
        .map_err(MockError::Spec)
    }

    /// Another spec (and overrides) from files.
    pub fn from_files(spec: &Path, overrides: Option<&Path>) -> Result<Api, MockError> {
        let spec_bytes =
            std::fs::read(spec).map_err(|e| MockError::Spec(format!("{}: {e}", spec.display())))?;
        let overrides_bytes = match overrides {
            Some(p) => {
                std::fs::read(p).map_err(|e| MockError::Spec(format!("{}: {e}", p.display())))?
            }
            None => Vec::new(),
        };
        Api::from_bytes(&spec_bytes, &overrides_bytes, spec)
    }

    fn from_bytes(spec: &[u8], overrides: &[u8], path: &Path) -> Result<Api, MockError> {
        let doc = load::parse_spec(spec, path).map_err(|e| MockError::Spec(e.to_string()))?;
        let overrides = if overrides.iter().all(u8::is_ascii_whitespace) {
            Overrides::default()
        } else {
            Overrides::parse(overrides, Path::new("overrides.json"))
                .map_err(|e| MockError::Spec(e.to_string()))?
        };
        let ir = connectwise_codegen::ir::build(&doc, &overrides, path)
            .map_err(|e| MockError::Spec(e.to_string()))?;
        Ok(Api::new(ir))
    }

    fn new(ir: Ir) -> Api {
        let mut routes = Vec::new();
        let mut by_type = HashMap::new();
        // Primary resources first, so that a resourceType shared by several paths
        // (`Member` on `/system/members` and `/system/members/withSso`) means the primary one.
        let mut ordered: Vec<&Resource> = ir.resources.values().collect();
        ordered.sort_by_key(|r| (!r.primary, r.name.clone()));
        for r in ordered {
            by_type
                .entry(r.resource_type.to_ascii_lowercase())
                .or_insert_with(Vec::new)
                .push(r.name.clone());
            by_type
                .entry(r.name.replace('_', ""))
                .or_insert_with(Vec::new)
                .push(r.name.clone());
            routes.push(Route::new(&r.path, &r.name, Kind::List));
            if let Some(get) = &r.get_path {
                routes.push(Route::new(get, &r.name, Kind::Get));
            }
        }
        let schema_json = connectwise_codegen::schema::condition_schema(&ir);
        let schema = connectwise_conditions::Schema::from_json(&schema_json).ok();
        Api {
            ir,
            routes,
            by_type,
            schema,
        }
    }

    /// The resource and kind of a request path (below the API root), and its path ids.
    pub fn route(&self, path: &str) -> Option<(&Resource, Kind, Keys)> {
        let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
        let mut best: Option<(&Route, Keys)> = None;
        for route in &self.routes {
            if route.segments.len() != parts.len() {
                continue;
            }
            if let Some(keys) = route.matches(&parts) {
                if best
                    .as_ref()
                    .map_or(true, |(b, _)| route.literals > b.literals)
                {
                    best = Some((route, keys));
                }
            }
        }
        let (route, keys) = best?;
        Some((self.ir.resources.get(&route.resource)?, route.kind, keys))
    }

    /// The resource a bundle's `resourceType` names: its resourceType or its name, in any
    /// case, with or without underscores (the documentation sends `purchaseorderlineitem`).
    ///
    /// Several list paths may share one resourceType (`ActivityReference` under
    /// `/marketing/campaigns/{id}` and `/service/tickets/{parentId}`); the wire format has
    /// nothing else to tell them apart, so the ids sent decide: the resource whose list path
    /// takes exactly those ids (a get-by-id path first, then a list path), else the primary one.
    pub fn resource_for_type(&self, resource_type: &str, keys: &Keys) -> Option<&Resource> {
        let key = resource_type.to_ascii_lowercase();
        let names = self
            .by_type
            .get(&key)
            .or_else(|| self.by_type.get(&key.replace('_', "")))?;
        let candidates: Vec<&Resource> = names
            .iter()
            .filter_map(|n| self.ir.resources.get(n))
            .collect();
        let given: Vec<PathKey> = [
            (PathKey::GrandParentId, keys.grand_parent_id),
            (PathKey::ParentId, keys.parent_id),
            (PathKey::Id, keys.id),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|_| k))
        .collect();
        let list_keys = |r: &Resource| {
            let mut k: Vec<PathKey> = r.keys.iter().map(|(k, _)| *k).collect();
            k.sort();
            k
        };
        let exact_list = candidates.iter().find(|r| list_keys(r) == given);
        let exact_get = candidates.iter().find(|r| {
            let mut k = list_keys(r);
            k.push(PathKey::Id);
            k.sort();
            r.get_path.is_some() && k == given
        });
        // A get-by-id first: typed gets are the common case.
        exact_get.or(exact_list).or(candidates.first()).copied()
    }

    /// The known resourceType closest to `resource_type`, for "did you mean".
    pub fn closest_type(&self, resource_type: &str) -> Option<&str> {
        let key = resource_type.to_ascii_lowercase();
        self.ir
            .resources
            .values()
            .map(|r| {
                (
                    strsim::jaro_winkler(&key, &r.resource_type.to_ascii_lowercase()),
                    r.resource_type.as_str(),
                )
            })
            .filter(|(score, _)| *score > 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, name)| name)
    }
}

/// The ids that pick a list's rows: the values of its list path's parameters, the last two
/// (`(grandParentId, parentId)`, or `(None, parentId)`; a list path with `{id}` in it, such as
/// `/company/portalSecurityLevels/{id}/...`, is keyed by that id). `Err` names the first
/// missing key.
pub(crate) fn list_parents(
    resource: &Resource,
    keys: &Keys,
) -> Result<crate::data::Parents, &'static str> {
    let mut values = Vec::with_capacity(2);
    for (key, _) in &resource.keys {
        let (value, name) = match key {
            PathKey::GrandParentId => (keys.grand_parent_id, "grandParentId"),
            PathKey::ParentId => (keys.parent_id, "parentId"),
            PathKey::Id => (keys.id, "id"),
        };
        values.push(value.ok_or(name)?);
    }
    let n = values.len();
    Ok(match n {
        0 => (None, None),
        1 => (None, Some(values[0])),
        _ => (Some(values[n - 2]), Some(values[n - 1])),
    })
}

/// Whether the list path itself takes `{id}` (so a bundle's `id` is part of the list's path,
/// not a get-by-id).
pub(crate) fn list_takes_id(resource: &Resource) -> bool {
    resource.keys.iter().any(|(k, _)| *k == PathKey::Id)
}

impl Route {
    fn new(template: &str, resource: &str, kind: Kind) -> Route {
        let segments: Vec<Segment> = template
            .trim_matches('/')
            .split('/')
            .map(|s| {
                match s
                    .strip_prefix('{')
                    .and_then(|s| s.strip_suffix('}'))
                    .map(str::to_ascii_lowercase)
                    .as_deref()
                {
                    Some("grandparentid") => Segment::Param(PathKey::GrandParentId),
                    Some("parentid") => Segment::Param(PathKey::ParentId),
                    Some("id") => Segment::Param(PathKey::Id),
                    // Another parameter name: the codegen skips such list paths, so this is
                    // only reachable for odd get paths; it then never matches.
                    Some(_) => Segment::Literal("{}".into()),
                    None => Segment::Literal(s.to_ascii_lowercase()),
                }
            })
            .collect();
        let literals = segments
            .iter()
            .filter(|s| matches!(s, Segment::Literal(_)))
            .count();
        Route {
            segments,
            resource: resource.to_owned(),
            kind,
            literals,
        }
    }

    fn matches(&self, parts: &[&str]) -> Option<Keys> {
        let mut keys = Keys::NONE;
        for (segment, part) in self.segments.iter().zip(parts) {
            match segment {
                Segment::Literal(l) => {
                    if !l.eq_ignore_ascii_case(part) {
                        return None;
                    }
                }
                Segment::Param(key) => {
                    let value: i32 = part.parse().ok()?;
                    match key {
                        PathKey::GrandParentId => keys.grand_parent_id = Some(value),
                        PathKey::ParentId => keys.parent_id = Some(value),
                        PathKey::Id => keys.id = Some(value),
                    }
                }
            }
        }
        Some(keys)
    }
}
