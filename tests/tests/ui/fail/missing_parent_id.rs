fn main() {
    let _ = connectwise::bundle!(purchase_order_line_item(page_size = 1000));
}
