//! A constructor exists only where the spec has the operation: `/system/members` has no
//! DELETE (as in the real API).
fn main() {
    let _ = connectwise::models::Member::delete(1);
}
