//! [`Callback`] as an axum extractor (cargo feature `axum`): the handler gets a verified
//! callback, or the request is answered 401 (413 for a body over the verifier's
//! [`body_limit`](Verifier::body_limit), refused before it is read whole). The router's state
//! must give a [`Verifier`] (`FromRef`; `Verifier` itself as the state works).
//!
//! ```no_run
//! # async fn f(client: connectwise::Client) {
//! use connectwise::callbacks::{Callback, Verifier};
//! async fn hook(callback: Callback) -> &'static str {
//!     println!("{} {} {}", callback.action, callback.r#type, callback.id);
//!     "ok"
//! }
//! let app: axum::Router = axum::Router::new()
//!     .route("/hook", axum::routing::post(hook))
//!     .with_state(Verifier::new(&client));
//! # }
//! ```

use super::{Callback, CallbackError, Verifier};
use axum::extract::{FromRef, FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// Why the extractor refused a delivery: answered 401 (413 for a body too large), the
/// reason logged at `warn` and not sent back.
#[derive(Debug)]
pub struct CallbackRejection(pub CallbackError);

impl IntoResponse for CallbackRejection {
    fn into_response(self) -> Response {
        tracing::warn!(error = %self.0, "connectwise: callback refused");
        match self.0 {
            CallbackError::TooLarge { .. } => {
                (StatusCode::PAYLOAD_TOO_LARGE, "callback too large").into_response()
            }
            _ => (StatusCode::UNAUTHORIZED, "callback not verified").into_response(),
        }
    }
}

impl<S> FromRequest<S> for Callback
where
    Verifier: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = CallbackRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let verifier = Verifier::from_ref(state);
        let limit = verifier.limit();
        let too_large = || CallbackRejection(CallbackError::TooLarge { limit });
        let declared = request
            .headers()
            .get(axum::http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        if declared.is_some_and(|n| n > limit as u64) {
            return Err(too_large());
        }
        let (parts, body) = request.into_parts();
        // Stops reading as soon as the body passes the limit.
        let bytes = axum::body::to_bytes(body, limit)
            .await
            .map_err(|_| too_large())?;
        verifier
            .verify(&parts.headers, &bytes)
            .await
            .map_err(CallbackRejection)
    }
}
