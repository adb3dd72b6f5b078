//! The condition schema: every model's fields and their types, as a
//! [`connectwise_conditions::Schema`] and as the JSON text its `Schema::from_json` reads (the
//! format is defined and documented there, by serde derives). The `bundle!` macro checks
//! literal conditions against it at compile time and the fake server at run time;
//! `conditions/tests/check_table.rs` reads this module's output back.
//!
//! IR types map as: `String` -> `String`, `I32`/`I64` -> `Integer`, `F64` -> `Number`, `Bool`
//! -> `Boolean`, `DateTime` -> `DateTime`, `Date` -> `Date`, `Json` -> `Any`, `List(t)` ->
//! `List(t)`, `Map(_)` -> `Map`, `Named(x)` -> `Object(x)` for a model, `Enum(wire values)`
//! for an enum, the aliased type for an alias. A model's `additional` map becomes its
//! `additional` type; string fields with a format of their own (`ir::Field::format`: `uuid`,
//! `byte`, `binary`) are listed in its `formats`.

use crate::ir::{Ir, Type};
use connectwise_conditions::schema::{FieldSchema, FieldType, ModelSchema, Schema};

/// Alias chains longer than this are cut (the IR has none; a cycle would be a bug there).
const MAX_ALIAS_DEPTH: usize = 32;

/// The condition schema of every model of `ir`, as compact JSON with models and fields
/// sorted by name (the same IR always gives the same bytes).
pub fn condition_schema(ir: &Ir) -> String {
    build(ir).to_json()
}

/// The condition schema of every model of `ir`. Of two fields with the same JSON name the
/// later is kept.
pub fn build(ir: &Ir) -> Schema {
    let mut schema = Schema::new();
    for (name, model) in &ir.models {
        let fields = model.fields.iter().map(|field| FieldSchema {
            name: field.json.clone(),
            ty: field_type(ir, &field.ty, 0),
        });
        let mut model_schema = ModelSchema::new(name.clone(), fields);
        model_schema.additional = model
            .additional
            .as_ref()
            .map(|additional| field_type(ir, additional, 0));
        // String formats the types do not carry (`uuid`, `byte`), for the fake server.
        model_schema.formats = model
            .fields
            .iter()
            .filter_map(|f| Some((f.json.clone(), f.format.clone()?)))
            .collect();
        schema.insert(model_schema);
    }
    schema
}

fn field_type(ir: &Ir, ty: &Type, depth: usize) -> FieldType {
    match ty {
        Type::String => FieldType::String,
        Type::Bool => FieldType::Boolean,
        Type::I32 | Type::I64 => FieldType::Integer,
        Type::F64 => FieldType::Number,
        Type::DateTime => FieldType::DateTime,
        Type::Date => FieldType::Date,
        Type::Json => FieldType::Any,
        Type::List(inner) => FieldType::List(Box::new(field_type(ir, inner, depth))),
        Type::Map(_) | Type::Info => FieldType::Map,
        Type::Named(name) => {
            if ir.models.contains_key(name) {
                FieldType::Object(name.clone())
            } else if let Some(def) = ir.enums.get(name) {
                FieldType::Enum(def.variants.iter().map(|(_, wire)| wire.clone()).collect())
            } else if let Some(alias) = ir.aliases.get(name) {
                if depth >= MAX_ALIAS_DEPTH {
                    FieldType::Any
                } else {
                    field_type(ir, &alias.ty, depth + 1)
                }
            } else {
                // Not in the IR (cannot happen for a built IR): accept anything rather than
                // reject conditions on a type we know nothing about.
                FieldType::Any
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Alias, EnumDef, Field, Model};

    fn field(json: &str, ty: Type) -> Field {
        Field {
            json: json.to_owned(),
            name: json.to_owned(),
            ty,
            doc: None,
            boxed: false,
            format: None,
        }
    }

    #[test]
    fn every_ir_type_maps_to_its_schema_type() {
        let mut ir = Ir {
            title: "t".into(),
            version: "2025.8".into(),
            ..Ir::default()
        };
        ir.enums.insert(
            "Severity".into(),
            EnumDef {
                schema: "Ticket.severity".into(),
                name: "Severity".into(),
                doc: None,
                variants: vec![("Low".into(), "Low".into()), ("High".into(), "High".into())],
                home: None,
            },
        );
        ir.aliases.insert(
            "Tags".into(),
            Alias {
                schema: "Tags".into(),
                name: "Tags".into(),
                doc: None,
                ty: Type::List(Box::new(Type::String)),
                home: None,
            },
        );
        ir.models.insert(
            "Ticket".into(),
            Model {
                schema: "Ticket".into(),
                name: "Ticket".into(),
                doc: None,
                fields: vec![
                    field("summary", Type::String),
                    field("id", Type::I32),
                    field("big", Type::I64),
                    field("hours", Type::F64),
                    field("closedFlag", Type::Bool),
                    field("closedDate", Type::DateTime),
                    field("due", Type::Date),
                    field("value", Type::Json),
                    field("severity", Type::Named("Severity".into())),
                    field("tags", Type::Named("Tags".into())),
                    field("parent", Type::Named("Ticket".into())),
                    field("extra", Type::Map(Box::new(Type::String))),
                    field("ghost", Type::Named("Nowhere".into())),
                ],
                additional: Some(Type::String),
                home: None,
            },
        );
        let text = condition_schema(&ir);
        assert_eq!(
            text,
            concat!(
                r#"{"format":"connectwise-condition-schema","models":{"Ticket":{"additional":"string","fields":{"#,
                r#""big":"integer","closedDate":"datetime","closedFlag":"boolean","due":"date","extra":"map","#,
                r#""ghost":"any","hours":"number","id":"integer","parent":{"object":"Ticket"},"#,
                r#""severity":{"enum":["Low","High"]},"summary":"string","tags":{"list":"string"},"#,
                r#""value":"any"}}},"version":1}"#
            )
        );
    }

    #[test]
    fn string_formats_are_written_beside_the_fields_and_read_back() {
        let mut ir = Ir::default();
        let mut guid = field("mobileGuid", Type::String);
        guid.format = Some("uuid".into());
        ir.models.insert(
            "Ticket".into(),
            Model {
                schema: "Ticket".into(),
                name: "Ticket".into(),
                doc: None,
                fields: vec![guid, field("summary", Type::String)],
                additional: None,
                home: None,
            },
        );
        let text = condition_schema(&ir);
        assert!(
            text.contains(r#""formats":{"mobileGuid":"uuid"}"#),
            "{text}"
        );
        let read = Schema::from_json(&text).unwrap();
        assert_eq!(read, build(&ir));
        assert_eq!(read.to_json(), text, "formats round-trip byte for byte");
        assert_eq!(
            read.model("Ticket").unwrap().formats.get("mobileGuid"),
            Some(&"uuid".to_owned())
        );
    }
}
