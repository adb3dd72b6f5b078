//! Spec drift (issue 14): the models take scalars of another JSON type when nothing is lost,
//! and an entity that still cannot be decoded fails only itself with `take_each`, while the
//! strict `take` fails its whole list as before.

use connectwise::models::{Company, Ticket, TicketSeverity};
use connectwise::{Bundle, BundleResults, Handle, ItemErrorKind};

/// One page of tickets as a drifting API sends it: the first entity has a scalar of another
/// JSON type in every kind of field, the second cannot be decoded (`"yes"` is not a boolean),
/// the third is as the spec says. The entities come before the sequence number in the first
/// result, so they are decoded on `take`, and after it in the second, so in the one pass.
const DRIFT_PAGE: &str = r#"{"results":[
  {"entities":[
     {"id":"5","summary":42,"closedFlag":"FALSE","severity":3,"approved":"true",
      "company":{"id":"250","identifier":7},"budgetHours":"1.5"},
     {"id":6,"summary":"hopeless","closedFlag":"yes"},
     {"id":7,"summary":"fine","severity":"High","closedFlag":true}
   ],"sequenceNumber":1,"success":true,"statusCode":200},
  {"sequenceNumber":2,"success":true,"statusCode":200,"entities":[
     {"id":8,"summary":3.25,"severity":"Low"},
     {"id":9,"summary":"hopeless","severity":{"name":"High"}}
   ]},
  {"sequenceNumber":3,"success":true,"entities":[{"id":"1","name":"Acme"}]}
]}"#;

/// The decoded `DRIFT_PAGE`, the two ticket lists' handles and the companies' handle.
type Decoded = (
    BundleResults,
    [Handle<Vec<Ticket>>; 2],
    Handle<Vec<Company>>,
);

fn decode() -> Decoded {
    let mut b = Bundle::new();
    let first = b.push(Ticket::list());
    let second = b.push(Ticket::list());
    let companies = b.push(Company::list());
    let results = b
        .decode_response(DRIFT_PAGE.as_bytes().to_vec(), "test")
        .expect("the envelope decodes");
    (results, [first, second], companies)
}

/// The drifted ticket of `DRIFT_PAGE`, decoded.
fn assert_drifted_ticket(t: &Ticket) {
    assert_eq!(t.id, Some(5));
    assert_eq!(t.summary.as_deref(), Some("42"));
    assert_eq!(t.closed_flag, Some(false));
    assert_eq!(t.severity, Some(TicketSeverity::Unknown("3".into())));
    assert_eq!(t.approved, Some(true));
    assert_eq!(t.budget_hours, Some(1.5));
    let company = t.company.as_ref().expect("company");
    assert_eq!(company.id, Some(250));
    assert_eq!(company.identifier.as_deref(), Some("7"));
}

#[test]
fn a_model_reads_drifted_scalars_on_its_own() {
    let t: Ticket = serde_json::from_str(
        r#"{"id":"5","summary":42,"closedFlag":"FALSE","severity":3,"approved":"true",
            "company":{"id":"250","identifier":7},"budgetHours":"1.5"}"#,
    )
    .unwrap();
    assert_drifted_ticket(&t);
    // What is written back is the spec's types.
    let back = serde_json::to_value(&t).unwrap();
    assert_eq!(back["id"], serde_json::json!(5));
    assert_eq!(back["summary"], serde_json::json!("42"));
    assert_eq!(back["closedFlag"], serde_json::json!(false));
    assert_eq!(back["severity"], serde_json::json!("3"));
}

#[test]
fn values_that_would_lose_information_are_still_errors() {
    for (json, path) in [
        (r#"{"id":"5.5"}"#, "id"),
        (r#"{"id":3000000000}"#, "id"),
        (r#"{"closedFlag":"yes"}"#, "closedFlag"),
        (r#"{"closedFlag":1}"#, "closedFlag"),
        (r#"{"summary":true}"#, "summary"),
        (r#"{"severity":{"name":"High"}}"#, "severity"),
        (r#"{"budgetHours":"NaN"}"#, "budgetHours"),
        (r#"{"company":{"id":"x"}}"#, "company.id"),
    ] {
        let mut de = serde_json::Deserializer::from_str(json);
        let err = serde_path_to_error::deserialize::<_, Ticket>(&mut de).expect_err(json);
        assert_eq!(err.path().to_string(), path, "{json}");
    }
}

#[test]
fn take_each_loses_only_the_entity_that_cannot_be_decoded() {
    let (mut r, [first, second], companies) = decode();
    let tickets = r.take_each(first).unwrap();
    assert_eq!(tickets.len(), 3);
    assert_drifted_ticket(tickets[0].as_ref().unwrap());
    let err = tickets[1].as_ref().unwrap_err();
    assert_eq!(
        (err.sequence_number, err.resource_type.as_str(), err.index),
        (1, "Ticket", 1)
    );
    assert_eq!(err.path, "closedFlag");
    assert!(err.message.contains("\"yes\""), "{}", err.message);
    assert!(err.to_string().contains("entity [1]"), "{err}");
    let third = tickets[2].as_ref().unwrap();
    assert_eq!(third.id, Some(7));
    assert_eq!(third.severity, Some(TicketSeverity::High));

    // The second result: the one pass could not decode it as a whole, so it is split on take.
    let tickets = r.take_each(second).unwrap();
    assert_eq!(tickets.len(), 2);
    assert_eq!(
        tickets[0].as_ref().unwrap().summary.as_deref(),
        Some("3.25")
    );
    let err = tickets[1].as_ref().unwrap_err();
    assert_eq!((err.index, err.path.as_str()), (1, "severity"));

    // A result where every entity decodes gives `take`'s value.
    let companies = r.take_each(companies).unwrap();
    assert_eq!(companies.len(), 1);
    assert_eq!(companies[0].as_ref().unwrap().id, Some(1));
}

#[test]
fn strict_take_still_fails_the_whole_list() {
    let (mut r, [first, second], companies) = decode();
    let err = r.take(first).unwrap_err();
    match &err.kind {
        ItemErrorKind::Decode { path, .. } => assert_eq!(path, "[1].closedFlag"),
        other => panic!("{other:?}"),
    }
    let err = r.take(second).unwrap_err();
    match &err.kind {
        ItemErrorKind::Decode { path, .. } => assert_eq!(path, "[1].severity"),
        other => panic!("{other:?}"),
    }
    // The drifted but lossless company decodes with `take` too.
    assert_eq!(r.take(companies).unwrap()[0].id, Some(1));
}

#[test]
fn take_each_reports_the_sub_requests_own_failures_as_take_does() {
    let mut b = Bundle::new();
    let failed = b.push(Ticket::list());
    let missing = b.push(Ticket::list());
    let one = b.push(Ticket::list());
    let none = b.push(Ticket::list());
    let broken = b.push(Ticket::list());
    let body = br#"{"results":[
        {"sequenceNumber":1,"success":false,"statusCode":403,"error":{"code":"Forbidden"}},
        {"sequenceNumber":3,"success":true,"entities":{"id":"4","closedFlag":"maybe"}},
        {"sequenceNumber":4,"success":true,"entities":null},
        {"sequenceNumber":5,"success":true,"entities":"tickets"}
    ]}"#;
    let mut r = b.decode_response(body.to_vec(), "test").unwrap();
    let err = r.take_each(failed).unwrap_err();
    assert_eq!(err.status_code(), Some(403));
    let err = r.take_each(missing).unwrap_err();
    assert_eq!(err.kind, ItemErrorKind::Missing);
    // One object where a list was expected: a list of one.
    let one = r.take_each(one).unwrap();
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].as_ref().unwrap_err().path, "closedFlag");
    assert!(r.take_each(none).unwrap().is_empty());
    let err = r.take_each(broken).unwrap_err();
    assert!(matches!(err.kind, ItemErrorKind::Decode { .. }), "{err:?}");
}
