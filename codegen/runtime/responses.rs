// Responses: reading a response whole, within a limit, and decoding it.

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
/// anything else as an error whose body (at most `ERROR_BODY_LIMIT` bytes of it) is
/// kept as bytes, for [`error_decoded`] to turn into the spec's error type.
pub(crate) async fn receive(
    mut response: reqwest::Response,
    streams: Option<Option<std::time::Duration>>,
    limit: usize,
) -> Result<Received, Error<Vec<u8>>> {
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
    let text = String::from_utf8_lossy(&kept).into_owned();
    Err(Error::Status(Box::new(ErrorResponse {
        status,
        headers,
        body: Some(kept),
        text,
    })))
}

/// `error`, its error response's body (kept as bytes) decoded by the operation's
/// `decode_error` when it is the type the spec documents.
pub(crate) fn error_decoded<E>(
    error: Error<Vec<u8>>,
    decode_error: fn(u16, &[u8]) -> Option<E>,
) -> Error<E> {
    match error {
        Error::Status(response) => {
            let ErrorResponse {
                status,
                headers,
                body,
                text,
            } = *response;
            let decoded = body.and_then(|kept| decode_error(status.as_u16(), &kept));
            Error::Status(Box::new(ErrorResponse {
                status,
                headers,
                body: decoded,
                text,
            }))
        }
        Error::InvalidRequest(problem) => Error::InvalidRequest(problem),
        Error::Timeout(source) => Error::Timeout(source),
        Error::Transport(source) => Error::Transport(source),
        Error::Decode(failure) => Error::Decode(failure),
        Error::Hook(source) => Error::Hook(source),
        Error::TooLarge(failure) => Error::TooLarge(failure),
        Error::Stalled(idle) => Error::Stalled(idle),
    }
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

/// Decodes JSON; on failure, with the path of the value where decoding stopped.
fn from_json<T: serde::de::DeserializeOwned>(
    json: &[u8],
) -> Result<T, (String, serde_json::Error)> {
    serde_json::from_slice(json).map_err(|error| (json_path(json, &error), error))
}

/// Where in `json` decoding failed with `error`, as a path (`items[1].id`; empty for the
/// whole value): the containers open at the error's position, read from the text once,
/// so that finding it costs no second decoding of every type.
fn json_path(json: &[u8], error: &serde_json::Error) -> String {
    // The line's start, then as many bytes as the error's column counts.
    let mut line_start = 0;
    if error.line() > 1 {
        let newline = json
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .nth(error.line() - 2);
        line_start = newline.map_or(json.len(), |(at, _)| at + 1);
    }
    let end = (line_start + error.column()).min(json.len());
    let mut open: Vec<JsonLevel> = Vec::new();
    let mut at = 0;
    while at < end {
        let byte = json[at];
        if let Some(JsonLevel::Array { started, .. }) = open.last_mut() {
            if !byte.is_ascii_whitespace() && byte != b']' && byte != b',' {
                *started = true;
            }
        }
        match byte {
            b'"' => {
                let close = string_end(json, at);
                if let Some(JsonLevel::Object { key, expects_key }) = open.last_mut() {
                    if *expects_key {
                        let raw = &json[at..close.min(json.len())];
                        *key = Some(serde_json::from_slice::<String>(raw).unwrap_or_else(|_| {
                            String::from_utf8_lossy(raw.get(1..).unwrap_or(raw)).into_owned()
                        }));
                    }
                }
                at = close;
                continue;
            }
            b'{' => open.push(JsonLevel::Object {
                key: None,
                expects_key: true,
            }),
            b'[' => open.push(JsonLevel::Array {
                index: 0,
                started: false,
            }),
            b'}' | b']' => {
                open.pop();
            }
            b':' => {
                if let Some(JsonLevel::Object { expects_key, .. }) = open.last_mut() {
                    *expects_key = false;
                }
            }
            b',' => match open.last_mut() {
                Some(JsonLevel::Object { key, expects_key }) => {
                    *key = None;
                    *expects_key = true;
                }
                Some(JsonLevel::Array { index, started }) => {
                    *index += 1;
                    *started = false;
                }
                None => {}
            },
            _ => {}
        }
        at += 1;
    }
    let mut path = String::new();
    for level in &open {
        match level {
            JsonLevel::Object {
                key: Some(name), ..
            } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(name);
            }
            JsonLevel::Array {
                index,
                started: true,
            } => {
                path.push('[');
                path.push_str(&index.to_string());
                path.push(']');
            }
            JsonLevel::Object { key: None, .. } | JsonLevel::Array { started: false, .. } => {}
        }
    }
    path
}

/// An object or array open at some point of a JSON text.
enum JsonLevel {
    /// An object, with the key of the member being read once it is known.
    Object {
        key: Option<String>,
        expects_key: bool,
    },
    /// An array, with the index of the element being read, once one has begun.
    Array { index: usize, started: bool },
}

/// The index just past the JSON string whose opening quote is at `quote`.
fn string_end(json: &[u8], quote: usize) -> usize {
    let mut at = quote + 1;
    while at < json.len() {
        match json[at] {
            b'\\' => at += 2,
            b'"' => return at + 1,
            _ => at += 1,
        }
    }
    json.len()
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

/// Decodes a received body as JSON of type `T`. A 2xx answer without a body (204, 205, an
/// empty or blank body) is `null` to the types that hold it (`Option`, any JSON value,
/// `()`), and a decoding error saying the body was empty to any other.
pub(crate) fn decode_json<T: serde::de::DeserializeOwned, E>(
    received: &Received,
) -> Result<T, Error<E>> {
    if received.bytes.iter().all(u8::is_ascii_whitespace) {
        return serde_json::from_value(serde_json::Value::Null).map_err(|error| {
            let source = <serde_json::Error as serde::de::Error>::custom(format!(
                "the body is empty, and the documented type needs a value ({error})"
            ));
            decode_failure(received, String::new(), source)
        });
    }
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

/// Whether a response's `Content-Type` is one of `media_types`, compared without
/// parameters and case; `type/*` stands for any subtype.
pub(crate) fn media_is(received: &Received, media_types: &[&str]) -> bool {
    let Some(sent) = received
        .headers
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
    else {
        return false;
    };
    let sent = sent.split(';').next().unwrap_or("").trim();
    media_types.iter().any(|listed| {
        let listed = listed.split(';').next().unwrap_or("").trim();
        match listed.strip_suffix("/*") {
            Some(kind) => sent
                .split_once('/')
                .is_some_and(|(sent_kind, _)| sent_kind.eq_ignore_ascii_case(kind)),
            None => sent.eq_ignore_ascii_case(listed),
        }
    })
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
