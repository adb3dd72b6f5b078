//! Deterministic sample data generated from the models' fields and types, as the runtime's
//! condition schema gives them (`connectwise::__private::CONDITION_SCHEMA`, read as a
//! [`Schema`]): field names, strings, integers, numbers, booleans, dates, enums (their wire
//! values), nested objects, references and lists.
//!
//! Every value is a function of (seed, resource, parent ids, row id), drawn from a small
//! splitmix64 generator, so the same seed gives the same data in any order of requests.
//!
//! - Ids are `1..=n`. Top-level resources have `rows` rows; child resources have 1 to
//!   `child_rows` rows per parent (any positive parent id has children).
//! - Reference fields (`*Reference` models: `status`, `company`, `board`) are `{id, name |
//!   identifier, _info}` objects whose name is a function of the referenced kind and id, the
//!   same function that names the rows of that kind's own resource: `company/id = 7` and
//!   `company/name = 'Contoso 2'` find the same tickets, and `GET /company/companies/7` has
//!   that name too. Kinds with a fixed vocabulary (statuses, boards, priorities, sources,
//!   locations, departments) take their names from it and have that many rows, so
//!   `status/name = 'New'` finds about one ticket in six.
//! - Strings look like what their field holds (`summary`: "Printer offline in the
//!   warehouse", `email`, `phone`, `city`, ...); enums take one of their values; dates fall in
//!   2023-2024; nested objects are filled two levels deep, lists of objects get up to two
//!   elements; free-form JSON is an empty object (a custom field's value is text); maps are
//!   empty but for `_info` (`lastUpdated`, `updatedBy`).
//! - String formats of the spec are honoured (`uuid`: a version 4 UUID, `byte`: base64), and
//!   text fields named like dates (`date`, `dateEntered`, `closedDate`) hold date-times, as
//!   the API writes them, so a client that validates formats accepts every value.
//!
//! Every field is optional in the generated models, so a field the generator leaves out (too
//! deep) still decodes.

use crate::api::Api;
use crate::store::Parents;
use connectwise::registry::{Resource, Segment};
use connectwise_conditions::schema::{FieldType, ModelSchema};
use connectwise_conditions::Schema;
use serde_json::{Map, Value};

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Params {
    pub seed: u64,
    /// Rows of a top-level resource.
    pub rows: u32,
    /// At most this many rows per parent for a child resource.
    pub child_rows: u32,
}

/// A small, fast, seedable generator (splitmix64).
pub(crate) struct Rng(u64);

impl Rng {
    pub fn new(parts: &[u64]) -> Rng {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for p in parts {
            state = mix(state ^ p.wrapping_mul(0xbf58_476d_1ce4_e5b9));
        }
        Rng(state)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix(self.0)
    }

    /// `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T: AsRef<str>>(&mut self, items: &'a [T]) -> &'a str {
        items[self.below(items.len() as u64) as usize].as_ref()
    }
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// FNV-1a of a string, to seed per resource.
pub(crate) fn hash_str(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The rows of one resource under one parent (`parents`: grandparent and parent ids).
pub(crate) fn rows(api: &Api, params: &Params, resource: Resource, parents: Parents) -> Vec<Value> {
    let count = row_count(params, resource, parents);
    let generator = Generator {
        api,
        schema: &api.schema,
        params,
        parent_fields: parent_fields(&api.schema, resource, parents),
    };
    (1..=count as i32)
        .map(|id| generator.entity(resource, parents, id))
        .collect()
}

/// A value of the model named `model` (a Rust name of the schema), for an operation's
/// answer: a function of the seed and `parts`. `{}` for a model the schema lacks.
pub(crate) fn model_value(api: &Api, params: &Params, model: &str, parts: &[u64]) -> Value {
    let mut seed = vec![params.seed, hash_str(model)];
    seed.extend_from_slice(parts);
    let mut rng = Rng::new(&seed);
    let generator = Generator {
        api,
        schema: &api.schema,
        params,
        parent_fields: Vec::new(),
    };
    match api.schema.model(model) {
        Some(m) => generator.object(m, &mut rng, 0, None),
        None => Value::Object(Map::new()),
    }
}

/// Some bytes, a function of the seed and `parts`: what a download answers.
pub(crate) fn bytes(params: &Params, parts: &[u64]) -> Vec<u8> {
    let mut seed = vec![params.seed];
    seed.extend_from_slice(parts);
    let mut rng = Rng::new(&seed);
    let n = 64 + rng.below(192) as usize;
    let mut out = b"connectwise-mock file\n".to_vec();
    out.extend((0..n).map(|_| rng.next_u64() as u8));
    out
}

fn row_count(params: &Params, resource: Resource, parents: Parents) -> u32 {
    let info = resource.info();
    if let Some(vocabulary) = vocabulary(kind_of(info.model)) {
        return vocabulary.len() as u32;
    }
    if info.keys.is_empty() {
        params.rows
    } else {
        let mut rng = Rng::new(&[
            params.seed,
            hash_str(info.name),
            parents.0.unwrap_or(0) as u64,
            parents.1.unwrap_or(0) as u64,
        ]);
        1 + rng.below(u64::from(params.child_rows.max(1))) as u32
    }
}

struct Generator<'a> {
    /// For the fields' string formats.
    api: &'a Api,
    schema: &'a Schema,
    params: &'a Params,
    /// Fields of a child row that hold its parent's id (`ticketId` under
    /// `/service/tickets/{parentId}/notes`), with that id.
    parent_fields: Vec<(String, i32)>,
}

/// The fields of `resource`'s model that name a parent of the path, with the parent's id:
/// `<segment>Id` where the path segment before `{parentId}` (or `{grandparentId}`) starts
/// with `<segment>` (`purchaseOrderId` for `purchaseorders/{parentId}`).
pub(crate) fn parent_fields(
    schema: &Schema,
    resource: Resource,
    parents: Parents,
) -> Vec<(String, i32)> {
    let info = resource.info();
    let Some(model) = schema.model(info.model) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for pair in info.segments.windows(2) {
        let (Segment::Literal(collection), Segment::Param { name, .. }) = (pair[0], pair[1]) else {
            continue;
        };
        let id = match name.to_ascii_lowercase().as_str() {
            "parentid" => parents.1,
            "grandparentid" => parents.0,
            _ => None,
        };
        let Some(id) = id else { continue };
        let collection = collection.to_ascii_lowercase();
        for field in model.fields() {
            let Some(prefix) = field.name.strip_suffix("Id") else {
                continue;
            };
            if !prefix.is_empty()
                && field.ty == FieldType::Integer
                && collection.starts_with(&prefix.to_ascii_lowercase())
            {
                out.push((field.name.clone(), id));
            }
        }
    }
    out
}

/// How deep nested (non-reference) objects are filled.
const MAX_DEPTH: usize = 2;

impl Generator<'_> {
    fn entity(&self, resource: Resource, parents: Parents, id: i32) -> Value {
        let info = resource.info();
        let mut rng = Rng::new(&[
            self.params.seed,
            hash_str(info.name),
            parents.0.unwrap_or(0) as u64,
            parents.1.unwrap_or(0) as u64,
            id as u64,
        ]);
        match self.schema.model(info.model) {
            Some(model) => {
                let mut row = self.object(model, &mut rng, 0, Some(id));
                if let Value::Object(map) = &mut row {
                    for (field, parent) in &self.parent_fields {
                        map.insert(field.clone(), Value::from(*parent));
                    }
                }
                row
            }
            None => serde_json::json!({ "id": id }),
        }
    }

    /// An object of `model`; `id` is the row id for a resource's own entity (a resource's
    /// rows are whole records even when its model is a `*Reference`, so that their ids are
    /// the row ids).
    fn object(&self, model: &ModelSchema, rng: &mut Rng, depth: usize, id: Option<i32>) -> Value {
        if id.is_none() && is_reference(model.name()) {
            return self.reference(model, rng);
        }
        let kind = kind_of(model.name());
        let row = id.unwrap_or_else(|| 1 + rng.below(u64::from(self.params.rows.max(1))) as i32);
        // The schema's fields are sorted by name: collected, they build the map without
        // searching it once per field.
        let mut fields = Vec::with_capacity(model.fields().len());
        for field in model.fields() {
            let value = if field.name == "id" && field.ty == FieldType::Integer {
                Some(Value::from(row))
            } else {
                let ctx = FieldCtx {
                    json: &field.name,
                    model: model.name(),
                    kind,
                    row,
                };
                self.value(&field.ty, &ctx, rng, depth)
            };
            if let Some(v) = value {
                fields.push((field.name.clone(), v));
            }
        }
        Value::Object(fields.into_iter().collect())
    }

    /// `{id, name, identifier, _info}` (the fields of those names the model has).
    fn reference(&self, model: &ModelSchema, rng: &mut Rng) -> Value {
        let kind = kind_of(model.name());
        let cardinality = vocabulary(kind).map_or(self.params.rows, |v| v.len() as u32);
        let id = 1 + rng.below(u64::from(cardinality.max(1))) as i32;
        let mut map = Map::new();
        for field in model.fields() {
            let value = match (field.name.as_str(), &field.ty) {
                ("id", FieldType::Integer) => Value::from(id),
                ("name", FieldType::String) => Value::from(name_of(kind, id)),
                ("identifier", FieldType::String) => Value::from(identifier_of(kind, id)),
                ("_info", ty) => {
                    let ctx = FieldCtx {
                        json: "_info",
                        model: model.name(),
                        kind,
                        row: id,
                    };
                    match self.value(ty, &ctx, rng, MAX_DEPTH) {
                        Some(v) => v,
                        None => continue,
                    }
                }
                _ => continue,
            };
            map.insert(field.name.clone(), value);
        }
        Value::Object(map)
    }

    fn value(
        &self,
        ty: &FieldType,
        ctx: &FieldCtx<'_>,
        rng: &mut Rng,
        depth: usize,
    ) -> Option<Value> {
        Some(match ty {
            FieldType::String => Value::from(match self.api.format(ctx.model, ctx.json) {
                Some("uuid") => uuid(rng),
                Some("byte") => base64_of(rng),
                _ if named_like_a_date(ctx.json) => date_time(rng),
                _ => string_for(ctx, rng),
            }),
            // Free-form JSON is `type: object` in the specs: an empty object, which a strict
            // client accepts; but a custom field's value is text, as the API sends it.
            FieldType::Any if ctx.model.ends_with("CustomFieldValue") => {
                Value::from(string_for(ctx, rng))
            }
            FieldType::Any => Value::Object(Map::new()),
            FieldType::Boolean => Value::from(match ctx.json {
                "success" => true,
                json => rng.chance(if json.ends_with("Flag") { 30 } else { 50 }),
            }),
            FieldType::Integer => Value::from(integer_for(ctx, rng, self.params.rows)),
            FieldType::Number => Value::from((rng.below(100_000) as f64) / 100.0),
            FieldType::DateTime => Value::from(date_time(rng)),
            FieldType::Date => Value::from(date_time(rng)[..10].to_owned()),
            FieldType::Enum(values) => {
                if values.is_empty() {
                    return None;
                }
                Value::from(rng.pick(values).to_owned())
            }
            FieldType::List(item) => {
                if matches!(**item, FieldType::Object(_)) && depth >= MAX_DEPTH {
                    return None;
                }
                let n = rng.below(3);
                let items: Vec<Value> = (0..n)
                    .filter_map(|_| self.value(item, ctx, rng, depth + 1))
                    .collect();
                Value::Array(items)
            }
            FieldType::Map => {
                let mut map = Map::new();
                if ctx.json == "_info" {
                    map.insert("lastUpdated".into(), Value::from(date_time(rng)));
                    map.insert(
                        "updatedBy".into(),
                        Value::from(identifier_of("Member", 1 + rng.below(20) as i32)),
                    );
                }
                Value::Object(map)
            }
            FieldType::Object(name) => {
                let model = self.schema.model(name)?;
                if !is_reference(name) && depth >= MAX_DEPTH {
                    return None;
                }
                self.object(model, rng, depth + 1, None)
            }
        })
    }
}

/// Where a value goes: its property name, the model and kind of the object it is in, the
/// object's id.
struct FieldCtx<'a> {
    json: &'a str,
    model: &'a str,
    kind: &'a str,
    row: i32,
}

/// A short link to another record: `CompanyReference`, `ServiceStatusReference`.
fn is_reference(model: &str) -> bool {
    model.ends_with("Reference")
}

/// The kind of record a model describes: `CompanyReference` and `Company` are both `Company`.
fn kind_of(model: &str) -> &str {
    model.strip_suffix("Reference").unwrap_or(model)
}

const STATUSES: &[&str] = &[
    "New",
    "In Progress",
    "Waiting Customer",
    "Scheduled",
    "Completed",
    "Closed",
];
const BOARDS: &[&str] = &[
    "Help Desk",
    "Professional Services",
    "Projects",
    "Alerts",
    "Sales Support",
];
const PRIORITIES: &[&str] = &[
    "Priority 1 - Emergency Response",
    "Priority 2 - Quick Response",
    "Priority 3 - Normal Response",
    "Priority 4 - Schedule Maintenance",
];
const SOURCES: &[&str] = &["Phone", "Email", "Portal", "Walk In", "Monitoring"];
const LOCATIONS: &[&str] = &["On-Site", "Remote", "In-House"];
const DEPARTMENTS: &[&str] = &["Services", "Sales", "Administration", "Engineering"];
const COMPANIES: &[&str] = &[
    "Contoso",
    "Fabrikam",
    "Northwind Traders",
    "Adventure Works",
    "Tailspin Toys",
    "Wide World Importers",
    "Litware",
    "Proseware",
    "Woodgrove Bank",
    "Alpine Ski House",
    "Blue Yonder Airlines",
    "Coho Winery",
    "Fourth Coffee",
    "Lucerne Publishing",
    "Margie's Travel",
    "Trey Research",
];
/// Twenty first names with twenty different initials, so that identifiers (`jsmith`) are
/// unique: with `person`'s mapping, ids 1..=400 are 400 different (first, last) pairs.
const FIRST_NAMES: &[&str] = &[
    "Alice", "Ben", "Carlos", "Diana", "Emma", "Fatima", "Grace", "Hiro", "Ivan", "John", "Kenji",
    "Li", "Mary", "Noah", "Olivia", "Priya", "Quinn", "Rosa", "Sofia", "Tom",
];
const LAST_NAMES: &[&str] = &[
    "Smith", "Johnson", "Garcia", "Chen", "Müller", "Rossi", "Patel", "Kowalski", "Brown",
    "Nguyen", "Silva", "Tanaka", "Dubois", "O'Brien", "Larsen", "Hughes", "Khan", "Moreau",
    "Novak", "Fischer",
];
const PROBLEMS: &[&str] = &[
    "Printer offline",
    "Cannot print to shared printer",
    "Email not syncing",
    "VPN connection drops",
    "Laptop will not boot",
    "New user setup",
    "Password reset",
    "Outlook keeps crashing",
    "Slow network",
    "Server disk almost full",
    "Backup job failed",
    "Phone system down",
    "Printer paper jam",
    "Install accounting software",
    "Wi-Fi not reachable",
    "Monitor flickering",
];
const PLACES: &[&str] = &[
    "in the warehouse",
    "at the front desk",
    "on the 3rd floor",
    "for the sales team",
    "in accounting",
    "at the branch office",
    "for the CEO",
    "in the conference room",
];
const CITIES: &[&str] = &[
    "Tampa", "Chicago", "Denver", "Seattle", "Austin", "Boston", "Atlanta", "Phoenix",
];
const STATES: &[&str] = &["FL", "IL", "CO", "WA", "TX", "MA", "GA", "AZ"];
const WORDS: &[&str] = &[
    "customer",
    "called",
    "about",
    "the",
    "printer",
    "issue",
    "checked",
    "network",
    "cable",
    "replaced",
    "toner",
    "rebooted",
    "server",
    "updated",
    "drivers",
    "resolved",
    "waiting",
    "for",
    "parts",
    "scheduled",
    "visit",
    "email",
    "account",
    "license",
    "renewed",
];

/// A fixed vocabulary for kinds that have one.
fn vocabulary(kind: &str) -> Option<&'static [&'static str]> {
    let k = kind.to_ascii_lowercase();
    if k.ends_with("status") {
        Some(STATUSES)
    } else if k.ends_with("board") {
        Some(BOARDS)
    } else if k.ends_with("priority") {
        Some(PRIORITIES)
    } else if k.ends_with("source") {
        Some(SOURCES)
    } else if k.ends_with("location") {
        Some(LOCATIONS)
    } else if k.ends_with("department") {
        Some(DEPARTMENTS)
    } else {
        None
    }
}

/// The `n`-th name of a list, with a number once the list has been used up:
/// `Contoso`, ..., `Trey Research`, `Contoso 2`.
fn cycled(list: &[&str], id: i32) -> String {
    let i = (id.max(1) - 1) as usize;
    let round = i / list.len();
    if round == 0 {
        list[i % list.len()].to_owned()
    } else {
        format!("{} {}", list[i % list.len()], round + 1)
    }
}

fn is_person(kind: &str) -> bool {
    matches!(kind, "Member" | "Contact") || kind.ends_with("Member") || kind.ends_with("Contact")
}

fn person(id: i32) -> (&'static str, &'static str) {
    let i = id.max(1) as usize - 1;
    (
        FIRST_NAMES[i % FIRST_NAMES.len()],
        LAST_NAMES[(i / FIRST_NAMES.len() + i * 7) % LAST_NAMES.len()],
    )
}

/// The name of record `id` of `kind`: the same for a reference and for the record itself.
pub(crate) fn name_of(kind: &str, id: i32) -> String {
    if let Some(v) = vocabulary(kind) {
        return v[(id.max(1) as usize - 1) % v.len()].to_owned();
    }
    if kind == "Company" || kind.ends_with("Company") {
        return cycled(COMPANIES, id);
    }
    if is_person(kind) {
        let (first, last) = person(id);
        return format!("{first} {last}");
    }
    format!("{} {id}", words_of(kind))
}

/// The identifier of record `id` of `kind`: `Contoso2`, `jsmith`.
fn identifier_of(kind: &str, id: i32) -> String {
    if is_person(kind) {
        let (first, last) = person(id);
        let first = first.chars().next().unwrap_or('x');
        let last: String = last.chars().filter(char::is_ascii_alphabetic).collect();
        let n = (id.max(1) as usize - 1) / (FIRST_NAMES.len() * LAST_NAMES.len());
        let suffix = if n == 0 { String::new() } else { n.to_string() };
        return format!("{first}{last}{suffix}").to_ascii_lowercase();
    }
    name_of(kind, id)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect()
}

/// `ServiceStatus` -> `Service Status`.
fn words_of(kind: &str) -> String {
    let mut out = String::with_capacity(kind.len() + 4);
    for (i, c) in kind.chars().enumerate() {
        if i > 0 && c.is_ascii_uppercase() {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

fn sentence(rng: &mut Rng, words: u64) -> String {
    let n = 4 + rng.below(words);
    let mut s = String::new();
    for i in 0..n {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(rng.pick(WORDS));
    }
    s.push('.');
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => s,
    }
}

fn string_for(ctx: &FieldCtx<'_>, rng: &mut Rng) -> String {
    let f = ctx.json.to_ascii_lowercase();
    let (first, last) = person(ctx.row);
    match f.as_str() {
        "summary" | "subject" | "title" => {
            format!("{} {}", rng.pick(PROBLEMS), rng.pick(PLACES))
        }
        "name" | "companyname" => name_of(ctx.kind, ctx.row),
        "identifier" => identifier_of(ctx.kind, ctx.row),
        "firstname" => first.to_owned(),
        "lastname" => last.to_owned(),
        "city" => rng.pick(CITIES).to_owned(),
        "state" | "stateidentifier" => rng.pick(STATES).to_owned(),
        "zip" | "postalcode" => format!("{:05}", 10_000 + rng.below(89_999)),
        "country" => "United States".to_owned(),
        _ if f.contains("email") => {
            let last: String = last.chars().filter(char::is_ascii_alphabetic).collect();
            format!("{first}.{last}@example.com").to_ascii_lowercase()
        }
        _ if f.contains("phone") || f.contains("fax") => {
            format!("555-01{:02}", rng.below(100))
        }
        _ if f.contains("address") => format!("{} Main Street", 1 + rng.below(999)),
        _ if f.contains("url") || f.contains("website") => "https://www.example.com".to_owned(),
        _ if f.contains("text")
            || f.contains("note")
            || f.contains("description")
            || f.contains("comment") =>
        {
            sentence(rng, 12)
        }
        _ if f.ends_with("name") => name_of(ctx.kind, ctx.row),
        _ if f.ends_with("by") => identifier_of("Member", 1 + rng.below(20) as i32),
        _ => format!("{} {}", words_of(ctx.json), 1 + rng.below(999)),
    }
}

fn integer_for(ctx: &FieldCtx<'_>, rng: &mut Rng, rows: u32) -> i64 {
    let f = ctx.json.to_ascii_lowercase();
    if f.ends_with("id") {
        1 + rng.below(u64::from(rows.max(1))) as i64
    } else if f.contains("year") {
        2020 + rng.below(6) as i64
    } else {
        rng.below(100) as i64
    }
}

/// Whether a text field without a format holds a date as the API writes them (a date-time):
/// `date`, `dateEntered`, `closedDate`, `lastUpdatedDateUtc`, not `dateFilter`-like names of
/// other things (`dateFormat`, `dateFilter`) nor flags.
pub(crate) fn named_like_a_date(json: &str) -> bool {
    let rest = match json.strip_prefix("date") {
        Some("") => return true,
        Some(rest) => rest,
        None => {
            return json.ends_with("Date")
                || json.ends_with("DateUtc")
                || json.ends_with("DateTime")
        }
    };
    rest.starts_with(|c: char| c.is_ascii_uppercase())
        && !["Format", "Filter", "Caption", "Type", "Range", "Option"]
            .iter()
            .any(|w| rest.contains(w))
}

/// A version 4 UUID, lower-case: `0f8fad5b-d9cb-469f-a165-70867728950e`.
fn uuid(rng: &mut Rng) -> String {
    let (a, b) = (rng.next_u64(), rng.next_u64());
    format!(
        "{:08x}-{:04x}-4{:03x}-{:x}{:03x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        8 + (b >> 62),
        (b >> 48) & 0xfff,
        b & 0xffff_ffff_ffff
    )
}

/// Some bytes as standard base64, what a `byte` field holds.
fn base64_of(rng: &mut Rng) -> String {
    use base64::Engine;
    let n = 3 + rng.below(30) as usize;
    let bytes: Vec<u8> = (0..n).map(|_| rng.next_u64() as u8).collect();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A date-time in 2023-2024, whole seconds, UTC: `2024-03-05T14:07:00Z`.
fn date_time(rng: &mut Rng) -> String {
    const START: i64 = 1_672_531_200; // 2023-01-01T00:00:00Z
    format_date_time(START + rng.below(2 * 365 * 86_400) as i64)
}

/// Now, as the API writes `_info/lastUpdated`: `2024-03-05T14:07:00Z`.
pub(crate) fn now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    format_date_time(secs)
}

/// Seconds since 1970-01-01T00:00:00Z as `2024-03-05T14:07:00Z`.
fn format_date_time(secs: i64) -> String {
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// Days since 1970-01-01 -> (year, month, day) (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
    }

    #[test]
    fn names_agree_between_references_and_records() {
        assert_eq!(name_of("Company", 1), "Contoso");
        assert_eq!(name_of("Company", 17), "Contoso 2");
        assert_eq!(name_of("ServiceStatus", 1), "New");
        assert_eq!(name_of("BoardStatus", 1), "New");
        assert_eq!(name_of("Board", 1), "Help Desk");
        assert_eq!(name_of("ServiceType", 3), "Service Type 3");
        assert_eq!(identifier_of("Company", 17), "Contoso2");
        assert_eq!(identifier_of("Member", 1), "asmith");
        let ids: std::collections::BTreeSet<String> =
            (1..=400).map(|i| identifier_of("Member", i)).collect();
        assert_eq!(ids.len(), 400);
    }

    /// Whether `value` is of type `ty` as the schema says.
    fn conforms(schema: &Schema, ty: &FieldType, value: &Value) -> Result<(), String> {
        let ok = match (ty, value) {
            (FieldType::String, Value::String(_)) | (FieldType::Any, _) => true,
            (FieldType::Integer, v) => v.is_i64(),
            (FieldType::Number, v) => v.is_number(),
            (FieldType::Boolean, v) => v.is_boolean(),
            (FieldType::DateTime, Value::String(s)) => s.len() == 20 && s.ends_with('Z'),
            (FieldType::Date, Value::String(s)) => s.len() == 10,
            (FieldType::Enum(values), Value::String(s)) => values.contains(s),
            (FieldType::Map, v) => v.is_object(),
            (FieldType::List(item), Value::Array(items)) => {
                return items.iter().try_for_each(|v| conforms(schema, item, v))
            }
            (FieldType::Object(name), Value::Object(map)) => {
                let model = schema.model(name).ok_or(format!("no model {name}"))?;
                return map.iter().try_for_each(|(k, v)| {
                    let field = model.field(k).ok_or(format!("{name} has no {k}"))?;
                    conforms(schema, &field.ty, v).map_err(|e| format!("{k}: {e}"))
                });
            }
            _ => false,
        };
        ok.then_some(())
            .ok_or_else(|| format!("{value} is not {}", ty.describe()))
    }

    #[test]
    fn every_resource_has_rows_of_its_models_fields_and_types() {
        let api = crate::api::Api::get().unwrap();
        let schema = &api.schema;
        let params = Params {
            seed: 3,
            rows: 5,
            child_rows: 2,
        };
        for resource in Resource::ALL {
            let info = resource.info();
            let parents = match info.keys.len() {
                0 => (None, None),
                1 => (None, Some(4)),
                _ => (Some(2), Some(4)),
            };
            let rows = rows(api, &params, resource, parents);
            assert!(!rows.is_empty(), "{}", info.name);
            assert_eq!(rows, super::rows(api, &params, resource, parents));
            // Ids 1, 2, ... where the model has an id (`PortalSecurity` has none).
            let has_id = schema
                .model(info.model)
                .is_some_and(|m| m.field("id").is_some());
            for (i, row) in rows.iter().enumerate() {
                let model = FieldType::Object(info.model.to_owned());
                conforms(schema, &model, row).unwrap_or_else(|e| panic!("{}: {e}", info.name));
                if has_id {
                    assert_eq!(row["id"], i + 1, "{}", info.name);
                } else {
                    assert!(row.get("id").is_none(), "{}", info.name);
                }
            }
        }
        let notes = rows(api, &params, Resource::ServiceNote, (None, Some(4)));
        assert!(notes.iter().all(|n| n["ticketId"] == 4));
    }

    #[test]
    fn the_generator_is_deterministic_and_seed_dependent() {
        let a: Vec<u64> = (0..5).map(|_| Rng::new(&[1, 2]).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(Rng::new(&[1, 2]).next_u64(), Rng::new(&[1, 3]).next_u64());
    }
}
