//! `connectwise`: a typed client for the ConnectWise Manage (PSA) REST API, with typed Bundle
//! requests.
//!
//! What users depend on. The models ([`models`]), the resource registry ([`registry`]) and the
//! typed request constructors ([`resources`], and `list`/`get` on each model) are generated at
//! build time by `connectwise-codegen` from the spec named by `CONNECTWISE_SPEC` (default:
//! the workspace's sample spec); editing or switching the spec regenerates them. One cargo
//! feature per API module (`company`, `service`, ...; all on by default) keeps builds small.
//! Hand-written here: the HTTP [`Client`] (auth, versioned `Accept`, timeouts, retries, paging),
//! the [`Bundle`] wire format and its tolerant, straight-to-model decoding, and the errors.
//! It may depend on serde, serde_json, reqwest (rustls), tokio, tracing and futures-util; it
//! gets codegen only at build time.
//!
//! ```no_run
//! # async fn f() -> Result<(), Box<dyn std::error::Error>> {
//! use connectwise::{models::Ticket, Client, Credentials};
//! let client = Client::builder("https://na.myconnectwise.net/v4_6_release/apis/3.0")
//!     .credentials(Credentials::new("mycompany", "PUBLIC", "PRIVATE"))
//!     .client_id("00000000-0000-0000-0000-000000000000")
//!     .build()?;
//! let open: Vec<Ticket> = client
//!     .list(Ticket::list().conditions("closedFlag = false").page_size(100))
//!     .await?;
//! # Ok(()) }
//! ```
#![warn(missing_docs)]

/// Every model of the spec, flat: `connectwise::models::Ticket`. Each field is optional (the
/// API omits fields the spec calls required), enums are open (`Unknown(String)`), unknown JSON
/// fields are ignored.
pub mod models {
    include!(concat!(env!("OUT_DIR"), "/connectwise/models.rs"));
}

/// One module per resource, named as `bundle!` names it, with its request constructors:
/// `resources::ticket::list()`, `resources::company::get(250)`,
/// `resources::purchase_order_line_item::list(parent_id)`.
#[allow(clippy::too_many_arguments)]
pub mod resources {
    include!(concat!(env!("OUT_DIR"), "/connectwise/resources.rs"));
}

pub mod bundle;
pub mod callbacks;
mod client;
pub mod conditions;
pub mod custom_fields;
mod envelope;
pub mod error;
mod info;
#[doc(hidden)]
pub mod model_serde;
pub mod patch;
pub mod registry;
pub mod request;
mod throttle;
pub mod wire;

pub use bundle::{Bundle, BundleDecoder, BundleItem, BundleResults, Handle, TypedBundle};
pub use client::{
    Client, ClientBuilder, Credentials, RetryPolicy, DEFAULT_MAX_BODY_SIZE,
    DEFAULT_MAX_BUNDLE_SIZE, DEFAULT_MAX_CONCURRENCY, DEFAULT_MAX_THROTTLE_WAIT,
};
/// `bundle!(ticket(conditions = "..", page_size = 1000), company(id = 250))`: a typed bundle,
/// checked at compile time against the same spec as this crate (see `connectwise-macros`).
pub use connectwise_macros::bundle;
/// `conditions!(ticket, "status/name = 'New'")`: that `&'static str`, checked at compile time
/// against the resource's (or a model's) fields; for the builder and the individual endpoints.
pub use connectwise_macros::conditions;
pub use custom_fields::HasCustomFields;
pub use error::{
    ApiError, EntityError, Error, ItemError, ItemErrorKind, StatusKind, ThrottleCause,
    ValidationError,
};
pub use info::Info;
pub use patch::{PatchTarget, PatchValue};
pub use registry::{Method, OperationInfo, OperationKind, Resource, API_VERSION};
pub use request::{
    Call, CountRequest, GetRequest, ListRequest, PatchOperation, PatchRequest, RawRequest, Request,
};

/// Used by the `bundle!` macro's expansion; not a public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::model_serde as model;

    /// Every model's fields and their types (`connectwise_conditions::Schema` as JSON), from
    /// the spec this crate was generated from: what the fake server generates and checks
    /// data with, and what `bundle!` checks literal conditions against.
    pub const CONDITION_SCHEMA: &str = include_str!(concat!(
        env!("OUT_DIR"),
        "/connectwise/condition_schema.json"
    ));

    /// Fails compilation (in a `const` item) when the macro was generated from another spec
    /// than this crate: both build scripts fingerprint the spec and overrides they read.
    pub const fn assert_same_spec(macro_fingerprint: u64) {
        if macro_fingerprint != crate::registry::SPEC_FINGERPRINT {
            panic!(
                "connectwise: the `bundle!` macro and the `connectwise` crate were generated from \
                 different specs (CONNECTWISE_SPEC / CONNECTWISE_OVERRIDES changed between their \
                 builds): run `cargo clean -p connectwise -p connectwise-macros` and build again"
            );
        }
    }
}
