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
    let op = chosen(api)?;
    let krate = ident(&crate_name.replace('-', "_"));
    let prefix = env_prefix(crate_name);
    let allow_deprecated = allow_deprecated(api, op);
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
        let name = local(op, p);
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
            let name = local(op, p);
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

    let mut imports = vec![
        quote!(BoxFuture),
        quote!(Client),
        quote!(Hook),
        quote!(Next),
        quote!(SendError),
    ];
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
        #allow_deprecated

        use #krate::reqwest;
        #types_use
        use #krate::{#(#imports),*};

        /// A hook: code the client runs around every attempt to send a request. This one
        /// prints which operation was sent, how it went and how long it took, to stderr.
        struct Log;

        impl Hook for Log {
            fn send<'a>(
                &'a self,
                request: reqwest::Request,
                next: Next<'a>,
            ) -> BoxFuture<'a, Result<reqwest::Response, SendError>> {
                Box::pin(async move {
                    let (operation, attempt) = (next.info().operation.id, next.info().attempt);
                    let started = std::time::Instant::now();
                    let result = next.send(request).await;
                    let outcome = match &result {
                        Ok(response) => response.status().to_string(),
                        Err(error) => error.to_string(),
                    };
                    let took = started.elapsed();
                    eprintln!("{operation} (attempt {attempt}): {outcome} in {took:?}");
                    result
                })
            }
        }

        #[tokio::main]
        async fn main() -> Result<(), Box<dyn std::error::Error>> {
            #args_init
            #(#args)*

            #credentials
            let mut builder = Client::builder(#credentials_arg).hook(Log);
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

/// The operation the example calls: one whose body has an example shows the most;
/// otherwise the first by name. Adding operations rarely moves the choice, so the
/// example's diff stays quiet.
pub(crate) fn chosen(api: &ir::Api) -> Option<&Operation> {
    api.operations
        .iter()
        .filter(|op| callable(api, op))
        .min_by_key(|op| {
            (
                op.body.as_ref().is_none_or(|b| b.example.is_none()),
                op.rust_name.as_str(),
            )
        })
}

/// The prefix of the environment variables the example reads: `LIVEDESK` for
/// `livedesk-client`.
fn env_prefix(crate_name: &str) -> String {
    screaming(
        crate_name
            .trim_end_matches("-client")
            .trim_end_matches("_client"),
        "API",
    )
}

/// Names the example and the test give their own variables.
const LOCALS: [&str; 11] = [
    "answer",
    "args",
    "body",
    "builder",
    "client",
    "credentials",
    "password",
    "response",
    "server",
    "url",
    "username",
];

/// The variable holding parameter `p`: its name, unless that is one of [`LOCALS`] or
/// (with a suffix) another parameter's.
fn local(op: &Operation, p: &ir::Param) -> proc_macro2::Ident {
    let mut name = p.rust_name.clone();
    while LOCALS.contains(&name.as_str())
        || (name != p.rust_name && op.params.iter().any(|q| q.rust_name == name))
    {
        name.push_str("_value");
    }
    ident(&name)
}

/// `#![allow(deprecated)]` when the operation, or any type or field, is deprecated: the
/// example and the test may name them, and deprecated parts of an API still work.
fn allow_deprecated(api: &ir::Api, op: &Operation) -> Option<TokenStream> {
    let deprecated =
        op.deprecated || op.params.iter().any(|p| p.deprecated) || api.deprecates_types();
    deprecated.then(|| quote!(#![allow(deprecated)]))
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
            Ty::Named(n) => matches!(
                api.find_type(n).map(|t| &t.kind),
                Some(TypeKind::Struct(s)) if s.derive_default || required_arguments(api, s, None).is_some()
            ),
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
    if !s.derive_default {
        return (constructed(api, &type_name, s, example), uses);
    }
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

/// The arguments of the constructor of a struct with required fields: the example's
/// values where it gives scalars, made-up ones otherwise; `None` when one cannot be made.
fn required_arguments(
    api: &ir::Api,
    s: &ir::Struct,
    example: Option<&serde_json::Map<String, Value>>,
) -> Option<Vec<TokenStream>> {
    if !s.flattened.is_empty() {
        return None;
    }
    s.fields
        .iter()
        .filter(|f| {
            matches!(f.repr, FieldRepr::Plain | FieldRepr::Nullable) && !api.is_constant(&f.ty)
        })
        .map(|f| {
            let given = example
                .and_then(|e| e.get(&f.wire_name))
                .and_then(|v| scalar(api, &f.ty, v));
            let value = given.or_else(|| param_sample(api, &f.ty))?;
            Some(if f.repr == FieldRepr::Nullable {
                quote!(Some(#value))
            } else {
                value
            })
        })
        .collect()
}

/// `let body = Type::new(...).field(...);`: the constructor with the required fields, and a
/// few of the spec example's optional values set by name.
fn constructed(
    api: &ir::Api,
    type_name: &proc_macro2::Ident,
    s: &ir::Struct,
    example: Option<&serde_json::Map<String, Value>>,
) -> TokenStream {
    let arguments = required_arguments(api, s, example).unwrap_or_default();
    let setters = s
        .fields
        .iter()
        .filter(|f| !f.deprecated)
        .filter_map(|f| {
            let setter = ident(f.setter.as_deref()?);
            let value = example.and_then(|e| e.get(&f.wire_name))?;
            let expr = scalar(api, &f.ty, value)?;
            Some(quote!(.#setter(#expr)))
        })
        .take(SHOWN_VALUES);
    quote! {
        #[comment = " The required fields, then optional ones by name; the others are left out of the JSON."]
        let body = types::#type_name::new(#(#arguments),*) #(#setters)*;
    }
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

/// How deep [`sample`] follows named types before giving up.
const SAMPLE_DEPTH: usize = 8;

/// A test of the example's call against the crate's typed mock (the `mock` feature), as a
/// crate using the client would test itself: the mock matches the parameters and body and
/// answers with a value of the success type, which the call must return. `None` when no
/// operation can be called with sample values.
pub(crate) fn mock_test(api: &ir::Api, crate_name: &str) -> Option<TokenStream> {
    let op = chosen(api)?;
    let krate = ident(&crate_name.replace('-', "_"));
    let (status, answer) = success_sample(api, op)?;
    let allow_deprecated = allow_deprecated(api, op);

    let required: Vec<&ir::Param> = op.params.iter().filter(|p| p.required).collect();
    let mut lets = Vec::new();
    let mut matched = Vec::new();
    let mut call_args = Vec::new();
    for p in &required {
        let name = local(op, p);
        let value = param_sample(api, &p.ty)?;
        lets.push(quote!(let #name = #value;));
        let by_value = if matches!(p.ty, Ty::Named(_)) {
            quote!(#name.clone())
        } else {
            quote!(#name)
        };
        if p.shape == ir::ParamShape::Scalar && p.location != ir::ParamLocation::Header {
            let setter = ident(&p.rust_name);
            matched.push(quote!(.#setter(#by_value)));
        }
        call_args.push(quote!(#name));
    }
    let (body_stmt, body_match, patch_use) = match &op.body {
        Some(b) if b.required => {
            let (stmt, uses) = body(api, b);
            call_args.push(quote!(&body));
            (
                stmt,
                Some(quote!(.body(&body))),
                uses.patch.then(|| quote!(Patch)),
            )
        }
        _ => (quote!(), None, None),
    };
    let (credentials, credentials_arg, credentials_type) = test_credentials(api);
    let method = ident(&op.rust_name);
    let (respond, check) = match &answer {
        Some(statement) => (
            statement.clone(),
            quote! {
                assert_eq!(response.into_body(), answer);
            },
        ),
        None => (quote!(), quote!()),
    };
    let status = proc_macro2::Literal::u16_unsuffixed(status);
    let respond_call = if answer.is_some() {
        quote!(.respond(#status, &answer))
    } else {
        quote!(.respond(#status))
    };
    let test_name = ident(&format!("{}_against_a_typed_mock", op.rust_name));
    let made = quote!(#(#lets)* #body_stmt #respond).to_string();
    let mut imports = vec![quote!(Client), quote!(mock)];
    imports.extend(patch_use);
    imports.extend(made.contains("types ::").then(|| quote!(types)));
    // Runtime items the answer's type names, from the crate root.
    if let ir::Outcome::Single(ir::ResponseBody::Json(ty)) = &op.success {
        imports.extend(ty.mentions(&|t| *t == Ty::Base64).then(|| quote!(Base64)));
        imports.extend(ty.mentions(&|t| *t == Ty::File).then(|| quote!(File)));
    }
    imports.extend(credentials_type);
    imports.sort_by_key(ToString::to_string);
    let doc = format!(
        " Tests a call of {} against a typed mock of the API (the crate's `mock` feature),",
        super::docs::code(&op.wire_id),
    );
    Some(quote! {
        #![doc = #doc]
        //! the way code using this crate can test itself without the real service.
        #allow_deprecated

        use #krate::{#(#imports),*};

        #[tokio::test]
        async fn #test_name() {
            let server = wiremock::MockServer::start().await;
            #(#lets)*
            #body_stmt
            #respond
            #[comment = " The server checks, when it stops, that exactly one request matched."]
            mock::#method()
                #(#matched)*
                #body_match
                #respond_call
                .expect(1)
                .mount(&server)
                .await;

            #credentials
            let client = Client::builder(#credentials_arg)
                .base_url(server.uri())
                .build()
                .expect("a client for the mock server");
            let response = client.#method(#(#call_args),*).await.expect("the mock's answer");
            assert_eq!(response.status(), #status);
            #check
        }
    })
}

/// The status a test's mock answers with, and the statement binding `answer` to the body
/// it answers with (`None` for no body): a value of the response type read from JSON
/// with its required properties only, so that the test changes only when they do.
fn success_sample(api: &ir::Api, op: &Operation) -> Option<(u16, Option<TokenStream>)> {
    let status = op
        .responses
        .iter()
        .find_map(|r| match r.status {
            ir::StatusMatch::Code(code) if (200..300).contains(&code) => Some(code),
            _ => None,
        })
        .unwrap_or(200);
    match &op.success {
        ir::Outcome::Single(ir::ResponseBody::Json(ty)) => {
            let json = json_sample(api, ty, 0)?.to_string();
            let text = raw_string(&json)?;
            let ty = super::ty_tokens(ty, super::Scope::Dependent);
            let statement = quote! {
                let answer: #ty = serde_json::from_str(#text).expect("a value of the response type");
            };
            Some((status, Some(statement)))
        }
        ir::Outcome::Single(ir::ResponseBody::Empty) => Some((status, None)),
        _ => None,
    }
}

/// `text` as a raw string literal, with as many `#` as it needs.
fn raw_string(text: &str) -> Option<TokenStream> {
    let mut hashes = String::new();
    while text.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    format!("r{hashes}\"{text}\"{hashes}").parse().ok()
}

/// The credentials a test builds its client with, from made-up values (the mock server
/// does not check them): the statement, the argument of `Client::builder`, and the type
/// to import.
fn test_credentials(api: &ir::Api) -> (TokenStream, TokenStream, Option<TokenStream>) {
    let Credentials::One(scheme) = Credentials::of(api) else {
        return (quote!(), quote!(), None);
    };
    let (expr, ty) = match &scheme.kind {
        ir::SecurityKind::Basic => (
            quote!(BasicAuth::new("username", "password")),
            quote!(BasicAuth),
        ),
        ir::SecurityKind::Bearer => (quote!(BearerToken::new("token")), quote!(BearerToken)),
        ir::SecurityKind::ApiKeyHeader { .. } | ir::SecurityKind::ApiKeyQuery { .. } => {
            (quote!(ApiKey::new("key")), quote!(ApiKey))
        }
    };
    (
        quote!(let credentials = #expr;),
        quote!(credentials),
        Some(ty),
    )
}

/// A Rust expression for a value of a required parameter of type `ty`: the types
/// [`callable`] allows.
fn param_sample(api: &ir::Api, ty: &Ty) -> Option<TokenStream> {
    Some(match ty {
        Ty::Bool => quote!(true),
        Ty::I32 | Ty::I64 => quote!(1),
        Ty::F32 | Ty::F64 => quote!(1.5),
        Ty::String => quote!("example"),
        Ty::Named(name) => {
            let Some(TypeKind::Enum(e)) = api.find_type(name).map(|t| &t.kind) else {
                return None;
            };
            let (type_name, variant) = (ident(name), ident(&e.variants.first()?.rust_name));
            quote!(types::#type_name::#variant)
        }
        _ => return None,
    })
}

/// Some JSON value of type `ty`: the required properties of objects, the first value of
/// enums. `None` for types it does not make up (unions, files, types nested too deep).
pub(super) fn json_sample(api: &ir::Api, ty: &Ty, depth: usize) -> Option<Value> {
    if depth > SAMPLE_DEPTH {
        return None;
    }
    Some(match ty {
        Ty::Bool => Value::Bool(true),
        Ty::I8 | Ty::I16 | Ty::I32 | Ty::I64 | Ty::U8 | Ty::U16 | Ty::U32 | Ty::U64 => {
            Value::from(1)
        }
        Ty::F32 | Ty::F64 => Value::from(1.5),
        Ty::String | Ty::Json => Value::from("example"),
        Ty::DateTime => Value::from("1970-01-01T00:00:00Z"),
        Ty::Date => Value::from("1970-01-01"),
        Ty::Uuid => Value::from("00000000-0000-0000-0000-000000000000"),
        Ty::Base64 => Value::from(""),
        Ty::Binary | Ty::File => return None,
        Ty::JsonObject | Ty::Map(_) => Value::Object(serde_json::Map::new()),
        Ty::Option(_) => Value::Null,
        Ty::Vec(inner) => Value::Array(json_sample(api, inner, depth + 1).into_iter().collect()),
        Ty::Box(inner) => json_sample(api, inner, depth + 1)?,
        Ty::Named(name) => match &api.find_type(name)?.kind {
            TypeKind::Struct(s) if s.flattened.is_empty() => {
                let mut object = serde_json::Map::new();
                for f in &s.fields {
                    let value = match f.repr {
                        FieldRepr::Plain => json_sample(api, &f.ty, depth + 1)?,
                        FieldRepr::Nullable => Value::Null,
                        FieldRepr::Optional | FieldRepr::Patch => continue,
                    };
                    object.insert(f.wire_name.clone(), value);
                }
                Value::Object(object)
            }
            TypeKind::Enum(e) => match &e.variants.first()?.value {
                EnumValue::String(s) => Value::from(s.as_str()),
                EnumValue::Integer(n) => Value::from(*n),
            },
            TypeKind::Alias(inner) => json_sample(api, inner, depth + 1)?,
            TypeKind::Struct(_)
            | TypeKind::Newtype(_)
            | TypeKind::Union(_)
            | TypeKind::Outcome(_) => {
                return None;
            }
        },
    })
}
