// Streams: bodies read as they arrive, server-sent events, and bodies sent from files
// and streams.

/// The next item of a stream, for the streams' own `next`, so that callers need no
/// stream trait in scope.
async fn next_of<S: futures_core::Stream + Unpin>(stream: &mut S) -> Option<S::Item> {
    std::future::poll_fn(|cx| futures_core::Stream::poll_next(Pin::new(&mut *stream), cx)).await
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
        next_of(self).await
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
        next_of(self).await
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
        operation: asking_for_events(request.operation),
        options: request.options,
    }
}

/// `operation`, asking for a stream of events.
fn asking_for_events<Op>(operation: Op) -> Streaming<Op> {
    Streaming(operation)
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
