//! Typed conditions: build a ConnectWise condition from variables, with the fields checked by
//! the type system and the values escaped.
//!
//! A literal condition in `bundle!` is checked at compile time against the spec. A condition
//! built at run time from user input cannot be, and gluing it together with `format!` is how
//! injection bugs and 400s happen (`summary = 'O'Brien'`). This module builds it instead:
//!
//! ```ignore
//! use connectwise::models::Ticket;
//!
//! let name = "Brien's board";
//! let condition = Ticket::fields().board().name().eq(name) & Ticket::fields().status().id().is_in([1, 5])
//!     | !Ticket::fields().closed_flag().eq(true);
//! assert_eq!(
//!     condition.to_string(),
//!     r#"board/name = "Brien's board" and status/id in (1, 5) or not closedFlag = true"#
//! );
//! let request = Ticket::list().conditions(condition);
//! ```
//!
//! - `Model::fields()` (generated for every model) gives a [`Fields<Model>`], with one method per
//!   field of the spec. A field that is a nested model (`status`, `company`: the `*Reference`
//!   models) or a list of them returns that model's `Fields`; any other field returns a
//!   [`Field<Kind>`], whose methods accept only values of the field's kind: [`Text`],
//!   [`Integer`], [`Number`], [`Boolean`], [`DateTime`], [`Date`], [`Enum<E>`] (the generated
//!   enum type), [`Json`] (free-form), [`Map`] (`_info`) and [`List<K>`] (a list of values,
//!   compared through its elements). The same accessors give the typed patch builder its
//!   paths (`crate::patch`); `Fields`' second parameter says where a path is (see [`Fields`]).
//! - Each comparison is a [`Condition`]; `&` is `and`, `|` is `or`, `!` is `not`. As in the
//!   language, `and` binds tighter than `or`: `a & b | c` is `(a and b) or c`, and Rust's
//!   operator precedence agrees.
//! - [`Condition`]'s `Display` is `connectwise-conditions`' printer (lowercase keywords, one
//!   space, dates in UTC, only needed parentheses), and `String::from(condition)` feeds the
//!   request builders' `.conditions(..)`.
//! - Strings are single-quoted; a string holding `'` but no `"` is double-quoted instead; one
//!   holding both doubles its `'`. A backslash before a quote, before a backslash or at the end
//!   is doubled. So any text round-trips; nothing in a value can end the string early.
//! - Values with no literal: an empty `is_in` list holds for no entity (`f = null and f !=
//!   null`), an empty `not_in` list for every entity (`f = null or f != null`); `NaN` equals
//!   nothing (`eq(NaN)` holds for no entity, `ne(NaN)` is `f != null`, NaN items are left
//!   out of lists) and infinities are clamped to `f64::MAX`; dates are clamped to the years
//!   0000 to 9999 that the language can write.
//!
//! A [`Condition`] is a `connectwise-conditions` syntax tree (the crate `bundle!` checks
//! literal conditions with), printed by its printer: the language's syntax, quoting and
//! parentheses live there once, and this module only builds trees, from `chrono` values for
//! dates. The generated accessors are one-line methods, and everything else is here, generic
//! over the kind.

use std::fmt::{self, Display};
use std::marker::PhantomData;
use std::ops::{BitAnd, BitOr, Not};

use connectwise_conditions as language;
use language::{Comparison, FieldPath, Op, Value};

/// A condition built in code; see the module documentation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Condition(language::Condition);

impl Condition {
    /// `self and other`.
    pub fn and(self, other: Condition) -> Condition {
        Condition(join(self.0, other.0, true))
    }

    /// `self or other`.
    pub fn or(self, other: Condition) -> Condition {
        Condition(join(self.0, other.0, false))
    }

    /// Every condition holds; `None` for none. Folds with `and`, flattening as the parser
    /// would.
    pub fn all(conditions: impl IntoIterator<Item = Condition>) -> Option<Condition> {
        conditions.into_iter().reduce(Condition::and)
    }

    /// At least one condition holds; `None` for none.
    pub fn any(conditions: impl IntoIterator<Item = Condition>) -> Option<Condition> {
        conditions.into_iter().reduce(Condition::or)
    }
}

/// `a & b` flattened: `(a & b) & c` is one `and` of three, which prints without parentheses
/// and parses back to the same tree.
fn join(left: language::Condition, right: language::Condition, and: bool) -> language::Condition {
    use language::Condition::{And, Or};
    let mut operands = Vec::new();
    for node in [left, right] {
        match node {
            And(inner) if and => operands.extend(inner),
            Or(inner) if !and => operands.extend(inner),
            other => operands.push(other),
        }
    }
    if and {
        And(operands)
    } else {
        Or(operands)
    }
}

impl BitAnd for Condition {
    type Output = Condition;

    fn bitand(self, other: Condition) -> Condition {
        self.and(other)
    }
}

impl BitOr for Condition {
    type Output = Condition;

    fn bitor(self, other: Condition) -> Condition {
        self.or(other)
    }
}

impl Not for Condition {
    type Output = Condition;

    fn not(self) -> Condition {
        Condition(language::Condition::Not(Box::new(self.0)))
    }
}

impl Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl From<Condition> for String {
    fn from(condition: Condition) -> String {
        condition.to_string()
    }
}

impl From<&Condition> for String {
    fn from(condition: &Condition) -> String {
        condition.to_string()
    }
}

/// The fields of model `M`, reached from the model a condition is about by some path
/// (empty for `M::fields()`). Its methods are generated, one per field of the spec.
///
/// `P` says where the path is, for the typed patch builder ([`PatchRequest`]): [`Root<T>`]
/// (from model `T`, crossing no list), [`Each<P>`] (the path ends at a list of models, whose
/// element fields these are) or [`InList<P>`] (further inside a list). Conditions ignore it;
/// a patch takes only paths of its own model that cross no list.
///
/// [`PatchRequest`]: crate::PatchRequest
pub struct Fields<M, P = Root<M>> {
    /// The JSON names, outermost first (`["status"]`).
    path: Vec<&'static str>,
    model: PhantomData<fn() -> (M, P)>,
}

/// Where a path starts: model `M`, crossing no list. See [`Fields`].
pub struct Root<M>(PhantomData<fn() -> M>, std::convert::Infallible);
/// The path ends at a list of models (`customFields`): the list itself, whose element fields
/// the [`Fields`] name. See [`Fields`].
pub struct Each<P>(PhantomData<fn() -> P>, std::convert::Infallible);
/// The path is inside an element of a list (`customFields/caption`): no patch can change it
/// alone. See [`Fields`].
pub struct InList<P>(PhantomData<fn() -> P>, std::convert::Infallible);

/// The place of a nested model's fields: [`Root`] stays, [`Each`] and [`InList`] become
/// [`InList`]. Used by the generated accessors.
pub trait Place {
    /// Where the fields of a nested model field are.
    type Inner;
}

impl<M> Place for Root<M> {
    type Inner = Root<M>;
}

impl<P> Place for Each<P> {
    type Inner = InList<P>;
}

impl<P> Place for InList<P> {
    type Inner = InList<P>;
}

// Written by hand: derives would require `M: Clone` / `M: Debug`.
impl<M, P> Clone for Fields<M, P> {
    fn clone(&self) -> Self {
        Fields {
            path: self.path.clone(),
            model: PhantomData,
        }
    }
}

impl<M, P> fmt::Debug for Fields<M, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path.join("/");
        write!(f, "Fields<{}>({path})", std::any::type_name::<M>())
    }
}

impl<M, P> Fields<M, P> {
    /// The JSON names of the path, outermost first. (Used by `crate::patch`; the codegen
    /// snapshot crate compiles this file without it.)
    #[allow(dead_code)]
    pub(crate) fn names(&self) -> &[&'static str] {
        &self.path
    }
}

/// `M::fields()`: the fields of `M` itself. Called by generated code only; `Fields` has no
/// inherent methods of its own, so no field name of the spec can clash with one.
pub(crate) fn root<M>() -> Fields<M> {
    Fields {
        path: Vec::new(),
        model: PhantomData,
    }
}

/// The fields of the model of field `name` of `parent` (`status` -> `ServiceStatusReference`),
/// at the place the generated signature names (`P::Inner`, or `Each<P>` for a list).
pub(crate) fn nested<M, P, N, Q>(parent: &Fields<M, P>, name: &'static str) -> Fields<N, Q> {
    let mut path = parent.path.clone();
    path.push(name);
    Fields {
        path,
        model: PhantomData,
    }
}

/// Field `name` of `parent`, of kind `K`.
pub(crate) fn field<M, P, K>(parent: &Fields<M, P>, name: &'static str) -> Field<K, P> {
    Field::at(parent.path.iter().copied().chain([name]))
}

/// One field, of kind `K` ([`Text`], [`Integer`], ...): what comparisons are made from, and
/// what the typed patch builder changes. `P` is where the path is (see [`Fields`]).
pub struct Field<K, P> {
    path: FieldPath,
    kind: PhantomData<fn() -> (K, P)>,
}

impl<K, P> Clone for Field<K, P> {
    fn clone(&self) -> Self {
        Field {
            path: self.path.clone(),
            kind: PhantomData,
        }
    }
}

impl<K, P> fmt::Debug for Field<K, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Field({})", self.path)
    }
}

impl<K, P> Field<K, P> {
    /// The field at `names`, outermost first. The generator writes accessors only for names
    /// the language can write (`emit_fields::is_condition_name`), and the hand-written ones
    /// below are such names, so the path is always one.
    fn at<'a>(names: impl IntoIterator<Item = &'a str>) -> Field<K, P> {
        let names: Vec<&str> = names.into_iter().collect();
        match FieldPath::from_names(names.iter().copied()) {
            Some(path) => Field {
                path,
                kind: PhantomData,
            },
            None => panic!(
                "connectwise: `{}` is not a field path the condition language can write \
                 (a bug of the code generator)",
                names.join("/")
            ),
        }
    }

    /// The path as conditions write it: `status/name`.
    pub fn path(&self) -> String {
        self.path.to_string()
    }

    /// `field = null`: the field is missing or null.
    pub fn is_null(&self) -> Condition {
        self.compare(Op::Eq, Value::Null)
    }

    /// `field != null`.
    pub fn is_not_null(&self) -> Condition {
        self.compare(Op::NotEq, Value::Null)
    }

    fn compare(&self, op: Op, value: Value) -> Condition {
        let comparison = Comparison::new(self.path.clone(), op, value);
        Condition(language::Condition::Compare(comparison))
    }

    /// Holds for no entity: `f = null and f != null`.
    fn never(&self) -> Condition {
        self.is_null() & self.is_not_null()
    }

    /// Holds for every entity: `f = null or f != null`.
    fn always(&self) -> Condition {
        self.is_null() | self.is_not_null()
    }

    fn scalar(&self, op: Op, literal: Literal) -> Condition {
        match literal {
            Literal::Value(value) => self.compare(op, value),
            // NaN equals nothing and orders with nothing; `!=` holds for any present value.
            Literal::NaN if op == Op::NotEq => self.is_not_null(),
            Literal::NaN => self.never(),
        }
    }

    fn list(&self, op: Op, literals: impl IntoIterator<Item = Literal>) -> Condition {
        let items: Vec<Value> = literals
            .into_iter()
            .filter_map(|literal| match literal {
                Literal::Value(value) => Some(value),
                Literal::NaN => None,
            })
            .collect();
        match (items.is_empty(), op) {
            (true, Op::NotIn) => self.always(),
            (true, _) => self.never(),
            (false, _) => self.compare(op, Value::List(items)),
        }
    }
}

/// A value as a literal of the language; NaN has none.
enum Literal {
    Value(Value),
    NaN,
}

/// A value that can be compared with a field of kind `K`.
pub trait IntoLiteral<K> {
    #[doc(hidden)]
    fn literal(self) -> LiteralText;
}

/// A literal (opaque): what [`IntoLiteral`] produces.
#[doc(hidden)]
pub struct LiteralText(Literal);

impl<K, P> Field<K, P> {
    /// `field = value`.
    pub fn eq(&self, value: impl IntoLiteral<K>) -> Condition {
        self.scalar(Op::Eq, value.literal().0)
    }

    /// `field != value`.
    pub fn ne(&self, value: impl IntoLiteral<K>) -> Condition {
        self.scalar(Op::NotEq, value.literal().0)
    }

    /// `field in (v1, v2, ...)`. An empty list holds for no entity.
    pub fn is_in<V: IntoLiteral<K>>(&self, values: impl IntoIterator<Item = V>) -> Condition {
        self.list(Op::In, values.into_iter().map(|v| v.literal().0))
    }

    /// `field not in (v1, v2, ...)`. An empty list holds for every entity.
    pub fn not_in<V: IntoLiteral<K>>(&self, values: impl IntoIterator<Item = V>) -> Condition {
        self.list(Op::NotIn, values.into_iter().map(|v| v.literal().0))
    }
}

/// Kinds whose values are ordered: `<`, `<=`, `>`, `>=`.
pub trait Ordered {}

impl<K: Ordered, P> Field<K, P> {
    /// `field < value`.
    pub fn lt(&self, value: impl IntoLiteral<K>) -> Condition {
        self.scalar(Op::Lt, value.literal().0)
    }

    /// `field <= value`.
    pub fn le(&self, value: impl IntoLiteral<K>) -> Condition {
        self.scalar(Op::LtEq, value.literal().0)
    }

    /// `field > value`.
    pub fn gt(&self, value: impl IntoLiteral<K>) -> Condition {
        self.scalar(Op::Gt, value.literal().0)
    }

    /// `field >= value`.
    pub fn ge(&self, value: impl IntoLiteral<K>) -> Condition {
        self.scalar(Op::GtEq, value.literal().0)
    }
}

/// Kinds that hold text: `like`, `contains`.
pub trait Textual {}

impl<K: Textual, P> Field<K, P> {
    /// `field like 'pattern'`: `%` any run of characters, `_` one character (case-insensitive).
    pub fn like(&self, pattern: impl AsRef<str>) -> Condition {
        self.compare(Op::Like, pattern.as_ref().into())
    }

    /// `field not like 'pattern'`.
    pub fn not_like(&self, pattern: impl AsRef<str>) -> Condition {
        self.compare(Op::NotLike, pattern.as_ref().into())
    }

    /// `field contains 'text'` (case-insensitive substring).
    pub fn contains(&self, text: impl AsRef<str>) -> Condition {
        self.compare(Op::Contains, text.as_ref().into())
    }

    /// `field not contains 'text'`.
    pub fn not_contains(&self, text: impl AsRef<str>) -> Condition {
        self.compare(Op::NotContains, text.as_ref().into())
    }
}

/// Text (`summary`, `status/name`).
#[derive(Debug)]
pub enum Text {}
/// A whole number (`id`, `board/id`).
#[derive(Debug)]
pub enum Integer {}
/// Any number (`budgetHours`).
#[derive(Debug)]
pub enum Number {}
/// `true` / `false` (`closedFlag`).
#[derive(Debug)]
pub enum Boolean {}
/// A date and time (`closedDate`).
#[derive(Debug)]
pub enum DateTime {}
/// A calendar date.
#[derive(Debug)]
pub enum Date {}
/// A string with fixed values, compared with the generated enum `E` (`TicketSeverity::High`).
pub struct Enum<E>(PhantomData<fn() -> E>, std::convert::Infallible);
/// Free-form JSON (`customFields/value`): any literal.
#[derive(Debug)]
pub enum Json {}
/// A map with free keys (`_info`); see [`Field<Map>`]'s methods for ConnectWise's audit keys.
#[derive(Debug)]
pub enum Map {}
/// A list of values of kind `K` (`countryIds`): a condition compares its elements, a patch
/// replaces the whole list.
pub struct List<K>(PhantomData<fn() -> K>, std::convert::Infallible);

impl Ordered for Text {}
impl Ordered for Integer {}
impl Ordered for Number {}
impl Ordered for DateTime {}
impl Ordered for Date {}
impl Ordered for Json {}
impl Textual for Text {}
impl<E> Textual for Enum<E> {}
impl Textual for Json {}
impl<K: Ordered> Ordered for List<K> {}
impl<K: Textual> Textual for List<K> {}

/// A list field is compared through its elements: `countryIds = 5`.
impl<K, V: IntoLiteral<K>> IntoLiteral<List<K>> for V {
    fn literal(self) -> LiteralText {
        <V as IntoLiteral<K>>::literal(self)
    }
}

impl<P> Field<Map, P> {
    fn key<K>(&self, name: &'static str) -> Field<K, P> {
        Field::at(self.path.names().chain([name]))
    }

    /// `_info/lastUpdated`.
    pub fn last_updated(&self) -> Field<DateTime, P> {
        self.key("lastUpdated")
    }

    /// `_info/dateEntered`.
    pub fn date_entered(&self) -> Field<DateTime, P> {
        self.key("dateEntered")
    }

    /// `_info/updatedBy`.
    pub fn updated_by(&self) -> Field<Text, P> {
        self.key("updatedBy")
    }

    /// `_info/enteredBy`.
    pub fn entered_by(&self) -> Field<Text, P> {
        self.key("enteredBy")
    }
}

fn value(value: impl Into<Value>) -> LiteralText {
    LiteralText(Literal::Value(value.into()))
}

/// NaN has no literal; infinities are clamped to the largest finite numbers.
fn float(number: f64) -> LiteralText {
    match language::Number::from_f64(number.clamp(f64::MIN, f64::MAX)) {
        Some(number) => value(number),
        None => LiteralText(Literal::NaN),
    }
}

/// Clamped to the years 0000 to 9999 the language can write.
fn date_time(date: chrono::DateTime<chrono::Utc>) -> LiteralText {
    let seconds = date.timestamp();
    // A leap second (nanoseconds of a second or more) is not writable: keep the second, drop
    // the fraction.
    let nanos = date.timestamp_subsec_nanos();
    let nanos = if nanos < 1_000_000_000 { nanos } else { 0 };
    let out_of_range = if seconds < 0 {
        language::DateTime::MIN
    } else {
        language::DateTime::MAX
    };
    value(language::DateTime::from_unix(seconds, nanos).unwrap_or(out_of_range))
}

fn naive_date(date: chrono::NaiveDate) -> LiteralText {
    date_time(date.and_time(chrono::NaiveTime::MIN).and_utc())
}

macro_rules! literals {
    ($kind:ty: $($t:ty => $f:expr),* $(,)?) => {$(
        impl IntoLiteral<$kind> for $t {
            fn literal(self) -> LiteralText {
                #[allow(clippy::redundant_closure_call)]
                ($f)(self)
            }
        }
    )*};
}

literals!(Text:
    &str => value, String => value,
    &String => |v: &String| value(v.as_str()),
    char => |v: char| value(v.to_string()),
);
literals!(Integer:
    i8 => value, i16 => value, i32 => value, i64 => value, i128 => value, isize => value,
    u8 => value, u16 => value, u32 => value, u64 => value, u128 => value, usize => value,
);
literals!(Number:
    i8 => value, i16 => value, i32 => value, i64 => value, i128 => value, isize => value,
    u8 => value, u16 => value, u32 => value, u64 => value, u128 => value, usize => value,
    f32 => |v: f32| float(f64::from(v)), f64 => float,
);
literals!(Boolean: bool => value);
literals!(DateTime:
    chrono::NaiveDate => naive_date,
    chrono::NaiveDateTime => |v: chrono::NaiveDateTime| date_time(v.and_utc()),
);
literals!(Date:
    chrono::NaiveDate => naive_date,
    chrono::NaiveDateTime => |v: chrono::NaiveDateTime| date_time(v.and_utc()),
);
literals!(Json:
    &str => value, String => value,
    bool => value,
    i32 => value, i64 => value, u32 => value, u64 => value,
    f64 => float,
    chrono::NaiveDate => naive_date,
);

impl<Tz: chrono::TimeZone> IntoLiteral<DateTime> for chrono::DateTime<Tz> {
    fn literal(self) -> LiteralText {
        date_time(self.with_timezone(&chrono::Utc))
    }
}

impl<Tz: chrono::TimeZone> IntoLiteral<Date> for chrono::DateTime<Tz> {
    fn literal(self) -> LiteralText {
        date_time(self.with_timezone(&chrono::Utc))
    }
}

impl<Tz: chrono::TimeZone> IntoLiteral<Json> for chrono::DateTime<Tz> {
    fn literal(self) -> LiteralText {
        date_time(self.with_timezone(&chrono::Utc))
    }
}

/// A generated enum value (`TicketSeverity::High`), compared as its wire value.
impl<E: Display> IntoLiteral<Enum<E>> for E {
    fn literal(self) -> LiteralText {
        value(self.to_string())
    }
}

impl<E: Display> IntoLiteral<Enum<E>> for &E {
    fn literal(self) -> LiteralText {
        value(self.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // A hand-written stand-in for what `emit_fields` generates.
    struct Ticket;
    struct Status;
    #[derive(Clone, Copy)]
    enum Severity {
        High,
        Low,
    }
    impl Display for Severity {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(match self {
                Severity::High => "High",
                Severity::Low => "Low",
            })
        }
    }
    impl Ticket {
        fn fields() -> Fields<Ticket> {
            root()
        }
    }
    impl<P: Place> Fields<Ticket, P> {
        fn id(&self) -> Field<Integer, P> {
            field(self, "id")
        }
        fn summary(&self) -> Field<Text, P> {
            field(self, "summary")
        }
        fn status(&self) -> Fields<Status, P::Inner> {
            nested(self, "status")
        }
        fn closed_flag(&self) -> Field<Boolean, P> {
            field(self, "closedFlag")
        }
        fn budget_hours(&self) -> Field<Number, P> {
            field(self, "budgetHours")
        }
        fn closed_date(&self) -> Field<DateTime, P> {
            field(self, "closedDate")
        }
        fn severity(&self) -> Field<Enum<Severity>, P> {
            field(self, "severity")
        }
        fn info(&self) -> Field<Map, P> {
            field(self, "_info")
        }
    }
    impl<P> Fields<Status, P> {
        fn name(&self) -> Field<Text, P> {
            field(self, "name")
        }
        fn id(&self) -> Field<Integer, P> {
            field(self, "id")
        }
    }

    fn t() -> Fields<Ticket> {
        Ticket::fields()
    }

    #[track_caller]
    fn prints(condition: Condition, expected: &str) {
        assert_eq!(condition.to_string(), expected);
        assert_eq!(String::from(&condition), expected);
    }

    #[test]
    fn comparisons_print_in_connectwise_syntax() {
        prints(t().status().name().eq("New"), "status/name = 'New'");
        prints(t().id().ne(5), "id != 5");
        prints(t().id().gt(1000u32), "id > 1000");
        prints(t().id().le(-3), "id <= -3");
        prints(t().budget_hours().ge(1.5), "budgetHours >= 1.5");
        prints(t().budget_hours().lt(2), "budgetHours < 2");
        prints(t().closed_flag().eq(false), "closedFlag = false");
        prints(t().summary().like("%printer%"), "summary like '%printer%'");
        prints(t().summary().not_like("x%"), "summary not like 'x%'");
        prints(t().summary().contains("fire"), "summary contains 'fire'");
        prints(t().summary().not_contains("a"), "summary not contains 'a'");
        prints(t().status().id().is_in([1, 5, 8]), "status/id in (1, 5, 8)");
        prints(
            t().status()
                .name()
                .not_in(vec!["Closed".to_owned(), "Done".to_owned()]),
            "status/name not in ('Closed', 'Done')",
        );
        prints(t().severity().eq(Severity::High), "severity = 'High'");
        prints(
            t().severity().is_in([Severity::High, Severity::Low]),
            "severity in ('High', 'Low')",
        );
        prints(t().severity().like("H%"), "severity like 'H%'");
        prints(t().closed_date().is_null(), "closedDate = null");
        prints(t().status().is_not_null_via_id(), "status/id != null");
        prints(
            t().info()
                .last_updated()
                .gt(chrono::NaiveDate::from_ymd_opt(2024, 1, 31).unwrap_or_default()),
            "_info/lastUpdated > [2024-01-31T00:00:00Z]",
        );
        prints(t().info().updated_by().eq('x'), "_info/updatedBy = 'x'");
    }

    impl<P> Fields<Status, P> {
        fn is_not_null_via_id(&self) -> Condition {
            self.id().is_not_null()
        }
    }

    #[test]
    fn dates_print_in_utc_with_the_fraction_only_when_needed() {
        use chrono::TimeZone;
        let offset = chrono::FixedOffset::east_opt(3600).map(|tz| {
            tz.with_ymd_and_hms(2024, 1, 31, 1, 0, 0)
                .single()
                .map(|d| t().closed_date().gt(d))
        });
        prints(
            offset.flatten().expect("a valid date"),
            "closedDate > [2024-01-31T00:00:00Z]",
        );
        let with_fraction =
            chrono::DateTime::from_timestamp(1_700_000_000, 120_000_000).expect("in range");
        prints(
            t().closed_date().lt(with_fraction),
            "closedDate < [2023-11-14T22:13:20.12Z]",
        );
        let far = chrono::NaiveDate::from_ymd_opt(20000, 1, 1).expect("chrono goes that far");
        prints(
            t().closed_date().lt(far),
            "closedDate < [9999-12-31T23:59:59.999999999Z]",
        );
    }

    #[test]
    fn strings_are_escaped() {
        prints(t().summary().eq("O'Brien"), r#"summary = "O'Brien""#);
        prints(t().summary().eq(r#"say "hi""#), r#"summary = 'say "hi"'"#);
        prints(t().summary().eq(r#"it's "x""#), r#"summary = 'it''s "x"'"#);
        prints(t().summary().eq(r"C:\"), r"summary = 'C:\\'");
        prints(t().summary().eq(r"DOMAIN\user"), r"summary = 'DOMAIN\user'");
        prints(
            t().summary().eq("' or 1=1 or summary = '"),
            r#"summary = "' or 1=1 or summary = '""#,
        );
    }

    #[test]
    fn and_or_not_flatten_and_parenthesize_like_the_printer() {
        let a = || t().id().eq(1);
        let b = || t().id().eq(2);
        let c = || t().id().eq(3);
        prints(a() & b() & c(), "id = 1 and id = 2 and id = 3");
        prints(a() | b() | c(), "id = 1 or id = 2 or id = 3");
        prints(a() & b() | c(), "id = 1 and id = 2 or id = 3");
        prints(a() & (b() | c()), "id = 1 and (id = 2 or id = 3)");
        prints(!(a() | b()), "not (id = 1 or id = 2)");
        prints(!a() & b(), "not id = 1 and id = 2");
        prints(!!a(), "not not id = 1");
        assert_eq!(Condition::all([a(), b()]), Some(a() & b()));
        assert_eq!(Condition::any(Vec::new()), None);
    }

    /// Every condition the tests print parses with `connectwise-conditions` to the very tree
    /// the builder made, and prints back identically.
    #[test]
    fn printed_text_is_canonical_for_the_parser() {
        use chrono::TimeZone;
        let date = chrono::Utc
            .with_ymd_and_hms(2024, 2, 29, 23, 59, 58)
            .single()
            .map(|d| d + chrono::Duration::nanoseconds(5_000));
        let mut conditions = vec![
            t().status().name().eq("New") & t().id().is_in([1, 2]) | !t().closed_flag().eq(true),
            t().summary().eq(r#"it's "x" \ \' \"#) | t().summary().like("%'%"),
            t().summary().eq("tab\there, newline\n, unicode: é ✓") & t().id().ne(-1),
            t().budget_hours().ge(0.1 + 0.2) & t().budget_hours().lt(f64::MAX),
            t().severity().not_in([Severity::Low]) & !(t().id().eq(1) & t().id().eq(2)),
            t().info().date_entered().le(chrono::NaiveDate::MIN) | t().id().is_in([0u8; 0]),
            t().budget_hours().eq(f64::NAN) | t().budget_hours().not_in([f64::NAN]),
        ];
        if let Some(date) = date {
            conditions.push(t().closed_date().eq(date));
        }
        for condition in conditions {
            let text = condition.to_string();
            let parsed = connectwise_conditions::parse(&text)
                .unwrap_or_else(|e| panic!("{text:?} does not parse: {e}"));
            assert_eq!(parsed, condition.0, "{text}");
            assert_eq!(parsed.to_string(), text);
        }
    }

    #[test]
    fn values_without_a_literal() {
        prints(
            t().id().is_in(Vec::<i32>::new()),
            "id = null and id != null",
        );
        prints(t().id().not_in([0i32; 0]), "id = null or id != null");
        prints(
            t().budget_hours().eq(f64::NAN),
            "budgetHours = null and budgetHours != null",
        );
        prints(t().budget_hours().ne(f64::NAN), "budgetHours != null");
        prints(
            t().budget_hours().is_in([1.0, f64::NAN]),
            "budgetHours in (1)",
        );
        let huge = t().budget_hours().lt(f64::INFINITY).to_string();
        assert!(huge.starts_with("budgetHours < 1797693134862315"), "{huge}");
        assert!(
            huge["budgetHours < ".len()..]
                .bytes()
                .all(|b| b.is_ascii_digit()),
            "{huge}"
        );
        // Inside a larger condition the stand-ins keep their meaning.
        prints(
            t().id().eq(1) | t().id().is_in(Vec::<i32>::new()),
            "id = 1 or id = null and id != null",
        );
    }
}
