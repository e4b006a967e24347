// Sending: responses, the client's core, operations, requests and how they are sent.

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

/// The HTTP client a client builds when it is given none: connections time out after
/// `connect_timeout`, and requests carry `agent` as their `User-Agent`.
pub(crate) fn http_client(
    connect_timeout: std::time::Duration,
    agent: &'static str,
) -> Result<reqwest::Client, Error> {
    reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        .user_agent(agent)
        .build()
        .map_err(|error| Error::InvalidRequest(format!("the HTTP client cannot be built: {error}")))
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
    pub(crate) headers: HeaderMap,
    pub(crate) invalid_header: Option<String>,
    pub(crate) timeout: Option<std::time::Duration>,
    pub(crate) retry: Option<Retry>,
    pub(crate) body_limit: Option<usize>,
}

/// A request to `operation` through the client `core`.
pub(crate) fn start<Op>(core: &Core, operation: Op) -> Request<'_, Op> {
    Request {
        core,
        operation,
        options: RequestOptions::default(),
    }
}

impl<'a, Op: Operation + 'a> Request<'a, Op> {
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
    pub fn send(self) -> Exchange<'a, Op> {
        // Built now, so that the future holds the request rather than the parameters.
        let request = prepare(self.core, &self.operation, &self.options, None);
        exchange::<Op>(self.core, request, self.options)
    }
}

/// A request on its way, as [`Request::send`] and `.await` on a [`Request`] give it: a
/// future of the decoded response.
#[must_use = "a future does nothing unless it is awaited or polled"]
pub struct Exchange<'a, Op: Operation> {
    /// The request being sent and its response received, the same for every operation;
    /// `None` when the request could not be built, or once the response is out. Boxed,
    /// and so pinned on its own: an exchange is `Unpin`.
    delivery: Option<BoxFuture<'a, Result<Received, Error<Vec<u8>>>>>,
    /// Why the request could not be built.
    failed: Option<Error<Op::Error>>,
}

impl<Op: Operation> Unpin for Exchange<'_, Op> {}

impl<Op: Operation> Future for Exchange<'_, Op> {
    type Output = Decoded<Op>;

    fn poll(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        if let Some(error) = self.failed.take() {
            return std::task::Poll::Ready(Err(error));
        }
        let Some(delivery) = self.delivery.as_mut() else {
            return std::task::Poll::Ready(Err(Error::InvalidRequest(
                "the response was already given".to_owned(),
            )));
        };
        let std::task::Poll::Ready(received) = delivery.as_mut().poll(cx) else {
            return std::task::Poll::Pending;
        };
        self.delivery = None;
        std::task::Poll::Ready(decode_received::<Op>(received))
    }
}

impl<Op: Operation> fmt::Debug for Exchange<'_, Op> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Exchange")
            .field("operation", &Op::ID)
            .field("pending", &self.delivery.is_some())
            .finish()
    }
}

/// Sends an operation's prepared request; the response is decoded when it is received.
/// Sending and receiving is [`deliver`]'s, the same code for every operation.
fn exchange<Op: Operation>(
    core: &Core,
    request: Built<Op>,
    options: RequestOptions,
) -> Exchange<'_, Op> {
    match request {
        Ok(request) => Exchange {
            delivery: Some(delivering(core, request, options, Op::INFO, Op::STREAMS)),
            failed: None,
        },
        Err(error) => Exchange {
            delivery: None,
            failed: Some(error),
        },
    }
}

/// [`deliver`], boxed: one future type for every operation.
fn delivering(
    core: &Core,
    request: reqwest::Request,
    options: RequestOptions,
    operation: OperationInfo,
    streams: bool,
) -> BoxFuture<'_, Result<Received, Error<Vec<u8>>>> {
    Box::pin(async move { deliver(core, request, &options, operation, streams).await })
}

/// A received response decoded as the operation says: the little that differs by
/// operation.
fn decode_received<Op: Operation>(received: Result<Received, Error<Vec<u8>>>) -> Decoded<Op> {
    Op::decode(received.map_err(|error| error_decoded(error, Op::decode_error))?)
}

/// The HTTP request for `operation` with `options`, to `url` instead of its own when one
/// is given (the next page a response links to).
fn prepare<Op: Operation>(
    core: &Core,
    operation: &Op,
    options: &RequestOptions,
    url: Option<reqwest::Url>,
) -> Built<Op> {
    let request = operation.request(&core.base_url, &core.http)?;
    completed(core, request, options, url, Op::STREAMS, Op::SECURITY).map_err(Error::InvalidRequest)
}

/// An operation's request with what the request's options and the client add: the same
/// code for every operation. `Err` says why it cannot be sent.
fn completed(
    core: &Core,
    mut request: reqwest::Request,
    options: &RequestOptions,
    url: Option<reqwest::Url>,
    streams: bool,
    security: &[&[usize]],
) -> Result<reqwest::Request, String> {
    if let Some(problem) = &options.invalid_header {
        return Err(problem.clone());
    }
    if let Some(url) = url {
        *request.url_mut() = url;
    }
    for (name, value) in &options.headers {
        request.headers_mut().insert(name, value.clone());
    }
    // A body read whole has the client's deadline; a stream only the one asked for.
    let deadline = if streams { None } else { core.timeout };
    if let Some(timeout) = options.timeout.or(deadline) {
        *request.timeout_mut() = Some(timeout);
    }
    apply_credentials(core, &mut request, security)?;
    Ok(request)
}

/// Sends a prepared request and receives the response, the same code for every
/// operation: a success body read whole (or left unread when it `streams`), an error's
/// body kept as bytes for the operation to decode.
async fn deliver(
    core: &Core,
    request: reqwest::Request,
    options: &RequestOptions,
    operation: OperationInfo,
    streams: bool,
) -> Result<Received, Error<Vec<u8>>> {
    let retry = options.retry.as_ref().or(core.retry.as_ref());
    // A response that streams has no deadline but may not stall: its head, and then each
    // chunk of its body, must come within the client's timeout.
    let idle = if streams && options.timeout.is_none() {
        core.timeout
    } else {
        None
    };
    let sent = dispatch(core, request, operation, retry);
    let response = match idle {
        Some(idle) => tokio::time::timeout(idle, sent)
            .await
            .map_err(|_| Error::Stalled(idle))??,
        None => sent.await?,
    };
    let limit = options.body_limit.unwrap_or(core.body_limit);
    receive(response, streams.then_some(idle), limit).await
}

impl<'a, Op: Operation + 'a> std::future::IntoFuture for Request<'a, Op> {
    type Output = Result<Response<Op::Success>, Error<Op::Error>>;
    type IntoFuture = Exchange<'a, Op>;

    fn into_future(self) -> Self::IntoFuture {
        self.send()
    }
}

/// Applies the first of an operation's alternatives of credentials that the client holds
/// all of; none when it holds none of them. `Err` says why a credential cannot be sent.
fn apply_credentials(
    core: &Core,
    request: &mut reqwest::Request,
    alternatives: &[&[usize]],
) -> Result<(), String> {
    let held = |i: &usize| core.credentials.get(*i).and_then(Option::as_ref);
    for alternative in alternatives {
        if alternative.iter().all(|i| held(i).is_some()) {
            for credential in alternative.iter().filter_map(held) {
                credential.authorize(request)?;
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
