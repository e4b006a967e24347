//! Calling a generated client as its users do (the `shared_shapes` fixture): request types
//! built with a constructor of their required fields and setters, one type per shape
//! wherever it stands, names that do not collide with what users import, and the crates
//! the API names re-exported.

use livedesk_tests::fixtures::shared_shapes;
use serde_json::{Value, json};
use shared_shapes::types::{IdOrName, LimitCreate, LimitTagsItem, LimitUpdate};

use crate::support::{json, received, requests, serve};

fn client(server: &wiremock::MockServer) -> shared_shapes::Client {
    shared_shapes::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client")
}

/// A deprecated field the code does not touch needs no `allow`: the lint is denied here.
#[deny(deprecated)]
#[tokio::test]
async fn a_request_type_is_built_from_its_required_fields_and_named_setters() {
    let limit =
        json!({"id": "6f1c6e3e-8b9f-4e44-9a8e-1f2b3c4d5e6f", "name": "uploads", "limit": 10});
    let server = serve(json(201, limit)).await;
    let body = LimitCreate::new("uploads", 10)
        .active(true)
        .slot_decay_per_second(0.5)
        .owner("ops")
        .tags(vec![LimitTagsItem::Cpu, LimitTagsItem::Io]);
    let created = client(&server)
        .create_limit(&body)
        .await
        .expect("201")
        .into_body();
    assert_eq!(created.name, "uploads");
    let sent: Value = serde_json::from_slice(&received(&server).await.body).expect("JSON");
    // Exactly the fields set: the others, the deprecated one among them, are left out.
    assert_eq!(
        sent,
        json!({
            "name": "uploads",
            "limit": 10,
            "active": true,
            "slot_decay_per_second": 0.5,
            "owner": "ops",
            "tags": ["cpu", "io"]
        })
    );
    // Types without required fields keep `Default`, and have the same setters.
    let update = LimitUpdate::default().limit(20);
    assert_eq!(
        serde_json::to_value(&update).expect("encodes"),
        json!({"limit": 20})
    );
}

#[tokio::test]
async fn one_shape_written_in_several_places_is_one_type() {
    let server = serve(wiremock::ResponseTemplate::new(204)).await;
    let client = client(&server);
    // The `id_or_name` parameter of three operations: one type, its variants named after
    // their types.
    let id = IdOrName::Uuid(uuid::Uuid::nil());
    let name = IdOrName::Text("uploads".to_owned());
    client
        .update_limit(
            &id,
            &LimitUpdate::default().tags(vec![LimitTagsItem::Memory]),
        )
        .await
        .expect("204");
    client.delete_limit(&name).await.expect("204");
    let sent = requests(&server).await;
    assert_eq!(
        sent[0].url.path(),
        "/limits/00000000-0000-0000-0000-000000000000"
    );
    assert_eq!(sent[1].url.path(), "/limits/uploads");
    // The `tags` items of two bodies: one enum, the same in both.
    let tags: Vec<LimitTagsItem> = vec![LimitTagsItem::Cpu];
    let _ = (
        LimitCreate::new("a", 1).tags(tags.clone()),
        LimitUpdate::default().tags(tags),
    );
}

#[test]
fn schema_names_never_shadow_what_users_import() {
    // Every generated type and std's collections, both imported whole: an ambiguity would
    // not compile. `Vec`, `HashMap`, `Error`, `Client` and `Response` schemas get a suffix.
    use shared_shapes::types::*;
    use std::collections::*;
    let map: HashMap<String, String> = HashMap::new();
    let list: Vec<u8> = Vec::new();
    let schemas: (HashMapSchema, VecSchema) = (BTreeMap::new(), vec!["x".to_owned()]);
    assert!(map.is_empty() && list.is_empty() && schemas.1.len() == 1);
    let _: (ErrorSchema, ClientSchema, ResponseSchema) = Default::default();
}

#[test]
fn the_crates_the_api_names_come_with_it() {
    // A user without a `uuid` dependency of their own names the crate's.
    let id: shared_shapes::uuid::Uuid = shared_shapes::uuid::Uuid::nil();
    let value: shared_shapes::serde_json::Value = shared_shapes::serde_json::json!({"id": id});
    assert_eq!(value["id"], "00000000-0000-0000-0000-000000000000");
}
