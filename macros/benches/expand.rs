//! Expansion time of `bundle!` with and without a literal condition to check (issue 6: a
//! condition check adds under 1 ms), and the one-time load of the condition schema (once per
//! compiler process, on the first checked condition).
//!
//!   cargo bench -p connectwise-macros --bench expand
//!
//! The proc-macro crate cannot be linked from a bench, so its modules are compiled in here
//! from their files; the expansion runs on `proc_macro2`'s fallback token streams, as the
//! unit tests do.
#![allow(dead_code, unused_imports)]

#[path = "../src/check.rs"]
mod check;
#[path = "../src/expand.rs"]
mod expand;
#[path = "../src/parse.rs"]
mod parse;
#[path = "../src/registry.rs"]
mod registry;

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use quote::quote;

const SEED: &str = "summary like '%a%' and status/name like '%new%'and board/name='Help Desk'";

fn benches(c: &mut Criterion) {
    c.bench_function("schema_load_once", |b| {
        b.iter(|| connectwise_conditions::Schema::from_json(black_box(check::SCHEMA_JSON)))
    });
    // Load it before timing expansions: that cost is paid once per process.
    assert!(check::schema().is_ok());
    let plain = quote!(
        ticket(conditions = cond, page = 1, page_size = 1000),
        company(id = 250)
    );
    let checked = quote!(ticket(conditions = #SEED, page = 1, page_size = 1000), company(id = 250));
    assert!(expand::expand(checked.clone()).is_ok());
    c.bench_function("bundle_expand_no_condition", |b| {
        b.iter(|| expand::expand(black_box(plain.clone())))
    });
    c.bench_function("bundle_expand_seed_condition", |b| {
        b.iter(|| expand::expand(black_box(checked.clone())))
    });
    let seed = syn::LitStr::new(SEED, proc_macro2::Span::call_site());
    c.bench_function("check_seed_condition_only", |b| {
        b.iter(|| check::check_literal(black_box(&seed), "Ticket", check::Kind::Conditions))
    });
}

criterion_group!(group, benches);
criterion_main!(group);
