//! The `requests` module: for each operation, the `Client` method that starts it and the
//! request builder that carries optional parameters and sends it when awaited.

use proc_macro2::TokenStream;
use quote::quote;

use super::client::Credentials;
use super::docs::{doc_attrs, doc_paragraphs};
use super::{Scope, ty_tokens};
use crate::ir::{
    self, BodyEncoding, FieldRepr, Operation, Outcome, Param, ParamLocation, ParamShape,
    ParamStyle, PathSegment, ResponseBody, SecurityKind, StatusMatch, Ty, TypeKind,
};
use crate::names::ident;

/// The whole module: preamble and every operation.
pub(crate) fn requests(api: &ir::Api) -> TokenStream {
    let credentials = Credentials::of(api);
    let preamble = preamble(api);
    let ops = api
        .operations
        .iter()
        .map(|op| operation(api, &credentials, op));
    quote!(#preamble #(#ops)*)
}

/// The module's docs and imports.
pub(crate) fn preamble(api: &ir::Api) -> TokenStream {
    let deprecated = api
        .operations
        .iter()
        .any(|op| op.deprecated || op.params.iter().any(|p| p.deprecated));
    let allow = deprecated.then(|| quote!(#![allow(deprecated)]));
    let uses_types = api.operations.iter().any(|op| {
        let named = |ty: &Ty| ty.mentions(&|t| matches!(t, Ty::Named(_)));
        let outcome = |o: &Outcome| match o {
            Outcome::ByStatus(_) => true,
            Outcome::Single(ResponseBody::Json(ty)) => named(ty),
            Outcome::Single(_) => false,
        };
        op.params.iter().any(|p| named(&p.ty))
            || op.body.as_ref().is_some_and(|b| named(&b.ty))
            || outcome(&op.success)
            || op.error.as_ref().is_some_and(outcome)
    });
    let types_use = uses_types.then(|| {
        quote!(
            use super::types;
        )
    });
    let patch_use = api
        .operations
        .iter()
        .any(|op| {
            multipart_fields(api, op)
                .is_some_and(|fields| fields.iter().any(|f| f.repr == FieldRepr::Patch))
        })
        .then(|| {
            quote!(
                use super::runtime::Patch;
            )
        });
    quote! {
        //! One request builder per operation. Each `Client` method returns a builder; set
        //! optional parameters on it, then `.await` it (or call `send`) to send the request.
        #allow

        use super::{Client, runtime};
        #patch_use
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
        BodyEncoding::Binary => quote!(&'a [u8]),
        BodyEncoding::Json | BodyEncoding::Form | BodyEncoding::Multipart => {
            let ty = ty_tokens(&body.ty, Scope::Sibling);
            quote!(&'a #ty)
        }
    }
}

/// One operation: its `Client` method and request builder.
pub(crate) fn operation(
    api: &ir::Api,
    credentials: &Credentials<'_>,
    op: &Operation,
) -> TokenStream {
    let method_name = ident(&op.rust_name);
    let builder = ident(&op.builder_name);
    let required: Vec<&Param> = op.params.iter().filter(|p| p.required).collect();
    let optional: Vec<&Param> = op.params.iter().filter(|p| !p.required).collect();
    let body_required = op.body.as_ref().is_some_and(|b| b.required);

    // The Client method.
    let mut args = Vec::new();
    let mut inits = vec![quote!(client: self,)];
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
    if let Some(body_ty) = &body_ty {
        if body_required {
            args.push(quote!(body: #body_ty));
            inits.push(quote!(body,));
        } else {
            inits.push(quote!(body: None,));
        }
    }

    let method_docs = method_docs(op, &required, body_required);
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));

    // The builder's fields and setters.
    let mut fields = vec![quote!(client: &'a Client,)];
    for p in &required {
        let name = ident(&p.rust_name);
        let ty = param_type(p);
        fields.push(quote!(#name: #ty,));
    }
    let mut setters = Vec::new();
    for p in &optional {
        let name = ident(&p.rust_name);
        let ty = param_type(p);
        fields.push(quote!(#name: Option<#ty>,));
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
                self.#name = Some(value);
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
            setters.push(quote! {
                #docs
                pub fn body(mut self, body: #body_ty) -> Self {
                    self.body = Some(body);
                    self
                }
            });
        }
    }

    let success = success_type(&op.success);
    let error = error_type(op.error.as_ref());
    let output = quote!(Result<runtime::Response<#success>, runtime::Error<#error>>);
    let send_body = send_body(api, credentials, op);

    let builder_doc = format!(
        " A request to [`Client::{method_name}`]: set optional parameters, then `.await` it"
    );

    quote! {
        impl Client {
            #method_docs
            #deprecated
            pub fn #method_name<'a>(&'a self, #(#args),*) -> #builder<'a> {
                #builder {
                    #(#inits)*
                }
            }
        }

        #[doc = #builder_doc]
        /// or call [`send`](Self::send).
        #[derive(Clone, Debug)]
        #[must_use = "a request does nothing until it is awaited or sent"]
        pub struct #builder<'a> {
            #(#fields)*
        }

        impl<'a> #builder<'a> {
            #(#setters)*

            /// Sends the request and decodes the response.
            pub async fn send(self) -> #output {
                #send_body
            }
        }

        impl<'a> IntoFuture for #builder<'a> {
            type Output = #output;
            type IntoFuture = runtime::BoxFuture<'a, Self::Output>;

            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }
    }
}

fn body_tokens(body: &ResponseBody) -> TokenStream {
    match body {
        ResponseBody::Empty => quote!(()),
        ResponseBody::Json(ty) => ty_tokens(ty, Scope::Sibling),
        ResponseBody::Text => quote!(String),
        ResponseBody::Binary => quote!(Vec<u8>),
    }
}

fn success_type(outcome: &Outcome) -> TokenStream {
    match outcome {
        Outcome::Single(body) => body_tokens(body),
        Outcome::ByStatus(name) => {
            let name = ident(name);
            quote!(types::#name)
        }
    }
}

fn error_type(outcome: Option<&Outcome>) -> TokenStream {
    match outcome {
        None | Some(Outcome::Single(ResponseBody::Empty)) => quote!(serde_json::Value),
        Some(outcome) => success_type(outcome),
    }
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
    push(&format!(
        "`{} {}`",
        op.method.as_str(),
        op.path.replace('`', "'")
    ));
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
    doc_attrs(&text)
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

/// The runtime's name for a parameter style.
fn style_tokens(style: ParamStyle) -> TokenStream {
    match style {
        ParamStyle::Form { explode: true } => quote!(runtime::Style::FormExploded),
        ParamStyle::Form { explode: false } => quote!(runtime::Style::Form),
        ParamStyle::SpaceDelimited => quote!(runtime::Style::SpaceDelimited),
        ParamStyle::PipeDelimited => quote!(runtime::Style::PipeDelimited),
        ParamStyle::DeepObject => quote!(runtime::Style::DeepObject),
        ParamStyle::Simple { explode: false } => quote!(runtime::Style::Simple),
        ParamStyle::Simple { explode: true } => quote!(runtime::Style::SimpleExploded),
    }
}

/// Statements writing one parameter, reading it from `value` (a reference to it).
fn write_param(p: &Param, value: TokenStream) -> TokenStream {
    let wire = &p.wire_name;
    let scalar = p.shape == ParamShape::Scalar;
    match p.location {
        ParamLocation::Query if scalar => {
            let text = scalar_text(&p.ty, value);
            quote!(url.query_pairs_mut().append_pair(#wire, #text);)
        }
        ParamLocation::Query => {
            let style = style_tokens(p.style);
            quote!(runtime::query(&mut url, #wire, #value, #style)?;)
        }
        ParamLocation::Header => {
            let name = p.wire_name.to_ascii_lowercase();
            if scalar {
                let text = scalar_text(&p.ty, value);
                quote!(runtime::header(&mut request, #name, #text)?;)
            } else {
                let style = style_tokens(p.style);
                quote!(runtime::header(&mut request, #name, &runtime::simple(#wire, #value, #style)?)?;)
            }
        }
        // Path parameters are part of the URL text.
        ParamLocation::Path => quote!(),
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

/// The statements of `send`: URL, query, headers, credentials, body, dispatch, decoding.
fn send_body(api: &ir::Api, credentials: &Credentials<'_>, op: &Operation) -> TokenStream {
    // The URL: base URL and path, parameters percent-encoded.
    let mut parts = vec![quote!(&client.base_url)];
    for segment in &op.path_segments {
        match segment {
            PathSegment::Literal(text) => parts.push(quote!(#text)),
            PathSegment::Param(i) => {
                let p = &op.params[*i];
                let name = ident(&p.rust_name);
                let wire = &p.wire_name;
                if p.shape == ParamShape::Scalar {
                    let text = match &p.ty {
                        Ty::DateTime => {
                            quote!(self.#name.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
                        }
                        _ => quote!(self.#name),
                    };
                    parts.push(quote!(&runtime::path_param(&#text)));
                } else {
                    let style = style_tokens(p.style);
                    parts.push(quote!(&runtime::simple_path(#wire, self.#name, #style)?));
                }
            }
        }
    }
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
    let accept = accepts_json.then(|| quote!(runtime::accept_json(&mut request);));
    let auth = authorize(api, credentials, op);
    let body = op.body.as_ref().map(|b| {
        if b.required {
            write_body(api, op, b, quote!(self.body))
        } else {
            let write = write_body(api, op, b, quote!(body));
            quote! {
                if let Some(body) = self.body {
                    #write
                }
            }
        }
    });
    let request_mut =
        (accept.is_some() || !headers.is_empty() || !auth.is_empty() || body.is_some())
            .then(|| quote!(mut));
    let decode = decode(api, op);
    quote! {
        let client = self.client;
        let #url_mut url = runtime::url(&[#(#parts),*])?;
        #(#query)*
        let #request_mut request = reqwest::Request::new(#method, url);
        #accept
        #(#headers)*
        #auth
        #body
        let response = runtime::send(&client.http, request).await?;
        #decode
    }
}

/// The struct fields of a multipart body, if the operation has one.
fn multipart_fields<'a>(api: &'a ir::Api, op: &Operation) -> Option<&'a [ir::Field]> {
    let body = op
        .body
        .as_ref()
        .filter(|b| b.encoding == BodyEncoding::Multipart)?;
    let Ty::Named(name) = &body.ty else {
        return None;
    };
    match api.find_type(name).map(|t| &t.kind) {
        Some(TypeKind::Struct(s)) => Some(&s.fields),
        _ => None,
    }
}

/// Statements putting the body (bound to `body`) on the request.
fn write_body(api: &ir::Api, op: &Operation, b: &ir::Body, body: TokenStream) -> TokenStream {
    let media = &b.media_type;
    match b.encoding {
        BodyEncoding::Json => quote!(runtime::json_body(&mut request, #media, #body)?;),
        BodyEncoding::Form => quote!(runtime::form_body(&mut request, #body)?;),
        BodyEncoding::Text => {
            quote!(runtime::raw_body(&mut request, #media, #body.as_bytes().to_vec());)
        }
        BodyEncoding::Binary => quote!(runtime::raw_body(&mut request, #media, #body.to_vec());),
        BodyEncoding::Multipart => {
            let parts = multipart_fields(api, op).unwrap_or(&[]).iter().map(|f| {
                let name = ident(&f.rust_name);
                let wire = &f.wire_name;
                let file = matches!(&f.ty, Ty::Binary);
                let files = matches!(&f.ty, Ty::Vec(inner) if **inner == Ty::Binary);
                let add = |value: TokenStream| {
                    if file {
                        quote!(form.file(#wire, #value);)
                    } else if files {
                        quote! {
                            for file in #value {
                                form.file(#wire, file);
                            }
                        }
                    } else {
                        quote!(form.text(#wire, #value)?;)
                    }
                };
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
                            if let Patch::Set(value) = &#body.#name {
                                #add
                            }
                        }
                    }
                }
            });
            quote! {
                let mut form = runtime::Multipart::new();
                #(#parts)*
                form.finish(&mut request);
            }
        }
    }
}

/// Reads the response and decodes it as the operation documents.
fn decode(api: &ir::Api, op: &Operation) -> TokenStream {
    let decode_error = error_decoder(api, op.error.as_ref());
    match &op.success {
        Outcome::Single(ResponseBody::Json(_)) => {
            quote!(runtime::receive(response, #decode_error).await?.json())
        }
        Outcome::Single(ResponseBody::Text) => {
            quote!(runtime::receive(response, #decode_error).await?.text())
        }
        Outcome::Single(ResponseBody::Binary) => {
            quote!(Ok(runtime::receive(response, #decode_error).await?.bytes()))
        }
        Outcome::Single(ResponseBody::Empty) => {
            quote!(Ok(runtime::receive(response, #decode_error).await?.empty()))
        }
        Outcome::ByStatus(name) => {
            let type_name = ident(name);
            let variants = api.outcome_variants(name);
            let arms = status_arms(variants).into_iter().map(|(pattern, v)| {
                let variant = ident(&v.rust_name);
                let value = match &v.body {
                    ResponseBody::Empty => quote!(types::#type_name::#variant),
                    ResponseBody::Json(_) => {
                        quote!(types::#type_name::#variant(received.decode()?))
                    }
                    ResponseBody::Text => {
                        quote!(types::#type_name::#variant(received.decode_text()?))
                    }
                    ResponseBody::Binary => {
                        quote!(types::#type_name::#variant(received.decode_bytes()))
                    }
                };
                quote!(#pattern => #value,)
            });
            quote! {
                let received = runtime::receive(response, #decode_error).await?;
                let body = match received.status() {
                    #(#arms)*
                    _ => return Err(received.undocumented()),
                };
                Ok(received.with(body))
            }
        }
    }
}

/// Match arms over a status code for outcome variants: exact codes first, then ranges,
/// then `default` (as `_`).
fn status_arms(variants: &[ir::OutcomeVariant]) -> Vec<(TokenStream, &ir::OutcomeVariant)> {
    let mut arms = Vec::new();
    for v in variants {
        if let StatusMatch::Code(code) = v.status {
            arms.push((quote!(#code), v));
        }
    }
    for v in variants {
        if let StatusMatch::Range(class) = v.status {
            let (low, high) = (class * 100, class * 100 + 99);
            arms.push((quote!(#low..=#high), v));
        }
    }
    for v in variants {
        if v.status == StatusMatch::Default {
            arms.push((quote!(_), v));
        }
    }
    arms
}

/// The function that turns an error body into the operation's error type.
fn error_decoder(api: &ir::Api, outcome: Option<&Outcome>) -> TokenStream {
    match outcome {
        None | Some(Outcome::Single(ResponseBody::Empty)) => {
            quote!(runtime::json_error::<serde_json::Value>)
        }
        Some(Outcome::Single(ResponseBody::Json(ty))) => {
            let ty = ty_tokens(ty, Scope::Sibling);
            quote!(runtime::json_error::<#ty>)
        }
        Some(Outcome::Single(ResponseBody::Text)) => quote!(runtime::text_error),
        Some(Outcome::Single(ResponseBody::Binary)) => quote!(runtime::binary_error),
        Some(Outcome::ByStatus(name)) => {
            let type_name = ident(name);
            let variants = api.outcome_variants(name);
            let arms: Vec<TokenStream> = status_arms(variants)
                .into_iter()
                .map(|(pattern, v)| {
                    let variant = ident(&v.rust_name);
                    let value = match &v.body {
                        ResponseBody::Empty => quote!(Some(types::#type_name::#variant)),
                        ResponseBody::Json(_) => quote!(runtime::json_error(status, body).map(types::#type_name::#variant)),
                        ResponseBody::Text => quote!(runtime::text_error(status, body).map(types::#type_name::#variant)),
                        ResponseBody::Binary => quote!(runtime::binary_error(status, body).map(types::#type_name::#variant)),
                    };
                    quote!(#pattern => #value,)
                })
                .collect();
            let fallback = (!variants.iter().any(|v| v.status == StatusMatch::Default))
                .then(|| quote!(_ => None,));
            quote! {
                |status: u16, body: &[u8]| -> Option<types::#type_name> {
                    match status {
                        #(#arms)*
                        #fallback
                    }
                }
            }
        }
    }
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

/// Applies the first of the operation's security alternatives whose credentials the client has.
fn authorize(api: &ir::Api, credentials: &Credentials<'_>, op: &Operation) -> TokenStream {
    let apply = |index: usize, holder: TokenStream| {
        let scheme = &api.security_schemes[index];
        match &scheme.kind {
            SecurityKind::Basic | SecurityKind::Bearer => quote!(#holder.apply(&mut request)?;),
            SecurityKind::ApiKeyHeader { name } => {
                let name = name.to_ascii_lowercase();
                quote!(#holder.apply_header(&mut request, #name)?;)
            }
            SecurityKind::ApiKeyQuery { name } => {
                quote!(#holder.apply_query(&mut request, #name)?;)
            }
        }
    };
    match credentials {
        Credentials::None => quote!(),
        Credentials::One(scheme) => {
            if op.security.iter().any(|alt| alt == &[0]) {
                let name = ident(&scheme.rust_name);
                apply(0, quote!(client.#name))
            } else {
                quote!()
            }
        }
        Credentials::Several(_) => {
            let branches: Vec<TokenStream> = op
                .security
                .iter()
                .map(|alternative| {
                    let names: Vec<_> = alternative
                        .iter()
                        .map(|&i| ident(&api.security_schemes[i].rust_name))
                        .collect();
                    let applies = alternative
                        .iter()
                        .zip(&names)
                        .map(|(&i, name)| apply(i, quote!(#name)));
                    match names.as_slice() {
                        [name] => quote! {
                            if let Some(#name) = &client.#name {
                                #(#applies)*
                            }
                        },
                        _ => quote! {
                            if let (#(Some(#names)),*) = (#(&client.#names),*) {
                                #(#applies)*
                            }
                        },
                    }
                })
                .collect();
            quote!(#(#branches)else*)
        }
    }
}
