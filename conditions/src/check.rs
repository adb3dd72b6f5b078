//! Checks a condition against a model's fields before it is sent: what the `bundle!` macro
//! does at compile time with a literal condition, and the fake server at run time.
//!
//! [`check`] walks every comparison and reports every problem it finds (not only the first),
//! each with the [`Span`] of the offending text inside the condition and a message written to
//! read well in a compiler error.
//!
//! # Rules
//!
//! - **Paths.** Each name is looked up on the current model as the API does: exactly, else
//!   ignoring ASCII case (`Status/Name` is fine). An object field (`status`, `company`,
//!   `board`: the `*Reference` models) leads into its model; a list field (`customFields`,
//!   `communicationItems`) into its element, as `childConditions` need. A name that is not
//!   there is [`CheckErrorKind::UnknownField`], with "did you mean `x`?" when one field is
//!   close ([`did_you_mean`]), else the list of fields when the model has few. So is a name after a field that has no fields (`summary/name`).
//! - **`_info`.** The audit fields ConnectWise keeps in `_info` (`lastUpdated`,
//!   `dateEntered`: date-times; `updatedBy`, `enteredBy`: strings) are accepted both as
//!   `_info/lastUpdated` and on their own (`lastUpdated > [...]`, as ConnectWise's own
//!   documentation writes them) on any model with an `_info` field. Where the spec types
//!   `_info` as a map, those four keys have their types and any other key is accepted with
//!   any value. Any key under any other map field (or a model's `additionalProperties`) is
//!   accepted too, with the map's value type where known.
//! - **Values.** The literal must fit the field: text for string and enum fields; a number for
//!   integer and number fields (whole for integers), or a quoted number (ConnectWise accepts
//!   `id = '5'`); `true`/`false` (or `'true'`/`'false'`) for booleans; a bracketed date
//!   (`[2024-01-31T00:00:00Z]`) for date-time and date fields; `null` for any field with `=`,
//!   `!=` and inside `in (...)`. A field that is an object or a map cannot be compared
//!   itself: the message suggests one of its fields (`status/name`). Free-form JSON fields
//!   accept anything. Otherwise: [`CheckErrorKind::TypeMismatch`], on the value.
//! - **Operators.** `like`, `not like`, `contains` and `not contains` need a string or enum
//!   field and a quoted pattern; `<`, `<=`, `>`, `>=` do not apply to booleans. Otherwise:
//!   [`CheckErrorKind::TypeMismatch`], on the operator (or on the value when it is the
//!   pattern that is not a string).
//! - **Enums are closed.** Our models keep unknown enum values (`Unknown(String)`), because
//!   the API may add values before the spec says so; but a condition is sent *to* the API,
//!   whose column holds only the values it knows, so `severity = 'Hgh'` can only match
//!   nothing. With `=`, `!=`, `in` and `not in` a value that is not a member (ignoring case)
//!   is [`CheckErrorKind::UnknownEnumValue`], with "did you mean". `like`, `contains` and
//!   ordering take any text.
//! - **Lists** after `in` / `not in`: every item is checked as a single value would be; when
//!   all fit, items must also be of one kind (`(1, '2')` mixes a number and a string):
//!   [`CheckErrorKind::MixedList`] on the first item of another kind than the first.
//!   `null` mixes with anything.
//!
//! Custom field conditions (`caption = 'Region' and value = 'EU'`) name the custom field by
//! its caption, which the spec does not know: [`check_custom_field_conditions`] checks their
//! syntax only.

use std::fmt;

use crate::ast::{Comparison, Condition, Op, Segment, Span, Value};
use crate::schema::{FieldType, ModelSchema, Schema};
use crate::suggest::did_you_mean;

/// One problem with a condition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckError {
    /// The offending text inside the condition (byte range): a path segment, an operator, a
    /// value or a list item. Empty at the end of the text (a syntax error there) or when the
    /// condition was built in code.
    pub span: Span,
    /// Which kind of problem it is, for code that reacts to it.
    pub kind: CheckErrorKind,
    /// What is wrong, for a human, e.g. "unknown field `nmae` on `ServiceStatusReference`
    /// (in `status/nmae`); did you mean `name`?".
    pub message: String,
    /// The replacement the message suggests for the text at `span`, when there is one
    /// (`name`, `'High'`).
    pub suggestion: Option<String>,
}

/// What kind of problem a [`CheckError`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CheckErrorKind {
    /// The condition does not parse.
    Syntax,
    /// The model to check against is not in the schema (a caller's mistake, not the
    /// condition's).
    UnknownModel,
    /// A path names a field the model does not have.
    UnknownField,
    /// The value, or the operator, does not fit the field's type.
    TypeMismatch,
    /// An enum field compared with a value that is not one of its members.
    UnknownEnumValue,
    /// The items of an `in (...)` list are not all of one kind.
    MixedList,
}

impl CheckError {
    fn new(span: Span, kind: CheckErrorKind, message: String) -> Self {
        CheckError {
            span,
            kind,
            message,
            suggestion: None,
        }
    }

    fn suggesting(mut self, suggestion: Option<String>) -> Self {
        self.suggestion = suggestion;
        self
    }

    /// The 1-based line and column (in characters) where [`CheckError::span`] starts in
    /// `source`, the condition text the error is about; `(1, 1)` when the span is not in it.
    pub fn line_column(&self, source: &str) -> (usize, usize) {
        if source.is_char_boundary(self.span.start) {
            crate::error::line_column(source, self.span.start)
        } else {
            (1, 1)
        }
    }
}

impl fmt::Display for CheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CheckError {}

/// Checks every comparison of `condition` against the fields of `model` (a Rust model name:
/// `Ticket`) in `schema`; every problem found, in text order.
pub fn check(condition: &Condition, schema: &Schema, model: &str) -> Result<(), Vec<CheckError>> {
    let Some(root) = schema.model(model) else {
        let message = format!("unknown model `{model}`: the condition schema has no such model");
        return Err(vec![CheckError::new(
            Span::default(),
            CheckErrorKind::UnknownModel,
            message,
        )]);
    };
    let checker = Checker { schema, root };
    let mut errors = Vec::new();
    for comparison in condition.comparisons() {
        checker.comparison(comparison, &mut errors);
    }
    if errors.is_empty() {
        Ok(())
    } else {
        errors.sort_by_key(|e| (e.span.start, e.span.end));
        Err(errors)
    }
}

/// Parses `text` and checks it with [`check`]; a syntax error is one
/// [`CheckErrorKind::Syntax`] error spanning the offending token.
pub fn check_str(text: &str, schema: &Schema, model: &str) -> Result<Condition, Vec<CheckError>> {
    let condition = parse(text)?;
    check(&condition, schema, model)?;
    Ok(condition)
}

/// Parses custom field conditions (`caption = 'Region' and value = 'EU'`) for syntax only:
/// they name custom fields by caption, which no spec knows.
pub fn check_custom_field_conditions(text: &str) -> Result<Condition, Vec<CheckError>> {
    parse(text)
}

fn parse(text: &str) -> Result<Condition, Vec<CheckError>> {
    crate::parse(text).map_err(|e| {
        vec![CheckError::new(
            e.span(),
            CheckErrorKind::Syntax,
            e.message().to_owned(),
        )]
    })
}

static ANY: FieldType = FieldType::Any;
static STRING: FieldType = FieldType::String;
static DATE_TIME: FieldType = FieldType::DateTime;

/// The audit fields ConnectWise keeps in `_info`, and their types.
const INFO_FIELDS: [(&str, &FieldType); 4] = [
    ("lastUpdated", &DATE_TIME),
    ("dateEntered", &DATE_TIME),
    ("updatedBy", &STRING),
    ("enteredBy", &STRING),
];

const INFO: &str = "_info";

fn info_field(name: &str) -> Option<(&'static str, &'static FieldType)> {
    INFO_FIELDS
        .iter()
        .find(|(known, _)| known.eq_ignore_ascii_case(name))
        .copied()
}

struct Checker<'s> {
    schema: &'s Schema,
    root: &'s ModelSchema,
}

/// A comparison's path, resolved to the type at its end.
struct Resolved<'s> {
    /// The type at the end of the path, lists stripped.
    ty: &'s FieldType,
}

impl<'s> Checker<'s> {
    fn comparison(&self, comparison: &Comparison, errors: &mut Vec<CheckError>) {
        match self.resolve(comparison) {
            Ok(resolved) => self.value(comparison, resolved.ty, errors),
            Err(error) => errors.push(error),
        }
    }

    /// Walks the path from the root model.
    fn resolve(&self, comparison: &Comparison) -> Result<Resolved<'s>, CheckError> {
        let segments = comparison.field.segments();
        let mut model = self.root;
        let mut i = 0;
        while let Some(segment) = segments.get(i) {
            let ty = self.field(model, segment, &segments[..i], comparison)?;
            i += 1;
            let Some(next) = segments.get(i) else {
                return Ok(Resolved { ty });
            };
            match ty {
                FieldType::Object(name) => match self.schema.model(name) {
                    Some(inner) => model = inner,
                    // A model the schema lacks: nothing to check against.
                    None => return Ok(Resolved { ty: &ANY }),
                },
                FieldType::Map | FieldType::Any => {
                    let ty = match info_field(next.name()) {
                        Some((_, ty)) if segment.name().eq_ignore_ascii_case(INFO) => ty,
                        _ => &ANY,
                    };
                    let ty = if i + 1 == segments.len() { ty } else { &ANY };
                    return Ok(Resolved { ty });
                }
                scalar => {
                    let path = path_text(&segments[..i]);
                    let message = format!(
                        "`{path}` on `{}` is {} and has no fields, so it has no `{}`",
                        self.root.name(),
                        scalar.describe(),
                        next.name()
                    );
                    return Err(CheckError::new(
                        next.span(),
                        CheckErrorKind::UnknownField,
                        message,
                    ));
                }
            }
        }
        // A parsed path has at least one segment.
        Ok(Resolved { ty: &ANY })
    }

    /// The type (lists stripped) of field `segment` of `model`, reached by `before`.
    fn field(
        &self,
        model: &'s ModelSchema,
        segment: &Segment,
        before: &[Segment],
        comparison: &Comparison,
    ) -> Result<&'s FieldType, CheckError> {
        let name = segment.name();
        if let Some(field) = model.field(name) {
            return Ok(field.ty.element());
        }
        let has_info = model.field(INFO).is_some();
        if has_info {
            if let Some((_, ty)) = info_field(name) {
                return Ok(ty);
            }
        }
        if let Some(additional) = &model.additional {
            return Ok(additional.element());
        }
        let fields: Vec<&str> = model.fields().iter().map(|f| f.name.as_str()).collect();
        let info = INFO_FIELDS.iter().map(|(known, _)| *known);
        let candidates = fields.iter().copied().chain(info.filter(|_| has_info));
        let suggestion = did_you_mean(name, candidates);
        let mut message = format!("unknown field `{name}` on `{}`", model.name());
        if !before.is_empty() {
            message.push_str(&format!(" (in `{}`)", comparison.field));
        }
        match suggestion {
            Some(close) => message.push_str(&format!("; did you mean `{close}`?")),
            None if !fields.is_empty() && fields.len() <= 12 => {
                message.push_str(&format!("; its fields are {}", backticked(&fields)));
            }
            None => {}
        }
        Err(
            CheckError::new(segment.span(), CheckErrorKind::UnknownField, message)
                .suggesting(suggestion.map(str::to_owned)),
        )
    }

    /// Checks the operator and the value against the field's type `ty`.
    fn value(&self, comparison: &Comparison, ty: &FieldType, errors: &mut Vec<CheckError>) {
        let field = Described {
            path: comparison.field.to_string(),
            model: self.root.name(),
        };
        let op = comparison.op;

        // `x = null` and `x != null` fit any field, even an object (`contact = null`).
        if comparison.value == Value::Null {
            return;
        }
        match ty {
            FieldType::Object(model) => {
                let inner = self.schema.model(model);
                let examples: Vec<String> = ["id", "name", "identifier"]
                    .iter()
                    .filter_map(|name| inner.and_then(|m| m.field(name)))
                    .take(2)
                    .map(|f| format!("`{}/{}`", field.path, f.name))
                    .collect();
                let mut message = format!("{field} is {}, not a value", ty.describe());
                if !examples.is_empty() {
                    message.push_str(&format!(
                        "; compare one of its fields, like {}",
                        examples.join(" or ")
                    ));
                }
                let suggestion = inner
                    .and_then(|m| m.field("id").or_else(|| m.field("name")))
                    .map(|f| format!("{}/{}", field.path, f.name));
                errors.push(
                    CheckError::new(
                        comparison.field.span(),
                        CheckErrorKind::TypeMismatch,
                        message,
                    )
                    .suggesting(suggestion),
                );
                return;
            }
            FieldType::Map => {
                let example = if field.path.eq_ignore_ascii_case(INFO)
                    || field.path.to_ascii_lowercase().ends_with("/_info")
                {
                    "lastUpdated"
                } else {
                    "someKey"
                };
                let message = format!(
                    "{field} is a map, not a value; compare one of its keys, like `{}/{example}`",
                    field.path
                );
                errors.push(CheckError::new(
                    comparison.field.span(),
                    CheckErrorKind::TypeMismatch,
                    message,
                ));
                return;
            }
            _ => {}
        }

        let is_text_op = matches!(op, Op::Like | Op::NotLike | Op::Contains | Op::NotContains);
        if is_text_op {
            if !matches!(ty, FieldType::String | FieldType::Enum(_) | FieldType::Any) {
                let message = format!(
                    "`{op}` needs a string field, but {field} is {}",
                    ty.describe()
                );
                let suggestion = matches!(op, Op::Like | Op::Contains).then(|| "=".to_owned());
                errors.push(
                    CheckError::new(comparison.op_span, CheckErrorKind::TypeMismatch, message)
                        .suggesting(suggestion),
                );
                return;
            }
            if !matches!(comparison.value, Value::String(_)) {
                let message = format!(
                    "`{op}` needs a quoted pattern like '%text%', not {} (`{}`)",
                    comparison.value.kind(),
                    comparison.value
                );
                let suggestion = Some(format!("'%{}%'", unquoted(&comparison.value)));
                errors.push(
                    CheckError::new(comparison.value_span, CheckErrorKind::TypeMismatch, message)
                        .suggesting(suggestion),
                );
            }
            return;
        }
        let is_order_op = matches!(op, Op::Lt | Op::LtEq | Op::Gt | Op::GtEq);
        if is_order_op && *ty == FieldType::Boolean {
            let message = format!(
                "`{op}` cannot order booleans: {field} is a boolean; compare it with `=` or `!=`"
            );
            errors.push(CheckError::new(
                comparison.op_span,
                CheckErrorKind::TypeMismatch,
                message,
            ));
            return;
        }
        let membership = matches!(op, Op::Eq | Op::NotEq | Op::In | Op::NotIn);

        match &comparison.value {
            Value::List(items) => {
                let before = errors.len();
                for (i, item) in items.iter().enumerate() {
                    let span = comparison
                        .item_spans
                        .get(i)
                        .copied()
                        .unwrap_or(comparison.value_span);
                    if let Some(error) = fits(&field, ty, item, span, membership) {
                        errors.push(error);
                    }
                }
                if errors.len() == before {
                    if let Some(error) = mixed(comparison, items) {
                        errors.push(error);
                    }
                }
            }
            value => {
                if let Some(error) = fits(&field, ty, value, comparison.value_span, membership) {
                    errors.push(error);
                }
            }
        }
    }
}

/// A field as messages name it: "`status/id` on `Ticket`".
struct Described<'a> {
    path: String,
    model: &'a str,
}

impl fmt::Display for Described<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` on `{}`", self.path, self.model)
    }
}

/// Whether one literal (not a list) fits a field of type `ty`; the error if not.
fn fits(
    field: &Described<'_>,
    ty: &FieldType,
    value: &Value,
    span: Span,
    membership: bool,
) -> Option<CheckError> {
    let mismatch = |hint: String, suggestion: Option<String>| {
        let message = format!(
            "{field} is {}, not {} (`{value}`){hint}",
            ty.describe(),
            value.kind()
        );
        Some(CheckError::new(span, CheckErrorKind::TypeMismatch, message).suggesting(suggestion))
    };
    match (ty, value) {
        (_, Value::Null) | (FieldType::Any, _) => None,
        (FieldType::String, Value::String(_)) => None,
        (FieldType::Enum(members), Value::String(text)) => {
            if !membership || members.is_empty() {
                return None;
            }
            let wanted = text.trim_end_matches(' ');
            if members.iter().any(|m| m.eq_ignore_ascii_case(wanted)) {
                return None;
            }
            let candidates: Vec<&str> = members.iter().map(String::as_str).collect();
            let suggestion = did_you_mean(wanted, candidates.iter().copied());
            let mut message = format!("`{value}` is not a value of {field}");
            match suggestion {
                Some(close) => message.push_str(&format!("; did you mean `'{close}'`?")),
                None if candidates.len() <= 12 => {
                    message.push_str(&format!("; its values are {}", backticked(&candidates)));
                }
                None => message.push_str(&format!("; it has {} values", candidates.len())),
            }
            Some(
                CheckError::new(span, CheckErrorKind::UnknownEnumValue, message)
                    .suggesting(suggestion.map(|s| format!("'{s}'"))),
            )
        }
        (FieldType::String | FieldType::Enum(_), Value::Number(n)) => mismatch(
            format!("; quote it to compare text: '{n}'"),
            Some(format!("'{n}'")),
        ),
        (FieldType::Integer, Value::Number(n)) => {
            if n.as_str().contains('.') {
                let message = format!("{field} is an integer, not a decimal number (`{n}`)");
                return Some(CheckError::new(span, CheckErrorKind::TypeMismatch, message));
            }
            None
        }
        (FieldType::Number, Value::Number(_)) => None,
        (FieldType::Integer, Value::String(text)) => match crate::ast::Number::parse(text) {
            Some(n) if !n.as_str().contains('.') => None,
            _ => mismatch(String::new(), None),
        },
        (FieldType::Number, Value::String(text)) => match crate::ast::Number::parse(text) {
            Some(_) => None,
            None => mismatch(String::new(), None),
        },
        (FieldType::Boolean, Value::Bool(_)) => None,
        (FieldType::Boolean, Value::String(text))
            if text.eq_ignore_ascii_case("true") || text.eq_ignore_ascii_case("false") =>
        {
            None
        }
        (FieldType::Boolean, Value::Number(n)) if matches!(n.as_str(), "0" | "1") => {
            let word = if n.as_str() == "1" { "true" } else { "false" };
            mismatch(format!("; write `{word}`"), Some(word.to_owned()))
        }
        (FieldType::DateTime | FieldType::Date, Value::Date(_)) => None,
        (FieldType::DateTime | FieldType::Date, Value::String(text)) => {
            let bracketed = match crate::DateTime::parse(text) {
                Some(date) => format!("[{date}]"),
                None => "[2024-01-31T00:00:00Z]".to_owned(),
            };
            let suggestion = crate::DateTime::parse(text).map(|_| bracketed.clone());
            mismatch(
                format!("; write dates in square brackets: {bracketed}"),
                suggestion,
            )
        }
        _ => mismatch(String::new(), None),
    }
}

/// The first item of another kind than the list's first non-null item.
fn mixed(comparison: &Comparison, items: &[Value]) -> Option<CheckError> {
    let mut present = items
        .iter()
        .enumerate()
        .filter(|(_, item)| **item != Value::Null);
    let (_, first) = present.next()?;
    let (i, other) = present.find(|(_, item)| item.kind() != first.kind())?;
    let span = comparison
        .item_spans
        .get(i)
        .copied()
        .unwrap_or(comparison.value_span);
    let message = format!(
        "the list after `{}` mixes {} (`{first}`) and {} (`{other}`); give every item the same type",
        comparison.op,
        first.kind(),
        other.kind()
    );
    Some(CheckError::new(span, CheckErrorKind::MixedList, message))
}

/// A literal's text without quotes or brackets, for a suggested pattern.
fn unquoted(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Date(date) => date.to_string(),
        other => other.to_string(),
    }
}

fn path_text(segments: &[Segment]) -> String {
    segments
        .iter()
        .map(Segment::name)
        .collect::<Vec<_>>()
        .join("/")
}

fn backticked(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::FieldSchema;

    fn schema() -> Schema {
        let field = |name: &str, ty: FieldType| FieldSchema {
            name: name.to_owned(),
            ty,
        };
        let mut schema = Schema::new();
        schema.insert(ModelSchema::new(
            "Ticket",
            [
                field("id", FieldType::Integer),
                field("summary", FieldType::String),
                field("closedFlag", FieldType::Boolean),
                field("budgetHours", FieldType::Number),
                field("closedDate", FieldType::DateTime),
                field(
                    "severity",
                    FieldType::Enum(vec!["Low".into(), "Medium".into(), "High".into()]),
                ),
                field("status", FieldType::Object("ServiceStatusReference".into())),
                field(
                    "tags",
                    FieldType::List(Box::new(FieldType::Object("Tag".into()))),
                ),
                field("_info", FieldType::Map),
                field("extra", FieldType::Any),
            ],
        ));
        schema.insert(ModelSchema::new(
            "ServiceStatusReference",
            [
                field("id", FieldType::Integer),
                field("name", FieldType::String),
                field("_info", FieldType::Map),
            ],
        ));
        schema.insert(ModelSchema::new("Tag", [field("value", FieldType::String)]));
        schema
    }

    fn errors(text: &str) -> Vec<CheckError> {
        check_str(text, &schema(), "Ticket").expect_err(text)
    }

    /// The one error of `text`, with the text its span covers.
    #[track_caller]
    fn one(text: &str) -> (CheckError, &str) {
        let mut errors = errors(text);
        assert_eq!(errors.len(), 1, "{text}: {errors:?}");
        let error = errors.remove(0);
        let covered = &text[error.span.range()];
        (error, covered)
    }

    #[test]
    fn valid_conditions_pass() {
        for text in [
            "id = 5",
            "ID = '5'",
            "status/name like '%new%' and status/id in (1, 2, null)",
            "Status/Name = 'New'",
            "closedFlag = false or closedFlag = 'TRUE'",
            "closedDate > [2024-01-01T00:00:00Z]",
            "lastUpdated > [2024-01-01] and _info/lastUpdated < [2025-01-01]",
            "_info/whatever = 3",
            "severity in ('low', 'HIGH') and severity like 'L%'",
            "tags/value contains 'x'",
            "extra/anything/deep = 1",
            "status = null and budgetHours >= 1.5 and budgetHours < '2'",
        ] {
            assert_eq!(check_str(text, &schema(), "Ticket").err(), None, "{text}");
        }
    }

    #[test]
    fn unknown_field_spans_the_segment_and_suggests() {
        let (error, covered) = one("status/nmae = 'New'");
        assert_eq!(covered, "nmae");
        assert_eq!(error.kind, CheckErrorKind::UnknownField);
        assert_eq!(
            error.message,
            "unknown field `nmae` on `ServiceStatusReference` (in `status/nmae`); did you mean `name`?"
        );
        assert_eq!(error.suggestion.as_deref(), Some("name"));

        let (error, covered) = one("id = 1 and sumary like 'a'");
        assert_eq!(covered, "sumary");
        assert_eq!(
            error.message,
            "unknown field `sumary` on `Ticket`; did you mean `summary`?"
        );

        let (error, _) = one("status/zzz = 1");
        assert_eq!(
            error.message,
            "unknown field `zzz` on `ServiceStatusReference` (in `status/zzz`); its fields are `_info`, `id`, `name`"
        );
        assert_eq!(error.suggestion, None);

        let (error, covered) = one("summary/name = 'x'");
        assert_eq!(covered, "name");
        assert_eq!(
            error.message,
            "`summary` on `Ticket` is a string and has no fields, so it has no `name`"
        );
    }

    #[test]
    fn type_mismatches_span_the_operator_or_value() {
        let (error, covered) = one("id like '%5%'");
        assert_eq!(covered, "like");
        assert_eq!(error.kind, CheckErrorKind::TypeMismatch);
        assert_eq!(
            error.message,
            "`like` needs a string field, but `id` on `Ticket` is an integer"
        );

        let (error, covered) = one("summary = 'a' and status/id = 'abc'");
        assert_eq!(covered, "'abc'");
        assert_eq!(
            error.message,
            "`status/id` on `Ticket` is an integer, not a string (`'abc'`)"
        );

        let (error, covered) = one("summary = 42");
        assert_eq!(covered, "42");
        assert_eq!(error.suggestion.as_deref(), Some("'42'"));

        let (error, covered) = one("closedDate > '2024-01-31'");
        assert_eq!(covered, "'2024-01-31'");
        assert_eq!(
            error.suggestion.as_deref(),
            Some("[2024-01-31T00:00:00Z]"),
            "{}",
            error.message
        );

        let (error, covered) = one("status = 'New'");
        assert_eq!(covered, "status");
        assert_eq!(
            error.message,
            "`status` on `Ticket` is an object (`ServiceStatusReference`), not a value; compare one of its fields, like `status/id` or `status/name`"
        );

        let (error, covered) = one("closedFlag < true");
        assert_eq!(covered, "<");
        assert_eq!(
            error.message,
            "`<` cannot order booleans: `closedFlag` on `Ticket` is a boolean; compare it with `=` or `!=`"
        );

        let (error, covered) = one("id in (1, 2.5, 3)");
        assert_eq!(covered, "2.5");
        assert_eq!(
            error.message,
            "`id` on `Ticket` is an integer, not a decimal number (`2.5`)"
        );

        let (error, covered) = one("summary contains 5");
        assert_eq!(covered, "5");
        assert!(error
            .message
            .starts_with("`contains` needs a quoted pattern"));
    }

    #[test]
    fn enum_members_and_mixed_lists() {
        let (error, covered) = one("severity = 'Hgh'");
        assert_eq!(covered, "'Hgh'");
        assert_eq!(error.kind, CheckErrorKind::UnknownEnumValue);
        assert_eq!(
            error.message,
            "`'Hgh'` is not a value of `severity` on `Ticket`; did you mean `'High'`?"
        );
        assert_eq!(error.suggestion.as_deref(), Some("'High'"));

        let (error, _) = one("severity in ('Low', 'zz')");
        assert_eq!(
            error.message,
            "`'zz'` is not a value of `severity` on `Ticket`; its values are `Low`, `Medium`, `High`"
        );

        let (error, covered) = one("id in (1, null, '2')");
        assert_eq!(covered, "'2'");
        assert_eq!(error.kind, CheckErrorKind::MixedList);
    }

    #[test]
    fn every_error_is_reported_in_text_order() {
        let text = "sumary = 'a' or (id like 'x' and severity = 'Hgh') or status/nmae = 1";
        let found = errors(text);
        let kinds: Vec<_> = found.iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            [
                CheckErrorKind::UnknownField,
                CheckErrorKind::TypeMismatch,
                CheckErrorKind::UnknownEnumValue,
                CheckErrorKind::UnknownField
            ]
        );
        let covered: Vec<_> = found.iter().map(|e| &text[e.span.range()]).collect();
        assert_eq!(covered, ["sumary", "like", "'Hgh'", "nmae"]);
    }

    #[test]
    fn syntax_errors_and_unknown_models() {
        let text = "status/name = ";
        let (error, _) = one(text);
        assert_eq!(error.kind, CheckErrorKind::Syntax);
        assert_eq!(error.span, Span::new(14, 14));
        assert_eq!(error.line_column(text), (1, 15));

        let found = check_str("id = 1", &schema(), "Nope").expect_err("no model");
        assert_eq!(found[0].kind, CheckErrorKind::UnknownModel);

        assert!(check_custom_field_conditions("caption = 'Region' AND value = 'EU'").is_ok());
        let found = check_custom_field_conditions("caption = ").expect_err("syntax");
        assert_eq!(found[0].kind, CheckErrorKind::Syntax);
    }
}
