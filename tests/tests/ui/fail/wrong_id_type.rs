fn main() {
    let id: u64 = 250;
    let _ = connectwise::bundle!(company(id = id));
}
