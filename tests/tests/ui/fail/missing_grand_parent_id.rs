fn main() {
    let _ = connectwise::bundle!(configuration_type_question_value(parent_id = 3));
}
