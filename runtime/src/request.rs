//! Typed request values: what to read, from which resource, with which filters. One value
//! serves an individual endpoint (`client.list(..)`, `client.get(..)`, `client.stream(..)`) and
//! a bundle (`bundle.push(..)`).
//!
//! They are built by generated constructors that take exactly the path's parent ids, so a
//! request cannot lack one: `connectwise::resources::purchase_order_line_item::list(po_id)`,
//! or on the model, `PurchaseOrderLineItem::list(po_id)`.

use crate::registry::{PathKey, Resource};
use serde::de::DeserializeOwned;
use std::fmt;
use std::marker::PhantomData;

/// The path ids of a request: `{grandparentId}`, `{parentId}`, `{id}`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Keys {
    pub grand_parent_id: Option<i32>,
    pub parent_id: Option<i32>,
    pub id: Option<i32>,
}

impl Keys {
    /// No ids.
    pub const NONE: Keys = Keys {
        grand_parent_id: None,
        parent_id: None,
        id: None,
    };

    /// The ids, in path order: `{grandparentId}`, `{parentId}`, `{id}`.
    pub const fn new(
        grand_parent_id: Option<i32>,
        parent_id: Option<i32>,
        id: Option<i32>,
    ) -> Keys {
        Keys {
            grand_parent_id,
            parent_id,
            id,
        }
    }

    fn get(&self, key: PathKey) -> Option<i32> {
        match key {
            PathKey::GrandParentId => self.grand_parent_id,
            PathKey::ParentId => self.parent_id,
            PathKey::Id => self.id,
        }
    }
}

/// The filters and paging of a list request, as the API names them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pub conditions: Option<String>,
    pub child_conditions: Option<String>,
    pub custom_field_conditions: Option<String>,
    pub order_by: Option<String>,
    pub fields: Option<String>,
    pub page: Option<u32>,
    pub page_size: Option<u32>,
    pub page_id: Option<i64>,
}

impl Query {
    /// `(name, value)` pairs for the URL, in the API's spelling.
    pub(crate) fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let mut text = |name, v: &Option<String>| {
            if let Some(v) = v {
                out.push((name, v.clone()));
            }
        };
        text("conditions", &self.conditions);
        text("childConditions", &self.child_conditions);
        text("customFieldConditions", &self.custom_field_conditions);
        text("orderBy", &self.order_by);
        text("fields", &self.fields);
        if let Some(p) = self.page {
            out.push(("page", p.to_string()));
        }
        if let Some(p) = self.page_size {
            out.push(("pageSize", p.to_string()));
        }
        if let Some(p) = self.page_id {
            out.push(("pageId", p.to_string()));
        }
        out
    }
}

/// The largest `pageSize` the API accepts.
pub const MAX_PAGE_SIZE: u32 = 1000;

/// Fills a path template's `{..}` parameters from `keys`.
pub(crate) fn fill_path(template: &str, keys: &Keys) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let name = &rest[open + 1..open + close];
        let key = match name.to_ascii_lowercase().as_str() {
            "grandparentid" => Some(PathKey::GrandParentId),
            "parentid" => Some(PathKey::ParentId),
            "id" => Some(PathKey::Id),
            _ => None,
        };
        match key.and_then(|k| keys.get(k)) {
            Some(v) => out.push_str(&v.to_string()),
            // Unreachable through the generated constructors, which require every key.
            None => out.push_str(&rest[open..=open + close]),
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

macro_rules! query_setters {
    () => {
        /// `conditions`: which entities, in ConnectWise's condition language:
        /// `status/name = 'New' and board/id = 5`.
        pub fn conditions(mut self, conditions: impl Into<String>) -> Self {
            self.query.conditions = Some(conditions.into());
            self
        }

        /// `childConditions`: conditions on child collections.
        pub fn child_conditions(mut self, conditions: impl Into<String>) -> Self {
            self.query.child_conditions = Some(conditions.into());
            self
        }

        /// `customFieldConditions`: `caption = 'X' AND value = 'Y'`.
        pub fn custom_field_conditions(mut self, conditions: impl Into<String>) -> Self {
            self.query.custom_field_conditions = Some(conditions.into());
            self
        }

        /// `orderBy`: `dateEntered desc`.
        pub fn order_by(mut self, order_by: impl Into<String>) -> Self {
            self.query.order_by = Some(order_by.into());
            self
        }

        /// `page`: the 1-based page number.
        pub fn page(mut self, page: u32) -> Self {
            self.query.page = Some(page);
            self
        }

        /// `pageSize`: entities per page (the API's default is 25, its maximum 1000).
        pub fn page_size(mut self, page_size: u32) -> Self {
            self.query.page_size = Some(page_size);
            self
        }

        /// `pageId`: forward-only paging, the id after which the page starts.
        pub fn page_id(mut self, page_id: i64) -> Self {
            self.query.page_id = Some(page_id);
            self
        }
    };
}

macro_rules! common_setters {
    () => {
        /// `fields`: only these fields (comma separated: `id,summary,status/name`).
        pub fn fields(mut self, fields: impl Into<String>) -> Self {
            self.query.fields = Some(fields.into());
            self
        }

        /// The API version of this request (default: the client's).
        pub fn version(mut self, version: impl Into<String>) -> Self {
            self.version = Some(version.into());
            self
        }

        /// The resource.
        pub fn resource(&self) -> Resource {
            self.resource
        }

        /// The path ids.
        pub fn keys(&self) -> Keys {
            self.keys
        }

        /// The filters and paging.
        pub fn query(&self) -> &Query {
            &self.query
        }

        /// The path with its ids filled in: `/procurement/purchaseorders/7/lineitems`.
        pub fn path(&self) -> String {
            fill_path(self.template(), &self.keys)
        }
    };
}

/// A list request: decodes into `Vec<T>`.
pub struct ListRequest<T> {
    resource: Resource,
    keys: Keys,
    query: Query,
    version: Option<String>,
    _model: PhantomData<fn() -> T>,
}

impl<T> ListRequest<T> {
    /// Used by the generated constructors, which pass exactly the keys the path needs.
    #[doc(hidden)]
    pub fn new(resource: Resource, keys: Keys) -> Self {
        ListRequest {
            resource,
            keys,
            query: Query::default(),
            version: None,
            _model: PhantomData,
        }
    }

    query_setters!();
    common_setters!();

    fn template(&self) -> &'static str {
        self.resource.info().path
    }

    pub(crate) fn version_ref(&self) -> Option<&str> {
        self.version.as_deref()
    }

    pub(crate) fn query_mut(&mut self) -> &mut Query {
        &mut self.query
    }
}

/// A get-by-id request: decodes into `T`.
pub struct GetRequest<T> {
    resource: Resource,
    keys: Keys,
    query: Query,
    version: Option<String>,
    _model: PhantomData<fn() -> T>,
}

impl<T> GetRequest<T> {
    /// Used by the generated constructors, which pass exactly the keys the path needs.
    #[doc(hidden)]
    pub fn new(resource: Resource, keys: Keys) -> Self {
        GetRequest {
            resource,
            keys,
            query: Query::default(),
            version: None,
            _model: PhantomData,
        }
    }

    common_setters!();

    fn template(&self) -> &'static str {
        // Generated constructors exist only for resources with a get-by-id path.
        self.resource
            .info()
            .get_path
            .unwrap_or(self.resource.info().path)
    }

    pub(crate) fn version_ref(&self) -> Option<&str> {
        self.version.as_deref()
    }
}

// Manual impls: `T` is only a marker, so no `T: Clone`/`T: Debug` bound.
macro_rules! marker_impls {
    ($ty:ident) => {
        impl<T> Clone for $ty<T> {
            fn clone(&self) -> Self {
                $ty {
                    resource: self.resource,
                    keys: self.keys,
                    query: self.query.clone(),
                    version: self.version.clone(),
                    _model: PhantomData,
                }
            }
        }

        impl<T> fmt::Debug for $ty<T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($ty))
                    .field("resource", &self.resource.info().name)
                    .field("keys", &self.keys)
                    .field("query", &self.query)
                    .field("version", &self.version)
                    .finish()
            }
        }
    };
}
marker_impls!(ListRequest);
marker_impls!(GetRequest);

/// An escape hatch for resource types the spec lacks: any `resourceType` string, decoding into
/// any `T`. Only for bundles (there is no path to call it individually).
#[derive(Clone)]
pub struct RawRequest<T> {
    pub(crate) resource_type: String,
    pub(crate) keys: Keys,
    pub(crate) query: Query,
    pub(crate) version: Option<String>,
    pub(crate) shape: Shape,
    _model: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned> RawRequest<Vec<T>> {
    /// A list of `resource_type`, decoding each entity into `T`.
    pub fn list(resource_type: impl Into<String>) -> Self {
        Self::new(resource_type.into(), Keys::NONE, Shape::List)
    }
}

impl<T: DeserializeOwned> RawRequest<T> {
    /// One entity of `resource_type` by id, decoding into `T`.
    pub fn get(resource_type: impl Into<String>, id: i32) -> Self {
        Self::new(
            resource_type.into(),
            Keys {
                id: Some(id),
                ..Keys::NONE
            },
            Shape::One,
        )
    }
}

impl<T> RawRequest<T> {
    fn new(resource_type: String, keys: Keys, shape: Shape) -> Self {
        RawRequest {
            resource_type,
            keys,
            query: Query::default(),
            version: None,
            shape,
            _model: PhantomData,
        }
    }

    /// `parentId`.
    pub fn parent_id(mut self, id: i32) -> Self {
        self.keys.parent_id = Some(id);
        self
    }

    /// `grandParentId`.
    pub fn grand_parent_id(mut self, id: i32) -> Self {
        self.keys.grand_parent_id = Some(id);
        self
    }

    query_setters!();

    /// `fields`: only these fields.
    pub fn fields(mut self, fields: impl Into<String>) -> Self {
        self.query.fields = Some(fields.into());
        self
    }

    /// The API version of this request (default: the client's).
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.version = Some(version.into());
        self
    }
}

impl<T> fmt::Debug for RawRequest<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawRequest")
            .field("resource_type", &self.resource_type)
            .field("keys", &self.keys)
            .field("query", &self.query)
            .finish()
    }
}

/// Whether a sub-request's entities decode as a list or as one entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    List,
    One,
}
