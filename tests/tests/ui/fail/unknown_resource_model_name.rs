fn main() {
    let _ = connectwise::bundle!(PurchaseOrderLineItem(parent_id = 1));
}
