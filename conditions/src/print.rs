//! Canonical text for a condition: what `Display` writes, which parses back to an equal tree.
//!
//! Keywords lowercase, one space around every operator and keyword, lists as `(1, 2)`, dates in
//! UTC (`[2024-01-31T00:00:00Z]`), and parentheses only where the tree's shape needs them.
//! Strings are single-quoted; one holding `'` but no `"` is double-quoted instead, so that it
//! needs no escape at all (ConnectWise documents both quotes as string delimiters but not how
//! to escape one). A string holding both doubles the `'` inside single quotes, as SQL does.
//! A backslash is written as is, except before a quote, before another backslash or at the
//! end, where it is doubled so it cannot be read as an escape.

use std::fmt::{self, Display, Write};

use crate::ast::{Comparison, Condition, Value};

impl Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Condition::Compare(comparison) => comparison.fmt(f),
            // `and` binds tighter than `or`, so only a nested `and` or an `or` needs parentheses
            // inside an `and`, and only a nested `or` inside an `or`.
            Condition::And(operands) => write_joined(f, operands, " and ", |operand| {
                matches!(operand, Condition::And(_) | Condition::Or(_))
            }),
            Condition::Or(operands) => write_joined(f, operands, " or ", |operand| {
                matches!(operand, Condition::Or(_))
            }),
            Condition::Not(operand) => match **operand {
                Condition::And(_) | Condition::Or(_) => write!(f, "not ({operand})"),
                Condition::Compare(_) | Condition::Not(_) => write!(f, "not {operand}"),
            },
        }
    }
}

fn write_joined(
    f: &mut fmt::Formatter<'_>,
    operands: &[Condition],
    separator: &str,
    needs_parentheses: impl Fn(&Condition) -> bool,
) -> fmt::Result {
    for (i, operand) in operands.iter().enumerate() {
        if i > 0 {
            f.write_str(separator)?;
        }
        if needs_parentheses(operand) {
            write!(f, "({operand})")?;
        } else {
            write!(f, "{operand}")?;
        }
    }
    Ok(())
}

impl Display for Comparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.field, self.op, self.value)
    }
}

impl Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::String(text) => write_quoted(f, text),
            Value::Number(number) => number.fmt(f),
            Value::Bool(b) => b.fmt(f),
            Value::Null => f.write_str("null"),
            Value::Date(date) => write!(f, "[{date}]"),
            Value::List(items) => {
                f.write_char('(')?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    item.fmt(f)?;
                }
                f.write_char(')')
            }
        }
    }
}

fn write_quoted(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    f.write_char(quote)?;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if matches!(chars.peek(), None | Some('\\' | '\'' | '"')) => {
                f.write_str("\\\\")?
            }
            _ if c == quote => {
                f.write_char(quote)?;
                f.write_char(quote)?;
            }
            _ => f.write_char(c)?,
        }
    }
    f.write_char(quote)
}

#[cfg(test)]
mod tests {
    use crate::parse;

    #[track_caller]
    fn canonical(input: &str, expected: &str) {
        let condition = parse(input).unwrap();
        assert_eq!(condition.to_string(), expected);
        assert_eq!(parse(expected).unwrap(), condition);
    }

    #[test]
    fn spacing_and_keywords() {
        canonical("board/name='Help Desk'", "board/name = 'Help Desk'");
        canonical(
            "a LIKE 'x' AND b Not In (1,2)",
            "a like 'x' and b not in (1, 2)",
        );
        canonical("value !=null", "value != null");
    }

    #[test]
    fn parentheses_only_where_needed() {
        canonical("(a = 1 and b = 2) or c = 3", "a = 1 and b = 2 or c = 3");
        canonical("a = 1 and (b = 2 or c = 3)", "a = 1 and (b = 2 or c = 3)");
        canonical("(a = 1 and b = 2) and c = 3", "(a = 1 and b = 2) and c = 3");
        canonical("((a = 1))", "a = 1");
        canonical("not (a = 1 or b = 2)", "not (a = 1 or b = 2)");
        canonical("NOT a = 1 and b = 2", "not a = 1 and b = 2");
    }

    #[test]
    fn quotes() {
        canonical(r#"name = "O'Brien""#, r#"name = "O'Brien""#);
        canonical(r"name = 'O''Brien'", r#"name = "O'Brien""#);
        canonical(r"name = 'O\'Brien'", r#"name = "O'Brien""#);
        canonical(r#"name = 'say "hi"'"#, r#"name = 'say "hi"'"#);
        canonical(r#"name = 'it''s "x"'"#, r#"name = 'it''s "x"'"#);
        canonical(r"name = 'DOMAIN\user'", r"name = 'DOMAIN\user'");
        canonical(r"name = 'C:\\'", r"name = 'C:\\'");
    }

    #[test]
    fn dates_in_utc() {
        canonical(
            "d > [2024-01-31T01:00:00+01:00]",
            "d > [2024-01-31T00:00:00Z]",
        );
        canonical("d > [2024-01-31]", "d > [2024-01-31T00:00:00Z]");
    }
}
