//! The client's body cap (`ClientBuilder::max_body_size`) against the fake server: a big
//! list, a bundle of big pages, a get and a write, each read under a cap that is too small
//! (a typed error) and one that is not (the answer).

use connectwise::models::{Company, Ticket};
use connectwise::{Bundle, Client, Error};
use connectwise_mock::MockServer;

async fn server() -> MockServer {
    MockServer::builder()
        .seed(3)
        .rows(1000)
        .start()
        .await
        .expect("the fake server starts")
}

fn client(server: &MockServer, max_body_size: u64) -> Client {
    server
        .client()
        .max_body_size(max_body_size)
        .build()
        .expect("the client builds")
}

fn assert_too_large<T: std::fmt::Debug>(result: Result<T, Error>, limit: u64) {
    match result {
        Err(Error::BodyTooLarge { limit: l, url }) => {
            assert_eq!(l, limit);
            assert!(url.starts_with("http://"), "{url}");
        }
        other => panic!("expected BodyTooLarge, got {other:?}"),
    }
}

#[tokio::test]
async fn a_big_list_over_the_cap_is_a_typed_error_not_an_allocation() {
    let server = server().await;
    let big = Ticket::list().page_size(1000);
    // 1,000 generated tickets are far more than 64 KiB.
    assert_too_large(
        client(&server, 64 * 1024).send(big.clone()).await,
        64 * 1024,
    );
    let all = client(&server, 64 << 20)
        .send(big)
        .await
        .expect("under the cap");
    assert_eq!(all.len(), 1000);
    // A small page of the same list fits the small cap.
    let few = client(&server, 64 * 1024)
        .send(Ticket::list().page_size(2))
        .await
        .expect("a small page");
    assert_eq!(few.len(), 2);
}

#[tokio::test]
async fn bundles_gets_and_writes_are_capped_too() {
    let server = server().await;
    let mut bundle = Bundle::new();
    let tickets = bundle.push(Ticket::list().page_size(1000));
    let company = bundle.push(Company::get(1));
    assert_too_large(
        bundle.clone().send(&client(&server, 64 * 1024)).await,
        64 * 1024,
    );
    let mut results = bundle
        .send(&client(&server, 64 << 20))
        .await
        .expect("under the cap");
    assert_eq!(results.take(tickets).expect("tickets").len(), 1000);
    assert_eq!(results.take(company).expect("company").id, Some(1));

    assert_too_large(client(&server, 10).send(Company::get(1)).await, 10);
    let one = client(&server, 64 * 1024)
        .send(Company::get(1))
        .await
        .expect("a get");
    assert_eq!(one.id, Some(1));

    // A write's answer (the record) is read under the cap as well.
    let mut ticket = one_ticket(&server).await;
    ticket.id = None;
    ticket.summary = Some("capped".into());
    assert_too_large(client(&server, 10).send(Ticket::create(&ticket)).await, 10);
}

async fn one_ticket(server: &MockServer) -> Ticket {
    client(server, 64 << 20)
        .send(Ticket::get(1))
        .await
        .expect("ticket 1")
}
