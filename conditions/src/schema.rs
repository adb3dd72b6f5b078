//! What the condition checker knows about the API: each model's fields and their types.
//!
//! A [`Schema`] maps a model's Rust name (`Ticket`, `ServiceStatusReference`) to its fields;
//! each field has its JSON name (`status`, `closedFlag`) and a [`FieldType`]. The code
//! generator writes it from the spec (`connectwise_codegen::schema::condition_schema`), the
//! `bundle!` macro and the fake server read it with [`Schema::from_json`]. The generator may
//! not depend on this crate, so the JSON text below is the contract between the two; a test
//! on each side proves the round trip.
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
//!   `additionalProperties`), whose keys are then accepted in paths.
//! - A type is one of the strings `"string"`, `"integer"`, `"number"`, `"boolean"`,
//!   `"datetime"`, `"date"`, `"map"` (an object with free keys), `"any"` (free-form JSON), or
//!   one of the objects `{"enum": ["A", "B"]}` (the wire values, in spec order),
//!   `{"object": "ModelName"}` (a nested model: `*Reference` fields) and `{"list": TYPE}`.
//! - Unknown keys are ignored (room for later additions); anything else malformed is a
//!   [`SchemaError`] naming where it is.
//!
//! [`Schema::to_json`] writes models and fields sorted by name (byte order), compactly, so
//! the same schema always gives the same bytes.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::{Map, Value as Json};

/// The `format` value of the JSON text.
pub const FORMAT: &str = "connectwise-condition-schema";
/// The `version` of the JSON format this crate reads and writes.
pub const FORMAT_VERSION: u64 = 1;

/// A field's type, as far as conditions care.
#[derive(Clone, Debug, PartialEq, Eq)]
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

    fn to_json(&self) -> Json {
        let word = |w: &str| Json::String(w.to_owned());
        let tagged = |tag: &str, value: Json| {
            let mut object = Map::new();
            object.insert(tag.to_owned(), value);
            Json::Object(object)
        };
        match self {
            FieldType::String => word("string"),
            FieldType::Integer => word("integer"),
            FieldType::Number => word("number"),
            FieldType::Boolean => word("boolean"),
            FieldType::DateTime => word("datetime"),
            FieldType::Date => word("date"),
            FieldType::Map => word("map"),
            FieldType::Any => word("any"),
            FieldType::Enum(values) => tagged(
                "enum",
                Json::Array(values.iter().map(|v| word(v)).collect()),
            ),
            FieldType::Object(model) => tagged("object", word(model)),
            FieldType::List(inner) => tagged("list", inner.to_json()),
        }
    }

    /// Reads a type; the error's pointer is relative to `json`.
    fn from_json(json: Json) -> Result<FieldType, SchemaError> {
        match json {
            Json::String(word) => match word.as_str() {
                "string" => Ok(FieldType::String),
                "integer" => Ok(FieldType::Integer),
                "number" => Ok(FieldType::Number),
                "boolean" => Ok(FieldType::Boolean),
                "datetime" => Ok(FieldType::DateTime),
                "date" => Ok(FieldType::Date),
                "map" => Ok(FieldType::Map),
                "any" => Ok(FieldType::Any),
                other => Err(SchemaError::new("", format!("unknown type `{other}`"))),
            },
            Json::Object(object) if object.len() == 1 => {
                let Some((tag, value)) = object.into_iter().next() else {
                    return Err(SchemaError::new("", "empty type object"));
                };
                let under = |e: SchemaError| e.under(&format!("/{}", escape_pointer(&tag)));
                match (tag.as_str(), value) {
                    ("enum", Json::Array(items)) => items
                        .into_iter()
                        .enumerate()
                        .map(|(i, item)| match item {
                            Json::String(s) => Ok(s),
                            _ => Err(SchemaError::new(
                                &format!("/{i}"),
                                "an enum value must be a string",
                            )),
                        })
                        .collect::<Result<_, _>>()
                        .map(FieldType::Enum)
                        .map_err(under),
                    ("object", Json::String(model)) => Ok(FieldType::Object(model)),
                    ("list", inner) => FieldType::from_json(inner)
                        .map(|inner| FieldType::List(Box::new(inner)))
                        .map_err(under),
                    ("enum", _) => Err(under(SchemaError::new("", "expected an array of strings"))),
                    ("object", _) => Err(under(SchemaError::new("", "expected a model name"))),
                    (other, _) => Err(SchemaError::new(
                        "",
                        format!("unknown type `{other}` (expected `enum`, `object` or `list`)"),
                    )),
                }
            }
            _ => Err(SchemaError::new(
                "",
                "expected a type name or an object with one of `enum`, `object`, `list`",
            )),
        }
    }
}

/// One field of a model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldSchema {
    /// The JSON name, as the API spells it (`closedFlag`).
    pub name: String,
    pub ty: FieldType,
}

/// One model: its fields, sorted by JSON name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelSchema {
    name: String,
    fields: Vec<FieldSchema>,
    /// The type of properties not listed, when the model has `additionalProperties`.
    pub additional: Option<FieldType>,
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

/// Every model's fields, by the model's Rust name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Schema {
    models: BTreeMap<String, ModelSchema>,
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
        let json: Json = serde_json::from_str(text)
            .map_err(|e| SchemaError::new("", format!("not valid JSON: {e}")))?;
        let Json::Object(mut root) = json else {
            return Err(SchemaError::new("", "expected an object"));
        };
        match root.get("format") {
            Some(Json::String(format)) if format == FORMAT => {}
            _ => {
                return Err(SchemaError::new(
                    "/format",
                    format!("expected \"{FORMAT}\""),
                ))
            }
        }
        match root.get("version").and_then(Json::as_u64) {
            Some(FORMAT_VERSION) => {}
            other => {
                return Err(SchemaError::new(
                    "/version",
                    format!(
                        "expected version {FORMAT_VERSION}, found {}",
                        other.map_or_else(|| "none".to_owned(), |v| v.to_string())
                    ),
                ))
            }
        }
        let Some(Json::Object(models)) = root.remove("models") else {
            return Err(SchemaError::new("/models", "expected an object of models"));
        };
        let mut schema = Schema::new();
        for (name, model) in models {
            let at = || format!("/models/{}", escape_pointer(&name));
            let Json::Object(mut object) = model else {
                return Err(SchemaError::new(&at(), "expected an object with `fields`"));
            };
            let Some(Json::Object(fields)) = object.remove("fields") else {
                return Err(SchemaError::new(
                    &format!("{}/fields", at()),
                    "expected an object",
                ));
            };
            let mut list = Vec::with_capacity(fields.len());
            for (field, ty) in fields {
                let ty = FieldType::from_json(ty)
                    .map_err(|e| e.under(&format!("{}/fields/{}", at(), escape_pointer(&field))))?;
                list.push(FieldSchema { name: field, ty });
            }
            let additional = match object.remove("additional") {
                Some(json) => Some(
                    FieldType::from_json(json)
                        .map_err(|e| e.under(&format!("{}/additional", at())))?,
                ),
                None => None,
            };
            let mut model = ModelSchema::new(name, list);
            model.additional = additional;
            schema.insert(model);
        }
        Ok(schema)
    }

    /// Writes the JSON format described in the module documentation: compact, models and
    /// fields sorted by name.
    pub fn to_json(&self) -> String {
        // Keys are inserted in sorted order, so the text is the same whether serde_json keeps
        // insertion order (`preserve_order`) or sorts.
        let mut models = Map::new();
        for model in self.models.values() {
            let mut fields = Map::new();
            for field in &model.fields {
                fields.insert(field.name.clone(), field.ty.to_json());
            }
            let mut object = Map::new();
            if let Some(additional) = &model.additional {
                object.insert("additional".to_owned(), additional.to_json());
            }
            object.insert("fields".to_owned(), Json::Object(fields));
            models.insert(model.name.clone(), Json::Object(object));
        }
        let mut root = Map::new();
        root.insert("format".to_owned(), Json::String(FORMAT.to_owned()));
        root.insert("models".to_owned(), Json::Object(models));
        root.insert("version".to_owned(), Json::from(FORMAT_VERSION));
        Json::Object(root).to_string()
    }
}

/// `~` and `/` escaped as in a JSON pointer.
fn escape_pointer(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// A schema text that does not follow the format, with the JSON pointer of the problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaError {
    pointer: String,
    message: String,
}

impl SchemaError {
    fn new(pointer: &str, message: impl Into<String>) -> Self {
        SchemaError {
            pointer: pointer.to_owned(),
            message: message.into(),
        }
    }

    /// The same error, `prefix` put before its pointer.
    fn under(mut self, prefix: &str) -> Self {
        self.pointer.insert_str(0, prefix);
        self
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
        assert!(text.starts_with(r#"{"format":"connectwise-condition-schema","models":{"Ticket""#));
        assert!(text.contains(r#""severity":{"enum":["Low","High"]}"#));
        assert!(text.contains(r#""additional":"string","fields""#));
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
            ("[]", "", "expected an object"),
            (
                r#"{"format":"x","version":1,"models":{}}"#,
                "/format",
                "expected",
            ),
            (
                r#"{"format":"connectwise-condition-schema","version":2,"models":{}}"#,
                "/version",
                "found 2",
            ),
            (
                r#"{"format":"connectwise-condition-schema","version":1,"models":{"T":{"fields":{"a/b":"strng"}}}}"#,
                "/models/T/fields/a~1b",
                "unknown type `strng`",
            ),
            (
                r#"{"format":"connectwise-condition-schema","version":1,"models":{"T":{"fields":{"a":{"enum":[1]}}}}}"#,
                "/models/T/fields/a/enum/0",
                "must be a string",
            ),
            (
                r#"{"format":"connectwise-condition-schema","version":1,"models":{"T":{}}}"#,
                "/models/T/fields",
                "expected an object",
            ),
            ("{", "", "not valid JSON"),
        ];
        for (text, pointer, message) in cases {
            let error = Schema::from_json(text).expect_err(text);
            assert_eq!(error.pointer(), pointer, "{text}");
            assert!(error.message().contains(message), "{text}: {error}");
        }
    }
}
