fn main() {
    let _ = connectwise::bundle!(member(count), member_with_sso(count));
}
