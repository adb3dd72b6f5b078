//! The value of a typed patch must fit the field's kind: text for an integer field, an
//! integer for a boolean, text for a date-time, a number for an enum.
use connectwise::models::Ticket;

fn main() {
    let t = Ticket::fields;
    let _ = Ticket::patch(1).replace(t().status().id(), "3");
    let _ = Ticket::patch(1).replace(t().closed_flag(), 1);
    let _ = Ticket::patch(1).add(t().required_date(), "2024-01-31");
    let _ = Ticket::patch(1).replace(t().severity(), 2);
}
