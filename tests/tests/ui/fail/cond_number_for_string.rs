fn main() {
    let _ = connectwise::bundle!(ticket(conditions = "summary = 5"));
}
