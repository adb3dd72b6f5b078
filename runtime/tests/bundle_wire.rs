//! The Bundle wire format: what we send, and every tolerance of the response decoder. The
//! seed page's own examples ("Bundled Requests", ConnectWise developer docs) are fixtures.

use connectwise::bundle::SubRequest;
use connectwise::models::{Company, Member, PurchaseOrderLineItem, ServiceNote, Ticket};
use connectwise::{Bundle, BundleResults, Error, ItemErrorKind, RawRequest};
use serde_json::{json, Value};

const SEED_RESPONSE: &str = include_str!("fixtures/seed_response.json");

fn requests(bundle: &Bundle) -> Vec<SubRequest> {
    bundle.requests().to_vec()
}

/// Decodes as `Bundle::send` does: typed, in one pass where the order allows.
fn decode(body: Value, bundle: &Bundle) -> Result<BundleResults, Error> {
    bundle.decode_response(serde_json::to_vec(&body).unwrap(), "test")
}

#[test]
fn request_body_is_camel_case_with_sequence_numbers_from_one_and_no_absent_fields() {
    let mut b = Bundle::new();
    b.push(
        Ticket::list()
            .conditions(
                "summary like '%a%' and status/name like '%new%' and board/name='Help Desk'",
            )
            .page(1)
            .page_size(1000),
    );
    b.push(Company::get(250));
    b.push(PurchaseOrderLineItem::list(1).page(1).page_size(1000));
    b.push(Member::list().version("2019.2").fields("id,identifier"));
    let body: Value = serde_json::from_slice(&b.to_json("2025.8")).unwrap();
    assert_eq!(
        body,
        json!({"requests": [
            {"version": "2025.8", "sequenceNumber": 1, "resourceType": "Ticket", "apiRequest": {
                "filters": {"conditions": "summary like '%a%' and status/name like '%new%' and board/name='Help Desk'"},
                "page": {"page": 1, "pageSize": 1000}}},
            {"version": "2025.8", "sequenceNumber": 2, "resourceType": "Company", "apiRequest": {"id": 250}},
            {"version": "2025.8", "sequenceNumber": 3, "resourceType": "PurchaseOrderLineItem", "apiRequest": {
                "parentId": 1, "page": {"page": 1, "pageSize": 1000}}},
            {"version": "2019.2", "sequenceNumber": 4, "resourceType": "Member", "apiRequest": {"fields": "id,identifier"}},
        ]})
    );
}

#[test]
fn seed_response_decodes_with_its_typo_string_counts_and_404_item() {
    let mut b = Bundle::new();
    let companies = b.push(RawRequest::<Vec<Value>>::list("Company"));
    let note = b.push(ServiceNote::get(1, 123));
    let mut r =
        BundleResults::decode(SEED_RESPONSE.as_bytes().to_vec(), &requests(&b), "seed").unwrap();
    assert_eq!(r.count(&companies), Some(2));
    assert_eq!(r.status_code(&note), Some(404));
    assert_eq!(r.info()["total"], json!("2"));
    let companies = r.take(companies).unwrap();
    assert_eq!(
        companies,
        vec![
            json!({"record": "Company1data"}),
            json!({"record2": "Company2data"})
        ]
    );
    let err = r.take(note).unwrap_err();
    assert_eq!(err.sequence_number, 2);
    assert_eq!(err.status_code(), Some(404));
    assert_eq!(err.code(), Some("NotFound"));
    assert_eq!(err.message(), Some("ServiceNote123notfound"));
}

#[test]
fn seed_entities_decode_into_the_model_ignoring_unknown_fields() {
    let mut b = Bundle::new();
    let companies = b.push(Company::list());
    let mut r = BundleResults::decode(SEED_RESPONSE.as_bytes().to_vec(), &requests(&b), "seed");
    // Only one sub-request was sent, but the seed answers two: an unknown sequence number.
    assert!(matches!(r, Err(Error::Protocol(_))), "{r:?}");
    let _ = b.push(ServiceNote::list(1));
    r = BundleResults::decode(SEED_RESPONSE.as_bytes().to_vec(), &requests(&b), "seed");
    let companies: Vec<Company> = r.unwrap().take(companies).unwrap();
    assert_eq!(companies, vec![Company::default(), Company::default()]);
}

#[test]
fn property_names_in_any_case() {
    let mut b = Bundle::new();
    let t = b.push(Ticket::list());
    let mut r = decode(
        json!({"Results": [{"SequenceNumber": 1, "ResourceType": "Ticket", "Entities": [{"id": 7, "summary": "x"}],
               "Count": 1, "Version": "2025.8", "Success": true, "StatusCode": 200}]}),
        &b,
    )
    .unwrap();
    let tickets = r.take(t).unwrap();
    assert_eq!(tickets.len(), 1);
    assert_eq!(tickets[0].id, Some(7));
}

#[test]
fn data_as_well_as_entities_and_a_single_object_for_a_list() {
    let mut b = Bundle::new();
    let list = b.push(Ticket::list());
    let one_as_list = b.push(Company::list());
    let mut r = decode(
        json!({"results": [
            {"sequenceNumber": 1, "success": true, "statusCode": 200, "data": [{"id": 1}, {"id": 2}]},
            {"sequenceNumber": 2, "success": true, "statusCode": 200, "data": {"id": 9, "name": "Acme"}},
        ]}),
        &b,
    )
    .unwrap();
    assert_eq!(r.take(list).unwrap().len(), 2);
    let companies = r.take(one_as_list).unwrap();
    assert_eq!(companies[0].name.as_deref(), Some("Acme"));
}

#[test]
fn a_one_element_list_for_get_by_id_and_empty_results() {
    let mut b = Bundle::new();
    let one = b.push(Company::get(9));
    let empty_get = b.push(Company::get(10));
    let empty_list = b.push(Ticket::list());
    let mut r = decode(
        json!({"results": [
            {"sequenceNumber": 1, "success": true, "statusCode": 200, "entities": [{"id": 9}]},
            {"sequenceNumber": 2, "success": true, "statusCode": 200, "entities": []},
            {"sequenceNumber": 3, "success": true, "statusCode": 200, "count": 0},
        ]}),
        &b,
    )
    .unwrap();
    assert_eq!(r.take(one).unwrap().id, Some(9));
    assert_eq!(r.take(empty_get).unwrap_err().kind, ItemErrorKind::Empty);
    assert_eq!(r.take(empty_list).unwrap(), vec![]);
}

#[test]
fn counts_and_status_codes_as_strings_and_results_in_any_order() {
    let mut b = Bundle::new();
    let first = b.push(Ticket::list());
    let second = b.push(Ticket::list());
    let mut r = decode(
        json!({"results": [
            {"sequenceNumber": "2", "success": true, "statusCode": "200", "count": "1", "entities": [{"id": 2}]},
            {"sequenceNumber": 1, "success": true, "statusCode": 200, "count": 1, "entities": [{"id": 1}]},
        ], "_info": {"success": "2", "failure": "0", "total": "2"}}),
        &b,
    )
    .unwrap();
    assert_eq!(r.count(&second), Some(1));
    assert_eq!(r.take(second).unwrap()[0].id, Some(2));
    assert_eq!(r.take(first).unwrap()[0].id, Some(1));
}

#[test]
fn a_missing_result_fails_only_its_sub_request() {
    let mut b = Bundle::new();
    let present = b.push(Ticket::list());
    let missing = b.push(Ticket::list());
    let mut r = decode(
        json!({"results": [{"sequenceNumber": 1, "success": true, "entities": []}]}),
        &b,
    )
    .unwrap();
    assert!(r.take(present).is_ok());
    let err = r.take(missing).unwrap_err();
    assert_eq!((err.sequence_number, err.kind), (2, ItemErrorKind::Missing));
}

#[test]
fn duplicate_and_unknown_sequence_numbers_are_protocol_errors() {
    let mut b = Bundle::new();
    b.push(Ticket::list());
    b.push(Ticket::list());
    let dup = decode(
        json!({"results": [{"sequenceNumber": 1}, {"sequenceNumber": 1}]}),
        &b,
    );
    assert!(matches!(dup, Err(Error::Protocol(m)) if m.contains("twice")));
    let unknown = decode(json!({"results": [{"sequenceNumber": 3}]}), &b);
    assert!(matches!(unknown, Err(Error::Protocol(m)) if m.contains("3")));
    let none = decode(json!({"results": [{"success": true}]}), &b);
    assert!(matches!(none, Err(Error::Protocol(_))));
}

#[test]
fn a_malformed_entity_fails_its_own_sub_request_only_with_its_path() {
    let mut b = Bundle::new();
    let bad = b.push(Ticket::list());
    let good = b.push(Company::list());
    let mut r = decode(
        json!({"results": [
            {"sequenceNumber": 1, "success": true, "entities": [{"id": 1}, {"id": "not a number"}]},
            {"sequenceNumber": 2, "success": true, "entities": [{"id": 5, "name": "Acme"}]},
        ]}),
        &b,
    )
    .unwrap();
    let err = r.take(bad).unwrap_err();
    match &err.kind {
        ItemErrorKind::Decode { path, .. } => assert_eq!(path, "[1].id"),
        other => panic!("{other:?}"),
    }
    assert_eq!(r.take(good).unwrap()[0].name.as_deref(), Some("Acme"));
}

#[test]
fn an_undecodable_envelope_names_the_json_path() {
    let mut b = Bundle::new();
    b.push(Ticket::list());
    let err = decode(json!({"results": [{"sequenceNumber": -4}]}), &b).unwrap_err();
    match err {
        Error::Decode { path, .. } => assert_eq!(path, "results[0].sequenceNumber"),
        other => panic!("{other:?}"),
    }
    let err = BundleResults::decode(b"{\"results\": [".to_vec(), &requests(&b), "u").unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    let err = decode(json!({"nothing": 1}), &b).unwrap_err();
    assert!(err.to_string().contains("results"), "{err}");
}

#[test]
fn failure_without_success_flag_is_inferred_from_status_or_error() {
    let mut b = Bundle::new();
    let a = b.push(Ticket::list());
    let c = b.push(Ticket::list());
    let mut r = decode(
        json!({"results": [
            {"sequenceNumber": 1, "statusCode": 403, "error": {"code": "Forbidden", "message": "no",
              "errors": [{"code": "x", "message": "denied", "resource": "ticket", "field": "board"}]}},
            {"sequenceNumber": 2, "statusCode": 200, "entities": [{"id": 3}]},
        ]}),
        &b,
    )
    .unwrap();
    let err = r.take(a).unwrap_err();
    assert_eq!(err.status_code(), Some(403));
    assert_eq!(err.validation_errors()[0].field.as_deref(), Some("board"));
    assert!(err.to_string().contains("board: denied"), "{err}");
    assert_eq!(r.take(c).unwrap()[0].id, Some(3));
}

#[test]
fn open_enums_keep_unknown_values_and_unknown_fields_are_ignored() {
    let mut b = Bundle::new();
    let t = b.push(Ticket::list());
    let mut r = decode(
        json!({"results": [{"sequenceNumber": 1, "success": true, "entities": [
            {"id": 1, "severity": "Catastrophic", "brandNewField": {"x": 1}, "_info": {"lastUpdated": "2024-01-31T00:00:00Z", "n": 3}},
            {"id": 2, "severity": "High", "summary": null}
        ]}]}),
        &b,
    )
    .unwrap();
    let tickets = r.take(t).unwrap();
    use connectwise::models::TicketSeverity;
    assert_eq!(
        tickets[0].severity,
        Some(TicketSeverity::Unknown("Catastrophic".into()))
    );
    assert_eq!(tickets[1].severity, Some(TicketSeverity::High));
    let info = tickets[0].info.as_ref().unwrap();
    assert_eq!(info.additional["n"], json!(3));
    assert_eq!(
        info.last_updated.unwrap().to_rfc3339(),
        "2024-01-31T00:00:00+00:00"
    );
}

#[test]
fn entities_before_the_sequence_number_decode_as_well() {
    let body = br#"{"results":[
        {"entities":[{"id":7,"summary":"late number"}],"sequenceNumber":1,"success":true},
        {"Data":{"id":5,"name":"Acme"},"SequenceNumber":"2","StatusCode":"200"}
    ]}"#;
    for typed in [true, false] {
        let mut b = Bundle::new();
        let tickets = b.push(Ticket::list());
        let company = b.push(Company::get(5));
        let mut r = if typed {
            b.decode_response(body.to_vec(), "t").unwrap()
        } else {
            BundleResults::decode(body.to_vec(), &requests(&b), "t").unwrap()
        };
        let t: Vec<Ticket> = r.take(tickets).unwrap();
        assert_eq!(t[0].summary.as_deref(), Some("late number"));
        assert_eq!(r.take(company).unwrap().name.as_deref(), Some("Acme"));
    }
}

#[test]
fn a_syntax_error_inside_one_results_entities_fails_that_sub_request_only() {
    let mut b = Bundle::new();
    let bad = b.push(Ticket::list());
    let good = b.push(Company::list());
    // `01` is not JSON; the envelope around it is fine.
    let body = br#"{"results":[
        {"sequenceNumber":1,"entities":[{"id":01}]},
        {"sequenceNumber":2,"entities":[{"id":2,"name":"Beta"}]}
    ]}"#;
    let mut r = b.decode_response(body.to_vec(), "t").unwrap();
    let err = r.take(bad).unwrap_err();
    assert!(matches!(err.kind, ItemErrorKind::Decode { .. }), "{err:?}");
    assert_eq!(r.take(good).unwrap()[0].name.as_deref(), Some("Beta"));
}

#[test]
fn a_truncated_body_is_an_envelope_error_with_its_path() {
    let mut b = Bundle::new();
    b.push(Ticket::list());
    let body = br#"{"results":[{"sequenceNumber":1,"entities":[{"id":1,"summary":"cut he"#;
    match b.decode_response(body.to_vec(), "t").unwrap_err() {
        Error::Decode { path, message, .. } => {
            assert_eq!(path, "results[0].entities");
            assert!(message.contains("end of the body"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}
