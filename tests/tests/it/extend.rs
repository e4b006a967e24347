//! Extending a generated client, on the wire against servers on 127.0.0.1: options for one
//! request, hooks around sending, retries, tracing spans, and typed mocks.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use livedesk_client::types::{Contact, ContactResponse, ContactUpdate, ErrorBody};
use livedesk_client::{BasicAuth, BoxFuture, Client, Error, Hook, Next, Patch, Retry, SendError};
use livedesk_tests::fixtures::refs_anywhere;
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{header, json, received, requests, serve};

fn contact_json() -> serde_json::Value {
    json!({"payload": {"id": 318763, "email": "ada@example.com"}})
}

fn livedesk(server: &MockServer) -> livedesk_client::ClientBuilder {
    Client::builder(BasicAuth::new("key", "secret")).base_url(server.uri())
}

#[tokio::test]
async fn one_request_can_add_headers_and_its_own_timeout() {
    let server = serve(json(200, contact_json())).await;
    let client = livedesk(&server).build().expect("client");
    let body = ContactUpdate::default();
    client
        .update_contact(318763, &body)
        .header("x-request-id", "r-1")
        // The operation's Accept is replaced; the credentials are applied last and win.
        .header("accept", "application/json, */*")
        .header("authorization", "Bearer sneaked-in")
        .await
        .expect("200");
    let request = received(&server).await;
    assert_eq!(header(&request, "x-request-id").as_deref(), Some("r-1"));
    assert_eq!(
        header(&request, "accept").as_deref(),
        Some("application/json, */*")
    );
    assert!(
        header(&request, "authorization").is_some_and(|a| a.starts_with("Basic ")),
        "the client's credentials win"
    );

    let invalid = client
        .update_contact(318763, &body)
        .header("bad header", "x")
        .await
        .expect_err("an invalid name");
    assert!(matches!(invalid, Error::InvalidRequest(_)), "{invalid:?}");
    assert_eq!(requests(&server).await.len(), 1, "nothing more was sent");

    let slow = serve(json(200, contact_json()).set_delay(Duration::from_millis(800))).await;
    let client = livedesk(&slow).build().expect("client");
    let started = Instant::now();
    let error = client
        .update_contact(318763, &body)
        .timeout(Duration::from_millis(100))
        .await
        .expect_err("times out");
    assert!(error.is_timeout(), "{error:?}");
    assert!(started.elapsed() < Duration::from_millis(700));
}

/// A hook that records what passes through it and adds a header.
struct Recorder {
    seen: Arc<Mutex<Vec<String>>>,
    label: &'static str,
}

impl Hook for Recorder {
    fn send<'a>(
        &'a self,
        mut request: reqwest::Request,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<reqwest::Response, SendError>> {
        Box::pin(async move {
            let info = next.info();
            self.seen.lock().expect("lock").push(format!(
                "{} before {} {} {} attempt {}",
                self.label,
                info.operation.id,
                info.operation.method,
                info.operation.path,
                info.attempt
            ));
            request.headers_mut().append(
                "x-hooked",
                reqwest::header::HeaderValue::from_static(self.label),
            );
            let response = next.send(request).await;
            if let Ok(response) = &response {
                self.seen.lock().expect("lock").push(format!(
                    "{} after {}",
                    self.label,
                    response.status().as_u16()
                ));
            }
            response
        })
    }
}

#[tokio::test]
async fn hooks_run_around_each_attempt_in_the_order_they_were_set() {
    let server = serve(json(200, contact_json())).await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let client = livedesk(&server)
        .hook(Recorder {
            seen: Arc::clone(&seen),
            label: "outer",
        })
        .hook(Recorder {
            seen: Arc::clone(&seen),
            label: "inner",
        })
        .build()
        .expect("client");
    client
        .update_contact(318763, &ContactUpdate::default())
        .await
        .expect("200");
    assert_eq!(
        *seen.lock().expect("lock"),
        [
            "outer before updateContact PATCH /api/v2/accounts/contacts/{id} attempt 1",
            "inner before updateContact PATCH /api/v2/accounts/contacts/{id} attempt 1",
            "inner after 200",
            "outer after 200",
        ]
    );
    let request = received(&server).await;
    let hooked: Vec<&str> = request
        .headers
        .get_all("x-hooked")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    assert_eq!(hooked, ["outer", "inner"]);
}

/// A hook that refuses every request, as a signer without a key would.
struct Refuse;

impl Hook for Refuse {
    fn send<'a>(
        &'a self,
        _request: reqwest::Request,
        _next: Next<'a>,
    ) -> BoxFuture<'a, Result<reqwest::Response, SendError>> {
        Box::pin(async { Err(SendError::Hook("no signing key".into())) })
    }
}

#[tokio::test]
async fn a_hook_can_stop_a_request() {
    let server = serve(json(200, contact_json())).await;
    let client = livedesk(&server).hook(Refuse).build().expect("client");
    let error = client
        .update_contact(318763, &ContactUpdate::default())
        .await
        .expect_err("stopped");
    assert!(matches!(&error, Error::Hook(_)), "{error:?}");
    assert_eq!(error.to_string(), "stopped by a hook: no signing key");
    assert!(requests(&server).await.is_empty());
}

/// A server answering the first `n` requests with `first`, and the others with `then`.
async fn first_then(n: u64, first: ResponseTemplate, then: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(first)
        .up_to_n_times(n)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(any()).respond_with(then).mount(&server).await;
    server
}

fn quick(attempts: u32) -> Retry {
    Retry::new(attempts).initial_delay(Duration::from_millis(10))
}

/// [`quick`] for the fixture client, which carries a runtime of its own.
fn quick_pets(attempts: u32) -> refs_anywhere::Retry {
    refs_anywhere::Retry::new(attempts).initial_delay(Duration::from_millis(10))
}

#[tokio::test]
async fn a_429_is_retried_after_the_wait_its_retry_after_asks_for() {
    let server = first_then(
        1,
        ResponseTemplate::new(429).insert_header("retry-after", "1"),
        json(200, json!([{"name": "Rex"}])),
    )
    .await;
    let client = refs_anywhere::Client::builder()
        .base_url(server.uri())
        .retry(quick_pets(3))
        .build()
        .expect("client");
    let started = Instant::now();
    let pets = client
        .list_pets()
        .await
        .expect("200 in the end")
        .into_body();
    let waited = started.elapsed();
    assert_eq!(pets.len(), 1);
    assert_eq!(requests(&server).await.len(), 2);
    assert!(waited >= Duration::from_secs(1), "waited {waited:?}");
    assert!(waited < Duration::from_secs(3), "waited {waited:?}");
}

#[tokio::test]
async fn a_retry_after_date_beyond_the_longest_wait_is_not_waited_for() {
    let in_a_day = std::time::SystemTime::now() + Duration::from_secs(86_400);
    let server = first_then(
        1,
        ResponseTemplate::new(503).insert_header("retry-after", http_date(in_a_day).as_str()),
        json(200, json!([])),
    )
    .await;
    let client = refs_anywhere::Client::builder()
        .base_url(server.uri())
        .retry(quick_pets(3))
        .build()
        .expect("client");
    let error = client
        .list_pets()
        .await
        .expect_err("the server asks for a day");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(requests(&server).await.len(), 1);
}

/// `time` as an HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`).
fn http_date(time: std::time::SystemTime) -> String {
    let seconds = time
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs();
    let days = i64::try_from(seconds / 86_400).expect("days");
    let clock = seconds % 86_400;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][(days % 7) as usize];
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{weekday}, {day:02} {} {year} {:02}:{:02}:{:02} GMT",
        months[(month - 1) as usize],
        clock / 3600,
        clock / 60 % 60,
        clock % 60
    )
}

#[tokio::test]
async fn a_503_that_persists_is_given_up_on_and_returned() {
    let server =
        serve(ResponseTemplate::new(503).set_body_raw(r#"{"message":"down"}"#, "application/json"))
            .await;
    let client = refs_anywhere::Client::builder()
        .base_url(server.uri())
        .retry(quick_pets(3))
        .build()
        .expect("client");
    let error = client.list_pets().await.expect_err("always 503");
    let refs_anywhere::Error::Status(response) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(response.status(), 503);
    assert_eq!(response.text(), r#"{"message":"down"}"#);
    assert_eq!(requests(&server).await.len(), 3, "three attempts in all");
}

#[tokio::test]
async fn a_patch_is_retried_only_when_the_caller_allows_it() {
    let server = serve(ResponseTemplate::new(503)).await;
    let client = livedesk(&server).retry(quick(3)).build().expect("client");
    let body = ContactUpdate::default();
    let error = client.update_contact(1, &body).await.expect_err("503");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(requests(&server).await.len(), 1, "PATCH is not idempotent");

    let error = client
        .update_contact(1, &body)
        .retry(quick(3).non_idempotent(true))
        .await
        .expect_err("503");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(requests(&server).await.len(), 4, "and now three more");
}

/// A hook that counts the attempts it sees.
struct Count(Arc<Mutex<Vec<u32>>>);

impl Hook for Count {
    fn send<'a>(
        &'a self,
        request: reqwest::Request,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<reqwest::Response, SendError>> {
        self.0.lock().expect("lock").push(next.info().attempt);
        next.send(request)
    }
}

#[tokio::test]
async fn a_connection_that_cannot_be_made_is_retried_even_for_a_patch() {
    // A port nothing listens on: the request is never sent, so repeating it is safe.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let address = listener.local_addr().expect("address");
    drop(listener);
    let attempts = Arc::new(Mutex::new(Vec::new()));
    let client = Client::builder(BasicAuth::new("key", "secret"))
        .base_url(format!("http://{address}"))
        .retry(quick(3))
        .hook(Count(Arc::clone(&attempts)))
        .build()
        .expect("client");
    let error = client
        .update_contact(1, &ContactUpdate::default())
        .await
        .expect_err("refused");
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert_eq!(*attempts.lock().expect("lock"), [1, 2, 3]);
}

#[tokio::test]
async fn typed_mocks_match_the_operation_and_answer_with_the_specs_types() {
    use livedesk_client::mock;
    let server = MockServer::start().await;
    let body = ContactUpdate {
        name: Some("Ada".to_owned()),
        phone_number: Patch::Null,
        ..ContactUpdate::default()
    };
    let answer = ContactResponse {
        payload: Contact {
            id: 318763,
            email: Some("ada@example.com".to_owned()),
            ..serde_json::from_value(json!({"id": 318763})).expect("a contact")
        },
    };
    mock::update_contact()
        .id(318763)
        .include_contact_inboxes(true)
        .body(&body)
        .respond(200, &answer)
        .expect(1)
        .mount(&server)
        .await;
    mock::update_contact()
        .id(404)
        .respond_error(
            404,
            &ErrorBody {
                message: Some("no such contact".to_owned()),
                ..serde_json::from_value(json!({})).expect("an error body")
            },
        )
        .mount(&server)
        .await;
    let client = livedesk(&server).build().expect("client");

    let response = client
        .update_contact(318763, &body)
        .include_contact_inboxes(true)
        .await
        .expect("the mock answers");
    assert_eq!(response.into_body(), answer);

    // The body must be the same as JSON: absent is not null.
    let other = ContactUpdate {
        name: Some("Ada".to_owned()),
        ..ContactUpdate::default()
    };
    let unmatched = client
        .update_contact(318763, &other)
        .include_contact_inboxes(true)
        .await
        .expect_err("no mock matches");
    assert_eq!(unmatched.status().map(|s| s.as_u16()), Some(404));

    let error = client.update_contact(404, &body).await.expect_err("404");
    let Error::Status(response) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(
        response.body().and_then(|b| b.message.as_deref()),
        Some("no such contact")
    );
}

/// A span's name and its fields, as `field=value` text.
type Seen = (String, Vec<String>);

/// The spans a subscriber saw.
#[derive(Clone, Default)]
struct Spans(Arc<Mutex<Vec<Seen>>>);

struct Fields<'a>(&'a mut Vec<String>);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push(format!("{}={value:?}", field.name()));
    }

    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.0.push(format!("{}={value}", field.name()));
    }
}

impl<S> tracing_subscriber::Layer<S> for Spans
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
{
    fn on_new_span(
        &self,
        attributes: &tracing::span::Attributes<'_>,
        _id: &tracing::span::Id,
        _context: tracing_subscriber::layer::Context<'_, S>,
    ) {
        let mut fields = Vec::new();
        attributes.record(&mut Fields(&mut fields));
        self.0
            .lock()
            .expect("lock")
            .push((attributes.metadata().name().to_owned(), fields));
    }

    fn on_record(
        &self,
        _id: &tracing::span::Id,
        values: &tracing::span::Record<'_>,
        _context: tracing_subscriber::layer::Context<'_, S>,
    ) {
        let mut spans = self.0.lock().expect("lock");
        if let Some((_, fields)) = spans.last_mut() {
            values.record(&mut Fields(fields));
        }
    }
}

#[tokio::test]
async fn with_the_tracing_feature_each_request_has_a_span_without_secrets_or_bodies() {
    use livedesk_tests::corpus::livedesk_3_1_sample as traced;
    use tracing_subscriber::layer::SubscriberExt as _;
    let spans = Spans::default();
    let subscriber = tracing_subscriber::registry().with(spans.clone());
    let _default = tracing::subscriber::set_default(subscriber);

    let server = serve(json(
        200,
        json!({"payload": {"id": 318763, "kind": "contact", "name": "Private Name"}}),
    ))
    .await;
    let client = traced::Client::builder(traced::BasicAuth::new("key", "s3cret-password"))
        .base_url(server.uri())
        .build()
        .expect("client");
    let body = traced::types::ContactUpdate {
        name: Some("Private Name".to_owned()),
        ..Default::default()
    };
    client.update_contact(318763, &body).await.expect("200");

    let seen = spans.0.lock().expect("lock").clone();
    let requests: Vec<&Vec<String>> = seen
        .iter()
        .filter(|(name, _)| name == "request")
        .map(|(_, fields)| fields)
        .collect();
    assert_eq!(requests.len(), 1, "one span per request: {seen:?}");
    let fields = requests[0];
    for expected in [
        "operation=updateContact",
        "method=PATCH",
        "path=/api/v2/accounts/contacts/{id}",
        "attempt=1",
        "status=200",
    ] {
        assert!(
            fields.iter().any(|f| f == expected),
            "{expected} in {fields:?}"
        );
    }
    assert!(
        fields.iter().any(|f| f.starts_with("duration_ms=")),
        "{fields:?}"
    );
    let everything = format!("{seen:?}");
    for secret in [
        "s3cret-password",
        "a2V5OnMzY3JldC1wYXNzd29yZA",
        "Private Name",
        "318763",
    ] {
        assert!(
            !everything.contains(secret),
            "{secret} leaked into {everything}"
        );
    }
}

/// What a recorder writes, kept for the test to read.
#[derive(Clone, Default)]
struct Lines(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Lines {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lines").extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_recorder_writes_each_exchange_down_without_credentials() {
    use livedesk_tests::livedesk_traced as traced;
    let server =
        serve(json(200, contact_json()).insert_header("x-session", "s3cret-session")).await;
    let lines = Lines::default();
    let client = traced::Client::builder(traced::BasicAuth::new("key", "secret"))
        .base_url(server.uri())
        .record(
            traced::Recorder::new(lines.clone())
                .secret_header("X-Session")
                .body_limit(1024),
        )
        .build()
        .expect("client");
    let body = traced::types::ContactUpdate {
        name: Some("Ada".to_owned()),
        phone_number: traced::Patch::Null,
        ..Default::default()
    };
    // The response is read whole for the record, and still decodes.
    let response = client
        .update_contact(318763, &body)
        .include_contact_inboxes(true)
        .header("x-request-id", "r-9")
        .await
        .expect("200");
    assert_eq!(response.payload.email.as_deref(), Some("ada@example.com"));

    let written = String::from_utf8(lines.0.lock().expect("lines").clone()).expect("UTF-8");
    let recorded: Vec<serde_json::Value> = written
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect();
    let [line] = recorded.as_slice() else {
        panic!("one line per exchange: {written}");
    };
    assert_eq!(line["operation"], "updateContact");
    assert_eq!(line["method"], "PATCH");
    assert_eq!(line["path"], "/api/v2/accounts/contacts/{id}");
    assert_eq!(line["status"], 200);
    assert_eq!(line["request"]["media_type"], "application/json");
    assert_eq!(
        line["request"]["body"],
        json!({"name": "Ada", "phone_number": null})
    );
    assert_eq!(line["request"]["headers"]["x-request-id"], "r-9");
    assert_eq!(line["response"]["media_type"], "application/json");
    assert_eq!(line["response"]["body"], contact_json());
    // Never the credentials, the headers marked secret, or the query.
    assert!(
        line["request"]["headers"].get("authorization").is_none(),
        "{line}"
    );
    assert!(
        line["response"]["headers"].get("x-session").is_none(),
        "{line}"
    );
    for secret in [
        "secret",
        "a2V5OnNlY3JldA",
        "s3cret-session",
        "include_contact_inboxes",
    ] {
        assert!(!written.contains(secret), "{secret} in {written}");
    }
}

#[tokio::test]
async fn a_recorder_cuts_long_bodies_and_marks_them() {
    use livedesk_tests::livedesk_traced as traced;
    let long = json!({"payload": {"id": 1, "name": "x".repeat(500)}});
    let server = serve(json(200, long.clone())).await;
    let lines = Lines::default();
    let client = traced::Client::builder(traced::BasicAuth::new("key", "secret"))
        .base_url(server.uri())
        .record(traced::Recorder::new(lines.clone()).body_limit(100))
        .build()
        .expect("client");
    let response = client
        .update_contact(1, &traced::types::ContactUpdate::default())
        .await
        .expect("200");
    // What the client decodes is the whole body.
    assert_eq!(response.payload.name.as_deref().map(str::len), Some(500));
    let written = String::from_utf8(lines.0.lock().expect("lines").clone()).expect("UTF-8");
    let line: serde_json::Value = serde_json::from_str(written.trim()).expect("JSON");
    assert_eq!(line["response"]["truncated"], true);
    assert_eq!(line["response"]["body"].as_str().map(str::len), Some(100));
}
