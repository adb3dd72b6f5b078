//! The two errors: a condition that does not parse, and one that cannot be evaluated against
//! an entity (what ConnectWise answers with 400).

use std::fmt;

use crate::ast::Span;

/// The 1-based line and character column of byte `offset` of `source`.
pub(crate) fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let before = &source[..offset];
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
}

/// A condition that does not parse, with where and why.
///
/// Displays as `column 27: expected a value after `=`, found end of input` (with `line L, `
/// before the column when the condition spans lines).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    span: Span,
    line: usize,
    column: usize,
    message: String,
    expected: Vec<&'static str>,
}

impl ParseError {
    /// An error about `span` of `source`.
    pub(crate) fn new(source: &str, span: Span, message: impl Into<String>) -> Self {
        let (line, column) = line_column(source, span.start);
        ParseError {
            span,
            line,
            column,
            message: message.into(),
            expected: Vec::new(),
        }
    }

    pub(crate) fn with_expected(mut self, expected: &[&'static str]) -> Self {
        self.expected = expected.to_vec();
        self
    }

    /// Byte offset of the offending text (the input's length at end of input).
    pub fn offset(&self) -> usize {
        self.span.start
    }

    /// Byte range of the offending token (empty at end of input): what a compile error
    /// points at.
    pub fn span(&self) -> Span {
        self.span
    }

    /// 1-based line of [`ParseError::offset`].
    pub fn line(&self) -> usize {
        self.line
    }

    /// 1-based column of [`ParseError::offset`], counted in characters within its line.
    pub fn column(&self) -> usize {
        self.column
    }

    /// What went wrong, without the position: `expected a value after `=`, found end of input`.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// What would have been accepted at [`ParseError::offset`], e.g. `["`and`", "`or`",
    /// "end of input"]`; empty when the text there is wrong in itself (an unterminated string,
    /// an impossible date).
    pub fn expected(&self) -> &[&'static str] {
        &self.expected
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 1 {
            write!(f, "line {}, ", self.line)?;
        }
        write!(f, "column {}: {}", self.column, self.message)
    }
}

impl std::error::Error for ParseError {}

/// A condition that cannot be evaluated against an entity: comparing a field with a literal
/// of another type (`id = 'abc'`, `summary > 5`), an object (`status = 'New'`), or a date
/// field holding something that is not a date. ConnectWise answers such requests with 400;
/// a fake server answers the same with [`EvalError::message`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvalError {
    span: Span,
    message: String,
}

impl EvalError {
    pub(crate) fn new(span: Span, message: String) -> Self {
        EvalError { span, message }
    }

    /// The comparison at fault in the condition text (empty for trees built in code).
    pub fn span(&self) -> Span {
        self.span
    }

    /// What went wrong.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for EvalError {}
