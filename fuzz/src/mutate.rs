//! The mutation engine: turns one input of the corpus (and sometimes a second one) into a new
//! input, with the classic byte-level mutations of AFL and libFuzzer plus a few that know a
//! little about JSON and text:
//!
//! - bit flips, random bytes and "interesting" bytes (quotes, brackets, `\`, `0x00`, `0xff`);
//! - insert, delete and duplicate ranges (a duplicate can repeat a range many times, the way
//!   to find inputs whose cost grows faster than their size);
//! - splice two inputs (the head of one and the tail of the other), or copy a piece of one
//!   into the other;
//! - truncation;
//! - interesting numbers (`-1`, `0`, `2^31`, `2^32`, `2^63`, `2^64`, `1e309`, `-0`, ...) in
//!   place of a run of digits or inserted anywhere;
//! - a dictionary of the target's tokens (JSON punctuation and literals, field names such as
//!   `sequenceNumber`, `entities`, `_info`, condition keywords) inserted or written over;
//! - a quoted string's contents replaced by a dictionary token.
//!
//! One to six mutations are stacked on each input. Everything is drawn from [`Rng`], so a run
//! is fixed by its seed.

use crate::rng::Rng;

/// Numbers at the edges of the integer and float types the decoders read.
pub const INTERESTING_NUMBERS: &[&str] = &[
    "0",
    "-0",
    "1",
    "-1",
    "127",
    "128",
    "255",
    "256",
    "32767",
    "32768",
    "65535",
    "65536",
    "2147483647",
    "2147483648",
    "-2147483648",
    "-2147483649",
    "4294967295",
    "4294967296",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "-9223372036854775809",
    "18446744073709551615",
    "18446744073709551616",
    "340282366920938463463374607431768211456",
    "0.5",
    "-0.0",
    "1e308",
    "1e309",
    "-1e309",
    "1E-400",
    "4.9e-324",
    "1.7976931348623157e308",
    "00",
    "01",
    "1.",
    ".5",
    "1e",
    "+1",
    "0x10",
    "NaN",
    "Infinity",
];

/// Bytes that change the structure of JSON or of a condition.
const INTERESTING_BYTES: &[u8] =
    b"\"'\\{}[](),:/=<>!%_ \t\n\r\x00\xff\x7f\x80\xc3\xe2-+.0123456789eE";

/// Makes new inputs from old ones.
#[derive(Debug, Clone)]
pub struct Mutator {
    /// Tokens to insert or write over.
    pub dictionary: Vec<Vec<u8>>,
    /// No input grows past this many bytes.
    pub max_len: usize,
    /// Whether to add the JSON-aware mutations.
    pub json: bool,
}

impl Mutator {
    /// A mutator with `dictionary` (plus the interesting numbers) and inputs up to `max_len`.
    pub fn new(dictionary: &[&str], max_len: usize) -> Mutator {
        let mut dictionary: Vec<Vec<u8>> =
            dictionary.iter().map(|t| t.as_bytes().to_vec()).collect();
        dictionary.extend(INTERESTING_NUMBERS.iter().map(|t| t.as_bytes().to_vec()));
        Mutator {
            dictionary,
            max_len: max_len.max(1),
            json: false,
        }
    }

    /// Adds the JSON-aware mutations (see [`json_mutation`]) for inputs that parse as JSON.
    pub fn json(mut self) -> Mutator {
        self.json = true;
        self
    }

    /// A mutant of `input`; `other` is another input of the corpus, for splicing.
    pub fn mutate(&self, rng: &mut Rng, input: &[u8], other: &[u8]) -> Vec<u8> {
        if self.json && rng.one_in(2) {
            if let Some(mut out) = json_mutation(rng, input, other, &self.dictionary) {
                // Mostly left valid JSON, to reach the decoders behind the syntax.
                if rng.one_in(3) {
                    self.one(rng, &mut out, other);
                }
                out.truncate(self.max_len);
                return out;
            }
        }
        let mut out = input.to_vec();
        let stack = 1 + rng.below(6);
        for _ in 0..stack {
            self.one(rng, &mut out, other);
        }
        out.truncate(self.max_len);
        out
    }

    /// Applies one mutation.
    fn one(&self, rng: &mut Rng, b: &mut Vec<u8>, other: &[u8]) {
        match rng.below(16) {
            // Flip one bit.
            0 => {
                if !b.is_empty() {
                    let i = rng.below(b.len());
                    b[i] ^= 1 << rng.below(8);
                }
            }
            // A random byte.
            1 => {
                if !b.is_empty() {
                    let i = rng.below(b.len());
                    b[i] = rng.next_u64() as u8;
                }
            }
            // An interesting byte, over one or inserted.
            2 => {
                let byte = INTERESTING_BYTES[rng.below(INTERESTING_BYTES.len())];
                let i = rng.upto(b.len());
                if i < b.len() && rng.one_in(2) {
                    b[i] = byte;
                } else {
                    b.insert(i, byte);
                }
            }
            // Insert random bytes.
            3 => {
                let i = rng.upto(b.len());
                let n = rng.length(16);
                let bytes: Vec<u8> = (0..n).map(|_| rng.next_u64() as u8).collect();
                b.splice(i..i, bytes);
            }
            // Delete a range.
            4 | 5 => {
                if !b.is_empty() {
                    let (i, j) = range(rng, b.len());
                    b.drain(i..j);
                }
            }
            // Duplicate a range, once or many times, somewhere.
            6 => {
                if !b.is_empty() {
                    let (i, j) = range(rng, b.len());
                    let piece = b[i..j].to_vec();
                    let times = if rng.one_in(8) { 1 + rng.below(64) } else { 1 };
                    let at = rng.upto(b.len());
                    let room = self.max_len.saturating_sub(b.len());
                    let copies: Vec<u8> = piece
                        .iter()
                        .copied()
                        .cycle()
                        .take((piece.len() * times).min(room))
                        .collect();
                    b.splice(at..at, copies);
                }
            }
            // Splice: this input's head, the other's tail.
            7 => {
                let head = rng.upto(b.len());
                let tail = rng.upto(other.len());
                b.truncate(head);
                b.extend_from_slice(&other[tail..]);
            }
            // Copy a piece of the other input in.
            8 => {
                if !other.is_empty() {
                    let (i, j) = range(rng, other.len());
                    let at = rng.upto(b.len());
                    b.splice(at..at, other[i..j].iter().copied());
                }
            }
            // Truncate.
            9 => {
                let n = rng.upto(b.len());
                b.truncate(n);
            }
            // An interesting number in place of a run of digits, or inserted.
            10 => {
                let number = INTERESTING_NUMBERS[rng.below(INTERESTING_NUMBERS.len())].as_bytes();
                match digit_run(rng, b) {
                    Some((i, j)) if !rng.one_in(4) => {
                        b.splice(i..j, number.iter().copied());
                    }
                    _ => {
                        let at = rng.upto(b.len());
                        b.splice(at..at, number.iter().copied());
                    }
                }
            }
            // A dictionary token, inserted.
            11 | 12 => {
                if let Some(token) = rng.pick(&self.dictionary) {
                    let at = rng.upto(b.len());
                    b.splice(at..at, token.iter().copied());
                }
            }
            // A dictionary token, over the bytes there.
            13 => {
                if let Some(token) = rng.pick(&self.dictionary) {
                    let at = rng.upto(b.len());
                    let end = (at + token.len()).min(b.len());
                    b.splice(at..end, token.iter().copied());
                }
            }
            // A quoted string's contents replaced by a token.
            14 => {
                if let (Some((i, j)), Some(token)) = (quoted(rng, b), rng.pick(&self.dictionary)) {
                    b.splice(i..j, token.iter().copied());
                }
            }
            // Swap two ranges' bytes (same length), reordering structure.
            _ => {
                if b.len() >= 2 {
                    let n = rng.length(b.len() / 2);
                    let i = rng.below(b.len() - n + 1);
                    let j = rng.below(b.len() - n + 1);
                    if i + n <= j || j + n <= i {
                        for k in 0..n {
                            b.swap(i + k, j + k);
                        }
                    }
                }
            }
        }
    }
}

/// Values of every JSON type, and the edges of the ones the decoders read.
const JSON_VALUES: &[&str] = &[
    "null",
    "true",
    "false",
    "0",
    "-1",
    "1.5",
    "4294967296",
    "-9223372036854775809",
    "1e300",
    "\"\"",
    "\"x\"",
    "\"5\"",
    "\"-1\"",
    "\"true\"",
    "\"null\"",
    "\"2024-01-31T00:00:00Z\"",
    "[]",
    "{}",
    "[null]",
    "[{}]",
    "{\"id\":1}",
];

/// A structural mutation of an input that parses as JSON: one node (picked at random) is
/// replaced by a value of another type or by another node of this or the other input,
/// deleted, duplicated, wrapped in an array or object, or its key renamed to a dictionary
/// token; the result is written compact or pretty. `None` when the input is not JSON.
pub fn json_mutation(
    rng: &mut Rng,
    input: &[u8],
    other: &[u8],
    dictionary: &[Vec<u8>],
) -> Option<Vec<u8>> {
    use serde_json::Value;
    let mut doc: Value = serde_json::from_slice(input).ok()?;
    let donor: Option<Value> = serde_json::from_slice(other).ok();
    // Every node's path, as indices into objects (by position) and arrays.
    let mut paths: Vec<Vec<usize>> = Vec::new();
    fn walk(v: &Value, path: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        out.push(path.clone());
        let children: Box<dyn Iterator<Item = &Value>> = match v {
            Value::Object(m) => Box::new(m.values()),
            Value::Array(a) => Box::new(a.iter()),
            _ => return,
        };
        for (i, child) in children.enumerate() {
            path.push(i);
            walk(child, path, out);
            path.pop();
        }
    }
    walk(&doc, &mut Vec::new(), &mut paths);
    let pick_node = |rng: &mut Rng, root: &Value| -> Value {
        let mut all = Vec::new();
        walk(root, &mut Vec::new(), &mut all);
        let path = &all[rng.below(all.len())];
        node(root, path).cloned().unwrap_or(Value::Null)
    };
    let path = paths[rng.below(paths.len())].clone();
    // Keys from the dictionary: its tokens that are JSON strings.
    let keys: Vec<String> = dictionary
        .iter()
        .filter_map(|t| serde_json::from_slice::<String>(t).ok())
        .collect();
    let replacement = match rng.below(4) {
        0 => serde_json::from_str::<Value>(JSON_VALUES[rng.below(JSON_VALUES.len())]).ok(),
        1 => Some(pick_node(rng, &doc)),
        2 => donor.as_ref().map(|d| pick_node(rng, d)),
        _ => None,
    };
    let op = rng.below(6);
    let (parent_path, last) = match path.split_last() {
        Some((last, parent)) => (parent.to_vec(), Some(*last)),
        None => (Vec::new(), None),
    };
    match (op, last) {
        // Replace the node.
        (0 | 1, _) => {
            let target = node_mut(&mut doc, &path)?;
            *target = replacement.unwrap_or(Value::Null);
        }
        // Delete it from its parent.
        (2, Some(i)) => match node_mut(&mut doc, &parent_path)? {
            Value::Object(m) => {
                let key = m.keys().nth(i)?.clone();
                m.remove(&key);
            }
            Value::Array(a) => {
                a.remove(i);
            }
            _ => return None,
        },
        // Duplicate it in its parent (an array element, or a copy under another key).
        (3, Some(i)) => match node_mut(&mut doc, &parent_path)? {
            Value::Object(m) => {
                let value = m.values().nth(i)?.clone();
                let key = rng.pick(&keys).cloned().unwrap_or_else(|| "x".into());
                m.insert(key, value);
            }
            Value::Array(a) => {
                let value = a.get(i)?.clone();
                let times = if rng.one_in(8) { 1 + rng.below(100) } else { 1 };
                for _ in 0..times {
                    a.insert(i, value.clone());
                }
            }
            _ => return None,
        },
        // Rename its key.
        (4, Some(i)) => match node_mut(&mut doc, &parent_path)? {
            Value::Object(m) => {
                let key = m.keys().nth(i)?.clone();
                let value = m.remove(&key)?;
                let new_key = match rng.below(3) {
                    0 => key.to_ascii_uppercase(),
                    1 => format!("{key}{key}"),
                    _ => rng.pick(&keys).cloned().unwrap_or_default(),
                };
                m.insert(new_key, value);
            }
            _ => return None,
        },
        // Wrap it.
        _ => {
            let target = node_mut(&mut doc, &path)?;
            let inner = target.take();
            *target = if rng.one_in(2) {
                Value::Array(vec![inner])
            } else {
                let key = rng.pick(&keys).cloned().unwrap_or_else(|| "x".into());
                Value::Object([(key, inner)].into_iter().collect())
            };
        }
    }
    let mut out = Vec::with_capacity(input.len() + 64);
    let spaced = rng.one_in(2);
    write_json(&doc, rng, spaced, &mut out);
    Some(out)
}

/// Writes JSON with the keys of each object in an order of its own: usually
/// `sequenceNumber` first, as the API sends it (serde_json's map sorts keys, which would put
/// `entities` first and keep the bundle decoder's one-pass path from running), sometimes
/// rotated; with spaces after `:` and `,` when `spaced`.
fn write_json(v: &serde_json::Value, rng: &mut Rng, spaced: bool, out: &mut Vec<u8>) {
    use serde_json::Value;
    let sep: &[u8] = if spaced { b", " } else { b"," };
    let colon: &[u8] = if spaced { b": " } else { b":" };
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            if !keys.is_empty() && rng.one_in(8) {
                let n = rng.below(keys.len());
                keys.rotate_left(n);
            } else if !rng.one_in(4) {
                keys.sort_by_key(|k| !k.eq_ignore_ascii_case("sequenceNumber"));
            }
            out.push(b'{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.extend_from_slice(sep);
                }
                out.extend_from_slice(serde_json::to_string(k).unwrap_or_default().as_bytes());
                out.extend_from_slice(colon);
                write_json(&m[k], rng, spaced, out);
            }
            out.push(b'}');
        }
        Value::Array(a) => {
            out.push(b'[');
            for (i, item) in a.iter().enumerate() {
                if i > 0 {
                    out.extend_from_slice(sep);
                }
                write_json(item, rng, spaced, out);
            }
            out.push(b']');
        }
        other => out.extend_from_slice(other.to_string().as_bytes()),
    }
}

fn node<'a>(root: &'a serde_json::Value, path: &[usize]) -> Option<&'a serde_json::Value> {
    path.iter().try_fold(root, |v, &i| match v {
        serde_json::Value::Object(m) => m.values().nth(i),
        serde_json::Value::Array(a) => a.get(i),
        _ => None,
    })
}

fn node_mut<'a>(
    root: &'a mut serde_json::Value,
    path: &[usize],
) -> Option<&'a mut serde_json::Value> {
    path.iter().try_fold(root, |v, &i| match v {
        serde_json::Value::Object(m) => m.values_mut().nth(i),
        serde_json::Value::Array(a) => a.get_mut(i),
        _ => None,
    })
}

/// A non-empty range `i..j` of `0..len` (`len` > 0).
fn range(rng: &mut Rng, len: usize) -> (usize, usize) {
    let n = rng.length(len);
    let i = rng.below(len - n + 1);
    (i, i + n)
}

/// A run of ASCII digits (with a leading `-`), starting from a random place.
fn digit_run(rng: &mut Rng, b: &[u8]) -> Option<(usize, usize)> {
    let start = rng.upto(b.len());
    let i = start + b.get(start..)?.iter().position(u8::is_ascii_digit)?;
    let j = i + b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
    let i = if i > 0 && b[i - 1] == b'-' { i - 1 } else { i };
    Some((i, j))
}

/// The contents (between the quotes) of a `"..."` string, starting from a random place.
fn quoted(rng: &mut Rng, b: &[u8]) -> Option<(usize, usize)> {
    let start = rng.upto(b.len());
    let open = start + b.get(start..)?.iter().position(|&c| c == b'"')? + 1;
    let close = open + b[open..].iter().position(|&c| c == b'"')?;
    Some((open, close))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutants_are_deterministic_bounded_and_different() {
        let m = Mutator::new(&["sequenceNumber", "entities"], 64);
        let seed = br#"{"results":[{"sequenceNumber":1,"entities":[]}]}"#;
        let run = |s| {
            let mut rng = Rng::new(s);
            (0..500)
                .map(|_| m.mutate(&mut rng, seed, b"[1,2]"))
                .collect::<Vec<_>>()
        };
        let a = run(3);
        assert_eq!(a, run(3));
        assert_ne!(a, run(4));
        assert!(a.iter().all(|x| x.len() <= 64));
        let changed = a.iter().filter(|x| x.as_slice() != seed).count();
        assert!(changed > 400, "{changed} of 500 changed");
        // The dictionary and the numbers show up.
        assert!(a
            .iter()
            .any(|x| x.windows(8).any(|w| w == b"entities") && x.len() > seed.len()));
        assert!(a.iter().any(|x| x.windows(10).any(|w| w == b"4294967296")));
    }

    #[test]
    fn empty_inputs_mutate_without_panicking() {
        let m = Mutator::new(&[], 16);
        let mut rng = Rng::new(0);
        for _ in 0..2000 {
            let x = m.mutate(&mut rng, b"", b"");
            assert!(x.len() <= 16);
        }
    }
}

#[cfg(test)]
mod json_tests {
    use super::*;

    #[test]
    fn json_mutants_are_mostly_json_with_the_sequence_number_first() {
        let m = Mutator::new(&["\"entities\"", "\"id\""], 1 << 16).json();
        let seed = br#"{"results":[{"entities":[{"id":1},{"id":2}],"sequenceNumber":1,"count":2}],"_info":{}}"#;
        let mut rng = Rng::new(5);
        let mutants: Vec<Vec<u8>> = (0..1000)
            .map(|_| m.mutate(&mut rng, seed, b"[true]"))
            .collect();
        let json: Vec<serde_json::Value> = mutants
            .iter()
            .filter_map(|x| serde_json::from_slice(x).ok())
            .collect();
        assert!(json.len() > 300, "{} of 1000 mutants are JSON", json.len());
        let first = mutants
            .iter()
            .filter(|x| x.windows(22).any(|w| w == br#"[{"sequenceNumber":1,""#))
            .count();
        assert!(
            first > 100,
            "{first} mutants with the sequence number first"
        );
    }
}
