//! The callback types: ConnectWise's callbacks (webhooks) carry the record's kind as a plain
//! string (`"Type": "ticket"`), which the spec does not tie to a model. The overrides file's
//! `callbacks` table does (`{"ticket": "Ticket", "configuration": "Company.Configuration"}`:
//! callback type -> component schema, or Rust model name); `resolve` checks it against the
//! spec while the IR is built (a name that is no model is an error) and [`callbacks_tokens`]
//! emits `callbacks.rs`, which the runtime includes in `connectwise::callbacks`:
//!
//! - `CALLBACK_TYPES`: `(type, model)` for every type whose model is compiled;
//! - `Event`: one variant per such type, named after its model and holding it (`None` on
//!   delete), and
//!   `Unknown { kind, entity }` for every other type (and for types whose model's module
//!   feature is off), with `Event::decode(kind, entity)`.
//!
//! The generated file names only `crate::models` and absolute paths, so it compiles wherever
//! the models are `crate::models`.

use crate::emit::{ident, ModuleFilter};
use crate::error::Diagnostic;
use crate::ir::{Ir, Model};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeMap;

/// What [`resolve`] found: callback type -> Rust model name, the errors, and the warnings.
pub(crate) type Resolved = (BTreeMap<String, String>, Vec<Diagnostic>, Vec<Diagnostic>);

/// Whether the spec has what `Client::ensure_callbacks` (the runtime's
/// `callbacks/register.rs`) sends and reads: the `callback_entry` group's `list`, `create` and
/// `delete` operations on `/system/callbacks`, and a `CallbackEntry` model with the fields it
/// compares. The runtime's build script turns the answer into the
/// `connectwise_callback_registration` cfg, so a cut-down spec without `/system/callbacks`
/// still builds (without `ensure_callbacks`).
pub fn registration_available(ir: &Ir) -> bool {
    use crate::ir::OperationKind;
    let has = |kind: OperationKind| {
        ir.operations
            .iter()
            .any(|op| op.group == "callback_entry" && op.kind == kind)
    };
    let fields = [
        "url",
        "type",
        "level",
        "objectId",
        "description",
        "inactiveFlag",
    ];
    let model = ir.models.get("CallbackEntry").is_some_and(|m| {
        fields
            .iter()
            .all(|f| m.fields.iter().any(|field| field.json == *f))
    });
    model && has(OperationKind::List) && has(OperationKind::Create) && has(OperationKind::Delete)
}

/// Resolves the overrides' `callbacks` table (callback type -> component schema or Rust model
/// name) to callback type -> Rust model name. A type that is not a lower-case word, two types
/// naming one model, or the model name `Unknown` are errors. A name that is no model of the
/// spec is an error when the spec has callbacks (`strict`: it has `/system/callbacks`), with
/// the closest model name; in a cut-down spec without them it is a warning and the type is
/// left out (the same overrides file serves every spec).
pub(crate) fn resolve(
    table: &BTreeMap<String, String>,
    components: &BTreeMap<String, String>,
    models: &BTreeMap<String, Model>,
    strict: bool,
) -> Resolved {
    let mut out = BTreeMap::new();
    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    for (kind, name) in table {
        let pointer = format!(
            "#/components/schemas/{}",
            crate::error::escape_pointer(name)
        );
        let diag = |message: String| Diagnostic {
            pointer: pointer.clone(),
            schema: None,
            message: format!("overrides.json, callbacks.{kind}: {message}"),
        };
        if kind.is_empty()
            || !kind
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            problems.push(diag(format!(
                "callback type {kind:?} must be lower case letters, digits and `_` (the \
                 API's `Type`, matched in any case)"
            )));
            continue;
        }
        let rust = components
            .get(name)
            .filter(|r| models.contains_key(*r))
            .or_else(|| models.contains_key(name).then_some(name));
        match rust {
            Some(rust) if rust == "Unknown" => problems.push(diag(
                "names the model `Unknown`, the name of `Event`'s catch-all variant".into(),
            )),
            Some(rust) => {
                if let Some((other, _)) = out.iter().find(|(_, r)| *r == rust) {
                    problems.push(diag(format!(
                        "callback types `{other}` and `{kind}` both name `{name}`: `Event` \
                         has one variant per model"
                    )));
                    continue;
                }
                out.insert(kind.clone(), rust.clone());
            }
            None => {
                let wanted = name.to_ascii_lowercase().replace('.', "");
                let close = components
                    .iter()
                    .filter(|(_, r)| models.contains_key(*r))
                    .find(|(schema, rust)| {
                        schema.to_ascii_lowercase().replace('.', "") == wanted
                            || rust.to_ascii_lowercase() == wanted
                            || schema.to_ascii_lowercase().ends_with(&format!(".{wanted}"))
                    })
                    .map(|(schema, _)| format!(" (did you mean `{schema}`?)"))
                    .unwrap_or_default();
                let message = format!(
                    "callback type `{kind}` names `{name}`, which is no model (object schema) \
                     of the spec{close}"
                );
                if strict {
                    problems.push(diag(message));
                } else {
                    warnings.push(diag(format!(
                        "{message}; left out, as this spec has no /system/callbacks"
                    )));
                }
            }
        }
    }
    (out, problems, warnings)
}

/// `callbacks.rs`: the table and the `Event` enum, for the callback types whose model is
/// compiled with `modules`.
pub fn callbacks_tokens(ir: &Ir, modules: &ModuleFilter) -> TokenStream {
    let kept: Vec<(&str, &Model)> = ir
        .callbacks
        .iter()
        .filter_map(|(kind, model)| {
            let m = ir.models.get(model)?;
            m.home
                .as_deref()
                .map_or(true, |home| modules.keeps(home))
                .then_some((kind.as_str(), m))
        })
        .collect();
    let rows = kept.iter().map(|(kind, m)| {
        let name = &m.name;
        quote!((#kind, #name))
    });
    let variants: Vec<_> = kept
        .iter()
        .map(|(kind, m)| {
            let variant = ident(&m.name);
            let model = ident(&m.name);
            let doc = format!(
                " `{kind}`: the [`{0}`](crate::models::{0}) record; `None` when it was deleted.",
                m.name
            );
            (kind, variant, model, doc)
        })
        .collect();
    let decls = variants.iter().map(|(_, variant, model, doc)| {
        quote! {
            #[doc = #doc]
            #variant(::std::option::Option<::std::boxed::Box<crate::models::#model>>)
        }
    });
    let arms = variants.iter().map(|(kind, variant, _, _)| {
        quote!(#kind => ::std::result::Result::Ok(Event::#variant(record(entity)?)))
    });
    let kinds = variants
        .iter()
        .map(|(kind, variant, _, _)| quote!(Event::#variant(_) => #kind));
    let records = variants
        .iter()
        .map(|(_, variant, _, _)| quote!(Event::#variant(record) => record.is_some()));
    let unknown = quote! {
        ::std::result::Result::Ok(Event::Unknown {
            kind: kind.to_owned(),
            entity: entity.map(::serde_json::from_str).transpose()?,
        })
    };
    // With no type compiled, `Unknown` is the only variant: no match (clippy-clean).
    let (decode_body, kind_body, record_body) = if variants.is_empty() {
        (
            unknown,
            quote!(let Event::Unknown { kind, .. } = self; kind),
            quote!(let Event::Unknown { entity, .. } = self; entity.is_some()),
        )
    } else {
        (
            quote! {
                fn record<T: ::serde::de::DeserializeOwned>(
                    entity: ::std::option::Option<&str>,
                ) -> ::std::result::Result<::std::option::Option<::std::boxed::Box<T>>, ::serde_json::Error> {
                    entity.map(|e| ::serde_json::from_str(e).map(::std::boxed::Box::new)).transpose()
                }
                match kind.to_ascii_lowercase().as_str() {
                    #(#arms,)*
                    _ => #unknown,
                }
            },
            quote! {
                match self {
                    #(#kinds,)*
                    Event::Unknown { kind, .. } => kind,
                }
            },
            quote! {
                match self {
                    #(#records,)*
                    Event::Unknown { entity, .. } => entity.is_some(),
                }
            },
        )
    };
    quote! {
        /// The callback types decoded into models, `(Type, model)`: the `callbacks` table of
        /// `specs/overrides.json`, for the models compiled with the enabled module features.
        pub const CALLBACK_TYPES: &[(&str, &str)] = &[#(#rows),*];

        /// A callback's record, decoded into the model of its `Type` (the table
        /// [`CALLBACK_TYPES`]); `match` on it. Variants follow the table and the module
        /// features, hence `non_exhaustive`.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum Event {
            #(#decls,)*
            /// A type not in the table, or whose model's module feature is off: its `Type` as
            /// sent and the record as JSON (`None` when it was deleted).
            Unknown {
                /// The callback's `Type`, as sent.
                kind: ::std::string::String,
                /// The record as JSON; `None` when it was deleted.
                entity: ::std::option::Option<::serde_json::Value>,
            },
        }

        impl Event {
            /// Decodes `entity` (the record's JSON text, `None` for a deleted record) as the
            /// model of the callback type `kind` (any case).
            pub fn decode(
                kind: &str,
                entity: ::std::option::Option<&str>,
            ) -> ::std::result::Result<Event, ::serde_json::Error> {
                #decode_body
            }

            /// The callback type: as the table spells it, or as sent for `Unknown`.
            pub fn kind(&self) -> &str {
                #kind_body
            }

            /// Whether it carries a record (false for a deletion).
            pub fn has_record(&self) -> bool {
                #record_body
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Model;

    fn model(name: &str, home: Option<&str>) -> Model {
        Model {
            schema: name.into(),
            name: name.into(),
            doc: None,
            fields: Vec::new(),
            additional: None,
            home: home.map(str::to_owned),
        }
    }

    fn spec() -> (BTreeMap<String, String>, BTreeMap<String, Model>) {
        let components = [
            ("Ticket", "Ticket"),
            ("Company.Configuration", "CompanyConfiguration"),
            ("Company", "Company"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
        .collect();
        let models = [
            model("Ticket", Some("service")),
            model("CompanyConfiguration", Some("company")),
            model("Company", None),
        ]
        .into_iter()
        .map(|m| (m.name.clone(), m))
        .collect();
        (components, models)
    }

    fn table(entries: &[(&str, &str)]) -> BTreeMap<String, String> {
        entries
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    }

    #[test]
    fn schema_and_rust_names_resolve() {
        let (components, models) = spec();
        let (resolved, errors, _) = resolve(
            &table(&[
                ("ticket", "Ticket"),
                ("configuration", "Company.Configuration"),
            ]),
            &components,
            &models,
            true,
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(resolved["configuration"], "CompanyConfiguration");
        let (again, _, _) = resolve(
            &table(&[("configuration", "CompanyConfiguration")]),
            &components,
            &models,
            true,
        );
        assert_eq!(again["configuration"], "CompanyConfiguration");
    }

    #[test]
    fn unknown_names_are_errors_with_a_suggestion() {
        let (components, models) = spec();
        let bad = table(&[
            ("ticket", "Tickets"),
            ("config", "Configuration"),
            ("Bad", "Ticket"),
        ]);
        let (_, problems, warnings) = resolve(&bad, &components, &models, true);
        assert!(warnings.is_empty(), "{warnings:?}");
        let text: Vec<String> = problems.iter().map(|d| d.to_string()).collect();
        assert_eq!(problems.len(), 3, "{text:#?}");
        assert!(
            text.iter()
                .any(|t| t.contains("`Tickets`, which is no model")),
            "{text:#?}"
        );
        assert!(
            text.iter()
                .any(|t| t.contains("did you mean `Company.Configuration`")),
            "{text:#?}"
        );
        assert!(
            text.iter()
                .any(|t| t.contains("\"Bad\" must be lower case")),
            "{text:#?}"
        );
        assert!(problems.iter().all(|d| d.pointer.starts_with("#/")));
        let (_, twice, _) = resolve(
            &table(&[("ticket", "Ticket"), ("serviceticket", "Ticket")]),
            &components,
            &models,
            true,
        );
        assert!(twice[0].message.contains("both name"), "{twice:?}");
        // A spec without callbacks: missing models are warnings, the rest resolves; a bad
        // type is still an error.
        let (lenient, errors, warnings) = resolve(&bad, &components, &models, false);
        assert_eq!(lenient.len(), 0);
        assert_eq!(
            (errors.len(), warnings.len()),
            (1, 2),
            "{errors:?} {warnings:?}"
        );
    }

    #[test]
    fn building_the_ir_fails_on_an_unknown_name() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("specs/connectwise-sample.json");
        let spec = crate::load::read_spec(&path).unwrap();
        let overrides = crate::Overrides::parse(
            br#"{"callbacks": {"ticket": "Ticket", "widget": "Widget"}}"#,
            std::path::Path::new("overrides.json"),
        )
        .unwrap();
        let error = crate::ir::build(&spec, &overrides, &path)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("callback type `widget` names `Widget`, which is no model"),
            "{error}"
        );
        let fine = crate::Overrides::parse(
            br#"{"callbacks": {"ticket": "Ticket"}}"#,
            std::path::Path::new("overrides.json"),
        )
        .unwrap();
        let ir = crate::ir::build(&spec, &fine, &path).unwrap();
        assert_eq!(ir.callbacks["ticket"], "Ticket");
    }

    #[test]
    fn types_whose_module_is_off_are_left_to_unknown() {
        let (components, models) = spec();
        let ir = Ir {
            callbacks: resolve(
                &table(&[
                    ("company", "Company"),
                    ("configuration", "Company.Configuration"),
                    ("ticket", "Ticket"),
                ]),
                &components,
                &models,
                true,
            )
            .0,
            models,
            ..Ir::default()
        };
        let off = ModuleFilter::Except(["service".to_owned()].into_iter().collect());
        let text = callbacks_tokens(&ir, &off).to_string();
        assert!(text.contains("CompanyConfiguration"), "{text}");
        assert!(text.contains("\"company\""), "{text}");
        assert!(!text.contains("Ticket"), "{text}");
        let all = callbacks_tokens(&ir, &ModuleFilter::All).to_string();
        assert!(all.contains("Ticket (") || all.contains("Ticket("), "{all}");
    }
}
