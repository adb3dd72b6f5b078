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
//! A sub-request names its resource only by `resourceType` and ids. A typed read whose
//! `resourceType` and ids are also another read's (`member_with_sso` and `member`: see
//! [`ResourceInfo::list_clash`](crate::registry::ResourceInfo::list_clash)) is not sent: its
//! result is [`ItemErrorKind::Clash`], and `bundle!` refuses it at compile time.
//!
//! The response is read in one pass (see `envelope.rs`): each result's entities are decoded
//! straight into the model type the sub-request asked for, as the pass reaches them, with no
//! detour through `serde_json::Value`; [`BundleResults::take`] hands the value over. Results
//! in an unusual order or shape are decoded on `take` instead, with the same tolerance.
//! [`Bundle::send`] runs that pass while the body arrives ([`Bundle::decoder`]): a result is
//! decoded as soon as its last byte is in and its bytes are dropped, so the whole body is
//! never held; only the entities left for `take` are kept.

use crate::envelope::{self, AnyValue, DecodeFn, DecodeWholeFn};
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
    /// The same, from the entities cut out (`send_all` decodes them off the walk).
    wholes: Vec<DecodeWholeFn>,
    /// Each sub-request's joiner of pages (lists only), by position: `send_all` joins the
    /// decoded rows of a list's pages without decoding them again.
    joins: Vec<Option<PageJoin>>,
}

/// Appends the decoded rows of a later page (`Vec<T>`) to those of the first (the same
/// type); `false` when either is not a `Vec<T>`.
#[doc(hidden)]
#[derive(Clone, Copy)]
pub struct PageJoin(fn(&mut AnyValue, AnyValue) -> bool);

impl fmt::Debug for PageJoin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PageJoin")
    }
}

impl PageJoin {
    fn of<T: Send + 'static>() -> Self {
        PageJoin(
            |into, more| match (into.downcast_mut::<Vec<T>>(), more.downcast::<Vec<T>>()) {
                (Some(into), Ok(more)) => {
                    into.extend(*more);
                    true
                }
                _ => false,
            },
        )
    }
}

/// The decoder of a sub-request whose entities are left as bytes.
fn undecoded(_: &[u8], _: Shape) -> Option<(AnyValue, usize)> {
    None
}

/// [`undecoded`], for the entities cut out.
fn undecoded_whole(_: &[u8], _: Shape) -> Option<AnyValue> {
    None
}

/// One sub-request, as sent.
#[derive(Debug, Clone, PartialEq)]
pub struct SubRequest {
    /// The bundle's name for the resource, such as `service/tickets`.
    pub resource_type: String,
    /// The parent and record ids in its path.
    pub keys: Keys,
    /// Conditions, ordering, fields and paging.
    pub query: Query,
    /// The API version for this sub-request, when it differs from the client's.
    pub version: Option<String>,
    /// Whether the answer is a list, one record or a count.
    pub shape: Shape,
    /// Another read of the spec the API would take this sub-request for (the same
    /// `resourceType` and ids: see [`ResourceInfo::list_clash`](crate::registry::ResourceInfo::list_clash)).
    /// Such a sub-request is not sent; its result is [`ItemErrorKind::Clash`].
    pub clash: Option<&'static str>,
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

    /// How [`Bundle::send_all`] joins the decoded rows of a list's pages: `None` (the
    /// default) joins their bytes and decodes the whole list on `take`.
    #[doc(hidden)]
    fn page_join() -> Option<PageJoin> {
        None
    }
}

/// The typed requests' sub-request: `resourceType` from the registry.
macro_rules! typed_sub_request {
    ($request:expr, $shape:expr) => {{
        let info = $request.resource().info();
        SubRequest {
            resource_type: info.resource_type.to_owned(),
            keys: $request.keys(),
            query: $request.query().clone(),
            version: $request.version_ref().map(str::to_owned),
            shape: $shape,
            clash: match $shape {
                Shape::One => info.get_clash,
                Shape::List | Shape::Count => info.list_clash,
            },
        }
    }};
}

impl<T: DeserializeOwned + Send + 'static> BundleItem for ListRequest<T> {
    type Output = Vec<T>;
    fn into_sub_request(self) -> SubRequest {
        typed_sub_request!(self, Shape::List)
    }
    fn page_join() -> Option<PageJoin> {
        Some(PageJoin::of::<T>())
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
            clash: None,
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
    /// An empty bundle.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a sub-request; its sequence number is its position, from 1.
    pub fn push<R: BundleItem>(&mut self, request: R) -> Handle<R::Output> {
        self.requests.push(request.into_sub_request());
        self.decoders.push(envelope::decode_prefix::<R::Output>);
        self.wholes.push(envelope::decode_whole::<R::Output>);
        self.joins.push(R::page_join());
        Handle {
            sequence_number: self.requests.len() as u32,
            _output: PhantomData,
        }
    }

    /// Number of sub-requests.
    pub fn len(&self) -> usize {
        self.requests.len()
    }

    /// Whether no sub-request has been added.
    pub fn is_empty(&self) -> bool {
        self.requests.is_empty()
    }

    /// The sub-requests, in order.
    pub fn requests(&self) -> &[SubRequest] {
        &self.requests
    }

    /// The body of `POST /system/bundles`: every read (not the counts, nor a read that
    /// clashes with another: see [`SubRequest::clash`]), with `version` defaulting to
    /// `default_version` (the client's).
    pub fn to_json(&self, default_version: &str) -> Vec<u8> {
        self.body_of(
            default_version,
            &self.positions(|shape| shape != Shape::Count),
        )
    }

    /// The body of `POST /system/bundles/count`: every count (but those that clash).
    pub fn count_json(&self, default_version: &str) -> Vec<u8> {
        self.body_of(
            default_version,
            &self.positions(|shape| shape == Shape::Count),
        )
    }

    /// The positions (0-based) of the sub-requests `which` selects, but for those that
    /// clash with another read (never sent).
    fn positions(&self, which: impl Fn(Shape) -> bool) -> Vec<usize> {
        (0..self.requests.len())
            .filter(|&i| self.requests[i].clash.is_none() && which(self.requests[i].shape))
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
    /// once, and decodes and merges the envelopes. An empty bundle sends nothing; a
    /// sub-request that clashes with another read ([`SubRequest::clash`]) is not sent, and
    /// its result is [`ItemErrorKind::Clash`].
    pub async fn send(self, client: &Client) -> Result<BundleResults, Error> {
        self.send_split(client, true, false).await
    }

    /// [`send`](Self::send); `typed`: decode each result as the response arrives (else
    /// leave every result's entities raw, for [`send_all`](Self::send_all)'s later pages);
    /// `keep`: keep the bytes of the decoded entities too (`send_all` joins a list's first
    /// page with the others), and decode each result's entities on a blocking thread of
    /// their own as soon as they are in, at most one a core at once (`send_all`'s pages are
    /// large: one body's pages are decoded side by side while the rest of it arrives).
    async fn send_split(
        &self,
        client: &Client,
        typed: bool,
        keep: bool,
    ) -> Result<BundleResults, Error> {
        self.send_part(client, typed, keep, |_| true).await
    }

    /// [`send_split`](Self::send_split) of the sub-requests whose shape is `which`'s only
    /// (the others have no result).
    async fn send_part(
        &self,
        client: &Client,
        typed: bool,
        keep: bool,
        which: impl Fn(Shape) -> bool,
    ) -> Result<BundleResults, Error> {
        let version = client.api_version();
        let max = client.max_bundle_size().max(1);
        let reads = self.positions(|s| s != Shape::Count && which(s));
        let counts = self.positions(|s| s == Shape::Count && which(s));
        let (read_url, count_url) = (client.bundle_url(), client.bundle_count_url());
        let calls = reads
            .chunks(max)
            .map(|chunk| (chunk, &read_url))
            .chain(counts.chunks(max).map(|chunk| (chunk, &count_url)))
            .map(|(chunk, url)| {
                let body = self.body_of(version, chunk);
                let decoder = self.decoder_with(url, typed, keep);
                async move {
                    let answer = client.post_bundle(url, body).await?;
                    // Read and decoded on a task of its own: a body that arrives faster
                    // than it decodes never yields, and would hold up the other calls' bodies
                    // (and, in `send_all`, the second round) until it is done.
                    read_and_decode(client.clone(), url.to_owned(), answer, decoder).await
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
    /// sets one) with the other sub-requests, and at the same time each list's count; then,
    /// as soon as the counts are in (the first pages may still be arriving), every remaining
    /// page of every list at once (split only by
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
            if first.requests[i].shape != Shape::List || first.requests[i].clash.is_some() {
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
            first.wholes.push(envelope::decode_whole::<u64>);
            first.joins.push(None);
            lists.push((i, page_size, page));
        }
        // The first pages, and at the same time the counts; the remaining pages as soon as
        // the counts are in (while the first pages may still be arriving).
        let first_pages = first.send_part(client, true, true, |s| s != Shape::Count);
        let counts_then_rest = async {
            let counts = first
                .send_part(client, true, true, |s| s == Shape::Count)
                .await?;
            // The remaining pages: (list's position, page).
            let mut rest = Bundle::new();
            let mut owners = Vec::new();
            for (k, &(i, page_size, page)) in lists.iter().enumerate() {
                let count = counts
                    .results
                    .get(&((n + k + 1) as u32))
                    .filter(|s| s.success)
                    .and_then(|s| s.count);
                let Some(count) = count else {
                    continue;
                };
                let skipped = u64::from(page - 1) * u64::from(page_size);
                let pages = count.saturating_sub(skipped).div_ceil(u64::from(page_size));
                for p in u64::from(page) + 1..u64::from(page) + pages {
                    let mut sub = first.requests[i].clone();
                    sub.query.page = Some(p as u32);
                    rest.requests.push(sub);
                    // Decoded as they arrive where the rows can be joined, else kept as bytes.
                    let join = first.joins[i];
                    rest.decoders
                        .push(join.map_or(undecoded, |_| first.decoders[i]));
                    rest.wholes
                        .push(join.map_or(undecoded_whole, |_| first.wholes[i]));
                    rest.joins.push(join);
                    owners.push((i + 1) as u32);
                }
            }
            // Typed, so each page is decoded as soon as it is in; its bytes kept too, for a list
            // whose pages cannot all be joined as rows (then it is joined as bytes).
            let more = if rest.is_empty() {
                None
            } else {
                Some(rest.send_split(client, true, true).await?)
            };
            Ok::<_, Error>((counts, owners, more))
        };
        let (mut results, (counts, owners, more)) =
            futures_util::future::try_join(first_pages, counts_then_rest).await?;
        results.absorb(counts)?;
        for (k, &(i, _, _)) in lists.iter().enumerate() {
            let seq = (i + 1) as u32;
            let count = results.results.get(&((n + k + 1) as u32));
            if count.is_some_and(|c| c.success && c.count.is_some()) {
                continue;
            }
            // Without a count the pages are unknown: the list fails with the count's error.
            let (status_code, error) = count
                .map(|s| (s.status_code, s.error.clone()))
                .unwrap_or((500, None));
            if let Some(slot) = results.results.get_mut(&seq).filter(|s| s.success) {
                slot.success = false;
                slot.status_code = status_code;
                slot.error = error;
            }
        }
        if let Some(mut more) = more {
            // Each list's later pages, in order.
            let mut pages: BTreeMap<u32, Vec<ResultSlot>> = BTreeMap::new();
            for (j, &owner) in owners.iter().enumerate() {
                if !results.results.get(&owner).is_some_and(|s| s.success) {
                    continue;
                }
                match more.results.remove(&((j + 1) as u32)) {
                    Some(p) if p.success => pages.entry(owner).or_default().push(p),
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
            // The pages' bodies join the first round's.
            let offset = results.bodies.len();
            results.bodies.append(&mut more.bodies);
            for (owner, mut parts) in pages {
                for p in &mut parts {
                    p.entities = p.entities.map(|(b, a, z)| (b + offset, a, z));
                }
                let join = first.joins.get(owner as usize - 1).copied().flatten();
                let Some(slot) = results.results.get_mut(&owner) else {
                    continue;
                };
                if let Some(rows) = join.and_then(|join| join_rows(join, slot, &mut parts)) {
                    // Every page decoded and joined: their bytes are not needed again.
                    for (b, _, _) in slot
                        .entities
                        .iter()
                        .chain(parts.iter().filter_map(|p| p.entities.as_ref()))
                    {
                        if let Some(body) = results.bodies.get_mut(*b) {
                            *body = Vec::new();
                        }
                    }
                    slot.typed = Some(rows);
                    slot.entities = None;
                    slot.dropped = true;
                    continue;
                }
                let ranges = slot
                    .entities
                    .into_iter()
                    .chain(parts.iter().filter_map(|p| p.entities));
                let joined = join_bytes(&results.bodies, ranges);
                let body = results.bodies.len();
                let len = joined.len();
                results.bodies.push(joined);
                if let Some(slot) = results.results.get_mut(&owner) {
                    slot.entities = Some((body, 0, len));
                    slot.typed = None;
                    slot.dropped = false;
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

    /// A decoder of a response to this bundle that takes the body in pieces as they arrive
    /// (what [`send`](Self::send) does): each result's entities are decoded into the type
    /// its sub-request asked for as soon as the result's last byte is in, and its bytes are
    /// dropped. The outcome is that of [`decode_response`](Self::decode_response) on the
    /// whole body, except that a second [`take`](BundleResults::take) of a result decoded
    /// this way is [`ItemErrorKind::Taken`]. `url` is for error messages.
    pub fn decoder(&self, url: &str) -> BundleDecoder {
        self.decoder_with(url, true, false)
    }

    /// `keep` (`send_all`): the entities are kept as bytes, and each result's are decoded on
    /// a blocking thread of their own as soon as they are in (at most one a core at once), so
    /// that the results of one body are decoded side by side while the next bytes arrive.
    fn decoder_with(&self, url: &str, typed: bool, keep: bool) -> BundleDecoder {
        let shapes = self.requests.iter().map(|r| r.shape);
        let (walk, deferred) = match (typed, keep) {
            (false, _) => (Vec::new(), Vec::new()),
            (true, false) => (
                self.decoders.iter().copied().zip(shapes).collect(),
                Vec::new(),
            ),
            (true, true) => (
                Vec::new(),
                self.wholes.iter().copied().zip(shapes).collect(),
            ),
        };
        BundleDecoder {
            walker: envelope::StreamWalker::new(walk, keep),
            sent: sent_of(&self.requests),
            url: url.to_owned(),
            deferred,
            seen: 0,
            jobs: Vec::new(),
        }
    }
}

/// Decodes a bundle response while it arrives, from [`Bundle::decoder`]: [`feed`](Self::feed)
/// each piece of the body in order, then [`finish`](Self::finish). Holds the result being
/// received and the decoded values, never the whole body.
pub struct BundleDecoder {
    walker: envelope::StreamWalker,
    sent: Vec<Sent>,
    url: String,
    /// Decoder and shape of each sub-request (by sequence number - 1) whose entities are
    /// decoded off the walk, on a blocking thread each (empty: decoded in the walk).
    deferred: Vec<(DecodeWholeFn, Shape)>,
    /// The results already looked at for `deferred`.
    seen: usize,
    /// The decodes under way: (result's index, its kept body's index, the thread's answer:
    /// the value, and the bytes to give back). Dropped (the caller gave up): those still
    /// waiting for a place never start.
    jobs: Vec<(usize, usize, AbortOnDrop<DecodeJob>)>,
}

/// A deferred decode: waits for a place, then decodes on a blocking thread.
type DecodeJob = Result<Decoded, tokio::task::JoinError>;

/// The places for deferred decodes: as many as the machine has cores.
fn decode_places() -> &'static tokio::sync::Semaphore {
    static PLACES: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    PLACES.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        tokio::sync::Semaphore::new(cores)
    })
}

/// What a deferred decode gives back: the value (if the bytes held the expected shape) and
/// the bytes it read.
type Decoded = (Option<AnyValue>, Vec<u8>);

impl fmt::Debug for BundleDecoder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BundleDecoder")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl BundleDecoder {
    /// Takes in the next bytes of the body, decoding every result they complete. An error
    /// is the whole response's ([`Error::Decode`], with its path), as
    /// [`Bundle::decode_response`] would give it; every later call gives it again.
    pub fn feed(&mut self, bytes: &[u8]) -> Result<(), Error> {
        self.walker
            .feed(bytes)
            .map_err(|e| envelope_error(e, &self.url))?;
        self.start_deferred();
        Ok(())
    }

    /// Starts the deferred decode of every result walked since the last call.
    fn start_deferred(&mut self) {
        if self.deferred.is_empty() {
            return;
        }
        let walked = self.walker.results().len();
        for i in self.seen..walked {
            let r = &self.walker.results()[i];
            let Some(body) = r.entities.as_ref().and_then(|e| e.body) else {
                continue;
            };
            let Some(&(decode, shape)) = r
                .sequence_number
                .and_then(|seq| self.deferred.get((seq as usize).checked_sub(1)?))
            else {
                continue;
            };
            let bytes = self.walker.take_body(body);
            // At most a decode a core at once, every client's together, in the order the
            // pages came in (the semaphore is fair).
            let job = tokio::spawn(async move {
                let _place = decode_places().acquire().await;
                tokio::task::spawn_blocking(move || (decode(&bytes, shape), bytes)).await
            });
            self.jobs.push((i, body, AbortOnDrop(job)));
        }
        self.seen = walked;
    }

    /// [`finish`](Self::finish), once the deferred decodes are done.
    async fn finish_deferred(mut self) -> Result<BundleResults, Error> {
        self.start_deferred();
        let jobs = std::mem::take(&mut self.jobs);
        let (mut envelope, mut bodies) = self
            .walker
            .finish()
            .map_err(|e| envelope_error(e, &self.url))?;
        for (i, body, job) in jobs {
            let (value, bytes) = match job.await {
                Ok(Ok(decoded)) => decoded,
                Ok(Err(e)) | Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                Ok(Err(_)) | Err(_) => return Err(cancelled()),
            };
            if let Some(slot) = bodies.get_mut(body) {
                *slot = bytes;
            }
            let entities = envelope
                .results
                .get_mut(i)
                .and_then(|r| r.entities.as_mut());
            if let (Some(e), Some(value)) = (entities, value) {
                e.typed = Some(value);
            }
        }
        BundleResults::from_envelope(envelope, bodies, self.sent)
    }

    /// The body has ended: the results, as [`Bundle::decode_response`] gives them.
    pub fn finish(self) -> Result<BundleResults, Error> {
        let (envelope, bodies) = self
            .walker
            .finish()
            .map_err(|e| envelope_error(e, &self.url))?;
        BundleResults::from_envelope(envelope, bodies, self.sent)
    }
}

fn envelope_error(e: envelope::EnvelopeError, url: &str) -> Error {
    Error::Decode {
        url: url.to_owned(),
        path: e.path,
        message: e.message,
    }
}

/// What `BundleResults` keeps of each sub-request: its `resourceType`, its shape, and the
/// read it clashes with (then it was not sent).
type Sent = (String, Shape, Option<&'static str>);

/// What `BundleResults` keeps of the sub-requests.
fn sent_of(sent: &[SubRequest]) -> Vec<Sent> {
    sent.iter()
        .map(|s| (s.resource_type.clone(), s.shape, s.clash))
        .collect()
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
    sent: Vec<Sent>,
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
    /// The entities were decoded as the response arrived and their bytes not kept: once
    /// `typed` is taken, there is nothing to decode again.
    dropped: bool,
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
            .field("dropped", &self.dropped)
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
            sent: sent_of(sent),
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
        let envelope = envelope::walk(&body, decoder).map_err(|e| envelope_error(e, url))?;
        Self::from_envelope(envelope, vec![body], sent_of(sent))
    }

    /// The results of a walked envelope; `bodies` holds the bytes its entities' ranges are of.
    fn from_envelope(
        envelope: envelope::Envelope,
        bodies: Vec<Vec<u8>>,
        sent: Vec<Sent>,
    ) -> Result<Self, Error> {
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
            let (entities, typed, dropped) = match r.entities {
                Some(e) => match e.body {
                    Some(body) => (Some((body, e.range.0, e.range.1)), e.typed, false),
                    None => (None, e.typed, true),
                },
                None => (None, None, false),
            };
            let slot = ResultSlot {
                success,
                status_code,
                error: r.error,
                entities,
                typed,
                dropped,
                count: r.count,
            };
            if results.insert(seq, slot).is_some() {
                return Err(Error::Protocol(format!(
                    "sequenceNumber {seq} appears twice in the response"
                )));
            }
        }
        Ok(BundleResults {
            sent,
            bodies,
            results,
            info: envelope.info,
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
            match slot.typed.take().map(|v| v.downcast::<T>()) {
                Some(Ok(value)) => return Ok(*value),
                Some(Err(value)) => slot.typed = Some(value),
                None => {}
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
            .map(|(r, _, _)| r.clone())
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
        let (_, shape, _) = self.sent.get((seq as usize).checked_sub(1)?)?;
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
        let (resource_type, shape, clash) = self
            .sent
            .get(seq as usize - 1)
            .cloned()
            .unwrap_or_else(|| (String::new(), Shape::List, None));
        let fail = |kind| ItemError {
            sequence_number: seq,
            resource_type: resource_type.clone(),
            kind,
        };
        if let Some(other) = clash {
            return Err(fail(ItemErrorKind::Clash {
                with: other.to_owned(),
            }));
        }
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
        if slot.dropped {
            return Err(fail(ItemErrorKind::Taken));
        }
        let raw: &[u8] = match slot.entities {
            Some((body, a, b)) => self
                .bodies
                .get(body)
                .and_then(|v| v.get(a..b))
                .unwrap_or(b"null".as_slice()),
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

/// The rows of a list's first page (`slot`) and its later pages (`parts`), joined, when every
/// page was decoded; `None` (nothing changed) when one was not.
fn join_rows(join: PageJoin, slot: &mut ResultSlot, parts: &mut [ResultSlot]) -> Option<AnyValue> {
    if slot.typed.is_none() || parts.iter().any(|p| p.typed.is_none()) {
        return None;
    }
    let mut rows = slot.typed.take()?;
    let mut joined = true;
    for p in parts.iter_mut() {
        if let Some(more) = p.typed.take() {
            joined &= (join.0)(&mut rows, more);
        }
    }
    if joined {
        Some(rows)
    } else {
        // Not the list's type (cannot happen: one decoder made them all): as bytes then.
        None
    }
}

/// The entities of a list's pages (byte ranges of `bodies`, in order) as one JSON array.
fn join_bytes(bodies: &[Vec<u8>], ranges: impl Iterator<Item = (usize, usize, usize)>) -> Vec<u8> {
    let mut joined = vec![b'['];
    for (b, a, z) in ranges {
        let bytes: &[u8] = bodies.get(b).and_then(|v| v.get(a..z)).unwrap_or(&[]);
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
    joined
}

/// Reads a bundle response's body into `decoder` on a task of its own (aborted if the
/// caller stops waiting), and gives the decoded answer.
async fn read_and_decode(
    client: Client,
    url: String,
    answer: crate::client::Answer,
    mut decoder: BundleDecoder,
) -> Result<BundleResults, Error> {
    let task = tokio::spawn(async move {
        client
            .read_body(answer.response, "POST", &url, |bytes| decoder.feed(bytes))
            .await?;
        // The place under the concurrency limit is held until the body is read.
        drop(answer.place);
        decoder.finish_deferred().await
    });
    match AbortOnDrop(task).await {
        Ok(answer) => answer,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(_) => Err(cancelled()),
    }
}

/// A task decoding a bundle response was cancelled: the runtime is shutting down.
fn cancelled() -> Error {
    Error::Protocol("the task decoding the bundle response was cancelled".into())
}

/// A spawned task that is aborted when its handle is dropped.
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl<T> std::future::Future for AbortOnDrop<T> {
    type Output = Result<T, tokio::task::JoinError>;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        std::pin::Pin::new(&mut self.0).poll(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;
    use std::fmt::Write;

    const SEED_RESPONSE: &str = include_str!("../tests/fixtures/seed_response.json");

    /// Bodies of every shape the decoder tolerates or refuses: the seed page's response, the
    /// envelope tests' bodies, and the tolerances of `tests/bundle_wire.rs`.
    fn fixtures() -> Vec<Vec<u8>> {
        let mut bodies: Vec<Vec<u8>> = vec![SEED_RESPONSE.as_bytes().to_vec()];
        for body in [
            // envelope.rs's tests.
            &br#"{"results":[{"x":"a\"]}\\","sequenceNumber":"2","entities":[{"s":"]"}]}]}"#[..],
            br#"{"results":[{"sequenceNumber":1,"entities":[{"id":1},{"id""#,
            br#"{"results":[{"sequenceNumber":1,"entities":[{"id":1}]},{"entities":[],"sequenceNumber":2}]}"#,
            br#"{"results":[{"sequenceNumber":3,"entities":[1,"two"],"count":2}]}"#,
            br#"{"results":[]} x"#,
            // Names in any case, `data`/`entity`, numbers as strings, any order, `_info`.
            br#" { "Results" : [ {"SequenceNumber":1,"ResourceType":"Ticket","Entities":[{"id":7,"summary":"x"}],
                "Count":1,"Version":"2025.8","Success":true,"StatusCode":200},
                {"sequenceNumber":"2","success":true,"statusCode":"200","count":"1","entity":{"id":9,"name":"Acme"}},
                {"sequenceNumber":5,"data":{"id":1}} ],
              "_info":{"success":"3","failure":"0","total":"3"}, "extra": [1, {"a": "]}\"{"}, -2.5e3, true] }
            "#,
            // Entities before the sequence number; a list of numbers that holds objects.
            br#"{"results":[
                {"entities":[{"id":7,"summary":"late number"}],"sequenceNumber":1,"success":true},
                {"Data":{"id":5,"name":"Acme"},"SequenceNumber":"2","StatusCode":"200"},
                {"sequenceNumber":3,"entities":[{"id":1}]},
                {"sequenceNumber":4,"entities":[]}
            ]}"#,
            // Errors per sub-request; success inferred.
            br#"{"results":[
                {"sequenceNumber":1,"statusCode":403,"error":{"code":"Forbidden","message":"no",
                  "errors":[{"code":"x","message":"denied","resource":"ticket","field":"board"}]}},
                {"sequenceNumber":2,"statusCode":200,"entities":[{"id":3}]},
                {"sequenceNumber":3,"success":false,"statusCode":"404","error":null}
            ]}"#,
            // A syntax error inside one result's entities.
            br#"{"results":[{"sequenceNumber":1,"entities":[{"id":01}]},{"sequenceNumber":3,"entities":[2,3]}]}"#,
            // Protocol errors: duplicate, unknown and missing sequence numbers.
            br#"{"results":[{"sequenceNumber":1},{"sequenceNumber":1}]}"#,
            br#"{"results":[{"sequenceNumber":9}]}"#,
            br#"{"results":[{"success":true}]}"#,
            // Envelope errors.
            br#"{"results":[{"sequenceNumber":-4}]}"#,
            br#"{"results": ["#,
            br#"{"nothing": 1}"#,
            br#"{"results":[{"sequenceNumber":1,"entities":[{"id":1,"summary":"cut he"#,
            br#"{"results":null,"_info":{}}"#,
            br#"{"results":nul}"#,
            br#"{"results":{}}"#,
            br#"{"results":[1]}"#,
            br#"{"results":[{}],}"#,
            br#"{"results":[{}] "x":1}"#,
            br#"{"results":[{}],"_info":[1]}"#,
            br#"{"res\u0075lts":[{"sequenceNumber":1,"entities":[{"k\"ey":"v\\"}]}]}"#,
            br#"{"results":[{"sequenceNumber":1,"entities":[1]}],"results":[{"sequenceNumber":2,"entities":{"id":2}}]}"#,
            br#"{"results":[{"sequenceNumber":1 "entities":[]}]}"#,
            br#"{"results":[{"sequenceNumber":1,"entities":[1]}]}{}"#,
            br#"[]"#,
            br#""#,
            br#"   "#,
            br#"{}"#,
            br#"{"results":[{"sequenceNumber":2,"entities":"text"},{"sequenceNumber":1,"entities":null}]}"#,
            br#"{"results":[{"sequenceNumber":1,"entities":[{"a":"\"#,
            // A second sequence number after the entities (found by the fuzzer).
            br#"{"results":[{"sequenceNumber":4,"entities":[{"id":1}],"sequenceNumber":2}]}"#,
            br#"{"results":[{"sequenceNumber":1,"entities":[{"id":1}],"SequenceNumber":1}]}"#,
            "{\"results\":[{\"sequenceNumber\":1,\"entities\":[{\"s\":\"caf\u{e9} \u{1F600}\"}]}],\"_info\":{\"n\":\"\u{e9}\"}}".as_bytes(),
        ] {
            bodies.push(body.to_vec());
        }
        bodies
    }

    /// Five sub-requests: lists and gets of JSON values, and a list of numbers (which
    /// objects do not decode into, so its entities go the lazy way).
    fn bundle() -> Bundle {
        let mut b = Bundle::new();
        b.push(RawRequest::<Vec<Value>>::list("ticket"));
        b.push(RawRequest::<Value>::get("company", 5));
        b.push(RawRequest::<Vec<u64>>::list("member"));
        b.push(RawRequest::<Vec<Value>>::list("ticket"));
        b.push(RawRequest::<Value>::get("company", 6));
        b
    }

    /// Everything a decode gave, as text: each result's flags, its value when decoded in the
    /// walk, else its raw entities; `_info`; or the error.
    fn canon(r: Result<BundleResults, Error>) -> String {
        let mut r = match r {
            Ok(r) => r,
            Err(e) => return format!("error {e:?}"),
        };
        let mut out = format!("info {:?}\n", r.info);
        let bodies = std::mem::take(&mut r.bodies);
        for (seq, slot) in &mut r.results {
            let typed = slot.typed.take().map(|v| {
                let v = match v.downcast::<Vec<Value>>() {
                    Ok(v) => return format!("{v:?}"),
                    Err(v) => v,
                };
                let v = match v.downcast::<Value>() {
                    Ok(v) => return format!("{v:?}"),
                    Err(v) => v,
                };
                match v.downcast::<Vec<u64>>() {
                    Ok(v) => format!("{v:?}"),
                    Err(_) => "?".into(),
                }
            });
            let raw = match (&typed, slot.entities) {
                (None, Some((b, x, y))) => Some(String::from_utf8_lossy(&bodies[b][x..y])),
                _ => None,
            };
            writeln!(
                out,
                "{seq}: {} {} {:?} {:?} typed={typed:?} raw={raw:?}",
                slot.success, slot.status_code, slot.error, slot.count
            )
            .unwrap();
        }
        out
    }

    /// Decodes `pieces` one after the other, as they would arrive.
    fn streamed<'a>(b: &Bundle, pieces: impl IntoIterator<Item = &'a [u8]>) -> String {
        let mut d = b.decoder("t");
        for piece in pieces {
            if let Err(e) = d.feed(piece) {
                // Every later call gives the same error.
                assert_eq!(
                    format!("{:?}", d.feed(b"")),
                    format!("{:?}", Err::<(), _>(&e))
                );
                return canon(Err(e));
            }
        }
        canon(d.finish())
    }

    #[test]
    fn decoding_while_receiving_equals_the_whole_body_decode_at_every_cut() {
        let b = bundle();
        for body in fixtures() {
            let whole = canon(b.decode_response(body.clone(), "t"));
            let text = String::from_utf8_lossy(&body);
            for cut in 0..=body.len() {
                let (x, y) = body.split_at(cut);
                assert_eq!(streamed(&b, [x, y]), whole, "cut at {cut} of {text}");
            }
            assert_eq!(
                streamed(&b, body.chunks(1)),
                whole,
                "1-byte chunks of {text}"
            );
            let mut rng = fastrand::Rng::with_seed(body.len() as u64);
            for _ in 0..50 {
                let mut pieces = Vec::new();
                let mut rest = &body[..];
                while !rest.is_empty() {
                    let n = rng.usize(0..=rest.len().min(7));
                    pieces.push(&rest[..n]);
                    rest = &rest[n..];
                }
                assert_eq!(streamed(&b, pieces), whole, "random pieces of {text}");
            }
        }
    }

    #[test]
    fn the_seed_response_decodes_the_same_untyped_and_typed() {
        // Untyped (every result lazy), the way `send_all` reads its later pages.
        let b = bundle();
        let body = SEED_RESPONSE.as_bytes();
        let whole = canon(BundleResults::decode(body.to_vec(), &b.requests, "t"));
        for cut in 0..=body.len() {
            let mut d = b.decoder_with("t", false, false);
            d.feed(&body[..cut]).unwrap();
            d.feed(&body[cut..]).unwrap();
            assert_eq!(canon(d.finish()), whole, "cut at {cut}");
        }
    }

    #[test]
    fn a_streamed_result_taken_twice_is_taken_not_empty() {
        let mut b = Bundle::new();
        let h = b.push(RawRequest::<Vec<Value>>::list("ticket"));
        let again = Handle::<Vec<Value>> {
            sequence_number: h.sequence_number,
            _output: PhantomData,
        };
        let mut d = b.decoder("t");
        d.feed(br#"{"results":[{"sequenceNumber":1,"entities":[{"id":1}]}]}"#)
            .unwrap();
        let mut r = d.finish().unwrap();
        assert_eq!(r.take(h).unwrap().len(), 1);
        assert_eq!(r.take(again).unwrap_err().kind, ItemErrorKind::Taken);
    }

    #[test]
    fn entities_decoded_for_another_sequence_number_are_kept_for_take() {
        // Found by the fuzzer: the entities were decoded for sub-request 4 (a list), then a
        // second `sequenceNumber` made them sub-request 2's (one value).
        let b = bundle();
        let body =
            br#"{"results":[{"sequenceNumber":4,"entities":[{"id":1}],"sequenceNumber":2}]}"#;
        let mut d = b.decoder("t");
        d.feed(body).unwrap();
        let mut r = d.finish().unwrap();
        let h = Handle::<Value> {
            sequence_number: 2,
            _output: PhantomData,
        };
        assert_eq!(r.take(h).unwrap(), serde_json::json!({"id": 1}));
    }

    #[test]
    fn only_the_result_being_received_is_held() {
        // 50 results of about 1 KB each: the buffer never holds more than about two.
        let mut body = String::from("{\"results\":[");
        for i in 1..=50 {
            if i > 1 {
                body.push(',');
            }
            write!(
                body,
                "{{\"sequenceNumber\":1,\"entities\":[{{\"s\":\"{}\"}}]}}",
                "x".repeat(1000)
            )
            .unwrap();
        }
        body.push_str("]}");
        let mut w = envelope::StreamWalker::new(Vec::new(), false);
        let mut most = 0;
        for chunk in body.as_bytes().chunks(100) {
            w.feed(chunk).unwrap();
            most = most.max(w.buffered());
        }
        assert!(most < 1200, "{most} bytes held");
        assert_eq!(w.finish().unwrap().0.results.len(), 50);
    }
}
