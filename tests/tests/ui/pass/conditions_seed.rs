//! The seed's ticket conditions, and conditions of every kind the checker accepts, compile in
//! `bundle!` and in `conditions!` (with the builder and the individual endpoints).
use connectwise::conditions;
use connectwise::models::{Company, Ticket};

fn main() {
    let typed = connectwise::bundle!(
        // The seed's ticket conditions, verbatim (`'%new%'and` included).
        ticket(
            conditions = "summary like '%a%' and status/name like '%new%'and board/name='Help Desk'",
            page = 1,
            page_size = 1000,
        ),
        // The seed's empty child / custom field conditions.
        company(conditions = "identifier = 'Connectwise'", child_conditions = "", custom_field_conditions = ""),
        ticket(conditions = "closedFlag = false and _info/lastUpdated > [2024-01-31T00:00:00Z]"),
        ticket(conditions = "board/id in (1, 2, 3) and status/name not like '%Closed%' and company/identifier = 'ABC'"),
        ticket(conditions = "severity = 'High' or (impact in ('Low', 'Medium') and budgetHours >= 1.5)"),
        ticket(conditions = "dateEntered < [2025-01-01T00:00:00Z] and contact = null and summary contains 'VPN'"),
        company(child_conditions = "types/name = 'Client'"),
        ticket(custom_field_conditions = "caption = 'Region' and value = 'EU'"),
        purchase_order_line_item(parent_id = 1, conditions = "quantity > 1 and description like 'Cable%'"),
    );
    assert_eq!(typed.bundle().len(), 9);

    let open = Ticket::list().conditions(conditions!(ticket, "closedFlag = false and board/name = 'Help Desk'"));
    assert_eq!(
        open.query().conditions.as_deref(),
        Some("closedFlag = false and board/name = 'Help Desk'")
    );
    let by_model: &'static str = conditions!(Company, "name like 'Connect%'");
    let _ = Company::list().conditions(by_model).child_conditions(conditions!(Company, "types/id = 1", child));
    let _ = conditions!(ticket, "caption = 'X' and value = 1", custom_field);
}
