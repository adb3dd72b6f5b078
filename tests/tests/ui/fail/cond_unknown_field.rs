fn main() {
    let _ = connectwise::bundle!(ticket(conditions = "sumary like '%printer%'"));
}
