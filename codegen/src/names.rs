//! Rust names for foreign names: schema names with dots, JSON properties in any case, enum
//! values with spaces and punctuation. heck does the casing; this module makes the result a
//! valid identifier and resolves collisions deterministically (never silently merging two).

use heck::{ToSnakeCase, ToUpperCamelCase};
use std::collections::BTreeMap;

/// Words that cannot be used as plain identifiers (strict and reserved keywords, 2021 edition).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot even be raw identifiers (`r#self` is an error).
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate"];

/// Type names that generated code must not shadow, because the emitted code (or the user's
/// code next to it) names them unqualified.
const RESERVED_TYPES: &[&str] = &[
    "Option", "Result", "Vec", "String", "Box", "Some", "None", "Ok", "Err", "Default",
];

/// Keeps ASCII letters, digits and `_`; everything else becomes a word break, so heck sees
/// `Company.Configuration` as two words and `Re-Open` as `Re Open`.
fn words(raw: &str) -> String {
    raw.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
}

/// A field or function name: `addressLine1` -> `address_line1`, `_info` -> `info`,
/// `type` -> `r#type`, `self` -> `self_`, `1stLine` -> `_1st_line`.
pub fn snake_ident(raw: &str) -> String {
    let mut s = words(raw).to_snake_case();
    if s.is_empty() {
        s = "field".to_owned();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    keyword_safe(s)
}

/// A type or variant name: `Company.Configuration` -> `CompanyConfiguration`,
/// `In Progress` -> `InProgress`, `1-Low` -> `_1Low`, `` -> `Empty`.
pub fn camel_ident(raw: &str) -> String {
    let mut s = words(raw).to_upper_camel_case();
    if s.is_empty() {
        s = "Empty".to_owned();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    if RESERVED_TYPES.contains(&s.as_str()) {
        s.push('_');
    }
    keyword_safe(s)
}

fn keyword_safe(s: String) -> String {
    if NOT_RAW.contains(&s.as_str()) {
        format!("{s}_")
    } else if KEYWORDS.contains(&s.as_str()) {
        format!("r#{s}")
    } else {
        s
    }
}

/// The identifier without a raw prefix: what `quote::format_ident!` wants for `r#type`, and what
/// users type after a `.` in a macro argument.
pub fn unraw(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// Gives every entry of `wanted` (key -> preferred name) a unique name that is not in `taken`
/// (and adds it there). When several entries want one name, the one with the lowest `rank`
/// keeps it (ties: smallest key); the others get `2`, `3`, ... appended (`_2` for snake_case
/// names) in (rank, key) order. Same input, same names: never a silent merge.
pub fn unique_names<K: Ord + Clone>(
    wanted: &BTreeMap<K, String>,
    taken: &mut std::collections::BTreeSet<String>,
    snake: bool,
    rank: impl Fn(&K) -> u8,
) -> BTreeMap<K, String> {
    let mut order: Vec<(&K, &String)> = wanted.iter().collect();
    order.sort_by(|a, b| (rank(a.0), a.0).cmp(&(rank(b.0), b.0)));
    // First pass: the best-ranked claimant of each free name keeps it, so a later-ranked
    // entry can never push an earlier one off its name by taking a numbered variant first.
    let mut out = BTreeMap::new();
    for (k, name) in &order {
        if !taken.contains(name.as_str()) {
            taken.insert((*name).clone());
            out.insert((*k).clone(), (*name).clone());
        }
    }
    for (k, name) in order {
        if out.contains_key(k) {
            continue;
        }
        let mut n = 1;
        let candidate = loop {
            n += 1;
            let c = if snake {
                format!("{}_{n}", unraw(name))
            } else {
                format!("{name}{n}")
            };
            if !taken.contains(&c) {
                break c;
            }
        };
        taken.insert(candidate.clone());
        out.insert(k.clone(), candidate);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn snake_names() {
        assert_eq!(snake_ident("addressLine1"), "address_line1");
        assert_eq!(snake_ident("_info"), "info");
        assert_eq!(snake_ident("type"), "r#type");
        assert_eq!(snake_ident("self"), "self_");
        assert_eq!(snake_ident("1stLine"), "_1st_line");
        assert_eq!(snake_ident("SLA"), "sla");
        assert_eq!(snake_ident("$$"), "field");
    }

    #[test]
    fn camel_names() {
        assert_eq!(camel_ident("Company.Configuration"), "CompanyConfiguration");
        assert_eq!(camel_ident("In Progress"), "InProgress");
        assert_eq!(camel_ident("1-Low"), "_1Low");
        assert_eq!(camel_ident(""), "Empty");
        assert_eq!(camel_ident("Option"), "Option_");
        assert_eq!(camel_ident("SLA"), "Sla");
    }

    #[test]
    fn collisions_get_numbered_and_exact_match_wins() {
        let wanted: BTreeMap<&str, String> = [
            ("Company.Configuration", "CompanyConfiguration".to_owned()),
            ("CompanyConfiguration", "CompanyConfiguration".to_owned()),
            ("Ticket", "Ticket".to_owned()),
        ]
        .into_iter()
        .collect();
        let mut taken = BTreeSet::new();
        let out = unique_names(&wanted, &mut taken, false, |k| u8::from(k.contains('.')));
        assert_eq!(out["CompanyConfiguration"], "CompanyConfiguration");
        assert_eq!(out["Company.Configuration"], "CompanyConfiguration2");
        assert_eq!(out["Ticket"], "Ticket");
    }

    #[test]
    fn snake_collisions_use_underscore() {
        let wanted: BTreeMap<usize, String> = [(0, "info".to_owned()), (1, "info".to_owned())]
            .into_iter()
            .collect();
        let out = unique_names(&wanted, &mut BTreeSet::new(), true, |_| 0);
        assert_eq!(out[&0], "info");
        assert_eq!(out[&1], "info_2");
    }
}
