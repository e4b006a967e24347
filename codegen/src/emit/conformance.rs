//! The conformance harness: a program that calls every operation of a generated client
//! once with its required inputs and, where it has optional ones, once more with all of
//! them, and prints one JSON line per call saying how it went. Run against a validating
//! mock of the same document, it shows which requests the spec rejects and which of its
//! responses the client cannot read.
//!
//! Argument values are JSON, read into the client's own types when the harness runs:
//! from the spec's `example` or `examples`, then `default`, then made up from the schema
//! (see [`Sampler`]), always the same for the same document.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::{Map, Value};

use super::{Scope, ty_tokens};
use crate::ir::{self, BodyEncoding, Operation, Param, ParamShape, Ty};
use crate::names::ident;

/// How deep made-up values nest before the sampler gives up (cycles end here).
const MAX_DEPTH: usize = 12;

/// One call the harness makes, or would make.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedCall {
    /// The operation's `operationId` (or the name made from method and path).
    pub operation: String,
    /// The HTTP method, upper case.
    pub method: String,
    /// The path template.
    pub path: String,
    /// `required` (required inputs only) or `all` (every optional input set too).
    pub call: &'static str,
    /// Why the harness does not make this call, when it does not.
    pub skipped: Option<String>,
}

/// The harness's `main.rs`, and the calls it makes or skips.
pub(crate) struct Harness {
    pub(crate) tokens: TokenStream,
    pub(crate) calls: Vec<PlannedCall>,
}

/// The harness for `api`, whose raw document is `doc`, calling the client crate as the
/// dependency `api_client`; `seed` chooses the strings made up for patterns.
pub(crate) fn harness<'d>(api: &'d ir::Api, doc: &'d Value, seed: u64) -> Harness {
    let sampler = Sampler {
        api,
        doc,
        seed,
        notes: std::cell::RefCell::default(),
    };
    let support = support();
    let mut calls = Vec::new();
    let mut functions = Vec::new();
    let mut invocations = Vec::new();
    for op in &api.operations {
        let has_optional =
            op.params.iter().any(|p| !p.required) || op.body.as_ref().is_some_and(|b| !b.required);
        let modes: &[&'static str] = if has_optional {
            &["required", "all"]
        } else {
            &["required"]
        };
        for &mode in modes {
            let mut planned = PlannedCall {
                operation: op.wire_id.clone(),
                method: op.method.as_str().to_owned(),
                path: op.path.clone(),
                call: mode,
                skipped: None,
            };
            match call(&sampler, op, mode == "all") {
                Ok((body, values, notes)) => {
                    let function = ident(&format!("call_{}", functions.len()));
                    let (id, method, path) = (&op.wire_id, op.method.as_str(), &op.path);
                    functions.push(quote! {
                        async fn #function(client: &Client) {
                            let call = Call { operation: #id, method: #method, path: #path, call: #mode, values: #values, notes: #notes };
                            #body
                        }
                    });
                    invocations.push(quote!(#function(&client).await;));
                }
                Err(reason) => planned.skipped = Some(reason),
            }
            calls.push(planned);
        }
    }
    let client = client(api);
    let tokens = quote! {
        //! Calls every operation of the client once (and once more with every optional
        //! input set), and prints one JSON line per call: `operation`, `method`, `path`,
        //! `call`, `outcome` and `detail`.
        #![allow(deprecated, dead_code, unused_imports, clippy::all)]

        use api_client::*;
        use support::{not_json, reencode};

        /// Response bodies as received, and the report of a call that passed.
        mod support {
            #support
        }

        /// Which call a line reports.
        struct Call {
            operation: &'static str,
            method: &'static str,
            path: &'static str,
            call: &'static str,
            /// Where its arguments' values come from: `example`, `default`, `synthesized`.
            values: &'static str,
            /// Defects of the document that bear on this call.
            notes: &'static str,
        }

        fn print(call: &Call, outcome: &str, detail: &str) {
            let line = serde_json::json!({
                "operation": call.operation,
                "method": call.method,
                "path": call.path,
                "call": call.call,
                "outcome": outcome,
                "detail": detail,
            });
            println!("{line}");
        }

        /// A value of `T` from the JSON the harness was generated with.
        fn value<T: serde::de::DeserializeOwned>(call: &Call, what: &str, source: &str, json: &str) -> Option<T> {
            match serde_json::from_str(json) {
                Ok(value) => Some(value),
                Err(error) => {
                    let detail = format!("{what}: the {source} value {json} is not a value of the client's type: {error}");
                    print(call, "argument", &detail);
                    None
                }
            }
        }

        /// What Prism's own error responses (RFC 7807, typed by its error URLs) say.
        fn prism_problem(text: &str) -> Option<(String, String)> {
            let problem: serde_json::Value = serde_json::from_str(text).ok()?;
            let kind = problem.get("type")?.as_str()?.strip_prefix("https://stoplight.io/prism/errors#")?.to_owned();
            let text = |key: &str| problem.get(key).and_then(serde_json::Value::as_str).unwrap_or("").to_owned();
            let mut detail = [text("title"), text("detail")].into_iter().filter(|t| !t.is_empty()).collect::<Vec<_>>().join(": ");
            if let Some(serde_json::Value::Array(items)) = problem.get("validation") {
                let messages: Vec<String> = items.iter().map(|item| {
                    let location: Vec<String> = item.get("location").and_then(serde_json::Value::as_array)
                        .map(|parts| parts.iter().map(|p| p.as_str().map_or_else(|| p.to_string(), str::to_owned)).collect())
                        .unwrap_or_default();
                    let message = item.get("message").and_then(serde_json::Value::as_str).unwrap_or("");
                    format!("{}: {message}", location.join("."))
                }).collect();
                detail = messages.join("; ");
            }
            Some((kind, detail))
        }

        fn report<S, E>(call: &Call, result: Result<Response<S>, Error<E>>, json: fn(&S) -> Option<serde_json::Value>) {
            if let Ok(response) = &result {
                let serde_json::Value::Object(fields) = serde_json::json!({
                    "operation": call.operation,
                    "method": call.method,
                    "path": call.path,
                    "call": call.call,
                    "detail": response.status().as_str(),
                }) else {
                    return;
                };
                println!("{}", support::passed(fields, response.status().as_u16(), json(response.body())));
                return;
            }
            support::take_unmatched();
            match result {
                Ok(_) => {}
                Err(Error::Status(error)) => match prism_problem(error.text()) {
                    Some((kind, detail)) if kind == "UNPROCESSABLE_ENTITY" || kind == "NOT_FOUND"
                        || kind == "NO_PATH_MATCHED_ERROR" || kind == "NO_METHOD_MATCHED_ERROR"
                        || kind == "UNAUTHORIZED" || kind == "INVALID_CONTENT_TYPE" => {
                        if call.notes.is_empty() {
                            print(call, "rejected", &format!("{kind}: {detail} (values: {})", call.values));
                        } else {
                            print(call, "document", &format!("{}; Prism: {kind}: {detail}", call.notes));
                        }
                    }
                    // The response Prism would send violates the spec's own schema: the
                    // document's examples and schemas disagree (or Prism cannot make a
                    // value of the schema, for a pattern say).
                    Some((kind, detail)) if kind == "VIOLATIONS" => {
                        print(call, "document", &format!("the response Prism made from the spec (its example, or one Prism made up where it has none) violates the spec's schema: {detail}"));
                    }
                    Some((kind, detail)) => print(call, "unmockable", &format!("{kind}: {detail}")),
                    None if error.body().is_some() || error.text().trim().is_empty() => {
                        print(call, "passed", &format!("{} (a documented error)", error.status().as_str()));
                    }
                    None => print(call, "undecodable", &format!("{}: the error body does not decode: {}", error.status().as_str(), error.text())),
                },
                Err(Error::Decode(error)) => {
                    let line = serde_json::json!({
                        "operation": call.operation,
                        "method": call.method,
                        "path": call.path,
                        "call": call.call,
                        "outcome": "undecodable",
                        "detail": error.to_string(),
                        "status": error.status().as_u16(),
                        "at": error.path(),
                    });
                    println!("{line}");
                }
                Err(error) => print(call, "error", &error.to_string()),
            }
        }

        #(#functions)*

        #[tokio::main(flavor = "current_thread")]
        async fn main() {
            let base_url = std::env::args().nth(1).expect("the base URL as the first argument");
            support::Unmatched::install();
            let client = #client
                .hook(support::Capture)
                .base_url(base_url)
                .timeout(std::time::Duration::from_secs(60))
                .build()
                .expect("a client for the mock server");
            #(#invocations)*
        }
    };
    Harness { tokens, calls }
}

/// The code conformance programs share, `conformance/support.rs`, as tokens.
fn support() -> TokenStream {
    const SOURCE: &str = include_str!("../../conformance/support.rs");
    match syn::parse_file(SOURCE) {
        Ok(file) => {
            let attrs = &file.attrs;
            let items = &file.items;
            quote!(#(#attrs)* #(#items)*)
        }
        // The file is compiled by the workspace: it parses.
        Err(_) => TokenStream::new(),
    }
}

/// `Client::builder(...)` with made-up credentials for every scheme (mocks check only that
/// they are there).
fn client(api: &ir::Api) -> TokenStream {
    let made = |kind: &ir::SecurityKind| match kind {
        ir::SecurityKind::Basic => quote!(BasicAuth::new("username", "password")),
        ir::SecurityKind::Bearer => quote!(BearerToken::new("token")),
        ir::SecurityKind::ApiKeyHeader { .. } | ir::SecurityKind::ApiKeyQuery { .. } => {
            quote!(ApiKey::new("key"))
        }
    };
    match super::client::Credentials::of(api) {
        super::client::Credentials::None => quote!(Client::builder()),
        super::client::Credentials::One(scheme) => {
            let credentials = made(&scheme.kind);
            quote!(Client::builder(#credentials))
        }
        super::client::Credentials::Several(all) => {
            let setters = all.iter().map(|s| {
                let name = ident(&s.rust_name);
                let credentials = made(&s.kind);
                quote!(.#name(#credentials))
            });
            quote!(Client::builder() #(#setters)*)
        }
    }
}

/// The statements of one call: its arguments bound from JSON, the call, its report.
fn call(
    sampler: &Sampler<'_>,
    op: &Operation,
    all: bool,
) -> Result<(TokenStream, String, String), String> {
    sampler.notes.borrow_mut().clear();
    sampler.ignored_headers(&op.pointer);
    let mut lets = Vec::new();
    let mut sources: Vec<&'static str> = Vec::new();
    let mut args = Vec::new();
    let mut setters = Vec::new();
    for (i, p) in op.params.iter().enumerate() {
        if !p.required && !all {
            continue;
        }
        let (json, source) = sampler
            .param(&p.pointer, all)
            .or_else(|| {
                Some((
                    super::example::json_sample(sampler.api, &p.ty, 0)?,
                    "synthesized",
                ))
            })
            .ok_or_else(|| format!("no value could be made for parameter `{}`", p.wire_name))?;
        sources.push(source);
        let name = ident(&format!("p{i}"));
        let ty = owned_param_type(p);
        let what = format!("parameter `{}`", p.wire_name);
        let json = json.to_string();
        lets.push(quote! {
            let Some(#name) = value::<#ty>(&call, #what, #source, #json) else { return };
        });
        let passed = if borrowed(p) {
            quote!(&#name)
        } else {
            quote!(#name)
        };
        if p.required {
            args.push(passed);
        } else {
            let setter = ident(&p.rust_name);
            setters.push(quote!(.#setter(#passed)));
        }
    }
    if let Some(body) = &op.body {
        if body.required || all {
            let (json, source) = sampler
                .body(&op.pointer, &body.media_type, all)
                .or_else(|| {
                    Some((
                        super::example::json_sample(sampler.api, &body.ty, 0)?,
                        "synthesized",
                    ))
                })
                .ok_or_else(|| "no value could be made for the request body".to_owned())?;
            sources.push(source);
            let statement = match body.encoding {
                BodyEncoding::Binary => {
                    let bytes: Vec<u8> = match &json {
                        Value::String(text) => text.as_bytes().to_vec(),
                        Value::Array(items) => items
                            .iter()
                            .filter_map(|b| b.as_u64().and_then(|b| u8::try_from(b).ok()))
                            .collect(),
                        other => other.to_string().into_bytes(),
                    };
                    let bytes = proc_macro2::Literal::byte_string(&bytes);
                    quote!(let body: Vec<u8> = #bytes.to_vec();)
                }
                BodyEncoding::Text => {
                    let text = json
                        .as_str()
                        .map_or_else(|| json.to_string(), str::to_owned);
                    quote!(let body: String = #text.to_owned();)
                }
                BodyEncoding::Json | BodyEncoding::Form | BodyEncoding::Multipart => {
                    if matches!(body.ty, Ty::File | Ty::Binary) {
                        return Err("the request body is a file".to_owned());
                    }
                    let ty = ty_tokens(&body.ty, Scope::Sibling);
                    let json = json.to_string();
                    quote! {
                        let Some(body) = value::<#ty>(&call, "the request body", #source, #json) else { return };
                    }
                }
            };
            lets.push(statement);
            if body.required {
                args.push(quote!(&body));
            } else {
                setters.push(quote!(.body(&body)));
            }
        }
    }
    let method = ident(&op.rust_name);
    sources.sort_unstable();
    sources.dedup();
    let values = if sources.is_empty() {
        "none".to_owned()
    } else {
        sources.join(", ")
    };
    let notes = sampler.notes.borrow().join("; ");
    let json = reencoder(sampler.api, &op.success);
    Ok((
        quote! {
            #(#lets)*
            report(&call, client.#method(#(#args),*) #(#setters)* .await, #json);
        },
        values,
        notes,
    ))
}

/// What turns the operation's decoded success body into JSON again: `reencode` for JSON
/// bodies, a match over the variants of an outcome enum, `not_json` otherwise.
fn reencoder(api: &ir::Api, success: &ir::Outcome) -> TokenStream {
    match success {
        ir::Outcome::Single(ir::ResponseBody::Json(_)) => quote!(reencode),
        ir::Outcome::Single(_) => quote!(not_json),
        ir::Outcome::ByStatus(name) => {
            let type_name = ident(name);
            let variants = api.outcome_variants(name);
            let arms = variants.iter().map(|v| {
                let variant = ident(&v.rust_name);
                match v.body {
                    ir::ResponseBody::Json(_) => {
                        quote!(types::#type_name::#variant(body) => reencode(body),)
                    }
                    ir::ResponseBody::Empty => quote!(types::#type_name::#variant => None,),
                    ir::ResponseBody::Text
                    | ir::ResponseBody::Binary
                    | ir::ResponseBody::Events(_) => {
                        quote!(types::#type_name::#variant(_) => None,)
                    }
                }
            });
            quote! {
                |outcome: &types::#type_name| match outcome {
                    #(#arms)*
                    #[allow(unreachable_patterns)]
                    _ => None,
                }
            }
        }
    }
}

/// Whether the client method takes the parameter by reference.
fn borrowed(p: &Param) -> bool {
    matches!(p.ty, Ty::String | Ty::Vec(_)) || p.shape != ParamShape::Scalar
}

/// The owned type a parameter's value is read into.
fn owned_param_type(p: &Param) -> TokenStream {
    match &p.ty {
        Ty::String => quote!(String),
        other => ty_tokens(other, Scope::Sibling),
    }
}

/// Makes JSON values for parameters and bodies from the raw document.
struct Sampler<'d> {
    api: &'d ir::Api,
    doc: &'d Value,
    /// Chooses the strings made up for patterns.
    seed: u64,
    /// Defects of the document met while making values, for the report.
    notes: std::cell::RefCell<Vec<String>>,
}

impl<'d> Sampler<'d> {
    /// The value at a JSON pointer (`#/a/b`), following `$ref`s.
    fn at(&self, pointer: &str) -> Option<&'d Value> {
        let pointer = pointer.strip_prefix('#')?;
        self.resolve(self.doc.pointer(pointer)?)
    }

    /// `value`, or what its `$ref` (to this document) points at, followed to the end.
    fn resolve(&self, mut value: &'d Value) -> Option<&'d Value> {
        for _ in 0..32 {
            match value.get("$ref").and_then(Value::as_str) {
                Some(reference) => value = self.doc.pointer(reference.strip_prefix('#')?)?,
                None => return Some(value),
            }
        }
        None
    }

    /// A parameter's value, and where it came from.
    fn param(&self, pointer: &str, all: bool) -> Option<(Value, &'static str)> {
        let param = self.at(pointer)?;
        if let Some(found) = self.example_of(param) {
            return Some(found);
        }
        if let Some(schema) = param.get("schema") {
            return self.schema_value(schema, all);
        }
        let media = param.get("content")?.as_object()?.values().next()?;
        self.example_of(media)
            .or_else(|| self.schema_value(media.get("schema")?, all))
    }

    /// The body's value for `media_type`, and where it came from.
    fn body(&self, operation: &str, media_type: &str, all: bool) -> Option<(Value, &'static str)> {
        let body = self.at(&format!("{operation}/requestBody"))?;
        let content = body.get("content")?.as_object()?;
        let media = content
            .get(media_type)
            .or_else(|| content.values().next())?;
        self.example_of(media)
            .or_else(|| self.schema_value(media.get("schema")?, all))
    }

    /// Notes the header parameters of the operation at `pointer` that OpenAPI says to
    /// ignore (`Accept`, `Content-Type`, `Authorization`): a validator that requires them
    /// anyway rejects a client that follows the rule.
    fn ignored_headers(&self, pointer: &str) {
        let Some(operation) = self.at(pointer) else {
            return;
        };
        let path_item = pointer.rsplit_once('/').and_then(|(path, _)| self.at(path));
        let params = [operation, path_item.unwrap_or(&Value::Null)]
            .into_iter()
            .filter_map(|holder| holder.get("parameters")?.as_array())
            .flatten()
            .filter_map(|p| self.resolve(p));
        for param in params {
            let header = param.get("in").and_then(Value::as_str) == Some("header");
            let name = param.get("name").and_then(Value::as_str).unwrap_or("");
            if header
                && ["accept", "content-type", "authorization"]
                    .contains(&name.to_ascii_lowercase().as_str())
            {
                self.notes.borrow_mut().push(format!(
                    "the spec declares the `{name}` header as a parameter, which OpenAPI says to ignore (describe it with a security scheme or a media type)"
                ));
            }
        }
    }

    /// `example`, or the first of `examples` that has a value.
    fn example_of(&self, holder: &'d Value) -> Option<(Value, &'static str)> {
        if let Some(example) = holder.get("example") {
            return Some((example.clone(), "example"));
        }
        let examples = holder.get("examples")?.as_object()?;
        examples.values().find_map(|example| {
            let example = self.resolve(example)?;
            Some((example.get("value")?.clone(), "example"))
        })
    }

    fn schema_value(&self, schema: &'d Value, all: bool) -> Option<(Value, &'static str)> {
        let schema = self.resolve(schema)?;
        if let Some(example) = schema.get("example") {
            return Some((example.clone(), "example"));
        }
        if let Some(Value::Array(examples)) = schema.get("examples") {
            if let Some(first) = examples.first() {
                return Some((first.clone(), "example"));
            }
        }
        if let Some(default) = schema.get("default") {
            return Some((default.clone(), "default"));
        }
        Some((self.sample(schema, all, 0)?, "synthesized"))
    }

    /// A value of `schema`: its example, default, const or first enum value, else one made
    /// from its type and constraints; objects with their required properties (all of them
    /// when `all`).
    fn sample(&self, schema: &'d Value, all: bool, depth: usize) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        let schema = self.resolve(schema)?;
        for key in ["example", "default", "const"] {
            if let Some(value) = schema.get(key) {
                return Some(value.clone());
            }
        }
        if let Some(Value::Array(examples)) = schema.get("examples") {
            if let Some(first) = examples.first() {
                return Some(first.clone());
            }
        }
        if let Some(Value::Array(values)) = schema.get("enum") {
            return values
                .iter()
                .find(|v| !v.is_null())
                .or_else(|| values.first())
                .cloned();
        }
        if let Some(Value::Array(parts)) = schema.get("allOf") {
            let mut merged = Map::new();
            let mut other = None;
            for part in parts {
                match self.sample(part, all, depth + 1)? {
                    Value::Object(fields) => merged.extend(fields),
                    value => other = Some(value),
                }
            }
            if let Some(Value::Object(own)) = self.object(schema, all, depth) {
                merged.extend(own);
            }
            return Some(if merged.is_empty() {
                other.unwrap_or(Value::Object(merged))
            } else {
                Value::Object(merged)
            });
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(Value::Array(branches)) = schema.get(key) {
                let branch = branches
                    .iter()
                    .find(|b| {
                        self.resolve(b).and_then(|b| b.get("type")) != Some(&Value::from("null"))
                    })
                    .or_else(|| branches.first())?;
                let mut value = self.sample(branch, all, depth + 1)?;
                if let (Value::Object(fields), Some(discriminator)) =
                    (&mut value, schema.get("discriminator"))
                {
                    if let Some(property) =
                        discriminator.get("propertyName").and_then(Value::as_str)
                    {
                        let tag = self.tag(discriminator, branch);
                        if let Some(tag) = tag {
                            fields.insert(property.to_owned(), Value::from(tag));
                        }
                    }
                }
                if let (Value::Object(fields), Some(Value::Object(common))) =
                    (&mut value, self.object(schema, all, depth))
                {
                    for (key, v) in common {
                        fields.entry(key).or_insert(v);
                    }
                }
                return Some(value);
            }
        }
        match type_of(schema) {
            "object" => self.object(schema, all, depth),
            "array" => {
                let min = schema
                    .get("minItems")
                    .and_then(Value::as_u64)
                    .unwrap_or(1)
                    .max(1);
                let max = schema
                    .get("maxItems")
                    .and_then(Value::as_u64)
                    .unwrap_or(u64::MAX);
                if max == 0 {
                    return Some(Value::Array(Vec::new()));
                }
                if let Some(Value::Array(positions)) = schema.get("prefixItems") {
                    return positions
                        .iter()
                        .map(|p| self.sample(p, all, depth + 1))
                        .collect::<Option<Vec<Value>>>()
                        .map(Value::Array);
                }
                let item =
                    self.sample(schema.get("items").unwrap_or(&Value::Null), all, depth + 1)?;
                let unique = schema.get("uniqueItems").and_then(Value::as_bool) == Some(true);
                let items = (0..min.min(max).min(16))
                    .map(|i| if unique { vary(&item, i) } else { item.clone() })
                    .collect();
                Some(Value::Array(items))
            }
            "integer" => Some(Value::from(integer(schema))),
            "number" => Some(number(schema)),
            "boolean" => Some(Value::Bool(true)),
            "null" => Some(Value::Null),
            // Raw bytes (a file, a binary part) are bytes, not text.
            _ if schema.get("format").and_then(Value::as_str) == Some("binary") => Some(
                Value::Array(b"example".iter().map(|b| Value::from(*b)).collect()),
            ),
            _ => Some(Value::from(
                schema
                    .get("pattern")
                    .and_then(Value::as_str)
                    .and_then(|pattern| matching(pattern, schema, self.seed))
                    .unwrap_or_else(|| string(schema)),
            )),
        }
    }

    /// The discriminator value that selects `branch`: its key in `mapping`, else the name
    /// its reference ends with.
    fn tag(&self, discriminator: &Value, branch: &Value) -> Option<String> {
        let reference = branch.get("$ref").and_then(Value::as_str)?;
        if let Some(Value::Object(mapping)) = discriminator.get("mapping") {
            if let Some((key, _)) = mapping.iter().find(|(_, v)| v.as_str() == Some(reference)) {
                return Some(key.clone());
            }
        }
        reference.rsplit('/').next().map(str::to_owned)
    }

    /// An object of `schema`'s properties: the required ones, every writable one when
    /// `all`. `None` when a required property has no value.
    fn object(&self, schema: &'d Value, all: bool, depth: usize) -> Option<Value> {
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut object = Map::new();
        let properties = schema.get("properties").and_then(Value::as_object);
        let undefined: Vec<&str> = required
            .iter()
            .filter(|name| !properties.is_some_and(|p| p.contains_key(**name)))
            .copied()
            .collect();
        if !undefined.is_empty() && schema.get("additionalProperties").is_none() {
            self.notes.borrow_mut().push(format!(
                "the schema requires properties it does not define: `{}`",
                undefined.join("`, `")
            ));
        }
        if let Some(properties) = properties {
            for (name, property) in properties {
                let is_required = required.contains(&name.as_str());
                let read_only = self
                    .resolve(property)
                    .and_then(|p| p.get("readOnly"))
                    .and_then(Value::as_bool)
                    == Some(true);
                if !is_required && (!all || read_only) {
                    continue;
                }
                match self.sample(property, all, depth + 1) {
                    Some(value) => {
                        object.insert(name.clone(), value);
                    }
                    None if is_required => return None,
                    None => {}
                }
            }
        }
        Some(Value::Object(object))
    }
}

/// A schema's type: `type` (the first that is not `null` of a list), else what its keywords
/// imply.
fn type_of(schema: &Value) -> &str {
    match schema.get("type") {
        Some(Value::String(t)) => t,
        Some(Value::Array(types)) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null"),
        _ if schema.get("properties").is_some() || schema.get("additionalProperties").is_some() => {
            "object"
        }
        _ if schema.get("items").is_some() => "array",
        _ => "string",
    }
}

/// The `i`th of distinct values like `value` (for `uniqueItems`).
fn vary(value: &Value, i: u64) -> Value {
    match value {
        Value::String(s) if i > 0 => Value::from(format!("{s}{i}")),
        Value::Number(n) => n.as_i64().map_or_else(
            || value.clone(),
            |n| Value::from(n.saturating_add(i64::try_from(i).unwrap_or(0))),
        ),
        other => other.clone(),
    }
}

fn bound(schema: &Value, key: &str, exclusive_key: &str) -> Option<(f64, bool)> {
    let exclusive = schema.get(exclusive_key);
    match (schema.get(key).and_then(Value::as_f64), exclusive) {
        // 3.1: `exclusiveMinimum` is the bound itself.
        (_, Some(Value::Number(n))) => n.as_f64().map(|n| (n, true)),
        (Some(n), Some(Value::Bool(true))) => Some((n, true)),
        (Some(n), _) => Some((n, false)),
        (None, _) => None,
    }
}

/// An integer within the schema's bounds and a multiple of its `multipleOf`, near 1.
fn integer(schema: &Value) -> i64 {
    #[allow(clippy::cast_possible_truncation)]
    let low = bound(schema, "minimum", "exclusiveMinimum")
        .map(|(n, exclusive)| n.floor() as i64 + i64::from(exclusive));
    #[allow(clippy::cast_possible_truncation)]
    let high = bound(schema, "maximum", "exclusiveMaximum")
        .map(|(n, exclusive)| n.ceil() as i64 - i64::from(exclusive));
    let mut value = 1_i64;
    if let Some(low) = low {
        value = value.max(low);
    }
    if let Some(high) = high {
        value = value.min(high);
    }
    #[allow(clippy::cast_possible_truncation)]
    if let Some(step) = schema
        .get("multipleOf")
        .and_then(Value::as_f64)
        .map(|s| s as i64)
    {
        if step > 0 && value % step != 0 {
            value = (value / step + 1) * step;
        }
    }
    value
}

/// A number within the schema's bounds, near 1.5 (an integer when `multipleOf` says so).
fn number(schema: &Value) -> Value {
    if schema.get("multipleOf").is_some() {
        return Value::from(integer(schema));
    }
    let mut value = 1.5_f64;
    if let Some((low, exclusive)) = bound(schema, "minimum", "exclusiveMinimum") {
        if value < low || (exclusive && value <= low) {
            value = low + 1.0;
        }
    }
    if let Some((high, exclusive)) = bound(schema, "maximum", "exclusiveMaximum") {
        if value > high || (exclusive && value >= high) {
            value = high - if exclusive { 0.5 } else { 0.0 };
        }
    }
    Value::from(value)
}

/// A string matching `pattern` (an ECMA-262 regular expression, which matches anywhere in
/// the text unless anchored) within the schema's length bounds, chosen by `seed`; `None`
/// when the pattern uses what cannot be generated (lookarounds, backreferences) or no
/// attempt fits the bounds.
fn matching(pattern: &str, schema: &Value, seed: u64) -> Option<String> {
    use rand::SeedableRng as _;
    use rand::distr::Distribution as _;
    // ASCII classes first (`\w`, `\d` are ASCII in ECMA-262); Unicode when the pattern needs it.
    let hir = match regex_syntax::ParserBuilder::new()
        .unicode(false)
        .build()
        .parse(pattern)
    {
        Ok(hir) => hir,
        Err(_) => regex_syntax::Parser::new().parse(pattern).ok()?,
    };
    let generator = rand_regex::Regex::with_hir(unanchored(hir), 8).ok()?;
    let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0);
    let max = schema
        .get("maxLength")
        .and_then(Value::as_u64)
        .unwrap_or(u64::MAX);
    // The same pattern gives the same strings for the same seed, whatever else changes.
    let salt = pattern.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let mut rng = rand_xorshift::XorShiftRng::seed_from_u64(seed ^ salt);
    (0..32).find_map(|_| {
        let text: String = generator.sample(&mut rng);
        let length = text.chars().count() as u64;
        (min..=max).contains(&length).then_some(text)
    })
}

/// A pattern without the anchors that say where its match starts and ends: a string that
/// is exactly one match satisfies it either way.
fn unanchored(hir: regex_syntax::hir::Hir) -> regex_syntax::hir::Hir {
    use regex_syntax::hir::{Hir, HirKind};
    match hir.into_kind() {
        HirKind::Look(_) => Hir::empty(),
        HirKind::Concat(parts) => Hir::concat(parts.into_iter().map(unanchored).collect()),
        HirKind::Alternation(parts) => {
            Hir::alternation(parts.into_iter().map(unanchored).collect())
        }
        HirKind::Capture(mut capture) => {
            capture.sub = Box::new(unanchored(*capture.sub));
            Hir::capture(capture)
        }
        HirKind::Repetition(mut repetition) => {
            repetition.sub = Box::new(unanchored(*repetition.sub));
            Hir::repetition(repetition)
        }
        HirKind::Empty => Hir::empty(),
        HirKind::Literal(literal) => Hir::literal(literal.0),
        HirKind::Class(class) => Hir::class(class),
    }
}

/// A string of the schema's format, padded or cut to its length bounds.
fn string(schema: &Value) -> String {
    let format = schema.get("format").and_then(Value::as_str).unwrap_or("");
    let mut text = match format {
        "date-time" => "2024-01-02T03:04:05Z",
        "date" => "2024-01-02",
        "time" => "03:04:05Z",
        "uuid" => "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "email" => "user@example.com",
        "uri" | "url" | "uri-reference" | "iri" => "https://example.com/",
        "hostname" => "example.com",
        "ipv4" => "192.0.2.1",
        "ipv6" => "2001:db8::1",
        "byte" => "ZXhhbXBsZQ==",
        _ => "example",
    }
    .to_owned();
    let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0);
    let max = schema.get("maxLength").and_then(Value::as_u64);
    while (text.chars().count() as u64) < min {
        text.push('x');
    }
    if let Some(max) = max {
        text = text
            .chars()
            .take(usize::try_from(max).unwrap_or(usize::MAX))
            .collect();
    }
    text
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::{integer, number, string, type_of};

    fn sampled(doc: &Value, schema: &Value, all: bool) -> Option<Value> {
        let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";
        let (api, _) = crate::lower_spec(spec).expect("an empty API lowers");
        super::Sampler {
            api: &api,
            doc,
            seed: 1,
            notes: std::cell::RefCell::default(),
        }
        .sample(schema, all, 0)
    }

    #[test]
    fn numbers_respect_bounds_exclusive_bounds_and_steps() {
        assert_eq!(integer(&json!({"minimum": 10})), 10);
        assert_eq!(
            integer(&json!({"minimum": 10, "exclusiveMinimum": true})),
            11
        );
        assert_eq!(integer(&json!({"exclusiveMinimum": 10})), 11);
        assert_eq!(integer(&json!({"maximum": 0})), 0);
        assert_eq!(
            integer(&json!({"maximum": 0, "exclusiveMaximum": true})),
            -1
        );
        assert_eq!(integer(&json!({"minimum": 3, "multipleOf": 5})), 5);
        assert_eq!(number(&json!({"minimum": 2})), json!(3.0));
        assert_eq!(
            number(&json!({"maximum": 1, "exclusiveMaximum": true})),
            json!(0.5)
        );
    }

    #[test]
    fn strings_follow_format_and_length() {
        assert_eq!(
            string(&json!({"format": "date-time"})),
            "2024-01-02T03:04:05Z"
        );
        assert_eq!(string(&json!({"format": "uuid"})).len(), 36);
        assert_eq!(string(&json!({"minLength": 10})), "examplexxx");
        assert_eq!(string(&json!({"maxLength": 3})), "exa");
        assert_eq!(type_of(&json!({"type": ["null", "integer"]})), "integer");
        assert_eq!(type_of(&json!({"items": {}})), "array");
        let pair =
            json!({"type": "array", "prefixItems": [{"type": "number"}, {"type": "boolean"}]});
        assert_eq!(sampled(&json!({}), &pair, false), Some(json!([1.5, true])));
    }

    #[test]
    fn strings_match_their_pattern_and_bytes_are_bytes() {
        let sid = json!({"type": "string", "pattern": "^VA[0-9a-fA-F]{32}$"});
        let made = sampled(&json!({}), &sid, false).expect("a value");
        let text = made.as_str().expect("a string");
        assert_eq!(text.len(), 34, "{text}");
        assert!(text.starts_with("VA"), "{text}");
        assert!(text[2..].chars().all(|c| c.is_ascii_hexdigit()), "{text}");
        // The same seed, the same string; bounds are kept.
        assert_eq!(sampled(&json!({}), &sid, false), Some(made));
        let bounded = json!({"pattern": "[a-z]+", "minLength": 5, "maxLength": 6});
        let text = super::matching("[a-z]+", &bounded, 7).expect("fits");
        assert!((5..=6).contains(&text.len()), "{text}");
        assert!(text.chars().all(|c| c.is_ascii_lowercase()), "{text}");
        // What cannot be generated falls back to the format's string.
        assert_eq!(super::matching("(a)\\1", &json!({}), 1), None);
        let file = json!({"type": "string", "format": "binary"});
        assert_eq!(
            sampled(&json!({}), &file, false),
            Some(json!(b"example".to_vec()))
        );
    }

    #[test]
    fn objects_take_examples_defaults_required_and_all_writable_properties() {
        let doc = json!({"components": {"schemas": {
            "Pet": {
                "type": "object",
                "required": ["name", "tags"],
                "properties": {
                    "id": {"type": "integer", "readOnly": true},
                    "name": {"type": "string", "example": "Rex"},
                    "kind": {"type": "string", "enum": ["dog", "cat"]},
                    "age": {"type": "integer", "default": 3},
                    "tags": {"type": "array", "minItems": 2, "uniqueItems": true,
                             "items": {"type": "string"}}
                }
            }
        }}});
        let pet = json!({"$ref": "#/components/schemas/Pet"});
        assert_eq!(
            sampled(&doc, &pet, false),
            Some(json!({"name": "Rex", "tags": ["example", "example1"]}))
        );
        assert_eq!(
            sampled(&doc, &pet, true),
            Some(json!({"name": "Rex", "kind": "dog", "age": 3, "tags": ["example", "example1"]}))
        );
    }

    #[test]
    fn unions_take_their_first_branch_with_its_discriminator_value() {
        let doc = json!({"components": {"schemas": {
            "Cat": {"type": "object", "required": ["kind", "lives"],
                    "properties": {"kind": {"type": "string"}, "lives": {"type": "integer", "minimum": 9}}},
            "Dog": {"type": "object", "properties": {"kind": {"type": "string"}}}
        }}});
        let union = json!({
            "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
            "discriminator": {"propertyName": "kind", "mapping": {"cat": "#/components/schemas/Cat"}}
        });
        assert_eq!(
            sampled(&doc, &union, false),
            Some(json!({"kind": "cat", "lives": 9}))
        );
        let cycle = json!({"components": {"schemas": {"Node": {
            "type": "object", "required": ["next"],
            "properties": {"next": {"$ref": "#/components/schemas/Node"}}
        }}}});
        assert_eq!(
            sampled(&cycle, &json!({"$ref": "#/components/schemas/Node"}), false),
            None,
            "a required cycle has no finite value"
        );
    }
}
