//! Unions as real servers send them (the `union_fit` fixture), timestamps without an
//! offset, error bodies that are not the error type's shape, and binary bodies offered as
//! JSON: each value decoded into the right variant and sent back unchanged, through a
//! client talking to a server on 127.0.0.1.

use livedesk_tests::fixtures::{formats, responses, union_fit};
use serde_json::{Value, json};
use union_fit::types::{
    AbortDetails, Action, Anything, Channel, Company, Contact, IdOrName, Person, ProbeDetails,
    Quantity, RunDeployment, WaitDetails,
};

use crate::support::{json, received, serve};

const DEPLOYMENT: &str = "6f1c6e3e-8b9f-4e44-9a8e-1f2b3c4d5e6f";

/// What a pydantic server sends: constants it does not require, in every position.
fn answer() -> Value {
    json!({
        "details": {"type": "abort_details", "reason": "This run is in a PENDING state."},
        "actions": [
            {"type": "do-nothing"},
            {"type": "run-deployment", "deployment_id": DEPLOYMENT, "parameters": {"retries": 2}},
            {"type": "pause-deployment", "deployment_id": DEPLOYMENT},
            {"type": "send-notification", "block_document_id": "b1"}
        ],
        "inputs": {
            "to": [{"channel": "email", "address": "ada@example.com"}, {"medium": "sms", "number": "+15550100"}]
        },
        "contacts": [{"first_name": "Ada"}, {"company_name": "Acme", "employees": 3}, {}],
        "quantities": [3, 2.5, true],
        "refs": [DEPLOYMENT, "by-name"],
        "anything": [{"vat_id": "GB1"}, 4, "text", [1, 2]]
    })
}

fn client(server: &wiremock::MockServer) -> union_fit::Client {
    union_fit::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client")
}

#[tokio::test]
async fn every_union_shape_decodes_into_its_variant_and_goes_back_unchanged() {
    let server = serve(json(200, answer())).await;
    let probe = client(&server).get_probe().await.expect("200").into_body();

    assert_eq!(
        probe.details,
        Some(ProbeDetails::AbortDetails(AbortDetails {
            r#type: Some(union_fit::types::AbortDetailsType::AbortDetails),
            reason: "This run is in a PENDING state.".to_owned().into(),
        }))
    );
    let actions = probe.actions.as_deref().expect("actions");
    assert!(matches!(actions[0], Action::DoNothing(_)), "{actions:?}");
    let Action::RunDeployment(RunDeployment {
        deployment_id,
        parameters,
        ..
    }) = &actions[1]
    else {
        panic!("run-deployment: {actions:?}")
    };
    assert_eq!(
        deployment_id.map(|id| id.to_string()).as_deref(),
        Some(DEPLOYMENT)
    );
    assert_eq!(
        parameters.as_ref().map(|p| p["retries"].clone()),
        Some(json!(2))
    );
    assert!(
        matches!(actions[2], Action::PauseDeployment(_)),
        "{actions:?}"
    );
    // A tag the spec does not list is kept whole.
    assert_eq!(
        actions[3],
        Action::Unknown(json!({"type": "send-notification", "block_document_id": "b1"}))
    );
    let channels = &probe.inputs.as_ref().expect("inputs")["to"];
    assert!(
        matches!(&channels[0], Channel::Email(e) if e.address.as_deref() == Some("ada@example.com")),
        "{channels:?}"
    );
    assert!(
        matches!(&channels[1], Channel::Sms(s) if s.number.as_deref() == Some("+15550100")),
        "{channels:?}"
    );
    assert_eq!(
        probe.contacts.as_deref(),
        Some(
            &[
                Contact::Person(Person {
                    first_name: Some("Ada".to_owned()),
                    last_name: None
                }),
                Contact::Company(Company {
                    company_name: Some("Acme".to_owned()),
                    vat_id: None,
                    employees: Some(3)
                }),
                // Nothing to tell them apart: the first variant.
                Contact::Person(Person::default()),
            ][..]
        )
    );
    // A whole number is the integer, though the number comes first.
    assert_eq!(
        probe.quantities.as_deref(),
        Some(
            &[
                Quantity::Integer(3),
                Quantity::Number(2.5),
                Quantity::Boolean(true)
            ][..]
        )
    );
    let refs = probe.refs.as_deref().expect("refs");
    assert!(
        matches!(&refs[0], IdOrName::Uuid(id) if id.to_string() == DEPLOYMENT),
        "{refs:?}"
    );
    assert_eq!(refs[1], IdOrName::Text("by-name".to_owned()));
    assert_eq!(
        probe.anything.as_deref(),
        Some(
            &[
                Anything::Contact(Contact::Company(Company {
                    vat_id: Some("GB1".to_owned()),
                    ..Company::default()
                })),
                Anything::Quantity(Quantity::Integer(4)),
                Anything::Text("text".to_owned()),
                Anything::Unknown(json!([1, 2])),
            ][..]
        )
    );

    // Read, then written back: the server gets exactly what it sent.
    let server = serve(json(200, answer())).await;
    client(&server).put_probe(&probe).await.expect("200");
    let sent: Value = serde_json::from_slice(&received(&server).await.body).expect("JSON");
    assert_eq!(sent, answer());
}

#[test]
fn an_object_without_its_optional_tag_is_the_variant_it_fits_best() {
    let details: ProbeDetails =
        serde_json::from_value(json!({"delay_seconds": 30, "reason": "Scheduled"}))
            .expect("decodes");
    assert_eq!(
        details,
        ProbeDetails::WaitDetails(WaitDetails {
            r#type: None,
            delay_seconds: Some(30),
            reason: "Scheduled".to_owned().into(),
        })
    );
    // Written back, it carries its tag: servers that read the tag find it.
    assert_eq!(
        serde_json::to_value(&details).expect("encodes"),
        json!({"type": "wait_details", "delay_seconds": 30, "reason": "Scheduled"})
    );
    let action: Action =
        serde_json::from_value(json!({"deployment_id": DEPLOYMENT, "parameters": {}}))
            .expect("decodes");
    assert!(matches!(action, Action::RunDeployment(_)), "{action:?}");
}

#[test]
fn a_constant_refuses_other_values_with_the_path() {
    // Outside a union, another value is a decoding error like any other type mismatch.
    let mut reader = serde_json::Deserializer::from_str(r#"{"type": "reject_details"}"#);
    let error = serde_path_to_error::deserialize::<_, AbortDetails>(&mut reader)
        .expect_err("another constant");
    assert_eq!(error.path().to_string(), "type");
    assert!(error.to_string().contains("\"abort_details\""), "{error}");
    // In a union, it only rules the variant out.
    let details: ProbeDetails =
        serde_json::from_value(json!({"type": "paused", "reason": "x"})).expect("decodes");
    assert_eq!(
        details,
        ProbeDetails::Unknown(json!({"type": "paused", "reason": "x"}))
    );
}

#[tokio::test]
async fn timestamps_without_an_offset_are_utc_and_other_text_fails_with_its_path() {
    use chrono::TimeZone;
    let naive = json!({
        "created": "2026-12-05T09:51:35",
        "day": "2026-12-05",
        "id": DEPLOYMENT,
        "blob": "aGVsbG8=",
    });
    let server = serve(json(200, naive)).await;
    let client = formats::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client");
    let id = uuid::Uuid::parse_str(DEPLOYMENT).expect("uuid");
    let record = client.get_record(id).await.expect("200").into_body();
    let expected = chrono::Utc
        .with_ymd_and_hms(2026, 12, 5, 9, 51, 35)
        .single()
        .expect("a time");
    assert_eq!(record.created, Some(expected));
    for spelling in [
        "2026-12-05 09:51:35",
        "2026-12-05t09:51:35z",
        "2026-12-05T10:51:35+01:00",
    ] {
        let server = serve(json(200, json!({"created": spelling, "id": DEPLOYMENT}))).await;
        let client = formats::Client::builder()
            .base_url(server.uri())
            .build()
            .expect("client");
        let record = client.get_record(id).await.expect("200").into_body();
        assert_eq!(record.created, Some(expected), "{spelling}");
    }

    let server = serve(json(200, json!({"created": "yesterday", "id": DEPLOYMENT}))).await;
    let client = formats::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client");
    let error = client.get_record(id).await.expect_err("not a timestamp");
    let formats::Error::Decode(error) = error else {
        panic!("a decode error, got {error:?}")
    };
    assert_eq!(error.path(), "created");
}

#[tokio::test]
async fn an_error_body_without_any_declared_property_is_only_text() {
    use livedesk_client::Client;
    use livedesk_client::types::ContactUpdate;
    let text = r#"{"exception_message": "Invalid request received."}"#;
    let server =
        serve(wiremock::ResponseTemplate::new(422).set_body_raw(text, "application/json")).await;
    let client = Client::builder(livedesk_client::BasicAuth::new("key", "secret"))
        .base_url(server.uri())
        .build()
        .expect("client");
    let error = client
        .update_contact(1, &ContactUpdate::default())
        .await
        .expect_err("422");
    let livedesk_client::Error::Status(response) = error else {
        panic!("a status error")
    };
    assert_eq!(response.body(), None, "not an ErrorBody");
    assert_eq!(response.text(), text);
}

#[tokio::test]
async fn a_binary_schema_is_the_raw_body_whatever_the_media_type() {
    let bytes = b"body { color: red }".to_vec();
    let server =
        serve(wiremock::ResponseTemplate::new(200).set_body_raw(bytes.clone(), "application/json"))
            .await;
    let client = responses::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client");
    let body = client.get_asset("site.css").await.expect("200").into_body();
    assert_eq!(body.bytes().await.expect("the whole body"), bytes);
}
