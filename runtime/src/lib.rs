//! `connectwise`: a typed client for the ConnectWise Manage (PSA) REST API.
//!
//! What users depend on. The models ([`models`]) and the resource registry ([`registry`]) are
//! generated at build time by `connectwise-codegen` from the spec named by
//! `CONNECTWISE_SPEC` (default: the workspace's sample spec); editing or switching the spec
//! regenerates them. One cargo feature per API module (`company`, `service`, ...; all on by
//! default) keeps builds small for users who need one. It may depend on serde, serde_json and
//! chrono (and codegen at build time only).

/// Every model of the spec, flat: `connectwise::models::Ticket`. Each field is optional (the
/// API omits fields the spec calls required), enums are open (`Unknown(String)`), unknown JSON
/// fields are ignored.
pub mod models {
    include!(concat!(env!("OUT_DIR"), "/connectwise/models.rs"));
}

pub mod registry;

pub use registry::{Resource, API_VERSION};
