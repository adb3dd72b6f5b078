//! Callbacks, as ConnectWise sends them: after every write (create, replace, patch, delete)
//! to a resource whose model is a callback type (the runtime's
//! `connectwise::callbacks::CALLBACK_TYPES`: `ticket` -> `Ticket`), the server POSTs a signed
//! payload to the url of each active `/system/callbacks` entry of that type whose level and
//! object take the record, if that url is on loopback (`127.0.0.1`, `::1`, `localhost`; other
//! urls are never called). It serves the signing key at the payload's
//! `Metadata.key_url`, `GET /system/callbackkey/<id>` below the API root, to authenticated
//! requests: `{"signing_key": "..."}`.
//!
//! Levels: `owner` (or any level) with object id 0 takes every record; `owner` with an id,
//! the record with that id; another level with an id, the records whose field of that name
//! refers to that id (`board` 3: `board/id = 3`). A deleted record is matched by its id only.
//!
//! Deliveries go out one at a time, in write order, from a task of the server; each is
//! recorded ([`MockServer::deliveries`]). Faults ([`CallbackFaults`]): a delay before each
//! delivery, dropping the next deliveries, sending the next ones twice (same `MessageId`).
//!
//! ```no_run
//! # async fn f(server: &connectwise_mock::MockServer) {
//! use std::time::Duration;
//! server.callback_faults().delay(Duration::from_millis(20)).duplicate_next(1).drop_next(0);
//! let key = server.callback_signing_key();
//! # }
//! ```

use crate::server::{Incoming, Reply, Shared, BASE_PATH};
use crate::MockServer;
use connectwise::callbacks::{Action, Callback, Metadata, CALLBACK_TYPES, SIGNATURE_HEADER};
use connectwise::registry::{OperationInfo, OperationKind, Resource, Segment};
use serde_json::{json, Value};
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

/// The callback side of one server; cheap to clone.
#[derive(Debug, Clone)]
pub(crate) struct Callbacks {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    signing_key: Mutex<String>,
    key_id: String,
    /// Distinguishes this server's message ids from another's.
    prefix: String,
    sequence: AtomicU64,
    faults: CallbackFaults,
    log: Mutex<Vec<Delivery>>,
    queue: OnceLock<tokio::sync::mpsc::UnboundedSender<Outgoing>>,
    http: OnceLock<Option<reqwest::Client>>,
}

/// One payload to send.
#[derive(Debug)]
struct Outgoing {
    url: String,
    body: Vec<u8>,
    signature: String,
    message_id: String,
}

/// One delivery the server made (or dropped), in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The callback entry's url.
    pub url: String,
    /// The payload as sent.
    pub body: Vec<u8>,
    /// The `x-content-signature` header sent.
    pub signature: String,
    /// The payload's `MessageId` (repeated when a delivery is repeated).
    pub message_id: String,
    /// What came of it.
    pub outcome: DeliveryOutcome,
}

/// What came of a [`Delivery`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryOutcome {
    /// The receiver answered with this status.
    Answered(u16),
    /// No answer (refused, timed out): the error.
    Failed(String),
    /// Dropped by the fault: not sent.
    Dropped,
}

/// Delivery faults of a running server, changeable while it runs; cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct CallbackFaults {
    inner: Arc<Mutex<FaultState>>,
}

#[derive(Debug, Default)]
struct FaultState {
    delay: Duration,
    drop: u32,
    duplicate: u32,
}

impl CallbackFaults {
    fn state(&self) -> MutexGuard<'_, FaultState> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Every delivery waits this long before it is sent (`Duration::ZERO`: none).
    pub fn delay(&self, delay: Duration) -> &Self {
        self.state().delay = delay;
        self
    }

    /// The next `n` deliveries are not sent (recorded as [`DeliveryOutcome::Dropped`]).
    pub fn drop_next(&self, n: u32) -> &Self {
        self.state().drop = n;
        self
    }

    /// The next `n` deliveries are sent twice, with the same `MessageId` and body.
    pub fn duplicate_next(&self, n: u32) -> &Self {
        self.state().duplicate = n;
        self
    }

    /// (delay, drop this one, send it twice), using up one-shot faults.
    fn plan(&self) -> (Duration, bool, bool) {
        let mut s = self.state();
        let drop = s.drop > 0;
        if drop {
            s.drop -= 1;
            return (s.delay, true, false);
        }
        let twice = s.duplicate > 0;
        if twice {
            s.duplicate -= 1;
        }
        (s.delay, false, twice)
    }
}

impl Callbacks {
    /// The callback side of a server started with `seed` on `port`.
    pub fn new(seed: u64, port: u16) -> Callbacks {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        Callbacks {
            inner: Arc::new(Inner {
                signing_key: Mutex::new(format!(
                    "mock-signing-key-{seed:x}-{port}-{:x}",
                    nanos & 0xffff_ffff
                )),
                key_id: format!("{:x}", (nanos >> 8) & 0xff_ffff),
                prefix: format!("{port:04x}{:08x}", nanos & 0xffff_ffff),
                sequence: AtomicU64::new(0),
                faults: CallbackFaults::default(),
                log: Mutex::new(Vec::new()),
                queue: OnceLock::new(),
                http: OnceLock::new(),
            }),
        }
    }

    fn key_path(&self) -> String {
        format!("/system/callbackkey/{}", self.inner.key_id)
    }

    /// The current signing key.
    fn signing_key(&self) -> String {
        self.inner
            .signing_key
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn log(&self) -> MutexGuard<'_, Vec<Delivery>> {
        self.inner.log.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn record(&self, out: &Outgoing, outcome: DeliveryOutcome) {
        self.log().push(Delivery {
            url: out.url.clone(),
            body: out.body.clone(),
            signature: out.signature.clone(),
            message_id: out.message_id.clone(),
            outcome,
        });
    }

    /// Queues `out` for the delivery task (started on first use, on the server's runtime).
    fn enqueue(&self, out: Outgoing) {
        let sender = self.inner.queue.get_or_init(|| {
            let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
            if tokio::runtime::Handle::try_current().is_ok() {
                tokio::spawn(deliver_all(self.clone(), rx));
            }
            tx
        });
        if let Err(e) = sender.send(out) {
            let out = e.0;
            self.record(&out, DeliveryOutcome::Failed("no delivery task".into()));
        }
    }

    async fn send(&self, out: &Outgoing) -> DeliveryOutcome {
        let http = self.inner.http.get_or_init(|| {
            reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(5))
                .build()
                .ok()
        });
        let Some(http) = http else {
            return DeliveryOutcome::Failed("no HTTP client".into());
        };
        let sent = http
            .post(&out.url)
            .header("content-type", "application/json")
            .header(SIGNATURE_HEADER, &out.signature)
            .body(out.body.clone())
            .send()
            .await;
        match sent {
            Ok(r) => DeliveryOutcome::Answered(r.status().as_u16()),
            Err(e) => DeliveryOutcome::Failed(e.to_string()),
        }
    }
}

async fn deliver_all(callbacks: Callbacks, mut rx: tokio::sync::mpsc::UnboundedReceiver<Outgoing>) {
    while let Some(out) = rx.recv().await {
        let (delay, drop, twice) = callbacks.inner.faults.plan();
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        if drop {
            callbacks.record(&out, DeliveryOutcome::Dropped);
            continue;
        }
        for _ in 0..if twice { 2 } else { 1 } {
            let outcome = callbacks.send(&out).await;
            callbacks.record(&out, outcome);
        }
    }
}

/// `GET /system/callbackkey/<id>` (authenticated before this is called): the signing key,
/// 404 for another id. `None` for any other path.
pub(crate) fn key(
    s: &Shared,
    method: &axum::http::Method,
    request: &Incoming<'_>,
) -> Option<Reply> {
    let path = request.path.trim_end_matches('/');
    let rest = path
        .get(.."/system/callbackkey".len())
        .filter(|p| p.eq_ignore_ascii_case("/system/callbackkey"))
        .map(|_| &path["/system/callbackkey".len()..])?;
    let failure = |status, code, message: &str| {
        Reply::failure(&crate::query::Failure::new(status, code, message))
    };
    if *method != axum::http::Method::GET {
        return Some(failure(
            405,
            "MethodNotAllowed",
            "the signing key is read with GET",
        ));
    }
    if rest.eq_ignore_ascii_case(&format!("/{}", s.callbacks.inner.key_id)) {
        Some(Reply::json(
            200,
            &json!({ "signing_key": s.callbacks.signing_key() }),
        ))
    } else {
        Some(failure(404, "NotFound", "no such callback key"))
    }
}

/// After a write: queues a callback for every registered entry that takes it.
pub(crate) fn written(
    s: &Shared,
    op: &OperationInfo,
    resource: Resource,
    params: &[(Segment, &str)],
    reply: &Reply,
) {
    let action = match op.kind {
        OperationKind::Create => Action::Added,
        OperationKind::Replace | OperationKind::Patch => Action::Updated,
        OperationKind::Delete => Action::Deleted,
        _ => return,
    };
    if !(200..300).contains(&reply.status) {
        return;
    }
    let model = resource.info().model;
    let kinds: Vec<&str> = CALLBACK_TYPES
        .iter()
        .filter(|(_, m)| *m == model)
        .map(|(k, _)| *k)
        .collect();
    if kinds.is_empty() {
        return;
    }
    let Some(entries_resource) = Resource::from_name("callback_entry") else {
        return;
    };
    let row: Option<Value> = match action {
        Action::Deleted => None,
        _ => serde_json::from_slice(&reply.body).ok(),
    };
    let id = match &row {
        Some(row) => row.get("id").and_then(Value::as_i64),
        None => params
            .iter()
            .rev()
            .find(|(seg, _)| {
                matches!(
                    seg,
                    Segment::Param {
                        key: Some(connectwise::registry::PathKey::Id),
                        ..
                    }
                )
            })
            .and_then(|(_, v)| v.parse().ok()),
    };
    let Some(id) = id else { return };
    let entries = s.store.rows(entries_resource, (None, None));
    for entry in entries.iter() {
        let text = |k: &str| entry.get(k).and_then(Value::as_str).unwrap_or_default();
        let kind = text("type");
        if !kinds.iter().any(|k| k.eq_ignore_ascii_case(kind))
            || entry.get("inactiveFlag").and_then(Value::as_bool) == Some(true)
            || !on_loopback(text("url"))
            || !takes(entry, id, row.as_ref())
        {
            continue;
        }
        let callback = Callback {
            message_id: Some(format!(
                "{}-{:06}",
                s.callbacks.inner.prefix,
                s.callbacks.inner.sequence.fetch_add(1, Ordering::Relaxed)
            )),
            from_url: Some(s.origin.trim_start_matches("http://").to_owned()),
            company_id: Some(s.credentials.company.clone()),
            member_id: Some("mockapi".into()),
            action: action.clone(),
            r#type: kind.to_owned(),
            id,
            product_instance_id: Some("00000000-0000-4000-8000-0000000000aa".into()),
            partner_id: Some("mockpartner".into()),
            callback_object_rec_id: entry.get("id").map(|v| v.to_string()),
            entity: row.as_ref().map(Value::to_string),
            metadata: Some(Metadata {
                key_url: Some(format!("{}{BASE_PATH}{}", s.origin, s.callbacks.key_path())),
            }),
        };
        let Ok(body) = serde_json::to_vec(&callback) else {
            continue;
        };
        s.callbacks.enqueue(Outgoing {
            url: text("url").to_owned(),
            signature: connectwise::callbacks::sign(&s.callbacks.signing_key(), &body),
            message_id: callback.message_id.unwrap_or_default(),
            body,
        });
    }
}

/// Whether the entry's level and object take record `id` (`row`: the record, `None` when
/// deleted).
fn takes(entry: &Value, id: i64, row: Option<&Value>) -> bool {
    let object = entry.get("objectId").and_then(Value::as_i64).unwrap_or(0);
    if object == 0 {
        return true;
    }
    let level = entry
        .get("level")
        .and_then(Value::as_str)
        .unwrap_or("owner");
    if level.eq_ignore_ascii_case("owner") {
        return object == id;
    }
    row.and_then(|r| {
        r.as_object()?
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(level))
            .and_then(|(_, v)| v.get("id")?.as_i64())
    }) == Some(object)
}

/// Whether `url` is http(s) on a loopback address or `localhost`.
fn on_loopback(url: &str) -> bool {
    let Ok(url) = reqwest::Url::parse(url) else {
        return false;
    };
    if !matches!(url.scheme(), "http" | "https") {
        return false;
    }
    match url.host_str() {
        Some(h) if h.eq_ignore_ascii_case("localhost") => true,
        Some(h) => h
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback()),
        None => false,
    }
}

impl MockServer {
    /// The signing key the server signs callbacks with (what its key URL answers).
    pub fn callback_signing_key(&self) -> String {
        self.callbacks.signing_key()
    }

    /// Replaces the signing key (as ConnectWise may): later callbacks are signed with
    /// `key`, and the key URL answers it.
    pub fn rotate_callback_signing_key(&self, key: impl Into<String>) {
        *self
            .callbacks
            .inner
            .signing_key
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = key.into();
    }

    /// The key URL its callbacks carry: `<url>/system/callbackkey/<id>`.
    pub fn callback_key_url(&self) -> String {
        format!("{}{}", self.url, self.callbacks.key_path())
    }

    /// The callback delivery faults, changeable while it runs.
    pub fn callback_faults(&self) -> &CallbackFaults {
        &self.callbacks.inner.faults
    }

    /// Every callback delivery so far (dropped ones included), in order.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.callbacks.log().clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_urls_are_called() {
        assert!(on_loopback("http://127.0.0.1:9/hook"));
        assert!(on_loopback("http://[::1]:9/hook"));
        assert!(on_loopback("http://localhost/hook"));
        assert!(!on_loopback("https://example.com/hook"));
        assert!(!on_loopback("http://10.0.0.1/hook"));
        assert!(!on_loopback("ftp://127.0.0.1/hook"));
        assert!(!on_loopback("not a url"));
    }

    #[test]
    fn levels_and_objects() {
        let row = json!({"id": 5, "board": {"id": 3}});
        assert!(takes(
            &json!({"level": "owner", "objectId": 0}),
            5,
            Some(&row)
        ));
        assert!(takes(
            &json!({"level": "owner", "objectId": 5}),
            5,
            Some(&row)
        ));
        assert!(!takes(
            &json!({"level": "owner", "objectId": 6}),
            5,
            Some(&row)
        ));
        assert!(takes(
            &json!({"level": "board", "objectId": 3}),
            5,
            Some(&row)
        ));
        assert!(!takes(
            &json!({"level": "board", "objectId": 4}),
            5,
            Some(&row)
        ));
        assert!(!takes(&json!({"level": "board", "objectId": 3}), 5, None));
    }

    #[test]
    fn faults_are_used_up() {
        let f = CallbackFaults::default();
        f.drop_next(1).duplicate_next(1);
        assert_eq!(f.plan(), (Duration::ZERO, true, false));
        assert_eq!(f.plan(), (Duration::ZERO, false, true));
        assert_eq!(f.plan(), (Duration::ZERO, false, false));
    }
}
