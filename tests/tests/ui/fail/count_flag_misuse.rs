fn main() {
    let _ = connectwise::bundle!(
        ticket(conditions = "id = 1", count),
        ticket(count = true),
        ticket(cuont),
        ticket(page_size),
    );
}
