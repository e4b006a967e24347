//! The `requests` module: for each operation, the `Client` method that starts it and the
//! request builder that carries optional parameters and sends it when awaited.

use proc_macro2::TokenStream;
use quote::quote;

use super::client::Credentials;
use super::docs::{doc_attrs, doc_paragraphs};
use super::{Scope, ty_tokens};
use crate::ir::{self, Operation, Param, ParamLocation, PathSegment, SecurityKind, Ty};
use crate::names::ident;

/// The module's items.
pub(crate) fn requests(api: &ir::Api) -> TokenStream {
    let credentials = Credentials::of(api);
    let ops = api
        .operations
        .iter()
        .map(|op| operation(api, &credentials, op));
    let deprecated = api
        .operations
        .iter()
        .any(|op| op.deprecated || op.params.iter().any(|p| p.deprecated));
    let allow = deprecated.then(|| quote!(#![allow(deprecated)]));
    let uses_types = api.operations.iter().any(|op| {
        let mut tys = op
            .params
            .iter()
            .map(|p| &p.ty)
            .chain(op.body.iter().map(|b| &b.ty));
        tys.any(mentions_named)
            || op.success.as_ref().is_some_and(mentions_named)
            || op.error.as_ref().is_some_and(mentions_named)
    });
    let types_use = uses_types.then(|| {
        quote!(
            use super::types;
        )
    });
    quote! {
        //! One request builder per operation. Each `Client` method returns a builder; set
        //! optional parameters on it, then `.await` it (or call `send`) to send the request.
        #allow

        use super::{Client, runtime};
        #types_use

        #(#ops)*
    }
}

fn mentions_named(ty: &Ty) -> bool {
    match ty {
        Ty::Named(_) => true,
        Ty::Option(inner) | Ty::Vec(inner) | Ty::Map(inner) | Ty::Box(inner) => {
            mentions_named(inner)
        }
        _ => false,
    }
}

/// How a parameter is taken and stored: strings are borrowed, everything else owned.
fn param_type(ty: &Ty) -> TokenStream {
    match ty {
        Ty::String => quote!(&'a str),
        other => ty_tokens(other, Scope::Sibling),
    }
}

fn operation(api: &ir::Api, credentials: &Credentials<'_>, op: &Operation) -> TokenStream {
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
        let ty = param_type(&p.ty);
        args.push(quote!(#name: #ty));
        inits.push(quote!(#name,));
    }
    for p in &optional {
        let name = ident(&p.rust_name);
        inits.push(quote!(#name: None,));
    }
    let body_ty = op.body.as_ref().map(|b| ty_tokens(&b.ty, Scope::Sibling));
    if let Some(body_ty) = &body_ty {
        if body_required {
            args.push(quote!(body: &'a #body_ty));
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
        let ty = param_type(&p.ty);
        fields.push(quote!(#name: #ty,));
    }
    let mut setters = Vec::new();
    for p in &optional {
        let name = ident(&p.rust_name);
        let ty = param_type(&p.ty);
        fields.push(quote!(#name: Option<#ty>,));
        let docs = doc_paragraphs([p.docs.as_deref()]);
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
            fields.push(quote!(body: &'a #body_ty,));
        } else {
            fields.push(quote!(body: Option<&'a #body_ty>,));
            let docs = doc_paragraphs([Some("The request body."), body.docs.as_deref()]);
            setters.push(quote! {
                #docs
                pub fn body(mut self, body: &'a #body_ty) -> Self {
                    self.body = Some(body);
                    self
                }
            });
        }
    }

    let success = op
        .success
        .as_ref()
        .map_or(quote!(()), |t| ty_tokens(t, Scope::Sibling));
    let error = op
        .error
        .as_ref()
        .map_or(quote!(serde_json::Value), |t| ty_tokens(t, Scope::Sibling));
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

/// The statements of `send`: URL, query, headers, credentials, body, dispatch, decoding.
fn send_body(api: &ir::Api, credentials: &Credentials<'_>, op: &Operation) -> TokenStream {
    // The URL: base URL and path, parameters percent-encoded.
    let mut parts = vec![quote!(&client.base_url)];
    for segment in &op.path_segments {
        match segment {
            PathSegment::Literal(text) => parts.push(quote!(#text)),
            PathSegment::Param(i) => {
                let name = ident(&op.params[*i].rust_name);
                parts.push(quote!(&runtime::path_param(&self.#name)));
            }
        }
    }
    let has_query = op.params.iter().any(|p| p.location == ParamLocation::Query);
    let url_mut = has_query.then(|| quote!(mut));

    let query = op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Query)
        .map(|p| {
            let name = ident(&p.rust_name);
            let wire = &p.wire_name;
            let value = text_value(&p.ty);
            if p.required {
                let value = value(quote!(self.#name));
                quote!(url.query_pairs_mut().append_pair(#wire, #value);)
            } else {
                let value = value(quote!(value));
                quote! {
                    if let Some(value) = &self.#name {
                        url.query_pairs_mut().append_pair(#wire, #value);
                    }
                }
            }
        });

    let headers = op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Header)
        .map(|p| {
            let name = ident(&p.rust_name);
            let wire = p.wire_name.to_ascii_lowercase();
            let value = text_value(&p.ty);
            if p.required {
                let value = value(quote!(self.#name));
                quote!(runtime::header(&mut request, #wire, #value)?;)
            } else {
                let value = value(quote!(value));
                quote! {
                    if let Some(value) = &self.#name {
                        runtime::header(&mut request, #wire, #value)?;
                    }
                }
            }
        });

    let method = http_method(op.method);
    let accept = op.success.as_ref().map(|_| quote!(runtime::static_header(&mut request, reqwest::header::ACCEPT, "application/json");));
    let auth = authorize(api, credentials, op);
    let body = op.body.as_ref().map(|b| {
        let media = &b.media_type;
        if b.required {
            quote!(runtime::json_body(&mut request, #media, self.body)?;)
        } else {
            quote! {
                if let Some(body) = self.body {
                    runtime::json_body(&mut request, #media, body)?;
                }
            }
        }
    });
    let decode = match op.success {
        Some(_) => quote!(runtime::json_response(response).await),
        None => quote!(runtime::empty_response(response).await),
    };
    let headers: Vec<TokenStream> = headers.collect();
    let request_mut =
        (accept.is_some() || !headers.is_empty() || !auth.is_empty() || body.is_some())
            .then(|| quote!(mut));
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

/// How a parameter value becomes text: strings as they are, everything else by `Display`.
fn text_value(ty: &Ty) -> impl Fn(TokenStream) -> TokenStream {
    let is_str = matches!(ty, Ty::String);
    move |value| {
        if is_str {
            quote!(#value)
        } else {
            quote!(&#value.to_string())
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
