// Credentials: how each security scheme puts its secret on a request.

/// A header value that logs and `Debug` output never show.
fn secret_header(text: &str) -> Option<HeaderValue> {
    HeaderValue::try_from(text).ok().map(|mut value| {
        value.set_sensitive(true);
        value
    })
}

/// Credentials for HTTP Basic authentication. `Debug` never shows the password.
#[derive(Clone)]
pub struct BasicAuth {
    username: String,
    authorization: Option<HeaderValue>,
}

impl BasicAuth {
    /// Credentials from a username and a password.
    pub fn new(username: impl Into<String>, password: impl AsRef<str>) -> Self {
        let username = username.into();
        let token = base64::Engine::encode(
            &BASE64_STANDARD,
            format!("{username}:{}", password.as_ref()),
        );
        BasicAuth {
            username,
            authorization: secret_header(&format!("Basic {token}")),
        }
    }

    /// The username.
    pub fn username(&self) -> &str {
        &self.username
    }
}

impl fmt::Debug for BasicAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BasicAuth")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// Credentials the client holds: each kind puts itself on a request.
pub(crate) trait Authorize: fmt::Debug + Send + Sync {
    /// Authenticates `request`; `Err` says why the credentials cannot be sent.
    fn authorize(&self, request: &mut reqwest::Request) -> Result<(), String>;
}

/// Puts a credential's `Authorization` header on a request; `None` when the credential
/// holds characters a header cannot carry, which `problem` describes.
fn set_authorization(
    request: &mut reqwest::Request,
    authorization: &Option<HeaderValue>,
    problem: &str,
) -> Result<(), String> {
    match authorization {
        Some(value) => {
            request
                .headers_mut()
                .insert(reqwest::header::AUTHORIZATION, value.clone());
            Ok(())
        }
        None => Err(problem.to_owned()),
    }
}

impl Authorize for BasicAuth {
    fn authorize(&self, request: &mut reqwest::Request) -> Result<(), String> {
        set_authorization(
            request,
            &self.authorization,
            "the Basic credentials cannot be sent as a header",
        )
    }
}

/// A bearer token, sent as `Authorization: Bearer <token>`. `Debug` never shows it.
#[derive(Clone)]
pub struct BearerToken {
    authorization: Option<HeaderValue>,
}

impl BearerToken {
    /// A token as issued.
    pub fn new(token: impl AsRef<str>) -> Self {
        BearerToken {
            authorization: secret_header(&format!("Bearer {}", token.as_ref())),
        }
    }
}

impl fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BearerToken(<redacted>)")
    }
}

impl Authorize for BearerToken {
    fn authorize(&self, request: &mut reqwest::Request) -> Result<(), String> {
        set_authorization(
            request,
            &self.authorization,
            "the bearer token contains characters a header cannot carry",
        )
    }
}

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
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

/// An API key sent in the header `name`.
#[derive(Debug)]
pub(crate) struct HeaderKey {
    pub(crate) key: ApiKey,
    pub(crate) name: &'static str,
}

impl Authorize for HeaderKey {
    fn authorize(&self, request: &mut reqwest::Request) -> Result<(), String> {
        match secret_header(&self.key.key) {
            Some(value) => {
                request
                    .headers_mut()
                    .insert(HeaderName::from_static(self.name), value);
                Ok(())
            }
            None => Err("the API key contains characters a header cannot carry".to_owned()),
        }
    }
}

/// An API key sent as the query parameter `name`.
#[derive(Debug)]
pub(crate) struct QueryKey {
    pub(crate) key: ApiKey,
    pub(crate) name: &'static str,
}

impl Authorize for QueryKey {
    fn authorize(&self, request: &mut reqwest::Request) -> Result<(), String> {
        request
            .url_mut()
            .query_pairs_mut()
            .append_pair(self.name, &self.key.key);
        Ok(())
    }
}
