//! 32 sub-requests in one bundle, sequence numbers 1..=32, one result each.
use connectwise::models::Ticket;
use connectwise::ItemError;

async fn send(client: &connectwise::Client) -> Result<(), connectwise::Error> {
    let all = connectwise::bundle!(
        ticket(page = 1, page_size = 10),
        ticket(page = 2, page_size = 10),
        ticket(page = 3, page_size = 10),
        ticket(page = 4, page_size = 10),
        ticket(page = 5, page_size = 10),
        ticket(page = 6, page_size = 10),
        ticket(page = 7, page_size = 10),
        ticket(page = 8, page_size = 10),
        ticket(page = 9, page_size = 10),
        ticket(page = 10, page_size = 10),
        ticket(page = 11, page_size = 10),
        ticket(page = 12, page_size = 10),
        ticket(page = 13, page_size = 10),
        ticket(page = 14, page_size = 10),
        ticket(page = 15, page_size = 10),
        ticket(page = 16, page_size = 10),
        ticket(page = 17, page_size = 10),
        ticket(page = 18, page_size = 10),
        ticket(page = 19, page_size = 10),
        ticket(page = 20, page_size = 10),
        ticket(page = 21, page_size = 10),
        ticket(page = 22, page_size = 10),
        ticket(page = 23, page_size = 10),
        ticket(page = 24, page_size = 10),
        ticket(page = 25, page_size = 10),
        ticket(page = 26, page_size = 10),
        ticket(page = 27, page_size = 10),
        ticket(page = 28, page_size = 10),
        ticket(page = 29, page_size = 10),
        ticket(page = 30, page_size = 10),
        ticket(page = 31, page_size = 10),
        ticket(page = 32, page_size = 10),
    )
    .send(client)
    .await?;
    let last: Result<Vec<Ticket>, ItemError> = all.31;
    let _ = (all.0, last);
    Ok(())
}

fn main() {
    let typed = connectwise::bundle!(
        ticket(page = 1, page_size = 10),
        ticket(page = 2, page_size = 10),
        ticket(page = 3, page_size = 10),
        ticket(page = 4, page_size = 10),
        ticket(page = 5, page_size = 10),
        ticket(page = 6, page_size = 10),
        ticket(page = 7, page_size = 10),
        ticket(page = 8, page_size = 10),
        ticket(page = 9, page_size = 10),
        ticket(page = 10, page_size = 10),
        ticket(page = 11, page_size = 10),
        ticket(page = 12, page_size = 10),
        ticket(page = 13, page_size = 10),
        ticket(page = 14, page_size = 10),
        ticket(page = 15, page_size = 10),
        ticket(page = 16, page_size = 10),
        ticket(page = 17, page_size = 10),
        ticket(page = 18, page_size = 10),
        ticket(page = 19, page_size = 10),
        ticket(page = 20, page_size = 10),
        ticket(page = 21, page_size = 10),
        ticket(page = 22, page_size = 10),
        ticket(page = 23, page_size = 10),
        ticket(page = 24, page_size = 10),
        ticket(page = 25, page_size = 10),
        ticket(page = 26, page_size = 10),
        ticket(page = 27, page_size = 10),
        ticket(page = 28, page_size = 10),
        ticket(page = 29, page_size = 10),
        ticket(page = 30, page_size = 10),
        ticket(page = 31, page_size = 10),
        ticket(page = 32, page_size = 10),
    );
    let r = typed.bundle().requests();
    assert_eq!(r.len(), 32);
    assert_eq!(r[31].query.page, Some(32));
    let _ = send;
}
