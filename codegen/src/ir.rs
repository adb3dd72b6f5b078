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

use crate::error::{path_pointer, schema_pointer, Diagnostic, Error};
use crate::names::{camel_ident, snake_ident, unique_names};
use crate::overrides::{FieldTypeOverride, Overrides};
use openapiv3::{
    AdditionalProperties, OpenAPI, Operation, Parameter, ReferenceOr, Schema, SchemaKind,
    StringFormat, Type as OaType, VariantOrUnknownOrEmpty,
};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

type Properties = indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>;

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
    /// The API modules (first path segment): `company`, `service`, ...
    pub modules: BTreeSet<String>,
    /// Problems that did not stop generation (skipped paths, unused overrides).
    pub warnings: Vec<Diagnostic>,
    /// Every component schema's name -> the Rust name of the type generated for it.
    pub components: BTreeMap<String, String>,
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
    pub doc: Option<String>,
    pub fields: Vec<Field>,
    /// Type of the values of properties not listed (`additionalProperties` next to
    /// `properties`, as the real `Ticket._info` has): kept in a flattened map.
    pub additional: Option<Type>,
    pub home: Home,
}

/// One property of a model. Every field is optional in the generated struct.
#[derive(Debug, Clone)]
pub struct Field {
    /// The JSON property name.
    pub json: String,
    /// The Rust field name (may be raw: `r#type`).
    pub name: String,
    pub ty: Type,
    pub doc: Option<String>,
    /// True when the field closes a cycle of structs and must be boxed.
    pub boxed: bool,
}

/// A field's type, before `Option<...>`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Type {
    String,
    Bool,
    I32,
    I64,
    F64,
    DateTime,
    Date,
    /// Free-form JSON.
    Json,
    List(Box<Type>),
    /// `additionalProperties`: a map from string keys.
    Map(Box<Type>),
    /// A generated struct, enum or alias, by Rust name.
    Named(String),
}

/// An open string enum: known values as variants, anything else kept in `Unknown(String)`.
#[derive(Debug, Clone)]
pub struct EnumDef {
    /// Component schema name or `Owner.field`.
    pub schema: String,
    pub name: String,
    pub doc: Option<String>,
    /// (variant name, JSON value), in spec order.
    pub variants: Vec<(String, String)>,
    pub home: Home,
}

/// `pub type Name = Type;` for a non-object component schema.
#[derive(Debug, Clone)]
pub struct Alias {
    pub schema: String,
    pub name: String,
    pub doc: Option<String>,
    pub ty: Type,
    pub home: Home,
}

/// A path parameter as the Bundle endpoint names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PathKey {
    GrandParentId,
    ParentId,
    Id,
}

impl PathKey {
    fn of(param: &str) -> Option<Self> {
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
    /// The list operation's query parameters (`conditions`, `pageId`, ...), in spec order.
    pub query: Vec<String>,
    /// The API module: the path's first segment.
    pub module: String,
    /// The list operation's summary.
    pub doc: Option<String>,
    /// Whether this is its model's primary resource (the model's `list`/`get` go to it).
    pub primary: bool,
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
    };
    b.check_version();
    b.name_schemas();
    b.convert_schemas();
    b.check_alias_cycles();
    let resources = b.resources();
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
        modules,
        warnings: b.warnings,
        components: b.names.clone(),
    };
    assign_homes(&mut ir, spec, &b.names);
    box_cycles(&mut ir);
    Ok(ir)
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
}

/// Where the type being converted is, for naming inline types and for error messages.
#[derive(Clone)]
struct Place<'s> {
    /// Component schema the type is in.
    schema: &'s str,
    /// Rust name of the owning struct, the prefix for inline types.
    owner: String,
    /// The property (or `items`) path under the owner, for the inline type's name.
    field: String,
    pointer: String,
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

    fn name_schemas(&mut self) {
        let wanted: BTreeMap<String, String> = self
            .schemas()
            .map(|(name, _)| (name.clone(), camel_ident(name)))
            .collect();
        // The schema whose name already is the Rust name keeps it (`CompanyConfiguration`
        // beats `Company.Configuration`).
        self.names = unique_names(&wanted, &mut self.taken, false, |k| {
            u8::from(camel_ident(k) != *k)
        });
    }

    fn convert_schemas(&mut self) {
        let schemas: Vec<(&'a String, &'a ReferenceOr<Schema>)> = self.schemas().collect();
        for (name, schema) in schemas {
            let rust = self.names[name].clone();
            let pointer = schema_pointer(name);
            let schema = match schema {
                ReferenceOr::Item(s) => s,
                ReferenceOr::Reference { reference } => {
                    // A component that is only a $ref: an alias of the target.
                    let place = Place {
                        schema: name,
                        owner: rust.clone(),
                        field: String::new(),
                        pointer: pointer.clone(),
                    };
                    if let Some(ty) = self.resolve_ref(reference, &place) {
                        self.aliases.insert(
                            rust.clone(),
                            Alias {
                                schema: name.clone(),
                                name: rust,
                                doc: None,
                                ty,
                                home: None,
                            },
                        );
                    }
                    continue;
                }
            };
            let doc = clean_doc(schema.schema_data.description.as_deref());
            let place = Place {
                schema: name,
                owner: rust.clone(),
                field: String::new(),
                pointer,
            };
            match &schema.schema_kind {
                SchemaKind::Type(OaType::Object(o)) if !o.properties.is_empty() => {
                    self.struct_from(&place, rust.clone(), name.clone(), doc, &o.properties);
                    if let Some(additional) = self.additional_of(&o.additional_properties, &place) {
                        self.set_additional(&Type::Named(rust), additional);
                    }
                }
                SchemaKind::Any(a) if !a.properties.is_empty() && !mixes_combinators(a) => {
                    self.struct_from(&place, rust, name.clone(), doc, &a.properties)
                }
                SchemaKind::Type(OaType::String(s)) if !s.enumeration.is_empty() => {
                    self.enum_from(&place, rust, name.clone(), doc, &s.enumeration);
                }
                _ => {
                    // Objects without properties become empty structs so that `{}`-only
                    // stubs (`{id, _info}` stubs have properties) still decode.
                    if is_empty_object(schema) {
                        let properties = Default::default();
                        self.struct_from(&place, rust, name.clone(), doc, &properties);
                    } else if let Some(ty) = self.type_of_schema(schema, &place) {
                        self.aliases.insert(
                            rust.clone(),
                            Alias {
                                schema: name.clone(),
                                name: rust,
                                doc,
                                ty,
                                home: None,
                            },
                        );
                    }
                }
            }
        }
    }

    /// A component that is only a `$ref` (or an array or map of one) becomes a type alias; a
    /// chain of those that comes back to its start would be a type containing itself.
    fn check_alias_cycles(&mut self) {
        let mut cycles = Vec::new();
        let mut reported = BTreeSet::new();
        for start in self.aliases.keys() {
            if reported.contains(start.as_str()) {
                continue;
            }
            // Depth-first through alias -> alias edges, remembering the way back.
            let mut stack: Vec<(&str, Vec<&str>)> = vec![(start.as_str(), Vec::new())];
            let mut seen = BTreeSet::new();
            while let Some((name, way)) = stack.pop() {
                let mut next = BTreeSet::new();
                named_in(&self.aliases[name].ty, &mut next);
                for n in next {
                    let mut way = way.clone();
                    way.push(n);
                    if n == start {
                        reported.extend(way.iter().copied());
                        let way: Vec<String> = way.into_iter().map(str::to_owned).collect();
                        cycles.push((start.clone(), way));
                        stack.clear();
                        break;
                    }
                    if self.aliases.contains_key(n) && seen.insert(n) {
                        stack.push((n, way));
                    }
                }
            }
        }
        for (start, way) in cycles {
            let schema = self.aliases[&start].schema.clone();
            let chain: Vec<String> = std::iter::once(start).chain(way).collect();
            self.diag(
                schema_pointer(&schema),
                Some(&schema),
                format!(
                    "the type refers to itself through $refs only ({}); \
                     a schema cannot be an alias of itself",
                    chain.join(" -> ")
                ),
            );
        }
    }

    fn struct_from(
        &mut self,
        place: &Place<'_>,
        rust: String,
        schema: String,
        doc: Option<String>,
        properties: &Properties,
    ) {
        let field_names: BTreeMap<usize, String> = properties
            .keys()
            .enumerate()
            .map(|(i, json)| (i, snake_ident(json)))
            .collect();
        // `_info` and a property `info` both want `info`: the one without `_` keeps it.
        let keys: Vec<&String> = properties.keys().collect();
        let field_names = unique_names(&field_names, &mut BTreeSet::new(), true, |i| {
            u8::from(keys[*i].starts_with('_'))
        });
        let overrides = self.overrides.fields.get(&schema);
        let mut fields = Vec::with_capacity(properties.len());
        for (i, (json, prop)) in properties.iter().enumerate() {
            let field_place = Place {
                schema: place.schema,
                owner: place.owner.clone(),
                field: format!(
                    "{}{}",
                    place.field,
                    camel_ident(json).trim_start_matches('_')
                ),
                pointer: format!(
                    "{}/properties/{}",
                    place.pointer,
                    crate::error::escape_pointer(json)
                ),
            };
            let over = overrides.and_then(|o| o.get(json));
            let ty = match over {
                Some(o) => Some(override_type(o.ty)),
                None => self.type_of(prop, &field_place),
            };
            let doc = match prop {
                ReferenceOr::Item(s) => clean_doc(s.schema_data.description.as_deref()),
                ReferenceOr::Reference { .. } => None,
            };
            fields.push(Field {
                json: json.clone(),
                name: field_names[&i].clone(),
                // A broken property was already reported; keep going to find the others.
                ty: ty.unwrap_or(Type::Json),
                doc,
                boxed: false,
            });
        }
        self.models.insert(
            rust.clone(),
            Model {
                schema,
                name: rust,
                doc,
                fields,
                additional: None,
                home: None,
            },
        );
    }

    fn enum_from(
        &mut self,
        place: &Place<'_>,
        rust: String,
        schema: String,
        doc: Option<String>,
        values: &[Option<String>],
    ) {
        let mut seen = BTreeSet::new();
        let values: Vec<&String> = values
            .iter()
            .flatten()
            .filter(|v| seen.insert(v.as_str()))
            .collect();
        let wanted: BTreeMap<usize, String> = values
            .iter()
            .enumerate()
            .map(|(i, v)| (i, camel_ident(v)))
            .collect();
        // `Unknown` is the catch-all variant: a value spelled so must be renamed.
        let mut taken = BTreeSet::from(["Unknown".to_owned()]);
        let variant_names = unique_names(&wanted, &mut taken, false, |_| 0);
        let _ = place;
        let variants = values
            .iter()
            .enumerate()
            .map(|(i, v)| (variant_names[&i].clone(), (*v).clone()))
            .collect();
        self.enums.insert(
            rust.clone(),
            EnumDef {
                schema,
                name: rust,
                doc,
                variants,
                home: None,
            },
        );
    }

    /// A fresh, unique Rust name for an inline type of `place`.
    fn inline_name(&mut self, place: &Place<'_>) -> String {
        let wanted = format!("{}{}", place.owner, place.field);
        let one = BTreeMap::from([((), camel_ident(&wanted))]);
        unique_names(&one, &mut self.taken, false, |_| 0)[&()].clone()
    }

    fn type_of(&mut self, schema: &ReferenceOr<Box<Schema>>, place: &Place<'_>) -> Option<Type> {
        match schema {
            ReferenceOr::Reference { reference } => self.resolve_ref(reference, place),
            ReferenceOr::Item(s) => self.type_of_schema(s, place),
        }
    }

    fn resolve_ref(&mut self, reference: &str, place: &Place<'_>) -> Option<Type> {
        let target = reference
            .strip_prefix("#/components/schemas/")
            .map(unescape_pointer);
        match target.as_ref().and_then(|t| self.names.get(t.as_str())) {
            Some(rust) => Some(Type::Named(rust.clone())),
            None => {
                let message = if target.is_some() {
                    format!("$ref {reference:?} does not resolve: no such component schema")
                } else {
                    format!(
                        "$ref {reference:?} is not supported: only local \
                         `#/components/schemas/...` references are"
                    )
                };
                self.diag(place.pointer.clone(), Some(place.schema), message);
                None
            }
        }
    }

    fn type_of_schema(&mut self, schema: &Schema, place: &Place<'_>) -> Option<Type> {
        let unsupported = |b: &mut Self, what: &str| {
            b.diag(
                place.pointer.clone(),
                Some(place.schema),
                format!("unsupported schema shape: {what}"),
            );
            None
        };
        match &schema.schema_kind {
            SchemaKind::Type(OaType::String(s)) => {
                if !s.enumeration.is_empty() {
                    let name = self.inline_name(place);
                    let doc = clean_doc(schema.schema_data.description.as_deref());
                    let schema_name = format!("{}.{}", place.owner, place.field);
                    self.enum_from(place, name.clone(), schema_name, doc, &s.enumeration);
                    return Some(Type::Named(name));
                }
                Some(match &s.format {
                    VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Type::DateTime,
                    VariantOrUnknownOrEmpty::Item(StringFormat::Date) => Type::Date,
                    _ => Type::String,
                })
            }
            SchemaKind::Type(OaType::Integer(i)) => Some(match &i.format {
                VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32) => Type::I32,
                _ => Type::I64,
            }),
            SchemaKind::Type(OaType::Number(_)) => Some(Type::F64),
            SchemaKind::Type(OaType::Boolean(_)) => Some(Type::Bool),
            SchemaKind::Type(OaType::Array(a)) => {
                let items = match &a.items {
                    Some(items) => {
                        let mut p = place.clone();
                        p.field.push_str("Item");
                        p.pointer.push_str("/items");
                        self.type_of(items, &p)?
                    }
                    None => Type::Json,
                };
                self.not_too_deep(Type::List(Box::new(items)), place)
            }
            SchemaKind::Type(OaType::Object(o)) => {
                if !o.properties.is_empty() {
                    let ty = self.inline_struct(schema, place, &o.properties);
                    let additional = self.additional_of(&o.additional_properties, place)?;
                    self.set_additional(&ty, additional);
                    Some(ty)
                } else {
                    match &o.additional_properties {
                        None | Some(AdditionalProperties::Any(false)) => Some(Type::Json),
                        Some(AdditionalProperties::Any(true)) => {
                            Some(Type::Map(Box::new(Type::Json)))
                        }
                        Some(AdditionalProperties::Schema(s)) => {
                            let mut p = place.clone();
                            p.field.push_str("Value");
                            p.pointer.push_str("/additionalProperties");
                            let v = self.type_of_additional(s, &p)?;
                            self.not_too_deep(Type::Map(Box::new(v)), place)
                        }
                    }
                }
            }
            SchemaKind::Any(a) => {
                if mixes_combinators(a) {
                    return unsupported(self, "oneOf/anyOf/allOf/not mixed with other keywords");
                }
                if !a.properties.is_empty() {
                    return Some(self.inline_struct(schema, place, &a.properties));
                }
                Some(Type::Json)
            }
            SchemaKind::AllOf { all_of } if all_of.len() == 1 => {
                // `allOf: [$ref]` is how OpenAPI 3.0 attaches `nullable` to a reference.
                match &all_of[0] {
                    ReferenceOr::Reference { reference } => self.resolve_ref(reference, place),
                    ReferenceOr::Item(s) => self.type_of_schema(s, place),
                }
            }
            SchemaKind::AllOf { .. } => unsupported(self, "allOf with more than one schema"),
            SchemaKind::OneOf { .. } => unsupported(self, "oneOf"),
            SchemaKind::AnyOf { .. } => unsupported(self, "anyOf"),
            SchemaKind::Not { .. } => unsupported(self, "not"),
        }
    }

    /// `ty`, unless lists and maps nest in it deeper than any API needs (and than the emitter
    /// and rustc handle gracefully: `Vec<Vec<...>>` 64 deep overflows a 2 MB stack).
    fn not_too_deep(&mut self, ty: Type, place: &Place<'_>) -> Option<Type> {
        const MAX: usize = 32;
        let mut depth = 0;
        let mut t = &ty;
        while let Type::List(inner) | Type::Map(inner) = t {
            depth += 1;
            t = inner;
        }
        if depth <= MAX {
            return Some(ty);
        }
        self.diag(
            place.pointer.clone(),
            Some(place.schema),
            format!("unsupported schema shape: arrays and maps nested more than {MAX} deep"),
        );
        None
    }

    /// The value type of `additionalProperties` next to `properties`: `None` when there is
    /// none (outer `None`: a broken schema, already reported).
    fn additional_of(
        &mut self,
        ap: &Option<AdditionalProperties>,
        place: &Place<'_>,
    ) -> Option<Option<Type>> {
        Some(match ap {
            None | Some(AdditionalProperties::Any(false)) => None,
            Some(AdditionalProperties::Any(true)) => Some(Type::Json),
            Some(AdditionalProperties::Schema(s)) => {
                let mut p = place.clone();
                p.field.push_str("Value");
                p.pointer.push_str("/additionalProperties");
                Some(self.type_of_additional(s, &p)?)
            }
        })
    }

    fn set_additional(&mut self, ty: &Type, additional: Option<Type>) {
        if let Type::Named(n) = ty {
            if let Some(m) = self.models.get_mut(n) {
                m.additional = additional;
            }
        }
    }

    fn type_of_additional(
        &mut self,
        schema: &ReferenceOr<Schema>,
        place: &Place<'_>,
    ) -> Option<Type> {
        // `_info` maps are `{"type": "string"}` in the spec, but the API puts numbers and
        // nulls there too: scalar map values decode as free JSON so that no entity is lost.
        match schema {
            ReferenceOr::Item(s) => match s.schema_kind {
                SchemaKind::Type(
                    OaType::String(_) | OaType::Integer(_) | OaType::Number(_) | OaType::Boolean(_),
                ) => Some(Type::Json),
                _ => self.type_of_schema(s, place),
            },
            ReferenceOr::Reference { reference } => self.resolve_ref(reference, place),
        }
    }

    fn inline_struct(
        &mut self,
        schema: &Schema,
        place: &Place<'_>,
        properties: &Properties,
    ) -> Type {
        let name = self.inline_name(place);
        let doc = clean_doc(schema.schema_data.description.as_deref());
        let inner = Place {
            schema: place.schema,
            owner: name.clone(),
            field: String::new(),
            pointer: place.pointer.clone(),
        };
        let schema_name = format!("{}.{}", place.owner, place.field);
        self.struct_from(&inner, name.clone(), schema_name, doc, properties);
        Type::Named(name)
    }

    fn resources(&mut self) -> BTreeMap<String, Resource> {
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
                    query,
                    module: snake_ident(segments(path).first().copied().unwrap_or("root")),
                    doc: op.summary.clone().or_else(|| op.description.clone()),
                    primary: i == 0,
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

/// Whether a schema openapiv3 could not classify has `oneOf`, `anyOf`, `allOf` or `not` next
/// to other keywords (`type`, `properties`...): a shape the generator does not support, not to
/// be read as its plain part only.
fn mixes_combinators(a: &openapiv3::AnySchema) -> bool {
    !a.one_of.is_empty() || !a.any_of.is_empty() || !a.all_of.is_empty() || a.not.is_some()
}

fn is_empty_object(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(OaType::Object(o)) => {
            o.properties.is_empty() && o.additional_properties.is_none()
        }
        _ => false,
    }
}

fn override_type(t: FieldTypeOverride) -> Type {
    match t {
        FieldTypeOverride::String => Type::String,
        FieldTypeOverride::Integer => Type::I64,
        FieldTypeOverride::Int32 => Type::I32,
        FieldTypeOverride::Number => Type::F64,
        FieldTypeOverride::Boolean => Type::Bool,
        FieldTypeOverride::DateTime => Type::DateTime,
        FieldTypeOverride::Date => Type::Date,
        FieldTypeOverride::Any => Type::Json,
    }
}

/// The spec's descriptions are often `" Max length: 50;"`: trimmed, empty ones dropped.
fn clean_doc(doc: Option<&str>) -> Option<String> {
    let d = doc?.trim();
    (!d.is_empty()).then(|| d.to_owned())
}

fn unescape_pointer(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

fn segments(path: &str) -> Vec<&str> {
    path.split('/').filter(|s| !s.is_empty()).collect()
}

fn params(path: &str) -> Vec<&str> {
    segments(path)
        .into_iter()
        .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
        .collect()
}

/// `withSso` -> `with_sso`, `{parentId}` -> `by_parent_id`.
fn segment_words(segment: &str) -> String {
    match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
        Some(p) => format!("by_{}", crate::names::unraw(&snake_ident(p))),
        None => crate::names::unraw(&snake_ident(segment)).to_owned(),
    }
}

/// Decides which module each generated type lives in: the one module whose operations reach
/// it, or shared (`None`) when several do or none does.
fn assign_homes(ir: &mut Ir, spec: &OpenAPI, names: &BTreeMap<String, String>) {
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

fn named_in<'t>(ty: &'t Type, out: &mut BTreeSet<&'t str>) {
    match ty {
        Type::Named(n) => {
            out.insert(n);
        }
        Type::List(t) | Type::Map(t) => named_in(t, out),
        _ => {}
    }
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

/// Marks the fields that must be boxed: a struct that contains itself through a chain of
/// `Option<Struct>` fields has infinite size. Lists and maps already allocate.
fn box_cycles(ir: &mut Ir) {
    // Direct edges: field types that are a struct (or an alias of one) held inline.
    let inline_target = |ty: &Type| -> Option<String> {
        let mut t = ty;
        loop {
            match t {
                Type::Named(n) if ir.models.contains_key(n) => return Some(n.clone()),
                Type::Named(n) => match ir.aliases.get(n) {
                    Some(a) => t = &a.ty,
                    None => return None,
                },
                _ => return None,
            }
        }
    };
    let edges: BTreeMap<String, Vec<(usize, String)>> = ir
        .models
        .values()
        .map(|m| {
            let e = m
                .fields
                .iter()
                .enumerate()
                .filter_map(|(i, f)| inline_target(&f.ty).map(|t| (i, t)))
                .collect();
            (m.name.clone(), e)
        })
        .collect();
    let scc = tarjan(&edges);
    for (name, out) in &edges {
        for (i, target) in out {
            if scc.get(name) == scc.get(target) {
                if let Some(m) = ir.models.get_mut(name) {
                    m.fields[*i].boxed = true;
                }
            }
        }
    }
}

/// Strongly connected components (iterative Tarjan): node -> component id.
fn tarjan(edges: &BTreeMap<String, Vec<(usize, String)>>) -> BTreeMap<String, usize> {
    let nodes: Vec<&String> = edges.keys().collect();
    let index_of: BTreeMap<&str, usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    let succ: Vec<Vec<usize>> = nodes
        .iter()
        .map(|n| {
            edges[*n]
                .iter()
                .filter_map(|(_, t)| index_of.get(t.as_str()).copied())
                .collect()
        })
        .collect();
    let n = nodes.len();
    let (mut index, mut low, mut on_stack) = (vec![usize::MAX; n], vec![0; n], vec![false; n]);
    let (mut stack, mut comp, mut next, mut comp_id) = (Vec::new(), vec![0; n], 0, 0);
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some(&mut (v, ref mut child)) = work.last_mut() {
            if *child == 0 {
                index[v] = next;
                low[v] = next;
                next += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&w) = succ[v].get(*child) {
                *child += 1;
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    comp[w] = comp_id;
                    if w == v {
                        break;
                    }
                }
                comp_id += 1;
            }
        }
    }
    nodes
        .into_iter()
        .enumerate()
        .map(|(i, n)| (n.clone(), comp[i]))
        .collect()
}
