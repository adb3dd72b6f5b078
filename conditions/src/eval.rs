//! Evaluates a condition against one entity as ConnectWise's SQL Server back end would, close
//! enough for a fake server. The rules are on [`matches()`].

use std::cmp::Ordering;

use serde_json::Value as Json;

use crate::ast::{Comparison, Condition, FieldPath, Number, Op, Segment, Value};
use crate::date::DateTime;
use crate::error::EvalError;

/// Whether `entity` (one JSON object as ConnectWise returns it) satisfies `condition`. An
/// [`EvalError`] stands for ConnectWise's 400 answer.
///
/// - **Paths** walk nested objects (`status/name` is `entity["status"]["name"]`); names match
///   case-insensitively. An array on the way (or at the end) stands for each of its elements,
///   and a comparison holds when it holds for at least one of them, which is how
///   `childConditions` such as `communicationItems/value like '%@acme.com'` read.
/// - **Null**: `field = null` holds when the field is missing or null, `field != null` when it
///   is present and not null. Any other comparison with a missing or null field is false,
///   including `!=`, `not like`, `not in` and `not contains`: SQL's unknown is not true.
///   `not (...)` is plain negation of its operand's result.
/// - **Strings** compare case-insensitively and ignoring trailing spaces (SQL Server's default
///   collation); `<`, `>`, ... order them case-insensitively.
/// - **`like`** is case-insensitive; `%` (and `*`, which integrations built on the API document
///   as a wildcard too) matches any run of characters, `_` exactly one. SQL Server's `[...]`
///   character classes are not supported: `[` is itself. **`contains`** is a case-insensitive
///   substring test.
/// - **Numbers** compare by value (`2.50 = 2.5`), exactly for whole numbers.
/// - **Dates**: a date literal is compared with a string field holding an ISO 8601 date-time.
/// - **Types**: a quoted number or `'true'`/`'false'` is taken for a number or boolean field
///   (ConnectWise accepts `typeids="1"`). Any other mismatch (a number literal against a string
///   field, a string against a number field, anything against an object, `<` on booleans,
///   `like` on a number, a date literal against a field that holds no date) is an
///   [`EvalError`]: ConnectWise answers 400. Every comparison is evaluated, so whether an
///   entity errs does not depend on the order of `and`/`or` operands.
pub fn matches(condition: &Condition, entity: &Json) -> Result<bool, EvalError> {
    match condition {
        Condition::Compare(comparison) => compare(comparison, entity),
        // No short-circuit: every operand is checked for type errors.
        Condition::And(operands) => operands
            .iter()
            .try_fold(true, |all, operand| Ok(matches(operand, entity)? && all)),
        Condition::Or(operands) => operands
            .iter()
            .try_fold(false, |any, operand| Ok(matches(operand, entity)? || any)),
        Condition::Not(operand) => Ok(!matches(operand, entity)?),
    }
}

fn compare(comparison: &Comparison, entity: &Json) -> Result<bool, EvalError> {
    let mut found = Vec::new();
    resolve(entity, comparison.field.segments(), &mut found);
    let present: Vec<&Json> = found.into_iter().filter(|value| !value.is_null()).collect();
    let check = Check { comparison };

    match (comparison.op, &comparison.value) {
        (Op::Eq, Value::Null) => return Ok(present.is_empty()),
        (Op::NotEq, Value::Null) => return Ok(!present.is_empty()),
        (op, Value::List(items)) if op.takes_list() => {
            // `in (..., null)` also holds for a missing field; `not in` ignores the null.
            let null_listed = items.contains(&Value::Null);
            let mut any = op == Op::In && null_listed && present.is_empty();
            for field in &present {
                let mut listed = false;
                for item in items.iter().filter(|item| **item != Value::Null) {
                    listed |= check.equal(field, item)?;
                }
                any |= listed == (op == Op::In);
            }
            return Ok(any);
        }
        (op, Value::List(_)) => {
            return Err(check.error(format!(
                "a list can only follow `in` or `not in`, not `{op}`"
            )))
        }
        (op, _) if op.takes_list() => {
            return Err(check.error(format!("`{op}` needs a list like `(1, 2)`")));
        }
        _ => {}
    }

    let mut any = false;
    for field in present {
        any |= check.test(field)?;
    }
    Ok(any)
}

/// Pushes every value at `path` under `value`, stepping into arrays; nothing when missing.
fn resolve<'j>(value: &'j Json, path: &[Segment], found: &mut Vec<&'j Json>) {
    match value {
        Json::Array(elements) => {
            for element in elements {
                resolve(element, path, found);
            }
        }
        _ => match path.split_first() {
            None => found.push(value),
            Some((segment, path)) => {
                let name = segment.name();
                if let Some(child) = value.as_object().and_then(|object| {
                    object.get(name).or_else(|| {
                        object
                            .iter()
                            .find(|(key, _)| key.eq_ignore_ascii_case(name))
                            .map(|(_, v)| v)
                    })
                }) {
                    resolve(child, path, found);
                }
            }
        },
    }
}

/// One comparison being checked against the values of its field.
struct Check<'a> {
    comparison: &'a Comparison,
}

impl Check<'_> {
    fn field(&self) -> &FieldPath {
        &self.comparison.field
    }

    fn error(&self, message: String) -> EvalError {
        EvalError::new(self.comparison.span, message)
    }

    fn mismatch(&self, field: &Json, literal: &Value) -> EvalError {
        let hint = match (field, literal) {
            (Json::Object(_), _) => {
                format!(
                    "; compare one of its fields, like `{}/id` or `{}/name`",
                    self.field(),
                    self.field()
                )
            }
            (Json::String(_), Value::Number(n)) => format!("; quote it to compare text: '{n}'"),
            (Json::String(_), Value::Date(_)) => " that holds no ISO 8601 date-time".to_owned(),
            _ => String::new(),
        };
        self.error(format!(
            "cannot compare `{}`, {}, with {} ({literal}){hint}",
            self.field(),
            describe(field),
            literal.kind()
        ))
    }

    /// The operator holds between one present field value and the literal.
    fn test(&self, field: &Json) -> Result<bool, EvalError> {
        let literal = &self.comparison.value;
        let op = self.comparison.op;
        Ok(match op {
            Op::Eq => self.equal(field, literal)?,
            Op::NotEq => !self.equal(field, literal)?,
            Op::Lt => self.order(field, literal)? == Ordering::Less,
            Op::LtEq => self.order(field, literal)? != Ordering::Greater,
            Op::Gt => self.order(field, literal)? == Ordering::Greater,
            Op::GtEq => self.order(field, literal)? != Ordering::Less,
            Op::Contains | Op::NotContains => {
                let (text, needle) = self.texts(field, literal)?;
                fold(text).contains(&fold(needle)) == (op == Op::Contains)
            }
            Op::Like | Op::NotLike => {
                let (text, pattern) = self.texts(field, literal)?;
                like(text, pattern) == (op == Op::Like)
            }
            Op::In | Op::NotIn => unreachable!("lists are handled by `compare`"),
        })
    }

    /// The field's text and the literal's for `like` and `contains`.
    fn texts<'j, 'l>(
        &self,
        field: &'j Json,
        literal: &'l Value,
    ) -> Result<(&'j str, &'l str), EvalError> {
        let Value::String(pattern) = literal else {
            let op = self.comparison.op;
            return Err(self.error(format!(
                "`{op}` needs a quoted string, not {} ({literal})",
                literal.kind()
            )));
        };
        match field {
            Json::String(text) => Ok((text, pattern)),
            _ => Err(self.mismatch(field, literal)),
        }
    }

    fn equal(&self, field: &Json, literal: &Value) -> Result<bool, EvalError> {
        if let (Json::String(text), Value::String(other)) = (field, literal) {
            return Ok(fold(text.trim_end_matches(' ')) == fold(other.trim_end_matches(' ')));
        }
        if let (Json::Bool(b), Some(other)) = (field, as_bool(literal)) {
            return Ok(*b == other);
        }
        Ok(self.order(field, literal)? == Ordering::Equal)
    }

    fn order(&self, field: &Json, literal: &Value) -> Result<Ordering, EvalError> {
        let ordering = match (field, literal) {
            (Json::String(text), Value::String(other)) => Some(fold(text).cmp(&fold(other))),
            (Json::Number(number), _) => {
                as_number(literal).and_then(|other| compare_numbers(number, &other))
            }
            (Json::String(text), Value::Date(date)) => {
                DateTime::parse(text).map(|field_date| field_date.cmp(date))
            }
            (Json::Bool(_), Value::Bool(_)) => {
                let op = self.comparison.op;
                return Err(self.error(format!(
                    "`{}` is a boolean: it cannot be compared with `{op}`",
                    self.field()
                )));
            }
            _ => None,
        };
        ordering.ok_or_else(|| self.mismatch(field, literal))
    }
}

/// A number literal, or a string literal holding one (`typeIds = '1'`).
fn as_number(literal: &Value) -> Option<Number> {
    match literal {
        Value::Number(number) => Some(number.clone()),
        Value::String(text) => Number::parse(text.trim()),
        _ => None,
    }
}

/// A boolean literal, or a string literal `'true'` / `'false'`.
fn as_bool(literal: &Value) -> Option<bool> {
    match literal {
        Value::Bool(b) => Some(*b),
        Value::String(text) if text.trim().eq_ignore_ascii_case("true") => Some(true),
        Value::String(text) if text.trim().eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

fn compare_numbers(field: &serde_json::Number, literal: &Number) -> Option<Ordering> {
    let exact = field
        .as_i64()
        .map(i128::from)
        .or_else(|| field.as_u64().map(i128::from));
    match (exact, literal.as_i128()) {
        (Some(a), Some(b)) => Some(a.cmp(&b)),
        _ => field.as_f64()?.partial_cmp(&literal.as_f64()),
    }
}

fn describe(value: &Json) -> String {
    match value {
        Json::Null => "null".to_owned(),
        Json::Bool(b) => format!("a boolean ({b})"),
        Json::Number(n) => format!("a number ({n})"),
        Json::String(s) => format!("a string ({s:?})"),
        Json::Array(_) => "an array".to_owned(),
        Json::Object(_) => "an object".to_owned(),
    }
}

/// Case folding for comparisons.
fn fold(text: &str) -> String {
    text.chars().flat_map(char::to_lowercase).collect()
}

/// SQL `LIKE`, case-insensitive: `%` and `*` match any run of characters, `_` exactly one.
fn like(text: &str, pattern: &str) -> bool {
    let text: Vec<char> = fold(text).chars().collect();
    let pattern: Vec<char> = fold(pattern).chars().collect();
    // Greedy match with backtracking to the last wildcard: linear in practice, never exponential.
    let (mut t, mut p) = (0, 0);
    let mut backtrack: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some('%' | '*') => {
                backtrack = Some((p, t));
                p += 1;
            }
            Some(&c) if c == '_' || c == text[t] => {
                t += 1;
                p += 1;
            }
            _ => match backtrack {
                Some((star, start)) => {
                    p = star + 1;
                    t = start + 1;
                    backtrack = Some((star, start + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == '%' || c == '*')
}

#[cfg(test)]
mod tests {
    use super::like;

    #[test]
    fn like_patterns() {
        assert!(like("Printer on fire", "%fire"));
        assert!(like("Printer on fire", "printer%"));
        assert!(like("Printer on fire", "%ON%"));
        assert!(like("Printer on fire", "Printer on fire"));
        assert!(like("Printer on fire", "P_inter%"));
        assert!(like("Printer on fire", "*on*"));
        assert!(like("", "%"));
        assert!(like("abc", "a%%c"));
        assert!(!like("Printer on fire", "printer"));
        assert!(!like("Printer on fire", "_"));
        assert!(!like("abc", "a_"));
        assert!(like("aaab", "%a%b"));
        assert!(!like("aaa", "%b%"));
    }
}
