//! Drift: what a server really did, as recorded by a generated client's `Recorder` (one
//! JSON line per exchange), against what its document says. Every contradiction is
//! reported with its operation, the place in the body (a JSON path) and the place in the
//! document (a JSON pointer): an undeclared status or media type, a value of another type,
//! `null` where the schema allows none, a property the document does not declare, a
//! required one missing, a value its `enum` does not list, text not in its `format`, a
//! value no branch of a union fits. And a draft overlay is written that makes the document
//! describe what was recorded: applied, the same recordings give an empty report.
//!
//! It reads the document as written (with the user's overlays applied), in either
//! dialect, so that the draft's targets are the user's.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde_json::{Map, Value, json};

use crate::diagnostics::{Diagnostic, Pointer};
use crate::overlay::Overlay;

/// How deep values and schemas are followed.
const MAX_DEPTH: usize = 64;

/// What one recorded exchange contradicts in the document.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    /// The operation's id, method and path template, as recorded.
    pub operation: String,
    /// The status recorded.
    pub status: u16,
    /// Where in the body, as a JSON path (`$.items[0].name`); `$` for the whole body.
    pub at: String,
    /// Where in the document, as a JSON pointer (`#/components/schemas/Flow/properties/name`).
    pub schema: String,
    /// What the document says.
    pub says: String,
    /// What the server sent.
    pub sent: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} → {} {}: the document says {} ({}); the server sent {}",
            self.operation, self.status, self.at, self.says, self.schema, self.sent
        )
    }
}

/// A drift report: the findings, each once, with how many exchanges showed it, and the
/// overlay that would make the document describe the recordings.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// How many exchanges were read.
    pub exchanges: usize,
    /// The findings, sorted, with how many times each was seen.
    pub findings: Vec<(Finding, usize)>,
    /// The draft overlay (YAML), or `None` when there is nothing to correct.
    pub draft: Option<String>,
}

impl Report {
    /// The report as Markdown.
    pub fn markdown(&self) -> String {
        let mut out = format!(
            "## Drift: {} exchanges, {} finding{}\n\n",
            self.exchanges,
            self.findings.len(),
            if self.findings.len() == 1 { "" } else { "s" }
        );
        for (finding, seen) in &self.findings {
            let times = if *seen > 1 {
                format!(" ({seen} times)")
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "- `{}` → {} `{}`: the document says {} (`{}`); the server sent {}{times}",
                finding.operation,
                finding.status,
                finding.at,
                finding.says,
                finding.schema,
                finding.sent
            );
        }
        out
    }

    /// The report as JSON: `exchanges`, and `findings` with `operation`, `status`, `at`,
    /// `schema`, `says`, `sent` and `seen`.
    pub fn json(&self) -> String {
        let findings: Vec<Value> = self
            .findings
            .iter()
            .map(|(f, seen)| {
                json!({
                    "operation": f.operation, "status": f.status, "at": f.at,
                    "schema": f.schema, "says": f.says, "sent": f.sent, "seen": seen,
                })
            })
            .collect();
        let report = json!({"exchanges": self.exchanges, "findings": findings});
        format!("{report:#}\n")
    }
}

/// Compares the recordings (the `Recorder`'s JSON lines, several files' worth joined)
/// with the document `spec` as `overlays` correct it.
pub fn drift(
    spec: &str,
    overlays: &[Overlay],
    recordings: &str,
) -> Result<Report, Vec<Diagnostic>> {
    let settings = crate::Settings {
        overlays: overlays.to_vec(),
        ..crate::Settings::default()
    };
    drift_with(spec, &settings, recordings)
}

/// [`drift`] of the document as `settings` read it (its overlays, and for a document
/// split across files, where its files are read).
pub fn drift_with(
    spec: &str,
    settings: &crate::Settings,
    recordings: &str,
) -> Result<Report, Vec<Diagnostic>> {
    let doc = crate::pipeline::overlaid_tree(spec, settings)?;
    let dialect31 = doc["openapi"]
        .as_str()
        .is_some_and(|v| v.starts_with("3.1"));
    let operations = operations(&doc);
    let mut checker = Checker {
        doc: &doc,
        dialect31,
        findings: BTreeMap::new(),
        fixes: Fixes::default(),
    };
    let mut exchanges = 0;
    for (number, line) in recordings.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let exchange: Value = serde_json::from_str(line).map_err(|e| {
            vec![Diagnostic::error(
                "#",
                format!(
                    "recording line {}: not a JSON line of a Recorder: {e}",
                    number + 1
                ),
            )]
        })?;
        exchanges += 1;
        checker.exchange(&operations, &exchange);
    }
    let draft = checker.fixes.draft(&doc, dialect31);
    Ok(Report {
        exchanges,
        findings: checker.findings.into_iter().collect(),
        draft,
    })
}

/// An operation of the document: its pointer, by the id a client records.
struct Operation {
    pointer: Pointer,
    shown: String,
}

/// Every operation, by `operationId` (or `get /path` for one without).
fn operations(doc: &Value) -> BTreeMap<String, Operation> {
    let mut found = BTreeMap::new();
    let Some(paths) = doc["paths"].as_object() else {
        return found;
    };
    for (path, item) in paths {
        for method in [
            "get", "put", "post", "delete", "options", "head", "patch", "trace",
        ] {
            let Some(op) = item.get(method).filter(|op| op.is_object()) else {
                continue;
            };
            let id = op["operationId"]
                .as_str()
                .map_or_else(|| format!("{method} {path}"), str::to_owned);
            let shown = format!("{id} ({} {path})", method.to_ascii_uppercase());
            let pointer = Pointer::root().push("paths").push(path).push(method);
            found.insert(id, Operation { pointer, shown });
        }
    }
    found
}

/// The corrections the draft overlay makes, gathered per place.
#[derive(Default)]
struct Fixes {
    /// Statuses to declare, per operation's `responses`: the bodies recorded with each
    /// (by media type).
    statuses: BTreeMap<String, BTreeMap<String, BTreeMap<String, Vec<Value>>>>,
    /// For each of those statuses, the declared statuses' schemas every body recorded
    /// with it fits.
    fitting: BTreeMap<(String, String), BTreeSet<String>>,
    /// Media types to declare, per response's `content`: the bodies recorded.
    media: BTreeMap<String, BTreeMap<String, Vec<Value>>>,
    /// Properties to declare, per schema: the values recorded.
    properties: BTreeMap<String, BTreeMap<String, Vec<Value>>>,
    /// Properties no longer required, per schema.
    optional: BTreeMap<String, BTreeSet<String>>,
    /// Values to list, per schema's `enum`.
    values: BTreeMap<String, Vec<Value>>,
    /// Schemas that allow `null`.
    nullable: BTreeSet<String>,
    /// References that stand where `null` is sent too.
    null_references: BTreeSet<String>,
    /// Schemas whose `format` goes.
    formats: BTreeSet<String>,
    /// Schemas that take another shape too: the values recorded.
    widened: BTreeMap<String, Vec<Value>>,
}

struct Checker<'d> {
    doc: &'d Value,
    dialect31: bool,
    findings: BTreeMap<Finding, usize>,
    fixes: Fixes,
}

/// A contradiction found while checking a body, before it is reported.
struct Found {
    at: String,
    schema: Pointer,
    says: String,
    sent: String,
    fix: Fix,
}

enum Fix {
    Property(String, Value),
    Optional(String),
    Value(Value),
    Nullable,
    NullableReference,
    Format,
    Widen(Value),
}

impl Checker<'_> {
    fn exchange(&mut self, operations: &BTreeMap<String, Operation>, exchange: &Value) {
        let id = exchange["operation"].as_str().unwrap_or_default();
        let status = exchange["status"]
            .as_u64()
            .and_then(|s| u16::try_from(s).ok())
            .unwrap_or(0);
        let Some(op) = operations.get(id) else {
            self.report(Finding {
                operation: id.to_owned(),
                status,
                at: "$".to_owned(),
                schema: "#/paths".to_owned(),
                says: "no operation has this id".to_owned(),
                sent: "an answer to it".to_owned(),
            });
            return;
        };
        let response = &exchange["response"];
        let media = response["media_type"].as_str().map(essence);
        let body = (!response["truncated"].as_bool().unwrap_or(false))
            .then(|| response.get("body"))
            .flatten()
            .cloned();
        let responses = op.pointer.push("responses");
        let Some((key, declared)) = self.response_for(&responses, status) else {
            let listed: Vec<String> = self
                .at(&responses)
                .and_then(Value::as_object)
                .map(|r| r.keys().cloned().collect())
                .unwrap_or_default();
            self.report(Finding {
                operation: op.shown.clone(),
                status,
                at: "$".to_owned(),
                schema: responses.to_string(),
                says: format!("only {}", listed.join(", ")),
                sent: format!("status {status}"),
            });
            // The schemas of the statuses the document declares that this body fits: a
            // new status reads as they do (an upsert's `201` as its `200`).
            let fitting: BTreeSet<String> = match &body {
                Some(body) => listed
                    .iter()
                    .filter_map(|key| {
                        let content = self.at(&responses.push(key).push("content"))?.as_object()?;
                        let (entry, _) = content.iter().find(|(m, _)| m.contains("json"))?;
                        let schema = responses
                            .push(key)
                            .push("content")
                            .push(entry)
                            .push("schema");
                        let mut tried = Vec::new();
                        self.value(&schema, body, "$", 0, &mut tried);
                        tried.is_empty().then(|| schema.to_string())
                    })
                    .collect(),
                None => BTreeSet::new(),
            };
            let place = (responses.to_string(), status.to_string());
            let kept = self
                .fixes
                .fitting
                .entry(place.clone())
                .or_insert(fitting.clone());
            kept.retain(|schema| fitting.contains(schema));
            let bodies = self
                .fixes
                .statuses
                .entry(place.0)
                .or_default()
                .entry(place.1)
                .or_default();
            if let (Some(media), Some(body)) = (&media, &body) {
                bodies.entry(media.clone()).or_default().push(body.clone());
            }
            return;
        };
        let (Some(media), Some(body)) = (media, body) else {
            return;
        };
        let content = declared.push("content");
        let listed: Vec<String> = self
            .at(&content)
            .and_then(Value::as_object)
            .map(|c| c.keys().cloned().collect())
            .unwrap_or_default();
        let Some(entry) = listed.iter().find(|m| media_matches(m, &media)) else {
            self.report(Finding {
                operation: op.shown.clone(),
                status,
                at: "$".to_owned(),
                schema: content.to_string(),
                says: if listed.is_empty() {
                    format!("`{key}` has no body")
                } else {
                    format!("`{key}` comes as {}", listed.join(", "))
                },
                sent: format!("`{media}`"),
            });
            self.fixes
                .media
                .entry(content.to_string())
                .or_default()
                .entry(media)
                .or_default()
                .push(body);
            return;
        };
        // Only JSON bodies have a structure to compare.
        if !(entry.contains("json") || entry == "*/*") {
            return;
        }
        let schema = content.push(entry).push("schema");
        if self.at(&schema).is_none() {
            return;
        }
        let mut found = Vec::new();
        self.value(&schema, &body, "$", 0, &mut found);
        for f in found {
            self.report(Finding {
                operation: op.shown.clone(),
                status,
                at: f.at,
                schema: f.schema.to_string(),
                says: f.says,
                sent: f.sent,
            });
            let place = f.schema.to_string();
            match f.fix {
                Fix::Property(name, value) => self
                    .fixes
                    .properties
                    .entry(place)
                    .or_default()
                    .entry(name)
                    .or_default()
                    .push(value),
                Fix::Optional(name) => {
                    self.fixes.optional.entry(place).or_default().insert(name);
                }
                Fix::Value(value) => {
                    let values = self.fixes.values.entry(place).or_default();
                    if !values.contains(&value) {
                        values.push(value);
                    }
                }
                Fix::Nullable => {
                    self.fixes.nullable.insert(place);
                }
                Fix::NullableReference => {
                    self.fixes.null_references.insert(place);
                }
                Fix::Format => {
                    self.fixes.formats.insert(place);
                }
                Fix::Widen(value) => self.fixes.widened.entry(place).or_default().push(value),
            }
        }
    }

    fn report(&mut self, finding: Finding) {
        *self.findings.entry(finding).or_default() += 1;
    }

    fn at(&self, pointer: &Pointer) -> Option<&Value> {
        self.doc.pointer(&pointer_text(pointer))
    }

    /// The response the document gives `status`: its own, its class's (`2XX`), or
    /// `default`.
    fn response_for(&self, responses: &Pointer, status: u16) -> Option<(String, Pointer)> {
        let listed = self.at(responses)?.as_object()?;
        let class = format!("{}XX", status / 100);
        let key = [
            status.to_string(),
            class.clone(),
            class.to_lowercase(),
            "default".to_owned(),
        ]
        .into_iter()
        .find(|k| listed.contains_key(k))?;
        let mut at = responses.push(&key);
        // A response may be a reference to `components.responses`.
        for _ in 0..8 {
            match self.at(&at).and_then(|r| r["$ref"].as_str()) {
                Some(target) => at = Pointer::from_fragment(target),
                None => break,
            }
        }
        Some((key, at))
    }

    /// The schema at `schema`, through references (to where it is written).
    fn schema_at(&self, schema: &Pointer) -> (Pointer, Option<&Value>) {
        let mut at = schema.clone();
        for _ in 0..16 {
            let node = self.at(&at);
            match node.and_then(|n| n.get("$ref")).and_then(Value::as_str) {
                // 3.1 lets a reference stand beside other keywords; then it is this schema.
                Some(target)
                    if node
                        .and_then(Value::as_object)
                        .is_some_and(|m| m.len() == 1)
                        || !self.dialect31 =>
                {
                    at = Pointer::from_fragment(target);
                }
                _ => return (at, node),
            }
        }
        (at.clone(), self.at(&at))
    }

    /// Checks `value` (at `path` of the body) against the schema at `schema`.
    fn value(
        &self,
        schema: &Pointer,
        value: &Value,
        path: &str,
        depth: usize,
        found: &mut Vec<Found>,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        // `null` where a reference stands: allowed by what it refers to, or else by a
        // wrapper at this place (not by changing the referred schema, used elsewhere).
        if value.is_null() {
            let given = self.at(schema).and_then(Value::as_object);
            if given.is_some_and(|n| n.contains_key("$ref") && (n.len() == 1 || !self.dialect31)) {
                let (_, target) = self.schema_at(schema);
                let allowed = target
                    .and_then(Value::as_object)
                    .is_none_or(|t| t.is_empty() || self.allows_null(t));
                if !allowed {
                    found.push(Found {
                        at: path.to_owned(),
                        schema: schema.clone(),
                        says: "a value, not `null`".to_owned(),
                        sent: "null".to_owned(),
                        fix: Fix::NullableReference,
                    });
                }
                return;
            }
        }
        let (schema, node) = self.schema_at(schema);
        let Some(node) = node.and_then(Value::as_object) else {
            return;
        };
        // Unions: the branch the value fits best; a value none fits is another branch.
        for keyword in ["oneOf", "anyOf"] {
            if let Some(branches) = node.get(keyword).and_then(Value::as_array) {
                if value.is_null() && self.allows_null(node) {
                    return;
                }
                let mut best: Option<Vec<Found>> = None;
                for i in 0..branches.len() {
                    let mut tried = Vec::new();
                    self.value(
                        &schema.push(keyword).push(i.to_string()),
                        value,
                        path,
                        depth + 1,
                        &mut tried,
                    );
                    let hard = tried.iter().any(|f| matches!(f.fix, Fix::Widen(_)));
                    let better = match &best {
                        None => true,
                        Some(b) => {
                            (hard, tried.len())
                                < (b.iter().any(|f| matches!(f.fix, Fix::Widen(_))), b.len())
                        }
                    };
                    if better {
                        best = Some(tried);
                    }
                }
                match best {
                    Some(best) if best.is_empty() => return,
                    Some(best) if !best.iter().any(|f| matches!(f.fix, Fix::Widen(_))) => {
                        found.extend(best);
                    }
                    _ => found.push(Found {
                        at: path.to_owned(),
                        schema: schema.push(keyword),
                        says: format!("one of {} shapes", branches.len()),
                        sent: excerpt(value),
                        fix: Fix::Widen(value.clone()),
                    }),
                }
                return;
            }
        }
        if value.is_null() {
            if !self.allows_null(node) && !node.is_empty() {
                found.push(Found {
                    at: path.to_owned(),
                    schema,
                    says: "a value, not `null`".to_owned(),
                    sent: "null".to_owned(),
                    fix: Fix::Nullable,
                });
            }
            return;
        }
        // `allOf`: every part, their properties declared together.
        let parts: Vec<Pointer> = node
            .get("allOf")
            .and_then(Value::as_array)
            .map(|parts| {
                (0..parts.len())
                    .map(|i| schema.push("allOf").push(i.to_string()))
                    .collect()
            })
            .unwrap_or_default();
        let types = self.types(node);
        if !types.is_empty() && !types.iter().any(|t| fits(t, value)) {
            found.push(Found {
                at: path.to_owned(),
                schema: schema.clone(),
                says: format!("a value of type {}", types.join(" or ")),
                sent: excerpt(value),
                fix: Fix::Widen(value.clone()),
            });
            return;
        }
        if let Some(listed) = node.get("enum").and_then(Value::as_array) {
            if !listed.contains(value) {
                found.push(Found {
                    at: path.to_owned(),
                    schema: schema.push("enum"),
                    says: format!("one of {}", excerpt(&Value::Array(listed.clone()))),
                    sent: excerpt(value),
                    fix: Fix::Value(value.clone()),
                });
            }
        }
        if let (Some(format), Value::String(text)) =
            (node.get("format").and_then(Value::as_str), value)
        {
            if !in_format(format, text) {
                found.push(Found {
                    at: path.to_owned(),
                    schema: schema.clone(),
                    says: format!("text in the format `{format}`"),
                    sent: excerpt(value),
                    fix: Fix::Format,
                });
            }
        }
        match value {
            Value::Object(map) => {
                let mut declared: BTreeMap<String, Pointer> = BTreeMap::new();
                let mut required: Vec<(String, Pointer)> = Vec::new();
                let mut open = true;
                let mut additional = None;
                for holder in
                    std::iter::once(schema.clone()).chain(parts.iter().map(|p| self.schema_at(p).0))
                {
                    let Some(h) = self.at(&holder).and_then(Value::as_object) else {
                        continue;
                    };
                    if let Some(properties) = h.get("properties").and_then(Value::as_object) {
                        for name in properties.keys() {
                            declared.insert(name.clone(), holder.push("properties").push(name));
                        }
                        open = false;
                    }
                    for name in h
                        .get("required")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                    {
                        if let Some(name) = name.as_str() {
                            required.push((name.to_owned(), holder.clone()));
                        }
                    }
                    match h.get("additionalProperties") {
                        Some(Value::Bool(false)) => open = false,
                        Some(Value::Object(_)) => {
                            additional = Some(holder.push("additionalProperties"))
                        }
                        Some(Value::Bool(true)) => open = true,
                        _ => {}
                    }
                }
                for (name, item) in map {
                    let at = member(path, name);
                    match (declared.get(name), &additional) {
                        (Some(property), _) => self.value(property, item, &at, depth + 1, found),
                        (None, Some(values)) => self.value(values, item, &at, depth + 1, found),
                        (None, None) if open => {}
                        (None, None) => found.push(Found {
                            at,
                            schema: schema.clone(),
                            says: "no such property".to_owned(),
                            sent: format!("`{name}`: {}", excerpt(item)),
                            fix: Fix::Property(name.clone(), item.clone()),
                        }),
                    }
                }
                for (name, holder) in required {
                    if !map.contains_key(&name) {
                        found.push(Found {
                            at: path.to_owned(),
                            schema: holder,
                            says: format!("a required property `{name}`"),
                            sent: "an object without it".to_owned(),
                            fix: Fix::Optional(name),
                        });
                    }
                }
            }
            Value::Array(items) => {
                for part in &parts {
                    self.value(part, value, path, depth + 1, found);
                }
                if node.contains_key("items") {
                    for (i, item) in items.iter().enumerate() {
                        self.value(
                            &schema.push("items"),
                            item,
                            &format!("{path}[{i}]"),
                            depth + 1,
                            found,
                        );
                    }
                }
            }
            _ => {
                for part in &parts {
                    self.value(part, value, path, depth + 1, found);
                }
            }
        }
        // An object's `allOf` parts were taken together above; their own nested checks
        // (types, enums, formats of their properties) come with the properties.
    }

    /// The JSON types a schema allows, `null` aside; empty for any.
    fn types(&self, node: &Map<String, Value>) -> Vec<String> {
        match node.get("type") {
            Some(Value::String(t)) => vec![t.clone()],
            Some(Value::Array(ts)) => ts
                .iter()
                .filter_map(Value::as_str)
                .filter(|t| *t != "null")
                .map(str::to_owned)
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Whether a schema allows `null`: `nullable`, `null` among its types or its `enum`,
    /// or a branch of a union that allows it.
    fn allows_null(&self, node: &Map<String, Value>) -> bool {
        node.get("nullable").and_then(Value::as_bool) == Some(true)
            || matches!(node.get("type"), Some(Value::Array(ts)) if ts.iter().any(|t| t == "null"))
            || node.get("type").and_then(Value::as_str) == Some("null")
            || node
                .get("enum")
                .and_then(Value::as_array)
                .is_some_and(|values| values.contains(&Value::Null))
            || ["oneOf", "anyOf"].iter().any(|k| {
                node.get(*k)
                    .and_then(Value::as_array)
                    .is_some_and(|branches| {
                        branches.iter().any(|b| {
                            let b = match b.get("$ref").and_then(Value::as_str) {
                                Some(target) => self
                                    .doc
                                    .pointer(&pointer_text(&Pointer::from_fragment(target)))
                                    .unwrap_or(b),
                                None => b,
                            };
                            b.as_object().is_some_and(|b| self.allows_null(b))
                        })
                    })
            })
    }
}

impl Fixes {
    /// The overlay (YAML) making the document describe what was recorded, or `None`.
    fn draft(&self, doc: &Value, dialect31: bool) -> Option<String> {
        let mut actions: Vec<Value> = Vec::new();
        let mut update = |pointer: &str, description: String, value: Value| {
            actions.push(json!({
                "target": json_path(doc, pointer),
                "description": description,
                "update": value,
            }));
        };
        for (responses, statuses) in &self.statuses {
            let mut added = Map::new();
            for (status, bodies) in statuses {
                let mut response = json!({"description": "As recorded."});
                let fits = self
                    .fitting
                    .get(&(responses.clone(), status.clone()))
                    .and_then(|schemas| schemas.iter().next())
                    .and_then(|schema| doc.pointer(&pointer_text(&Pointer::from_fragment(schema))));
                if !bodies.is_empty() {
                    let content: Map<String, Value> = bodies
                        .iter()
                        .map(|(media, values)| {
                            let schema = match fits {
                                Some(declared) => declared.clone(),
                                None => infer(values, dialect31),
                            };
                            (media.clone(), json!({ "schema": schema }))
                        })
                        .collect();
                    response["content"] = Value::Object(content);
                }
                added.insert(status.clone(), response);
            }
            let statuses: Vec<&String> = statuses.keys().collect();
            update(
                responses,
                format!("The server answers {} too.", listed(&statuses)),
                Value::Object(added),
            );
        }
        for (content, media) in &self.media {
            let added: Map<String, Value> = media
                .iter()
                .map(|(m, values)| (m.clone(), json!({"schema": infer(values, dialect31)})))
                .collect();
            let media: Vec<&String> = media.keys().collect();
            update(
                content,
                format!("The server answers as {} too.", listed(&media)),
                Value::Object(added),
            );
        }
        for (schema, properties) in &self.properties {
            let added: Map<String, Value> = properties
                .iter()
                .map(|(name, values)| (name.clone(), infer(values, dialect31)))
                .collect();
            let names: Vec<&String> = properties.keys().collect();
            update(
                schema,
                format!("The server sends {} as well.", listed(&names)),
                json!({"properties": Value::Object(added)}),
            );
        }
        for (schema, values) in &self.values {
            let shown: Vec<String> = values.iter().map(Value::to_string).collect();
            update(
                schema,
                format!("The server sends {} as well.", listed(&shown)),
                Value::Array(values.clone()),
            );
        }
        for schema in &self.nullable {
            let fix = match (
                dialect31,
                doc.pointer(&pointer_text(&Pointer::from_fragment(schema)))
                    .and_then(|s| s.get("type")),
            ) {
                (false, _) => json!({"nullable": true}),
                (true, Some(Value::String(t))) => json!({"type": [t, "null"]}),
                (true, Some(Value::Array(ts))) => {
                    let mut ts = ts.clone();
                    ts.push("null".into());
                    json!({"type": ts})
                }
                (true, _) => {
                    // Widened below instead: a `null` branch beside what it is.
                    continue;
                }
            };
            update(schema, "The server sends `null` here.".to_owned(), fix);
        }
        let mut removals: Vec<Value> = Vec::new();
        for (schema, names) in &self.optional {
            for name in names {
                let target = format!(
                    "{}[?@ == {}]",
                    json_path(doc, &format!("{schema}/required")),
                    quoted(name)
                );
                removals.push(json!({
                    "target": target,
                    "description": format!("The server leaves `{name}` out."),
                    "remove": true,
                }));
            }
        }
        for schema in &self.formats {
            removals.push(json!({
                "target": json_path(doc, &format!("{schema}/format")),
                "description": "The server sends text in another format.",
                "remove": true,
            }));
        }
        actions.extend(removals);
        // Widening replaces a schema with a union of it and what was recorded: after the
        // corrections inside it, the deepest first.
        let mut widened: Vec<(&String, Vec<Value>)> =
            self.widened.iter().map(|(s, v)| (s, v.clone())).collect();
        for schema in &self.nullable {
            if dialect31 && !self.widened.contains_key(schema) {
                let types = doc
                    .pointer(&pointer_text(&Pointer::from_fragment(schema)))
                    .and_then(|s| s.get("type"));
                if !matches!(types, Some(Value::String(_) | Value::Array(_))) {
                    widened.push((schema, vec![Value::Null]));
                }
            }
        }
        widened.extend(self.null_references.iter().map(|s| (s, vec![Value::Null])));
        widened.sort_by_key(|(s, _)| std::cmp::Reverse(s.matches('/').count()));
        for (schema, values) in widened {
            let inferred = infer(&values, dialect31);
            if schema.ends_with("/oneOf") || schema.ends_with("/anyOf") {
                actions.push(json!({
                    "target": json_path(doc, schema),
                    "description": "The server sends a value of another shape too.",
                    "update": [inferred],
                }));
                continue;
            }
            let Some((parent, key)) = schema.rsplit_once('/') else {
                continue;
            };
            let key = key.replace("~1", "/").replace("~0", "~");
            let Some(original) = doc.pointer(&pointer_text(&Pointer::from_fragment(schema))) else {
                continue;
            };
            // A 3.0 reference allows `null` in the `allOf` wrapper 3.0 has for it.
            let wrapped = if values.iter().all(Value::is_null) && !dialect31 {
                json!({"nullable": true, "allOf": [original]})
            } else if values.iter().all(Value::is_null) {
                json!({"anyOf": [original, {"type": "null"}]})
            } else {
                json!({"anyOf": [original, inferred]})
            };
            actions.push(json!({
                "target": json_path(doc, schema),
                "description": "The server sends a value of another shape here too (removed, then put back as a union).",
                "remove": true,
            }));
            let parent_node = doc.pointer(&pointer_text(&Pointer::from_fragment(parent)));
            let value = if parent_node.is_some_and(Value::is_array) {
                wrapped
            } else {
                json!({ key: wrapped })
            };
            actions.push(json!({
                "target": json_path(doc, parent),
                "description": "The same schema, as a union of what it was and what the server sent.",
                "update": value,
            }));
        }
        if actions.is_empty() {
            return None;
        }
        let overlay = json!({
            "overlay": "1.0.0",
            "info": {
                "title": "What the server did that the document does not say (drift draft)",
                "version": "1.0.0",
            },
            "actions": actions,
        });
        serde_yaml::to_string(&overlay).ok()
    }
}

/// A schema every one of `values` fits: objects by their properties (none required),
/// arrays by their items, scalars by their type, `null` allowed when one is `null`, a
/// union when they differ.
fn infer(values: &[Value], dialect31: bool) -> Value {
    let nullable = values.iter().any(Value::is_null);
    let mut kinds: BTreeMap<&str, Vec<&Value>> = BTreeMap::new();
    for value in values.iter().filter(|v| !v.is_null()) {
        let kind = match value {
            Value::Object(_) => "object",
            Value::Array(_) => "array",
            Value::String(_) => "string",
            Value::Bool(_) => "boolean",
            Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
            Value::Number(_) => "number",
            Value::Null => continue,
        };
        kinds.entry(kind).or_default().push(value);
    }
    // Integers among numbers are numbers.
    if kinds.contains_key("number") {
        if let Some(integers) = kinds.remove("integer") {
            kinds.entry("number").or_default().extend(integers);
        }
    }
    let one = |kind: &str, of: &[&Value]| -> Value {
        match kind {
            "object" => {
                let mut by_name: BTreeMap<String, Vec<Value>> = BTreeMap::new();
                for value in of {
                    if let Value::Object(map) = value {
                        for (name, item) in map {
                            by_name.entry(name.clone()).or_default().push(item.clone());
                        }
                    }
                }
                let properties: Map<String, Value> = by_name
                    .iter()
                    .map(|(name, items)| (name.clone(), infer(items, dialect31)))
                    .collect();
                json!({"type": "object", "properties": properties})
            }
            "array" => {
                let items: Vec<Value> = of
                    .iter()
                    .filter_map(|v| v.as_array())
                    .flatten()
                    .cloned()
                    .collect();
                if items.is_empty() {
                    json!({"type": "array", "items": {}})
                } else {
                    json!({"type": "array", "items": infer(&items, dialect31)})
                }
            }
            other => json!({ "type": other }),
        }
    };
    let mut schema = match kinds.len() {
        0 => json!({}),
        1 => {
            let (kind, of) = kinds
                .iter()
                .next()
                .map(|(k, v)| (*k, v.clone()))
                .unwrap_or_default();
            one(kind, &of)
        }
        _ => json!({"anyOf": kinds.iter().map(|(k, of)| one(k, of)).collect::<Vec<_>>()}),
    };
    if nullable {
        match (dialect31, &mut schema) {
            (false, Value::Object(map)) => {
                map.insert("nullable".to_owned(), true.into());
            }
            (true, Value::Object(map)) => match map.get("type").cloned() {
                Some(Value::String(t)) => {
                    map.insert("type".to_owned(), json!([t, "null"]));
                }
                _ if kinds.is_empty() => {
                    map.insert("type".to_owned(), "null".into());
                }
                _ => {
                    let any = map.entry("anyOf").or_insert_with(|| json!([]));
                    if let Value::Array(branches) = any {
                        branches.push(json!({"type": "null"}));
                    }
                }
            },
            _ => {}
        }
    }
    schema
}

/// The RFC 9535 query selecting the node at `pointer` (a `#/...` pointer) of `doc`.
fn json_path(doc: &Value, pointer: &str) -> String {
    let mut out = String::from("$");
    let mut node = Some(doc);
    for segment in pointer.trim_start_matches('#').split('/').skip(1) {
        let name = segment.replace("~1", "/").replace("~0", "~");
        match node {
            Some(Value::Array(items)) if name.parse::<usize>().is_ok() => {
                let _ = write!(out, "[{name}]");
                node = name.parse::<usize>().ok().and_then(|i| items.get(i));
            }
            _ => {
                let _ = write!(out, "[{}]", quoted(&name));
                node = node.and_then(|n| n.get(&name));
            }
        }
    }
    out
}

/// A string literal of a JSONPath query.
fn quoted(text: &str) -> String {
    let mut out = String::from("'");
    for c in text.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// A `#/...` pointer as `serde_json`'s `pointer` takes it.
fn pointer_text(pointer: &Pointer) -> String {
    pointer.as_str().trim_start_matches('#').to_owned()
}

fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Whether a declared media type (which may be a range, `text/*`) covers `sent`.
fn media_matches(declared: &str, sent: &str) -> bool {
    let declared = essence(declared);
    declared == sent
        || declared == "*/*"
        || declared
            .strip_suffix("/*")
            .is_some_and(|kind| sent.split('/').next() == Some(kind))
}

/// Whether `value` is of the JSON Schema type `t`.
fn fits(t: &str, value: &Value) -> bool {
    match (t, value) {
        ("object", Value::Object(_))
        | ("array", Value::Array(_))
        | ("string", Value::String(_))
        | ("boolean", Value::Bool(_))
        | ("number", Value::Number(_)) => true,
        ("integer", Value::Number(n)) => {
            n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        _ => false,
    }
}

/// Whether `text` is in the format `format`, for the formats the client reads.
fn in_format(format: &str, text: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match format {
        "date" => {
            let parts: Vec<&str> = text.split('-').collect();
            parts.len() == 3 && parts[0].len() == 4 && parts.iter().all(|p| digits(p))
        }
        "date-time" => {
            text.len() >= 19
                && in_format("date", &text[..10])
                && matches!(text.as_bytes()[10], b'T' | b't' | b' ')
        }
        "uuid" => {
            let groups: Vec<&str> = text.split('-').collect();
            groups.len() == 5
                && groups
                    .iter()
                    .zip([8, 4, 4, 4, 12])
                    .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
        }
        _ => true,
    }
}

fn member(path: &str, key: &str) -> String {
    if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        format!("{path}.{key}")
    } else {
        format!("{path}[{}]", Value::from(key))
    }
}

fn excerpt(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(80) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text,
    }
}

fn listed<T: std::fmt::Display>(items: &[T]) -> String {
    let shown: Vec<String> = items.iter().map(|i| format!("`{i}`")).collect();
    shown.join(", ")
}
