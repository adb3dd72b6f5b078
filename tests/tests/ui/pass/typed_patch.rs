//! Typed patches of every value kind compile, and make the expected operations.
use connectwise::models::{Company, CompanyTypeReference, ServiceStatusReference, Ticket, TicketSeverity};

fn main() {
    let t = Ticket::fields;
    let day = chrono::NaiveDate::from_ymd_opt(2024, 1, 31).unwrap();
    let patch = Ticket::patch(1)
        .replace(t().summary(), "Printer on fire")
        .replace(t().status().id(), 3)
        .replace(t().status(), ServiceStatusReference { id: Some(3), ..Default::default() })
        .replace(t().budget_hours(), 1.5)
        .replace(t().closed_flag(), true)
        .replace(t().required_date(), chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap())
        .replace(t().closed_date(), day)
        .replace(t().severity(), TicketSeverity::High)
        .replace(t().integrator_tags(), vec!["vip"])
        .remove(t().po_number())
        .custom_field(7, "EMEA");
    assert_eq!(patch.operations().len(), 11);
    assert_eq!(patch.operations()[1].path, "status/id");
    let company = Company::patch(2).replace(
        Company::fields().types(),
        vec![CompanyTypeReference { id: Some(1), ..Default::default() }],
    );
    assert_eq!(company.operations()[0].path, "types");
}
