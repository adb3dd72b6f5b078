fn main() {
    let _ = connectwise::bundle!(company(child_conditions = "types/nmae = 'Client'"));
}
