//! Errors of the generator. Every error about the spec names its place: a JSON pointer into the
//! document (`#/components/schemas/Ticket/properties/board`) and, where there is one, the schema.

use std::fmt;
use std::path::PathBuf;

/// One problem found in a spec, with the place it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// JSON pointer into the spec, as a URI fragment: `#/paths/~1service~1tickets/get`.
    pub pointer: String,
    /// The component schema the problem is in, if any.
    pub schema: Option<String>,
    /// What is wrong, in a sentence.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.pointer)?;
        if let Some(schema) = &self.schema {
            write!(f, " (schema `{schema}`)")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Everything that can go wrong between reading a spec and writing Rust.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The spec, overrides file or output folder could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder that failed.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// The file is not JSON at all.
    #[error("{}: not valid JSON at line {line}, column {column}: {message}", path.display())]
    Json {
        /// The file that is not JSON.
        path: PathBuf,
        /// 1-based line of the first syntax error.
        line: usize,
        /// 1-based column of the first syntax error.
        column: usize,
        /// The JSON parser's description of the error.
        message: String,
    },
    /// The file is JSON but not an OpenAPI 3.0.x document (Swagger 2.0, OpenAPI 3.1, YAML...).
    #[error("{}: {message}", path.display())]
    NotOpenApi3 {
        /// The file that was read.
        path: PathBuf,
        /// Why it is not OpenAPI 3.0 (the version found, or the deserializer's error).
        message: String,
    },
    /// The spec was read but is broken or uses a shape the generator does not support.
    /// All problems are listed, not only the first.
    #[error("{}: {} problem(s) in the spec:\n{}", path.display(), diagnostics.len(), list(diagnostics))]
    Spec {
        /// The spec file.
        path: PathBuf,
        /// Every problem found, each with its JSON pointer.
        diagnostics: Vec<Diagnostic>,
    },
    /// The overrides file is broken or names something of the wrong kind.
    #[error("{}: {message}", path.display())]
    Overrides {
        /// The overrides file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// `--check`: the output folder differs from what the spec generates.
    #[error("{} is out of date with the spec: {}", dir.display(), differences.join(", "))]
    OutOfDate {
        /// The output folder that was checked.
        dir: PathBuf,
        /// The files that differ, are missing or are extra.
        differences: Vec<String>,
    },
    /// The emitter produced tokens that do not parse as Rust: a bug in the generator.
    #[error("internal error: generated code for `{file}` is not valid Rust: {message}")]
    Emit {
        /// The name of the generated file.
        file: String,
        /// The Rust parser's error.
        message: String,
    },
}

fn list(diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(|d| format!("  - {d}"))
        .collect::<Vec<_>>()
        .join("\n")
}

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// The diagnostics of a [`Error::Spec`], empty for other errors.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Error::Spec { diagnostics, .. } => diagnostics,
            _ => &[],
        }
    }
}

/// Escapes one reference token of a JSON pointer (RFC 6901): `~` -> `~0`, `/` -> `~1`.
pub fn escape_pointer(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// `#/components/schemas/<name>`.
pub fn schema_pointer(name: &str) -> String {
    format!("#/components/schemas/{}", escape_pointer(name))
}

/// `#/paths/<path>/<method>`.
pub fn path_pointer(path: &str, method: &str) -> String {
    format!("#/paths/{}/{method}", escape_pointer(path))
}
