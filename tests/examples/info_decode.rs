//! The decode of a ticket page (1,000 tickets of the fake server, seed 13), and of its 19,000
//! `_info` objects alone, as `Info` and as the `BTreeMap<String, Value>` the models had
//! before, side by side; medians of 30 rounds (BENCHMARKS.md, "Session 10").
//!
//! ```text
//! cargo run --release -p connectwise-tests --example info_decode
//! ```

use connectwise::models::Ticket;
use connectwise::registry::Resource;
use serde_json::Value;
use std::time::{Duration, Instant};

/// Every `_info` object in `v`, nested ones included.
fn infos(v: &Value, out: &mut Vec<Value>) {
    match v {
        Value::Object(m) => {
            if let Some(i) = m.get("_info") {
                out.push(i.clone());
            }
            m.values().for_each(|x| infos(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| infos(x, out)),
        _ => {}
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let ticket = Resource::from_name("ticket").expect("the sample spec has tickets");
    let rows = connectwise_mock::data::rows(ticket, (None, None), 13, 1000, 3)
        .expect("the fake server's data");
    let mut all = Vec::new();
    rows.iter().for_each(|row| infos(row, &mut all));
    let (page, info) = (
        serde_json::to_string(&rows).expect("JSON"),
        serde_json::to_string(&all).expect("JSON"),
    );
    let (mut pages, mut infos_only, mut maps_only) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..30 {
        let t = Instant::now();
        let tickets: Vec<Ticket> = serde_json::from_str(&page).expect("tickets decode");
        pages.push(t.elapsed());
        drop(tickets);
        let t = Instant::now();
        let maps: Vec<Option<connectwise::Info>> = serde_json::from_str(&info).expect("decodes");
        infos_only.push(t.elapsed());
        drop(maps);
        let t = Instant::now();
        let maps: Vec<Option<std::collections::BTreeMap<String, Value>>> =
            serde_json::from_str(&info).expect("decodes");
        maps_only.push(t.elapsed());
        drop(maps);
    }
    println!(
        "ticket page ({} bytes): {:?}; its {} _info objects ({} bytes): as Info {:?}, as \
         B-tree maps {:?} (medians of 30)",
        page.len(),
        median(pages),
        all.len(),
        info.len(),
        median(infos_only),
        median(maps_only)
    );
}
