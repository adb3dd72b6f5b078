//! Deterministic test data for the bundle decoding benchmarks (`decode.rs`, `decode_memory.rs`):
//! a bundle response of 20 sub-results (tickets, companies and members, interleaved) x 1000
//! entities each, shaped like what ConnectWise Manage sends.
//!
//! Entities carry the fields of the generated models (`connectwise::models::{Ticket, Company,
//! Member}`) in camelCase, with what the real API puts in them: nested `*Reference` objects
//! with `id`/`name`/`identifier` and `_info` maps of `*_href` links, dates like
//! `2024-01-31T17:42:09Z`, booleans, enum strings, custom fields, integrator tags. Absent
//! values are omitted rather than sent as `null`, as the API does. Nothing outside the models
//! is sent, except the `*_href` links inside `_info` (which the models keep as a map).
//!
//! Randomness is a fixed-seed xorshift64*: the same bytes on every run and machine.

use connectwise::models::{Company, Member, Ticket};
use std::fmt::Write;
use std::ops::Range;

pub const SUB_RESULTS: usize = 20;
pub const ENTITIES_PER_RESULT: usize = 1000;
const SEED: u64 = 0x2545_f491_4f6c_dd1d;
const API: &str = "https://api-na.myconnectwise.net/v4_6_release/apis/3.0";

/// The model of a sub-result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Ticket,
    Company,
    Member,
}

impl Kind {
    /// Sub-result `i` (0-based): tickets, companies and members in turn (7 + 7 + 6 of 20).
    pub fn of(i: usize) -> Kind {
        [Kind::Ticket, Kind::Company, Kind::Member][i % 3]
    }

    pub fn resource_type(self) -> &'static str {
        match self {
            Kind::Ticket => "ticket",
            Kind::Company => "company",
            Kind::Member => "member",
        }
    }
}

/// A generated bundle response.
pub struct Data {
    /// Entities in each sub-result.
    pub per_result: usize,
    /// The whole response body.
    pub body: Vec<u8>,
    /// Per sub-result, in sequence order: its model and the byte range of its `entities` array.
    pub results: Vec<(Kind, Range<usize>)>,
}

impl Data {
    /// The benchmarks' data: [`SUB_RESULTS`] x [`ENTITIES_PER_RESULT`].
    pub fn generate() -> Data {
        Data::with_entities(ENTITIES_PER_RESULT)
    }

    /// [`SUB_RESULTS`] sub-results of `per_result` entities each (fewer for a quick check
    /// under `cargo test`).
    pub fn with_entities(per_result: usize) -> Data {
        let mut rng = Rng(SEED);
        let mut out = String::with_capacity(64 << 20);
        let mut results = Vec::with_capacity(SUB_RESULTS);
        out.push_str("{\"results\":[");
        for i in 0..SUB_RESULTS {
            let kind = Kind::of(i);
            if i > 0 {
                out.push(',');
            }
            write!(
                out,
                "{{\"sequenceNumber\":{},\"resourceType\":\"{}\",\"entities\":",
                i + 1,
                kind.resource_type()
            )
            .unwrap();
            let start = out.len();
            out.push('[');
            for n in 0..per_result {
                if n > 0 {
                    out.push(',');
                }
                let id = (i * per_result + n) as i64 + 1;
                let mut o = Obj::open(&mut out);
                match kind {
                    Kind::Ticket => ticket(&mut o, &mut rng, id + 180_000),
                    Kind::Company => company(&mut o, &mut rng, id + 250),
                    Kind::Member => member(&mut o, &mut rng, id + 100),
                }
                o.close();
            }
            out.push(']');
            results.push((kind, start..out.len()));
            write!(
                out,
                ",\"count\":{per_result},\"version\":\"2025.8\",\"success\":true,\"statusCode\":200}}"
            )
            .unwrap();
        }
        write!(
            out,
            "],\"_info\":{{\"success\":\"{SUB_RESULTS}\",\"failure\":\"0\",\"total\":\"{SUB_RESULTS}\"}}}}"
        )
        .unwrap();
        Data {
            per_result,
            body: out.into_bytes(),
            results,
        }
    }

    /// The `entities` array of sub-result `i`, as bytes of the body.
    pub fn entities(&self, i: usize) -> &[u8] {
        &self.body[self.results[i].1.clone()]
    }

    /// Checks that every entity decodes into its model and that the data is as realistic
    /// as claimed (no field left at its default in the first entity of each kind).
    pub fn check(&self) {
        for (i, (kind, _)) in self.results.iter().enumerate() {
            let bytes = self.entities(i);
            let n = match kind {
                Kind::Ticket => serde_json::from_slice::<Vec<Ticket>>(bytes).map(|v| v.len()),
                Kind::Company => serde_json::from_slice::<Vec<Company>>(bytes).map(|v| v.len()),
                Kind::Member => serde_json::from_slice::<Vec<Member>>(bytes).map(|v| v.len()),
            }
            .unwrap_or_else(|e| panic!("sub-result {i} ({kind:?}) does not decode: {e}"));
            assert_eq!(n, self.per_result);
        }
    }
}

/// xorshift64* (Vigna), fixed seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    /// 0..n
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }
    /// True with probability `percent`/100.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
    /// A date-time in 2019..2025, as the API writes it.
    fn date(&mut self) -> String {
        let (y, m, d) = (self.range(2019, 2025), self.range(1, 12), self.range(1, 28));
        let (h, mi, s) = (self.range(0, 23), self.range(0, 59), self.range(0, 59));
        format!("{y}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
    }
    /// A date at midnight UTC, as the API sends dates without time.
    fn day(&mut self) -> String {
        let (y, m, d) = (self.range(2019, 2025), self.range(1, 12), self.range(1, 28));
        format!("{y}-{m:02}-{d:02}T00:00:00Z")
    }
    fn guid(&mut self) -> String {
        let (a, b) = (self.next(), self.next());
        format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xffff,
            b >> 48,
            b & 0xffff_ffff_ffff
        )
    }
    /// Money-like amount with two decimals.
    fn amount(&mut self, max: i64) -> f64 {
        self.range(0, max * 100) as f64 / 100.0
    }
}

/// Writes one JSON object, field by field.
struct Obj<'a> {
    out: &'a mut String,
    first: bool,
}

impl<'a> Obj<'a> {
    fn open(out: &'a mut String) -> Self {
        out.push('{');
        Obj { out, first: true }
    }
    fn close(self) {
        self.out.push('}');
    }
    fn key(&mut self, k: &str) {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        self.out.push('"');
        self.out.push_str(k);
        self.out.push_str("\":");
    }
    fn str(&mut self, k: &str, v: &str) {
        self.key(k);
        // serde_json escapes quotes, backslashes and control characters as the API does.
        self.out.push_str(&serde_json::to_string(v).unwrap());
    }
    fn int(&mut self, k: &str, v: i64) {
        self.key(k);
        write!(self.out, "{v}").unwrap();
    }
    fn float(&mut self, k: &str, v: f64) {
        self.key(k);
        write!(self.out, "{v}").unwrap();
    }
    fn bool(&mut self, k: &str, v: bool) {
        self.key(k);
        self.out.push_str(if v { "true" } else { "false" });
    }
    fn obj(&mut self, k: &str, f: impl FnOnce(&mut Obj<'_>)) {
        self.key(k);
        let mut o = Obj::open(self.out);
        f(&mut o);
        o.close();
    }
    /// A JSON array written by `f` (which writes the items, comma-separated, itself).
    fn raw_array(&mut self, k: &str, f: impl FnOnce(&mut String)) {
        self.key(k);
        self.out.push('[');
        f(self.out);
        self.out.push(']');
    }
    fn ints(&mut self, k: &str, values: &[i64]) {
        self.raw_array(k, |out| {
            for (i, v) in values.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write!(out, "{v}").unwrap();
            }
        });
    }
    fn strs(&mut self, k: &str, values: &[&str]) {
        self.raw_array(k, |out| {
            for (i, v) in values.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::to_string(v).unwrap());
            }
        });
    }
    /// A `*Reference`: `{"id", ["identifier",] "name", extra..., "_info": {"<kind>_href": ...}}`.
    fn reference(
        &mut self,
        k: &str,
        href: (&str, &str),
        id: i64,
        identifier: Option<&str>,
        name: &str,
        extra: impl FnOnce(&mut Obj<'_>),
    ) {
        self.obj(k, |o| {
            o.int("id", id);
            if let Some(identifier) = identifier {
                o.str("identifier", identifier);
            }
            o.str("name", name);
            extra(o);
            o.obj("_info", |i| {
                i.str(href.0, &format!("{API}/{}/{id}", href.1))
            });
        });
    }
    /// `customFields`: three to six values of assorted types.
    fn custom_fields(&mut self, rng: &mut Rng) {
        let n = rng.range(3, 6) as usize;
        self.key("customFields");
        self.out.push('[');
        for i in 0..n {
            if i > 0 {
                self.out.push(',');
            }
            let mut o = Obj::open(self.out);
            let (caption, ty, entry) = CUSTOM_FIELDS[i % CUSTOM_FIELDS.len()];
            o.int("id", i as i64 + 1);
            o.str("caption", caption);
            o.str("type", ty);
            o.str("entryMethod", entry);
            o.int("numberOfDecimals", if ty == "Number" { 2 } else { 0 });
            if rng.chance(80) {
                match ty {
                    "Checkbox" => o.bool("value", rng.chance(50)),
                    "Number" => o.float("value", rng.amount(500)),
                    "Date" => o.str("value", &rng.day()),
                    _ => o.str("value", rng.pick(WORDS)),
                }
            }
            o.str("connectWiseId", &rng.guid());
            o.close();
        }
        self.out.push(']');
    }
}

const CUSTOM_FIELDS: &[(&str, &str, &str)] = &[
    ("Escalated", "Checkbox", "EntryField"),
    ("Contract Hours", "Number", "EntryField"),
    ("Renewal Date", "Date", "Date"),
    ("Region", "Text", "List"),
    ("Account Tier", "Text", "Option"),
    ("Notes for Dispatch", "TextArea", "EntryField"),
];

const FIRST: &[&str] = &[
    "John", "Maria", "Wei", "Aisha", "Lukas", "Zoë", "Carlos", "Priya", "Tom", "Sofia", "Ahmed",
    "Emma", "Noah", "Olivia", "Kenji", "Chloé",
];
const LAST: &[&str] = &[
    "Smith", "García", "Chen", "Khan", "Müller", "O'Brien", "Rossi", "Patel", "Nguyen", "Johnson",
    "Kowalski", "Dubois", "Tanaka", "Brown",
];
const CITY: &[(&str, &str, &str)] = &[
    ("Tampa", "FL", "33602"),
    ("Austin", "TX", "73301"),
    ("Denver", "CO", "80202"),
    ("Seattle", "WA", "98101"),
    ("Boston", "MA", "02108"),
    ("Chicago", "IL", "60601"),
    ("Phoenix", "AZ", "85001"),
    ("Atlanta", "GA", "30301"),
];
const STREET: &[&str] = &[
    "Main Street",
    "Oak Avenue",
    "Harbor Blvd",
    "Industrial Pkwy",
    "Elm Street",
    "Lakeview Dr",
];
const WORDS: &[&str] = &[
    "North",
    "Central",
    "Premier",
    "Gold",
    "Silver",
    "Bronze",
    "West",
    "East",
    "Tier 1",
    "Tier 2",
    "Managed",
    "Break/Fix",
    "Healthcare",
    "Legal",
    "Retail",
    "Manufacturing",
];
const COMPANY_WORDS: &[&str] = &[
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Stark",
    "Wayne",
    "Hooli",
    "Vandelay",
    "Soylent",
    "Cyberdyne",
    "Tyrell",
    "Wonka",
    "Aperture",
    "Gringotts",
];
const COMPANY_SUFFIX: &[&str] = &["Inc.", "LLC", "Corp", "Group", "Partners", "& Sons", "GmbH"];
const SUMMARY: &[&str] = &[
    "Outlook keeps asking for password",
    "Printer on 2nd floor offline",
    "New user setup: laptop, email, VPN",
    "Server disk C: above 90%",
    "Backup job failed on \"FS01\"",
    "Cannot connect to Wi-Fi in conference room",
    "Request: install Adobe Acrobat Pro",
    "Firewall firmware update",
    "User locked out after password reset",
    "Phones dropping calls intermittently",
    "Monitor flickering - replace cable?",
    "Quarterly patching window",
];
const BOARDS: &[(i64, &str)] = &[
    (1, "Help Desk"),
    (2, "Professional Services"),
    (3, "Alerts"),
    (4, "Projects"),
];
const STATUSES: &[(i64, &str)] = &[
    (16, "New"),
    (17, "In Progress"),
    (18, "Waiting on Client"),
    (19, "Scheduled"),
    (20, ">Closed"),
];
const PRIORITIES: &[(i64, &str, &str)] = &[
    (4, "Priority 1 - Emergency Response", "High"),
    (6, "Priority 2 - Quick Response", "High"),
    (8, "Priority 3 - Normal Response", "Medium"),
    (7, "Priority 4 - Schedule Maintenance", "Low"),
];
const TYPES: &[&str] = &[
    "Hardware",
    "Software",
    "Network",
    "Email",
    "Security",
    "User Admin",
];
const SUB_TYPES: &[&str] = &[
    "Workstation",
    "Server",
    "Printer",
    "Firewall",
    "Office 365",
    "VPN",
];
const TEAMS: &[&str] = &["Tier 1", "Tier 2", "Field Services", "NOC"];
const SOURCES: &[&str] = &["Email Connector", "Phone", "Portal", "Automate", "Walk-in"];
const LOCATIONS: &[&str] = &["On-Site", "Remote", "In-house"];
const TERRITORIES: &[&str] = &["Tampa Office", "Austin Office", "Remote", "Main"];
const DEPARTMENTS: &[(&str, &str)] = &[
    ("SVC", "Services"),
    ("PS", "Professional Services"),
    ("ADM", "Administration"),
];
const SLAS: &[&str] = &["Standard SLA", "Gold SLA", "24x7 Critical"];
const AGREEMENTS: &[&str] = &["Managed Services", "Block Time", "Break Fix Retainer"];
const TAGS: &[&str] = &["rmm", "autotask-sync", "psa-bridge", "halo", "zapier"];

fn person(rng: &mut Rng) -> (String, String, String) {
    let (first, last) = (rng.pick(FIRST), rng.pick(LAST));
    let login = ascii_lower(&format!("{}{}", &first[..1], last));
    (first.to_owned(), last.to_owned(), login)
}

/// `s` lower-cased, letters a-z only (for logins and e-mail addresses).
fn ascii_lower(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphabetic)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn company_name(rng: &mut Rng) -> (String, String) {
    let (word, suffix) = (rng.pick(COMPANY_WORDS), rng.pick(COMPANY_SUFFIX));
    let name = format!("{word} {} {suffix}", rng.pick(WORDS));
    let identifier = format!("{word}{}", rng.range(1, 999));
    (identifier, name)
}

fn member_ref(o: &mut Obj<'_>, rng: &mut Rng, k: &str) {
    let (first, last, login) = person(rng);
    let id = rng.range(100, 400);
    o.reference(
        k,
        ("member_href", "system/members"),
        id,
        Some(&login),
        &format!("{first} {last}"),
        |o| o.float("dailyCapacity", 8.0),
    );
}

fn contact_ref(o: &mut Obj<'_>, rng: &mut Rng, k: &str) -> String {
    let (first, last, _) = person(rng);
    let name = format!("{first} {last}");
    let id = rng.range(1, 60_000);
    o.reference(
        k,
        ("contact_href", "company/contacts"),
        id,
        None,
        &name,
        |_| {},
    );
    name
}

fn info(o: &mut Obj<'_>, rng: &mut Rng, links: &[(&str, String)]) {
    let (updated, entered) = (rng.date(), rng.date());
    let (_, _, by) = person(rng);
    o.obj("_info", |i| {
        i.str("lastUpdated", &updated);
        i.str("updatedBy", &by);
        i.str("dateEntered", &entered);
        i.str("enteredBy", "template1");
        for (k, v) in links {
            i.str(k, v);
        }
    });
}

/// A US address, as tickets (`stateIdentifier`) and companies (`state`) send it; 30% of
/// them have a second line.
fn address(
    o: &mut Obj<'_>,
    rng: &mut Rng,
    state_key: &str,
    line2: impl FnOnce(&mut Rng) -> String,
) {
    let (city, state, zip) = CITY[rng.below(CITY.len() as u64) as usize];
    o.str(
        "addressLine1",
        &format!("{} {}", rng.range(1, 9999), rng.pick(STREET)),
    );
    if rng.chance(30) {
        o.str("addressLine2", &line2(rng));
    }
    o.str("city", city);
    o.str(state_key, state);
    o.str("zip", zip);
    o.reference(
        "country",
        ("country_href", "company/countries"),
        1,
        Some("US"),
        "United States",
        |_| {},
    );
}

fn ticket(o: &mut Obj<'_>, rng: &mut Rng, id: i64) {
    o.int("id", id);
    o.str("summary", rng.pick(SUMMARY));
    o.str(
        "recordType",
        rng.pick(&[
            "ServiceTicket",
            "ServiceTicket",
            "ProjectTicket",
            "ProjectIssue",
        ]),
    );
    let (board_id, board) = BOARDS[rng.below(BOARDS.len() as u64) as usize];
    o.reference(
        "board",
        ("board_href", "service/boards"),
        board_id,
        None,
        board,
        |_| {},
    );
    let (status_id, status) = STATUSES[rng.below(STATUSES.len() as u64) as usize];
    let closed = status == ">Closed";
    o.reference(
        "status",
        (
            "status_href",
            &format!("service/boards/{board_id}/statuses"),
        ),
        status_id,
        None,
        status,
        |o| o.int("sort", status_id - 15),
    );
    let (identifier, name) = company_name(rng);
    let company_id = rng.range(250, 20_000);
    o.reference(
        "company",
        ("company_href", "company/companies"),
        company_id,
        Some(&identifier),
        &name,
        |_| {},
    );
    let site_id = rng.range(1000, 30_000);
    o.reference(
        "site",
        (
            "site_href",
            &format!("company/companies/{company_id}/sites"),
        ),
        site_id,
        None,
        "Main",
        |_| {},
    );
    o.str("siteName", "Main");
    address(o, rng, "stateIdentifier", |rng| {
        format!("Suite {}", rng.range(100, 999))
    });
    let contact = contact_ref(o, rng, "contact");
    o.str("contactName", &contact);
    o.str(
        "contactPhoneNumber",
        &format!("{}555{:04}", rng.range(200, 999), rng.range(0, 9999)),
    );
    o.str(
        "contactEmailAddress",
        &format!(
            "{}@{}.com",
            contact
                .split(' ')
                .map(ascii_lower)
                .collect::<Vec<_>>()
                .join("."),
            identifier.to_lowercase()
        ),
    );
    let ty = rng.below(TYPES.len() as u64) as usize;
    o.reference(
        "type",
        ("type_href", &format!("service/boards/{board_id}/types")),
        ty as i64 + 40,
        None,
        TYPES[ty],
        |_| {},
    );
    let sub = rng.below(SUB_TYPES.len() as u64) as usize;
    o.reference(
        "subType",
        (
            "subType_href",
            &format!("service/boards/{board_id}/subtypes"),
        ),
        sub as i64 + 80,
        None,
        SUB_TYPES[sub],
        |_| {},
    );
    let team = rng.below(TEAMS.len() as u64) as usize;
    o.reference(
        "team",
        ("team_href", &format!("service/boards/{board_id}/teams")),
        team as i64 + 20,
        None,
        TEAMS[team],
        |_| {},
    );
    if rng.chance(85) {
        member_ref(o, rng, "owner");
    }
    let (priority_id, priority, level) = PRIORITIES[rng.below(PRIORITIES.len() as u64) as usize];
    o.obj("priority", |p| {
        p.int("id", priority_id);
        p.str("name", priority);
        p.int("sort", priority_id - 2);
        p.str("level", level);
        p.obj("_info", |i| {
            i.str(
                "priority_href",
                &format!("{API}/service/priorities/{priority_id}"),
            );
            i.str(
                "image_href",
                &format!("{API}/service/priorities/{priority_id}/image?lm=2005-05-27T14:58:21Z"),
            );
        });
    });
    let loc = rng.below(LOCATIONS.len() as u64) as usize;
    o.reference(
        "serviceLocation",
        ("location_href", "service/locations"),
        loc as i64 + 1,
        None,
        LOCATIONS[loc],
        |_| {},
    );
    let src = rng.below(SOURCES.len() as u64) as usize;
    o.reference(
        "source",
        ("source_href", "service/sources"),
        src as i64 + 1,
        None,
        SOURCES[src],
        |_| {},
    );
    if rng.chance(40) {
        o.str("requiredDate", &rng.day());
    }
    if rng.chance(60) {
        o.float("budgetHours", rng.range(1, 40) as f64 / 2.0);
    }
    if rng.chance(70) {
        let ag = rng.below(AGREEMENTS.len() as u64) as usize;
        let ag_id = rng.range(1, 3000);
        o.reference(
            "agreement",
            ("agreement_href", "finance/agreements"),
            ag_id,
            None,
            &format!("{name} - {}", AGREEMENTS[ag]),
            |o| {
                o.str("type", AGREEMENTS[ag]);
                o.bool("chargeFirmFlag", false);
            },
        );
    }
    o.str("severity", rng.pick(&["Low", "Medium", "High"]));
    o.str("impact", rng.pick(&["Low", "Medium", "High"]));
    if rng.chance(20) {
        o.str("poNumber", &format!("PO-{}", rng.range(10_000, 99_999)));
    }
    if closed {
        o.str("closedDate", &rng.date());
        o.str("closedBy", &person(rng).2);
    }
    o.bool("closedFlag", closed);
    o.float("actualHours", rng.range(0, 80) as f64 / 4.0);
    o.bool("approved", rng.chance(90));
    o.str(
        "billingMethod",
        rng.pick(&["ActualRates", "FixedFee", "NotToExceed", "OverrideRate"]),
    );
    if closed || rng.chance(30) {
        o.str("dateResolved", &rng.date());
    }
    o.str("dateResponded", &rng.date());
    o.int("resolveMinutes", rng.range(0, 5000));
    if rng.chance(5) {
        o.int("parentTicketId", id - rng.range(1, 500));
    }
    o.bool("hasChildTicket", rng.chance(5));
    o.str(
        "billTime",
        rng.pick(&["Billable", "DoNotBill", "NoCharge", "NoDefault"]),
    );
    let terr = rng.below(TERRITORIES.len() as u64) as usize;
    o.reference(
        "location",
        ("location_href", "system/locations"),
        terr as i64 + 2,
        None,
        TERRITORIES[terr],
        |_| {},
    );
    let (dep_code, dep) = DEPARTMENTS[rng.below(DEPARTMENTS.len() as u64) as usize];
    o.reference(
        "department",
        ("department_href", "system/departments"),
        10,
        Some(dep_code),
        dep,
        |_| {},
    );
    o.str("mobileGuid", &rng.guid());
    let sla = rng.below(SLAS.len() as u64) as usize;
    o.reference(
        "sla",
        ("sla_href", "service/SLAs"),
        sla as i64 + 1,
        None,
        SLAS[sla],
        |_| {},
    );
    if rng.chance(3) {
        let merged = id - rng.range(1, 500);
        o.obj("mergedParentTicket", |m| {
            m.int("id", merged);
            m.str("summary", "Merged ticket");
            m.obj("_info", |i| {
                i.str("ticket_href", &format!("{API}/service/tickets/{merged}"))
            });
        });
    }
    if rng.chance(30) {
        o.strs("integratorTags", &[rng.pick(TAGS)]);
    } else {
        o.strs("integratorTags", &[]);
    }
    o.custom_fields(rng);
    let links: Vec<(&str, String)> = [
        ("activities_href", "sales/activities"),
        ("scheduleentries_href", "schedule/entries"),
        ("documents_href", "system/documents"),
        ("configurations_href", "service/tickets/ID/configurations"),
        ("tasks_href", "service/tickets/ID/tasks"),
        ("notes_href", "service/tickets/ID/notes"),
        ("products_href", "procurement/products"),
        ("timeentries_href", "time/entries"),
        ("expenseEntries_href", "expense/entries"),
    ]
    .iter()
    .map(|(k, path)| {
        let url = if path.contains("/ID/") {
            format!("{API}/{}", path.replace("ID", &id.to_string()))
        } else {
            format!("{API}/{path}?conditions=ticket/id={id}")
        };
        (*k, url)
    })
    .collect();
    info(o, rng, &links);
}

fn company(o: &mut Obj<'_>, rng: &mut Rng, id: i64) {
    let (identifier, name) = company_name(rng);
    o.int("id", id);
    o.str("identifier", &identifier);
    o.str("name", &name);
    let active = rng.chance(90);
    o.reference(
        "status",
        ("status_href", "company/companies/statuses"),
        if active { 1 } else { 2 },
        None,
        if active { "Active" } else { "Inactive" },
        |_| {},
    );
    address(o, rng, "state", |rng| format!("Floor {}", rng.range(1, 40)));
    o.str(
        "phoneNumber",
        &format!("{}555{:04}", rng.range(200, 999), rng.range(0, 9999)),
    );
    if rng.chance(40) {
        o.str(
            "faxNumber",
            &format!("{}555{:04}", rng.range(200, 999), rng.range(0, 9999)),
        );
    }
    o.str("website", &format!("www.{}.com", identifier.to_lowercase()));
    let terr = rng.below(TERRITORIES.len() as u64) as usize;
    o.reference(
        "territory",
        ("location_href", "system/locations"),
        terr as i64 + 2,
        None,
        TERRITORIES[terr],
        |_| {},
    );
    o.str("accountNumber", &format!("AC{:06}", rng.range(0, 999_999)));
    contact_ref(o, rng, "defaultContact");
    o.str("dateAcquired", &rng.day());
    if rng.chance(50) {
        o.float("annualRevenue", rng.amount(5_000_000));
    }
    o.int("numberOfEmployees", rng.range(1, 2000));
    o.bool("leadFlag", rng.chance(10));
    o.bool("unsubscribeFlag", rng.chance(5));
    if rng.chance(30) {
        o.str(
            "taxIdentifier",
            &format!("{:02}-{:07}", rng.range(10, 99), rng.range(0, 9_999_999)),
        );
    }
    o.reference(
        "billingTerms",
        ("billingTerms_href", "finance/billingTerms"),
        1,
        None,
        rng.pick(&["Net 30 days", "Net 15 days", "Due on receipt"]),
        |_| {},
    );
    o.reference(
        "billToCompany",
        ("company_href", "company/companies"),
        id,
        Some(&identifier),
        &name,
        |_| {},
    );
    let site_id = rng.range(1000, 30_000);
    let sites = format!("company/companies/{id}/sites");
    o.reference(
        "billingSite",
        ("site_href", &sites),
        site_id,
        None,
        "Main",
        |_| {},
    );
    if rng.chance(60) {
        contact_ref(o, rng, "billingContact");
    }
    let deleted = rng.chance(2);
    o.bool("deletedFlag", deleted);
    if deleted {
        o.str("dateDeleted", &rng.date());
    }
    o.str("mobileGuid", &rng.guid());
    member_ref(o, rng, "territoryManager");
    o.bool("isVendorFlag", rng.chance(8));
    let n_types = rng.range(1, 2);
    o.raw_array("types", |out| {
        for t in 0..n_types {
            if t > 0 {
                out.push(',');
            }
            let (tid, tname) = [(1, "Client"), (5, "Prospect"), (3, "Vendor")][t as usize];
            let mut o = Obj::open(out);
            o.int("id", tid);
            o.str("name", tname);
            o.obj("_info", |i| {
                i.str("type_href", &format!("{API}/company/companies/types/{tid}"))
            });
            o.close();
        }
    });
    o.reference("site", ("site_href", &sites), site_id, None, "Main", |_| {});
    if rng.chance(20) {
        o.strs("integratorTags", &[rng.pick(TAGS)]);
    }
    o.custom_fields(rng);
    let links: Vec<(&str, String)> = [
        ("contacts_href", "company/contacts?conditions=company/id="),
        (
            "agreements_href",
            "finance/agreements?conditions=company/id=",
        ),
        ("tickets_href", "service/tickets?conditions=company/id="),
        (
            "opportunities_href",
            "sales/opportunities?conditions=company/id=",
        ),
        ("activities_href", "sales/activities?conditions=company/id="),
        ("projects_href", "project/projects?conditions=company/id="),
        (
            "configurations_href",
            "company/configurations?conditions=company/id=",
        ),
        ("orders_href", "sales/orders?conditions=company/id="),
        (
            "documents_href",
            "system/documents?recordType=Company&recordId=",
        ),
        ("sites_href", "company/companies/ID/sites"),
        ("teams_href", "company/companies/ID/teams"),
        ("notes_href", "company/companies/ID/notes"),
    ]
    .iter()
    .map(|(k, path)| {
        let url = if path.contains("/ID/") {
            format!("{API}/{}", path.replace("ID", &id.to_string()))
        } else {
            format!("{API}/{path}{id}")
        };
        (*k, url)
    })
    .collect();
    info(o, rng, &links);
}

fn member(o: &mut Obj<'_>, rng: &mut Rng, id: i64) {
    let (first, last, login) = person(rng);
    let login = format!("{login}{id}");
    let email = format!(
        "{}.{}@msp.example.com",
        ascii_lower(&first),
        ascii_lower(&last)
    );
    o.int("id", id);
    o.str("identifier", &login);
    o.bool("disableOnlineFlag", rng.chance(5));
    o.str("licenseClass", rng.pick(&["F", "F", "F", "A", "C", "X"]));
    if rng.chance(30) {
        // Free text as typed into the UI, line breaks and all.
        o.str(
            "notes",
            &format!(
                "Started {}.\r\nCertifications: {}, {}.\r\n\"On call\" every {} weeks.",
                rng.day(),
                rng.pick(WORDS),
                rng.pick(WORDS),
                rng.range(2, 6)
            ),
        );
    }
    let inactive = rng.chance(10);
    if inactive {
        o.str("inactiveDate", &rng.date());
    }
    o.bool("inactiveFlag", inactive);
    o.str("firstName", &first);
    if rng.chance(40) {
        o.str("middleInitial", rng.pick(&["A", "J", "M", "R"]));
    }
    o.str("lastName", &last);
    o.str("hireDate", &rng.day());
    o.str("officeEmail", &email);
    if rng.chance(30) {
        o.str("mobileEmail", &format!("{login}@mobile.example.com"));
    }
    o.str(
        "defaultEmail",
        rng.pick(&["Office", "Office", "Mobile", "Home"]),
    );
    o.str("primaryEmail", &email);
    o.str(
        "officePhone",
        &format!("{}555{:04}", rng.range(200, 999), rng.range(0, 9999)),
    );
    if rng.chance(60) {
        o.str(
            "mobilePhone",
            &format!("{}555{:04}", rng.range(200, 999), rng.range(0, 9999)),
        );
    }
    o.str("defaultPhone", rng.pick(&["Office", "Mobile", "Home"]));
    let role = rng.pick(&["Admin", "Technician", "Dispatcher", "Sales", "Finance"]);
    o.reference(
        "securityRole",
        ("securityRole_href", "system/securityroles"),
        rng.range(1, 30),
        None,
        role,
        |_| {},
    );
    o.str(
        "title",
        rng.pick(&[
            "Service Technician",
            "Network Engineer",
            "Service Manager",
            "Account Manager",
        ]),
    );
    o.reference(
        "type",
        ("type_href", "system/members/types"),
        rng.range(1, 4),
        None,
        rng.pick(&["Full Time", "Part Time", "Contractor"]),
        |_| {},
    );
    o.bool("adminFlag", rng.chance(5));
    let terr = rng.below(TERRITORIES.len() as u64) as usize;
    o.reference(
        "defaultLocation",
        ("location_href", "system/locations"),
        terr as i64 + 2,
        None,
        TERRITORIES[terr],
        |_| {},
    );
    let (dep_code, dep) = DEPARTMENTS[rng.below(DEPARTMENTS.len() as u64) as usize];
    o.reference(
        "defaultDepartment",
        ("department_href", "system/departments"),
        10,
        Some(dep_code),
        dep,
        |_| {},
    );
    member_ref(o, rng, "reportsTo");
    o.reference(
        "workRole",
        ("workRole_href", "time/workRoles"),
        rng.range(1, 20),
        None,
        rng.pick(&["Engineer", "Senior Engineer", "Project Manager"]),
        |_| {},
    );
    o.reference(
        "workType",
        ("workType_href", "time/workTypes"),
        rng.range(1, 10),
        None,
        rng.pick(&["Remote Support", "Onsite", "After Hours"]),
        |o| o.bool("utilizationFlag", true),
    );
    member_ref(o, rng, "timeApprover");
    member_ref(o, rng, "expenseApprover");
    o.float("dailyCapacity", 8.0);
    o.float("hourlyCost", rng.amount(120));
    o.float("hourlyRate", rng.amount(250));
    let (board_id, board) = BOARDS[rng.below(BOARDS.len() as u64) as usize];
    o.reference(
        "serviceDefaultBoard",
        ("board_href", "service/boards"),
        board_id,
        None,
        board,
        |_| {},
    );
    let excluded: Vec<i64> = (0..rng.range(0, 3)).map(|i| i * 3 + 2).collect();
    o.ints("excludedServiceBoardIds", &excluded);
    let teams: Vec<i64> = (0..rng.range(1, 3)).map(|i| 20 + i).collect();
    o.ints("teams", &teams);
    o.custom_fields(rng);
    let links = [(
        "image_href",
        format!("{API}/system/members/{login}/image?lm={}", rng.date()),
    )];
    info(o, rng, &links);
}
