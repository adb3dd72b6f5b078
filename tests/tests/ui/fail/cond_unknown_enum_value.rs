fn main() {
    let _ = connectwise::bundle!(ticket(conditions = "severity = 'Hgh'"));
}
