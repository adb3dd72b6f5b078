//! Errors: [`Error`] for a whole call (transport, HTTP status, undecodable envelope, protocol
//! violations) and [`ItemError`] for one sub-request of a bundle.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The error body ConnectWise returns (`{"code","message","errors":[...]}`), also found in a
/// failed bundle sub-result's `error`. Every field is optional: the API is not consistent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ApiError {
    /// `NotFound`, `InvalidObject`, `Unauthorized`, ...
    pub code: Option<String>,
    pub message: Option<String>,
    /// Validation errors, one per offending field.
    pub errors: Vec<ValidationError>,
}

/// One validation error of an [`ApiError`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ValidationError {
    pub code: Option<String>,
    pub message: Option<String>,
    pub resource: Option<String>,
    pub field: Option<String>,
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
        method: &'static str,
        url: String,
        #[source]
        source: reqwest::Error,
    },
    /// The API answered with an error status (after retries, for 429 and 5xx).
    #[error("{method} {url}: HTTP {status}{}", body.as_ref().map(|b| format!(": {b}")).unwrap_or_default())]
    Status {
        method: &'static str,
        url: String,
        status: u16,
        /// The API's error body, when it sent one that decodes.
        body: Option<ApiError>,
    },
    /// The response body is not what the endpoint returns: where, and why.
    #[error("{url}: cannot decode the response at {path}: {message}")]
    Decode {
        url: String,
        /// JSON path of the failure inside the body: `results[2].statusCode`.
        path: String,
        message: String,
    },
    /// The bundle response breaks the protocol: a sequence number twice, or one that was
    /// never sent.
    #[error("bundle protocol error: {0}")]
    Protocol(String),
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
}

/// Why one sub-request of a bundle has no value.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("bundle sub-request {sequence_number} ({resource_type}): {kind}")]
pub struct ItemError {
    /// The sub-request's sequence number (1-based, in push order).
    pub sequence_number: u32,
    /// The `resourceType` that was sent.
    pub resource_type: String,
    pub kind: ItemErrorKind,
}

/// The ways a sub-request fails.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ItemErrorKind {
    /// The API reported a failure for this sub-request (`success: false`).
    #[error("HTTP {status_code}: {error}")]
    Api { status_code: u16, error: ApiError },
    /// The API reported success but its entities do not decode into the model type.
    #[error("cannot decode entities at {path}: {message}")]
    Decode { path: String, message: String },
    /// The response has no result with this sequence number.
    #[error("the response has no result for it")]
    Missing,
    /// A get-by-id returned no entity.
    #[error("the result holds no entity")]
    Empty,
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
