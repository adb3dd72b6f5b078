fn main() {
    let _ = connectwise::bundle!(ticket(conditions = "summary = 'printer"));
}
