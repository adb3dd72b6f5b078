fn main() {
    let _ = connectwise::bundle!(ticket(conditions = "dateEntered > '2024-01-31'"));
}
