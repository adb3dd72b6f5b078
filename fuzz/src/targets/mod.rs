//! The three targets, and where their seeds come from.
//!
//! Seeds are read from the workspace when a target is made (the paths are fixed at compile
//! time from this crate's place in it): a missing seed folder is an error, not a quiet run
//! without seeds.

pub mod bundle;
pub mod conditions;
pub mod spec;

use std::path::{Path, PathBuf};

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A seed file could not be read.
#[derive(Debug)]
pub struct SeedError(pub String);

impl std::fmt::Display for SeedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SeedError {}

/// The file at `path` (relative to the workspace), named by that path.
pub fn read(path: &str) -> Result<(String, Vec<u8>), SeedError> {
    let full = workspace().join(path);
    std::fs::read(&full)
        .map(|bytes| (path.to_owned(), bytes))
        .map_err(|e| SeedError(format!("cannot read seed {}: {e}", full.display())))
}

/// Every file of `dir` (relative to the workspace) whose name ends in `ext`, sorted by name.
pub fn read_dir(dir: &str, ext: &str) -> Result<Vec<(String, Vec<u8>)>, SeedError> {
    let full = workspace().join(dir);
    let entries = std::fs::read_dir(&full)
        .map_err(|e| SeedError(format!("cannot read seed folder {}: {e}", full.display())))?;
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(ext))
        .collect();
    names.sort();
    if names.is_empty() {
        return Err(SeedError(format!(
            "no `*{ext}` seeds in {}",
            full.display()
        )));
    }
    names.iter().map(|n| read(&format!("{dir}/{n}"))).collect()
}

/// Every file of a folder outside the workspace (`--corpus DIR`), as extra seeds.
pub fn read_extra(dir: &Path) -> Result<Vec<(String, Vec<u8>)>, SeedError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| SeedError(format!("cannot read corpus folder {}: {e}", dir.display())))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            std::fs::read(&p)
                .map(|b| (p.display().to_string(), b))
                .map_err(|e| SeedError(format!("cannot read {}: {e}", p.display())))
        })
        .collect()
}

/// The string literals of Rust source (`"..."` with escapes, `r"..."`, `r#"..."#`), for
/// taking the conditions out of the condition crate's tests.
pub fn rust_string_literals(source: &str) -> Vec<String> {
    let b = source.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            // Skip line comments (they hold apostrophes and quotes of prose).
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            // A char literal such as '"' would open a string otherwise.
            b'\'' if b.get(i + 2) == Some(&b'\'') => i += 3,
            b'\'' if b.get(i + 1) == Some(&b'\\') && b.get(i + 3) == Some(&b'\'') => i += 4,
            b'r' if matches!(b.get(i + 1), Some(b'"' | b'#'))
                && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')) =>
            {
                let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
                let open = i + 1 + hashes;
                if b.get(open) != Some(&b'"') {
                    i += 1;
                    continue;
                }
                let close: Vec<u8> = std::iter::once(b'"')
                    .chain(std::iter::repeat(b'#').take(hashes))
                    .collect();
                match b[open + 1..].windows(close.len()).position(|w| w == close) {
                    Some(n) => {
                        out.push(source[open + 1..open + 1 + n].to_owned());
                        i = open + 1 + n + close.len();
                    }
                    None => break,
                }
            }
            b'"' => {
                let mut s = String::new();
                let mut j = i + 1;
                let mut chars = source[j..].char_indices();
                let mut closed = false;
                while let Some((k, c)) = chars.next() {
                    match c {
                        '"' => {
                            j += k + 1;
                            closed = true;
                            break;
                        }
                        '\\' => match chars.next() {
                            Some((_, 'n')) => s.push('\n'),
                            Some((_, 't')) => s.push('\t'),
                            Some((_, 'r')) => s.push('\r'),
                            Some((_, '0')) => s.push('\0'),
                            Some((_, '\n')) => {
                                // A line continuation: the next line's leading spaces go.
                                let rest = chars.as_str();
                                let skip = rest.len() - rest.trim_start().len();
                                for _ in 0..rest[..skip].chars().count() {
                                    chars.next();
                                }
                            }
                            Some((_, other)) => s.push(other),
                            None => break,
                        },
                        c => s.push(c),
                    }
                }
                if !closed {
                    break;
                }
                out.push(s);
                i = j;
            }
            _ => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::rust_string_literals;

    #[test]
    fn string_literals_of_rust_source() {
        let source = r###"
            // it's a comment with a "quote"
            let c = '"';
            let a = ("status/name = 'New'", r#"a = "x""#, "b\\c \"q\"", r"raw");
            let long = "one \
                        two";
        "###;
        assert_eq!(
            rust_string_literals(source),
            vec![
                "status/name = 'New'",
                "a = \"x\"",
                "b\\c \"q\"",
                "raw",
                "one two"
            ]
        );
    }
}
