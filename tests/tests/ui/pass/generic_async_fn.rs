//! `bundle!` inside a generic async fn whose future must be `Send` (as in a spawned task), and
//! user locals named like the expansion's own (hygiene).
use connectwise::models::{Company, Ticket};
use connectwise::{Client, Error};

async fn overview<C, S>(client: C, board: S, company: i32) -> Result<(usize, Option<String>), Error>
where
    C: AsRef<Client> + Send + Sync,
    S: std::fmt::Display + Send + Sync,
{
    let bundle = 1;
    let results = 2;
    let h0 = company;
    let (tickets, company) = connectwise::bundle!(
        ticket(conditions = format!("board/name = '{board}'"), page = bundle, page_size = results),
        company(id = h0),
    )
    .send(client.as_ref())
    .await?;
    let tickets: Vec<Ticket> = tickets.unwrap_or_default();
    let company: Option<Company> = company.ok();
    Ok((tickets.len(), company.and_then(|c| c.identifier)))
}

fn assert_send<T: Send>(_: &T) {}

fn main() {
    let client = Client::builder("http://127.0.0.1:9")
        .credentials(connectwise::Credentials::new("c", "p", "k"))
        .client_id("id")
        .build()
        .expect("client");
    let client = std::sync::Arc::new(client);
    let fut = overview(client, "Help Desk", 250);
    assert_send(&fut);
}
