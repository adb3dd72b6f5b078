//! Splits condition text into tokens, one at a time, so the first error in reading order is
//! the one reported.

use crate::ast::{Number, Span};
use crate::date::{self, DateTime};
use crate::error::ParseError;

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Tok {
    /// A name or keyword (`status`, `and`, `LIKE`): its text is the token's span.
    Ident,
    Slash,
    LParen,
    RParen,
    Comma,
    Eq,
    NotEq,
    Lt,
    LtEq,
    Gt,
    GtEq,
    Str(String),
    Num(Number),
    Date(DateTime),
    Eof,
}

#[derive(Clone, Debug)]
pub(crate) struct Token {
    pub(crate) tok: Tok,
    pub(crate) span: Span,
}

pub(crate) struct Lexer<'a> {
    source: &'a str,
    pos: usize,
}

impl<'a> Lexer<'a> {
    pub(crate) fn new(source: &'a str) -> Self {
        Lexer { source, pos: 0 }
    }

    fn rest(&self) -> &'a str {
        &self.source[self.pos..]
    }

    fn char_at(&self, offset: usize) -> Option<char> {
        self.source
            .get(offset..)
            .and_then(|rest| rest.chars().next())
    }

    fn token(&self, tok: Tok, start: usize) -> Token {
        Token {
            tok,
            span: Span::new(start, self.pos),
        }
    }

    fn error(&self, start: usize, end: usize, message: impl Into<String>) -> ParseError {
        ParseError::new(self.source, Span::new(start, end), message)
    }

    pub(crate) fn next_token(&mut self) -> Result<Token, ParseError> {
        let trimmed = self.rest().trim_start();
        self.pos = self.source.len() - trimmed.len();
        let start = self.pos;
        let Some(c) = trimmed.chars().next() else {
            return Ok(self.token(Tok::Eof, start));
        };
        let next = self.char_at(start + c.len_utf8());
        let (tok, len) = match (c, next) {
            ('/', _) => (Tok::Slash, 1),
            ('(', _) => (Tok::LParen, 1),
            (')', _) => (Tok::RParen, 1),
            (',', _) => (Tok::Comma, 1),
            ('=', Some('=')) => {
                return Err(self.error(
                    start,
                    start + 2,
                    "`==` is not a ConnectWise operator: use `=`",
                ));
            }
            ('=', _) => (Tok::Eq, 1),
            ('!', Some('=')) => (Tok::NotEq, 2),
            ('!', _) => {
                return Err(self.error(start, start + 1, "unexpected `!`: did you mean `!=`?"))
            }
            ('<', Some('>')) => {
                return Err(self.error(
                    start,
                    start + 2,
                    "`<>` is not a ConnectWise operator: use `!=`",
                ));
            }
            ('<', Some('=')) => (Tok::LtEq, 2),
            ('<', _) => (Tok::Lt, 1),
            ('>', Some('=')) => (Tok::GtEq, 2),
            ('>', _) => (Tok::Gt, 1),
            ('\'' | '"', _) => return self.string(c),
            ('[', _) => return self.date(),
            ('-', _) | ('0'..='9', _) => return self.number(),
            ('&', _) => return Err(self.error(start, start + 1, "unexpected `&`: use `and`")),
            ('|', _) => return Err(self.error(start, start + 1, "unexpected `|`: use `or`")),
            _ if is_ident_start(c) => {
                let len = trimmed
                    .find(|c: char| !is_ident_continue(c))
                    .unwrap_or(trimmed.len());
                (Tok::Ident, len)
            }
            _ => {
                let message = format!("unexpected character `{}`", c.escape_debug());
                return Err(self.error(start, start + c.len_utf8(), message));
            }
        };
        self.pos += len;
        Ok(self.token(tok, start))
    }

    /// A string in `quote`s. Inside, the quote doubled or a backslash before either quote
    /// stands for the quote, and two backslashes for one; any other backslash is itself.
    fn string(&mut self, quote: char) -> Result<Token, ParseError> {
        let start = self.pos;
        let mut text = String::new();
        let mut chars = self.source[start + 1..].char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c == quote {
                if chars.next_if(|&(_, next)| next == quote).is_some() {
                    text.push(quote);
                    continue;
                }
                self.pos = start + 1 + i + 1;
                return Ok(self.token(Tok::Str(text), start));
            }
            if c == '\\' {
                if let Some((_, escaped)) =
                    chars.next_if(|&(_, next)| matches!(next, '\\' | '\'' | '"'))
                {
                    text.push(escaped);
                    continue;
                }
            }
            text.push(c);
        }
        Err(self.error(
            start,
            start + 1,
            format!("unterminated string: no closing `{quote}` for this `{quote}`"),
        ))
    }

    /// `[date-time]`.
    fn date(&mut self) -> Result<Token, ParseError> {
        let start = self.pos;
        let Some(close) = self.source[start..].find(']') else {
            return Err(self.error(
                start,
                start + 1,
                "unterminated date: no closing `]` for this `[`",
            ));
        };
        let inner_start = start + 1;
        let inner = &self.source[inner_start..start + close];
        // Allow spaces just inside the brackets: `[ 2024-01-31 ]`.
        let trimmed = inner.trim();
        let lead = inner.len() - inner.trim_start().len();
        match date::parse_iso(trimmed) {
            Ok(date) => {
                self.pos = start + close + 1;
                Ok(self.token(Tok::Date(date), start))
            }
            Err(error) => {
                let at = inner_start + lead;
                let message = format!(
                    "invalid date `{trimmed}`: {} (dates look like [2024-01-31T00:00:00Z])",
                    error.message
                );
                Err(self.error(at + error.start, at + error.end, message))
            }
        }
    }

    /// `-?[0-9]+(\.[0-9]+)?`, not followed by a letter, digit, `_` or `.`.
    fn number(&mut self) -> Result<Token, ParseError> {
        let start = self.pos;
        let rest = self.rest();
        let digits_from = |from: usize| {
            rest[from..]
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len() - from)
        };
        let mut end = usize::from(rest.starts_with('-'));
        let whole = digits_from(end);
        if whole == 0 {
            return Err(self.error(
                start,
                start + 1,
                "unexpected `-`: a negative number has its digits right after the `-`",
            ));
        }
        end += whole;
        if rest[end..].starts_with('.') {
            let fraction = digits_from(end + 1);
            if fraction == 0 {
                return Err(self.error(
                    start,
                    start + end + 1,
                    "invalid number: expected digits after the decimal point",
                ));
            }
            end += 1 + fraction;
        }
        if let Some(c) = rest[end..]
            .chars()
            .next()
            .filter(|&c| is_ident_continue(c) || c == '.')
        {
            let bad_end = start + end + c.len_utf8();
            let message = format!("invalid number: unexpected `{c}` after `{}`", &rest[..end]);
            return Err(self.error(start, bad_end, message));
        }
        self.pos += end;
        Ok(self.token(Tok::Num(Number::from_checked_syntax(&rest[..end])), start))
    }
}

pub(crate) fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

pub(crate) fn is_ident_continue(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}
