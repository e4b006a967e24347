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

    let scheme_fields: Vec<TokenStream> = match &credentials {
        Credentials::None => Vec::new(),
        Credentials::One(s) => {
            let name = ident(&s.rust_name);
            let ty = credential_type(&s.kind);
            vec![quote!(pub(crate) #name: runtime::#ty,)]
        }
        Credentials::Several(all) => all
            .iter()
            .map(|s| {
                let name = ident(&s.rust_name);
                let ty = credential_type(&s.kind);
                quote!(pub(crate) #name: Option<runtime::#ty>,)
            })
            .collect(),
    };
    let builder_scheme_fields: Vec<TokenStream> = match &credentials {
        Credentials::None => Vec::new(),
        Credentials::One(s) => {
            let name = ident(&s.rust_name);
            let ty = credential_type(&s.kind);
            vec![quote!(#name: runtime::#ty,)]
        }
        Credentials::Several(all) => all
            .iter()
            .map(|s| {
                let name = ident(&s.rust_name);
                let ty = credential_type(&s.kind);
                quote!(#name: Option<runtime::#ty>,)
            })
            .collect(),
    };
    let scheme_names: Vec<_> = api
        .security_schemes
        .iter()
        .map(|s| ident(&s.rust_name))
        .collect();

    let (new_params, new_args, builder_init, new_doc) = match &credentials {
        Credentials::None => (
            quote!(),
            quote!(),
            quote!(),
            " Creates a client for [`DEFAULT_BASE_URL`] with default settings.".to_owned(),
        ),
        Credentials::One(s) => {
            let name = ident(&s.rust_name);
            let ty = credential_type(&s.kind);
            (
                quote!(#name: runtime::#ty),
                quote!(#name),
                quote!(#name,),
                format!(
                    " Creates a client for [`DEFAULT_BASE_URL`] authenticating with `{}`.",
                    s.rust_name
                ),
            )
        }
        Credentials::Several(all) => {
            let inits = all.iter().map(|s| {
                let name = ident(&s.rust_name);
                quote!(#name: None,)
            });
            (
                quote!(),
                quote!(),
                quote!(#(#inits)*),
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
        Credentials::Several(all) => all.iter().map(setter).collect(),
        Credentials::None | Credentials::One(_) => Vec::new(),
    };
    let credentials_debug = scheme_names.iter().map(|name| {
        let label = name.to_string();
        quote!(.field(#label, &self.#name))
    });
    let builder_credentials_debug = credentials_debug.clone();
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
        use std::time::Duration;

        use super::runtime;

        #[doc = #server_doc]
        pub const DEFAULT_BASE_URL: &str = #default_url;

        /// How long a whole request may take, unless [`ClientBuilder::timeout`] says otherwise.
        pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

        /// How long connecting may take, unless [`ClientBuilder::connect_timeout`] says otherwise.
        pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

        /// The `User-Agent` header sent with every request.
        const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

        #[doc = #client_doc]
        ///
        /// Each operation is a method returning a request; `.await` it to send it. Cloning is
        /// cheap, and clones share one connection pool. `Debug` never shows credentials.
        #scheme_doc
        #[derive(Clone)]
        pub struct Client {
            pub(crate) base_url: String,
            pub(crate) http: reqwest::Client,
            #(#scheme_fields)*
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
                    #builder_init
                }
            }

            /// The base URL requests are sent to, without a trailing slash.
            pub fn base_url(&self) -> &str {
                &self.base_url
            }
        }

        impl fmt::Debug for Client {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct("Client")
                    .field("base_url", &self.base_url)
                    #(#credentials_debug)*
                    .finish_non_exhaustive()
            }
        }

        /// Settings for a [`Client`]; [`ClientBuilder::build`] makes the client.
        pub struct ClientBuilder {
            base_url: String,
            http: Option<reqwest::Client>,
            timeout: Duration,
            connect_timeout: Duration,
            #(#builder_scheme_fields)*
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

            /// How long a whole request, response body included, may take.
            pub fn timeout(mut self, timeout: Duration) -> Self {
                self.timeout = timeout;
                self
            }

            /// How long connecting to the server may take.
            pub fn connect_timeout(mut self, timeout: Duration) -> Self {
                self.connect_timeout = timeout;
                self
            }

            #(#setters)*

            #server_setter

            /// Builds the client; fails if the base URL is not an http(s) URL or the HTTP
            /// client cannot be set up.
            pub fn build(self) -> Result<Client, runtime::Error> {
                let base_url = runtime::base_url(self.base_url)?;
                let http = match self.http {
                    Some(http) => http,
                    None => reqwest::Client::builder()
                        .timeout(self.timeout)
                        .connect_timeout(self.connect_timeout)
                        .user_agent(USER_AGENT)
                        .build()
                        .map_err(|error| runtime::Error::InvalidRequest(format!("the HTTP client cannot be built: {error}")))?,
                };
                Ok(Client {
                    base_url,
                    http,
                    #(#scheme_names: self.#scheme_names,)*
                })
            }
        }

        impl fmt::Debug for ClientBuilder {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct("ClientBuilder")
                    .field("base_url", &self.base_url)
                    .field("timeout", &self.timeout)
                    .field("connect_timeout", &self.connect_timeout)
                    #(#builder_credentials_debug)*
                    .finish_non_exhaustive()
            }
        }
    }
}

fn setter(s: &SecurityScheme) -> TokenStream {
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
    let blank = s.description.as_ref().map(|_| quote!(#[doc = ""]));
    quote! {
        #[doc = #summary]
        #blank
        #details
        pub fn #name(mut self, credentials: runtime::#ty) -> Self {
            self.#name = Some(credentials);
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
        "Sends requests to the spec's first server, `{}`, with these values for its variables.",
        server.template.replace('`', "'")
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
