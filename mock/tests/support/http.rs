//! Plain HTTP calls to the fake server, with its credentials.

// Each user of this file uses part of it.
#![allow(dead_code)]

use connectwise_mock::MockServer;
use reqwest::Method;
use serde_json::Value;

/// What one plain HTTP call answered.
pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }
}

/// `method` on `path` (below the API root, query string included) with a JSON body.
pub async fn call(
    client: &reqwest::Client,
    s: &MockServer,
    method: Method,
    path: &str,
    body: Option<&Value>,
) -> Answer {
    let c = s.credentials();
    let mut r = client
        .request(method, format!("{}{path}", s.url()))
        .basic_auth(
            format!("{}+{}", c.company, c.public_key),
            Some(&c.private_key),
        )
        .header("clientId", &c.client_id);
    if let Some(body) = body {
        r = r.json(body);
    }
    let r = r.send().await.expect("the server answers");
    let status = r.status().as_u16();
    let body = r.bytes().await.expect("a body").to_vec();
    Answer { status, body }
}

/// Percent-encodes a query value.
pub fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
