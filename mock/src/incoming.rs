//! The Bundle request body as a server reads it, leniently: the documentation's own examples
//! use `Version`, `SequenceNumber`, `ResourceType`/`ResourceName`, `ApiRequest`, `Filters`,
//! `Page`, `Id`, `ParentId`, `GrandParentId` alongside the camelCase spellings, numbers as
//! strings, a trailing comma, and a sequence number twice. The client never sends those (it
//! writes `connectwise::wire`), so this tolerance lives here, at the edge that needs it.

use connectwise::bundle::SubRequest;
use connectwise::request::{Keys, Query, Shape};

/// One sub-request of a bundle request body, as the fake server reads it: names matched without regard to case, `ResourceName` taken
/// for `resourceType`, numbers as numbers or strings.
#[derive(Debug, Clone, PartialEq)]
pub struct IncomingRequest {
    pub version: Option<String>,
    pub sequence_number: Option<u32>,
    pub resource_type: Option<String>,
    pub request: SubRequest,
}

/// Parses a bundle request body (`{"requests":[...]}`) tolerantly: the documentation's own
/// examples use `Version`, `SequenceNumber`, `ResourceType`/`ResourceName`, `ApiRequest`,
/// `Filters`, `Page`, `Id`, `ParentId`, `GrandParentId` alongside the camelCase spellings.
pub fn parse_request_body(body: &[u8]) -> Result<Vec<IncomingRequest>, String> {
    use serde_json::Value;
    // The documentation's first example has a trailing comma (`"GrandParentId": 3, }`):
    // accept it rather than reject the documented request.
    let root: Value = serde_json::from_slice(body)
        .or_else(|e| serde_json::from_slice(&strip_trailing_commas(body)).map_err(|_| e))
        .map_err(|e| e.to_string())?;
    fn get<'v>(v: &'v Value, names: &[&str]) -> Option<&'v Value> {
        let obj = v.as_object()?;
        obj.iter()
            .find(|(k, _)| names.iter().any(|n| k.eq_ignore_ascii_case(n)))
            .map(|(_, v)| v)
    }
    fn text(v: Option<&Value>) -> Option<String> {
        match v? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }
    fn int(v: Option<&Value>) -> Result<Option<i64>, String> {
        match v {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n
                .as_i64()
                .map(Some)
                .ok_or_else(|| format!("{n} is not an integer")),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => s
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| format!("{s:?} is not an integer")),
            Some(other) => Err(format!("{other} is not an integer")),
        }
    }
    let requests = get(&root, &["requests"])
        .and_then(Value::as_array)
        .ok_or("the body has no `requests` array")?;
    let mut out = Vec::with_capacity(requests.len());
    for (i, r) in requests.iter().enumerate() {
        let at = |e: String| format!("requests[{i}]: {e}");
        let api = get(r, &["apiRequest"]).cloned().unwrap_or(Value::Null);
        let filters = get(&api, &["filters"]).cloned().unwrap_or(Value::Null);
        let page = get(&api, &["page"]).cloned().unwrap_or(Value::Null);
        let non_empty = |v: Option<String>| v.filter(|s| !s.is_empty());
        let id32 = |v: Option<&Value>| -> Result<Option<i32>, String> {
            int(v)?
                .map(|n| i32::try_from(n).map_err(|_| format!("{n} is out of range")))
                .transpose()
        };
        let page_of = |v: Option<&Value>| -> Result<Option<u32>, String> {
            int(v)?
                .map(|n| u32::try_from(n).map_err(|_| format!("{n} is out of range")))
                .transpose()
        };
        let query = Query {
            conditions: non_empty(text(get(&filters, &["conditions"]))),
            child_conditions: non_empty(text(get(&filters, &["childConditions"]))),
            custom_field_conditions: non_empty(text(get(&filters, &["customFieldConditions"]))),
            order_by: non_empty(text(get(&filters, &["orderBy"]))),
            fields: non_empty(text(get(&api, &["fields"]))),
            page: page_of(get(&page, &["page"])).map_err(at)?,
            page_size: page_of(get(&page, &["pageSize"])).map_err(at)?,
            page_id: int(get(&page, &["pageId"])).map_err(at)?,
        };
        let keys = Keys {
            grand_parent_id: id32(get(&api, &["grandParentId"])).map_err(at)?,
            parent_id: id32(get(&api, &["parentId"])).map_err(at)?,
            id: id32(get(&api, &["id"])).map_err(at)?,
        };
        let resource_type = text(get(r, &["resourceType", "resourceName", "resouceType"]));
        let sequence_number = int(get(r, &["sequenceNumber"]))
            .map_err(at)?
            .map(|n| u32::try_from(n).map_err(|_| at(format!("{n} is out of range"))))
            .transpose()?;
        out.push(IncomingRequest {
            version: text(get(r, &["version"])),
            sequence_number,
            resource_type: resource_type.clone(),
            request: SubRequest {
                resource_type: resource_type.unwrap_or_default(),
                shape: if keys.id.is_some() {
                    Shape::One
                } else {
                    Shape::List
                },
                keys,
                query,
                version: text(get(r, &["version"])),
                clash: None,
            },
        });
    }
    Ok(out)
}

/// Removes commas that directly precede `}` or `]` (outside strings).
fn strip_trailing_commas(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len());
    let (mut in_string, mut escaped) = (false, false);
    for (i, &b) in body.iter().enumerate() {
        if in_string {
            out.push(b);
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        if b == b'"' {
            in_string = true;
        }
        if b == b',' {
            let next = body[i + 1..].iter().find(|c| !c.is_ascii_whitespace());
            if matches!(next, Some(b'}') | Some(b']')) {
                continue;
            }
        }
        out.push(b);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED_REQUEST: &str = include_str!("../tests/fixtures/seed_request.json");
    const SEED_PO_REQUEST: &str = include_str!("../tests/fixtures/seed_po_line_items_request.json");

    #[test]
    fn seed_request_examples_parse_with_their_mixed_casing_and_resource_name() {
        let parsed = parse_request_body(SEED_REQUEST.as_bytes()).unwrap();
        assert_eq!(parsed.len(), 3);
        assert_eq!(parsed[0].resource_type.as_deref(), Some("ticket"));
        assert_eq!(parsed[0].version.as_deref(), Some("2019.3"));
        assert_eq!(parsed[0].request.query.page_size, Some(1000));
        assert_eq!(
            parsed[0].request.query.conditions.as_deref(),
            Some("summary like '%a%' and status/name like '%new%'and board/name='Help Desk'")
        );
        // The documentation sends sequence number 1 twice; a server sees both.
        assert_eq!(parsed[1].sequence_number, Some(1));
        assert_eq!(parsed[1].request.keys.grand_parent_id, Some(3));
        assert_eq!(parsed[1].request.query.page_id, Some(2));
        assert_eq!(
            parsed[1].request.query.child_conditions, None,
            "empty strings are absent"
        );
        assert_eq!(
            parsed[2].resource_type.as_deref(),
            Some("Member"),
            "ResourceName"
        );
        let po = parse_request_body(SEED_PO_REQUEST.as_bytes()).unwrap();
        assert_eq!(
            po[0].resource_type.as_deref(),
            Some("purchaseorderlineitem")
        );
        assert_eq!(po[0].request.keys.parent_id, Some(1));
    }

    #[test]
    fn what_the_client_writes_reads_back_the_same() {
        let mut bundle = connectwise::Bundle::new();
        bundle.push(
            connectwise::models::Ticket::list()
                .conditions("id > 5")
                .page_size(10),
        );
        bundle.push(connectwise::models::Company::get(250).fields("id"));
        let parsed = parse_request_body(&bundle.to_json("2025.8")).unwrap();
        let sent: Vec<SubRequest> = parsed.into_iter().map(|p| p.request).collect();
        let mut expected = bundle.requests().to_vec();
        for e in &mut expected {
            e.version = Some("2025.8".into());
        }
        assert_eq!(sent, expected);
    }
}
