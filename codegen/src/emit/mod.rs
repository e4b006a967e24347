//! Emitting: the IR to token streams, one per generated module, plus the crate manifest
//! and the example. One small function per shape; nothing here looks at `openapiv3`.

pub(crate) mod client;
#[cfg(feature = "cli")]
pub(crate) mod conformance;
pub(crate) mod docs;
pub(crate) mod example;
pub(crate) mod manifest;
pub(crate) mod mock;
pub(crate) mod reference;
pub(crate) mod refs;
pub(crate) mod requests;
pub(crate) mod runtime;
pub(crate) mod types;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::Ty;
use crate::names::ident;

/// Where generated types are named from: inside the `types` module, from a sibling, or
/// from a crate that depends on the generated one and imports `types` and the runtime
/// items the crate root re-exports (its tests and examples).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    Types,
    Sibling,
    Dependent,
}

/// The Rust type for `ty`.
pub(crate) fn ty_tokens(ty: &Ty, scope: Scope) -> TokenStream {
    match ty {
        Ty::Bool => quote!(bool),
        Ty::I8 => quote!(i8),
        Ty::I16 => quote!(i16),
        Ty::I32 => quote!(i32),
        Ty::I64 => quote!(i64),
        Ty::U8 => quote!(u8),
        Ty::U16 => quote!(u16),
        Ty::U32 => quote!(u32),
        Ty::U64 => quote!(u64),
        Ty::F32 => quote!(f32),
        Ty::F64 => quote!(f64),
        Ty::String => quote!(String),
        Ty::DateTime => quote!(chrono::DateTime<chrono::Utc>),
        Ty::Date => quote!(chrono::NaiveDate),
        Ty::Uuid => quote!(uuid::Uuid),
        Ty::Base64 if scope == Scope::Dependent => quote!(Base64),
        Ty::Base64 => quote!(runtime::Base64),
        Ty::Binary => quote!(Vec<u8>),
        Ty::File if scope == Scope::Dependent => quote!(File),
        Ty::File => quote!(runtime::File),
        Ty::Json => quote!(serde_json::Value),
        Ty::JsonObject => quote!(serde_json::Map<String, serde_json::Value>),
        Ty::Named(name) => {
            let name = ident(name);
            match scope {
                Scope::Types => quote!(#name),
                Scope::Sibling | Scope::Dependent => quote!(types::#name),
            }
        }
        Ty::Option(inner) => {
            let inner = ty_tokens(inner, scope);
            quote!(Option<#inner>)
        }
        Ty::Vec(inner) => {
            let inner = ty_tokens(inner, scope);
            quote!(Vec<#inner>)
        }
        Ty::Map(inner) => {
            let inner = ty_tokens(inner, scope);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
        Ty::Box(inner) => {
            let inner = ty_tokens(inner, scope);
            quote!(Box<#inner>)
        }
    }
}

/// The credential type the runtime offers for a security scheme.
pub(crate) fn credential_type(kind: &crate::ir::SecurityKind) -> TokenStream {
    use crate::ir::SecurityKind as K;
    match kind {
        K::Basic => quote!(BasicAuth),
        K::Bearer => quote!(BearerToken),
        K::ApiKeyHeader { .. } | K::ApiKeyQuery { .. } => quote!(ApiKey),
    }
}

/// How to name the API in prose: "the LiveDesk API", or the title as it is when it does
/// not end in "API" ("Petstore").
pub(crate) fn api_name(title: &str) -> String {
    let title = title.trim();
    if title.to_ascii_lowercase().ends_with("api") {
        format!("the {title}")
    } else {
        title.to_owned()
    }
}
