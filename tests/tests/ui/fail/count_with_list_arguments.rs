fn main() {
    let _ = connectwise::bundle!(ticket(
        count,
        conditions = "status/name = 'New'",
        id = 1,
        page = 1,
        page_size = 100,
        page_id = 5,
        order_by = "id desc",
        fields = "id",
    ));
}
