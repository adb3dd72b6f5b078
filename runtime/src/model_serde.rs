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
//!   repeated key keeps its last value.
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
                "id" => self.id = map.next_value()?,
                "text" => self.text = map.next_value()?,
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
}
