//! The runtime module written into every generated crate: the error and response types,
//! `Patch`, credentials, and the small helpers that requests share. Only the parts an API
//! needs are written, so a crate carries no dead code and no types it cannot use.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{self, BodyEncoding, FieldRepr, Outcome, ResponseBody, SecurityKind, TypeKind};

/// Which optional parts of the runtime an API uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Features {
    /// Some request field has three states.
    pub patch: bool,
    /// Some enum has string values.
    pub string_enum: bool,
    /// Some enum has integer values.
    pub integer_enum: bool,
    /// Some union is told apart by a tag property.
    pub tagged_union: bool,
    /// Some value is bytes sent as base64 text.
    pub base64_type: bool,
    /// HTTP Basic credentials.
    pub basic: bool,
    /// Bearer tokens.
    pub bearer: bool,
    /// API keys in a header or the query.
    pub api_key: bool,
    /// The API has at least one operation.
    pub operations: bool,
    /// Some operation has a scalar path parameter.
    pub path_params: bool,
    /// Some query parameter is an array or object written with a style.
    pub query_styles: bool,
    /// Some header parameter is an array or object.
    pub header_styles: bool,
    /// Some path parameter is an array or object.
    pub path_styles: bool,
    /// The styles used, one bit per [`ir::ParamStyle`] (see [`style_bit`]).
    pub styles: u8,
    /// Some operation has a header parameter.
    pub header_params: bool,
    /// Request bodies by encoding.
    pub json_body: bool,
    /// `application/x-www-form-urlencoded` bodies.
    pub form_body: bool,
    /// `multipart/form-data` bodies.
    pub multipart_body: bool,
    /// Text bodies.
    pub text_body: bool,
    /// Raw byte bodies.
    pub binary_body: bool,
    /// Success bodies decoded as JSON.
    pub json_response: bool,
    /// Success bodies read as text.
    pub text_response: bool,
    /// Success bodies read as bytes.
    pub binary_response: bool,
    /// Success responses without a body.
    pub empty_response: bool,
    /// Success bodies that depend on the status.
    pub by_status: bool,
    /// ... of which some are JSON.
    pub by_status_json: bool,
    /// ... of which some are text.
    pub by_status_text: bool,
    /// ... of which some are bytes.
    pub by_status_binary: bool,
    /// Some operation expects JSON back, so it sends `Accept: application/json`.
    pub accept_json: bool,
    /// Error bodies decoded as JSON.
    pub json_error: bool,
    /// Error bodies read as text.
    pub text_error: bool,
    /// Error bodies read as bytes.
    pub binary_error: bool,
}

impl Features {
    /// Whether the generated code needs a runtime module at all.
    pub fn needs_runtime(&self) -> bool {
        self.operations
            || self.patch
            || self.string_enum
            || self.integer_enum
            || self.tagged_union
            || self.base64_type
    }

    /// The parts `api` uses.
    pub fn of(api: &ir::Api) -> Self {
        let mut f = Features::default();
        let mut tys: Vec<&ir::Ty> = Vec::new();
        for t in &api.types {
            match &t.kind {
                TypeKind::Struct(s) => {
                    f.patch |= s.fields.iter().any(|x| x.repr == FieldRepr::Patch);
                    tys.extend(s.fields.iter().map(|x| &x.ty));
                    tys.extend(s.additional.iter().map(|(_, ty)| ty));
                }
                TypeKind::Enum(e) => match e.repr {
                    ir::EnumRepr::String => f.string_enum = true,
                    ir::EnumRepr::Integer => f.integer_enum = true,
                },
                TypeKind::Union(u) => {
                    f.tagged_union |= u.tag.is_some();
                    tys.extend(u.variants.iter().map(|v| &v.ty));
                }
                TypeKind::Alias(ty) | TypeKind::Newtype(ty) => tys.push(ty),
                TypeKind::Outcome(variants) => {
                    for v in variants {
                        if let ResponseBody::Json(ty) = &v.body {
                            tys.push(ty);
                        }
                    }
                }
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
            for p in &op.params {
                tys.push(&p.ty);
                let scalar = p.shape == ir::ParamShape::Scalar;
                if !scalar {
                    f.styles |= style_bit(p.style);
                }
                match p.location {
                    ir::ParamLocation::Path => {
                        f.path_params |= scalar;
                        f.path_styles |= !scalar;
                    }
                    ir::ParamLocation::Query => f.query_styles |= !scalar,
                    ir::ParamLocation::Header => {
                        f.header_params = true;
                        f.header_styles |= !scalar;
                    }
                }
            }
            if let Some(body) = &op.body {
                tys.push(&body.ty);
                match body.encoding {
                    BodyEncoding::Json => f.json_body = true,
                    BodyEncoding::Form => f.form_body = true,
                    BodyEncoding::Multipart => f.multipart_body = true,
                    BodyEncoding::Text => f.text_body = true,
                    BodyEncoding::Binary => f.binary_body = true,
                }
            }
            let variants = |name: &str| -> Vec<ResponseBody> {
                api.outcome_variants(name)
                    .iter()
                    .map(|v| v.body.clone())
                    .collect()
            };
            let success: Vec<ResponseBody> = match &op.success {
                Outcome::Single(body) => {
                    match body {
                        ResponseBody::Json(_) => f.json_response = true,
                        ResponseBody::Text => f.text_response = true,
                        ResponseBody::Binary => f.binary_response = true,
                        ResponseBody::Empty => f.empty_response = true,
                    }
                    vec![body.clone()]
                }
                Outcome::ByStatus(name) => {
                    f.by_status = true;
                    let bodies: Vec<ResponseBody> = variants(name);
                    for body in &bodies {
                        match body {
                            ResponseBody::Json(_) => f.by_status_json = true,
                            ResponseBody::Text => f.by_status_text = true,
                            ResponseBody::Binary => f.by_status_binary = true,
                            ResponseBody::Empty => {}
                        }
                    }
                    bodies
                }
            };
            f.accept_json |= success.iter().any(|b| matches!(b, ResponseBody::Json(_)));
            let errors: Vec<ResponseBody> = match &op.error {
                None => vec![ResponseBody::Json(ir::Ty::Json)],
                Some(Outcome::Single(body)) => vec![body.clone()],
                Some(Outcome::ByStatus(name)) => variants(name),
            };
            for body in errors {
                match body {
                    ResponseBody::Json(_) => f.json_error = true,
                    ResponseBody::Text => f.text_error = true,
                    ResponseBody::Binary => f.binary_error = true,
                    ResponseBody::Empty => {}
                }
            }
        }
        f.base64_type = tys.iter().any(|ty| ty.mentions(&|t| *t == ir::Ty::Base64));
        f
    }
}

/// The bit of a parameter style in [`Features::styles`].
pub(crate) fn style_bit(style: ir::ParamStyle) -> u8 {
    use ir::ParamStyle as S;
    match style {
        S::Form { explode: true } => 1,
        S::Form { explode: false } => 2,
        S::SpaceDelimited => 4,
        S::PipeDelimited => 8,
        S::DeepObject => 16,
        S::Simple { explode: false } => 32,
        S::Simple { explode: true } => 64,
    }
}

/// The runtime module's items.
pub(crate) fn runtime(f: Features) -> TokenStream {
    let mut items = vec![header(f)];
    if f.query_styles || f.header_styles || f.path_styles {
        items.push(style_enum(f.styles));
    }
    if f.operations {
        items.extend([error(), response(), base_url(), requests_common(f)]);
    }
    let parts = [
        (f.patch, patch as fn() -> TokenStream),
        (f.string_enum, string_enum),
        (f.integer_enum, integer_enum),
        (f.tagged_union, tagged_union),
        (f.base64_type || f.basic, base64_codec),
        (f.base64_type, base64_type),
        (f.basic, basic),
        (f.bearer, bearer),
        (f.api_key, api_key),
        (f.path_params, path_param),
        (f.path_params || f.path_styles, percent_encoding),
        (
            f.query_styles || f.header_styles || f.path_styles,
            styled_params_common,
        ),
        (f.query_styles, query_styles),
        (f.header_styles || f.path_styles, simple_styles),
        (f.header_styles, header_styles),
        (f.path_styles, path_styles),
        (f.header_params, header_param),
        (f.json_body, json_body),
        (f.form_body, form_body),
        (f.multipart_body, multipart_body),
        (f.text_body || f.binary_body, raw_body),
        (f.json_response, json_response),
        (f.text_response, text_response),
        (f.binary_response, binary_response),
        (f.empty_response, empty_response),
        (
            f.json_response || f.text_response || f.by_status,
            decode_failure,
        ),
        (f.by_status, by_status),
        (f.by_status_json, by_status_json),
        (f.by_status_text, by_status_text),
        (f.by_status_binary, by_status_binary),
        (f.json_error, json_error),
        (f.text_error, text_error),
        (f.binary_error, binary_error),
    ];
    items.extend(parts.iter().filter(|(on, _)| *on).map(|(_, part)| part()));
    quote!(#(#items)*)
}

fn header(f: Features) -> TokenStream {
    let uses_fmt =
        f.operations || f.string_enum || f.basic || f.bearer || f.api_key || f.base64_type;
    let fmt = uses_fmt.then(|| {
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

fn requests_common(f: Features) -> TokenStream {
    let static_header = (f.accept_json || f.json_body || f.form_body || f.text_body || f.binary_body)
        .then(|| {
            quote! {
                /// Sets a header whose value is known to be valid.
                pub(crate) fn static_header(request: &mut reqwest::Request, name: reqwest::header::HeaderName, value: &'static str) {
                    request.headers_mut().insert(name, reqwest::header::HeaderValue::from_static(value));
                }
            }
        });
    let accept_json = f.accept_json.then(|| {
        quote! {
            /// Asks for a JSON response.
            pub(crate) fn accept_json(request: &mut reqwest::Request) {
                static_header(request, reqwest::header::ACCEPT, "application/json");
            }
        }
    });
    quote! {
        use std::future::Future;
        use std::pin::Pin;

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

        #static_header

        #accept_json

        /// A 2xx response whose body has been read.
        pub(crate) struct Received {
            status: StatusCode,
            headers: HeaderMap,
            bytes: Vec<u8>,
        }

        /// Reads a response: a 2xx body in full, anything else as an error whose body
        /// (at most `ERROR_BODY_LIMIT` bytes of it) `decode_error` turns into the spec's
        /// error type when it can.
        pub(crate) async fn receive<E>(
            mut response: reqwest::Response,
            decode_error: fn(u16, &[u8]) -> Option<E>,
        ) -> Result<Received, Error<E>> {
            let status = response.status();
            let headers = std::mem::take(response.headers_mut());
            if status.is_success() {
                let bytes = response.bytes().await.map_err(Error::from_reqwest)?;
                return Ok(Received { status, headers, bytes: bytes.into() });
            }
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
            let decoded = decode_error(status.as_u16(), &body);
            let text = String::from_utf8_lossy(&body).into_owned();
            Err(Error::Status(Box::new(ErrorResponse { status, headers, body: decoded, text })))
        }

        impl Received {
            fn respond<T>(self, body: T) -> Response<T> {
                Response { status: self.status, headers: self.headers, body }
            }
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
            percent_encode(&value.to_string())
        }
    }
}

fn percent_encoding() -> TokenStream {
    quote! {
        /// Percent-encodes everything but unreserved characters (RFC 3986).
        fn percent_encode(text: &str) -> String {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
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
        pub(crate) fn json_body<T: serde::Serialize + ?Sized, E>(
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
        impl Received {
            /// Decodes the body as JSON of type `T`.
            pub(crate) fn json<T: serde::de::DeserializeOwned, E>(self) -> Result<Response<T>, Error<E>> {
                match serde_json::from_slice(&self.bytes) {
                    Ok(body) => Ok(self.respond(body)),
                    Err(source) => Err(self.decode_error(source)),
                }
            }
        }
    }
}

fn text_response() -> TokenStream {
    quote! {
        impl Received {
            /// The body as text; invalid UTF-8 is a decoding error.
            pub(crate) fn text<E>(mut self) -> Result<Response<String>, Error<E>> {
                match String::from_utf8(std::mem::take(&mut self.bytes)) {
                    Ok(text) => Ok(self.respond(text)),
                    Err(error) => {
                        self.bytes = error.into_bytes();
                        let source = <serde_json::Error as serde::de::Error>::custom("the body is not valid UTF-8");
                        Err(self.decode_error(source))
                    }
                }
            }
        }
    }
}

fn binary_response() -> TokenStream {
    quote! {
        impl Received {
            /// The body's bytes.
            pub(crate) fn bytes(mut self) -> Response<Vec<u8>> {
                let bytes = std::mem::take(&mut self.bytes);
                self.respond(bytes)
            }
        }
    }
}

fn empty_response() -> TokenStream {
    quote! {
        impl Received {
            /// Ignores the body (it has been read, so the connection can be reused).
            pub(crate) fn empty(mut self) -> Response<()> {
                drop(std::mem::take(&mut self.bytes));
                self.respond(())
            }
        }
    }
}

fn decode_failure() -> TokenStream {
    quote! {
        impl Received {
            fn decode_error<E>(&self, source: serde_json::Error) -> Error<E> {
                Error::Decode(Box::new(DecodeError { status: self.status, excerpt: excerpt(&self.bytes), source }))
            }
        }
    }
}

fn by_status() -> TokenStream {
    quote! {
        impl Received {
            /// The status code, to choose how to decode the body.
            pub(crate) fn status(&self) -> u16 {
                self.status.as_u16()
            }

            /// The response with its decoded body.
            pub(crate) fn with<T>(self, body: T) -> Response<T> {
                self.respond(body)
            }

            /// A 2xx status the spec does not document for this operation.
            pub(crate) fn undocumented<E>(&self) -> Error<E> {
                let source = <serde_json::Error as serde::de::Error>::custom(format!(
                    "status {} is not documented for this operation",
                    self.status
                ));
                self.decode_error(source)
            }
        }
    }
}

fn by_status_json() -> TokenStream {
    quote! {
        impl Received {
            /// Decodes the body as JSON of type `T`, keeping the response for [`Self::with`].
            pub(crate) fn decode<T: serde::de::DeserializeOwned, E>(&self) -> Result<T, Error<E>> {
                serde_json::from_slice(&self.bytes).map_err(|source| self.decode_error(source))
            }
        }
    }
}

fn by_status_text() -> TokenStream {
    quote! {
        impl Received {
            /// The body as text.
            pub(crate) fn decode_text<E>(&self) -> Result<String, Error<E>> {
                String::from_utf8(self.bytes.clone()).map_err(|_| {
                    self.decode_error(<serde_json::Error as serde::de::Error>::custom("the body is not valid UTF-8"))
                })
            }
        }
    }
}

fn by_status_binary() -> TokenStream {
    quote! {
        impl Received {
            /// The body's bytes.
            pub(crate) fn decode_bytes(&self) -> Vec<u8> {
                self.bytes.clone()
            }
        }
    }
}

fn json_error() -> TokenStream {
    quote! {
        /// Decodes an error body as JSON, if it is the expected type.
        pub(crate) fn json_error<E: serde::de::DeserializeOwned>(_status: u16, body: &[u8]) -> Option<E> {
            serde_json::from_slice(body).ok()
        }
    }
}

fn text_error() -> TokenStream {
    quote! {
        /// An error body as text.
        pub(crate) fn text_error(_status: u16, body: &[u8]) -> Option<String> {
            Some(String::from_utf8_lossy(body).into_owned())
        }
    }
}

fn binary_error() -> TokenStream {
    quote! {
        /// An error body's bytes.
        pub(crate) fn binary_error(_status: u16, body: &[u8]) -> Option<Vec<u8>> {
            Some(body.to_vec())
        }
    }
}

fn base64_codec() -> TokenStream {
    quote! {
        const BASE64_ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

        /// Standard base64 with padding (RFC 4648).
        fn base64(input: &[u8]) -> String {
            let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
            for chunk in input.chunks(3) {
                let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
                let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
                for i in 0..4 {
                    if i <= chunk.len() {
                        out.push(char::from(BASE64_ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
                    } else {
                        out.push('=');
                    }
                }
            }
            out
        }
    }
}

fn base64_type() -> TokenStream {
    quote! {
        /// Bytes that travel as base64 text (`format: byte`). Decoding accepts the standard
        /// and the URL-safe alphabets, with or without padding.
        #[derive(Clone, Default, PartialEq, Eq, Hash)]
        pub struct Base64(pub Vec<u8>);

        impl Base64 {
            /// Decodes base64 text; `None` if it is not base64.
            pub fn decode(text: &str) -> Option<Self> {
                let mut out = Vec::with_capacity(text.len() / 4 * 3);
                let mut buffer = 0u32;
                let mut bits = 0;
                for c in text.trim_end_matches('=').bytes() {
                    let value = match c {
                        b'A'..=b'Z' => c - b'A',
                        b'a'..=b'z' => c - b'a' + 26,
                        b'0'..=b'9' => c - b'0' + 52,
                        b'+' | b'-' => 62,
                        b'/' | b'_' => 63,
                        b'\n' | b'\r' => continue,
                        _ => return None,
                    };
                    buffer = (buffer << 6) | u32::from(value);
                    bits += 6;
                    if bits >= 8 {
                        bits -= 8;
                        out.push((buffer >> bits) as u8);
                    }
                }
                Some(Base64(out))
            }
        }

        impl fmt::Debug for Base64 {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "Base64({} bytes)", self.0.len())
            }
        }

        impl From<Vec<u8>> for Base64 {
            fn from(bytes: Vec<u8>) -> Self {
                Base64(bytes)
            }
        }

        impl serde::Serialize for Base64 {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&base64(&self.0))
            }
        }

        impl<'de> serde::Deserialize<'de> for Base64 {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
                Base64::decode(&text).ok_or_else(|| serde::de::Error::custom("invalid base64"))
            }
        }
    }
}

fn tagged_union() -> TokenStream {
    quote! {
        /// Writes a variant of a tagged union: its fields with the tag property set.
        pub(crate) fn serialize_tagged<S: serde::Serializer, T: serde::Serialize>(
            serializer: S,
            property: &str,
            tag: &str,
            value: &T,
        ) -> Result<S::Ok, S::Error> {
            use serde::ser::Error as _;
            match serde_json::to_value(value).map_err(S::Error::custom)? {
                serde_json::Value::Object(mut map) => {
                    map.insert(property.to_owned(), serde_json::Value::String(tag.to_owned()));
                    serde::Serialize::serialize(&map, serializer)
                }
                _ => Err(S::Error::custom("a tagged union variant must be an object")),
            }
        }

        /// Reads a tagged union: the tag, and the whole value to decode the variant from.
        pub(crate) fn deserialize_tagged<'de, D: serde::Deserializer<'de>>(
            deserializer: D,
            property: &str,
        ) -> Result<(Option<String>, serde_json::Value), D::Error> {
            let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
            let tag = value.get(property).and_then(serde_json::Value::as_str).map(str::to_owned);
            Ok((tag, value))
        }

        /// Decodes a union variant from the value read by [`deserialize_tagged`].
        pub(crate) fn variant<T: serde::de::DeserializeOwned, E: serde::de::Error>(value: serde_json::Value) -> Result<T, E> {
            serde_json::from_value(value).map_err(E::custom)
        }
    }
}

/// `Style` with only the variants this API uses, and what each means.
fn style_enum(used: u8) -> TokenStream {
    let all = [
        (
            1u8,
            quote!(FormExploded),
            "`a=1&a=2`, or `k=v` pairs for objects.",
            ",",
            true,
            false,
        ),
        (
            2,
            quote!(Form),
            "`a=1,2`, or `a=k,v` for objects.",
            ",",
            false,
            false,
        ),
        (4, quote!(SpaceDelimited), "`a=1 2`.", " ", false, false),
        (8, quote!(PipeDelimited), "`a=1|2`.", "|", false, false),
        (16, quote!(DeepObject), "`a[k]=v`.", ",", true, true),
        (
            32,
            quote!(Simple),
            "`1,2`, or `k,v` for objects (paths and headers).",
            ",",
            false,
            false,
        ),
        (
            64,
            quote!(SimpleExploded),
            "`1,2`, or `k=v` for objects (paths and headers).",
            ",",
            true,
            false,
        ),
    ];
    let present: Vec<_> = all.iter().filter(|(bit, ..)| used & bit != 0).collect();
    let variants = present.iter().map(|(_, name, doc, ..)| {
        let doc = format!(" {doc}");
        quote!(#[doc = #doc] #name,)
    });
    let separators = present
        .iter()
        .map(|(_, name, _, separator, ..)| quote!(Style::#name => #separator,));
    let explodes = present
        .iter()
        .map(|(_, name, _, _, explode, _)| quote!(Style::#name => #explode,));
    let deeps = present
        .iter()
        .map(|(_, name, _, _, _, deep)| quote!(Style::#name => #deep,));
    quote! {
        /// How an array or object parameter is written (`style` and `explode`).
        #[derive(Clone, Copy)]
        pub(crate) enum Style {
            #(#variants)*
        }

        impl Style {
            /// What separates the items of an array written as one value.
            fn separator(self) -> &'static str {
                match self {
                    #(#separators)*
                }
            }

            /// Whether items and properties are written as separate pairs.
            fn explode(self) -> bool {
                match self {
                    #(#explodes)*
                }
            }

            /// Whether object properties are written as `name[key]=value`.
            fn deep(self) -> bool {
                match self {
                    #(#deeps)*
                }
            }
        }
    }
}

fn styled_params_common() -> TokenStream {
    quote! {
        /// The text of a scalar JSON value as a parameter: strings as they are.
        fn scalar_text(value: &serde_json::Value) -> String {
            match value {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Null => String::new(),
                other => other.to_string(),
            }
        }

        fn parameter_value<T: serde::Serialize + ?Sized, E>(name: &str, value: &T) -> Result<serde_json::Value, Error<E>> {
            serde_json::to_value(value)
                .map_err(|error| Error::InvalidRequest(format!("parameter `{name}` cannot be written: {error}")))
        }
    }
}

fn query_styles() -> TokenStream {
    quote! {
        /// Appends an array or object parameter to the query in the given style.
        pub(crate) fn query<T: serde::Serialize + ?Sized, E>(url: &mut reqwest::Url, name: &str, value: &T, style: Style) -> Result<(), Error<E>> {
            let value = parameter_value(name, value)?;
            let mut query = url.query_pairs_mut();
            match &value {
                serde_json::Value::Array(items) if style.explode() => {
                    for item in items {
                        query.append_pair(name, &scalar_text(item));
                    }
                }
                serde_json::Value::Array(items) => {
                    let joined: Vec<String> = items.iter().map(scalar_text).collect();
                    query.append_pair(name, &joined.join(style.separator()));
                }
                serde_json::Value::Object(map) if style.deep() => {
                    for (key, item) in map {
                        query.append_pair(&format!("{name}[{key}]"), &scalar_text(item));
                    }
                }
                serde_json::Value::Object(map) if style.explode() => {
                    for (key, item) in map {
                        query.append_pair(key, &scalar_text(item));
                    }
                }
                serde_json::Value::Object(map) => {
                    let joined: Vec<String> = map.iter().flat_map(|(k, v)| [k.clone(), scalar_text(v)]).collect();
                    query.append_pair(name, &joined.join(","));
                }
                scalar => {
                    query.append_pair(name, &scalar_text(scalar));
                }
            }
            Ok(())
        }
    }
}

fn simple_styles() -> TokenStream {
    quote! {
        fn simple_parts<T: serde::Serialize + ?Sized, E>(
            name: &str,
            value: &T,
            style: Style,
            encode: impl Fn(String) -> String,
        ) -> Result<String, Error<E>> {
            let value = parameter_value(name, value)?;
            let parts: Vec<String> = match &value {
                serde_json::Value::Array(items) => items.iter().map(|v| encode(scalar_text(v))).collect(),
                serde_json::Value::Object(map) if style.explode() => {
                    map.iter().map(|(k, v)| format!("{}={}", encode(k.clone()), encode(scalar_text(v)))).collect()
                }
                serde_json::Value::Object(map) => {
                    map.iter().flat_map(|(k, v)| [encode(k.clone()), encode(scalar_text(v))]).collect()
                }
                scalar => vec![encode(scalar_text(scalar))],
            };
            Ok(parts.join(style.separator()))
        }
    }
}

fn header_styles() -> TokenStream {
    quote! {
        /// The text of an array or object parameter in a header (`simple` style).
        pub(crate) fn simple<T: serde::Serialize + ?Sized, E>(name: &str, value: &T, style: Style) -> Result<String, Error<E>> {
            simple_parts(name, value, style, |text| text)
        }
    }
}

fn path_styles() -> TokenStream {
    quote! {
        /// The text of an array or object parameter in a path (`simple` style): each item
        /// percent-encoded, the commas between them kept.
        pub(crate) fn simple_path<T: serde::Serialize + ?Sized, E>(name: &str, value: &T, style: Style) -> Result<String, Error<E>> {
            simple_parts(name, value, style, |text| percent_encode(&text))
        }
    }
}

fn form_body() -> TokenStream {
    quote! {
        /// Serializes an `application/x-www-form-urlencoded` body: one pair per property,
        /// arrays as repeated pairs, nested objects as JSON text.
        pub(crate) fn form_body<T: serde::Serialize + ?Sized, E>(request: &mut reqwest::Request, body: &T) -> Result<(), Error<E>> {
            let value = serde_json::to_value(body)
                .map_err(|error| Error::InvalidRequest(format!("the body cannot be serialized: {error}")))?;
            let serde_json::Value::Object(map) = value else {
                return Err(Error::InvalidRequest("a form body must be an object".to_owned()));
            };
            let mut pairs = reqwest::Url::parse("form:").map_err(|e| Error::InvalidRequest(e.to_string()))?;
            {
                let mut query = pairs.query_pairs_mut();
                for (key, item) in &map {
                    match item {
                        serde_json::Value::Null => {}
                        serde_json::Value::Array(items) => {
                            for item in items {
                                query.append_pair(key, &form_text(item));
                            }
                        }
                        other => {
                            query.append_pair(key, &form_text(other));
                        }
                    }
                }
            }
            let encoded = pairs.query().unwrap_or("").to_owned();
            static_header(request, reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            *request.body_mut() = Some(encoded.into());
            Ok(())
        }

        fn form_text(value: &serde_json::Value) -> String {
            match value {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            }
        }
    }
}

fn multipart_body() -> TokenStream {
    quote! {
        /// A `multipart/form-data` body, built part by part.
        pub(crate) struct Multipart {
            boundary: String,
            body: Vec<u8>,
        }

        impl Multipart {
            pub(crate) fn new() -> Self {
                use std::hash::{BuildHasher, Hasher};
                // A boundary that differs per body; it only has to be absent from the parts.
                let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
                hasher.write_usize(std::process::id() as usize);
                Multipart { boundary: format!("------------------------{:016x}", hasher.finish()), body: Vec::new() }
            }

            fn header(&mut self, name: &str, filename: Option<&str>, content_type: &str) {
                let name = name.replace('"', "%22");
                self.body.extend_from_slice(format!("--{}\r\nContent-Disposition: form-data; name=\"{name}\"", self.boundary).as_bytes());
                if let Some(filename) = filename {
                    self.body.extend_from_slice(format!("; filename=\"{}\"", filename.replace('"', "%22")).as_bytes());
                }
                self.body.extend_from_slice(format!("\r\nContent-Type: {content_type}\r\n\r\n").as_bytes());
            }

            /// A text part: strings as they are, other values as JSON.
            pub(crate) fn text<T: serde::Serialize + ?Sized, E>(&mut self, name: &str, value: &T) -> Result<(), Error<E>> {
                let value = serde_json::to_value(value)
                    .map_err(|error| Error::InvalidRequest(format!("part `{name}` cannot be serialized: {error}")))?;
                let (text, content_type) = match value {
                    serde_json::Value::String(s) => (s, "text/plain; charset=utf-8"),
                    serde_json::Value::Number(_) | serde_json::Value::Bool(_) => (value.to_string(), "text/plain; charset=utf-8"),
                    other => (other.to_string(), "application/json"),
                };
                self.header(name, None, content_type);
                self.body.extend_from_slice(text.as_bytes());
                self.body.extend_from_slice(b"\r\n");
                Ok(())
            }

            /// A file part with the given bytes.
            pub(crate) fn file(&mut self, name: &str, bytes: &[u8]) {
                self.header(name, Some(name), "application/octet-stream");
                self.body.extend_from_slice(bytes);
                self.body.extend_from_slice(b"\r\n");
            }

            /// Closes the body and puts it on the request.
            pub(crate) fn finish(mut self, request: &mut reqwest::Request) {
                self.body.extend_from_slice(format!("--{}--\r\n", self.boundary).as_bytes());
                let content_type = format!("multipart/form-data; boundary={}", self.boundary);
                if let Ok(value) = reqwest::header::HeaderValue::try_from(content_type) {
                    request.headers_mut().insert(reqwest::header::CONTENT_TYPE, value);
                }
                *request.body_mut() = Some(self.body.into());
            }
        }
    }
}

fn raw_body() -> TokenStream {
    quote! {
        /// Puts text or bytes on a request as they are.
        pub(crate) fn raw_body(request: &mut reqwest::Request, content_type: &'static str, body: Vec<u8>) {
            static_header(request, reqwest::header::CONTENT_TYPE, content_type);
            *request.body_mut() = Some(body.into());
        }
    }
}
