// Hooks: code that runs around every attempt to send a request.

/// Code that runs around every attempt to send a request: logging, metrics, request
/// signing, token refresh, custom retries. Set on the client builder; several run in the
/// order they were set, each around the next.
pub trait Hook: Send + Sync + 'static {
    /// Handles one attempt: passes `request` on with [`Next::send`] (possibly changed, or
    /// not at all, or more than once) and returns the response it settles on. Credentials
    /// are on the request already.
    fn send<'a>(
        &'a self,
        request: reqwest::Request,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<reqwest::Response, SendError>>;
}

/// What a hook is told about the request it handles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RequestInfo {
    /// Which operation the request is.
    pub operation: OperationInfo,
    /// Which attempt this is: 1, then 2 and on when the client retries.
    pub attempt: u32,
}

/// What comes after a hook: the hooks set after it, then the server.
#[derive(Clone, Copy)]
pub struct Next<'a> {
    hooks: &'a [Arc<dyn Hook>],
    http: &'a reqwest::Client,
    info: RequestInfo,
}

impl<'a> Next<'a> {
    /// What the request is.
    pub fn info(&self) -> RequestInfo {
        self.info
    }

    /// Passes `request` on.
    pub fn send(
        self,
        request: reqwest::Request,
    ) -> BoxFuture<'a, Result<reqwest::Response, SendError>> {
        match self.hooks.split_first() {
            Some((hook, rest)) => hook.send(
                request,
                Next {
                    hooks: rest,
                    ..self
                },
            ),
            None => Box::pin(async move { Ok(self.http.execute(request).await?) }),
        }
    }
}

impl fmt::Debug for Next<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Next")
            .field("hooks", &self.hooks.len())
            .field("info", &self.info)
            .finish_non_exhaustive()
    }
}

/// Why an attempt brought no response: what hooks and [`Next::send`] return.
#[derive(Debug)]
#[non_exhaustive]
pub enum SendError {
    /// The transport failed: connection, TLS, or timeout.
    Transport(reqwest::Error),
    /// A hook stopped the request, for this reason.
    Hook(Box<dyn std::error::Error + Send + Sync>),
}

impl From<reqwest::Error> for SendError {
    fn from(error: reqwest::Error) -> Self {
        SendError::Transport(without_query(error))
    }
}

/// `error` showing its URL without the query: query strings can carry credentials (an
/// API key in the query) and personal data, and errors end up in logs.
fn without_query(mut error: reqwest::Error) -> reqwest::Error {
    if let Some(address) = error.url_mut() {
        address.set_query(None);
    }
    error
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SendError::Transport(error) => fmt::Display::fmt(error, f),
            SendError::Hook(error) => write!(f, "stopped by a hook: {error}"),
        }
    }
}

impl std::error::Error for SendError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SendError::Transport(error) => Some(error),
            SendError::Hook(error) => Some(error.as_ref()),
        }
    }
}

impl<E> From<SendError> for Error<E> {
    fn from(error: SendError) -> Self {
        match error {
            SendError::Transport(error) => transport_error(error),
            SendError::Hook(error) => Error::Hook(error),
        }
    }
}
