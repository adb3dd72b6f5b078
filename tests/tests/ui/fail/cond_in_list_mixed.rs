fn main() {
    let _ = connectwise::bundle!(ticket(conditions = "board/id in (1, '2', 3)"));
}
