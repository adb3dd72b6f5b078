//! Properties: every tree prints to text that parses back to it, and no input makes the
//! parser panic. Case counts are modest so the suite stays fast in debug builds.

use connectwise_conditions::{
    parse, Comparison, Condition, DateTime, FieldPath, Number, Op, Value,
};
use proptest::prelude::*;

fn field_path() -> impl Strategy<Value = FieldPath> {
    let name = "[a-zA-Z_][a-zA-Z0-9_]{0,8}";
    (name, prop::collection::vec(name, 0..3))
        .prop_filter(
            "the first name is not `and`, `or` or `not`",
            |(first, _)| {
                !["and", "or", "not"]
                    .iter()
                    .any(|word| first.eq_ignore_ascii_case(word))
            },
        )
        .prop_map(|(first, rest)| {
            let text = std::iter::once(first)
                .chain(rest)
                .collect::<Vec<_>>()
                .join("/");
            FieldPath::parse(&text).expect("generated paths are valid")
        })
}

fn number() -> impl Strategy<Value = Number> {
    prop_oneof![
        any::<i64>().prop_map(Number::from),
        any::<u64>().prop_map(Number::from),
        any::<f64>().prop_filter_map("finite", Number::from_f64),
        "-?[0-9]{1,25}(\\.[0-9]{1,12})?"
            .prop_map(|text| Number::parse(&text).expect("number syntax")),
    ]
}

fn date() -> impl Strategy<Value = DateTime> {
    (
        DateTime::MIN.unix_seconds()..=DateTime::MAX.unix_seconds(),
        prop_oneof![Just(0u32), 0..1_000_000_000u32],
    )
        .prop_map(|(seconds, nanos)| DateTime::from_unix(seconds, nanos).expect("in range"))
}

fn string() -> impl Strategy<Value = String> {
    prop_oneof![
        // Quotes, backslashes and wildcards in every arrangement.
        "['\"\\\\%_* a-zA-Z]{0,12}",
        any::<String>(),
    ]
}

/// A value other than a list; `null` only where the operator accepts it.
fn scalar(allow_null: bool) -> BoxedStrategy<Value> {
    let values = prop_oneof![
        string().prop_map(Value::String),
        number().prop_map(Value::Number),
        any::<bool>().prop_map(Value::Bool),
        date().prop_map(Value::Date),
    ];
    if allow_null {
        prop_oneof![4 => values, 1 => Just(Value::Null)].boxed()
    } else {
        values.boxed()
    }
}

fn comparison() -> impl Strategy<Value = Condition> {
    (field_path(), prop::sample::select(Op::ALL.to_vec())).prop_flat_map(|(field, op)| {
        let value = if op.takes_list() {
            prop::collection::vec(scalar(true), 1..4)
                .prop_map(Value::List)
                .boxed()
        } else {
            scalar(op.accepts_null())
        };
        value.prop_map(move |value| Condition::Compare(Comparison::new(field.clone(), op, value)))
    })
}

fn condition() -> impl Strategy<Value = Condition> {
    comparison().prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..4).prop_map(Condition::And),
            prop::collection::vec(inner.clone(), 2..4).prop_map(Condition::Or),
            inner.prop_map(|operand| Condition::Not(Box::new(operand))),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn printed_conditions_parse_back(condition in condition()) {
        let printed = condition.to_string();
        let reparsed = parse(&printed);
        prop_assert_eq!(reparsed.as_ref(), Ok(&condition), "printed as {}", printed);
    }

    #[test]
    fn printed_dates_parse_back(date in date()) {
        prop_assert_eq!(DateTime::parse(&date.to_string()), Some(date));
    }

    #[test]
    fn comparisons_are_listed_left_to_right(condition in condition()) {
        let printed = condition.to_string();
        let reparsed = parse(&printed).unwrap();
        // Spans of a parsed condition increase from one comparison to the next.
        let starts: Vec<usize> = reparsed.comparisons().map(|c| c.span.start).collect();
        prop_assert!(starts.windows(2).all(|pair| pair[0] < pair[1]), "{:?} in {}", starts, printed);
        prop_assert_eq!(reparsed.comparisons().count(), condition.comparisons().count());
        for comparison in reparsed.comparisons() {
            prop_assert_eq!(&printed[comparison.field.span().range()], comparison.field.to_string());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        check_any_input(&text)?;
    }

    #[test]
    fn condition_like_text_never_panics(text in "[a-zA-Z/ =<>!'\"()\\[\\],%_0-9.:TZ+-]{0,40}") {
        check_any_input(&text)?;
    }
}

/// Whatever the input: no panic, an error inside the input, and anything that parses prints
/// to text that parses back to the same tree.
fn check_any_input(text: &str) -> Result<(), TestCaseError> {
    match parse(text) {
        Ok(condition) => {
            let printed = condition.to_string();
            let reparsed = parse(&printed);
            prop_assert_eq!(
                reparsed.as_ref(),
                Ok(&condition),
                "{:?} printed as {:?}",
                text,
                printed
            );
        }
        Err(error) => {
            prop_assert!(error.span().start <= error.span().end && error.span().end <= text.len());
            prop_assert!(
                text.is_char_boundary(error.offset()) && text.is_char_boundary(error.span().end)
            );
            prop_assert!(error.line() >= 1 && error.column() >= 1);
            prop_assert!(!error.message().is_empty());
        }
    }
    Ok(())
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    for text in [
        "(".repeat(100_000),
        "not ".repeat(100_000),
        format!("{}a = 1{}", "(".repeat(129), ")".repeat(129)),
    ] {
        let error = parse(&text).unwrap_err();
        assert!(error.message().contains("nested deeper than"), "{error}");
    }
    let fine = format!("{}a = 1{}", "(".repeat(128), ")".repeat(128));
    assert!(parse(&fine).is_ok());
}

#[test]
fn long_flat_conditions_parse() {
    let text = vec!["a = 1"; 10_000].join(" and ");
    let condition = parse(&text).unwrap();
    assert_eq!(condition.comparisons().count(), 10_000);
    assert_eq!(condition.to_string(), text);
}
