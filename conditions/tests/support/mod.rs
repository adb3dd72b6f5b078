//! The condition schema of a spec, built with the code generator as the `bundle!` macro's
//! build does.

use std::path::{Path, PathBuf};

use connectwise_codegen::{ir, load, Overrides};
use connectwise_conditions::Schema;

/// The sample spec and overrides folder (`codegen/specs/`).
pub fn specs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../codegen/specs")
}

/// The JSON text `connectwise_codegen::schema::condition_schema` writes for `spec`, with the
/// workspace's overrides.
pub fn schema_json(spec: &Path) -> String {
    let doc = load::read_spec(spec).expect("the spec loads");
    let overrides = Overrides::read(&specs().join("overrides.json")).expect("overrides load");
    let ir = ir::build(&doc, &overrides, spec).expect("the IR builds");
    connectwise_codegen::schema::condition_schema(&ir)
}

/// The sample spec's condition schema.
pub fn sample_schema() -> Schema {
    Schema::from_json(&schema_json(&specs().join("connectwise-sample.json")))
        .expect("codegen's schema reads back")
}
