//! The client of a document split across files (`tests/fixtures/split.yaml` and the files
//! under `tests/fixtures/split/`), against a server on 127.0.0.1: the schemas, parameters
//! and responses its path items name in other files, YAML and JSON, are the client's types
//! and read and write what the server sends.

use livedesk_tests::fixtures::split::{self, types};
use serde_json::json;

use crate::support::{json, received, serve};

async fn client(template: wiremock::ResponseTemplate) -> (wiremock::MockServer, split::Client) {
    let server = serve(template).await;
    let client = split::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client");
    (server, client)
}

#[tokio::test]
async fn a_page_of_pets_from_other_files_decodes_whole_and_encodes_as_sent() {
    // `PetPage.json` names `Pet.yaml`, which names `Owner.json` (which names `Pet.yaml`
    // back), `common/kinds.yaml#/PetKind` and `#/Vaccination`, and the root's `Tag`.
    let sent = json!({
        "items": [{
            "id": 7, "name": "Rex", "kind": "dog", "tags": ["calm", "playful"],
            "owner": {"id": "o1", "name": "Ada", "pets": [{"id": 8, "name": "Tom", "kind": "cat"}]},
            "vaccinations": [{"name": "rabies", "date": "2024-05-06", "kind": "dog"}]
        }],
        "next": "c2"
    });
    let (server, client) = client(json(200, sent.clone())).await;
    let page = client
        .list_pets()
        .limit(10)
        .kind(types::PetKind::Dog)
        .await
        .expect("200")
        .into_body();
    let request = received(&server).await;
    assert_eq!(request.url.path(), "/pets");
    assert_eq!(request.url.query(), Some("limit=10&kind=dog"));

    let pet = &page.items[0];
    assert_eq!((pet.id, pet.name.as_str()), (7, "Rex"));
    assert_eq!(pet.kind, types::PetKind::Dog);
    assert_eq!(
        pet.tags.as_deref(),
        Some(&[types::Tag::Calm, types::Tag::Playful][..])
    );
    let owner = pet.owner.as_ref().expect("an owner");
    assert_eq!(owner.name, "Ada");
    let owned = &owner.pets.as_ref().expect("the owner's pets")[0];
    assert_eq!((owned.id, &owned.kind), (8, &types::PetKind::Cat));
    let vaccination = &pet.vaccinations.as_ref().expect("vaccinations")[0];
    assert_eq!(
        vaccination.date,
        Some(chrono::NaiveDate::from_ymd_opt(2024, 5, 6).expect("date"))
    );
    assert_eq!(vaccination.kind, Some(types::PetKind::Dog));
    assert_eq!(page.next.as_deref(), Some("c2"));
    assert_eq!(serde_json::to_value(&page).expect("encodes"), sent);
}

#[tokio::test]
async fn a_body_defined_in_another_file_is_sent_as_it_says() {
    let stored = json!({"id": 9, "name": "Kiwi", "kind": "bird"});
    let (server, client) = client(json(201, stored.clone())).await;
    let new = types::NewPet::new("Kiwi", types::PetKind::Bird).owner_id("o1");
    let pet = client.create_pet(&new).await.expect("201").into_body();
    let request = received(&server).await;
    assert_eq!(request.method.as_str(), "POST");
    let body: serde_json::Value = serde_json::from_slice(&request.body).expect("JSON body");
    assert_eq!(
        body,
        json!({"name": "Kiwi", "kind": "bird", "ownerId": "o1"})
    );
    assert_eq!((pet.id, &pet.kind), (9, &types::PetKind::Bird));
    assert_eq!(serde_json::to_value(&pet).expect("encodes"), stored);
}

#[tokio::test]
async fn a_response_shared_by_fragment_from_a_json_file_is_the_typed_error() {
    // `responses.json#/Error`, whose schema is `models/Error.yaml` relative to it.
    let (server, client) = client(json(404, json!({"code": 404, "message": "no such pet"}))).await;
    let error = client.get_pet(3).await.expect_err("404");
    assert_eq!(received(&server).await.url.path(), "/pets/3");
    let split::Error::Status(response) = &error else {
        panic!("a status error expected: {error:?}")
    };
    let body = response.body().expect("the typed error body");
    assert_eq!((body.code, body.message.as_str()), (404, "no such pet"));

    let (_server, client) = client_owner().await;
    let owner = client.get_owner("o1").await.expect("200").into_body();
    assert_eq!((owner.id.as_str(), owner.pets), ("o1", None));
}

async fn client_owner() -> (wiremock::MockServer, split::Client) {
    client(json(200, json!({"id": "o1", "name": "Ada"}))).await
}
