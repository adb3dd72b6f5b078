//! Real condition strings, each quoted from where it was found: the seed, ConnectWise's own
//! documentation, and the examples and code of public clients. Every one must parse, print
//! canonically, and parse back to the same tree; a few are evaluated against a sample ticket;
//! and real mistakes must fail at the right column.
//!
//! Where the source builds a string from a template (`'$CompanyName'`, `[{since}]`), the
//! placeholders are filled with sample values and the group says so.

use connectwise_conditions::{matches, parse};
use serde_json::json;

const REAL_CONDITIONS: &[&str] = &[
    // The seed: ConnectWise's "Bundled Requests" page (shared/seeds/). Note `'%new%'and`, with
    // no space before the keyword, and `board/name='Help Desk'` without spaces.
    "summary like '%a%' and status/name like '%new%'and board/name='Help Desk'",
    "companyName = 'Connectwise'",
    "memberName = 'John Smith'",
    // ConnectWise developer guide, "Manage API Requests" (conditions, childConditions and
    // customFieldConditions examples), as quoted in markciecior/ConnectPyse issue #15.
    r#"board/name="Integration""#,
    r#"summary="xyz""#,
    "board/id in (3, 2, 4)",
    "lastUpdated > [2016-08-20T18:04:26Z]",
    r#"communicationItems/value like "john@Outlook.com" AND communicationItems/communicationType="Email""#,
    r#"caption="TomNumber" AND value !=null"#,
    // covenanttechnologysolutions/connectwise-rest: README "Manage Conditions Example" (note the
    // double space), the JSDoc of `Params.conditions` in src/ConnectWiseRest.js, and the
    // `paginate` example.
    r#"(contact/name like "Fred%" and closedFlag = false) and dateEntered > [2015-12-23T05:53:27Z] or summary contains "test" AND  summary != "Some Summary""#,
    r#"board/name="Integration" and summary="xyz" or board/id in (3, 2, 4) and lastUpdated > [2016-08-20T18:04:26Z]"#,
    "inactiveFlag = false",
    // HealthITAU/pyconnectwise README.
    "company/id=250",
    "id > 1000",
    // christaylorcodes/ConnectWiseManageAPI: Docs/Get-CWMCompany.md, Examples/ContactExample.ps1,
    // Examples/TimeSucks.ps1 (templates filled with its sample config's ManageUser 'ctaylor',
    // dates as its ConvertTo-CWMTime prints them, sample ticket ids; the double space is theirs).
    "status/id IN (1,42,43,57)",
    r#"firstName="chris""#,
    "enteredBy='ctaylor'",
    "enteredBy = 'ctaylor' and chargeToType = 'ServiceTicket' and dateEntered > [2020-09-12T07:00:00Z]",
    "id in (1234,1240,1301) and closedFlag = false",
    "enteredBy = 'ctaylor' and  dateEntered > [2020-09-14T07:00:00Z]",
    // LabtechConsulting/ConnectWise-Manage-Powershell issue #4: a quoted number for an id field,
    // reported to work in Postman.
    r#"typeids="1""#,
    // LockstepGroup/CwManage: Get-CwmAgreement.ps1 and Get-CwmTimeEntries.ps1 (ids filled in).
    "company/id=19471 AND noEndingDateFlag=True",
    "agreement/id=812",
    // OpsChasingDev/cwm-container-testing, services/app09/scratch.ps1 (the PowerShell date
    // filled in as ISO 8601; see the invalid table for the raw interpolation).
    "dateEntered > [2024-05-01T00:00:00Z] AND (board/name = 'Team 1' OR board/name = 'Team 2')",
    // AndyFeiLi/Connectwise-Automation, automate.ps1: `id>$startTicketID`.
    "id>45000",
    // KerkhoffTechnologies/django-connectwise, djconnectwise/sync.py and api.py: older versions
    // send `ClosedFlag = False`; `prepare_conditions` wraps the list in parentheses joined by
    // ' and '; dates come from Python's isoformat(), with microseconds and an offset.
    "ClosedFlag = False",
    "closedFlag = False",
    "lastUpdated > [2017-01-25T11:27:33.123456+00:00]",
    "status/id in (1,5,8)",
    "(closedFlag = False and status/id in (1,5,8) and lastUpdated>[2019-03-01T12:00:00.123456+00:00])",
    // zpeters/connectwise-clojure README.
    "identifier='foobar'",
    "company/name='XYZ'",
    // markciecior/ConnectPyse README.
    "opportunity/id=1250",
    // Public GitHub code found by exact-text search; the code index does not name these
    // repositories. Templates are filled with sample values.
    // - Mangano IT Azure Automation runbooks for ConnectWise Manage (PowerShell).
    "company/name = 'Contoso'",
    "communicationItems/value like 'jane@contoso.com' AND communicationItems/communicationType = 'Email'",
    r#"firstName like "Jane" AND lastName like "Doe" AND company/name = "Contoso""#,
    // - PowerShell ticket and contact scripts built on ConnectWiseManageAPI.
    "company/name like '*CleanCo Queensland Ltd*' and closedFlag = false and board/name like 'CQL*' and status/name !='Closed~' and status/name !='Closed - Silent' and status/name != 'Completed~'",
    r#"company/name like "CleanCo Queensland Ltd" and closedFlag = false and summary like "CleanCo - Send VIP Users to Telstra BTSM""#,
    r#"company/name like "CleanCo Queensland Ltd""#,
    r#"status/name = "New" AND team/name contains "1" AND closedFlag = false AND summary not contains "Wellness""#,
    "Summary LIKE 'Offline Servers:%' AND closedFlag = False AND status/Name NOT LIKE '%Completed%'",
    "identifier='ACME'",
    "company/identifier='ACME' AND status/name='Active' AND type/name='Managed Server'",
    "communicationItems/value like '*@contoso.com*'",
    // - Python, C#, Go and TypeScript integrations.
    "board/id=42",
    "deletedFlag=false",
    "deletedflag=false",
    "deletedFlag=true",
    "status/id=1",
    "types/id = 1",
    "types/id!=null",
    "inactiveFlag=false",
    r#"company/identifier="Some School""#,
    r#"communicationItems/value like "jane@example.com""#,
    r#"communicationItems/value like "%5551234%" AND communicationItems/communicationType = 'Phone'"#,
    "inactiveFlag = false and (company/name contains 'Jane' or firstName contains 'Jane' or lastName contains 'Jane')",
    "caption='Barcodes' and value contains '0012345678905'",
    r#"board/name="Dev Tickets" AND lastUpdated > [2018-04-20T00:00:00Z]"#,
    "lastUpdated > [2026-01-01T00:00:00Z] AND (board/id = 1 OR board/id = 7)",
    "lastUpdated >= [2025-10-01T00:00:00Z] and parentTicketId = null",
    "_info/lastUpdated > [2025-01-01T00:00:00Z]",
    r#"status/name not in ("Closed","Resolved","Cancelled") and lastUpdated < [2025-06-01T08:00:00Z]"#,
    r#"board/id=12 and status/name not in ("Closed")"#,
    r#"status/name not in ("Closed","Cancelled")"#,
    r#"status/name not in ("Closed","Resolved") and priority/name="High""#,
    "status/name = 'Open' and board/id = 1",
    "company/identifier = 'ACME'",
    r#"(status/name = "Open") and ((priority/name in ("High", "Critical")) or (summary like "outage*")) and (summary not contains "Low Priority") and (closedFlag = True) and (lastUpdated >= [2026-06-01T00:00:00Z])"#,
    r#"caption="Renewal Date" and value >= [2026-07-01T00:00:00Z]"#,
    r#"caption="Region" AND value="West""#,
    r#"name like "acme%""#,
    "status/id in (1,2,3)",
    "closedFlag=false",
    r#"status/name="New""#,
];

#[test]
fn there_are_at_least_sixty_real_conditions() {
    assert!(REAL_CONDITIONS.len() >= 60, "{}", REAL_CONDITIONS.len());
}

#[test]
fn every_real_condition_parses_and_prints_to_text_that_parses_back() {
    for text in REAL_CONDITIONS {
        let condition = parse(text).unwrap_or_else(|error| panic!("{text:?}: {error}"));
        let printed = condition.to_string();
        let reparsed =
            parse(&printed).unwrap_or_else(|error| panic!("{printed:?} (from {text:?}): {error}"));
        assert_eq!(reparsed, condition, "{text:?} printed as {printed:?}");
        assert_eq!(
            reparsed.to_string(),
            printed,
            "printing is not stable for {text:?}"
        );
    }
}

#[test]
fn canonical_form_of_the_seed_condition() {
    let condition = parse(REAL_CONDITIONS[0]).unwrap();
    assert_eq!(
        condition.to_string(),
        "summary like '%a%' and status/name like '%new%' and board/name = 'Help Desk'"
    );
    let fields: Vec<String> = condition
        .comparisons()
        .map(|c| c.field.to_string())
        .collect();
    assert_eq!(fields, ["summary", "status/name", "board/name"]);
}

#[test]
fn canonical_form_keeps_and_over_or() {
    // `and` binds tighter than `or`: the documented example reads (A and B) or (C and D).
    let condition = parse(REAL_CONDITIONS[10]).unwrap();
    assert_eq!(
        condition.to_string(),
        "board/name = 'Integration' and summary = 'xyz' or board/id in (3, 2, 4) and lastUpdated > [2016-08-20T18:04:26Z]"
    );
}

#[test]
fn spans_point_into_the_original_text() {
    let text = REAL_CONDITIONS[0];
    let condition = parse(text).unwrap();
    let board = condition.comparisons().nth(2).unwrap();
    assert_eq!(&text[board.span.range()], "board/name='Help Desk'");
    assert_eq!(&text[board.field.span().range()], "board/name");
    assert_eq!(&text[board.field.segments()[1].span().range()], "name");
    assert_eq!(&text[board.op_span.range()], "=");
    assert_eq!(&text[board.value_span.range()], "'Help Desk'");

    let text = "status/name Not  In ('Closed', 'Resolved')";
    let comparison = parse(text).unwrap().comparisons().next().cloned().unwrap();
    assert_eq!(&text[comparison.op_span.range()], "Not  In");
    assert_eq!(
        &text[comparison.value_span.range()],
        "('Closed', 'Resolved')"
    );
}

fn sample_ticket() -> serde_json::Value {
    json!({
        "id": 1234,
        "summary": "A printer is on fire",
        "closedFlag": false,
        "parentTicketId": null,
        "budgetHours": 2.5,
        "board": {"id": 1, "name": "Help Desk"},
        "status": {"id": 5, "name": "New"},
        "priority": {"id": 2, "name": "High"},
        "company": {"id": 250, "identifier": "ACME", "name": "Acme Corp"},
        "contact": {"id": 7, "name": "Fred Flintstone"},
        "dateEntered": "2024-01-31T09:30:00Z",
        "_info": {"lastUpdated": "2024-02-01T10:00:00Z", "updatedBy": "ctaylor"}
    })
}

#[test]
fn real_conditions_evaluated_against_a_ticket() {
    let ticket = sample_ticket();
    let cases: &[(&str, bool)] = &[
        (REAL_CONDITIONS[0], true),
        ("companyName = 'Connectwise'", false),
        (REAL_CONDITIONS[9], true),
        (REAL_CONDITIONS[10], false),
        ("id > 1000", true),
        ("id>45000", false),
        ("company/id=250", true),
        ("status/id IN (1,42,43,57)", false),
        ("status/id in (1,5,8)", true),
        ("ClosedFlag = False", true),
        ("closedFlag = true", false),
        ("lastUpdated >= [2025-10-01T00:00:00Z] and parentTicketId = null", false),
        ("_info/lastUpdated >= [2024-02-01T10:00:00Z] and parentTicketId = null", true),
        ("_info/lastUpdated > [2024-02-01T10:00:00Z]", false),
        (r#"status/name not in ("Closed","Resolved") and priority/name="High""#, true),
        (r#"status/name not in ("Closed","Cancelled")"#, true),
        ("Summary LIKE 'A printer%' AND closedFlag = False AND status/Name NOT LIKE '%Completed%'", true),
        (r#"summary not contains "fire""#, false),
        ("company/identifier = 'acme'", true),
        ("company/name like '*Acme*' and closedFlag = false", true),
        ("dateEntered > [2024-01-31T09:00:00+00:00] AND (board/name = 'Team 1' OR board/name = 'help desk')", true),
    ];
    for (text, expected) in cases {
        let condition = parse(text).unwrap_or_else(|error| panic!("{text:?}: {error}"));
        assert_eq!(matches(&condition, &ticket), Ok(*expected), "{text}");
    }
}

#[test]
fn real_mistakes_fail_at_the_right_column() {
    // (input, 1-based column, part of the message)
    let cases: &[(&str, usize, &str)] = &[
        (
            "status/name = ",
            15,
            "expected a value after `=`, found end of input",
        ),
        (
            "summary like '%a%' and status/name like '%new%'and board/name='Help Desk",
            63,
            "unterminated string",
        ),
        ("status/name = New", 15, "text values are quoted: 'New'"),
        // PowerShell interpolations from OpsChasingDev/cwm-container-testing's scratch.ps1 as
        // they come out when the script is not run: not dates.
        (
            "dateEntered > [$(Get-Date)]",
            16,
            "invalid date `$(Get-Date)`: expected a four-digit year",
        ),
        (
            "dateEntered > [11/17/2024 19:16:00]",
            16,
            "expected a four-digit year",
        ),
        (
            "lastUpdated > [2024-13-01T00:00:00Z]",
            21,
            "the month must be 01 to 12",
        ),
        ("lastUpdated > [2023-02-29]", 24, "the day must be 01 to 28"),
        (
            "lastUpdated > [2024-01-31T00:00:00Z",
            15,
            "unterminated date",
        ),
        (
            "id in 1,2,3",
            7,
            "expected a list like `(1, 2)` after `in`, found a number",
        ),
        (
            "board/id = (3, 2, 4)",
            12,
            "a list `(...)` can only follow `in` or `not in`",
        ),
        ("id in ()", 8, "expected a value after `(`, found `)`"),
        ("id in (1,)", 10, "expected a value after `,`, found `)`"),
        ("id in (1 2)", 10, "expected `,` or `)` in the list"),
        (
            "a = 1 b = 2",
            7,
            "expected `and`, `or` or end of input, found `b`",
        ),
        ("(a = 1", 7, "expected `)` to close the `(` at column 1"),
        ("a = 1)", 6, "unmatched `)`"),
        (
            "status/name == 'New'",
            13,
            "`==` is not a ConnectWise operator",
        ),
        (
            "status/name <> 'New'",
            13,
            "`<>` is not a ConnectWise operator",
        ),
        (
            "a = 1 and",
            10,
            "expected a field name after `and`, found end of input",
        ),
        ("and a = 1", 1, "expected a field name, found `and`"),
        (
            "a = 1 or or b = 2",
            10,
            "expected a field name after `or`, found `or`",
        ),
        (
            "summary not 'x'",
            13,
            "expected `like`, `in` or `contains` after `not`",
        ),
        ("summary like", 13, "expected a value after `like`"),
        (
            "summary 'x'",
            9,
            "expected an operator after `summary`, found a string",
        ),
        (
            "closedDate < null",
            14,
            "`null` can only be compared with `=` or `!=`",
        ),
        ("id = 1.", 6, "expected digits after the decimal point"),
        ("id = 1.5.2", 6, "unexpected `.`"),
        ("id = 12abc", 6, "unexpected `a`"),
        ("id = - 1", 6, "negative number"),
        ("", 1, "expected a field name, found end of input"),
        ("   ", 4, "expected a field name, found end of input"),
        (
            "status/ = 1",
            9,
            "expected a field name after `/`, found `=`",
        ),
        ("a = 'x' && b = 1", 9, "use `and`"),
        ("a = 'x' || b = 1", 9, "use `or`"),
        ("a ! 'x'", 3, "did you mean `!=`?"),
        ("summary = 'x' #", 15, "unexpected character `#`"),
        ("not", 4, "expected a field name after `not`"),
    ];
    for (text, column, message) in cases {
        let error = parse(text).expect_err(text);
        assert_eq!(error.line(), 1, "{text:?}: {error}");
        assert_eq!(error.column(), *column, "{text:?}: {error}");
        assert!(error.message().contains(message), "{text:?}: {error}");
        assert_eq!(
            error.to_string(),
            format!("column {column}: {}", error.message())
        );
    }
}

#[test]
fn errors_on_later_lines_say_which_line() {
    let error = parse("status/name = 'New'\n  and board/name =").unwrap_err();
    assert_eq!((error.line(), error.column()), (2, 19));
    assert_eq!(
        error.offset(),
        "status/name = 'New'\n  and board/name =".len()
    );
    assert_eq!(
        error.to_string(),
        "line 2, column 19: expected a value after `=`, found end of input"
    );
    assert_eq!(
        error.expected(),
        ["a string", "a number", "a date", "`true`", "`false`", "`null`"]
    );
}

#[test]
fn columns_count_characters_not_bytes() {
    let error = parse("name = 'Zoë' and ! ").unwrap_err();
    assert_eq!(error.column(), 18);
    assert_eq!(error.offset(), 18);
}
