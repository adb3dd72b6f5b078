//! The API's bundles only read: a write does not go into a `Bundle`.
use connectwise::models::Ticket;

fn main() {
    let ticket = Ticket::default();
    let mut bundle = connectwise::Bundle::new();
    bundle.push(Ticket::create(&ticket));
}
