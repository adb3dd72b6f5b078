use connectwise::conditions;
use connectwise::models::Ticket;

fn main() {
    let _ = Ticket::list().conditions(conditions!(Ticket, "status/nmae = 'New'"));
    let _ = conditions!(ServiceStatusReference, "sort like 'x'");
    let _ = conditions!(ticket, "caption =", custom_field);
}
