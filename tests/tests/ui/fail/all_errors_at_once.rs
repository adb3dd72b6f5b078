fn main() {
    let _ = connectwise::bundle!(
        tiket(page = 1),
        company(idd = 1),
        purchase_order_line_item(),
        member_with_sso(id = 2),
        ticket(page = 1, page = 2),
    );
}
