//! References that point anywhere in the document, not only at `#/components/<section>/
//! <name>`: a JSON pointer may name a parameter's schema, one branch of a `oneOf`, a
//! property of another schema, a response's media type schema, and so on. Each such target
//! moves into `components` under a name made from where it stood, the place it left holds a
//! reference to it, and every reference to it is retargeted, so it becomes one named type
//! however many references share it, and the rest of the generator only meets component
//! references.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::diagnostics::Pointer;
use crate::names;

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// How many references in a row may lead from one to the next.
const MAX_HOPS: usize = 32;

/// What a reference stands for, which decides the `components` section it points into.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Kind {
    Schema,
    Parameter,
    RequestBody,
    Response,
    Header,
}

impl Kind {
    fn section(self) -> &'static str {
        match self {
            Kind::Schema => "schemas",
            Kind::Parameter => "parameters",
            Kind::RequestBody => "requestBodies",
            Kind::Response => "responses",
            Kind::Header => "headers",
        }
    }
}

/// A `$ref` found in the document: where it stands and what it stands for.
struct Found {
    at: Vec<String>,
    kind: Kind,
    target: String,
}

/// Moves every referenced node that is not a component into `components`, and points every
/// reference at components only. References that lead nowhere are left for lowering to
/// report.
pub(super) fn hoist(root: &mut Map<String, Value>) {
    let mut found = Vec::new();
    Walker { found: &mut found }.document(root);
    if found.iter().all(|f| component(&f.target, f.kind).is_some()) {
        return;
    }
    let mut tree = Value::Object(std::mem::take(root));
    // Where each reference leads, followed through references to references.
    let mut targets: BTreeMap<(Vec<String>, Kind), Vec<usize>> = BTreeMap::new();
    for (i, f) in found.iter().enumerate() {
        if component(&f.target, f.kind).is_some() {
            continue;
        }
        if let Some(end) = follow(&tree, &f.target) {
            targets.entry((end, f.kind)).or_default().push(i);
        }
    }
    // Deepest first: a target inside another moves out before the outer one is copied.
    let mut order: Vec<(Vec<String>, Kind)> = targets.keys().cloned().collect();
    order.sort_by_key(|(at, _)| std::cmp::Reverse(at.len()));
    for (at, kind) in order {
        let reference = match component_segments(&at, kind) {
            Some(name) => component_ref(kind, &name),
            None => {
                let name = free_name(&tree, kind, &name_for(&tree, &at, kind));
                let reference = component_ref(kind, &name);
                let Some(slot) = node_mut(&mut tree, &at) else {
                    continue;
                };
                let moved = std::mem::replace(slot, json!({ "$ref": reference.clone() }));
                insert_component(&mut tree, kind, name.clone(), moved);
                // References inside the moved node moved with it.
                let new_at = ["components".to_owned(), kind.section().to_owned(), name];
                for f in &mut found {
                    if f.at.starts_with(&at) {
                        f.at.splice(..at.len(), new_at.iter().cloned());
                    }
                }
                reference
            }
        };
        for &i in &targets[&(at, kind)] {
            if let Some(Value::Object(holder)) = node_mut(&mut tree, &found[i].at) {
                holder.insert("$ref".to_owned(), Value::String(reference.clone()));
            }
        }
    }
    if let Value::Object(map) = tree {
        *root = map;
    }
}

/// The component name a reference names, when it points at `components/<section>/<name>`
/// for the section its kind belongs to.
fn component(reference: &str, kind: Kind) -> Option<String> {
    component_segments(&segments(reference)?, kind)
}

fn component_segments(segments: &[String], kind: Kind) -> Option<String> {
    match segments {
        [components, section, name] if components == "components" && section == kind.section() => {
            Some(name.clone())
        }
        _ => None,
    }
}

fn component_ref(kind: Kind, name: &str) -> String {
    Pointer::root()
        .push("components")
        .push(kind.section())
        .push(name)
        .into()
}

/// The segments of a reference within this document; `None` for other documents.
fn segments(reference: &str) -> Option<Vec<String>> {
    reference
        .starts_with('#')
        .then(|| Pointer::from_fragment(reference).segments())
}

fn node<'v>(tree: &'v Value, at: &[String]) -> Option<&'v Value> {
    at.iter().try_fold(tree, |value, segment| match value {
        Value::Object(map) => map.get(segment),
        Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => None,
    })
}

fn node_mut<'v>(tree: &'v mut Value, at: &[String]) -> Option<&'v mut Value> {
    at.iter().try_fold(tree, |value, segment| match value {
        Value::Object(map) => map.get_mut(segment),
        Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
        _ => None,
    })
}

/// Where a reference finally leads: the first node on its way that is not a reference
/// itself. `None` when it leads nowhere or in a circle.
fn follow(tree: &Value, reference: &str) -> Option<Vec<String>> {
    let mut at = segments(reference)?;
    for _ in 0..MAX_HOPS {
        let target = node(tree, &at)?;
        match target.get("$ref").and_then(Value::as_str) {
            Some(next) => at = segments(next)?,
            None => return target.is_object().then_some(at),
        }
    }
    None
}

fn free_name(tree: &Value, kind: Kind, preferred: &str) -> String {
    let taken = |name: &str| {
        node(
            tree,
            &[
                "components".to_owned(),
                kind.section().to_owned(),
                name.to_owned(),
            ],
        )
        .is_some()
    };
    let mut name = preferred.to_owned();
    let mut n = 2;
    while taken(&name) {
        name = format!("{preferred}{n}");
        n += 1;
    }
    name
}

fn insert_component(tree: &mut Value, kind: Kind, name: String, value: Value) {
    let Value::Object(root) = tree else {
        return;
    };
    let components = root.entry("components").or_insert_with(|| json!({}));
    if let Value::Object(components) = components {
        if let Value::Object(section) = components
            .entry(kind.section())
            .or_insert_with(|| json!({}))
        {
            section.insert(name, value);
        }
    }
}

/// A type name for the node at `at`, made from where it stands: the component or the
/// operation it belongs to, then the properties, items, parameters and responses on the way.
fn name_for(tree: &Value, at: &[String], kind: Kind) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut i = 0;
    match at {
        [components, _, name, ..] if components == "components" => {
            words.push(name.clone());
            i = 3;
        }
        [paths, path, method, ..] if paths == "paths" && METHODS.contains(&method.as_str()) => {
            let id = node(tree, &at[..3])
                .and_then(|op| op.get("operationId"))
                .and_then(Value::as_str);
            match id {
                Some(id) => words.push(id.to_owned()),
                None => {
                    words.push(method.clone());
                    words.push(path.clone());
                }
            }
            i = 3;
        }
        [paths, path, ..] if paths == "paths" => {
            words.push(path.clone());
            i = 2;
        }
        _ => {}
    }
    while i < at.len() {
        let segment = at[i].as_str();
        let next = at.get(i + 1).map(String::as_str);
        match (segment, next) {
            ("properties" | "headers" | "callbacks", Some(name)) => {
                words.push(name.to_owned());
                i += 1;
            }
            ("content" | "examples" | "encoding", Some(_)) => i += 1,
            ("parameters", Some(index)) => {
                let name = node(tree, &at[..=i + 1])
                    .and_then(|p| p.get("name"))
                    .and_then(Value::as_str)
                    .map_or_else(|| format!("param {index}"), str::to_owned);
                words.push(name);
                i += 1;
            }
            ("responses", Some(code)) => {
                if !code.starts_with('2') {
                    words.push(code.to_owned());
                }
                words.push("response".to_owned());
                i += 1;
            }
            ("allOf" | "oneOf" | "anyOf", Some(index)) => {
                let n = index.parse::<usize>().map_or(0, |n| n + 1);
                words.push(format!("variant {n}"));
                i += 1;
            }
            ("items", _) => words.push("item".to_owned()),
            ("additionalProperties", _) => words.push("value".to_owned()),
            ("requestBody", _) => words.push("body".to_owned()),
            ("schema", _) => {}
            (other, _) => words.push(other.to_owned()),
        }
        i += 1;
    }
    let fallback = match kind {
        Kind::Schema => "Schema",
        Kind::Parameter => "Parameter",
        Kind::RequestBody => "Body",
        Kind::Response => "Response",
        Kind::Header => "Header",
    };
    names::pascal(&words.join(" "), fallback)
}

/// Walks the document as OpenAPI 3.0 shapes it, collecting every `$ref` with what it
/// stands for.
struct Walker<'f> {
    found: &'f mut Vec<Found>,
}

impl Walker<'_> {
    /// Records the reference `value` holds, if it is one; `true` if it was.
    fn reference(&mut self, value: &Value, at: &[String], kind: Kind) -> bool {
        match value.get("$ref").and_then(Value::as_str) {
            Some(target) => {
                self.found.push(Found {
                    at: at.to_vec(),
                    kind,
                    target: target.to_owned(),
                });
                true
            }
            None => false,
        }
    }

    fn document(&mut self, root: &Map<String, Value>) {
        if let Some(Value::Object(paths)) = root.get("paths") {
            for (path, item) in paths {
                self.path_item(item, &["paths".to_owned(), path.clone()]);
            }
        }
        if let Some(Value::Object(components)) = root.get("components") {
            for (section, entries) in components {
                let Value::Object(entries) = entries else {
                    continue;
                };
                for (name, entry) in entries {
                    let at = ["components".to_owned(), section.clone(), name.clone()];
                    match section.as_str() {
                        "schemas" => self.schema(entry, &at),
                        "parameters" => self.parameter(entry, &at, Kind::Parameter),
                        "headers" => self.parameter(entry, &at, Kind::Header),
                        "requestBodies" => self.request_body(entry, &at),
                        "responses" => self.response(entry, &at),
                        "callbacks" => self.callback(entry, &at),
                        _ => {}
                    }
                }
            }
        }
    }

    fn path_item(&mut self, item: &Value, at: &[String]) {
        self.parameters(item, at);
        for method in METHODS {
            let Some(op) = item.get(method) else {
                continue;
            };
            let at = extend(at, method);
            self.parameters(op, &at);
            if let Some(body) = op.get("requestBody") {
                self.request_body(body, &extend(&at, "requestBody"));
            }
            if let Some(Value::Object(responses)) = op.get("responses") {
                for (status, response) in responses {
                    self.response(response, &extend(&extend(&at, "responses"), status));
                }
            }
            if let Some(Value::Object(callbacks)) = op.get("callbacks") {
                for (name, callback) in callbacks {
                    self.callback(callback, &extend(&extend(&at, "callbacks"), name));
                }
            }
        }
    }

    fn callback(&mut self, callback: &Value, at: &[String]) {
        if let Value::Object(expressions) = callback {
            for (expression, item) in expressions {
                self.path_item(item, &extend(at, expression));
            }
        }
    }

    fn parameters(&mut self, holder: &Value, at: &[String]) {
        if let Some(Value::Array(parameters)) = holder.get("parameters") {
            let at = extend(at, "parameters");
            for (i, p) in parameters.iter().enumerate() {
                self.parameter(p, &extend(&at, &i.to_string()), Kind::Parameter);
            }
        }
    }

    /// A parameter or a header: a schema, or content.
    fn parameter(&mut self, p: &Value, at: &[String], kind: Kind) {
        if self.reference(p, at, kind) {
            return;
        }
        if let Some(schema) = p.get("schema") {
            self.schema(schema, &extend(at, "schema"));
        }
        self.content(p, at);
    }

    fn request_body(&mut self, body: &Value, at: &[String]) {
        if !self.reference(body, at, Kind::RequestBody) {
            self.content(body, at);
        }
    }

    fn response(&mut self, response: &Value, at: &[String]) {
        if self.reference(response, at, Kind::Response) {
            return;
        }
        if let Some(Value::Object(headers)) = response.get("headers") {
            for (name, header) in headers {
                self.parameter(header, &extend(&extend(at, "headers"), name), Kind::Header);
            }
        }
        self.content(response, at);
    }

    fn content(&mut self, holder: &Value, at: &[String]) {
        let Some(Value::Object(content)) = holder.get("content") else {
            return;
        };
        for (media, m) in content {
            let at = extend(&extend(at, "content"), media);
            if let Some(schema) = m.get("schema") {
                self.schema(schema, &extend(&at, "schema"));
            }
            if let Some(Value::Object(encodings)) = m.get("encoding") {
                for (property, e) in encodings {
                    if let Some(Value::Object(headers)) = e.get("headers") {
                        let at = extend(&extend(&extend(&at, "encoding"), property), "headers");
                        for (name, h) in headers {
                            self.parameter(h, &extend(&at, name), Kind::Header);
                        }
                    }
                }
            }
        }
    }

    fn schema(&mut self, schema: &Value, at: &[String]) {
        if self.reference(schema, at, Kind::Schema) {
            return;
        }
        let Value::Object(map) = schema else {
            return;
        };
        if let Some(Value::Object(properties)) = map.get("properties") {
            for (name, s) in properties {
                self.schema(s, &extend(&extend(at, "properties"), name));
            }
        }
        for key in ["items", "not", "additionalProperties"] {
            if let Some(s @ Value::Object(_)) = map.get(key) {
                self.schema(s, &extend(at, key));
            }
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            if let Some(Value::Array(parts)) = map.get(key) {
                for (i, s) in parts.iter().enumerate() {
                    self.schema(s, &extend(&extend(at, key), &i.to_string()));
                }
            }
        }
    }
}

fn extend(at: &[String], segment: &str) -> Vec<String> {
    let mut out = Vec::with_capacity(at.len() + 1);
    out.extend_from_slice(at);
    out.push(segment.to_owned());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hoisted(doc: Value) -> Value {
        let Value::Object(mut root) = doc else {
            panic!("a mapping")
        };
        hoist(&mut root);
        Value::Object(root)
    }

    #[test]
    fn a_reference_into_another_schema_names_its_target_once() {
        let doc = hoisted(json!({
            "paths": {"/pets": {"get": {
                "operationId": "listPets",
                "parameters": [{"name": "owner", "in": "query",
                    "schema": {"$ref": "#/components/schemas/Pet/properties/owner"}}],
                "responses": {"200": {"description": "ok", "content": {"application/json": {
                    "schema": {"type": "array", "items": {"type": "object", "properties": {"n": {"type": "integer"}}}}}}}}
            }}},
            "components": {"schemas": {
                "Pet": {"type": "object", "properties": {
                    "owner": {"type": "object", "properties": {"name": {"type": "string"}}}}},
                "Other": {"$ref": "#/components/schemas/Pet/properties/owner"},
                "Item": {"$ref": "#/paths/~1pets/get/responses/200/content/application~1json/schema/items"}
            }}
        }));
        let schemas = &doc["components"]["schemas"];
        assert_eq!(schemas["PetOwner"]["properties"]["name"]["type"], "string");
        assert_eq!(
            schemas["Pet"]["properties"]["owner"],
            json!({"$ref": "#/components/schemas/PetOwner"})
        );
        assert_eq!(
            schemas["Other"],
            json!({"$ref": "#/components/schemas/PetOwner"})
        );
        assert_eq!(
            doc["paths"]["/pets"]["get"]["parameters"][0]["schema"],
            json!({"$ref": "#/components/schemas/PetOwner"})
        );
        assert_eq!(
            schemas["ListPetsResponseItem"]["properties"]["n"]["type"],
            "integer"
        );
        assert_eq!(
            schemas["Item"],
            json!({"$ref": "#/components/schemas/ListPetsResponseItem"})
        );
    }

    #[test]
    fn escaped_and_encoded_pointers_resolve_and_names_do_not_clash() {
        let doc = hoisted(json!({
            "paths": {"/a/{id}": {"parameters": [
                {"name": "id", "in": "path", "required": true, "schema": {"type": "string", "enum": ["x"]}}],
                "get": {"operationId": "getA", "parameters": [
                    {"$ref": "#/paths/~1a~1%7Bid%7D/parameters/0"}],
                    "responses": {"200": {"description": "ok"}}}}},
            "components": {"schemas": {
                "A~B": {"type": "object", "properties": {"x/y": {"type": "string", "format": "uuid"}}},
                "ABXY": {"type": "integer"},
                "R": {"$ref": "#/components/schemas/A~0B/properties/x~1y"}
            }}
        }));
        let schemas = &doc["components"]["schemas"];
        assert_eq!(schemas["ABXY2"]["format"], "uuid");
        assert_eq!(schemas["R"], json!({"$ref": "#/components/schemas/ABXY2"}));
        assert_eq!(
            doc["components"]["parameters"]["AIdId"]["name"],
            json!("id")
        );
        assert_eq!(
            doc["paths"]["/a/{id}"]["get"]["parameters"][0],
            json!({"$ref": "#/components/parameters/AIdId"})
        );
    }

    #[test]
    fn a_target_that_refers_to_itself_keeps_referring_to_itself() {
        let doc = hoisted(json!({
            "paths": {},
            "components": {"schemas": {
                "Tree": {"type": "object", "properties": {"children": {
                    "type": "array",
                    "items": {"$ref": "#/components/schemas/Tree/properties/children"}}}},
                "Forest": {"$ref": "#/components/schemas/Tree/properties/children"}
            }}
        }));
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["TreeChildren"]["items"],
            json!({"$ref": "#/components/schemas/TreeChildren"})
        );
        assert_eq!(
            schemas["Forest"],
            json!({"$ref": "#/components/schemas/TreeChildren"})
        );
    }

    #[test]
    fn references_that_lead_nowhere_are_left_as_they_are() {
        let doc = json!({
            "paths": {},
            "components": {"schemas": {
                "A": {"$ref": "#/components/schemas/B/properties/missing"},
                "B": {"type": "object"},
                "C": {"$ref": "#/components/schemas/C/items"},
                "D": {"$ref": "other.yaml#/x"}
            }}
        });
        assert_eq!(hoisted(doc.clone()), doc);
    }
}
