//! The quickstart: starts the fake ConnectWise server (`connectwise-mock`) in-process with
//! generated sample data, sends the "Bundled Requests" page's bundle through `bundle!` in
//! one HTTP call, and prints what came back, decoded into the models.
//!
//! ```sh
//! cargo run --example quickstart
//! ```
//!
//! Against a real ConnectWise Manage, only the client changes:
//! `Client::builder("https://na.myconnectwise.net/v4_6_release/apis/3.0")
//!     .credentials(Credentials::new(company, public_key, private_key)).client_id(id).build()?`.

use connectwise::models::{Company, Member, PurchaseOrderLineItem, ServiceNote, Ticket};
use connectwise::{bundle, ItemError};
use connectwise_mock::MockServer;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = MockServer::builder().seed(7).rows(500).start().await?;
    let client = server.client().build()?;
    println!("fake ConnectWise Manage at {}\n", server.url());

    // The seed's bundle: tickets by conditions with a page, a company by id, members, the
    // line items of a purchase order, and a service note that does not exist (a 404 inside
    // a successful bundle).
    let (tickets, company, members, lines, note) = bundle!(
        ticket(
            conditions =
                "summary like '%a%' and status/name like '%new%' and board/name = 'Help Desk'",
            page = 1,
            page_size = 1000,
        ),
        company(id = 1),
        member(
            conditions = "inactiveFlag = false",
            order_by = "identifier asc",
            page_size = 5
        ),
        purchase_order_line_item(parent_id = 1, page_size = 1000),
        service_note(parent_id = 1, id = 999_999),
    )
    .send(&client)
    .await?;

    println!("{:<4} {:<26} {:<8} result", "seq", "resource", "status");
    row(1, "ticket", &tickets, |t: &Vec<Ticket>| {
        format!("{} tickets", t.len())
    });
    row(2, "company", &company, |c: &Company| {
        format!("{} ({})", text(&c.name), text(&c.identifier))
    });
    row(3, "member", &members, |m: &Vec<Member>| {
        let ids: Vec<String> = m.iter().map(|m| text(&m.identifier)).collect();
        format!("{} members: {}", m.len(), ids.join(", "))
    });
    row(
        4,
        "purchase_order_line_item",
        &lines,
        |l: &Vec<PurchaseOrderLineItem>| {
            let total: f64 = l
                .iter()
                .map(|l| l.quantity.unwrap_or(0.0) * l.unit_cost.unwrap_or(0.0))
                .sum();
            format!("{} line items, {total:.2} in all", l.len())
        },
    );
    row(5, "service_note", &note, |n: &ServiceNote| text(&n.text));

    if let Ok(tickets) = &tickets {
        println!("\nfirst tickets:");
        println!("{:>6}  {:<12} {:<12} summary", "id", "status", "board");
        for t in tickets.iter().take(5) {
            println!(
                "{:>6}  {:<12} {:<12} {}",
                t.id.unwrap_or_default(),
                t.status.as_ref().map(|s| text(&s.name)).unwrap_or_default(),
                t.board.as_ref().map(|b| text(&b.name)).unwrap_or_default(),
                text(&t.summary),
            );
        }
    }
    Ok(())
}

/// One line of the table: the sub-request's status, and what it decoded into.
fn row<T>(seq: u32, resource: &str, result: &Result<T, ItemError>, show: impl Fn(&T) -> String) {
    let (status, what) = match result {
        Ok(value) => ("ok".to_owned(), show(value)),
        Err(e) => (
            e.status_code().map_or("error".into(), |c| c.to_string()),
            e.to_string(),
        ),
    };
    println!("{seq:<4} {resource:<26} {status:<8} {what}");
}

fn text(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}
