fn main() {
    let _ = connectwise::bundle!();
}
