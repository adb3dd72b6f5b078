//! Schema -> types: component and inline schemas become the IR's models, enums and aliases,
//! with every unsupported shape reported.

use super::{named_in, unescape_pointer, Alias, Builder, EnumDef, Field, Model, Type};
use crate::error::schema_pointer;
use crate::names::{camel_ident, snake_ident, unique_names};
use crate::overrides::FieldTypeOverride;
use openapiv3::{
    AdditionalProperties, ReferenceOr, Schema, SchemaKind, StringFormat, Type as OaType,
    VariantOrUnknownOrEmpty,
};
use std::collections::{BTreeMap, BTreeSet};

type Properties = indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>;

/// Where the type being converted is, for naming inline types and for error messages.
#[derive(Clone)]
pub(super) struct Place<'s> {
    /// Component schema the type is in.
    pub(super) schema: &'s str,
    /// Rust name of the owning struct, the prefix for inline types.
    pub(super) owner: String,
    /// The property (or `items`) path under the owner, for the inline type's name.
    pub(super) field: String,
    pub(super) pointer: String,
}

impl<'a> Builder<'a> {
    pub(super) fn convert_schemas(&mut self) {
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
    pub(super) fn check_alias_cycles(&mut self) {
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
                None => self.type_of(prop, &field_place).map(|ty| match ty {
                    Type::Map(v) if json == "_info" && *v == Type::Json => Type::Info,
                    ty => ty,
                }),
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
                format: string_format(prop),
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

/// The `format` of a string property that is not a date, date-time or enum (`uuid`, `byte`,
/// `binary`): see `Field::format`.
fn string_format(prop: &ReferenceOr<Box<Schema>>) -> Option<String> {
    let ReferenceOr::Item(schema) = prop else {
        return None;
    };
    let SchemaKind::Type(OaType::String(s)) = &schema.schema_kind else {
        return None;
    };
    if !s.enumeration.is_empty() {
        return None;
    }
    match &s.format {
        VariantOrUnknownOrEmpty::Item(StringFormat::Byte) => Some("byte".to_owned()),
        VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => Some("binary".to_owned()),
        VariantOrUnknownOrEmpty::Item(StringFormat::Password) => Some("password".to_owned()),
        VariantOrUnknownOrEmpty::Unknown(format) => Some(format.clone()),
        _ => None,
    }
}
