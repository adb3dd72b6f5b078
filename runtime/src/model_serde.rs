//! The generic half of the models' `Serialize` and `Deserialize`: the generated half is one
//! line per field (see `connectwise-codegen`'s `emit_serde`), which is far less code for the
//! compiler than what `#[derive(Serialize, Deserialize)]` writes for the spec's 8,000 fields.
//!
//! The wire behaviour is the derive's with `#[serde(default)]` and
//! `skip_serializing_if = "Option::is_none"` on every field:
//! - writing, a model is a JSON object of the fields that are set (`Some`), in declaration
//!   order, then its extra properties; unset fields are not written (no `null`);
//! - reading, a model is a JSON object; a missing or `null` field is `None`; a property the
//!   model does not know is skipped (or kept, for models that keep extra properties); a
//!   repeated key keeps its last value;
//! - reading, a scalar field takes a value of another JSON type when nothing is lost (spec
//!   drift: `"id": "5"`, `"summary": 42`, `"closedFlag": "false"`, `"severity": 3`): see
//!   [`Lenient`] and [`read_open_enum`]. Anything else is an error, as with the derive.
//!
//! Not a public API: generated code reaches it through `connectwise::__private::model`.

use serde::de::{self, IgnoredAny, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Deserializer, Serialize};
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

/// Writes a model as a JSON object of its set fields.
pub struct Writer<M>(M);

impl<M: SerializeMap> Writer<M> {
    /// Starts the object.
    #[inline]
    pub fn begin<S>(serializer: S) -> Result<Self, S::Error>
    where
        S: Serializer<SerializeMap = M, Ok = M::Ok, Error = M::Error>,
    {
        serializer.serialize_map(None).map(Writer)
    }

    /// Writes `key: value` when the field is set, nothing when it is `None`.
    #[inline]
    pub fn field<T: Serialize>(
        &mut self,
        key: &'static str,
        value: &Option<T>,
    ) -> Result<(), M::Error> {
        match value {
            Some(value) => self.0.serialize_entry(key, value),
            None => Ok(()),
        }
    }

    /// Writes the properties the spec does not list, as they were read.
    pub fn extra<T: Serialize>(
        &mut self,
        extra: &std::collections::BTreeMap<String, T>,
    ) -> Result<(), M::Error> {
        extra
            .iter()
            .try_for_each(|(key, value)| self.0.serialize_entry(key, value))
    }

    /// Ends the object.
    #[inline]
    pub fn end(self) -> Result<M::Ok, M::Error> {
        self.0.end()
    }
}

/// A model's fields, read one property at a time: generated for every model.
pub trait ReadFields: Default {
    /// The schema's name, for error messages ("invalid type: ..., expected Ticket").
    const NAME: &'static str;

    /// Reads the value of property `key` from `map` into the field it names; a property
    /// the model does not list is skipped with [`skip`] (or kept, for models with extra
    /// properties).
    fn read_field<'de, A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
    ) -> Result<(), A::Error>;
}

/// Reads a model: what its generated `Deserialize` calls.
#[inline]
pub fn read<'de, D: Deserializer<'de>, T: ReadFields>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_map(ModelVisitor(PhantomData))
}

/// Skips the value of a property the model does not list.
#[inline]
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(drop)
}

/// Reads the value of a property the spec does not list into the model's extra properties.
#[inline]
pub fn keep<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    extra: &mut std::collections::BTreeMap<String, T>,
    key: &str,
    map: &mut A,
) -> Result<(), A::Error> {
    let value = map.next_value()?;
    extra.insert(key.to_owned(), value);
    Ok(())
}

/// Reads the value of a scalar field (or a list of scalars) leniently: what the generated
/// `read_field` calls for fields of type `String`, `bool`, the integers, `f64` and lists of
/// them. `null` is `None`; see [`Lenient`] for what else is accepted.
#[inline]
pub fn lenient<'de, A: MapAccess<'de>, T: Lenient>(map: &mut A) -> Result<Option<T>, A::Error> {
    map.next_value_seed(OptionSeed(PhantomData))
}

/// A field type read with the API's spec drift in mind: a value of another JSON type is
/// accepted when nothing is lost in the conversion.
///
/// - integers (`i8`..`i64`, `u8`..`u64`): a JSON integer that fits, or a string holding one
///   (`"5"`, `"-5"`, `"+5"`); not `"5.5"`, `"5.0"`, `" 5"`, `""` or a number out of range;
/// - `f64`: any JSON number, or a string holding a finite number (`"5.5"`, `"1e3"`); not
///   `"NaN"`, `"inf"` or `"1e400"`;
/// - `bool`: `true`/`false`, or the strings `"true"`/`"false"` in any case; not `"yes"`,
///   `"1"` or `1`;
/// - `String`: a string, or a JSON number, as JSON writes it (`42` -> `"42"`, `4.5` ->
///   `"4.5"`); not a boolean, an array or an object;
/// - `Vec<T>`: a JSON array of values `T` reads leniently.
///
/// The generated open enums are lenient on their own (see [`read_open_enum`]).
pub trait Lenient: Sized {
    /// Reads a value of this type, or of another JSON type that converts without loss.
    fn read_lenient<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error>;
}

/// `Option<T>` from `null` or a value `T` reads leniently.
struct OptionSeed<T>(PhantomData<T>);

impl<'de, T: Lenient> de::DeserializeSeed<'de> for OptionSeed<T> {
    type Value = Option<T>;

    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<T>, D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de, T: Lenient> Visitor<'de> for OptionSeed<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value or null")
    }

    #[inline]
    fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    #[inline]
    fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    #[inline]
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<T>, D::Error> {
        T::read_lenient(deserializer).map(Some)
    }
}

/// One element of a `Vec<T>`, read leniently.
struct ElementSeed<T>(PhantomData<T>);

impl<'de, T: Lenient> de::DeserializeSeed<'de> for ElementSeed<T> {
    type Value = T;

    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        T::read_lenient(deserializer)
    }
}

/// A JSON number as JSON writes it: integers as they are, floats in the shortest form that
/// reads back as the same `f64`, as `serde_json` writes it (`4.5`, `1.0`, `1e+20`).
fn float_text(v: f64) -> String {
    match serde_json::Number::from_f64(v) {
        Some(n) => n.to_string(),
        // Not finite: no JSON number is, but another format could send one.
        None => v.to_string(),
    }
}

/// The integer types: a JSON integer that fits, or a string holding one.
macro_rules! lenient_integer {
    ($($ty:ident)*) => {$(
        impl Lenient for $ty {
            #[inline]
            fn read_lenient<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = $ty;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str(concat!(stringify!($ty), ", or a string holding one"))
                    }
                    #[inline]
                    fn visit_i64<E: de::Error>(self, v: i64) -> Result<$ty, E> {
                        $ty::try_from(v)
                            .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
                    }
                    #[inline]
                    fn visit_u64<E: de::Error>(self, v: u64) -> Result<$ty, E> {
                        $ty::try_from(v)
                            .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
                    }
                    fn visit_str<E: de::Error>(self, v: &str) -> Result<$ty, E> {
                        v.parse()
                            .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
                    }
                }
                deserializer.deserialize_any(V)
            }
        }
    )*};
}

lenient_integer!(i8 i16 i32 i64 u8 u16 u32 u64);

impl Lenient for f64 {
    #[inline]
    fn read_lenient<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = f64;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number, or a string holding a finite one")
            }
            #[inline]
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
                Ok(v)
            }
            // As serde reads integers into an `f64`.
            #[inline]
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
                Ok(v as f64)
            }
            #[inline]
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
                Ok(v as f64)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<f64, E> {
                v.parse::<f64>()
                    .ok()
                    .filter(|n| n.is_finite())
                    .ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
            }
        }
        deserializer.deserialize_any(V)
    }
}

impl Lenient for bool {
    #[inline]
    fn read_lenient<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = bool;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a boolean, or \"true\" or \"false\" in any case")
            }
            #[inline]
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
                Ok(v)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
                if v.eq_ignore_ascii_case("true") {
                    Ok(true)
                } else if v.eq_ignore_ascii_case("false") {
                    Ok(false)
                } else {
                    Err(E::invalid_value(de::Unexpected::Str(v), &self))
                }
            }
        }
        deserializer.deserialize_any(V)
    }
}

impl Lenient for String {
    #[inline]
    fn read_lenient<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = String;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string, or a number")
            }
            #[inline]
            fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
                Ok(v.to_owned())
            }
            #[inline]
            fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
                Ok(v)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
                Ok(v.to_string())
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
                Ok(v.to_string())
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
                Ok(float_text(v))
            }
        }
        deserializer.deserialize_any(V)
    }
}

impl<T: Lenient> Lenient for Vec<T> {
    fn read_lenient<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Lenient> Visitor<'de> for V<T> {
            type Value = Vec<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array")
            }
            fn visit_seq<S: de::SeqAccess<'de>>(self, mut seq: S) -> Result<Vec<T>, S::Error> {
                // At most 4,096 slots up front, whatever length the input claims.
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
                while let Some(item) = seq.next_element_seed(ElementSeed(PhantomData))? {
                    items.push(item);
                }
                Ok(items)
            }
        }
        deserializer.deserialize_seq(V(PhantomData))
    }
}

/// Reads a generated open enum: what its `Deserialize` calls. A string is its value (a
/// value the spec does not list is kept in the enum's `Unknown` variant); a number, which
/// some API versions send for enum fields, is read as its text (`3` -> `"3"`, as JSON
/// writes it), so it too is kept, in the variant of that text.
#[inline]
pub fn read_open_enum<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: for<'a> From<&'a str>,
{
    struct V<T>(PhantomData<T>);
    impl<'de, T: for<'a> From<&'a str>> Visitor<'de> for V<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string, or a number")
        }
        #[inline]
        fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
            Ok(T::from(v))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
            Ok(T::from(&*v.to_string()))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
            Ok(T::from(&*v.to_string()))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
            Ok(T::from(&*float_text(v)))
        }
    }
    deserializer.deserialize_any(V(PhantomData))
}

struct ModelVisitor<T>(PhantomData<T>);

impl<'de, T: ReadFields> Visitor<'de> for ModelVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a {} object", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut model = T::default();
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            model.read_field(&key, &mut map)?;
        }
        Ok(model)
    }
}

/// A property name: borrowed from the input when it has no escapes (no allocation).
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    #[inline]
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a property name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// What the generator writes for a model with two fields and extra properties.
    #[derive(Debug, Default, PartialEq)]
    struct Note {
        id: Option<i32>,
        text: Option<String>,
        extra: BTreeMap<String, serde_json::Value>,
    }

    impl Serialize for Note {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut map = Writer::begin(serializer)?;
            map.field("id", &self.id)?;
            map.field("text", &self.text)?;
            map.extra(&self.extra)?;
            map.end()
        }
    }

    impl ReadFields for Note {
        const NAME: &'static str = "Note";
        fn read_field<'de, A: MapAccess<'de>>(
            &mut self,
            key: &str,
            map: &mut A,
        ) -> Result<(), A::Error> {
            match key {
                "id" => self.id = lenient(map)?,
                "text" => self.text = lenient(map)?,
                other => keep(&mut self.extra, other, map)?,
            }
            Ok(())
        }
    }

    impl<'de> Deserialize<'de> for Note {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            read(deserializer)
        }
    }

    #[test]
    fn unset_fields_are_not_written() {
        let note = Note {
            text: Some("hi".into()),
            ..Note::default()
        };
        assert_eq!(serde_json::to_string(&note).unwrap(), r#"{"text":"hi"}"#);
    }

    #[test]
    fn missing_and_null_fields_are_none_unknown_ones_are_kept_last_key_wins() {
        let note: Note =
            serde_json::from_str(r#"{"id":null,"text":"a","x":[1],"text":"b"}"#).unwrap();
        assert_eq!(note.id, None);
        assert_eq!(note.text.as_deref(), Some("b"));
        assert_eq!(note.extra["x"], serde_json::json!([1]));
        let back = serde_json::to_value(&note).unwrap();
        assert_eq!(back, serde_json::json!({"text": "b", "x": [1]}));
    }

    #[test]
    fn escaped_keys_are_read() {
        let note: Note = serde_json::from_str(r#"{"t\u0065xt":"a"}"#).unwrap();
        assert_eq!(note.text.as_deref(), Some("a"));
    }

    #[test]
    fn a_wrong_type_names_the_model_and_the_path() {
        let err = serde_json::from_str::<Note>("[1]").unwrap_err().to_string();
        assert!(err.contains("a Note object"), "{err}");
        let mut de = serde_json::Deserializer::from_str(r#"{"id":"x"}"#);
        let err = serde_path_to_error::deserialize::<_, Note>(&mut de).unwrap_err();
        assert_eq!(err.path().to_string(), "id");
    }

    /// A field of each lenient type, read as the generated code reads it.
    #[derive(Debug, Default, PartialEq)]
    struct Drift {
        i: Option<i32>,
        l: Option<i64>,
        b: Option<u8>,
        f: Option<f64>,
        flag: Option<bool>,
        s: Option<String>,
        ids: Option<Vec<i32>>,
        level: Option<Level>,
    }

    impl ReadFields for Drift {
        const NAME: &'static str = "Drift";
        fn read_field<'de, A: MapAccess<'de>>(
            &mut self,
            key: &str,
            map: &mut A,
        ) -> Result<(), A::Error> {
            match key {
                "i" => self.i = lenient(map)?,
                "l" => self.l = lenient(map)?,
                "b" => self.b = lenient(map)?,
                "f" => self.f = lenient(map)?,
                "flag" => self.flag = lenient(map)?,
                "s" => self.s = lenient(map)?,
                "ids" => self.ids = lenient(map)?,
                "level" => self.level = map.next_value()?,
                _ => return skip(map),
            }
            Ok(())
        }
    }

    impl<'de> Deserialize<'de> for Drift {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            read(deserializer)
        }
    }

    /// A generated open enum.
    #[derive(Debug, PartialEq)]
    enum Level {
        Low,
        Unknown(String),
    }

    impl From<&str> for Level {
        fn from(value: &str) -> Self {
            match value {
                "Low" => Level::Low,
                other => Level::Unknown(other.to_owned()),
            }
        }
    }

    impl<'de> Deserialize<'de> for Level {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            read_open_enum(deserializer)
        }
    }

    fn drift(json: &str) -> Result<Drift, String> {
        let mut de = serde_json::Deserializer::from_str(json);
        serde_path_to_error::deserialize::<_, Drift>(&mut de)
            .map_err(|e| format!("{}: {}", e.path(), e.inner()))
    }

    #[test]
    fn values_of_the_right_type_read_as_before() {
        let d = drift(
            r#"{"i":-5,"l":9007199254740993,"b":255,"f":1.5,"flag":true,"s":"x\"y",
                "ids":[1,2],"level":"Low"}"#,
        )
        .unwrap();
        let want = Drift {
            i: Some(-5),
            l: Some(9_007_199_254_740_993),
            b: Some(255),
            f: Some(1.5),
            flag: Some(true),
            s: Some("x\"y".into()),
            ids: Some(vec![1, 2]),
            level: Some(Level::Low),
        };
        assert_eq!(d, want);
        let nulls = drift(r#"{"i":null,"f":null,"flag":null,"s":null,"ids":null,"level":null}"#);
        assert_eq!(nulls.unwrap(), Drift::default());
    }

    #[test]
    fn integers_are_read_from_strings_that_hold_one() {
        let d = drift(r#"{"i":"5","l":"-9007199254740993","b":"255"}"#).unwrap();
        assert_eq!(d.i, Some(5));
        assert_eq!(d.l, Some(-9_007_199_254_740_993));
        assert_eq!(d.b, Some(255));
        assert_eq!(drift(r#"{"i":"+7"}"#).unwrap().i, Some(7));
        assert_eq!(drift(r#"{"i":"-2147483648"}"#).unwrap().i, Some(i32::MIN));
    }

    #[test]
    fn integers_that_would_lose_information_are_errors() {
        for (json, path) in [
            (r#"{"i":"5.5"}"#, "i"),
            (r#"{"i":"5.0"}"#, "i"),
            (r#"{"i":" 5"}"#, "i"),
            (r#"{"i":""}"#, "i"),
            (r#"{"i":"five"}"#, "i"),
            (r#"{"i":"2147483648"}"#, "i"),
            (r#"{"i":2147483648}"#, "i"),
            (r#"{"i":5.5}"#, "i"),
            (r#"{"i":true}"#, "i"),
            (r#"{"b":300}"#, "b"),
            (r#"{"b":"300"}"#, "b"),
            (r#"{"b":-1}"#, "b"),
            (r#"{"b":"-1"}"#, "b"),
            (r#"{"ids":[1,"x"]}"#, "ids[1]"),
        ] {
            let err = drift(json).expect_err(json);
            assert!(
                err.starts_with(&format!("{path}: invalid ")),
                "{json}: {err}"
            );
        }
        let err = drift(r#"{"b":"300"}"#).unwrap_err();
        assert!(err.contains("u8, or a string holding one"), "{err}");
    }

    #[test]
    fn floats_are_read_from_strings_that_hold_a_finite_one() {
        assert_eq!(drift(r#"{"f":"5.5"}"#).unwrap().f, Some(5.5));
        assert_eq!(drift(r#"{"f":"-1e3"}"#).unwrap().f, Some(-1000.0));
        assert_eq!(drift(r#"{"f":"7"}"#).unwrap().f, Some(7.0));
        assert_eq!(drift(r#"{"f":7}"#).unwrap().f, Some(7.0));
        for json in [
            r#"{"f":"NaN"}"#,
            r#"{"f":"inf"}"#,
            r#"{"f":"1e400"}"#,
            r#"{"f":"5,5"}"#,
            r#"{"f":""}"#,
            r#"{"f":false}"#,
        ] {
            let err = drift(json).expect_err(json);
            assert!(err.starts_with("f: invalid "), "{json}: {err}");
        }
    }

    #[test]
    fn booleans_are_read_from_true_and_false_in_any_case() {
        for (json, want) in [
            (r#"{"flag":"true"}"#, true),
            (r#"{"flag":"false"}"#, false),
            (r#"{"flag":"TRUE"}"#, true),
            (r#"{"flag":"False"}"#, false),
        ] {
            assert_eq!(drift(json).unwrap().flag, Some(want), "{json}");
        }
        for json in [
            r#"{"flag":"yes"}"#,
            r#"{"flag":"1"}"#,
            r#"{"flag":1}"#,
            r#"{"flag":""}"#,
            r#"{"flag":" true"}"#,
        ] {
            let err = drift(json).expect_err(json);
            assert!(err.starts_with("flag: invalid "), "{json}: {err}");
        }
    }

    #[test]
    fn strings_are_read_from_numbers_as_json_writes_them() {
        for (json, want) in [
            (r#"{"s":42}"#, "42"),
            (r#"{"s":-42}"#, "-42"),
            (r#"{"s":18446744073709551615}"#, "18446744073709551615"),
            (r#"{"s":4.5}"#, "4.5"),
            (r#"{"s":1.0}"#, "1.0"),
            (r#"{"s":1e20}"#, "1e+20"),
        ] {
            assert_eq!(drift(json).unwrap().s.as_deref(), Some(want), "{json}");
        }
        for json in [r#"{"s":true}"#, r#"{"s":[1]}"#, r#"{"s":{"a":1}}"#] {
            let err = drift(json).expect_err(json);
            assert!(err.starts_with("s: invalid type"), "{json}: {err}");
        }
    }

    #[test]
    fn enums_are_read_from_numbers_as_their_text() {
        assert_eq!(
            drift(r#"{"level":3}"#).unwrap().level,
            Some(Level::Unknown("3".into()))
        );
        assert_eq!(
            drift(r#"{"level":-1.5}"#).unwrap().level,
            Some(Level::Unknown("-1.5".into()))
        );
        assert_eq!(
            drift(r#"{"level":"Medium"}"#).unwrap().level,
            Some(Level::Unknown("Medium".into()))
        );
        for json in [
            r#"{"level":true}"#,
            r#"{"level":["Low"]}"#,
            r#"{"level":{}}"#,
        ] {
            let err = drift(json).expect_err(json);
            assert!(err.starts_with("level: invalid type"), "{json}: {err}");
        }
    }

    #[test]
    fn lists_of_scalars_are_read_leniently_item_by_item() {
        let d = drift(r#"{"ids":["5",6,"-7"]}"#).unwrap();
        assert_eq!(d.ids, Some(vec![5, 6, -7]));
        let err = drift(r#"{"ids":"5"}"#).unwrap_err();
        assert!(err.starts_with("ids: invalid type"), "{err}");
    }

    #[test]
    fn lenient_fields_read_from_a_json_value_too() {
        let value = serde_json::json!({"i": "5", "flag": "FALSE", "s": 42, "level": 3});
        let d: Drift = serde_json::from_value(value).unwrap();
        assert_eq!(d.i, Some(5));
        assert_eq!(d.flag, Some(false));
        assert_eq!(d.s.as_deref(), Some("42"));
        assert_eq!(d.level, Some(Level::Unknown("3".into())));
    }
}
