//! The `client` module: `Client`, its builder, the default base URL and timeouts, and the
//! credentials the spec's security schemes ask for.

use proc_macro2::TokenStream;
use quote::quote;

use super::credential_type;
use super::docs::doc_attrs;
use crate::ir::{self, SecurityScheme};
use crate::names::ident;

/// How the client holds credentials ([`ir::Credentials`]), with the schemes at hand.
pub(crate) enum Credentials<'a> {
    /// The API uses no authentication.
    None,
    /// The API uses exactly one scheme: the client is built with it, always present.
    One(&'a SecurityScheme),
    /// Several schemes: each is optional and set on the builder.
    Several(&'a [SecurityScheme]),
}

impl<'a> Credentials<'a> {
    pub(crate) fn of(api: &'a ir::Api) -> Self {
        match (api.credentials, api.security_schemes.first()) {
            (ir::Credentials::One, Some(one)) => Credentials::One(one),
            (ir::Credentials::Several, _) => Credentials::Several(&api.security_schemes),
            (ir::Credentials::None | ir::Credentials::One, _) => Credentials::None,
        }
    }
}

/// The module's items.
pub(crate) fn client(api: &ir::Api) -> TokenStream {
    let credentials = Credentials::of(api);
    let default_url = api
        .servers
        .first()
        .map_or("http://localhost", |s| s.url.as_str());
    let server_doc = match api.servers.first() {
        Some(server) => {
            let about = server
                .description
                .as_deref()
                .map(|d| format!(" ({})", d.trim()))
                .unwrap_or_default();
            format!(
                " {}",
                super::docs::one_line(&format!("The base URL of the spec's first server{about}."))
            )
        }
        None => " The spec names no server; set the base URL with [`ClientBuilder::base_url`]."
            .to_owned(),
    };
    let client_doc = format!(
        " Client for {}.",
        super::docs::one_line(&super::api_name(&api.title))
    );

    let (new_params, new_args, slots, new_doc) = match &credentials {
        Credentials::None => (
            quote!(),
            quote!(),
            quote!(Vec::new()),
            " Creates a client for [`DEFAULT_BASE_URL`] with default settings.".to_owned(),
        ),
        Credentials::One(s) => {
            let name = ident(&s.rust_name);
            let ty = credential_type(&s.kind);
            let held = held(s, quote!(#name));
            (
                quote!(#name: runtime::#ty),
                quote!(#name),
                quote!(vec![Some(#held)]),
                format!(
                    " Creates a client for [`DEFAULT_BASE_URL`] authenticating with `{}`.",
                    s.rust_name
                ),
            )
        }
        Credentials::Several(all) => {
            let count = proc_macro2::Literal::usize_unsuffixed(all.len());
            (
                quote!(),
                quote!(),
                quote!(vec![None; #count]),
                " Creates a client for [`DEFAULT_BASE_URL`] without credentials; [`Client::builder`] sets them.".to_owned(),
            )
        }
    };

    let server_setter = api
        .servers
        .first()
        .filter(|s| !s.variables.is_empty())
        .map(server_setter);
    let setters: Vec<TokenStream> = match &credentials {
        Credentials::Several(all) => all.iter().enumerate().map(|(i, s)| setter(i, s)).collect(),
        Credentials::None | Credentials::One(_) => Vec::new(),
    };
    let scheme_doc = match &credentials {
        Credentials::One(SecurityScheme {
            description: Some(d),
            ..
        }) => {
            let text = format!("Authentication: {}", d.trim());
            let docs = doc_attrs(&text);
            quote!(#[doc = ""] #docs)
        }
        _ => quote!(),
    };

    quote! {
        //! The client: base URL, HTTP settings and credentials, shared by every request.

        use std::fmt;
        use std::sync::Arc;
        use std::time::Duration;

        use super::runtime;

        #[doc = #server_doc]
        pub const DEFAULT_BASE_URL: &str = #default_url;

        /// How long a whole request may take, unless [`ClientBuilder::timeout`] says otherwise.
        pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

        /// How long connecting may take, unless [`ClientBuilder::connect_timeout`] says otherwise.
        pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

        /// The longest JSON or text response body read into memory, in bytes (128 MiB),
        /// unless [`ClientBuilder::body_limit`] says otherwise.
        pub const DEFAULT_BODY_LIMIT: usize = 128 * 1024 * 1024;

        /// The `User-Agent` header sent with every request.
        const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

        #[doc = #client_doc]
        ///
        /// Each operation is a method returning a request; `.await` it to send it. Cloning is
        /// cheap, and clones share one connection pool. `Debug` never shows credentials.
        #scheme_doc
        #[derive(Clone)]
        pub struct Client {
            pub(crate) core: runtime::Core,
        }

        impl Client {
            #[doc = #new_doc]
            pub fn new(#new_params) -> Result<Self, runtime::Error> {
                Self::builder(#new_args).build()
            }

            /// Starts building a client with non-default settings.
            pub fn builder(#new_params) -> ClientBuilder {
                ClientBuilder {
                    base_url: DEFAULT_BASE_URL.to_owned(),
                    http: None,
                    timeout: DEFAULT_TIMEOUT,
                    connect_timeout: DEFAULT_CONNECT_TIMEOUT,
                    body_limit: DEFAULT_BODY_LIMIT,
                    credentials: #slots,
                    hooks: Vec::new(),
                    retry: None,
                }
            }

            /// The base URL requests are sent to, without a trailing slash.
            pub fn base_url(&self) -> &str {
                &self.core.base_url
            }
        }

        impl fmt::Debug for Client {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&self.core, f)
            }
        }

        /// Settings for a [`Client`]; [`ClientBuilder::build`] makes the client.
        pub struct ClientBuilder {
            base_url: String,
            http: Option<reqwest::Client>,
            timeout: Duration,
            connect_timeout: Duration,
            body_limit: usize,
            credentials: Vec<Option<Arc<dyn runtime::Authorize>>>,
            hooks: Vec<Arc<dyn runtime::Hook>>,
            retry: Option<runtime::Retry>,
        }

        impl ClientBuilder {
            /// Sends requests to `url` instead of [`DEFAULT_BASE_URL`]: another region, a
            /// proxy, a test server.
            pub fn base_url(mut self, url: impl Into<String>) -> Self {
                self.base_url = url.into();
                self
            }

            /// Uses this `reqwest` client, with its own timeouts, proxies and TLS settings;
            /// [`timeout`](Self::timeout) and [`connect_timeout`](Self::connect_timeout) are
            /// then not applied.
            pub fn http_client(mut self, http: reqwest::Client) -> Self {
                self.http = Some(http);
                self
            }

            /// How long a whole request, response body included, may take. A response
            /// that streams (a download, a stream of events) has no overall deadline: each
            /// wait for more of it may take this long.
            pub fn timeout(mut self, timeout: Duration) -> Self {
                self.timeout = timeout;
                self
            }

            /// Reads at most `bytes` of a JSON or text response body into memory; a longer
            /// body fails with [`Error::TooLarge`](runtime::Error::TooLarge), before it is
            /// read when the server announces its length. Streamed bodies are not limited.
            pub fn body_limit(mut self, bytes: usize) -> Self {
                self.body_limit = bytes;
                self
            }

            /// How long connecting to the server may take.
            pub fn connect_timeout(mut self, timeout: Duration) -> Self {
                self.connect_timeout = timeout;
                self
            }

            /// Runs `hook` around every attempt to send a request (for logging, signing,
            /// refreshing a token); hooks set before it run around it.
            pub fn hook(mut self, hook: impl runtime::Hook) -> Self {
                self.hooks.push(Arc::new(hook));
                self
            }

            /// Writes every exchange down with `recorder` (a hook, set after those before
            /// it): what `openapi-clientgen drift` compares with the document. The `record`
            /// feature.
            #[cfg(feature = "record")]
            pub fn record(self, recorder: runtime::Recorder) -> Self {
                self.hook(recorder)
            }

            /// Retries requests as `retry` says; by default none is retried. A request can
            /// say otherwise with its own `retry`.
            pub fn retry(mut self, retry: runtime::Retry) -> Self {
                self.retry = Some(retry);
                self
            }

            #(#setters)*

            #server_setter

            /// Builds the client; fails if the base URL is not an http(s) URL or the HTTP
            /// client cannot be set up.
            pub fn build(self) -> Result<Client, runtime::Error> {
                let base_url = runtime::checked_base_url(self.base_url)?;
                let (http, timeout) = match self.http {
                    Some(http) => (http, None),
                    None => (
                        runtime::http_client(self.connect_timeout, USER_AGENT)?,
                        Some(self.timeout),
                    ),
                };
                Ok(Client {
                    core: runtime::Core {
                        base_url,
                        http,
                        credentials: self.credentials,
                        hooks: self.hooks,
                        retry: self.retry,
                        timeout,
                        body_limit: self.body_limit,
                    },
                })
            }
        }

        impl fmt::Debug for ClientBuilder {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct("ClientBuilder")
                    .field("base_url", &self.base_url)
                    .field("timeout", &self.timeout)
                    .field("connect_timeout", &self.connect_timeout)
                    .field("body_limit", &self.body_limit)
                    .field("credentials", &self.credentials)
                    .field("hooks", &self.hooks.len())
                    .field("retry", &self.retry)
                    .finish_non_exhaustive()
            }
        }
    }
}

/// The credential a scheme's value (`value`) becomes in the client: itself, or an API key
/// with where it goes.
fn held(s: &SecurityScheme, value: TokenStream) -> TokenStream {
    match &s.kind {
        ir::SecurityKind::Basic | ir::SecurityKind::Bearer => quote!(Arc::new(#value)),
        ir::SecurityKind::ApiKeyHeader { name } => {
            let name = name.to_ascii_lowercase();
            quote!(Arc::new(runtime::HeaderKey { key: #value, name: #name }))
        }
        ir::SecurityKind::ApiKeyQuery { name } => {
            quote!(Arc::new(runtime::QueryKey { key: #value, name: #name }))
        }
    }
}

fn setter(index: usize, s: &SecurityScheme) -> TokenStream {
    let name = ident(&s.rust_name);
    let ty = credential_type(&s.kind);
    let what = match &s.kind {
        ir::SecurityKind::Basic => "HTTP Basic credentials".to_owned(),
        ir::SecurityKind::Bearer => "a bearer token".to_owned(),
        ir::SecurityKind::ApiKeyHeader { name } => {
            format!("an API key sent in the {} header", super::docs::code(name))
        }
        ir::SecurityKind::ApiKeyQuery { name } => {
            format!(
                "an API key sent as the {} query parameter",
                super::docs::code(name)
            )
        }
    };
    let summary = format!(
        " Authenticates with {what} (security scheme {}).",
        super::docs::code(&s.wire_name)
    );
    let details = doc_attrs(s.description.as_deref().unwrap_or(""));
    let held = held(s, quote!(credentials));
    let index = proc_macro2::Literal::usize_unsuffixed(index);
    let blank = s.description.as_ref().map(|_| quote!(#[doc = ""]));
    quote! {
        #[doc = #summary]
        #blank
        #details
        pub fn #name(mut self, credentials: runtime::#ty) -> Self {
            self.credentials[#index] = Some(#held);
            self
        }
    }
}

/// `ClientBuilder::server`: the first server's URL with values for its variables.
fn server_setter(server: &ir::Server) -> TokenStream {
    let mut parts = Vec::new();
    let mut rest = server.template.as_str();
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        if open > 0 {
            let text = &rest[..open];
            parts.push(quote!(#text));
        }
        let name = &rest[open + 1..close];
        if let Some(v) = server.variables.iter().find(|v| v.wire_name == name) {
            let arg = ident(&v.rust_name);
            parts.push(quote!(#arg));
        }
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        parts.push(quote!(#rest));
    }
    let args = server.variables.iter().map(|v| {
        let arg = ident(&v.rust_name);
        quote!(#arg: &str)
    });
    let mut text = format!(
        "Sends requests to the spec's first server, {}, with these values for its variables.",
        super::docs::code(&server.template)
    );
    text.push('\n');
    for v in &server.variables {
        let mut line = format!("\n- `{}`", v.rust_name);
        if let Some(description) = v
            .description
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
        {
            line.push_str(&format!(
                ": {}",
                description.split_whitespace().collect::<Vec<_>>().join(" ")
            ));
        }
        if !v.values.is_empty() {
            line.push_str(&format!(" One of `{}`.", v.values.join("`, `")));
        }
        line.push_str(&format!(" The default is `{}`.", v.default));
        text.push_str(&line);
    }
    let docs = doc_attrs(&text);
    quote! {
        #docs
        pub fn server(mut self, #(#args),*) -> Self {
            self.base_url = [#(#parts),*].concat();
            self
        }
    }
}
