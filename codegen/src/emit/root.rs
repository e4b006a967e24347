//! The crate root, `src/lib.rs`: the crate's documentation (with its features and what
//! each is for), lints, modules, and the re-exports that make the crate alone enough to
//! call the API.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir;

/// The crates whose types a generated crate's API can name, which it re-exports when it
/// depends on them, so that the crate alone is enough to call it.
pub(crate) const REEXPORTED: [&str; 3] = ["chrono", "serde_json", "uuid"];

/// The items re-exported next to `types`: the client, the runtime's public types, and the
/// crates whose types the API names.
pub(crate) fn exports(
    api: &ir::Api,
    runtime: &super::runtime::Selection,
    dependencies: &super::manifest::Dependencies,
) -> TokenStream {
    let crates = REEXPORTED
        .into_iter()
        .filter(|name| dependencies.contains(name))
        .map(|name| {
            let krate = proc_macro2::Ident::new(name, proc_macro2::Span::call_site());
            let doc = format!(
                " The `{name}` crate, whose types this crate's API names, in the version it uses."
            );
            quote! {
                #[doc = #doc]
                #[doc(no_inline)]
                pub use #krate;
            }
        });
    let mock = (!api.operations.is_empty() && dependencies.contains("wiremock")).then(|| {
        quote! {
            /// The mock server [`mock`]'s mocks mount on, in the version this crate uses.
            #[cfg(feature = "mock")]
            #[doc(no_inline)]
            pub use wiremock;
        }
    });
    let client = (!api.operations.is_empty()).then(|| {
        quote! {
            #[rustfmt::skip]
            pub use client::{Client, ClientBuilder, DEFAULT_BASE_URL, DEFAULT_BODY_LIMIT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT};
            /// The HTTP library the client sends with, for writing a [`Hook`] or passing
            /// [`ClientBuilder::http_client`] a client of your own, in the version this
            /// crate uses.
            #[doc(no_inline)]
            pub use reqwest;
        }
    });
    // What only a feature of the crate compiles is re-exported under it.
    let mut by_feature: std::collections::BTreeMap<Option<&str>, Vec<(TokenStream, ir::Gate)>> =
        Default::default();
    for (name, gate, feature) in runtime.exports() {
        let name = proc_macro2::Ident::new(name, proc_macro2::Span::call_site());
        by_feature
            .entry(feature)
            .or_default()
            .push((quote!(#name), gate.clone()));
    }
    let runtime = by_feature.into_iter().map(|(feature, names)| {
        let head = match feature {
            Some(feature) => quote!(#[cfg(feature = #feature)] #[rustfmt::skip] pub use runtime),
            None => quote!(#[rustfmt::skip] pub use runtime),
        };
        super::gated_use(api, head, names)
    });
    let runtime = quote!(#(#runtime)*);
    quote!(#client #runtime #(#crates)* #mock)
}

/// The crate root: documentation (with the crate's features and what each is for), lints,
/// modules and re-exports.
pub(crate) fn crate_root(
    api: &ir::Api,
    runtime: &super::runtime::Selection,
    dependencies: &super::manifest::Dependencies,
    features: &[(String, String)],
) -> TokenStream {
    let title = format!(
        " {}",
        super::docs::one_line(&format!(
            "Client for {} {}.",
            super::api_name(&api.title),
            api.version
        ))
    );
    let description = super::docs::sanitize(api.description.as_deref().unwrap_or(""));
    let description = description.iter().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote!(#![doc = #line])
    });
    let blank = api.description.as_ref().map(|_| quote!(#![doc = ""]));

    // A build without every tag's operations can leave parts of the runtime unused (all
    // of what sends requests, without any); the full build still finds dead code.
    let partial = (!api.features.is_empty()).then(|| {
        let all = api.features.iter().map(|f| &f.name);
        quote!(#[cfg_attr(not(all(#(feature = #all),*)), allow(dead_code))])
    });
    let runtime_mod = (!runtime.is_empty()).then(|| {
        quote! {
            #partial
            #[rustfmt::skip]
            mod runtime;
        }
    });
    let (about, client_mods) = if !api.operations.is_empty() {
        (
            quote! {
                //!
                //! [`Client`] sends the requests, one method per operation; [`types`] holds the
                //! request and response types.
            },
            quote! {
                #[rustfmt::skip]
                mod client;
                #[cfg(feature = "mock")]
                #[rustfmt::skip]
                pub mod mock;
                #[rustfmt::skip]
                pub mod requests;
            },
        )
    } else {
        (
            quote! {
                //!
                //! The spec describes no operations; [`types`] holds its schemas.
            },
            quote!(),
        )
    };
    let exports = exports(api, runtime, dependencies);
    let features = (!features.is_empty()).then(|| {
        let items = features.iter().map(|(name, about)| {
            let line = format!(" - `{name}`: {about}");
            quote!(#![doc = #line])
        });
        quote! {
            //!
            //! # Cargo features
            //!
            #(#items)*
        }
    });
    let recursion_limit = api.recursion_limit.map(|limit| {
        let limit = limit.to_string();
        quote!(#![recursion_limit = #limit])
    });
    quote! {
        #![doc = #title]
        #blank
        #(#description)*
        #about
        #features
        //!
        //! Every file of this crate is generated from the OpenAPI document: change the document
        //! and regenerate rather than editing here.
        #![forbid(unsafe_code)]
        #![warn(missing_docs)]
        #recursion_limit

        #client_mods
        #runtime_mod
        #[rustfmt::skip]
        pub mod types;

        #exports
    }
}
