//! Support code shared by all requests: errors, responses, three-state fields, credentials,
//! and the helpers that write parameters and bodies and read responses.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use reqwest::header::HeaderName;
use reqwest::header::HeaderValue;

/// Longest body excerpt shown in messages, in bytes.
const EXCERPT_LIMIT: usize = 256;

/// Longest error body kept, in bytes; the rest is dropped.
const ERROR_BODY_LIMIT: usize = 64 * 1024;

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

/// The future a request builder turns into when awaited.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Checks a base URL and drops its trailing slash, so paths can be appended.
pub(crate) fn checked_base_url(given: String) -> Result<String, Error> {
    match reqwest::Url::parse(&given) {
        Ok(parsed) if parsed.scheme() == "http" || parsed.scheme() == "https" => {
            Ok(given.trim_end_matches('/').to_owned())
        }
        Ok(_) => Err(Error::InvalidRequest(format!(
            "base URL `{given}` is not http or https"
        ))),
        Err(error) => Err(Error::InvalidRequest(format!(
            "base URL `{given}` is invalid: {error}"
        ))),
    }
}

/// A transport error, told apart from a timeout, its URL without the query.
fn transport_error<E>(error: reqwest::Error) -> Error<E> {
    let error = without_query(error);
    if error.is_timeout() {
        Error::Timeout(error)
    } else {
        Error::Transport(error)
    }
}

/// Parses a request URL from its parts: the base URL, path text and parameters.
pub(crate) fn request_url<E>(parts: &[&str]) -> Result<reqwest::Url, Error<E>> {
    let joined = parts.concat();
    reqwest::Url::parse(&joined)
        .map_err(|error| Error::InvalidRequest(format!("URL `{joined}` is invalid: {error}")))
}

/// What the client holds besides the credential setters: where and how requests go.
#[derive(Clone)]
pub(crate) struct Core {
    /// The base URL, without a trailing slash.
    pub(crate) base_url: String,
    pub(crate) http: reqwest::Client,
    /// One slot per security scheme of the API, in the order operations name them.
    pub(crate) credentials: Vec<Option<Arc<dyn Authorize>>>,
    pub(crate) hooks: Vec<Arc<dyn Hook>>,
    pub(crate) retry: Option<Retry>,
    /// How long a request whose response is read whole may take, body included; `None`
    /// when the HTTP client was given, with its own timeouts.
    pub(crate) timeout: Option<std::time::Duration>,
    /// The longest response body read into memory, in bytes.
    pub(crate) body_limit: usize,
}

impl fmt::Debug for Core {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials)
            .field("hooks", &self.hooks.len())
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .field("body_limit", &self.body_limit)
            .finish_non_exhaustive()
    }
}

/// Which operation a request is: for hooks, retries and traces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OperationInfo {
    /// The operation's `operationId` (or the name made from its method and path).
    pub id: &'static str,
    /// The HTTP method.
    pub method: &'static str,
    /// The path as the spec writes it, with `{parameter}` placeholders.
    pub path: &'static str,
}

/// An operation of the API. Its parameters, as a [`Request`] carries them, implement it;
/// the crate implements it for every operation, and code using the crate can be generic
/// over it (to log `INFO`, say).
pub trait Operation: Send + Sized {
    /// What a successful response decodes to.
    type Success: Send;
    /// What an error response's body decodes to.
    type Error: Send;
    /// The operation's `operationId` (or the name made from its method and path).
    const ID: &'static str;
    /// The HTTP method.
    const METHOD: &'static str;
    /// The path as the spec writes it, with `{parameter}` placeholders.
    const PATH: &'static str;
    /// Which operation it is.
    const INFO: OperationInfo = OperationInfo {
        id: Self::ID,
        method: Self::METHOD,
        path: Self::PATH,
    };
    /// The alternatives of credentials that authorize it: indices of the client's security
    /// schemes, all of one alternative applied. Empty when it needs none.
    #[doc(hidden)]
    const SECURITY: &'static [&'static [usize]] = &[];
    /// The HTTP request, without credentials, to `base_url` (which has no trailing slash);
    /// `http` builds multipart bodies.
    #[doc(hidden)]
    fn request(&self, base_url: &str, http: &reqwest::Client) -> Built<Self>;
    /// Whether a successful response's body is handed over unread, as a stream, rather
    /// than read whole before decoding.
    #[doc(hidden)]
    const STREAMS: bool = false;
    /// Decodes a successful response.
    #[doc(hidden)]
    fn decode(response: Received) -> Decoded<Self>;
    /// Decodes the body of an error response, when it is the type the spec documents.
    #[doc(hidden)]
    fn decode_error(status: u16, body: &[u8]) -> Option<Self::Error>;
}

/// An operation's HTTP request, built, or why it could not be.
pub(crate) type Built<Op> = Result<reqwest::Request, Error<<Op as Operation>::Error>>;

/// An operation's decoded response, or why it failed.
pub(crate) type Decoded<Op> =
    Result<Response<<Op as Operation>::Success>, Error<<Op as Operation>::Error>>;

/// A request to an operation: set its optional parameters and options, then `.await` it
/// (or call [`send`](Self::send)).
#[derive(Clone, Debug)]
#[must_use = "a request does nothing until it is awaited or sent"]
pub struct Request<'a, Op> {
    pub(crate) core: &'a Core,
    pub(crate) operation: Op,
    options: RequestOptions,
}

/// What a request adds to the client's settings.
#[derive(Clone, Debug, Default)]
struct RequestOptions {
    headers: HeaderMap,
    invalid_header: Option<String>,
    timeout: Option<std::time::Duration>,
    retry: Option<Retry>,
    body_limit: Option<usize>,
}

/// A request to `operation` through the client `core`.
pub(crate) fn start<Op>(core: &Core, operation: Op) -> Request<'_, Op> {
    Request {
        core,
        operation,
        options: RequestOptions::default(),
    }
}

impl<Op: Operation> Request<'_, Op> {
    /// Adds a header to this request alone, after those the operation sets (a header of
    /// the same name, such as `Content-Type`, is replaced). Credentials are applied last:
    /// a header of the same name as the one the client's credentials use is replaced by
    /// them. A name or value that is not valid makes sending fail with
    /// [`Error::InvalidRequest`].
    pub fn header<K, V>(mut self, name: K, value: V) -> Self
    where
        K: TryInto<HeaderName>,
        V: TryInto<HeaderValue>,
    {
        match (name.try_into(), value.try_into()) {
            (Ok(name), Ok(value)) => {
                self.options.headers.append(name, value);
            }
            _ => {
                self.options.invalid_header =
                    Some("a header name or value given for this request is not valid".to_owned());
            }
        }
        self
    }

    /// How long this request may take, response body included, instead of the client's
    /// timeout. A response that streams has no such deadline unless this sets one.
    pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }

    /// Retries this request as `retry` says, instead of as the client does. Retries of
    /// methods that are not idempotent (`POST`, `PATCH`) after the request may have arrived
    /// happen only when `retry` allows them ([`Retry::non_idempotent`]). A request whose
    /// body streams is never sent twice.
    pub fn retry(mut self, retry: Retry) -> Self {
        self.options.retry = Some(retry);
        self
    }

    /// Reads at most `bytes` of a JSON or text response body into memory, instead of the
    /// client's limit; a longer body fails with [`Error::TooLarge`].
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.options.body_limit = Some(bytes);
        self
    }

    /// The operation's parameters.
    pub fn parameters(&self) -> &Op {
        &self.operation
    }

    /// Sends the request and decodes the response.
    pub async fn send(self) -> Result<Response<Op::Success>, Error<Op::Error>> {
        let request = prepare(self.core, &self.operation, &self.options, None);
        deliver::<Op>(self.core, request, &self.options).await
    }
}

/// The HTTP request for `operation` with `options`, to `url` instead of its own when one
/// is given (the next page a response links to).
fn prepare<Op: Operation>(
    core: &Core,
    operation: &Op,
    options: &RequestOptions,
    url: Option<reqwest::Url>,
) -> Built<Op> {
    let mut request = operation.request(&core.base_url, &core.http)?;
    if let Some(problem) = &options.invalid_header {
        return Err(Error::InvalidRequest(problem.clone()));
    }
    if let Some(url) = url {
        *request.url_mut() = url;
    }
    for (name, value) in &options.headers {
        request.headers_mut().insert(name, value.clone());
    }
    // A body read whole has the client's deadline; a stream only the one asked for.
    let deadline = if Op::STREAMS { None } else { core.timeout };
    if let Some(timeout) = options.timeout.or(deadline) {
        *request.timeout_mut() = Some(timeout);
    }
    apply_credentials(core, &mut request, Op::SECURITY)?;
    Ok(request)
}

/// Sends a prepared request and decodes the response.
async fn deliver<Op: Operation>(
    core: &Core,
    request: Built<Op>,
    options: &RequestOptions,
) -> Result<Response<Op::Success>, Error<Op::Error>> {
    let request = request?;
    let retry = options.retry.as_ref().or(core.retry.as_ref());
    // A response that streams has no deadline but may not stall: its head, and then each
    // chunk of its body, must come within the client's timeout.
    let idle = if Op::STREAMS && options.timeout.is_none() {
        core.timeout
    } else {
        None
    };
    let sent = dispatch(core, request, Op::INFO, retry);
    let response = match idle {
        Some(idle) => tokio::time::timeout(idle, sent)
            .await
            .map_err(|_| Error::Stalled(idle))??,
        None => sent.await?,
    };
    let limit = options.body_limit.unwrap_or(core.body_limit);
    let received = receive(
        response,
        Op::STREAMS.then_some(idle),
        limit,
        Op::decode_error,
    )
    .await?;
    Op::decode(received)
}

impl<'a, Op: Operation + 'a> std::future::IntoFuture for Request<'a, Op> {
    type Output = Result<Response<Op::Success>, Error<Op::Error>>;
    type IntoFuture = BoxFuture<'a, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// Applies the first of an operation's alternatives of credentials that the client holds
/// all of; none when it holds none of them.
fn apply_credentials<E>(
    core: &Core,
    request: &mut reqwest::Request,
    alternatives: &[&[usize]],
) -> Result<(), Error<E>> {
    let held = |i: &usize| core.credentials.get(*i).and_then(Option::as_ref);
    for alternative in alternatives {
        if alternative.iter().all(|i| held(i).is_some()) {
            for credential in alternative.iter().filter_map(held) {
                credential
                    .authorize(request)
                    .map_err(Error::InvalidRequest)?;
            }
            return Ok(());
        }
    }
    Ok(())
}

/// Sends a request through the hooks, retrying as `retry` says, and traced when the
/// `tracing` feature is on. The same code for every operation.
async fn dispatch(
    core: &Core,
    request: reqwest::Request,
    operation: OperationInfo,
    retry: Option<&Retry>,
) -> Result<reqwest::Response, SendError> {
    #[cfg(feature = "tracing")]
    return traced(core, request, operation, retry).await;
    #[cfg(not(feature = "tracing"))]
    send_retrying(core, request, operation, retry, &|_| {}).await
}

/// [`send_retrying`] in a span named `request` that records the operation, method, path
/// template, last attempt, status and duration: never a credential or a body.
#[cfg(feature = "tracing")]
async fn traced(
    core: &Core,
    request: reqwest::Request,
    operation: OperationInfo,
    retry: Option<&Retry>,
) -> Result<reqwest::Response, SendError> {
    use tracing::Instrument as _;
    let span = tracing::info_span!(
        "request",
        operation = operation.id,
        method = operation.method,
        path = operation.path,
        attempt = tracing::field::Empty,
        status = tracing::field::Empty,
        duration_ms = tracing::field::Empty,
    );
    let started = std::time::Instant::now();
    let record = |number: u32| {
        span.record("attempt", number);
    };
    let outcome = send_retrying(core, request, operation, retry, &record)
        .instrument(span.clone())
        .await;
    span.record(
        "duration_ms",
        u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    );
    if let Ok(response) = &outcome {
        span.record("status", response.status().as_u16());
    }
    outcome
}

/// Sends a request, again while `retry` allows, and gives the last outcome; `on_attempt`
/// hears of each attempt's number.
async fn send_retrying(
    core: &Core,
    request: reqwest::Request,
    operation: OperationInfo,
    retry: Option<&Retry>,
    on_attempt: &(dyn Fn(u32) + Sync),
) -> Result<reqwest::Response, SendError> {
    on_attempt(1);
    let Some(retry) = retry else {
        return send_once(core, request, operation, 1).await;
    };
    let started = std::time::Instant::now();
    let idempotent = !matches!(operation.method, "POST" | "PATCH");
    let mut pending = request;
    let mut number = 1;
    loop {
        // A body that streams cannot be sent twice.
        let Some(again) = pending.try_clone() else {
            return send_once(core, pending, operation, number).await;
        };
        let outcome = send_once(core, pending, operation, number).await;
        let Some(delay) = retry_delay(retry, &outcome, idempotent, number, started.elapsed())
        else {
            return outcome;
        };
        tokio::time::sleep(delay).await;
        pending = again;
        number += 1;
        on_attempt(number);
    }
}

/// One attempt: the request through the hooks, in order, then to the server.
async fn send_once(
    core: &Core,
    request: reqwest::Request,
    operation: OperationInfo,
    number: u32,
) -> Result<reqwest::Response, SendError> {
    if core.hooks.is_empty() {
        return Ok(core.http.execute(request).await?);
    }
    let next = Next {
        hooks: &core.hooks,
        http: &core.http,
        info: RequestInfo {
            operation,
            attempt: number,
        },
    };
    next.send(request).await
}

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

/// When to send a request again: after a transport failure, or a `429 Too Many Requests`
/// or `503 Service Unavailable` answer, waiting longer each time (exponential backoff with
/// jitter), or as long as a `Retry-After` header asks, within a number of attempts and a
/// total time.
///
/// A request whose method is not idempotent (`POST`, `PATCH`) is sent again only when
/// it cannot have arrived (the connection failed), unless
/// [`non_idempotent`](Self::non_idempotent) allows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Retry {
    attempts: u32,
    initial_delay: std::time::Duration,
    max_delay: std::time::Duration,
    max_elapsed: std::time::Duration,
    non_idempotent: bool,
}

impl Default for Retry {
    fn default() -> Self {
        Retry::new(3)
    }
}

impl Retry {
    /// At most `attempts` attempts in all, the first included; waiting about 100 ms before
    /// the second, then twice as long each time, at most 10 s between two attempts and
    /// 30 s in all.
    pub fn new(attempts: u32) -> Self {
        Retry {
            attempts: attempts.max(1),
            initial_delay: std::time::Duration::from_millis(100),
            max_delay: std::time::Duration::from_secs(10),
            max_elapsed: std::time::Duration::from_secs(30),
            non_idempotent: false,
        }
    }

    /// The wait before the second attempt, doubled for each further one.
    pub fn initial_delay(mut self, delay: std::time::Duration) -> Self {
        self.initial_delay = delay;
        self
    }

    /// The longest wait between two attempts, `Retry-After` included: a server asking for
    /// more is not retried.
    pub fn max_delay(mut self, delay: std::time::Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// The longest time from the first attempt to the start of the last.
    pub fn max_elapsed(mut self, elapsed: std::time::Duration) -> Self {
        self.max_elapsed = elapsed;
        self
    }

    /// Whether requests that are not idempotent (`POST`, `PATCH`) are retried too after
    /// they may have arrived: only when the operation is safe to repeat.
    pub fn non_idempotent(mut self, allowed: bool) -> Self {
        self.non_idempotent = allowed;
        self
    }
}

/// How long to wait before attempt `number + 1`, after `outcome`; `None` when there is
/// to be none.
fn retry_delay(
    retry: &Retry,
    outcome: &Result<reqwest::Response, SendError>,
    idempotent: bool,
    number: u32,
    elapsed: std::time::Duration,
) -> Option<std::time::Duration> {
    if number >= retry.attempts {
        return None;
    }
    let repeatable = idempotent || retry.non_idempotent;
    let asked = match outcome {
        Ok(response) => {
            let status = response.status().as_u16();
            if !(repeatable && (status == 429 || status == 503)) {
                return None;
            }
            retry_after(response.headers())
        }
        // Nothing was sent when the connection could not be made.
        Err(SendError::Transport(error)) if repeatable || error.is_connect() => None,
        Err(_) => return None,
    };
    let backoff = retry
        .initial_delay
        .saturating_mul(1 << (number - 1).min(16))
        .min(retry.max_delay);
    // Equal jitter: half the backoff, and up to as much again at random.
    let jittered = backoff / 2 + backoff.mul_f64(random_fraction() / 2.0);
    let delay = match asked {
        Some(asked) if asked > retry.max_delay => return None,
        Some(asked) => asked.max(jittered),
        None => jittered,
    };
    (elapsed + delay <= retry.max_elapsed).then_some(delay)
}

/// A number in `[0, 1)` that differs from call to call: enough randomness for jitter.
fn random_fraction() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| since.as_nanos()),
    );
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// How long a `Retry-After` header asks to wait: a number of seconds, or an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<std::time::Duration> {
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(std::time::Duration::from_secs(seconds));
    }
    let at = http_date(value)?;
    Some(
        at.duration_since(std::time::SystemTime::now())
            .unwrap_or_default(),
    )
}

/// An HTTP date in its preferred form, `Sun, 06 Nov 1994 08:49:37 GMT` (RFC 9110).
fn http_date(text: &str) -> Option<std::time::SystemTime> {
    let fields: Vec<&str> = text.split_whitespace().collect();
    let [_, day, month, year, time, "GMT"] = fields.as_slice() else {
        return None;
    };
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS.iter().position(|m| m == month)? as i64 + 1;
    let day: i64 = day.parse().ok()?;
    let year: i64 = year.parse().ok()?;
    let clock: Vec<i64> = time
        .split(':')
        .map(|part| part.parse().ok())
        .collect::<Option<_>>()?;
    let [hours, minutes, seconds] = clock.as_slice() else {
        return None;
    };
    let in_range = (1..=31).contains(&day)
        && (0..24).contains(hours)
        && (0..60).contains(minutes)
        && (0..=60).contains(seconds);
    if !in_range {
        return None;
    }
    // Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    let shifted = if month <= 2 { year - 1 } else { year };
    let era = shifted.div_euclid(400);
    let of_era = shifted - era * 400;
    let of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let of_cycle = of_era * 365 + of_era / 4 - of_era / 100 + of_year;
    let days = era * 146_097 + of_cycle - 719_468;
    let total = days * 86_400 + hours * 3_600 + minutes * 60 + seconds;
    let total = u64::try_from(total).ok()?;
    Some(std::time::UNIX_EPOCH + std::time::Duration::from_secs(total))
}

/// Sets a header whose value is known to be valid.
fn static_header(request: &mut reqwest::Request, name: HeaderName, value: &'static str) {
    request
        .headers_mut()
        .insert(name, HeaderValue::from_static(value));
}

/// Asks for a JSON response.
pub(crate) fn accept_json(request: &mut reqwest::Request) {
    static_header(request, reqwest::header::ACCEPT, "application/json");
}

/// Sets a header from a parameter value.
pub(crate) fn set_header<E>(
    request: &mut reqwest::Request,
    name: &'static str,
    value: &str,
) -> Result<(), Error<E>> {
    match HeaderValue::try_from(value) {
        Ok(valid) => {
            request
                .headers_mut()
                .insert(HeaderName::from_static(name), valid);
            Ok(())
        }
        Err(_) => Err(Error::InvalidRequest(format!(
            "the value of header `{name}` contains characters a header cannot carry"
        ))),
    }
}

/// Percent-encodes everything but unreserved characters (RFC 3986), so that the text
/// stays one path segment: `/`, `?`, `#`, `%`, spaces and non-ASCII text are all encoded.
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

/// A path parameter's text, percent-encoded: a part of a path segment.
pub(crate) fn path_text(value: &impl fmt::Display) -> String {
    percent_encode(&value.to_string())
}

/// A path segment made of parameter values, refused when it would address another
/// resource: empty, `.` or `..` (in any spelling the URL parser reads as one, such as
/// `%2e`), which the URL parser would drop or resolve against the segments before it.
pub(crate) fn path_segment<E>(names: &str, segment: String) -> Result<String, Error<E>> {
    let dots = segment.to_ascii_lowercase().replace("%2e", ".");
    if dots.is_empty() || dots == "." || dots == ".." {
        let shown = if segment.is_empty() {
            "empty"
        } else {
            segment.as_str()
        };
        return Err(Error::InvalidRequest(format!(
            "path parameter `{names}` is {shown}, which would address another resource"
        )));
    }
    Ok(segment)
}

/// A path segment that is one parameter's value: percent-encoded and checked.
pub(crate) fn path_param<E>(name: &str, value: &impl fmt::Display) -> Result<String, Error<E>> {
    path_segment(name, path_text(value))
}

/// A parameter value as JSON, to write it item by item.
fn parameter_value<T: serde::Serialize + ?Sized, E>(
    name: &str,
    value: &T,
) -> Result<serde_json::Value, Error<E>> {
    serde_json::to_value(value).map_err(|error| {
        Error::InvalidRequest(format!("parameter `{name}` cannot be written: {error}"))
    })
}

/// The text of one item of a parameter: strings as they are, other scalars as JSON, and
/// arrays and objects (which no style can write inside another) as JSON text.
fn scalar_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The JSON text of a parameter described by `content: application/json`.
pub(crate) fn json_text<T: serde::Serialize + ?Sized, E>(
    name: &str,
    value: &T,
) -> Result<String, Error<E>> {
    serde_json::to_string(value).map_err(|error| {
        Error::InvalidRequest(format!("parameter `{name}` cannot be written: {error}"))
    })
}

/// Appends a parameter to the query as separate pairs (`form` style, exploded): arrays
/// as `a=1&a=2`, objects as `k=v` pairs.
pub(crate) fn query_exploded<T: serde::Serialize + ?Sized, E>(
    address: &mut reqwest::Url,
    name: &str,
    value: &T,
) -> Result<(), Error<E>> {
    let value = parameter_value(name, value)?;
    let mut query = address.query_pairs_mut();
    match &value {
        serde_json::Value::Array(items) => {
            for item in items {
                query.append_pair(name, &scalar_text(item));
            }
        }
        serde_json::Value::Object(map) => {
            for (key, item) in map {
                query.append_pair(key, &scalar_text(item));
            }
        }
        scalar => {
            query.append_pair(name, &scalar_text(scalar));
        }
    }
    Ok(())
}

/// Appends a parameter to the query as one pair whose items are joined by `separator`:
/// `,` for `form` style not exploded (`a=1,2`, objects `a=k,v`), ` ` for
/// `spaceDelimited`, `|` for `pipeDelimited`.
pub(crate) fn query_joined<T: serde::Serialize + ?Sized, E>(
    address: &mut reqwest::Url,
    name: &str,
    value: &T,
    separator: &str,
) -> Result<(), Error<E>> {
    let value = parameter_value(name, value)?;
    let parts: Vec<String> = match &value {
        serde_json::Value::Array(items) => items.iter().map(scalar_text).collect(),
        serde_json::Value::Object(map) => map
            .iter()
            .flat_map(|(key, item)| [key.clone(), scalar_text(item)])
            .collect(),
        scalar => vec![scalar_text(scalar)],
    };
    address
        .query_pairs_mut()
        .append_pair(name, &parts.join(separator));
    Ok(())
}

/// Appends an object parameter to the query in `deepObject` style: `a[k]=v`.
pub(crate) fn query_deep<T: serde::Serialize + ?Sized, E>(
    address: &mut reqwest::Url,
    name: &str,
    value: &T,
) -> Result<(), Error<E>> {
    let value = parameter_value(name, value)?;
    let mut query = address.query_pairs_mut();
    match &value {
        serde_json::Value::Object(map) => {
            for (key, item) in map {
                query.append_pair(&format!("{name}[{key}]"), &scalar_text(item));
            }
        }
        other => {
            query.append_pair(name, &scalar_text(other));
        }
    }
    Ok(())
}

/// The items of an array or object parameter in `simple` style, each passed through
/// `encode`: `1,2`, objects `k,v` (or `k=v` exploded).
fn simple_parts<T: serde::Serialize + ?Sized, E>(
    name: &str,
    value: &T,
    explode: bool,
    encode: fn(&str) -> String,
) -> Result<String, Error<E>> {
    let value = parameter_value(name, value)?;
    let parts: Vec<String> = match &value {
        serde_json::Value::Array(items) => items
            .iter()
            .map(|item| encode(&scalar_text(item)))
            .collect(),
        serde_json::Value::Object(map) if explode => map
            .iter()
            .map(|(key, item)| format!("{}={}", encode(key), encode(&scalar_text(item))))
            .collect(),
        serde_json::Value::Object(map) => map
            .iter()
            .flat_map(|(key, item)| [encode(key), encode(&scalar_text(item))])
            .collect(),
        scalar => vec![encode(&scalar_text(scalar))],
    };
    Ok(parts.join(","))
}

/// The text of an array or object parameter in a header (`simple` style).
pub(crate) fn simple<T: serde::Serialize + ?Sized, E>(
    name: &str,
    value: &T,
    explode: bool,
) -> Result<String, Error<E>> {
    simple_parts(name, value, explode, str::to_owned)
}

/// The text of an array or object parameter in a path (`simple` style): each item
/// percent-encoded, the commas between them kept.
pub(crate) fn simple_path<T: serde::Serialize + ?Sized, E>(
    name: &str,
    value: &T,
    explode: bool,
) -> Result<String, Error<E>> {
    simple_parts(name, value, explode, percent_encode)
}

/// Serializes a JSON request body.
pub(crate) fn json_body<T: serde::Serialize + ?Sized, E>(
    request: &mut reqwest::Request,
    content_type: &'static str,
    body: &T,
) -> Result<(), Error<E>> {
    match serde_json::to_vec(body) {
        Ok(encoded) => {
            static_header(request, reqwest::header::CONTENT_TYPE, content_type);
            *request.body_mut() = Some(encoded.into());
            Ok(())
        }
        Err(error) => Err(Error::InvalidRequest(format!(
            "the body cannot be serialized: {error}"
        ))),
    }
}

/// Serializes an `application/x-www-form-urlencoded` body: one pair per property,
/// arrays as repeated pairs, nested objects as JSON text.
pub(crate) fn form_body<T: serde::Serialize + ?Sized, E>(
    request: &mut reqwest::Request,
    body: &T,
) -> Result<(), Error<E>> {
    let value = serde_json::to_value(body).map_err(|error| {
        Error::InvalidRequest(format!("the body cannot be serialized: {error}"))
    })?;
    let serde_json::Value::Object(map) = value else {
        return Err(Error::InvalidRequest(
            "a form body must be an object".to_owned(),
        ));
    };
    // A URL's query is the same encoding; its serializer writes the pairs.
    let mut encoder =
        reqwest::Url::parse("form:").map_err(|error| Error::InvalidRequest(error.to_string()))?;
    {
        let mut pairs = encoder.query_pairs_mut();
        for (key, item) in &map {
            match item {
                serde_json::Value::Null => {}
                serde_json::Value::Array(items) => {
                    for entry in items {
                        pairs.append_pair(key, &scalar_text(entry));
                    }
                }
                other => {
                    pairs.append_pair(key, &scalar_text(other));
                }
            }
        }
    }
    let encoded = encoder.query().unwrap_or("").to_owned();
    static_header(
        request,
        reqwest::header::CONTENT_TYPE,
        "application/x-www-form-urlencoded",
    );
    *request.body_mut() = Some(encoded.into());
    Ok(())
}

/// Puts text or bytes on a request as they are.
pub(crate) fn raw_body(request: &mut reqwest::Request, content_type: &'static str, body: Vec<u8>) {
    static_header(request, reqwest::header::CONTENT_TYPE, content_type);
    *request.body_mut() = Some(body.into());
}

/// A file to upload in a `multipart/form-data` body: its contents (bytes, a file read as
/// it is sent, or a stream: see [`Body`]), and the file name and content type its part
/// is sent with.
///
/// Without a file name the part is named after the property; without a content type it
/// is sent with the one the spec gives for the property, or `application/octet-stream`.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct File {
    contents: Body,
    name: Option<String>,
    media_type: Option<String>,
}

impl File {
    /// A file with these contents: bytes, or a [`Body`] read from a file or a stream.
    pub fn new(contents: impl Into<Body>) -> Self {
        File {
            contents: contents.into(),
            name: None,
            media_type: None,
        }
    }

    /// The file at `path`, read as it is sent, named after its last component.
    pub async fn open(path: impl AsRef<std::path::Path>) -> std::io::Result<Self> {
        let path = path.as_ref();
        let file = File::new(Body::open(path).await?);
        Ok(match path.file_name() {
            Some(name) => file.with_file_name(name.to_string_lossy()),
            None => file,
        })
    }

    /// Sends the file under this name (the `filename` of its part).
    pub fn with_file_name(mut self, file_name: impl Into<String>) -> Self {
        self.name = Some(file_name.into());
        self
    }

    /// Sends the file with this `Content-Type`, for example `image/png`.
    pub fn with_content_type(mut self, content_type: impl Into<String>) -> Self {
        self.media_type = Some(content_type.into());
        self
    }

    /// The file's bytes, when it was made from bytes rather than a file or a stream.
    pub fn contents(&self) -> Option<&[u8]> {
        self.contents.as_bytes()
    }

    /// The file name it is sent under, if one is set.
    pub fn file_name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The content type it is sent with, if one is set.
    pub fn content_type(&self) -> Option<&str> {
        self.media_type.as_deref()
    }
}

impl From<Vec<u8>> for File {
    fn from(contents: Vec<u8>) -> Self {
        File::new(contents)
    }
}

impl From<Body> for File {
    fn from(contents: Body) -> Self {
        File::new(contents)
    }
}

impl fmt::Debug for File {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("File")
            .field("file_name", &self.name)
            .field("content_type", &self.media_type)
            .field("contents", &self.contents)
            .finish()
    }
}

impl serde::Serialize for File {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.contents.as_bytes() {
            Some(held) => serde::Serialize::serialize(held, serializer),
            None => Err(serde::ser::Error::custom(
                "a file read as it is sent cannot be serialized",
            )),
        }
    }
}

impl<'de> serde::Deserialize<'de> for File {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        <Vec<u8> as serde::Deserialize>::deserialize(deserializer).map(File::new)
    }
}

/// Adds a text part to a `multipart/form-data` body: strings as they are, numbers and
/// booleans as their text, arrays and objects as JSON. `content_type` is the one the
/// spec's `encoding` gives, if any.
pub(crate) fn multipart_text<T: serde::Serialize + ?Sized, E>(
    form: reqwest::multipart::Form,
    name: &str,
    value: &T,
    content_type: Option<&str>,
) -> Result<reqwest::multipart::Form, Error<E>> {
    let value = serde_json::to_value(value).map_err(|error| {
        Error::InvalidRequest(format!("part `{name}` cannot be serialized: {error}"))
    })?;
    let (written, default_type) = match value {
        serde_json::Value::String(s) => (s, None),
        serde_json::Value::Number(_) | serde_json::Value::Bool(_) => (value.to_string(), None),
        other => (other.to_string(), Some("application/json")),
    };
    let mut part = reqwest::multipart::Part::text(written);
    if let Some(media) = content_type.or(default_type) {
        part = part.mime_str(media).map_err(|_| {
            Error::InvalidRequest(format!(
                "part `{name}`: `{media}` is not a valid content type"
            ))
        })?;
    }
    Ok(form.part(name.to_owned(), part))
}

/// Adds a file part to a `multipart/form-data` body, with the file's own name and content
/// type when it has them, else the property name and `content_type`.
pub(crate) fn multipart_file<E>(
    form: reqwest::multipart::Form,
    name: &str,
    file: &File,
    content_type: &str,
) -> Result<reqwest::multipart::Form, Error<E>> {
    let media = file.media_type.as_deref().unwrap_or(content_type);
    let (sent, length) = body_to_send(&file.contents)
        .map_err(|problem| Error::InvalidRequest(format!("part `{name}`: {problem}")))?;
    let part = match (file.contents.length(), length) {
        (_, Some(length)) | (Some(length), None) => {
            reqwest::multipart::Part::stream_with_length(sent, length)
        }
        (None, None) => reqwest::multipart::Part::stream(sent),
    };
    let part = part
        .file_name(file.name.clone().unwrap_or_else(|| name.to_owned()))
        .mime_str(media)
        .map_err(|_| {
            Error::InvalidRequest(format!(
                "part `{name}`: `{media}` is not a valid content type"
            ))
        })?;
    Ok(form.part(name.to_owned(), part))
}

/// Puts a `multipart/form-data` body on a request, with its boundary and length.
pub(crate) fn multipart_body<E>(
    http: &reqwest::Client,
    request: reqwest::Request,
    form: reqwest::multipart::Form,
) -> Result<reqwest::Request, Error<E>> {
    reqwest::RequestBuilder::from_parts(http.clone(), request)
        .multipart(form)
        .build()
        .map_err(|error| Error::InvalidRequest(format!("the body cannot be built: {error}")))
}

/// A 2xx response whose body has been read, for the operation to decode, or whose body is
/// left unread for it to stream.
pub struct Received {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) bytes: Vec<u8>,
    /// The response, its body unread, when the operation streams it, with the longest
    /// wait for each chunk.
    pub(crate) unread: Option<(reqwest::Response, Option<std::time::Duration>)>,
}

/// Reads a response: a 2xx body in full (at most `limit` bytes) or, when the operation
/// streams (`streams` holds how long each chunk may take, if bounded), not at all;
/// anything else as an error whose body (at most `ERROR_BODY_LIMIT` bytes of it)
/// `decode_error` turns into the spec's error type when it can.
pub(crate) async fn receive<E>(
    mut response: reqwest::Response,
    streams: Option<Option<std::time::Duration>>,
    limit: usize,
    decode_error: fn(u16, &[u8]) -> Option<E>,
) -> Result<Received, Error<E>> {
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    if status.is_success() {
        if let Some(idle) = streams {
            return Ok(Received {
                status,
                headers,
                bytes: Vec::new(),
                unread: Some((response, idle)),
            });
        }
        let too_large = |length| {
            Error::TooLarge(TooLarge {
                status,
                limit,
                length,
            })
        };
        let announced = response.content_length();
        if let Some(length) = announced {
            if length > limit as u64 {
                return Err(too_large(announced));
            }
            // HTTP framing holds the body to its announced length.
            let read = response.bytes().await.map_err(transport_error)?;
            return Ok(Received {
                status,
                headers,
                bytes: read.into(),
                unread: None,
            });
        }
        let first = response.chunk().await.map_err(transport_error)?;
        let Some(first) = first else {
            return Ok(Received {
                status,
                headers,
                bytes: Vec::new(),
                unread: None,
            });
        };
        let mut read = Vec::with_capacity(first.len());
        read.extend_from_slice(&first);
        while let Some(chunk) = response.chunk().await.map_err(transport_error)? {
            if read.len() + chunk.len() > limit {
                return Err(too_large(None));
            }
            read.extend_from_slice(&chunk);
        }
        if read.len() > limit {
            return Err(too_large(None));
        }
        return Ok(Received {
            status,
            headers,
            bytes: read,
            unread: None,
        });
    }
    let mut kept = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let room = ERROR_BODY_LIMIT - kept.len();
                kept.extend_from_slice(&chunk[..chunk.len().min(room)]);
                if chunk.len() >= room {
                    break;
                }
            }
            Ok(None) => break,
            // The status is what matters; a body cut short still says what it can.
            Err(_) => break,
        }
    }
    let body = decode_error(status.as_u16(), &kept);
    let text = String::from_utf8_lossy(&kept).into_owned();
    Err(Error::Status(Box::new(ErrorResponse {
        status,
        headers,
        body,
        text,
    })))
}

/// The response with its decoded body.
pub(crate) fn with_body<T>(received: Received, body: T) -> Response<T> {
    // The bytes were decoded into `body`, or are not wanted, and so is a body not read.
    drop(received.bytes);
    drop(received.unread);
    Response {
        status: received.status,
        headers: received.headers,
        body,
    }
}

/// A decoding failure of a received body.
fn decode_failure<E>(received: &Received, path: String, source: serde_json::Error) -> Error<E> {
    Error::Decode(Box::new(DecodeError {
        status: received.status,
        path,
        excerpt: body_excerpt(&received.bytes),
        source,
    }))
}

/// Decodes JSON, and on failure decodes it again to learn where it failed: the path
/// costs nothing when the body is right.
fn from_json<T: serde::de::DeserializeOwned>(
    json: &[u8],
) -> Result<T, (String, serde_json::Error)> {
    match serde_json::from_slice(json) {
        Ok(decoded) => Ok(decoded),
        Err(plain) => {
            let mut deserializer = serde_json::Deserializer::from_slice(json);
            match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
                Ok(_) => Err((String::new(), plain)),
                Err(located) => {
                    let path = located.path().to_string();
                    let path = if path == "." { String::new() } else { path };
                    Err((path, located.into_inner()))
                }
            }
        }
    }
}

/// A response whose body is JSON of type `T`.
pub(crate) fn json_response<T: serde::de::DeserializeOwned, E>(
    received: Received,
) -> Result<Response<T>, Error<E>> {
    let body = decode_json(&received)?;
    Ok(with_body(received, body))
}

/// A response whose body is text; invalid UTF-8 is a decoding error.
pub(crate) fn text_response<E>(received: Received) -> Result<Response<String>, Error<E>> {
    let body = decode_text(&received)?;
    Ok(with_body(received, body))
}

/// A response whose body is bytes.
pub(crate) fn bytes_response<E>(mut received: Received) -> Result<Response<Vec<u8>>, Error<E>> {
    let body = std::mem::take(&mut received.bytes);
    Ok(with_body(received, body))
}

/// A response whose body is ignored (it was read, so the connection can be reused).
pub(crate) fn empty_response<E>(received: Received) -> Result<Response<()>, Error<E>> {
    Ok(with_body(received, ()))
}

/// Decodes a received body as JSON of type `T`.
pub(crate) fn decode_json<T: serde::de::DeserializeOwned, E>(
    received: &Received,
) -> Result<T, Error<E>> {
    from_json(&received.bytes).map_err(|(path, source)| decode_failure(received, path, source))
}

/// A received body as text.
pub(crate) fn decode_text<E>(received: &Received) -> Result<String, Error<E>> {
    String::from_utf8(received.bytes.clone()).map_err(|_| {
        let source = <serde_json::Error as serde::de::Error>::custom("the body is not valid UTF-8");
        decode_failure(received, String::new(), source)
    })
}

/// A received body's bytes.
pub(crate) fn decode_bytes(received: &Received) -> Vec<u8> {
    received.bytes.clone()
}

/// A 2xx status the spec does not document for this operation.
pub(crate) fn undocumented<E>(received: &Received) -> Error<E> {
    let source = <serde_json::Error as serde::de::Error>::custom(format!(
        "status {} is not documented for this operation",
        received.status
    ));
    decode_failure(received, String::new(), source)
}

/// Decodes an error body as JSON, if it is the expected type.
pub(crate) fn json_error<E: serde::de::DeserializeOwned>(_status: u16, body: &[u8]) -> Option<E> {
    serde_json::from_slice(body).ok()
}

/// Decodes an error body as JSON of a type whose properties are all optional, which any
/// object would decode into: only an object carrying at least one of its `properties` is
/// taken as one.
pub(crate) fn json_error_declaring<E: serde::de::DeserializeOwned>(
    _status: u16,
    body: &[u8],
    properties: &[&str],
) -> Option<E> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let declares = value
        .as_object()
        .is_some_and(|map| properties.iter().any(|p| map.contains_key(*p)));
    if declares {
        serde_json::from_value(value).ok()
    } else {
        None
    }
}

/// An error body as text.
pub(crate) fn text_error(_status: u16, body: &[u8]) -> Option<String> {
    Some(String::from_utf8_lossy(body).into_owned())
}

/// An error body's bytes.
pub(crate) fn bytes_error(_status: u16, body: &[u8]) -> Option<Vec<u8>> {
    Some(body.to_vec())
}

/// A response body as it arrives: a stream of chunks of bytes, read only as the caller
/// asks for them. It is a [`futures_core::Stream`]; [`next`](Self::next) reads a chunk
/// without one, and [`bytes`](Self::bytes) reads the rest into memory.
pub struct ByteStream {
    reading: Reading,
    /// The longest wait for a chunk.
    patience: Option<std::time::Duration>,
}

/// Where a [`ByteStream`] is: between chunks, waiting for one, or at the end.
enum Reading {
    Idle(reqwest::Response),
    Waiting(BoxFuture<'static, (reqwest::Response, Result<Option<bytes::Bytes>, Error>)>),
    Ended,
}

impl ByteStream {
    /// The next chunk; `None` at the end of the body.
    pub async fn next(&mut self) -> Option<Result<bytes::Bytes, Error>> {
        std::future::poll_fn(|cx| futures_core::Stream::poll_next(Pin::new(&mut *self), cx)).await
    }

    /// Reads the rest of the body into memory, however long it is.
    pub async fn bytes(mut self) -> Result<bytes::Bytes, Error> {
        let mut whole = Vec::new();
        while let Some(chunk) = self.next().await {
            whole.extend_from_slice(&chunk?);
        }
        Ok(whole.into())
    }
}

impl futures_core::Stream for ByteStream {
    type Item = Result<bytes::Bytes, Error>;

    fn poll_next(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        loop {
            match std::mem::replace(&mut self.reading, Reading::Ended) {
                Reading::Idle(mut response) => {
                    let patience = self.patience;
                    self.reading = Reading::Waiting(Box::pin(async move {
                        let read = match patience {
                            Some(patience) => tokio::time::timeout(patience, response.chunk())
                                .await
                                .map_err(|_| Error::Stalled(patience))
                                .and_then(|read| read.map_err(transport_error)),
                            None => response.chunk().await.map_err(transport_error),
                        };
                        (response, read)
                    }));
                }
                Reading::Waiting(mut waiting) => {
                    return match waiting.as_mut().poll(cx) {
                        std::task::Poll::Pending => {
                            self.reading = Reading::Waiting(waiting);
                            std::task::Poll::Pending
                        }
                        std::task::Poll::Ready((response, Ok(Some(chunk)))) => {
                            self.reading = Reading::Idle(response);
                            std::task::Poll::Ready(Some(Ok(chunk)))
                        }
                        std::task::Poll::Ready((_, Ok(None))) => std::task::Poll::Ready(None),
                        std::task::Poll::Ready((_, Err(error))) => {
                            std::task::Poll::Ready(Some(Err(error)))
                        }
                    };
                }
                Reading::Ended => return std::task::Poll::Ready(None),
            }
        }
    }
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteStream").finish_non_exhaustive()
    }
}

/// A response whose body is streamed as bytes.
pub(crate) fn byte_stream_response<E>(
    received: Received,
) -> Result<Response<ByteStream>, Error<E>> {
    let (reading, patience) = match received.unread {
        Some((response, patience)) => (Reading::Idle(response), patience),
        None => (Reading::Ended, None),
    };
    Ok(Response {
        status: received.status,
        headers: received.headers,
        body: ByteStream { reading, patience },
    })
}

/// One server-sent event: its `data` decoded, with the event's name, id and reconnection
/// time.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ServerEvent<T> {
    /// The event's name (its `event` field), `message` when it has none.
    pub name: String,
    /// The last event id the stream has set (the `id` field of this event or an earlier
    /// one), which a client sends as `Last-Event-ID` to resume.
    pub id: Option<String>,
    /// The reconnection time this event's `retry` field asks for.
    pub retry: Option<std::time::Duration>,
    /// The event's `data`, decoded.
    pub data: T,
}

/// A `text/event-stream` response: its events, each decoded as they arrive. It is a
/// [`futures_core::Stream`]; [`next`](Self::next) reads an event without one.
///
/// An event whose `data` does not decode is an [`Error::Decode`] item, with the path
/// where decoding failed and an excerpt of the data, and the stream goes on. A transport
/// failure is an item too, and ends the stream.
pub struct EventStream<T> {
    body: ByteStream,
    parser: EventParser,
    decode: fn(&str) -> Result<T, (String, serde_json::Error)>,
    /// The `data` that ends the stream, such as `[DONE]`.
    end: Option<&'static str>,
    status: StatusCode,
    finished: bool,
}

impl<T> EventStream<T> {
    /// The next event; `None` at the end of the stream.
    pub async fn next(&mut self) -> Option<Result<ServerEvent<T>, Error>> {
        std::future::poll_fn(|cx| futures_core::Stream::poll_next(Pin::new(&mut *self), cx)).await
    }

    /// The last event id the stream has set, to send as `Last-Event-ID` when resuming.
    pub fn last_event_id(&self) -> Option<&str> {
        self.parser.last_id.as_deref()
    }

    /// The reconnection time the stream last asked for with a `retry` field.
    pub fn retry(&self) -> Option<std::time::Duration> {
        self.parser.last_retry
    }
}

impl<T> futures_core::Stream for EventStream<T> {
    type Item = Result<ServerEvent<T>, Error>;

    fn poll_next(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        loop {
            if let Some(raw) = self.parser.ready.pop_front() {
                if self.end == Some(raw.data.as_str()) {
                    self.finished = true;
                    self.parser.ready.clear();
                    self.body.reading = Reading::Ended;
                    return std::task::Poll::Ready(None);
                }
                let decoded = (self.decode)(&raw.data).map_err(|(path, source)| {
                    Error::Decode(Box::new(DecodeError {
                        status: self.status,
                        path,
                        excerpt: body_excerpt(raw.data.as_bytes()),
                        source,
                    }))
                });
                return std::task::Poll::Ready(Some(decoded.map(|data| ServerEvent {
                    name: raw.name,
                    id: raw.id,
                    retry: raw.retry,
                    data,
                })));
            }
            if self.finished {
                return std::task::Poll::Ready(None);
            }
            match futures_core::Stream::poll_next(Pin::new(&mut self.body), cx) {
                std::task::Poll::Pending => return std::task::Poll::Pending,
                std::task::Poll::Ready(Some(Ok(chunk))) => parse_events(&mut self.parser, &chunk),
                std::task::Poll::Ready(Some(Err(error))) => {
                    self.finished = true;
                    return std::task::Poll::Ready(Some(Err(error)));
                }
                // An event not ended by a blank line is dropped, as the format says.
                std::task::Poll::Ready(None) => self.finished = true,
            }
        }
    }
}

impl<T> fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream")
            .field("last_event_id", &self.parser.last_id)
            .field("end", &self.end)
            .finish_non_exhaustive()
    }
}

/// An event as the stream spells it, its data not decoded yet.
#[derive(Debug, PartialEq)]
struct RawEvent {
    name: String,
    data: String,
    id: Option<String>,
    retry: Option<std::time::Duration>,
}

/// Reads `text/event-stream` text as it arrives, in chunks split anywhere: lines ended by
/// `\n`, `\r\n` or `\r`, comments, fields, and an event at each blank line.
#[derive(Debug, Default)]
struct EventParser {
    /// The bytes of the line not ended yet.
    pending: Vec<u8>,
    /// Whether the last byte was a `\r`, so that a `\n` first in the next chunk ends no
    /// line of its own.
    after_cr: bool,
    /// Whether a line has been read (a byte order mark may start the first).
    started: bool,
    data: String,
    has_data: bool,
    name: String,
    /// The reconnection time the event being read asks for.
    asked_retry: Option<std::time::Duration>,
    last_id: Option<String>,
    last_retry: Option<std::time::Duration>,
    ready: std::collections::VecDeque<RawEvent>,
}

/// Reads a chunk of an event stream; the events it completes join `parser.ready`.
fn parse_events(parser: &mut EventParser, chunk: &[u8]) {
    if chunk.is_empty() {
        return;
    }
    let mut rest = chunk;
    if parser.after_cr && rest.first() == Some(&b'\n') {
        rest = &rest[1..];
    }
    parser.after_cr = false;
    while let Some(at) = rest.iter().position(|b| *b == b'\n' || *b == b'\r') {
        let mut line = std::mem::take(&mut parser.pending);
        line.extend_from_slice(&rest[..at]);
        event_line(parser, &line);
        parser.pending = line;
        parser.pending.clear();
        let cr = rest[at] == b'\r';
        rest = &rest[at + 1..];
        if cr {
            match rest.first() {
                Some(b'\n') => rest = &rest[1..],
                Some(_) => {}
                None => parser.after_cr = true,
            }
        }
    }
    parser.pending.extend_from_slice(rest);
}

/// Reads one line of an event stream.
fn event_line(parser: &mut EventParser, bytes: &[u8]) {
    let mut bytes = bytes;
    if !parser.started {
        parser.started = true;
        bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    }
    if bytes.is_empty() {
        dispatch_event(parser);
        return;
    }
    if bytes[0] == b':' {
        return;
    }
    let text = String::from_utf8_lossy(bytes);
    let (field, value) = match text.find(':') {
        Some(colon) => {
            let value = &text[colon + 1..];
            (&text[..colon], value.strip_prefix(' ').unwrap_or(value))
        }
        None => (&text[..], ""),
    };
    match field {
        "event" => value.clone_into(&mut parser.name),
        "data" => {
            if parser.has_data {
                parser.data.push('\n');
            }
            parser.data.push_str(value);
            parser.has_data = true;
        }
        "id" if !value.contains('\0') => parser.last_id = Some(value.to_owned()),
        "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
            let millis = value.parse().unwrap_or(u64::MAX);
            let retry = std::time::Duration::from_millis(millis);
            parser.asked_retry = Some(retry);
            parser.last_retry = Some(retry);
        }
        _ => {}
    }
}

/// Ends the event at a blank line: one with data is ready; one without is none.
fn dispatch_event(parser: &mut EventParser) {
    let name = std::mem::take(&mut parser.name);
    let retry = parser.asked_retry.take();
    if !std::mem::replace(&mut parser.has_data, false) {
        return;
    }
    parser.ready.push_back(RawEvent {
        name: if name.is_empty() {
            "message".to_owned()
        } else {
            name
        },
        data: std::mem::take(&mut parser.data),
        id: parser.last_id.clone(),
        retry,
    });
}

/// A `text/event-stream` response whose events' data `decode` reads; `end` is the data
/// that ends the stream, if the API has one.
pub(crate) fn event_response<T, E>(
    received: Received,
    decode: fn(&str) -> Result<T, (String, serde_json::Error)>,
    end: Option<&'static str>,
) -> Result<Response<EventStream<T>>, Error<E>> {
    let media_type = received
        .headers
        .get(reqwest::header::CONTENT_TYPE)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).to_ascii_lowercase());
    if let Some(media_type) = media_type {
        let essence = media_type.split(';').next().unwrap_or_default().trim();
        if essence != "text/event-stream" {
            let source = <serde_json::Error as serde::de::Error>::custom(format!(
                "the server answered with `{essence}`, not an event stream"
            ));
            return Err(decode_failure(&received, String::new(), source));
        }
    }
    let status = received.status;
    let response = byte_stream_response(received)?;
    Ok(Response {
        status,
        headers: response.headers,
        body: EventStream {
            body: response.body,
            parser: EventParser::default(),
            decode,
            end,
            status,
            finished: false,
        },
    })
}

/// Decodes an event's data as JSON.
pub(crate) fn event_json<T: serde::de::DeserializeOwned>(
    data: &str,
) -> Result<T, (String, serde_json::Error)> {
    from_json(data.as_bytes())
}

/// An event's data as text.
pub(crate) fn event_text(data: &str) -> Result<String, (String, serde_json::Error)> {
    Ok(data.to_owned())
}

/// Asks for a `text/event-stream` response.
pub(crate) fn accept_events(request: &mut reqwest::Request) {
    static_header(request, reqwest::header::ACCEPT, "text/event-stream");
}

/// An operation that can answer with a stream of events as well as with its usual body;
/// [`Streaming`] is the same operation asking for the events.
pub trait OffersEvents: Operation {
    /// What an event's data decodes to.
    type Event: Send;
    /// The data that ends the stream, if the API has one.
    #[doc(hidden)]
    const EVENTS_END: Option<&'static str> = None;
    /// Decodes an event's data.
    #[doc(hidden)]
    fn decode_event(data: &str) -> Result<Self::Event, (String, serde_json::Error)>;
}

/// An operation asking for its answer as a stream of events (`Accept: text/event-stream`):
/// what a request's `stream()` sends.
#[derive(Clone, Debug)]
pub struct Streaming<Op>(Op);

impl<Op> Streaming<Op> {
    /// The operation's parameters.
    pub fn parameters(&self) -> &Op {
        &self.0
    }
}

impl<Op: OffersEvents> Operation for Streaming<Op> {
    type Success = EventStream<Op::Event>;
    type Error = Op::Error;
    const ID: &'static str = Op::ID;
    const METHOD: &'static str = Op::METHOD;
    const PATH: &'static str = Op::PATH;
    const SECURITY: &'static [&'static [usize]] = Op::SECURITY;
    const STREAMS: bool = true;

    fn request(&self, base_url: &str, http: &reqwest::Client) -> Built<Self> {
        let mut request = self.0.request(base_url, http)?;
        request.headers_mut().insert(
            reqwest::header::ACCEPT,
            HeaderValue::from_static("text/event-stream"),
        );
        Ok(request)
    }

    fn decode(response: Received) -> Decoded<Self> {
        event_response(response, Op::decode_event, Op::EVENTS_END)
    }

    fn decode_error(status: u16, body: &[u8]) -> Option<Self::Error> {
        Op::decode_error(status, body)
    }
}

/// The request, asking for a stream of events instead.
pub(crate) fn streaming<Op>(request: Request<'_, Op>) -> Request<'_, Streaming<Op>> {
    Request {
        core: request.core,
        operation: Streaming(request.operation),
        options: request.options,
    }
}

/// A request body, or a file of a `multipart/form-data` body, sent as it is: bytes, a
/// file, or a stream of chunks.
///
/// Bytes can be sent again when a request is retried; a file or a stream is sent once,
/// as it is read, and a request carrying one is not retried. Clones of a streamed body
/// share its one stream: the first request that sends it takes it, and sending it again
/// fails with [`Error::InvalidRequest`].
#[derive(Clone, Default)]
pub struct Body {
    source: BodySource,
}

#[derive(Clone)]
enum BodySource {
    Bytes(bytes::Bytes),
    Stream {
        stream: Arc<std::sync::Mutex<Option<reqwest::Body>>>,
        length: Option<u64>,
    },
}

impl Default for BodySource {
    fn default() -> Self {
        BodySource::Bytes(bytes::Bytes::new())
    }
}

impl Body {
    /// A body read from `stream` as it is sent, its length unknown (sent in chunks).
    pub fn from_stream<S, B, X>(stream: S) -> Self
    where
        S: futures_core::Stream<Item = Result<B, X>> + Send + 'static,
        bytes::Bytes: From<B>,
        X: Into<Box<dyn std::error::Error + Send + Sync>> + 'static,
    {
        streamed_body(reqwest::Body::wrap_stream(stream), None)
    }

    /// A body read from `stream` as it is sent, `length` bytes long (sent with a
    /// `Content-Length`).
    pub fn from_sized_stream<S, B, X>(stream: S, length: u64) -> Self
    where
        S: futures_core::Stream<Item = Result<B, X>> + Send + 'static,
        bytes::Bytes: From<B>,
        X: Into<Box<dyn std::error::Error + Send + Sync>> + 'static,
    {
        streamed_body(reqwest::Body::wrap_stream(stream), Some(length))
    }

    /// The file at `path`, read as it is sent, with its length.
    pub async fn open(path: impl AsRef<std::path::Path>) -> std::io::Result<Self> {
        let opened = tokio::fs::File::open(path).await?;
        let length = opened.metadata().await?.len();
        Ok(streamed_body(reqwest::Body::from(opened), Some(length)))
    }

    /// Its length in bytes, when known.
    pub fn length(&self) -> Option<u64> {
        match &self.source {
            BodySource::Bytes(held) => Some(held.len() as u64),
            BodySource::Stream { length, .. } => *length,
        }
    }

    /// Its bytes, when it was made from bytes rather than a file or a stream.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match &self.source {
            BodySource::Bytes(held) => Some(held),
            BodySource::Stream { .. } => None,
        }
    }
}

/// A body read from `stream` as it is sent.
fn streamed_body(stream: reqwest::Body, length: Option<u64>) -> Body {
    Body {
        source: BodySource::Stream {
            stream: Arc::new(std::sync::Mutex::new(Some(stream))),
            length,
        },
    }
}

/// What to send of `body`: its bytes again, or its stream, taken.
fn body_to_send(body: &Body) -> Result<(reqwest::Body, Option<u64>), String> {
    match &body.source {
        BodySource::Bytes(held) => Ok((reqwest::Body::from(held.clone()), None)),
        BodySource::Stream { stream, length } => {
            let taken = stream.lock().map_or(None, |mut slot| slot.take());
            match taken {
                Some(taken) => Ok((taken, *length)),
                None => Err("a streamed body can be sent once, and it was sent already".to_owned()),
            }
        }
    }
}

impl From<Vec<u8>> for Body {
    fn from(contents: Vec<u8>) -> Self {
        Body {
            source: BodySource::Bytes(contents.into()),
        }
    }
}

impl From<&Vec<u8>> for Body {
    fn from(contents: &Vec<u8>) -> Self {
        Body::from(contents.as_slice())
    }
}

impl From<&[u8]> for Body {
    fn from(contents: &[u8]) -> Self {
        Body {
            source: BodySource::Bytes(bytes::Bytes::copy_from_slice(contents)),
        }
    }
}

impl<const N: usize> From<[u8; N]> for Body {
    fn from(contents: [u8; N]) -> Self {
        Body::from(contents.as_slice())
    }
}

impl<const N: usize> From<&[u8; N]> for Body {
    fn from(contents: &[u8; N]) -> Self {
        Body::from(contents.as_slice())
    }
}

impl From<bytes::Bytes> for Body {
    fn from(contents: bytes::Bytes) -> Self {
        Body {
            source: BodySource::Bytes(contents),
        }
    }
}

impl From<String> for Body {
    fn from(contents: String) -> Self {
        Body::from(contents.into_bytes())
    }
}

impl From<&str> for Body {
    fn from(contents: &str) -> Self {
        Body::from(contents.as_bytes())
    }
}

impl From<tokio::fs::File> for Body {
    /// The file, read as it is sent, its length unknown; [`Body::open`] knows it.
    fn from(opened: tokio::fs::File) -> Self {
        streamed_body(reqwest::Body::from(opened), None)
    }
}

impl PartialEq for Body {
    fn eq(&self, other: &Self) -> bool {
        match (&self.source, &other.source) {
            (BodySource::Bytes(a), BodySource::Bytes(b)) => a == b,
            (BodySource::Stream { stream: a, .. }, BodySource::Stream { stream: b, .. }) => {
                Arc::ptr_eq(a, b)
            }
            _ => false,
        }
    }
}

impl Eq for Body {}

impl std::hash::Hash for Body {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        match &self.source {
            BodySource::Bytes(held) => held.hash(state),
            BodySource::Stream { stream, .. } => Arc::as_ptr(stream).hash(state),
        }
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Body")
            .field("length", &self.length())
            .field(
                "streamed",
                &matches!(self.source, BodySource::Stream { .. }),
            )
            .finish()
    }
}

/// Puts a body on a request as it is, with its length when a stream's is known.
pub(crate) fn stream_body<E>(
    request: &mut reqwest::Request,
    content_type: &'static str,
    body: &Body,
) -> Result<(), Error<E>> {
    let (sent, length) = body_to_send(body).map_err(Error::InvalidRequest)?;
    static_header(request, reqwest::header::CONTENT_TYPE, content_type);
    if let Some(length) = length {
        request
            .headers_mut()
            .insert(reqwest::header::CONTENT_LENGTH, HeaderValue::from(length));
    }
    *request.body_mut() = Some(sent);
    Ok(())
}

/// An operation whose responses are pages of a list: a request's `pages()` and `items()`
/// follow them from the first to the last.
pub trait Paginated: Operation + Clone {
    /// One item of the list.
    type Item: Send;
    /// What asks for the page after `page`, if there is one.
    #[doc(hidden)]
    fn next_page(&self, page: &Response<Self::Success>) -> Option<NextPage<Self>>;
    /// The items of a page.
    #[doc(hidden)]
    fn page_items(page: Self::Success) -> Vec<Self::Item>;
}

/// What asks for the next page: the operation with other parameters, or the URL a
/// response links to.
#[doc(hidden)]
#[derive(Clone, Debug)]
pub enum NextPage<Op> {
    Parameters(Op),
    Link(String),
}

/// The next page a response's `Link` header names (`rel="next"`), per RFC 8288.
pub(crate) fn linked_page<T, Op>(page: &Response<T>) -> Option<NextPage<Op>> {
    page.headers
        .get_all(reqwest::header::LINK)
        .iter()
        .find_map(|value| next_link(&String::from_utf8_lossy(value.as_bytes())))
        .map(NextPage::Link)
}

/// The target of the `rel="next"` link in a `Link` header value.
fn next_link(header: &str) -> Option<String> {
    let mut rest = header;
    loop {
        let open = rest.find('<')?;
        let close = open + rest[open..].find('>')?;
        let target = &rest[open + 1..close];
        rest = &rest[close + 1..];
        // The link's parameters run to the next comma outside a quoted string.
        let mut quoted = false;
        let end = rest
            .char_indices()
            .find(|&(_, c)| {
                if c == '"' {
                    quoted = !quoted;
                }
                c == ',' && !quoted
            })
            .map_or(rest.len(), |(at, _)| at);
        let parameters = &rest[..end];
        rest = &rest[end..];
        let is_next = parameters.split(';').any(|parameter| {
            let Some((key, value)) = parameter.split_once('=') else {
                return false;
            };
            key.trim().eq_ignore_ascii_case("rel")
                && value
                    .trim()
                    .trim_matches('"')
                    .split_ascii_whitespace()
                    .any(|relation| relation.eq_ignore_ascii_case("next"))
        });
        if is_next {
            return Some(target.trim().to_owned());
        }
    }
}

/// A page and what follows it, as [`PageStream`] fetches them.
type Fetched<Op> = (
    Op,
    Option<reqwest::Url>,
    Result<Response<<Op as Operation>::Success>, Error<<Op as Operation>::Error>>,
);

/// Every page of a paginated list, in order: a [`futures_core::Stream`] of responses that
/// sends the next request only when the caller asks for the next page. A failed request
/// is the last item.
#[must_use = "a stream does nothing until it is read"]
pub struct PageStream<'a, Op: Paginated> {
    core: &'a Core,
    options: RequestOptions,
    /// The next request: the operation, the URL of the page before, and the link to
    /// follow from it.
    upcoming: Option<(Op, Option<reqwest::Url>, Option<String>)>,
    fetching: Option<BoxFuture<'a, Fetched<Op>>>,
}

// The operation is never pinned: only the boxed future is polled in place.
impl<Op: Paginated> Unpin for PageStream<'_, Op> {}

impl<'a, Op: Paginated + 'a> PageStream<'a, Op> {
    /// The next page; `None` after the last.
    pub async fn next(&mut self) -> Option<Result<Response<Op::Success>, Error<Op::Error>>> {
        std::future::poll_fn(|cx| futures_core::Stream::poll_next(Pin::new(&mut *self), cx)).await
    }
}

impl<'a, Op: Paginated + 'a> futures_core::Stream for PageStream<'a, Op> {
    type Item = Result<Response<Op::Success>, Error<Op::Error>>;

    fn poll_next(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        if self.fetching.is_none() {
            let Some((operation, from, link)) = self.upcoming.take() else {
                return std::task::Poll::Ready(None);
            };
            let core = self.core;
            let options = self.options.clone();
            self.fetching = Some(Box::pin(fetch_page(core, options, operation, from, link)));
        }
        let Some(fetching) = self.fetching.as_mut() else {
            return std::task::Poll::Ready(None);
        };
        let std::task::Poll::Ready((operation, url, result)) = fetching.as_mut().poll(cx) else {
            return std::task::Poll::Pending;
        };
        self.fetching = None;
        if let Ok(page) = &result {
            self.upcoming = match operation.next_page(page) {
                None => None,
                Some(NextPage::Parameters(next)) => Some((next, None, None)),
                Some(NextPage::Link(link)) => Some((operation, url, Some(link))),
            };
        }
        std::task::Poll::Ready(Some(result))
    }
}

impl<Op: Paginated> fmt::Debug for PageStream<'_, Op> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PageStream")
            .field(
                "done",
                &(self.upcoming.is_none() && self.fetching.is_none()),
            )
            .finish_non_exhaustive()
    }
}

/// Fetches a page: `operation` as it is, or at the URL `link` names, resolved against the
/// URL of the page before (`from`, else the operation's own). A link may not leave the
/// API's origin, which would take the credentials elsewhere.
async fn fetch_page<Op: Paginated>(
    core: &Core,
    options: RequestOptions,
    operation: Op,
    from: Option<reqwest::Url>,
    link: Option<String>,
) -> Fetched<Op> {
    let Some(link) = link else {
        let request = prepare(core, &operation, &options, None);
        let result = deliver::<Op>(core, request, &options).await;
        return (operation, None, result);
    };
    let base = match from {
        Some(from) => Ok(from),
        None => operation
            .request(&core.base_url, &core.http)
            .map(|request| request.url().clone()),
    };
    let target = base.and_then(|base| {
        let target = base.join(&link).map_err(|error| {
            Error::InvalidRequest(format!("the next page's link `{link}` is invalid: {error}"))
        })?;
        let origin = reqwest::Url::parse(&core.base_url).map(|api| api.origin());
        if origin.ok() != Some(target.origin()) {
            return Err(Error::InvalidRequest(format!(
                "the next page's link `{link}` leaves the API's origin; it is not followed"
            )));
        }
        Ok(target)
    });
    match target {
        Ok(target) => {
            let request = prepare(core, &operation, &options, Some(target.clone()));
            let result = deliver::<Op>(core, request, &options).await;
            (operation, Some(target), result)
        }
        Err(error) => (operation, None, Err(error)),
    }
}

/// The pages of a list, from the request's.
pub(crate) fn page_stream<Op: Paginated>(request: Request<'_, Op>) -> PageStream<'_, Op> {
    PageStream {
        core: request.core,
        options: request.options,
        upcoming: Some((request.operation, None, None)),
        fetching: None,
    }
}

/// Every item of a paginated list, page after page: a [`futures_core::Stream`] that asks
/// for the next page when the items of one run out. A failed request is the last item.
#[must_use = "a stream does nothing until it is read"]
pub struct ItemStream<'a, Op: Paginated> {
    source: PageStream<'a, Op>,
    buffered: std::collections::VecDeque<Op::Item>,
}

impl<Op: Paginated> Unpin for ItemStream<'_, Op> {}

impl<'a, Op: Paginated + 'a> ItemStream<'a, Op> {
    /// The next item; `None` after the last.
    pub async fn next(&mut self) -> Option<Result<Op::Item, Error<Op::Error>>> {
        std::future::poll_fn(|cx| futures_core::Stream::poll_next(Pin::new(&mut *self), cx)).await
    }
}

impl<'a, Op: Paginated + 'a> futures_core::Stream for ItemStream<'a, Op> {
    type Item = Result<Op::Item, Error<Op::Error>>;

    fn poll_next(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        loop {
            if let Some(item) = self.buffered.pop_front() {
                return std::task::Poll::Ready(Some(Ok(item)));
            }
            match futures_core::Stream::poll_next(Pin::new(&mut self.source), cx) {
                std::task::Poll::Ready(Some(Ok(page))) => {
                    let listed = Op::page_items(page.into_body());
                    self.buffered.extend(listed);
                }
                std::task::Poll::Ready(Some(Err(error))) => {
                    return std::task::Poll::Ready(Some(Err(error)));
                }
                std::task::Poll::Ready(None) => return std::task::Poll::Ready(None),
                std::task::Poll::Pending => return std::task::Poll::Pending,
            }
        }
    }
}

impl<Op: Paginated> fmt::Debug for ItemStream<'_, Op> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ItemStream")
            .field("pages", &self.source)
            .field("buffered", &self.buffered.len())
            .finish()
    }
}

/// Every item of a list, from the request's first page on.
pub(crate) fn item_stream<Op: Paginated>(request: Request<'_, Op>) -> ItemStream<'_, Op> {
    ItemStream {
        source: page_stream(request),
        buffered: std::collections::VecDeque::new(),
    }
}

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

/// Deserializes a string enum without allocating for known values.
pub(crate) fn deserialize_string_enum<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: for<'a> From<&'a str>,
{
    struct StrVisitor<T>(std::marker::PhantomData<T>);

    impl<T: for<'a> From<&'a str>> serde::de::Visitor<'_> for StrVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }

        fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
            Ok(T::from(value))
        }
    }

    deserializer.deserialize_str(StrVisitor(std::marker::PhantomData))
}

/// Deserializes an integer enum.
pub(crate) fn deserialize_integer_enum<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: From<i64>,
{
    Ok(T::from(<i64 as serde::Deserialize>::deserialize(
        deserializer,
    )?))
}

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
            map.insert(
                property.to_owned(),
                serde_json::Value::String(tag.to_owned()),
            );
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
    let tag = value
        .get(property)
        .and_then(serde_json::Value::as_str)
        .map(str::to_owned);
    Ok((tag, value))
}

/// Decodes a union variant from the value read by [`deserialize_tagged`].
pub(crate) fn tagged_variant<T: serde::de::DeserializeOwned, E: serde::de::Error>(
    value: serde_json::Value,
) -> Result<T, E> {
    serde_json::from_value(value).map_err(E::custom)
}

/// Deserializes a string from a closed list (a constant: a schema that allows one value);
/// any other value is an error saying what was expected.
pub(crate) fn deserialize_listed_string<'de, D, T>(
    deserializer: D,
    listed: &'static [(&'static str, T)],
) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Copy + 'static,
{
    struct ListedVisitor<T: 'static>(&'static [(&'static str, T)]);

    impl<T: Copy + 'static> serde::de::Visitor<'_> for ListedVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            let wires: Vec<String> = self.0.iter().map(|(wire, _)| format!("{wire:?}")).collect();
            write!(f, "{}", wires.join(" or "))
        }

        fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
            match self.0.iter().find(|(wire, _)| *wire == value) {
                Some((_, found)) => Ok(*found),
                None => Err(E::invalid_value(serde::de::Unexpected::Str(value), &self)),
            }
        }
    }

    deserializer.deserialize_str(ListedVisitor(listed))
}

/// Deserializes an integer from a closed list (a constant), like
/// [`deserialize_listed_string`].
pub(crate) fn deserialize_listed_integer<'de, D, T>(
    deserializer: D,
    listed: &'static [(i64, T)],
) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Copy + 'static,
{
    let number = <i64 as serde::Deserialize>::deserialize(deserializer)?;
    match listed.iter().find(|(wire, _)| *wire == number) {
        Some((_, found)) => Ok(*found),
        None => {
            let wires: Vec<String> = listed.iter().map(|(wire, _)| wire.to_string()).collect();
            Err(<D::Error as serde::de::Error>::invalid_value(
                serde::de::Unexpected::Signed(number),
                &wires.join(" or ").as_str(),
            ))
        }
    }
}

/// What a union variant's JSON looks like: enough to tell the variants apart without
/// decoding the value into each of them.
#[derive(Clone, Copy, Debug)]
#[allow(
    dead_code,
    reason = "a crate builds the shapes its unions have, not every one"
)]
pub(crate) enum Shape {
    /// Any value.
    Any,
    /// `true` or `false`.
    Bool,
    /// An integer.
    Integer,
    /// Any number.
    Number,
    /// Any string.
    String,
    /// One of these strings, and no other value.
    Strings(&'static [&'static str]),
    /// One of these integers, and no other value.
    Integers(&'static [i64]),
    /// An array.
    Array,
    /// An object with these properties (and maybe others), each as its JSON name, whether
    /// the variant cannot be decoded without it, and what its value looks like (`null`
    /// fits any property).
    Object(&'static [(&'static str, bool, Shape)]),
    /// Any of these shapes: a variant that is itself a union.
    AnyOf(&'static [Shape]),
}

/// How well `value` fits `shape`: `None` when it contradicts it (another JSON type, a
/// value a constant or enum does not list, a required property missing, a property of
/// another type); otherwise how many of the value's properties the shape declares, then
/// how narrowly it describes the value (3: a listed value; 2: its type; 1: a number for an
/// integer; 0: anything).
fn shape_fit(value: &serde_json::Value, shape: &Shape) -> Option<(usize, u8)> {
    use serde_json::Value;
    match (shape, value) {
        (Shape::Any, _) => Some((0, 0)),
        (Shape::Bool, Value::Bool(_))
        | (Shape::String, Value::String(_))
        | (Shape::Array, Value::Array(_)) => Some((0, 2)),
        (Shape::Integer, Value::Number(n)) if n.is_i64() || n.is_u64() => Some((0, 2)),
        (Shape::Number, Value::Number(n)) => Some((0, if n.is_f64() { 2 } else { 1 })),
        (Shape::Strings(listed), Value::String(s)) if listed.contains(&s.as_str()) => Some((0, 3)),
        (Shape::Integers(listed), Value::Number(n))
            if n.as_i64().is_some_and(|n| listed.contains(&n)) =>
        {
            Some((0, 3))
        }
        (Shape::Object(properties), Value::Object(map)) => {
            let mut declared = 0;
            for (name, required, property) in *properties {
                match map.get(*name) {
                    None if *required => return None,
                    None | Some(Value::Null) => {}
                    Some(found) => {
                        shape_fit(found, property)?;
                    }
                }
                declared += usize::from(map.contains_key(*name));
            }
            Some((declared, 2))
        }
        (Shape::AnyOf(shapes), _) => shapes.iter().filter_map(|s| shape_fit(value, s)).max(),
        _ => None,
    }
}

/// The variants `value` may be, best fit first: those whose shapes it does not
/// contradict, by how many of its properties they declare, then by how narrowly they
/// describe it, then in the order the spec lists them.
pub(crate) fn rank_variants(value: &serde_json::Value, shapes: &[Shape]) -> Vec<usize> {
    let mut fits: Vec<(usize, (usize, u8))> = shapes
        .iter()
        .enumerate()
        .filter_map(|(index, shape)| Some((index, shape_fit(value, shape)?)))
        .collect();
    // Stable: equal fits keep the spec's order.
    fits.sort_by_key(|(_, fit)| std::cmp::Reverse(*fit));
    fits.into_iter().map(|(index, _)| index).collect()
}

/// Decodes an untagged union (or a tagged one whose tag is missing): the best-fitting
/// variant (see [`rank_variants`]) that decodes, tried from the value read once; when
/// none does, the value is kept as received by `unknown`.
///
/// With the `tracing` feature, a value that has some variant's shape but decodes as none
/// of them (the server and the spec disagree deeper inside) logs a warning naming the type.
pub(crate) fn decode_union<T>(
    value: serde_json::Value,
    shapes: &[Shape],
    decode: impl Fn(usize, &serde_json::Value) -> Result<T, serde_json::Error>,
    unknown: fn(serde_json::Value) -> T,
) -> T {
    let ranked = rank_variants(&value, shapes);
    for &index in &ranked {
        if let Ok(decoded) = decode(index, &value) {
            return decoded;
        }
    }
    #[cfg(feature = "tracing")]
    if !ranked.is_empty() {
        tracing::warn!(
            union = std::any::type_name::<T>(),
            "a value has the shape of a variant of this union but decodes as none of them; it is kept as received"
        );
    }
    unknown(value)
}

/// Timestamps (`format: date-time`) read as servers really send them: RFC 3339 with `T`,
/// `t` or a space between date and time and `Z` or `z` for UTC, and also without an
/// offset, as SQLite and naive Python datetimes write them, which is read as UTC. Text
/// that is not a timestamp stays an error.
pub(crate) mod lenient {
    /// A value read more leniently than its `Deserialize` impl reads it.
    pub(crate) trait Lenient: Sized {
        /// Reads the value.
        fn deserialize_lenient<'de, D: serde::Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Self, D::Error>;
    }

    /// A `T` read leniently, where serde needs a `Deserialize` type.
    struct Read<T>(T);

    impl<'de, T: Lenient> serde::Deserialize<'de> for Read<T> {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            T::deserialize_lenient(deserializer).map(Read)
        }
    }

    impl Lenient for chrono::DateTime<chrono::Utc> {
        fn deserialize_lenient<'de, D: serde::Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Self, D::Error> {
            let text =
                <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
            parse(&text).ok_or_else(|| {
                serde::de::Error::invalid_value(
                    serde::de::Unexpected::Str(&text),
                    &"an RFC 3339 timestamp",
                )
            })
        }
    }

    impl<T: Lenient> Lenient for Option<T> {
        fn deserialize_lenient<'de, D: serde::Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Self, D::Error> {
            let read = <Option<Read<T>> as serde::Deserialize>::deserialize(deserializer)?;
            Ok(read.map(|Read(value)| value))
        }
    }

    impl<T: Lenient> Lenient for Box<T> {
        fn deserialize_lenient<'de, D: serde::Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Self, D::Error> {
            T::deserialize_lenient(deserializer).map(Box::new)
        }
    }

    impl<T: Lenient> Lenient for Vec<T> {
        fn deserialize_lenient<'de, D: serde::Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Self, D::Error> {
            let read = <Vec<Read<T>> as serde::Deserialize>::deserialize(deserializer)?;
            Ok(read.into_iter().map(|Read(value)| value).collect())
        }
    }

    impl<T: Lenient> Lenient for std::collections::BTreeMap<String, T> {
        fn deserialize_lenient<'de, D: serde::Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Self, D::Error> {
            let read =
                <std::collections::BTreeMap<String, Read<T>> as serde::Deserialize>::deserialize(
                    deserializer,
                )?;
            Ok(read
                .into_iter()
                .map(|(key, Read(value))| (key, value))
                .collect())
        }
    }

    /// A timestamp: RFC 3339 as chrono reads it (which allows a space, `t` and `z`), else
    /// a date and time without an offset, taken as UTC.
    pub(crate) fn parse(text: &str) -> Option<chrono::DateTime<chrono::Utc>> {
        if let Ok(stamped) = text.parse::<chrono::DateTime<chrono::FixedOffset>>() {
            return Some(stamped.with_timezone(&chrono::Utc));
        }
        let mut naive = text.to_owned();
        if naive.len() > 10 && naive.is_char_boundary(10) && naive.is_char_boundary(11) {
            naive.replace_range(10..11, "T");
        }
        let local = naive.parse::<chrono::NaiveDateTime>().ok()?;
        Some(local.and_utc())
    }
}

/// Reads a value leniently (see [`lenient`]): for `#[serde(deserialize_with = "...")]`.
pub(crate) fn read_lenient<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: lenient::Lenient,
{
    T::deserialize_lenient(deserializer)
}

/// Reads a value leniently (see [`lenient`]) from JSON read before.
pub(crate) fn decode_lenient<T: lenient::Lenient>(
    value: &serde_json::Value,
) -> Result<T, serde_json::Error> {
    T::deserialize_lenient(value)
}

/// Reads a [`Patch`] of a value read leniently (see [`lenient`]).
pub(crate) fn read_lenient_patch<'de, D, T>(deserializer: D) -> Result<Patch<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: lenient::Lenient,
{
    Ok(
        match <Option<T> as lenient::Lenient>::deserialize_lenient(deserializer)? {
            Some(value) => Patch::Set(value),
            None => Patch::Null,
        },
    )
}

/// Base64 with the standard alphabet: written padded, read with or without padding.
const BASE64_STANDARD: base64::engine::GeneralPurpose =
    base64::engine::general_purpose::STANDARD_PAD_INDIFFERENT;

/// Base64 with the URL-safe alphabet, read with or without padding.
const BASE64_URL_SAFE: base64::engine::GeneralPurpose =
    base64::engine::general_purpose::URL_SAFE_PAD_INDIFFERENT;

/// Bytes that travel as base64 text (`format: byte`).
///
/// Written with the standard alphabet and padding. Read with the standard or the URL-safe
/// alphabet (one of them, not both), with or without padding; line breaks are ignored, and
/// anything else that is not base64 is an error.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Base64(pub Vec<u8>);

impl Base64 {
    /// Decodes base64 text; `None` if it is not base64.
    pub fn decode(text: &str) -> Option<Self> {
        let compact: String = text.chars().filter(|c| !matches!(c, '\r' | '\n')).collect();
        let engine = if compact.contains(['-', '_']) {
            &BASE64_URL_SAFE
        } else {
            &BASE64_STANDARD
        };
        base64::Engine::decode(engine, compact).ok().map(Base64)
    }

    /// The bytes as base64 text: standard alphabet, padded.
    pub fn encode(&self) -> String {
        base64::Engine::encode(&BASE64_STANDARD, &self.0)
    }
}

impl fmt::Debug for Base64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Base64({} bytes)", self.0.len())
    }
}

impl From<Vec<u8>> for Base64 {
    fn from(contents: Vec<u8>) -> Self {
        Base64(contents)
    }
}

impl serde::Serialize for Base64 {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.encode())
    }
}

impl<'de> serde::Deserialize<'de> for Base64 {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
        Base64::decode(&text).ok_or_else(|| serde::de::Error::custom("invalid base64"))
    }
}

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

/// What a typed mock matches: an operation's method and path template, the path and query
/// parameters a test names (as their text), and the body it names (as JSON).
#[cfg(feature = "mock")]
#[derive(Clone, Debug)]
pub(crate) struct MockRequest {
    operation: OperationInfo,
    path: Vec<(&'static str, String)>,
    query: Vec<(&'static str, String)>,
    json: Option<serde_json::Value>,
}

/// A mock of `operation` that matches any request to it.
#[cfg(feature = "mock")]
pub(crate) fn mock_request(operation: OperationInfo) -> MockRequest {
    MockRequest {
        operation,
        path: Vec::new(),
        query: Vec::new(),
        json: None,
    }
}

/// Matches only requests whose path parameter `name` is `value`.
#[cfg(feature = "mock")]
pub(crate) fn mock_path(
    mut mock: MockRequest,
    name: &'static str,
    value: &impl fmt::Display,
) -> MockRequest {
    mock.path.push((name, path_text(value)));
    mock
}

/// Matches only requests whose query has `name` set to `value`.
#[cfg(feature = "mock")]
pub(crate) fn mock_query(
    mut mock: MockRequest,
    name: &'static str,
    value: &impl fmt::Display,
) -> MockRequest {
    mock.query.push((name, value.to_string()));
    mock
}

/// Matches only requests whose body is `body` as JSON: the same fields left out, sent as
/// `null` and set.
#[cfg(feature = "mock")]
pub(crate) fn mock_body<T: serde::Serialize + ?Sized>(
    mut mock: MockRequest,
    body: &T,
) -> MockRequest {
    mock.json = serde_json::to_value(body).ok();
    mock
}

#[cfg(feature = "mock")]
impl wiremock::Match for MockRequest {
    fn matches(&self, request: &wiremock::Request) -> bool {
        if request.method.as_str() != self.operation.method {
            return false;
        }
        // The base URL may add segments before the operation's path.
        let template: Vec<&str> = self.operation.path.split('/').collect();
        let sent: Vec<&str> = request.url.path().split('/').collect();
        let path_matches = sent.len() >= template.len()
            && template
                .iter()
                .zip(&sent[sent.len() - template.len()..])
                .all(|(expected, actual)| {
                    if !expected.contains('{') {
                        return expected == actual;
                    }
                    let name = expected.trim_start_matches('{').trim_end_matches('}');
                    match self.path.iter().find(|(n, _)| *n == name) {
                        Some((_, text)) if expected.starts_with('{') && expected.ends_with('}') => {
                            text == actual
                        }
                        _ => !actual.is_empty(),
                    }
                });
        let query_matches = self.query.iter().all(|(name, value)| {
            request
                .url
                .query_pairs()
                .any(|(n, v)| n == *name && v == value.as_str())
        });
        let body_matches = self.json.as_ref().is_none_or(|expected| {
            serde_json::from_slice::<serde_json::Value>(&request.body)
                .is_ok_and(|actual| actual == *expected)
        });
        path_matches && query_matches && body_matches
    }
}

/// The mock, answering with `status` and `body` as JSON.
#[cfg(feature = "mock")]
pub(crate) fn mock_json<T: serde::Serialize + ?Sized>(
    mock: MockRequest,
    status: u16,
    body: &T,
) -> wiremock::Mock {
    wiremock::Mock::given(mock)
        .respond_with(wiremock::ResponseTemplate::new(status).set_body_json(body))
}

/// The mock, answering with `status` and `body` as text.
#[cfg(feature = "mock")]
pub(crate) fn mock_text(mock: MockRequest, status: u16, body: &str) -> wiremock::Mock {
    wiremock::Mock::given(mock).respond_with(
        wiremock::ResponseTemplate::new(status).set_body_raw(body.to_owned(), "text/plain"),
    )
}

/// The mock, answering with `status` and `body` as bytes.
#[cfg(feature = "mock")]
pub(crate) fn mock_bytes(mock: MockRequest, status: u16, body: &[u8]) -> wiremock::Mock {
    wiremock::Mock::given(mock).respond_with(
        wiremock::ResponseTemplate::new(status)
            .set_body_raw(body.to_vec(), "application/octet-stream"),
    )
}

/// The mock, answering with `status` and a `text/event-stream` body: one event per item,
/// its data the item as JSON.
#[cfg(feature = "mock")]
pub(crate) fn mock_events<T: serde::Serialize>(
    mock: MockRequest,
    status: u16,
    events: &[T],
) -> wiremock::Mock {
    let data: Vec<String> = events
        .iter()
        .map(|event| serde_json::to_string(event).unwrap_or_default())
        .collect();
    mock_stream(mock, status, &data)
}

/// The mock, answering with `status` and a `text/event-stream` body: one event per item,
/// its data the item's text.
#[cfg(feature = "mock")]
pub(crate) fn mock_text_events(mock: MockRequest, status: u16, events: &[&str]) -> wiremock::Mock {
    mock_stream(mock, status, events)
}

/// The mock, answering with `status` and an event per item of `data`.
#[cfg(feature = "mock")]
fn mock_stream<D: AsRef<str>>(mock: MockRequest, status: u16, data: &[D]) -> wiremock::Mock {
    wiremock::Mock::given(mock).respond_with(
        wiremock::ResponseTemplate::new(status)
            .set_body_raw(event_stream_text(data), "text/event-stream"),
    )
}

/// A `text/event-stream` body with an event per item of `data`.
#[cfg(feature = "mock")]
fn event_stream_text<D: AsRef<str>>(data: &[D]) -> String {
    let mut text = String::new();
    for one in data {
        for line in one.as_ref().split('\n') {
            text.push_str("data: ");
            text.push_str(line);
            text.push('\n');
        }
        text.push('\n');
    }
    text
}

/// The mock, answering with `status` and no body.
#[cfg(feature = "mock")]
pub(crate) fn mock_empty(mock: MockRequest, status: u16) -> wiremock::Mock {
    wiremock::Mock::given(mock).respond_with(wiremock::ResponseTemplate::new(status))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates_are_read_in_their_preferred_form_only() {
        let seconds = |text: &str| {
            http_date(text).map(|at| {
                at.duration_since(std::time::UNIX_EPOCH)
                    .expect("after 1970")
                    .as_secs()
            })
        };
        assert_eq!(seconds("Sun, 06 Nov 1994 08:49:37 GMT"), Some(784_111_777));
        assert_eq!(
            seconds("Thu, 29 Feb 2024 00:00:00 GMT"),
            Some(1_709_164_800)
        );
        assert_eq!(seconds("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        for text in [
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 32 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 1994 08:49 GMT",
            "Wed, 31 Dec 1969 23:59:59 GMT",
            "",
        ] {
            assert_eq!(seconds(text), None, "{text:?}");
        }
    }

    #[test]
    fn retry_after_is_seconds_or_a_date() {
        let asked = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(
                reqwest::header::RETRY_AFTER,
                HeaderValue::from_str(value).expect("a header value"),
            );
            retry_after(&headers)
        };
        assert_eq!(asked("3"), Some(std::time::Duration::from_secs(3)));
        assert_eq!(asked(" 120 "), Some(std::time::Duration::from_secs(120)));
        assert_eq!(
            asked("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(Default::default())
        );
        let later = asked("Fri, 01 Jan 2100 00:00:00 GMT").expect("a date");
        assert!(
            later > std::time::Duration::from_secs(365 * 86_400),
            "{later:?}"
        );
        assert_eq!(asked("-1"), None);
        assert_eq!(asked("soon"), None);
        assert_eq!(retry_after(&HeaderMap::new()), None);
    }

    /// A response with `status` and, if given, a `Retry-After` header.
    fn answer(status: u16, retry_after: Option<&str>) -> Result<reqwest::Response, SendError> {
        let mut built = http::Response::builder().status(status);
        if let Some(value) = retry_after {
            built = built.header("retry-after", value);
        }
        Ok(reqwest::Response::from(built.body("").expect("a response")))
    }

    #[test]
    fn retries_wait_longer_each_time_within_their_bounds() {
        let ms = std::time::Duration::from_millis;
        let retry = Retry::new(4).initial_delay(ms(100)).max_delay(ms(300));
        let delay = |number: u32| retry_delay(&retry, &answer(503, None), true, number, ms(0));
        for _ in 0..20 {
            let first = delay(1).expect("a second attempt");
            assert!((ms(50)..=ms(100)).contains(&first), "{first:?}");
            let second = delay(2).expect("a third attempt");
            assert!((ms(100)..=ms(200)).contains(&second), "{second:?}");
            // Doubled again, then held to `max_delay`.
            let third = delay(3).expect("a fourth attempt");
            assert!((ms(150)..=ms(300)).contains(&third), "{third:?}");
        }
        assert_eq!(delay(4), None, "four attempts in all");
        assert_eq!(
            retry_delay(&retry, &answer(503, None), true, 1, ms(29_990)),
            None,
            "the next attempt would start past the total time"
        );
    }

    #[test]
    fn only_throttling_and_unavailability_are_retried_and_not_every_method() {
        let retry = Retry::new(3);
        let decide =
            |outcome, idempotent| retry_delay(&retry, &outcome, idempotent, 1, Default::default());
        assert!(decide(answer(429, None), true).is_some());
        assert!(decide(answer(503, None), true).is_some());
        for status in [200, 400, 404, 500, 502] {
            assert_eq!(decide(answer(status, None), true), None, "{status}");
        }
        assert_eq!(
            decide(answer(429, None), false),
            None,
            "PATCH is not repeated"
        );
        let allowed = Retry::new(3).non_idempotent(true);
        assert!(retry_delay(&allowed, &answer(429, None), false, 1, Default::default()).is_some());
        let stopped = Err(SendError::Hook("no".into()));
        assert_eq!(decide(stopped, true), None, "a hook's refusal is final");
    }

    #[test]
    fn retry_after_sets_the_wait_unless_it_asks_too_much() {
        let retry = Retry::new(3).max_delay(std::time::Duration::from_secs(5));
        let decide = |value| {
            retry_delay(
                &retry,
                &answer(429, Some(value)),
                true,
                1,
                Default::default(),
            )
        };
        assert_eq!(decide("2"), Some(std::time::Duration::from_secs(2)));
        assert_eq!(decide("6"), None, "longer than the longest wait: given up");
        // A wait shorter than the backoff's is lengthened to it.
        let short = Retry::new(3).initial_delay(std::time::Duration::from_secs(4));
        let waited = retry_delay(&short, &answer(429, Some("0")), true, 1, Default::default())
            .expect("a second attempt");
        assert!(waited >= std::time::Duration::from_secs(2), "{waited:?}");
    }

    #[test]
    fn base64_reads_either_alphabet_with_or_without_padding() {
        let decoded = |text: &str| Base64::decode(text).map(|b| b.0);
        assert_eq!(decoded("aGVsbG8="), Some(b"hello".to_vec()));
        assert_eq!(decoded("aGVsbG8"), Some(b"hello".to_vec()));
        assert_eq!(decoded("+/8="), Some(vec![0xfb, 0xff]));
        assert_eq!(decoded("-_8"), Some(vec![0xfb, 0xff]));
        assert_eq!(decoded("aGVs\r\nbG8="), Some(b"hello".to_vec()));
        assert_eq!(decoded(""), Some(Vec::new()));
        assert_eq!(Base64(b"hello".to_vec()).encode(), "aGVsbG8=");
    }

    #[test]
    fn base64_refuses_what_is_not_base64() {
        for text in [
            "A",        // a length no encoding produces
            "+-8=",     // two alphabets at once
            "aGVsbG8*", // a character of neither
            "aGV=sbG8", // padding inside
            "QR==",     // bits set past the end of the data
            "aGVsbG8 ", // a space
        ] {
            assert_eq!(Base64::decode(text), None, "{text:?}");
        }
        let error = serde_json::from_str::<Base64>("\"A\"").expect_err("invalid base64");
        assert!(error.to_string().contains("invalid base64"), "{error}");
    }

    #[test]
    fn path_segments_that_would_address_another_resource_are_refused() {
        for value in ["", ".", ".."] {
            let refused = path_param::<()>("name", &value).expect_err(value);
            let Error::InvalidRequest(message) = refused else {
                panic!("{value:?} gave another error")
            };
            assert!(message.contains("`name`"), "{message}");
        }
        for segment in ["%2e", "%2E%2e", ".%2E", "%2e."] {
            assert!(
                path_segment::<()>("p", segment.to_owned()).is_err(),
                "{segment}"
            );
        }
        let sent = |value: &str| path_param::<()>("p", &value).expect(value);
        assert_eq!(sent("%2e%2e"), "%252e%252e");
        assert_eq!(sent("a/b"), "a%2Fb");
        assert_eq!(sent("a?b#c d"), "a%3Fb%23c%20d");
        assert_eq!(sent("名"), "%E5%90%8D");
        assert_eq!(sent("..."), "...");
        assert_eq!(sent("v1.2"), "v1.2");
    }

    #[test]
    fn query_styles_write_arrays_and_objects() {
        let written = |write: &dyn Fn(&mut reqwest::Url)| {
            let mut address = reqwest::Url::parse("http://h/p").expect("url");
            write(&mut address);
            address.query().unwrap_or("").to_owned()
        };
        let list = ["a b", "c"];
        let object = serde_json::json!({"r": 1, "g": "x"});
        assert_eq!(
            written(&|u| query_exploded::<_, ()>(u, "k", &list).expect("writes")),
            "k=a+b&k=c"
        );
        assert_eq!(
            written(&|u| query_exploded::<_, ()>(u, "k", &object).expect("writes")),
            "r=1&g=x"
        );
        assert_eq!(
            written(&|u| query_joined::<_, ()>(u, "k", &list, "|").expect("writes")),
            "k=a+b%7Cc"
        );
        assert_eq!(
            written(&|u| query_joined::<_, ()>(u, "k", &object, ",").expect("writes")),
            "k=r%2C1%2Cg%2Cx"
        );
        assert_eq!(
            written(&|u| query_deep::<_, ()>(u, "k", &object).expect("writes")),
            "k%5Br%5D=1&k%5Bg%5D=x"
        );
        let nested = serde_json::json!([{"a": 1}]);
        assert_eq!(
            written(&|u| query_exploded::<_, ()>(u, "k", &nested).expect("writes")),
            "k=%7B%22a%22%3A1%7D"
        );
    }

    #[test]
    fn simple_style_encodes_items_in_paths_only() {
        let object = serde_json::json!({"a b": "c/d"});
        assert_eq!(
            simple::<_, ()>("h", &object, true).expect("writes"),
            "a b=c/d"
        );
        assert_eq!(
            simple_path::<_, ()>("p", &object, true).expect("writes"),
            "a%20b=c%2Fd"
        );
        assert_eq!(
            simple_path::<_, ()>("p", &["x", "y,z"], false).expect("writes"),
            "x,y%2Cz"
        );
    }

    #[test]
    fn excerpts_stop_at_a_character_boundary() {
        let body = "é".repeat(200);
        let shown = body_excerpt(body.as_bytes());
        assert!(shown.ends_with('…'), "{shown}");
        assert_eq!(shown.chars().count(), EXCERPT_LIMIT / 2 + 1);
        assert_eq!(body_excerpt(b"short"), "short");
    }

    #[test]
    fn decode_errors_name_the_failing_value() {
        #[derive(serde::Deserialize, Debug)]
        struct Inner {
            #[allow(dead_code)]
            id: i64,
        }
        #[derive(serde::Deserialize, Debug)]
        struct Outer {
            #[allow(dead_code)]
            items: Vec<Inner>,
        }
        let failed = from_json::<Outer>(br#"{"items": [{"id": 1}, {"id": "2"}]}"#)
            .expect_err("a string is not an integer");
        assert_eq!(failed.0, "items[1].id");
        assert!(
            failed.1.to_string().contains("invalid type: string"),
            "{}",
            failed.1
        );
        let whole = from_json::<Outer>(b"[]").expect_err("not an object");
        assert_eq!(whole.0, "");
        assert!(from_json::<Outer>(br#"{"items": []}"#).is_ok());
    }

    #[test]
    fn credentials_never_show_in_debug_output() {
        let shown = format!(
            "{:?} {:?} {:?}",
            BasicAuth::new("user", "hunter2"),
            BearerToken::new("token-123"),
            ApiKey::new("key-456")
        );
        for secret in ["hunter2", "token-123", "key-456", "dXNlcjpodW50ZXIy"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(shown.contains("user"), "{shown}");
    }

    #[test]
    fn files_default_to_the_property_name_and_the_spec_content_type() {
        let file = File::new(b"abc".to_vec());
        assert_eq!(file.file_name(), None);
        let named = file
            .clone()
            .with_file_name("a.png")
            .with_content_type("image/png");
        assert_eq!(named.file_name(), Some("a.png"));
        assert_eq!(named.content_type(), Some("image/png"));
        assert_eq!(named.contents(), Some(&b"abc"[..]));
        assert_eq!(
            serde_json::to_string(&file).expect("serializes"),
            "[97,98,99]"
        );
    }

    const CAT: Shape = Shape::Object(&[
        ("kind", false, Shape::Strings(&["cat"])),
        ("name", true, Shape::String),
        ("lives", false, Shape::Integer),
    ]);
    const DOG: Shape = Shape::Object(&[
        ("kind", false, Shape::Strings(&["dog"])),
        ("name", true, Shape::String),
        ("barks", false, Shape::Bool),
    ]);
    /// Every property optional: any object fits it, declaring none of its properties.
    const NOTE: Shape = Shape::Object(&[("text", false, Shape::String)]);

    fn ranked(value: serde_json::Value, shapes: &[Shape]) -> Vec<usize> {
        rank_variants(&value, shapes)
    }

    #[test]
    fn objects_go_to_the_variant_declaring_most_of_their_properties() {
        use serde_json::json;
        let shapes = [NOTE, CAT, DOG];
        // Constants rule a variant out; the one declaring most properties comes first.
        assert_eq!(
            ranked(json!({"kind": "dog", "name": "Rex"}), &shapes),
            [2, 0]
        );
        assert_eq!(
            ranked(json!({"name": "Rex", "barks": true}), &shapes),
            [2, 1, 0]
        );
        assert_eq!(
            ranked(json!({"name": "Tom", "lives": 9}), &shapes),
            [1, 2, 0]
        );
        // A tie keeps the spec's order.
        assert_eq!(ranked(json!({"name": "Tom"}), &shapes), [1, 2, 0]);
        // A required property missing, or a property of another type, rules a variant out.
        assert_eq!(ranked(json!({"text": "hi"}), &shapes), [0]);
        assert_eq!(
            ranked(json!({"name": "Rex", "barks": "loud"}), &shapes),
            [1, 0]
        );
        // `null` fits any property.
        assert_eq!(
            ranked(json!({"name": "Rex", "barks": null}), &shapes),
            [2, 1, 0]
        );
        // Not an object at all.
        assert_eq!(ranked(json!("Rex"), &shapes), Vec::<usize>::new());
    }

    #[test]
    fn scalars_go_to_the_narrowest_type_that_holds_them() {
        use serde_json::json;
        let numbers = [Shape::Number, Shape::Integer];
        assert_eq!(ranked(json!(3), &numbers), [1, 0]);
        assert_eq!(ranked(json!(3.5), &numbers), [0]);
        assert_eq!(ranked(json!(-3), &numbers), [1, 0]);
        assert_eq!(ranked(json!(u64::MAX), &numbers), [1, 0]);
        let text_or_object = [Shape::Object(&[]), Shape::String];
        assert_eq!(ranked(json!("x"), &text_or_object), [1]);
        assert_eq!(ranked(json!({"x": 1}), &text_or_object), [0]);
        assert_eq!(ranked(json!(true), &text_or_object), Vec::<usize>::new());
        // A listed value before any string; an unlisted one is not the enum's.
        let listed = [Shape::String, Shape::Strings(&["red", "green"])];
        assert_eq!(ranked(json!("red"), &listed), [1, 0]);
        assert_eq!(ranked(json!("blue"), &listed), [0]);
        let codes = [Shape::Integers(&[1, 2]), Shape::Any];
        assert_eq!(ranked(json!(2), &codes), [0, 1]);
        assert_eq!(ranked(json!(3), &codes), [1]);
    }

    #[test]
    fn a_variant_that_is_a_union_fits_as_its_best_variant() {
        use serde_json::json;
        const PET: Shape = Shape::AnyOf(&[CAT, DOG]);
        let shapes = [NOTE, PET, Shape::String];
        assert_eq!(
            ranked(json!({"name": "Rex", "barks": true}), &shapes),
            [1, 0]
        );
        assert_eq!(ranked(json!({"text": "hi"}), &shapes), [0]);
        assert_eq!(ranked(json!("hi"), &shapes), [2]);
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Cat {
        name: String,
        lives: Option<i64>,
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Dog {
        name: String,
        barks: Option<bool>,
    }

    #[derive(Debug, PartialEq)]
    enum Pet {
        Cat(Cat),
        Dog(Dog),
        Count(i64),
        Other(serde_json::Value),
    }

    impl<'de> serde::Deserialize<'de> for Pet {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
            Ok(decode_union(
                value,
                &[CAT, DOG, Shape::Integer],
                |index, value| match index {
                    0 => serde::Deserialize::deserialize(value).map(Pet::Cat),
                    1 => serde::Deserialize::deserialize(value).map(Pet::Dog),
                    _ => serde::Deserialize::deserialize(value).map(Pet::Count),
                },
                Pet::Other,
            ))
        }
    }

    #[test]
    fn unions_decode_into_the_best_fitting_variant_that_decodes() {
        let pets: Vec<Pet> = serde_json::from_str(
            r#"[{"name": "Tom"}, {"name": "Rex", "barks": true}, {"kind": "dog", "name": "Fido"},
                7, {"name": "Odd", "lives": "many"}, "text"]"#,
        )
        .expect("decodes");
        assert_eq!(
            pets,
            [
                Pet::Cat(Cat {
                    name: "Tom".to_owned(),
                    lives: None
                }),
                Pet::Dog(Dog {
                    name: "Rex".to_owned(),
                    barks: Some(true)
                }),
                Pet::Dog(Dog {
                    name: "Fido".to_owned(),
                    barks: None
                }),
                Pet::Count(7),
                // `lives` is not an integer: the cat is out, and the dog (which ignores
                // `lives`) is the next that fits.
                Pet::Dog(Dog {
                    name: "Odd".to_owned(),
                    barks: None
                }),
                Pet::Other(serde_json::json!("text")),
            ]
        );
        // A value that fits a variant's shape but does not decode into it is kept whole.
        let kept: Pet = serde_json::from_str("1.5").expect("decodes");
        assert_eq!(kept, Pet::Other(serde_json::json!(1.5)));
    }

    #[derive(Clone, Copy, Debug, PartialEq)]
    enum Kind {
        Abort,
    }

    #[test]
    fn constants_accept_their_value_only() {
        let listed: &[(&str, Kind)] = &[("abort_details", Kind::Abort)];
        let read = |json: &str| {
            deserialize_listed_string(&mut serde_json::Deserializer::from_str(json), listed)
                .map_err(|e| e.to_string())
        };
        assert_eq!(read(r#""abort_details""#), Ok(Kind::Abort));
        let refused = read(r#""reject_details""#).expect_err("another value is refused");
        assert!(refused.contains("\"abort_details\""), "{refused}");
        let numbers: &[(i64, Kind)] = &[(2, Kind::Abort)];
        let read = |json: &str| {
            deserialize_listed_integer(&mut serde_json::Deserializer::from_str(json), numbers)
                .map_err(|e| e.to_string())
        };
        assert_eq!(read("2"), Ok(Kind::Abort));
        assert!(read("3").is_err());
    }

    #[test]
    fn timestamps_are_read_as_servers_send_them() {
        let utc = |text: &str| lenient::parse(text).map(|t| t.to_rfc3339());
        let expected = Some("2026-12-05T09:51:35+00:00".to_owned());
        for text in [
            "2026-12-05T09:51:35Z",
            "2026-12-05t09:51:35z",
            "2026-12-05 09:51:35Z",
            "2026-12-05T10:51:35+01:00",
            "2026-12-05T09:51:35",
            "2026-12-05 09:51:35",
            "2026-12-05t09:51:35",
        ] {
            assert_eq!(utc(text), expected, "{text}");
        }
        assert_eq!(
            utc("2026-12-05T09:51:35.123456"),
            Some("2026-12-05T09:51:35.123456+00:00".to_owned())
        );
        for text in [
            "",
            "yesterday",
            "2026-12-05",
            "2026-13-05T09:51:35",
            "2026-12-05T09:51",
            "2026-12-05T09:51:35+",
        ] {
            assert_eq!(utc(text), None, "{text}");
        }
        #[derive(Debug, serde::Deserialize)]
        struct Seen {
            #[serde(deserialize_with = "read_lenient")]
            at: chrono::DateTime<chrono::Utc>,
            #[serde(default, deserialize_with = "read_lenient")]
            log: Option<Vec<Option<chrono::DateTime<chrono::Utc>>>>,
            #[serde(default, deserialize_with = "read_lenient_patch")]
            until: Patch<chrono::DateTime<chrono::Utc>>,
        }
        let seen: Seen = serde_json::from_str(
            r#"{"at": "2026-12-05 09:51:35", "log": ["2026-12-05T09:51:35", null], "until": null}"#,
        )
        .expect("decodes");
        assert_eq!(seen.at.to_rfc3339(), "2026-12-05T09:51:35+00:00");
        assert_eq!(seen.log.map(|l| l.len()), Some(2));
        assert_eq!(seen.until, Patch::Null);
        let error = serde_json::from_str::<Seen>(r#"{"at": "soon"}"#).expect_err("not a time");
        assert!(error.to_string().contains("RFC 3339"), "{error}");
        let missing: Seen =
            serde_json::from_str(r#"{"at": "2026-12-05T09:51:35Z"}"#).expect("decodes");
        assert_eq!(missing.until, Patch::Absent);
    }

    #[test]
    fn error_bodies_of_all_optional_types_need_one_of_their_properties() {
        #[derive(Debug, PartialEq, serde::Deserialize)]
        struct Problem {
            detail: Option<String>,
        }
        let read = |body: &str| json_error_declaring::<Problem>(422, body.as_bytes(), &["detail"]);
        assert_eq!(
            read(r#"{"detail": "bad"}"#),
            Some(Problem {
                detail: Some("bad".to_owned())
            })
        );
        assert_eq!(read(r#"{"detail": null}"#), Some(Problem { detail: None }));
        assert_eq!(read(r#"{"exception_message": "boom"}"#), None);
        assert_eq!(read("[]"), None);
        assert_eq!(read("not json"), None);
    }

    /// The events a parser reads from `chunks`, as (name, data, id, retry in ms).
    fn events_of(chunks: &[&[u8]]) -> Vec<(String, String, Option<String>, Option<u128>)> {
        let mut parser = EventParser::default();
        for chunk in chunks {
            parse_events(&mut parser, chunk);
        }
        parser
            .ready
            .into_iter()
            .map(|e| (e.name, e.data, e.id, e.retry.map(|r| r.as_millis())))
            .collect()
    }

    fn event(
        name: &str,
        data: &str,
        id: Option<&str>,
    ) -> (String, String, Option<String>, Option<u128>) {
        (
            name.to_owned(),
            data.to_owned(),
            id.map(str::to_owned),
            None,
        )
    }

    #[test]
    fn event_streams_end_lines_three_ways_and_join_data_lines() {
        let text = b"data: one\n\nevent: update\r\ndata: {\"a\":\r\ndata: 1}\r\n\r\n: a comment\rid: 7\rdata:two\r\r";
        let expected = vec![
            event("message", "one", None),
            event("update", "{\"a\":\n1}", None),
            event("message", "two", Some("7")),
        ];
        assert_eq!(events_of(&[text]), expected);
        // Split at every byte, and at every pair of places, the stream reads the same.
        let single: Vec<&[u8]> = text.chunks(1).collect();
        assert_eq!(events_of(&single), expected);
        for first in 1..text.len() {
            for second in first..text.len() {
                let chunks = [&text[..first], &text[first..second], &text[second..]];
                assert_eq!(
                    events_of(&chunks),
                    expected,
                    "split at {first} and {second}"
                );
            }
        }
    }

    #[test]
    fn a_carriage_return_ending_a_chunk_pairs_with_a_line_feed_starting_the_next() {
        // `\r` then `\n` in the next chunk is one line end, not a blank line.
        assert_eq!(
            events_of(&[b"data: a\r", b"\ndata: b\r\n\r\n"]),
            vec![event("message", "a\nb", None)]
        );
        // `\r` then `\r` is a line end and a blank line.
        assert_eq!(
            events_of(&[b"data: a\r", b"\r"]),
            vec![event("message", "a", None)]
        );
    }

    #[test]
    fn event_fields_follow_the_format() {
        let text = "\u{feff}data\n\nretry: 1500\ndata: x\n\nretry: 2s\nid: 3\0\nevent\ndata:  y \n\n: only a comment\n\nid: 9\n\ndata: z\n\nretry: 10\n\n";
        let read = events_of(&[text.as_bytes()]);
        assert_eq!(
            read,
            vec![
                // A `data` field with no colon is an empty line of data.
                event("message", "", None),
                ("message".to_owned(), "x".to_owned(), None, Some(1500)),
                // An invalid retry and an id holding NUL are ignored; one space is dropped.
                event("message", " y ", None),
                // An id with no data dispatches nothing but is remembered.
                event("message", "z", Some("9")),
            ]
        );
        let mut parser = EventParser::default();
        parse_events(&mut parser, text.as_bytes());
        assert_eq!(
            parser.last_retry,
            Some(std::time::Duration::from_millis(10))
        );
        assert_eq!(parser.last_id.as_deref(), Some("9"));
    }

    #[test]
    fn an_event_not_ended_by_a_blank_line_is_not_dispatched() {
        assert_eq!(events_of(&[b"data: partial\n"]), vec![]);
        assert_eq!(
            events_of(&[b"data: a\n\ndata: b"]),
            vec![event("message", "a", None)]
        );
    }

    #[test]
    fn invalid_utf8_in_an_event_is_replaced_not_fatal() {
        assert_eq!(
            events_of(&[b"data: \xff\xfe ok\n\n"]),
            vec![event("message", "\u{fffd}\u{fffd} ok", None)]
        );
    }

    #[test]
    fn the_next_link_is_found_among_others() {
        let github = r#"<https://api.example.com/r?page=2>; rel="next", <https://api.example.com/r?page=5>; rel="last""#;
        assert_eq!(
            next_link(github).as_deref(),
            Some("https://api.example.com/r?page=2")
        );
        let reordered =
            r#"<https://x/?a=1,2>; rel="prev"; title="a, b", </items?cursor=abc>; REL=NEXT"#;
        assert_eq!(next_link(reordered).as_deref(), Some("/items?cursor=abc"));
        let listed = r#"<https://x/3>; rel="last next""#;
        assert_eq!(next_link(listed).as_deref(), Some("https://x/3"));
        assert_eq!(next_link(r#"<https://x/1>; rel="prev""#), None);
        assert_eq!(next_link(r#"<https://x/1>; rel="nextpage""#), None);
        assert_eq!(next_link("garbage"), None);
        assert_eq!(next_link(""), None);
    }

    #[test]
    fn bytes_are_sent_again_and_a_stream_once() {
        let bytes = Body::from(b"abc");
        assert!(body_to_send(&bytes).is_ok());
        assert!(body_to_send(&bytes).is_ok());
        assert_eq!(bytes.as_bytes(), Some(&b"abc"[..]));
        assert_eq!(bytes.length(), Some(3));
        let chunks: Vec<Result<bytes::Bytes, std::io::Error>> =
            vec![Ok(bytes::Bytes::from_static(b"ab"))];
        let streamed = Body::from_sized_stream(StreamOf(chunks), 2);
        let clone = streamed.clone();
        assert_eq!(streamed, clone);
        assert_ne!(streamed, bytes);
        assert_eq!(streamed.as_bytes(), None);
        assert_eq!(body_to_send(&clone).map(|(_, length)| length), Ok(Some(2)));
        let again = body_to_send(&streamed).map(|(_, length)| length);
        assert_eq!(
            again,
            Err("a streamed body can be sent once, and it was sent already".to_owned())
        );
        assert!(format!("{streamed:?}").contains("streamed: true"));
    }

    #[test]
    fn mocked_event_streams_read_back_as_sent() {
        let data = ["{\"a\": 1}", "two\nlines", ""];
        let text = event_stream_text(&data);
        let read: Vec<String> = events_of(&[text.as_bytes()])
            .into_iter()
            .map(|(_, data, _, _)| data)
            .collect();
        assert_eq!(read, data);
    }

    /// A stream of the given items.
    struct StreamOf<T>(Vec<T>);

    impl<T: Unpin> futures_core::Stream for StreamOf<T> {
        type Item = T;

        fn poll_next(
            mut self: Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<T>> {
            let next = (!self.0.is_empty()).then(|| self.0.remove(0));
            std::task::Poll::Ready(next)
        }
    }
}
