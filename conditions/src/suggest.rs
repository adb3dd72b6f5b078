//! "Did you mean": the name closest to a misspelt one, for error messages. One rule for the
//! whole workspace (the condition checker, the `bundle!` macro's resources, arguments and
//! models, the fake server): Jaro-Winkler similarity of the lowercased names above 0.8, as
//! serde and darling use.

use std::cmp::Ordering;

/// How similar (Jaro-Winkler, 0 to 1) a candidate must be, strictly above, to be suggested.
pub const THRESHOLD: f64 = 0.8;

/// The candidate closest to `wanted`, ignoring case, when it is close enough to be a likely
/// typo. Among equally close candidates the first in byte order wins, so the answer does not
/// depend on the candidates' order.
///
/// ```
/// use connectwise_conditions::did_you_mean;
///
/// assert_eq!(did_you_mean("sumary", ["id", "summary", "status"]), Some("summary"));
/// assert_eq!(did_you_mean("STATUS", ["id", "status"]), Some("status"));
/// assert_eq!(did_you_mean("zzz", ["id", "summary"]), None);
/// ```
pub fn did_you_mean<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let wanted = wanted.to_lowercase();
    let mut best: Option<(f64, &'a str)> = None;
    for candidate in candidates {
        let score = strsim::jaro_winkler(&wanted, &candidate.to_lowercase());
        let better = match best {
            None => score > THRESHOLD,
            Some((top, name)) => match score.total_cmp(&top) {
                Ordering::Greater => true,
                Ordering::Equal => candidate < name,
                Ordering::Less => false,
            },
        };
        if better {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_closest_name_above_the_threshold() {
        let names = ["closedFlag", "closedDate", "summary", "id"];
        assert_eq!(did_you_mean("closedFlg", names), Some("closedFlag"));
        assert_eq!(did_you_mean("closeddate", names), Some("closedDate"));
        assert_eq!(did_you_mean("sumary", names), Some("summary"));
        assert_eq!(did_you_mean("budget", names), None);
        assert_eq!(did_you_mean("x", []), None);
        assert_eq!(did_you_mean("", names), None);
    }

    #[test]
    fn ignores_case_on_both_sides() {
        assert_eq!(did_you_mean("TIKET", ["ticket", "company"]), Some("ticket"));
        assert_eq!(did_you_mean("tiket", ["Ticket", "Company"]), Some("Ticket"));
    }

    #[test]
    fn ties_go_to_the_first_in_byte_order_whatever_the_order_given() {
        // Both differ from the wanted name in its last letter: equally close.
        assert_eq!(did_you_mean("abcdx", ["abcdz", "abcdy"]), Some("abcdy"));
        assert_eq!(did_you_mean("abcdx", ["abcdy", "abcdz"]), Some("abcdy"));
        // Same letters, other case: equally close.
        assert_eq!(did_you_mean("id", ["id", "ID", "Id"]), Some("ID"));
    }

    #[test]
    fn suggests_exactly_when_the_score_is_above_the_threshold() {
        for a in ["abc", "abcd", "abcde", "abcdef"] {
            for b in ["ba", "abd", "abce", "xbcd", "acbdef", "bacdef", "abcxyz"] {
                let score = strsim::jaro_winkler(a, b);
                assert_eq!(did_you_mean(a, [b]).is_some(), score > THRESHOLD, "{a} {b}");
            }
        }
    }
}
