//! Reading a spec file: JSON -> `openapiv3::OpenAPI`, with errors that say where.
//!
//! One cheap pass over the JSON (`Scan`) comes first. It reports syntax errors with their
//! line and column, reads the document's version (so a Swagger 2.0 or OpenAPI 3.1 file gets a
//! sentence about versions rather than a confusing type error deep inside), and guards against
//! two weak spots of openapiv3, which parses a failing `ReferenceOr` twice to word its error:
//!
//! - duplicate keys: the first parse sees both, the second (from a `serde_json::Value`) only
//!   the last, succeeds, and openapiv3 panics ("somehow this parsed successfully the second
//!   time"). They are reported as errors before openapiv3 sees them.
//! - deep nesting: a problem `n` schemas deep costs 2^n parses. Documents nested deeper than
//!   the real specs are checked schema by schema first, one level at a time.
//!
//! openapiv3 then parses the document. It reads schemas through untagged enums and flattened
//! structs, behind which serde_path_to_error loses the place, so a type error is reported at
//! the innermost schema that does not parse (see `bad_schema`).

use crate::error::{escape_pointer, Error};
use openapiv3::{OpenAPI, ReferenceOr, Schema};
use serde::de::{DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use std::borrow::Cow;
use std::path::Path;

/// Reads and parses the spec at `path`.
pub fn read_spec(path: &Path) -> Result<OpenAPI, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    parse_spec(&bytes, path)
}

/// Stack for the thread that parses: see [`parse_spec`].
const PARSE_STACK: usize = 64 << 20;

/// Documents nested deeper than this are checked schema by schema before openapiv3 parses
/// them (see the module docs). The real specs nest 11 levels.
const DIRECT_DEPTH: usize = 16;

/// Parses a spec from bytes; `path` is only used in error messages.
///
/// In a debug build openapiv3 takes tens of KB of stack per level of nesting, so a document
/// near serde_json's limit of 128 levels would overflow a 2 MB test or proc-macro thread (a
/// crash, not an error). The parse runs on a thread of its own with room for that (only the
/// pages used are committed).
pub fn parse_spec(bytes: &[u8], path: &Path) -> Result<OpenAPI, Error> {
    let parse = || parse_here(bytes, path);
    std::thread::scope(|s| {
        match std::thread::Builder::new()
            .name("cwgen-parse".into())
            .stack_size(PARSE_STACK)
            .spawn_scoped(s, parse)
        {
            Ok(thread) => thread
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            // No thread to be had: parse here and hope the document is not that deep.
            Err(_) => parse(),
        }
    })
}

fn parse_here(bytes: &[u8], path: &Path) -> Result<OpenAPI, Error> {
    let not3 = |message: String| Error::NotOpenApi3 {
        path: path.to_owned(),
        message,
    };
    let spec_error = |pointer: String, message: String| Error::Spec {
        path: path.to_owned(),
        diagnostics: vec![crate::Diagnostic {
            schema: schema_of(&pointer),
            pointer,
            message,
        }],
    };
    // A byte order mark is what some Windows tools put before JSON; serde_json does not skip it.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        None => return Err(not3("the file is empty: no OpenAPI document".into())),
        Some(b'{') => {}
        Some(b'[') => {
            return Err(not3(
                "the document is a JSON array; an OpenAPI document is a JSON object".into(),
            ))
        }
        Some(_) => {
            return Err(not3(
                "not a JSON object; cwgen reads OpenAPI 3.0 specs as JSON (convert YAML first)"
                    .into(),
            ))
        }
    }

    // The first pass, and beside it the cutting of the document into its sections for
    // `parse_split` (raw JSON only: safe on any input, used only if the pass finds nothing).
    let (scan, sections) = std::thread::scope(|s| {
        let sections = std::thread::Builder::new()
            .name("cwgen-sections".into())
            .stack_size(PARSE_STACK)
            .spawn_scoped(s, || Sections::cut(bytes));
        let scan = Scan::run(bytes, false);
        let sections = match sections {
            Ok(thread) => thread
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(_) => Sections::cut(bytes),
        };
        (scan, sections)
    });
    let scan = scan.map_err(|e| json_error(path, &e))?;
    match (&scan.openapi, &scan.swagger) {
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
        (Some(Value::String(v)), None) if v.starts_with("3.0") => {}
        (Some(v @ Value::String(_)), None) => {
            return Err(not3(format!(
                "#/openapi is {v}; cwgen reads OpenAPI 3.0.x (ConnectWise publishes 3.0.1)"
            )))
        }
        (Some(v), None) => {
            return Err(not3(format!(
                "#/openapi is {v}, not a string; write the version as a string: \"3.0.1\""
            )))
        }
    }
    if scan.duplicate.is_some() {
        // Again, keeping track of the place this time.
        let scan = Scan::run(bytes, true).map_err(|e| json_error(path, &e))?;
        let (pointer, key) = scan.duplicate.unwrap_or_default();
        return Err(spec_error(
            pointer,
            format!("duplicate key {key:?}: every key of a JSON object must be unique"),
        ));
    }
    if scan.max_depth > DIRECT_DEPTH {
        let doc: Value = serde_json::from_slice(bytes).map_err(|e| json_error(path, &e))?;
        if let Some((pointer, message)) = bad_schema(&doc, "#", false) {
            return Err(spec_error(
                pointer,
                format!("not valid OpenAPI 3.0: {message}"),
            ));
        }
    }

    if scan.max_depth <= DIRECT_DEPTH {
        if let Some(spec) = sections.and_then(parse_split) {
            return Ok(spec);
        }
    }
    // It does not parse: again, keeping track of the place, for the error.
    let mut de = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let pointer = pointer_of(e.path());
        let inner = e.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            return json_error(path, &inner);
        }
        let (pointer, message) = refine(bytes, &pointer).unwrap_or((pointer, inner.to_string()));
        spec_error(pointer, format!("not valid OpenAPI 3.0: {message}"))
    })
}

fn json_error(path: &Path, e: &serde_json::Error) -> Error {
    // serde_json's message ends with the place, which `Error::Json` prints already.
    let message = e.to_string();
    let place = format!(" at line {} column {}", e.line(), e.column());
    Error::Json {
        path: path.to_owned(),
        line: e.line(),
        column: e.column(),
        message: message.strip_suffix(&place).unwrap_or(&message).to_owned(),
    }
}

/// What the first pass over the JSON found.
#[derive(Default)]
struct Scan<'de> {
    /// Whether to keep `path` (only to say where a duplicate key is: it costs).
    track: bool,
    /// Keys and indices from the root to the value being read.
    path: Vec<String>,
    depth: usize,
    max_depth: usize,
    /// `#/openapi` and `#/swagger`.
    openapi: Option<Value>,
    swagger: Option<Value>,
    /// The first duplicate key: the object's pointer (when tracking), and the key.
    duplicate: Option<(String, String)>,
    /// The keys of the objects being read, innermost last (one buffer for all).
    keys: Vec<Cow<'de, str>>,
}

impl<'de> Scan<'de> {
    fn run(bytes: &'de [u8], track: bool) -> Result<Scan<'de>, serde_json::Error> {
        let mut scan = Scan {
            track,
            ..Scan::default()
        };
        let mut de = serde_json::Deserializer::from_slice(bytes);
        Node(&mut scan).deserialize(&mut de)?;
        de.end()?;
        Ok(scan)
    }
}

/// A document cut into the sections [`parse_split`] reads: the raw JSON of the top level, of
/// the paths and of the component schemas.
struct Sections<'a> {
    top: Raw<'a>,
    paths: Raw<'a>,
    components: Option<Raw<'a>>,
    schemas: Raw<'a>,
}

type Raw<'a> = indexmap::IndexMap<String, &'a serde_json::value::RawValue>;

impl<'a> Sections<'a> {
    /// `None` if the document is not a JSON object with a `paths` object (and, if it has
    /// `components`, an object with an object of `schemas`).
    fn cut(bytes: &'a [u8]) -> Option<Self> {
        fn object<'a>(raw: Option<&&'a serde_json::value::RawValue>) -> Option<Raw<'a>> {
            raw.map_or(Some(Raw::default()), |r| serde_json::from_str(r.get()).ok())
        }
        let top: Raw = serde_json::from_slice(bytes).ok()?;
        let paths = object(Some(top.get("paths")?))?;
        let components = match top.get("components") {
            Some(c) => Some(object(Some(c))?),
            None => None,
        };
        let schemas = object(components.as_ref().and_then(|c| c.get("schemas")))?;
        Some(Sections {
            top,
            paths,
            components,
            schemas,
        })
    }
}

/// Parses a well-formed document (checked by [`Scan`]) section by section, or `None` if it is
/// not valid OpenAPI 3.0 (then the caller parses it whole, to report where).
///
/// openapiv3 reads `OpenAPI` and `Paths` through `#[serde(flatten)]`, which first copies the
/// whole document into serde's in-memory `Content` tree and then reads that. Here each path
/// item and each component schema (nearly all of a ConnectWise spec) is read straight from its
/// bytes, spread over the machine's threads, and the small rest through openapiv3 as usual.
/// The result is the same `OpenAPI` value (a test compares the two on every spec we have).
fn parse_split(sections: Sections<'_>) -> Option<OpenAPI> {
    use openapiv3::{Components, PathItem, Paths, ReferenceOr, Schema};
    use serde_json::value::RawValue;
    /// `{"key":value,...}` from raw parts.
    fn text<'a>(entries: impl Iterator<Item = (&'a String, &'a &'a RawValue)>) -> String {
        let mut out = String::from("{");
        for (key, value) in entries {
            if out.len() > 1 {
                out.push(',');
            }
            out.push_str(&serde_json::to_string(key).unwrap_or_default());
            out.push(':');
            out.push_str(value.get());
        }
        out.push('}');
        out
    }

    let Sections {
        top,
        paths,
        components,
        schemas,
    } = sections;

    // The big parts, one item at a time, on every thread.
    enum Item<'a> {
        Path(&'a RawValue),
        Schema(&'a RawValue),
    }
    enum Parsed {
        Path(Box<ReferenceOr<PathItem>>),
        Schema(Box<ReferenceOr<Schema>>),
    }
    let items: Vec<Item> = paths
        .iter()
        .filter(|(k, _)| k.starts_with('/'))
        .map(|(_, v)| Item::Path(v))
        .chain(schemas.values().map(|v| Item::Schema(v)))
        .collect();
    let parsed = crate::emit::parallel_map(&items, |item| match item {
        Item::Path(raw) => serde_json::from_str(raw.get())
            .ok()
            .map(|p| Parsed::Path(Box::new(p))),
        Item::Schema(raw) => serde_json::from_str(raw.get())
            .ok()
            .map(|s| Parsed::Schema(Box::new(s))),
    });
    let mut parsed = parsed.into_iter();

    let rest = top
        .iter()
        .filter(|(k, _)| *k != "paths" && *k != "components");
    let mut rest = text(rest);
    rest.insert_str(
        1,
        if rest.len() > 2 {
            "\"paths\":{},"
        } else {
            "\"paths\":{}"
        },
    );
    let mut spec: OpenAPI = serde_json::from_str(&rest).ok()?;
    let extensions = text(paths.iter().filter(|(k, _)| !k.starts_with('/')));
    spec.paths = serde_json::from_str::<Paths>(&extensions).ok()?;
    // Room for every path item at once: each is moved in (several KB), not copied again as
    // the map grows.
    spec.paths.paths.reserve(paths.len());
    for (key, _) in paths.iter().filter(|(k, _)| k.starts_with('/')) {
        match parsed.next()?? {
            Parsed::Path(item) => spec.paths.paths.insert(key.clone(), *item),
            Parsed::Schema(_) => return None,
        };
    }
    if let Some(components) = &components {
        let mut c: Components =
            serde_json::from_str(&text(components.iter().filter(|(k, _)| *k != "schemas"))).ok()?;
        c.schemas.reserve(schemas.len());
        for key in schemas.keys() {
            match parsed.next()?? {
                Parsed::Schema(schema) => c.schemas.insert(key.clone(), *schema),
                Parsed::Path(_) => return None,
            };
        }
        spec.components = Some(c);
    }
    Some(spec)
}

/// One JSON value, read for [`Scan`] and thrown away.
struct Node<'s, 'de>(&'s mut Scan<'de>);

impl<'de> DeserializeSeed<'de> for Node<'_, 'de> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let scan = self.0;
        scan.depth += 1;
        scan.max_depth = scan.max_depth.max(scan.depth);
        for i in 0.. {
            if scan.track {
                scan.path.push(i.to_string());
            }
            let more = seq.next_element_seed(Node(scan))?.is_some();
            if scan.track {
                scan.path.pop();
            }
            if !more {
                break;
            }
        }
        scan.depth -= 1;
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let scan = self.0;
        scan.depth += 1;
        scan.max_depth = scan.max_depth.max(scan.depth);
        let first = scan.keys.len();
        while let Some(Key(key)) = map.next_key()? {
            if scan.depth == 1 && key == "openapi" {
                scan.openapi = Some(map.next_value()?);
            } else if scan.depth == 1 && key == "swagger" {
                scan.swagger = Some(map.next_value()?);
            } else if scan.track {
                scan.path.push(key.to_string());
                map.next_value_seed(Node(&mut *scan))?;
                scan.path.pop();
            } else {
                map.next_value_seed(Node(&mut *scan))?;
            }
            scan.keys.push(key);
        }
        // Sorting finds duplicates without hashing every key of the document.
        let keys = &mut scan.keys[first..];
        keys.sort_unstable();
        if let Some(pair) = keys.windows(2).find(|pair| pair[0] == pair[1]) {
            if scan.duplicate.is_none() {
                scan.duplicate = Some((pointer_to(&scan.path), pair[0].to_string()));
            }
        }
        scan.keys.truncate(first);
        scan.depth -= 1;
        Ok(())
    }
}

/// An object key, borrowed from the input unless it has escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }

            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }

            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// `["paths", "/service/tickets"]` -> `#/paths/~1service~1tickets`.
fn pointer_to(tokens: &[String]) -> String {
    let mut out = String::from("#");
    for t in tokens {
        out.push('/');
        out.push_str(&escape_pointer(t));
    }
    out
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
                out.push_str(&escape_pointer(key))
            }
            Segment::Unknown => out.push('?'),
        }
    }
    out
}

/// openapiv3 reads schemas through untagged enums and flattened structs, behind which
/// serde_path_to_error cannot see: a bad property schema is reported at its component
/// (`#/components/schemas/Ticket`) or at `#/paths`. This finds the innermost schema under
/// `pointer` that does not parse, and what is wrong with it.
fn refine(bytes: &[u8], pointer: &str) -> Option<(String, String)> {
    // Not for the document itself (`#`: a missing top-level field says it all).
    if !pointer.starts_with("#/") {
        return None;
    }
    let doc: Value = serde_json::from_slice(bytes).ok()?;
    let value = doc.pointer(pointer.strip_prefix('#')?)?;
    let in_schema = pointer.starts_with("#/components/schemas/");
    bad_schema(value, pointer, in_schema).or_else(|| {
        // `#/paths` is a flattened map: at least name the path item, and what in it.
        let items = value.as_object().filter(|_| pointer == "#/paths")?;
        items.iter().find_map(|(path, item)| {
            if item.get("$ref").is_some() {
                return None;
            }
            let e = serde_path_to_error::deserialize::<_, openapiv3::PathItem>(item).err()?;
            let inner = pointer_of(e.path());
            let at = format!("#/paths/{}{}", escape_pointer(path), &inner[1..]);
            Some((at, e.into_inner().to_string()))
        })
    })
}

/// The first schema at or under `value` (in document order) that openapiv3 rejects, and why.
/// `schema` says whether `value` is a schema; if not, schemas are looked for under `schema`
/// keys and in `#/components/schemas`. Each schema is parsed on its own, its subschemas
/// replaced by `{}` (any schema), so every level is parsed once.
fn bad_schema(value: &Value, pointer: &str, schema: bool) -> Option<(String, String)> {
    let child = |key: &str| format!("{pointer}/{}", escape_pointer(key));
    if !schema {
        let components = pointer == "#/components/schemas";
        return match value {
            Value::Object(map) => map
                .iter()
                // Free JSON, where a `schema` key is not one.
                .filter(|(k, _)| {
                    !matches!(k.as_str(), "example" | "examples" | "default" | "enum")
                        && !k.starts_with("x-")
                })
                .find_map(|(k, v)| bad_schema(v, &child(k), components || k == "schema")),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .find_map(|(i, v)| bad_schema(v, &child(&i.to_string()), false)),
            _ => None,
        };
    }
    let any = || Value::Object(Default::default());
    let mut subschemas: Vec<(String, &Value)> = Vec::new();
    let shallow = match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, v)| {
                    let v = match (key.as_str(), v) {
                        ("properties", Value::Object(props)) => Value::Object(
                            props
                                .iter()
                                .map(|(k, s)| {
                                    let p = format!("{}/{}", child(key), escape_pointer(k));
                                    subschemas.push((p, s));
                                    (k.clone(), any())
                                })
                                .collect(),
                        ),
                        ("allOf" | "oneOf" | "anyOf", Value::Array(items)) => Value::Array(
                            items
                                .iter()
                                .enumerate()
                                .map(|(i, s)| {
                                    subschemas.push((format!("{}/{i}", child(key)), s));
                                    any()
                                })
                                .collect(),
                        ),
                        ("items" | "not", s) | ("additionalProperties", s @ Value::Object(_)) => {
                            subschemas.push((child(key), s));
                            any()
                        }
                        _ => v.clone(),
                    };
                    (key.clone(), v)
                })
                .collect(),
        ),
        other => other.clone(),
    };
    match serde_json::from_value::<ReferenceOr<Schema>>(shallow) {
        Err(e) => Some((pointer.to_owned(), e.to_string())),
        // openapiv3 ignores whatever sits next to a `$ref`.
        Ok(ReferenceOr::Reference { .. }) => None,
        Ok(ReferenceOr::Item(_)) => subschemas
            .into_iter()
            .find_map(|(p, v)| bad_schema(v, &p, true)),
    }
}

/// The component schema a pointer is in: `#/components/schemas/Ticket/...` -> `Ticket`.
fn schema_of(pointer: &str) -> Option<String> {
    let token = pointer
        .strip_prefix("#/components/schemas/")?
        .split('/')
        .next()?;
    Some(token.replace("~1", "/").replace("~0", "~"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The split parse of a whole document.
    fn split(bytes: &[u8]) -> Option<OpenAPI> {
        Sections::cut(bytes).and_then(parse_split)
    }

    fn parse(text: &str) -> Result<OpenAPI, Error> {
        parse_spec(text.as_bytes(), Path::new("spec.json"))
    }

    const HEAD: &str = r#""openapi": "3.0.1", "info": {"title": "t", "version": "1"}, "paths": {}"#;

    /// The section-by-section parse gives what openapiv3 gives, on every spec we have: ours,
    /// and the real ones beside the repo (required when `CI` is set).
    #[test]
    fn the_split_parse_equals_openapiv3s_own() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut specs = vec![root.join("codegen/specs/connectwise-sample.json")];
        for name in [
            "connectwise-manage-2025.8-pruned-subset.json",
            "connectwise-manage-2025.x-reconstructed.json",
        ] {
            let path = root.join("../shared/specs").join(name);
            if path.exists() {
                specs.push(path);
            } else if std::env::var_os("CI").is_some() {
                panic!("{} is missing, and CI is set", path.display());
            }
        }
        for path in specs {
            let bytes = std::fs::read(&path).unwrap();
            let whole: OpenAPI = serde_json::from_slice(&bytes).unwrap();
            let split = split(&bytes).expect("the split parse reads it");
            assert!(split == whole, "{}", path.display());
        }
        // With extensions, a `$ref` path item and no components.
        let text = r##"{"openapi":"3.0.1","x-top":1,"info":{"title":"t","version":"1"},
            "paths":{"x-p":true,"/a":{"$ref":"#/x"},"/b":{"get":{"responses":{}}}}}"##;
        let whole: OpenAPI = serde_json::from_str(text).unwrap();
        assert!(split(text.as_bytes()) == Some(whole));
        // Not valid OpenAPI: no value, so that the caller reports where.
        assert!(split(br#"{"openapi":"3.0.1","info":{},"paths":{}}"#).is_none());
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        let text = format!("\u{feff}{{{HEAD}}}");
        parse(&text).unwrap();
    }

    #[test]
    fn duplicate_keys_are_an_error_not_a_panic() {
        let text = format!(
            r#"{{{HEAD}, "components": {{"schemas": {{"Ticket": {{"type": "object",
               "properties": {{"board": {{"type": "string", "type": "string"}}}}}}}}}}}}"#
        );
        let e = parse(&text).unwrap_err();
        let d = &e.diagnostics()[0];
        assert_eq!(d.pointer, "#/components/schemas/Ticket/properties/board");
        assert_eq!(d.schema.as_deref(), Some("Ticket"));
        assert!(d.message.contains("duplicate key \"type\""), "{e}");
    }

    #[test]
    fn a_bad_schema_deep_down_is_found_quickly() {
        // 2^40 parses if openapiv3 saw it first.
        let mut schema = r#"{"type": 5}"#.to_owned();
        for _ in 0..40 {
            schema = format!(r#"{{"type": "array", "items": {schema}}}"#);
        }
        let text = format!(r#"{{{HEAD}, "components": {{"schemas": {{"Deep": {schema}}}}}}}"#);
        let e = parse(&text).unwrap_err();
        let d = &e.diagnostics()[0];
        assert_eq!(
            d.pointer,
            format!("#/components/schemas/Deep{}", "/items".repeat(40))
        );
    }
}
