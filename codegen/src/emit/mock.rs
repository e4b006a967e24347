//! The `mock` module (behind the generated crate's `mock` feature): for each operation, a
//! typed mock on a `wiremock` server that matches the operation's method and path, and the
//! path and query parameters and body a test names, and answers with values of the spec's
//! types.

use proc_macro2::TokenStream;
use quote::quote;

use super::refs::Refs;
use super::{Scope, ty_tokens};
use crate::ir::{self, Operation, Outcome, Param, ParamLocation, ParamShape, ResponseBody, Ty};
use crate::names::ident;

/// The module's docs and imports: what its items (read into `refs`) use.
pub(crate) fn preamble(api: &ir::Api, refs: &Refs) -> TokenStream {
    let siblings = ["requests", "runtime", "types"]
        .into_iter()
        .filter_map(|name| {
            let gate = refs.uses(name)?;
            let name = ident(name);
            Some((quote!(#name), gate))
        })
        .collect();
    let siblings_use = super::gated_use(api, quote!(use super), siblings);
    // Mocks answer with the response types, deprecated or not.
    let allow = (api.deprecates_types() || api.operations.iter().any(|op| op.deprecated))
        .then(|| quote!(#![allow(deprecated)]));
    quote! {
        //! Typed mocks of the API's operations, for testing code that uses this client
        //! against a [`wiremock::MockServer`] on your machine: each function mocks one
        //! operation, matches its method and path (and the parameters and body you name),
        //! and answers with values of the spec's types.
        //!
        //! ```text
        //! let server = wiremock::MockServer::start().await;
        //! mock::some_operation().some_parameter(42).respond(200, &body).mount(&server).await;
        //! let client = Client::builder(/* credentials */).base_url(server.uri()).build()?;
        //! ```
        //!
        //! Header parameters, and path and query parameters that are arrays, objects or
        //! JSON, are not matched.
        #allow

        #siblings_use
    }
}

/// The text a scalar parameter's value is matched by, as an expression of `value`.
fn matched(p: &Param) -> Option<TokenStream> {
    if p.shape != ParamShape::Scalar {
        return None;
    }
    let wire = &p.wire_name;
    let value = match &p.ty {
        Ty::DateTime => {
            quote!(&value.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
        }
        _ => quote!(&value),
    };
    match p.location {
        ParamLocation::Path => Some(quote!(runtime::mock_path(self.0, #wire, #value))),
        ParamLocation::Query => Some(quote!(runtime::mock_query(self.0, #wire, #value))),
        ParamLocation::Header => None,
    }
}

/// How a value of `ty` is taken by a mock's setter.
fn setter_type(ty: &Ty) -> TokenStream {
    match ty {
        Ty::String => quote!(&str),
        other => ty_tokens(other, Scope::Sibling),
    }
}

/// One operation's mock: the function that starts it, and its type.
pub(crate) fn operation(op: &Operation) -> TokenStream {
    let function = ident(&op.rust_name);
    let name = ident(&op.builder_name);
    let lifetime = super::requests::borrows(op).then(|| quote!(<'static>));
    let summary = format!(
        " Mocks [`Client::{}`](super::Client::{}): {}.",
        op.rust_name,
        op.rust_name,
        super::docs::code(&format!("{} {}", op.method.as_str(), op.path))
    );
    let type_doc = format!(
        " A mock of [`Client::{}`](super::Client::{}), matching any of its requests until \
         setters narrow it.",
        op.rust_name, op.rust_name
    );
    let mut setters: Vec<TokenStream> = op
        .params
        .iter()
        .filter_map(|p| {
            let matched = matched(p)?;
            let setter = ident(&p.rust_name);
            let ty = setter_type(&p.ty);
            let doc = format!(
                " Matches only requests whose {} parameter {} is `value`.",
                match p.location {
                    ParamLocation::Path => "path",
                    _ => "query",
                },
                super::docs::code(&p.wire_name)
            );
            Some(quote! {
                #[doc = #doc]
                pub fn #setter(self, value: #ty) -> Self {
                    Self(#matched)
                }
            })
        })
        .collect();
    if let Some(body) = op
        .body
        .as_ref()
        .filter(|b| b.encoding == ir::BodyEncoding::Json)
    {
        let ty = ty_tokens(&body.ty, Scope::Sibling);
        setters.push(quote! {
            /// Matches only requests whose body is `body`, as JSON: the same fields left
            /// out, sent as `null` and set.
            pub fn body(self, body: &#ty) -> Self {
                Self(runtime::mock_body(self.0, body))
            }
        });
    }
    let respond = answer(
        Some(&op.success),
        quote!(respond),
        " Answers with `status` and `body`, a success of the operation.",
    );
    let respond_error = answer(
        op.error.as_ref(),
        quote!(respond_error),
        " Answers with `status` and `body`, an error of the operation.",
    );
    quote! {
        #[doc = #summary]
        pub fn #function() -> #name {
            #name(runtime::mock_request(
                <requests::#name #lifetime as runtime::Operation>::INFO,
            ))
        }

        #[doc = #type_doc]
        #[derive(Clone, Debug)]
        #[must_use = "a mock does nothing until it answers and is mounted on a server"]
        pub struct #name(runtime::MockRequest);

        impl #name {
            #(#setters)*

            #respond

            #respond_error
        }
    }
}

/// A method answering with a response of `outcome`: typed by its body, generic over what
/// the status says when statuses differ.
fn answer(outcome: Option<&Outcome>, method: TokenStream, doc: &str) -> TokenStream {
    match outcome {
        Some(Outcome::Single(ResponseBody::Json(ty))) => {
            let ty = ty_tokens(ty, Scope::Sibling);
            quote! {
                #[doc = #doc]
                pub fn #method(self, status: u16, body: &#ty) -> wiremock::Mock {
                    runtime::mock_json(self.0, status, body)
                }
            }
        }
        Some(Outcome::Single(ResponseBody::Text)) => quote! {
            #[doc = #doc]
            pub fn #method(self, status: u16, body: &str) -> wiremock::Mock {
                runtime::mock_text(self.0, status, body)
            }
        },
        Some(Outcome::Single(ResponseBody::Binary)) => quote! {
            #[doc = #doc]
            pub fn #method(self, status: u16, body: &[u8]) -> wiremock::Mock {
                runtime::mock_bytes(self.0, status, body)
            }
        },
        Some(Outcome::Single(ResponseBody::Events(events))) => {
            let doc = format!("{doc} The body is a stream of these events' data.");
            match &events.data {
                Some(ty) => {
                    let ty = ty_tokens(ty, Scope::Sibling);
                    quote! {
                        #[doc = #doc]
                        pub fn #method(self, status: u16, body: &[#ty]) -> wiremock::Mock {
                            runtime::mock_events(self.0, status, body)
                        }
                    }
                }
                None => quote! {
                    #[doc = #doc]
                    pub fn #method(self, status: u16, body: &[&str]) -> wiremock::Mock {
                        runtime::mock_text_events(self.0, status, body)
                    }
                },
            }
        }
        Some(Outcome::ByStatus(_)) => {
            let doc = format!("{doc} The body is of the type the spec gives `status`.");
            quote! {
                #[doc = #doc]
                pub fn #method<T: serde::Serialize + ?Sized>(self, status: u16, body: &T) -> wiremock::Mock {
                    runtime::mock_json(self.0, status, body)
                }
            }
        }
        Some(Outcome::Single(ResponseBody::Empty)) | None => {
            let doc = doc.replace(" and `body`", " and no body");
            quote! {
                #[doc = #doc]
                pub fn #method(self, status: u16) -> wiremock::Mock {
                    runtime::mock_empty(self.0, status)
                }
            }
        }
    }
}
