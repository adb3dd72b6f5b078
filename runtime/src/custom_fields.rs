//! Custom fields: the values a ConnectWise site adds to its records (`customFields`, a list
//! of `{"id", "caption", "type", "value", ...}` entries).
//!
//! Every model with a `customFields` list implements [`HasCustomFields`] (a one-line
//! generated impl; the logic is here), so a value is read by the field's id or by its caption:
//!
//! ```ignore
//! use connectwise::HasCustomFields;
//!
//! let region = ticket.custom_field_by_caption("Region");   // Option<&serde_json::Value>
//! let po = ticket.custom_field(7).and_then(|v| v.as_str());
//! ```
//!
//! and set through the patch builder, `Ticket::patch(id).custom_field(7, "EMEA")`: every
//! `custom_field` call of one patch goes into ONE `replace` of the path `customFields`, whose
//! value is the list of `{"id": .., "value": ..}` entries (see
//! [`PatchRequest::custom_field`](crate::PatchRequest::custom_field)).

use serde_json::Value;

/// One entry of a `customFields` list (the generated `CustomFieldValue`).
pub trait CustomFieldEntry {
    /// The custom field definition's id.
    fn id(&self) -> Option<i32>;
    /// The label shown on screen (`Region`).
    fn caption(&self) -> Option<&str>;
    /// The value, of the JSON type the field's type implies.
    fn value(&self) -> Option<&Value>;
}

/// A model with a `customFields` list. Bring it into scope (`use connectwise::HasCustomFields`)
/// to read custom field values.
pub trait HasCustomFields {
    /// The list's entry model.
    type Entry: CustomFieldEntry;

    /// The entries as the API sent them (empty when it sent none).
    fn custom_field_entries(&self) -> &[Self::Entry];

    /// The entry of custom field `id`, if the record has it.
    fn custom_field_entry(&self, id: i32) -> Option<&Self::Entry> {
        self.custom_field_entries()
            .iter()
            .find(|e| e.id() == Some(id))
    }

    /// The value of custom field `id`; `None` when the record lacks it or its value is
    /// `null`.
    fn custom_field(&self, id: i32) -> Option<&Value> {
        self.custom_field_entry(id)
            .and_then(CustomFieldEntry::value)
            .filter(|v| !v.is_null())
    }

    /// The value of the custom field captioned `caption` (the first such; an exact match
    /// first, else one that differs only in ASCII case); `None` when the record lacks it or
    /// its value is `null`.
    fn custom_field_by_caption(&self, caption: &str) -> Option<&Value> {
        let entries = self.custom_field_entries();
        entries
            .iter()
            .find(|e| e.caption() == Some(caption))
            .or_else(|| {
                entries
                    .iter()
                    .find(|e| e.caption().is_some_and(|c| c.eq_ignore_ascii_case(caption)))
            })
            .and_then(CustomFieldEntry::value)
            .filter(|v| !v.is_null())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    struct Entry(Option<i32>, Option<&'static str>, Option<Value>);
    impl CustomFieldEntry for Entry {
        fn id(&self) -> Option<i32> {
            self.0
        }
        fn caption(&self) -> Option<&str> {
            self.1
        }
        fn value(&self) -> Option<&Value> {
            self.2.as_ref()
        }
    }
    struct Record(Vec<Entry>);
    impl HasCustomFields for Record {
        type Entry = Entry;
        fn custom_field_entries(&self) -> &[Entry] {
            &self.0
        }
    }

    #[test]
    fn values_by_id_and_by_caption() {
        let r = Record(vec![
            Entry(Some(3), Some("region"), Some(json!("lower"))),
            Entry(Some(7), Some("Region"), Some(json!("EMEA"))),
            Entry(Some(8), Some("PO"), Some(Value::Null)),
            Entry(None, Some("No id"), Some(json!(1))),
            Entry(Some(9), None, None),
        ]);
        assert_eq!(r.custom_field(7), Some(&json!("EMEA")));
        assert_eq!(r.custom_field(3), Some(&json!("lower")));
        assert_eq!(r.custom_field(8), None);
        assert_eq!(r.custom_field(9), None);
        assert_eq!(r.custom_field(10), None);
        assert!(r.custom_field_entry(8).is_some());
        // An exact caption wins over one that differs in case.
        assert_eq!(r.custom_field_by_caption("Region"), Some(&json!("EMEA")));
        assert_eq!(r.custom_field_by_caption("region"), Some(&json!("lower")));
        assert_eq!(r.custom_field_by_caption("REGION"), Some(&json!("lower")));
        assert_eq!(r.custom_field_by_caption("no id"), Some(&json!(1)));
        assert_eq!(r.custom_field_by_caption("PO"), None);
        assert_eq!(r.custom_field_by_caption("Missing"), None);
        assert_eq!(Record(Vec::new()).custom_field(1), None);
    }
}
