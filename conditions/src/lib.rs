//! The ConnectWise Manage condition language (`conditions`, `childConditions`,
//! `customFieldConditions`): a parser whose errors carry positions, the syntax tree, a printer
//! whose output parses back to the same tree, and an evaluator over JSON entities. The
//! `bundle!` macro uses it to check literal conditions at compile time, the runtime's typed
//! conditions to print, the code generator for the condition schema and the fake server to
//! filter entities at run time, so it stays light: serde and `serde_json` (the evaluator's
//! input type and the schema's format) and `strsim` (dates are parsed here, not with a date
//! crate). The grammar comes
//! from ConnectWise's developer documentation, the seed's bundle example and the examples of
//! public clients; `tests/real_conditions.rs` holds those strings with their sources.
//!
//! ```
//! use connectwise_conditions::{matches, parse};
//! use serde_json::json;
//!
//! let condition = parse("summary like '%a%' and status/name like '%new%'and board/name='Help Desk'")?;
//! assert_eq!(
//!     condition.to_string(),
//!     "summary like '%a%' and status/name like '%new%' and board/name = 'Help Desk'"
//! );
//! let ticket = json!({
//!     "summary": "A printer",
//!     "status": {"name": "New"},
//!     "board": {"name": "help desk"},
//! });
//! assert!(matches(&condition, &ticket)?);
//!
//! let error = parse("status/name = ").unwrap_err();
//! assert_eq!(error.to_string(), "column 15: expected a value after `=`, found end of input");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # The language
//!
//! - A comparison is `field op value`: `status/name = 'New'`, `id>1000`, `board/id in (1, 2)`.
//!   Spaces around operators are optional, and a string may touch the next keyword
//!   (`'%new%'and`), as in ConnectWise's own bundle example.
//! - Fields are names (`[A-Za-z_][A-Za-z0-9_]*`) joined by `/` into nested objects:
//!   `company/id`, `_info/lastUpdated`, `communicationItems/value`.
//! - Operators: `=`, `!=`, `<`, `<=`, `>`, `>=`, `contains`, `like`, `in`, and `not` before
//!   `contains`, `like` or `in`. `in` and `not in` take a list `(1, 2, 3)` / `('a', 'b')`; the
//!   others one value.
//! - Values: strings in single or double quotes (ConnectWise: "String values should be
//!   enclosed with double or single quotes"); inside, the quote doubled (`'O''Brien'`) or
//!   backslash-escaped (`'O\'Brien'`) stands for itself and `\\` for one backslash; numbers
//!   (`42`, `-1.5`: digits, an optional decimal point and minus sign, nothing else); `true`,
//!   `false`; `null` (only with `=`, `!=` and in lists); dates in square brackets
//!   (`[2024-01-31T00:00:00Z]`, see [`DateTime`]).
//! - `and`, `or`, `not` and parentheses combine comparisons. **`and` binds tighter than
//!   `or`**, as in SQL, which ConnectWise translates conditions to: `a = 1 and b = 2 or c = 3`
//!   is `(a = 1 and b = 2) or c = 3`, which is also how ConnectWise's documented example
//!   `board/name="Integration" and summary="xyz" or board/id in (3, 2, 4) and lastUpdated >
//!   [...]` reads. A prefix `not` (`not (a = 1 or b = 2)`) binds tightest; ConnectWise lists
//!   `not` among its operators without saying where it may stand, so both places are accepted.
//! - Keywords (`and`, `Or`, `LIKE`, `Not In`, `TRUE`, `Null`) are case-insensitive.
//!
//! The printer ([`Condition`]'s `Display`) writes the canonical form: lowercase keywords,
//! single spaces, dates in UTC, and only the parentheses the tree needs; see the `print`
//! module for how strings are quoted. The evaluator's rules are on [`matches()`].
//!
//! # Checking against the API's fields
//!
//! [`check()`] walks a condition's field paths through a [`Schema`] (each model's fields and
//! their types, written by the code generator as JSON) and reports every unknown field, type
//! mismatch and unknown enum value with its span and a "did you mean"; the rules are in the
//! [`check`](mod@check) module. The "did you mean" rule is [`did_you_mean()`], shared with the
//! `bundle!` macro and the fake server; `strsim` scores it.
#![warn(missing_docs)]

mod ast;
pub mod check;
mod date;
mod error;
mod eval;
mod lexer;
mod parser;
mod print;
pub mod schema;
pub mod suggest;

pub use ast::{Comparison, Comparisons, Condition, FieldPath, Number, Op, Segment, Span, Value};
pub use check::{check, check_custom_field_conditions, check_str, CheckError, CheckErrorKind};
pub use date::DateTime;
pub use error::{EvalError, ParseError};
pub use eval::matches;
pub use schema::{FieldType, Schema, SchemaError};
pub use suggest::did_you_mean;

/// Parses a condition. An empty condition is an error (callers treat `""` as "no condition");
/// no input panics.
pub fn parse(input: &str) -> Result<Condition, ParseError> {
    parser::parse(input)
}

impl std::str::FromStr for Condition {
    type Err = ParseError;

    fn from_str(input: &str) -> Result<Self, ParseError> {
        parse(input)
    }
}
