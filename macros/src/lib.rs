//! `connectwise-macros`: the `bundle!` and `conditions!` macros of the `connectwise` crate
//! (use them as `connectwise::bundle!` / `connectwise::conditions!`): typed ConnectWise Bundle
//! requests and ConnectWise conditions, checked at compile time.
//!
//! A thin proc-macro shell: parsing (`parse`), checking and expansion (`expand`,
//! `conditions`) and the condition checks (`check`) are ordinary functions over
//! `proc_macro2::TokenStream`, unit-tested on token streams. What they check against comes
//! from `build.rs`, which runs `connectwise-codegen` on the same spec (`CONNECTWISE_SPEC`) and
//! overrides as the `connectwise` crate: a static table of the resources and the condition
//! schema of the models. The expansion asserts at compile time that both crates were built
//! from the same spec. It may depend on syn, quote, proc-macro2 and connectwise-conditions,
//! and on connectwise-codegen at build time only (`build.rs` calls
//! `connectwise_codegen::emit_macro::macro_tables`, which emits the resource table).
#![warn(missing_docs)]

mod check;
mod conditions;
mod expand;
mod parse;
mod registry;

/// A typed Bundle request: one sub-request per resource call, the reads sent in one HTTP call
/// (and the counts, if any, in one more, at the same time).
///
/// ```ignore
/// let (tickets, company) = connectwise::bundle!(
///     ticket(conditions = "status/name = 'New'", page_size = 1000),
///     company(id = 250),
/// )
/// .send(&client)
/// .await?;
/// ```
///
/// Arguments: `conditions`, `child_conditions`, `custom_field_conditions`, `order_by`,
/// `fields`, `page`, `page_size`, `page_id`, `version`, `id`, `parent_id`, `grand_parent_id`.
/// Each sub-request's slot in the output tuple is `Result<Vec<Model>, ItemError>` for a list,
/// `Result<Model, ItemError>` with `id = ..`, except where the list path itself has `{id}`
/// (`portal_security(id = contact_id)` for `/company/contacts/{id}/portalSecurity`): there
/// `id` is the list's and the slot a list.
///
/// Counts: the bare flag `count`, first, makes a sub-request a count,
/// `Result<u64, ItemError>`: the number of records that match its conditions (sent to
/// `POST /system/bundles/count`, at the same time as the reads). It takes `conditions`,
/// `child_conditions`, `custom_field_conditions`, `version` and the path's parent ids:
///
/// ```ignore
/// let (new_tickets, how_many, notes) = connectwise::bundle!(
///     ticket(conditions = "status/name = 'New'", page_size = 100),   // Vec<Ticket>
///     ticket(count, conditions = "status/name = 'New'"),              // u64
///     service_note(count, parent_id = ticket_id),                     // u64
/// )
/// .send(&client)
/// .await?;
/// ```
///
/// Compile errors, all reported at once, each on the offending token: unknown resources and
/// arguments, missing or superfluous parent ids, `id` without a get-by-id endpoint, `count`
/// without a count endpoint (the spec has no `GET <path>/count`), `count` with `id`, `page`,
/// `page_size`, `page_id`, `order_by` or `fields` (they do not apply to a count), `count`
/// not first, and literal conditions that do not fit the model.
#[proc_macro]
pub fn bundle(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    expand::bundle(input.into()).into()
}

/// A condition string checked at compile time against a resource's (or a model's) fields:
/// `conditions!(ticket, "status/name = 'New'")` is that `&'static str`. A third argument
/// `child` or `custom_field` checks it as child conditions or custom field conditions
/// (syntax only).
#[proc_macro]
pub fn conditions(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    conditions::conditions(input.into()).into()
}
