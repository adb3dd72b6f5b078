//! Conditions built in code through the generated field accessors: the types say which
//! fields exist and which operators fit, values are escaped, and the text is ConnectWise's.

use connectwise::models::{Company, PurchaseOrderLineItem, Ticket};

#[test]
fn typed_conditions_print_the_exact_connectwise_syntax() {
    let name = "O'Brien's desk";
    let c = Ticket::fields().status().name().eq(name) & Ticket::fields().board().id().eq(5);
    assert_eq!(
        c.to_string(),
        r#"status/name = "O'Brien's desk" and board/id = 5"#
    );
    let c = Ticket::fields().summary().like("%printer%") | !Ticket::fields().closed_flag().eq(true);
    let text = c.to_string();
    assert_eq!(text, "summary like '%printer%' or not closedFlag = true");
    // What the builder prints, the condition language parses back to the same text.
    let parsed = connectwise_conditions::parse(&text).unwrap();
    assert_eq!(parsed.to_string(), text);
}

#[test]
fn typed_conditions_go_straight_into_requests() {
    let request = Company::list()
        .conditions(Company::fields().name().contains("Contoso") & Company::fields().id().gt(10));
    assert_eq!(
        request.query().conditions.as_deref(),
        Some("name contains 'Contoso' and id > 10")
    );
    let lines = PurchaseOrderLineItem::list(7)
        .conditions(PurchaseOrderLineItem::fields().quantity().ge(2.5));
    assert_eq!(lines.query().conditions.as_deref(), Some("quantity >= 2.5"));
}
