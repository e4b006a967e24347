//! What the generator makes of documents with defects it works around, and of values that
//! must not change which resource a request addresses, on the wire against a server on
//! 127.0.0.1.

use livedesk_tests::fixtures::{
    annotated_refs, composed_unions, content_params, inline_formats, path_params, refs_anywhere,
    undeclared_security,
};
use serde_json::{Value, json};
use wiremock::ResponseTemplate;

use crate::support::{header, received, requests, serve};

fn json_response(body: Value) -> ResponseTemplate {
    crate::support::json(200, body)
}

/// The query's pairs, decoded.
fn query(request: &wiremock::Request) -> Vec<(String, String)> {
    request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

macro_rules! client {
    ($module:ident, $server:expr) => {
        $module::Client::builder()
            .base_url($server.uri())
            .build()
            .expect("client")
    };
}

#[tokio::test]
async fn path_values_that_would_address_another_resource_are_refused_before_sending() {
    use path_params::Error;
    use path_params::types::GetArchiveExt;
    let server = serve(ResponseTemplate::new(204)).await;
    let client = client!(path_params, server);
    for value in ["", ".", ".."] {
        let error = client
            .delete_file(value)
            .await
            .expect_err("refused before sending");
        let Error::InvalidRequest(message) = &error else {
            panic!("{value:?}: {error:?}")
        };
        assert!(message.contains("`name`"), "{message}");
    }
    // Two parameters make one segment: `.` and an empty extension would make `..`.
    let error = client
        .get_archive(".", GetArchiveExt::from(""))
        .await
        .expect_err("refused before sending");
    assert!(
        matches!(&error, Error::InvalidRequest(m) if m.contains("`base`, `ext`")),
        "{error:?}"
    );
    // Styled and JSON values are checked too.
    let error = client
        .get_tagged(&[".".to_owned()], &Default::default())
        .await
        .expect_err("refused before sending");
    assert!(
        matches!(&error, Error::InvalidRequest(m) if m.contains("`tags`")),
        "{error:?}"
    );
    assert!(
        requests(&server).await.is_empty(),
        "nothing reached the server"
    );
}

#[tokio::test]
async fn any_other_path_value_stays_one_segment() {
    let cases = [
        ("a/b", "/files/a%2Fb"),
        ("?x=1", "/files/%3Fx%3D1"),
        ("#top", "/files/%23top"),
        ("two words", "/files/two%20words"),
        ("名前", "/files/%E5%90%8D%E5%89%8D"),
        ("%2e%2e", "/files/%252e%252e"),
        ("...", "/files/..."),
        (".hidden", "/files/.hidden"),
    ];
    for (value, path) in cases {
        let server = serve(ResponseTemplate::new(204)).await;
        let client = client!(path_params, server);
        client.delete_file(value).await.expect(value);
        let request = received(&server).await;
        assert_eq!(request.url.path(), path, "{value:?}");
        assert_eq!(request.url.query(), None, "{value:?}");
    }
}

#[tokio::test]
async fn path_variables_without_a_declaration_are_still_sent() {
    use path_params::types::GetArchiveExt;
    let server = serve(ResponseTemplate::new(204)).await;
    let client = client!(path_params, server);
    // `deleteFile` declares no `name`; `getFile` does. `postId` nobody declares.
    client.delete_file("report.pdf").await.expect("204");
    client.get_post(7, "first post").await.expect("204");
    client
        .get_archive("backup", GetArchiveExt::Tar)
        .await
        .expect("204");
    let paths: Vec<String> = requests(&server)
        .await
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect();
    assert_eq!(
        paths,
        [
            "/files/report.pdf",
            "/users/7/posts/first%20post",
            "/archives/backup.tar"
        ]
    );
}

#[tokio::test]
async fn array_and_json_path_parameters_are_written_in_their_forms() {
    let server = serve(ResponseTemplate::new(204)).await;
    let client = client!(path_params, server);
    let filter = path_params::types::GetTaggedFilter { min: Some(3) };
    client
        .get_tagged(&["a,b".to_owned(), "c d".to_owned()], &filter)
        .await
        .expect("204");
    let request = received(&server).await;
    assert_eq!(
        request.url.path(),
        "/tags/a%2Cb,c%20d/filter/%7B%22min%22%3A3%7D"
    );
}

#[tokio::test]
async fn parameters_described_by_content_send_their_json_text() {
    use content_params::types::{SearchFilter, SearchPointsItem};
    let server = serve(ResponseTemplate::new(204)).await;
    let client = client!(content_params, server);
    let filter = SearchFilter {
        color: Some("red".to_owned()),
        sizes: Some(vec![1, 2]),
    };
    let context = ["a".to_owned(), "b\"c".to_owned()];
    let points = [
        SearchPointsItem { x: Some(1) },
        SearchPointsItem { x: None },
    ];
    client
        .search(&filter)
        .x_context(&context)
        .note("plain text")
        .points(&points)
        .await
        .expect("204");
    let request = received(&server).await;
    assert_eq!(
        query(&request),
        [
            (
                "filter".to_owned(),
                r#"{"color":"red","sizes":[1,2]}"#.to_owned()
            ),
            ("note".to_owned(), "plain text".to_owned()),
            ("points".to_owned(), r#"{"x":1}"#.to_owned()),
            ("points".to_owned(), "{}".to_owned()),
        ]
    );
    assert_eq!(
        header(&request, "x-context").as_deref(),
        Some(r#"["a","b\"c"]"#)
    );
}

#[tokio::test]
async fn an_object_with_a_union_beside_its_properties_reads_and_writes_both() {
    use composed_unions::types::{Event, EventVariant, EventVariantClick};
    let click = json!({"id": "e1", "at": 5, "x": 10, "y": 20});
    let server = serve(json_response(click.clone())).await;
    let client = client!(composed_unions, server);
    let body = Event {
        id: "e1".to_owned(),
        at: Some(5),
        variant: EventVariant::Click(EventVariantClick { x: 10, y: 20 }),
    };
    let response = client.post_event(&body).await.expect("200");
    assert_eq!(*response.body(), body);
    let request = received(&server).await;
    let sent: Value = serde_json::from_slice(&request.body).expect("JSON");
    assert_eq!(sent, click);

    let scroll: Event = serde_json::from_value(json!({"id": "e2", "delta": -3})).expect("a scroll");
    assert!(
        matches!(&scroll.variant, EventVariant::Scroll(s) if s.delta == -3),
        "{scroll:?}"
    );
    let neither: Event =
        serde_json::from_value(json!({"id": "e3", "z": true})).expect("kept as it came");
    assert!(
        matches!(&neither.variant, EventVariant::Unknown(v) if *v == json!({"z": true})),
        "{neither:?}"
    );
}

#[tokio::test]
async fn a_tagged_union_beside_properties_owns_its_tag() {
    use composed_unions::types::{Circle, Shape, ShapeVariant};
    let body = json!({"kind": "circle", "name": "c", "radius": 2.5});
    let server = serve(json_response(body.clone())).await;
    let client = client!(composed_unions, server);
    let shape = client.get_shape().await.expect("200").into_body();
    assert_eq!(
        shape,
        Shape {
            name: "c".to_owned(),
            variant: ShapeVariant::Circle(Circle { radius: 2.5 }),
        }
    );
    assert_eq!(serde_json::to_value(&shape).expect("serializes"), body);

    let server = serve(json_response(json!({"wheels": 4, "kwh": 60}))).await;
    let client = client!(composed_unions, server);
    let vehicle = client.get_vehicle().await.expect("200").into_body();
    assert_eq!(vehicle.wheels, 4);
    assert!(
        matches!(&vehicle.variant, composed_unions::types::Engine::Electric(e) if e.kwh == 60),
        "{vehicle:?}"
    );
}

#[tokio::test]
async fn annotated_references_are_the_types_they_reference() {
    use annotated_refs::Patch;
    use annotated_refs::types::{Address, Card, Order, Payment, Status};
    let stored = json!({
        "status": "closed",
        "payment": {"number": "4111"},
        "shipping": null,
        "id": "o-1"
    });
    let server = serve(json_response(stored)).await;
    let client = client!(annotated_refs, server);
    let order = Order {
        status: Status::Open,
        payment: Payment::Card(Card {
            number: "4111".to_owned(),
        }),
        shipping: Patch::Set(Address {
            city: "Lyon".to_owned(),
        }),
        id: None,
    };
    let response = client
        .put_order("o-1".to_owned(), &order)
        .await
        .expect("200");
    assert_eq!(response.status, Status::Closed);
    assert_eq!(response.shipping, Patch::Null);
    assert_eq!(response.id.as_deref(), Some("o-1"));
    let request = received(&server).await;
    assert_eq!(request.url.path(), "/orders/o-1");
    let sent: Value = serde_json::from_slice(&request.body).expect("JSON");
    assert_eq!(
        sent,
        json!({"status": "open", "payment": {"number": "4111"}, "shipping": {"city": "Lyon"}})
    );
}

#[tokio::test]
async fn references_into_other_schemas_decode_as_the_types_they_point_at() {
    use refs_anywhere::types::{Contact, ContactVariant1, Pet, PetKind, PetOwner};
    let owner = json!({"name": "Ada", "contact": {"email": "ada@example.com"}});
    let server = serve(json_response(json!([owner]))).await;
    let client = client!(refs_anywhere, server);
    let owners: Vec<PetOwner> = client.list_owners().await.expect("200").into_body();
    assert_eq!(
        owners,
        [PetOwner {
            name: Some("Ada".to_owned()),
            contact: Some(ContactVariant1 {
                email: Some("ada@example.com".to_owned())
            }),
        }]
    );
    // The branch is shared with the union it came from.
    let contact: Contact =
        serde_json::from_value(json!({"email": "x@example.com"})).expect("decodes");
    assert!(
        matches!(contact, Contact::ContactVariant1(_)),
        "{contact:?}"
    );

    let pet = json!({"name": "Rex", "kind": "dog"});
    let server = serve(json_response(pet)).await;
    let client = client!(refs_anywhere, server);
    let response: Pet = client.get_pet(42).await.expect("200").into_body();
    assert_eq!(response.kind, Some(PetKind::Dog));
    assert_eq!(received(&server).await.url.path(), "/pets/42");

    let server = serve(json_response(json!([]))).await;
    let client = client!(refs_anywhere, server);
    client.list_pets().kind(PetKind::Cat).await.expect("200");
    assert_eq!(received(&server).await.url.query(), Some("kind=cat"));
}

#[tokio::test]
async fn an_alternative_naming_an_undeclared_scheme_sends_no_credentials_for_it() {
    use undeclared_security::ApiKey;
    let server = serve(ResponseTemplate::new(204)).await;
    let client = undeclared_security::Client::builder(ApiKey::new("k-1"))
        .base_url(server.uri())
        .build()
        .expect("client");
    client.list_items().await.expect("204");
    client.admin().await.expect("204");
    let sent: Vec<Option<String>> = requests(&server)
        .await
        .iter()
        .map(|r| header(r, "x-api-key"))
        .collect();
    assert_eq!(sent, [Some("k-1".to_owned()), None]);
}

#[tokio::test]
async fn formats_that_only_appear_inline_decode_and_encode() {
    use inline_formats::Base64;
    let server = serve(json_response(json!("2026-12-02T10:20:30Z"))).await;
    let client = client!(inline_formats, server);
    let now = client.get_clock().await.expect("200").into_body();
    assert_eq!(now.to_rfc3339(), "2026-12-02T10:20:30+00:00");

    let server = serve(json_response(json!("aGVsbG8="))).await;
    let client = client!(inline_formats, server);
    let id = uuid::Uuid::from_u128(0x1234);
    let token: Base64 = client.register_id(&id).await.expect("200").into_body();
    assert_eq!(token.0, b"hello");
    let request = received(&server).await;
    assert_eq!(request.body, br#""00000000-0000-0000-0000-000000001234""#);

    let server = serve(json_response(json!("not base64!"))).await;
    let client = client!(inline_formats, server);
    let error = client.register_id(&id).await.expect_err("invalid base64");
    assert!(
        matches!(&error, inline_formats::Error::Decode(d) if d.to_string().contains("invalid base64")),
        "{error:?}"
    );

    let server = serve(json_response(json!(["2026-01-31", "2026-02-30"]))).await;
    let client = client!(inline_formats, server);
    let error = client.list_days().await.expect_err("February has no 30th");
    let inline_formats::Error::Decode(decode) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(decode.path(), "[1]", "{error}");
}
