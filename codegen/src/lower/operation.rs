//! Operations: method and path, parameters, request body, responses and security, each
//! resolved through `$ref`s and lowered to IR types.

use openapiv3::{
    MediaType, Parameter, ParameterSchemaOrContent, PathItem, PathStyle, QueryStyle, ReferenceOr,
    RequestBody, SchemaKind, StatusCode, Type,
};

use super::schema::SchemaRef;
use super::{Lowerer, ref_name};
use crate::diagnostics::Pointer;
use crate::ir::{
    self, BodyEncoding, Outcome, OutcomeVariant, ResponseBody, StatusMatch, Ty, TypeKind,
};
use crate::names::{Namer, pascal, snake, status_name};

/// Names of `Client` methods that operations must not take.
const CLIENT_RESERVED: &[&str] = &["base_url", "builder", "clone", "fmt", "new"];
/// Names that request builders and typed mocks take for their own methods.
const PARAM_RESERVED: &[&str] = &[
    "body",
    "client",
    "header",
    "into_future",
    "parameters",
    "respond",
    "respond_error",
    "retry",
    "body_limit",
    "send",
    "timeout",
];

/// The media type extension naming the data that ends an event stream (`[DONE]`).
pub(crate) const EVENTS_END: &str = "x-event-stream-end";

/// How deep `$ref` chains between components may go.
const MAX_REF_HOPS: usize = 32;

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
                        format!(
                            "the method name `{preferred}` is already taken, by another operation or by the \
                             client itself; this operation's method is `{rust_name}`"
                        ),
                    );
                }
                let builder_name = builders.claim(&pascal(&id, "Operation"));
                let Some((op, others)) =
                    self.operation(path, item, method, op, &op_at, id, rust_name, builder_name)
                else {
                    continue;
                };
                // A method of its own for each other media type the body is offered in.
                let suffixes = media_suffixes(op.body.as_ref(), &others);
                let mut family = vec![op];
                for (body, suffix) in others.into_iter().zip(suffixes) {
                    let mut other = family[0].clone();
                    other.rust_name = methods.claim(&format!("{}_{suffix}", other.rust_name));
                    other.builder_name = builders.claim(&format!(
                        "{}{}",
                        other.builder_name,
                        pascal(&suffix, "Media")
                    ));
                    other.body = Some(body);
                    family.push(other);
                }
                let listed: Vec<ir::OtherBody> = family
                    .iter()
                    .filter_map(|op| {
                        Some(ir::OtherBody {
                            rust_name: op.rust_name.clone(),
                            media_type: op.body.as_ref()?.media_type.clone(),
                        })
                    })
                    .collect();
                if listed.len() > 1 {
                    for op in &mut family {
                        op.other_bodies = listed
                            .iter()
                            .filter(|other| other.rust_name != op.rust_name)
                            .cloned()
                            .collect();
                    }
                }
                operations.extend(family);
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
    ) -> Option<(ir::Operation, Vec<ir::Body>)> {
        let params = self.params(path, item, op, at, &builder_name);
        let path_segments = path_segments(path, &params);
        let mut bodies = match &op.request_body {
            Some(body) => self.bodies(body, &at.push("requestBody"), &builder_name)?,
            None => Vec::new(),
        };
        let others = bodies.split_off(bodies.len().min(1));
        let body = bodies.pop();
        let responses = self.responses(op, &at.push("responses"), &builder_name);
        let success = self
            .outcome(&responses, at, true, &builder_name)
            .unwrap_or(Outcome::Single(ResponseBody::Empty));
        let error = self.outcome(&responses, at, false, &builder_name);
        // Several media types are all asked for, in the document's order.
        let mut accept: Vec<String> = Vec::new();
        for r in responses.iter().filter(|r| is_success(&r.status)) {
            for (media_type, _) in &r.media {
                if !accept.iter().any(|m| essence(m) == essence(media_type)) {
                    accept.push(media_type.clone());
                }
            }
        }
        if accept.len() < 2 {
            accept.clear();
        }
        let security = self.security(op, at);
        // Another way to answer, offered by a success whose body is not itself events.
        let events = match &success {
            Outcome::Single(ResponseBody::Events(_)) => None,
            _ => responses
                .iter()
                .filter(|r| is_success(&r.status))
                .find_map(|r| r.events.clone()),
        };
        let events = events.map(|events| ir::OfferedEvents {
            events,
            method: request_method(&params, "stream", "event_stream"),
        });
        let settings = self
            .settings
            .paginate
            .iter()
            .find(|given| op.operation_id.as_deref() == Some(given.operation.as_str()));
        if let Some(paging) = super::paging::requested(op, &responses, settings) {
            self.paging.push((at.clone(), paging));
        }
        if !op.callbacks.is_empty() {
            self.warn(
                &at.push("callbacks"),
                "callbacks are requests the server makes to you; no client code is generated for them",
            );
        }
        let lowered = ir::Operation {
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
            events,
            pagination: None,
            accept,
            other_bodies: Vec::new(),
            tags: op.tags.clone(),
            gate: ir::Gate::Always,
        };
        Some((lowered, others))
    }

    /// Path-level and operation-level parameters merged (the operation's win), path
    /// parameters first. A path parameter the template does not use is left out (it would
    /// never be sent); a template variable no parameter declares is taken as another
    /// operation of the path declares it, or else as a required string.
    fn params(
        &mut self,
        path: &str,
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
        let template = crate::validate::template_names(path).unwrap_or_default();
        merged.retain(|(p, p_at)| {
            let name = &p.parameter_data_ref().name;
            let unused = matches!(p, Parameter::Path { .. }) && !template.contains(&name.as_str());
            if unused {
                self.diagnostics.push(crate::diagnostics::Diagnostic::warning(
                    p_at,
                    format!(
                        "path parameter `{name}` does not appear in the path `{path}`, so it is never \
                         sent; the method does not take it"
                    ),
                ));
            }
            !unused
        });
        let mut undeclared = Vec::new();
        for name in template {
            let declared = merged.iter().any(|(p, _)| {
                matches!(p, Parameter::Path { .. }) && p.parameter_data_ref().name == name
            });
            if declared || undeclared.iter().any(|(n, _)| *n == name) {
                continue;
            }
            match self.sibling_path_param(item, &path_at, op, name) {
                Some((p, p_at, method)) => {
                    self.warn(
                        at,
                        format!(
                            "the path uses `{{{name}}}` but this operation declares no path parameter \
                             `{name}`; it is taken as the `{method}` operation declares it"
                        ),
                    );
                    merged.push((p, p_at));
                }
                None => undeclared.push((name, at.clone())),
            }
        }

        let mut namer = Namer::with_reserved(PARAM_RESERVED);
        let mut params = Vec::new();
        for (p, p_at) in merged {
            let data = p.parameter_data_ref();
            let explode = data.explode;
            let (location, style) = match p {
                Parameter::Path { style, .. } => {
                    if !matches!(style, PathStyle::Simple) {
                        self.warn(&p_at, "`label` and `matrix` path styles are not supported; the value is written in `simple` style");
                    }
                    (
                        ir::ParamLocation::Path,
                        ir::ParamStyle::Simple {
                            explode: explode.unwrap_or(false),
                        },
                    )
                }
                Parameter::Query { style, .. } => (
                    ir::ParamLocation::Query,
                    match style {
                        QueryStyle::Form => ir::ParamStyle::Form {
                            explode: explode.unwrap_or(true),
                        },
                        QueryStyle::SpaceDelimited => ir::ParamStyle::SpaceDelimited,
                        QueryStyle::PipeDelimited => ir::ParamStyle::PipeDelimited,
                        QueryStyle::DeepObject => ir::ParamStyle::DeepObject,
                    },
                ),
                Parameter::Header { .. } => (
                    ir::ParamLocation::Header,
                    ir::ParamStyle::Simple {
                        explode: explode.unwrap_or(false),
                    },
                ),
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
            let (ty, shape) = match &data.format {
                ParameterSchemaOrContent::Schema(schema) => {
                    let ty = self
                        .schema_ty(SchemaRef::from(schema), &p_at.push("schema"), &hint)
                        .ty;
                    let shape = self.param_shape(&ty, style, &p_at);
                    (ty, shape)
                }
                ParameterSchemaOrContent::Content(content) => {
                    self.content_param(content, &p_at, &hint)
                }
            };
            params.push(ir::Param {
                rust_name: namer.claim(&snake(&data.name, "param")),
                wire_name: data.name.clone(),
                pointer: p_at.to_string(),
                location,
                required: data.required || location == ir::ParamLocation::Path,
                ty,
                shape,
                docs: data.description.clone(),
                deprecated: data.deprecated.unwrap_or(false),
                style,
            });
        }
        for (name, p_at) in undeclared {
            self.warn(
                &p_at,
                format!(
                    "the path uses `{{{name}}}` but no parameter declares it; it is taken as a \
                     required string"
                ),
            );
            params.push(ir::Param {
                rust_name: namer.claim(&snake(name, "param")),
                wire_name: name.to_owned(),
                pointer: p_at.to_string(),
                location: ir::ParamLocation::Path,
                required: true,
                ty: Ty::String,
                shape: ir::ParamShape::Scalar,
                docs: None,
                deprecated: false,
                style: ir::ParamStyle::Simple { explode: false },
            });
        }
        params.sort_by_key(|p| p.location != ir::ParamLocation::Path);
        params
    }

    /// How a parameter described by a schema is written: scalars as their text, anything
    /// else item by item in its style. Items that are themselves arrays or objects have no
    /// text form in any style but `deepObject`; they are written as JSON text, with a
    /// warning.
    fn param_shape(&mut self, ty: &Ty, style: ir::ParamStyle, at: &Pointer) -> ir::ParamShape {
        match self.param_kind(ty) {
            ParamKind::Scalar => ir::ParamShape::Scalar,
            ParamKind::Flat => ir::ParamShape::Styled,
            ParamKind::Nested => {
                self.warn_nested(ty, style, at, "this parameter");
                ir::ParamShape::Styled
            }
        }
    }

    /// Warns that the arrays or objects inside a value of `ty` (`what`) cannot be written in
    /// `style`, unless the style is `deepObject`, which writes any nesting with brackets
    /// (`a[k][0][j]=v`) as form parsers read it.
    fn warn_nested(&mut self, ty: &Ty, style: ir::ParamStyle, at: &Pointer, what: &str) {
        if style == ir::ParamStyle::DeepObject || self.param_kind(ty) != ParamKind::Nested {
            return;
        }
        let style = match style {
            ir::ParamStyle::Form { .. } => "form",
            ir::ParamStyle::SpaceDelimited => "spaceDelimited",
            ir::ParamStyle::PipeDelimited => "pipeDelimited",
            ir::ParamStyle::Simple { .. } => "simple",
            ir::ParamStyle::DeepObject => "deepObject",
        };
        self.warn(
            at,
            format!(
                "items or properties of {what} are arrays or objects, which its style \
                 (`{style}`) cannot write; each of them is sent as JSON text"
            ),
        );
    }

    /// A parameter described by `content` (one media type) instead of a schema: JSON media
    /// types send the value's JSON text; others send scalars as their text.
    fn content_param(
        &mut self,
        content: &'a indexmap::IndexMap<String, MediaType>,
        at: &Pointer,
        hint: &str,
    ) -> (Ty, ir::ParamShape) {
        let Some((media_type, media)) = content.first() else {
            self.warn(
                at,
                "this parameter's `content` names no media type; it is taken as text",
            );
            return (Ty::String, ir::ParamShape::Scalar);
        };
        if content.len() > 1 {
            self.warn(
                &at.push("content"),
                format!(
                    "a parameter's `content` must hold exactly one media type; `{media_type}` is used"
                ),
            );
        }
        let media_at = at.push("content").push(media_type);
        let ty = match &media.schema {
            Some(schema) => {
                self.schema_ty(schema.into(), &media_at.push("schema"), hint)
                    .ty
            }
            None => Ty::Json,
        };
        if encoding_of(media_type) == BodyEncoding::Json {
            return (ty, ir::ParamShape::Json);
        }
        if self.param_kind(&ty) == ParamKind::Scalar {
            return (ty, ir::ParamShape::Scalar);
        }
        self.warn(
            &media_at,
            format!(
                "`{media_type}` values cannot be written from a structured value; this parameter is \
                 taken as the text you give"
            ),
        );
        (Ty::String, ir::ParamShape::Scalar)
    }

    fn param_kind(&self, ty: &Ty) -> ParamKind {
        self.param_kind_within(ty, 0, 8)
    }

    /// `depth` counts arrays and objects entered; `hops` bounds the walk through aliases,
    /// which may refer to themselves until recursion is broken later.
    fn param_kind_within(&self, ty: &Ty, depth: usize, hops: usize) -> ParamKind {
        if hops == 0 {
            return ParamKind::Nested;
        }
        let nested = |inner: &Ty| match self.param_kind_within(inner, depth + 1, hops - 1) {
            ParamKind::Scalar => ParamKind::Flat,
            ParamKind::Flat | ParamKind::Nested => ParamKind::Nested,
        };
        match ty {
            Ty::Bool
            | Ty::I8
            | Ty::I16
            | Ty::I32
            | Ty::I64
            | Ty::U8
            | Ty::U16
            | Ty::U32
            | Ty::U64
            | Ty::F32
            | Ty::F64
            | Ty::String
            | Ty::DateTime
            | Ty::Date
            | Ty::Uuid => ParamKind::Scalar,
            Ty::Option(inner) | Ty::Box(inner) => self.param_kind_within(inner, depth, hops - 1),
            Ty::Vec(inner) | Ty::Map(inner) if depth == 0 => nested(inner),
            Ty::Named(name) => match self.types.get(name).map(|t| &t.kind) {
                Some(TypeKind::Enum(_)) => ParamKind::Scalar,
                Some(TypeKind::Alias(inner)) => self.param_kind_within(inner, depth, hops - 1),
                Some(TypeKind::Struct(s)) if depth == 0 => s
                    .fields
                    .iter()
                    .map(|f| nested(&f.ty))
                    .max()
                    .unwrap_or(ParamKind::Flat),
                // Written through serde, as whichever shape the value has: as an item, a
                // union of scalars (`anyOf: [integer, string]`) is a scalar; on its own,
                // it has no text of its own and is written in its style.
                Some(TypeKind::Union(u)) => {
                    let widest = u
                        .variants
                        .iter()
                        .map(|v| self.param_kind_within(&v.ty, depth, hops - 1))
                        .max()
                        .unwrap_or(ParamKind::Scalar);
                    if depth == 0 {
                        widest.max(ParamKind::Flat)
                    } else {
                        widest
                    }
                }
                Some(TypeKind::Newtype(inner)) => {
                    let kind = self.param_kind_within(inner, depth, hops - 1);
                    if depth == 0 {
                        kind.max(ParamKind::Flat)
                    } else {
                        kind
                    }
                }
                _ => ParamKind::Nested,
            },
            // Any JSON value, written in whichever shape it has.
            Ty::Json | Ty::JsonObject if depth == 0 => ParamKind::Flat,
            _ => ParamKind::Nested,
        }
    }

    /// A path parameter called `name` that another operation of the same path declares,
    /// with where it is declared and that operation's method.
    fn sibling_path_param(
        &self,
        item: &'a PathItem,
        item_at: &Pointer,
        op: &'a openapiv3::Operation,
        name: &str,
    ) -> Option<(&'a Parameter, Pointer, String)> {
        for (method, other) in path_operations(item) {
            if std::ptr::eq(other, op) {
                continue;
            }
            for (i, p) in other.parameters.iter().enumerate() {
                let found = match p {
                    ReferenceOr::Item(p) => Some(p),
                    ReferenceOr::Reference { reference } => ref_name(reference, "parameters")
                        .ok()
                        .and_then(|n| self.doc.components.as_ref()?.parameters.get(&n)?.as_item()),
                };
                if let Some(p @ Parameter::Path { parameter_data, .. }) = found {
                    if parameter_data.name == name {
                        let method_name = method.as_str().to_ascii_lowercase();
                        let p_at = item_at
                            .push(&method_name)
                            .push("parameters")
                            .push(i.to_string());
                        return Some((p, p_at, method_name));
                    }
                }
            }
        }
        None
    }

    fn resolve_param(
        &mut self,
        p: &'a ReferenceOr<Parameter>,
        at: Pointer,
    ) -> Option<(&'a Parameter, Pointer)> {
        self.resolve_component(p, at, "parameters", |c| &c.parameters)
    }

    /// Follows a `$ref` chain into `components.<section>`, reporting dangling and circular
    /// references.
    fn resolve_component<T>(
        &mut self,
        item: &'a ReferenceOr<T>,
        at: Pointer,
        section: &str,
        entries: impl Fn(&'a openapiv3::Components) -> &'a indexmap::IndexMap<String, ReferenceOr<T>>,
    ) -> Option<(&'a T, Pointer)> {
        let components = self.doc.components.as_ref();
        let mut current = item;
        let mut current_at = at;
        for _ in 0..MAX_REF_HOPS {
            match current {
                ReferenceOr::Item(item) => return Some((item, current_at)),
                ReferenceOr::Reference { reference } => {
                    let name = match ref_name(reference, section) {
                        Ok(name) => name,
                        Err(message) => {
                            self.error(&current_at, message);
                            return None;
                        }
                    };
                    match components.map(&entries).and_then(|e| e.get(&name)) {
                        Some(next) => {
                            current = next;
                            current_at =
                                Pointer::root().push("components").push(section).push(&name);
                        }
                        None => {
                            let what = section.trim_end_matches('s');
                            self.error(
                                &current_at,
                                format!(
                                    "`$ref: {reference}` points to a {what} that does not exist"
                                ),
                            );
                            return None;
                        }
                    }
                }
            }
        }
        self.error(&current_at, "this `$ref` chain is circular");
        None
    }

    /// `Some(None)` when there is no body to send, `None` when the operation must be skipped.
    /// The request body in the media type the operation's method sends (JSON when
    /// offered), then each other media type it is offered in that is written differently
    /// (another encoding, or another type), in document order, for methods of their own.
    /// `None` when the operation cannot be sent at all.
    fn bodies(
        &mut self,
        body: &'a ReferenceOr<RequestBody>,
        at: &Pointer,
        builder: &str,
    ) -> Option<Vec<ir::Body>> {
        let Some((body, at)) =
            self.resolve_component(body, at.clone(), "requestBodies", |c| &c.request_bodies)
        else {
            return Some(Vec::new());
        };
        let Some(preferred) = body_media(&body.content, false) else {
            return Some(Vec::new());
        };
        let mut bodies = vec![self.body(body, &at, preferred, &format!("{builder}Body"))?];
        let offered = body
            .content
            .iter()
            .filter(|(media_type, _)| essence(media_type) != "text/event-stream")
            .filter(|(media_type, _)| {
                essence(media_type) != "*/*" && media_type.as_str() != preferred.0
            });
        for (media_type, media) in offered {
            let encoding = encoding_of(media_type);
            let hint = format!("{builder}{}Body", media_name(media_type));
            let Some(alternative) = self.body(body, &at, (media_type, media, encoding), &hint)
            else {
                continue;
            };
            let written_alike = bodies
                .iter()
                .any(|b| b.encoding == alternative.encoding && b.ty == alternative.ty);
            if !written_alike {
                bodies.push(alternative);
            }
        }
        Some(bodies)
    }

    /// The request body in one of its media types; `None` when it cannot be sent so.
    fn body(
        &mut self,
        body: &'a RequestBody,
        at: &Pointer,
        (media_type, media, encoding): (&'a str, &'a MediaType, BodyEncoding),
        hint: &str,
    ) -> Option<ir::Body> {
        let media_at = at.push("content").push(media_type);
        // The media type becomes a header value, which may only hold visible ASCII.
        let media_type = if media_type.bytes().all(|b| (0x20..0x7f).contains(&b)) {
            media_type
        } else {
            self.warn(&media_at, "this media type is not a valid header value; `application/octet-stream` is sent instead");
            "application/octet-stream"
        };
        let ty = match encoding {
            BodyEncoding::Json | BodyEncoding::Form => match &media.schema {
                Some(schema) => {
                    self.schema_ty(schema.into(), &media_at.push("schema"), hint)
                        .ty
                }
                None if encoding == BodyEncoding::Form => Ty::JsonObject,
                None => Ty::Json,
            },
            BodyEncoding::Multipart => {
                let ty = match &media.schema {
                    Some(schema) => {
                        self.schema_ty(schema.into(), &media_at.push("schema"), hint)
                            .ty
                    }
                    None => Ty::JsonObject,
                };
                if !self.multipart_files(&ty) {
                    self.warn(
                        &media_at,
                        "a `multipart/form-data` body must be an object; the operation is skipped",
                    );
                    return None;
                }
                ty
            }
            BodyEncoding::Text => Ty::String,
            BodyEncoding::Binary => Ty::Binary,
        };
        let example = media.example.clone().or_else(|| {
            media.examples.values().find_map(|e| match e {
                ReferenceOr::Item(e) => e.value.clone(),
                ReferenceOr::Reference { .. } => None,
            })
        });
        let encodings = match encoding {
            BodyEncoding::Form | BodyEncoding::Multipart => {
                self.body_encodings(media, &ty, encoding, &media_at)
            }
            _ => Vec::new(),
        };
        Some(ir::Body {
            ty,
            encoding,
            media_type: media_type.to_owned(),
            encodings,
            required: body.required,
            docs: body.description.clone(),
            example,
        })
    }

    /// How the properties of a form or multipart body are written, from the media type's
    /// `encoding`; warns where a property's style cannot write what its value holds.
    fn body_encodings(
        &mut self,
        media: &'a MediaType,
        ty: &Ty,
        encoding: BodyEncoding,
        media_at: &Pointer,
    ) -> Vec<ir::PropertyEncoding> {
        let fields: Vec<(String, Ty)> = match ty {
            Ty::Named(name) => match self.types.get(name).map(|t| &t.kind) {
                Some(TypeKind::Struct(s)) => s
                    .fields
                    .iter()
                    .map(|f| (f.wire_name.clone(), f.ty.clone()))
                    .collect(),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        };
        let mut encodings = Vec::new();
        for (property, e) in &media.encoding {
            let e_at = media_at.push("encoding").push(property);
            if !fields.is_empty() && !fields.iter().any(|(wire, _)| wire == property) {
                self.warn(
                    &e_at,
                    format!("the body has no property `{property}`; this encoding is not used"),
                );
                continue;
            }
            let style = e.style.as_ref().map(|style| match style {
                QueryStyle::Form => ir::ParamStyle::Form { explode: e.explode },
                QueryStyle::SpaceDelimited if e.explode => ir::ParamStyle::Form { explode: true },
                QueryStyle::SpaceDelimited => ir::ParamStyle::SpaceDelimited,
                QueryStyle::PipeDelimited if e.explode => ir::ParamStyle::Form { explode: true },
                QueryStyle::PipeDelimited => ir::ParamStyle::PipeDelimited,
                QueryStyle::DeepObject => ir::ParamStyle::DeepObject,
            });
            let content_type = e.content_type.as_deref().and_then(|listed| {
                listed
                    .split(',')
                    .map(str::trim)
                    .find(|m| !m.is_empty() && !m.contains('*'))
                    .map(str::to_owned)
            });
            let mut headers = Vec::new();
            for (name, header) in &e.headers {
                let h_at = e_at.push("headers").push(name);
                // The part's `Content-Type` is `contentType`'s to say.
                if name.eq_ignore_ascii_case("content-type") {
                    continue;
                }
                let Some((header, h_at)) =
                    self.resolve_component(header, h_at, "headers", |c| &c.headers)
                else {
                    continue;
                };
                match (encoding, fixed_header_value(header)) {
                    (BodyEncoding::Multipart, Some(value)) if is_header_name(name) => {
                        headers.push((name.clone(), value));
                    }
                    (BodyEncoding::Multipart, _) => self.warn(
                        &h_at,
                        "the document fixes no value (a `default`, or one `enum` value) for \
                         this part header, or its name is not a header's; it is not sent",
                    ),
                    _ => self.warn(
                        &h_at,
                        "a form body has no part headers; this one is not sent",
                    ),
                }
            }
            encodings.push(ir::PropertyEncoding {
                wire_name: property.clone(),
                style,
                allow_reserved: e.allow_reserved,
                json: content_type
                    .as_deref()
                    .is_some_and(|m| encoding_of(m) == BodyEncoding::Json),
                content_type,
                headers,
            });
        }
        // What a style cannot write, where the value says what it holds.
        for (wire, field_ty) in &fields {
            let declared = encodings.iter().find(|e| &e.wire_name == wire);
            let style = match (declared.and_then(|e| e.style), encoding) {
                (Some(style), _) => style,
                (None, BodyEncoding::Form) => ir::ParamStyle::Form { explode: true },
                (None, _) => continue,
            };
            let at = if declared.is_some() {
                media_at.push("encoding").push(wire)
            } else {
                media_at.push("schema")
            };
            self.warn_nested(field_ty, style, &at, &format!("property `{wire}`"));
        }
        encodings
    }

    /// Makes the binary properties of a `multipart/form-data` body files, which carry a
    /// file name and content type. `false` when the body is not an object, so it has no
    /// parts.
    /// A union's variants are each an object, or the body is none of them.
    fn multipart_files(&mut self, ty: &Ty) -> bool {
        let name = match ty {
            Ty::JsonObject | Ty::Map(_) => return true,
            Ty::Named(name) => name,
            _ => return false,
        };
        match self.types.get_mut(name).map(|t| &mut t.kind) {
            Some(TypeKind::Struct(s)) => {
                for f in &mut s.fields {
                    match &mut f.ty {
                        Ty::Binary => f.ty = Ty::File,
                        Ty::Vec(item) if **item == Ty::Binary => **item = Ty::File,
                        _ => {}
                    }
                }
                true
            }
            Some(TypeKind::Union(u)) => {
                let variants: Vec<Ty> = u.variants.iter().map(|v| v.ty.clone()).collect();
                let objects = variants.iter().all(|v| match v {
                    Ty::JsonObject | Ty::Map(_) => true,
                    Ty::Named(name) => {
                        matches!(
                            self.types.get(name).map(|t| &t.kind),
                            Some(TypeKind::Struct(_))
                        )
                    }
                    _ => false,
                });
                objects && variants.iter().all(|v| self.multipart_files(v))
            }
            _ => false,
        }
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
                StatusCode::Code(c) => StatusMatch::Code(*c),
                StatusCode::Range(r) => StatusMatch::Range(*r),
            };
            (status, key, r)
        });
        let default = op
            .responses
            .default
            .iter()
            .map(|r| (StatusMatch::Default, "default".to_owned(), r));
        let mut first_success = true;
        for (status, key, response) in listed.chain(default) {
            let r_at = at.push(&key);
            let Some((response, r_at)) =
                self.resolve_component(response, r_at, "responses", |c| &c.responses)
            else {
                continue;
            };
            for (name, header) in &response.headers {
                let h_at = r_at.push("headers").push(name);
                let _ = self.resolve_component(header, h_at, "headers", |c| &c.headers);
            }
            let success = is_success(&status);
            let hint = if success && first_success {
                format!("{builder}Response")
            } else {
                format!("{builder}{}Response", pascal(&key, "Status"))
            };
            first_success &= !success;
            let links = response
                .headers
                .keys()
                .any(|name| name.eq_ignore_ascii_case("link"));
            // An event stream beside other media types is asked for on its own; alone,
            // it is the body (of a success: an error's is read as text).
            let stream = response
                .content
                .iter()
                .find(|(media_type, _)| essence(media_type) == "text/event-stream");
            let others = response.content.len() - usize::from(stream.is_some());
            let events = stream.filter(|_| success).map(|(media_type, media)| {
                let data = match &media.schema {
                    Some(schema) if !self.is_string(schema) => {
                        let s_at = r_at.push("content").push(media_type).push("schema");
                        let hint = format!("{builder}Event");
                        Some(self.schema_ty(schema.into(), &s_at, &hint).ty)
                    }
                    _ => None,
                };
                let end = media
                    .extensions
                    .get(EVENTS_END)
                    .and_then(|end| end.as_str())
                    .map(str::to_owned)
                    .or_else(|| self.settings.event_stream_end.clone());
                ir::Events { data, end }
            });
            let (body, events) = match (events, others) {
                (Some(events), 0) => (ResponseBody::Events(events), None),
                (events, _) => (self.response_body(&response.content, &r_at, &hint), events),
            };
            // Every media type, read as it says.
            let mut media = Vec::new();
            if others > 0 {
                let preferred = response_media(&response.content).map(|(m, ..)| m);
                for (media_type, one) in &response.content {
                    if essence(media_type) == "text/event-stream" {
                        continue;
                    }
                    let read = if Some(media_type.as_str()) == preferred {
                        body.clone()
                    } else {
                        let hint = format!("{hint}{}", media_name(media_type));
                        let chosen = (media_type.as_str(), one, response_encoding(media_type));
                        self.media_body(Some(chosen), &r_at, &hint)
                    };
                    media.push((media_type.clone(), read));
                }
            }
            out.push(ir::Response {
                status,
                description: response.description.clone(),
                body,
                events,
                media,
                links,
            });
        }
        out
    }

    /// What a response body with these media types decodes to.
    fn response_body(
        &mut self,
        content: &'a indexmap::IndexMap<String, MediaType>,
        r_at: &Pointer,
        hint: &str,
    ) -> ResponseBody {
        // The event stream, if any, is asked for on its own.
        self.media_body(response_media(content), r_at, hint)
    }

    /// What a response body of one media type (with how it is read) decodes to.
    fn media_body(
        &mut self,
        chosen: Option<(&'a str, &'a MediaType, BodyEncoding)>,
        r_at: &Pointer,
        hint: &str,
    ) -> ResponseBody {
        match chosen {
            None => ResponseBody::Empty,
            Some((_, _, BodyEncoding::Binary)) => ResponseBody::Binary,
            Some((_, media, _)) if media.schema.as_ref().is_some_and(|s| self.is_binary(s)) => {
                ResponseBody::Binary
            }
            Some((_, _, BodyEncoding::Text)) => ResponseBody::Text,
            // Any media type, no schema: whatever the server sends, as bytes.
            Some((media_type, media, _))
                if media.schema.is_none() && essence(media_type) == "*/*" =>
            {
                ResponseBody::Binary
            }
            Some((media_type, media, _)) => match &media.schema {
                Some(schema) => {
                    let s_at = r_at.push("content").push(media_type).push("schema");
                    let lowered = self.schema_ty(schema.into(), &s_at, hint);
                    // A body that may be `null` (`anyOf` with a `null` branch, `nullable`)
                    // is an `Option`; any JSON value already holds `null`.
                    ResponseBody::Json(match lowered.ty {
                        Ty::Json => Ty::Json,
                        ty if lowered.nullable => Ty::Option(Box::new(ty)),
                        ty => ty,
                    })
                }
                None => ResponseBody::Json(Ty::Json),
            },
        }
    }

    /// What the successful (or failed) responses decode to: one body type, or an enum with
    /// a variant per status when they differ. `None` when no such response is documented.
    fn outcome(
        &mut self,
        responses: &[ir::Response],
        at: &Pointer,
        success: bool,
        builder: &str,
    ) -> Option<Outcome> {
        let chosen: Vec<&ir::Response> = responses
            .iter()
            .filter(|r| is_success(&r.status) == success)
            .collect();
        let first = chosen.first()?;
        // A success offered in media types that read differently is read by its
        // `Content-Type`; an error body by its status alone.
        let readings: Vec<Vec<Reading>> = chosen
            .iter()
            .map(|r| if success { readings(r) } else { Vec::new() })
            .collect();
        let by_media = readings.iter().any(|r| r.len() > 1);
        if !by_media && chosen.iter().all(|r| r.body == first.body) {
            if !success && first.body == ResponseBody::Empty {
                return None;
            }
            return Some(Outcome::Single(first.body.clone()));
        }
        let mut namer = Namer::default();
        let mut variants: Vec<OutcomeVariant> = Vec::new();
        for (r, readings) in chosen.iter().zip(readings) {
            // Only a body of its own streams: beside others, events are read as text.
            let body = match &r.body {
                ResponseBody::Events(_) => ResponseBody::Text,
                body => body.clone(),
            };
            if readings.len() < 2 {
                variants.push(OutcomeVariant {
                    rust_name: namer.claim(&status_name(&r.status)),
                    status: r.status.clone(),
                    media: Vec::new(),
                    body,
                    description: r.description.clone(),
                });
                continue;
            }
            for reading in readings {
                let named = reading.media.first().map_or("", String::as_str);
                let status = if chosen.len() > 1 {
                    status_name(&r.status)
                } else {
                    String::new()
                };
                variants.push(OutcomeVariant {
                    rust_name: namer.claim(&format!("{status}{}", media_name(named))),
                    status: r.status.clone(),
                    media: if reading.preferred {
                        Vec::new()
                    } else {
                        reading.media
                    },
                    body: reading.body,
                    description: r.description.clone(),
                });
            }
        }
        let name = self.claim_type_name(&format!(
            "{builder}{}",
            if success { "Success" } else { "Error" }
        ));
        let docs = if success {
            format!("The successful responses of `{builder}`, by status.")
        } else {
            format!("The error responses of `{builder}`, by status.")
        };
        self.types.insert(
            name.clone(),
            ir::TypeDef {
                name: name.clone(),
                wire_name: None,
                pointer: at.push("responses").to_string(),
                docs: Some(docs),
                deprecated: false,
                usage: ir::Usage::default(),
                gate: ir::Gate::default(),
                kind: TypeKind::Outcome(variants),
            },
        );
        Some(Outcome::ByStatus(name))
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
            if requirement.is_empty() {
                // An empty requirement makes authentication optional.
                return Vec::new();
            }
            let mut alternative = Vec::new();
            for name in requirement.keys() {
                match schemes.and_then(|s| s.get_index_of(name)) {
                    Some(index) => alternative.push(index),
                    None => {
                        // The document's own requirements apply to every operation; say
                        // so once.
                        let message = format!(
                            "security scheme `{name}` is not declared under \
                             `components.securitySchemes`; this alternative is dropped, and \
                             requests never send credentials for it"
                        );
                        let at = req_at.push(i.to_string());
                        let said = self
                            .diagnostics
                            .iter()
                            .any(|d| d.pointer == at.as_str() && d.message == message);
                        if !said {
                            self.warn(&at, message);
                        }
                        alternative.clear();
                        break;
                    }
                }
            }
            if !alternative.is_empty() {
                alternatives.push(alternative);
            }
        }
        alternatives
    }
}

/// One way a response is read: the media types that read so, and what they read.
struct Reading {
    media: Vec<String>,
    body: ResponseBody,
    /// Whether it is how the preferred media type reads, which the answers of any other
    /// media type are read as too.
    preferred: bool,
}

/// The ways a response is read, one per distinct body its media types decode to, in
/// document order.
fn readings(response: &ir::Response) -> Vec<Reading> {
    let mut readings: Vec<Reading> = Vec::new();
    for (media_type, body) in &response.media {
        match readings.iter_mut().find(|r| r.body == *body) {
            Some(reading) => reading.media.push(media_type.clone()),
            None => readings.push(Reading {
                media: vec![media_type.clone()],
                body: body.clone(),
                preferred: *body == response.body,
            }),
        }
    }
    readings
}

/// How much structure a parameter value has, in increasing order.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum ParamKind {
    /// One value with a text form.
    Scalar,
    /// Items or properties that are scalars.
    Flat,
    /// Items or properties that are themselves arrays or objects.
    Nested,
}

pub(super) fn is_success(status: &StatusMatch) -> bool {
    match status {
        StatusMatch::Code(c) => (200..300).contains(c),
        StatusMatch::Range(r) => *r == 2,
        StatusMatch::Default => false,
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

/// The value a header's description fixes: its schema's `default`, or its only `enum`
/// value, as text.
fn fixed_header_value(header: &openapiv3::Header) -> Option<String> {
    let ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) = &header.format else {
        return None;
    };
    let value = match (&schema.schema_data.default, &schema.schema_kind) {
        (Some(default), _) => default.clone(),
        (None, SchemaKind::Type(Type::String(s))) if s.enumeration.len() == 1 => {
            serde_json::Value::String(s.enumeration[0].clone()?)
        }
        _ => return None,
    };
    match value {
        serde_json::Value::String(text) => Some(text),
        serde_json::Value::Number(_) | serde_json::Value::Bool(_) => Some(value.to_string()),
        _ => None,
    }
}

/// The method name suffix of each other media type a body is sent in: its name
/// (`multipart`, `form`, `text`, `bytes`, `xml`), or its whole essence's words where that
/// name is the preferred one's or another's (`text_javascript`).
fn media_suffixes(preferred: Option<&ir::Body>, others: &[ir::Body]) -> Vec<String> {
    let short = |m: &str| snake(&media_name(m), "media");
    let taken: Vec<String> = preferred
        .map(|b| short(&b.media_type))
        .into_iter()
        .collect();
    others
        .iter()
        .map(|b| {
            let name = short(&b.media_type);
            let shared = taken.contains(&name)
                || others
                    .iter()
                    .filter(|o| short(&o.media_type) == name)
                    .count()
                    > 1;
            if shared {
                snake(&essence(&b.media_type), "media")
            } else {
                name
            }
        })
        .collect()
}

/// The media type's essence: lowercase, without parameters.
fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or(media_type)
        .trim()
        .to_ascii_lowercase()
}

fn encoding_of(media_type: &str) -> BodyEncoding {
    let m = essence(media_type);
    if m == "application/json" || m.ends_with("+json") || m == "*/*" || m == "application/*" {
        BodyEncoding::Json
    } else if m == "application/x-www-form-urlencoded" {
        BodyEncoding::Form
    } else if m == "multipart/form-data" {
        BodyEncoding::Multipart
    } else if m.starts_with("text/") {
        BodyEncoding::Text
    } else {
        BodyEncoding::Binary
    }
}

/// The media type a request body is sent as: JSON when offered, then a form, multipart,
/// text, and raw bytes, in that order of preference.
fn body_media(
    content: &indexmap::IndexMap<String, MediaType>,
    skip_events: bool,
) -> Option<(&str, &MediaType, BodyEncoding)> {
    let rank = |e: BodyEncoding| match e {
        BodyEncoding::Json => 0,
        BodyEncoding::Form => 1,
        BodyEncoding::Multipart => 2,
        BodyEncoding::Text => 3,
        BodyEncoding::Binary => 4,
    };
    content
        .iter()
        .map(|(m, media)| (m.as_str(), media, encoding_of(m)))
        .filter(|(m, ..)| !skip_events || essence(m) != "text/event-stream")
        .filter(|(m, ..)| essence(m) != "*/*" || content.len() == 1)
        .min_by_key(|(_, _, e)| rank(*e))
}

/// How a response body is read, an event stream left out; multipart and form responses
/// are read as bytes.
fn response_media(
    content: &indexmap::IndexMap<String, MediaType>,
) -> Option<(&str, &MediaType, BodyEncoding)> {
    body_media(content, true).map(|(m, media, _)| (m, media, response_encoding(m)))
}

/// How a response of this media type is read: multipart and form responses as bytes.
fn response_encoding(media_type: &str) -> BodyEncoding {
    match encoding_of(media_type) {
        BodyEncoding::Form | BodyEncoding::Multipart => BodyEncoding::Binary,
        e => e,
    }
}

/// A media type as a name: `Json` (`application/json`, `+json` types), `Csv`
/// (`text/csv`), `Text` (`text/plain`), `Bytes` (`application/octet-stream`), `Form`,
/// `Multipart`, and otherwise the subtype's words (`Xml`, `Javascript`).
pub(crate) fn media_name(media_type: &str) -> String {
    let essence = essence(media_type);
    let subtype = essence.split_once('/').map_or(essence.as_str(), |(_, s)| s);
    let word = match subtype {
        _ if subtype == "json" || subtype.ends_with("+json") => "json",
        "plain" => "text",
        "octet-stream" => "bytes",
        "x-www-form-urlencoded" => "form",
        "form-data" => "multipart",
        other => other.strip_prefix("x-").unwrap_or(other),
    };
    pascal(word, "Media")
}

/// The name of a request method of the generator's own (`stream`, `pages`): `name`, or
/// `other` when a parameter's setter has that name.
pub(crate) fn request_method(params: &[ir::Param], name: &str, other: &str) -> String {
    let taken = params.iter().any(|p| p.rust_name == name);
    (if taken { other } else { name }).to_owned()
}

/// Whether `name` is a valid HTTP header name (an RFC 9110 token).
pub(crate) fn is_header_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}
