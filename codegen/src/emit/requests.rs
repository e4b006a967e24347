//! The `requests` module: for each operation, the `Client` method that starts it and the
//! request builder that carries optional parameters and sends it when awaited.

use proc_macro2::TokenStream;
use quote::quote;

use super::client::Credentials;
use super::docs::{doc_attrs, doc_paragraphs};
use super::refs::Refs;
use super::{Scope, ty_tokens};
use crate::ir::{
    self, BodyEncoding, FieldRepr, Gate, Operation, Outcome, Param, ParamLocation, ParamShape,
    ParamStyle, PathSegment, ResponseBody, StatusMatch, Ty, TypeKind,
};
use crate::names::ident;

/// The whole module: preamble and every operation.
pub(crate) fn requests(api: &ir::Api) -> TokenStream {
    let credentials = Credentials::of(api);
    let items: TokenStream = api
        .operations
        .iter()
        .map(|op| operation(api, &credentials, op))
        .collect();
    let preamble = preamble(api, &Refs::scan(&items));
    quote!(#preamble #items)
}

/// The module's docs and imports: what its items (read into `refs`) use.
pub(crate) fn preamble(api: &ir::Api, refs: &Refs) -> TokenStream {
    let deprecated = api
        .operations
        .iter()
        .any(|op| op.deprecated || op.params.iter().any(|p| p.deprecated))
        || api.deprecates_types();
    let allow = deprecated.then(|| quote!(#![allow(deprecated)]));
    // Every operation's code adds to `Client`.
    let mut siblings: Vec<(TokenStream, Gate)> = refs
        .code()
        .map(|gate| (quote!(Client), gate.clone()))
        .into_iter()
        .collect();
    siblings.extend(refs.uses("runtime").map(|gate| (quote!(runtime), gate)));
    let siblings_use = super::gated_use(api, quote!(use super), siblings);
    let types_use = refs.uses("types").map(|gate| {
        let cfg = super::cfg(api, &gate);
        quote!(
            #cfg
            use super::types;
        )
    });
    quote! {
        //! Each operation's parameters, and how its request is made and its response read.
        //! Each `Client` method returns a [`Request`](super::Request): set optional
        //! parameters and options on it, then `.await` it (or call `send`) to send it.
        #allow

        #siblings_use
        #types_use
    }
}

/// How a parameter is taken and stored: scalars by value (strings borrowed), arrays and
/// objects borrowed.
fn param_type(p: &Param) -> TokenStream {
    match &p.ty {
        Ty::String => quote!(&'a str),
        Ty::Vec(inner) => {
            let inner = ty_tokens(inner, Scope::Sibling);
            quote!(&'a [#inner])
        }
        other if p.shape == ParamShape::Scalar => ty_tokens(other, Scope::Sibling),
        other => {
            let ty = ty_tokens(other, Scope::Sibling);
            quote!(&'a #ty)
        }
    }
}

/// How the body is taken: text and bytes as slices, everything else by reference.
fn body_type(body: &ir::Body) -> TokenStream {
    match body.encoding {
        BodyEncoding::Text => quote!(&'a str),
        BodyEncoding::Binary => quote!(runtime::Body),
        BodyEncoding::Json | BodyEncoding::Form | BodyEncoding::Multipart => {
            let ty = ty_tokens(&body.ty, Scope::Sibling);
            quote!(&'a #ty)
        }
    }
}

/// Whether an operation's parameters borrow (strings, lists, objects and bodies are taken
/// by reference), so that the type holding them has a lifetime.
pub(crate) fn borrows(op: &Operation) -> bool {
    op.body
        .as_ref()
        .is_some_and(|b| b.encoding != BodyEncoding::Binary)
        || op.params.iter().any(|p| {
            p.ty == Ty::String || matches!(p.ty, Ty::Vec(_)) || p.shape != ParamShape::Scalar
        })
}

/// One operation: its `Client` method, the type of its parameters with the setters of the
/// optional ones, and how its request is made and its response read.
pub(crate) fn operation(
    api: &ir::Api,
    credentials: &Credentials<'_>,
    op: &Operation,
) -> TokenStream {
    let method_name = ident(&op.rust_name);
    let builder = ident(&op.builder_name);
    let lifetime = borrows(op).then(|| quote!(<'a>));
    let required: Vec<&Param> = op.params.iter().filter(|p| p.required).collect();
    let optional: Vec<&Param> = op.params.iter().filter(|p| !p.required).collect();
    let body_required = op.body.as_ref().is_some_and(|b| b.required);

    // The Client method.
    let mut args = Vec::new();
    let mut inits = Vec::new();
    for p in &required {
        let name = ident(&p.rust_name);
        let ty = param_type(p);
        args.push(quote!(#name: #ty));
        inits.push(quote!(#name,));
    }
    for p in &optional {
        let name = ident(&p.rust_name);
        inits.push(quote!(#name: None,));
    }
    let body_ty = op.body.as_ref().map(body_type);
    // A body sent as it is can be bytes, a file or a stream: anything that makes one.
    let owned_body = op
        .body
        .as_ref()
        .is_some_and(|b| b.encoding == BodyEncoding::Binary);
    if let Some(body_ty) = &body_ty {
        if body_required && owned_body {
            args.push(quote!(body: impl Into<#body_ty>));
            inits.push(quote!(body: body.into(),));
        } else if body_required {
            args.push(quote!(body: #body_ty));
            inits.push(quote!(body,));
        } else {
            inits.push(quote!(body: None,));
        }
    }

    let method_docs = method_docs(op, &required, body_required);
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));

    // The parameters' fields, and setters of the optional ones.
    let mut fields = Vec::new();
    for p in &required {
        let name = ident(&p.rust_name);
        let ty = param_type(p);
        fields.push(quote!(#name: #ty,));
    }
    // A text cursor the client sets from a response is owned; one the caller sets, not.
    let owned_cursor = match &op.pagination {
        Some(ir::Pagination {
            kind: ir::PageKind::Cursor { param, .. } | ir::PageKind::After { param, .. },
            ..
        }) => op.params.get(*param).filter(|p| p.ty == Ty::String),
        _ => None,
    };
    let mut setters = Vec::new();
    for p in &optional {
        let name = ident(&p.rust_name);
        let ty = param_type(p);
        let cursor = owned_cursor.is_some_and(|c| std::ptr::eq(c, *p));
        let stored = if cursor {
            fields.push(quote!(#name: Option<std::borrow::Cow<'a, str>>,));
            quote!(std::borrow::Cow::Borrowed(value))
        } else {
            fields.push(quote!(#name: Option<#ty>,));
            quote!(value)
        };
        let location = match p.location {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
        };
        let fallback = format!(
            "Sets the {} {location} parameter.",
            super::docs::code(&p.wire_name)
        );
        let docs = doc_paragraphs([Some(
            p.docs
                .as_deref()
                .filter(|d| !d.trim().is_empty())
                .unwrap_or(&fallback),
        )]);
        let deprecated = p.deprecated.then(|| quote!(#[deprecated]));
        setters.push(quote! {
            #docs
            #deprecated
            pub fn #name(mut self, value: #ty) -> Self {
                self.operation.#name = Some(#stored);
                self
            }
        });
    }
    if let (Some(body_ty), Some(body)) = (&body_ty, &op.body) {
        if body_required {
            fields.push(quote!(body: #body_ty,));
        } else {
            fields.push(quote!(body: Option<#body_ty>,));
            let docs = doc_paragraphs([Some("The request body."), body.docs.as_deref()]);
            let (taken, stored) = if owned_body {
                (quote!(impl Into<#body_ty>), quote!(body.into()))
            } else {
                (quote!(#body_ty), quote!(body))
            };
            setters.push(quote! {
                #docs
                pub fn body(mut self, body: #taken) -> Self {
                    self.operation.body = Some(#stored);
                    self
                }
            });
        }
    }
    let impl_lifetime = lifetime.as_ref().map(|_| quote!(<'a>));
    let setters = (!setters.is_empty()).then(|| {
        quote! {
            impl #impl_lifetime runtime::Request<'_, #builder #lifetime> {
                #(#setters)*
            }
        }
    });

    let success = success_type(&op.success);
    let error = error_type(op.error.as_ref());
    let request = request_body(api, op);
    let decode = decode(api, op);
    let decode_error = error_decoder(api, op.error.as_ref());
    let security = security(api, credentials, op);
    let streams = streams(op).then(|| {
        quote!(
            const STREAMS: bool = true;
        )
    });
    let events = offered_events(op, &builder, lifetime.as_ref());
    let pages = pagination(op, &builder, lifetime.as_ref());
    let (id, http_method, path) = (&op.wire_id, op.method.as_str(), &op.path);
    let builder_doc = format!(
        " The parameters of [`Client::{method_name}`], which a [`Request`](super::Request) carries."
    );
    // Only a multipart body needs the HTTP client to be built.
    let multipart = op
        .body
        .as_ref()
        .is_some_and(|b| b.encoding == BodyEncoding::Multipart);
    let http = if multipart {
        quote!(http)
    } else {
        quote!(_http)
    };

    quote! {
        impl Client {
            #method_docs
            #deprecated
            pub fn #method_name<'a>(&'a self, #(#args),*) -> runtime::Request<'a, #builder #lifetime> {
                runtime::start(&self.core, #builder { #(#inits)* })
            }
        }

        #[doc = #builder_doc]
        #[derive(Clone, Debug)]
        pub struct #builder #lifetime {
            #(#fields)*
        }

        #setters

        impl #impl_lifetime runtime::Operation for #builder #lifetime {
            type Success = #success;
            type Error = #error;
            const ID: &'static str = #id;
            const METHOD: &'static str = #http_method;
            const PATH: &'static str = #path;
            #security
            #streams

            #[inline]
            fn request(&self, base_url: &str, #http: &reqwest::Client) -> runtime::Built<Self> {
                #request
            }

            #[inline]
            fn decode(response: runtime::Received) -> runtime::Decoded<Self> {
                #decode
            }

            #[inline]
            fn decode_error(status: u16, body: &[u8]) -> Option<Self::Error> {
                #decode_error
            }
        }

        #events

        #pages
    }
}

/// For an operation that offers a stream of events besides its body: how an event's data
/// decodes, and the request's `stream` method asking for them.
fn offered_events(
    op: &Operation,
    builder: &proc_macro2::Ident,
    lifetime: Option<&TokenStream>,
) -> Option<TokenStream> {
    let offered = op.events.as_ref()?;
    let events = &offered.events;
    let data = event_data(events);
    let decoder = event_decoder(events);
    let end = events
        .end
        .as_ref()
        .map(|end| quote!(const EVENTS_END: Option<&'static str> = Some(#end);));
    let impl_lifetime = lifetime.map(|_| quote!(<'a>));
    let generics = lifetime.map_or_else(|| quote!(<'c>), |_| quote!(<'c, 'a>));
    let method = ident(&offered.method);
    let doc = super::docs::own_docs(&format!(
        "Asks for the answer as a stream of events (`Accept: text/event-stream`) instead of \
         one body; awaiting the request then gives an [`EventStream`](super::EventStream). \
         Some APIs also want the request to say so (a `stream` field of the body, say): \
         see [`Client::{}`](super::Client::{}).",
        op.rust_name, op.rust_name
    ));
    Some(quote! {
        impl #impl_lifetime runtime::OffersEvents for #builder #lifetime {
            type Event = #data;
            #end
            #[inline]
            fn decode_event(data: &str) -> Result<Self::Event, (String, serde_json::Error)> {
                #decoder(data)
            }
        }

        impl #generics runtime::Request<'c, #builder #lifetime> {
            #doc
            pub fn #method(self) -> runtime::Request<'c, runtime::Streaming<#builder #lifetime>> {
                runtime::streaming(self)
            }
        }
    })
}

/// The operation's alternatives of credentials, as indices of the client's schemes: the
/// `SECURITY` constant, left to its default (none) when there are none.
fn security(api: &ir::Api, credentials: &Credentials<'_>, op: &Operation) -> Option<TokenStream> {
    let alternatives: Vec<TokenStream> = match credentials {
        Credentials::None => Vec::new(),
        Credentials::One(_) | Credentials::Several(_) => op
            .security
            .iter()
            .filter(|alternative| alternative.iter().all(|&i| i < api.security_schemes.len()))
            .map(|alternative| {
                let indices = alternative
                    .iter()
                    .map(|&i| proc_macro2::Literal::usize_unsuffixed(i));
                quote!(&[#(#indices),*])
            })
            .collect(),
    };
    (!alternatives.is_empty())
        .then(|| quote!(const SECURITY: &'static [&'static [usize]] = &[#(#alternatives),*];))
}

/// The type a body decodes to; a success's bytes or events stream, an error's are read.
fn body_tokens(body: &ResponseBody, success: bool) -> TokenStream {
    match body {
        ResponseBody::Empty => quote!(()),
        ResponseBody::Json(ty) => ty_tokens(ty, Scope::Sibling),
        ResponseBody::Text => quote!(String),
        ResponseBody::Binary if success => quote!(runtime::ByteStream),
        ResponseBody::Binary => quote!(Vec<u8>),
        ResponseBody::Events(events) => {
            let data = event_data(events);
            quote!(runtime::EventStream<#data>)
        }
    }
}

/// What an event's data decodes to.
fn event_data(events: &ir::Events) -> TokenStream {
    events
        .data
        .as_ref()
        .map_or_else(|| quote!(String), |ty| ty_tokens(ty, Scope::Sibling))
}

/// The function decoding an event's data.
fn event_decoder(events: &ir::Events) -> TokenStream {
    match &events.data {
        Some(ty) => {
            let ty = ty_tokens(ty, Scope::Sibling);
            quote!(runtime::event_json::<#ty>)
        }
        None => quote!(runtime::event_text),
    }
}

/// The data that ends an event stream, as an `Option<&'static str>` expression.
fn event_end(events: &ir::Events) -> TokenStream {
    match &events.end {
        Some(end) => quote!(Some(#end)),
        None => quote!(None),
    }
}

fn success_type(outcome: &Outcome) -> TokenStream {
    match outcome {
        Outcome::Single(body) => body_tokens(body, true),
        Outcome::ByStatus(name) => {
            let name = ident(name);
            quote!(types::#name)
        }
    }
}

fn error_type(outcome: Option<&Outcome>) -> TokenStream {
    match outcome {
        None | Some(Outcome::Single(ResponseBody::Empty)) => quote!(serde_json::Value),
        Some(Outcome::Single(body)) => body_tokens(body, false),
        Some(outcome) => success_type(outcome),
    }
}

/// Whether a successful response's body is handed over as a stream.
pub(crate) fn streams(op: &Operation) -> bool {
    matches!(
        op.success,
        Outcome::Single(ResponseBody::Binary | ResponseBody::Events(_))
    )
}

fn method_docs(op: &Operation, required: &[&Param], body_required: bool) -> TokenStream {
    let mut text = String::new();
    let mut push = |paragraph: &str| {
        let paragraph = paragraph.trim();
        if !paragraph.is_empty() {
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            text.push_str(paragraph);
        }
    };
    if let Some(summary) = &op.summary {
        push(summary);
    }
    if let Some(description) = &op.description {
        push(description);
    }
    push(&super::docs::code(&format!(
        "{} {}",
        op.method.as_str(),
        op.path
    )));
    let mut args: Vec<String> = required
        .iter()
        .map(|p| {
            let name = ident(&p.rust_name);
            match p.docs.as_deref().map(one_line) {
                Some(about) if !about.is_empty() => format!("- `{name}`: {about}"),
                _ => format!("- `{name}`"),
            }
        })
        .collect();
    if body_required {
        let about = op
            .body
            .as_ref()
            .and_then(|b| b.docs.as_deref())
            .map(one_line)
            .filter(|about| !about.is_empty())
            .unwrap_or_else(|| "the request body".to_owned());
        args.push(format!("- `body`: {about}"));
    }
    if !args.is_empty() {
        push(&args.join("\n"));
    }
    let docs = doc_attrs(&text);
    // The generator's own text, whose links stay links.
    let other_bodies = match (&op.body, op.other_bodies.is_empty()) {
        (Some(body), false) => {
            let others: Vec<String> = op
                .other_bodies
                .iter()
                .map(|o| format!("`{}` with [`Self::{}`]", o.media_type, o.rust_name))
                .collect();
            let text = format!(
                "Sends the body as `{}`; the operation takes it as {} too.",
                body.media_type,
                others.join(", as ")
            );
            let own = super::docs::own_docs(&text);
            quote!(#[doc = ""] #own)
        }
        _ => quote!(),
    };
    quote!(#docs #other_bodies)
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text of a scalar parameter value: strings as they are, timestamps in RFC 3339,
/// everything else by `Display`.
fn scalar_text(ty: &Ty, value: TokenStream) -> TokenStream {
    match ty {
        Ty::String => quote!(#value),
        Ty::DateTime => quote!(&#value.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)),
        _ => quote!(&#value.to_string()),
    }
}

/// The text of a parameter written in its style into a query, header or path, or as
/// JSON; `value` is a reference to it (or, for scalars, the value).
fn param_text(p: &Param, value: &TokenStream) -> TokenStream {
    let wire = &p.wire_name;
    match p.shape {
        ParamShape::Scalar => scalar_text(&p.ty, value.clone()),
        ParamShape::Json => quote!(&runtime::json_text(#wire, #value)?),
        ParamShape::Styled => {
            let explode = matches!(p.style, ParamStyle::Simple { explode: true });
            quote!(&runtime::simple(#wire, #value, #explode)?)
        }
    }
}

/// The runtime's `Style` that writes a value in `style` as `key=value` pairs.
fn form_style(style: ParamStyle) -> TokenStream {
    match style {
        ParamStyle::Form { explode: true } | ParamStyle::Simple { .. } => {
            quote!(runtime::Style::Exploded)
        }
        ParamStyle::Form { explode: false } => quote!(runtime::Style::Joined(",")),
        ParamStyle::SpaceDelimited => quote!(runtime::Style::Joined(" ")),
        ParamStyle::PipeDelimited => quote!(runtime::Style::Joined("|")),
        ParamStyle::DeepObject => quote!(runtime::Style::Deep),
    }
}

/// Statements writing one query or header parameter, reading it from `value`.
fn write_param(p: &Param, value: TokenStream) -> TokenStream {
    let wire = &p.wire_name;
    match (p.location, p.shape) {
        (ParamLocation::Query, ParamShape::Styled) => {
            let style = form_style(p.style);
            quote!(runtime::query_styled(&mut url, #wire, #value, #style)?;)
        }
        (ParamLocation::Query, _) => {
            let text = param_text(p, &value);
            quote!(url.query_pairs_mut().append_pair(#wire, #text);)
        }
        (ParamLocation::Header, _) => {
            let name = p.wire_name.to_ascii_lowercase();
            let text = param_text(p, &value);
            quote!(runtime::set_header(&mut request, #name, #text)?;)
        }
        // Path parameters are part of the URL text.
        (ParamLocation::Path, _) => quote!(),
    }
}

/// Writes every query (or header) parameter, optional ones only when set.
fn write_params(op: &Operation, location: ParamLocation) -> Vec<TokenStream> {
    op.params
        .iter()
        .filter(|p| p.location == location)
        .map(|p| {
            let name = ident(&p.rust_name);
            if p.required {
                write_param(p, quote!(self.#name))
            } else {
                let write = write_param(p, quote!(value));
                quote! {
                    if let Some(value) = &self.#name {
                        #write
                    }
                }
            }
        })
        .collect()
}

/// A piece of a path template: text, or a parameter (an index into the operation's).
#[derive(Clone)]
enum Piece {
    Text(String),
    Param(usize),
}

/// The URL parts after the base URL: literal text and, for each path segment holding
/// parameters, an expression of its text, percent-encoded and checked so that no value
/// can make the path address another resource.
fn path_parts(op: &Operation) -> Vec<TokenStream> {
    // Split the template into `/`-separated segments of pieces.
    let mut segments: Vec<Vec<Piece>> = vec![Vec::new()];
    for segment in &op.path_segments {
        match segment {
            PathSegment::Literal(text) => {
                for (i, part) in text.split('/').enumerate() {
                    if i > 0 {
                        segments.push(Vec::new());
                    }
                    if !part.is_empty() {
                        if let Some(last) = segments.last_mut() {
                            last.push(Piece::Text(part.to_owned()));
                        }
                    }
                }
            }
            PathSegment::Param(i) => {
                if let Some(last) = segments.last_mut() {
                    last.push(Piece::Param(*i));
                }
            }
        }
    }
    let mut parts = Vec::new();
    let mut text = String::new();
    for (i, segment) in segments.iter().enumerate() {
        if i > 0 {
            text.push('/');
        }
        let params: Vec<&Param> = segment
            .iter()
            .filter_map(|piece| match piece {
                Piece::Param(index) => op.params.get(*index),
                Piece::Text(_) => None,
            })
            .collect();
        if params.is_empty() {
            for piece in segment {
                if let Piece::Text(t) = piece {
                    text.push_str(t);
                }
            }
            continue;
        }
        if !text.is_empty() {
            parts.push(quote!(#text));
            text.clear();
        }
        let names = params
            .iter()
            .map(|p| p.wire_name.as_str())
            .collect::<Vec<_>>()
            .join("`, `");
        let part = match segment.as_slice() {
            [Piece::Param(index)] => match op.params.get(*index) {
                Some(p) if p.shape == ParamShape::Scalar => {
                    let name = ident(&p.rust_name);
                    let value = match &p.ty {
                        Ty::DateTime => {
                            quote!(&self.#name.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
                        }
                        _ => quote!(&self.#name),
                    };
                    quote!(&runtime::path_param(#names, #value)?)
                }
                Some(p) => {
                    let text = path_piece_text(p);
                    quote!(&runtime::path_segment(#names, #text)?)
                }
                None => quote!(""),
            },
            pieces => {
                let texts = pieces.iter().map(|piece| match piece {
                    Piece::Text(t) => quote!(#t.to_owned()),
                    Piece::Param(index) => op
                        .params
                        .get(*index)
                        .map_or(quote!(String::new()), path_piece_text),
                });
                quote!(&runtime::path_segment(#names, [#(#texts),*].concat())?)
            }
        };
        parts.push(part);
    }
    if !text.is_empty() {
        parts.push(quote!(#text));
    }
    parts
}

/// The percent-encoded text of one path parameter, as a `String` expression.
fn path_piece_text(p: &Param) -> TokenStream {
    let name = ident(&p.rust_name);
    let wire = &p.wire_name;
    match (p.shape, &p.ty) {
        (ParamShape::Scalar, Ty::DateTime) => quote!(runtime::path_text(
            &self.#name.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
        )),
        (ParamShape::Scalar, _) => quote!(runtime::path_text(&self.#name)),
        (ParamShape::Json, _) => {
            quote!(runtime::path_text(&runtime::json_text(#wire, self.#name)?))
        }
        (ParamShape::Styled, _) => {
            let explode = matches!(p.style, ParamStyle::Simple { explode: true });
            quote!(runtime::simple_path(#wire, self.#name, #explode)?)
        }
    }
}

/// The statements of `send`: URL, query, headers, credentials, body, dispatch, decoding.
/// The statements of `Operation::request`: URL, query, headers, body.
fn request_body(api: &ir::Api, op: &Operation) -> TokenStream {
    let path = path_parts(op);
    let query = write_params(op, ParamLocation::Query);
    let url_mut = (!query.is_empty()).then(|| quote!(mut));
    let headers = write_params(op, ParamLocation::Header);

    let method = http_method(op.method);
    let accepts_json = match &op.success {
        Outcome::Single(body) => matches!(body, ResponseBody::Json(_)),
        Outcome::ByStatus(name) => api
            .outcome_variants(name)
            .iter()
            .any(|v| matches!(v.body, ResponseBody::Json(_))),
    };
    let accept = if let Outcome::Single(ResponseBody::Events(_)) = &op.success {
        Some(quote!(runtime::accept_events(&mut request);))
    } else if !op.accept.is_empty() {
        let listed = op.accept.join(", ");
        Some(quote!(runtime::accept(&mut request, #listed);))
    } else {
        accepts_json.then(|| quote!(runtime::accept_json(&mut request);))
    };
    let body = op.body.as_ref().map(|b| {
        let owned = b.encoding == BodyEncoding::Binary;
        if b.required {
            let body = if owned {
                quote!(&self.body)
            } else {
                quote!(self.body)
            };
            write_body(api, b, body)
        } else {
            let write = write_body(api, b, quote!(body));
            let body = if owned {
                quote!(&self.body)
            } else {
                quote!(self.body)
            };
            quote! {
                if let Some(body) = #body {
                    #write
                }
            }
        }
    });
    let request_mut =
        (accept.is_some() || !headers.is_empty() || body.is_some()).then(|| quote!(mut));
    quote! {
        let #url_mut url = runtime::request_url(&[base_url, #(#path),*])?;
        #(#query)*
        let #request_mut request = reqwest::Request::new(#method, url);
        #accept
        #(#headers)*
        #body
        Ok(request)
    }
}

/// Statements putting the body (bound to `body`) on the request.
fn write_body(api: &ir::Api, b: &ir::Body, body: TokenStream) -> TokenStream {
    let media = &b.media_type;
    match b.encoding {
        BodyEncoding::Json => quote!(runtime::json_body(&mut request, #media, #body)?;),
        BodyEncoding::Form => {
            let styles = b.encodings.iter().filter_map(|e| {
                let wire = &e.wire_name;
                let style = form_style(e.style?);
                (e.style != Some(ParamStyle::Form { explode: true }))
                    .then(|| quote!((#wire, #style)))
            });
            let reserved = b
                .encodings
                .iter()
                .filter(|e| e.allow_reserved)
                .map(|e| &e.wire_name);
            quote!(runtime::form_body(&mut request, #body, &[#(#styles),*], &[#(#reserved),*])?;)
        }
        BodyEncoding::Text => {
            quote!(runtime::raw_body(&mut request, #media, #body.as_bytes().to_vec());)
        }
        BodyEncoding::Binary => quote!(runtime::stream_body(&mut request, #media, #body)?;),
        BodyEncoding::Multipart => multipart(api, b, &body),
    }
}

/// Statements building a `multipart/form-data` body: a part per property (or, for a
/// union, per property of the variant the body is), files as file parts, each with the
/// content type and headers the spec's `encoding` gives it.
fn multipart(api: &ir::Api, b: &ir::Body, body: &TokenStream) -> TokenStream {
    let kind = match &b.ty {
        Ty::Named(name) => api.find_type(name).map(|t| &t.kind),
        _ => None,
    };
    let parts = match kind {
        Some(TypeKind::Struct(s)) => struct_parts(b, &s.fields, body),
        Some(TypeKind::Union(u)) => {
            let Ty::Named(name) = &b.ty else {
                return quote!();
            };
            let union = ident(name);
            let arms = u.variants.iter().map(|v| {
                let variant = ident(&v.rust_name);
                let fields = match &v.ty {
                    Ty::Named(name) => match api.find_type(name).map(|t| &t.kind) {
                        Some(TypeKind::Struct(s)) => Some(&s.fields),
                        _ => None,
                    },
                    _ => None,
                };
                let parts = match fields {
                    Some(fields) => struct_parts(b, fields, &quote!(value)),
                    None => quote!(form = runtime::multipart_object(form, value)?;),
                };
                quote!(types::#union::#variant(value) => { #parts })
            });
            let unknown = ident(&u.unknown_variant);
            quote! {
                match #body {
                    #(#arms)*
                    types::#union::#unknown(value) => {
                        form = runtime::multipart_object(form, value)?;
                    }
                }
            }
        }
        // A map, or any object: every entry is a text part.
        _ => quote!(form = runtime::multipart_object(form, #body)?;),
    };
    let form_mut = (!parts.is_empty()).then(|| quote!(mut));
    quote! {
        let #form_mut form = reqwest::multipart::Form::new();
        #parts
        request = runtime::multipart_body(http, request, form)?;
    }
}

/// Statements adding the parts of an object whose fields are `fields` (bound to `body`)
/// to `form`.
fn struct_parts(b: &ir::Body, fields: &[ir::Field], body: &TokenStream) -> TokenStream {
    let parts = fields.iter().map(|f| {
        let name = ident(&f.rust_name);
        let add = |value: TokenStream| part(b, f, value);
        match f.repr {
            FieldRepr::Plain => add(quote!(&#body.#name)),
            FieldRepr::Optional | FieldRepr::Nullable => {
                let add = add(quote!(value));
                quote! {
                    if let Some(value) = &#body.#name {
                        #add
                    }
                }
            }
            FieldRepr::Patch => {
                let add = add(quote!(value));
                quote! {
                    if let runtime::Patch::Set(value) = &#body.#name {
                        #add
                    }
                }
            }
        }
    });
    quote!(#(#parts)*)
}

/// Statements adding one property (bound to `value`) to `form`: a file part, a part per
/// item of an array, the text parts of its `style`, or one text part.
fn part(b: &ir::Body, f: &ir::Field, value: TokenStream) -> TokenStream {
    let wire = &f.wire_name;
    let encoding = b.encodings.iter().find(|e| &e.wire_name == wire);
    let content_type = encoding.and_then(|e| e.content_type.as_deref());
    let headers = encoding
        .into_iter()
        .flat_map(|e| &e.headers)
        .map(|(name, value)| quote!((#name, #value)));
    let headers = quote!(&[#(#headers),*]);
    let text_type = match content_type {
        Some(content_type) => quote!(Some(#content_type)),
        None => quote!(None),
    };
    let file_type = content_type.unwrap_or("application/octet-stream");
    if let Some(style) = encoding.and_then(|e| e.style) {
        if !f.ty.mentions(&|t| *t == Ty::File) {
            let style = form_style(style);
            return quote!(form = runtime::multipart_styled(form, #wire, #value, #style, #headers)?;);
        }
    }
    match &f.ty {
        Ty::File => {
            quote!(form = runtime::multipart_file(form, #wire, #value, #file_type, #headers)?;)
        }
        Ty::Vec(item) if **item == Ty::File => quote! {
            for file in #value {
                form = runtime::multipart_file(form, #wire, file, #file_type, #headers)?;
            }
        },
        // An array is a part per item, each its own text, unless the document sends it
        // whole as JSON.
        Ty::Vec(_) if !encoding.is_some_and(|e| e.json) => quote! {
            for item in #value {
                form = runtime::multipart_text(form, #wire, item, #text_type, #headers)?;
            }
        },
        _ => quote!(form = runtime::multipart_text(form, #wire, #value, #text_type, #headers)?;),
    }
}

/// The statements of `Operation::decode`: a successful response decoded as the operation
/// documents.
fn decode(api: &ir::Api, op: &Operation) -> TokenStream {
    match &op.success {
        Outcome::Single(ResponseBody::Json(_)) => quote!(runtime::json_response(response)),
        Outcome::Single(ResponseBody::Text) => quote!(runtime::text_response(response)),
        Outcome::Single(ResponseBody::Binary) => quote!(runtime::byte_stream_response(response)),
        Outcome::Single(ResponseBody::Events(events)) => {
            let decoder = event_decoder(events);
            let end = event_end(events);
            quote!(runtime::event_response(response, #decoder, #end))
        }
        Outcome::Single(ResponseBody::Empty) => quote!(runtime::empty_response(response)),
        Outcome::ByStatus(name) => {
            let type_name = ident(name);
            let variants = api.outcome_variants(name);
            let arms = status_arms(variants).into_iter().map(|(pattern, v)| {
                let variant = ident(&v.rust_name);
                let value = match &v.body {
                    ResponseBody::Empty => quote!(types::#type_name::#variant),
                    ResponseBody::Json(_) => {
                        quote!(types::#type_name::#variant(runtime::decode_json(&response)?))
                    }
                    ResponseBody::Text | ResponseBody::Events(_) => {
                        quote!(types::#type_name::#variant(runtime::decode_text(&response)?))
                    }
                    ResponseBody::Binary => {
                        quote!(types::#type_name::#variant(runtime::decode_bytes(&response)))
                    }
                };
                quote!(#pattern => #value,)
            });
            quote! {
                let body = match response.status.as_u16() {
                    #(#arms)*
                    _ => return Err(runtime::undocumented(&response)),
                };
                Ok(runtime::with_body(response, body))
            }
        }
    }
}

/// Match arms over a status code for outcome variants: exact codes first, then ranges,
/// then `default` (as `_`).
/// A variant read by media type comes before the other answers of its status, with a
/// guard on the response's `Content-Type`.
fn status_arms(variants: &[ir::OutcomeVariant]) -> Vec<(TokenStream, &ir::OutcomeVariant)> {
    let mut arms = Vec::new();
    let kinds: [fn(&StatusMatch) -> Option<TokenStream>; 3] = [
        |status| match status {
            StatusMatch::Code(code) => Some(quote!(#code)),
            _ => None,
        },
        |status| match status {
            StatusMatch::Range(class) => {
                let (low, high) = (class * 100, class * 100 + 99);
                Some(quote!(#low..=#high))
            }
            _ => None,
        },
        |status| (*status == StatusMatch::Default).then(|| quote!(_)),
    ];
    for pattern_of in kinds {
        let guarded = variants.iter().filter(|v| !v.media.is_empty());
        for v in guarded.chain(variants.iter().filter(|v| v.media.is_empty())) {
            let Some(pattern) = pattern_of(&v.status) else {
                continue;
            };
            let pattern = if v.media.is_empty() {
                pattern
            } else {
                let media = &v.media;
                quote!(#pattern if runtime::media_is(&response, &[#(#media),*]))
            };
            arms.push((pattern, v));
        }
    }
    arms
}

/// The statements of `Operation::decode_error`: an error body (`status`, `body`) as the
/// operation's error type, when it is one.
fn error_decoder(api: &ir::Api, outcome: Option<&Outcome>) -> TokenStream {
    match outcome {
        None | Some(Outcome::Single(ResponseBody::Empty)) => {
            quote!(runtime::json_error(status, body))
        }
        Some(Outcome::Single(ResponseBody::Json(ty))) => json_error(api, ty),
        Some(Outcome::Single(ResponseBody::Text | ResponseBody::Events(_))) => {
            quote!(runtime::text_error(status, body))
        }
        Some(Outcome::Single(ResponseBody::Binary)) => quote!(runtime::bytes_error(status, body)),
        Some(Outcome::ByStatus(name)) => {
            let type_name = ident(name);
            let variants = api.outcome_variants(name);
            let arms: Vec<TokenStream> = status_arms(variants)
                .into_iter()
                .map(|(pattern, v)| {
                    let variant = ident(&v.rust_name);
                    let value = match &v.body {
                        ResponseBody::Empty => quote!(Some(types::#type_name::#variant)),
                        ResponseBody::Json(ty) => {
                            let decode = json_error(api, ty);
                            quote!(#decode.map(types::#type_name::#variant))
                        }
                        ResponseBody::Text | ResponseBody::Events(_) => quote!(runtime::text_error(status, body).map(types::#type_name::#variant)),
                        ResponseBody::Binary => quote!(runtime::bytes_error(status, body).map(types::#type_name::#variant)),
                    };
                    quote!(#pattern => #value,)
                })
                .collect();
            let fallback = (!variants.iter().any(|v| v.status == StatusMatch::Default))
                .then(|| quote!(_ => None,));
            quote! {
                match status {
                    #(#arms)*
                    #fallback
                }
            }
        }
    }
}

/// Reads an error body as JSON of `ty`. Any object would decode into an object type whose
/// properties are all optional, so such a body must carry one of them.
fn json_error(api: &ir::Api, ty: &Ty) -> TokenStream {
    let mut current = ty;
    for _ in 0..16 {
        let Ty::Named(name) = current else { break };
        match api.find_type(name).map(|t| &t.kind) {
            Some(TypeKind::Alias(inner)) => current = inner,
            Some(TypeKind::Struct(s))
                if !s.fields.is_empty()
                    && s.flattened.is_empty()
                    && s.fields
                        .iter()
                        .all(|f| matches!(f.repr, FieldRepr::Optional | FieldRepr::Patch)) =>
            {
                let properties = s.fields.iter().map(|f| &f.wire_name);
                return quote!(runtime::json_error_declaring(status, body, &[#(#properties),*]));
            }
            _ => break,
        }
    }
    quote!(runtime::json_error(status, body))
}

fn http_method(m: ir::Method) -> TokenStream {
    use ir::Method as M;
    match m {
        M::Get => quote!(reqwest::Method::GET),
        M::Put => quote!(reqwest::Method::PUT),
        M::Post => quote!(reqwest::Method::POST),
        M::Delete => quote!(reqwest::Method::DELETE),
        M::Options => quote!(reqwest::Method::OPTIONS),
        M::Head => quote!(reqwest::Method::HEAD),
        M::Patch => quote!(reqwest::Method::PATCH),
        M::Trace => quote!(reqwest::Method::TRACE),
    }
}

/// For an operation whose responses are pages of a list: how the next page is asked for
/// and where a page's items are, and the request's `pages` and `items` methods.
fn pagination(
    op: &Operation,
    builder: &proc_macro2::Ident,
    lifetime: Option<&TokenStream>,
) -> Option<TokenStream> {
    let paging = op.pagination.as_ref()?;
    let item = ty_tokens(&paging.item, Scope::Sibling);
    let next = match &paging.kind {
        ir::PageKind::Link => quote!(runtime::linked_page(page)),
        ir::PageKind::Cursor {
            param,
            next,
            next_ty,
            cleared,
        } => {
            let p = op.params.get(*param)?;
            let found = next_cursor(next);
            let cleared = cleared.iter().filter_map(|i| op.params.get(*i)).map(|p| {
                let name = ident(&p.rust_name);
                quote!(operation.#name = None;)
            });
            let moved = cursor_moved(p, next_ty);
            quote! {
                #found
                #moved
                #(#cleared)*
                Some(runtime::NextPage::Parameters(operation))
            }
        }
        ir::PageKind::After {
            param,
            key,
            key_ty,
            more,
        } => {
            let p = op.params.get(*param)?;
            let more = more
                .as_ref()
                .map(|steps| match borrowed_path(quote!(page), steps) {
                    (expr, true) => quote!(if !#expr.copied().unwrap_or(false) { return None; }),
                    (_, false) => {
                        let fields = steps.iter().map(|step| ident(&step.rust_name));
                        quote!(if !page #(.#fields)* { return None; })
                    }
                });
            let last = match borrowed_path(quote!(page), &paging.items) {
                (expr, true) => quote!(let last = #expr?.last()?;),
                (expr, false) => quote!(let last = #expr.last()?;),
            };
            let found = match borrowed_path(quote!(last), key) {
                (expr, true) => quote!(let next = #expr?;),
                (expr, false) => quote!(let next = #expr;),
            };
            let moved = cursor_moved(p, key_ty);
            quote! {
                #more
                #last
                #found
                #moved
                Some(runtime::NextPage::Parameters(operation))
            }
        }
        ir::PageKind::Offset { param } => {
            let p = op.params.get(*param)?;
            let name = ident(&p.rust_name);
            let ty = ty_tokens(&p.ty, Scope::Sibling);
            let count = counted_items(&paging.items);
            quote! {
                let count = #count;
                if count == 0 { return None; }
                let mut operation = self.clone();
                operation.#name = Some(self.#name.unwrap_or(0).checked_add(#ty::try_from(count).ok()?)?);
                Some(runtime::NextPage::Parameters(operation))
            }
        }
    };
    let items = owned_items(&paging.items);
    let impl_lifetime = lifetime.map(|_| quote!(<'a>));
    let (pages, every) = (ident(&paging.methods.0), ident(&paging.methods.1));
    let how = match &paging.kind {
        ir::PageKind::Link => "following the `Link` header of each response (`rel=\"next\"`)",
        ir::PageKind::Cursor { .. } => "sending each page's next cursor in the next request",
        ir::PageKind::Offset { .. } => "moving the offset on by each page's number of items",
        ir::PageKind::After { .. } => "asking each time for the items after the last one",
    };
    let pages_doc = super::docs::own_docs(&format!(
        "Every page of the list, from this request's on, {how}: a stream that sends the \
         next request when the next page is asked for. A failed request is its last item."
    ));
    let items_doc = super::docs::own_docs(&format!(
        "Every item of the list, page after page, {how}: a stream that asks for the next \
         page when the items of one run out. A failed request is its last item."
    ));
    Some(quote! {
        impl #impl_lifetime runtime::Paginated for #builder #lifetime {
            type Item = #item;
            #[inline]
            fn next_page(&self, page: &runtime::Response<Self::Success>) -> Option<runtime::NextPage<Self>> {
                #next
            }
            #[inline]
            fn page_items(page: Self::Success) -> Vec<Self::Item> {
                #items
            }
        }

        impl<'a> runtime::Request<'a, #builder #lifetime> {
            #pages_doc
            pub fn #pages(self) -> runtime::PageStream<'a, #builder #lifetime> {
                runtime::page_stream(self)
            }
            #items_doc
            pub fn #every(self) -> runtime::ItemStream<'a, #builder #lifetime> {
                runtime::item_stream(self)
            }
        }
    })
}

/// Statements reading the cursor `next` (of type `next_ty`, borrowed) for the parameter
/// `p`, and making `operation`, this request with it; `None` when it is empty or the
/// same as this request's.
fn cursor_moved(p: &Param, next_ty: &Ty) -> TokenStream {
    let name = ident(&p.rust_name);
    let (read, unchanged, stored) = if p.ty == Ty::String {
        let text = if *next_ty == Ty::String {
            quote!(let next = next.as_str();)
        } else {
            quote!(let next = next.to_string(); let next = next.as_str();)
        };
        (
            quote! {
                #text
                if next.is_empty() { return None; }
            },
            quote!(self.#name.as_deref() == Some(next)),
            quote!(std::borrow::Cow::Owned(next.to_owned())),
        )
    } else {
        let ty = ty_tokens(&p.ty, Scope::Sibling);
        let read = if *next_ty == p.ty {
            quote!(let next = *next;)
        } else {
            quote!(let next = #ty::try_from(*next).ok()?;)
        };
        (read, quote!(self.#name == Some(next)), quote!(next))
    };
    quote! {
        #read
        // A cursor that does not move would fetch the same page forever.
        if #unchanged { return None; }
        let mut operation = self.clone();
        operation.#name = Some(#stored);
    }
}

/// A reference to the value at the end of `steps` from `root` (a response, which derefs
/// to its body, or an item), and whether it is an `Option` (an optional field on the
/// way).
fn borrowed_path(root: TokenStream, steps: &[ir::PageStep]) -> (TokenStream, bool) {
    let mut expr = root;
    let mut optional = false;
    for step in steps {
        let field = ident(&step.rust_name);
        expr = match (optional, step.optional) {
            (false, false) => quote!(#expr.#field),
            (false, true) => quote!(#expr.#field.as_ref()),
            (true, false) => quote!(#expr.map(|value| &value.#field)),
            (true, true) => quote!(#expr.and_then(|value| value.#field.as_ref())),
        };
        optional |= step.optional;
    }
    if optional {
        (expr, true)
    } else {
        (quote!(&#expr), false)
    }
}

/// `let next = ...;`: the next cursor, returning `None` when it is absent.
fn next_cursor(steps: &[ir::PageStep]) -> TokenStream {
    match borrowed_path(quote!(page), steps) {
        (expr, true) => quote!(let next = #expr?;),
        (expr, false) => quote!(let next = #expr;),
    }
}

/// The number of items of `page` (a response), the list at the end of `steps`.
fn counted_items(steps: &[ir::PageStep]) -> TokenStream {
    match borrowed_path(quote!(page), steps) {
        (expr, true) => quote!(#expr.map_or(0, Vec::len)),
        (expr, false) => quote!(#expr.len()),
    }
}

/// The items of `page` (a body, taken), the list at the end of `steps`; none when an
/// optional field on the way is absent.
fn owned_items(steps: &[ir::PageStep]) -> TokenStream {
    let mut expr = quote!(page);
    let mut optional = false;
    for step in steps {
        let field = ident(&step.rust_name);
        expr = match (optional, step.optional) {
            (false, _) => quote!(#expr.#field),
            (true, false) => quote!(#expr.map(|value| value.#field)),
            (true, true) => quote!(#expr.and_then(|value| value.#field)),
        };
        optional |= step.optional;
    }
    if optional {
        quote!(#expr.unwrap_or_default())
    } else {
        expr
    }
}
