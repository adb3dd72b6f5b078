//! What `bundle!` means: each sub-request checked against the registry, then expanded into
//! calls of the runtime's typed builder.
//!
//! ```text
//! bundle!(ticket(conditions = c, page_size = 1000), company(id = 5))
//! ```
//! becomes
//! ```text
//! {
//!     const _: () = ::connectwise::__private::assert_same_spec(0x..);
//!     let mut bundle = ::connectwise::Bundle::new();
//!     let h0 = bundle.push(::connectwise::resources::ticket::list().conditions(c).page_size(1000));
//!     let h1 = bundle.push(::connectwise::resources::company::get(5));
//!     ::connectwise::TypedBundle::new(bundle, move |results: &mut ::connectwise::BundleResults| {
//!         (results.take(h0), results.take(h1))
//!     })
//! }
//! ```
//! A count, `ticket(count, conditions = c)`, is `::connectwise::resources::ticket::count()
//! .conditions(c)` in the same place; its slot is `Result<u64, ItemError>` (the bundle sends
//! counts to `/system/bundles/count`, at the same time as the reads).
//! The locals are hygienic (mixed-site spans: the user's expressions cannot see them), every
//! path is absolute, and every user token keeps its span, so rustc's own errors (a value of the
//! wrong type) point at the user's expression. Parent ids and `id` are the constructors'
//! positional arguments, in path-template order (grandparent first); the other arguments are
//! builder methods. They are evaluated in that order, not the order written.
//!
//! Every problem is reported at once, each spanned on the user's token: unknown resource (with
//! "did you mean"), resource whose API module's cargo feature is off, unknown or repeated
//! argument (with "did you mean"), missing or superfluous `parent_id` / `grand_parent_id`,
//! `id` on a resource without get-by-id, list-only arguments on a get-by-id, `count` on a
//! resource without a count endpoint, arguments that do not apply to a count (`id`, paging,
//! `order_by`, `fields`), `count` not first or given twice, unknown flags, empty input, and
//! every problem of a literal `conditions` / `child_conditions` (checked against the model) or
//! `custom_field_conditions` (syntax only), see [`crate::check`].

use crate::check;
use crate::parse::{self, Arg, SubRequest};
use crate::registry::{self, Entry, Key};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::{Expr, Ident};

/// The arguments a sub-request takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgKind {
    Conditions,
    ChildConditions,
    CustomFieldConditions,
    OrderBy,
    Fields,
    Page,
    PageSize,
    PageId,
    Version,
    Id,
    ParentId,
    GrandParentId,
}

/// Every argument, as written.
pub const ARGS: &[(&str, ArgKind)] = &[
    ("conditions", ArgKind::Conditions),
    ("child_conditions", ArgKind::ChildConditions),
    ("custom_field_conditions", ArgKind::CustomFieldConditions),
    ("order_by", ArgKind::OrderBy),
    ("fields", ArgKind::Fields),
    ("page", ArgKind::Page),
    ("page_size", ArgKind::PageSize),
    ("page_id", ArgKind::PageId),
    ("version", ArgKind::Version),
    ("id", ArgKind::Id),
    ("parent_id", ArgKind::ParentId),
    ("grand_parent_id", ArgKind::GrandParentId),
];

impl ArgKind {
    fn of(name: &str) -> Option<ArgKind> {
        ARGS.iter().find(|(n, _)| *n == name).map(|(_, k)| *k)
    }

    /// Filters and paging: list requests only.
    fn list_only(self) -> bool {
        matches!(
            self,
            ArgKind::Conditions
                | ArgKind::ChildConditions
                | ArgKind::CustomFieldConditions
                | ArgKind::OrderBy
                | ArgKind::Page
                | ArgKind::PageSize
                | ArgKind::PageId
        )
    }

    /// What a count takes: its filters, the version and the path's parent ids.
    fn applies_to_count(self) -> bool {
        matches!(
            self,
            ArgKind::Conditions
                | ArgKind::ChildConditions
                | ArgKind::CustomFieldConditions
                | ArgKind::Version
                | ArgKind::ParentId
                | ArgKind::GrandParentId
        )
    }

    fn key(self) -> Option<Key> {
        match self {
            ArgKind::ParentId => Some(Key::ParentId),
            ArgKind::GrandParentId => Some(Key::GrandParentId),
            _ => None,
        }
    }
}

fn key_arg(key: Key) -> &'static str {
    match key {
        Key::GrandParentId => "grand_parent_id",
        Key::ParentId => "parent_id",
        Key::Id => "id",
    }
}

fn key_template(key: Key) -> &'static str {
    match key {
        Key::GrandParentId => "{grandparentId}",
        Key::ParentId => "{parentId}",
        Key::Id => "{id}",
    }
}

/// The one flag: `ticket(count, ..)`.
const COUNT: &str = "count";

/// All errors of one expansion, combined into one.
#[derive(Default)]
pub struct Errors(Option<syn::Error>);

impl Errors {
    pub fn push(&mut self, e: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(e),
            None => self.0 = Some(e),
        }
    }

    pub fn error(&mut self, span: Span, message: impl std::fmt::Display) {
        self.push(syn::Error::new(span, message));
    }

    pub fn finish(self) -> Result<(), syn::Error> {
        match self.0 {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

/// The proc macro: the expansion, or `compile_error!`s for every problem (in a block, so that
/// several of them are one expression).
pub fn bundle(input: TokenStream) -> TokenStream {
    expand(input).unwrap_or_else(|e| {
        let errors = e.to_compile_error();
        quote!({ #errors })
    })
}

/// Checks and expands a `bundle!` input.
pub fn expand(input: TokenStream) -> Result<TokenStream, syn::Error> {
    let input = parse::parse(input)?;
    if input.requests.is_empty() {
        return Err(syn::Error::new(
            Span::call_site(),
            "`bundle!` needs at least one sub-request: `bundle!(ticket(page_size = 100), company(id = 250))`",
        ));
    }
    let mut errors = Errors::default();
    let requests: Vec<Option<TokenStream>> = input
        .requests
        .iter()
        .map(|r| sub_request(r, &mut errors))
        .collect();
    errors.finish()?;
    let requests = requests.into_iter().flatten();

    let bundle = Ident::new("bundle", Span::mixed_site());
    let results = Ident::new("results", Span::mixed_site());
    let handles: Vec<Ident> = (0..input.requests.len())
        .map(|i| {
            let mut h = format_ident!("h{i}");
            h.set_span(Span::mixed_site());
            h
        })
        .collect();
    let fingerprint = syn::LitInt::new(
        &format!("{:#018x}", registry::FINGERPRINT),
        Span::call_site(),
    );
    Ok(quote! {
        {
            const _: () = ::connectwise::__private::assert_same_spec(#fingerprint);
            let mut #bundle = ::connectwise::Bundle::new();
            #( let #handles = #bundle.push(#requests); )*
            ::connectwise::TypedBundle::new(
                #bundle,
                move |#results: &mut ::connectwise::BundleResults| ( #( #results.take(#handles), )* ),
            )
        }
    })
}

/// One sub-request's builder expression, or `None` after pushing its errors.
fn sub_request(request: &SubRequest, errors: &mut Errors) -> Option<TokenStream> {
    let before = errors.0.is_some();
    let mut ok = true;
    let name = request.resource.to_string();
    let entry = registry::find(&name);
    match entry {
        None => {
            ok = false;
            let hint = match registry::suggest_resource(&name) {
                Some(s) => format!(": did you mean `{s}`?"),
                None => String::new(),
            };
            errors.error(
                request.resource.span(),
                format!("unknown resource `{name}`{hint}"),
            );
        }
        Some(e) if !e.enabled => {
            ok = false;
            errors.error(
                request.resource.span(),
                format!(
                    "resource `{name}` is in the API module `{m}`, whose cargo feature is off: \
                     enable it with `connectwise = {{ features = [\"{m}\"] }}`",
                    m = e.module
                ),
            );
        }
        Some(_) => {}
    }

    // Flags: `count`, first, once.
    let mut count: Option<&Ident> = None;
    for flag in &request.flags {
        let flag_name = flag.name.to_string();
        if flag_name == COUNT {
            if count.is_some() {
                ok = false;
                errors.error(
                    flag.name.span(),
                    format!("`count` is given twice for `{name}`: keep one"),
                );
                continue;
            }
            if flag.position != 0 {
                ok = false;
                errors.error(
                    flag.name.span(),
                    format!("`count` goes first: `{name}(count, conditions = ..)`"),
                );
            }
            count = Some(&flag.name);
        } else if ArgKind::of(&flag_name).is_some() {
            ok = false;
            errors.error(
                flag.name.span(),
                format!("`{flag_name}` needs a value: `{flag_name} = ..`"),
            );
        } else {
            ok = false;
            let names = std::iter::once(COUNT).chain(ARGS.iter().map(|(n, _)| *n));
            let hint = match registry::closest(&flag_name, names) {
                Some(COUNT) => "did you mean `count`?".to_owned(),
                Some(s) => format!("did you mean `{s} = ..`?"),
                None => "expected the flag `count` or an argument `name = ..`".to_owned(),
            };
            errors.error(
                flag.name.span(),
                format!("unknown argument `{flag_name}`: {hint}"),
            );
        }
    }

    // Arguments: each known at most once.
    let mut given: Vec<(ArgKind, &Arg)> = Vec::new();
    for arg in &request.args {
        let arg_name = arg.name.to_string();
        let Some(kind) = ArgKind::of(&arg_name) else {
            ok = false;
            if arg_name == COUNT {
                errors.error(
                    arg.name.span(),
                    format!(
                        "`count` is a flag and takes no value: `{name}(count, conditions = ..)`"
                    ),
                );
                continue;
            }
            let hint = match registry::closest(&arg_name, ARGS.iter().map(|(n, _)| *n)) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!(
                    "expected one of {}",
                    ARGS.iter()
                        .map(|(n, _)| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            errors.error(
                arg.name.span(),
                format!("unknown argument `{arg_name}`: {hint}"),
            );
            continue;
        };
        if given.iter().any(|(k, _)| *k == kind) {
            ok = false;
            errors.error(
                arg.name.span(),
                format!("`{arg_name}` is given twice for `{name}`: keep one"),
            );
            continue;
        }
        given.push((kind, arg));
    }
    let value = |kind: ArgKind| given.iter().find(|(k, _)| *k == kind).map(|(_, a)| *a);

    let entry: &Entry = match entry {
        Some(e) if e.enabled => e,
        _ => return None,
    };

    // Parent keys: exactly the path's (its `{id}` too, where a list path has one: then `id`
    // names the list's owner, and the request is a list).
    let list_id = entry.keys.contains(&Key::Id);
    let mut keys: Vec<&Expr> = Vec::new();
    for key in entry.keys {
        match value(match key {
            Key::GrandParentId => ArgKind::GrandParentId,
            Key::ParentId => ArgKind::ParentId,
            Key::Id => ArgKind::Id,
        }) {
            Some(arg) => keys.push(&arg.value),
            None => {
                ok = false;
                errors.error(
                    request.resource.span(),
                    format!(
                        "`{name}` needs `{k} = ..`: its path is `{path}`",
                        k = key_arg(*key),
                        path = entry.path
                    ),
                );
            }
        }
    }
    for (kind, arg) in &given {
        if let Some(key) = kind.key() {
            if !entry.keys.contains(&key) {
                ok = false;
                errors.error(
                    arg.name.span(),
                    format!(
                        "`{name}` takes no `{k}`: its path `{path}` has no `{t}`",
                        k = key_arg(key),
                        path = entry.path,
                        t = key_template(key)
                    ),
                );
            }
        }
    }

    // A count, a get-by-id, or a list.
    let id = value(ArgKind::Id).filter(|_| !list_id);
    if let Some(flag) = count {
        if entry.count_path.is_none() {
            ok = false;
            errors.error(
                flag.span(),
                format!(
                    "`{name}` has no count endpoint (the spec has no `GET {}/count`)",
                    entry.path
                ),
            );
        }
        for (kind, arg) in &given {
            let key_of_the_list = list_id && *kind == ArgKind::Id;
            if !kind.applies_to_count() && !key_of_the_list {
                ok = false;
                errors.error(
                    arg.name.span(),
                    format!(
                        "`{}` does not apply to a count: `count` takes `conditions`, \
                         `child_conditions`, `custom_field_conditions`, `version` and the \
                         path's parent ids",
                        arg.name
                    ),
                );
            }
        }
    } else if let Some(arg) = id {
        if entry.get_path.is_none() {
            ok = false;
            errors.error(
                arg.name.span(),
                format!(
                    "`{name}` has no get-by-id endpoint (the spec has no `GET {}/{{id}}`): \
                     leave out `id` and filter with `conditions = \"id = ..\"`",
                    entry.path
                ),
            );
        } else {
            for (kind, arg) in &given {
                if kind.list_only() {
                    ok = false;
                    errors.error(
                        arg.name.span(),
                        format!(
                            "`{}` applies to lists only, and `id = ..` asks `{name}` for one entity",
                            arg.name
                        ),
                    );
                }
            }
        }
    }

    // A sub-request the API could take for another read's (said only of a read the spec
    // has: a count or a get-by-id without its endpoint is reported above).
    let clash = match (count, id) {
        (Some(_), _) => entry.count_path.and(entry.list_clash),
        (None, Some(_)) => entry.get_clash,
        (None, None) => entry.list_clash,
    };
    if let Some(other) = clash {
        ok = false;
        errors.error(
            request.resource.span(),
            format!(
                "`{name}` cannot go in a bundle: a sub-request names it only by its \
                 resourceType (`{ty}`) and ids, and `{other}`'s are the same, so the API cannot \
                 tell them apart; read it with `client.send(..)` or `client.stream(..)`",
                ty = entry.resource_type
            ),
        );
    }

    // Literal conditions, against the model.
    for (kind, arg) in &given {
        let which = match kind {
            ArgKind::Conditions => check::Kind::Conditions,
            ArgKind::ChildConditions => check::Kind::ChildConditions,
            ArgKind::CustomFieldConditions => check::Kind::CustomFieldConditions,
            _ => continue,
        };
        if let Some(literal) = string_literal(&arg.value) {
            for e in check::check_literal(literal, entry.model, which) {
                ok = false;
                errors.push(e);
            }
        }
    }

    if !ok || (errors.0.is_some() && !before) {
        return None;
    }
    let resource = &request.resource;
    let constructor = match (count, id) {
        (Some(count), _) => quote!(::connectwise::resources::#resource::#count(#(#keys),*)),
        (None, Some(arg)) => {
            let id = &arg.value;
            let get = Ident::new("get", arg.name.span());
            quote!(::connectwise::resources::#resource::#get(#(#keys,)* #id))
        }
        (None, None) => quote!(::connectwise::resources::#resource::list(#(#keys),*)),
    };
    let methods = given
        .iter()
        .filter(|(k, _)| !matches!(k, ArgKind::Id | ArgKind::ParentId | ArgKind::GrandParentId))
        .map(|(_, arg)| {
            let method = &arg.name;
            let value = &arg.value;
            quote_spanned!(method.span()=> .#method(#value))
        });
    Some(quote!(#constructor #(#methods)*))
}

/// The string literal `expr` is, if it is one (also in parentheses).
pub fn string_literal(expr: &Expr) -> Option<&syn::LitStr> {
    match expr {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Some(s),
        Expr::Paren(p) => string_literal(&p.expr),
        Expr::Group(g) => string_literal(&g.expr),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The messages of a failed expansion.
    fn errors(input: TokenStream) -> Vec<String> {
        match expand(input) {
            Ok(ts) => panic!("expected errors, got {ts}"),
            Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
        }
    }

    fn expands(input: TokenStream) -> String {
        match expand(input) {
            Ok(ts) => ts.to_string(),
            Err(e) => panic!("expected an expansion, got {e}"),
        }
    }

    #[test]
    fn the_seed_bundle_expands_to_the_typed_builder() {
        let out = expands(quote! {
            ticket(conditions = "summary like '%a%'", page = 1, page_size = 1000),
            company(id = 250),
            purchase_order_line_item(parent_id = po_id, page_size = 1000),
        });
        assert!(out.contains(
            ":: connectwise :: resources :: ticket :: list () . conditions (\"summary like '%a%'\") . page (1) . page_size (1000)"
        ), "{out}");
        assert!(
            out.contains(":: connectwise :: resources :: company :: get (250)"),
            "{out}"
        );
        assert!(out.contains(
            ":: connectwise :: resources :: purchase_order_line_item :: list (po_id) . page_size (1000)"
        ), "{out}");
        assert!(out.contains("assert_same_spec"), "{out}");
        assert!(
            out.contains("results . take (h0) , results . take (h1) , results . take (h2) ,"),
            "{out}"
        );
    }

    #[test]
    fn a_read_the_api_would_take_for_another_is_refused() {
        // The sample spec's `/system/members/withSso` lists `Member`s with no ids, as
        // `/system/members` does: a bundle means the plain collection.
        let messages = errors(quote!(member(), member_with_sso(conditions = "id > 1")));
        assert_eq!(messages.len(), 1, "{messages:?}");
        assert!(
            messages[0].starts_with(
                "`member_with_sso` cannot go in a bundle: a sub-request names it only by its \
                 resourceType (`Member`) and ids, and `member`'s are the same"
            ),
            "{messages:?}"
        );
        assert!(messages[0].contains("client.stream"), "{messages:?}");
        // The plain collection, its get-by-id and its count go in.
        let out = expands(quote!(member(), member(id = 3), member(count)));
        assert!(out.contains("member :: list ()"), "{out}");
    }

    #[test]
    fn parents_are_positional_grandparent_first_then_id() {
        let out = expands(quote! {
            configuration_type_question_value(parent_id = q, grand_parent_id = t, id = v, fields = "id")
        });
        assert!(
            out.contains("configuration_type_question_value :: get (t , q , v) . fields (\"id\")"),
            "{out}"
        );
    }

    #[test]
    fn every_argument_becomes_its_builder_method() {
        let out = expands(quote! {
            ticket(conditions = a, child_conditions = b, custom_field_conditions = c, order_by = d,
                   fields = e, page = f, page_size = g, page_id = h, version = i)
        });
        for m in [
            ".conditions (a)",
            ".child_conditions (b)",
            ".custom_field_conditions (c)",
            ".order_by (d)",
            ".fields (e)",
            ".page (f)",
            ".page_size (g)",
            ".page_id (h)",
            ".version (i)",
        ] {
            assert!(out.contains(&m.replace('.', ". ")), "{m} in {out}");
        }
    }

    #[test]
    fn unknown_resource_suggests_the_close_name() {
        assert_eq!(
            errors(quote!(tikcet(page = 1))),
            ["unknown resource `tikcet`: did you mean `ticket`?"]
        );
        assert_eq!(errors(quote!(zzqqxx)), ["unknown resource `zzqqxx`"]);
    }

    #[test]
    fn unknown_and_repeated_arguments() {
        assert_eq!(
            errors(quote!(ticket(
                pagesize = 1,
                page = 1,
                page = 2,
                frobnicate = 3
            ))),
            [
                "unknown argument `pagesize`: did you mean `page_size`?",
                "`page` is given twice for `ticket`: keep one",
                "unknown argument `frobnicate`: expected one of `conditions`, `child_conditions`, \
                 `custom_field_conditions`, `order_by`, `fields`, `page`, `page_size`, `page_id`, \
                 `version`, `id`, `parent_id`, `grand_parent_id`",
            ]
        );
    }

    #[test]
    fn parent_keys_must_match_the_path() {
        assert_eq!(
            errors(quote!(purchase_order_line_item(page = 1))),
            ["`purchase_order_line_item` needs `parent_id = ..`: its path is `/procurement/purchaseorders/{parentId}/lineitems`"]
        );
        assert_eq!(
            errors(quote!(configuration_type_question_value(parent_id = 1))),
            ["`configuration_type_question_value` needs `grand_parent_id = ..`: its path is `/company/configurations/types/{grandparentId}/questions/{parentId}/values`"]
        );
        assert_eq!(
            errors(quote!(ticket(parent_id = 1))),
            ["`ticket` takes no `parent_id`: its path `/service/tickets` has no `{parentId}`"]
        );
        assert_eq!(
            errors(quote!(purchase_order_line_item(parent_id = 1, grand_parent_id = 2))),
            ["`purchase_order_line_item` takes no `grand_parent_id`: its path `/procurement/purchaseorders/{parentId}/lineitems` has no `{grandparentId}`"]
        );
    }

    #[test]
    fn a_list_under_an_id_takes_it_as_its_key() {
        // `/company/contacts/{id}/portalSecurity`: `id` names the contact, and the request is
        // a list, so list arguments apply.
        let out = expands(quote!(portal_security(id = contact, page_size = 10)));
        assert!(
            out.contains("portal_security :: list (contact) . page_size (10)"),
            "{out}"
        );
        assert_eq!(
            errors(quote!(portal_security(page = 1))),
            ["`portal_security` needs `id = ..`: its path is `/company/contacts/{id}/portalSecurity`"]
        );
        assert_eq!(
            errors(quote!(portal_security(id = 1, parent_id = 2))),
            ["`portal_security` takes no `parent_id`: its path `/company/contacts/{id}/portalSecurity` has no `{parentId}`"]
        );
    }

    #[test]
    fn id_needs_a_get_by_id_endpoint_and_no_list_arguments() {
        assert_eq!(
            errors(quote!(member_with_sso(id = 1))),
            ["`member_with_sso` has no get-by-id endpoint (the spec has no `GET /system/members/withSso/{id}`): leave out `id` and filter with `conditions = \"id = ..\"`"]
        );
        assert_eq!(
            errors(quote!(company(id = 1, page_size = 5))),
            ["`page_size` applies to lists only, and `id = ..` asks `company` for one entity"]
        );
    }

    #[test]
    fn count_expands_to_the_count_constructor_with_its_filters() {
        let out = expands(quote! {
            ticket(conditions = "status/name = 'New'"),
            ticket(count, conditions = "status/name = 'New'", child_conditions = b,
                   custom_field_conditions = c, version = "2025.8"),
            service_note(count, parent_id = ticket_id),
            company(id = 1),
        });
        assert!(out.contains(
            "bundle . push (:: connectwise :: resources :: ticket :: count () . conditions (\"status/name = 'New'\") \
             . child_conditions (b) . custom_field_conditions (c) . version (\"2025.8\")) ;"
        ), "{out}");
        assert!(
            out.contains(":: connectwise :: resources :: service_note :: count (ticket_id))"),
            "{out}"
        );
        assert!(
            out.contains(":: connectwise :: resources :: ticket :: list () . conditions"),
            "{out}"
        );
        assert!(
            out.contains("results . take (h1) , results . take (h2) , results . take (h3) ,"),
            "{out}"
        );
    }

    #[test]
    fn count_needs_a_count_endpoint_and_no_paging_id_order_or_fields() {
        assert_eq!(
            errors(quote!(member_with_sso(count))),
            ["`member_with_sso` has no count endpoint (the spec has no `GET /system/members/withSso/count`)"]
        );
        let all = errors(quote!(ticket(
            count,
            id = 1,
            page = 1,
            page_size = 2,
            page_id = 3,
            order_by = "id",
            fields = "id",
            conditions = "id = 1",
            version = "2025.8"
        )));
        let names: Vec<&str> = all
            .iter()
            .map(|m| {
                assert!(
                    m.ends_with(
                        "` does not apply to a count: `count` takes `conditions`, \
                         `child_conditions`, `custom_field_conditions`, `version` and the \
                         path's parent ids"
                    ),
                    "{m}"
                );
                m.split('`').nth(1).unwrap_or_default()
            })
            .collect();
        assert_eq!(
            names,
            ["id", "page", "page_size", "page_id", "order_by", "fields"]
        );
    }

    #[test]
    fn count_has_the_parent_and_condition_checks_of_a_list() {
        assert_eq!(
            errors(quote!(service_note(count))),
            ["`service_note` needs `parent_id = ..`: its path is `/service/tickets/{parentId}/notes`"]
        );
        assert_eq!(
            errors(quote!(ticket(count, parent_id = 1))),
            ["`ticket` takes no `parent_id`: its path `/service/tickets` has no `{parentId}`"]
        );
        let got = errors(quote!(ticket(count, conditions = "status/nmae = 'New'")));
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(
            got[0].starts_with("in `conditions`: unknown field `nmae`"),
            "{got:?}"
        );
    }

    #[test]
    fn count_is_a_flag_given_first_and_once() {
        assert_eq!(
            errors(quote!(ticket(conditions = "id = 1", count))),
            ["`count` goes first: `ticket(count, conditions = ..)`"]
        );
        assert_eq!(
            errors(quote!(ticket(count, count))),
            ["`count` is given twice for `ticket`: keep one"]
        );
        assert_eq!(
            errors(quote!(ticket(count = true))),
            ["`count` is a flag and takes no value: `ticket(count, conditions = ..)`"]
        );
        assert_eq!(
            errors(quote!(ticket(cuont))),
            ["unknown argument `cuont`: did you mean `count`?"]
        );
        assert_eq!(
            errors(quote!(ticket(pagesize))),
            ["unknown argument `pagesize`: did you mean `page_size = ..`?"]
        );
        assert_eq!(
            errors(quote!(ticket(page_size))),
            ["`page_size` needs a value: `page_size = ..`"]
        );
        assert_eq!(
            errors(quote!(ticket(zzqqxx))),
            ["unknown argument `zzqqxx`: expected the flag `count` or an argument `name = ..`"]
        );
    }

    #[test]
    fn all_errors_of_all_sub_requests_at_once() {
        let all = errors(quote! {
            tiket, company(idd = 1), purchase_order_line_item(), member_with_sso(id = 2), ticket(page = 1, page = 1),
            member_with_sso(count), ticket(count, page_size = 5), service_note(count, conditions = "nope = 1"),
        });
        assert_eq!(all.len(), 9, "{all:#?}");
    }

    #[test]
    fn literal_conditions_are_checked_against_the_model() {
        let all = errors(quote! {
            ticket(conditions = "status/nmae = 'New'", child_conditions = ("id = 1")),
            company(custom_field_conditions = "caption = "),
            purchase_order_line_item(parent_id = 1, conditions = "quantity like '%2%'"),
        });
        assert_eq!(all.len(), 3, "{all:#?}");
        assert!(all[0].contains("did you mean `name`?"), "{all:#?}");
        assert!(
            all[1].starts_with("in `custom_field_conditions`"),
            "{all:#?}"
        );
        assert!(all[2].starts_with("in `conditions`"), "{all:#?}");
        // Not literals: not checked.
        let out = expands(quote!(ticket(conditions = format!("status/nmae = '{x}'"))));
        assert!(out.contains("format !"), "{out}");
    }

    #[test]
    fn empty_bundle_is_an_error() {
        assert_eq!(
            errors(TokenStream::new()),
            ["`bundle!` needs at least one sub-request: `bundle!(ticket(page_size = 100), company(id = 250))`"]
        );
    }

    #[test]
    fn thirty_two_sub_requests() {
        let many = (0..32).map(|i| quote!(ticket(page = #i)));
        let out = expands(quote!(#(#many),*));
        assert!(out.contains("results . take (h31)"));
    }

    /// Prints the expansion of a short call, pretty (for the README):
    /// `cargo test -p connectwise-macros pretty_expansion -- --nocapture`.
    #[test]
    fn pretty_expansion() {
        let ts = match expand(quote! {
            ticket(conditions = "status/name = 'New'", page_size = 1000),
            company(id = 250),
            purchase_order_line_item(parent_id = po_id),
            ticket(count, conditions = "status/name = 'New'"),
        }) {
            Ok(ts) => ts,
            Err(e) => panic!("{e}"),
        };
        let file: syn::File = match syn::parse2(quote!(fn expansion() { let b = #ts; })) {
            Ok(f) => f,
            Err(e) => panic!("{e}"),
        };
        let pretty = prettyplease::unparse(&file);
        println!("{pretty}");
        assert!(pretty.contains("let h2 = bundle"), "{pretty}");
        assert!(pretty.contains("results.take(h3),"), "{pretty}");
        assert!(
            pretty.contains("::connectwise::resources::ticket::count()"),
            "{pretty}"
        );
    }
}
