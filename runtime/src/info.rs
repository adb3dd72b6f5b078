//! [`Info`]: a record's `_info`, the metadata ConnectWise sends with it.
//!
//! Nearly every object the API returns carries one (a ticket has about twenty: its own and
//! one in each reference: `board`, `status`, `company`, ...), and it is rarely read. Kept as a
//! map of `String` to `serde_json::Value`, it cost a ticket page more to decode than all the
//! ticket's other fields together (a B-tree node and two strings each, about 600 bytes of
//! heap for a one-entry map); so it is kept as the compact JSON object it came as, one string
//! each, and read when asked ([`get`](Info::get), [`to_map`](Info::to_map)).

use chrono::{DateTime, Utc};
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

/// A record's `_info`: `lastUpdated`, `updatedBy`, `dateEntered`, `enteredBy`, and links
/// such as `board_href`, as ConnectWise sent them (the spec calls the values strings; the API
/// also sends numbers and nulls, kept as they are).
///
/// It reads and writes as the JSON object it is; [`get`](Self::get) gives one entry,
/// [`to_map`](Self::to_map) all of them. Two are equal when their entries are, whatever their
/// order. `Info::default()` has no entries. A value that is valid JSON but that
/// `serde_json::Value` cannot hold (a number beyond `f64`, a lone surrogate) reads as its JSON
/// text, a string, rather than failing the record it came with.
///
/// ```
/// # use connectwise::Info;
/// let info: Info = serde_json::from_str(
///     r#"{"lastUpdated":"2024-08-13T21:53:02Z","updatedBy":"tobrien","board_href":"https://x/1"}"#,
/// )?;
/// assert_eq!(info.get_str("updatedBy").as_deref(), Some("tobrien"));
/// assert_eq!(info.last_updated().map(|t| t.to_rfc3339()).as_deref(), Some("2024-08-13T21:53:02+00:00"));
/// assert_eq!(info.len(), 3);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone)]
pub struct Info {
    /// A JSON object, its entries in the order they came.
    json: Box<str>,
}

impl Default for Info {
    fn default() -> Self {
        Info { json: "{}".into() }
    }
}

impl Info {
    /// The entries, in the order they came (a key sent twice: both). serde_json's raw text
    /// is checked for syntax only, so a value a `Value` cannot hold (a number beyond `f64`, a
    /// lone surrogate `"\ud800"`) may be in it: that value is given as its JSON text, a
    /// string, and the others as they are.
    fn entries(&self) -> impl Iterator<Item = (String, Value)> + '_ {
        serde_json::from_str::<Entries<Value>>(&self.json)
            .map(|e| e.0)
            .unwrap_or_else(|_| {
                // Only a key that is no string (a lone surrogate in it) fails here.
                serde_json::from_str::<Entries<Box<serde_json::value::RawValue>>>(&self.json)
                    .map(|e| e.0)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(k, raw)| {
                        let v = serde_json::from_str(raw.get())
                            .unwrap_or_else(|_| Value::String(raw.get().to_owned()));
                        (k, v)
                    })
                    .collect()
            })
            .into_iter()
    }

    /// The value of `key`, if it is there (the last one, if it came twice).
    pub fn get(&self, key: &str) -> Option<Value> {
        self.entries()
            .filter(|(k, _)| k == key)
            .last()
            .map(|(_, v)| v)
    }

    /// The value of `key` as text: a string as it is, a number or `true`/`false` as written;
    /// `None` when absent or null.
    pub fn get_str(&self, key: &str) -> Option<String> {
        match self.get(key)? {
            Value::String(s) => Some(s),
            Value::Null => None,
            other => Some(other.to_string()),
        }
    }

    /// `lastUpdated`, when it is there and a date.
    pub fn last_updated(&self) -> Option<DateTime<Utc>> {
        self.date("lastUpdated")
    }

    /// `dateEntered`, when it is there and a date.
    pub fn date_entered(&self) -> Option<DateTime<Utc>> {
        self.date("dateEntered")
    }

    fn date(&self, key: &str) -> Option<DateTime<Utc>> {
        let text = self.get_str(key)?;
        DateTime::parse_from_rfc3339(&text)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    }

    /// Every entry, by key (a key sent twice: its last value).
    pub fn to_map(&self) -> BTreeMap<String, Value> {
        self.entries().collect()
    }

    /// How many entries there are.
    pub fn len(&self) -> usize {
        self.entries().count()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries().next().is_none()
    }

    /// The JSON object: as received from serde_json, else written compact.
    pub fn as_json(&self) -> &str {
        &self.json
    }
}

impl fmt::Debug for Info {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.entries()).finish()
    }
}

impl PartialEq for Info {
    fn eq(&self, other: &Info) -> bool {
        self.json == other.json || self.to_map() == other.to_map()
    }
}

impl<K: Into<String>> FromIterator<(K, Value)> for Info {
    fn from_iter<I: IntoIterator<Item = (K, Value)>>(entries: I) -> Self {
        let map: serde_json::Map<String, Value> =
            entries.into_iter().map(|(k, v)| (k.into(), v)).collect();
        Info {
            json: Value::Object(map).to_string().into(),
        }
    }
}

impl From<BTreeMap<String, Value>> for Info {
    fn from(map: BTreeMap<String, Value>) -> Self {
        map.into_iter().collect()
    }
}

impl Serialize for Info {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for (k, v) in self.entries() {
            map.serialize_entry(&k, &v)?;
        }
        map.end()
    }
}

/// The entries of an [`Info`]'s JSON, in order, their values as `V`.
struct Entries<V>(Vec<(String, V)>);

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Entries<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for Visit<V> {
            type Value = Entries<V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries<V>, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    out.push(entry);
                }
                Ok(Entries(out))
            }
        }
        d.deserialize_map(Visit(std::marker::PhantomData))
    }
}

/// The newtype struct name under which serde_json hands a value's text as it came (what its
/// own `RawValue` asks for). Not a public API of serde_json: when it does not answer to it
/// (another deserializer, or a serde_json that changed it), the map is read entry by entry,
/// with the same outcome (the test `serde_json_hands_over_the_text_as_it_came` says which).
const SERDE_JSON_RAW: &str = "$serde_json::private::RawValue";

impl<'de> Deserialize<'de> for Info {
    /// From serde_json, the object's text is copied as it came: one allocation, no value
    /// parsed (serde_json checks the syntax). From anything else, the map is read and written
    /// into one compact JSON string: no allocation for its keys and values.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_newtype_struct(SERDE_JSON_RAW, Outer)
    }
}

/// What [`Info`]'s `deserialize` gets: serde_json's raw text (a map of one entry, named
/// [`SERDE_JSON_RAW`]), a newtype (any other deserializer), or a map as it is.
struct Outer;

impl<'de> Visitor<'de> for Outer {
    type Value = Info;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map")
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Info, D::Error> {
        d.deserialize_map(Entrywise)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Info, A::Error> {
        // Nothing allocated unless the map is read entry by entry.
        let mut json = String::new();
        let first = Key {
            out: &mut json,
            first: true,
            raw: true,
        };
        match map.next_key_seed(first)? {
            Some(true) => {
                let text: String = map.next_value()?;
                if !text.trim_start().starts_with('{') {
                    return Err(de::Error::invalid_type(
                        de::Unexpected::Other("JSON that is not an object"),
                        &self,
                    ));
                }
                Ok(Info { json: text.into() })
            }
            Some(false) => {
                json.push(':');
                map.next_value_seed(Write(&mut json))?;
                write_entries(&mut json, map, false)?;
                Ok(Info { json: json.into() })
            }
            None => Ok(Info::default()),
        }
    }
}

/// A map read entry by entry.
struct Entrywise;

impl<'de> Visitor<'de> for Entrywise {
    type Value = Info;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Info, A::Error> {
        let mut json = String::with_capacity(128);
        write_map(&mut json, map)?;
        Ok(Info { json: json.into() })
    }
}

/// Writes the map `map` reads as a compact JSON object.
fn write_map<'de, A: MapAccess<'de>>(out: &mut String, map: A) -> Result<(), A::Error> {
    out.push('{');
    write_entries(out, map, true)
}

/// Writes the rest of the entries `map` reads, and the closing `}` (`first`: none written
/// yet).
fn write_entries<'de, A: MapAccess<'de>>(
    out: &mut String,
    mut map: A,
    mut first: bool,
) -> Result<(), A::Error> {
    loop {
        let key = Key {
            out: &mut *out,
            first,
            raw: false,
        };
        if map.next_key_seed(key)?.is_none() {
            break;
        }
        out.push(':');
        map.next_value_seed(Write(out))?;
        first = false;
    }
    out.push('}');
    Ok(())
}

/// Writes `s` as a JSON string.
fn write_str(out: &mut String, s: &str) {
    // No early exit: the compiler checks many bytes at once.
    let escapes = s
        .bytes()
        .fold(false, |e, b| e | (b < 0x20) | (b == b'"') | (b == b'\\'));
    if escapes {
        // Escapes: serde_json's. Writing a `str` cannot fail.
        out.push_str(&serde_json::to_string(s).unwrap_or_default());
    } else {
        out.push('"');
        out.push_str(s);
        out.push('"');
    }
}

/// Writes a number as JSON does.
fn write_number(out: &mut String, n: impl fmt::Display) {
    use std::fmt::Write as _;
    // Writing to a `String` cannot fail.
    let _ = write!(out, "{n}");
}

/// A map's key, written (after a `,` unless it is the `first`) as a JSON string; with `raw`
/// (the first key [`Outer`] gets), `true` for serde_json's raw text, which is not written,
/// else the key after the object's opening `{`.
struct Key<'a> {
    out: &'a mut String,
    first: bool,
    raw: bool,
}

impl<'de> DeserializeSeed<'de> for Key<'_> {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key<'_> {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string key")
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<bool, E> {
        if self.raw {
            if s == SERDE_JSON_RAW {
                return Ok(true);
            }
            self.out.reserve(128);
            self.out.push('{');
        }
        if !self.first {
            self.out.push(',');
        }
        write_str(self.out, s);
        Ok(false)
    }
}

/// Any JSON value, written as compact JSON.
struct Write<'a>(&'a mut String);

impl<'de> DeserializeSeed<'de> for Write<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Write<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<(), E> {
        write_str(self.0, s);
        Ok(())
    }
    fn visit_bool<E: de::Error>(self, b: bool) -> Result<(), E> {
        self.0.push_str(if b { "true" } else { "false" });
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> Result<(), E> {
        write_number(self.0, n);
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<(), E> {
        write_number(self.0, n);
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, n: f64) -> Result<(), E> {
        // serde_json's form (`null` for what JSON cannot hold).
        self.0
            .push_str(&serde_json::to_string(&n).unwrap_or_else(|_| "null".into()));
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.0.push_str("null");
        Ok(())
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.visit_unit()
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.0.push('[');
        let mut first = true;
        loop {
            let at = self.0.len();
            if !first {
                self.0.push(',');
            }
            if seq.next_element_seed(Write(self.0))?.is_none() {
                self.0.truncate(at);
                break;
            }
            first = false;
        }
        self.0.push(']');
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        write_map(self.0, map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_and_writes_the_object_it_came_as() {
        let text = r#"{"lastUpdated":"2024-08-13T21:53:02Z","n":5,"x":-1.5,"ok":true,"none":null,"list":[1,"a\"b",{"k":[]}],"esc\u00e9\n":"t\\u"}"#;
        let info: Info = serde_json::from_str(text).unwrap();
        let value: Value = serde_json::from_str(text).unwrap();
        assert_eq!(serde_json::to_value(&info).unwrap(), value);
        assert_eq!(Value::Object(info.to_map().into_iter().collect()), value);
        assert_eq!(info.len(), 7);
        assert_eq!(info.get("n"), Some(json!(5)));
        assert_eq!(info.get_str("n").as_deref(), Some("5"));
        assert_eq!(info.get_str("none"), None);
        assert_eq!(info.get("list"), Some(json!([1, "a\"b", {"k": []}])));
        assert_eq!(info.get_str("esc\u{e9}\n").as_deref(), Some("t\\u"));
        assert!(info.last_updated().is_some() && info.date_entered().is_none());
        // The same entries from a `Value` (another deserializer), and equal.
        let from_value: Info = serde_json::from_value(value.clone()).unwrap();
        assert_eq!(from_value, info);
        assert_eq!(format!("{from_value:?}"), format!("{:?}", info.to_map()));
    }

    #[test]
    fn serde_json_hands_over_the_text_as_it_came() {
        // The fast path: text copied, not parsed into entries (which would write it compact).
        let text = r#"{ "b" : "2",
            "a" : [1, 2] }"#;
        let info: Info = serde_json::from_str(text).unwrap();
        assert_eq!(info.as_json(), text);
        let info: Info = serde_json::from_slice(text.as_bytes()).unwrap();
        assert_eq!(info.as_json(), text);
        // Invalid JSON inside is still an error.
        assert!(serde_json::from_str::<Info>(r#"{"a": tru}"#).is_err());
    }

    #[test]
    fn what_a_value_cannot_hold_is_given_as_its_text_and_the_rest_as_it_is() {
        // Valid syntax that serde_json's raw path lets through but a `Value` cannot hold
        // (review of the raw path: such an `Info` read as empty).
        let info: Info =
            serde_json::from_str(r#"{"lastUpdated":"2024-01-01T00:00:00Z","x":1e400,"y":2}"#)
                .unwrap();
        assert_eq!(info.len(), 3);
        assert!(info.last_updated().is_some());
        assert_eq!(info.get("x"), Some(json!("1e400")));
        assert_eq!(info.get("y"), Some(json!(2)));
        assert!(!info.is_empty() && info != Info::default());
        let info: Info = serde_json::from_slice(br#"{"a":"\ud800","b":"ok"}"#).unwrap();
        assert_eq!(info.get("a"), Some(json!("\"\\ud800\"")));
        assert_eq!(info.get_str("b").as_deref(), Some("ok"));
    }

    #[test]
    fn other_deserializers_give_the_same_entries() {
        use serde::de::value::{Error, MapDeserializer};
        let expected: Info = serde_json::from_str(r#"{"a":"1","b":"x\"y"}"#).unwrap();
        // A map as it is (`deserialize_newtype_struct` forwarded to `deserialize_any`).
        let entries = vec![("a", "1"), ("b", "x\"y")];
        let d: MapDeserializer<'_, _, Error> = MapDeserializer::new(entries.into_iter());
        let info = Info::deserialize(d).unwrap();
        assert_eq!(info, expected);
        assert_eq!(info.as_json(), r#"{"a":"1","b":"x\"y"}"#);
        let empty: MapDeserializer<'_, _, Error> =
            MapDeserializer::new(Vec::<(&str, &str)>::new().into_iter());
        assert!(Info::deserialize(empty).unwrap().is_empty());
        // Through serde's buffering (an untagged enum): a newtype, then a map.
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Info(Info),
        }
        let Either::Info(info) = serde_json::from_str(r#"{"a":"1","b":"x\"y"}"#).unwrap();
        assert_eq!(info, expected);
    }

    #[test]
    fn equal_whatever_the_order_and_not_a_map_is_an_error() {
        let a: Info = serde_json::from_str(r#"{"a":"1","b":"2"}"#).unwrap();
        let b: Info = serde_json::from_str(r#" { "b" : "2", "a" : "1" } "#).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, Info::default());
        assert!(Info::default().is_empty() && !a.is_empty());
        let built: Info = [("a", json!("1")), ("b", json!("2"))].into_iter().collect();
        assert_eq!(built, a);
        assert!(serde_json::from_str::<Info>(r#""text""#).is_err());
        assert!(serde_json::from_str::<Info>("[1]").is_err());
        assert!(serde_json::from_str::<Option<Info>>("null")
            .unwrap()
            .is_none());
    }
}
