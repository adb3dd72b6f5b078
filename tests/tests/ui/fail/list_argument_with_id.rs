fn main() {
    let _ = connectwise::bundle!(company(id = 250, conditions = "id > 1", page_size = 5));
}
