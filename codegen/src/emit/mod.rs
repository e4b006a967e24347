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
pub(crate) mod root;
pub(crate) mod runtime;
pub(crate) mod types;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Api, Gate, Ty};
use crate::names::ident;

/// The `#[cfg]` attribute of code that only builds where `gate` opens compile; `None`
/// for code every build compiles.
pub(crate) fn cfg(api: &Api, gate: &Gate) -> Option<TokenStream> {
    let names = gate.features(api)?;
    let features = names.iter().map(|name| quote!(feature = #name));
    Some(if names.len() == 1 {
        quote!(#[cfg(#(#features)*)])
    } else {
        quote!(#[cfg(any(#(#features),*))])
    })
}

/// The same attribute as [`cfg`], as text.
pub(crate) fn cfg_text(names: &[&str]) -> String {
    let features: Vec<String> = names.iter().map(|n| format!("feature = \"{n}\"")).collect();
    match features.as_slice() {
        [one] => format!("#[cfg({one})]"),
        _ => format!("#[cfg(any({}))]", features.join(", ")),
    }
}

/// `head::{names};` (`head` being `use super` or `pub use runtime`, attributes first),
/// one line per gate the names are used under (every build's first), each under its
/// `#[cfg]`; nothing for no names.
pub(crate) fn gated_use(
    api: &Api,
    head: TokenStream,
    names: Vec<(TokenStream, Gate)>,
) -> TokenStream {
    let mut groups: std::collections::BTreeMap<Gate, Vec<TokenStream>> = Default::default();
    for (name, gate) in names {
        groups.entry(gate).or_default().push(name);
    }
    groups
        .into_iter()
        .map(|(gate, names)| {
            let cfg = cfg(api, &gate);
            quote!(#cfg #head::{#(#names),*};)
        })
        .collect()
}

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
