fn main() {
    let _ = connectwise::bundle!(ticket(page_size = "1000"));
}
