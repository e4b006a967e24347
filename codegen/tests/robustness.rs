//! The generator on hostile input: absurd nesting, very large documents, reference chains,
//! and a property-based test feeding it generated specs and mangled real ones. It must
//! never panic, whatever code it returns must parse, and every crate it returns must be
//! complete and free of dead parts (`support::crate_check`).

#![allow(
    clippy::expect_used,
    clippy::panic,
    clippy::unwrap_used,
    reason = "tests fail by panicking"
)]

mod support;

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use serde_json::{Map, Value, json};
use support::crate_check::check_crate;

fn options() -> openapi_clientgen::CrateOptions {
    let mut options = openapi_clientgen::CrateOptions::new("fuzz-client".to_owned());
    options.source = "fuzz.yaml".to_owned();
    options.command = "test".to_owned();
    options.standalone = true;
    options
}

/// Generates, and when code comes back, checks that every Rust file parses.
fn generate_checked(
    text: &str,
) -> Result<openapi_clientgen::Output, Vec<openapi_clientgen::Diagnostic>> {
    let result = openapi_clientgen::generate(text, &options());
    if let Ok(output) = &result {
        for file in output.files.iter().filter(|f| f.path.ends_with(".rs")) {
            if let Err(e) = syn::parse_file(&file.contents) {
                panic!("{} does not parse: {e}\n{}", file.path, file.contents);
            }
        }
    }
    result
}

/// The problems [`check_crate`] finds in a generated crate, as one text; empty when none.
fn crate_problems(output: &openapi_clientgen::Output) -> String {
    match check_crate(&output.files, &options().name) {
        Ok(()) => String::new(),
        Err(problems) => problems.join("\n"),
    }
}

/// Generates like [`generate_checked`], and when a crate comes back, checks it is complete
/// and has no dead parts.
fn generate_and_check_crate(
    text: &str,
) -> Result<Result<openapi_clientgen::Output, Vec<openapi_clientgen::Diagnostic>>, TestCaseError> {
    let result = generate_checked(text);
    if let Ok(output) = &result {
        let problems = crate_problems(output);
        prop_assert!(
            problems.is_empty(),
            "the generated crate is broken:\n{problems}\nfor the spec\n{text}"
        );
    }
    Ok(result)
}

fn doc(paths: Value, schemas: Value) -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1.0.0"},
        "paths": paths,
        "components": {"schemas": schemas}
    })
}

#[test]
fn nesting_within_limits_generates_and_absurd_nesting_is_a_located_error() {
    // Built as text: a `serde_json::Value` this deep would overflow the test's own stack
    // when dropped.
    fn nested(levels: usize) -> String {
        let open = r#"{"type": "object", "properties": {"inner": "#;
        format!(
            r#"{{"openapi": "3.0.3", "info": {{"title": "t", "version": "1"}}, "paths": {{}}, "components": {{"schemas": {{"Deep": {}{{"type": "string"}}{}}}}}}}"#,
            open.repeat(levels),
            "}}".repeat(levels)
        )
    }
    let ok = generate_checked(&nested(25)).expect("25 levels generate");
    assert!(
        ok.files
            .iter()
            .any(|f| f.contents.contains("DeepInnerInner"))
    );

    for levels in [60, 1000, 20_000] {
        let errors = generate_checked(&nested(levels)).expect_err("too deep");
        assert!(
            errors
                .iter()
                .any(|d| d.is_error() && d.message.contains("deeper")),
            "{levels}: {errors:?}"
        );
    }
    let yaml = format!(
        "openapi: 3.0.3\nx: {}{}\n",
        "[".repeat(50_000),
        "]".repeat(50_000)
    );
    assert!(generate_checked(&yaml).is_err());
}

#[test]
fn long_reference_chains_are_bounded() {
    let mut schemas = Map::new();
    for i in 0..2000 {
        schemas.insert(format!("A{i}"), json!({"allOf": [{"$ref": format!("#/components/schemas/A{}", i + 1)}, {"type": "object", "properties": {"x": {"type": "string"}}}]}));
        schemas.insert(
            format!("B{i}"),
            json!({"$ref": format!("#/components/schemas/B{}", i + 1)}),
        );
    }
    schemas.insert("A2000".to_owned(), json!({"type": "object"}));
    schemas.insert("B2000".to_owned(), json!({"type": "string"}));
    schemas.insert(
        "Loop1".to_owned(),
        json!({"$ref": "#/components/schemas/Loop2"}),
    );
    schemas.insert(
        "Loop2".to_owned(),
        json!({"$ref": "#/components/schemas/Loop1"}),
    );
    let errors = generate_checked(&doc(json!({}), Value::Object(schemas)).to_string())
        .expect_err("the loop is an error");
    assert!(
        errors
            .iter()
            .any(|d| d.pointer == "#/components/schemas/Loop1" && d.message.contains("cycle")),
        "{errors:?}"
    );
}

/// A document whose schemas `L0` .. `L{n-1}` each refer to the next, and the last to the
/// first when `ring`.
fn chain(n: usize, ring: bool) -> String {
    let mut schemas = Map::new();
    for i in 0..n {
        let mut properties = json!({"id": {"type": "integer"}});
        if ring || i + 1 < n {
            properties["next"] = json!({"$ref": format!("#/components/schemas/L{}", (i + 1) % n)});
        }
        schemas.insert(
            format!("L{i}"),
            json!({"type": "object", "properties": properties}),
        );
    }
    doc(json!({}), Value::Object(schemas)).to_string()
}

#[test]
fn nesting_deeper_than_rustc_allows_by_default_raises_the_recursion_limit() {
    let limit = |text: &str| {
        let output = generate_checked(text).expect("generates");
        let lib = output
            .files
            .iter()
            .find(|f| f.path == "src/lib.rs")
            .expect("lib.rs");
        let limit = lib
            .contents
            .lines()
            .find_map(|l| l.strip_prefix("#![recursion_limit = \""))
            .map(|l| l.trim_end_matches("\"]").to_owned());
        let warned = output
            .warnings
            .iter()
            .any(|d| d.pointer == "#/components/schemas/L0" && d.message.contains("E0320"));
        assert_eq!(limit.is_some(), warned, "{:?}", output.warnings);
        limit
    };
    // Proving `Send` costs rustc four levels per `Option<Box<_>>` link: with its default
    // of 128 a chain of 32 such types compiles and one of 33 does not (E0275). The
    // generator keeps 32 levels for what applications wrap the types in: 24 links.
    assert_eq!(limit(&chain(25, true)), None);
    assert_eq!(limit(&chain(26, true)).as_deref(), Some("256"));
    assert_eq!(limit(&chain(1000, true)).as_deref(), Some("8192"));
    // A chain without a cycle holds each link by value in an `Option`: two levels each
    // (63 such types compile with the default, 64 do not).
    assert_eq!(limit(&chain(49, false)), None);
    assert_eq!(limit(&chain(50, false)).as_deref(), Some("256"));
    assert_eq!(limit(&chain(200, false)).as_deref(), Some("1024"));
}

#[test]
fn a_document_of_tens_of_megabytes_loads() {
    let mut schemas = Map::new();
    let mut paths = Map::new();
    for i in 0..6000 {
        let mut properties = Map::new();
        for j in 0..30 {
            properties.insert(
                format!("field_{j}"),
                json!({"type": "string", "description": "d".repeat(60)}),
            );
        }
        properties.insert(
            "next".to_owned(),
            json!({"$ref": format!("#/components/schemas/S{}", (i + 1) % 6000)}),
        );
        schemas.insert(
            format!("S{i}"),
            json!({"type": "object", "description": "s".repeat(200), "properties": properties}),
        );
    }
    for i in 0..2000 {
        paths.insert(
            format!("/things{i}/{{id}}"),
            json!({"get": {"operationId": format!("get{i}"), "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
                   "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/S{i}")}}}}}}}),
        );
    }
    let text = doc(Value::Object(paths), Value::Object(schemas)).to_string();
    assert!(text.len() > 20_000_000, "{} bytes", text.len());
    let (api, warnings) = openapi_clientgen::lower_spec(&text).expect("loads and lowers");
    // The only warning: the ring of 6000 references nests deeper than rustc allows.
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].message.contains("E0320"), "{warnings:?}");
    assert!(api.recursion_limit.is_some_and(|l| l > 4 * 6000));
    assert_eq!(api.operations.len(), 2000);
    assert_eq!(api.types.len(), 6000);
}

// ---- Property-based: generated specs ------------------------------------------------------

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z_][a-zA-Z0-9_-]{0,10}",
        Just(String::new()),
        Just("type".to_owned()),
        Just("self".to_owned()),
        Just("Self".to_owned()),
        Just("crate".to_owned()),
        Just("2fa".to_owned()),
        Just("名前".to_owned()),
        Just("a b".to_owned()),
        Just("*/".to_owned()),
        Just("\"; fn evil() {}".to_owned()),
        Just("Option".to_owned()),
        Just("Client".to_owned()),
        Just("Unknown".to_owned()),
        Just("-x".to_owned()),
        ".{0,6}",
    ]
}

/// Names that `$ref`s in generated specs point to; some exist, some do not.
const POOL: &[&str] = &["Alpha", "beta", "Gamma_1", "Self", "Missing"];

fn scalar_schema() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!({"type": "string"})),
        Just(json!({"type": "integer", "format": "int32"})),
        Just(json!({"type": "integer", "format": "uint64", "maximum": 18446744073709551615u64})),
        Just(json!({"type": "number"})),
        Just(json!({"type": "boolean"})),
        Just(json!({"type": "string", "format": "date-time"})),
        Just(json!({"type": "string", "format": "uuid"})),
        Just(json!({"type": "string", "format": "byte"})),
        Just(json!({"type": "string", "format": "binary"})),
        Just(json!({})),
        Just(json!({"type": "string", "nullable": true})),
        Just(json!({"enum": [null]})),
        Just(json!({"type": "wat"})),
        prop::collection::vec(name(), 0..5)
            .prop_map(|values| json!({"type": "string", "enum": values})),
        prop::collection::vec(-3i64..3, 1..4)
            .prop_map(|values| json!({"type": "integer", "enum": values})),
        (0..POOL.len()).prop_map(|i| json!({"$ref": format!("#/components/schemas/{}", POOL[i])})),
        Just(json!({"type": "array", "items": {"type": "string", "format": "binary"}})),
        name().prop_map(|d| json!({"type": "string", "description": d, "default": d})),
    ]
}

fn schema() -> impl Strategy<Value = Value> {
    scalar_schema().prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            (
                prop::collection::btree_map(name(), inner.clone(), 0..4),
                prop::collection::vec(name(), 0..3),
                any::<u8>()
            )
                .prop_map(|(properties, required, flags)| {
                    let mut s =
                        json!({"type": "object", "properties": properties, "required": required});
                    if flags & 1 == 1 {
                        s["additionalProperties"] = json!(true);
                    }
                    if flags & 2 == 2 {
                        s["nullable"] = json!(true);
                    }
                    if flags & 4 == 4 {
                        s["readOnly"] = json!(true);
                    }
                    s
                }),
            inner
                .clone()
                .prop_map(|items| json!({"type": "array", "items": items})),
            inner
                .clone()
                .prop_map(|values| json!({"type": "object", "additionalProperties": values})),
            prop::collection::vec(inner.clone(), 1..4).prop_map(|parts| json!({"allOf": parts})),
            prop::collection::vec(inner.clone(), 1..4).prop_map(|parts| json!({"oneOf": parts})),
            prop::collection::vec(inner.clone(), 1..4)
                .prop_map(|parts| json!({"anyOf": parts, "nullable": true})),
            (prop::collection::vec(inner.clone(), 1..3), name()).prop_map(
                |(parts, p)| json!({"oneOf": parts, "discriminator": {"propertyName": p}})
            ),
            inner.prop_map(|not| json!({"not": not})),
        ]
    })
}

/// Query, header and cookie parameters with styles valid where they stand, and now and
/// then a stray path parameter.
fn parameter() -> impl Strategy<Value = Value> {
    let query_style = prop_oneof![
        Just(None),
        Just(Some("form")),
        Just(Some("deepObject")),
        Just(Some("pipeDelimited")),
        Just(Some("spaceDelimited"))
    ];
    (name(), prop_oneof![4 => Just("query"), 2 => Just("header"), 1 => Just("cookie"), 1 => Just("path")], schema(), any::<bool>(), query_style, any::<bool>())
        .prop_map(|(name, location, schema, required, style, explode)| {
            let mut p = json!({"name": name, "in": location, "required": required || location == "path", "schema": schema, "explode": explode});
            if let (Some(style), "query") = (style, location) {
                p["style"] = json!(style);
            }
            p
        })
}

fn media_type() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("application/json".to_owned()),
        Just("application/merge-patch+json".to_owned()),
        Just("application/x-www-form-urlencoded".to_owned()),
        Just("multipart/form-data".to_owned()),
        Just("text/plain".to_owned()),
        Just("application/octet-stream".to_owned()),
        Just("*/*".to_owned()),
        Just("image/png".to_owned()),
        ".{0,8}",
    ]
}

fn content() -> impl Strategy<Value = Value> {
    prop::collection::btree_map(media_type(), prop::option::of(schema()), 0..3).prop_map(|media| {
        let map: Map<String, Value> = media
            .into_iter()
            .map(|(m, s)| (m, s.map_or_else(|| json!({}), |s| json!({"schema": s}))))
            .collect();
        Value::Object(map)
    })
}

fn operation() -> impl Strategy<Value = Value> {
    (
        prop::option::of(name()),
        prop::collection::vec(parameter(), 0..4),
        prop::option::of(content()),
        prop::collection::btree_map(
            prop_oneof![
                Just("200"),
                Just("201"),
                Just("204"),
                Just("2XX"),
                Just("404"),
                Just("5XX"),
                Just("default"),
                Just("999")
            ],
            content(),
            0..4,
        ),
        prop::option::of(prop_oneof![
            Just(json!([])),
            Just(json!([{"basic": []}])),
            Just(json!([{"nope": []}]))
        ]),
    )
        .prop_map(|(id, parameters, body, responses, security)| {
            let responses: Map<String, Value> = responses
                .into_iter()
                .map(|(k, c)| (k.to_owned(), json!({"description": "r", "content": c})))
                .collect();
            let mut op = json!({"parameters": parameters, "responses": responses});
            if let Some(id) = id {
                op["operationId"] = json!(id);
            }
            if let Some(body) = body {
                op["requestBody"] = json!({"content": body});
            }
            if let Some(security) = security {
                op["security"] = security;
            }
            op
        })
}

fn spec() -> impl Strategy<Value = Value> {
    (
        prop::collection::btree_map(
            prop_oneof![8 => Just("/a"), 8 => Just("/a/{id}"), 8 => Just("/{x}/{type}/c"), 1 => Just("/b/{unclosed"), 1 => Just("nope")],
            prop::collection::btree_map(prop_oneof![Just("get"), Just("post"), Just("patch"), Just("delete")], operation(), 1..3),
            0..3,
        ),
        prop::collection::vec(schema(), POOL.len()),
        prop::option::of(prop_oneof![Just("https://x.example/{v}"), Just("/relative"), Just("")]),
    )
        .prop_map(|(mut paths, schemas, server)| {
            // Declare the parameters each path template names, so most documents are valid.
            for (path, item) in &mut paths {
                let names: Vec<&str> = path.split('{').skip(1).filter_map(|s| s.split_once('}').map(|(n, _)| n)).collect();
                for op in item.values_mut() {
                    let params = op["parameters"].as_array_mut().expect("parameters");
                    for name in &names {
                        params.insert(0, json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}));
                    }
                }
            }
            let schemas: Map<String, Value> = POOL.iter().zip(schemas).filter(|(n, _)| **n != "Missing").map(|(n, s)| ((*n).to_owned(), s)).collect();
            let mut d = json!({
                "openapi": "3.0.3",
                "info": {"title": "Fuzz", "version": "1"},
                "paths": paths,
                "components": {"schemas": schemas, "securitySchemes": {"basic": {"type": "http", "scheme": "basic"}}}
            });
            if let Some(url) = server {
                d["servers"] = json!([{"url": url, "variables": {"v": {"default": "v1"}}}]);
            }
            d
        })
}

/// The document written the OpenAPI 3.1 way: nullable types as type arrays, nullable
/// references as `anyOf` with `null`, one-value enums as `const`, `example` as `examples`,
/// and references wrapped in a one-part `allOf` for their siblings as plain `$ref`s.
fn to_openapi31(doc: &Value) -> Value {
    fn rewrite(value: &mut Value) {
        match value {
            Value::Object(map) => {
                map.values_mut().for_each(rewrite);
                let nullable = map.get("nullable") == Some(&json!(true));
                let single_ref = match map.get("allOf") {
                    Some(Value::Array(parts)) if parts.len() == 1 => parts[0]
                        .as_object()
                        .filter(|p| p.len() == 1 && p.contains_key("$ref"))
                        .cloned(),
                    _ => None,
                };
                if let (Some(Value::String(t)), true) = (map.get("type").cloned(), nullable) {
                    map.insert("type".to_owned(), json!([t, "null"]));
                    map.shift_remove("nullable");
                } else if let Some(reference) = single_ref {
                    map.shift_remove("allOf");
                    if nullable {
                        map.shift_remove("nullable");
                        map.insert("anyOf".to_owned(), json!([reference, {"type": "null"}]));
                    } else {
                        map.extend(reference);
                    }
                }
                if let Some(Value::Array(values)) = map.get("enum") {
                    if let ([only], true) = (values.as_slice(), map.contains_key("type")) {
                        let only = only.clone();
                        map.shift_remove("enum");
                        map.insert("const".to_owned(), only);
                    }
                }
                if let Some(example) = map.shift_remove("example") {
                    map.insert("examples".to_owned(), json!([example]));
                }
            }
            Value::Array(items) => items.iter_mut().for_each(rewrite),
            _ => {}
        }
    }
    let mut doc = doc.clone();
    for part in ["paths", "components"] {
        if let Some(value) = doc.get_mut(part) {
            rewrite(value);
        }
    }
    doc["openapi"] = json!("3.1.0");
    doc
}

/// `enum: [null]` accepts nothing in 3.0 unless `nullable` (and `null` in 3.1): makes the
/// 3.0 document say `nullable`, so that both dialects mean the same.
fn null_enums_nullable(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.get("enum") == Some(&json!([null])) {
                map.insert("nullable".to_owned(), json!(true));
            }
            map.values_mut().for_each(null_enums_nullable);
        }
        Value::Array(items) => items.iter_mut().for_each(null_enums_nullable),
        _ => {}
    }
}

// ---- Property-based: mangled real specs ---------------------------------------------------

/// The real documents: the project spec, the fixtures and, when it is at hand, the public
/// corpus.
fn real_specs() -> Vec<Value> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let corpus = Path::new(env!("CORPUS_DIR"));
    let mut files: Vec<PathBuf> = vec![root.join("spec/livedesk.yaml")];
    for dir in [
        corpus.join("specs"),
        corpus.join("specs31"),
        root.join("tests/fixtures"),
        root.join("tests/dialects"),
    ] {
        if let Ok(entries) = std::fs::read_dir(&dir) {
            files.extend(
                entries
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json")),
            );
        }
    }
    files.sort();
    files
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .filter_map(|text| serde_yaml::from_str::<Value>(&text).ok())
        .collect()
}

/// Every node of a tree, as paths of keys and indices.
fn node_paths(value: &Value, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    out.push(path.clone());
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                path.push(k.clone());
                node_paths(v, path, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                path.push(i.to_string());
                node_paths(v, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

fn node_mut<'v>(value: &'v mut Value, path: &[String]) -> Option<&'v mut Value> {
    path.iter().try_fold(value, |v, segment| match v {
        Value::Object(map) => map.get_mut(segment),
        Value::Array(items) => items.get_mut(segment.parse::<usize>().ok()?),
        _ => None,
    })
}

#[derive(Clone, Debug)]
enum Mutation {
    Remove,
    Replace(Value),
    RenameKey(String),
    Duplicate,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        Just(Mutation::Remove),
        prop_oneof![
            Just(json!(null)),
            Just(json!(0)),
            Just(json!(-1)),
            Just(json!(1e300)),
            Just(json!("")),
            Just(json!([])),
            Just(json!({})),
            Just(json!({"$ref": "#/components/schemas/Nowhere"})),
            Just(json!({"$ref": "#/components/schemas"})),
            Just(json!({"type": "object", "properties": {"self": {"type": "string"}}})),
            // OpenAPI 3.1 constructs, in 3.0 and 3.1 documents alike.
            Just(json!({"type": ["string", "null"]})),
            Just(json!({"type": ["integer", "string", "null"], "minimum": 1})),
            Just(json!({"type": "null"})),
            Just(json!({"type": []})),
            Just(json!({"anyOf": [{"$ref": "#/components/schemas/Alpha"}, {"type": "null"}]})),
            Just(json!({"const": "fixed"})),
            Just(json!({"type": "array", "prefixItems": [{"type": "string"}, true]})),
            Just(json!({"$defs": {"d": {"type": "string"}}, "$ref": "#/components/schemas/Alpha/$defs/d"})),
            Just(json!({"$ref": "#/components/pathItems/Nowhere"})),
            Just(json!({"type": "number", "exclusiveMinimum": 1, "examples": [2]})),
            Just(json!(true)),
            Just(json!(false)),
            Just(json!("3.1.0")),
            name().prop_map(Value::String),
        ]
        .prop_map(Mutation::Replace),
        name().prop_map(Mutation::RenameKey),
        Just(Mutation::Duplicate),
    ]
}

fn mangle(mut doc: Value, mutations: &[(usize, Mutation)]) -> Value {
    for (pick, mutation) in mutations {
        let mut paths = Vec::new();
        node_paths(&doc, &mut Vec::new(), &mut paths);
        let path = &paths[pick % paths.len()];
        let Some((last, parent_path)) = path.split_last() else {
            continue;
        };
        let Some(parent) = node_mut(&mut doc, parent_path) else {
            continue;
        };
        match (parent, mutation) {
            (Value::Object(map), Mutation::Remove) => {
                map.shift_remove(last);
            }
            (Value::Array(items), Mutation::Remove) => {
                if let Ok(i) = last.parse::<usize>() {
                    if i < items.len() {
                        items.remove(i);
                    }
                }
            }
            (parent, Mutation::Replace(value)) => {
                if let Some(node) = node_mut(parent, std::slice::from_ref(last)) {
                    *node = value.clone();
                }
            }
            (Value::Object(map), Mutation::RenameKey(new)) => {
                if let Some(value) = map.shift_remove(last) {
                    map.insert(new.clone(), value);
                }
            }
            (Value::Object(map), Mutation::Duplicate) => {
                if let Some(value) = map.get(last).cloned() {
                    map.insert(format!("{last}_copy"), value);
                }
            }
            (Value::Array(items), Mutation::Duplicate) => {
                if let Some(value) = last
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| items.get(i))
                    .cloned()
                {
                    items.push(value);
                }
            }
            _ => {}
        }
    }
    doc
}

/// Cases per property: 64 unless `PROPTEST_CASES` says otherwise (CI keeps the default).
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(64);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn generated_specs_never_panic_and_yield_code_that_parses(spec in spec(), as_yaml in any::<bool>()) {
        let text = if as_yaml { serde_yaml::to_string(&spec).expect("YAML") } else { spec.to_string() };
        let _ = generate_and_check_crate(&text)?;
    }

    #[test]
    fn mangled_real_specs_never_panic_and_yield_code_that_parses(
        pick in any::<usize>(),
        mutations in prop::collection::vec((any::<usize>(), mutation()), 1..6),
    ) {
        let specs = real_specs();
        prop_assume!(!specs.is_empty());
        let doc = mangle(specs[pick % specs.len()].clone(), &mutations);
        let _ = generate_and_check_crate(&doc.to_string())?;
    }

    #[test]
    fn the_same_api_in_3_1_generates_what_it_does_in_3_0(mut spec in spec()) {
        null_enums_nullable(&mut spec);
        let v31 = to_openapi31(&spec);
        let (a, b) = (openapi_clientgen::generate(&spec.to_string(), &options()), generate_and_check_crate(&v31.to_string())?);
        let brief = |ds: &[openapi_clientgen::Diagnostic]| ds.iter().map(|d| format!("{}: {}", d.pointer, d.message)).collect::<Vec<_>>();
        match (a, b) {
            (Ok(a), Ok(b)) => {
                prop_assert_eq!(brief(&a.warnings), brief(&b.warnings));
                for (x, y) in a.files.iter().zip(&b.files) {
                    prop_assert_eq!(&x.path, &y.path);
                    prop_assert!(x.contents == y.contents, "{} differs for\n{}\nas 3.1:\n{}", x.path, spec, v31);
                }
                prop_assert_eq!(a.files.len(), b.files.len());
            }
            (Err(_), Err(_)) => {}
            (a, b) => prop_assert!(false, "3.0: {:?}\n3.1: {:?}\n{}\n{}", a.map(|_| ()).map_err(|d| brief(&d)), b.map(|_| ()).map_err(|d| brief(&d)), spec, v31),
        }
    }

    #[test]
    fn mangled_3_1_specs_never_panic_and_yield_code_that_parses(
        spec in spec(),
        mutations in prop::collection::vec((any::<usize>(), mutation()), 0..6),
    ) {
        let doc = mangle(to_openapi31(&spec), &mutations);
        let _ = generate_and_check_crate(&doc.to_string())?;
    }

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,200}") {
        let _ = generate_and_check_crate(&format!("openapi: 3.0.3\n{text}"))?;
        let _ = generate_and_check_crate(&format!("openapi: 3.1.0\n{text}"))?;
        let _ = generate_and_check_crate(&text)?;
    }
}
