// Errors: everything that can go wrong when calling the API, and what each says.

/// Everything that can go wrong when calling the API.
///
/// `E` is the type of the error bodies the operation documents.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E = serde_json::Value> {
    /// The client could not be built, or a request could not be formed from the values
    /// given (for example an invalid base URL, or a path parameter that would address
    /// another resource). Nothing was sent.
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
    /// A [`Hook`] stopped the request.
    Hook(Box<dyn std::error::Error + Send + Sync>),
    /// The response body is longer than the client (or the request) reads into memory.
    TooLarge(TooLarge),
    /// A response that streams sent nothing for this long (the client's timeout): no
    /// status and headers, or no more of its body.
    Stalled(std::time::Duration),
}

impl<E> Error<E> {
    /// The HTTP status of the response, if one arrived.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Status(response) => Some(response.status),
            Error::Decode(error) => Some(error.status),
            Error::TooLarge(error) => Some(error.status),
            Error::InvalidRequest(_)
            | Error::Timeout(_)
            | Error::Transport(_)
            | Error::Hook(_)
            | Error::Stalled(_) => None,
        }
    }

    /// Whether the request timed out, or a response that streams stalled.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout(_) | Error::Stalled(_))
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
                let shown = body_excerpt(response.text.as_bytes());
                if !shown.is_empty() {
                    write!(f, ": {shown}")?;
                }
                Ok(())
            }
            Error::Decode(error) => fmt::Display::fmt(error, f),
            Error::Hook(error) => write!(f, "stopped by a hook: {error}"),
            Error::TooLarge(error) => fmt::Display::fmt(error, f),
            Error::Stalled(idle) => write!(f, "the response stalled: nothing for {idle:?}"),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Timeout(error) | Error::Transport(error) => Some(error),
            Error::Decode(error) => Some(&error.source),
            Error::Hook(error) => Some(error.as_ref()),
            Error::InvalidRequest(_)
            | Error::Status(_)
            | Error::TooLarge(_)
            | Error::Stalled(_) => None,
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
    path: String,
    excerpt: String,
    source: serde_json::Error,
}

impl DecodeError {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// Where in the body decoding failed, as a path of properties and indices
    /// (`payload.id`, `items[2].name`); empty when the body as a whole is wrong.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The start of the body, at most 256 bytes of it.
    pub fn excerpt(&self) -> &str {
        &self.excerpt
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "could not decode the {} response", self.status)?;
        if !self.path.is_empty() {
            write!(f, " at `{}`", self.path)?;
        }
        write!(f, ": {}", self.source)?;
        if !self.excerpt.is_empty() {
            write!(f, "; the body starts with: {}", self.excerpt)?;
        }
        Ok(())
    }
}

/// A response body longer than the limit on what is read into memory: the client
/// builder's `body_limit`, or a request's own [`Request::body_limit`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TooLarge {
    status: StatusCode,
    limit: usize,
    length: Option<u64>,
}

impl TooLarge {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The limit, in bytes.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// The body's length, when the server announced it in `Content-Length`.
    pub fn length(&self) -> Option<u64> {
        self.length
    }
}

impl fmt::Display for TooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.length {
            Some(length) => write!(
                f,
                "the {} response body is {length} bytes, over the limit of {} bytes",
                self.status, self.limit
            ),
            None => write!(
                f,
                "the {} response body is longer than the limit of {} bytes",
                self.status, self.limit
            ),
        }
    }
}

/// The first bytes of a body as text, cut at a character boundary.
fn body_excerpt(body: &[u8]) -> String {
    let mut end = body.len().min(EXCERPT_LIMIT);
    // Back up to the start of a UTF-8 character rather than splitting it.
    while end < body.len() && end > 0 && (body[end] & 0xC0) == 0x80 {
        end -= 1;
    }
    let mut shown = String::from_utf8_lossy(&body[..end]).into_owned();
    if body.len() > end {
        shown.push('…');
    }
    shown
}
