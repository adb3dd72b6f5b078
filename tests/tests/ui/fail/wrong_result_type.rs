use connectwise::models::Company;
use connectwise::ItemError;

async fn f(client: &connectwise::Client) -> Result<(), connectwise::Error> {
    let (tickets,) = connectwise::bundle!(ticket(page_size = 10)).send(client).await?;
    let _wrong: Result<Vec<Company>, ItemError> = tickets;
    Ok(())
}

fn main() {
    let _ = f;
}
