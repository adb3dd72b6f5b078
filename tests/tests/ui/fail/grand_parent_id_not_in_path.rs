fn main() {
    let _ = connectwise::bundle!(purchase_order_line_item(parent_id = 1, grand_parent_id = 2));
}
