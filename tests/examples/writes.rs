//! Writing, against the fake ConnectWise server (`connectwise-mock`) started in-process:
//! create a ticket, add a note, move its status with a typed patch, read the ticket and its
//! notes back in one bundle, delete the note, and print each step.
//!
//! ```sh
//! cargo run --example writes
//! ```
//!
//! Against a real ConnectWise Manage, only the client changes (see the quickstart).

use connectwise::models::{ServiceNote, ServiceStatusReference, Ticket};
use connectwise::{bundle, StatusKind};
use connectwise_mock::MockServer;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = MockServer::builder().seed(7).rows(50).start().await?;
    let client = server.client().build()?;
    println!("fake ConnectWise Manage at {}\n", server.url());
    println!("{:<4} {:<48} result", "step", "request");

    // 1. Create: only the fields that are set are sent (never `id` or `_info`).
    let ticket = Ticket {
        summary: Some("Printer on fire".into()),
        status: Some(ServiceStatusReference {
            id: Some(1),
            ..Default::default()
        }),
        ..Ticket::default()
    };
    let ticket = client.send(Ticket::create(&ticket)).await?;
    let id = ticket.id.ok_or("the created ticket has no id")?;
    step(
        1,
        "POST /service/tickets",
        format!("ticket {id}: {}", text(&ticket.summary)),
    );

    // 2. A note on it: a child, parent id first.
    let note = ServiceNote {
        text: Some("Called the customer; the printer is out.".into()),
        ..ServiceNote::default()
    };
    let note = client.send(ServiceNote::create(id, &note)).await?;
    let note_id = note.id.ok_or("the created note has no id")?;
    step(
        2,
        &format!("POST /service/tickets/{id}/notes"),
        format!("note {note_id}"),
    );

    // 3. Move its status: a typed patch (path `status/id`), all operations in one PATCH.
    let moved = client
        .send(
            Ticket::patch(id)
                .replace(Ticket::fields().status().id(), 3)
                .replace(Ticket::fields().summary(), "Printer on fire (on site)"),
        )
        .await?;
    step(
        3,
        &format!("PATCH /service/tickets/{id}"),
        format!("status/id 1 -> {}", status_id(&moved)),
    );

    // 4. Read the ticket and its notes back in one bundle (one HTTP call).
    let (read, notes) = bundle!(
        ticket(id = id),
        service_note(parent_id = id, page_size = 100),
    )
    .send(&client)
    .await?;
    let (read, notes) = (read?, notes?);
    step(
        4,
        "POST /system/bundles (ticket + notes)",
        format!(
            "{:?}, status/id {}, {} note(s)",
            text(&read.summary),
            status_id(&read),
            notes.len()
        ),
    );

    // 5. Delete the note; reading it again is a typed 404.
    client.send(ServiceNote::delete(id, note_id)).await?;
    let gone = client.send(ServiceNote::get(id, note_id)).await;
    let after = match gone {
        Err(e) if e.kind() == Some(StatusKind::NotFound) => "deleted; reading it: 404 not found",
        Err(_) => "deleted; reading it: another error",
        Ok(_) => "still there",
    };
    step(
        5,
        &format!("DELETE /service/tickets/{id}/notes/{note_id}"),
        after.to_owned(),
    );
    Ok(())
}

fn step(n: u32, request: &str, result: String) {
    println!("{n:<4} {request:<48} {result}");
}

fn status_id(ticket: &Ticket) -> String {
    ticket
        .status
        .as_ref()
        .and_then(|s| s.id)
        .map_or("none".into(), |id| id.to_string())
}

fn text(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}
