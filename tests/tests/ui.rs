//! Compile-time behaviour of `connectwise::bundle!` (trybuild): each `ui/fail/*.rs` must fail
//! with exactly its `.stderr` (one case per error the macro reports, plus rustc's own type
//! errors on the user's expressions), each `ui/pass/*.rs` must compile and run.
//! Refresh the expected output with `TRYBUILD=overwrite cargo test -p connectwise-tests --test ui`.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}
