//! The runtime module written into every generated crate: the error and response types,
//! `Patch`, credentials, and the small helpers that requests share. Only the parts an API
//! needs are written, so a crate carries no dead code and no types it cannot use.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{self, FieldRepr, SecurityKind, TypeKind};

/// Which optional parts of the runtime an API uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Features {
    /// Some request field has three states.
    pub patch: bool,
    /// Some enum has string values.
    pub string_enum: bool,
    /// Some enum has integer values.
    pub integer_enum: bool,
    /// HTTP Basic credentials.
    pub basic: bool,
    /// Bearer tokens.
    pub bearer: bool,
    /// API keys in a header or the query.
    pub api_key: bool,
    /// Some operation has a path parameter.
    pub path_params: bool,
    /// Some operation sends a JSON body.
    pub json_body: bool,
    /// Some operation decodes a JSON success body.
    pub json_response: bool,
    /// Some operation has no success body.
    pub empty_response: bool,
    /// The API has at least one operation.
    pub operations: bool,
    /// Some operation has a header parameter.
    pub header_params: bool,
}

impl Features {
    /// Whether the generated code needs a runtime module at all.
    pub fn needs_runtime(&self) -> bool {
        self.operations || self.patch || self.string_enum || self.integer_enum
    }

    /// Every part, for a runtime shared by several generated modules.
    pub fn all() -> Self {
        Features {
            patch: true,
            string_enum: true,
            integer_enum: true,
            basic: true,
            bearer: true,
            api_key: true,
            path_params: true,
            json_body: true,
            json_response: true,
            empty_response: true,
            operations: true,
            header_params: true,
        }
    }

    /// The parts `api` uses.
    pub fn of(api: &ir::Api) -> Self {
        let mut f = Features::default();
        for t in &api.types {
            match &t.kind {
                TypeKind::Struct(s) => {
                    f.patch |= s.fields.iter().any(|x| x.repr == FieldRepr::Patch)
                }
                TypeKind::Enum(e) => match e.repr {
                    ir::EnumRepr::String => f.string_enum = true,
                    ir::EnumRepr::Integer => f.integer_enum = true,
                },
                TypeKind::Alias(_) | TypeKind::Newtype(_) => {}
            }
        }
        for s in &api.security_schemes {
            match s.kind {
                SecurityKind::Basic => f.basic = true,
                SecurityKind::Bearer => f.bearer = true,
                SecurityKind::ApiKeyHeader { .. } | SecurityKind::ApiKeyQuery { .. } => {
                    f.api_key = true
                }
            }
        }
        f.operations = !api.operations.is_empty();
        for op in &api.operations {
            f.header_params |= op
                .params
                .iter()
                .any(|p| p.location == ir::ParamLocation::Header);
            f.path_params |= op
                .path_segments
                .iter()
                .any(|s| matches!(s, ir::PathSegment::Param(_)));
            f.json_body |= op.body.is_some();
            f.json_response |= op.success.is_some();
            f.empty_response |= op.success.is_none();
        }
        f
    }
}

/// The runtime module's items.
pub(crate) fn runtime(f: Features) -> TokenStream {
    let mut items = vec![header(f)];
    if f.operations {
        items.extend([error(), response(), base_url(), requests_common()]);
    }
    if f.patch {
        items.push(patch());
    }
    if f.string_enum {
        items.push(string_enum());
    }
    if f.integer_enum {
        items.push(integer_enum());
    }
    if f.basic {
        items.push(basic());
    }
    if f.bearer {
        items.push(bearer());
    }
    if f.api_key {
        items.push(api_key());
    }
    if f.path_params {
        items.push(path_param());
    }
    if f.header_params {
        items.push(header_param());
    }
    if f.json_body {
        items.push(json_body());
    }
    if f.json_response {
        items.push(json_response());
    }
    if f.empty_response {
        items.push(empty_response());
    }
    quote!(#(#items)*)
}

fn header(f: Features) -> TokenStream {
    let fmt = (f.operations || f.string_enum || f.basic || f.bearer || f.api_key || f.path_params)
        .then(|| {
            quote!(
                use std::fmt;
            )
        });
    quote! {
        //! Support code shared by all requests: errors, responses, three-state fields and
        //! credentials.

        #fmt
    }
}

fn error() -> TokenStream {
    quote! {
        use reqwest::StatusCode;
        use reqwest::header::HeaderMap;

        /// Longest body excerpt shown in messages, in bytes.
        const EXCERPT_LIMIT: usize = 256;

        /// Everything that can go wrong when calling the API.
        ///
        /// `E` is the type of the error bodies the operation documents.
        #[derive(Debug)]
        #[non_exhaustive]
        pub enum Error<E = serde_json::Value> {
            /// The client could not be built, or a request could not be formed from the values
            /// given (for example an invalid base URL).
            InvalidRequest(String),
            /// No response arrived within the configured timeout.
            Timeout(reqwest::Error),
            /// The request failed before a response arrived: connection refused or reset,
            /// DNS or TLS failure, or the body could not be read.
            Transport(reqwest::Error),
            /// The server answered with a status outside 2xx.
            Status(Box<ErrorResponse<E>>),
            /// The server answered with a 2xx status but a body that does not match the spec.
            Decode(Box<DecodeError>),
        }

        impl<E> Error<E> {
            /// The HTTP status of the response, if one arrived.
            pub fn status(&self) -> Option<StatusCode> {
                match self {
                    Error::Status(response) => Some(response.status),
                    Error::Decode(error) => Some(error.status),
                    Error::InvalidRequest(_) | Error::Timeout(_) | Error::Transport(_) => None,
                }
            }

            /// Whether the request timed out.
            pub fn is_timeout(&self) -> bool {
                matches!(self, Error::Timeout(_))
            }
        }

        impl<E> fmt::Display for Error<E> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self {
                    Error::InvalidRequest(message) => write!(f, "invalid request: {message}"),
                    Error::Timeout(error) => write!(f, "request timed out: {error}"),
                    Error::Transport(error) => write!(f, "request failed: {error}"),
                    Error::Status(response) => {
                        write!(f, "server returned {}", response.status)?;
                        let text = excerpt(response.text.as_bytes());
                        if !text.is_empty() {
                            write!(f, ": {text}")?;
                        }
                        Ok(())
                    }
                    Error::Decode(error) => fmt::Display::fmt(error, f),
                }
            }
        }

        impl<E: fmt::Debug> std::error::Error for Error<E> {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                match self {
                    Error::Timeout(error) | Error::Transport(error) => Some(error),
                    Error::Decode(error) => Some(&error.source),
                    Error::InvalidRequest(_) | Error::Status(_) => None,
                }
            }
        }

        /// A response with a status outside 2xx.
        #[derive(Debug)]
        pub struct ErrorResponse<E> {
            status: StatusCode,
            headers: HeaderMap,
            body: Option<E>,
            text: String,
        }

        impl<E> ErrorResponse<E> {
            /// The HTTP status.
            pub fn status(&self) -> StatusCode {
                self.status
            }

            /// The response headers.
            pub fn headers(&self) -> &HeaderMap {
                &self.headers
            }

            /// The body decoded as the error type the spec documents, when it parses as one.
            pub fn body(&self) -> Option<&E> {
                self.body.as_ref()
            }

            /// The body as text (invalid UTF-8 replaced), at most 64 KiB of it.
            pub fn text(&self) -> &str {
                &self.text
            }
        }

        /// A 2xx response whose body does not match the spec.
        #[derive(Debug)]
        pub struct DecodeError {
            status: StatusCode,
            excerpt: String,
            source: serde_json::Error,
        }

        impl DecodeError {
            /// The HTTP status.
            pub fn status(&self) -> StatusCode {
                self.status
            }

            /// The start of the body, at most 256 bytes of it.
            pub fn excerpt(&self) -> &str {
                &self.excerpt
            }
        }

        impl fmt::Display for DecodeError {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "could not decode the {} response: {}", self.status, self.source)?;
                if !self.excerpt.is_empty() {
                    write!(f, "; the body starts with: {}", self.excerpt)?;
                }
                Ok(())
            }
        }

        /// The first bytes of a body as text, cut at a character boundary.
        fn excerpt(body: &[u8]) -> String {
            let mut text = String::from_utf8_lossy(&body[..body.len().min(EXCERPT_LIMIT)]).into_owned();
            if body.len() > EXCERPT_LIMIT {
                text.push('…');
            }
            text
        }

    }
}

fn response() -> TokenStream {
    quote! {
        /// A successful response: the decoded body with the status and headers it came with.
        ///
        /// Derefs to the body, so `response.field` reads the body's field.
        #[derive(Clone, Debug)]
        pub struct Response<T> {
            status: StatusCode,
            headers: HeaderMap,
            body: T,
        }

        impl<T> Response<T> {
            /// The HTTP status.
            pub fn status(&self) -> StatusCode {
                self.status
            }

            /// The response headers.
            pub fn headers(&self) -> &HeaderMap {
                &self.headers
            }

            /// The decoded body.
            pub fn body(&self) -> &T {
                &self.body
            }

            /// The decoded body, dropping status and headers.
            pub fn into_body(self) -> T {
                self.body
            }

            /// Status, headers and body.
            pub fn into_parts(self) -> (StatusCode, HeaderMap, T) {
                (self.status, self.headers, self.body)
            }
        }

        impl<T> std::ops::Deref for Response<T> {
            type Target = T;

            fn deref(&self) -> &T {
                &self.body
            }
        }
    }
}

fn base_url() -> TokenStream {
    quote! {
        /// Checks a base URL and drops its trailing slash, so paths can be appended.
        pub(crate) fn base_url(url: String) -> Result<String, Error> {
            match reqwest::Url::parse(&url) {
                Ok(parsed) if parsed.scheme() == "http" || parsed.scheme() == "https" => {
                    Ok(url.trim_end_matches('/').to_owned())
                }
                Ok(_) => Err(Error::InvalidRequest(format!("base URL `{url}` is not http or https"))),
                Err(error) => Err(Error::InvalidRequest(format!("base URL `{url}` is invalid: {error}"))),
            }
        }
    }
}

fn requests_common() -> TokenStream {
    quote! {
        use std::future::Future;
        use std::pin::Pin;

        use serde::de::DeserializeOwned;

        /// Longest error body kept, in bytes; the rest is dropped.
        const ERROR_BODY_LIMIT: usize = 64 * 1024;

        impl<E> Error<E> {
            pub(crate) fn from_reqwest(mut error: reqwest::Error) -> Self {
                // Query strings can carry credentials; messages never show them.
                if let Some(url) = error.url_mut() {
                    url.set_query(None);
                }
                if error.is_timeout() { Error::Timeout(error) } else { Error::Transport(error) }
            }
        }

        /// Reads an error response, keeping at most `ERROR_BODY_LIMIT` bytes of its body.
        pub(crate) async fn error_response<E: DeserializeOwned>(mut response: reqwest::Response) -> Error<E> {
            let status = response.status();
            let headers = std::mem::take(response.headers_mut());
            let mut body = Vec::new();
            loop {
                match response.chunk().await {
                    Ok(Some(chunk)) => {
                        let room = ERROR_BODY_LIMIT - body.len();
                        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
                        if chunk.len() >= room {
                            break;
                        }
                    }
                    Ok(None) => break,
                    // The status is what matters; a body cut short still says what it can.
                    Err(_) => break,
                }
            }
            let decoded = serde_json::from_slice(&body).ok();
            let text = String::from_utf8_lossy(&body).into_owned();
            Error::Status(Box::new(ErrorResponse { status, headers, body: decoded, text }))
        }

        /// The future a request builder turns into when awaited.
        pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

        /// Parses a request URL from its parts: the base URL, path text and parameters.
        pub(crate) fn url<E>(parts: &[&str]) -> Result<reqwest::Url, Error<E>> {
            let url = parts.concat();
            reqwest::Url::parse(&url).map_err(|error| Error::InvalidRequest(format!("URL `{url}` is invalid: {error}")))
        }

        /// Sends a request, telling timeouts from other transport failures.
        pub(crate) async fn send<E>(http: &reqwest::Client, request: reqwest::Request) -> Result<reqwest::Response, Error<E>> {
            http.execute(request).await.map_err(Error::from_reqwest)
        }

        /// Sets a header whose value is known to be valid.
        pub(crate) fn static_header(request: &mut reqwest::Request, name: reqwest::header::HeaderName, value: &'static str) {
            request.headers_mut().insert(name, reqwest::header::HeaderValue::from_static(value));
        }
    }
}

fn patch() -> TokenStream {
    quote! {
        /// A request field that can be left out, sent as `null`, or sent with a value.
        ///
        /// For a partial update this says exactly what happens to the stored value:
        /// [`Patch::Absent`] keeps it, [`Patch::Null`] clears it, [`Patch::Set`] replaces it.
        #[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
        pub enum Patch<T> {
            /// Left out of the JSON: the server keeps its current value.
            #[default]
            Absent,
            /// Sent as `null`: the server clears the value.
            Null,
            /// Sent with this value.
            Set(T),
        }

        impl<T> Patch<T> {
            /// Whether the field is left out of the JSON.
            pub fn is_absent(&self) -> bool {
                matches!(self, Patch::Absent)
            }

            /// The value, if one is set.
            pub fn value(&self) -> Option<&T> {
                match self {
                    Patch::Set(value) => Some(value),
                    Patch::Absent | Patch::Null => None,
                }
            }

            /// The value, if one is set; absent and null both give `None`.
            pub fn into_option(self) -> Option<T> {
                match self {
                    Patch::Set(value) => Some(value),
                    Patch::Absent | Patch::Null => None,
                }
            }
        }

        impl<T> From<T> for Patch<T> {
            fn from(value: T) -> Self {
                Patch::Set(value)
            }
        }

        impl<T: serde::Serialize> serde::Serialize for Patch<T> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    Patch::Set(value) => value.serialize(serializer),
                    Patch::Absent | Patch::Null => serializer.serialize_none(),
                }
            }
        }

        impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Patch<T> {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                Ok(match Option::<T>::deserialize(deserializer)? {
                    Some(value) => Patch::Set(value),
                    None => Patch::Null,
                })
            }
        }
    }
}

fn string_enum() -> TokenStream {
    quote! {
        /// Deserializes a string enum without allocating for known values.
        pub(crate) fn deserialize_string_enum<'de, D, T>(deserializer: D) -> Result<T, D::Error>
        where
            D: serde::Deserializer<'de>,
            T: for<'a> From<&'a str>,
        {
            struct Visitor<T>(std::marker::PhantomData<T>);

            impl<T: for<'a> From<&'a str>> serde::de::Visitor<'_> for Visitor<T> {
                type Value = T;

                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a string")
                }

                fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
                    Ok(T::from(value))
                }
            }

            deserializer.deserialize_str(Visitor(std::marker::PhantomData))
        }
    }
}

fn integer_enum() -> TokenStream {
    quote! {
        /// Deserializes an integer enum.
        pub(crate) fn deserialize_integer_enum<'de, D, T>(deserializer: D) -> Result<T, D::Error>
        where
            D: serde::Deserializer<'de>,
            T: From<i64>,
        {
            Ok(T::from(<i64 as serde::Deserialize>::deserialize(deserializer)?))
        }
    }
}

fn basic() -> TokenStream {
    quote! {
        /// Credentials for HTTP Basic authentication. `Debug` never shows the password.
        #[derive(Clone)]
        pub struct BasicAuth {
            username: String,
            header: Option<reqwest::header::HeaderValue>,
        }

        impl BasicAuth {
            /// Credentials from a username and a password.
            pub fn new(username: impl Into<String>, password: impl AsRef<str>) -> Self {
                let username = username.into();
                let token = base64(format!("{username}:{}", password.as_ref()).as_bytes());
                let header = reqwest::header::HeaderValue::try_from(format!("Basic {token}")).ok().map(|mut value| {
                    value.set_sensitive(true);
                    value
                });
                BasicAuth { username, header }
            }

            /// The username.
            pub fn username(&self) -> &str {
                &self.username
            }

            pub(crate) fn apply<E>(&self, request: &mut reqwest::Request) -> Result<(), Error<E>> {
                match &self.header {
                    Some(value) => {
                        request.headers_mut().insert(reqwest::header::AUTHORIZATION, value.clone());
                        Ok(())
                    }
                    None => Err(Error::InvalidRequest("the Basic credentials cannot be sent as a header".to_owned())),
                }
            }
        }

        impl fmt::Debug for BasicAuth {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct("BasicAuth").field("username", &self.username).field("password", &"<redacted>").finish()
            }
        }

        /// Standard base64 with padding (RFC 4648), as Basic authentication uses.
        fn base64(input: &[u8]) -> String {
            const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
            let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
            for chunk in input.chunks(3) {
                let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
                let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
                for i in 0..4 {
                    if i <= chunk.len() {
                        out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
                    } else {
                        out.push('=');
                    }
                }
            }
            out
        }
    }
}

fn bearer() -> TokenStream {
    quote! {
        /// A bearer token, sent as `Authorization: Bearer <token>`. `Debug` never shows it.
        #[derive(Clone)]
        pub struct BearerToken {
            header: Option<reqwest::header::HeaderValue>,
        }

        impl BearerToken {
            /// A token as issued.
            pub fn new(token: impl AsRef<str>) -> Self {
                let header = reqwest::header::HeaderValue::try_from(format!("Bearer {}", token.as_ref())).ok().map(|mut value| {
                    value.set_sensitive(true);
                    value
                });
                BearerToken { header }
            }

            pub(crate) fn apply<E>(&self, request: &mut reqwest::Request) -> Result<(), Error<E>> {
                match &self.header {
                    Some(value) => {
                        request.headers_mut().insert(reqwest::header::AUTHORIZATION, value.clone());
                        Ok(())
                    }
                    None => Err(Error::InvalidRequest("the bearer token contains characters a header cannot carry".to_owned())),
                }
            }
        }

        impl fmt::Debug for BearerToken {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("BearerToken(<redacted>)")
            }
        }
    }
}

fn api_key() -> TokenStream {
    quote! {
        /// An API key. `Debug` never shows it.
        #[derive(Clone)]
        pub struct ApiKey {
            key: String,
        }

        impl ApiKey {
            /// A key as issued.
            pub fn new(key: impl Into<String>) -> Self {
                ApiKey { key: key.into() }
            }

            pub(crate) fn apply_header<E>(&self, request: &mut reqwest::Request, name: &'static str) -> Result<(), Error<E>> {
                match reqwest::header::HeaderValue::try_from(self.key.as_str()) {
                    Ok(mut value) => {
                        value.set_sensitive(true);
                        request.headers_mut().insert(reqwest::header::HeaderName::from_static(name), value);
                        Ok(())
                    }
                    Err(_) => Err(Error::InvalidRequest("the API key contains characters a header cannot carry".to_owned())),
                }
            }

            pub(crate) fn apply_query<E>(&self, request: &mut reqwest::Request, name: &str) -> Result<(), Error<E>> {
                request.url_mut().query_pairs_mut().append_pair(name, &self.key);
                Ok(())
            }
        }

        impl fmt::Debug for ApiKey {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("ApiKey(<redacted>)")
            }
        }
    }
}

fn path_param() -> TokenStream {
    quote! {
        /// A path parameter's text, percent-encoded so that it stays one path segment.
        pub(crate) fn path_param(value: &impl fmt::Display) -> String {
            let text = value.to_string();
            let mut out = String::with_capacity(text.len());
            for b in text.bytes() {
                if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                    out.push(char::from(b));
                } else {
                    out.push('%');
                    out.push(char::from(HEX[usize::from(b >> 4)]));
                    out.push(char::from(HEX[usize::from(b & 15)]));
                }
            }
            out
        }

        const HEX: &[u8; 16] = b"0123456789ABCDEF";
    }
}

fn header_param() -> TokenStream {
    quote! {
        /// Sets a header from a parameter value.
        pub(crate) fn header<E>(request: &mut reqwest::Request, name: &'static str, value: &str) -> Result<(), Error<E>> {
            match reqwest::header::HeaderValue::try_from(value) {
                Ok(value) => {
                    request.headers_mut().insert(reqwest::header::HeaderName::from_static(name), value);
                    Ok(())
                }
                Err(_) => Err(Error::InvalidRequest(format!("the value of header `{name}` contains characters a header cannot carry"))),
            }
        }
    }
}

fn json_body() -> TokenStream {
    quote! {
        /// Serializes a JSON request body.
        pub(crate) fn json_body<T: serde::Serialize, E>(
            request: &mut reqwest::Request,
            content_type: &'static str,
            body: &T,
        ) -> Result<(), Error<E>> {
            match serde_json::to_vec(body) {
                Ok(bytes) => {
                    static_header(request, reqwest::header::CONTENT_TYPE, content_type);
                    *request.body_mut() = Some(bytes.into());
                    Ok(())
                }
                Err(error) => Err(Error::InvalidRequest(format!("the body cannot be serialized: {error}"))),
            }
        }
    }
}

fn json_response() -> TokenStream {
    quote! {
        /// Decodes a 2xx JSON body as `T`, or any other status as an error carrying `E`.
        pub(crate) async fn json_response<T: DeserializeOwned, E: DeserializeOwned>(
            mut response: reqwest::Response,
        ) -> Result<Response<T>, Error<E>> {
            let status = response.status();
            if !status.is_success() {
                return Err(error_response(response).await);
            }
            let headers = std::mem::take(response.headers_mut());
            let bytes = response.bytes().await.map_err(Error::from_reqwest)?;
            match serde_json::from_slice(&bytes) {
                Ok(body) => Ok(Response { status, headers, body }),
                Err(source) => Err(Error::Decode(Box::new(DecodeError { status, excerpt: excerpt(&bytes), source }))),
            }
        }
    }
}

fn empty_response() -> TokenStream {
    quote! {
        /// Accepts any 2xx response, ignoring its body, or turns another status into an error.
        pub(crate) async fn empty_response<E: DeserializeOwned>(mut response: reqwest::Response) -> Result<Response<()>, Error<E>> {
            let status = response.status();
            if !status.is_success() {
                return Err(error_response(response).await);
            }
            let headers = std::mem::take(response.headers_mut());
            response.bytes().await.map_err(Error::from_reqwest)?;
            Ok(Response { status, headers, body: () })
        }
    }
}
