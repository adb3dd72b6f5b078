fn main() {
    let _ = connectwise::bundle!(ticket(conditions = "budgetHours like '%5%'"));
}
