//! Request values: one per operation of the spec, each knowing its method, path, query, body,
//! whether a retry is safe, and what its answer decodes into ([`Request`]). One
//! [`Client::send`](crate::Client::send) sends any of them.
//!
//! They are built by generated constructors that take exactly the path's ids, parent ids
//! first, and exist only where the spec has the operation:
//!
//! | kind | constructor | value | `Output` | in a bundle |
//! |---|---|---|---|---|
//! | list | `Ticket::list()` | [`ListRequest<Ticket>`] | `Vec<Ticket>` | yes |
//! | get by id | `Ticket::get(id)` | [`GetRequest<Ticket>`] | `Ticket` | yes |
//! | count | `Ticket::count()` | [`CountRequest`] | `u64` | yes (`/system/bundles/count`) |
//! | create | `Ticket::create(&ticket)` | [`Call<Ticket>`] | `Ticket` | no |
//! | replace | `Ticket::put(id, &ticket)` | [`Call<Ticket>`] | `Ticket` | no |
//! | patch | `Ticket::patch(id)` | [`PatchRequest<Ticket>`] | `Ticket` | no |
//! | delete | `ServiceNote::delete(ticket_id, note_id)` | [`Call<()>`] | `()` | no |
//! | action | `Ticket::copy(id)`, `Company::merge(id, &body)` | [`Call<T>`] | per the spec | no |
//!
//! The API's bundles only read: a write pushed into a [`Bundle`](crate::Bundle) does not
//! compile, because only reads implement [`BundleItem`](crate::BundleItem).

use crate::custom_fields::HasCustomFields;
use crate::error::Error;
use crate::patch::{PatchTarget, PatchValue};
use crate::registry::{Method, OperationInfo, OperationKind, PathKey, Resource, Segment};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::marker::PhantomData;

/// Every request value implements it; [`Client::send`](crate::Client::send) sends any of them.
pub trait Request {
    /// What a successful answer decodes into: `Vec<Model>`, `Model`, `u64`, `()`, bytes...
    type Output;
    /// The HTTP method.
    fn method(&self) -> Method;
    /// The path below the API root, ids filled in: `/service/tickets/7/notes`.
    fn path(&self) -> String;
    /// The query string's pairs, in the API's spelling.
    fn query(&self) -> Vec<(&'static str, String)>;
    /// The body to send, if any.
    fn body(&self) -> Result<Option<Body>, Error>;
    /// Whether sending it twice is as good as once, so that a timeout or a 502-504 may be
    /// retried (429s and failures to connect are retried for every request).
    fn idempotent(&self) -> bool;
    /// The API version for this request, when not the client's.
    fn version(&self) -> Option<&str> {
        None
    }
    /// Decodes a successful answer's body. The error is `(JSON path, message)`.
    fn decode(&self, body: &[u8]) -> Result<Self::Output, (String, String)>;
}

/// A request body, ready to send.
#[derive(Clone, PartialEq, Eq)]
pub struct Body {
    /// `application/json`, or the type of raw bytes.
    pub content_type: std::borrow::Cow<'static, str>,
    /// The encoded body, sent as it is.
    pub bytes: bytes::Bytes,
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Body")
            .field("content_type", &self.content_type)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

/// The path ids of a resource request: `{grandparentId}`, `{parentId}`, `{id}`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Keys {
    /// `{grandparentId}`: the outermost parent of a resource nested two levels deep.
    pub grand_parent_id: Option<i32>,
    /// `{parentId}`: the parent record of a nested resource.
    pub parent_id: Option<i32>,
    /// `{id}`: the record itself.
    pub id: Option<i32>,
}

impl Keys {
    /// No ids.
    pub const NONE: Keys = Keys {
        grand_parent_id: None,
        parent_id: None,
        id: None,
    };

    /// The ids, in path order: `{grandparentId}`, `{parentId}`, `{id}`.
    pub const fn new(
        grand_parent_id: Option<i32>,
        parent_id: Option<i32>,
        id: Option<i32>,
    ) -> Keys {
        Keys {
            grand_parent_id,
            parent_id,
            id,
        }
    }

    /// The value of one key.
    pub fn get(&self, key: PathKey) -> Option<i32> {
        match key {
            PathKey::GrandParentId => self.grand_parent_id,
            PathKey::ParentId => self.parent_id,
            PathKey::Id => self.id,
        }
    }
}

/// One value of a path parameter: an id, or text (`{memberIdentifier}`), which is
/// percent-encoded into its segment.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PathArg {
    /// An integer id, written in decimal.
    Int(i64),
    /// Text, percent-encoded when the path is built.
    Text(String),
}

impl From<i32> for PathArg {
    fn from(v: i32) -> Self {
        PathArg::Int(v.into())
    }
}

impl From<i64> for PathArg {
    fn from(v: i64) -> Self {
        PathArg::Int(v)
    }
}

impl From<&str> for PathArg {
    fn from(v: &str) -> Self {
        PathArg::Text(v.to_owned())
    }
}

impl From<String> for PathArg {
    fn from(v: String) -> Self {
        PathArg::Text(v)
    }
}

/// Fills parsed path segments with `args`, in order: `/service/tickets/7/notes`. Text is
/// percent-encoded (everything but unreserved characters), so it stays one segment.
pub fn fill_segments(segments: &[Segment], args: &[PathArg]) -> String {
    let mut out = String::with_capacity(64);
    let mut args = args.iter();
    for segment in segments {
        out.push('/');
        match segment {
            Segment::Literal(l) => out.push_str(l),
            Segment::Param { name, .. } => match args.next() {
                Some(PathArg::Int(v)) => out.push_str(&v.to_string()),
                Some(PathArg::Text(t)) => encode_segment(t, &mut out),
                // Unreachable through the generated constructors, which take every argument.
                None => {
                    out.push('{');
                    out.push_str(name);
                    out.push('}');
                }
            },
        }
    }
    out
}

/// Fills a resource path's keys from `keys`.
pub(crate) fn fill_keys(segments: &[Segment], keys: &Keys) -> String {
    let args: Vec<PathArg> = segments
        .iter()
        .filter_map(|s| match s {
            Segment::Param { key, .. } => Some(
                key.and_then(|k| keys.get(k))
                    .map_or(PathArg::Text(String::new()), PathArg::from),
            ),
            Segment::Literal(_) => None,
        })
        .collect();
    fill_segments(segments, &args)
}

fn encode_segment(text: &str, out: &mut String) {
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

/// The filters and paging of a read, as the API names them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// `conditions`: a condition on the records' own fields.
    pub conditions: Option<String>,
    /// `childConditions`: a condition on the records' child collections.
    pub child_conditions: Option<String>,
    /// `customFieldConditions`: a condition on custom fields.
    pub custom_field_conditions: Option<String>,
    /// `orderBy`: field and direction (`id desc`).
    pub order_by: Option<String>,
    /// `fields`: comma-separated JSON names of the fields to return; all when absent.
    pub fields: Option<String>,
    /// `page`: 1-based page number (numbered paging).
    pub page: Option<u32>,
    /// `pageSize`: records per page; the server's default when absent.
    pub page_size: Option<u32>,
    /// `pageId`: forward-only paging, the id after which the page starts.
    pub page_id: Option<i64>,
}

impl Query {
    /// `(name, value)` pairs for the URL, in the API's spelling.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let mut text = |name, v: &Option<String>| {
            if let Some(v) = v {
                out.push((name, v.clone()));
            }
        };
        text("conditions", &self.conditions);
        text("childConditions", &self.child_conditions);
        text("customFieldConditions", &self.custom_field_conditions);
        text("orderBy", &self.order_by);
        text("fields", &self.fields);
        if let Some(p) = self.page {
            out.push(("page", p.to_string()));
        }
        if let Some(p) = self.page_size {
            out.push(("pageSize", p.to_string()));
        }
        if let Some(p) = self.page_id {
            out.push(("pageId", p.to_string()));
        }
        out
    }
}

/// The largest `pageSize` the API accepts.
pub const MAX_PAGE_SIZE: u32 = 1000;

macro_rules! filter_setters {
    () => {
        /// `conditions`: which entities, in ConnectWise's condition language:
        /// `status/name = 'New' and board/id = 5`.
        pub fn conditions(mut self, conditions: impl Into<String>) -> Self {
            self.query.conditions = Some(conditions.into());
            self
        }

        /// `childConditions`: conditions on child collections.
        pub fn child_conditions(mut self, conditions: impl Into<String>) -> Self {
            self.query.child_conditions = Some(conditions.into());
            self
        }

        /// `customFieldConditions`: `caption = 'X' AND value = 'Y'`.
        pub fn custom_field_conditions(mut self, conditions: impl Into<String>) -> Self {
            self.query.custom_field_conditions = Some(conditions.into());
            self
        }
    };
}

macro_rules! paging_setters {
    () => {
        /// `orderBy`: `dateEntered desc`.
        pub fn order_by(mut self, order_by: impl Into<String>) -> Self {
            self.query.order_by = Some(order_by.into());
            self
        }

        /// `page`: the 1-based page number.
        pub fn page(mut self, page: u32) -> Self {
            self.query.page = Some(page);
            self
        }

        /// `pageSize`: entities per page (the API's default is 25, its maximum 1000).
        pub fn page_size(mut self, page_size: u32) -> Self {
            self.query.page_size = Some(page_size);
            self
        }

        /// `pageId`: forward-only paging, the id after which the page starts.
        pub fn page_id(mut self, page_id: i64) -> Self {
            self.query.page_id = Some(page_id);
            self
        }
    };
}

macro_rules! common_setters {
    () => {
        /// `fields`: only these fields (comma separated: `id,summary,status/name`).
        pub fn fields(mut self, fields: impl Into<String>) -> Self {
            self.query.fields = Some(fields.into());
            self
        }

        /// The API version of this request (default: the client's).
        pub fn version(mut self, version: impl Into<String>) -> Self {
            self.version = Some(version.into());
            self
        }

        /// The resource.
        pub fn resource(&self) -> Resource {
            self.resource
        }

        /// The path ids.
        pub fn keys(&self) -> Keys {
            self.keys
        }

        /// The filters and paging.
        pub fn query(&self) -> &Query {
            &self.query
        }

        pub(crate) fn version_ref(&self) -> Option<&str> {
            self.version.as_deref()
        }
    };
}

/// A read of one resource: the resource, its path ids, filters and paging, and the version.
macro_rules! read_request {
    ($(#[$doc:meta])* $name:ident<$t:ident>) => {
        $(#[$doc])*
        pub struct $name<$t> {
            resource: Resource,
            keys: Keys,
            query: Query,
            version: Option<String>,
            _model: PhantomData<fn() -> $t>,
        }

        impl<$t> $name<$t> {
            /// Used by the generated constructors, which pass exactly the keys the path needs.
            #[doc(hidden)]
            pub fn new(resource: Resource, keys: Keys) -> Self {
                $name {
                    resource,
                    keys,
                    query: Query::default(),
                    version: None,
                    _model: PhantomData,
                }
            }

            common_setters!();
        }

        // Manual impls: `T` is only a marker, so no `T: Clone`/`T: Debug` bound.
        impl<$t> Clone for $name<$t> {
            fn clone(&self) -> Self {
                $name {
                    resource: self.resource,
                    keys: self.keys,
                    query: self.query.clone(),
                    version: self.version.clone(),
                    _model: PhantomData,
                }
            }
        }

        impl<$t> fmt::Debug for $name<$t> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($name))
                    .field("resource", &self.resource.info().name)
                    .field("keys", &self.keys)
                    .field("query", &self.query)
                    .field("version", &self.version)
                    .finish()
            }
        }
    };
}

read_request!(
    /// A list request (`GET` of a collection): decodes into `Vec<T>`.
    ListRequest<T>
);
read_request!(
    /// A get-by-id request: decodes into `T`.
    GetRequest<T>
);
read_request!(
    /// A count request (`GET .../count`, or in a bundle `POST /system/bundles/count`): the
    /// number of records that match its conditions. `T` is the counted model.
    CountRequest<T>
);

impl<T> ListRequest<T> {
    filter_setters!();
    paging_setters!();

    /// The path with its ids filled in: `/procurement/purchaseorders/7/lineitems`.
    pub fn path(&self) -> String {
        fill_keys(self.resource.info().segments, &self.keys)
    }

    pub(crate) fn query_mut(&mut self) -> &mut Query {
        &mut self.query
    }
}

impl<T> GetRequest<T> {
    /// The path with its ids filled in: `/service/tickets/7`.
    pub fn path(&self) -> String {
        let info = self.resource.info();
        // Generated constructors exist only for resources with a get-by-id path.
        fill_keys(info.get_segments.unwrap_or(info.segments), &self.keys)
    }
}

impl<T> CountRequest<T> {
    filter_setters!();

    /// The path with its ids filled in: `/service/tickets/count`.
    pub fn path(&self) -> String {
        let info = self.resource.info();
        // Generated constructors exist only for resources with a count path.
        fill_keys(info.count_segments.unwrap_or(info.segments), &self.keys)
    }
}

/// `Request` for a read: a GET without a body, idempotent, in the request's version.
macro_rules! read_request_impl {
    (impl<$t:ident $(: $bound:path)?> for $name:ident { Output = $out:ty; decode = $decode:expr; }) => {
        impl<$t $(: $bound)?> Request for $name<$t> {
            type Output = $out;
            fn method(&self) -> Method {
                Method::Get
            }
            fn path(&self) -> String {
                $name::path(self)
            }
            fn query(&self) -> Vec<(&'static str, String)> {
                self.pairs()
            }
            fn body(&self) -> Result<Option<Body>, Error> {
                Ok(None)
            }
            fn idempotent(&self) -> bool {
                true
            }
            fn version(&self) -> Option<&str> {
                self.version.as_deref()
            }
            fn decode(&self, body: &[u8]) -> Result<$out, (String, String)> {
                $decode(body)
            }
        }
    };
}

read_request_impl!(impl<T: DeserializeOwned> for ListRequest { Output = Vec<T>; decode = decode_json; });
read_request_impl!(impl<T: DeserializeOwned> for GetRequest { Output = T; decode = decode_json; });
read_request_impl!(impl<T> for CountRequest { Output = u64; decode = decode_count; });

impl<T> ListRequest<T> {
    fn pairs(&self) -> Vec<(&'static str, String)> {
        self.query.pairs()
    }
}

impl<T> GetRequest<T> {
    /// A get by id takes only `fields`.
    fn pairs(&self) -> Vec<(&'static str, String)> {
        self.query
            .fields
            .iter()
            .map(|f| ("fields", f.clone()))
            .collect()
    }
}

impl<T> CountRequest<T> {
    fn pairs(&self) -> Vec<(&'static str, String)> {
        self.query.pairs()
    }
}

/// How a [`Call`] decodes its answer, chosen by codegen from the operation's response.
pub type DecodeFn<O> = fn(&[u8]) -> Result<O, (String, String)>;

/// A call of any operation that is not a bundle-able read: creates, replaces, deletes,
/// actions (`copy`, `merge`, ...) and the spec's other reads. It knows its operation, its
/// path with the ids filled in, its body and how to decode its answer into `O`.
pub struct Call<O> {
    operation: &'static OperationInfo,
    path: String,
    query: Query,
    params: Vec<(&'static str, String)>,
    body: Option<Result<Body, String>>,
    version: Option<String>,
    decode: DecodeFn<O>,
}

impl<O> Call<O> {
    /// Used by the generated constructors: the operation, its path arguments in order, and
    /// the decoder of its answer.
    #[doc(hidden)]
    pub fn new(operation: &'static OperationInfo, args: &[PathArg], decode: DecodeFn<O>) -> Self {
        Call {
            operation,
            path: fill_segments(operation.segments, args),
            query: Query::default(),
            params: Vec::new(),
            body: None,
            version: None,
            decode,
        }
    }

    /// Used by the generated constructors: a JSON body (a model, a list of models, ...).
    /// Fields the caller did not set (`None`) are not sent.
    #[doc(hidden)]
    /// A create never sends the record's `id` or `_info` (the server assigns them).
    pub fn json<B: Serialize + ?Sized>(mut self, body: &B) -> Self {
        let bytes = if self.operation.kind == OperationKind::Create {
            serde_json::to_value(body).and_then(|mut value| {
                if let serde_json::Value::Object(map) = &mut value {
                    map.remove("id");
                    map.remove("_info");
                }
                serde_json::to_vec(&value)
            })
        } else {
            serde_json::to_vec(body)
        };
        self.body = Some(
            bytes
                .map(|bytes| Body {
                    content_type: "application/json".into(),
                    bytes: bytes.into(),
                })
                .map_err(|e| e.to_string()),
        );
        self
    }

    /// Used by the generated constructors: a body of raw bytes (uploads), with its content
    /// type (for `multipart/form-data`, with its boundary).
    #[doc(hidden)]
    pub fn bytes(mut self, content_type: impl Into<String>, body: impl Into<Vec<u8>>) -> Self {
        self.body = Some(Ok(Body {
            content_type: content_type.into().into(),
            bytes: body.into().into(),
        }));
        self
    }

    filter_setters!();
    paging_setters!();

    /// `fields`: only these fields (comma separated: `id,summary,status/name`).
    pub fn fields(mut self, fields: impl Into<String>) -> Self {
        self.query.fields = Some(fields.into());
        self
    }

    /// Any other query parameter the operation takes (see [`OperationInfo::query`]).
    pub fn param(mut self, name: &'static str, value: impl fmt::Display) -> Self {
        self.params.push((name, value.to_string()));
        self
    }

    /// The API version of this request (default: the client's).
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.version = Some(version.into());
        self
    }

    /// The operation this calls.
    pub fn operation(&self) -> &'static OperationInfo {
        self.operation
    }

    /// The path with its ids filled in.
    pub fn path(&self) -> &str {
        &self.path
    }
}

impl<O> Request for Call<O> {
    type Output = O;
    fn method(&self) -> Method {
        self.operation.method
    }
    fn path(&self) -> String {
        self.path.clone()
    }
    fn query(&self) -> Vec<(&'static str, String)> {
        let mut pairs = self.query.pairs();
        pairs.extend(self.params.iter().cloned());
        pairs
    }
    fn body(&self) -> Result<Option<Body>, Error> {
        match &self.body {
            None => Ok(None),
            Some(Ok(body)) => Ok(Some(body.clone())),
            Some(Err(e)) => Err(Error::Encode(e.clone())),
        }
    }
    fn idempotent(&self) -> bool {
        self.operation.idempotent
    }
    fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }
    fn decode(&self, body: &[u8]) -> Result<O, (String, String)> {
        (self.decode)(body)
    }
}

impl<O> Clone for Call<O> {
    fn clone(&self) -> Self {
        Call {
            operation: self.operation,
            path: self.path.clone(),
            query: self.query.clone(),
            params: self.params.clone(),
            body: self.body.clone(),
            version: self.version.clone(),
            decode: self.decode,
        }
    }
}

impl<O> fmt::Debug for Call<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field("method", &self.operation.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("params", &self.params)
            .field("body", &self.body)
            .finish()
    }
}

/// One JSON Patch operation, as ConnectWise takes them: `{"op":"replace","path":"status/id",
/// "value":3}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PatchOperation {
    /// `add`, `replace` or `remove`.
    pub op: String,
    /// The field's path: `summary`, `status/id`.
    pub path: String,
    /// The new value (absent for `remove`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<serde_json::Value>,
}

/// A `PATCH` of one record: JSON Patch operations, all sent in one request (ConnectWise
/// validates the whole record after applying them, so fields that depend on each other go
/// together). Decodes into the patched `T`.
///
/// The typed methods take their paths from `T`'s field accessors and check the value's kind
/// at compile time (see [`crate::patch`]):
///
/// ```ignore
/// let moved: Ticket = client
///     .send(
///         Ticket::patch(id)
///             .replace(Ticket::fields().status().id(), 3)          // "path": "status/id"
///             .replace(Ticket::fields().summary(), "Printer on fire")
///             .custom_field(7, "EMEA"),                             // one replace of customFields
///     )
///     .await?;
/// ```
///
/// `replace_path`, `add_path` and `remove_path` take any path, unchecked.
pub struct PatchRequest<T> {
    call: Call<T>,
    operations: Vec<PatchOperation>,
    /// Where the `customFields` operation of [`PatchRequest::custom_field`] is.
    custom_fields: Option<usize>,
    /// The first value or path that could not be written; the request is then not sent.
    error: Option<String>,
}

impl<T> PatchRequest<T> {
    /// Used by the generated constructors.
    #[doc(hidden)]
    pub fn new(operation: &'static OperationInfo, args: &[PathArg], decode: DecodeFn<T>) -> Self {
        PatchRequest {
            call: Call::new(operation, args, decode),
            operations: Vec::new(),
            custom_fields: None,
            error: None,
        }
    }

    /// Adds one operation.
    pub fn operation(mut self, operation: PatchOperation) -> Self {
        self.operations.push(operation);
        self
    }

    /// `replace` the field `field` (`Ticket::fields().status().id()`) with `value`, which
    /// must fit the field's kind: `{"op":"replace","path":"status/id","value":3}`.
    pub fn replace<F: PatchTarget<T>>(self, field: F, value: impl PatchValue<F::Kind>) -> Self {
        self.typed("replace", field.patch_path(), Some(value.patch_value()))
    }

    /// `add` `value` at the field `field` (for ConnectWise, the same as `replace`).
    pub fn add<F: PatchTarget<T>>(self, field: F, value: impl PatchValue<F::Kind>) -> Self {
        self.typed("add", field.patch_path(), Some(value.patch_value()))
    }

    /// `remove` the field `field` (ConnectWise clears it).
    pub fn remove<F: PatchTarget<T>>(self, field: F) -> Self {
        self.typed("remove", field.patch_path(), None)
    }

    /// Sets custom field `id` to `value`. All the calls of one patch make ONE operation,
    /// `{"op":"replace","path":"customFields","value":[{"id":7,"value":"EMEA"},..]}`, where
    /// the first call was; setting one id twice keeps the last value.
    pub fn custom_field(mut self, id: i32, value: impl Serialize) -> Self
    where
        T: HasCustomFields,
    {
        let value = match serde_json::to_value(value) {
            Ok(value) => value,
            Err(e) => return self.fail(format!("custom field {id}: {e}")),
        };
        let entry = serde_json::json!({ "id": id, "value": value });
        let at = *self.custom_fields.get_or_insert_with(|| {
            self.operations.push(PatchOperation {
                op: "replace".to_owned(),
                path: "customFields".to_owned(),
                value: Some(serde_json::Value::Array(Vec::new())),
            });
            self.operations.len() - 1
        });
        if let Some(serde_json::Value::Array(entries)) = &mut self.operations[at].value {
            match entries.iter_mut().find(|e| e["id"] == id) {
                Some(old) => *old = entry,
                None => entries.push(entry),
            }
        }
        self
    }

    fn typed(
        mut self,
        op: &str,
        path: Result<String, String>,
        value: Option<Result<serde_json::Value, String>>,
    ) -> Self {
        let path = match path {
            Ok(path) => path,
            Err(e) => return self.fail(e),
        };
        let value = match value.transpose() {
            Ok(value) => value,
            Err(e) => return self.fail(format!("{path}: {e}")),
        };
        self.operations.push(PatchOperation {
            op: op.to_owned(),
            path,
            value,
        });
        self
    }

    fn fail(mut self, error: String) -> Self {
        self.error.get_or_insert(error);
        self
    }

    /// `replace` the field at `path` (`summary`, `status/id`) with `value`. Unchecked: the
    /// escape hatch for paths the typed [`replace`](Self::replace) cannot name.
    pub fn replace_path(self, path: impl Into<String>, value: impl Serialize) -> Self {
        self.push("replace", path.into(), Some(value))
    }

    /// `add` `value` at `path`. Unchecked.
    pub fn add_path(self, path: impl Into<String>, value: impl Serialize) -> Self {
        self.push("add", path.into(), Some(value))
    }

    /// `remove` the field at `path`. Unchecked.
    pub fn remove_path(self, path: impl Into<String>) -> Self {
        self.push("remove", path.into(), None::<()>)
    }

    fn push(self, op: &str, path: String, value: Option<impl Serialize>) -> Self {
        let value = value.map(|v| serde_json::to_value(v).map_err(|e| e.to_string()));
        self.typed(op, Ok(path), value)
    }

    /// The operations so far.
    pub fn operations(&self) -> &[PatchOperation] {
        &self.operations
    }

    /// The API version of this request (default: the client's).
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.call = self.call.version(version);
        self
    }

    /// The path with its ids filled in.
    pub fn path(&self) -> &str {
        self.call.path()
    }
}

impl<T> Request for PatchRequest<T> {
    type Output = T;
    fn method(&self) -> Method {
        self.call.method()
    }
    fn path(&self) -> String {
        self.call.path.clone()
    }
    fn query(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }
    fn body(&self) -> Result<Option<Body>, Error> {
        if let Some(e) = &self.error {
            return Err(Error::Encode(e.clone()));
        }
        let bytes =
            serde_json::to_vec(&self.operations).map_err(|e| Error::Encode(e.to_string()))?;
        Ok(Some(Body {
            content_type: "application/json".into(),
            bytes: bytes.into(),
        }))
    }
    fn idempotent(&self) -> bool {
        self.call.idempotent()
    }
    fn version(&self) -> Option<&str> {
        self.call.version.as_deref()
    }
    fn decode(&self, body: &[u8]) -> Result<T, (String, String)> {
        self.call.decode(body)
    }
}

impl<T> Clone for PatchRequest<T> {
    fn clone(&self) -> Self {
        PatchRequest {
            call: self.call.clone(),
            operations: self.operations.clone(),
            custom_fields: self.custom_fields,
            error: self.error.clone(),
        }
    }
}

impl<T> fmt::Debug for PatchRequest<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PatchRequest")
            .field("path", &self.call.path)
            .field("operations", &self.operations)
            .field("error", &self.error)
            .finish()
    }
}

/// Decodes a JSON answer into `T`, saying where it failed if it does.
pub fn decode_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, (String, String)> {
    crate::error::decode_json(body)
}

/// Decodes `{"count": n}` (the number may be sent as a string).
pub fn decode_count(body: &[u8]) -> Result<u64, (String, String)> {
    #[derive(Deserialize)]
    struct Count {
        count: crate::envelope::Number<u64>,
    }
    match decode_json::<Count>(body)?.count.0 {
        Some(n) => Ok(n),
        None => Err(("count".into(), "the count is null".into())),
    }
}

/// An answer whose body is not used (deletes, `204 No Content`).
pub fn decode_unit(_body: &[u8]) -> Result<(), (String, String)> {
    Ok(())
}

/// An answer that is not JSON (downloads): the bytes as sent.
pub fn decode_bytes(body: &[u8]) -> Result<Vec<u8>, (String, String)> {
    Ok(body.to_vec())
}

/// An escape hatch for resource types the spec lacks: any `resourceType` string, decoding into
/// any `T`. Only for bundles (there is no path to call it individually).
#[derive(Clone)]
pub struct RawRequest<T> {
    pub(crate) resource_type: String,
    pub(crate) keys: Keys,
    pub(crate) query: Query,
    pub(crate) version: Option<String>,
    pub(crate) shape: Shape,
    _model: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned> RawRequest<Vec<T>> {
    /// A list of `resource_type`, decoding each entity into `T`.
    pub fn list(resource_type: impl Into<String>) -> Self {
        Self::new(resource_type.into(), Keys::NONE, Shape::List)
    }
}

impl<T: DeserializeOwned> RawRequest<T> {
    /// One entity of `resource_type` by id, decoding into `T`.
    pub fn get(resource_type: impl Into<String>, id: i32) -> Self {
        Self::new(
            resource_type.into(),
            Keys {
                id: Some(id),
                ..Keys::NONE
            },
            Shape::One,
        )
    }
}

impl<T> RawRequest<T> {
    fn new(resource_type: String, keys: Keys, shape: Shape) -> Self {
        RawRequest {
            resource_type,
            keys,
            query: Query::default(),
            version: None,
            shape,
            _model: PhantomData,
        }
    }

    /// `parentId`.
    pub fn parent_id(mut self, id: i32) -> Self {
        self.keys.parent_id = Some(id);
        self
    }

    /// `grandParentId`.
    pub fn grand_parent_id(mut self, id: i32) -> Self {
        self.keys.grand_parent_id = Some(id);
        self
    }

    filter_setters!();
    paging_setters!();

    /// `fields`: only these fields.
    pub fn fields(mut self, fields: impl Into<String>) -> Self {
        self.query.fields = Some(fields.into());
        self
    }

    /// The API version of this request (default: the client's).
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.version = Some(version.into());
        self
    }
}

impl<T> fmt::Debug for RawRequest<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawRequest")
            .field("resource_type", &self.resource_type)
            .field("keys", &self.keys)
            .field("query", &self.query)
            .finish()
    }
}

/// What a bundle sub-request reads: a list, one entity, or a count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Entities, decoded as a list.
    List,
    /// One entity.
    One,
    /// The `count` only (sent to `POST /system/bundles/count`).
    Count,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_arguments_are_one_encoded_segment() {
        let segments = [
            Segment::Literal("system"),
            Segment::Literal("members"),
            Segment::Param {
                name: "memberIdentifier",
                key: None,
            },
            Segment::Literal("image"),
        ];
        assert_eq!(
            fill_segments(&segments, &["a b/c?d".into()]),
            "/system/members/a%20b%2Fc%3Fd/image"
        );
        assert_eq!(
            fill_segments(&segments, &[PathArg::Int(7)]),
            "/system/members/7/image"
        );
    }

    #[test]
    fn count_bodies_decode_numbers_and_strings() {
        assert_eq!(decode_count(br#"{"count": 42}"#), Ok(42));
        assert_eq!(decode_count(br#"{"count": "42"}"#), Ok(42));
        assert!(decode_count(br#"{"total": 42}"#).is_err());
        assert!(decode_count(br#"{"count": -1}"#).is_err());
    }

    #[test]
    fn patch_bodies_are_one_json_patch_array() {
        static OP: OperationInfo = OperationInfo {
            group: "ticket",
            function: "patch",
            method: Method::Patch,
            kind: crate::registry::OperationKind::Patch,
            path: "/service/tickets/{id}",
            segments: &[
                Segment::Literal("service"),
                Segment::Literal("tickets"),
                Segment::Param {
                    name: "id",
                    key: Some(PathKey::Id),
                },
            ],
            query: &[],
            body: crate::registry::BodyKind::Patch,
            response: crate::registry::ResponseKind::Json,
            idempotent: false,
            resource: None,
            module: "service",
        };
        let patch = PatchRequest::<serde_json::Value>::new(&OP, &[5.into()], decode_json)
            .replace_path("summary", "Printer on fire")
            .replace_path("status/id", 3)
            .remove_path("budgetHours");
        assert_eq!(Request::path(&patch), "/service/tickets/5");
        assert!(!patch.idempotent());
        let body = patch.body().unwrap().unwrap();
        let sent: serde_json::Value = serde_json::from_slice(&body.bytes).unwrap();
        assert_eq!(
            sent,
            serde_json::json!([
                {"op": "replace", "path": "summary", "value": "Printer on fire"},
                {"op": "replace", "path": "status/id", "value": 3},
                {"op": "remove", "path": "budgetHours"},
            ])
        );
    }
}
