//! The condition schema: every model's fields and their types, as the JSON text that
//! `connectwise_conditions::schema::Schema::from_json` reads (the format is documented there).
//! The `bundle!` macro checks literal conditions against it at compile time and the fake
//! server at run time. This crate may not depend on `connectwise-conditions`, so the JSON
//! text is the contract; `conditions/tests/check_table.rs` reads this function's output back.
//!
//! IR types map as: `String` -> `"string"`, `I32`/`I64` -> `"integer"`, `F64` -> `"number"`,
//! `Bool` -> `"boolean"`, `DateTime` -> `"datetime"`, `Date` -> `"date"`, `Json` -> `"any"`,
//! `List(t)` -> `{"list": t}`, `Map(_)` -> `"map"`, `Named(x)` -> `{"object": x}` for a model,
//! `{"enum": [wire values]}` for an enum, the aliased type for an alias. A model's
//! `additional` map becomes its `additional` type.

use crate::ir::{Ir, Type};
use serde_json::{Map, Value as Json};

/// Alias chains longer than this are cut (the IR has none; a cycle would be a bug there).
const MAX_ALIAS_DEPTH: usize = 32;

/// The condition schema of every model of `ir`, as compact JSON with models and fields
/// sorted by name (the same IR always gives the same bytes).
pub fn condition_schema(ir: &Ir) -> String {
    let mut models = Map::new();
    // BTreeMap order: sorted by Rust name.
    for (name, model) in &ir.models {
        let mut fields: Vec<(&str, Json)> = model
            .fields
            .iter()
            .map(|field| (field.json.as_str(), field_type(ir, &field.ty, 0)))
            .collect();
        fields.sort_by(|a, b| a.0.cmp(b.0));
        let mut field_map = Map::new();
        for (json, ty) in fields {
            // A later duplicate JSON name would replace the first, as in the reader.
            field_map.insert(json.to_owned(), ty);
        }
        let mut object = Map::new();
        if let Some(additional) = &model.additional {
            object.insert("additional".to_owned(), field_type(ir, additional, 0));
        }
        object.insert("fields".to_owned(), Json::Object(field_map));
        models.insert(name.clone(), Json::Object(object));
    }
    let mut root = Map::new();
    root.insert(
        "format".to_owned(),
        Json::String("connectwise-condition-schema".to_owned()),
    );
    root.insert("models".to_owned(), Json::Object(models));
    root.insert("version".to_owned(), Json::from(1u64));
    Json::Object(root).to_string()
}

fn word(w: &str) -> Json {
    Json::String(w.to_owned())
}

fn tagged(tag: &str, value: Json) -> Json {
    let mut object = Map::new();
    object.insert(tag.to_owned(), value);
    Json::Object(object)
}

fn field_type(ir: &Ir, ty: &Type, depth: usize) -> Json {
    match ty {
        Type::String => word("string"),
        Type::Bool => word("boolean"),
        Type::I32 | Type::I64 => word("integer"),
        Type::F64 => word("number"),
        Type::DateTime => word("datetime"),
        Type::Date => word("date"),
        Type::Json => word("any"),
        Type::List(inner) => tagged("list", field_type(ir, inner, depth)),
        Type::Map(_) => word("map"),
        Type::Named(name) => {
            if ir.models.contains_key(name) {
                tagged("object", word(name))
            } else if let Some(def) = ir.enums.get(name) {
                tagged(
                    "enum",
                    Json::Array(def.variants.iter().map(|(_, wire)| word(wire)).collect()),
                )
            } else if let Some(alias) = ir.aliases.get(name) {
                if depth >= MAX_ALIAS_DEPTH {
                    word("any")
                } else {
                    field_type(ir, &alias.ty, depth + 1)
                }
            } else {
                // Not in the IR (cannot happen for a built IR): accept anything rather than
                // reject conditions on a type we know nothing about.
                word("any")
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
}
