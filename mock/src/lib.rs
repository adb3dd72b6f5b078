//! `connectwise-mock`: a fake ConnectWise Manage server on loopback, for tests (ours and
//! users') and demos; the `cw-mock` binary runs it from a shell.
//!
//! **Where its knowledge comes from.** Everything it knows about the API is the `connectwise`
//! crate's own generated tables, for the spec that crate was built from
//! (`CONNECTWISE_SPEC`): it routes every operation of `connectwise::registry::OPERATIONS`,
//! keeps rows for every `connectwise::registry::Resource`, and generates and checks data with
//! every model's fields and types from the condition schema the runtime embeds
//! (`connectwise::__private::CONDITION_SCHEMA`, read as a `connectwise_conditions::Schema`
//! once per process). It never reads or parses a spec, so it serves exactly the API its
//! client speaks, and starts in milliseconds even for the full-scale spec.
//!
//! **What it may depend on:** the runtime (`connectwise`: the tables, the bundle wire types,
//! the error body, the request values), `connectwise-conditions` (parsing, checking and
//! evaluating conditions; "did you mean"), axum and tokio (the server), serde and
//! serde_json, and small helpers (base64, form_urlencoded, futures-util, thiserror, clap for
//! `cw-mock`). Not the code generator, nor openapiv3, syn or prettyplease.
//!
//! ```no_run
//! # async fn f() -> Result<(), Box<dyn std::error::Error>> {
//! use connectwise::models::Ticket;
//! use connectwise_mock::MockServer;
//!
//! let server = MockServer::builder().seed(42).rows(2000).start().await?;
//! let client = server.client().build()?;
//! let new: Vec<Ticket> = client
//!     .list(Ticket::list().conditions("status/name = 'New'").page_size(100))
//!     .await?;
//! assert!(server.requests().len() == 1);
//! # Ok(()) }
//! ```
//!
//! # Routes and answers
//!
//! Every operation of the table, below `/v4_6_release/apis/3.0` (literal segments win over
//! ids: `/system/members/withSso` is not member `withSso`; an id must be an integer), plus
//! `POST /system/bundles` and `POST /system/bundles/count`. A path the spec lacks is a 404
//! `NotFound`; a path it has with a method it lacks is a 405 with `Allow`. Requests need Basic
//! `company+public:private` and a `clientId` header, else 401. What each kind of operation
//! answers is in the `endpoints` module: lists, gets and counts read the rows; creates,
//! replaces, patches (JSON Patch: `summary`, `/summary`, `status/id`, `/status/id`, and
//! `status` with `{"id": 3}`) and deletes change them, so later reads see the change; other
//! operations answer a generated value of their response model.
//!
//! # Writes
//!
//! Bodies of creates and replaces, and the paths and values of patches, are checked against
//! the model first: every problem at once, in one 400
//! `{"code": "InvalidObject", "message": "Ticket object is invalid", "errors": [{"code",
//! "message", "resource", "field"}]}`, `field` being the JSON path (`status/id`). The codes:
//! `InvalidField` (no such field, or a patch path into a value without fields),
//! `InvalidType` (a value of the wrong JSON type), `InvalidValue` (an enum value not in the
//! enum, a date that does not parse, a `uuid` or `byte` string that is not one),
//! `InvalidPatch` (an operation that is not `add`, `replace` or `remove`, or lacks its path
//! or value, or an index out of range). `null` is accepted anywhere; field names match
//! ignoring case and are stored in the model's spelling. `id` and `_info` are the server's:
//! ignored in bodies and patches. A replace, patch or delete of a missing row is a 404
//! `NotFound`, whatever the body.
//!
//! A create stores the row with the next id of its table (ids are never reused after a
//! delete), a child row's parent field (`ticketId`) from the path, `_info` with `lastUpdated`,
//! `updatedBy`, `dateEntered` and `enteredBy` (the member is `APIMember`), and, when the body
//! lacks them, the model's `dateEntered`/`dateCreated`-like and `enteredBy`/`createdBy`
//! fields. Replaces and patches set `_info/lastUpdated` and `updatedBy` anew and keep the
//! rest of `_info`.
//!
//! Lists take `conditions` and `childConditions` (parsed, checked against the model with the
//! same checker `bundle!` uses, evaluated per entity; a problem is a 400 `InvalidObject` with
//! one validation error per problem), `customFieldConditions` (syntax only), `orderBy`
//! (`status/name asc, id desc`), `fields`, `page`/`pageSize` (default 25, capped at 1000;
//! `Link` with `next`/`prev`/`first`/`last`), and with `pagination-type: forward-only` on an
//! endpoint that takes `pageId`, forward-only pages in id order with a
//! `Link: <...pageId=N...>; rel="next"` while more rows remain. Counts take the same
//! conditions and answer `{"count": n}`. A missing id is a 404 `NotFound`. In a bundle each
//! sub-request is answered as its own endpoint would be and wrapped with the runtime's wire
//! types (`connectwise::wire`); an unknown `resourceType` fails its own sub-result (400, with
//! "did you mean"), never the bundle. Several list paths can share a `resourceType`
//! (`ActivityReference`); the ids a sub-request sends pick among them: the resource whose
//! get-by-id path, else list path, takes exactly those ids, else the primary one.
//!
//! Callbacks: after every write to a resource whose model is a callback type, it POSTs a
//! signed payload to each matching `/system/callbacks` entry's url on loopback, and serves
//! the signing key at the payload's key URL (see [`MockServer::deliveries`],
//! [`MockServer::callback_faults`], [`MockServer::callback_signing_key`]).
//!
//! Every request is recorded as it arrived ([`MockServer::requests`]: method, path, query,
//! headers, body), faults included, so tests can assert what the server received; faults
//! (latency, 429, 5xx before or after acting, truncated, slow or dropped bodies; one-shot or
//! random from a seed) are set at run time ([`Faults`]). Throttle
//! mode ([`MockServerBuilder::throttle`], [`Faults::throttle`]) stands for ConnectWise's
//! throttle: a token bucket answering 429 with `Retry-After` when empty; the server counts
//! the requests it received ([`MockServer::request_count`]), the 429s it answered
//! ([`MockServer::throttled_count`]) and the most it answered at once
//! ([`MockServer::max_in_flight`]).
//!
//! # Data
//!
//! Generated (the default): a deterministic function of the seed, the resource, its parent
//! ids and the row id. Top-level resources have [`rows`](MockServerBuilder::rows) rows with
//! ids `1..=n`; child resources 1 to [`child_rows`](MockServerBuilder::child_rows) rows per
//! parent id (any positive parent id), their `ticketId`-like fields holding the parent id.
//! Reference fields are `{id, name | identifier, _info}` with names that agree with the
//! referenced records; statuses, boards, priorities, sources, locations and departments
//! come from a fixed vocabulary (`status/name = 'New'`, `board/name = 'Help Desk'`);
//! strings look like their field (`summary like '%printer%'` finds rows); enums take their
//! spec values; the spec's string formats are honoured (`uuid`, `byte`, dates and
//! date-times, and text fields named like dates hold date-times), so a client that validates
//! formats accepts every value; every entity decodes into its generated model. The
//! [`data`] module gives the same values to tests (bodies to send, rows to check).
//!
//! Or loaded from a folder ([`data_dir`](MockServerBuilder::data_dir)), one file per
//! resource named as `bundle!` names it:
//!
//! - `<dir>/ticket.json`: a top-level resource, an array of entities;
//! - `<dir>/service_note.json`: a resource whose path has parameters
//!   (`/service/tickets/{parentId}/notes`), an object keyed by the path's ids,
//!   `{"7": [...], "8": [...]}`, or with two of them `"<grandParentId>/<parentId>"`:
//!   `{"3/7": [...]}`.
//!
//! Every entity needs an integer `id`. Resources without a file are generated, or empty with
//! [`generate(false)`](MockServerBuilder::generate). A file that names no resource is an
//! error at start, with the closest name.
//!
//! The server runs on its own thread (with its own tokio runtime), so it works under any
//! test runtime and from synchronous code ([`MockServerBuilder::start_blocking`]); it stops
//! when the [`MockServer`] is dropped.
#![warn(missing_docs)]

mod api;
mod bundles;
mod callbacks;
mod endpoints;
mod faults;
mod generate;
mod incoming;
mod patch;
mod query;
mod server;
mod store;
mod validate;

pub use callbacks::{CallbackFaults, Delivery, DeliveryOutcome};
pub use faults::{FaultKind, Faults, Injected, RandomFaults};

/// The data the server generates, for tests that check it or send it as bodies: the same
/// function of the seed as the rows the server serves.
pub mod data {
    use crate::{api::Api, generate, MockError};
    use connectwise::registry::Resource;
    use serde_json::Value;

    /// Every model's Rust name the server knows (the runtime's condition schema), sorted.
    pub fn models() -> Result<Vec<&'static str>, MockError> {
        Ok(Api::get()?.schema.models().map(|m| m.name()).collect())
    }

    /// A generated value of the model named `model` (its Rust name: `Ticket`,
    /// `CompanyConfiguration`), a function of `seed`: what an action answering that model
    /// answers, and a body a create of it accepts. `None` for a model the schema lacks.
    pub fn value(model: &str, seed: u64) -> Result<Option<Value>, MockError> {
        let api = Api::get()?;
        if api.schema.model(model).is_none() {
            return Ok(None);
        }
        let params = generate::Params {
            seed,
            rows: 100,
            child_rows: 3,
        };
        Ok(Some(generate::model_value(api, &params, model, &[seed])))
    }

    /// The rows the server generates for `resource` under `parents` (`(grandParentId,
    /// parentId)`, `(None, None)` for a top-level resource), with `seed`, `rows` rows per
    /// top-level resource and at most `child_rows` per parent.
    pub fn rows(
        resource: Resource,
        parents: (Option<i32>, Option<i32>),
        seed: u64,
        rows: u32,
        child_rows: u32,
    ) -> Result<Vec<Value>, MockError> {
        let params = generate::Params {
            seed,
            rows,
            child_rows,
        };
        Ok(generate::rows(Api::get()?, &params, resource, parents))
    }
}

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// What can stop the server from starting.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MockError {
    /// The runtime's model schema does not load (a bug of the code generator).
    #[error("{0}")]
    Spec(String),
    /// A file of the data folder is wrong.
    #[error("{}: {message}", path.display())]
    Data {
        /// The file that is wrong.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// The socket or the server thread.
    #[error("cannot start the server: {0}")]
    Io(#[from] std::io::Error),
    /// A builder option names something the server does not serve.
    #[error("{0}")]
    Config(String),
}

/// The credentials the fake server accepts. Fake values: printing them is fine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MockCredentials {
    /// The ConnectWise company id (the login's company part).
    pub company: String,
    /// The API member's public key (the login's user name after `company+`).
    pub public_key: String,
    /// The API member's private key (the login's password).
    pub private_key: String,
    /// The `clientId` header every request must carry.
    pub client_id: String,
}

impl Default for MockCredentials {
    fn default() -> Self {
        MockCredentials {
            company: "mockcompany".into(),
            public_key: "mockpublickey".into(),
            private_key: "mockprivatekey".into(),
            client_id: "00000000-0000-4000-8000-00000000cafe".into(),
        }
    }
}

impl MockCredentials {
    /// As the client takes them.
    pub fn to_credentials(&self) -> connectwise::Credentials {
        connectwise::Credentials::new(&self.company, &self.public_key, &self.private_key)
    }
}

/// One request the server received, as it arrived (faulted and unauthorized ones included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// `GET`, `POST`, `PATCH`...
    pub method: String,
    /// The path below the API root, as sent: `/service/tickets`.
    pub path: String,
    /// The query string as sent, without `?` (empty for none).
    pub query_string: String,
    /// The query parameters, decoded, in order.
    pub query: Vec<(String, String)>,
    /// Headers (names lower-case), in order.
    pub headers: Vec<(String, String)>,
    /// The body as sent (empty for none).
    pub body: Vec<u8>,
    /// The fault injected into its answer ([`Faults`]), latency aside; `None` for none.
    pub fault: Option<FaultKind>,
}

impl RecordedRequest {
    /// The first query parameter named `name` (any case).
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The first header named `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The `content-type` header.
    pub fn content_type(&self) -> Option<&str> {
        self.header("content-type")
    }

    /// The body as JSON, if it is.
    pub fn body_json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// Configures and starts a [`MockServer`].
#[derive(Debug, Clone)]
pub struct MockServerBuilder {
    seed: u64,
    rows: u32,
    resource_rows: Vec<(String, u32)>,
    child_rows: u32,
    generate: bool,
    data_dir: Option<PathBuf>,
    credentials: MockCredentials,
    port: u16,
    throttle: Option<(f64, u32)>,
    max_logged_requests: usize,
}

impl Default for MockServerBuilder {
    fn default() -> Self {
        MockServerBuilder {
            seed: 42,
            rows: 2000,
            resource_rows: Vec::new(),
            child_rows: 8,
            generate: true,
            data_dir: None,
            credentials: MockCredentials::default(),
            port: 0,
            throttle: None,
            max_logged_requests: usize::MAX,
        }
    }
}

impl MockServerBuilder {
    /// Seed of the generated data (default 42): the same seed gives the same data.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Rows of each generated top-level resource (default 2000). Kinds with a fixed
    /// vocabulary (statuses, boards, priorities, ...) have as many rows as names.
    pub fn rows(mut self, rows: u32) -> Self {
        self.rows = rows;
        self
    }

    /// Rows of one generated top-level resource, named as `bundle!` spells it (`ticket`) or
    /// by its `resourceType` (`Ticket`), instead of [`rows`](Self::rows): for example 5,000
    /// tickets next to 500 members. A later call for the same resource wins; a name the
    /// server does not serve, or a child resource, makes [`start`](Self::start) fail.
    /// Generated values still refer to ids `1..=rows` of other resources. Kinds with a fixed
    /// vocabulary keep as many rows as names.
    pub fn resource_rows(mut self, resource: impl Into<String>, rows: u32) -> Self {
        self.resource_rows.push((resource.into(), rows));
        self
    }

    /// At most this many generated rows per parent of a child resource (default 8; at
    /// least 1 each).
    pub fn child_rows(mut self, rows: u32) -> Self {
        self.child_rows = rows;
        self
    }

    /// Whether resources without a data file are generated (default) or empty.
    pub fn generate(mut self, generate: bool) -> Self {
        self.generate = generate;
        self
    }

    /// A folder of JSON files, one per resource (layout: the crate docs, "Data":
    /// `<dir>/<resource>.json`, an array, or for a child resource an object keyed by parent
    /// id). Those resources serve exactly that data.
    pub fn data_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.data_dir = Some(dir.into());
        self
    }

    /// The credentials to accept (default: [`MockCredentials::default`]).
    pub fn credentials(
        mut self,
        company: impl Into<String>,
        public_key: impl Into<String>,
        private_key: impl Into<String>,
        client_id: impl Into<String>,
    ) -> Self {
        self.credentials = MockCredentials {
            company: company.into(),
            public_key: public_key.into(),
            private_key: private_key.into(),
            client_id: client_id.into(),
        };
        self
    }

    /// The TCP port on 127.0.0.1 (default 0: any free port).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Starts in throttle mode: at most `per_second` requests a second on average and
    /// `burst` at once, else 429 with `Retry-After` ([`Faults::throttle`], which changes it
    /// while the server runs). [`start`](Self::start) fails for a rate that is not a
    /// positive number or a burst of 0.
    pub fn throttle(mut self, per_second: f64, burst: u32) -> Self {
        self.throttle = Some((per_second, burst));
        self
    }

    /// The request log ([`MockServer::requests`]) keeps at most this many requests (default:
    /// every one); later ones are counted ([`MockServer::request_count`]) but not recorded
    /// until [`MockServer::clear_requests`] or [`MockServer::take_requests`] makes room. For
    /// a server that runs long: the log holds every request's headers and body.
    pub fn max_logged_requests(mut self, n: usize) -> Self {
        self.max_logged_requests = n;
        self
    }

    /// Starts the server.
    pub async fn start(self) -> Result<MockServer, MockError> {
        self.start_blocking()
    }

    /// Starts the server from synchronous code.
    pub fn start_blocking(self) -> Result<MockServer, MockError> {
        let api = api::Api::get()?;
        let params = generate::Params {
            seed: self.seed,
            rows: self.rows,
            child_rows: self.child_rows,
        };
        let mut row_counts = std::collections::HashMap::new();
        for (name, rows) in &self.resource_rows {
            let resource = connectwise::registry::Resource::ALL
                .iter()
                .copied()
                .find(|r| r.info().name == name || r.info().resource_type == name)
                .ok_or_else(|| MockError::Config(format!("resource_rows: no resource `{name}`")))?;
            if !resource.info().keys.is_empty() {
                return Err(MockError::Config(format!(
                    "resource_rows: `{name}` is a child resource (see `child_rows`)"
                )));
            }
            row_counts.insert(resource, *rows);
        }
        if let Some((per_second, burst)) = self.throttle {
            if !(per_second.is_finite() && per_second > 0.0) || burst == 0 {
                return Err(MockError::Config(format!(
                    "throttle: the rate must be a positive number of requests a second and the \
                     burst at least 1 (got {per_second} a second, bursts of {burst})"
                )));
            }
        }
        let store = store::Store::new(api, params, self.generate, self.data_dir.as_deref())?
            .with_row_counts(row_counts);
        let received = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let listener = std::net::TcpListener::bind(("127.0.0.1", self.port))?;
        listener.set_nonblocking(true)?;
        let address = listener.local_addr()?;
        let origin = format!("http://{address}");
        let faults = Faults::default();
        if let Some((per_second, burst)) = self.throttle {
            faults.throttle(per_second, burst);
        }
        let counters = Arc::new(server::Counters::default());
        let log = Arc::new(Mutex::new(Vec::new()));
        let callbacks = callbacks::Callbacks::new(self.seed, address.port());
        let shared = Arc::new(server::Shared {
            api,
            store,
            params,
            credentials: self.credentials.clone(),
            faults: faults.clone(),
            log: log.clone(),
            max_logged: self.max_logged_requests,
            received: received.clone(),
            counters: counters.clone(),
            origin: origin.clone(),
            callbacks: callbacks.clone(),
        });
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("cw-mock")
            .enable_all()
            .build()?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let listener = {
            let _guard = runtime.enter();
            tokio::net::TcpListener::from_std(listener)?
        };
        std::thread::Builder::new()
            .name("cw-mock".into())
            .spawn(move || {
                let app = server::router(shared);
                runtime.block_on(async move {
                    let serve = axum::serve(listener, app).with_graceful_shutdown(async {
                        stopped.await.ok();
                    });
                    // An accept error ends the server; the test then sees refused connections.
                    serve.await.ok();
                });
                // Connections still open (a slow body) are dropped with the runtime.
                runtime.shutdown_background();
            })?;
        Ok(MockServer {
            url: format!("{origin}{}", server::BASE_PATH),
            address,
            credentials: self.credentials,
            faults,
            log,
            received,
            counters,
            callbacks,
            stop: Some(stop),
        })
    }
}

/// A running fake ConnectWise server. Stops when dropped.
pub struct MockServer {
    url: String,
    address: SocketAddr,
    credentials: MockCredentials,
    faults: Faults,
    log: Arc<Mutex<Vec<RecordedRequest>>>,
    received: Arc<std::sync::atomic::AtomicU64>,
    counters: Arc<server::Counters>,
    callbacks: callbacks::Callbacks,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer")
            .field("url", &self.url)
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}

impl MockServer {
    /// A builder with the defaults (seed 42, 2000 rows, any port).
    pub fn builder() -> MockServerBuilder {
        MockServerBuilder::default()
    }

    /// A server with the defaults.
    pub async fn start() -> Result<MockServer, MockError> {
        Self::builder().start().await
    }

    /// The API root, like `https://na.myconnectwise.net/v4_6_release/apis/3.0`:
    /// `http://127.0.0.1:PORT/v4_6_release/apis/3.0`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The socket address.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The credentials it accepts.
    pub fn credentials(&self) -> &MockCredentials {
        &self.credentials
    }

    /// A client builder for this server, with its URL and credentials set.
    pub fn client(&self) -> connectwise::ClientBuilder {
        connectwise::Client::builder(self.url.clone())
            .credentials(self.credentials.to_credentials())
            .client_id(self.credentials.client_id.clone())
    }

    /// The fault settings, changeable while it runs.
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.log.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// How many HTTP requests the server has received since it started, every one (faulted
    /// and unauthorized ones included); [`clear_requests`](Self::clear_requests) does not
    /// reset it.
    pub fn request_count(&self) -> u64 {
        self.received.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// How many requests the server has answered with 429 Too Many Requests since it
    /// started (throttle mode and [`Faults::too_many_requests`]); they are counted in
    /// [`request_count`](Self::request_count) too.
    pub fn throttled_count(&self) -> u64 {
        self.counters
            .too_many
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    /// The most requests the server was answering at once (from a request's arrival until
    /// its answer is handed to the connection), since it started or since
    /// [`reset_max_in_flight`](Self::reset_max_in_flight): what a client's concurrency
    /// limit looks like from the server.
    pub fn max_in_flight(&self) -> u64 {
        self.counters
            .max_in_flight
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Starts [`max_in_flight`](Self::max_in_flight) again from the requests in flight now.
    pub fn reset_max_in_flight(&self) {
        use std::sync::atomic::Ordering;
        let now = self.counters.in_flight.load(Ordering::SeqCst);
        self.counters.max_in_flight.store(now, Ordering::SeqCst);
    }

    /// Every request received so far, in order, forgotten by the server: the next call
    /// returns only later ones.
    pub fn take_requests(&self) -> Vec<RecordedRequest> {
        std::mem::take(&mut *self.log.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// Forgets the requests received so far.
    pub fn clear_requests(&self) {
        self.log.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }

    /// The API version of the spec it serves (the runtime's `API_VERSION`).
    pub fn api_version(&self) -> &'static str {
        connectwise::registry::API_VERSION
    }

    /// The names of the resources it serves, as `bundle!` spells them.
    pub fn resources(&self) -> impl Iterator<Item = &'static str> {
        connectwise::registry::Resource::ALL
            .iter()
            .map(|r| r.info().name)
    }

    /// Stops the server (as dropping it does).
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            stop.send(()).ok();
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.shutdown();
    }
}
