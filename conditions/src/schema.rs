//! What the condition checker knows about the API: each model's fields and their types.
//!
//! A [`Schema`] maps a model's Rust name (`Ticket`, `ServiceStatusReference`) to its fields;
//! each field has its JSON name (`status`, `closedFlag`) and a [`FieldType`]. The code
//! generator builds it from the spec (`connectwise_codegen::schema::condition_schema`) and
//! writes it as JSON with [`Schema::to_json`]; the `bundle!` macro and the fake server read it
//! back with [`Schema::from_json`]. Both directions are serde derives on the types below, so
//! the format is defined once, here.
//!
//! # The JSON format
//!
//! ```json
//! {
//!   "format": "connectwise-condition-schema",
//!   "version": 1,
//!   "models": {
//!     "ServiceStatusReference": {"fields": {"_info": "map", "id": "integer", "name": "string"}},
//!     "Ticket": {
//!       "fields": {
//!         "closedDate": "datetime",
//!         "closedFlag": "boolean",
//!         "customFields": {"list": {"object": "CustomFieldValue"}},
//!         "id": "integer",
//!         "severity": {"enum": ["Low", "Medium", "High"]},
//!         "status": {"object": "ServiceStatusReference"}
//!       }
//!     },
//!     "TicketInfo": {"fields": {"lastUpdated": "datetime"}, "additional": "string"}
//!   }
//! }
//! ```
//!
//! - `format` must be `"connectwise-condition-schema"` and `version` must be `1`.
//! - `models` maps each model's Rust name to an object with `fields` (JSON name -> type) and,
//!   optionally, `additional`: the type of properties the model does not list (a model with
//!   `additionalProperties`), whose keys are then accepted in paths, and, optionally,
//!   `formats`: the spec's `format` of string fields that have one the types above do not
//!   carry (`{"mobileGuid": "uuid", "file": "byte"}`), for the fake server's generated data
//!   and write checks; conditions ignore it.
//! - A type is one of the strings `"string"`, `"integer"`, `"number"`, `"boolean"`,
//!   `"datetime"`, `"date"`, `"map"` (an object with free keys), `"any"` (free-form JSON), or
//!   one of the objects `{"enum": ["A", "B"]}` (the wire values, in spec order),
//!   `{"object": "ModelName"}` (a nested model: `*Reference` fields) and `{"list": TYPE}`.
//! - Unknown keys are ignored (room for later additions); anything else malformed is a
//!   [`SchemaError`] naming where it is (a JSON pointer) and what is wrong.
//! - Within a model a later field of the same name replaces an earlier one.
//!
//! [`Schema::to_json`] writes models and fields sorted by name (byte order), compactly, so
//! the same schema always gives the same bytes.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The `format` value of the JSON text.
pub const FORMAT: &str = "connectwise-condition-schema";
/// The `version` of the JSON format this crate reads and writes.
pub const FORMAT_VERSION: u64 = 1;

/// A field's type, as far as conditions care. In JSON, a word for the types without a
/// parameter (`"datetime"`) and a one-key object for the others (`{"list": "integer"}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    /// Text.
    String,
    /// A whole number (`int32`, `int64`).
    Integer,
    /// Any number (`double`, `float`, decimal).
    Number,
    /// `true` / `false`.
    Boolean,
    /// A date and time (`date-time`): compared with `[2024-01-31T00:00:00Z]`.
    DateTime,
    /// A calendar date (`date`): compared with `[2024-01-31]` or a date-time literal.
    Date,
    /// A string with a closed set of values (the wire values, in spec order).
    Enum(Vec<String>),
    /// A nested model, by Rust name: `status` -> `ServiceStatusReference`.
    Object(String),
    /// An array; a path walks into its elements.
    List(Box<FieldType>),
    /// An object with free keys (`additionalProperties`): any key is accepted in a path.
    Map,
    /// Free-form JSON: anything goes.
    Any,
}

impl FieldType {
    /// The element type, through any number of lists.
    pub fn element(&self) -> &FieldType {
        let mut ty = self;
        while let FieldType::List(inner) = ty {
            ty = inner;
        }
        ty
    }

    /// How the type reads in a message: "a string", "an integer", "an object
    /// (`ServiceStatusReference`)", "a list of integers".
    pub fn describe(&self) -> String {
        match self {
            FieldType::String => "a string".to_owned(),
            FieldType::Integer => "an integer".to_owned(),
            FieldType::Number => "a number".to_owned(),
            FieldType::Boolean => "a boolean".to_owned(),
            FieldType::DateTime => "a date-time".to_owned(),
            FieldType::Date => "a date".to_owned(),
            FieldType::Enum(_) => "an enum (a string with fixed values)".to_owned(),
            FieldType::Object(model) => format!("an object (`{model}`)"),
            FieldType::List(inner) => format!("a list of {}", inner.describe_plural()),
            FieldType::Map => "a map".to_owned(),
            FieldType::Any => "free-form JSON".to_owned(),
        }
    }

    fn describe_plural(&self) -> String {
        match self {
            FieldType::String => "strings".to_owned(),
            FieldType::Integer => "integers".to_owned(),
            FieldType::Number => "numbers".to_owned(),
            FieldType::Boolean => "booleans".to_owned(),
            FieldType::DateTime => "date-times".to_owned(),
            FieldType::Date => "dates".to_owned(),
            FieldType::Enum(_) => "enum values".to_owned(),
            FieldType::Object(model) => format!("objects (`{model}`)"),
            FieldType::List(inner) => format!("lists of {}", inner.describe_plural()),
            FieldType::Map => "maps".to_owned(),
            FieldType::Any => "JSON values".to_owned(),
        }
    }
}

/// One field of a model. On its own it is `{"name": ..., "type": ...}`; inside a
/// [`ModelSchema`] the fields are one object from name to type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldSchema {
    /// The JSON name, as the API spells it (`closedFlag`).
    pub name: String,
    /// The field's type, which decides the values and operators a condition may use on it.
    #[serde(rename = "type")]
    pub ty: FieldType,
}

/// One model: its fields, sorted by JSON name. In JSON, `{"additional": TYPE, "fields":
/// {NAME: TYPE, ...}}`; the model's name is its key in the [`Schema`] (a model read on its own
/// has an empty name).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelSchema {
    #[serde(skip)]
    name: String,
    /// The type of properties not listed, when the model has `additionalProperties`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional: Option<FieldType>,
    #[serde(with = "field_map")]
    fields: Vec<FieldSchema>,
    /// String formats of fields, by JSON name (`mobileGuid` -> `uuid`): the spec's `format`
    /// where the type does not carry it (`uuid`, `byte`, `binary`). Not used by conditions.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub formats: BTreeMap<String, String>,
}

/// A model's fields as one JSON object from name to type, sorted by name.
mod field_map {
    use super::*;

    pub(super) fn serialize<S: Serializer>(
        fields: &[FieldSchema],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_map(fields.iter().map(|field| (&field.name, &field.ty)))
    }

    /// Sorted by name; of two fields with the same name the later is kept, as in
    /// [`ModelSchema::new`].
    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<FieldSchema>, D::Error> {
        let fields = BTreeMap::<String, FieldType>::deserialize(deserializer)?;
        Ok(fields
            .into_iter()
            .map(|(name, ty)| FieldSchema { name, ty })
            .collect())
    }
}

impl ModelSchema {
    /// A model named `name` (its Rust name) with `fields`; a later field with the same JSON
    /// name replaces an earlier one.
    pub fn new(name: impl Into<String>, fields: impl IntoIterator<Item = FieldSchema>) -> Self {
        let mut fields: Vec<FieldSchema> = fields.into_iter().collect();
        // Stable: among equal names the later one ends up last, and is the one kept.
        fields.sort_by(|a, b| a.name.cmp(&b.name));
        let mut kept: Vec<FieldSchema> = Vec::with_capacity(fields.len());
        for field in fields {
            match kept.last_mut() {
                Some(last) if last.name == field.name => *last = field,
                _ => kept.push(field),
            }
        }
        ModelSchema {
            name: name.into(),
            fields: kept,
            additional: None,
            formats: BTreeMap::new(),
        }
    }

    /// The model's Rust name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The fields, sorted by JSON name.
    pub fn fields(&self) -> &[FieldSchema] {
        &self.fields
    }

    /// The field named `name`, matched as the API does: exactly, else ignoring ASCII case.
    pub fn field(&self, name: &str) -> Option<&FieldSchema> {
        match self
            .fields
            .binary_search_by(|field| field.name.as_str().cmp(name))
        {
            Ok(i) => self.fields.get(i),
            Err(_) => self
                .fields
                .iter()
                .find(|field| field.name.eq_ignore_ascii_case(name)),
        }
    }
}

/// Every model's fields, by the model's Rust name. Its serde form is the JSON format of the
/// module documentation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schema {
    format: Format,
    #[serde(deserialize_with = "named_models")]
    models: BTreeMap<String, ModelSchema>,
    version: Version,
}

/// The models, each given the name it is stored under.
fn named_models<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<String, ModelSchema>, D::Error> {
    let mut models = BTreeMap::<String, ModelSchema>::deserialize(deserializer)?;
    for (name, model) in &mut models {
        model.name.clone_from(name);
    }
    Ok(models)
}

/// The `format` key: always [`FORMAT`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Format;

impl Serialize for Format {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(FORMAT)
    }
}

impl<'de> Deserialize<'de> for Format {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let format = String::deserialize(deserializer)?;
        if format == FORMAT {
            Ok(Format)
        } else {
            Err(D::Error::custom(format!(
                "expected \"{FORMAT}\", found \"{format}\""
            )))
        }
    }
}

/// The `version` key: always [`FORMAT_VERSION`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Version;

impl Serialize for Version {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u64(FORMAT_VERSION)
    }
}

impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let version = u64::deserialize(deserializer)?;
        if version == FORMAT_VERSION {
            Ok(Version)
        } else {
            Err(D::Error::custom(format!(
                "expected version {FORMAT_VERSION}, found {version}"
            )))
        }
    }
}

impl Schema {
    /// An empty schema.
    pub fn new() -> Self {
        Schema::default()
    }

    /// Adds (or replaces) a model.
    pub fn insert(&mut self, model: ModelSchema) {
        self.models.insert(model.name.clone(), model);
    }

    /// The model with this Rust name.
    pub fn model(&self, name: &str) -> Option<&ModelSchema> {
        self.models.get(name)
    }

    /// Every model, sorted by name.
    pub fn models(&self) -> impl ExactSizeIterator<Item = &ModelSchema> + '_ {
        self.models.values()
    }

    /// Reads the JSON format described in the module documentation.
    pub fn from_json(text: &str) -> Result<Schema, SchemaError> {
        let mut json = serde_json::Deserializer::from_str(text);
        let schema = serde_path_to_error::deserialize(&mut json).map_err(SchemaError::from)?;
        json.end().map_err(|e| SchemaError::new("", e))?;
        Ok(schema)
    }

    /// Writes the JSON format described in the module documentation: compact, models and
    /// fields sorted by name.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a schema serializes: its map keys are strings")
    }
}

/// A schema text that does not follow the format, with the JSON pointer of the problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaError {
    pointer: String,
    message: String,
}

impl SchemaError {
    fn new(pointer: &str, error: serde_json::Error) -> Self {
        use serde_json::error::Category;
        let message = match error.classify() {
            Category::Data => error.to_string(),
            Category::Io | Category::Syntax | Category::Eof => format!("not valid JSON: {error}"),
        };
        SchemaError {
            pointer: pointer.to_owned(),
            message,
        }
    }

    /// The JSON pointer of the offending value (`""` for the whole text).
    pub fn pointer(&self) -> &str {
        &self.pointer
    }

    /// What is wrong there.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl From<serde_path_to_error::Error<serde_json::Error>> for SchemaError {
    fn from(error: serde_path_to_error::Error<serde_json::Error>) -> Self {
        use serde_path_to_error::Segment;
        let mut pointer = String::new();
        for segment in error.path().iter() {
            let _ = match segment {
                Segment::Seq { index } => write!(pointer, "/{index}"),
                Segment::Map { key } => write!(pointer, "/{}", escape_pointer(key)),
                Segment::Enum { variant } => write!(pointer, "/{}", escape_pointer(variant)),
                // A key that is not a string, which JSON cannot have.
                Segment::Unknown => Ok(()),
            };
        }
        SchemaError::new(&pointer, error.into_inner())
    }
}

/// `~` and `/` escaped as in a JSON pointer.
fn escape_pointer(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.pointer.is_empty() {
            write!(f, "condition schema: {}", self.message)
        } else {
            write!(
                f,
                "condition schema at `{}`: {}",
                self.pointer, self.message
            )
        }
    }
}

impl std::error::Error for SchemaError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Schema {
        let mut schema = Schema::new();
        schema.insert(ModelSchema::new(
            "Ticket",
            [
                FieldSchema {
                    name: "status".into(),
                    ty: FieldType::Object("ServiceStatusReference".into()),
                },
                FieldSchema {
                    name: "id".into(),
                    ty: FieldType::Integer,
                },
                FieldSchema {
                    name: "severity".into(),
                    ty: FieldType::Enum(vec!["Low".into(), "High".into()]),
                },
                FieldSchema {
                    name: "tags".into(),
                    ty: FieldType::List(Box::new(FieldType::List(Box::new(FieldType::String)))),
                },
                FieldSchema {
                    name: "a/b~c".into(),
                    ty: FieldType::Any,
                },
            ],
        ));
        let mut info = ModelSchema::new(
            "TicketInfo",
            [FieldSchema {
                name: "lastUpdated".into(),
                ty: FieldType::DateTime,
            }],
        );
        info.additional = Some(FieldType::String);
        schema.insert(info);
        schema
    }

    #[test]
    fn json_round_trip_is_exact() {
        let schema = sample();
        let text = schema.to_json();
        let back = Schema::from_json(&text).expect("own output reads back");
        assert_eq!(back, schema);
        assert_eq!(back.to_json(), text);
        assert_eq!(
            text,
            concat!(
                r#"{"format":"connectwise-condition-schema","models":{"Ticket":{"fields":{"#,
                r#""a/b~c":"any","id":"integer","severity":{"enum":["Low","High"]},"#,
                r#""status":{"object":"ServiceStatusReference"},"tags":{"list":{"list":"string"}}}},"#,
                r#""TicketInfo":{"additional":"string","fields":{"lastUpdated":"datetime"}}},"#,
                r#""version":1}"#
            )
        );
    }

    #[test]
    fn unknown_keys_are_ignored_and_a_later_duplicate_field_wins() {
        let text = r#"{"later":true,"version":1,"format":"connectwise-condition-schema",
            "models":{"M":{"fields":{"b":"string","a":"date","b":"integer"},"note":"x"}}}"#;
        let schema = Schema::from_json(text).expect("reads");
        let model = schema.model("M").expect("M");
        assert_eq!(model.name(), "M");
        assert_eq!(model.additional, None);
        let fields: Vec<_> = model.fields().iter().map(|f| (&*f.name, &f.ty)).collect();
        assert_eq!(
            fields,
            [("a", &FieldType::Date), ("b", &FieldType::Integer)]
        );
    }

    #[test]
    fn a_later_field_of_the_same_name_wins() {
        let model = ModelSchema::new(
            "M",
            [
                FieldSchema {
                    name: "b".into(),
                    ty: FieldType::String,
                },
                FieldSchema {
                    name: "a".into(),
                    ty: FieldType::String,
                },
                FieldSchema {
                    name: "b".into(),
                    ty: FieldType::Integer,
                },
            ],
        );
        assert_eq!(model.fields().len(), 2);
        assert_eq!(model.field("b").map(|f| &f.ty), Some(&FieldType::Integer));
    }

    #[test]
    fn fields_are_found_ignoring_case() {
        let schema = sample();
        let ticket = schema.model("Ticket").expect("Ticket");
        assert_eq!(ticket.field("ID").map(|f| &f.ty), Some(&FieldType::Integer));
        assert_eq!(ticket.field("id").map(|f| f.name.as_str()), Some("id"));
        assert!(ticket.field("nope").is_none());
        let names: Vec<_> = ticket.fields().iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["a/b~c", "id", "severity", "status", "tags"]);
    }

    #[test]
    fn malformed_schemas_name_the_place() {
        let cases = [
            ("[]", "", "expected struct Schema"),
            (
                r#"{"format":"x","version":1,"models":{}}"#,
                "/format",
                r#"expected "connectwise-condition-schema", found "x""#,
            ),
            (
                r#"{"format":"connectwise-condition-schema","version":2,"models":{}}"#,
                "/version",
                "found 2",
            ),
            (
                r#"{"format":"connectwise-condition-schema","version":1,"models":{"T":{"fields":{"a/b":"strng"}}}}"#,
                "/models/T/fields/a~1b",
                "unknown variant `strng`, expected one of `string`,",
            ),
            (
                r#"{"format":"connectwise-condition-schema","version":1,"models":{"T":{"fields":{"a":{"enum":[1]}}}}}"#,
                "/models/T/fields/a/enum/0",
                "invalid type: integer `1`, expected a string",
            ),
            (
                r#"{"format":"connectwise-condition-schema","version":1,"models":{"T":{}}}"#,
                "/models/T",
                "missing field `fields`",
            ),
            ("{", "", "not valid JSON"),
            (
                r#"{"format":"connectwise-condition-schema","version":1,"models":{}} x"#,
                "",
                "not valid JSON: trailing characters",
            ),
        ];
        for (text, pointer, message) in cases {
            let error = Schema::from_json(text).expect_err(text);
            assert_eq!(error.pointer(), pointer, "{text}");
            assert!(error.message().contains(message), "{text}: {error}");
        }
    }
}
