//! Callbacks (webhooks): ConnectWise POSTs one when a record it watches for an integration is
//! added, updated or deleted. This module decodes them into the models ([`Callback`],
//! [`Callback::entity`], [`Event`]), checks their signature ([`Verifier`]), drops repeated
//! deliveries ([`Dedup`]), and registers them (`Client::ensure_callbacks`, with the `system`
//! module feature, on by default, when the spec has `/system/callbacks`). With the cargo
//! feature `axum`, [`Callback`] is an axum extractor (verified, or 401).
//!
//! A delivery is a JSON body, keys in PascalCase:
//!
//! ```json
//! {"MessageId": "...", "FromUrl": "...", "CompanyId": "acme", "MemberId": "...",
//!  "Action": "updated", "Type": "ticket", "ID": 123, "ProductInstanceId": "...",
//!  "PartnerId": "...", "CallbackObjectRecId": "7", "Entity": "{\"id\":123,...}",
//!  "Metadata": {"key_url": "https://na.myconnectwise.net/v4_6_release/apis/3.0/system/callbackkey/..."}}
//! ```
//!
//! with the header `x-content-signature: base64(HMAC-SHA256(key, raw body))`, where `key` is
//! the SHA-256 digest of the signing key that `Metadata.key_url` answers
//! (`{"signing_key": "..."}`) to the integration's credentials.
//!
//! **Verifying safely.** The key URL comes from the body, so whoever sends a forged callback
//! chooses it. [`Verifier`] fetches it only over https, only from allowed hosts (by default
//! the client's own; more with [`Verifier::allow_host`]), never follows a redirect, sends the
//! client's credentials to no other host, caches keys per URL for a while, and compares
//! signatures in constant time.
//!
//! ```no_run
//! # async fn f(client: &connectwise::Client, headers: &http::HeaderMap, body: &[u8])
//! # -> Result<(), connectwise::callbacks::CallbackError> {
//! use connectwise::callbacks::{Event, Verifier};
//! let verifier = Verifier::new(client);
//! let callback = verifier.verify(headers, body).await?;
//! match callback.event()? {
//!     Event::Ticket(Some(ticket)) => println!("ticket {:?}: {:?}", ticket.id, ticket.summary),
//!     Event::Ticket(None) => println!("ticket {} deleted", callback.id),
//!     other => println!("{} {}", other.kind(), callback.id),
//! }
//! # Ok(()) }
//! ```

use crate::client::Client;
use hmac::{Hmac, Mac};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[cfg(feature = "axum")]
mod extract;
#[cfg(all(feature = "system", connectwise_callback_registration))]
mod register;

#[cfg(feature = "axum")]
pub use extract::CallbackRejection;
#[cfg(all(feature = "system", connectwise_callback_registration))]
pub use register::{CallbackRegistration, EnsureOptions, EnsureReport};

mod generated {
    include!(concat!(env!("OUT_DIR"), "/connectwise/callbacks.rs"));
}
pub use generated::{Event, CALLBACK_TYPES};

/// The header that carries the signature.
pub const SIGNATURE_HEADER: &str = "x-content-signature";

/// What a delivery or its check can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CallbackError {
    /// No `x-content-signature` header.
    #[error("the callback has no x-content-signature header")]
    MissingSignature,
    /// The header is not base64 of a 32-byte HMAC-SHA256.
    #[error("the x-content-signature header is not base64 of an HMAC-SHA256")]
    MalformedSignature,
    /// The signature does not match the body with the key of its key URL.
    #[error("the callback's signature does not match its body")]
    BadSignature,
    /// The body is not a callback.
    #[error("the body is not a callback: {0}")]
    Payload(String),
    /// The body has no `Metadata.key_url`.
    #[error("the callback has no Metadata.key_url")]
    MissingKeyUrl,
    /// `Metadata.key_url` is not a usable URL.
    #[error("the key URL {url:?} is not usable: {reason}")]
    InvalidKeyUrl {
        /// The key URL, as the body gives it.
        url: String,
        /// Why it cannot be used (no host, not a URL, ...).
        reason: &'static str,
    },
    /// The key URL is not https (and not an allowed loopback address with
    /// [`Verifier::allow_insecure_loopback`]).
    #[error("the key URL {url:?} is not https")]
    InsecureKeyUrl {
        /// The key URL, as the body gives it.
        url: String,
    },
    /// The key URL's host is not allowed: nothing was fetched.
    #[error("the key URL {url:?} is on host {host:?}, which is not allowed")]
    HostNotAllowed {
        /// The key URL, as the body gives it.
        url: String,
        /// Its host, which is not on the verifier's list.
        host: String,
    },
    /// The key URL answered with a redirect, which is never followed.
    #[error("the key URL {url:?} answered with a redirect ({status}), which is not followed")]
    KeyRedirect {
        /// The key URL, as the body gives it.
        url: String,
        /// The redirect's HTTP status (3xx).
        status: u16,
    },
    /// The key could not be fetched: no answer, or an error status.
    #[error("cannot fetch the signing key from {url:?}: {message}")]
    KeyFetch {
        /// The key URL.
        url: String,
        /// The HTTP status, when the URL answered with an error status.
        status: Option<u16>,
        /// What went wrong (the transport error or the status).
        message: String,
    },
    /// The key URL answered something other than `{"signing_key": "..."}`.
    #[error("the key URL {url:?} did not answer a signing key: {message}")]
    KeyBody {
        /// The key URL.
        url: String,
        /// Why the answer is not a signing key.
        message: String,
    },
    /// The record (`Entity`) does not decode into the model asked for.
    #[error("the callback's {kind} record does not decode: {message}")]
    Entity {
        /// The callback's `Type` (`ticket`, ...).
        kind: String,
        /// The JSON decoder's error.
        message: String,
    },
    /// The body is larger than the limit (the axum extractor).
    #[error("the callback body is larger than {limit} bytes")]
    TooLarge {
        /// The extractor's body size limit, in bytes.
        limit: usize,
    },
}

/// What happened to the record.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Action {
    /// `added`: the record was created.
    Added,
    /// `updated`: the record was changed.
    Updated,
    /// `deleted`: the record was deleted (`Entity` is null).
    Deleted,
    /// Any other value, as sent.
    Unknown(String),
}

impl Action {
    /// As the API spells it: `added`, `updated`, `deleted`.
    pub fn as_str(&self) -> &str {
        match self {
            Action::Added => "added",
            Action::Updated => "updated",
            Action::Deleted => "deleted",
            Action::Unknown(s) => s,
        }
    }
}

impl From<&str> for Action {
    fn from(s: &str) -> Self {
        match s.to_ascii_lowercase().as_str() {
            "added" => Action::Added,
            "updated" => Action::Updated,
            "deleted" => Action::Deleted,
            _ => Action::Unknown(s.to_owned()),
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Action {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Action {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Ok(Action::from(s.as_str()))
    }
}

/// `Metadata` of a callback.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    /// Where the signing key is (`{"signing_key": "..."}`), fetched with the integration's
    /// credentials.
    #[serde(default)]
    pub key_url: Option<String>,
}

/// One callback, as ConnectWise sends it. Every field but `Action`, `Type` and `ID` may be
/// null or absent; ids other than `ID` are strings (numbers are accepted and kept as text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Callback {
    /// Unique per message; a repeated delivery repeats it (see [`Dedup`]).
    #[serde(rename = "MessageId", default, deserialize_with = "text")]
    pub message_id: Option<String>,
    /// The ConnectWise site that sent it, as it names itself.
    #[serde(rename = "FromUrl", default, deserialize_with = "text")]
    pub from_url: Option<String>,
    /// The ConnectWise company id (the login's company).
    #[serde(rename = "CompanyId", default, deserialize_with = "text")]
    pub company_id: Option<String>,
    /// The ConnectWise member id sent with it (typically the member who made the change).
    #[serde(rename = "MemberId", default, deserialize_with = "text")]
    pub member_id: Option<String>,
    /// What happened to the record.
    #[serde(rename = "Action")]
    pub action: Action,
    /// The record's kind, lower case as sent: `ticket`, `company`, ... (see [`Event`]).
    #[serde(rename = "Type")]
    pub r#type: String,
    /// The record's id.
    #[serde(rename = "ID", deserialize_with = "integer")]
    pub id: i64,
    /// The id of the integration's product instance, when it has one.
    #[serde(rename = "ProductInstanceId", default, deserialize_with = "text")]
    pub product_instance_id: Option<String>,
    /// The id of the integration partner, when it has one.
    #[serde(rename = "PartnerId", default, deserialize_with = "text")]
    pub partner_id: Option<String>,
    /// The id of the `/system/callbacks` entry that sent it.
    #[serde(rename = "CallbackObjectRecId", default, deserialize_with = "text")]
    pub callback_object_rec_id: Option<String>,
    /// The record as JSON text; null on delete.
    #[serde(rename = "Entity", default, deserialize_with = "text")]
    pub entity: Option<String>,
    /// Where to fetch the signing key from.
    #[serde(rename = "Metadata", default)]
    pub metadata: Option<Metadata>,
}

/// A string, or a number kept as its text, or null.
fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Text {
        S(String),
        I(i64),
        U(u64),
        F(f64),
    }
    Ok(Option::<Text>::deserialize(deserializer)?.map(|t| match t {
        Text::S(s) => s,
        Text::I(i) => i.to_string(),
        Text::U(u) => u.to_string(),
        Text::F(f) => f.to_string(),
    }))
}

/// An integer, or a string holding one.
fn integer<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Int {
        I(i64),
        S(String),
    }
    match Int::deserialize(deserializer)? {
        Int::I(i) => Ok(i),
        Int::S(s) => s
            .trim()
            .parse()
            .map_err(|_| serde::de::Error::custom(format!("ID {s:?} is not an integer"))),
    }
}

impl Callback {
    /// Decodes a body without checking its signature (use [`Verifier::verify`] for
    /// deliveries).
    pub fn from_slice(body: &[u8]) -> Result<Callback, CallbackError> {
        serde_json::from_slice(body).map_err(|e| CallbackError::Payload(e.to_string()))
    }

    /// The record decoded into its model (`callback.entity::<Ticket>()`): `None` when it was
    /// deleted (or the body carries no record).
    pub fn entity<T: DeserializeOwned>(&self) -> Result<Option<T>, CallbackError> {
        match self.record() {
            None => Ok(None),
            Some(text) => {
                let de = &mut serde_json::Deserializer::from_str(text);
                serde_path_to_error::deserialize(de)
                    .map(Some)
                    .map_err(|e| CallbackError::Entity {
                        kind: self.r#type.clone(),
                        message: e.to_string(),
                    })
            }
        }
    }

    /// The record decoded into the model of its `Type`, for a `match`: [`Event`].
    pub fn event(&self) -> Result<Event, CallbackError> {
        Event::decode(&self.r#type, self.record()).map_err(|e| CallbackError::Entity {
            kind: self.r#type.clone(),
            message: e.to_string(),
        })
    }

    /// `Entity`, unless the record was deleted or it is null or blank.
    fn record(&self) -> Option<&str> {
        if self.action == Action::Deleted {
            return None;
        }
        self.entity.as_deref().filter(|e| !e.trim().is_empty())
    }

    /// `Metadata.key_url`.
    pub fn key_url(&self) -> Option<&str> {
        self.metadata.as_ref()?.key_url.as_deref()
    }
}

/// The `x-content-signature` value for `body`: base64 of HMAC-SHA256 keyed with the SHA-256
/// digest of `signing_key`, as ConnectWise signs. For fake servers and tests; [`Verifier`]
/// checks signatures.
pub fn sign(signing_key: &str, body: &[u8]) -> String {
    use base64::Engine;
    let mut mac = mac(&key_digest(signing_key));
    mac.update(body);
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

fn key_digest(signing_key: &str) -> [u8; 32] {
    Sha256::digest(signing_key.as_bytes()).into()
}

fn mac(key: &[u8; 32]) -> Hmac<Sha256> {
    // HMAC pads a key shorter than the hash's 64-byte block with zeros (RFC 2104); padding it
    // here gives the fixed-size key `KeyInit::new` takes, with nothing that can fail.
    let mut block = [0u8; 64];
    block[..32].copy_from_slice(key);
    <Hmac<Sha256> as hmac::digest::KeyInit>::new(&block.into())
}

/// Whether `signature` (raw bytes) is right for `body` under `key`, in constant time.
fn signature_matches(key: &[u8; 32], body: &[u8], signature: &[u8]) -> bool {
    let mut mac = mac(key);
    mac.update(body);
    mac.verify_slice(signature).is_ok()
}

/// Checks deliveries: the signature, against a key fetched only from allowed places. Cheap
/// to clone (clones share the key cache).
#[derive(Clone)]
pub struct Verifier {
    inner: Arc<Inner>,
}

struct Inner {
    http: Result<reqwest::Client, String>,
    headers: http::HeaderMap,
    hosts: HashSet<String>,
    insecure_loopback: bool,
    ttl: Duration,
    refetch_after: Duration,
    body_limit: usize,
    cache: Mutex<HashMap<String, (Instant, [u8; 32])>>,
}

impl Clone for Inner {
    fn clone(&self) -> Self {
        Inner {
            http: self.http.clone(),
            headers: self.headers.clone(),
            hosts: self.hosts.clone(),
            insecure_loopback: self.insecure_loopback,
            ttl: self.ttl,
            refetch_after: self.refetch_after,
            body_limit: self.body_limit,
            cache: Mutex::new(HashMap::new()),
        }
    }
}

/// Keys kept at most (per verifier); the oldest goes first.
const CACHE_CAPACITY: usize = 64;

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut hosts: Vec<_> = self.inner.hosts.iter().collect();
        hosts.sort();
        f.debug_struct("Verifier")
            .field("hosts", &hosts)
            .field("insecure_loopback", &self.inner.insecure_loopback)
            .field("ttl", &self.inner.ttl)
            .field("refetch_after", &self.inner.refetch_after)
            .field("body_limit", &self.inner.body_limit)
            .finish_non_exhaustive()
    }
}

impl Verifier {
    /// A verifier that fetches keys with `client`'s credentials, from `client`'s host only,
    /// over https, caching each key for an hour.
    pub fn new(client: &Client) -> Verifier {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(15))
            .connect_timeout(Duration::from_secs(10))
            .user_agent(concat!("connectwise-rs/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| e.to_string());
        let mut hosts = HashSet::new();
        if let Some(host) = reqwest::Url::parse(client.base_url())
            .ok()
            .and_then(|u| u.host_str().map(normalize_host))
        {
            hosts.insert(host);
        }
        Verifier {
            inner: Arc::new(Inner {
                http,
                headers: client.default_headers().clone(),
                hosts,
                insecure_loopback: false,
                ttl: Duration::from_secs(3600),
                refetch_after: Duration::from_secs(60),
                body_limit: 1 << 20,
                cache: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// The settings, for a builder method: shared ones are copied first (with an empty key
    /// cache), so clones made before keep theirs.
    fn inner_mut(&mut self) -> &mut Inner {
        Arc::make_mut(&mut self.inner)
    }

    /// Also fetch keys from `host` (any port and path on it): a name (`eu.myconnectwise.net`)
    /// or an IP address. The client's credentials are sent to it.
    pub fn allow_host(mut self, host: impl AsRef<str>) -> Self {
        let host = normalize_host(host.as_ref());
        self.inner_mut().hosts.insert(host);
        self
    }

    /// For tests: allow `http://` key URLs whose host is a loopback address (`127.0.0.1`,
    /// `::1`). The host must still be allowed; every other URL still needs https.
    pub fn allow_insecure_loopback(mut self, allow: bool) -> Self {
        self.inner_mut().insecure_loopback = allow;
        self
    }

    /// How long a fetched key is used before it is fetched again (default one hour); see
    /// also [`key_refetch_after`](Self::key_refetch_after).
    pub fn key_ttl(mut self, ttl: Duration) -> Self {
        self.inner_mut().ttl = ttl;
        self
    }

    /// A signature that does not match a cached key fetched at least this long ago (default
    /// one minute) fetches the key once more, in case it rotated. Never sooner, so that
    /// forged deliveries cannot make the verifier fetch keys in a loop.
    pub fn key_refetch_after(mut self, after: Duration) -> Self {
        self.inner_mut().refetch_after = after;
        self
    }

    /// Bodies larger than this are refused by the axum extractor before they are read whole
    /// (default 1 MiB).
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.inner_mut().body_limit = bytes;
        self
    }

    /// The body limit of the axum extractor.
    pub fn limit(&self) -> usize {
        self.inner.body_limit
    }

    /// Checks a delivery (its headers and raw body) and decodes it: the signature must be
    /// base64 HMAC-SHA256 of `body` with the key its `Metadata.key_url` answers, which is
    /// fetched only if that URL is allowed.
    pub async fn verify(
        &self,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> Result<Callback, CallbackError> {
        use base64::Engine;
        let header = headers
            .get(SIGNATURE_HEADER)
            .ok_or(CallbackError::MissingSignature)?;
        let signature = header
            .to_str()
            .ok()
            .and_then(|v| {
                base64::engine::general_purpose::STANDARD
                    .decode(v.trim())
                    .ok()
            })
            .filter(|s| s.len() == 32)
            .ok_or(CallbackError::MalformedSignature)?;
        let callback = Callback::from_slice(body)?;
        let key_url = callback.key_url().ok_or(CallbackError::MissingKeyUrl)?;
        let url = self.check_url(key_url)?;
        let (key, cached_at) = self.key(&url).await?;
        if signature_matches(&key, body, &signature) {
            return Ok(callback);
        }
        if cached_at.is_some_and(|at| at.elapsed() >= self.inner.refetch_after) {
            // The key may have rotated since it was cached. Not sooner than `refetch_after`,
            // so that forged deliveries cannot make us fetch keys in a loop.
            self.forget(url.as_str());
            let (key, _) = self.key(&url).await?;
            if signature_matches(&key, body, &signature) {
                return Ok(callback);
            }
        }
        Err(CallbackError::BadSignature)
    }

    /// The key URL, if it may be fetched.
    fn check_url(&self, raw: &str) -> Result<reqwest::Url, CallbackError> {
        let invalid = |reason| CallbackError::InvalidKeyUrl {
            url: raw.to_owned(),
            reason,
        };
        let url = reqwest::Url::parse(raw).map_err(|_| invalid("not an absolute URL"))?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid("it carries a user name or password"));
        }
        let host = url
            .host_str()
            .map(normalize_host)
            .ok_or_else(|| invalid("it has no host"))?;
        if !matches!(url.scheme(), "https" | "http") {
            return Err(invalid("not an http(s) URL"));
        }
        if !self.inner.hosts.contains(&host) {
            return Err(CallbackError::HostNotAllowed {
                url: raw.to_owned(),
                host,
            });
        }
        if url.scheme() != "https" && !(self.inner.insecure_loopback && is_loopback(&host)) {
            return Err(CallbackError::InsecureKeyUrl {
                url: raw.to_owned(),
            });
        }
        Ok(url)
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Instant, [u8; 32])>> {
        self.inner
            .cache
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    fn forget(&self, url: &str) {
        self.cache().remove(url);
    }

    /// The key digest for `url` and, if it came from the cache, when it was fetched.
    async fn key(&self, url: &reqwest::Url) -> Result<([u8; 32], Option<Instant>), CallbackError> {
        if let Some((at, key)) = self.cache().get(url.as_str()) {
            if at.elapsed() < self.inner.ttl {
                return Ok((*key, Some(*at)));
            }
        }
        let key = self.fetch(url).await?;
        let mut cache = self.cache();
        if cache.len() >= CACHE_CAPACITY && !cache.contains_key(url.as_str()) {
            if let Some(oldest) = cache
                .iter()
                .min_by_key(|(_, (at, _))| *at)
                .map(|(u, _)| u.clone())
            {
                cache.remove(&oldest);
            }
        }
        cache.insert(url.as_str().to_owned(), (Instant::now(), key));
        Ok((key, None))
    }

    async fn fetch(&self, url: &reqwest::Url) -> Result<[u8; 32], CallbackError> {
        let shown = url.as_str().to_owned();
        let fetch_error = |status: Option<u16>, message: String| CallbackError::KeyFetch {
            url: shown.clone(),
            status,
            message,
        };
        let http = self
            .inner
            .http
            .as_ref()
            .map_err(|e| fetch_error(None, e.clone()))?;
        let response = http
            .get(url.clone())
            .headers(self.inner.headers.clone())
            .send()
            .await
            .map_err(|e| fetch_error(None, e.to_string()))?;
        let status = response.status();
        if status.is_redirection() {
            return Err(CallbackError::KeyRedirect {
                url: shown,
                status: status.as_u16(),
            });
        }
        if !status.is_success() {
            return Err(fetch_error(
                Some(status.as_u16()),
                format!("HTTP {}", status.as_u16()),
            ));
        }
        let bytes = response
            .bytes()
            .await
            .map_err(|e| fetch_error(Some(status.as_u16()), e.to_string()))?;
        #[derive(Deserialize)]
        struct Key {
            signing_key: String,
        }
        let key: Key = serde_json::from_slice(&bytes).map_err(|e| CallbackError::KeyBody {
            url: shown.clone(),
            message: e.to_string(),
        })?;
        Ok(key_digest(&key.signing_key))
    }
}

/// Lower case, without the brackets of an IPv6 literal, without a trailing dot.
fn normalize_host(host: &str) -> String {
    host.trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim_end_matches('.')
        .to_ascii_lowercase()
}

fn is_loopback(host: &str) -> bool {
    host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Drops repeated deliveries: remembers the last `capacity` `MessageId`s it saw.
#[derive(Debug, Clone)]
pub struct Dedup {
    capacity: usize,
    seen: HashSet<String>,
    order: VecDeque<String>,
}

impl Default for Dedup {
    /// Remembers 10 000 ids.
    fn default() -> Self {
        Dedup::new(10_000)
    }
}

impl Dedup {
    /// Remembers at most `capacity` ids (at least one); the oldest is forgotten first.
    pub fn new(capacity: usize) -> Dedup {
        let capacity = capacity.max(1);
        Dedup {
            capacity,
            seen: HashSet::with_capacity(capacity.min(1024)),
            order: VecDeque::with_capacity(capacity.min(1024)),
        }
    }

    /// True the first time a `MessageId` is seen (and for a callback without one, which
    /// cannot be told apart); false for a repeat still remembered.
    pub fn first_time(&mut self, callback: &Callback) -> bool {
        match &callback.message_id {
            Some(id) => self.first_id(id),
            None => true,
        }
    }

    /// True the first time `message_id` is seen.
    pub fn first_id(&mut self, message_id: &str) -> bool {
        if self.seen.contains(message_id) {
            return false;
        }
        if self.order.len() >= self.capacity {
            if let Some(old) = self.order.pop_front() {
                self.seen.remove(&old);
            }
        }
        self.seen.insert(message_id.to_owned());
        self.order.push_back(message_id.to_owned());
        true
    }

    /// How many ids it remembers now.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether it remembers none.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_matches_an_independent_hmac() {
        // python3: base64(hmac.new(sha256(b"key").digest(), b"body", sha256).digest())
        assert_eq!(
            sign("key", b"body"),
            "JzcEO5uogD/D8sPMoiq3vPcw3o3XmFmLXtYFPdEcnFg="
        );
    }

    #[test]
    fn payload_fields_and_lenient_ids() {
        let c: Callback = serde_json::from_str(
            r#"{"MessageId":"m1","CompanyId":7,"Action":"Updated","Type":"ticket","ID":"42",
                "Entity":"{\"id\":42}","Metadata":{"key_url":"https://x/k"},"Extra":1}"#,
        )
        .unwrap();
        assert_eq!(c.company_id.as_deref(), Some("7"));
        assert_eq!(c.action, Action::Updated);
        assert_eq!(c.id, 42);
        assert_eq!(c.key_url(), Some("https://x/k"));
        let c: Callback =
            serde_json::from_str(r#"{"Action":"merged","Type":"company","ID":1}"#).unwrap();
        assert_eq!(c.action, Action::Unknown("merged".into()));
        assert_eq!(c.entity::<serde_json::Value>().unwrap(), None);
        assert!(serde_json::from_str::<Callback>(r#"{"Type":"ticket","ID":1}"#).is_err());
        assert!(
            serde_json::from_str::<Callback>(r#"{"Action":"added","Type":"x","ID":"a"}"#).is_err()
        );
    }

    #[test]
    fn deleted_records_decode_to_none() {
        let c: Callback = serde_json::from_str(
            r#"{"Action":"deleted","Type":"ticket","ID":5,"Entity":"{\"id\":5}"}"#,
        )
        .unwrap();
        assert_eq!(c.entity::<serde_json::Value>().unwrap(), None);
        assert!(!c.event().unwrap().has_record());
    }

    #[test]
    fn dedup_is_bounded() {
        let mut d = Dedup::new(2);
        assert!(d.first_id("a"));
        assert!(!d.first_id("a"));
        assert!(d.first_id("b"));
        assert!(d.first_id("c"));
        assert_eq!(d.len(), 2);
        // `a` was forgotten.
        assert!(d.first_id("a"));
        assert!(!d.first_id("c"));
    }

    #[test]
    fn the_default_host_is_the_clients_and_clones_keep_their_settings() {
        let client = Client::builder("https://NA.myconnectwise.net/v4_6_release/apis/3.0")
            .credentials(crate::Credentials::new("acme", "pub", "priv"))
            .client_id("id")
            .build()
            .unwrap();
        let a = Verifier::new(&client);
        let b = a.clone().allow_host("eu.myconnectwise.net").body_limit(10);
        assert_eq!(a.inner.hosts.len(), 1);
        assert!(a.inner.hosts.contains("na.myconnectwise.net"));
        assert_eq!(b.inner.hosts.len(), 2);
        assert_eq!((a.limit(), b.limit()), (1 << 20, 10));
        assert!(a
            .check_url("https://na.myconnectwise.net:8443/x/callbackkey/1")
            .is_ok());
        assert!(matches!(
            a.check_url("https://eu.myconnectwise.net/k"),
            Err(CallbackError::HostNotAllowed { .. })
        ));
        assert!(b.check_url("https://eu.myconnectwise.net/k").is_ok());
        // Credentials go with the key request, marked sensitive.
        let auth = a.inner.headers.get(http::header::AUTHORIZATION).unwrap();
        assert!(auth.is_sensitive());
        assert!(!format!("{a:?}").contains("priv"));
    }

    #[test]
    fn hosts_are_normalized() {
        assert_eq!(normalize_host("[::1]"), "::1");
        assert_eq!(
            normalize_host("NA.MyConnectWise.net."),
            "na.myconnectwise.net"
        );
        assert!(is_loopback("127.0.0.1") && is_loopback("::1") && !is_loopback("localhost"));
    }
}
