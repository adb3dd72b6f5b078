//! The bundle response's envelope, walked by hand in one pass.
//!
//! A response is `{"results":[{"sequenceNumber":1,"entities":[...],...},...],"_info":{...}}`,
//! and nearly all of its bytes are entities. The walk below reads the envelope's small values
//! (`sequenceNumber`, `count`, `success`, `statusCode`, `error`, `_info`) by cutting each one
//! out and handing it to serde_json, and treats each `entities` value one of two ways:
//!
//! - **Typed, in the same pass.** When the result's `sequenceNumber` came before its entities
//!   (the API sends it first) and the bundle recorded a decoder for that sub-request, the
//!   decoder runs right there on the bytes that follow, straight into the model type, and says
//!   how many bytes it read. Every byte is read once.
//! - **Lazily.** Otherwise (entities before `sequenceNumber`, an odd shape such as one object
//!   for a list, or an entity that does not decode), the value is skipped structurally and its
//!   byte range kept; [`BundleResults::take`](crate::BundleResults::take) decodes it later and
//!   reports a decode error with its JSON path, for that sub-request only.
//!
//! The structural skip does not validate what it skips (the later decode does), so a syntax
//! error inside one result's entities fails that sub-request only. A body that ends early, or
//! whose envelope is not the shape above, is an error for the whole response, with its path.
//!
//! Property names are compared without regard to case; `data` and `entity` are taken for
//! `entities`; numbers may be sent as strings.
//!
//! [`walk`] takes the whole body; [`StreamWalker`] takes it in pieces as it arrives and runs
//! the same code on each element of `results` once its last byte is in, with the same
//! outcome, errors and byte offsets included.

use crate::error::ApiError;
use crate::request::Shape;
use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use std::any::Any;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

/// A decoded value of the type a sub-request asked for, until `take` downcasts it.
pub(crate) type AnyValue = Box<dyn Any + Send>;

/// Decodes a value of one sub-request's output type from the start of the bytes it is given,
/// if they hold the shape the sub-request expects; returns it with the number of bytes read.
pub(crate) type DecodeFn = fn(&[u8], Shape) -> Option<(AnyValue, usize)>;

/// The [`DecodeFn`] of output type `T`.
pub(crate) fn decode_prefix<T: DeserializeOwned + Send + 'static>(
    bytes: &[u8],
    shape: Shape,
) -> Option<(AnyValue, usize)> {
    if !usual_shape(bytes, shape) {
        return None;
    }
    let mut values = serde_json::Deserializer::from_slice(bytes).into_iter::<T>();
    match values.next() {
        Some(Ok(value)) => Some((Box::new(value), values.byte_offset())),
        _ => None,
    }
}

/// Whether `bytes` start with the shape the API normally sends for `shape` (an array for a
/// list, an object for one entity); the tolerated odd ones go the lazy way.
fn usual_shape(bytes: &[u8], shape: Shape) -> bool {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    matches!(
        (shape, first),
        (Shape::List, Some(b'[')) | (Shape::One, Some(b'{'))
    )
}

/// Decodes a value of one sub-request's output type from all of the bytes it is given (the
/// entities of one result, cut out), if they hold the shape the sub-request expects.
pub(crate) type DecodeWholeFn = fn(&[u8], Shape) -> Option<AnyValue>;

/// The [`DecodeWholeFn`] of output type `T`: UTF-8 is checked once for the whole value
/// rather than string by string (else it is [`decode_prefix`], which reports the same).
pub(crate) fn decode_whole<T: DeserializeOwned + Send + 'static>(
    bytes: &[u8],
    shape: Shape,
) -> Option<AnyValue> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return decode_prefix::<T>(bytes, shape).map(|(value, _)| value);
    };
    if !usual_shape(bytes, shape) {
        return None;
    }
    serde_json::from_str::<T>(text)
        .ok()
        .map(|value| Box::new(value) as AnyValue)
}

/// The walked envelope.
pub(crate) struct Envelope {
    pub results: Vec<RawResult>,
    pub info: BTreeMap<String, serde_json::Value>,
}

/// One element of `results`, as sent.
#[derive(Default)]
pub(crate) struct RawResult {
    pub sequence_number: Option<u32>,
    pub entities: Option<Entities>,
    pub count: Option<u64>,
    pub success: Option<bool>,
    pub status_code: Option<u16>,
    pub error: Option<ApiError>,
}

/// A result's entities: already decoded, or where they are in the body.
pub(crate) struct Entities {
    /// Which body the range is of: the whole body (0) for [`walk`], the copy of these
    /// entities alone for [`StreamWalker`]; `None` when the stream walker decoded them and
    /// kept no bytes.
    pub body: Option<usize>,
    /// The byte range of the value in that body.
    pub range: (usize, usize),
    /// The value, when the typed decoder ran in the walk.
    pub typed: Option<AnyValue>,
}

/// A problem with the envelope: where (`results[2].statusCode`) and what.
#[derive(Debug, Clone)]
pub(crate) struct EnvelopeError {
    pub path: String,
    pub message: String,
}

/// Walks `body`. `decoder(sequence_number)` gives the typed decoder and the shape of that
/// sub-request, if it has one.
pub(crate) fn walk(
    body: &[u8],
    decoder: &dyn Fn(u32) -> Option<(DecodeFn, Shape)>,
) -> Result<Envelope, EnvelopeError> {
    let mut s = Scanner {
        b: body,
        i: 0,
        base: 0,
    };
    let mut results = None;
    let mut info = BTreeMap::new();
    s.ws();
    if s.peek() != Some(b'{') {
        return Err(s.error(".", "expected a bundle response object with `results`"));
    }
    s.object(".", |s, key| {
        if eq(&key, "results") {
            results = Some(s.results(decoder)?);
        } else if eq(&key, "_info") {
            let range = s.skip(&key)?;
            info = s
                .small::<Option<BTreeMap<String, serde_json::Value>>>(range, "_info")?
                .unwrap_or_default();
        } else {
            s.skip(&key)?;
        }
        Ok(())
    })?;
    s.ws();
    if s.i != body.len() {
        return Err(s.error(".", "trailing characters after the response object"));
    }
    let results = results.ok_or_else(|| EnvelopeError {
        path: ".".into(),
        message: "missing field `results`".into(),
    })?;
    Ok(Envelope { results, info })
}

fn eq(key: &str, name: &str) -> bool {
    key.eq_ignore_ascii_case(name)
}

struct Scanner<'a> {
    b: &'a [u8],
    i: usize,
    /// Where `b` starts in the body (for the byte offsets of error messages).
    base: usize,
}

impl<'a> Scanner<'a> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            self.i += 1;
        }
    }

    fn error(&self, path: &str, message: &str) -> EnvelopeError {
        let found = match self.peek() {
            None => "the end of the body".to_owned(),
            Some(c) if c.is_ascii_graphic() => format!("`{}`", c as char),
            Some(c) => format!("byte 0x{c:02x}"),
        };
        EnvelopeError {
            path: path.to_owned(),
            message: format!("{message}, found {found} at byte {}", self.base + self.i),
        }
    }

    /// Walks an object at the cursor, calling `field` with the cursor on each value.
    fn object(
        &mut self,
        path: &str,
        mut field: impl FnMut(&mut Self, Cow<'a, str>) -> Result<(), EnvelopeError>,
    ) -> Result<(), EnvelopeError> {
        self.i += 1; // `{`
        self.ws();
        if self.peek() == Some(b'}') {
            self.i += 1;
            return Ok(());
        }
        loop {
            self.ws();
            if self.peek() != Some(b'"') {
                return Err(self.error(path, "expected a property name"));
            }
            let key = self.string(path)?;
            self.ws();
            if self.peek() != Some(b':') {
                return Err(self.error(path, "expected `:`"));
            }
            self.i += 1;
            self.ws();
            field(self, key)?;
            self.ws();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Ok(());
                }
                _ => return Err(self.error(path, "expected `,` or `}`")),
            }
        }
    }

    /// The `results` array (or null).
    fn results(
        &mut self,
        decoder: &dyn Fn(u32) -> Option<(DecodeFn, Shape)>,
    ) -> Result<Vec<RawResult>, EnvelopeError> {
        match self.peek() {
            Some(b'n') => {
                self.literal("results", b"null")?;
                return Ok(Vec::new());
            }
            Some(b'[') => self.i += 1,
            _ => return Err(self.error("results", "expected an array")),
        }
        let mut out = Vec::new();
        self.ws();
        if self.peek() == Some(b']') {
            self.i += 1;
            return Ok(out);
        }
        loop {
            self.ws();
            let path = format!("results[{}]", out.len());
            if self.peek() != Some(b'{') {
                return Err(self.error(&path, "expected a bundle result object"));
            }
            out.push(self.result(&path, decoder)?);
            self.ws();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(out);
                }
                _ => return Err(self.error("results", "expected `,` or `]`")),
            }
        }
    }

    fn result(
        &mut self,
        path: &str,
        decoder: &dyn Fn(u32) -> Option<(DecodeFn, Shape)>,
    ) -> Result<RawResult, EnvelopeError> {
        let mut r = RawResult::default();
        // The sequence number the entities were decoded for.
        let mut decoded_for = None;
        self.object(path, |s, key| {
            let at = || format!("{path}.{key}");
            if eq(&key, "sequenceNumber") {
                let range = s.skip(&at())?;
                r.sequence_number = s.small::<Number<u32>>(range, &at())?.0;
            } else if eq(&key, "entities") || eq(&key, "data") || eq(&key, "entity") {
                let start = s.i;
                let typed = r
                    .sequence_number
                    .and_then(decoder)
                    .and_then(|(decode, shape)| decode(&s.b[start..], shape));
                r.entities = Some(match typed {
                    Some((value, read)) => {
                        decoded_for = r.sequence_number;
                        s.i = start + read;
                        Entities {
                            body: Some(0),
                            range: (start, s.i),
                            typed: Some(value),
                        }
                    }
                    None => Entities {
                        body: Some(0),
                        range: s.skip(&at())?,
                        typed: None,
                    },
                });
            } else if eq(&key, "count") {
                let range = s.skip(&at())?;
                r.count = s.small::<Number<u64>>(range, &at())?.0;
            } else if eq(&key, "success") {
                let range = s.skip(&at())?;
                r.success = s.small::<Option<bool>>(range, &at())?;
            } else if eq(&key, "statusCode") {
                let range = s.skip(&at())?;
                r.status_code = s.small::<Number<u16>>(range, &at())?.0;
            } else if eq(&key, "error") {
                let range = s.skip(&at())?;
                r.error = s.small::<Option<ApiError>>(range, &at())?;
            } else {
                // resourceType (or the documented `resouceType` / `ResourceName`), version
                // and anything new: not needed to decode.
                s.skip(&at())?;
            }
            Ok(())
        })?;
        if let Some(e) = &mut r.entities {
            if e.typed.is_some() && decoded_for != r.sequence_number {
                // A second `sequenceNumber` after the entities: they were decoded for another
                // sub-request's type, so they go the lazy way.
                e.typed = None;
            }
        }
        Ok(r)
    }

    /// Decodes a small value the walk has cut out.
    fn small<T: DeserializeOwned>(
        &self,
        (start, end): (usize, usize),
        path: &str,
    ) -> Result<T, EnvelopeError> {
        serde_json::from_slice(&self.b[start..end]).map_err(|e| EnvelopeError {
            path: path.to_owned(),
            message: e.to_string(),
        })
    }

    /// A string at the cursor (on its `"`), unescaped.
    fn string(&mut self, path: &str) -> Result<Cow<'a, str>, EnvelopeError> {
        let start = self.i;
        let escaped = self.skip_string(path)?;
        let bytes = &self.b[start..self.i];
        let text = if escaped {
            serde_json::from_slice::<String>(bytes).ok().map(Cow::Owned)
        } else {
            std::str::from_utf8(&bytes[1..bytes.len() - 1])
                .ok()
                .map(Cow::Borrowed)
        };
        text.ok_or_else(|| EnvelopeError {
            path: path.to_owned(),
            message: format!("invalid string at byte {}", self.base + start),
        })
    }

    /// Moves past a string at the cursor; says whether it had escapes.
    fn skip_string(&mut self, path: &str) -> Result<bool, EnvelopeError> {
        self.i += 1; // `"`
        let mut escaped = false;
        loop {
            match memchr::memchr2(b'"', b'\\', &self.b[self.i..]) {
                Some(n) if self.b[self.i + n] == b'"' => {
                    self.i += n + 1;
                    return Ok(escaped);
                }
                Some(n) => {
                    // A backslash and the character it escapes.
                    escaped = true;
                    self.i += n + 2;
                    if self.i > self.b.len() {
                        self.i = self.b.len();
                        return Err(self.error(path, "unterminated string"));
                    }
                }
                None => {
                    self.i = self.b.len();
                    return Err(self.error(path, "unterminated string"));
                }
            }
        }
    }

    fn literal(&mut self, path: &str, word: &[u8]) -> Result<(), EnvelopeError> {
        if self.b[self.i..].starts_with(word) {
            self.i += word.len();
            Ok(())
        } else {
            Err(self.error(path, "expected a value"))
        }
    }

    /// Moves past the value at the cursor without validating its contents (brackets and
    /// strings are matched); returns its byte range.
    fn skip(&mut self, path: &str) -> Result<(usize, usize), EnvelopeError> {
        let start = self.i;
        match self.peek() {
            Some(b'"') => {
                self.skip_string(path)?;
            }
            Some(b'{' | b'[') => {
                let mut finder = Finder::new(self.base + start);
                if finder.done(self.b, self.base) {
                    self.i = finder.at - self.base;
                    return Ok((start, self.i));
                }
                // Unterminated: walked again below, for the error and where it is.
                let mut depth = 0usize;
                loop {
                    match self.peek() {
                        Some(b'"') => {
                            self.skip_string(path)?;
                            continue;
                        }
                        Some(b'{' | b'[') => depth += 1,
                        Some(b'}' | b']') => {
                            depth -= 1;
                            if depth == 0 {
                                self.i += 1;
                                break;
                            }
                        }
                        Some(_) => {}
                        None => return Err(self.error(path, "unterminated value")),
                    }
                    self.i += 1;
                }
            }
            Some(c) if c == b'-' || c.is_ascii_alphanumeric() || c == b'.' || c == b'+' => {
                while matches!(self.peek(), Some(c) if c == b'-' || c.is_ascii_alphanumeric() || c == b'.' || c == b'+')
                {
                    self.i += 1;
                }
            }
            _ => return Err(self.error(path, "expected a value")),
        }
        Ok((start, self.i))
    }
}

/// The [`walk`], fed the body in chunks as it arrives: each element of `results` is walked
/// (and its entities decoded) as soon as its last byte is in, and its bytes are dropped then,
/// except a copy of the entities that could not be decoded in the walk (for the lazy path).
///
/// A small state machine follows the envelope (`{`, keys, `:`, `,`, the `results` array)
/// and a [`Finder`] tracks strings, escapes and depth to see where a value ends across chunks;
/// each step then runs the same [`Scanner`] code as [`walk`] on bytes that are all in. So the
/// values, the errors, their paths and their byte offsets are those of [`walk`] on the whole
/// body. What is held at any time: the element being received, one chunk, and the decoded
/// values.
pub(crate) struct StreamWalker {
    /// Decoder and shape of each sub-request, by sequence number - 1 (empty: no typed decode).
    decoders: Vec<(DecodeFn, Shape)>,
    /// Also keep a copy of the entities that were decoded in the walk.
    keep_decoded: bool,
    /// The bytes received and not yet dropped.
    buf: Vec<u8>,
    /// Where `buf` starts in the body.
    base: usize,
    /// The next byte to walk, in `buf`.
    pos: usize,
    state: State,
    /// The value being received (it starts at `pos`), when one is.
    finder: Option<Finder>,
    /// The top-level key whose value comes next.
    key: String,
    results: Option<Vec<RawResult>>,
    /// The entities kept for the lazy path, each alone.
    bodies: Vec<Vec<u8>>,
    info: BTreeMap<String, serde_json::Value>,
    /// The first error: the walk stops there.
    failed: Option<EnvelopeError>,
}

/// Where the [`StreamWalker`] is in the envelope.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum State {
    /// Before the top-level `{`.
    Start,
    /// After `{`: `}` or the first key.
    FirstKey,
    /// A key.
    Key,
    /// The `:` after the key.
    Colon,
    /// A top-level value.
    Value,
    /// After a top-level value: `,` or `}`.
    AfterValue,
    /// After the `[` of `results`: `]` or the first element.
    ResultsFirst,
    /// An element of `results`.
    Element,
    /// After an element: `,` or `]`.
    AfterElement,
    /// After the top-level `}`: only whitespace may follow.
    End,
}

impl StreamWalker {
    /// A walker with `decoder(sequence_number)` as for [`walk`], given as the list of each
    /// sub-request's decoder and shape, by sequence number - 1 (empty: decode nothing in the
    /// walk). `keep_decoded`: keep a copy of the entities decoded in the walk too.
    pub(crate) fn new(decoders: Vec<(DecodeFn, Shape)>, keep_decoded: bool) -> Self {
        StreamWalker {
            decoders,
            keep_decoded,
            buf: Vec::new(),
            base: 0,
            pos: 0,
            state: State::Start,
            finder: None,
            key: String::new(),
            results: None,
            bodies: Vec::new(),
            info: BTreeMap::new(),
            failed: None,
        }
    }

    /// Takes in the next bytes of the body and walks as far as they allow.
    pub(crate) fn feed(&mut self, chunk: &[u8]) -> Result<(), EnvelopeError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        if self.pos > 0 {
            // Drop what has been walked; what is left is at most the value being received.
            self.buf.drain(..self.pos);
            self.base += self.pos;
            self.pos = 0;
        }
        self.buf.extend_from_slice(chunk);
        self.run(false)
    }

    /// The body has ended: walks the rest and returns the envelope and the kept entities
    /// (which `Entities::body` indexes).
    pub(crate) fn finish(mut self) -> Result<(Envelope, Vec<Vec<u8>>), EnvelopeError> {
        if let Some(e) = self.failed.take() {
            return Err(e);
        }
        self.run(true)?;
        let results = self.results.ok_or_else(|| EnvelopeError {
            path: ".".into(),
            message: "missing field `results`".into(),
        })?;
        Ok((
            Envelope {
                results,
                info: self.info,
            },
            self.bodies,
        ))
    }

    /// The results walked so far.
    pub(crate) fn results(&self) -> &[RawResult] {
        self.results.as_deref().unwrap_or(&[])
    }

    /// Takes kept entities `i` out, leaving an empty body in their place (the caller puts
    /// them back in the bodies [`finish`](Self::finish) gives).
    pub(crate) fn take_body(&mut self, i: usize) -> Vec<u8> {
        self.bodies
            .get_mut(i)
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// The bytes held now (received, not yet dropped).
    #[cfg(test)]
    pub(crate) fn buffered(&self) -> usize {
        self.buf.len()
    }

    fn run(&mut self, eof: bool) -> Result<(), EnvelopeError> {
        let r = self.steps(eof);
        if let Err(e) = &r {
            self.failed = Some(e.clone());
        }
        r
    }

    fn scanner(&self) -> Scanner<'_> {
        Scanner {
            b: &self.buf,
            i: self.pos,
            base: self.base,
        }
    }

    /// Skips whitespace; the next byte (`Some(None)` at the end of the body), or `None`
    /// when more bytes are needed.
    fn next_byte(&mut self, eof: bool) -> Option<Option<u8>> {
        while matches!(self.buf.get(self.pos), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            self.pos += 1;
        }
        match self.buf.get(self.pos) {
            Some(&c) => Some(Some(c)),
            None if eof => Some(None),
            None => None,
        }
    }

    /// Whether the value starting at `pos` is all in (or the body has ended).
    fn value_in(&mut self, eof: bool) -> bool {
        let start = self.base + self.pos;
        let finder = self.finder.get_or_insert_with(|| Finder::new(start));
        finder.done(&self.buf, self.base) || eof
    }

    /// Walks as far as the bytes allow (all of them when `eof`).
    fn steps(&mut self, eof: bool) -> Result<(), EnvelopeError> {
        loop {
            match self.state {
                State::Start => {
                    let Some(c) = self.next_byte(eof) else {
                        return Ok(());
                    };
                    if c != Some(b'{') {
                        return Err(self
                            .scanner()
                            .error(".", "expected a bundle response object with `results`"));
                    }
                    self.pos += 1;
                    self.state = State::FirstKey;
                }
                State::FirstKey => {
                    let Some(c) = self.next_byte(eof) else {
                        return Ok(());
                    };
                    if c == Some(b'}') {
                        self.pos += 1;
                        self.state = State::End;
                    } else {
                        self.state = State::Key;
                    }
                }
                State::Key => {
                    let Some(c) = self.next_byte(eof) else {
                        return Ok(());
                    };
                    if c != Some(b'"') {
                        return Err(self.scanner().error(".", "expected a property name"));
                    }
                    if !self.value_in(eof) {
                        return Ok(());
                    }
                    self.finder = None;
                    let mut s = self.scanner();
                    let key = s.string(".")?.into_owned();
                    self.pos = s.i;
                    self.key = key;
                    self.state = State::Colon;
                }
                State::Colon => {
                    let Some(c) = self.next_byte(eof) else {
                        return Ok(());
                    };
                    if c != Some(b':') {
                        return Err(self.scanner().error(".", "expected `:`"));
                    }
                    self.pos += 1;
                    self.state = State::Value;
                }
                State::Value => {
                    let Some(c) = self.next_byte(eof) else {
                        return Ok(());
                    };
                    if eq(&self.key, "results") {
                        match c {
                            Some(b'n') => {
                                if self.buf.len() - self.pos < 4 && !eof {
                                    return Ok(());
                                }
                                let mut s = self.scanner();
                                s.literal("results", b"null")?;
                                self.pos = s.i;
                                self.results = Some(Vec::new());
                                self.state = State::AfterValue;
                            }
                            Some(b'[') => {
                                self.pos += 1;
                                self.results = Some(Vec::new());
                                self.state = State::ResultsFirst;
                            }
                            _ => return Err(self.scanner().error("results", "expected an array")),
                        }
                        continue;
                    }
                    if !self.value_in(eof) {
                        return Ok(());
                    }
                    self.finder = None;
                    let mut s = Scanner {
                        b: &self.buf,
                        i: self.pos,
                        base: self.base,
                    };
                    let range = s.skip(&self.key)?;
                    if eq(&self.key, "_info") {
                        self.info = s
                            .small::<Option<BTreeMap<String, serde_json::Value>>>(range, "_info")?
                            .unwrap_or_default();
                    }
                    self.pos = s.i;
                    self.state = State::AfterValue;
                }
                State::AfterValue => {
                    let Some(c) = self.next_byte(eof) else {
                        return Ok(());
                    };
                    match c {
                        Some(b',') => self.state = State::Key,
                        Some(b'}') => self.state = State::End,
                        _ => return Err(self.scanner().error(".", "expected `,` or `}`")),
                    }
                    self.pos += 1;
                }
                State::ResultsFirst => {
                    let Some(c) = self.next_byte(eof) else {
                        return Ok(());
                    };
                    if c == Some(b']') {
                        self.pos += 1;
                        self.state = State::AfterValue;
                    } else {
                        self.state = State::Element;
                    }
                }
                State::Element => {
                    let Some(c) = self.next_byte(eof) else {
                        return Ok(());
                    };
                    let n = self.results.as_ref().map_or(0, Vec::len);
                    let path = format!("results[{n}]");
                    if c != Some(b'{') {
                        return Err(self
                            .scanner()
                            .error(&path, "expected a bundle result object"));
                    }
                    if !self.value_in(eof) {
                        return Ok(());
                    }
                    self.finder = None;
                    let decoders = &self.decoders;
                    let decoder = |seq: u32| decoders.get((seq as usize).checked_sub(1)?).copied();
                    let mut s = Scanner {
                        b: &self.buf,
                        i: self.pos,
                        base: self.base,
                    };
                    let mut r = s.result(&path, &decoder)?;
                    self.pos = s.i;
                    if let Some(e) = &mut r.entities {
                        if e.typed.is_none() || self.keep_decoded {
                            self.bodies.push(self.buf[e.range.0..e.range.1].to_vec());
                            e.body = Some(self.bodies.len() - 1);
                            e.range = (0, e.range.1 - e.range.0);
                        } else {
                            e.body = None;
                            e.range = (0, 0);
                        }
                    }
                    self.results.get_or_insert_with(Vec::new).push(r);
                    self.state = State::AfterElement;
                }
                State::AfterElement => {
                    let Some(c) = self.next_byte(eof) else {
                        return Ok(());
                    };
                    match c {
                        Some(b',') => self.state = State::Element,
                        Some(b']') => self.state = State::AfterValue,
                        _ => return Err(self.scanner().error("results", "expected `,` or `]`")),
                    }
                    self.pos += 1;
                }
                State::End => {
                    let Some(c) = self.next_byte(eof) else {
                        // All whitespace so far: drop it.
                        return Ok(());
                    };
                    if c.is_some() {
                        return Err(self
                            .scanner()
                            .error(".", "trailing characters after the response object"));
                    }
                    return Ok(());
                }
            }
        }
    }
}

/// Finds, across chunks, where a JSON value ends: strings (with their escapes) and the depth
/// of brackets are tracked, nothing is validated (the [`Scanner`] does that once the value is
/// all in). Offsets are of the whole body.
#[derive(Debug, Clone, Copy)]
struct Finder {
    /// Where the scan has got to.
    at: usize,
    kind: Option<Kind>,
    depth: usize,
    in_string: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A string: ends after its closing `"`.
    Str,
    /// An object or array: ends after the bracket that takes the depth back to 0.
    Compound,
    /// A number or literal: ends before the first byte that cannot be part of it (so that
    /// byte must be in).
    Scalar,
}

/// A byte the [`Scanner`] takes as part of a bare number or literal.
fn scalar_byte(c: u8) -> bool {
    c == b'-' || c.is_ascii_alphanumeric() || c == b'.' || c == b'+'
}

impl Finder {
    fn new(start: usize) -> Self {
        Finder {
            at: start,
            kind: None,
            depth: 0,
            in_string: false,
        }
    }

    /// Whether the value is all in `buf` (which starts at body offset `base`).
    fn done(&mut self, buf: &[u8], base: usize) -> bool {
        let end = base + buf.len();
        let kind = match self.kind {
            Some(kind) => kind,
            None => {
                let Some(&c) = buf.get(self.at - base) else {
                    return false;
                };
                let kind = match c {
                    b'"' => Kind::Str,
                    b'{' | b'[' => Kind::Compound,
                    c if scalar_byte(c) => Kind::Scalar,
                    // Not a value: the scanner says so at once.
                    _ => return true,
                };
                self.kind = Some(kind);
                if kind != Kind::Scalar {
                    self.at += 1;
                    self.depth = 1;
                    self.in_string = kind == Kind::Str;
                }
                kind
            }
        };
        if kind == Kind::Scalar {
            while self.at < end && scalar_byte(buf[self.at - base]) {
                self.at += 1;
            }
            return self.at < end;
        }
        while self.at < end {
            let from = self.at - base;
            let block = buf
                .get(from..from + BLOCK)
                .and_then(|b| b.first_chunk::<BLOCK>());
            let ended = match block.map(Masks::of) {
                // No backslash in the block (the usual case): 64 bytes at once.
                Some(masks) if masks.backslash == 0 => self.block(kind, &masks),
                // A backslash (or the last bytes in): byte by byte, to the block's end.
                _ => self.bytes(kind, buf, base, (self.at + BLOCK).min(end)),
            };
            if ended {
                return true;
            }
        }
        false
    }

    /// Scans a block of [`BLOCK`] bytes with no backslash in it, from `at`; whether the value
    /// ends in it (`at` is then just past its last byte, else at the block's end).
    fn block(&mut self, kind: Kind, m: &Masks) -> bool {
        // Bytes inside strings, opening quote included, closing quote not: each quote flips
        // the state, so the running xor of the quotes, flipped if a string was open.
        let mut inside = prefix_xor(m.quote);
        if self.in_string {
            inside = !inside;
        }
        if kind == Kind::Str {
            // The string ends at its first quote.
            if m.quote != 0 {
                self.at += m.quote.trailing_zeros() as usize + 1;
                self.in_string = false;
                return true;
            }
            self.at += BLOCK;
            return false;
        }
        let (open, close) = (m.open & !inside, m.close & !inside);
        if close.count_ones() as usize >= self.depth {
            // Maybe the end: bracket by bracket.
            let mut brackets = open | close;
            while brackets != 0 {
                let i = brackets.trailing_zeros();
                if open >> i & 1 == 1 {
                    self.depth += 1;
                } else {
                    self.depth -= 1;
                    if self.depth == 0 {
                        self.at += i as usize + 1;
                        self.in_string = false;
                        return true;
                    }
                }
                brackets &= brackets - 1;
            }
        } else {
            self.depth = self.depth + open.count_ones() as usize - close.count_ones() as usize;
        }
        self.in_string = inside >> (BLOCK - 1) == 1;
        self.at += BLOCK;
        false
    }

    /// Scans byte by byte from `at` up to `limit` (a backslash may take `at` one past it: the
    /// byte it escapes is skipped); whether the value ended.
    fn bytes(&mut self, kind: Kind, buf: &[u8], base: usize, limit: usize) -> bool {
        while self.at < limit {
            let rest = &buf[self.at - base..limit - base];
            if self.in_string {
                match memchr::memchr2(b'"', b'\\', rest) {
                    Some(n) if rest[n] == b'"' => {
                        self.at += n + 1;
                        self.in_string = false;
                        if kind == Kind::Str {
                            return true;
                        }
                    }
                    // A backslash and the byte it escapes (maybe not in yet).
                    Some(n) => self.at += n + 2,
                    None => self.at = limit,
                }
                continue;
            }
            match rest.iter().position(|&c| STRUCTURAL[usize::from(c)]) {
                Some(n) => {
                    self.at += n + 1;
                    match rest[n] {
                        b'"' => self.in_string = true,
                        b'{' | b'[' => self.depth += 1,
                        _ => {
                            self.depth -= 1;
                            if self.depth == 0 {
                                return true;
                            }
                        }
                    }
                }
                None => self.at = limit,
            }
        }
        false
    }
}

/// The bytes the [`Finder`] takes at once.
const BLOCK: usize = 64;

/// Where the bytes that matter are in a block: bit `i` for byte `i`.
struct Masks {
    quote: u64,
    backslash: u64,
    /// `{` and `[`.
    open: u64,
    /// `}` and `]`.
    close: u64,
}

impl Masks {
    /// Sixteen bytes at a time with SSE2, which every x86-64 processor has.
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    fn of(block: &[u8; BLOCK]) -> Masks {
        use std::arch::x86_64::{
            _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
        };
        let mut m = Masks {
            quote: 0,
            backslash: 0,
            open: 0,
            close: 0,
        };
        for (k, lane) in block.chunks_exact(16).enumerate() {
            // SAFETY: `lane` is 16 bytes, which `_mm_loadu_si128` reads (unaligned loads are
            // allowed); the other intrinsics only compute on registers, and SSE2 is enabled
            // wherever this is compiled (the `cfg`; it is part of the x86-64 baseline).
            let [quote, backslash, open, close] = unsafe {
                let v = _mm_loadu_si128(lane.as_ptr().cast());
                // `[` | 0x20 is `{` and `]` | 0x20 is `}`; no other byte maps to either.
                let folded = _mm_or_si128(v, _mm_set1_epi8(0x20));
                let eq = |x, c: u8| _mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8(c as i8)));
                [
                    eq(v, b'"'),
                    eq(v, b'\\'),
                    eq(folded, b'{'),
                    eq(folded, b'}'),
                ]
            };
            let at = 16 * k;
            // `_mm_movemask_epi8` sets only the low 16 bits.
            m.quote |= u64::from(quote as u16) << at;
            m.backslash |= u64::from(backslash as u16) << at;
            m.open |= u64::from(open as u16) << at;
            m.close |= u64::from(close as u16) << at;
        }
        m
    }

    /// Byte by byte elsewhere.
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    fn of(block: &[u8; BLOCK]) -> Masks {
        let mut m = Masks {
            quote: 0,
            backslash: 0,
            open: 0,
            close: 0,
        };
        for (i, &c) in block.iter().enumerate() {
            let bit = 1u64 << i;
            match c {
                b'"' => m.quote |= bit,
                b'\\' => m.backslash |= bit,
                b'{' | b'[' => m.open |= bit,
                b'}' | b']' => m.close |= bit,
                _ => {}
            }
        }
        m
    }
}

/// Bit `i` of the result is the xor of bits `0..=i` of `x`.
fn prefix_xor(mut x: u64) -> u64 {
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    x
}

/// `"`, `{`, `}`, `[`, `]`: the bytes that matter outside strings.
static STRUCTURAL: [bool; 256] = {
    let mut t = [false; 256];
    t[b'"' as usize] = true;
    t[b'{' as usize] = true;
    t[b'}' as usize] = true;
    t[b'[' as usize] = true;
    t[b']' as usize] = true;
    t
};

/// A number sent as a JSON number or as a string (`"1"`), or null.
pub(crate) struct Number<T>(pub Option<T>);

impl<'de, T: TryFrom<u64> + std::str::FromStr> serde::Deserialize<'de> for Number<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: TryFrom<u64> + std::str::FromStr> Visitor<'de> for V<T> {
            type Value = Number<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a non-negative integer, as a number or a string")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Number<T>, E> {
                T::try_from(v)
                    .map(|n| Number(Some(n)))
                    .map_err(|_| E::custom(format!("{v} is out of range")))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Number<T>, E> {
                u64::try_from(v)
                    .map_err(|_| E::custom(format!("{v} is negative")))
                    .and_then(|v| self.visit_u64(v))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Number<T>, E> {
                if v.fract() == 0.0 && v >= 0.0 {
                    self.visit_u64(v as u64)
                } else {
                    Err(E::custom(format!("{v} is not an integer")))
                }
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Number<T>, E> {
                v.trim()
                    .parse()
                    .map(|n| Number(Some(n)))
                    .map_err(|_| E::custom(format!("{v:?} is not an integer")))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Number<T>, E> {
                Ok(Number(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<Number<T>, E> {
                Ok(Number(None))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Number<T>, D::Error> {
                d.deserialize_any(self)
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_decoder(_: u32) -> Option<(DecodeFn, Shape)> {
        None
    }

    /// Where the finder says a value ends when fed `value[..cut]` and then all of it, 64 bytes
    /// at a time: `(ended after the cut, at), (ended at last, at)`.
    fn find_fed(value: &[u8], cut: usize) -> [(bool, usize); 2] {
        let mut f = Finder::new(0);
        let first = f.done(&value[..cut], 0);
        let first = (first, f.at);
        [
            first,
            if first.0 {
                first
            } else {
                (f.done(value, 0), f.at)
            },
        ]
    }

    /// The same, byte by byte only (the finder before blocks, kept for blocks with a
    /// backslash).
    fn find_fed_by_bytes(value: &[u8], cut: usize) -> [(bool, usize); 2] {
        let mut f = Finder::new(0);
        f.done(&value[..1], 0);
        let kind = f.kind.unwrap_or(Kind::Compound);
        let mut one = |end: usize| {
            let ended = f.at > 0 && (f.bytes(kind, value, 0, end.max(f.at)));
            (ended, f.at)
        };
        let first = one(cut);
        [first, if first.0 { first } else { one(value.len()) }]
    }

    #[test]
    fn the_finder_ends_values_where_a_byte_by_byte_scan_does_at_every_cut() {
        // Strings, escapes (doubled, before quotes, at every offset of a block), brackets
        // in and out of strings, long runs with none; random, with a fixed seed.
        let alphabet: &[&[u8]] = &[
            b"\"",
            b"\\",
            b"\\\"",
            b"\\\\",
            b"{",
            b"}",
            b"[",
            b"]",
            b"a",
            b"bcdefgh",
            b",",
            b":",
            b"x y z 0123456789 lorem ipsum dolor sit amet",
        ];
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut cases = 0;
        for start in [&b"{"[..], b"[", b"\""] {
            for _ in 0..60 {
                let mut value = start.to_vec();
                let len = 40 + next() % 400;
                while (value.len() as u64) < len {
                    value.extend_from_slice(alphabet[(next() % alphabet.len() as u64) as usize]);
                }
                for cut in 1..=value.len() {
                    assert_eq!(
                        find_fed(&value, cut),
                        find_fed_by_bytes(&value, cut),
                        "{} cut at {cut}",
                        String::from_utf8_lossy(&value)
                    );
                    cases += 1;
                }
            }
        }
        assert!(cases > 10_000);
        // And values that end: a bundle page with escapes here and there.
        let page = serde_json::to_vec(
            &(0..200)
                .map(|i| serde_json::json!({"id": i, "s": "q\"[{".repeat(i % 7), "t": ["]"]}))
                .collect::<Vec<_>>(),
        )
        .unwrap();
        for cut in 1..=page.len() {
            assert_eq!(find_fed(&page, cut)[1], (true, page.len()));
        }
    }

    #[test]
    fn skips_strings_with_escaped_quotes_and_brackets() {
        let body = br#"{"results":[{"x":"a\"]}\\","sequenceNumber":"2","entities":[{"s":"]"}]}]}"#;
        let env = walk(body, &no_decoder).unwrap();
        assert_eq!(env.results[0].sequence_number, Some(2));
        let (a, b) = env.results[0].entities.as_ref().unwrap().range;
        assert_eq!(&body[a..b], br#"[{"s":"]"}]"#);
    }

    #[test]
    fn a_body_that_ends_early_is_an_error_with_its_path() {
        let body = br#"{"results":[{"sequenceNumber":1,"entities":[{"id":1},{"id""#;
        let err = walk(body, &no_decoder).err().unwrap();
        assert_eq!(err.path, "results[0].entities");
        assert!(err.message.contains("end of the body"), "{}", err.message);
    }

    #[test]
    fn decoding_the_whole_entities_gives_what_decoding_a_prefix_gives() {
        type Rows = Vec<BTreeMap<String, String>>;
        let cases: [(&[u8], Shape); 7] = [
            (
                b"[{\"name\":\"Acme \\u00e9\\\"x\\\"\"},{\"name\":\"Zo\xc3\xa9\"}]",
                Shape::List,
            ),
            (b" [ ] ", Shape::List),
            (br#"{"name":"one"}"#, Shape::One),
            // Not the shape the sub-request expects: the lazy way, both.
            (br#"{"name":"one"}"#, Shape::List),
            (b"null", Shape::List),
            // Not UTF-8 inside a string, and a row of the wrong type: neither decodes.
            (b"[{\"name\":\"\xff\"}]", Shape::List),
            (br#"[{"name":1}]"#, Shape::List),
        ];
        for (bytes, shape) in cases {
            let text = String::from_utf8_lossy(bytes);
            let whole = decode_whole::<Rows>(bytes, shape);
            let prefix = decode_prefix::<Rows>(bytes, shape);
            assert_eq!(whole.is_some(), prefix.is_some(), "{text}");
            if let (Some(whole), Some((prefix, _))) = (whole, prefix) {
                let whole = whole.downcast::<Rows>().expect("rows");
                let prefix = prefix.downcast::<Rows>().expect("rows");
                assert_eq!(whole, prefix, "{text}");
            }
        }
        let one = decode_whole::<BTreeMap<String, String>>(br#"{"name":"one"}"#, Shape::One);
        assert!(one.is_some(), "a single row decodes");
        let rows = decode_whole::<Rows>(br#"[{"name":"Zo\u00e9"}]"#, Shape::List)
            .and_then(|v| v.downcast::<Rows>().ok())
            .expect("rows");
        assert_eq!(rows[0]["name"], "Zo\u{e9}");
    }

    #[test]
    fn the_typed_decoder_runs_only_after_the_sequence_number() {
        fn decoder(_: u32) -> Option<(DecodeFn, Shape)> {
            Some((decode_prefix::<Vec<serde_json::Value>>, Shape::List))
        }
        let body = br#"{"results":[{"sequenceNumber":1,"entities":[{"id":1}]},{"entities":[],"sequenceNumber":2}]}"#;
        let env = walk(body, &decoder).unwrap();
        assert!(env.results[0].entities.as_ref().unwrap().typed.is_some());
        assert!(env.results[1].entities.as_ref().unwrap().typed.is_none());
    }

    #[test]
    fn an_entity_that_does_not_decode_is_kept_for_later() {
        fn decoder(_: u32) -> Option<(DecodeFn, Shape)> {
            Some((decode_prefix::<Vec<u8>>, Shape::List))
        }
        let body = br#"{"results":[{"sequenceNumber":1,"entities":[1,"two"],"count":2}]}"#;
        let env = walk(body, &decoder).unwrap();
        let entities = env.results[0].entities.as_ref().unwrap();
        assert!(entities.typed.is_none());
        assert_eq!(&body[entities.range.0..entities.range.1], br#"[1,"two"]"#);
        assert_eq!(env.results[0].count, Some(2));
    }

    #[test]
    fn trailing_garbage_is_an_error() {
        let err = walk(br#"{"results":[]} x"#, &no_decoder).err().unwrap();
        assert!(err.message.contains("trailing"), "{}", err.message);
    }
}
