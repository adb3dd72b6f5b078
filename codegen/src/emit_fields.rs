//! The generated half of typed conditions: for every model, `Model::fields()` and one accessor
//! per field on `connectwise::conditions::Fields<Model>`, so that
//! `Ticket::fields().status().name().eq(name)` type-checks and prints `status/name = '...'`.
//!
//! All the logic lives in the runtime's hand-written `conditions` module (generic over the
//! field's kind); each accessor generated here is one line naming the JSON name and the kind,
//! which keeps the full-scale spec's 520 models cheap to compile:
//!
//! ```ignore
//! impl Ticket {
//!     pub fn fields() -> crate::conditions::Fields<Ticket> { crate::conditions::root() }
//! }
//! impl crate::conditions::Fields<Ticket> {
//!     pub fn summary(&self) -> crate::conditions::Field<crate::conditions::Text> {
//!         crate::conditions::field(self, "summary")
//!     }
//!     pub fn status(&self) -> crate::conditions::Fields<ServiceStatusReference> {
//!         crate::conditions::nested(self, "status")
//!     }
//! }
//! ```
//!
//! Kinds: `String` -> `Text`, `I32`/`I64` -> `Integer`, `F64` -> `Number`, `Bool` ->
//! `Boolean`, `DateTime` -> `DateTime`, `Date` -> `Date`, `Json` -> `Json`, `Map` -> `Map`, an
//! enum -> `Enum<TheEnum>`, an alias -> its type's kind, a list -> its element's (a path walks
//! into lists), a model -> that model's `Fields`. A field whose JSON name the condition
//! language cannot write (not `[A-Za-z_][A-Za-z0-9_]*`, or `and`/`or`/`not`) gets no accessor.

use crate::ir::{Ir, Model, Type};
use std::fmt::Write;

/// Alias chains longer than this are cut (the IR has none).
const MAX_ALIAS_DEPTH: usize = 32;

/// The field accessors of every model whose home is `module` (`"shared"` for shared types), to
/// be emitted inside that module's file next to the models (so the module's cargo feature
/// gates them too).
pub fn fields_text(ir: &Ir, module: &str) -> String {
    // The models that are the entries of some model's `customFields`.
    let entries: std::collections::BTreeSet<&str> = ir
        .models
        .values()
        .flat_map(|m| &m.fields)
        .filter(|f| f.json == "customFields")
        .filter_map(|f| custom_field_entry(ir, &f.ty).map(|(e, _)| e.name.as_str()))
        .collect();
    let mut out = String::new();
    for m in ir
        .models
        .values()
        .filter(|m| m.home.as_deref().unwrap_or("shared") == module)
    {
        model_fields(&mut out, ir, m, entries.contains(m.name.as_str()));
    }
    out
}

/// The accessors of one model (and its custom field impls; `is_entry`: it is the entry model
/// of some model's `customFields`), as text in rustfmt's layout (as tokens pretty-printed,
/// these were a fifth of `cwgen`'s time).
fn model_fields(out: &mut String, ir: &Ir, model: &Model, is_entry: bool) {
    let name = &model.name;
    // `write!` to a `String` cannot fail.
    let _ = write!(
        out,
        "impl {name} {{\n    \
         /// The fields of `{name}`, for conditions built in code and typed patches: \
         `{name}::fields().some_field().eq(value)` (see `crate::conditions`).\n    \
         pub fn fields() -> crate::conditions::Fields<{name}> {{\n        \
         crate::conditions::root()\n    }}\n}}\n\
         #[allow(missing_docs, clippy::should_implement_trait, clippy::wrong_self_convention)]\n\
         impl<P: crate::conditions::Place> crate::conditions::Fields<{name}, P> {{\n"
    );
    for field in &model.fields {
        if !is_condition_name(&field.json) {
            continue;
        }
        let method = &field.name;
        let json = &field.json;
        let (ret, call) = match access(ir, &field.ty, 0) {
            Access::Nested(inner, list) => {
                let place = if list {
                    "crate::conditions::Each<P>"
                } else {
                    "P::Inner"
                };
                (
                    format!("crate::conditions::Fields<{inner}, {place}>"),
                    "nested",
                )
            }
            Access::Field(kind) => (format!("crate::conditions::Field<{kind}, P>"), "field"),
        };
        let one_line = format!("    pub fn {method}(&self) -> {ret} {{");
        if one_line.len() <= 100 {
            out.push_str(&one_line);
        } else {
            let _ = write!(
                out,
                "    pub fn {method}(\n        &self,\n    ) -> {ret} {{"
            );
        }
        let _ = writeln!(
            out,
            "\n        crate::conditions::{call}(self, {json:?})\n    }}"
        );
    }
    out.push_str("}\n");
    custom_fields_impl(out, ir, model, is_entry);
}

/// The Rust names of a custom field entry model's `id`, `caption` and `value` fields, when
/// `ty` is a list of such a model (`customFields`: `CustomFieldValue`).
fn custom_field_entry<'a>(ir: &'a Ir, ty: &Type) -> Option<(&'a Model, [&'a str; 3])> {
    let Type::List(inner) = ty else { return None };
    let Type::Named(entry) = inner.as_ref() else {
        return None;
    };
    let entry = ir.models.get(entry)?;
    let find = |json: &str, ty: Type| {
        entry
            .fields
            .iter()
            .find(|f| f.json == json && f.ty == ty && !f.boxed)
            .map(|f| f.name.as_str())
    };
    Some((
        entry,
        [
            find("id", Type::I32)?,
            find("caption", Type::String)?,
            find("value", Type::Json)?,
        ],
    ))
}

/// `impl HasCustomFields for Model` when the model has a `customFields` list of entries with
/// `id`, `caption` and `value`; `impl CustomFieldEntry for Entry` when the model is such an
/// entry (one line of logic each: the rest is the runtime's `custom_fields` module).
fn custom_fields_impl(out: &mut String, ir: &Ir, model: &Model, is_entry: bool) {
    let name = &model.name;
    let has = model.fields.iter().find_map(|f| {
        (f.json == "customFields" && !f.boxed)
            .then(|| custom_field_entry(ir, &f.ty).map(|(e, _)| (f, e)))
            .flatten()
    });
    if let Some((field, entry)) = has {
        let (field, entry) = (&field.name, &entry.name);
        let _ = write!(
            out,
            "impl crate::custom_fields::HasCustomFields for {name} {{\n    \
             type Entry = {entry};\n    \
             fn custom_field_entries(&self) -> &[{entry}] {{\n        \
             self.{field}.as_deref().unwrap_or_default()\n    }}\n}}\n"
        );
    }
    if let Some((_, [id, caption, value])) = is_entry
        .then(|| custom_field_entry(ir, &Type::List(Box::new(Type::Named(model.name.clone())))))
        .flatten()
    {
        let _ = write!(
            out,
            "impl crate::custom_fields::CustomFieldEntry for {name} {{\n    \
             fn id(&self) -> Option<i32> {{\n        self.{id}\n    }}\n    \
             fn caption(&self) -> Option<&str> {{\n        self.{caption}.as_deref()\n    }}\n    \
             fn value(&self) -> Option<&::serde_json::Value> {{\n        self.{value}.as_ref()\n    }}\n}}\n"
        );
    }
}

enum Access<'a> {
    /// A nested model, by Rust name, and whether it is a list of them.
    Nested(&'a str, bool),
    /// A leaf: the kind's type (`crate::conditions::Text`).
    Field(String),
}

fn access<'a>(ir: &'a Ir, ty: &'a Type, depth: usize) -> Access<'a> {
    let kind = |k: &str| Access::Field(format!("crate::conditions::{k}"));
    match ty {
        Type::String => kind("Text"),
        Type::Bool => kind("Boolean"),
        Type::I32 | Type::I64 => kind("Integer"),
        Type::F64 => kind("Number"),
        Type::DateTime => kind("DateTime"),
        Type::Date => kind("Date"),
        Type::Json => kind("Json"),
        Type::Map(_) | Type::Info => kind("Map"),
        Type::List(inner) => match access(ir, inner, depth) {
            Access::Nested(model, _) => Access::Nested(model, true),
            Access::Field(k) => Access::Field(format!("crate::conditions::List<{k}>")),
        },
        Type::Named(name) => {
            if ir.models.contains_key(name) {
                Access::Nested(name, false)
            } else if ir.enums.contains_key(name) {
                kind(&format!("Enum<{name}>"))
            } else if let Some(alias) = ir.aliases.get(name).filter(|_| depth < MAX_ALIAS_DEPTH) {
                access(ir, &alias.ty, depth + 1)
            } else {
                kind("Json")
            }
        }
    }
}

/// Whether the condition language can write `name` as a path segment anywhere in a path.
fn is_condition_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    let starts_well = matches!(bytes.next(), Some(b) if b.is_ascii_alphabetic() || b == b'_');
    starts_well
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && !["and", "or", "not"]
            .iter()
            .any(|k| k.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Alias, EnumDef, Field};

    fn field(json: &str, name: &str, ty: Type) -> Field {
        Field {
            json: json.to_owned(),
            name: name.to_owned(),
            ty,
            doc: None,
            boxed: false,
            format: None,
        }
    }

    fn ir() -> Ir {
        let mut ir = Ir {
            title: "t".into(),
            version: "2025.8".into(),
            ..Ir::default()
        };
        ir.enums.insert(
            "TicketSeverity".into(),
            EnumDef {
                schema: "Ticket.severity".into(),
                name: "TicketSeverity".into(),
                doc: None,
                variants: vec![("High".into(), "High".into())],
                home: Some("service".into()),
            },
        );
        ir.aliases.insert(
            "Ids".into(),
            Alias {
                schema: "Ids".into(),
                name: "Ids".into(),
                doc: None,
                ty: Type::List(Box::new(Type::I64)),
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
                    field("id", "id", Type::I32),
                    field("summary", "summary", Type::String),
                    field("type", "r#type", Type::Named("Ref".into())),
                    field("severity", "severity", Type::Named("TicketSeverity".into())),
                    field("ids", "ids", Type::Named("Ids".into())),
                    field("_info", "info", Type::Map(Box::new(Type::String))),
                    field(
                        "tags",
                        "tags",
                        Type::List(Box::new(Type::Named("Ref".into()))),
                    ),
                    field("bad-name", "bad_name", Type::String),
                    field("or", "or", Type::Bool),
                    field(
                        "customFields",
                        "custom_fields",
                        Type::List(Box::new(Type::Named("Entry".into()))),
                    ),
                ],
                additional: None,
                home: Some("service".into()),
            },
        );
        ir.models.insert(
            "Entry".into(),
            Model {
                schema: "Entry".into(),
                name: "Entry".into(),
                doc: None,
                fields: vec![
                    field("id", "id", Type::I32),
                    field("caption", "caption", Type::String),
                    field("value", "value", Type::Json),
                ],
                additional: None,
                home: None,
            },
        );
        ir.models.insert(
            "Ref".into(),
            Model {
                schema: "Ref".into(),
                name: "Ref".into(),
                doc: None,
                fields: vec![field("name", "name", Type::String)],
                additional: None,
                home: None,
            },
        );
        ir
    }

    fn pretty(code: String) -> String {
        let file: syn::File = syn::parse_str(&code).expect("generated code parses");
        prettyplease::unparse(&file)
    }

    #[test]
    fn one_line_accessor_per_field_with_its_kind() {
        let code = pretty(fields_text(&ir(), "service"));
        let compact: String = code.split_whitespace().collect::<Vec<_>>().join(" ");
        for expected in [
            "impl Ticket {",
            "pub fn fields() -> crate::conditions::Fields<Ticket> { crate::conditions::root() }",
            "impl<P: crate::conditions::Place> crate::conditions::Fields<Ticket, P> {",
            "pub fn id(&self) -> crate::conditions::Field<crate::conditions::Integer, P> { crate::conditions::field(self, \"id\") }",
            "pub fn summary(&self) -> crate::conditions::Field<crate::conditions::Text, P>",
            "pub fn r#type(&self) -> crate::conditions::Fields<Ref, P::Inner> { crate::conditions::nested(self, \"type\") }",
            "crate::conditions::Field<crate::conditions::Enum<TicketSeverity>, P> { crate::conditions::field(self, \"severity\") }",
            "crate::conditions::List<crate::conditions::Integer>, P",
            "pub fn info(&self) -> crate::conditions::Field<crate::conditions::Map, P> { crate::conditions::field(self, \"_info\") }",
            "crate::conditions::Fields<Ref, crate::conditions::Each<P>> { crate::conditions::nested(self, \"tags\") }",
            "impl crate::custom_fields::HasCustomFields for Ticket { type Entry = Entry; fn custom_field_entries(&self) -> &[Entry] { self.custom_fields.as_deref().unwrap_or_default() } }",
        ] {
            assert!(compact.contains(expected), "missing {expected:?} in:\n{code}");
        }
        // `Ref` has no custom fields; `Entry` is an entry, in `shared`.
        assert!(!code.contains("CustomFieldEntry for"), "{code}");
        let shared = pretty(fields_text(&ir(), "shared"));
        let compact_shared: String = shared.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            compact_shared.contains("impl crate::custom_fields::CustomFieldEntry for Entry { fn id(&self) -> Option<i32> { self.id } fn caption(&self) -> Option<&str> { self.caption.as_deref() } fn value(&self) -> Option<&::serde_json::Value> { self.value.as_ref() } }"),
            "{shared}"
        );
        assert!(!shared.contains("HasCustomFields for Ref"), "{shared}");
        assert!(!code.contains("bad_name"), "{code}");
        assert!(!code.contains("fn or"), "{code}");
        // `Ref` lives in `shared`, not here.
        assert!(!code.contains("impl Ref"), "{code}");
        assert!(
            compact_shared
                .contains("impl<P: crate::conditions::Place> crate::conditions::Fields<Ref, P>"),
            "{shared}"
        );
    }

    #[test]
    fn condition_names() {
        assert!(is_condition_name("closedFlag"));
        assert!(is_condition_name("_info"));
        assert!(!is_condition_name("1st"));
        assert!(!is_condition_name("a-b"));
        assert!(!is_condition_name(""));
        assert!(!is_condition_name("NOT"));
    }
}
