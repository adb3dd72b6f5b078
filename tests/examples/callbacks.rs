//! Callbacks, end to end on this machine: `cargo run --example callbacks`.
//!
//! Starts the embedded fake ConnectWise server, registers a `ticket` callback pointing at a
//! local axum server, then creates, changes and deletes a ticket. The fake server POSTs a
//! signed callback for each write; the axum handler takes a verified
//! `connectwise::callbacks::Callback` (its signature checked against the key fetched from the
//! fake server) and prints the typed event.

use connectwise::callbacks::{
    Callback, CallbackRegistration, Dedup, EnsureOptions, Event, Verifier,
};
use connectwise::models::Ticket;
use connectwise_mock::MockServer;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = MockServer::builder().rows(50).start().await?;
    let client = server.client().build()?;
    println!("fake ConnectWise at {}", server.url());

    // The receiving side: verified callbacks only (anything else is answered 401). The fake
    // server is plain http on 127.0.0.1, hence the loopback allowance; real key URLs are https.
    let verifier = Verifier::new(&client).allow_insecure_loopback(true);
    let (done, mut received) = tokio::sync::mpsc::unbounded_channel::<()>();
    let dedup = Arc::new(Mutex::new(Dedup::default()));
    let app = axum::Router::new()
        .route(
            "/connectwise/callback",
            axum::routing::post(move |callback: Callback| {
                let done = done.clone();
                let dedup = dedup.clone();
                async move {
                    let first = dedup
                        .lock()
                        .map(|mut d| d.first_time(&callback))
                        .unwrap_or(true);
                    if first {
                        print_event(&callback);
                    }
                    done.send(()).ok();
                    "ok"
                }
            }),
        )
        .with_state(verifier);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/connectwise/callback", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });
    println!("receiving callbacks at {url}");

    // Register (twice: the second run finds it there and changes nothing).
    let wanted = [CallbackRegistration::new(&url, "ticket").description("example")];
    let first = client
        .ensure_callbacks(&wanted, EnsureOptions::default())
        .await?;
    let second = client
        .ensure_callbacks(&wanted, EnsureOptions::default())
        .await?;
    println!(
        "registered: {} created, then {} created and {} kept",
        first.created.len(),
        second.created.len(),
        second.kept.len()
    );

    let ticket = client
        .send(Ticket::create(&Ticket {
            summary: Some("Printer on fire".into()),
            ..Ticket::default()
        }))
        .await?;
    let id = ticket.id.ok_or("the created ticket has no id")?;
    client
        .send(Ticket::patch(id).replace_path("summary", "Printer fixed"))
        .await?;
    client.send(Ticket::delete(id)).await?;

    for _ in 0..3 {
        tokio::time::timeout(Duration::from_secs(10), received.recv())
            .await?
            .ok_or("the receiver stopped")?;
    }
    Ok(())
}

fn print_event(callback: &Callback) {
    match callback.event() {
        Ok(Event::Ticket(Some(ticket))) => println!(
            "ticket {} {}: {:?}",
            callback.id,
            callback.action,
            ticket.summary.as_deref().unwrap_or_default()
        ),
        Ok(Event::Ticket(None)) => println!("ticket {} {}", callback.id, callback.action),
        Ok(other) => println!("{} {} {}", other.kind(), callback.id, callback.action),
        Err(e) => println!("{} {}: {e}", callback.r#type, callback.id),
    }
}
