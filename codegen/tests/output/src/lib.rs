//! Compiles the generator's checked-in output for the sample spec (`../sample/*.rs`), so the
//! snapshot is known to be valid Rust, warning- and clippy-clean, and not only text. The
//! runtime items generated code names (`crate::registry::ResourceInfo`, ...) come from the
//! `connectwise` crate.

/// The models, as the runtime includes them.
pub mod models {
    include!("../sample/models.rs");
}

/// The registry, with the runtime's hand-written types.
pub mod registry {
    pub use connectwise::registry::{PathKey, ResourceInfo, Segment};
    include!("../sample/registry.rs");
    pub use operations::OPERATIONS;

    /// The operation table. Its rows name `Resource`, which the constructors pass to the
    /// runtime's request types, so here it is the runtime's (built from the same sample spec).
    mod operations {
        // The shared path and query consts of `registry.rs`; the explicit imports below win
        // over this glob, so `Resource` is the runtime's.
        use super::*;
        use connectwise::registry::{
            BodyKind, Method, OperationInfo, OperationKind, Resource, ResponseKind,
        };
        include!("../sample/operations.rs");
    }
}

/// The request constructors; they name `crate::request` and `crate::Resource`, which are the
/// runtime's.
#[allow(clippy::too_many_arguments)]
pub mod resources {
    include!("../sample/resources.rs");
}

/// The callback types' table and `Event` enum, as `connectwise::callbacks` includes them.
pub mod callbacks {
    include!("../sample/callbacks.rs");
}

pub use connectwise::{__private, custom_fields, request, Info, Resource};

/// The runtime's typed conditions, compiled here as a local module: the generated
/// `impl Fields<Model>` blocks need `Fields` to be a type of this crate.
/// Its documentation is the runtime's (links resolve there, not here).
#[path = "../../../../runtime/src/conditions.rs"]
#[allow(rustdoc::broken_intra_doc_links)]
pub mod conditions;
