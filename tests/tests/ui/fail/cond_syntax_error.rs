fn main() {
    let _ = connectwise::bundle!(ticket(conditions = "status/name = 'New' and and closedFlag = false"));
}
