fn main() {
    let _ = connectwise::bundle!(ticket(conditions = "status = 'New'"));
}
