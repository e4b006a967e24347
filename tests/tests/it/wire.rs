//! The generated LiveDesk client against a real HTTP server on 127.0.0.1 (wiremock): what
//! it sends, byte for byte where it matters, and how it reads every kind of answer.

use std::time::Duration;

use livedesk_client::types::{AvailabilityStatus, ContactUpdate, SocialProfiles};
use livedesk_client::{BasicAuth, Client, Error, Patch};
use serde_json::{Value, json};
use wiremock::{MockServer, ResponseTemplate};

use crate::support::serve;

const KEY: &str = "key-123";
const SECRET: &str = "s3cr3t-value";

/// The spec as JSON, to take the vendor page's examples from it rather than copying them.
fn spec() -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../spec/livedesk.yaml"
    ))
    .expect("spec/livedesk.yaml");
    serde_yaml::from_str(&text).expect("the spec parses")
}

fn operation() -> Value {
    spec()["paths"]["/api/v2/accounts/contacts/{id}"]["patch"].clone()
}

fn request_example() -> Value {
    operation()["requestBody"]["content"]["application/json"]["example"].clone()
}

fn response_example() -> Value {
    operation()["responses"]["200"]["content"]["application/json"]["example"].clone()
}

fn client(server: &MockServer) -> Client {
    Client::builder(BasicAuth::new(KEY, SECRET))
        .base_url(server.uri())
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client builds")
}

fn ok_json(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body.to_string(), "application/json")
}

/// The one request the server received.
async fn received(server: &MockServer) -> wiremock::Request {
    let mut requests = server.received_requests().await.expect("recording is on");
    assert_eq!(requests.len(), 1, "exactly one request expected");
    requests.remove(0)
}

fn header<'r>(request: &'r wiremock::Request, name: &str) -> &'r str {
    request
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("no {name} header"))
}

fn minimal_response() -> Value {
    json!({"payload": {"id": 42}})
}

#[tokio::test]
async fn a_body_with_only_name_set_is_exactly_that_one_field() {
    let server = serve(ok_json(minimal_response())).await;
    let body = ContactUpdate {
        name: Some("Ada".to_owned()),
        ..Default::default()
    };
    client(&server)
        .update_contact(42, &body)
        .await
        .expect("success");

    let request = received(&server).await;
    assert_eq!(request.method.as_str(), "PATCH");
    assert_eq!(request.url.path(), "/api/v2/accounts/contacts/42");
    assert_eq!(
        request.url.query(),
        None,
        "no query unless include_contact_inboxes is set"
    );
    assert_eq!(
        std::str::from_utf8(&request.body).expect("utf-8"),
        r#"{"name":"Ada"}"#
    );
    assert_eq!(header(&request, "content-type"), "application/json");
    assert_eq!(header(&request, "accept"), "application/json");
    // base64("key-123:s3cr3t-value"), computed independently of the client.
    assert_eq!(
        header(&request, "authorization"),
        "Basic a2V5LTEyMzpzM2NyM3QtdmFsdWU="
    );
}

#[tokio::test]
async fn patch_fields_send_absent_null_and_value_as_three_different_bodies() {
    let cases = [
        (Patch::Absent, r#"{"name":"Ada"}"#),
        (Patch::Null, r#"{"name":"Ada","phone_number":null}"#),
        (
            Patch::Set("+44 20 7946 0000".to_owned()),
            r#"{"name":"Ada","phone_number":"+44 20 7946 0000"}"#,
        ),
    ];
    for (phone_number, expected) in cases {
        let server = serve(ok_json(minimal_response())).await;
        let body = ContactUpdate {
            name: Some("Ada".to_owned()),
            phone_number,
            ..Default::default()
        };
        client(&server)
            .update_contact(7, &body)
            .await
            .expect("success");
        assert_eq!(
            std::str::from_utf8(&received(&server).await.body).expect("utf-8"),
            expected
        );
    }
}

#[tokio::test]
async fn the_page_request_example_round_trips_through_the_typed_body() {
    let example = request_example();
    assert!(
        example.is_object(),
        "the spec carries the page's request example"
    );
    let body: ContactUpdate =
        serde_json::from_value(example.clone()).expect("the example fits the type");
    assert_eq!(
        body.phone_number,
        Patch::Null,
        "the example clears the phone number"
    );
    assert_eq!(body.availability_status, Some(AvailabilityStatus::Offline));

    let server = serve(ok_json(minimal_response())).await;
    client(&server)
        .update_contact(318763, &body)
        .await
        .expect("success");
    let sent: Value = serde_json::from_slice(&received(&server).await.body).expect("JSON body");
    assert_eq!(
        sent, example,
        "every field of the example is sent as given, null included"
    );
}

#[tokio::test]
async fn nested_objects_send_only_their_set_fields() {
    let server = serve(ok_json(minimal_response())).await;
    let body = ContactUpdate {
        additional_attributes: Some(livedesk_client::types::AdditionalAttributes {
            city: Some("Shenzhen".to_owned()),
            social_profiles: Some(SocialProfiles {
                github: Some("ada".to_owned()),
                ..Default::default()
            }),
            ..Default::default()
        }),
        custom_attributes: Some(serde_json::Map::from_iter([(
            "vip_level".to_owned(),
            json!("platinum"),
        )])),
        ..Default::default()
    };
    client(&server)
        .update_contact(1, &body)
        .await
        .expect("success");
    assert_eq!(
        std::str::from_utf8(&received(&server).await.body).expect("utf-8"),
        r#"{"additional_attributes":{"city":"Shenzhen","social_profiles":{"github":"ada"}},"custom_attributes":{"vip_level":"platinum"}}"#
    );
}

#[tokio::test]
async fn include_contact_inboxes_is_sent_only_when_set() {
    for (set, expected) in [
        (Some(true), Some("include_contact_inboxes=true")),
        (Some(false), Some("include_contact_inboxes=false")),
        (None, None),
    ] {
        let server = serve(ok_json(minimal_response())).await;
        let client = client(&server);
        let body = ContactUpdate::default();
        let request = client.update_contact(5, &body);
        let request = match set {
            Some(value) => request.include_contact_inboxes(value),
            None => request,
        };
        request.send().await.expect("success");
        let received = received(&server).await;
        assert_eq!(received.url.query(), expected);
        assert_eq!(std::str::from_utf8(&received.body).expect("utf-8"), "{}");
    }
}

#[tokio::test]
async fn the_page_response_example_decodes_with_status_and_headers() {
    let example = response_example();
    let server = serve(ok_json(example.clone()).insert_header("x-request-id", "abc")).await;
    let response = client(&server)
        .update_contact(318763, &ContactUpdate::default())
        .include_contact_inboxes(true)
        .await
        .expect("the page's example decodes");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok()),
        Some("abc")
    );

    let contact = &response.payload;
    let page = &example["payload"];
    assert_eq!(Some(contact.id), page["id"].as_i64());
    assert_eq!(contact.email.as_deref(), page["email"].as_str());
    assert_eq!(contact.phone_number, None, "null in the example");
    assert_eq!(contact.blocked, page["blocked"].as_bool());
    assert_eq!(contact.last_activity_at, page["last_activity_at"].as_i64());
    assert_eq!(
        contact
            .availability_status
            .as_ref()
            .map(AvailabilityStatus::as_str),
        page["availability_status"].as_str()
    );
    let inboxes = contact
        .contact_inboxes
        .as_ref()
        .expect("contact_inboxes present");
    assert_eq!(inboxes.len(), 1);
    let inbox = inboxes[0].inbox.as_ref().expect("inbox");
    assert_eq!(inbox.id, page["contact_inboxes"][0]["inbox"]["id"].as_i64());
    assert_eq!(
        inbox.name.as_deref(),
        page["contact_inboxes"][0]["inbox"]["name"].as_str()
    );
    assert_eq!(inbox.channel_type.as_deref(), Some("Channel::Api"));
    // Re-encoding the decoded contact gives back every field the page shows; optional
    // response fields read as absent or null are both written as absent.
    let mut without_nulls = example.clone();
    without_nulls["payload"]
        .as_object_mut()
        .expect("object")
        .retain(|_, v| !v.is_null());
    assert_eq!(
        serde_json::to_value(response.body()).expect("encodes"),
        without_nulls
    );
}

#[tokio::test]
async fn unknown_fields_are_ignored_and_missing_or_null_optionals_accepted() {
    let body = json!({
        "payload": {"id": 9, "name": null, "brand_new_field": {"nested": [1, 2]}},
        "meta": "ignored"
    });
    let server = serve(ok_json(body)).await;
    let response = client(&server)
        .update_contact(9, &ContactUpdate::default())
        .await
        .expect("tolerant decoding");
    assert_eq!(response.payload.id, 9);
    assert_eq!(response.payload.name, None);
    assert_eq!(response.payload.email, None);
}

#[tokio::test]
async fn an_unknown_enum_value_is_kept_instead_of_failing() {
    let body = json!({"payload": {"id": 1, "availability_status": "away"}});
    let server = serve(ok_json(body)).await;
    let response = client(&server)
        .update_contact(1, &ContactUpdate::default())
        .await
        .expect("decodes");
    let status = response
        .payload
        .availability_status
        .clone()
        .expect("present");
    assert_eq!(status, AvailabilityStatus::Unknown("away".to_owned()));
    assert_eq!(status.as_str(), "away");
    // And it is sent back as it came.
    assert_eq!(
        serde_json::to_string(&status).expect("encodes"),
        r#""away""#
    );
}

#[tokio::test]
async fn a_401_with_json_gives_status_decoded_body_and_raw_text() {
    let text = r#"{"errors":["You need to sign in or sign up before continuing."]}"#;
    let server = serve(ResponseTemplate::new(401).set_body_raw(text, "application/json")).await;
    let error = client(&server)
        .update_contact(1, &ContactUpdate::default())
        .await
        .expect_err("401");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    let Error::Status(response) = &error else {
        panic!("a status error, got {error:?}")
    };
    assert_eq!(response.text(), text);
    let body = response.body().expect("decoded into ErrorBody");
    assert_eq!(
        body.errors.as_deref(),
        Some(&["You need to sign in or sign up before continuing.".to_owned()][..])
    );
    assert!(error.to_string().contains("401"), "{error}");
}

#[tokio::test]
async fn a_404_decodes_the_error_body() {
    let server = serve(ResponseTemplate::new(404).set_body_raw(
        r#"{"error":"Resource could not be found"}"#,
        "application/json",
    ))
    .await;
    let error = client(&server)
        .update_contact(404, &ContactUpdate::default())
        .await
        .expect_err("404");
    let Error::Status(response) = error else {
        panic!("a status error")
    };
    assert_eq!(response.status().as_u16(), 404);
    assert_eq!(
        response.body().and_then(|b| b.error.as_deref()),
        Some("Resource could not be found")
    );
}

#[tokio::test]
async fn a_500_with_html_keeps_the_text_and_no_body() {
    let html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    let server = serve(ResponseTemplate::new(500).set_body_raw(html, "text/html")).await;
    let error = client(&server)
        .update_contact(1, &ContactUpdate::default())
        .await
        .expect_err("500");
    let Error::Status(response) = &error else {
        panic!("a status error")
    };
    assert_eq!(response.status().as_u16(), 500);
    assert!(response.body().is_none(), "HTML is not an ErrorBody");
    assert_eq!(response.text(), html);
    assert!(error.to_string().contains("Bad Gateway"), "{error}");
}

#[tokio::test]
async fn a_huge_error_body_is_cut_to_a_bounded_size() {
    let big = "x".repeat(1024 * 1024);
    let server = serve(ResponseTemplate::new(503).set_body_raw(big, "text/plain")).await;
    let error = client(&server)
        .update_contact(1, &ContactUpdate::default())
        .await
        .expect_err("503");
    let Error::Status(response) = &error else {
        panic!("a status error")
    };
    assert_eq!(response.text().len(), 64 * 1024);
    assert!(
        error.to_string().len() < 1024,
        "the message shows an excerpt only"
    );
}

#[tokio::test]
async fn malformed_json_on_200_is_a_decode_error_with_an_excerpt() {
    let server = serve(
        ResponseTemplate::new(200).set_body_raw(r#"{"payload": {"id": 1,"#, "application/json"),
    )
    .await;
    let error = client(&server)
        .update_contact(1, &ContactUpdate::default())
        .await
        .expect_err("garbage");
    let Error::Decode(decode) = &error else {
        panic!("a decode error, got {error:?}")
    };
    assert_eq!(decode.status().as_u16(), 200);
    assert_eq!(decode.excerpt(), r#"{"payload": {"id": 1,"#);
    assert!(
        std::error::Error::source(&error).is_some(),
        "the serde error is the source"
    );
}

#[tokio::test]
async fn a_200_whose_body_lacks_a_required_field_is_a_decode_error() {
    let server = serve(ok_json(json!({"payload": {"name": "no id"}}))).await;
    let error = client(&server)
        .update_contact(1, &ContactUpdate::default())
        .await
        .expect_err("missing id");
    assert!(matches!(error, Error::Decode(_)), "{error:?}");
    assert!(error.to_string().contains("id"), "{error}");
}

#[tokio::test]
async fn a_decode_error_names_the_failing_value_with_status_and_excerpt() {
    let mut body = response_example();
    body["payload"]["id"] = json!("318763");
    let server = serve(ok_json(body)).await;
    let error = client(&server)
        .update_contact(318763, &ContactUpdate::default())
        .await
        .expect_err("a string is not an i64");
    let Error::Decode(decode) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(decode.path(), "payload.id");
    assert_eq!(decode.status(), 200);
    assert!(
        decode.excerpt().starts_with("{\"payload\""),
        "{}",
        decode.excerpt()
    );
    let message = error.to_string();
    assert!(
        message.starts_with(
            "could not decode the 200 OK response at `payload.id`: invalid type: string \"318763\", expected i64"
        ),
        "{message}"
    );
}

#[tokio::test]
async fn binary_garbage_never_panics() {
    let garbage: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
    for status in [200, 400, 500] {
        let server =
            serve(ResponseTemplate::new(status).set_body_raw(garbage.clone(), "application/json"))
                .await;
        let error = client(&server)
            .update_contact(1, &ContactUpdate::default())
            .await
            .expect_err("garbage");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        let _ = error.to_string();
    }
}

#[tokio::test]
async fn a_server_slower_than_the_timeout_gives_a_timeout_error() {
    let server = serve(ok_json(minimal_response()).set_delay(Duration::from_secs(3))).await;
    let client = Client::builder(BasicAuth::new(KEY, SECRET))
        .base_url(server.uri())
        .timeout(Duration::from_millis(200))
        .build()
        .expect("client builds");
    let error = client
        .update_contact(1, &ContactUpdate::default())
        .await
        .expect_err("too slow");
    assert!(error.is_timeout(), "{error:?}");
    assert!(matches!(error, Error::Timeout(_)));
}

#[tokio::test]
async fn a_refused_connection_is_a_transport_error() {
    // Bind and drop a listener to get a loopback port with nobody behind it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let client = Client::builder(BasicAuth::new(KEY, SECRET))
        .base_url(format!("http://127.0.0.1:{port}"))
        .build()
        .expect("client builds");
    let error = client
        .update_contact(1, &ContactUpdate::default())
        .await
        .expect_err("refused");
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert!(!error.to_string().contains(SECRET));
}

#[tokio::test]
async fn a_base_url_with_a_path_prefix_and_trailing_slash_is_joined_cleanly() {
    let server = serve(ok_json(minimal_response())).await;
    let client = Client::builder(BasicAuth::new(KEY, SECRET))
        .base_url(format!("{}/eu/", server.uri()))
        .build()
        .expect("builds");
    assert_eq!(client.base_url(), format!("{}/eu", server.uri()));
    client
        .update_contact(3, &ContactUpdate::default())
        .await
        .expect("success");
    assert_eq!(
        received(&server).await.url.path(),
        "/eu/api/v2/accounts/contacts/3"
    );
}

#[test]
fn an_invalid_base_url_is_an_error_not_a_panic() {
    for url in ["not a url", "ftp://example.com", ""] {
        let error = Client::builder(BasicAuth::new(KEY, SECRET))
            .base_url(url)
            .build()
            .expect_err(url);
        assert!(
            matches!(error, Error::InvalidRequest(_)),
            "{url}: {error:?}"
        );
    }
}

#[tokio::test]
async fn a_custom_reqwest_client_is_used() {
    let server = serve(ok_json(minimal_response())).await;
    let http = reqwest::Client::builder()
        .user_agent("custom-agent/1")
        .build()
        .expect("reqwest client");
    let client = Client::builder(BasicAuth::new(KEY, SECRET))
        .base_url(server.uri())
        .http_client(http)
        .build()
        .expect("builds");
    client
        .update_contact(1, &ContactUpdate::default())
        .await
        .expect("success");
    assert_eq!(
        header(&received(&server).await, "user-agent"),
        "custom-agent/1"
    );
}

#[test]
fn secrets_never_show_in_debug_output() {
    let credentials = BasicAuth::new(KEY, SECRET);
    let client = Client::builder(credentials.clone())
        .build()
        .expect("builds");
    for text in [
        format!("{credentials:?}"),
        format!("{client:?}"),
        format!("{:?}", Client::builder(credentials)),
    ] {
        assert!(!text.contains(SECRET), "{text}");
        assert!(
            !text.contains("a2V5LTEyMzpzM2NyM3QtdmFsdWU="),
            "nor the encoded header: {text}"
        );
        assert!(text.contains("<redacted>"), "{text}");
    }
    assert_eq!(client.base_url(), livedesk_client::DEFAULT_BASE_URL);
}
