//! Recursive descent over the tokens of the lexer:
//!
//! ```text
//! condition  = or EOF
//! or         = and ("or" and)*
//! and        = unary ("and" unary)*
//! unary      = "not" unary | "(" or ")" | comparison
//! comparison = path op value            -- value is a list exactly when op is in / not in
//! path       = NAME ("/" NAME)*
//! op         = "=" | "!=" | "<" | "<=" | ">" | ">=" | ["not"] ("contains" | "like" | "in")
//! value      = STRING | NUMBER | DATE | "true" | "false" | "null"
//! list       = "(" value ("," value)* ")"
//! ```
//!
//! Keywords are case-insensitive.

use crate::ast::{Comparison, Condition, FieldPath, Op, Segment, Span, Value};
use crate::error::{line_column, ParseError};
use crate::lexer::{Lexer, Tok, Token};

/// Deeper nesting of parentheses and `not` is refused rather than risking the stack.
const MAX_DEPTH: usize = 128;

const CONDITION_START: &[&str] = &["a field name", "`(`", "`not`"];
const OPERATORS: &[&str] = &[
    "`=`",
    "`!=`",
    "`<`",
    "`<=`",
    "`>`",
    "`>=`",
    "`contains`",
    "`like`",
    "`in`",
    "`not contains`",
    "`not like`",
    "`not in`",
];
const VALUES: &[&str] = &[
    "a string", "a number", "a date", "`true`", "`false`", "`null`",
];
const AFTER_CONDITION: &[&str] = &["`and`", "`or`", "end of input"];
const AFTER_CONDITION_IN_PARENS: &[&str] = &["`and`", "`or`", "`)`"];

/// Parses a whole condition.
pub(crate) fn parse(source: &str) -> Result<Condition, ParseError> {
    let mut parser = Parser::new(source);
    let condition = parser.or(None)?;
    let token = parser.bump()?;
    match token.tok {
        Tok::Eof => Ok(condition),
        Tok::RParen => Err(parser
            .error(token.span, "unmatched `)`")
            .with_expected(AFTER_CONDITION)),
        _ => {
            let message = format!(
                "expected `and`, `or` or end of input, found {}",
                parser.describe(&token)
            );
            Err(parser
                .error(token.span, message)
                .with_expected(AFTER_CONDITION))
        }
    }
}

/// Parses a field path on its own (`status/name`).
pub(crate) fn parse_field_path(source: &str) -> Result<FieldPath, ParseError> {
    let mut parser = Parser::new(source);
    let first = parser.bump()?;
    if first.tok != Tok::Ident || parser.is_reserved(&first) {
        let message = format!("expected a field name, found {}", parser.describe(&first));
        return Err(parser
            .error(first.span, message)
            .with_expected(&["a field name"]));
    }
    let path = parser.path(first)?;
    let token = parser.bump()?;
    if token.tok != Tok::Eof {
        let message = format!(
            "expected `/` or end of input after the field name, found {}",
            parser.describe(&token)
        );
        return Err(parser
            .error(token.span, message)
            .with_expected(&["`/`", "end of input"]));
    }
    Ok(path)
}

/// Whether `word` is one of the keywords that cannot start a field path (`and`, `or`, `not`,
/// in any case): a path starting with one would not print back.
pub(crate) fn is_reserved_word(word: &str) -> bool {
    ["and", "or", "not"]
        .iter()
        .any(|keyword| word.eq_ignore_ascii_case(keyword))
}

struct Parser<'a> {
    source: &'a str,
    lexer: Lexer<'a>,
    peeked: Option<Token>,
    depth: usize,
}

impl<'a> Parser<'a> {
    fn new(source: &'a str) -> Self {
        Parser {
            source,
            lexer: Lexer::new(source),
            peeked: None,
            depth: 0,
        }
    }

    fn peek(&mut self) -> Result<&Token, ParseError> {
        let token = match self.peeked.take() {
            Some(token) => token,
            None => self.lexer.next_token()?,
        };
        Ok(self.peeked.insert(token))
    }

    fn bump(&mut self) -> Result<Token, ParseError> {
        match self.peeked.take() {
            Some(token) => Ok(token),
            None => self.lexer.next_token(),
        }
    }

    fn text(&self, token: &Token) -> &'a str {
        &self.source[token.span.range()]
    }

    fn is_keyword(&self, token: &Token, keyword: &str) -> bool {
        token.tok == Tok::Ident && self.text(token).eq_ignore_ascii_case(keyword)
    }

    /// Words that cannot start a field path: a path starting with them would not print back.
    fn is_reserved(&self, token: &Token) -> bool {
        token.tok == Tok::Ident && is_reserved_word(self.text(token))
    }

    /// Consumes the next token if it is `keyword`.
    fn eat_keyword(&mut self, keyword: &str) -> Result<Option<Token>, ParseError> {
        let token = self.peek()?.clone();
        if self.is_keyword(&token, keyword) {
            self.peeked = None;
            Ok(Some(token))
        } else {
            Ok(None)
        }
    }

    fn error(&self, span: Span, message: impl Into<String>) -> ParseError {
        ParseError::new(self.source, span, message)
    }

    /// How a token reads in a message: "`and`", "a string", "end of input".
    fn describe(&self, token: &Token) -> String {
        match &token.tok {
            Tok::Str(_) => "a string".to_owned(),
            Tok::Num(_) => "a number".to_owned(),
            Tok::Date(_) => "a date".to_owned(),
            Tok::Eof => "end of input".to_owned(),
            _ => format!("`{}`", self.text(token)),
        }
    }

    fn or(&mut self, after: Option<&str>) -> Result<Condition, ParseError> {
        let mut operands = vec![self.and(after)?];
        while self.eat_keyword("or")?.is_some() {
            operands.push(self.and(Some("`or`"))?);
        }
        Ok(if operands.len() == 1 {
            operands.remove(0)
        } else {
            Condition::Or(operands)
        })
    }

    fn and(&mut self, after: Option<&str>) -> Result<Condition, ParseError> {
        let mut operands = vec![self.unary(after)?];
        while self.eat_keyword("and")?.is_some() {
            operands.push(self.unary(Some("`and`"))?);
        }
        Ok(if operands.len() == 1 {
            operands.remove(0)
        } else {
            Condition::And(operands)
        })
    }

    /// `not unary`, `( or )` or a comparison. `after` names what came before (nothing at the
    /// start), for messages.
    fn unary(&mut self, after: Option<&str>) -> Result<Condition, ParseError> {
        let token = self.bump()?;
        match token.tok {
            Tok::LParen => {
                let inner = self.nested(token.span, |parser| parser.or(Some("`(`")))?;
                let close = self.bump()?;
                if close.tok != Tok::RParen {
                    let message = format!(
                        "expected `)` to close the `(` at column {}, found {}",
                        line_column(self.source, token.span.start).1,
                        self.describe(&close)
                    );
                    return Err(self
                        .error(close.span, message)
                        .with_expected(AFTER_CONDITION_IN_PARENS));
                }
                Ok(inner)
            }
            Tok::Ident if self.is_keyword(&token, "not") => {
                let inner = self.nested(token.span, |parser| parser.unary(Some("`not`")))?;
                Ok(Condition::Not(Box::new(inner)))
            }
            Tok::Ident if !self.is_reserved(&token) => self.comparison(token),
            _ => {
                let at = after
                    .map(|after| format!(" after {after}"))
                    .unwrap_or_default();
                let message = format!("expected a field name{at}, found {}", self.describe(&token));
                Err(self
                    .error(token.span, message)
                    .with_expected(CONDITION_START))
            }
        }
    }

    fn nested<T>(
        &mut self,
        span: Span,
        parse: impl FnOnce(&mut Self) -> Result<T, ParseError>,
    ) -> Result<T, ParseError> {
        if self.depth == MAX_DEPTH {
            let message =
                format!("conditions nested deeper than {MAX_DEPTH} levels are not supported");
            return Err(self.error(span, message));
        }
        self.depth += 1;
        let result = parse(self);
        self.depth -= 1;
        result
    }

    /// The rest of a path whose first name is `first`.
    fn path(&mut self, first: Token) -> Result<FieldPath, ParseError> {
        let mut segments = vec![Segment::new(self.text(&first).to_owned(), first.span)];
        while self.peek()?.tok == Tok::Slash {
            self.bump()?;
            let name = self.bump()?;
            if name.tok != Tok::Ident {
                let message = format!(
                    "expected a field name after `/`, found {}",
                    self.describe(&name)
                );
                return Err(self
                    .error(name.span, message)
                    .with_expected(&["a field name"]));
            }
            segments.push(Segment::new(self.text(&name).to_owned(), name.span));
        }
        Ok(FieldPath::from_segments(segments))
    }

    fn comparison(&mut self, first: Token) -> Result<Condition, ParseError> {
        let field = self.path(first)?;
        let (op, op_span) = self.operator(&field)?;
        let (value, value_span, item_spans) = if op.takes_list() {
            self.list(op, op_span)?
        } else {
            let (value, span) = self.scalar(op)?;
            (value, span, Vec::new())
        };
        Ok(Condition::Compare(Comparison {
            span: field.span().join(value_span),
            field,
            op,
            value,
            op_span,
            value_span,
            item_spans,
        }))
    }

    fn operator(&mut self, field: &FieldPath) -> Result<(Op, Span), ParseError> {
        let token = self.bump()?;
        let op = match token.tok {
            Tok::Eq => Op::Eq,
            Tok::NotEq => Op::NotEq,
            Tok::Lt => Op::Lt,
            Tok::LtEq => Op::LtEq,
            Tok::Gt => Op::Gt,
            Tok::GtEq => Op::GtEq,
            Tok::Ident if self.is_keyword(&token, "contains") => Op::Contains,
            Tok::Ident if self.is_keyword(&token, "like") => Op::Like,
            Tok::Ident if self.is_keyword(&token, "in") => Op::In,
            Tok::Ident if self.is_keyword(&token, "not") => {
                let word = self.bump()?;
                let op = if self.is_keyword(&word, "contains") {
                    Op::NotContains
                } else if self.is_keyword(&word, "like") {
                    Op::NotLike
                } else if self.is_keyword(&word, "in") {
                    Op::NotIn
                } else {
                    let message = format!(
                        "expected `like`, `in` or `contains` after `not`, found {}",
                        self.describe(&word)
                    );
                    return Err(self.error(word.span, message).with_expected(&[
                        "`contains`",
                        "`like`",
                        "`in`",
                    ]));
                };
                return Ok((op, token.span.join(word.span)));
            }
            _ => {
                let message = format!(
                    "expected an operator after `{field}`, found {}",
                    self.describe(&token)
                );
                return Err(self.error(token.span, message).with_expected(OPERATORS));
            }
        };
        Ok((op, token.span))
    }

    /// One value after a scalar operator.
    fn scalar(&mut self, op: Op) -> Result<(Value, Span), ParseError> {
        let token = self.bump()?;
        if token.tok == Tok::LParen {
            let message = format!("a list `(...)` can only follow `in` or `not in`, not `{op}`");
            return Err(self.error(token.span, message).with_expected(VALUES));
        }
        let value = self.value(&token, &format!("after `{op}`"))?;
        if value == Value::Null && !op.accepts_null() {
            let message = format!("`null` can only be compared with `=` or `!=`, not `{op}`");
            return Err(self.error(token.span, message));
        }
        Ok((value, token.span))
    }

    /// `( value, ... )` after `in` / `not in`.
    fn list(&mut self, op: Op, op_span: Span) -> Result<(Value, Span, Vec<Span>), ParseError> {
        let open = self.bump()?;
        if open.tok != Tok::LParen {
            let message = format!(
                "expected a list like `(1, 2)` after `{op}`, found {}",
                self.describe(&open)
            );
            return Err(self.error(open.span, message).with_expected(&["`(`"]));
        }
        let mut items = Vec::new();
        let mut spans = Vec::new();
        loop {
            let token = self.bump()?;
            let after = if items.is_empty() {
                "after `(`"
            } else {
                "after `,`"
            };
            items.push(self.value(&token, after)?);
            spans.push(token.span);
            let next = self.bump()?;
            match next.tok {
                Tok::Comma => {}
                Tok::RParen => {
                    return Ok((Value::List(items), open.span.join(next.span), spans));
                }
                _ => {
                    let message = format!(
                        "expected `,` or `)` in the list after `{op}` at column {}, found {}",
                        line_column(self.source, op_span.start).1,
                        self.describe(&next)
                    );
                    return Err(self
                        .error(next.span, message)
                        .with_expected(&["`,`", "`)`"]));
                }
            }
        }
    }

    /// A single literal; `after` says where, for the message.
    fn value(&self, token: &Token, after: &str) -> Result<Value, ParseError> {
        let value = match &token.tok {
            Tok::Str(text) => Value::String(text.clone()),
            Tok::Num(number) => Value::Number(number.clone()),
            Tok::Date(date) => Value::Date(*date),
            Tok::Ident if self.is_keyword(token, "true") => Value::Bool(true),
            Tok::Ident if self.is_keyword(token, "false") => Value::Bool(false),
            Tok::Ident if self.is_keyword(token, "null") => Value::Null,
            Tok::Ident => {
                let word = self.text(token);
                let message = format!(
                    "expected a value {after}, found `{word}` (text values are quoted: '{word}')"
                );
                return Err(self.error(token.span, message).with_expected(VALUES));
            }
            _ => {
                let message = format!("expected a value {after}, found {}", self.describe(token));
                return Err(self.error(token.span, message).with_expected(VALUES));
            }
        };
        Ok(value)
    }
}
