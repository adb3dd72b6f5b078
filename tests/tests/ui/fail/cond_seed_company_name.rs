fn main() {
    let _ = connectwise::bundle!(company(conditions = "companyName = 'Connectwise'"));
}
