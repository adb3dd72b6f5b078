fn main() {
    let _ = connectwise::bundle!(ticket(pagesize = 1000));
}
