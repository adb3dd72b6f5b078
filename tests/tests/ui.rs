//! Compile-time behaviour of `connectwise::bundle!` and the typed constructors (trybuild): each
//! `ui/fail/*.rs` must fail with exactly its `.stderr` (one case per error the macro reports,
//! plus rustc's own errors: a value of the wrong type, a constructor the spec has no operation
//! for, a write pushed into a `Bundle`), each `ui/pass/*.rs` must compile and run.
//! Refresh the expected output with `TRYBUILD=overwrite cargo test -p connectwise-tests --test ui`.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}
