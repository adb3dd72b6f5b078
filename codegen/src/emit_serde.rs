//! The models' `Serialize` and `Deserialize` impls, one file per module (`serde_<module>.rs`),
//! written as text in rustfmt's layout.
//!
//! `#[derive(Serialize, Deserialize)]` with `skip_serializing_if` on each of the full spec's
//! 8,000 optional fields is a large share of what `cargo check` of the runtime type-checks
//! (a field enum, three identifier visitors, a sequence visitor and a map visitor per model,
//! and a length sum and a branch per field to serialize). The generic work lives once in
//! the runtime's `model_serde` module; each model gets one line per field:
//!
//! ```ignore
//! impl ::serde::Serialize for Note {
//!     fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
//!         let mut map = crate::__private::model::Writer::begin(serializer)?;
//!         map.field("id", &self.id)?;
//!         map.end()
//!     }
//! }
//! impl crate::__private::model::ReadFields for Note {
//!     const NAME: &'static str = "Note";
//!     fn read_field<'de, A: ::serde::de::MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> ... {
//!         match key {
//!             "id" => self.id = crate::__private::model::lenient(map)?,
//!             "contact" => self.contact = map.next_value()?,
//!             _ => return crate::__private::model::skip(map),
//!         }
//!         ::std::result::Result::Ok(())
//!     }
//! }
//! ```
//!
//! The wire behaviour is the derive's with `#[serde(default)]` and `skip_serializing_if =
//! "Option::is_none"`: unset fields are not sent, missing or `null` ones read as `None`.
//! Scalar fields (strings, booleans, numbers, lists of them) are read with
//! `crate::__private::model::lenient(map)` instead of `map.next_value()`, which also takes a
//! value of another JSON type when nothing is lost (`"id": "5"`, `"summary": 42`).

use crate::ir::{Ir, Model, Type};
use std::fmt::Write;

/// The impls for every model whose home is `module` (`"shared"` for shared types).
pub fn serde_text(ir: &Ir, module: &str) -> String {
    let mut out = String::new();
    for model in ir
        .models
        .values()
        .filter(|m| m.home.as_deref().unwrap_or("shared") == module)
    {
        model_text(&mut out, ir, model);
    }
    out
}

/// Whether a field of type `ty` is read with the runtime's `model::lenient` (which accepts a
/// value of another JSON type when nothing is lost: see `connectwise::model_serde::Lenient`):
/// the scalars, lists of them, and aliases of those. Models, maps, dates and free-form JSON
/// are read strictly (`map.next_value()`); the open enums are lenient in their own
/// `Deserialize`.
fn is_lenient(ir: &Ir, ty: &Type, depth: usize) -> bool {
    match ty {
        Type::String | Type::Bool | Type::I32 | Type::I64 | Type::F64 => true,
        // `Vec<Vec<T>>` is `Lenient` too, but stop at aliases that name each other.
        Type::List(t) => depth < 8 && is_lenient(ir, t, depth + 1),
        Type::Named(n) => {
            depth < 8
                && ir
                    .aliases
                    .values()
                    .find(|a| &a.name == n)
                    .is_some_and(|a| is_lenient(ir, &a.ty, depth + 1))
        }
        Type::DateTime | Type::Date | Type::Json | Type::Map(_) | Type::Info => false,
    }
}

/// The name of a model's field for properties the spec does not list (as `emit` names it).
pub(crate) fn additional_name(model: &Model) -> &'static str {
    if model.fields.iter().any(|f| f.name == "additional") {
        "additional_"
    } else {
        "additional"
    }
}

fn model_text(out: &mut String, ir: &Ir, m: &Model) {
    let name = &m.name;
    let extra = m.additional.as_ref().map(|_| additional_name(m));
    let set = if m.fields.is_empty() && extra.is_none() {
        "let map"
    } else {
        "let mut map"
    };
    // `write!` to a `String` cannot fail.
    let _ = write!(
        out,
        "impl ::serde::Serialize for {name} {{\n    \
         fn serialize<S: ::serde::Serializer>(\n        &self,\n        serializer: S,\n    \
         ) -> ::std::result::Result<S::Ok, S::Error> {{\n        \
         {set} = crate::__private::model::Writer::begin(serializer)?;\n"
    );
    for f in &m.fields {
        let _ = writeln!(out, "        map.field({:?}, &self.{})?;", f.json, f.name);
    }
    if let Some(extra) = extra {
        let _ = writeln!(out, "        map.extra(&self.{extra})?;");
    }
    let _ = write!(
        out,
        "        map.end()\n    }}\n}}\n\
         impl<'de> ::serde::Deserialize<'de> for {name} {{\n    \
         fn deserialize<D: ::serde::Deserializer<'de>>(\n        deserializer: D,\n    \
         ) -> ::std::result::Result<Self, D::Error> {{\n        \
         crate::__private::model::read(deserializer)\n    }}\n}}\n\
         impl crate::__private::model::ReadFields for {name} {{\n    \
         const NAME: &'static str = {name:?};\n    \
         fn read_field<'de, A: ::serde::de::MapAccess<'de>>(\n        &mut self,\n        \
         key: &str,\n        map: &mut A,\n    ) -> ::std::result::Result<(), A::Error> {{\n"
    );
    if m.fields.is_empty() {
        // No `match` with one arm (clippy's `match_single_binding`).
        match extra {
            Some(extra) => {
                let _ = writeln!(
                    out,
                    "        crate::__private::model::keep(&mut self.{extra}, key, map)"
                );
            }
            None => {
                out.push_str("        let _ = key;\n        crate::__private::model::skip(map)\n")
            }
        }
        out.push_str("    }\n}\n");
        return;
    }
    out.push_str("        match key {\n");
    for f in &m.fields {
        let read = if !f.boxed && is_lenient(ir, &f.ty, 0) {
            "crate::__private::model::lenient(map)"
        } else {
            "map.next_value()"
        };
        let _ = writeln!(
            out,
            "            {:?} => self.{} = {read}?,",
            f.json, f.name
        );
    }
    match extra {
        Some(extra) => {
            let _ = writeln!(
                out,
                "            other => crate::__private::model::keep(&mut self.{extra}, other, map)?,"
            );
        }
        None => out.push_str("            _ => return crate::__private::model::skip(map),\n"),
    }
    out.push_str("        }\n        ::std::result::Result::Ok(())\n    }\n}\n");
}
