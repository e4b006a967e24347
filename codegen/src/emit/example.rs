//! A runnable example for the generated crate: one operation, called with credentials and
//! a base URL from the environment, required parameters from the command line, and a body
//! built from the spec's own example that shows each way a field can be sent.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use super::client::Credentials;
use crate::ir::{self, EnumValue, FieldRepr, Operation, Ty, TypeKind};
use crate::names::{ident, screaming};

/// Set fields shown besides every field the example sends as `null`.
const SHOWN_VALUES: usize = 3;

/// The example's file stem and items, if some operation can be called from a command line.
pub(crate) fn example(api: &ir::Api, crate_name: &str) -> Option<(String, TokenStream)> {
    // An operation whose body has an example shows the most; otherwise the first by name.
    // Adding operations rarely moves the choice, so the example's diff stays quiet.
    let op = api
        .operations
        .iter()
        .filter(|op| callable(api, op))
        .min_by_key(|op| {
            (
                op.body.as_ref().is_none_or(|b| b.example.is_none()),
                op.rust_name.as_str(),
            )
        })?;
    let krate = ident(&crate_name.replace('-', "_"));
    let prefix = screaming(
        crate_name
            .trim_end_matches("-client")
            .trim_end_matches("_client"),
        "API",
    );
    let base_url_var = format!("{prefix}_BASE_URL");

    let (credentials, credential_vars, uses) = credentials(api, &prefix);
    let credentials_arg = (!credential_vars.is_empty()).then(|| quote!(credentials));
    let required: Vec<&ir::Param> = op.params.iter().filter(|p| p.required).collect();
    let usage = format!(
        "usage: {}{}",
        op.rust_name,
        required
            .iter()
            .map(|p| format!(" <{}>", p.rust_name))
            .collect::<String>()
    );
    let args_init =
        (!required.is_empty()).then(|| quote!(let mut args = std::env::args().skip(1);));
    let args = required.iter().map(|p| {
        let name = ident(&p.rust_name);
        let parse = match &p.ty {
            Ty::String => quote!(args.next().ok_or(#usage)?),
            Ty::Named(n) => {
                let n = ident(n);
                quote!(types::#n::from(args.next().ok_or(#usage)?.as_str()))
            }
            _ => quote!(args.next().ok_or(#usage)?.parse()?),
        };
        quote!(let #name = #parse;)
    });
    let call_args: Vec<TokenStream> = required
        .iter()
        .map(|p| {
            let name = ident(&p.rust_name);
            if p.ty == Ty::String {
                quote!(&#name)
            } else {
                quote!(#name)
            }
        })
        .collect();

    let (body_stmt, body_arg, body_uses) = match &op.body {
        Some(b) if b.required => {
            let (stmt, uses) = body(api, b);
            (stmt, Some(quote!(&body)), uses)
        }
        _ => (quote!(), None, Uses::default()),
    };
    let method = ident(&op.rust_name);
    let all_args = call_args.iter().chain(body_arg.iter());

    let mut imports = vec![quote!(Client)];
    imports.extend(uses);
    if body_uses.patch {
        imports.push(quote!(Patch));
    }
    imports.sort_by_key(ToString::to_string);
    let types_use = (body_uses.types || required.iter().any(|p| matches!(p.ty, Ty::Named(_))))
        .then(|| quote!(use #krate::types;));

    let run = format!(
        "{}cargo run --example {}{}",
        credential_vars
            .iter()
            .map(|v| format!("{v}=... "))
            .collect::<String>(),
        op.rust_name,
        if required.is_empty() {
            String::new()
        } else {
            format!(
                " --{}",
                required
                    .iter()
                    .map(|p| format!(" <{}>", p.rust_name))
                    .collect::<String>()
            )
        },
    );
    let title = format!(
        " Calls {} ({}) on {}.",
        super::docs::code(&op.wire_id),
        super::docs::code(&format!("{} {}", op.method.as_str(), op.path)),
        super::docs::one_line(&super::api_name(&api.title)),
    );
    let env_doc = format!(
        " Set `{base_url_var}` to send the request elsewhere, for example to a mock server."
    );
    let run_line = format!(" {run}");

    let items = quote! {
        #![doc = #title]
        //!
        //! ```text
        #![doc = #run_line]
        //! ```
        //!
        #![doc = #env_doc]

        #types_use
        use #krate::{#(#imports),*};

        #[tokio::main]
        async fn main() -> Result<(), Box<dyn std::error::Error>> {
            #args_init
            #(#args)*

            #credentials
            let mut builder = Client::builder(#credentials_arg);
            if let Ok(url) = std::env::var(#base_url_var) {
                builder = builder.base_url(url);
            }
            let client = builder.build()?;

            #body_stmt
            let response = client.#method(#(#all_args),*).await?;
            println!("{}", response.status());
            println!("{:#?}", response.body());
            Ok(())
        }
    };
    Some((op.rust_name.clone(), items))
}

/// Whether an operation's required inputs can all come from a command line and a default body.
fn callable(api: &ir::Api, op: &Operation) -> bool {
    let params_ok = op
        .params
        .iter()
        .filter(|p| p.required)
        .all(|p| match &p.ty {
            Ty::Bool | Ty::I32 | Ty::I64 | Ty::F32 | Ty::F64 | Ty::String => true,
            Ty::Named(n) => matches!(api.find_type(n).map(|t| &t.kind), Some(TypeKind::Enum(_))),
            _ => false,
        });
    let body_ok = match &op.body {
        Some(b) if b.required && b.encoding != ir::BodyEncoding::Json => false,
        Some(b) if b.required => match &b.ty {
            Ty::Named(n) => {
                matches!(api.find_type(n).map(|t| &t.kind), Some(TypeKind::Struct(s)) if s.derive_default)
            }
            _ => false,
        },
        _ => true,
    };
    params_ok && body_ok
}

/// The credentials argument of `Client::builder`, the variables it reads, and the imports.
fn credentials(api: &ir::Api, prefix: &str) -> (TokenStream, Vec<String>, Vec<TokenStream>) {
    match Credentials::of(api) {
        Credentials::One(scheme) => {
            let (expr, vars, ty) = credential(scheme, prefix);
            (expr, vars, vec![ty])
        }
        Credentials::None | Credentials::Several(_) => (quote!(), Vec::new(), Vec::new()),
    }
}

/// Statements reading the credentials, the expression building them, the variables read,
/// and the credential type to import.
fn credential(
    scheme: &ir::SecurityScheme,
    prefix: &str,
) -> (TokenStream, Vec<String>, TokenStream) {
    match &scheme.kind {
        ir::SecurityKind::Basic => {
            let user = format!("{prefix}_USERNAME");
            let password = format!("{prefix}_PASSWORD");
            (
                quote! {
                    let username = std::env::var(#user)?;
                    let password = std::env::var(#password)?;
                    let credentials = BasicAuth::new(username, password);
                },
                vec![user, password],
                quote!(BasicAuth),
            )
        }
        ir::SecurityKind::Bearer => {
            let token = format!("{prefix}_TOKEN");
            (
                quote!(let credentials = BearerToken::new(std::env::var(#token)?);),
                vec![token],
                quote!(BearerToken),
            )
        }
        ir::SecurityKind::ApiKeyHeader { .. } | ir::SecurityKind::ApiKeyQuery { .. } => {
            let key = format!("{prefix}_API_KEY");
            (
                quote!(let credentials = ApiKey::new(std::env::var(#key)?);),
                vec![key],
                quote!(ApiKey),
            )
        }
    }
}

#[derive(Default)]
struct Uses {
    patch: bool,
    types: bool,
}

/// `let body = Type { ... };` with a few of the spec example's values and all its nulls.
fn body(api: &ir::Api, b: &ir::Body) -> (TokenStream, Uses) {
    let mut uses = Uses {
        types: true,
        ..Uses::default()
    };
    let Ty::Named(name) = &b.ty else {
        return (quote!(), uses);
    };
    let Some(TypeKind::Struct(s)) = api.find_type(name).map(|t| &t.kind) else {
        return (quote!(), uses);
    };
    let type_name = ident(name);
    let example = b.example.as_ref().and_then(Value::as_object);
    let mut shown = 0;
    let mut fields = Vec::new();
    for f in &s.fields {
        let Some(value) = example.and_then(|e| e.get(&f.wire_name)) else {
            continue;
        };
        let name = ident(&f.rust_name);
        if value.is_null() && f.repr == FieldRepr::Patch {
            uses.patch = true;
            fields.push(quote!(#name: Patch::Null,));
            continue;
        }
        if shown >= SHOWN_VALUES {
            continue;
        }
        let Some(expr) = scalar(api, &f.ty, value) else {
            continue;
        };
        let wrapped = match f.repr {
            FieldRepr::Plain => expr,
            FieldRepr::Nullable | FieldRepr::Optional => quote!(Some(#expr)),
            FieldRepr::Patch => {
                uses.patch = true;
                quote!(Patch::Set(#expr))
            }
        };
        fields.push(quote!(#name: #wrapped,));
        shown += 1;
    }
    // prettyplease prints `#[comment]` attributes as `//` comments.
    let every_field = fields.len() == s.fields.len() && s.additional.is_none();
    let stmt = if every_field {
        quote! {
            let body = types::#type_name {
                #(#fields)*
            };
        }
    } else {
        quote! {
            #[comment = " Only the fields given here are sent; the others are left out of the JSON,"]
            #[comment = " so the server keeps their values."]
            let body = types::#type_name {
                #(#fields)*
                ..Default::default()
            };
        }
    };
    (stmt, uses)
}

/// A Rust expression for a scalar example value of type `ty`, if it is one.
fn scalar(api: &ir::Api, ty: &Ty, value: &Value) -> Option<TokenStream> {
    match (ty, value) {
        (Ty::String, Value::String(s)) if !s.is_empty() => Some(quote!(#s.to_owned())),
        (Ty::Bool, Value::Bool(b)) => Some(quote!(#b)),
        (Ty::I32 | Ty::I64, Value::Number(n)) => {
            let n = proc_macro2::Literal::i64_unsuffixed(n.as_i64()?);
            Some(quote!(#n))
        }
        (Ty::Named(name), Value::String(s)) => {
            let Some(TypeKind::Enum(e)) = api.find_type(name).map(|t| &t.kind) else {
                return None;
            };
            let variant = e
                .variants
                .iter()
                .find(|v| v.value == EnumValue::String(s.clone()))?;
            let (type_name, variant) = (ident(name), ident(&variant.rust_name));
            Some(quote!(types::#type_name::#variant))
        }
        _ => None,
    }
}
