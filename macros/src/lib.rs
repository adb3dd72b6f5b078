//! `connectwise-macros`: the `bundle!` macro of the `connectwise` crate (use it as
//! `connectwise::bundle!`): typed ConnectWise Bundle requests, checked at compile time.
//!
//! A thin proc-macro shell: parsing ([`parse`]) and checking + expansion ([`expand`]) are
//! ordinary functions over `proc_macro2::TokenStream`, unit-tested on token streams. The
//! resources it knows come from a static table that `build.rs` writes with
//! `connectwise-codegen` from the same spec (`CONNECTWISE_SPEC`) and overrides as the
//! `connectwise` crate; the expansion asserts at compile time that both fingerprints agree.
//! It may depend on syn, quote, proc-macro2, strsim and connectwise-conditions, and on
//! connectwise-codegen at build time only.

mod expand;
mod parse;
mod registry;

/// A typed Bundle request: one sub-request per resource call, sent in one HTTP call.
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
/// See the `connectwise` crate for the arguments and the compile errors.
#[proc_macro]
pub fn bundle(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    expand::bundle(input.into()).into()
}
