fn main() {
    let _ = connectwise::bundle!(member_with_sso(id = 7));
}
