//! A typed patch takes its paths from the model's field accessors: a misspelt field does not
//! compile.
use connectwise::models::Ticket;

fn main() {
    let _ = Ticket::patch(1).replace(Ticket::fields().sumary(), "Printer on fire");
}
