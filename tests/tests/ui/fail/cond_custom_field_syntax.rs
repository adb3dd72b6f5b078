fn main() {
    let _ = connectwise::bundle!(ticket(custom_field_conditions = "caption = 'Region' and value ="));
}
