// Mocks: typed mocks of operations on a `wiremock` server, for tests.

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
