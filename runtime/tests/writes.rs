//! The typed patch builder and custom fields on the generated models (sample spec): the JSON
//! Patch body each call makes, values of every kind, custom fields merged into one operation,
//! and what is refused before anything is sent.

use chrono::TimeZone;
use connectwise::models::{
    Company, CompanyTypeReference, CustomFieldValue, ServiceStatusReference, Ticket, TicketSeverity,
};
use connectwise::{Error, HasCustomFields, Request};
use serde_json::{json, Value};

/// The body a request would send, as JSON.
fn body(request: &impl Request) -> Value {
    let body = request
        .body()
        .expect("the body encodes")
        .expect("a patch has a body");
    assert_eq!(body.content_type, "application/json");
    serde_json::from_slice(&body.bytes).expect("the body is JSON")
}

#[test]
fn typed_operations_take_their_paths_from_the_accessors() {
    let t = Ticket::fields;
    let patch = Ticket::patch(5)
        .replace(t().summary(), "Printer on fire")
        .replace(t().status().id(), 3)
        .add(t().closed_flag(), true)
        .remove(t().budget_hours());
    assert_eq!(Request::path(&patch), "/service/tickets/5");
    assert_eq!(patch.method(), connectwise::Method::Patch);
    assert!(!patch.idempotent());
    assert_eq!(
        body(&patch),
        json!([
            {"op": "replace", "path": "summary", "value": "Printer on fire"},
            {"op": "replace", "path": "status/id", "value": 3},
            {"op": "add", "path": "closedFlag", "value": true},
            {"op": "remove", "path": "budgetHours"},
        ])
    );
}

#[test]
fn values_of_every_kind() {
    let t = Ticket::fields;
    let when = chrono::FixedOffset::east_opt(3600)
        .and_then(|tz| tz.with_ymd_and_hms(2024, 1, 31, 10, 0, 0).single())
        .expect("a valid date");
    let day = chrono::NaiveDate::from_ymd_opt(2024, 2, 29).expect("a valid day");
    let summary = String::from("owned");
    let critical = TicketSeverity::Unknown("Critical".into());
    let patch = Ticket::patch(1)
        .replace(t().summary(), summary.clone())
        .replace(t().summary(), &summary)
        .replace(t().po_number(), 'x')
        .replace(t().resolve_minutes(), 30u8)
        .replace(t().budget_hours(), 1.5)
        .replace(t().budget_hours(), 2)
        .replace(t().required_date(), when)
        .replace(t().closed_date(), day)
        .replace(t().severity(), TicketSeverity::High)
        .replace(t().severity(), &critical)
        .replace(
            t().status(),
            ServiceStatusReference {
                id: Some(3),
                ..Default::default()
            },
        )
        .replace(t().integrator_tags(), vec!["a", "b"])
        .replace(t().integrator_tags(), ["c"]);
    let values: Vec<(String, Value)> = patch
        .operations()
        .iter()
        .map(|o| (o.path.clone(), o.value.clone().unwrap_or(Value::Null)))
        .collect();
    let expected: Vec<(String, Value)> = [
        ("summary", json!("owned")),
        ("summary", json!("owned")),
        ("poNumber", json!("x")),
        ("resolveMinutes", json!(30)),
        ("budgetHours", json!(1.5)),
        ("budgetHours", json!(2)),
        ("requiredDate", json!("2024-01-31T09:00:00Z")),
        ("closedDate", json!("2024-02-29T00:00:00Z")),
        ("severity", json!("High")),
        ("severity", json!("Critical")),
        // A nested model: only the fields that were set.
        ("status", json!({"id": 3})),
        ("integratorTags", json!(["a", "b"])),
        ("integratorTags", json!(["c"])),
    ]
    .into_iter()
    .map(|(p, v)| (p.to_owned(), v))
    .collect();
    assert_eq!(values, expected);
}

#[test]
fn a_list_of_models_is_replaced_whole() {
    let patch = Company::patch(2).replace(
        Company::fields().types(),
        vec![CompanyTypeReference {
            id: Some(1),
            ..Default::default()
        }],
    );
    assert_eq!(
        body(&patch),
        json!([{"op": "replace", "path": "types", "value": [{"id": 1}]}])
    );
}

#[test]
fn custom_fields_make_one_replace_of_the_list() {
    let patch = Ticket::patch(9)
        .replace(Ticket::fields().summary(), "x")
        .custom_field(7, "EMEA")
        .replace(Ticket::fields().closed_flag(), false)
        .custom_field(8, 42)
        .custom_field(7, "APAC");
    assert_eq!(
        body(&patch),
        json!([
            {"op": "replace", "path": "summary", "value": "x"},
            {"op": "replace", "path": "customFields",
             "value": [{"id": 7, "value": "APAC"}, {"id": 8, "value": 42}]},
            {"op": "replace", "path": "closedFlag", "value": false},
        ])
    );
}

#[test]
fn a_value_json_cannot_hold_is_refused_before_sending() {
    let patch = Ticket::patch(1)
        .replace(Ticket::fields().summary(), "fine")
        .replace(Ticket::fields().budget_hours(), f64::NAN);
    match patch.body() {
        Err(Error::Encode(message)) => assert!(message.contains("budgetHours"), "{message}"),
        other => panic!("expected an encode error, got {other:?}"),
    }
    // The record itself is no field.
    let whole = Ticket::patch(1).replace(Ticket::fields(), Ticket::default());
    assert!(matches!(whole.body(), Err(Error::Encode(_))));
}

#[test]
fn the_untyped_escape_hatch_stays() {
    let patch = Ticket::patch(1)
        .replace_path("/status/id", 3)
        .add_path("summary", "x")
        .remove_path("budgetHours")
        .replace(Ticket::fields().status().name(), "New");
    assert_eq!(
        body(&patch),
        json!([
            {"op": "replace", "path": "/status/id", "value": 3},
            {"op": "add", "path": "summary", "value": "x"},
            {"op": "remove", "path": "budgetHours"},
            {"op": "replace", "path": "status/name", "value": "New"},
        ])
    );
}

#[test]
fn typed_conditions_still_read_list_fields_through_their_elements() {
    let c = Ticket::fields().integrator_tags().eq("vip")
        & Ticket::fields().custom_fields().caption().eq("Region");
    assert_eq!(
        c.to_string(),
        "integratorTags = 'vip' and customFields/caption = 'Region'"
    );
}

#[test]
fn custom_field_values_by_id_and_caption() {
    let ticket: Ticket = serde_json::from_value(json!({
        "id": 1,
        "customFields": [
            {"id": 7, "caption": "Region", "type": "Text", "value": "EMEA"},
            {"id": 8, "caption": "Seats", "type": "Number", "value": 12},
            {"id": 9, "caption": "Empty", "type": "Text", "value": null},
        ]
    }))
    .expect("a ticket");
    assert_eq!(ticket.custom_field(7), Some(&json!("EMEA")));
    assert_eq!(ticket.custom_field(8).and_then(Value::as_i64), Some(12));
    assert_eq!(ticket.custom_field(9), None);
    assert_eq!(ticket.custom_field(10), None);
    assert_eq!(
        ticket.custom_field_by_caption("Region"),
        Some(&json!("EMEA"))
    );
    assert_eq!(ticket.custom_field_by_caption("seats"), Some(&json!(12)));
    assert_eq!(ticket.custom_field_by_caption("Nope"), None);
    let entry: &CustomFieldValue = ticket.custom_field_entry(8).expect("entry 8");
    assert_eq!(entry.caption.as_deref(), Some("Seats"));
    // A record without the list has no values.
    assert_eq!(Ticket::default().custom_field(7), None);
    assert!(Company::default().custom_field_entries().is_empty());
}

#[test]
fn a_create_never_sends_id_info_or_nulls() {
    let read_back: Ticket = serde_json::from_value(json!({
        "id": 41,
        "summary": "Copy me",
        "status": {"id": 3, "name": "New"},
        "budgetHours": null,
        "_info": {"lastUpdated": "2024-01-31T00:00:00Z", "updatedBy": "admin"}
    }))
    .expect("a ticket");
    assert!(read_back.id.is_some() && read_back.info.is_some());
    let create = Ticket::create(&read_back);
    assert_eq!(
        body(&create),
        json!({"summary": "Copy me", "status": {"id": 3, "name": "New"}})
    );
    // A child's create too; a replace sends what it was given.
    let note = connectwise::models::ServiceNote {
        id: Some(9),
        text: Some("hello".into()),
        ..Default::default()
    };
    assert_eq!(
        body(&connectwise::models::ServiceNote::create(41, &note)),
        json!({"text": "hello"})
    );
    assert_eq!(
        body(&Ticket::put(41, &read_back))["id"],
        json!(41),
        "a PUT keeps the id"
    );
}
