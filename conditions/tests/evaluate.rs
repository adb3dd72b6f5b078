//! The evaluator's semantics, one rule per test, against the JSON shapes ConnectWise returns.

use connectwise_conditions::{matches, parse, Comparison, Condition, FieldPath, Op, Value};
use serde_json::{json, Value as Json};

fn eval(condition: &str, entity: &Json) -> Result<bool, String> {
    let condition = parse(condition).unwrap_or_else(|error| panic!("{condition:?}: {error}"));
    matches(&condition, entity).map_err(|error| error.to_string())
}

#[track_caller]
fn check(entity: &Json, cases: &[(&str, bool)]) {
    for (condition, expected) in cases {
        assert_eq!(eval(condition, entity), Ok(*expected), "{condition}");
    }
}

#[track_caller]
fn fails(entity: &Json, condition: &str, message: &str) {
    match eval(condition, entity) {
        Err(error) => assert!(error.contains(message), "{condition}: {error}"),
        Ok(result) => panic!("{condition}: expected an error containing {message:?}, got {result}"),
    }
}

fn contact() -> Json {
    json!({
        "id": 42,
        "firstName": "Chris",
        "lastName": "O'Brien",
        "inactiveFlag": false,
        "title": null,
        "company": {"id": 250, "identifier": "ACME", "name": "Acme Corp"},
        "communicationItems": [
            {"type": {"id": 1, "name": "Email"}, "value": "chris@acme.com", "communicationType": "Email"},
            {"type": {"id": 2, "name": "Direct"}, "value": "555-1234", "communicationType": "Phone"}
        ],
        "types": [{"id": 4, "name": "Client"}],
        "balance": 12.50,
        "bigId": 18446744073709551615u64,
        "_info": {"lastUpdated": "2024-01-31T12:00:00Z"}
    })
}

#[test]
fn paths_walk_nested_objects_with_names_in_any_case() {
    check(
        &contact(),
        &[
            ("company/id = 250", true),
            ("Company/Identifier = 'ACME'", true),
            ("COMPANY/NAME = 'Acme Corp'", true),
            ("_info/lastUpdated = [2024-01-31T12:00:00Z]", true),
            ("company/missing = 'x'", false),
            ("missing/deeper/still = 'x'", false),
        ],
    );
}

#[test]
fn arrays_match_when_any_element_does() {
    check(
        &contact(),
        &[
            ("communicationItems/value like '%@acme.com'", true),
            ("communicationItems/value like 'chris@acme.com' and communicationItems/communicationType = 'Email'", true),
            ("communicationItems/type/name = 'Direct'", true),
            ("communicationItems/value = 'nobody@acme.com'", false),
            ("types/id = 4", true),
            ("types/id in (1, 2, 4)", true),
            ("types/id != null", true),
            ("types/id != 4", false),
        ],
    );
}

#[test]
fn strings_compare_case_insensitively_and_ignore_trailing_spaces() {
    check(
        &contact(),
        &[
            ("firstName = 'chris'", true),
            ("firstName = 'CHRIS  '", true),
            ("firstName != 'Chris'", false),
            ("firstName = ' Chris'", false),
            ("lastName = \"o'brien\"", true),
            ("lastName = 'O''Brien'", true),
            ("lastName = 'O\\'Brien'", true),
            ("firstName < 'd'", true),
            ("firstName > 'CHRIS'", false),
            ("firstName >= 'CHRIS'", true),
        ],
    );
}

#[test]
fn like_and_contains() {
    check(
        &contact(),
        &[
            ("firstName like 'ch%'", true),
            ("firstName like 'CH%'", true),
            ("firstName like 'ch*'", true),
            ("firstName like 'Chri_'", true),
            ("firstName like 'Chr_'", false),
            ("firstName like 'hri'", false),
            ("firstName like '%hri%'", true),
            ("firstName not like '%hri%'", false),
            ("firstName contains 'HRI'", true),
            ("firstName contains '%'", false),
            ("firstName not contains 'x'", true),
        ],
    );
}

#[test]
fn numbers_compare_by_value() {
    check(
        &contact(),
        &[
            ("id = 42", true),
            ("id = 42.0", true),
            ("id < 42.5", true),
            ("id >= 43", false),
            ("balance = 12.5", true),
            ("balance > 12.49", true),
            ("balance <= -1", false),
            ("bigId = 18446744073709551615", true),
            ("bigId > 18446744073709551614", true),
            ("id in (1, 42)", true),
            ("id not in (1, 42)", false),
            ("id not in (1, 2)", true),
        ],
    );
}

#[test]
fn quoted_numbers_and_booleans_are_taken_for_number_and_boolean_fields() {
    check(
        &contact(),
        &[
            ("id = '42'", true),
            ("types/id = \"4\"", true),
            ("inactiveFlag = 'false'", true),
            ("inactiveFlag = 'TRUE'", false),
        ],
    );
}

#[test]
fn booleans() {
    check(
        &contact(),
        &[
            ("inactiveFlag = false", true),
            ("inactiveFlag = FALSE", true),
            ("inactiveFlag != true", true),
            ("inactiveFlag = true", false),
        ],
    );
}

#[test]
fn dates_compare_as_instants() {
    check(
        &contact(),
        &[
            ("_info/lastUpdated > [2024-01-31T11:59:59Z]", true),
            ("_info/lastUpdated > [2024-01-31T12:00:00Z]", false),
            ("_info/lastUpdated >= [2024-01-31T12:00:00Z]", true),
            ("_info/lastUpdated = [2024-01-31T13:00:00+01:00]", true),
            ("_info/lastUpdated < [2024-02-01]", true),
            (
                "_info/lastUpdated in ([2020-01-01], [2024-01-31T12:00:00Z])",
                true,
            ),
        ],
    );
}

#[test]
fn null_and_missing_fields() {
    check(
        &contact(),
        &[
            ("title = null", true),
            ("title != null", false),
            ("missing = null", true),
            ("missing != null", false),
            ("firstName = null", false),
            ("firstName != null", true),
            ("company = null", false),
            ("company != null", true),
            // Any other comparison with a missing or null field is false, negated ones too.
            ("missing = 'x'", false),
            ("missing != 'x'", false),
            ("title != 'x'", false),
            ("missing not like '%'", false),
            ("missing not in (1)", false),
            ("missing in (1, null)", true),
            ("missing not in (1, null)", false),
            ("firstName not in ('Bob', null)", true),
            // ... while `not` negates whatever its operand gave.
            ("not missing = 'x'", true),
        ],
    );
}

#[test]
fn and_binds_tighter_than_or() {
    let entity = json!({"a": 1, "b": 2, "c": 3});
    check(
        &entity,
        &[
            ("a = 1 or b = 0 and c = 0", true),
            ("(a = 1 or b = 0) and c = 0", false),
            ("a = 0 and b = 2 or c = 3", true),
            ("a = 0 and (b = 2 or c = 3)", false),
            ("not a = 0 and b = 2", true),
            ("not (a = 1 and b = 2)", false),
            ("not not a = 1", true),
        ],
    );
}

#[test]
fn type_mismatches_are_errors_like_connectwise_400s() {
    let entity = contact();
    fails(
        &entity,
        "id = 'abc'",
        "cannot compare `id`, a number (42), with a string ('abc')",
    );
    fails(&entity, "firstName = 5", "quote it to compare text: '5'");
    fails(
        &entity,
        "firstName > 5",
        "a string (\"Chris\"), with a number (5)",
    );
    fails(
        &entity,
        "company = 'Acme Corp'",
        "compare one of its fields, like `company/id` or `company/name`",
    );
    fails(
        &entity,
        "inactiveFlag = 0",
        "a boolean (false), with a number (0)",
    );
    fails(
        &entity,
        "inactiveFlag < true",
        "`inactiveFlag` is a boolean: it cannot be compared with `<`",
    );
    fails(
        &entity,
        "firstName > [2024-01-01]",
        "that holds no ISO 8601 date-time",
    );
    fails(
        &entity,
        "id like '4%'",
        "cannot compare `id`, a number (42)",
    );
    fails(
        &entity,
        "firstName like 5",
        "`like` needs a quoted string, not a number (5)",
    );
    fails(&entity, "id in (42, 'x')", "with a string ('x')");
}

#[test]
fn every_operand_is_checked_for_type_errors() {
    // ConnectWise rejects the whole request, not just the branch it would reach.
    let entity = contact();
    fails(&entity, "id = 42 or firstName = 5", "quote it");
    fails(&entity, "id = 0 and firstName = 5", "quote it");
}

#[test]
fn mismatches_with_missing_fields_cannot_be_seen() {
    check(&contact(), &[("missing = 5", false), ("title = 5", false)]);
}

#[test]
fn errors_carry_the_span_of_the_comparison() {
    let text = "id = 42 and firstName = 5";
    let condition = parse(text).unwrap();
    let error = matches(&condition, &contact()).unwrap_err();
    assert_eq!(&text[error.span().range()], "firstName = 5");
}

#[test]
fn trees_built_in_code_evaluate_too() {
    let field = FieldPath::parse("company/identifier").unwrap();
    let condition = Condition::Or(vec![
        Condition::Compare(Comparison::new(field.clone(), Op::Eq, "acme".into())),
        Condition::Compare(Comparison::new(field, Op::In, Value::List(vec![1.into()]))),
    ]);
    assert_eq!(
        condition.to_string(),
        "company/identifier = 'acme' or company/identifier in (1)"
    );
    // The second operand compares a string field with a number: an error, as in ConnectWise.
    assert!(matches(&condition, &contact()).is_err());

    let wrong = Condition::Compare(Comparison::new(
        FieldPath::parse("id").unwrap(),
        Op::In,
        42.into(),
    ));
    assert!(matches(&wrong, &contact())
        .unwrap_err()
        .message()
        .contains("needs a list"));
}
