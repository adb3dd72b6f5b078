fn main() {
    let _ = connectwise::bundle!(ticket(conditions = "status/nmae = 'New' and board/id = 1"));
}
