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
    pub requests: Vec<BundleRequest>,
}

/// One sub-request.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BundleRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    pub sequence_number: u32,
    pub resource_type: String,
    #[serde(default)]
    pub api_request: ApiRequest,
}

/// A sub-request's `apiRequest`: the path ids, filters, paging and fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grand_parent_id: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filters: Option<Filters>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<Page>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<String>,
}

/// `filters`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Filters {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditions: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child_conditions: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_field_conditions: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_by: Option<String>,
}

/// `page`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Page {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_size: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_id: Option<i64>,
}

/// `{"results": [...], "_info": {...}}`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BundleResults {
    pub results: Vec<BundleResult>,
    #[serde(rename = "_info", default, skip_serializing_if = "BTreeMap::is_empty")]
    pub info: BTreeMap<String, serde_json::Value>,
}

/// One sub-result. `entities` is kept as raw JSON: the writer puts the records there as they
/// are, and a reader decodes them into the sub-request's model.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BundleResult {
    pub sequence_number: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entities: Option<Box<RawValue>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    pub success: bool,
    pub status_code: u16,
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
