// Recording: every exchange written down as one JSON line, for comparing what a server
// does with what its document says (`openapi-clientgen drift`).

/// A [`Hook`] that writes every exchange down as one line of JSON (the `record` feature):
/// the operation (`operation`, `method`, `path` as the document writes it), the `status`,
/// and for the request and the response their `media_type`, `headers` and `body` (JSON
/// as JSON, text as a string, at most the body limit of each, 64 KiB unless set:
/// a longer body is cut and marked `truncated`). Credentials (`Authorization`, cookies)
/// and the headers named with [`Recorder::secret_header`] are never written, nor is the
/// query string. Set it with `ClientBuilder::record` or
/// as any hook; `openapi-clientgen drift` reads what it writes.
#[cfg(feature = "record")]
pub struct Recorder {
    out: std::sync::Mutex<Box<dyn std::io::Write + Send>>,
    secret: Vec<String>,
    limit: usize,
}

#[cfg(feature = "record")]
impl Recorder {
    /// A recorder writing its lines to `out`.
    pub fn new(out: impl std::io::Write + Send + 'static) -> Self {
        Recorder {
            out: std::sync::Mutex::new(Box::new(out)),
            secret: Vec::new(),
            limit: 64 * 1024,
        }
    }

    /// A recorder appending its lines to the file at `path`, created if need be.
    pub fn to_file(path: impl AsRef<std::path::Path>) -> std::io::Result<Self> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        Ok(Recorder::new(file))
    }

    /// Never writes the header `name` (in any case), as it never writes credentials.
    #[must_use]
    pub fn secret_header(mut self, name: &str) -> Self {
        self.secret.push(name.to_ascii_lowercase());
        self
    }

    /// Writes at most `bytes` of each body.
    #[must_use]
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.limit = bytes;
        self
    }
}

/// The headers worth writing down: all but credentials and those marked `secret`.
#[cfg(feature = "record")]
fn recorded_headers(secret: &[String], headers: &HeaderMap) -> serde_json::Value {
    let mut shown = serde_json::Map::new();
    for (name, value) in headers {
        let name = name.as_str();
        let hidden = matches!(
            name,
            "authorization" | "proxy-authorization" | "cookie" | "set-cookie"
        ) || secret.iter().any(|hidden| hidden == name);
        if !hidden {
            shown.insert(
                name.to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into(),
            );
        }
    }
    serde_json::Value::Object(shown)
}

/// A body as written down into `part`: JSON as JSON, else text, at most `limit` bytes.
#[cfg(feature = "record")]
fn recorded_body(
    limit: usize,
    bytes: &[u8],
    part: &mut serde_json::Map<String, serde_json::Value>,
) {
    if bytes.is_empty() {
        return;
    }
    let kept = &bytes[..bytes.len().min(limit)];
    let body = match serde_json::from_slice::<serde_json::Value>(kept) {
        Ok(json) if kept.len() == bytes.len() => json,
        _ => String::from_utf8_lossy(kept).into(),
    };
    part.insert("body".to_owned(), body);
    if kept.len() < bytes.len() {
        part.insert("truncated".to_owned(), true.into());
    }
}

/// Writes one line; a recorder that cannot write stops nothing.
#[cfg(feature = "record")]
fn recorded_line(out: &std::sync::Mutex<Box<dyn std::io::Write + Send>>, line: &serde_json::Value) {
    if let Ok(mut out) = out.lock() {
        let text = format!("{line}\n");
        let _ = std::io::Write::write_all(&mut **out, text.as_bytes());
        let _ = std::io::Write::flush(&mut **out);
    }
}

#[cfg(feature = "record")]
impl fmt::Debug for Recorder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recorder")
            .field("secret", &self.secret)
            .field("limit", &self.limit)
            .finish_non_exhaustive()
    }
}

#[cfg(feature = "record")]
impl Hook for Recorder {
    fn send<'a>(
        &'a self,
        request: reqwest::Request,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<reqwest::Response, SendError>> {
        Box::pin(async move {
            let operation = next.info().operation;
            let mut sent = serde_json::Map::new();
            let media = request
                .headers()
                .get(reqwest::header::CONTENT_TYPE)
                .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned());
            sent.insert("media_type".to_owned(), media.into());
            sent.insert(
                "headers".to_owned(),
                recorded_headers(&self.secret, request.headers()),
            );
            if let Some(bytes) = request.body().and_then(|body| body.as_bytes()) {
                recorded_body(self.limit, bytes, &mut sent);
            }
            let response = next.send(request).await?;
            let status = response.status();
            let media = response
                .headers()
                .get(reqwest::header::CONTENT_TYPE)
                .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned());
            let mut got = serde_json::Map::new();
            got.insert("media_type".to_owned(), media.clone().into());
            got.insert(
                "headers".to_owned(),
                recorded_headers(&self.secret, response.headers()),
            );
            // A stream is handed on unread: reading it would wait for its end.
            let streams = media.as_deref().is_some_and(|m| {
                m.starts_with("text/event-stream") || m.starts_with("application/octet-stream")
            });
            let response = if streams {
                response
            } else {
                let version = response.version();
                let headers = response.headers().clone();
                let bytes = response.bytes().await?;
                recorded_body(self.limit, &bytes, &mut got);
                let mut rebuilt = http::Response::new(bytes);
                *rebuilt.status_mut() = status;
                *rebuilt.version_mut() = version;
                *rebuilt.headers_mut() = headers;
                reqwest::Response::from(rebuilt)
            };
            let line = serde_json::json!({
                "operation": operation.id,
                "method": operation.method,
                "path": operation.path,
                "status": status.as_u16(),
                "request": serde_json::Value::Object(sent),
                "response": serde_json::Value::Object(got),
            });
            recorded_line(&self.out, &line);
            Ok(response)
        })
    }
}
