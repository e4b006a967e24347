//! Operations: method and path, parameters, request body, responses and security, each
//! resolved through `$ref`s and lowered to IR types.

use openapiv3::{
    MediaType, Parameter, ParameterSchemaOrContent, PathItem, ReferenceOr, RequestBody, StatusCode,
};

use super::schema::SchemaRef;
use super::{Lowerer, ref_name};
use crate::diagnostics::Pointer;
use crate::ir::{self, Ty};
use crate::names::{Namer, pascal, snake};

/// Names of `Client` methods that operations must not take.
const CLIENT_RESERVED: &[&str] = &["base_url", "builder", "clone", "fmt", "new"];
const PARAM_RESERVED: &[&str] = &["body", "client", "into_future", "send"];

impl<'a> Lowerer<'a> {
    pub(crate) fn lower_operations(&mut self) -> Vec<ir::Operation> {
        let mut methods = Namer::with_reserved(CLIENT_RESERVED);
        // Builders share their module with `Client` and use prelude names unqualified.
        let reserved: Vec<&str> = super::TYPES_RESERVED
            .iter()
            .copied()
            .chain(["Client", "IntoFuture"])
            .collect();
        let mut builders = Namer::with_reserved(&reserved);
        let mut operations = Vec::new();
        let doc = self.doc;
        for (path, item) in &doc.paths.paths {
            let at = Pointer::root().push("paths").push(path);
            let ReferenceOr::Item(item) = item else {
                self.warn(
                    &at,
                    "a `$ref` path item is not supported; its operations are skipped",
                );
                continue;
            };
            for (method, op) in path_operations(item) {
                let op_at = at.push(method.as_str().to_ascii_lowercase());
                let id = op
                    .operation_id
                    .clone()
                    .unwrap_or_else(|| synthetic_id(method, path));
                let preferred = snake(&id, "operation");
                let rust_name = methods.claim(&preferred);
                if rust_name != preferred {
                    self.warn(
                        &op_at,
                        format!("the method name `{preferred}` is already taken, by another operation or by the client itself; this operation's method is `{rust_name}`"),
                    );
                }
                let builder_name = builders.claim(&pascal(&id, "Operation"));
                if let Some(op) =
                    self.operation(path, item, method, op, &op_at, id, rust_name, builder_name)
                {
                    operations.push(op);
                }
            }
        }
        operations.sort_by(|a, b| a.rust_name.cmp(&b.rust_name));
        operations
    }

    #[allow(clippy::too_many_arguments)]
    fn operation(
        &mut self,
        path: &str,
        item: &'a PathItem,
        method: ir::Method,
        op: &'a openapiv3::Operation,
        at: &Pointer,
        wire_id: String,
        rust_name: String,
        builder_name: String,
    ) -> Option<ir::Operation> {
        let params = self.params(item, op, at, &builder_name);
        let path_segments = path_segments(path, &params);
        let body = match &op.request_body {
            Some(body) => self.body(body, &at.push("requestBody"), &builder_name)?,
            None => None,
        };
        let responses = self.responses(op, &at.push("responses"), &builder_name);
        let success = self.outcome(&responses, true, at);
        let error = self.outcome(&responses, false, at);
        let security = self.security(op, at);
        Some(ir::Operation {
            rust_name,
            builder_name,
            wire_id,
            pointer: at.to_string(),
            method,
            path: path.to_owned(),
            path_segments,
            summary: op.summary.clone(),
            description: op.description.clone(),
            deprecated: op.deprecated,
            params,
            body,
            responses,
            success,
            error,
            security,
        })
    }

    /// Path-level and operation-level parameters merged (the operation's win), path
    /// parameters first in the order the template uses them.
    fn params(
        &mut self,
        item: &'a PathItem,
        op: &'a openapiv3::Operation,
        at: &Pointer,
        builder: &str,
    ) -> Vec<ir::Param> {
        let mut merged: Vec<(&'a Parameter, Pointer)> = Vec::new();
        let path_at = at.parent_or_root();
        let sources = item
            .parameters
            .iter()
            .enumerate()
            .map(|(i, p)| (p, path_at.push("parameters").push(i.to_string())))
            .chain(
                op.parameters
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (p, at.push("parameters").push(i.to_string()))),
            );
        for (p, p_at) in sources {
            let Some((p, p_at)) = self.resolve_param(p, p_at) else {
                continue;
            };
            let key = (p.parameter_data_ref().name.clone(), location_of(p));
            merged.retain(|(q, _)| (q.parameter_data_ref().name.clone(), location_of(q)) != key);
            merged.push((p, p_at));
        }

        let mut namer = Namer::with_reserved(PARAM_RESERVED);
        let mut params = Vec::new();
        for (p, p_at) in merged {
            let data = p.parameter_data_ref();
            let location = match p {
                Parameter::Path { .. } => ir::ParamLocation::Path,
                Parameter::Query { .. } => ir::ParamLocation::Query,
                Parameter::Header { .. } => ir::ParamLocation::Header,
                Parameter::Cookie { .. } => {
                    self.warn(
                        &p_at,
                        "cookie parameters are not supported; this parameter is never sent",
                    );
                    continue;
                }
            };
            if location == ir::ParamLocation::Header {
                // The spec says these header parameters are ignored: the client sets them.
                if ["accept", "content-type", "authorization"]
                    .contains(&data.name.to_ascii_lowercase().as_str())
                {
                    continue;
                }
                if !is_header_name(&data.name) {
                    self.warn(
                        &p_at,
                        format!(
                            "`{}` is not a valid header name; this parameter is never sent",
                            data.name
                        ),
                    );
                    continue;
                }
            }
            let hint = format!("{builder}{}", pascal(&data.name, "Param"));
            let ty = match &data.format {
                ParameterSchemaOrContent::Schema(schema) => {
                    let lowered =
                        self.schema_ty(SchemaRef::from(schema), &p_at.push("schema"), &hint);
                    self.param_ty(lowered.ty, &p_at)
                }
                ParameterSchemaOrContent::Content(_) => {
                    self.warn(
                        &p_at,
                        "parameters described by `content` are not supported; sent as a string",
                    );
                    Ty::String
                }
            };
            params.push(ir::Param {
                rust_name: namer.claim(&snake(&data.name, "param")),
                wire_name: data.name.clone(),
                location,
                required: data.required || location == ir::ParamLocation::Path,
                ty,
                docs: data.description.clone(),
                deprecated: data.deprecated.unwrap_or(false),
            });
        }
        params.sort_by_key(|p| p.location != ir::ParamLocation::Path);
        params
    }

    /// Parameters are sent as text; types that have no text form are degraded to strings.
    fn param_ty(&mut self, ty: Ty, at: &Pointer) -> Ty {
        match &ty {
            Ty::Bool | Ty::I32 | Ty::I64 | Ty::F32 | Ty::F64 | Ty::String => ty,
            Ty::Named(name)
                if matches!(
                    self.types.get(name).map(|t| &t.kind),
                    Some(ir::TypeKind::Enum(_))
                ) =>
            {
                ty
            }
            Ty::Named(name) => match self.types.get(name).map(|t| &t.kind) {
                Some(ir::TypeKind::Alias(inner)) => {
                    let inner = inner.clone();
                    self.param_ty(inner, at)
                }
                _ => self.unsupported_param(at),
            },
            _ => self.unsupported_param(at),
        }
    }

    fn unsupported_param(&mut self, at: &Pointer) -> Ty {
        self.warn(at, "only scalar and enum parameters are supported yet; this one is taken as a string you format yourself");
        Ty::String
    }

    fn resolve_param(
        &mut self,
        p: &'a ReferenceOr<Parameter>,
        at: Pointer,
    ) -> Option<(&'a Parameter, Pointer)> {
        let components = self.doc.components.as_ref();
        let mut current = p;
        let mut current_at = at;
        for _ in 0..32 {
            match current {
                ReferenceOr::Item(p) => return Some((p, current_at)),
                ReferenceOr::Reference { reference } => {
                    let name = match ref_name(reference, "parameters") {
                        Ok(name) => name,
                        Err(message) => {
                            self.error(&current_at, message);
                            return None;
                        }
                    };
                    match components.and_then(|c| c.parameters.get(&name)) {
                        Some(next) => {
                            current = next;
                            current_at = Pointer::root()
                                .push("components")
                                .push("parameters")
                                .push(&name);
                        }
                        None => {
                            self.error(
                                &current_at,
                                format!(
                                    "`$ref: {reference}` points to a parameter that does not exist"
                                ),
                            );
                            return None;
                        }
                    }
                }
            }
        }
        self.error(&current_at, "`$ref` chain is circular");
        None
    }

    /// `Ok(None)` when there is no body to send, `None` when the operation must be skipped.
    fn body(
        &mut self,
        body: &'a ReferenceOr<RequestBody>,
        at: &Pointer,
        builder: &str,
    ) -> Option<Option<ir::Body>> {
        let (body, at) = match body {
            ReferenceOr::Item(b) => (b, at.clone()),
            ReferenceOr::Reference { reference } => {
                let found = ref_name(reference, "requestBodies").ok().and_then(|name| {
                    let c = self.doc.components.as_ref()?;
                    match c.request_bodies.get(&name)? {
                        ReferenceOr::Item(b) => Some((
                            b,
                            Pointer::root()
                                .push("components")
                                .push("requestBodies")
                                .push(&name),
                        )),
                        ReferenceOr::Reference { .. } => None,
                    }
                });
                match found {
                    Some(found) => found,
                    None => {
                        self.error(
                            at,
                            format!("`$ref: {reference}` does not point to a request body"),
                        );
                        return Some(None);
                    }
                }
            }
        };
        let Some((media_type, media)) = json_media(&body.content) else {
            let kinds: Vec<&str> = body.content.keys().map(String::as_str).collect();
            self.warn(
                &at.push("content"),
                format!(
                    "request bodies of type {} are not supported yet; the operation is skipped",
                    kinds.join(", ")
                ),
            );
            return None;
        };
        let media_at = at.push("content").push(media_type);
        let ty = match &media.schema {
            Some(schema) => {
                self.schema_ty(
                    schema.into(),
                    &media_at.push("schema"),
                    &format!("{builder}Body"),
                )
                .ty
            }
            None => Ty::Json,
        };
        let example = media.example.clone().or_else(|| {
            media.examples.values().find_map(|e| match e {
                ReferenceOr::Item(e) => e.value.clone(),
                ReferenceOr::Reference { .. } => None,
            })
        });
        Some(Some(ir::Body {
            ty,
            media_type: media_type.to_owned(),
            required: body.required,
            docs: body.description.clone(),
            example,
        }))
    }

    fn responses(
        &mut self,
        op: &'a openapiv3::Operation,
        at: &Pointer,
        builder: &str,
    ) -> Vec<ir::Response> {
        let mut out = Vec::new();
        let listed = op.responses.responses.iter().map(|(status, r)| {
            let key = status.to_string();
            let status = match status {
                StatusCode::Code(c) => ir::StatusMatch::Code(*c),
                StatusCode::Range(r) => ir::StatusMatch::Range(*r),
            };
            (status, key, r)
        });
        let default = op
            .responses
            .default
            .iter()
            .map(|r| (ir::StatusMatch::Default, "default".to_owned(), r));
        let mut first_success = true;
        for (status, key, response) in listed.chain(default) {
            let r_at = at.push(&key);
            let Some((response, r_at)) = self.resolve_response(response, r_at) else {
                continue;
            };
            let is_success = match status {
                ir::StatusMatch::Code(c) => (200..300).contains(&c),
                ir::StatusMatch::Range(r) => r == 2,
                ir::StatusMatch::Default => false,
            };
            let hint = if is_success && first_success {
                format!("{builder}Response")
            } else {
                format!("{builder}{}Response", pascal(&key, "Status"))
            };
            first_success &= !is_success;
            let body =
                json_media(&response.content).map(|(media_type, media)| match &media.schema {
                    Some(schema) => {
                        let s_at = r_at.push("content").push(media_type).push("schema");
                        self.schema_ty(schema.into(), &s_at, &hint).ty
                    }
                    None => Ty::Json,
                });
            out.push(ir::Response {
                status,
                description: response.description.clone(),
                body,
            });
        }
        out
    }

    fn resolve_response(
        &mut self,
        r: &'a ReferenceOr<openapiv3::Response>,
        at: Pointer,
    ) -> Option<(&'a openapiv3::Response, Pointer)> {
        let mut current = r;
        let mut current_at = at;
        for _ in 0..32 {
            match current {
                ReferenceOr::Item(r) => return Some((r, current_at)),
                ReferenceOr::Reference { reference } => {
                    let name = match ref_name(reference, "responses") {
                        Ok(name) => name,
                        Err(message) => {
                            self.error(&current_at, message);
                            return None;
                        }
                    };
                    match self
                        .doc
                        .components
                        .as_ref()
                        .and_then(|c| c.responses.get(&name))
                    {
                        Some(next) => {
                            current = next;
                            current_at = Pointer::root()
                                .push("components")
                                .push("responses")
                                .push(&name);
                        }
                        None => {
                            self.error(
                                &current_at,
                                format!(
                                    "`$ref: {reference}` points to a response that does not exist"
                                ),
                            );
                            return None;
                        }
                    }
                }
            }
        }
        self.error(&current_at, "`$ref` chain is circular");
        None
    }

    /// The one type that success (or error) responses decode to.
    fn outcome(&mut self, responses: &[ir::Response], success: bool, at: &Pointer) -> Option<Ty> {
        let mut tys: Vec<&Ty> = Vec::new();
        for r in responses {
            let is_success = match r.status {
                ir::StatusMatch::Code(c) => (200..300).contains(&c),
                ir::StatusMatch::Range(n) => n == 2,
                ir::StatusMatch::Default => false,
            };
            if is_success == success {
                if let Some(ty) = &r.body {
                    if !tys.contains(&ty) {
                        tys.push(ty);
                    }
                }
            }
        }
        match tys.as_slice() {
            [] => None,
            [one] => Some((*one).clone()),
            _ => {
                let what = if success { "success" } else { "error" };
                self.warn(
                    &at.push("responses"),
                    format!("{what} responses with different body types are not supported yet; they decode to `serde_json::Value`"),
                );
                Some(Ty::Json)
            }
        }
    }

    fn security(&mut self, op: &'a openapiv3::Operation, at: &Pointer) -> Vec<Vec<usize>> {
        let (requirements, req_at) = match &op.security {
            Some(s) => (s, at.push("security")),
            None => match &self.doc.security {
                Some(s) => (s, Pointer::root().push("security")),
                None => return Vec::new(),
            },
        };
        let schemes = self.doc.components.as_ref().map(|c| &c.security_schemes);
        let mut alternatives = Vec::new();
        for (i, requirement) in requirements.iter().enumerate() {
            let mut alternative = Vec::new();
            for name in requirement.keys() {
                match schemes.and_then(|s| s.get_index_of(name)) {
                    Some(index) => alternative.push(index),
                    None => self.error(
                        &req_at.push(i.to_string()),
                        format!("security scheme `{name}` is not declared under `components.securitySchemes`"),
                    ),
                }
            }
            if alternative.is_empty() {
                // An empty requirement makes authentication optional.
                return Vec::new();
            }
            alternatives.push(alternative);
        }
        alternatives
    }
}

fn path_operations(item: &PathItem) -> impl Iterator<Item = (ir::Method, &openapiv3::Operation)> {
    use ir::Method as M;
    [
        (M::Get, &item.get),
        (M::Put, &item.put),
        (M::Post, &item.post),
        (M::Delete, &item.delete),
        (M::Options, &item.options),
        (M::Head, &item.head),
        (M::Patch, &item.patch),
        (M::Trace, &item.trace),
    ]
    .into_iter()
    .filter_map(|(m, op)| op.as_ref().map(|op| (m, op)))
}

/// A stable name for an operation without `operationId`: method and path words.
fn synthetic_id(method: ir::Method, path: &str) -> String {
    format!("{} {}", method.as_str().to_ascii_lowercase(), path)
}

fn location_of(p: &Parameter) -> u8 {
    match p {
        Parameter::Path { .. } => 0,
        Parameter::Query { .. } => 1,
        Parameter::Header { .. } => 2,
        Parameter::Cookie { .. } => 3,
    }
}

/// Splits a path template into literal text and parameter references.
pub(crate) fn path_segments(path: &str, params: &[ir::Param]) -> Vec<ir::PathSegment> {
    let mut segments = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        let name = &rest[open + 1..close];
        let index = params
            .iter()
            .position(|p| p.location == ir::ParamLocation::Path && p.wire_name == name);
        if let Some(index) = index {
            if open > 0 {
                segments.push(ir::PathSegment::Literal(rest[..open].to_owned()));
            }
            segments.push(ir::PathSegment::Param(index));
        } else {
            segments.push(ir::PathSegment::Literal(rest[..=close].to_owned()));
        }
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        segments.push(ir::PathSegment::Literal(rest.to_owned()));
    }
    // Merge neighbouring literals left by undeclared template names.
    let mut merged: Vec<ir::PathSegment> = Vec::new();
    for s in segments {
        match (merged.last_mut(), s) {
            (Some(ir::PathSegment::Literal(a)), ir::PathSegment::Literal(b)) => a.push_str(&b),
            (_, s) => merged.push(s),
        }
    }
    merged
}

/// The JSON media type of a content map: `application/json`, any `+json` type, or a
/// wildcard, in that order of preference.
pub(crate) fn json_media(
    content: &indexmap::IndexMap<String, MediaType>,
) -> Option<(&str, &MediaType)> {
    let is_json = |m: &str| {
        let essence = m.split(';').next().unwrap_or(m).trim().to_ascii_lowercase();
        essence == "application/json" || essence.ends_with("+json")
    };
    content
        .iter()
        .find(|(m, _)| is_json(m))
        .or_else(|| {
            content
                .iter()
                .find(|(m, _)| m.as_str() == "*/*" || m.as_str() == "application/*")
        })
        .map(|(m, media)| (m.as_str(), media))
}

/// Whether `name` is a valid HTTP header name (an RFC 9110 token).
pub(crate) fn is_header_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}
