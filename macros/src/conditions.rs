//! `conditions!(ticket, "status/name = 'New'")`: a condition string checked at compile time,
//! for the typed builder and the individual endpoints
//! (`client.list(Ticket::list().conditions(conditions!(Ticket, "closedFlag = false")))`).
//!
//! The first argument names what to check against: a resource (`ticket`,
//! `purchase_order_line_item`: its model) or a model (`Ticket`, `ServiceStatusReference`).
//! The second is a string literal; the expansion is that literal, a `&'static str`, with its
//! own span. An optional third, `child` or `custom_field`, checks it as `childConditions`
//! (same model) or `customFieldConditions` (syntax only) instead.

use crate::check::{self, Kind};
use crate::registry;
use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::parse::{Parse, ParseStream};
use syn::{Ident, LitStr, Token};

/// The input: `target, "literal"` with an optional `, child` / `, custom_field`.
struct Input {
    target: Ident,
    literal: LitStr,
    kind: Kind,
}

impl Parse for Input {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let usage = "expected `conditions!(resource_or_model, \"condition\")`, e.g. \
                     `conditions!(ticket, \"status/name = 'New'\")`";
        if input.is_empty() {
            return Err(syn::Error::new(Span::call_site(), usage));
        }
        let target: Ident = input
            .parse()
            .map_err(|e| syn::Error::new(e.span(), usage))?;
        input
            .parse::<Token![,]>()
            .map_err(|e| syn::Error::new(e.span(), usage))?;
        let literal: LitStr = input.parse().map_err(|e| {
            syn::Error::new(
                e.span(),
                "`conditions!` checks a string literal; a condition built at run time cannot \
                 be checked at compile time: pass it to `.conditions(..)` directly",
            )
        })?;
        let mut kind = Kind::Conditions;
        if input.parse::<Option<Token![,]>>()?.is_some() && !input.is_empty() {
            let which: Ident = input.parse()?;
            kind = match which.to_string().as_str() {
                "child" => Kind::ChildConditions,
                "custom_field" => Kind::CustomFieldConditions,
                other => {
                    return Err(syn::Error::new(
                        which.span(),
                        format!("unknown kind `{other}`: expected `child` or `custom_field`"),
                    ))
                }
            };
            input.parse::<Option<Token![,]>>()?;
        }
        if !input.is_empty() {
            return Err(input.error("unexpected tokens after the condition"));
        }
        Ok(Input {
            target,
            literal,
            kind,
        })
    }
}

/// The proc macro: the checked literal, or `compile_error!`s.
pub fn conditions(input: TokenStream) -> TokenStream {
    expand(input).unwrap_or_else(|e| {
        let errors = e.to_compile_error();
        quote::quote!({ #errors })
    })
}

/// Checks and expands a `conditions!` input.
pub fn expand(input: TokenStream) -> Result<TokenStream, syn::Error> {
    let input: Input = syn::parse2(input)?;
    let name = input.target.to_string();
    let model = model_of(&name).map_err(|hint| {
        syn::Error::new(
            input.target.span(),
            format!("unknown resource or model `{name}`{hint}"),
        )
    })?;
    let mut errors = check::check_literal(&input.literal, &model, input.kind).into_iter();
    if let Some(mut first) = errors.next() {
        for e in errors {
            first.combine(e);
        }
        return Err(first);
    }
    Ok(input.literal.into_token_stream())
}

/// The model a resource or model name stands for; else the "did you mean" hint.
fn model_of(name: &str) -> Result<String, String> {
    if let Some(entry) = registry::find(name) {
        return Ok(entry.model.to_owned());
    }
    let schema = check::schema().map_err(|e| format!(": {e}"))?;
    if schema.model(name).is_some() {
        return Ok(name.to_owned());
    }
    let resources = registry::RESOURCES.iter().map(|e| e.name);
    let models = schema.models().map(|m| m.name());
    let hint = registry::suggest_resource(name)
        .or_else(|| registry::closest(name, models.chain(resources)));
    Err(match hint {
        Some(h) => format!(": did you mean `{h}`?"),
        None => String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn errors(input: TokenStream) -> Vec<String> {
        match expand(input) {
            Ok(ts) => panic!("expected errors, got {ts}"),
            Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn a_valid_condition_expands_to_its_literal() {
        let out = expand(quote!(ticket, "status/name = 'New' and board/id = 5"));
        assert_eq!(
            out.map(|t| t.to_string()).map_err(|e| e.to_string()),
            Ok("\"status/name = 'New' and board/id = 5\"".to_owned())
        );
        assert!(expand(quote!(Ticket, "closedFlag = false")).is_ok());
        assert!(expand(quote!(ServiceStatusReference, "name = 'New'")).is_ok());
        assert!(expand(quote!(ticket, "caption = 'X' and value = 1", custom_field)).is_ok());
    }

    #[test]
    fn misuse_is_explained() {
        assert!(errors(quote!())[0].starts_with("expected `conditions!(resource_or_model"));
        assert!(
            errors(quote!(ticket, cond))[0].starts_with("`conditions!` checks a string literal")
        );
        assert_eq!(
            errors(quote!(tickt, "id = 1")),
            ["unknown resource or model `tickt`: did you mean `ticket`?"]
        );
        assert_eq!(
            errors(quote!(ticket, "id = 1", grandchild)),
            ["unknown kind `grandchild`: expected `child` or `custom_field`"]
        );
    }

    #[test]
    fn condition_errors_come_from_the_checker() {
        let got = errors(quote!(ticket, "status/nmae = 'New' and id = 'x'"));
        assert!(got[0].contains("did you mean `name`?"), "{got:?}");
    }
}
