//! The syntax tree of a condition.
//!
//! Equality (`==`) compares meaning, not position: two trees parsed from differently spaced or
//! differently quoted text are equal, which is what the print/parse round trip relies on.
//! Positions ([`Span`]s) are kept beside the meaning for error messages that point at the
//! offending field or value.

use std::fmt;
use std::ops::Range;

use crate::date::DateTime;

/// A byte range in the condition text. Trees built in code (not parsed) carry empty spans.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset just past the last byte.
    pub end: usize,
}

impl Span {
    /// The span `start..end`.
    pub const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The span as a range, to slice the condition text with.
    pub const fn range(self) -> Range<usize> {
        self.start..self.end
    }

    /// Whether the span covers no byte.
    pub const fn is_empty(self) -> bool {
        self.start >= self.end
    }

    /// The smallest span covering both.
    pub(crate) fn join(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

impl From<Span> for Range<usize> {
    fn from(span: Span) -> Self {
        span.range()
    }
}

/// A whole condition: comparisons combined with `and`, `or`, `not` and parentheses.
///
/// `And` and `Or` hold at least two operands; the parser builds no others, and printing a
/// smaller one does not re-parse to the same tree. Parentheses leave no node of their own:
/// `(a = 1 and b = 2) and c = 3` is `And([And([a, b]), c])` while `a = 1 and b = 2 and c = 3`
/// is `And([a, b, c])`, and the printer puts back exactly the parentheses the shape needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Condition {
    /// `field op value`.
    Compare(Comparison),
    /// Every operand holds.
    And(Vec<Condition>),
    /// At least one operand holds.
    Or(Vec<Condition>),
    /// The operand does not hold (`not status/name = 'New'`, `not (a = 1 or b = 2)`).
    Not(Box<Condition>),
}

impl Condition {
    /// Every comparison in the condition, left to right, with its spans: what the `bundle!`
    /// macro checks against the resource's fields.
    pub fn comparisons(&self) -> Comparisons<'_> {
        Comparisons { stack: vec![self] }
    }
}

/// Iterator over the comparisons of a [`Condition`], left to right. See
/// [`Condition::comparisons`].
#[derive(Clone, Debug)]
pub struct Comparisons<'a> {
    stack: Vec<&'a Condition>,
}

impl<'a> Iterator for Comparisons<'a> {
    type Item = &'a Comparison;

    fn next(&mut self) -> Option<&'a Comparison> {
        while let Some(condition) = self.stack.pop() {
            match condition {
                Condition::Compare(comparison) => return Some(comparison),
                Condition::And(operands) | Condition::Or(operands) => {
                    self.stack.extend(operands.iter().rev());
                }
                Condition::Not(operand) => self.stack.push(operand),
            }
        }
        None
    }
}

/// One comparison: `field op value`, e.g. `status/name like '%new%'`.
#[derive(Clone, Debug)]
pub struct Comparison {
    /// The field compared, e.g. `status/name`.
    pub field: FieldPath,
    /// The operator.
    pub op: Op,
    /// The literal compared with; a [`Value::List`] exactly when `op` is `in` or `not in`.
    pub value: Value,
    /// The whole comparison, from the field's first byte to the value's last.
    pub span: Span,
    /// The operator (`not like` is one operator spanning both words).
    pub op_span: Span,
    /// The value (for a list, from `(` to `)`).
    pub value_span: Span,
    /// For a list, each item's span, in order (empty for a single value and for comparisons
    /// built in code): what an error about one item of `in (...)` points at.
    pub item_spans: Vec<Span>,
}

impl Comparison {
    /// A comparison built in code, with empty spans.
    pub fn new(field: FieldPath, op: Op, value: Value) -> Self {
        Comparison {
            field,
            op,
            value,
            span: Span::default(),
            op_span: Span::default(),
            value_span: Span::default(),
            item_spans: Vec::new(),
        }
    }
}

/// Equal in meaning: spans are ignored.
impl PartialEq for Comparison {
    fn eq(&self, other: &Self) -> bool {
        self.field == other.field && self.op == other.op && self.value == other.value
    }
}

impl Eq for Comparison {}

/// A field path: names separated by `/`, walking into nested objects (`status/name` is
/// `entity["status"]["name"]`). Each name is an identifier (`[A-Za-z_][A-Za-z0-9_]*`) and the
/// first is not `and`, `or` or `not`, so every path prints as text that parses back.
#[derive(Clone, Debug)]
pub struct FieldPath {
    segments: Vec<Segment>,
}

/// One name of a [`FieldPath`] with its position in the condition text.
#[derive(Clone, Debug)]
pub struct Segment {
    name: String,
    span: Span,
}

impl Segment {
    pub(crate) fn new(name: String, span: Span) -> Self {
        Segment { name, span }
    }

    /// The name as written (ConnectWise compares names case-insensitively).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Where the name is in the condition text.
    pub fn span(&self) -> Span {
        self.span
    }
}

impl FieldPath {
    /// Parses a path on its own, e.g. `FieldPath::parse("status/name")`; the segments' spans
    /// are offsets in `text`.
    pub fn parse(text: &str) -> Result<FieldPath, crate::ParseError> {
        crate::parser::parse_field_path(text)
    }

    /// A path built in code from its names, outermost first:
    /// `FieldPath::from_names(["status", "name"])`. `None` when there is no name, a name is not
    /// an identifier (`[A-Za-z_][A-Za-z0-9_]*`) or the first is `and`, `or` or `not`: exactly
    /// the paths the parser reads, so the path prints as text that parses back. The segments'
    /// spans are empty.
    pub fn from_names<S: Into<String>>(names: impl IntoIterator<Item = S>) -> Option<FieldPath> {
        let mut segments = Vec::new();
        for name in names {
            let name = name.into();
            let mut chars = name.chars();
            let identifier = chars.next().is_some_and(crate::lexer::is_ident_start)
                && chars.all(crate::lexer::is_ident_continue);
            let reserved = segments.is_empty() && crate::parser::is_reserved_word(&name);
            if !identifier || reserved {
                return None;
            }
            segments.push(Segment::new(name, Span::default()));
        }
        (!segments.is_empty()).then_some(FieldPath { segments })
    }

    /// Built by the parser, which guarantees at least one valid segment.
    pub(crate) fn from_segments(segments: Vec<Segment>) -> Self {
        debug_assert!(!segments.is_empty());
        FieldPath { segments }
    }

    /// The names with their spans, outermost first.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// The names, outermost first.
    pub fn names(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.segments.iter().map(Segment::name)
    }

    /// The whole path in the condition text.
    pub fn span(&self) -> Span {
        match (self.segments.first(), self.segments.last()) {
            (Some(first), Some(last)) => first.span.join(last.span),
            _ => Span::default(),
        }
    }
}

/// Equal names in the same order; spans are ignored.
impl PartialEq for FieldPath {
    fn eq(&self, other: &Self) -> bool {
        self.names().eq(other.names())
    }
}

impl Eq for FieldPath {}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, name) in self.names().enumerate() {
            if i > 0 {
                f.write_str("/")?;
            }
            f.write_str(name)?;
        }
        Ok(())
    }
}

/// A comparison operator. Keywords are case-insensitive in the text (`LIKE`, `Not In`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    /// `=`
    Eq,
    /// `!=`
    NotEq,
    /// `<`
    Lt,
    /// `<=`
    LtEq,
    /// `>`
    Gt,
    /// `>=`
    GtEq,
    /// `contains`: case-insensitive substring.
    Contains,
    /// `not contains`
    NotContains,
    /// `like`: case-insensitive pattern, `%` (or `*`) any run of characters, `_` one character.
    Like,
    /// `not like`
    NotLike,
    /// `in (v, ...)`
    In,
    /// `not in (v, ...)`
    NotIn,
}

impl Op {
    /// Every operator.
    pub const ALL: [Op; 12] = [
        Op::Eq,
        Op::NotEq,
        Op::Lt,
        Op::LtEq,
        Op::Gt,
        Op::GtEq,
        Op::Contains,
        Op::NotContains,
        Op::Like,
        Op::NotLike,
        Op::In,
        Op::NotIn,
    ];

    /// The canonical spelling: `=`, `not like`, ...
    pub const fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::NotEq => "!=",
            Op::Lt => "<",
            Op::LtEq => "<=",
            Op::Gt => ">",
            Op::GtEq => ">=",
            Op::Contains => "contains",
            Op::NotContains => "not contains",
            Op::Like => "like",
            Op::NotLike => "not like",
            Op::In => "in",
            Op::NotIn => "not in",
        }
    }

    /// Whether the operator takes a list (`in`, `not in`) rather than one value.
    pub const fn takes_list(self) -> bool {
        matches!(self, Op::In | Op::NotIn)
    }

    /// Whether the operator accepts `null`: `=`, `!=` and, inside their lists, `in`, `not in`.
    pub const fn accepts_null(self) -> bool {
        matches!(self, Op::Eq | Op::NotEq | Op::In | Op::NotIn)
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A literal on the right of an operator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// `'text'` or `"text"`, unescaped.
    String(String),
    /// `42`, `-1.5`: kept as written.
    Number(Number),
    /// `true`, `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// `[2024-01-31T00:00:00Z]`.
    Date(DateTime),
    /// `(1, 2, 3)`, only after `in` / `not in`; its items are never lists.
    List(Vec<Value>),
}

impl Value {
    /// What kind of literal this is, for messages: "a string", "a number", ...
    pub fn kind(&self) -> &'static str {
        match self {
            Value::String(_) => "a string",
            Value::Number(_) => "a number",
            Value::Bool(_) => "a boolean",
            Value::Null => "null",
            Value::Date(_) => "a date",
            Value::List(_) => "a list",
        }
    }
}

impl From<&str> for Value {
    fn from(text: &str) -> Self {
        Value::String(text.to_owned())
    }
}

impl From<String> for Value {
    fn from(text: String) -> Self {
        Value::String(text)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<Number> for Value {
    fn from(n: Number) -> Self {
        Value::Number(n)
    }
}

impl From<DateTime> for Value {
    fn from(d: DateTime) -> Self {
        Value::Date(d)
    }
}

/// A number literal kept as written: an optional `-`, digits, and optionally `.` and digits
/// (what ConnectWise's own error message allows: "numbers should consist of only digits, and
/// optionally a decimal point and a negation sign"). Keeping the text keeps ids of any size
/// exact and makes printing trivial; two numbers are equal when their text is.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Number(String);

impl Number {
    /// The number written `text`, if it has the number syntax.
    pub fn parse(text: &str) -> Option<Number> {
        is_number_syntax(text).then(|| Number(text.to_owned()))
    }

    /// A number whose syntax the caller has checked.
    pub(crate) fn from_checked_syntax(text: &str) -> Number {
        debug_assert!(is_number_syntax(text), "{text}");
        Number(text.to_owned())
    }

    /// The number `value` in plain decimal notation; `None` for NaN and infinities.
    pub fn from_f64(value: f64) -> Option<Number> {
        // Rust prints finite floats as plain digits (never with an exponent).
        value.is_finite().then(|| Number(value.to_string()))
    }

    /// The text as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The nearest `f64`.
    pub fn as_f64(&self) -> f64 {
        // The syntax is a subset of Rust's float syntax, so this cannot fail.
        self.0.parse().unwrap_or(f64::NAN)
    }

    /// The exact value when it is a whole number (no `.`) that fits an `i128`.
    pub fn as_i128(&self) -> Option<i128> {
        if self.0.contains('.') {
            return None;
        }
        self.0.parse().ok()
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

macro_rules! number_from_int {
    ($($t:ty)*) => {$(
        impl From<$t> for Number {
            fn from(n: $t) -> Self {
                Number(n.to_string())
            }
        }
        impl From<$t> for Value {
            fn from(n: $t) -> Self {
                Value::Number(n.into())
            }
        }
    )*};
}

number_from_int!(i8 i16 i32 i64 i128 isize u8 u16 u32 u64 u128 usize);

/// `-?[0-9]+(\.[0-9]+)?`
pub(crate) fn is_number_syntax(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = match digits.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (digits, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    all_digits(whole) && fraction.map_or(true, all_digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_from_names_are_the_paths_the_parser_reads() {
        let path = FieldPath::from_names(["status", "name"]).expect("valid");
        assert_eq!(path.to_string(), "status/name");
        assert_eq!(FieldPath::parse("status/name").ok(), Some(path));
        assert!(FieldPath::from_names(["_info", "lastUpdated"]).is_some());
        // A keyword is a name anywhere but first, as in the parser.
        assert!(FieldPath::from_names(["a", "Or"]).is_some());
        assert!(FieldPath::parse("a/Or").is_ok());
        for bad in [
            &[][..],
            &["Not"],
            &["and", "x"],
            &["a-b"],
            &["1a"],
            &[""],
            &["a", "b c"],
            &["é"],
        ] {
            assert_eq!(FieldPath::from_names(bad.iter().copied()), None, "{bad:?}");
            assert!(FieldPath::parse(&bad.join("/")).is_err(), "{bad:?}");
        }
    }
}
