//! A typed patch of a ticket takes only the ticket's own paths, outside lists: not a field of
//! another model, not one field of a list's element, and `custom_field` only on models with
//! custom fields.
use connectwise::models::{Company, ServiceNote, Ticket};

fn main() {
    let _ = Ticket::patch(1).replace(Company::fields().name(), "Contoso");
    let _ = Ticket::patch(1).replace(Ticket::fields().custom_fields().caption(), "Region");
    let _ = ServiceNote::patch(1, 2).custom_field(7, "EMEA");
}
