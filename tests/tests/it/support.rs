//! What the tests of generated clients share: a server on 127.0.0.1 that answers every
//! request alike and records them, and ways to read what it received.

use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A server answering every request with `template`.
pub async fn serve(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(template)
        .mount(&server)
        .await;
    server
}

/// Every request the server received, in order.
pub async fn requests(server: &MockServer) -> Vec<wiremock::Request> {
    server.received_requests().await.expect("recording is on")
}

/// The one request the server received.
pub async fn received(server: &MockServer) -> wiremock::Request {
    let mut all = requests(server).await;
    assert_eq!(all.len(), 1, "exactly one request expected");
    all.remove(0)
}

/// A header of a request, as text.
pub fn header(request: &wiremock::Request, name: &str) -> Option<String> {
    request
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// A JSON response with this status.
pub fn json(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_string(), "application/json")
}

/// A part of a `multipart/form-data` body: its headers (lowercase names) and content.
pub type Part = (Vec<(String, String)>, Vec<u8>);

/// The parts of a `multipart/form-data` body.
pub fn multipart_parts(request: &wiremock::Request) -> Vec<Part> {
    let content_type = header(request, "content-type").expect("content type");
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .expect("a boundary");
    let delimiter = format!("--{boundary}");
    let body = &request.body;
    let positions: Vec<usize> = body
        .windows(delimiter.len())
        .enumerate()
        .filter(|(_, w)| *w == delimiter.as_bytes())
        .map(|(i, _)| i)
        .collect();
    assert!(
        body.ends_with(format!("{delimiter}--\r\n").as_bytes()),
        "the body ends with the closing delimiter"
    );
    positions
        .windows(2)
        .map(|pair| {
            // Between delimiters: CRLF, headers, a blank line, the content, CRLF.
            let part = &body[pair[0] + delimiter.len() + 2..pair[1] - 2];
            let split = part
                .windows(4)
                .position(|w| w == b"\r\n\r\n")
                .expect("headers end");
            let headers = std::str::from_utf8(&part[..split])
                .expect("ASCII headers")
                .split("\r\n")
                .map(|line| {
                    let (name, value) = line.split_once(": ").expect("a header line");
                    (name.to_ascii_lowercase(), value.to_owned())
                })
                .collect();
            (headers, part[split + 4..].to_vec())
        })
        .collect()
}

/// A generated module's whole text: `PATH.rs` and the files of its parts, `PATH/*.rs`
/// (one per group of features, or per part of a long module), in path order.
pub fn module_text(output: &openapi_clientgen::Output, path: &str) -> String {
    let main = format!("{path}.rs");
    let parts = format!("{path}/");
    let mut files: Vec<&openapi_clientgen::OutputFile> = output
        .files
        .iter()
        .filter(|f| f.path == main || (f.path.starts_with(&parts) && f.path.ends_with(".rs")))
        .collect();
    assert!(files.iter().any(|f| f.path == main), "no {main}");
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files.iter().map(|f| f.contents.as_str()).collect()
}
