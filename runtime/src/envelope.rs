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
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace())?;
    // Only the shape the API normally sends; the tolerated odd ones go the lazy way.
    match (shape, first) {
        (Shape::List, b'[') | (Shape::One, b'{') => {}
        _ => return None,
    }
    let mut values = serde_json::Deserializer::from_slice(bytes).into_iter::<T>();
    match values.next() {
        Some(Ok(value)) => Some((Box::new(value), values.byte_offset())),
        _ => None,
    }
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
    /// The byte range of the value in the body.
    pub range: (usize, usize),
    /// The value, when the typed decoder ran in the walk.
    pub typed: Option<AnyValue>,
}

/// A problem with the envelope: where (`results[2].statusCode`) and what.
#[derive(Debug)]
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
    let mut s = Scanner { b: body, i: 0 };
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
            message: format!("{message}, found {found} at byte {}", self.i),
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
                        s.i = start + read;
                        Entities {
                            range: (start, s.i),
                            typed: Some(value),
                        }
                    }
                    None => Entities {
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
            message: format!("invalid string at byte {start}"),
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
