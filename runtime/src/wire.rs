//! The Bundle protocol's wire types (`POST /system/bundles` and `/system/bundles/count`), as
//! the 2025.8 spec's `BundleRequestsCollection` and `BundleResultsCollection` define them: the
//! one definition the client writes requests with and the fake server (`connectwise-mock`)
//! writes responses with. Absent fields are omitted; names are camelCase.
//!
//! The client reads responses with its own one-pass decoder (`envelope.rs`), which tolerates
//! what the API and its documentation do besides this shape; the fake server reads requests
//! with a lenient parser of its own, for the documentation's spellings. Those tolerances live
//! at the edge that needs them, not here.

use crate::error::ApiError;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::collections::BTreeMap;

/// `{"requests": [...]}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BundleRequests {
    /// The sub-requests, answered in one response.
    pub requests: Vec<BundleRequest>,
}

/// One sub-request.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BundleRequest {
    /// The API version the sub-request is answered in (`2025.8`); the server's default when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Numbers the sub-request; its result carries the same number.
    pub sequence_number: u32,
    /// The resource read, as the endpoint names it (`ticket`, `company`, ...).
    pub resource_type: String,
    /// Which records of the resource: path ids, filters, paging and fields.
    #[serde(default)]
    pub api_request: ApiRequest,
}

/// A sub-request's `apiRequest`: the path ids, filters, paging and fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiRequest {
    /// The record id (`{id}` in the path): one record instead of a list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i32>,
    /// The `{parentId}` of a nested resource's path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<i32>,
    /// The `{grandparentId}` of a resource nested two levels deep.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grand_parent_id: Option<i32>,
    /// Which records and in which order; all of them when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filters: Option<Filters>,
    /// Which page of the records; the server's first page when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<Page>,
    /// Comma-separated JSON names of the fields to return (`id,summary,status/name`); all when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<String>,
}

/// `filters`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Filters {
    /// The `conditions` query: a condition on the records' own fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditions: Option<String>,
    /// The `childConditions` query: a condition on the records' child collections.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child_conditions: Option<String>,
    /// The `customFieldConditions` query: a condition on custom fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_field_conditions: Option<String>,
    /// The `orderBy` query: field and direction (`id desc`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_by: Option<String>,
}

/// `page`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Page {
    /// 1-based page number (numbered paging).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// Records per page; the server's default (25) when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_size: Option<u32>,
    /// Forward-only paging: the id after which the page starts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_id: Option<i64>,
}

/// `{"results": [...], "_info": {...}}`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BundleResults {
    /// One result per sub-request, matched by sequence number.
    pub results: Vec<BundleResult>,
    /// The response's `_info` object, kept as it is.
    #[serde(rename = "_info", default, skip_serializing_if = "BTreeMap::is_empty")]
    pub info: BTreeMap<String, serde_json::Value>,
}

/// One sub-result. `entities` is kept as raw JSON: the writer puts the records there as they
/// are, and a reader decodes them into the sub-request's model.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BundleResult {
    /// The sequence number of the sub-request this answers.
    pub sequence_number: u32,
    /// The sub-request's resource type, echoed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<String>,
    /// The records (a JSON array), undecoded; absent on failure and for counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entities: Option<Box<RawValue>>,
    /// The number of matching records (for `/system/bundles/count`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    /// The API version the sub-request was answered in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Whether the sub-request succeeded.
    pub success: bool,
    /// The HTTP status the sub-request would have had on its own.
    pub status_code: u16,
    /// Why the sub-request failed, when it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ApiError>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_fields_are_omitted_and_names_are_camel_case() {
        let body = BundleRequests {
            requests: vec![BundleRequest {
                version: Some("2025.8".into()),
                sequence_number: 1,
                resource_type: "PurchaseOrderLineItem".into(),
                api_request: ApiRequest {
                    parent_id: Some(7),
                    page: Some(Page {
                        page_size: Some(1000),
                        ..Page::default()
                    }),
                    ..ApiRequest::default()
                },
            }],
        };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"requests":[{"version":"2025.8","sequenceNumber":1,"resourceType":"PurchaseOrderLineItem","apiRequest":{"parentId":7,"page":{"pageSize":1000}}}]}"#
        );
        let back: BundleRequests =
            serde_json::from_str(&serde_json::to_string(&body).unwrap()).unwrap();
        assert_eq!(back, body);
    }

    #[test]
    fn a_result_writes_its_entities_as_they_are() {
        let result = BundleResult {
            sequence_number: 2,
            resource_type: Some("Ticket".into()),
            entities: Some(RawValue::from_string(r#"[{"id":1}]"#.into()).unwrap()),
            count: Some(1),
            success: true,
            status_code: 200,
            ..BundleResult::default()
        };
        assert_eq!(
            serde_json::to_string(&result).unwrap(),
            r#"{"sequenceNumber":2,"resourceType":"Ticket","entities":[{"id":1}],"count":1,"success":true,"statusCode":200}"#
        );
    }
}
