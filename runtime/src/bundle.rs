//! The Bundle endpoint (`POST /system/bundles`): many sub-requests in one HTTP call, each
//! result decoded straight into its model type.
//!
//! ```no_run
//! # async fn f(client: &connectwise::Client) -> Result<(), Box<dyn std::error::Error>> {
//! use connectwise::{models::{Company, Ticket}, Bundle};
//! let mut bundle = Bundle::new();
//! let tickets = bundle.push(Ticket::list().conditions("status/name = 'New'").page_size(1000));
//! let company = bundle.push(Company::get(250));
//! let mut results = bundle.send(client).await?;
//! let tickets: Vec<Ticket> = results.take(tickets)?;
//! let company: Company = results.take(company)?;
//! # Ok(()) }
//! ```
//!
//! # Wire format, and what the decoder tolerates
//!
//! Requests are sent in camelCase with sequence numbers 1..n and absent fields omitted.
//! The response is decoded tolerantly, because the API and its documentation are not
//! consistent: property names in any case (`Version`/`version`), `resouceType` (sic) and
//! `ResourceName` for `resourceType`, `data` as well as `entities`, one object where a list
//! was expected (and a one-element list where one object was), counts and status codes as
//! strings or numbers, results in any order (matched by sequence number). A result missing
//! from the response is an error for that sub-request only ([`ItemErrorKind::Missing`]); a
//! malformed entity fails its own sub-request only.
//!
//! The response is read in one pass (see `envelope.rs`): each result's entities are decoded
//! straight into the model type the sub-request asked for, as the pass reaches them, with no
//! detour through `serde_json::Value`; [`BundleResults::take`] hands the value over. Results
//! in an unusual order or shape are decoded on `take` instead, with the same tolerance.

use crate::envelope::{self, AnyValue, DecodeFn};
use crate::error::{ApiError, EntityError, Error, ItemError, ItemErrorKind};
use crate::request::{
    CountRequest, GetRequest, Keys, ListRequest, Query, RawRequest, Shape, MAX_PAGE_SIZE,
};
use crate::wire;
use crate::Client;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

/// A set of sub-requests to send in one call.
#[derive(Debug, Default, Clone)]
pub struct Bundle {
    requests: Vec<SubRequest>,
    /// Each sub-request's decoder of its output type, by position.
    decoders: Vec<DecodeFn>,
}

/// One sub-request, as sent.
#[derive(Debug, Clone, PartialEq)]
pub struct SubRequest {
    pub resource_type: String,
    pub keys: Keys,
    pub query: Query,
    pub version: Option<String>,
    pub shape: Shape,
}

impl SubRequest {
    /// This sub-request as the wire types write it.
    pub fn to_wire(&self, sequence_number: u32, default_version: &str) -> wire::BundleRequest {
        let q = &self.query;
        let filters = (q.conditions.is_some()
            || q.child_conditions.is_some()
            || q.custom_field_conditions.is_some()
            || q.order_by.is_some())
        .then(|| wire::Filters {
            conditions: q.conditions.clone(),
            child_conditions: q.child_conditions.clone(),
            custom_field_conditions: q.custom_field_conditions.clone(),
            order_by: q.order_by.clone(),
        });
        let page = (q.page.is_some() || q.page_size.is_some() || q.page_id.is_some()).then_some(
            wire::Page {
                page: q.page,
                page_size: q.page_size,
                page_id: q.page_id,
            },
        );
        wire::BundleRequest {
            version: Some(
                self.version
                    .clone()
                    .unwrap_or_else(|| default_version.to_owned()),
            ),
            sequence_number,
            resource_type: self.resource_type.clone(),
            api_request: wire::ApiRequest {
                id: self.keys.id,
                parent_id: self.keys.parent_id,
                grand_parent_id: self.keys.grand_parent_id,
                filters,
                page,
                fields: q.fields.clone(),
            },
        }
    }
}

/// Something that can be pushed into a [`Bundle`]: the typed reads (lists, gets, counts)
/// and [`RawRequest`]. The API's bundles only read, so writes do not implement it.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot go into a bundle: the API's bundles only read",
    label = "not a list, get-by-id or count request",
    note = "send writes and actions one by one with `client.send(..)`"
)]
pub trait BundleItem {
    /// What the sub-result decodes into: `Vec<Model>` for lists, `Model` for get-by-id.
    type Output: DeserializeOwned + Send + 'static;
    /// The sub-request, without its sequence number.
    fn into_sub_request(self) -> SubRequest;
}

/// The typed requests' sub-request: `resourceType` from the registry.
macro_rules! typed_sub_request {
    ($request:expr, $shape:expr) => {
        SubRequest {
            resource_type: $request.resource().info().resource_type.to_owned(),
            keys: $request.keys(),
            query: $request.query().clone(),
            version: $request.version_ref().map(str::to_owned),
            shape: $shape,
        }
    };
}

impl<T: DeserializeOwned + Send + 'static> BundleItem for ListRequest<T> {
    type Output = Vec<T>;
    fn into_sub_request(self) -> SubRequest {
        typed_sub_request!(self, Shape::List)
    }
}

impl<T: DeserializeOwned + Send + 'static> BundleItem for GetRequest<T> {
    type Output = T;
    fn into_sub_request(self) -> SubRequest {
        typed_sub_request!(self, Shape::One)
    }
}

impl<T> BundleItem for CountRequest<T> {
    type Output = u64;
    fn into_sub_request(self) -> SubRequest {
        typed_sub_request!(self, Shape::Count)
    }
}

impl<T: DeserializeOwned + Send + 'static> BundleItem for RawRequest<T> {
    type Output = T;
    fn into_sub_request(self) -> SubRequest {
        SubRequest {
            resource_type: self.resource_type,
            keys: self.keys,
            query: self.query,
            version: self.version,
            shape: self.shape,
        }
    }
}

/// Names one sub-request's result in [`BundleResults`]; `T` is what it decodes into.
pub struct Handle<T> {
    sequence_number: u32,
    _output: PhantomData<fn() -> T>,
}

impl<T> Handle<T> {
    /// The sub-request's sequence number (1-based, in push order).
    pub fn sequence_number(&self) -> u32 {
        self.sequence_number
    }
}

impl<T> fmt::Debug for Handle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Handle({})", self.sequence_number)
    }
}

impl Bundle {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a sub-request; its sequence number is its position, from 1.
    pub fn push<R: BundleItem>(&mut self, request: R) -> Handle<R::Output> {
        self.requests.push(request.into_sub_request());
        self.decoders.push(envelope::decode_prefix::<R::Output>);
        Handle {
            sequence_number: self.requests.len() as u32,
            _output: PhantomData,
        }
    }

    /// Number of sub-requests.
    pub fn len(&self) -> usize {
        self.requests.len()
    }

    pub fn is_empty(&self) -> bool {
        self.requests.is_empty()
    }

    /// The sub-requests, in order.
    pub fn requests(&self) -> &[SubRequest] {
        &self.requests
    }

    /// The body of `POST /system/bundles`: every read (not the counts), with `version`
    /// defaulting to `default_version` (the client's).
    pub fn to_json(&self, default_version: &str) -> Vec<u8> {
        self.body_of(
            default_version,
            &self.positions(|shape| shape != Shape::Count),
        )
    }

    /// The body of `POST /system/bundles/count`: every count.
    pub fn count_json(&self, default_version: &str) -> Vec<u8> {
        self.body_of(
            default_version,
            &self.positions(|shape| shape == Shape::Count),
        )
    }

    /// The positions (0-based) of the sub-requests `which` selects.
    fn positions(&self, which: impl Fn(Shape) -> bool) -> Vec<usize> {
        (0..self.requests.len())
            .filter(|&i| which(self.requests[i].shape))
            .collect()
    }

    /// The sub-requests at `positions`, each with its own sequence number (its position in
    /// the whole bundle), as the wire types write them.
    fn body_of(&self, default_version: &str, positions: &[usize]) -> Vec<u8> {
        let requests = positions
            .iter()
            .filter_map(|&i| Some(self.requests.get(i)?.to_wire(i as u32 + 1, default_version)))
            .collect();
        // Serializing plain structs of strings and integers cannot fail.
        serde_json::to_vec(&wire::BundleRequests { requests }).unwrap_or_default()
    }

    /// Sends the bundle: its reads to `POST /system/bundles` and its counts to
    /// `POST /system/bundles/count`, each in calls of at most the client's
    /// [`max_bundle_size`](crate::ClientBuilder::max_bundle_size) sub-requests, every call at
    /// once, and decodes and merges the envelopes. An empty bundle sends nothing.
    pub async fn send(self, client: &Client) -> Result<BundleResults, Error> {
        self.send_split(client, true).await
    }

    /// [`send`](Self::send); `typed`: decode each result in the one pass (else leave every
    /// result's entities raw, for [`send_all`](Self::send_all)'s later pages).
    async fn send_split(&self, client: &Client, typed: bool) -> Result<BundleResults, Error> {
        let version = client.api_version();
        let max = client.max_bundle_size().max(1);
        let reads = self.positions(|s| s != Shape::Count);
        let counts = self.positions(|s| s == Shape::Count);
        let (read_url, count_url) = (client.bundle_url(), client.bundle_count_url());
        let calls = reads
            .chunks(max)
            .map(|chunk| (chunk, &read_url))
            .chain(counts.chunks(max).map(|chunk| (chunk, &count_url)))
            .map(|(chunk, url)| async move {
                let bytes = client
                    .post_bundle(url, self.body_of(version, chunk))
                    .await?;
                if typed {
                    self.decode_response(bytes, url)
                } else {
                    BundleResults::decode(bytes, &self.requests, url)
                }
            });
        let answers = futures_util::future::try_join_all(calls).await?;
        let mut results = BundleResults::empty(&self.requests);
        for answer in answers {
            results.absorb(answer)?;
        }
        Ok(results)
    }

    /// Sends the bundle with every list sub-request read whole, every page of it, in two
    /// round trips: first each list's first page (`page_size` 1000 unless the sub-request
    /// sets one) with the other sub-requests, and at the same time each list's count; then
    /// every remaining page of every list at once (split only by
    /// [`max_bundle_size`](crate::ClientBuilder::max_bundle_size)). `take` of a list gives
    /// all its rows, in page order; a list fails on its own if one of its pages or its count
    /// fails. Page-number paging: rows created, deleted or moved between the two round trips
    /// may be missed or seen twice.
    pub async fn send_all(self, client: &Client) -> Result<BundleResults, Error> {
        let n = self.requests.len();
        let mut first = self.clone();
        // (position, page size, first page) of each list.
        let mut lists = Vec::new();
        for i in 0..n {
            if first.requests[i].shape != Shape::List {
                continue;
            }
            let q = &mut first.requests[i].query;
            let page_size = q.page_size.unwrap_or(MAX_PAGE_SIZE).clamp(1, MAX_PAGE_SIZE);
            let page = q.page.unwrap_or(1).max(1);
            q.page_size = Some(page_size);
            q.page = Some(page);
            q.page_id = None;
            let mut count = first.requests[i].clone();
            count.shape = Shape::Count;
            count.query.page = None;
            count.query.page_size = None;
            count.query.fields = None;
            count.query.order_by = None;
            first.requests.push(count);
            first.decoders.push(envelope::decode_prefix::<u64>);
            lists.push((i, page_size, page));
        }
        let mut results = first.send_split(client, true).await?;
        // The remaining pages: (list's position, page).
        let mut rest = Bundle::new();
        let mut owners = Vec::new();
        for (k, &(i, page_size, page)) in lists.iter().enumerate() {
            let seq = (i + 1) as u32;
            if !results.results.get(&seq).is_some_and(|s| s.success) {
                continue;
            }
            let count = results
                .results
                .get(&((n + k + 1) as u32))
                .filter(|s| s.success)
                .and_then(|s| s.count);
            let Some(count) = count else {
                // Without a count the pages are unknown: the list fails with the count's error.
                let (status_code, error) = results
                    .results
                    .get(&((n + k + 1) as u32))
                    .map(|s| (s.status_code, s.error.clone()))
                    .unwrap_or((500, None));
                if let Some(slot) = results.results.get_mut(&seq) {
                    slot.success = false;
                    slot.status_code = status_code;
                    slot.error = error;
                }
                continue;
            };
            let skipped = u64::from(page - 1) * u64::from(page_size);
            let pages = count.saturating_sub(skipped).div_ceil(u64::from(page_size));
            for p in u64::from(page) + 1..u64::from(page) + pages {
                let mut sub = first.requests[i].clone();
                sub.query.page = Some(p as u32);
                rest.requests.push(sub);
                rest.decoders.push(envelope::decode_prefix::<()>);
                owners.push(seq);
            }
        }
        if !rest.is_empty() {
            let mut more = rest.send_split(client, false).await?;
            // Each list's pages, in order: (body, start, end) ranges; a body of the second
            // round is numbered `usize::MAX - i`.
            let mut pages: BTreeMap<u32, Vec<(usize, usize, usize)>> = BTreeMap::new();
            for (j, &owner) in owners.iter().enumerate() {
                let Some(failed) = results.results.get(&owner).map(|s| !s.success) else {
                    continue;
                };
                if failed {
                    continue;
                }
                let page = more.results.remove(&((j + 1) as u32));
                match page {
                    Some(p) if p.success => {
                        let entry = pages.entry(owner).or_insert_with(|| {
                            results
                                .results
                                .get(&owner)
                                .and_then(|s| s.entities)
                                .into_iter()
                                .collect()
                        });
                        if let Some((b, a, z)) = p.entities {
                            entry.push((usize::MAX - b, a, z));
                        }
                    }
                    other => {
                        if let Some(slot) = results.results.get_mut(&owner) {
                            slot.success = false;
                            let (status_code, error) = other
                                .map(|p| (p.status_code, p.error))
                                .unwrap_or((500, None));
                            slot.status_code = status_code;
                            slot.error = error;
                        }
                        pages.remove(&owner);
                    }
                }
            }
            for (owner, ranges) in pages {
                if results.results.get(&owner).is_some_and(|s| !s.success) {
                    continue;
                }
                let mut joined = vec![b'['];
                for (b, a, z) in ranges {
                    let bytes: &[u8] = if b > usize::MAX / 2 {
                        &more.bodies[usize::MAX - b][a..z]
                    } else {
                        &results.bodies[b][a..z]
                    };
                    let t = bytes.trim_ascii();
                    let inner = match t.first() {
                        Some(b'[') => t[1..t.len().saturating_sub(1).max(1)].trim_ascii(),
                        Some(b'{') => t,
                        _ => &[],
                    };
                    if !inner.is_empty() {
                        if joined.len() > 1 {
                            joined.push(b',');
                        }
                        joined.extend_from_slice(inner);
                    }
                }
                joined.push(b']');
                let body = results.bodies.len();
                let len = joined.len();
                results.bodies.push(joined);
                if let Some(slot) = results.results.get_mut(&owner) {
                    slot.entities = Some((body, 0, len));
                    slot.typed = None;
                }
            }
        }
        // Only the caller's sub-requests remain.
        results.results.retain(|&seq, _| seq as usize <= n);
        results.sent.truncate(n);
        Ok(results)
    }

    /// Decodes a response body to this bundle, as [`send`](Self::send) does: each result's
    /// entities straight into the type its sub-request asked for, in the one pass over the
    /// body. `url` is for error messages.
    pub fn decode_response(&self, body: Vec<u8>, url: &str) -> Result<BundleResults, Error> {
        let decoder = |seq: u32| {
            let i = (seq as usize).checked_sub(1)?;
            Some((*self.decoders.get(i)?, self.requests.get(i)?.shape))
        };
        BundleResults::decode_with(body, &self.requests, &decoder, url)
    }
}

/// A [`Bundle`] with the code that takes each typed result out of the response: what
/// `bundle!` builds. `send` returns `take`'s output, for `bundle!` a tuple with one
/// `Result<T, ItemError>` per sub-request, in order.
pub struct TypedBundle<F> {
    bundle: Bundle,
    take: F,
}

impl<F, O> TypedBundle<F>
where
    F: FnOnce(&mut BundleResults) -> O,
{
    /// `take` receives the decoded results once the bundle has been sent.
    pub fn new(bundle: Bundle, take: F) -> Self {
        TypedBundle { bundle, take }
    }

    /// The sub-requests, as they will be sent.
    pub fn bundle(&self) -> &Bundle {
        &self.bundle
    }

    /// The bundle and the taker, apart.
    pub fn into_parts(self) -> (Bundle, F) {
        (self.bundle, self.take)
    }

    /// Sends the bundle in one call; transport and envelope errors are the outer `Error`,
    /// each sub-request's own failure is in its slot of the output.
    pub async fn send(self, client: &Client) -> Result<O, Error> {
        let mut results = self.bundle.send(client).await?;
        Ok((self.take)(&mut results))
    }

    /// Sends the bundle with every list read whole, every page of it
    /// ([`Bundle::send_all`]: two round trips, three calls when the bundle size limit
    /// allows); the output is [`send`](Self::send)'s, each list's `Vec` holding all its rows.
    pub async fn send_all(self, client: &Client) -> Result<O, Error> {
        let mut results = self.bundle.send_all(client).await?;
        Ok((self.take)(&mut results))
    }
}

impl<F> fmt::Debug for TypedBundle<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("TypedBundle").field(&self.bundle).finish()
    }
}

/// The decoded envelope of a bundle response. Take each sub-result out with its [`Handle`].
pub struct BundleResults {
    /// The response bodies (one per call: the reads, the counts).
    bodies: Vec<Vec<u8>>,
    /// Sequence number -> result.
    results: BTreeMap<u32, ResultSlot>,
    /// What was sent, by sequence number - 1.
    sent: Vec<(String, Shape)>,
    info: BTreeMap<String, serde_json::Value>,
}

/// One sub-result: its entities as a byte range of the body, and already decoded when the
/// one pass could.
struct ResultSlot {
    success: bool,
    status_code: u16,
    error: Option<ApiError>,
    /// Which body, and the byte range of the entities in it.
    entities: Option<(usize, usize, usize)>,
    typed: Option<AnyValue>,
    count: Option<u64>,
}

impl fmt::Debug for ResultSlot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResultSlot")
            .field("success", &self.success)
            .field("status_code", &self.status_code)
            .field("error", &self.error)
            .field("entities", &self.entities)
            .field("decoded", &self.typed.is_some())
            .field("count", &self.count)
            .finish()
    }
}

impl fmt::Debug for BundleResults {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BundleResults")
            .field("results", &self.results)
            .field("info", &self.info)
            .finish()
    }
}

impl BundleResults {
    fn empty(sent: &[SubRequest]) -> Self {
        BundleResults {
            bodies: Vec::new(),
            results: BTreeMap::new(),
            sent: sent
                .iter()
                .map(|s| (s.resource_type.clone(), s.shape))
                .collect(),
            info: BTreeMap::new(),
        }
    }

    /// Takes in the results of another call of the same bundle (a part of its reads, its
    /// counts): their bodies, their results (a sequence number in both is a protocol error)
    /// and their `_info`: totals (`success`, `failure`, `total`) are added up.
    fn absorb(&mut self, other: BundleResults) -> Result<(), Error> {
        let offset = self.bodies.len();
        self.bodies.extend(other.bodies);
        for (seq, mut slot) in other.results {
            slot.entities = slot
                .entities
                .map(|(b, start, end)| (b + offset, start, end));
            if self.results.insert(seq, slot).is_some() {
                return Err(Error::Protocol(format!(
                    "sequenceNumber {seq} appears in the answers to two calls of one bundle"
                )));
            }
        }
        for (k, v) in other.info {
            match self.info.get_mut(&k) {
                None => {
                    self.info.insert(k, v);
                }
                Some(mine) => {
                    if let (Some(a), Some(b)) = (info_number(mine), info_number(&v)) {
                        // As the API writes them: strings.
                        *mine = serde_json::Value::from((a + b).to_string());
                    }
                }
            }
        }
        Ok(())
    }

    /// Decodes a response body for the sub-requests `sent`, leaving every result's entities
    /// to be decoded on [`take`](Self::take); `url` is for error messages. A [`Bundle`]
    /// decodes its own responses faster, in one pass ([`Bundle::decode_response`]).
    pub fn decode(body: Vec<u8>, sent: &[SubRequest], url: &str) -> Result<Self, Error> {
        Self::decode_with(body, sent, &|_| None, url)
    }

    fn decode_with(
        body: Vec<u8>,
        sent: &[SubRequest],
        decoder: &dyn Fn(u32) -> Option<(DecodeFn, crate::request::Shape)>,
        url: &str,
    ) -> Result<Self, Error> {
        let envelope = envelope::walk(&body, decoder).map_err(|e| Error::Decode {
            url: url.to_owned(),
            path: e.path,
            message: e.message,
        })?;
        let mut results = BTreeMap::new();
        for (i, r) in envelope.results.into_iter().enumerate() {
            let Some(seq) = r.sequence_number else {
                return Err(Error::Protocol(format!(
                    "results[{i}] has no sequenceNumber"
                )));
            };
            if seq == 0 || seq as usize > sent.len() {
                return Err(Error::Protocol(format!(
                    "results[{i}] has sequenceNumber {seq}, but {} sub-requests were sent",
                    sent.len()
                )));
            }
            let status_code = r
                .status_code
                .unwrap_or(if r.error.is_some() { 500 } else { 200 });
            let success = r
                .success
                .unwrap_or(r.error.is_none() && (200..300).contains(&status_code));
            let (entities, typed) = match r.entities {
                Some(e) => (Some((0, e.range.0, e.range.1)), e.typed),
                None => (None, None),
            };
            let slot = ResultSlot {
                success,
                status_code,
                error: r.error,
                entities,
                typed,
                count: r.count,
            };
            if results.insert(seq, slot).is_some() {
                return Err(Error::Protocol(format!(
                    "sequenceNumber {seq} appears twice in the response"
                )));
            }
        }
        let info = envelope.info;
        Ok(BundleResults {
            sent: sent
                .iter()
                .map(|s| (s.resource_type.clone(), s.shape))
                .collect(),
            bodies: vec![body],
            results,
            info,
        })
    }

    /// The envelope's `_info` (`success`, `failure`, `total` counts, as the API sent them).
    pub fn info(&self) -> &BTreeMap<String, serde_json::Value> {
        &self.info
    }

    /// The `count` the API reported for a sub-result.
    pub fn count<T>(&self, handle: &Handle<T>) -> Option<u64> {
        self.results.get(&handle.sequence_number)?.count
    }

    /// The sub-result's status code (what the individual endpoint would have answered).
    pub fn status_code<T>(&self, handle: &Handle<T>) -> Option<u16> {
        Some(self.results.get(&handle.sequence_number)?.status_code)
    }

    /// One sub-result, in its type: the value decoded when the response was read, or decoded
    /// now. A second take of the same handle decodes it again.
    pub fn take<T: DeserializeOwned + 'static>(
        &mut self,
        handle: Handle<T>,
    ) -> Result<T, ItemError> {
        let seq = handle.sequence_number;
        if let Some(slot) = self.results.get_mut(&seq).filter(|s| s.success) {
            // Not of type `T` only for a handle of another bundle: decode it as `T` then.
            if let Some(Ok(value)) = slot.typed.take().map(|v| v.downcast::<T>()) {
                return Ok(*value);
            }
        }
        self.decode_one(seq)
    }

    /// A list sub-result entity by entity, in the order the API sent them: each entity that
    /// decodes into its model, and an [`EntityError`] (its index, the path in it, serde's
    /// message) for each one that does not. Where [`take`](Self::take) fails the whole list
    /// for one entity that cannot be decoded, `take_each` loses only that entity.
    ///
    /// The models already take the commonest spec drift (a number in a string, and the like:
    /// see the README's "Spec drift"), so an entity fails only when a value cannot be
    /// converted without loss (`"id": "5.5"`, `"closedFlag": "yes"`) or has the wrong shape
    /// (an object where a number was expected). The sub-request's own failures (the API's
    /// error, no result) are the outer [`ItemError`], as with `take`. When every entity
    /// decodes, this is `take`'s value (no second decoding), each in `Ok`.
    ///
    /// ```no_run
    /// # async fn f(client: &connectwise::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// use connectwise::{models::Ticket, Bundle};
    /// let mut bundle = Bundle::new();
    /// let tickets = bundle.push(Ticket::list().page_size(1000));
    /// let mut results = bundle.send(client).await?;
    /// let mut good: Vec<Ticket> = Vec::new();
    /// for ticket in results.take_each(tickets)? {
    ///     match ticket {
    ///         Ok(ticket) => good.push(ticket),
    ///         Err(e) => eprintln!("skipped ticket [{}] at {}: {}", e.index, e.path, e.message),
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub fn take_each<M: DeserializeOwned + 'static>(
        &mut self,
        handle: Handle<Vec<M>>,
    ) -> Result<Vec<Result<M, EntityError>>, ItemError> {
        let seq = handle.sequence_number;
        let all_ok = |all: Vec<M>| all.into_iter().map(Ok).collect();
        if let Some(slot) = self.results.get_mut(&seq).filter(|s| s.success) {
            // Decoded in the one pass: every entity decoded.
            if let Some(Ok(value)) = slot.typed.take().map(|v| v.downcast::<Vec<M>>()) {
                return Ok(all_ok(*value));
            }
        }
        let Some(raw) = self.list_entities(seq) else {
            // A failed or missing sub-result, or not a list: as `take` reports it.
            return self.decode_one::<Vec<M>>(seq).map(all_ok);
        };
        let items: Vec<&[u8]> = match raw.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'[') => match serde_json::from_slice::<Vec<&RawValue>>(raw) {
                Ok(items) => items.into_iter().map(|i| i.get().as_bytes()).collect(),
                // Not an array of JSON values: as `take` reports it.
                Err(_) => return self.decode_one::<Vec<M>>(seq).map(all_ok),
            },
            // One object where a list was expected.
            Some(b'{') => vec![raw],
            Some(b'n') | None => Vec::new(),
            Some(_) => return self.decode_one::<Vec<M>>(seq).map(all_ok),
        };
        let resource_type = self
            .sent
            .get(seq as usize - 1)
            .map(|(r, _)| r.clone())
            .unwrap_or_default();
        Ok(items
            .into_iter()
            .enumerate()
            .map(|(index, item)| {
                crate::error::decode_json::<M>(item).map_err(|(path, message)| EntityError {
                    sequence_number: seq,
                    resource_type: resource_type.clone(),
                    index,
                    path,
                    message,
                })
            })
            .collect())
    }

    /// The raw entities of a successful list sub-result (`null` when it sent none), as
    /// [`take_each`](Self::take_each) splits them; `None` for anything else.
    fn list_entities(&self, seq: u32) -> Option<&[u8]> {
        let (_, shape) = self.sent.get((seq as usize).checked_sub(1)?)?;
        let slot = self.results.get(&seq).filter(|s| s.success)?;
        if *shape != Shape::List {
            return None;
        }
        Some(match slot.entities {
            Some((body, a, b)) => self.bodies.get(body)?.get(a..b)?,
            None => b"null",
        })
    }

    fn decode_one<T: DeserializeOwned>(&self, seq: u32) -> Result<T, ItemError> {
        let (resource_type, shape) = self
            .sent
            .get(seq as usize - 1)
            .cloned()
            .unwrap_or_else(|| (String::new(), Shape::List));
        let fail = |kind| ItemError {
            sequence_number: seq,
            resource_type: resource_type.clone(),
            kind,
        };
        let Some(slot) = self.results.get(&seq) else {
            return Err(fail(ItemErrorKind::Missing));
        };
        if !slot.success {
            return Err(fail(ItemErrorKind::Api {
                status_code: slot.status_code,
                error: slot.error.clone().unwrap_or_default(),
            }));
        }
        if shape == Shape::Count {
            let count = slot.count.ok_or_else(|| fail(ItemErrorKind::Empty))?;
            return crate::error::decode_json(count.to_string().as_bytes())
                .map_err(|(path, message)| fail(ItemErrorKind::Decode { path, message }));
        }
        let raw: &[u8] = match slot.entities {
            Some((body, a, b)) => &self.bodies[body][a..b],
            None => b"null",
        };
        decode_entities(raw, shape).map_err(fail)
    }
}

/// A number of `_info`, sent as a string or a number.
fn info_number(v: &serde_json::Value) -> Option<u64> {
    match v {
        serde_json::Value::Number(n) => n.as_u64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Decodes a result's raw entities as `shape` asks: a list from an array, a single object
/// or null; one entity from an object or a one-element array.
pub(crate) fn decode_entities<T: DeserializeOwned>(
    raw: &[u8],
    shape: Shape,
) -> Result<T, ItemErrorKind> {
    let first = raw.iter().copied().find(|b| !b.is_ascii_whitespace());
    let decode = |bytes: &[u8]| -> Result<T, ItemErrorKind> {
        crate::error::decode_json(bytes)
            .map_err(|(path, message)| ItemErrorKind::Decode { path, message })
    };
    match (shape, first) {
        (Shape::List, Some(b'[')) | (Shape::One, Some(b'{')) => decode(raw),
        (Shape::List, Some(b'{')) => {
            // One object where a list was expected.
            let mut wrapped = Vec::with_capacity(raw.len() + 2);
            wrapped.push(b'[');
            wrapped.extend_from_slice(raw);
            wrapped.push(b']');
            decode(&wrapped)
        }
        (Shape::List, Some(b'n')) | (Shape::List, None) => decode(b"[]"),
        (Shape::One, Some(b'[')) => {
            // A one-element list where one object was expected.
            let items: Vec<&RawValue> =
                serde_json::from_slice(raw).map_err(|e| ItemErrorKind::Decode {
                    path: ".".into(),
                    message: e.to_string(),
                })?;
            match items.first() {
                Some(item) => decode(item.get().as_bytes()),
                None => Err(ItemErrorKind::Empty),
            }
        }
        (Shape::One, Some(b'n')) | (Shape::One, None) => Err(ItemErrorKind::Empty),
        _ => decode(raw),
    }
}
