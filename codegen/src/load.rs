//! Reading a spec file: JSON -> `openapiv3::OpenAPI`, with errors that say where.
//!
//! The document's version is checked first with a cheap probe, so a Swagger 2.0 or OpenAPI 3.1
//! file gets a sentence about versions rather than a confusing type error deep inside.

use crate::error::Error;
use openapiv3::OpenAPI;
use std::path::Path;

/// Reads and parses the spec at `path`.
pub fn read_spec(path: &Path) -> Result<OpenAPI, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    parse_spec(&bytes, path)
}

/// Parses a spec from bytes; `path` is only used in error messages.
pub fn parse_spec(bytes: &[u8], path: &Path) -> Result<OpenAPI, Error> {
    let not3 = |message: String| Error::NotOpenApi3 {
        path: path.to_owned(),
        message,
    };
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first.is_some_and(|&b| b != b'{') {
        return Err(not3(
            "not a JSON object; cwgen reads OpenAPI 3.0 specs as JSON (convert YAML first)".into(),
        ));
    }

    #[derive(serde::Deserialize)]
    struct Probe {
        openapi: Option<serde_json::Value>,
        swagger: Option<serde_json::Value>,
    }
    let probe: Probe = serde_json::from_slice(bytes).map_err(|e| json_error(path, &e))?;
    match (&probe.openapi, &probe.swagger) {
        (_, Some(v)) => {
            return Err(not3(format!(
                "#/swagger: this is a Swagger {v} document; cwgen reads OpenAPI 3.0.x \
                 (ConnectWise publishes 3.0.1; convert Swagger 2.0 with swagger2openapi)"
            )))
        }
        (None, None) => {
            return Err(not3(
                "#/openapi is missing: this is not an OpenAPI document".into(),
            ))
        }
        (Some(serde_json::Value::String(v)), None) if v.starts_with("3.0") => {}
        (Some(v), None) => {
            return Err(not3(format!(
                "#/openapi is {v}; cwgen reads OpenAPI 3.0.x (ConnectWise publishes 3.0.1)"
            )))
        }
    }

    let mut de = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let pointer = pointer_of(e.path());
        let inner = e.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            json_error(path, &inner)
        } else {
            Error::Spec {
                path: path.to_owned(),
                diagnostics: vec![crate::Diagnostic {
                    pointer,
                    schema: None,
                    message: format!("not valid OpenAPI 3.0: {inner}"),
                }],
            }
        }
    })
}

fn json_error(path: &Path, e: &serde_json::Error) -> Error {
    Error::Json {
        path: path.to_owned(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    }
}

/// serde_path_to_error's `a.b[3].c` as a JSON pointer `#/a/b/3/c`.
fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::from("#");
    for seg in path.iter() {
        out.push('/');
        match seg {
            Segment::Seq { index } => out.push_str(&index.to_string()),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                out.push_str(&crate::error::escape_pointer(key))
            }
            Segment::Unknown => out.push('?'),
        }
    }
    out
}
