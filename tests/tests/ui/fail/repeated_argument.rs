fn main() {
    let _ = connectwise::bundle!(ticket(page = 1, page_size = 10, page = 2));
}
