fn main() {
    // `/system/members/withSso` lists `Member`s with no ids, as `/system/members` does.
    let _ = connectwise::bundle!(member(), member_with_sso(order_by = "id"));
}
