//! OpenAPI 3.1 documents, rewritten in place into the 3.0 shape the `openapiv3` model reads,
//! so that everything after the loader is dialect-blind. Each rewrite keeps the meaning a
//! 3.0 document would express the same way, so the same API written in either version
//! generates the same code:
//!
//! - `type: [T, "null"]` is `type: T` with `nullable: true`; several types are a `oneOf`
//!   of one branch per type; `type: "null"` alone accepts only `null`;
//! - an `anyOf`/`oneOf` branch `{type: "null"}` (the FastAPI idiom for an optional
//!   value) becomes `{nullable: true, enum: [null]}`, which the lowering reads, in 3.0
//!   documents too, as making the other branches nullable;
//! - `const` is a one-value `enum`; an `examples` array gives `example`; numeric
//!   `exclusiveMinimum`/`exclusiveMaximum` are a bound with the boolean flag;
//! - a `$ref` with sibling keywords is a one-part `allOf` carrying them, so the reference
//!   stays a named type;
//! - `prefixItems` is `items` (a tuple of one type is a list of it); `contentEncoding:
//!   base64` is `format: byte`, a binary `contentMediaType` is `format: binary`; boolean
//!   schemas are `{}` and `{not: {}}`;
//! - schemas under `$defs` move to `components/schemas` and references to them follow;
//!   path items in `components/pathItems` are inlined where referenced; inline webhook
//!   payloads become named schemas (webhooks themselves get no client method);
//! - `info.summary` opens the description, `license.identifier` gives the SPDX URL.
//!
//! Keywords with no 3.0 counterpart that only validate (`propertyNames`, `$comment`, ...)
//! are dropped; ones that change what a value may be (`if`/`then`/`else`,
//! `dependentSchemas`, `patternProperties` beside other properties) are dropped with a
//! warning.

use serde_json::{Map, Value, json};

use crate::diagnostics::{Diagnostic, Pointer};
use crate::names;

/// The dialect a 3.1 document uses unless it says otherwise.
const BASE_DIALECT: &str = "https://spec.openapis.org/oas/3.1/dialect/base";

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Keywords that only narrow what a value may be, or only name or comment a schema,
/// with nothing in 3.0 or in the generated code to carry them.
const DROPPED: [&str; 16] = [
    "$schema",
    "$id",
    "$anchor",
    "$dynamicAnchor",
    "$comment",
    "$vocabulary",
    "propertyNames",
    "contains",
    "minContains",
    "maxContains",
    "dependentRequired",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contentSchema",
    "contentMediaType",
    "contentEncoding",
];

/// Keywords that change which values are valid in ways the generated types cannot follow.
const UNSUPPORTED: [&str; 5] = ["if", "then", "else", "dependentSchemas", "$dynamicRef"];

struct Rewriter {
    diagnostics: Vec<Diagnostic>,
    /// Schemas found under `$defs`: where they were, their preferred name, the schema.
    defs: Vec<(Pointer, String, Value)>,
    /// Every component path item, already rewritten, to inline where referenced.
    path_items: Map<String, Value>,
    /// Security schemes left out, which requirements must no longer name.
    dropped_schemes: Vec<String>,
}

/// Rewrites the 3.1 document `root` into the 3.0 shape, returning warnings for what it
/// could not keep and errors for what is malformed.
pub(super) fn rewrite(root: &mut Map<String, Value>) -> Vec<Diagnostic> {
    let mut rw = Rewriter {
        diagnostics: Vec::new(),
        defs: Vec::new(),
        path_items: Map::new(),
        dropped_schemes: Vec::new(),
    };
    let at = Pointer::root();
    root.insert("openapi".to_owned(), json!("3.0.3"));

    if let Some(dialect) = root.shift_remove("jsonSchemaDialect") {
        let dialect = dialect
            .as_str()
            .map_or_else(|| dialect.to_string(), str::to_owned);
        if dialect != BASE_DIALECT {
            rw.diagnostics.push(Diagnostic::warning(
                at.push("jsonSchemaDialect"),
                format!(
                    "schemas are read in the OpenAPI 3.1 base dialect ({BASE_DIALECT}); \
                     keywords only `{dialect}` defines are ignored"
                ),
            ));
        }
    }
    if let Some(Value::Object(info)) = root.get_mut("info") {
        rw.info(info);
    }

    let mut components = match root.shift_remove("components") {
        Some(Value::Object(c)) => Some(c),
        Some(other) => {
            root.insert("components".to_owned(), other);
            None
        }
        None => None,
    };
    if let Some(c) = &mut components {
        rw.components(c, &at.push("components"));
    }
    if let Some(security) = root.get_mut("security") {
        rw.strip_requirements(security);
    }

    match root.get_mut("paths") {
        Some(Value::Object(paths)) => {
            let base = at.push("paths");
            for (path, item) in paths.iter_mut() {
                if !path.starts_with("x-") {
                    rw.path_item(item, &base.push(path));
                }
            }
        }
        Some(_) => {}
        // 3.1 documents may describe only webhooks or components.
        None => {
            root.insert("paths".to_owned(), json!({}));
        }
    }

    let webhook_payloads = match root.shift_remove("webhooks") {
        Some(Value::Object(mut hooks)) => rw.webhooks(&mut hooks, &at.push("webhooks")),
        _ => Vec::new(),
    };

    // A `components` that is not a mapping stayed in place for the loader to report.
    if root.contains_key("components") {
        return rw.diagnostics;
    }
    let mut components = components.unwrap_or_default();
    let mut renames = Vec::new();
    if let Value::Object(schemas) = components.entry("schemas").or_insert_with(|| json!({})) {
        renames = rw.hoist_defs(schemas);
        for (name, schema) in webhook_payloads {
            let name = free_name(schemas, &name);
            schemas.insert(name, schema);
        }
    }
    if !renames.is_empty() {
        for value in root.values_mut().chain(components.values_mut()) {
            retarget(value, &renames);
        }
    }
    if components
        .get("schemas")
        .is_some_and(|s| s.as_object().is_some_and(Map::is_empty))
    {
        components.shift_remove("schemas");
    }
    if !components.is_empty() {
        root.insert("components".to_owned(), Value::Object(components));
    }
    rw.diagnostics
}

impl Rewriter {
    fn info(&mut self, info: &mut Map<String, Value>) {
        if let Some(Value::String(summary)) = info.shift_remove("summary") {
            let description = match info.get("description").and_then(Value::as_str) {
                Some(d) if !d.trim().is_empty() => format!("{summary}\n\n{d}"),
                _ => summary,
            };
            info.insert("description".to_owned(), Value::String(description));
        }
        if let Some(Value::Object(license)) = info.get_mut("license") {
            if let Some(Value::String(id)) = license.shift_remove("identifier") {
                license
                    .entry("url")
                    .or_insert_with(|| json!(format!("https://spdx.org/licenses/{id}.html")));
            }
        }
    }

    fn components(&mut self, c: &mut Map<String, Value>, at: &Pointer) {
        if let Some(Value::Object(items)) = c.shift_remove("pathItems") {
            let base = at.push("pathItems");
            for (name, mut item) in items {
                self.path_item(&mut item, &base.push(&name));
                self.path_items.insert(name, item);
            }
        }
        if let Some(Value::Object(schemes)) = c.get_mut("securitySchemes") {
            let base = at.push("securitySchemes");
            schemes.retain(|name, scheme| {
                let mutual_tls = scheme.get("type").and_then(Value::as_str) == Some("mutualTLS");
                if mutual_tls {
                    self.dropped_schemes.push(name.clone());
                    self.diagnostics.push(Diagnostic::warning(
                        base.push(name),
                        "mutual TLS is not generated: give the client certificate to the \
                         `reqwest::Client` you pass to `ClientBuilder::http_client`",
                    ));
                }
                !mutual_tls
            });
        }
        for (section, value) in c.iter_mut() {
            let Value::Object(entries) = value else {
                continue;
            };
            let base = at.push(section);
            for (name, entry) in entries.iter_mut() {
                let at = base.push(name);
                match section.as_str() {
                    "schemas" => self.schema(entry, &at),
                    "parameters" | "headers" => self.parameter(entry, &at),
                    "requestBodies" => self.content(entry, &at),
                    "responses" => self.response(entry, &at),
                    "callbacks" => self.callback(entry, &at),
                    _ => {}
                }
            }
        }
    }

    fn path_item(&mut self, item: &mut Value, at: &Pointer) {
        if let Some(reference) = item.get("$ref").and_then(Value::as_str) {
            if let ["components", "pathItems", name] = Pointer::from_fragment(reference)
                .segments()
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .as_slice()
            {
                match self.path_items.get(*name) {
                    Some(resolved) => *item = resolved.clone(),
                    None => {
                        self.diagnostics.push(Diagnostic::error(
                            at.push("$ref"),
                            format!("`{reference}` names no path item in `components/pathItems`"),
                        ));
                        *item = json!({});
                    }
                }
                return;
            }
        }
        self.parameters(item, at);
        let Value::Object(item) = item else {
            return;
        };
        for method in METHODS {
            if let Some(op) = item.get_mut(method) {
                self.operation(op, &at.push(method));
            }
        }
    }

    fn operation(&mut self, op: &mut Value, at: &Pointer) {
        self.parameters(op, at);
        let Value::Object(op) = op else {
            return;
        };
        if let Some(body) = op.get_mut("requestBody") {
            self.content(body, &at.push("requestBody"));
        }
        if let Some(security) = op.get_mut("security") {
            self.strip_requirements(security);
        }
        // 3.1 lets an operation leave its responses out.
        let responses = op.entry("responses").or_insert_with(|| json!({}));
        if let Value::Object(responses) = responses {
            let base = at.push("responses");
            for (status, r) in responses.iter_mut() {
                self.response(r, &base.push(status));
            }
        }
        if let Some(Value::Object(callbacks)) = op.get_mut("callbacks") {
            let base = at.push("callbacks");
            for (name, cb) in callbacks.iter_mut() {
                self.callback(cb, &base.push(name));
            }
        }
    }

    /// Removes the schemes left out from a list of security requirements.
    fn strip_requirements(&self, security: &mut Value) {
        if self.dropped_schemes.is_empty() {
            return;
        }
        if let Value::Array(requirements) = security {
            for requirement in requirements {
                if let Value::Object(schemes) = requirement {
                    schemes.retain(|name, _| !self.dropped_schemes.contains(name));
                }
            }
        }
    }

    fn callback(&mut self, callback: &mut Value, at: &Pointer) {
        if let Value::Object(expressions) = callback {
            for (expression, item) in expressions.iter_mut() {
                if !expression.starts_with("x-") {
                    self.path_item(item, &at.push(expression));
                }
            }
        }
    }

    /// The `parameters` list of a path item or an operation.
    fn parameters(&mut self, holder: &mut Value, at: &Pointer) {
        if let Some(Value::Array(params)) = holder.get_mut("parameters") {
            let base = at.push("parameters");
            for (i, p) in params.iter_mut().enumerate() {
                self.parameter(p, &base.push(i.to_string()));
            }
        }
    }

    /// A parameter or a header: a schema, or content.
    fn parameter(&mut self, p: &mut Value, at: &Pointer) {
        if let Some(schema) = p.get_mut("schema") {
            self.schema(schema, &at.push("schema"));
        }
        self.content(p, at);
    }

    fn response(&mut self, response: &mut Value, at: &Pointer) {
        if let Some(Value::Object(headers)) = response.get_mut("headers") {
            let base = at.push("headers");
            for (name, h) in headers.iter_mut() {
                self.parameter(h, &base.push(name));
            }
        }
        self.content(response, at);
    }

    fn content(&mut self, holder: &mut Value, at: &Pointer) {
        let Some(Value::Object(content)) = holder.get_mut("content") else {
            return;
        };
        let base = at.push("content");
        for (media, m) in content.iter_mut() {
            let at = base.push(media);
            if let Some(schema) = m.get_mut("schema") {
                self.schema(schema, &at.push("schema"));
            }
            if let Some(Value::Object(encodings)) = m.get_mut("encoding") {
                for (property, e) in encodings.iter_mut() {
                    if let Some(Value::Object(headers)) = e.get_mut("headers") {
                        let base = at.push("encoding").push(property).push("headers");
                        for (name, h) in headers.iter_mut() {
                            self.parameter(h, &base.push(name));
                        }
                    }
                }
            }
        }
    }

    /// Rewrites the webhooks and returns their inline payload schemas, named after the
    /// webhook, for `components/schemas`.
    fn webhooks(&mut self, hooks: &mut Map<String, Value>, at: &Pointer) -> Vec<(String, Value)> {
        let mut payloads = Vec::new();
        for (name, item) in hooks.iter_mut() {
            if name.starts_with("x-") {
                continue;
            }
            self.path_item(item, &at.push(name));
            let operations: Vec<&str> = METHODS
                .iter()
                .copied()
                .filter(|m| item.get(*m).is_some())
                .collect();
            for method in &operations {
                let Some(Value::Object(content)) = item
                    .get_mut(*method)
                    .and_then(|op| op.get_mut("requestBody"))
                    .and_then(|b| b.get_mut("content"))
                else {
                    continue;
                };
                let bodies: Vec<&mut Value> = content
                    .values_mut()
                    .filter_map(|m| m.get_mut("schema"))
                    .filter(|s| s.get("$ref").is_none())
                    .collect();
                let several = bodies.len() > 1;
                for (i, schema) in bodies.into_iter().enumerate() {
                    let mut type_name = names::pascal(name, "Webhook");
                    if operations.len() > 1 {
                        type_name.push_str(&names::pascal(method, ""));
                    }
                    type_name.push_str("Payload");
                    if several {
                        type_name.push_str(&(i + 1).to_string());
                    }
                    payloads.push((type_name, schema.take()));
                }
            }
        }
        payloads
    }

    /// Moves the schemas found under `$defs` into `schemas`, returning each old location
    /// with the reference that now names it.
    fn hoist_defs(&mut self, schemas: &mut Map<String, Value>) -> Vec<(String, String)> {
        let mut renames = Vec::new();
        for (at, preferred, schema) in std::mem::take(&mut self.defs) {
            let name = free_name(schemas, &preferred);
            renames.push((
                at.as_str().to_owned(),
                Pointer::root()
                    .push("components")
                    .push("schemas")
                    .push(&name)
                    .into(),
            ));
            schemas.insert(name, schema);
        }
        renames
    }

    fn schema(&mut self, schema: &mut Value, at: &Pointer) {
        match schema {
            Value::Bool(true) => {
                *schema = json!({});
                return;
            }
            Value::Bool(false) => {
                *schema = json!({"not": {}});
                return;
            }
            Value::Object(_) => {}
            _ => return,
        }
        let Value::Object(map) = schema else {
            return;
        };
        self.subschemas(map, at);

        for key in UNSUPPORTED {
            if map.shift_remove(key).is_some() {
                self.diagnostics.push(Diagnostic::warning(
                    at.push(key),
                    format!(
                        "`{key}` is not supported; the values it allows or forbids are not checked"
                    ),
                ));
            }
        }
        if let Some(patterns) = map.shift_remove("patternProperties") {
            self.pattern_properties(map, patterns, at);
        }
        if map.get("unevaluatedProperties") == Some(&Value::Bool(false)) {
            map.entry("additionalProperties")
                .or_insert(Value::Bool(false));
        }
        content_format(map);
        for key in DROPPED {
            map.shift_remove(key);
        }

        ref_siblings(map);
        if let Some(problem) = type_problem(map.get("type")) {
            self.diagnostics
                .push(Diagnostic::error(at.push("type"), problem));
            map.shift_remove("type");
        }
        type_array(map);
        constant(map);
        if let Some(examples) = map.shift_remove("examples") {
            if let Some(first) = examples.as_array().and_then(|e| e.first()) {
                map.entry("example").or_insert_with(|| first.clone());
            }
        }
        exclusive_bound(map, "exclusiveMinimum", "minimum", |bound, limit| {
            bound >= limit
        });
        exclusive_bound(map, "exclusiveMaximum", "maximum", |bound, limit| {
            bound <= limit
        });
        self.prefix_items(map, at);
    }

    /// Rewrites every schema this one contains, and collects its `$defs`.
    fn subschemas(&mut self, map: &mut Map<String, Value>, at: &Pointer) {
        for key in ["properties", "patternProperties", "dependentSchemas"] {
            if let Some(Value::Object(entries)) = map.get_mut(key) {
                let base = at.push(key);
                for (name, s) in entries.iter_mut() {
                    self.schema(s, &base.push(name));
                }
            }
        }
        for key in [
            "items",
            "not",
            "if",
            "then",
            "else",
            "contains",
            "propertyNames",
        ] {
            if let Some(s) = map.get_mut(key) {
                self.schema(s, &at.push(key));
            }
        }
        // `additionalProperties: true/false` keeps its 3.0 meaning.
        if let Some(s @ Value::Object(_)) = map.get_mut("additionalProperties") {
            self.schema(s, &at.push("additionalProperties"));
        }
        for key in ["allOf", "anyOf", "oneOf", "prefixItems"] {
            if let Some(Value::Array(items)) = map.get_mut(key) {
                let base = at.push(key);
                for (i, s) in items.iter_mut().enumerate() {
                    self.schema(s, &base.push(i.to_string()));
                }
            }
        }
        for key in ["$defs", "definitions"] {
            if let Some(Value::Object(defs)) = map.shift_remove(key) {
                let base = at.push(key);
                for (name, mut s) in defs {
                    let def_at = base.push(&name);
                    self.schema(&mut s, &def_at);
                    self.defs.push((def_at, names::pascal(&name, "Schema"), s));
                }
            }
        }
    }

    fn pattern_properties(&mut self, map: &mut Map<String, Value>, patterns: Value, at: &Pointer) {
        let Value::Object(patterns) = patterns else {
            return;
        };
        // With no other way to hold extra keys, one pattern's schema types them all.
        let free = !map.contains_key("additionalProperties");
        if free && patterns.len() == 1 {
            if let Some((_, schema)) = patterns.into_iter().next() {
                map.insert("additionalProperties".to_owned(), schema);
            }
            return;
        }
        self.diagnostics.push(Diagnostic::warning(
            at.push("patternProperties"),
            "`patternProperties` is not supported beside `additionalProperties` or with several \
             patterns; keys matching them are kept only where `additionalProperties` allows",
        ));
    }

    fn prefix_items(&mut self, map: &mut Map<String, Value>, at: &Pointer) {
        let Some(Value::Array(prefix)) = map.shift_remove("prefixItems") else {
            return;
        };
        let mut kinds: Vec<Value> = Vec::new();
        let rest = map.shift_remove("items");
        // `items: false` (now `{not: {}}`): no items beyond the prefix.
        let rest = rest.filter(|r| *r != json!({"not": {}}));
        for schema in prefix.into_iter().chain(rest) {
            if !kinds.contains(&schema) {
                kinds.push(schema);
            }
        }
        map.entry("type").or_insert_with(|| json!("array"));
        let items = match kinds.len() {
            0 => json!({}),
            1 => kinds.remove(0),
            _ => {
                self.diagnostics.push(Diagnostic::warning(
                    at.push("prefixItems"),
                    "the items of this tuple have different types: they are generated as a list \
                     of values of any of those types, and their positions are not checked",
                ));
                json!({"oneOf": kinds})
            }
        };
        map.insert("items".to_owned(), items);
    }
}

/// `preferred`, or with the first number that makes it a new schema name.
fn free_name(schemas: &Map<String, Value>, preferred: &str) -> String {
    let mut name = preferred.to_owned();
    let mut n = 2;
    while schemas.contains_key(&name) {
        name = format!("{preferred}{n}");
        n += 1;
    }
    name
}

/// `contentEncoding: base64` and binary `contentMediaType` as 3.0 formats.
fn content_format(map: &mut Map<String, Value>) {
    if map.contains_key("format") {
        return;
    }
    let encoding = map.get("contentEncoding").and_then(Value::as_str);
    let media = map.get("contentMediaType").and_then(Value::as_str);
    let format = match (encoding, media) {
        (Some(e), _) if e.eq_ignore_ascii_case("base64") => "byte",
        (None, Some(m)) if is_binary_media(m) => "binary",
        _ => return,
    };
    map.insert("format".to_owned(), json!(format));
    map.entry("type").or_insert_with(|| json!("string"));
}

fn is_binary_media(media: &str) -> bool {
    let media = media.to_ascii_lowercase();
    !(media.starts_with("text/")
        || media.contains("json")
        || media.contains("xml")
        || media.contains("x-www-form-urlencoded"))
}

/// A `$ref` with sibling keywords: the siblings apply to a one-part `allOf`.
fn ref_siblings(map: &mut Map<String, Value>) {
    if !map.contains_key("$ref") || map.len() == 1 {
        return;
    }
    let Some(reference) = map.shift_remove("$ref") else {
        return;
    };
    // A type array beside a reference only says whether `null` is allowed.
    if let Some(types) = map.shift_remove("type") {
        if types_of(&types).iter().any(|t| t == "null") {
            map.insert("nullable".to_owned(), Value::Bool(true));
        }
    }
    let parts = match map.shift_remove("allOf") {
        Some(Value::Array(mut parts)) => {
            parts.insert(0, json!({"$ref": reference}));
            parts
        }
        _ => vec![json!({"$ref": reference})],
    };
    map.insert("allOf".to_owned(), Value::Array(parts));
}

fn types_of(types: &Value) -> Vec<String> {
    match types {
        Value::String(t) => vec![t.clone()],
        Value::Array(ts) => ts
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

const TYPES: [&str; 7] = [
    "string", "number", "integer", "boolean", "array", "object", "null",
];

/// What is wrong with the shape of a `type` keyword, if anything. Unknown type names are
/// left to the 3.0 model, which treats them as it does in 3.0 documents.
fn type_problem(types: Option<&Value>) -> Option<String> {
    match types? {
        Value::String(_) => None,
        Value::Array(ts) if !ts.is_empty() => ts.iter().find(|t| !t.is_string()).map(|t| {
            format!(
                "`type` lists `{t}`, which is not a type name; expected some of {}",
                TYPES.join(", ")
            )
        }),
        _ => Some(format!(
            "`type` must be a type name or a list of them: {}",
            TYPES.join(", ")
        )),
    }
}

/// Keywords that apply to values of one JSON type (the rest apply to all).
fn applies_to(keyword: &str, json_type: &str) -> bool {
    let only: &[&str] = match keyword {
        "format" => &["string", "integer", "number"],
        "pattern" | "minLength" | "maxLength" => &["string"],
        "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" | "multipleOf" => {
            &["integer", "number"]
        }
        "items" | "prefixItems" | "minItems" | "maxItems" | "uniqueItems" => &["array"],
        "properties"
        | "required"
        | "additionalProperties"
        | "minProperties"
        | "maxProperties"
        | "discriminator" => &["object"],
        _ => return true,
    };
    only.contains(&json_type)
}

fn json_type_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// `type` arrays: `[T, "null"]` is a nullable `T`, several types a `oneOf`.
fn type_array(map: &mut Map<String, Value>) {
    // `type_problem` has removed a malformed `type`.
    let Some(types) = map.get("type").map(types_of) else {
        return;
    };
    let nullable = types.iter().any(|t| t == "null");
    let mut rest: Vec<String> = types.into_iter().filter(|t| t != "null").collect();
    rest.dedup();
    if nullable {
        map.insert("nullable".to_owned(), Value::Bool(true));
        // 3.0 lists `null` among the values of a nullable enum only implicitly.
        if let Some(Value::Array(values)) = map.get_mut("enum") {
            values.retain(|v| !v.is_null());
        }
    }
    match rest.len() {
        0 => {
            map.shift_remove("type");
            map.insert("enum".to_owned(), json!([null]));
        }
        1 => {
            map.insert("type".to_owned(), json!(rest[0]));
        }
        _ => {
            map.shift_remove("type");
            let branches = rest
                .iter()
                .map(|t| {
                    let mut branch = Map::new();
                    branch.insert("type".to_owned(), json!(t));
                    for (key, value) in map.iter() {
                        if applies_to(key, t) && is_value_keyword(key) {
                            let value = match (key.as_str(), value) {
                                ("enum", Value::Array(values)) => Value::Array(
                                    values
                                        .iter()
                                        .filter(|v| {
                                            json_type_of(v) == t
                                                || (t == "number" && json_type_of(v) == "integer")
                                        })
                                        .cloned()
                                        .collect(),
                                ),
                                _ => value.clone(),
                            };
                            branch.insert(key.clone(), value);
                        }
                    }
                    Value::Object(branch)
                })
                .filter(|b| {
                    b.get("enum")
                        .is_none_or(|e| e.as_array().is_some_and(|a| !a.is_empty()))
                })
                .collect::<Vec<_>>();
            map.retain(|key, _| !is_value_keyword(key));
            map.insert("oneOf".to_owned(), Value::Array(branches));
        }
    }
}

/// Keywords that constrain values, which a per-type branch takes; annotations
/// (`description`, `default`, ...) stay on the schema.
fn is_value_keyword(key: &str) -> bool {
    matches!(
        key,
        "format"
            | "pattern"
            | "minLength"
            | "maxLength"
            | "minimum"
            | "maximum"
            | "exclusiveMinimum"
            | "exclusiveMaximum"
            | "multipleOf"
            | "items"
            | "prefixItems"
            | "minItems"
            | "maxItems"
            | "uniqueItems"
            | "properties"
            | "required"
            | "additionalProperties"
            | "minProperties"
            | "maxProperties"
            | "discriminator"
            | "enum"
    )
}

/// `const: v` is `enum: [v]`, typed after the value when the schema gives no type.
fn constant(map: &mut Map<String, Value>) {
    let Some(value) = map.shift_remove("const") else {
        return;
    };
    if value.is_null() {
        map.insert("nullable".to_owned(), Value::Bool(true));
        map.insert("enum".to_owned(), json!([null]));
        return;
    }
    if !map.contains_key("type") && !map.contains_key("$ref") {
        let json_type = json_type_of(&value);
        map.insert("type".to_owned(), json!(json_type));
    }
    map.entry("enum")
        .or_insert_with(|| Value::Array(vec![value]));
}

/// A numeric `exclusiveMinimum`/`exclusiveMaximum` as the 3.0 bound with its flag.
fn exclusive_bound(
    map: &mut Map<String, Value>,
    exclusive: &str,
    inclusive: &str,
    tighter: fn(f64, f64) -> bool,
) {
    let Some(Value::Number(bound)) = map.get(exclusive).cloned() else {
        return;
    };
    let replaces = map
        .get(inclusive)
        .and_then(Value::as_f64)
        .is_none_or(|limit| bound.as_f64().is_some_and(|b| tighter(b, limit)));
    if replaces {
        map.insert(inclusive.to_owned(), Value::Number(bound));
        map.insert(exclusive.to_owned(), Value::Bool(true));
    } else {
        map.shift_remove(exclusive);
    }
}

/// Points every `$ref` at a moved schema to its new place.
fn retarget(value: &mut Value, renames: &[(String, String)]) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get_mut("$ref") {
                if let Some((_, new)) = renames.iter().find(|(old, _)| old == reference) {
                    reference.clone_from(new);
                }
            }
            for v in map.values_mut() {
                retarget(v, renames);
            }
        }
        Value::Array(items) => {
            for v in items {
                retarget(v, renames);
            }
        }
        _ => {}
    }
}
