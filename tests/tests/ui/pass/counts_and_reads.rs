//! Counts next to reads: `count` (first) makes a sub-request a count, `Result<u64, ItemError>`,
//! with the filters and parent ids of a list. The reads go to `/system/bundles`, the counts to
//! `/system/bundles/count`, each with its own sequence number.
use connectwise::models::{Company, Ticket};
use connectwise::request::Shape;
use connectwise::{BundleResults, ItemError, TypedBundle};
use std::marker::PhantomData;

fn output<F: FnOnce(&mut BundleResults) -> O, O>(_: &TypedBundle<F>) -> PhantomData<O> {
    PhantomData
}

fn main() {
    let ticket_id = 7;
    let typed = connectwise::bundle!(
        ticket(conditions = "status/name = 'New'"),
        ticket(count, conditions = "status/name = 'New'", version = "2025.8"),
        company(id = 1),
        service_note(count, parent_id = ticket_id),
    );
    let _: PhantomData<(
        Result<Vec<Ticket>, ItemError>,
        Result<u64, ItemError>,
        Result<Company, ItemError>,
        Result<u64, ItemError>,
    )> = output(&typed);
    let bundle = typed.bundle();
    let shapes: Vec<Shape> = bundle.requests().iter().map(|r| r.shape).collect();
    assert_eq!(shapes, [Shape::List, Shape::Count, Shape::One, Shape::Count]);
    let count = &bundle.requests()[1];
    assert_eq!(count.query.conditions.as_deref(), Some("status/name = 'New'"));
    assert_eq!(bundle.requests()[3].keys.parent_id, Some(7));
    let reads = String::from_utf8(bundle.to_json("2025.8")).unwrap();
    let counts = String::from_utf8(bundle.count_json("2025.8")).unwrap();
    assert!(reads.contains("\"sequenceNumber\":1") && reads.contains("\"sequenceNumber\":3"), "{reads}");
    assert!(!reads.contains("\"sequenceNumber\":2"), "{reads}");
    assert!(counts.contains("\"sequenceNumber\":2") && counts.contains("\"sequenceNumber\":4"), "{counts}");
    assert!(!counts.contains("\"sequenceNumber\":1"), "{counts}");
}
