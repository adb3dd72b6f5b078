fn main() {
    let _ = connectwise::bundle!(tikcet(page_size = 10), company(id = 250));
}
