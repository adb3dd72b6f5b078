//! Compile-time checks of literal conditions, with `connectwise-conditions`: `conditions` and
//! `child_conditions` against the resource's model (child conditions walk into list fields,
//! which the checker does), `custom_field_conditions` for syntax only (they name custom fields
//! by caption, which no spec knows). A value that is not a string literal (a variable,
//! `format!`) is left alone: it is checked by nobody before it reaches the API.
//!
//! The schema (every model's fields and types) is JSON written by `build.rs` from the same spec
//! as the registry, parsed once per compiler process.
//!
//! Spans: an error points into the string literal at the offending text where the compiler
//! allows it (`Literal::subspan`, nightly only today); on stable it points at the whole literal
//! and the message says the column and quotes the offending text.

use connectwise_conditions::{check_custom_field_conditions, check_str, CheckError, Schema};
use proc_macro2::Span;
use std::sync::OnceLock;
use syn::LitStr;

/// The condition schema of the spec, as `build.rs` wrote it.
pub static SCHEMA_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/condition_schema.json"));

/// The schema, parsed on first use.
pub fn schema() -> Result<&'static Schema, &'static str> {
    static SCHEMA: OnceLock<Result<Schema, String>> = OnceLock::new();
    SCHEMA
        .get_or_init(|| {
            Schema::from_json(SCHEMA_JSON).map_err(|e| {
                format!("connectwise-macros: the condition schema from build.rs does not load: {e}")
            })
        })
        .as_ref()
        .map_err(String::as_str)
}

/// Which kind of condition a literal is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Conditions,
    ChildConditions,
    CustomFieldConditions,
}

impl Kind {
    fn argument(self) -> &'static str {
        match self {
            Kind::Conditions => "conditions",
            Kind::ChildConditions => "child_conditions",
            Kind::CustomFieldConditions => "custom_field_conditions",
        }
    }
}

/// Checks `literal` as a `kind` condition on `model` (a Rust model name); one error per
/// problem. An empty literal (`""`, as the seed sends) is no condition and passes.
pub fn check_literal(literal: &LitStr, model: &str, kind: Kind) -> Vec<syn::Error> {
    let text = literal.value();
    if text.trim().is_empty() {
        return Vec::new();
    }
    let result = match kind {
        Kind::CustomFieldConditions => check_custom_field_conditions(&text).map(drop),
        Kind::Conditions | Kind::ChildConditions => match schema() {
            Ok(schema) => check_str(&text, schema, model).map(drop),
            Err(message) => return vec![syn::Error::new(literal.span(), message)],
        },
    };
    match result {
        Ok(()) => Vec::new(),
        Err(errors) => errors
            .iter()
            .map(|e| spanned(literal, &text, e, kind))
            .collect(),
    }
}

/// One checker error as a compiler error inside (or on) the literal.
fn spanned(literal: &LitStr, text: &str, error: &CheckError, kind: Kind) -> syn::Error {
    let range = error.span.start..error.span.end;
    if let Some(span) = subspan(literal, text, range.clone()) {
        return syn::Error::new(span, &error.message);
    }
    let (line, column) = error.line_column(text);
    let place = if line > 1 {
        format!("line {line}, column {column}")
    } else {
        format!("column {column}")
    };
    let offending = text.get(range).unwrap_or("");
    let at = if offending.is_empty() {
        if error.span.start >= text.len() {
            " (at the end of the condition)".to_owned()
        } else {
            format!(" (at {place})")
        }
    } else {
        format!(" (at {place}: `{offending}`)")
    };
    syn::Error::new(
        literal.span(),
        format!("in `{}`: {}{at}", kind.argument(), error.message),
    )
}

/// The span of `range` (bytes of the string's value) inside the literal's source, when the
/// compiler can give one and the source spells the value byte for byte (no escapes): plain
/// strings without escapes and raw strings.
fn subspan(literal: &LitStr, value: &str, range: std::ops::Range<usize>) -> Option<Span> {
    if range.is_empty() {
        return None;
    }
    let token = literal.token();
    let source = token.to_string();
    let open = source.find('"')? + 1;
    let hashes = open - 1 - usize::from(source.starts_with('r'));
    let close = source.len().checked_sub(1 + hashes)?;
    if source.get(open..close)? != value {
        return None;
    }
    token.subspan(open + range.start..open + range.end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(s: &str) -> LitStr {
        LitStr::new(s, Span::call_site())
    }

    fn messages(text: &str, model: &str, kind: Kind) -> Vec<String> {
        check_literal(&lit(text), model, kind)
            .into_iter()
            .map(|e| e.to_string())
            .collect()
    }

    #[test]
    fn the_schema_loads_and_knows_the_seed_models() {
        let schema = schema().expect("schema");
        for model in ["Ticket", "Company", "Member", "PurchaseOrderLineItem"] {
            assert!(schema.model(model).is_some(), "{model}");
        }
    }

    #[test]
    fn the_seed_ticket_conditions_pass() {
        let seed = "summary like '%a%' and status/name like '%new%'and board/name='Help Desk'";
        assert!(messages(seed, "Ticket", Kind::Conditions).is_empty());
        assert!(messages("", "Company", Kind::ChildConditions).is_empty());
    }

    #[test]
    fn unknown_field_has_the_column_and_the_text() {
        let got = messages("status/nmae = 'New'", "Ticket", Kind::Conditions);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(
            got[0].starts_with("in `conditions`: unknown field `nmae`"),
            "{got:?}"
        );
        assert!(got[0].contains("did you mean `name`?"), "{got:?}");
        assert!(got[0].ends_with("(at column 8: `nmae`)"), "{got:?}");
    }

    #[test]
    fn every_error_is_reported() {
        let got = messages(
            "sumary = 'a' and id = 'x' and closedFlag like 'y'",
            "Ticket",
            Kind::Conditions,
        );
        assert!(got.len() >= 2, "{got:?}");
    }

    #[test]
    fn custom_field_conditions_are_parsed_for_syntax_only() {
        assert!(messages(
            "caption = 'Region' and value = 'EU'",
            "Ticket",
            Kind::CustomFieldConditions
        )
        .is_empty());
        let got = messages("caption = ", "Ticket", Kind::CustomFieldConditions);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(
            got[0].starts_with("in `custom_field_conditions`: "),
            "{got:?}"
        );
        assert!(got[0].ends_with("(at the end of the condition)"), "{got:?}");
    }

    #[test]
    fn subspan_offsets_skip_the_quotes_of_plain_and_raw_strings() {
        // Outside a compiler, proc_macro2 has no sub-spans: only the guard logic is tested.
        let plain: LitStr = syn::parse_str(r#""a = 1""#).expect("literal");
        assert_eq!(plain.value(), "a = 1");
        let escaped: LitStr = syn::parse_str(r#""a = \"1\"""#).expect("literal");
        assert!(subspan(&escaped, &escaped.value(), 0..1).is_none());
        let raw: LitStr = syn::parse_str(r##"r#"a = '1'"#"##).expect("literal");
        assert_eq!(raw.value(), "a = '1'");
    }
}
