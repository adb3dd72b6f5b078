fn main() {
    let _ = connectwise::bundle!(
        service_note(count),
        ticket(count, parent_id = 1),
        ticket(count, conditions = "status/nmae = 'New'"),
    );
}
