fn main() {
    let _ = connectwise::bundle!(ticket(conditions = "closedFlag > true"));
}
