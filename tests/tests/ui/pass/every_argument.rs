//! Every argument of a list sub-request, and `fields`/`version` on a get-by-id; values are
//! any expressions.
use connectwise::models::{Company, Ticket};
use connectwise::{BundleResults, ItemError, TypedBundle};
use std::marker::PhantomData;

/// What `.send(..).await?` yields for this bundle.
fn output<F: FnOnce(&mut BundleResults) -> O, O>(_: &TypedBundle<F>) -> PhantomData<O> {
    PhantomData
}

fn main() {
    let name = String::from("Help Desk");
    let typed = connectwise::bundle!(
        ticket(
            conditions = format!("board/name = '{name}'"),
            child_conditions = "",
            custom_field_conditions = "caption = 'Priority' AND value = 'High'",
            order_by = "dateEntered desc",
            fields = "id,summary,status/name",
            page = 1 + 1,
            page_size = connectwise::request::MAX_PAGE_SIZE,
            page_id = 12345,
            version = "2025.8",
        ),
        company(id = 250, fields = "id,identifier", version = String::from("2025.8")),
    );
    let _: PhantomData<(Result<Vec<Ticket>, ItemError>, Result<Company, ItemError>)> =
        output(&typed);
    let bundle = typed.bundle();
    assert_eq!(bundle.len(), 2);
    let ticket = &bundle.requests()[0];
    assert_eq!(ticket.resource_type, "Ticket");
    let q = &ticket.query;
    assert_eq!(q.conditions.as_deref(), Some("board/name = 'Help Desk'"));
    assert_eq!(q.child_conditions.as_deref(), Some(""));
    assert_eq!(
        q.custom_field_conditions.as_deref(),
        Some("caption = 'Priority' AND value = 'High'")
    );
    assert_eq!(q.order_by.as_deref(), Some("dateEntered desc"));
    assert_eq!(q.fields.as_deref(), Some("id,summary,status/name"));
    assert_eq!((q.page, q.page_size, q.page_id), (Some(2), Some(1000), Some(12345)));
    assert_eq!(ticket.version.as_deref(), Some("2025.8"));
    let company = &bundle.requests()[1];
    assert_eq!(company.resource_type, "Company");
    assert_eq!(company.keys.id, Some(250));
    assert_eq!(company.query.fields.as_deref(), Some("id,identifier"));
}
