//! A property test of the fake server's store through its HTTP API: random sequences of
//! creates, replaces, patches (every path form), deletes, refused patches and writes to
//! missing rows, on tickets and on the notes of three tickets, agree with a plain in-memory
//! model (a `BTreeMap` per table of what each row should be). After every write its answer
//! is checked; after every sequence, lists, get-by-id (404 for deleted rows), counts,
//! conditions, and a bundle (lists with conditions, child lists, a count) all see exactly the
//! model.
//!
//! The model compares rows without what the server alone decides: `_info` (checked to carry
//! `lastUpdated` on every written row) and a note's `dateCreated`/`createdBy` when the
//! create's body lacked them.

#[path = "support/http.rs"]
mod http;

use connectwise::models::Ticket;
use connectwise::{Bundle, RawRequest};
use connectwise_mock::MockServer;
use http::{call, urlencode};
use proptest::prelude::*;
use reqwest::Method;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// The parents whose notes the test writes.
const PARENTS: [i32; 3] = [1, 2, 3];
const SUMMARIES: [&str; 4] = ["Printer on fire", "VPN down", "New laptop", "Printer jam"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Table {
    Tickets,
    /// The notes of ticket `PARENTS[i]`.
    Notes(usize),
}

impl Table {
    fn path(self) -> String {
        match self {
            Table::Tickets => "/service/tickets".to_owned(),
            Table::Notes(i) => format!("/service/tickets/{}/notes", PARENTS[i]),
        }
    }
}

/// What a write sets: for a ticket `summary`, `status/id`, `closedFlag`; for a note `text`
/// and `internalFlag` (the first and third of these).
#[derive(Debug, Clone)]
struct Fields {
    text: Option<String>,
    status: Option<i64>,
    flag: Option<bool>,
}

impl Fields {
    fn body(&self, table: Table) -> Value {
        let mut map = Map::new();
        let (text, flag) = match table {
            Table::Tickets => ("summary", "closedFlag"),
            Table::Notes(_) => ("text", "internalFlag"),
        };
        if let Some(t) = &self.text {
            map.insert(text.into(), json!(t));
        }
        if let (Table::Tickets, Some(s)) = (table, self.status) {
            map.insert("status".into(), json!({ "id": s }));
        }
        if let Some(f) = self.flag {
            map.insert(flag.into(), json!(f));
        }
        Value::Object(map)
    }
}

/// One patch operation, with the path form it is sent in.
#[derive(Debug, Clone)]
enum PatchOp {
    /// `summary`/`text` replaced; form 0 `summary`, 1 `/summary`, 2 `SUMMARY`.
    Text(String, u8),
    /// `status/id` replaced (tickets; a note takes `internalFlag` instead); form 0
    /// `status/id`, 1 `/status/id`.
    StatusId(i64, u8),
    /// `status` replaced by `{"id": n}`.
    Status(i64),
    /// `closedFlag`/`internalFlag` added.
    Flag(bool),
    /// `summary`/`text` removed.
    RemoveText,
}

#[derive(Debug, Clone)]
enum Op {
    Create(Table, Fields),
    Put(Table, usize, Fields),
    Patch(Table, usize, Vec<PatchOp>),
    Delete(Table, usize),
    /// A patch with an unknown path and a value of the wrong type: 400, nothing changes.
    BadPatch(Table, usize),
    /// A write to an id that never existed: 404.
    Missing(Table),
}

fn table() -> impl Strategy<Value = Table> {
    prop_oneof![
        2 => Just(Table::Tickets),
        1 => (0..PARENTS.len()).prop_map(Table::Notes),
    ]
}

fn fields() -> impl Strategy<Value = Fields> {
    (
        proptest::option::of(proptest::sample::select(&SUMMARIES[..])),
        proptest::option::of(1i64..=6),
        proptest::option::of(any::<bool>()),
    )
        .prop_map(|(text, status, flag)| Fields {
            text: text.map(str::to_owned),
            status,
            flag,
        })
}

fn patch_op() -> impl Strategy<Value = PatchOp> {
    prop_oneof![
        (proptest::sample::select(&SUMMARIES[..]), 0u8..3)
            .prop_map(|(s, f)| PatchOp::Text(s.to_owned(), f)),
        (1i64..=6, 0u8..2).prop_map(|(n, f)| PatchOp::StatusId(n, f)),
        (1i64..=6).prop_map(PatchOp::Status),
        any::<bool>().prop_map(PatchOp::Flag),
        Just(PatchOp::RemoveText),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (table(), fields()).prop_map(|(t, f)| Op::Create(t, f)),
        2 => (table(), any::<usize>(), fields()).prop_map(|(t, i, f)| Op::Put(t, i, f)),
        4 => (table(), any::<usize>(), proptest::collection::vec(patch_op(), 1..4))
            .prop_map(|(t, i, ops)| Op::Patch(t, i, ops)),
        2 => (table(), any::<usize>()).prop_map(|(t, i)| Op::Delete(t, i)),
        1 => (table(), any::<usize>()).prop_map(|(t, i)| Op::BadPatch(t, i)),
        1 => table().prop_map(Op::Missing),
    ]
}

/// What the store should hold.
#[derive(Debug, Default)]
struct Model {
    rows: BTreeMap<Table, BTreeMap<i64, Value>>,
    /// The highest id each table has had: ids are not reused.
    last: BTreeMap<Table, i64>,
    deleted: BTreeSet<(Table, i64)>,
}

impl Model {
    /// The `i`-th row's id (any `usize` picks one), if the table has rows.
    fn pick(&self, t: Table, i: usize) -> Option<i64> {
        let rows = self.rows.get(&t)?;
        rows.keys().nth(i % rows.len().max(1)).copied()
    }
}

/// A row without what only the server decides.
fn comparable(row: &Value) -> Value {
    let mut row = row.clone();
    if let Some(map) = row.as_object_mut() {
        map.remove("_info");
        map.remove("dateCreated");
        map.remove("createdBy");
    }
    row
}

fn apply_patch(row: &mut Value, table: Table, ops: &[PatchOp]) -> Value {
    let (text, flag) = match table {
        Table::Tickets => ("summary", "closedFlag"),
        Table::Notes(_) => ("text", "internalFlag"),
    };
    let mut sent = Vec::new();
    let map = row.as_object_mut().expect("rows are objects");
    for op in ops {
        match (op, table) {
            (PatchOp::Text(s, form), _) => {
                let path = match form {
                    0 => text.to_owned(),
                    1 => format!("/{text}"),
                    _ => text.to_ascii_uppercase(),
                };
                sent.push(json!({"op": "replace", "path": path, "value": s}));
                map.insert(text.into(), json!(s));
            }
            (PatchOp::StatusId(n, form), Table::Tickets) => {
                let path = if *form == 0 {
                    "status/id"
                } else {
                    "/status/id"
                };
                sent.push(json!({"op": "replace", "path": path, "value": n}));
                let status = map.entry("status").or_insert_with(|| json!({}));
                status["id"] = json!(n);
            }
            (PatchOp::Status(n), Table::Tickets) => {
                sent.push(json!({"op": "replace", "path": "status", "value": {"id": n}}));
                map.insert("status".into(), json!({ "id": n }));
            }
            (PatchOp::StatusId(n, _) | PatchOp::Status(n), Table::Notes(_)) => {
                let on = n % 2 == 0;
                sent.push(json!({"op": "replace", "path": flag, "value": on}));
                map.insert(flag.into(), json!(on));
            }
            (PatchOp::Flag(b), _) => {
                sent.push(json!({"op": "add", "path": format!("/{flag}"), "value": b}));
                map.insert(flag.into(), json!(b));
            }
            (PatchOp::RemoveText, _) => {
                sent.push(json!({"op": "remove", "path": text}));
                map.remove(text);
            }
        }
    }
    Value::Array(sent)
}

struct Run {
    server: MockServer,
    http: reqwest::Client,
    model: Model,
}

impl Run {
    async fn start() -> Run {
        let server = MockServer::builder()
            .seed(3)
            .rows(4)
            .child_rows(2)
            .start()
            .await
            .expect("the fake server starts");
        let mut run = Run {
            server,
            http: reqwest::Client::new(),
            model: Model::default(),
        };
        let tables = std::iter::once(Table::Tickets).chain((0..PARENTS.len()).map(Table::Notes));
        for t in tables {
            let rows = run.list(t, None).await;
            let rows: BTreeMap<i64, Value> = rows
                .into_iter()
                .map(|r| (r["id"].as_i64().unwrap(), r))
                .collect();
            run.model
                .last
                .insert(t, rows.keys().last().copied().unwrap_or(0));
            run.model.rows.insert(t, rows);
        }
        run
    }

    async fn send(&self, method: Method, path: &str, body: Option<&Value>) -> http::Answer {
        call(&self.http, &self.server, method, path, body).await
    }

    async fn list(&self, t: Table, conditions: Option<&str>) -> Vec<Value> {
        let mut path = format!("{}?pageSize=1000", t.path());
        if let Some(c) = conditions {
            path.push_str(&format!("&conditions={}", urlencode(c)));
        }
        let a = self.send(Method::GET, &path, None).await;
        assert_eq!(a.status, 200);
        a.json().as_array().unwrap().clone()
    }

    async fn count(&self, t: Table, conditions: Option<&str>) -> u64 {
        let mut path = format!("{}/count", t.path());
        if let Some(c) = conditions {
            path.push_str(&format!("?conditions={}", urlencode(c)));
        }
        self.send(Method::GET, &path, None).await.json()["count"]
            .as_u64()
            .unwrap()
    }

    /// Checks a write's answer: `status`, and the row it answered is the model's.
    fn check_row(&self, t: Table, id: i64, answer: &http::Answer, status: u16) {
        assert_eq!(
            answer.status,
            status,
            "{}",
            String::from_utf8_lossy(&answer.body)
        );
        let row = answer.json();
        assert!(
            row["_info"]["lastUpdated"].is_string(),
            "a written row has _info/lastUpdated: {row}"
        );
        assert_eq!(comparable(&row), comparable(&self.model.rows[&t][&id]));
    }

    async fn step(&mut self, op: &Op) {
        match op {
            Op::Create(t, f) => {
                let body = f.body(*t);
                let answer = self.send(Method::POST, &t.path(), Some(&body)).await;
                let id = self.model.last[t] + 1;
                self.model.last.insert(*t, id);
                let mut row = body;
                row["id"] = json!(id);
                if let Table::Notes(i) = t {
                    row["ticketId"] = json!(PARENTS[*i]);
                }
                self.model.rows.get_mut(t).unwrap().insert(id, row);
                self.check_row(*t, id, &answer, 201);
            }
            Op::Put(t, i, f) => {
                let Some(id) = self.model.pick(*t, *i) else {
                    return Box::pin(self.step(&Op::Missing(*t))).await;
                };
                let body = f.body(*t);
                let answer = self
                    .send(Method::PUT, &format!("{}/{id}", t.path()), Some(&body))
                    .await;
                let mut row = body;
                row["id"] = json!(id);
                if let Table::Notes(i) = t {
                    row["ticketId"] = json!(PARENTS[*i]);
                }
                self.model.rows.get_mut(t).unwrap().insert(id, row);
                self.check_row(*t, id, &answer, 200);
            }
            Op::Patch(t, i, ops) => {
                let Some(id) = self.model.pick(*t, *i) else {
                    return Box::pin(self.step(&Op::Missing(*t))).await;
                };
                let row = self.model.rows.get_mut(t).unwrap().get_mut(&id).unwrap();
                let sent = apply_patch(row, *t, ops);
                let answer = self
                    .send(Method::PATCH, &format!("{}/{id}", t.path()), Some(&sent))
                    .await;
                self.check_row(*t, id, &answer, 200);
            }
            Op::Delete(t, i) => {
                let Some(id) = self.model.pick(*t, *i) else {
                    return Box::pin(self.step(&Op::Missing(*t))).await;
                };
                let answer = self
                    .send(Method::DELETE, &format!("{}/{id}", t.path()), None)
                    .await;
                assert_eq!(answer.status, 204);
                self.model.rows.get_mut(t).unwrap().remove(&id);
                self.model.deleted.insert((*t, id));
            }
            Op::BadPatch(t, i) => {
                let Some(id) = self.model.pick(*t, *i) else {
                    return Box::pin(self.step(&Op::Missing(*t))).await;
                };
                let sent = json!([
                    {"op": "replace", "path": "id", "value": 5},
                    {"op": "replace", "path": "notAField", "value": 1},
                    {"op": "replace", "path": "_info/lastUpdated", "value": "x"},
                    {"op": "replace", "path": match t { Table::Tickets => "closedFlag", Table::Notes(_) => "internalFlag" }, "value": "yes"},
                ]);
                let answer = self
                    .send(Method::PATCH, &format!("{}/{id}", t.path()), Some(&sent))
                    .await;
                assert_eq!(answer.status, 400);
                let errors = answer.json()["errors"].as_array().unwrap().len();
                assert_eq!(errors, 2, "{}", answer.json());
            }
            Op::Missing(t) => {
                let id = self.model.last[t] + 1000;
                let path = format!("{}/{id}", t.path());
                let body = json!([{"op": "remove", "path": "notAField"}]);
                for (method, body) in [
                    (Method::PATCH, Some(&body)),
                    (Method::PUT, Some(&json!({}))),
                    (Method::DELETE, None),
                    (Method::GET, None),
                ] {
                    let answer = self.send(method, &path, body).await;
                    assert_eq!(answer.status, 404);
                    assert_eq!(answer.json()["code"], "NotFound");
                }
            }
        }
    }

    /// Every read sees exactly the model.
    async fn check_reads(&self) {
        let client = self.server.client().build().unwrap();
        for (t, rows) in &self.model.rows {
            let expected: Vec<Value> = rows.values().map(comparable).collect();
            let listed: Vec<Value> = self.list(*t, None).await.iter().map(comparable).collect();
            assert_eq!(listed, expected, "{t:?}");
            assert_eq!(self.count(*t, None).await, rows.len() as u64, "{t:?}");
            for (id, row) in rows {
                let got = self
                    .send(Method::GET, &format!("{}/{id}", t.path()), None)
                    .await;
                assert_eq!(got.status, 200);
                assert_eq!(comparable(&got.json()), comparable(row));
            }
        }
        for (t, id) in &self.model.deleted {
            let got = self
                .send(Method::GET, &format!("{}/{id}", t.path()), None)
                .await;
            assert_eq!(got.status, 404, "{t:?} {id}");
        }

        // Conditions, in lists, counts and a bundle.
        let tickets = &self.model.rows[&Table::Tickets];
        let mut bundle = Bundle::new();
        let mut pushed = Vec::new();
        for summary in SUMMARIES {
            let condition = format!("summary = '{summary}'");
            let expected: Vec<i64> = tickets
                .iter()
                .filter(|(_, r)| r["summary"] == summary)
                .map(|(id, _)| *id)
                .collect();
            let ids = |rows: &[Value]| -> Vec<i64> {
                rows.iter().map(|r| r["id"].as_i64().unwrap()).collect()
            };
            let listed = self.list(Table::Tickets, Some(&condition)).await;
            assert_eq!(ids(&listed), expected, "{condition}");
            let n = self.count(Table::Tickets, Some(&condition)).await;
            assert_eq!(n, expected.len() as u64, "{condition}");
            let list = bundle.push(
                RawRequest::<Vec<Value>>::list("ticket")
                    .conditions(condition.clone())
                    .page_size(1000),
            );
            let count = bundle.push(Ticket::count().conditions(condition.clone()));
            pushed.push((expected, list, count));
        }
        let closed = tickets.values().filter(|r| r["closedFlag"] == true).count();
        let closed_count = bundle.push(Ticket::count().conditions("closedFlag = true"));
        let notes: Vec<_> = PARENTS
            .iter()
            .map(|p| {
                bundle.push(
                    RawRequest::<Vec<Value>>::list("ServiceNote")
                        .parent_id(*p)
                        .page_size(1000),
                )
            })
            .collect();
        let mut results = bundle.send(&client).await.unwrap();
        for (expected, list, count) in pushed {
            let rows = results.take(list).unwrap();
            let ids: Vec<i64> = rows.iter().map(|r| r["id"].as_i64().unwrap()).collect();
            assert_eq!(ids, expected);
            assert_eq!(results.take(count).unwrap(), expected.len() as u64);
        }
        assert_eq!(results.take(closed_count).unwrap(), closed as u64);
        for (i, handle) in notes.into_iter().enumerate() {
            let rows: Vec<Value> = results
                .take(handle)
                .unwrap()
                .iter()
                .map(comparable)
                .collect();
            let expected: Vec<Value> = self.model.rows[&Table::Notes(i)]
                .values()
                .map(comparable)
                .collect();
            assert_eq!(rows, expected, "notes of {}", PARENTS[i]);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 24,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_writes_agree_with_a_plain_model(ops in proptest::collection::vec(op(), 1..30)) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let mut run = Run::start().await;
            for op in &ops {
                run.step(op).await;
            }
            run.check_reads().await;
        });
    }
}
