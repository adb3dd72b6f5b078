//! The IR's naming step: Rust type names for the component schemas and for inline types, and
//! the words a path segment adds to a resource name. (Identifier sanitising itself is
//! [`crate::names`].)

use super::schema::Place;
use super::Builder;
use crate::names::{camel_ident, snake_ident, unique_names};
use std::collections::BTreeMap;

impl<'a> Builder<'a> {
    pub(super) fn name_schemas(&mut self) {
        let wanted: BTreeMap<String, String> = self
            .schemas()
            .map(|(name, _)| (name.clone(), camel_ident(name)))
            .collect();
        // The schema whose name already is the Rust name keeps it (`CompanyConfiguration`
        // beats `Company.Configuration`).
        self.names = unique_names(&wanted, &mut self.taken, false, |k| {
            u8::from(camel_ident(k) != *k)
        });
    }

    /// A fresh, unique Rust name for an inline type of `place`.
    pub(super) fn inline_name(&mut self, place: &Place<'_>) -> String {
        let wanted = format!("{}{}", place.owner, place.field);
        let one = BTreeMap::from([((), camel_ident(&wanted))]);
        unique_names(&one, &mut self.taken, false, |_| 0)[&()].clone()
    }
}

/// `withSso` -> `with_sso`, `{parentId}` -> `by_parent_id`.
pub(super) fn segment_words(segment: &str) -> String {
    match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
        Some(p) => format!("by_{}", crate::names::unraw(&snake_ident(p))),
        None => crate::names::unraw(&snake_ident(segment)).to_owned(),
    }
}
