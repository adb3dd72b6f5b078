//! The HTTP client: authentication, the versioned `Accept` header, timeouts, retries, and the
//! one way to send any request (`send`), with `list`, `get` and `stream` as conveniences.

use crate::error::{ApiError, Error, StatusKind};
use crate::registry::Method;
use crate::request::{Body, GetRequest, ListRequest, Query, Request, MAX_PAGE_SIZE};
use crate::throttle::Throttle;
use futures_util::stream::{self, Stream, TryStreamExt};
use reqwest::header::{
    HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, LINK, RETRY_AFTER,
};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tracing::Instrument;

/// API member credentials: company id, public key, private key. `Debug` never shows the
/// private key, and nothing in this crate prints or logs it.
#[derive(Clone)]
pub struct Credentials {
    company: String,
    public_key: String,
    private_key: String,
}

impl Credentials {
    /// The company id and the API member's public and private keys; `Debug` never prints the
    /// private key.
    pub fn new(
        company: impl Into<String>,
        public_key: impl Into<String>,
        private_key: impl Into<String>,
    ) -> Self {
        Credentials {
            company: company.into(),
            public_key: public_key.into(),
            private_key: private_key.into(),
        }
    }

    /// The company id these credentials log in to.
    pub fn company(&self) -> &str {
        &self.company
    }

    /// `Basic base64(company+public:private)`, marked sensitive so that reqwest and any
    /// middleware logging headers redact it.
    fn header(&self) -> Result<HeaderValue, Error> {
        use base64::Engine;
        let raw = format!("{}+{}:{}", self.company, self.public_key, self.private_key);
        let encoded = base64::engine::general_purpose::STANDARD.encode(raw);
        let mut value = HeaderValue::from_str(&format!("Basic {encoded}")).map_err(|_| {
            Error::Config("credentials contain characters not allowed in a header".into())
        })?;
        value.set_sensitive(true);
        Ok(value)
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("company", &self.company)
            .field("public_key", &self.public_key)
            .field("private_key", &"<redacted>")
            .finish()
    }
}

/// When and how often to retry: 429 (honouring `Retry-After`), 502/503/504 and connection
/// errors, with bounded exponential backoff and jitter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0: never retry). 429s are not counted: they are
    /// retried while [`ClientBuilder::max_throttle_wait`] allows, unless this is 0.
    pub max_retries: u32,
    /// The first backoff; doubled each retry.
    pub base_delay: Duration,
    /// No wait is longer than this, `Retry-After` included.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// The wait after a call's `n`th 429 (1-based): its `Retry-After`, else the backoff, at
    /// most `max_delay`. Beyond `max_retries` 429s, a growing backoff at least, whatever
    /// `Retry-After` says, and never under 100 ms (even with a `max_delay` below it): a server
    /// that keeps saying 0 is not hammered, and the call's throttle wait grows to
    /// `max_throttle_wait`.
    fn after_429(&self, retry_after: Option<Duration>, n: u32) -> Duration {
        let wait = retry_after.unwrap_or_else(|| self.backoff(n));
        match n.checked_sub(self.max_retries).filter(|&k| k > 0) {
            None => wait.min(self.max_delay),
            Some(k) => wait
                .max(self.backoff(k))
                .min(self.max_delay)
                .max(Duration::from_millis(100)),
        }
    }

    /// Backoff before retry `attempt` (1-based): `base * 2^(attempt-1)`, full jitter on the
    /// upper half, capped at `max_delay`.
    fn backoff(&self, attempt: u32) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(1u32 << (attempt - 1).min(16))
            .min(self.max_delay);
        let half = exp / 2;
        half + half.mul_f64(fastrand::f64())
    }
}

/// Builds a [`Client`].
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    base_url: String,
    credentials: Option<Credentials>,
    client_id: Option<String>,
    version: String,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    max_bundle_size: usize,
    rate_limit: u32,
    max_concurrency: usize,
    max_throttle_wait: Duration,
    max_body_size: u64,
}

/// The default of [`ClientBuilder::max_bundle_size`].
pub const DEFAULT_MAX_BUNDLE_SIZE: usize = 25;

/// The default of [`ClientBuilder::max_concurrency`].
pub const DEFAULT_MAX_CONCURRENCY: usize = 8;

/// The default of [`ClientBuilder::max_throttle_wait`]: 5 minutes.
pub const DEFAULT_MAX_THROTTLE_WAIT: Duration = Duration::from_secs(300);
/// The default of [`ClientBuilder::max_body_size`]: 256 MiB.
pub const DEFAULT_MAX_BODY_SIZE: u64 = 256 << 20;

impl ClientBuilder {
    /// Credentials (required).
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// The integration's `clientId` from the ConnectWise Developer Network (required).
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_id = Some(client_id.into());
        self
    }

    /// The API version for the `Accept` header and bundle sub-requests (default: the version
    /// of the spec the crate was generated from, [`crate::API_VERSION`]).
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.version = version.into();
        self
    }

    /// Timeout of each HTTP attempt, body included (default 60 s). It starts when the request
    /// is sent: the time a request waits for the client's throttle ([`rate_limit`],
    /// [`max_concurrency`], the pause after a 429) is not counted, see
    /// [`max_throttle_wait`] for that.
    ///
    /// [`rate_limit`]: Self::rate_limit
    /// [`max_concurrency`]: Self::max_concurrency
    /// [`max_throttle_wait`]: Self::max_throttle_wait
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Timeout for establishing a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Retry policy (default [`RetryPolicy::default`]).
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// At most this many sub-requests in one `POST /system/bundles` (or `/count`) call
    /// (default [`DEFAULT_MAX_BUNDLE_SIZE`], 25; 0 is taken as 1). A bigger bundle is split
    /// into several calls, sent at once, and their results merged: `take` and each
    /// sub-request's own failure are as for one call. ConnectWise documents no limit, but one
    /// call is answered in one body, held whole by the server and by this client, and a slow
    /// or failed call delays or fails every sub-request in it: a bounded size keeps each body
    /// and each failure small and lets the calls run side by side.
    pub fn max_bundle_size(mut self, n: usize) -> Self {
        self.max_bundle_size = n.max(1);
        self
    }

    /// At most `requests_per_minute` requests a minute from this client and all its clones,
    /// paced evenly (`60 s / requests_per_minute` apart: no bursts) and counted when sent,
    /// retries included; 0 means no rate limit. Default: no rate limit. ConnectWise publishes
    /// no figure, its throttle differs between servers and is shared with every other
    /// integration of the API member, and it says when it is exceeded (429 with
    /// `Retry-After`, which pauses every request of the client, see [`Client::send`]): any
    /// figure chosen here would be too slow for some servers and still too fast for others.
    /// Set one when you know your server's throttle, or to leave room for other integrations.
    pub fn rate_limit(mut self, requests_per_minute: u32) -> Self {
        self.rate_limit = requests_per_minute;
        self
    }

    /// At most `n` HTTP exchanges at a time from this client and all its clones (default
    /// [`DEFAULT_MAX_CONCURRENCY`], 8; 0 is taken as 1); more wait for a free place. A place
    /// is held from sending the request to reading the end of its answer. Bundles split by
    /// [`max_bundle_size`](Self::max_bundle_size), `send_all` and concurrent calls from
    /// clones all go through it. Eight hides the latency of a distant server for most
    /// workloads, while a burst of calls meets the server's throttle as a few requests at a
    /// time rather than all at once, and uses few connections.
    pub fn max_concurrency(mut self, n: usize) -> Self {
        self.max_concurrency = n.max(1);
        self
    }

    /// The longest a call may wait for the client's throttle ([`rate_limit`](Self::rate_limit),
    /// [`max_concurrency`](Self::max_concurrency), the pause after a 429), all its retries
    /// together (default [`DEFAULT_MAX_THROTTLE_WAIT`], 5 minutes). A call that would wait
    /// longer fails with [`Error::Throttled`], at once when the wait is known in advance (a
    /// rate slot, a pause), else when the time is up; the time spent waiting is not counted
    /// in the [`timeout`](Self::timeout). Five minutes rides out many `Retry-After`s and long
    /// queues of a large batch, and still ends a call that a stuck throttle would keep
    /// forever.
    pub fn max_throttle_wait(mut self, wait: Duration) -> Self {
        self.max_throttle_wait = wait;
        self
    }

    /// The largest response body the client reads, in bytes (default
    /// [`DEFAULT_MAX_BODY_SIZE`], 256 MiB; 0 is taken as 1). A bigger one ends the call with
    /// [`Error::BodyTooLarge`] instead of using memory without bound: the bytes are counted as
    /// they arrive (and a `Content-Length` above the cap fails at once), for every response:
    /// bundles, lists, gets, writes. An error response's body above the cap is left out of
    /// its [`Error::Status`]. Why 256 MiB: the biggest legitimate answers are bundles of
    /// 1,000-row pages, about 4.4 MB a page of tickets, so 25 sub-requests (the default
    /// [`max_bundle_size`](Self::max_bundle_size)) make about 110 MB; the cap leaves twice
    /// that, and still stops a runaway or hostile body long before it exhausts a machine.
    pub fn max_body_size(mut self, bytes: u64) -> Self {
        self.max_body_size = bytes.max(1);
        self
    }

    /// The client, or [`Error::Config`] when the credentials or the client id are missing, or the
    /// base URL is not an `https://` (or local `http://`) URL without a user or password in it.
    pub fn build(self) -> Result<Client, Error> {
        let credentials = self
            .credentials
            .ok_or_else(|| Error::Config("credentials are required".into()))?;
        let client_id = self
            .client_id
            .ok_or_else(|| Error::Config("client_id is required".into()))?;
        let base = self.base_url.trim_end_matches('/').to_owned();
        let Some((_, rest)) = base
            .split_once("://")
            .filter(|_| base.starts_with("https://") || base.starts_with("http://"))
        else {
            return Err(Error::Config(format!(
                "base URL {base:?} must start with https:// (or http:// for a local server)"
            )));
        };
        // Errors and logs carry the URL: it must hold no secret. (Not echoed here.)
        if rest
            .split('/')
            .next()
            .is_some_and(|host| host.contains('@'))
        {
            return Err(Error::Config(
                "the base URL holds user information (`user:password@`): pass credentials \
                 with `Credentials` instead"
                    .into(),
            ));
        }
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, credentials.header()?);
        headers.insert(
            "clientId",
            HeaderValue::from_str(&client_id)
                .map_err(|_| Error::Config("client_id is not a valid header value".into()))?,
        );
        headers.insert(
            ACCEPT,
            HeaderValue::from_str(&format!(
                "application/vnd.connectwise.com+json; version={}",
                self.version
            ))
            .map_err(|_| Error::Config("version is not a valid header value".into()))?,
        );
        let http = reqwest::Client::builder()
            .default_headers(headers.clone())
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .user_agent(concat!("connectwise-rs/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Config(e.to_string()))?;
        Ok(Client {
            http,
            base,
            version: self.version,
            retry: self.retry,
            max_bundle_size: self.max_bundle_size,
            max_body_size: self.max_body_size,
            company: credentials.company,
            headers,
            throttle: Arc::new(Throttle::new(self.rate_limit, self.max_concurrency)),
            max_throttle_wait: self.max_throttle_wait,
        })
    }
}

/// A ConnectWise Manage API client. Cheap to clone: the connection pool and the throttle
/// (rate limit, concurrency limit, the pause after a 429) are shared by every clone.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    version: String,
    retry: RetryPolicy,
    max_bundle_size: usize,
    max_body_size: u64,
    company: String,
    /// The headers sent with every request (credentials marked sensitive, `clientId`,
    /// `Accept`), for the callback verifier's own HTTP client.
    headers: HeaderMap,
    /// Shared by every clone.
    throttle: Arc<Throttle>,
    max_throttle_wait: Duration,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base)
            .field("company", &self.company)
            .field("version", &self.version)
            .field("retry", &self.retry)
            .field("max_bundle_size", &self.max_bundle_size)
            .field("rate_interval", &self.throttle.interval())
            .field("max_concurrency", &self.throttle.max_concurrency())
            .field("max_throttle_wait", &self.max_throttle_wait)
            .field("max_body_size", &self.max_body_size)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts building a client for `base_url`: the API root,
    /// `https://na.myconnectwise.net/v4_6_release/apis/3.0`.
    pub fn builder(base_url: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            base_url: base_url.into(),
            credentials: None,
            client_id: None,
            version: crate::API_VERSION.to_owned(),
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            max_bundle_size: DEFAULT_MAX_BUNDLE_SIZE,
            rate_limit: 0,
            max_concurrency: DEFAULT_MAX_CONCURRENCY,
            max_throttle_wait: DEFAULT_MAX_THROTTLE_WAIT,
            max_body_size: DEFAULT_MAX_BODY_SIZE,
        }
    }

    /// The largest response body this client reads ([`ClientBuilder::max_body_size`]).
    pub fn max_body_size(&self) -> u64 {
        self.max_body_size
    }

    /// At most this many sub-requests go in one bundle call ([`ClientBuilder::max_bundle_size`]).
    pub fn max_bundle_size(&self) -> usize {
        self.max_bundle_size
    }

    /// How much longer this client and its clones hold their requests back because the
    /// server answered a 429 (its `Retry-After`); `None` when they are not paused. For
    /// dashboards and logs: calls made meanwhile wait by themselves.
    pub fn paused_for(&self) -> Option<Duration> {
        self.throttle.paused_for()
    }

    /// The API version sent in the `Accept` header and in bundle sub-requests.
    pub fn api_version(&self) -> &str {
        &self.version
    }

    /// The API root this client talks to.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// The credentials, `clientId` and `Accept` headers of every request: what the callback
    /// verifier sends to the hosts it allows.
    pub(crate) fn default_headers(&self) -> &HeaderMap {
        &self.headers
    }

    pub(crate) fn bundle_url(&self) -> String {
        format!("{}/system/bundles", self.base)
    }

    pub(crate) fn bundle_count_url(&self) -> String {
        format!("{}/system/bundles/count", self.base)
    }

    /// Sends any request ([`Request`]: a read, a count, a write, an action) and decodes its
    /// answer. Retries follow the request's idempotent flag: a 429 (after its `Retry-After`)
    /// and a connection that could not be made are retried for every request; a 502, 503,
    /// 504 or a timeout only for idempotent ones (GET, PUT, DELETE), so that a create or a
    /// patch that may have reached the server is never sent twice. The retry policy's
    /// `max_retries` counts the latter; 429s are retried for as long as
    /// [`ClientBuilder::max_throttle_wait`] allows (retries off: the 429 is the error), with at
    /// least the policy's backoff between them once there have been more than `max_retries`.
    ///
    /// Every request waits for the client's throttle first ([`ClientBuilder::rate_limit`],
    /// [`ClientBuilder::max_concurrency`]). A 429 pauses every request of the client and its
    /// clones, not only the one that got it, for its `Retry-After` (else the retry policy's
    /// backoff; at most its `max_delay`): requests sent meanwhile wait, then go. A call whose
    /// waits would exceed [`ClientBuilder::max_throttle_wait`] fails with
    /// [`Error::Throttled`].
    pub async fn send<R: Request>(&self, request: R) -> Result<R::Output, Error> {
        let method = request.method();
        let url = format!("{}{}", self.base, request.path());
        let call = Attempt {
            method,
            url: &url,
            query: &request.query(),
            body: request.body()?,
            version: request.version(),
            forward_only: false,
            idempotent: request.idempotent(),
        };
        let span = tracing::debug_span!("connectwise.send", method = method.as_str(), url = %url);
        let (bytes, _) = self.execute_bytes(call).instrument(span).await?;
        request
            .decode(&bytes)
            .map_err(|(path, message)| Error::Decode {
                url: url.clone(),
                path,
                message,
            })
    }

    /// One page of a list endpoint (the request's `page`/`pageSize`, else the API's default
    /// first page of 25): `send` of a [`ListRequest`].
    pub async fn list<T: DeserializeOwned>(
        &self,
        request: ListRequest<T>,
    ) -> Result<Vec<T>, Error> {
        self.send(request).await
    }

    /// One entity by id: `send` of a [`GetRequest`].
    pub async fn get<T: DeserializeOwned>(&self, request: GetRequest<T>) -> Result<T, Error> {
        self.send(request).await
    }

    /// Every entity of a list endpoint, page after page, with the request's conditions kept on
    /// every page. Uses forward-only paging (`pageId`, following `Link: <..>; rel="next"`)
    /// where the endpoint supports it and the request did not ask for a page number; else
    /// `page` = 1, 2, ... until a short page. `pageSize` defaults to 1000 (the maximum).
    pub fn stream<T: DeserializeOwned>(
        &self,
        request: ListRequest<T>,
    ) -> impl Stream<Item = Result<T, Error>> + '_ {
        let mut request = request;
        let forward_only =
            request.resource().info().supports_page_id() && request.query().page.is_none();
        let page_size = request
            .query()
            .page_size
            .unwrap_or(MAX_PAGE_SIZE)
            .min(MAX_PAGE_SIZE);
        request.query_mut().page_size = Some(page_size);
        let first_url = format!("{}{}", self.base, request.path());
        let version = request.version_ref().map(str::to_owned);
        let query: Query = request.query().clone();

        enum Next {
            Start,
            Url(String),
            Page(u32),
            Done,
        }
        let start = if forward_only {
            Next::Start
        } else {
            Next::Page(query.page.unwrap_or(1))
        };
        stream::try_unfold(start, move |next| {
            let first_url = first_url.clone();
            let version = version.clone();
            let mut query = query.clone();
            async move {
                let page = match next {
                    Next::Page(p) => Some(p),
                    _ => None,
                };
                let (url, pairs) = match next {
                    Next::Done => return Ok(None),
                    Next::Start => (first_url.clone(), query.pairs()),
                    // The server's next link carries every parameter, conditions included.
                    Next::Url(u) => (u, Vec::new()),
                    Next::Page(p) => {
                        query.page = Some(p);
                        (first_url.clone(), query.pairs())
                    }
                };
                let attempt = Attempt {
                    method: Method::Get,
                    url: &url,
                    query: &pairs,
                    body: None,
                    version: version.as_deref(),
                    forward_only,
                    idempotent: true,
                };
                let span = tracing::debug_span!("connectwise.page", url = %url);
                let (bytes, link) = self.execute_bytes(attempt).instrument(span).await?;
                let items: Vec<T> = decode_body(&bytes, &url)?;
                let following = if forward_only {
                    match link {
                        Some(u) if !items.is_empty() => Next::Url(u),
                        _ => Next::Done,
                    }
                } else if (items.len() as u32) < page_size {
                    Next::Done
                } else {
                    page.map_or(Next::Done, |p| Next::Page(p + 1))
                };
                Ok(Some((items, following)))
            }
        })
        .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
        .try_flatten()
    }

    /// `POST` of a bundle body to `url` (`/system/bundles` or `/system/bundles/count`). The
    /// Bundle endpoints only read, so they are retried like GETs. Returns the success
    /// response, its body not read yet: [`read_body`](Self::read_body) feeds it to the
    /// decoder as it arrives.
    pub(crate) async fn post_bundle(&self, url: &str, body: Vec<u8>) -> Result<Answer, Error> {
        let span = tracing::debug_span!("connectwise.bundle", url = %url, bytes = body.len());
        let attempt = Attempt {
            method: Method::Post,
            url,
            query: &[],
            body: Some(Body {
                content_type: "application/json".into(),
                bytes: body.into(),
            }),
            version: None,
            forward_only: false,
            idempotent: true,
        };
        self.execute(attempt).instrument(span).await
    }

    /// Reads a response's body as it arrives, handing each piece to `sink`, at most
    /// [`max_body_size`](ClientBuilder::max_body_size) bytes in all (else
    /// [`Error::BodyTooLarge`]). `method` and `url` are for error messages.
    pub(crate) async fn read_body(
        &self,
        mut response: reqwest::Response,
        method: &'static str,
        url: &str,
        mut sink: impl FnMut(&[u8]) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let limit = self.max_body_size;
        let too_large = || Error::BodyTooLarge {
            url: url.to_owned(),
            limit,
        };
        if response.content_length().is_some_and(|n| n > limit) {
            return Err(too_large());
        }
        let mut read: u64 = 0;
        while let Some(chunk) = response.chunk().await.map_err(|source| Error::Transport {
            method,
            url: url.to_owned(),
            source,
        })? {
            read = read.saturating_add(chunk.len() as u64);
            if read > limit {
                return Err(too_large());
            }
            sink(&chunk)?;
        }
        Ok(())
    }

    /// [`execute`](Self::execute), and the whole body of the success response (at most
    /// [`max_body_size`](ClientBuilder::max_body_size)) with its `Link rel="next"` URL.
    async fn execute_bytes(&self, call: Attempt<'_>) -> Result<(Vec<u8>, Option<String>), Error> {
        let (method, url) = (call.method.as_str(), call.url);
        // The place under the concurrency limit is held until the body is read.
        let Answer { response, place } = self.execute(call).await?;
        let link = response
            .headers()
            .get_all(LINK)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(next_link);
        let mut bytes = Vec::new();
        if let Some(n) = response.content_length() {
            bytes.reserve(n.min(self.max_body_size) as usize);
        }
        self.read_body(response, method, url, |chunk| {
            bytes.extend_from_slice(chunk);
            Ok(())
        })
        .await?;
        drop(place);
        Ok((bytes, link))
    }

    /// Sends one request with retries; returns the success response (its body not read yet)
    /// with its place under the concurrency limit, or the final error.
    async fn execute(&self, call: Attempt<'_>) -> Result<Answer, Error> {
        let method_name = call.method.as_str();
        let build = || {
            let method = match call.method {
                Method::Get => reqwest::Method::GET,
                Method::Post => reqwest::Method::POST,
                Method::Put => reqwest::Method::PUT,
                Method::Patch => reqwest::Method::PATCH,
                Method::Delete => reqwest::Method::DELETE,
            };
            let mut r = self.http.request(method, call.url);
            if !call.query.is_empty() {
                r = r.query(call.query);
            }
            if let Some(v) = call.version {
                r = r.header(
                    ACCEPT,
                    format!("application/vnd.connectwise.com+json; version={v}"),
                );
            }
            if call.forward_only {
                r = r.header("pagination-type", "forward-only");
            }
            if let Some(body) = &call.body {
                r = r
                    .header(CONTENT_TYPE, body.content_type.as_ref())
                    .body(body.bytes.clone());
            }
            r
        };
        let mut attempt = 0;
        // 429s answered to this call: retried beyond `max_retries` (see below).
        let mut throttled: u32 = 0;
        // Time this call has waited for the throttle, every attempt together.
        let mut throttle_waited = Duration::ZERO;
        loop {
            // Held until the answer is read (or the attempt is given up): the concurrency
            // limit counts whole exchanges. The timeout starts with `send`, after the wait.
            let asked = tokio::time::Instant::now();
            let permit = self
                .throttle
                .acquire(self.max_throttle_wait.saturating_sub(throttle_waited))
                .await
                .map_err(|over| Error::Throttled {
                    method: method_name,
                    url: call.url.to_owned(),
                    cause: over.cause,
                    waited: throttle_waited + over.waited,
                    would_wait: over.would_wait.map(|w| throttle_waited + w),
                    limit: self.max_throttle_wait,
                })?;
            throttle_waited += asked.elapsed();
            let result = build().send().await;
            let paused = matches!(&result, Ok(r) if r.status() == StatusCode::TOO_MANY_REQUESTS);
            let retry_in = match &result {
                Ok(r) if r.status().is_success() => None,
                Ok(r) if r.status() == StatusCode::TOO_MANY_REQUESTS => {
                    throttled += 1;
                    let wait = self
                        .retry
                        .after_429(retry_after(r.headers().get(RETRY_AFTER)), throttled);
                    // The server throttles the client, not this request: every request of
                    // every clone waits (in `acquire`), this one's retry included.
                    self.throttle.pause(wait);
                    Some(wait)
                }
                Ok(r) if call.idempotent && matches!(r.status().as_u16(), 502..=504) => {
                    Some(self.retry.backoff(attempt + 1))
                }
                Ok(_) => None,
                // Not connected: the request never left, so any request may go again.
                Err(e) if e.is_connect() => Some(self.retry.backoff(attempt + 1)),
                // Timed out: the server may have acted on it.
                Err(e) if call.idempotent && e.is_timeout() => {
                    Some(self.retry.backoff(attempt + 1))
                }
                Err(_) => None,
            };
            match retry_in {
                // A 429 is retried as long as retries are on at all, not `max_retries` times:
                // the server did not act on the request, and the waits it asks for are the
                // throttle's, which `max_throttle_wait` bounds (then `Error::Throttled`).
                Some(wait) if paused && self.retry.max_retries > 0 => {
                    tracing::debug!(url = %call.url, throttled, ?wait, "connectwise: retrying after a 429");
                    drop(result);
                    drop(permit);
                }
                Some(wait) if attempt < self.retry.max_retries => {
                    attempt += 1;
                    let why = match &result {
                        Ok(r) => format!("HTTP {}", r.status().as_u16()),
                        Err(e) => e.to_string(),
                    };
                    tracing::debug!(url = %call.url, attempt, ?wait, %why, "connectwise: retrying");
                    drop(result);
                    drop(permit);
                    tokio::time::sleep(wait).await;
                }
                _ => {
                    let response = result.map_err(|source| Error::Transport {
                        method: method_name,
                        url: call.url.to_owned(),
                        source,
                    })?;
                    if !response.status().is_success() {
                        let status = response.status().as_u16();
                        let body = self.error_body(response, call.url).await;
                        let body = body.and_then(|b| ApiError::from_body(&b));
                        let kind =
                            StatusKind::of(status, body.as_ref().and_then(|b| b.code.as_deref()));
                        return Err(Error::Status {
                            method: method_name,
                            url: call.url.to_owned(),
                            status,
                            kind,
                            body,
                        });
                    }
                    return Ok(Answer {
                        response,
                        place: permit,
                    });
                }
            }
        }
    }

    /// An error response's body, if it is in whole and within
    /// [`max_body_size`](ClientBuilder::max_body_size).
    async fn error_body(&self, response: reqwest::Response, url: &str) -> Option<Vec<u8>> {
        let mut bytes = Vec::new();
        self.read_body(response, "", url, |chunk| {
            bytes.extend_from_slice(chunk);
            Ok(())
        })
        .await
        .ok()?;
        Some(bytes)
    }
}

/// A success response whose body is still to be read, and the exchange's place under the
/// client's concurrency limit ([`ClientBuilder::max_concurrency`]): keep `place` until the
/// body is read, so the limit counts whole exchanges.
pub(crate) struct Answer {
    pub(crate) response: reqwest::Response,
    pub(crate) place: crate::throttle::Permit,
}

/// One HTTP request as [`Client::execute`] sends it, maybe several times.
struct Attempt<'a> {
    method: Method,
    url: &'a str,
    query: &'a [(&'static str, String)],
    body: Option<Body>,
    version: Option<&'a str>,
    forward_only: bool,
    idempotent: bool,
}

/// Decodes a JSON body into `T`, saying where it failed if it does.
fn decode_body<T: DeserializeOwned>(bytes: &[u8], url: &str) -> Result<T, Error> {
    crate::error::decode_json(bytes).map_err(|(path, message)| Error::Decode {
        url: url.to_owned(),
        path,
        message,
    })
}

/// `Retry-After`: delta-seconds or an HTTP date.
pub(crate) fn retry_after(value: Option<&HeaderValue>) -> Option<Duration> {
    let v = value?.to_str().ok()?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(v).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// The URL of `rel="next"` in one `Link` header value: `<https://..>; rel="next", <..>; rel="last"`.
pub(crate) fn next_link(header: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let (url, params) = part.trim().split_once(';')?;
        let url = url.trim().strip_prefix('<')?.strip_suffix('>')?;
        params
            .split(';')
            .any(|p| {
                let p = p.trim().to_ascii_lowercase();
                p == "rel=\"next\"" || p == "rel=next"
            })
            .then(|| url.to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_debug_redacts_the_private_key() {
        let c = Credentials::new("acme", "PUBLIC", "sEcReT-pRiVaTe");
        let shown = format!("{c:?} {c:#?}");
        assert!(!shown.contains("sEcReT-pRiVaTe"), "{shown}");
        assert!(shown.contains("<redacted>"));
        let client = Client::builder("https://example.invalid/v4_6_release/apis/3.0")
            .credentials(c)
            .client_id("id")
            .build()
            .unwrap();
        let shown = format!("{client:?}");
        assert!(!shown.contains("sEcReT"), "{shown}");
    }

    #[test]
    fn basic_auth_is_company_plus_public_colon_private() {
        use base64::Engine;
        let h = Credentials::new("acme", "pub", "priv").header().unwrap();
        assert!(h.is_sensitive());
        let b64 = h.to_str().unwrap().strip_prefix("Basic ").unwrap();
        let raw = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap();
        assert_eq!(raw, b"acme+pub:priv");
    }

    #[test]
    fn retry_after_seconds_and_http_date() {
        assert_eq!(
            retry_after(Some(&HeaderValue::from_static("3"))),
            Some(Duration::from_secs(3))
        );
        let past = HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT");
        assert_eq!(retry_after(Some(&past)), Some(Duration::ZERO));
        let future = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(120));
        let d = retry_after(Some(&HeaderValue::from_str(&future).unwrap())).unwrap();
        assert!(
            d > Duration::from_secs(100) && d <= Duration::from_secs(120),
            "{d:?}"
        );
        assert_eq!(retry_after(Some(&HeaderValue::from_static("soon"))), None);
    }

    #[test]
    fn the_wait_after_a_429_honours_retry_after_then_backs_off_with_a_floor() {
        let p = RetryPolicy {
            max_retries: 2,
            base_delay: Duration::from_millis(400),
            max_delay: Duration::from_secs(2),
        };
        let secs = Duration::from_secs;
        // Within `max_retries`: `Retry-After` as it is (capped), else the backoff.
        assert_eq!(p.after_429(Some(Duration::ZERO), 1), Duration::ZERO);
        assert_eq!(p.after_429(Some(secs(5)), 2), secs(2));
        let d = p.after_429(None, 1);
        assert!(d >= Duration::from_millis(200) && d <= Duration::from_millis(400));
        // Beyond: the backoff at least (the 3rd 429 is the 1st beyond), capped.
        let d = p.after_429(Some(Duration::ZERO), 3);
        assert!(d >= Duration::from_millis(200) && d <= Duration::from_millis(400));
        assert_eq!(p.after_429(Some(secs(9)), 9), secs(2));
        // And never under 100 ms, whatever `max_delay` says.
        let zero = RetryPolicy {
            max_retries: 0,
            base_delay: Duration::ZERO,
            max_delay: Duration::ZERO,
        };
        assert_eq!(zero.after_429(None, 1), Duration::from_millis(100));
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy {
            max_retries: 10,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
        };
        for attempt in 1..=10 {
            let d = p.backoff(attempt);
            let cap =
                (Duration::from_millis(100) * 2u32.pow(attempt - 1)).min(Duration::from_secs(1));
            assert!(d >= cap / 2 && d <= cap, "attempt {attempt}: {d:?}");
        }
    }

    #[test]
    fn link_header_next() {
        let h = r#"<https://x/apis/3.0/service/tickets?pageId=50&pageSize=25>; rel="next", <https://x/first>; rel="first""#;
        assert_eq!(
            next_link(h).as_deref(),
            Some("https://x/apis/3.0/service/tickets?pageId=50&pageSize=25")
        );
        assert_eq!(next_link(r#"<https://x/first>; rel="first""#), None);
    }
}
