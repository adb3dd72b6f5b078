//! The syntax of `bundle!`: sub-requests separated by commas (a trailing one is fine), each a
//! resource name with an optional parenthesised list of `name = expression` arguments and bare
//! flags (`count`):
//!
//! ```text
//! bundle!(ticket(conditions = "status/name = 'New'", page_size = 1000), company(id = 250), member,
//!         ticket(count, conditions = "status/name = 'New'"))
//! ```
//!
//! Only the shape is checked here; what the names mean is [`crate::expand`]'s job. Every
//! sub-request is parsed even when an earlier one is malformed, so all syntax errors are
//! reported at once.

use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use syn::parse::{Parse, ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Expr, Ident, Token};

/// A whole `bundle!(...)` input.
pub struct Input {
    pub requests: Vec<SubRequest>,
}

/// `ticket(conditions = c, page_size = 1000)`, `ticket(count, conditions = c)`.
pub struct SubRequest {
    /// The resource name, with the user's span.
    pub resource: Ident,
    /// The bare identifiers among the arguments (`count`), in order.
    pub flags: Vec<Flag>,
    /// The `name = value` arguments, in order.
    pub args: Vec<Arg>,
}

/// `page_size = 1000`.
pub struct Arg {
    pub name: Ident,
    pub value: Expr,
}

/// A bare identifier in the argument list: `count`.
pub struct Flag {
    pub name: Ident,
    /// Its position among all the arguments, from 0.
    pub position: usize,
}

/// One item of an argument list: `name = value` or a bare `name`.
enum Item {
    Arg(Arg),
    Flag(Ident),
}

impl Parse for Item {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let name: Ident = input.parse()?;
        if input.is_empty() || input.peek(Token![,]) {
            return Ok(Item::Flag(name));
        }
        input.parse::<Token![=]>()?;
        let value: Expr = input.parse()?;
        Ok(Item::Arg(Arg { name, value }))
    }
}

/// Parses the input; every malformed sub-request is one error, all combined.
pub fn parse(tokens: TokenStream) -> Result<Input, syn::Error> {
    let mut requests = Vec::new();
    let mut errors: Option<syn::Error> = None;
    let mut push_error = |e: syn::Error| match &mut errors {
        Some(all) => all.combine(e),
        None => errors = Some(e),
    };
    for chunk in split_commas(tokens) {
        match sub_request(chunk) {
            Ok(r) => requests.push(r),
            Err(e) => push_error(e),
        }
    }
    match errors {
        Some(e) => Err(e),
        None => Ok(Input { requests }),
    }
}

/// One comma-separated piece of the input, with the span of the comma that ended it (for
/// errors about an empty piece).
struct Chunk {
    tokens: Vec<TokenTree>,
    comma: Option<Span>,
}

/// Splits at top-level commas. Sub-requests are an identifier and at most one group, so a
/// top-level comma always separates two of them; commas inside the arguments are inside the
/// group. A trailing comma leaves no empty piece.
fn split_commas(tokens: TokenStream) -> Vec<Chunk> {
    let mut chunks = Vec::new();
    let mut current = Vec::new();
    for tt in tokens {
        match &tt {
            TokenTree::Punct(p) if p.as_char() == ',' => {
                chunks.push(Chunk {
                    tokens: std::mem::take(&mut current),
                    comma: Some(p.span()),
                });
            }
            _ => current.push(tt),
        }
    }
    if !current.is_empty() {
        chunks.push(Chunk {
            tokens: current,
            comma: None,
        });
    }
    chunks
}

fn sub_request(chunk: Chunk) -> Result<SubRequest, syn::Error> {
    let mut tokens = chunk.tokens.into_iter();
    let resource = match tokens.next() {
        Some(TokenTree::Ident(i)) => i,
        Some(other) => return Err(syn::Error::new(
            other.span(),
            "expected a resource name, like `ticket(conditions = \"..\")` or `company(id = 250)`",
        )),
        None => {
            return Err(syn::Error::new(
                chunk.comma.unwrap_or_else(Span::call_site),
                "expected a resource name before this comma",
            ))
        }
    };
    let mut flags = Vec::new();
    let mut args = Vec::new();
    match tokens.next() {
        None => {}
        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis => {
            let parsed = Punctuated::<Item, Token![,]>::parse_terminated.parse2(g.stream())?;
            for (position, item) in parsed.into_iter().enumerate() {
                match item {
                    Item::Arg(arg) => args.push(arg),
                    Item::Flag(name) => flags.push(Flag { name, position }),
                }
            }
        }
        Some(other) => {
            return Err(syn::Error::new(
                other.span(),
                format!(
                    "expected `(` with the arguments of `{resource}`, or a comma: \
                     `{resource}(page_size = 100)`"
                ),
            ))
        }
    }
    if let Some(extra) = tokens.next() {
        return Err(syn::Error::new(
            extra.span(),
            "expected a comma between sub-requests",
        ));
    }
    Ok(SubRequest {
        resource,
        flags,
        args,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn sub_requests_with_and_without_arguments_and_a_trailing_comma() {
        let input = parse(quote! {
            ticket(conditions = "summary like '%a%'", page = 1, page_size = 1000),
            company(id = 250),
            member,
            purchase_order_line_item(parent_id = po.id.unwrap_or(1), page_size = f::<u32, u8>(1),),
        })
        .map_err(|e| e.to_string())
        .expect("parses");
        let names: Vec<String> = input
            .requests
            .iter()
            .map(|r| r.resource.to_string())
            .collect();
        assert_eq!(
            names,
            ["ticket", "company", "member", "purchase_order_line_item"]
        );
        let args: Vec<usize> = input.requests.iter().map(|r| r.args.len()).collect();
        assert_eq!(args, [3, 1, 0, 2]);
        assert_eq!(input.requests[3].args[0].name, "parent_id");
    }

    #[test]
    fn bare_identifiers_are_flags_with_their_position() {
        let input = parse(quote! {
            ticket(count, conditions = "id = 1"), company(id = 1, count), member(count)
        })
        .map_err(|e| e.to_string())
        .expect("parses");
        let flags: Vec<Vec<(String, usize)>> = input
            .requests
            .iter()
            .map(|r| {
                r.flags
                    .iter()
                    .map(|f| (f.name.to_string(), f.position))
                    .collect()
            })
            .collect();
        assert_eq!(
            flags,
            [
                vec![("count".to_owned(), 0)],
                vec![("count".to_owned(), 1)],
                vec![("count".to_owned(), 0)]
            ]
        );
        let args: Vec<usize> = input.requests.iter().map(|r| r.args.len()).collect();
        assert_eq!(args, [1, 1, 0]);
    }

    #[test]
    fn every_malformed_sub_request_is_reported() {
        let err = parse(quote! { ticket(page_size: 1), 5, company[id = 1], , member(page = 1) x })
            .err()
            .expect("fails");
        let messages: Vec<String> = err.into_iter().map(|e| e.to_string()).collect();
        assert_eq!(messages.len(), 5, "{messages:#?}");
        assert_eq!(messages[0], "expected `=`");
        assert!(messages[1].starts_with("expected a resource name"));
        assert!(messages[2].starts_with("expected `(`"));
        assert_eq!(messages[3], "expected a resource name before this comma");
        assert_eq!(messages[4], "expected a comma between sub-requests");
    }

    #[test]
    fn empty_input_has_no_sub_requests() {
        let input = parse(TokenStream::new())
            .map_err(|e| e.to_string())
            .expect("parses");
        assert!(input.requests.is_empty());
    }
}
