use connectwise::conditions;

fn main() {
    let built = String::from("id = 1");
    let _ = conditions!(ticket, built);
    let _ = conditions!(tickt, "id = 1");
    let _ = conditions!(ticket);
    let _ = conditions!(ticket, "id = 1", grandchild);
}
