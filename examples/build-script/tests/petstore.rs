//! The client generated at build time, used as any other: against a server on 127.0.0.1.

#![allow(
    clippy::expect_used,
    clippy::panic,
    clippy::unwrap_used,
    reason = "tests fail by panicking"
)]

use build_script_example::petstore::types::{NewPet, Pet, Problem};
use build_script_example::petstore::{ApiKey, Client};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn the_generated_client_sends_and_decodes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/pets"))
        .and(query_param("limit", "2"))
        .and(header("x-api-key", "secret"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(r#"[{"id": 1, "name": "Rex"}]"#, "application/json"),
        )
        .mount(&server)
        .await;
    let client = Client::builder(ApiKey::new("secret"))
        .base_url(server.uri())
        .build()
        .expect("a client");
    let pets = client.list_pets().limit(2).await.expect("200").into_body();
    assert_eq!(
        pets,
        [Pet {
            id: 1,
            name: "Rex".to_owned(),
            tag: None
        }]
    );
    let new = NewPet {
        name: "Tom".to_owned(),
        tag: Some("cat".to_owned()),
    };
    assert_eq!(
        serde_json::to_value(&new).expect("serializes"),
        serde_json::json!({"name": "Tom", "tag": "cat"})
    );
}

/// The overlay's correction holds: an unknown pet's 404 is read as the `Problem` it is.
#[tokio::test]
async fn the_overlay_corrects_what_the_document_leaves_out() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/pets/7"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_raw(r#"{"message": "no pet 7"}"#, "application/json"),
        )
        .mount(&server)
        .await;
    let client = Client::builder(ApiKey::new("secret"))
        .base_url(server.uri())
        .build()
        .expect("a client");
    let error = client.show_pet(7).await.expect_err("404");
    let build_script_example::petstore::Error::Status(answer) = error else {
        panic!("a status error expected, got {error:?}");
    };
    assert_eq!(answer.status().as_u16(), 404);
    let problem: &Problem = answer.body().expect("the body is a Problem");
    assert_eq!(problem.message, "no pet 7");
}

/// The `[dependencies]` of this crate are exactly what the generator says its module needs.
#[test]
fn the_crate_depends_on_what_the_generator_reports() {
    let spec = include_str!("../petstore.yaml");
    let mut options = openapi_clientgen::ModuleOptions::new("petstore.yaml");
    options
        .settings
        .overlays
        .push(openapi_clientgen::Overlay::new(
            "petstore.overlay.yaml",
            include_str!("../petstore.overlay.yaml"),
        ));
    let output = openapi_clientgen::generate_module(spec, &options).expect("generates");
    let manifest = include_str!("../Cargo.toml");
    let section = manifest
        .split("[dependencies]\n")
        .nth(1)
        .and_then(|rest| rest.split("\n\n").next())
        .expect("a [dependencies] section");
    let listed: Vec<&str> = section.lines().collect();
    assert_eq!(listed, output.dependencies);
}
