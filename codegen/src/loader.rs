//! Loading: spec text (YAML or JSON) to the `openapiv3` model. This is the only module that
//! knows about the YAML library, so swapping it touches nothing else. Each path item and
//! each component is deserialized on its own, so one broken entry does not hide the others
//! and every error names the entry it is in. OpenAPI 3.1 documents are first rewritten
//! into the 3.0 shape ([`openapi31`]), so nothing after the loader knows the difference.

mod bundle;
mod openapi31;
mod references;

pub(crate) use bundle::{Sources, bundle};

use indexmap::IndexMap;
use openapiv3::{Components, OpenAPI, Paths, ReferenceOr};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::diagnostics::{Diagnostic, Pointer};

/// Nesting deeper than this is refused rather than risking the stack in later stages.
/// Real documents stay far below it; the YAML parser itself stops at 128.
pub const MAX_DEPTH: usize = 100;

/// Checks that the source bytes are UTF-8, locating the first invalid byte.
pub fn source_text(bytes: &[u8]) -> Result<&str, Diagnostic> {
    std::str::from_utf8(bytes).map_err(|e| {
        let valid = &bytes[..e.valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        // Columns count characters, and the valid prefix of the line is UTF-8 by definition.
        let column = String::from_utf8_lossy(&valid[line_start..])
            .chars()
            .count()
            + 1;
        let mut d = Diagnostic::error(
            "#",
            format!(
                "the document is not valid UTF-8 (invalid byte at offset {}); \
                 OpenAPI documents must be UTF-8",
                e.valid_up_to()
            ),
        );
        d.location = Some((line, column));
        d
    })
}

/// A loaded document and the warnings loading it gave.
pub struct Loaded {
    /// The document in the OpenAPI 3.0 model.
    pub doc: OpenAPI,
    /// What a 3.1 document said that the 3.0 model cannot keep.
    pub warnings: Vec<Diagnostic>,
}

/// The common case, fast: a plain OpenAPI 3.0 JSON document deserialized straight into
/// the model; `None` for anything else, which takes the tree.
pub(crate) fn fast(text: &str) -> Option<OpenAPI> {
    load_json_directly(text)
}

/// The model of a document's tree (OpenAPI 3.0 or 3.1, 3.1 rewritten into 3.0's shape),
/// with the warnings of the rewriting, or every problem found.
pub(crate) fn model(root: Value) -> Result<Loaded, Vec<Diagnostic>> {
    let dialect = check_version(&root).map_err(|d| vec![d])?;
    let Value::Object(mut root) = root else {
        return Err(vec![Diagnostic::error(
            "#",
            "the document is not a mapping",
        )]);
    };
    let (mut errors, warnings): (Vec<_>, Vec<_>) = match dialect {
        Dialect::V30 => (Vec::new(), Vec::new()),
        Dialect::V31 => openapi31::rewrite(&mut root)
            .into_iter()
            .partition(Diagnostic::is_error),
    };
    for value in root.values_mut() {
        relax_integer_bounds(value, 1);
        explode_form_encodings(value, 1);
    }
    references::hoist(&mut root);

    let raw_paths = root.remove("paths");
    let raw_components = root.remove("components");
    root.insert("paths".to_owned(), Value::Object(Map::new()));
    let mut doc: OpenAPI = match typed(&Value::Object(root), &Pointer::root()) {
        Ok(doc) => doc,
        Err(d) => {
            errors.push(d);
            OpenAPI::default()
        }
    };

    match raw_paths {
        Some(Value::Object(paths)) => doc.paths = load_paths(paths, &mut errors),
        Some(_) => errors.push(Diagnostic::error("#/paths", "`paths` must be a mapping")),
        None => errors.push(Diagnostic::error("#", "the document has no `paths`")),
    }
    match raw_components {
        Some(Value::Object(components)) => {
            doc.components = Some(load_components(components, &mut errors));
        }
        Some(Value::Null) | None => {}
        Some(_) => errors.push(Diagnostic::error(
            "#/components",
            "`components` must be a mapping",
        )),
    }

    if errors.is_empty() {
        Ok(Loaded { doc, warnings })
    } else {
        Err(errors)
    }
}

/// The common case, fast: a valid OpenAPI 3.0 JSON document deserializes straight into
/// the model, without the intermediate tree the careful path builds to report problems.
/// Anything unusual (YAML, another version, an error, deep nesting) returns `None` and
/// takes the careful path, which gives the same model or the diagnostics.
fn load_json_directly(text: &str) -> Option<OpenAPI> {
    if !text.trim_start().starts_with('{')
        || json_depth(text) > MAX_DEPTH
        // An encoding in `form` style may need its `explode` written out.
        || (text.contains("\"encoding\"") && text.contains("\"form\""))
        || has_bounds_beyond_i64(text)
        || !references_are_components(text)
    {
        return None;
    }
    // The model skips what the careful path reports: path keys that do not start with `/`
    // and unknown sections of `components`. Such documents take the careful path.
    #[derive(serde::Deserialize)]
    struct Skeleton {
        paths: std::collections::HashMap<String, serde::de::IgnoredAny>,
        components: Option<std::collections::HashMap<String, serde::de::IgnoredAny>>,
    }
    let skeleton: Skeleton = serde_json::from_str(text).ok()?;
    let known_paths = skeleton
        .paths
        .keys()
        .all(|p| p.starts_with('/') || p.starts_with("x-"));
    let known_sections = skeleton.components.iter().flatten().all(|(section, _)| {
        section.starts_with("x-") || COMPONENT_SECTIONS.contains(&section.as_str())
    });
    if !known_paths || !known_sections {
        return None;
    }
    let doc: OpenAPI = serde_json::from_str(text).ok()?;
    (doc.openapi.starts_with("3.0.") || doc.openapi == "3.0").then_some(doc)
}

/// Whether every `$ref` in JSON text names a component (`#/components/<section>/<name>`);
/// others need [`references::hoist`], which works on the tree. Keys are matched as
/// written, and a reference with an escape in it counts as another kind.
fn references_are_components(text: &str) -> bool {
    let mut rest = text;
    while let Some(found) = rest.find("\"$ref\"") {
        rest = rest[found + 6..].trim_start();
        let Some(value) = rest.strip_prefix(':').map(str::trim_start) else {
            continue;
        };
        let Some(value) = value.strip_prefix('"') else {
            continue;
        };
        let Some(end) = value.find('"') else {
            return false;
        };
        let reference = &value[..end];
        let canonical = !reference.contains('\\')
            && reference
                .strip_prefix("#/components/")
                .and_then(|r| r.split_once('/'))
                .is_some_and(|(section, name)| {
                    COMPONENT_SECTIONS.contains(&section) && !name.is_empty() && !name.contains('/')
                });
        if !canonical {
            return false;
        }
        rest = &value[end..];
    }
    true
}

/// The sections of `components` in OpenAPI 3.0.
const COMPONENT_SECTIONS: [&str; 9] = [
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
];

/// Whether a `minimum`, `maximum` or `multipleOf` in JSON text is a number the model cannot
/// store as an integer bound. Deserialized directly, an integer schema with such a bound
/// would quietly become an untyped one; the careful path drops the bound instead
/// ([`relax_integer_bounds`]). Keys are matched as written: JSON writers do not escape
/// ASCII letters.
fn has_bounds_beyond_i64(text: &str) -> bool {
    ["\"minimum\"", "\"maximum\"", "\"multipleOf\""]
        .iter()
        .any(|key| {
            text.match_indices(key).any(|(at, _)| {
                let rest = text[at + key.len()..].trim_start();
                let Some(value) = rest.strip_prefix(':') else {
                    return false;
                };
                let value = value.trim_start();
                let end = value
                    .find(|c: char| !matches!(c, '-' | '+' | '.' | 'e' | 'E' | '0'..='9'))
                    .unwrap_or(value.len());
                let number = &value[..end];
                !number.is_empty() && number.parse::<i64>().is_err()
            })
        })
}

/// The deepest nesting of arrays and objects in JSON text, by a scan of its brackets.
fn json_depth(text: &str) -> usize {
    let (mut depth, mut deepest, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for b in text.bytes() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// Parses YAML (JSON is YAML too) into a JSON value tree: mapping keys become strings
/// (`200:` is a status code, not a number), YAML tags and merge keys are resolved.
pub(crate) fn parse_tree(text: &str) -> Result<Value, Diagnostic> {
    if text.trim().is_empty() {
        return Err(Diagnostic::error("#", "the document is empty"));
    }
    // JSON documents parse several times faster with the JSON parser; anything it rejects
    // goes through the YAML parser, which also gives the better message.
    if text.trim_start().starts_with('{') {
        if let Ok(value) = serde_json::from_str::<Value>(text) {
            check_depth(&value, &Pointer::root(), 0)?;
            return Ok(value);
        }
    }
    let tree: Tree = serde_yaml::from_str(text).map_err(|e| {
        let reason = strip_location(&e);
        let message = if reason.contains("recursion limit exceeded") {
            format!("the document nests deeper than {MAX_DEPTH} levels; no real API needs this")
        } else {
            format!("not valid YAML or JSON: {reason}")
        };
        let mut d = Diagnostic::error("#", message);
        d.location = e.location().map(|l| (l.line(), l.column()));
        d
    })?;
    check_depth(&tree.0, &Pointer::root(), 0)?;
    Ok(tree.0)
}

/// Refuses trees nested deeper than [`MAX_DEPTH`] (the YAML path checks while converting).
/// The walk counts levels only; the pointer is built for the one path that is too deep.
fn check_depth(value: &Value, at: &Pointer, depth: usize) -> Result<(), Diagnostic> {
    fn too_deep<'v>(value: &'v Value, depth: usize, path: &mut Vec<&'v str>) -> bool {
        if depth > MAX_DEPTH {
            return true;
        }
        match value {
            Value::Array(items) => items.iter().any(|item| {
                matches!(item, Value::Array(_) | Value::Object(_)) && {
                    path.push("");
                    let deep = too_deep(item, depth + 1, path);
                    if !deep {
                        path.pop();
                    }
                    deep
                }
            }),
            Value::Object(map) => map.iter().any(|(key, item)| {
                matches!(item, Value::Array(_) | Value::Object(_)) && {
                    path.push(key);
                    let deep = too_deep(item, depth + 1, path);
                    if !deep {
                        path.pop();
                    }
                    deep
                }
            }),
            _ => false,
        }
    }
    let mut path = Vec::new();
    if !too_deep(value, depth, &mut path) {
        return Ok(());
    }
    let pointer = path.iter().fold(at.clone(), |p, segment| p.push(segment));
    Err(Diagnostic::error(
        pointer,
        format!("the document nests deeper than {MAX_DEPTH} levels; no real API needs this"),
    ))
}

/// `minimum`, `maximum` and `multipleOf` of an integer schema are only constraints, but
/// the model stores them as `i64`: a bound beyond that range (a `uint64` maximum, say) or
/// a fractional one would stop the whole document from loading. Such bounds are dropped.
fn relax_integer_bounds(value: &mut Value, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match value {
        Value::Object(map) => {
            if map.get("type").and_then(Value::as_str) == Some("integer") {
                for key in ["minimum", "maximum", "multipleOf"] {
                    if map.get(key).is_some_and(|v| v.is_number() && !v.is_i64()) {
                        map.shift_remove(key);
                    }
                }
            }
            for item in map.values_mut() {
                relax_integer_bounds(item, depth + 1);
            }
        }
        Value::Array(items) => {
            for item in items {
                relax_integer_bounds(item, depth + 1);
            }
        }
        _ => {}
    }
}

/// An Encoding Object in `form` style explodes unless it says otherwise, but the model
/// reads a missing `explode` as `false`: each such object gets `explode: true` written out.
fn explode_form_encodings(value: &mut Value, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match value {
        Value::Object(map) => {
            let encodings = map
                .get_mut("content")
                .and_then(Value::as_object_mut)
                .into_iter()
                .flat_map(|content| content.values_mut())
                .filter_map(|media| media.get_mut("encoding")?.as_object_mut());
            for encoding in encodings.flat_map(|e| e.values_mut()) {
                if let Some(encoding) = encoding.as_object_mut() {
                    let form = encoding.get("style").and_then(Value::as_str) == Some("form");
                    if form && !encoding.contains_key("explode") {
                        encoding.insert("explode".to_owned(), Value::Bool(true));
                    }
                }
            }
            for item in map.values_mut() {
                explode_form_encodings(item, depth + 1);
            }
        }
        Value::Array(items) => {
            for item in items {
                explode_form_encodings(item, depth + 1);
            }
        }
        _ => {}
    }
}

/// serde_yaml appends "at line L column C" to its messages; the diagnostic carries the
/// location separately.
fn strip_location(e: &serde_yaml::Error) -> String {
    let text = e.to_string();
    match text.find(" at line ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

/// A YAML document read straight into a JSON tree: mapping keys become strings (`200:`
/// is a status code, not a number), integers too large for 64 bits become floats, tags are
/// dropped and merge keys (`<<`) applied.
struct Tree(Value);

impl<'de> serde::Deserialize<'de> for Tree {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TreeVisitor).map(Tree)
    }
}

struct TreeVisitor;

impl<'de> serde::de::Visitor<'de> for TreeVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(i64::try_from(v)
            .map(Value::from)
            .unwrap_or_else(|_| float(v as f64)))
    }

    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(u64::try_from(v)
            .map(Value::from)
            .unwrap_or_else(|_| float(v as f64)))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Value, E> {
        serde_json::Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom(format!("the number {v} cannot be represented in JSON")))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(Tree(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        let mut merges = Vec::new();
        while let Some(Key(key)) = access.next_key()? {
            let Tree(value) = access.next_value()?;
            if key == "<<" {
                merges.push(value);
            } else {
                map.insert(key, value);
            }
        }
        // Merge keys: the mapping's own entries win, then earlier merged mappings.
        for merged in merges {
            let sources = match merged {
                Value::Array(items) => items,
                other => vec![other],
            };
            for source in sources {
                if let Value::Object(source) = source {
                    for (k, v) in source {
                        map.entry(k).or_insert(v);
                    }
                }
            }
        }
        Ok(Value::Object(map))
    }

    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        // A tagged value (`!tag value`): the tag is dropped.
        use serde::de::VariantAccess;
        let (_tag, variant): (serde::de::IgnoredAny, _) = data.variant()?;
        variant.newtype_variant::<Tree>().map(|t| t.0)
    }
}

fn float(v: f64) -> Value {
    serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
}

/// A mapping key: strings as they are, numbers, booleans and null written out.
struct Key(String);

impl<'de> serde::Deserialize<'de> for Key {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl serde::de::Visitor<'_> for KeyVisitor {
            type Value = String;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string key (OpenAPI keys are strings)")
            }
            fn visit_str<E>(self, v: &str) -> Result<String, E> {
                Ok(v.to_owned())
            }
            fn visit_string<E>(self, v: String) -> Result<String, E> {
                Ok(v)
            }
            fn visit_bool<E>(self, v: bool) -> Result<String, E> {
                Ok(v.to_string())
            }
            fn visit_i64<E>(self, v: i64) -> Result<String, E> {
                Ok(v.to_string())
            }
            fn visit_u64<E>(self, v: u64) -> Result<String, E> {
                Ok(v.to_string())
            }
            fn visit_i128<E>(self, v: i128) -> Result<String, E> {
                Ok(v.to_string())
            }
            fn visit_u128<E>(self, v: u128) -> Result<String, E> {
                Ok(v.to_string())
            }
            fn visit_f64<E>(self, v: f64) -> Result<String, E> {
                Ok(v.to_string())
            }
            fn visit_unit<E>(self) -> Result<String, E> {
                Ok("null".to_owned())
            }
        }
        deserializer.deserialize_any(KeyVisitor).map(Key)
    }
}

/// The OpenAPI versions the loader reads.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Dialect {
    V30,
    V31,
}

/// Recognises the OpenAPI version, and Swagger 2.0 and other versions before the typed
/// model produces a less helpful message.
fn check_version(root: &Value) -> Result<Dialect, Diagnostic> {
    let Value::Object(map) = root else {
        let kind = match root {
            Value::Array(_) => "a sequence",
            Value::String(_) => "a string",
            Value::Null => "null",
            _ => "a scalar",
        };
        return Err(Diagnostic::error(
            "#",
            format!("the document is {kind}, not a mapping"),
        ));
    };
    if map.contains_key("swagger") {
        return Err(Diagnostic::error(
            "#/swagger",
            "this is a Swagger 2.0 document; only OpenAPI 3.0 and 3.1 are supported. Convert it first, \
             for example with `npx swagger2openapi spec.yaml -o spec3.yaml`",
        ));
    }
    match map.get("openapi") {
        None => Err(Diagnostic::error(
            "#",
            "the document has no `openapi` field, so it is not an OpenAPI document",
        )),
        Some(Value::String(v)) if v.starts_with("3.0.") || v == "3.0" => Ok(Dialect::V30),
        Some(Value::String(v)) if v.starts_with("3.1.") || v == "3.1" => Ok(Dialect::V31),
        Some(Value::String(v)) => Err(Diagnostic::error(
            "#/openapi",
            format!("unsupported OpenAPI version `{v}`; expected 3.0.x or 3.1.x"),
        )),
        Some(_) => Err(Diagnostic::error(
            "#/openapi",
            "`openapi` must be a version string such as \"3.0.3\"",
        )),
    }
}

fn load_paths(raw: Map<String, Value>, errors: &mut Vec<Diagnostic>) -> Paths {
    let base = Pointer::root().push("paths");
    let mut paths = Paths::default();
    for (path, value) in raw {
        let at = base.push(&path);
        if path.starts_with("x-") {
            paths.extensions.insert(path, value);
            continue;
        }
        match typed(&value, &at) {
            Ok(item) => {
                paths.paths.insert(path, item);
            }
            Err(d) => errors.push(d),
        }
    }
    paths
}

fn load_components(raw: Map<String, Value>, errors: &mut Vec<Diagnostic>) -> Components {
    let base = Pointer::root().push("components");
    let mut c = Components::default();
    for (section, value) in raw {
        let at = base.push(&section);
        if section.starts_with("x-") {
            c.extensions.insert(section, value);
            continue;
        }
        let Value::Object(entries) = value else {
            errors.push(Diagnostic::error(
                &at,
                format!("`{section}` must be a mapping"),
            ));
            continue;
        };
        match section.as_str() {
            "schemas" => c.schemas = entries_of(entries, &at, errors),
            "responses" => c.responses = entries_of(entries, &at, errors),
            "parameters" => c.parameters = entries_of(entries, &at, errors),
            "examples" => c.examples = entries_of(entries, &at, errors),
            "requestBodies" => c.request_bodies = entries_of(entries, &at, errors),
            "headers" => c.headers = entries_of(entries, &at, errors),
            "securitySchemes" => c.security_schemes = entries_of(entries, &at, errors),
            "links" => c.links = entries_of(entries, &at, errors),
            "callbacks" => c.callbacks = entries_of(entries, &at, errors),
            _ => errors.push(Diagnostic::error(
                &at,
                format!("unknown components section `{section}`"),
            )),
        }
    }
    c
}

fn entries_of<T: DeserializeOwned>(
    entries: Map<String, Value>,
    at: &Pointer,
    errors: &mut Vec<Diagnostic>,
) -> IndexMap<String, ReferenceOr<T>> {
    let mut out = IndexMap::with_capacity(entries.len());
    for (name, value) in entries {
        match typed(&value, &at.push(&name)) {
            Ok(v) => {
                out.insert(name, v);
            }
            Err(d) => errors.push(d),
        }
    }
    out
}

/// Deserializes one node, locating an error as precisely as possible below `at`.
fn typed<T: DeserializeOwned>(value: &Value, at: &Pointer) -> Result<T, Diagnostic> {
    let error = match serde_path_to_error::deserialize::<_, T>(value) {
        Ok(v) => return Ok(v),
        Err(e) => e,
    };
    let mut path = Vec::new();
    for segment in error.path().iter() {
        use serde_path_to_error::Segment;
        match segment {
            Segment::Seq { index } => path.push(index.to_string()),
            Segment::Map { key } => path.push(key.clone()),
            Segment::Enum { variant } => path.push(variant.clone()),
            Segment::Unknown => break,
        }
    }
    // serde loses its place inside the model's flattened structs; narrow the location down
    // to the child whose removal lets the node deserialize.
    loop {
        let children: Vec<String> = match lookup(value, &path) {
            Some(Value::Object(map)) => map.keys().cloned().collect(),
            Some(Value::Array(items)) => (0..items.len()).map(|i| i.to_string()).collect(),
            _ => break,
        };
        let culprit = children.into_iter().find(|child| {
            let mut trial = value.clone();
            remove(&mut trial, &path, child);
            serde_json::from_value::<T>(trial).is_ok()
        });
        match culprit {
            Some(child) => path.push(child),
            None => break,
        }
    }
    let pointer = path.iter().fold(at.clone(), |p, s| p.push(s));
    Err(Diagnostic::error(
        pointer,
        explain(&error.into_inner().to_string()),
    ))
}

fn lookup<'v>(value: &'v Value, path: &[String]) -> Option<&'v Value> {
    path.iter().try_fold(value, |v, segment| match v {
        Value::Object(map) => map.get(segment),
        Value::Array(items) => items.get(segment.parse::<usize>().ok()?),
        _ => None,
    })
}

fn remove(value: &mut Value, path: &[String], child: &str) {
    let mut node = value;
    for segment in path {
        node = match node {
            Value::Object(map) => match map.get_mut(segment) {
                Some(next) => next,
                None => return,
            },
            Value::Array(items) => {
                match segment.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                    Some(next) => next,
                    None => return,
                }
            }
            _ => return,
        };
    }
    match node {
        Value::Object(map) => {
            map.shift_remove(child);
        }
        Value::Array(items) => {
            if let Some(i) = child.parse::<usize>().ok().filter(|&i| i < items.len()) {
                items.remove(i);
            }
        }
        _ => {}
    }
}

/// Rewrites serde's messages about the model's internals into terms of the document.
fn explain(message: &str) -> String {
    if message.starts_with("data did not match any variant of untagged enum ReferenceOr") {
        return "neither a valid `$ref` nor a valid inline object of the expected kind".to_owned();
    }
    if let Some(rest) = message.strip_prefix("data did not match any variant of untagged enum ") {
        return format!("not a valid {rest} object");
    }
    message.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The document's model, as the pipeline loads it.
    fn load(text: &str) -> Result<Loaded, Vec<Diagnostic>> {
        match fast(text) {
            Some(doc) => Ok(Loaded {
                doc,
                warnings: Vec::new(),
            }),
            None => model(parse_tree(text).map_err(|d| vec![d])?),
        }
    }

    fn errors(text: &str) -> Vec<String> {
        match load(text) {
            Ok(_) => Vec::new(),
            Err(ds) => ds.iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn loads_a_minimal_document_with_integer_status_keys() {
        let doc = load(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        200:\n          description: ok\n",
        );
        assert_eq!(doc.map(|d| d.doc.paths.paths.len()), Ok(1));
    }

    #[test]
    fn refuses_other_dialects_and_shapes_with_reasons() {
        assert!(errors("")[0].contains("empty"));
        assert!(errors("- a\n- b\n")[0].contains("a sequence, not a mapping"));
        assert!(errors("swagger: '2.0'\n")[0].contains("Swagger 2.0"));
        assert!(errors("openapi: 2.5.0\n")[0].contains("unsupported OpenAPI version"));
        assert!(errors("info: {}\n")[0].contains("no `openapi` field"));
        let syntax = load("openapi: [\n").err().unwrap_or_default();
        assert!(syntax[0].location.is_some(), "{syntax:?}");
    }

    #[test]
    fn json_loads_as_yaml_does_where_the_model_is_lenient() {
        // The model drops path keys without `/` and unknown `components` sections, and reads
        // an integer schema with a bound beyond i64 as untyped: the JSON fast path must not.
        let json = r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {"nope": {}, "/a": {}},
            "components": {"schemas": {"U": {"type": "integer", "maximum": 18446744073709551615}}}}"#;
        let loaded = load(json).map(|l| l.doc).unwrap_or_default();
        assert!(loaded.paths.paths.contains_key("nope"));
        let u = loaded.components.and_then(|c| c.schemas.get("U").cloned());
        assert!(
            matches!(
                u,
                Some(ReferenceOr::Item(openapiv3::Schema {
                    schema_kind: openapiv3::SchemaKind::Type(openapiv3::Type::Integer(_)),
                    ..
                }))
            ),
            "{u:?}"
        );
        let unknown = r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
            "components": {"pathItems": {}}}"#;
        assert!(errors(unknown)[0].contains("unknown components section `pathItems`"));
    }

    #[test]
    fn openapi_3_1_loads_into_the_same_model() {
        let v31 = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\ncomponents:\n  schemas:\n    A: {type: [string, 'null'], examples: [x]}\n";
        let v30 = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {type: string, nullable: true, example: x}\n";
        let (a, b) = (load(v31).map(|l| l.doc), load(v30).map(|l| l.doc));
        assert!(a.is_ok() && a == b, "{a:?}\n{b:?}");
    }

    #[test]
    fn reports_every_broken_entry_in_one_pass() {
        let text = "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /a: 5\n  /b: {get: 7}\ncomponents:\n  schemas:\n    A: {type: object, properties: 3}\n";
        let errs = errors(text);
        assert_eq!(errs.len(), 3, "{errs:?}");
        assert!(errs[0].contains("#/paths/~1a"), "{errs:?}");
        assert!(
            errs[1].contains("#/paths/~1b") && errs[1].contains("Operation"),
            "{errs:?}"
        );
        assert!(errs[2].contains("#/components/schemas/A"), "{errs:?}");
    }

    #[test]
    fn yaml_extras_load_as_plain_json() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\nx-base: &base {a: 1, b: 1}\nx-merged: {<<: *base, b: 2}\nx-big: 99999999999999999999\nx-tagged: !custom {c: 3}\n200: numeric key\n";
        let tree = parse_tree(text).map_err(|d| d.to_string());
        let tree = tree.as_ref().map(|t| {
            (
                t["x-merged"].clone(),
                t["x-big"].is_f64(),
                t["x-tagged"].clone(),
                t["200"].clone(),
            )
        });
        assert_eq!(
            tree,
            Ok((
                serde_json::json!({"a": 1, "b": 2}),
                true,
                serde_json::json!({"c": 3}),
                serde_json::json!("numeric key")
            ))
        );
    }

    #[test]
    fn integer_bounds_beyond_i64_do_not_stop_loading() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    U:\n      type: integer\n      format: uint64\n      minimum: 0\n      maximum: 18446744073709551615\n    F:\n      type: integer\n      multipleOf: 0.5\n";
        assert!(load(text).is_ok());
        let json = r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}, "components": {"schemas": {"U": {"type": "integer", "maximum": 18446744073709551615}}}}"#;
        assert!(load(json).is_ok());
    }

    #[test]
    fn invalid_utf8_is_located() {
        let d = source_text(b"openapi: 3.0.0\ninfo: \xff\n").err();
        assert_eq!(d.and_then(|d| d.location), Some((2, 7)));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = format!(
            "openapi: 3.0.0\nx: {}{}\n",
            "[".repeat(120),
            "]".repeat(120)
        );
        assert!(!errors(&text).is_empty());
    }
}
