fn main() {
    let _ = connectwise::bundle!(ticket(conditions = "board/id = 'Help Desk'"));
}
