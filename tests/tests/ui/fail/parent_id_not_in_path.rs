fn main() {
    let _ = connectwise::bundle!(ticket(parent_id = 3));
}
