fn main() {
    let _ = connectwise::bundle!(ticket(page_size: 1000), company[id = 1]);
}
