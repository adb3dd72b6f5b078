fn main() {
    let _ = connectwise::bundle!(ticket(conditions = "requiredDate > [2024-13-45T00:00:00Z]"));
}
