async fn f(client: &connectwise::Client) -> Result<(), connectwise::Error> {
    let (tickets, company) = connectwise::bundle!(
        ticket(page_size = 10, order = "id"),
        compnay(id = 250),
    )
    .send(client)
    .await?;
    let _ = (tickets, company);
    Ok(())
}

fn main() {
    let _ = f;
}
