//! The bundle response decoder: bytes of a `POST /system/bundles` answer in, typed models out.
//!
//! Each input is decoded for a bundle of seven sub-requests of every shape (lists of
//! `Ticket` and `Member`, a `Company` and a `ServiceNote` by id, a raw list of JSON values, a
//! count, a raw get) two ways, through the crate's public API only:
//!
//! - `Bundle::decode_response`, what `Bundle::send` does: entities decoded into the models in
//!   the one pass over the body where the order allows;
//! - `BundleResults::decode`, which leaves every result to be decoded on `take`;
//! - `Bundle::decoder`, the same one pass while the body arrives (what `Bundle::send` does
//!   since issue 13), fed the input in pieces of 1 to 13 bytes (sizes fixed by the input).
//!
//! Then every sub-result is taken, twice from the one-pass results (a second `take` decodes
//! again). The properties: nothing panics, the three ways agree (all fail with the same error,
//! or give equal results for every sub-request), and a second `take` gives what the first did.

use crate::engine::{signature, Outcome, Target};
use crate::mutate::Mutator;
use crate::targets::{read, read_dir, SeedError};
use connectwise::models::{Company, Member, ServiceNote, Ticket};
use connectwise::{Bundle, BundleResults, Handle, ItemError, ItemErrorKind, RawRequest};
use serde_json::Value;
use std::fmt::Debug;

/// Tokens of the envelope and of the models' fields.
const DICTIONARY: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ":",
    ",",
    "\"",
    "\\",
    "null",
    "true",
    "false",
    "\"\"",
    "{}",
    "[]",
    "\"results\"",
    "\"Results\"",
    "\"sequenceNumber\"",
    "\"SequenceNumber\"",
    "\"entities\"",
    "\"Entities\"",
    "\"data\"",
    "\"entity\"",
    "\"count\"",
    "\"success\"",
    "\"statusCode\"",
    "\"error\"",
    "\"code\"",
    "\"message\"",
    "\"errors\"",
    "\"_info\"",
    "\"resourceType\"",
    "\"resouceType\"",
    "\"ResourceName\"",
    "\"version\"",
    "\"id\"",
    "\"summary\"",
    "\"name\"",
    "\"identifier\"",
    "\"board\"",
    "\"status\"",
    "\"company\"",
    "\"closedFlag\"",
    "\"severity\"",
    "\"recordType\"",
    "\"customFields\"",
    "\"value\"",
    "\"type\"",
    "\"requiredDate\"",
    "\"budgetHours\"",
    "\"mobileGuid\"",
    "\"lastUpdated\"",
    "\"dateEntered\"",
    "\"licenseClass\"",
    "\"hourlyRate\"",
    "\"ticketId\"",
    "\"text\"",
    "\"annualRevenue\"",
    "\"2024-01-31T00:00:00Z\"",
    "\"2024-02-30T25:61:61+99:00\"",
    "\"0000-00-00\"",
    "\"3fa85f64-5717-4562-b3fc-2c963f66afa6\"",
    "\"Medium\"",
    "\"ServiceTicket\"",
    "\"Billable\"",
    "\"5\"",
    "\"-1\"",
    "\"1e3\"",
    "\"true\"",
    "\"\\u0000\"",
    "\"\\ud800\"",
    "\"\\ud83d\\ude00\"",
    "\"\\\"\"",
    "\\u",
    "\u{feff}",
    "{\"sequenceNumber\":1}",
    "{\"sequenceNumber\":6,\"count\":1}",
    "[{\"id\":1}]",
];

/// The sub-requests' handles, in push order.
struct Handles {
    tickets: Handle<Vec<Ticket>>,
    company: Handle<Company>,
    members: Handle<Vec<Member>>,
    raw_list: Handle<Vec<Value>>,
    note: Handle<ServiceNote>,
    count: Handle<u64>,
    raw_one: Handle<Value>,
}

/// The fuzzed bundle: every shape of sub-request. Handles cannot be copied, so each decode
/// gets a bundle of its own, built the same way.
fn bundle() -> (Bundle, Handles) {
    let mut b = Bundle::new();
    let handles = Handles {
        tickets: b.push(
            Ticket::list()
                .conditions("status/name = 'New'")
                .page_size(1000),
        ),
        company: b.push(Company::get(250)),
        members: b.push(Member::list()),
        raw_list: b.push(RawRequest::<Vec<Value>>::list("Company")),
        note: b.push(ServiceNote::get(1, 123)),
        count: b.push(Ticket::count()),
        raw_one: b.push(RawRequest::<Value>::get("Ticket", 1)),
    };
    (b, handles)
}

/// One sub-result, in a form to compare and sum up.
type Taken<T> = Result<T, ItemError>;

/// Every sub-result of one decode.
#[derive(Debug, PartialEq)]
struct All {
    tickets: Taken<Vec<Ticket>>,
    company: Taken<Company>,
    members: Taken<Vec<Member>>,
    raw_list: Taken<Vec<Value>>,
    note: Taken<ServiceNote>,
    count: Taken<u64>,
    raw_one: Taken<Value>,
}

impl All {
    fn take(r: &mut BundleResults, h: Handles) -> All {
        All {
            tickets: r.take(h.tickets),
            company: r.take(h.company),
            members: r.take(h.members),
            raw_list: r.take(h.raw_list),
            note: r.take(h.note),
            count: r.take(h.count),
            raw_one: r.take(h.raw_one),
        }
    }

    /// What each sub-result was: its length or value kind, or its error without numbers.
    fn sum_up(&self) -> Vec<String> {
        fn one<T: Debug>(t: &Taken<T>, what: impl Fn(&T) -> String) -> String {
            match t {
                Ok(v) => what(v),
                Err(e) => match &e.kind {
                    ItemErrorKind::Api { status_code, .. } => format!("api {}", status_code / 100),
                    ItemErrorKind::Decode { path, .. } => format!("decode at {path}"),
                    other => format!("{other}"),
                },
            }
        }
        [
            one(&self.tickets, |v| format!("{} tickets", v.len().min(3))),
            one(&self.company, |_| "company".into()),
            one(&self.members, |v| format!("{} members", v.len().min(3))),
            one(&self.raw_list, |v| format!("{} values", v.len().min(3))),
            one(&self.note, |_| "note".into()),
            one(&self.count, |_| "count".into()),
            one(&self.raw_one, |v| kind(v).into()),
        ]
        .into()
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The bundle response decoder target.
pub struct BundleTarget {
    seeds: Vec<(String, Vec<u8>)>,
}

impl BundleTarget {
    /// The target, with its seeds: the runtime's fixture (the seed page's response), the fake
    /// server's request fixtures (the seed page's bundle requests: the same tokens, another
    /// shape) and this crate's `corpus/bundle` responses.
    pub fn new() -> Result<BundleTarget, SeedError> {
        let mut seeds = vec![read("runtime/tests/fixtures/seed_response.json")?];
        seeds.extend(read_dir("mock/tests/fixtures", ".json")?);
        seeds.extend(read_dir("fuzz/corpus/bundle", ".json")?);
        Ok(BundleTarget { seeds })
    }

    /// Adds seeds.
    pub fn with_seeds(mut self, more: Vec<(String, Vec<u8>)>) -> Self {
        self.seeds.extend(more);
        self
    }
}

impl Target for BundleTarget {
    fn name(&self) -> &'static str {
        "bundle"
    }

    fn seeds(&self) -> Vec<(String, Vec<u8>)> {
        self.seeds.clone()
    }

    fn deep(&self, stage: &str) -> bool {
        matches!(stage, "ok")
    }

    fn mutator(&self) -> Mutator {
        Mutator::new(DICTIONARY, 64 << 10).json()
    }

    fn run(&mut self, input: &[u8]) -> Outcome {
        let (one_pass, one_pass_handles) = bundle();
        let (later, later_handles) = bundle();
        let (_, again_handles) = bundle();
        let (streamed, streamed_handles) = bundle();
        let first = one_pass.decode_response(input.to_vec(), "fuzz");
        let second = BundleResults::decode(input.to_vec(), later.requests(), "fuzz");
        let third = {
            let mut decoder = streamed.decoder("fuzz");
            let mut rest = input;
            let mut size = 1 + input.len() % 13;
            let mut fed = Ok(());
            while !rest.is_empty() && fed.is_ok() {
                let (piece, after) = rest.split_at(size.min(rest.len()));
                fed = decoder.feed(piece);
                rest = after;
                size = size % 13 + 1;
            }
            fed.and_then(|()| decoder.finish())
        };
        let mut third = match (&first, third) {
            (Err(a), Err(c)) => {
                if a.to_string() != c.to_string() {
                    return Err(format!(
                        "the one-pass and the streamed decode fail differently: {a} vs {c}"
                    ));
                }
                None
            }
            (Ok(_), Ok(c)) => Some(c),
            (Ok(_), Err(e)) => {
                return Err(format!(
                    "the streamed decode fails, the one-pass does not: {e}"
                ))
            }
            (Err(e), Ok(_)) => {
                return Err(format!(
                    "the one-pass decode fails, the streamed does not: {e}"
                ))
            }
        };
        match (first, second) {
            (Err(a), Err(b)) => {
                let (a, b) = (a.to_string(), b.to_string());
                if a != b {
                    return Err(format!(
                        "the one-pass and the lazy decode fail differently: {a:?} vs {b:?}"
                    ));
                }
                // Where and what, without the character found (the input's).
                let what = a.split(", found").next().unwrap_or_default();
                Ok(signature(&["envelope error", what]))
            }
            (Ok(_), Err(e)) | (Err(e), Ok(_)) => Err(format!(
                "one of the one-pass and the lazy decode fails, the other does not: {e}"
            )),
            (Ok(mut a), Ok(mut b)) => {
                let taken = All::take(&mut a, one_pass_handles);
                let taken_later = All::take(&mut b, later_handles);
                if taken != taken_later {
                    return Err(format!(
                        "the one-pass and the lazy decode disagree:\n{taken:?}\nvs\n{taken_later:?}"
                    ));
                }
                if let Some(c) = &mut third {
                    let taken_streamed = All::take(c, streamed_handles);
                    if taken != taken_streamed {
                        return Err(format!(
                            "the one-pass and the streamed decode disagree:\n{taken:?}\nvs\n{taken_streamed:?}"
                        ));
                    }
                    if a.info() != c.info() {
                        return Err("the one-pass and the streamed decode disagree on _info".into());
                    }
                }
                let taken_again = All::take(&mut a, again_handles);
                if taken != taken_again {
                    return Err(format!(
                        "a second take differs from the first:\n{taken:?}\nvs\n{taken_again:?}"
                    ));
                }
                let info = if a.info().is_empty() {
                    "no info"
                } else {
                    "info"
                };
                let mut parts = vec!["ok", info];
                let taken = taken.sum_up();
                parts.extend(taken.iter().map(String::as_str));
                Ok(signature(&parts))
            }
        }
    }
}
