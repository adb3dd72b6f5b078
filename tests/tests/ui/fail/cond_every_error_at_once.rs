fn main() {
    let _ = connectwise::bundle!(ticket(conditions = "sumary = 'a' and board/id = 'x' and closedFlag like 'y'"), member(conditions = "identifer = 'jsmith'"));
}
