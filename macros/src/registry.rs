//! The resources `bundle!` knows: a static table emitted by `connectwise-codegen`
//! (`emit_macro::macro_tables`, called by `build.rs`) from the same spec as the `connectwise`
//! crate, sorted by name. Loading it costs nothing; a look-up is a binary
//! search.

/// A key of a resource's list path, in the order the generated constructors take them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// `{grandparentId}`: the `grand_parent_id` argument.
    GrandParentId,
    /// `{parentId}`: the `parent_id` argument.
    ParentId,
    /// `{id}` in a list path (`/marketing/campaigns/{id}/activities`): the `id` argument,
    /// which then names the list's owner, not one record of it.
    Id,
}

/// One resource: a list endpoint and its get-by-id and count siblings.
#[derive(Debug)]
pub struct Entry {
    /// snake_case: what `bundle!` calls it, and its module in `connectwise::resources`.
    pub name: &'static str,
    /// The Bundle endpoint's `resourceType`.
    pub resource_type: &'static str,
    /// The Rust model type's name.
    pub model: &'static str,
    /// The list path template.
    pub path: &'static str,
    /// The list path's keys, in template order (the order of the constructors' arguments):
    /// its parent ids, and `Key::Id` where the list path has `{id}`.
    pub keys: &'static [Key],
    /// The get-by-id path template, if the spec has one.
    pub get_path: Option<&'static str>,
    /// The count path template (`GET {path}/count`), if the spec has one.
    pub count_path: Option<&'static str>,
    /// The API module (a cargo feature of `connectwise`).
    pub module: &'static str,
    /// Whether the module's feature is on.
    pub enabled: bool,
    /// The other read a bundle list (or count) sub-request of this resource would be taken
    /// for (the same `resourceType` and ids), if any: the macro refuses such a sub-request.
    pub list_clash: Option<&'static str>,
    /// The same for a get-by-id sub-request.
    pub get_clash: Option<&'static str>,
}

include!(concat!(env!("OUT_DIR"), "/registry.rs"));

/// The resource named `name`.
pub fn find(name: &str) -> Option<&'static Entry> {
    RESOURCES
        .binary_search_by(|e| e.name.cmp(name))
        .ok()
        .map(|i| &RESOURCES[i])
}

/// The closest of some candidates to a wrong name when it is close enough to be a likely typo:
/// the workspace's one "did you mean" rule, shared with the condition checker and the fake
/// server.
pub use connectwise_conditions::did_you_mean as closest;

/// A resource name for `wrong`: its snake_case spelling if that is a resource (`Ticket`,
/// `PurchaseOrderLineItem`), else the closest name.
pub fn suggest_resource(wrong: &str) -> Option<&'static str> {
    let snake = to_snake(wrong);
    if let Some(e) = find(&snake) {
        return Some(e.name);
    }
    closest(&snake, RESOURCES.iter().map(|e| e.name))
}

/// `PurchaseOrderLineItem` -> `purchase_order_line_item`; `purchaseOrder` -> `purchase_order`.
fn to_snake(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    let mut prev_lower = false;
    for c in s.chars() {
        if c.is_ascii_uppercase() {
            if prev_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            prev_lower = false;
        } else {
            out.push(c);
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_so_binary_search_finds_every_row() {
        assert!(RESOURCES.windows(2).all(|w| w[0].name < w[1].name));
        for e in RESOURCES {
            assert_eq!(find(e.name).map(|f| f.name), Some(e.name));
        }
        assert!(find("no_such_resource").is_none());
    }

    #[test]
    fn the_seed_resources_are_known() {
        let ticket = find("ticket").expect("ticket");
        assert_eq!(ticket.model, "Ticket");
        assert!(ticket.keys.is_empty());
        assert!(ticket.get_path.is_some());
        assert_eq!(ticket.count_path, Some("/service/tickets/count"));
        assert_eq!(find("member_with_sso").map(|e| e.count_path), Some(None));
        let lines = find("purchase_order_line_item").expect("purchase_order_line_item");
        assert_eq!(lines.keys, &[Key::ParentId]);
        let values = find("configuration_type_question_value").expect("grandparent resource");
        assert_eq!(values.keys, &[Key::GrandParentId, Key::ParentId]);
        // A list under `{id}`: the id is a key of the list.
        let portal = find("portal_security").expect("a list under {id}");
        assert_eq!(portal.keys, &[Key::Id]);
        assert_eq!(portal.get_path, None);
    }

    #[test]
    fn suggestions_fix_typos_and_model_names() {
        assert_eq!(suggest_resource("tiket"), Some("ticket"));
        assert_eq!(
            suggest_resource("PurchaseOrderLineItem"),
            Some("purchase_order_line_item")
        );
        assert_eq!(suggest_resource("zzzzzz"), None);
        assert_eq!(to_snake("purchaseOrder"), "purchase_order");
    }
}
