//! Errors: [`Error`] for a whole call (transport, HTTP status, undecodable envelope, protocol
//! violations) and [`ItemError`] for one sub-request of a bundle.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::Duration;

/// The error body ConnectWise returns (`{"code","message","errors":[...]}`), also found in a
/// failed bundle sub-result's `error`. Every field is optional: the API is not consistent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ApiError {
    /// `NotFound`, `InvalidObject`, `Unauthorized`, ...
    #[serde(alias = "Code")]
    pub code: Option<String>,
    /// What went wrong, for a human.
    #[serde(alias = "Message")]
    pub message: Option<String>,
    /// Validation errors, one per offending field.
    #[serde(alias = "Errors", deserialize_with = "null_as_empty")]
    pub errors: Vec<ValidationError>,
}

/// One validation error of an [`ApiError`]: `{"code":"NullValue","message":"The summary field
/// is required.","resource":"ticket","field":"summary"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ValidationError {
    /// The kind of violation: `NullValue`, `InvalidValue`, ...
    #[serde(alias = "Code")]
    pub code: Option<String>,
    /// What is wrong with the field, for a human.
    #[serde(alias = "Message")]
    pub message: Option<String>,
    /// The resource the field belongs to (`ticket`).
    #[serde(alias = "Resource")]
    pub resource: Option<String>,
    /// The offending field's JSON name (`summary`).
    #[serde(alias = "Field")]
    pub field: Option<String>,
}

fn null_as_empty<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<ValidationError>, D::Error> {
    Ok(Option::<Vec<ValidationError>>::deserialize(d)?.unwrap_or_default())
}

/// The longest message kept from an error body that is not the API's JSON.
const MAX_TEXT_MESSAGE: usize = 500;

impl ApiError {
    /// Reads an error response's body, whatever it holds: the API's JSON (field names in any
    /// case, values of any JSON type, missing or `null` fields), other JSON, or text (an HTML
    /// page of a proxy, say: kept as the message, cut to 500 characters). `None` for an empty
    /// body.
    pub fn from_body(body: &[u8]) -> Option<ApiError> {
        match serde_json::from_slice::<serde_json::Value>(body) {
            Ok(serde_json::Value::Object(map)) => Some(ApiError::from_object(&map)),
            Ok(serde_json::Value::Null) => None,
            Ok(other) => Some(ApiError {
                message: text(&other),
                ..ApiError::default()
            }),
            Err(_) => {
                let body = String::from_utf8_lossy(body);
                let body = body.trim();
                if body.is_empty() {
                    return None;
                }
                let message = match body.char_indices().nth(MAX_TEXT_MESSAGE) {
                    Some((end, _)) => format!("{}...", &body[..end]),
                    None => body.to_owned(),
                };
                Some(ApiError {
                    message: Some(message),
                    ..ApiError::default()
                })
            }
        }
    }

    fn from_object(map: &serde_json::Map<String, serde_json::Value>) -> ApiError {
        let errors = match get(map, "errors") {
            Some(serde_json::Value::Array(items)) => items
                .iter()
                .map(|item| match item {
                    serde_json::Value::Object(e) => ValidationError {
                        code: get(e, "code").and_then(text),
                        message: get(e, "message").and_then(text),
                        resource: get(e, "resource").and_then(text),
                        field: get(e, "field").and_then(text),
                    },
                    other => ValidationError {
                        message: text(other),
                        ..ValidationError::default()
                    },
                })
                .collect(),
            _ => Vec::new(),
        };
        ApiError {
            code: get(map, "code").and_then(text),
            message: get(map, "message").and_then(text),
            errors,
        }
    }
}

/// `map[name]`, the name in any case.
fn get<'a>(
    map: &'a serde_json::Map<String, serde_json::Value>,
    name: &str,
) -> Option<&'a serde_json::Value> {
    map.get(name).or_else(|| {
        map.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    })
}

/// A JSON value as text: strings as they are, `null` as nothing, the rest as JSON.
fn text(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// What an error status means, from the status code and the API's error code: the cases a
/// writer handles apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StatusKind {
    /// 400 with code `InvalidObject`: the record failed validation; every failure is in
    /// [`Error::validation_errors`] (code, message, field).
    Invalid,
    /// Any other 400: a bad condition, path or value.
    BadRequest,
    /// 401: the credentials or the client id are not accepted.
    Unauthorized,
    /// 403: the API member's security role does not allow this (the commonest write failure).
    Forbidden,
    /// 404: no such record (or path).
    NotFound,
    /// 409: the change conflicts with the record's state (a duplicate, a record in use).
    Conflict,
    /// 429: too many requests (after retries).
    TooManyRequests,
    /// 5xx (after retries, for idempotent requests).
    ServerError,
    /// Any other status.
    Other,
}

impl StatusKind {
    /// The kind of `status`, with the API's error `code` when it sent one.
    pub fn of(status: u16, code: Option<&str>) -> StatusKind {
        match status {
            400 if code.is_some_and(|c| c.eq_ignore_ascii_case("InvalidObject")) => {
                StatusKind::Invalid
            }
            400 => StatusKind::BadRequest,
            401 => StatusKind::Unauthorized,
            403 => StatusKind::Forbidden,
            404 => StatusKind::NotFound,
            409 => StatusKind::Conflict,
            429 => StatusKind::TooManyRequests,
            500..=599 => StatusKind::ServerError,
            _ => StatusKind::Other,
        }
    }
}

impl fmt::Display for StatusKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            StatusKind::Invalid => "the record is invalid",
            StatusKind::BadRequest => "bad request",
            StatusKind::Unauthorized => "not authenticated",
            StatusKind::Forbidden => "forbidden by the API member's security role",
            StatusKind::NotFound => "not found",
            StatusKind::Conflict => "conflict",
            StatusKind::TooManyRequests => "too many requests",
            StatusKind::ServerError => "server error",
            StatusKind::Other => "error",
        })
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.code, &self.message) {
            (Some(c), Some(m)) => write!(f, "{c}: {m}")?,
            (Some(c), None) => write!(f, "{c}")?,
            (None, Some(m)) => write!(f, "{m}")?,
            (None, None) => write!(f, "(no error message)")?,
        }
        for e in &self.errors {
            write!(f, "; ")?;
            if let Some(field) = &e.field {
                write!(f, "{field}: ")?;
            }
            write!(
                f,
                "{}",
                e.message
                    .as_deref()
                    .or(e.code.as_deref())
                    .unwrap_or("invalid")
            )?;
        }
        Ok(())
    }
}

/// What a throttled request waited for, or would have waited for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ThrottleCause {
    /// Its turn under [`ClientBuilder::rate_limit`](crate::ClientBuilder::rate_limit).
    RateLimit,
    /// A free place under [`ClientBuilder::max_concurrency`](crate::ClientBuilder::max_concurrency).
    Concurrency,
    /// The end of the pause that a 429 (`Retry-After`) put on every request of the client.
    Paused,
}

impl fmt::Display for ThrottleCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ThrottleCause::RateLimit => "the rate limit",
            ThrottleCause::Concurrency => "the concurrency limit",
            ThrottleCause::Paused => "the pause after a 429 Too Many Requests",
        })
    }
}

/// Everything that can make a whole call fail.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The client was built with a bad setting (base URL, client id, ...).
    #[error("invalid client configuration: {0}")]
    Config(String),
    /// The request did not get an HTTP response: connection refused, TLS, timeout (after
    /// retries).
    #[error("{method} {url}: {source}")]
    Transport {
        /// The HTTP method (`GET`, `POST`, ...).
        method: &'static str,
        /// The full URL of the request.
        url: String,
        /// The HTTP client's error.
        #[source]
        source: reqwest::Error,
    },
    /// The API answered with an error status (after retries, for 429 and 5xx). `kind` says
    /// what it means ([`StatusKind::Invalid`] for a record that failed validation,
    /// [`StatusKind::Forbidden`] for a security role that forbids the write, ...); `body`
    /// holds the API's code, message and every validation error.
    #[error("{method} {url}: HTTP {status} ({kind}){}", body.as_ref().map(|b| format!(": {b}")).unwrap_or_default())]
    Status {
        /// The HTTP method (`GET`, `POST`, ...).
        method: &'static str,
        /// The full URL of the request.
        url: String,
        /// The HTTP status code.
        status: u16,
        /// What the status means.
        kind: StatusKind,
        /// The API's error body ([`ApiError::from_body`]: its JSON, or the text of a body
        /// that is not; `None` when empty).
        body: Option<ApiError>,
    },
    /// The response body is not what the endpoint returns: where, and why.
    #[error("{url}: cannot decode the response at {path}: {message}")]
    Decode {
        /// The full URL of the request.
        url: String,
        /// JSON path of the failure inside the body: `results[2].statusCode`.
        path: String,
        /// The decoder's error.
        message: String,
    },
    /// The bundle response breaks the protocol: a sequence number twice, or one that was
    /// never sent.
    #[error("bundle protocol error: {0}")]
    Protocol(String),
    /// The request was not sent: waiting for the client's throttle (its rate limit, its
    /// concurrency limit, or the pause after a 429) would have made the call wait longer in
    /// all than [`ClientBuilder::max_throttle_wait`](crate::ClientBuilder::max_throttle_wait)
    /// allows. When the wait is known in advance (a rate slot, a pause) the call fails at
    /// once instead of waiting first. Earlier attempts of the call (before a retry) may have
    /// been sent.
    #[error("{method} {url}: not sent: {}", throttled(*cause, *waited, *would_wait, *limit))]
    Throttled {
        /// The HTTP method (`GET`, `POST`, ...).
        method: &'static str,
        /// The full URL of the request.
        url: String,
        /// What the request was waiting for when the call gave up.
        cause: ThrottleCause,
        /// How long the call had waited for the throttle, all its attempts together.
        waited: Duration,
        /// How long the call would have waited for the throttle in all, when known in
        /// advance (a rate slot or a pause; not a free place under the concurrency limit).
        would_wait: Option<Duration>,
        /// The client's `max_throttle_wait`.
        limit: Duration,
    },
    /// The response body is bigger than the client's
    /// [`max_body_size`](crate::ClientBuilder::max_body_size): reading stopped at the cap
    /// (or at once, when `Content-Length` said so), nothing was decoded. The request itself
    /// was answered with success: a write has been applied.
    #[error("{url}: the response body is larger than the limit of {limit} bytes (ClientBuilder::max_body_size)")]
    BodyTooLarge {
        /// The request's URL.
        url: String,
        /// The cap, in bytes.
        limit: u64,
    },
    /// The request's body could not be encoded as JSON (a model holding a map with
    /// non-string keys, say); nothing was sent.
    #[error("cannot encode the request body: {0}")]
    Encode(String),
}

impl Error {
    /// The HTTP status, for [`Error::Status`].
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Whether the request timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Transport { source, .. } if source.is_timeout())
    }

    /// What the error status means, for [`Error::Status`].
    pub fn kind(&self) -> Option<StatusKind> {
        match self {
            Error::Status { kind, .. } => Some(*kind),
            _ => None,
        }
    }

    /// The API's error body, for [`Error::Status`].
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Status { body, .. } => body.as_ref(),
            _ => None,
        }
    }

    /// The API's message, for [`Error::Status`].
    pub fn message(&self) -> Option<&str> {
        self.api_error().and_then(|b| b.message.as_deref())
    }

    /// Every validation error of a refused write (empty for other errors).
    pub fn validation_errors(&self) -> &[ValidationError] {
        self.api_error().map_or(&[], |b| &b.errors)
    }
}

/// What an [`Error::Throttled`] says after "not sent: ".
fn throttled(
    cause: ThrottleCause,
    waited: Duration,
    would_wait: Option<Duration>,
    limit: Duration,
) -> String {
    match would_wait {
        Some(total) => format!(
            "waiting for {cause} would make the call wait {total:?} for the client's throttle \
             in all, more than max_throttle_wait ({limit:?})"
        ),
        None => format!(
            "the call waited {waited:?} for {cause}, all that max_throttle_wait ({limit:?}) \
             allows"
        ),
    }
}

/// Why one sub-request of a bundle has no value.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("bundle sub-request {sequence_number} ({resource_type}): {kind}")]
pub struct ItemError {
    /// The sub-request's sequence number (1-based, in push order).
    pub sequence_number: u32,
    /// The `resourceType` that was sent.
    pub resource_type: String,
    /// How it failed.
    pub kind: ItemErrorKind,
}

/// The ways a sub-request fails.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ItemErrorKind {
    /// The API reported a failure for this sub-request (`success: false`).
    #[error("HTTP {status_code}: {error}")]
    Api {
        /// The sub-result's `statusCode`.
        status_code: u16,
        /// The sub-result's `error` (empty when it had none).
        error: ApiError,
    },
    /// The API reported success but its entities do not decode into the model type.
    #[error("cannot decode entities at {path}: {message}")]
    Decode {
        /// JSON path of the failure inside the entities.
        path: String,
        /// The decoder's error.
        message: String,
    },
    /// The response has no result with this sequence number.
    #[error("the response has no result for it")]
    Missing,
    /// A get-by-id returned no entity.
    #[error("the result holds no entity")]
    Empty,
    /// Not sent: the API could take this sub-request for another read of the spec, whose
    /// `resourceType` and ids are the same (`member_with_sso` for `member`, one of the
    /// spec's hundred `Usage` lists for another), so its answer could be that read's. Read
    /// it with `client.send` or `client.stream`, which name it by its path.
    #[error(
        "not sent: a bundle names a resource only by its resourceType and ids, and `{with}`'s \
         are the same (read it with client.send or client.stream)"
    )]
    Clash {
        /// The resource (as `bundle!` names it) whose read is the same on the wire.
        with: String,
    },
    /// Taken before: the entities were decoded while the response arrived, handed over by an
    /// earlier `take` of this handle, and their bytes were not kept.
    #[error("already taken (its entities were decoded as the response arrived and are not kept)")]
    Taken,
}

/// One entity of a bundle's list result that does not decode into its model, from
/// [`BundleResults::take_each`](crate::BundleResults::take_each): the other entities of the
/// result are not affected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "bundle sub-request {sequence_number} ({resource_type}): entity [{index}] cannot be decoded at {path}: {message}"
)]
pub struct EntityError {
    /// The sub-request's sequence number (1-based, in push order).
    pub sequence_number: u32,
    /// The `resourceType` that was sent.
    pub resource_type: String,
    /// The entity's position in the result's list (0-based).
    pub index: usize,
    /// Where in the entity the decoding failed, as `serde_path_to_error` writes it
    /// (`severity`, `contact.id`, `customFields[2].value`; `.` for the entity itself).
    pub path: String,
    /// Why: serde's message (`invalid value: string "5.5", expected i32, ...`).
    pub message: String,
}

impl ItemError {
    /// The sub-result's status code, when the API reported one.
    pub fn status_code(&self) -> Option<u16> {
        match &self.kind {
            ItemErrorKind::Api { status_code, .. } => Some(*status_code),
            _ => None,
        }
    }

    /// The API's error code (`NotFound`, ...), when it sent one.
    pub fn code(&self) -> Option<&str> {
        match &self.kind {
            ItemErrorKind::Api { error, .. } => error.code.as_deref(),
            _ => None,
        }
    }

    /// The API's message, when it sent one.
    pub fn message(&self) -> Option<&str> {
        match &self.kind {
            ItemErrorKind::Api { error, .. } => error.message.as_deref(),
            _ => None,
        }
    }

    /// The API's validation errors.
    pub fn validation_errors(&self) -> &[ValidationError] {
        match &self.kind {
            ItemErrorKind::Api { error, .. } => &error.errors,
            _ => &[],
        }
    }
}

/// Decodes `bytes` into `T` at full speed; only when that fails, decodes again with
/// `serde_path_to_error` to say where: `Err((json_path, message))`.
pub(crate) fn decode_json<T: serde::de::DeserializeOwned>(
    bytes: &[u8],
) -> Result<T, (String, String)> {
    serde_json::from_slice(bytes).map_err(|first| {
        let mut de = serde_json::Deserializer::from_slice(bytes);
        match serde_path_to_error::deserialize::<_, T>(&mut de) {
            Err(e) => (e.path().to_string(), e.into_inner().to_string()),
            Ok(_) => (".".into(), first.to_string()),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttled_says_what_it_waited_for_and_the_limit() {
        let known = Error::Throttled {
            method: "GET",
            url: "https://x/apis/3.0/service/tickets".into(),
            cause: ThrottleCause::Paused,
            waited: Duration::from_secs(1),
            would_wait: Some(Duration::from_secs(31)),
            limit: Duration::from_secs(30),
        };
        assert_eq!(
            known.to_string(),
            "GET https://x/apis/3.0/service/tickets: not sent: waiting for the pause after a 429 \
             Too Many Requests would make the call wait 31s for the client's throttle in all, \
             more than max_throttle_wait (30s)"
        );
        let unknown = Error::Throttled {
            method: "POST",
            url: "https://x/apis/3.0/system/bundles".into(),
            cause: ThrottleCause::Concurrency,
            waited: Duration::from_millis(200),
            would_wait: None,
            limit: Duration::from_millis(200),
        };
        assert_eq!(
            unknown.to_string(),
            "POST https://x/apis/3.0/system/bundles: not sent: the call waited 200ms for the \
             concurrency limit, all that max_throttle_wait (200ms) allows"
        );
        assert_eq!(unknown.status(), None);
        assert!(!unknown.is_timeout());
    }
}
