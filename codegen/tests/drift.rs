//! The drift report: recorded exchanges against a document, every kind of contradiction,
//! and the draft overlay that, applied, leaves nothing to report for the same recordings.

#![allow(
    clippy::expect_used,
    clippy::panic,
    clippy::unwrap_used,
    reason = "tests fail by panicking"
)]

use openapi_clientgen::Overlay;
use openapi_clientgen::drift::drift;
use serde_json::{Value, json};

const SPEC_30: &str = r#"
openapi: 3.0.3
info: {title: Shop, version: '1'}
paths:
  /pets/{id}:
    get:
      operationId: getPet
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
      responses:
        '200':
          description: The pet.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
  /pets:
    post:
      operationId: createPet
      responses:
        '200':
          description: The pet.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
        '422':
          description: Invalid.
          content:
            application/json:
              schema:
                type: object
                properties:
                  detail: {type: array, items: {type: object}}
components:
  schemas:
    Pet:
      type: object
      required: [id, name, kind]
      properties:
        id: {type: integer}
        name: {type: string}
        kind: {type: string, enum: [cat, dog]}
        born: {type: string, format: date}
        owner: {$ref: '#/components/schemas/Owner'}
        weight: {type: number}
    Owner:
      type: object
      properties:
        name: {type: string}
"#;

fn line(operation: &str, status: u16, media: &str, body: Value) -> String {
    json!({
        "operation": operation, "method": "GET", "path": "/", "status": status,
        "request": {"headers": {}},
        "response": {"media_type": media, "headers": {}, "body": body},
    })
    .to_string()
}

fn recordings() -> String {
    [
        // Fits.
        line(
            "getPet",
            200,
            "application/json",
            json!({"id": 1, "name": "Rex", "kind": "dog"}),
        ),
        // An undeclared property, an unlisted value, a date-time where a date is, `null`
        // for a reference, a string for a number, a required property missing.
        line(
            "getPet",
            200,
            "application/json; charset=utf-8",
            json!({"id": 2, "kind": "parrot", "born": "2024-01-02T10:00:00Z", "owner": null,
                   "weight": "12 kg", "color": "green"}),
        ),
        // A status the document does not declare (an upsert's 201), and another media type.
        line(
            "createPet",
            201,
            "application/json",
            json!({"id": 3, "name": "Tom", "kind": "cat"}),
        ),
        line("createPet", 422, "text/plain", json!("name: too short")),
    ]
    .join("\n")
}

#[test]
fn every_kind_of_contradiction_is_reported_with_both_places() {
    let report = drift(SPEC_30, &[], &recordings()).expect("compares");
    assert_eq!(report.exchanges, 4);
    let shown: Vec<String> = report.findings.iter().map(|(f, _)| f.to_string()).collect();
    let all = shown.join("\n");
    for expected in [
        "getPet (GET /pets/{id}) → 200 $.color: the document says no such property (#/components/schemas/Pet); the server sent `color`: \"green\"",
        "getPet (GET /pets/{id}) → 200 $.kind: the document says one of [\"cat\",\"dog\"] (#/components/schemas/Pet/properties/kind/enum); the server sent \"parrot\"",
        "getPet (GET /pets/{id}) → 200 $.born: the document says text in the format `date` (#/components/schemas/Pet/properties/born); the server sent \"2024-01-02T10:00:00Z\"",
        "getPet (GET /pets/{id}) → 200 $.owner: the document says a value, not `null` (#/components/schemas/Pet/properties/owner); the server sent null",
        "getPet (GET /pets/{id}) → 200 $.weight: the document says a value of type number (#/components/schemas/Pet/properties/weight); the server sent \"12 kg\"",
        "getPet (GET /pets/{id}) → 200 $: the document says a required property `name` (#/components/schemas/Pet); the server sent an object without it",
        "createPet (POST /pets) → 201 $: the document says only 200, 422 (#/paths/~1pets/post/responses); the server sent status 201",
        "createPet (POST /pets) → 422 $: the document says `422` comes as application/json (#/paths/~1pets/post/responses/422/content); the server sent `text/plain`",
    ] {
        assert!(
            shown.iter().any(|s| s == expected),
            "missing:\n{expected}\nin:\n{all}"
        );
    }
    assert_eq!(shown.len(), 8, "{all}");
    assert!(
        report
            .markdown()
            .contains("## Drift: 4 exchanges, 8 findings")
    );
    let json: Value = serde_json::from_str(&report.json()).expect("JSON");
    assert_eq!(json["findings"].as_array().map(Vec::len), Some(8));
}

#[test]
fn the_draft_overlay_makes_the_document_describe_the_recordings() {
    for spec in [
        SPEC_30.to_owned(),
        // The same document in 3.1, whose `null` is a type.
        SPEC_30.replace("openapi: 3.0.3", "openapi: 3.1.0"),
    ] {
        let report = drift(&spec, &[], &recordings()).expect("compares");
        let draft = report.draft.expect("a draft");
        let overlay = Overlay::new("drift.overlay.yaml", draft.clone());
        let again = drift(&spec, std::slice::from_ref(&overlay), &recordings()).expect("compares");
        assert!(
            again.findings.is_empty(),
            "left after the draft:\n{}\ndraft:\n{draft}",
            again.markdown()
        );
        // The document with the draft still generates, with what was recorded in its types.
        let mut settings = openapi_clientgen::Settings::default();
        settings.overlays.push(overlay);
        let (api, warnings) =
            openapi_clientgen::lower_spec_with(&spec, &settings).expect("generates");
        assert!(
            !warnings.iter().any(|w| w.file.is_some()),
            "the draft's actions all apply: {warnings:?}"
        );
        let pet = api.find_type("Pet").expect("Pet");
        let openapi_clientgen::ir::TypeKind::Struct(pet) = &pet.kind else {
            panic!("a struct");
        };
        assert!(pet.fields.iter().any(|f| f.wire_name == "color"), "{pet:?}");
        let name = pet
            .fields
            .iter()
            .find(|f| f.wire_name == "name")
            .expect("name");
        assert!(!name.required, "`name` is no longer required");
        let create = api
            .operations
            .iter()
            .find(|op| op.wire_id == "createPet")
            .expect("createPet");
        assert!(
            create
                .responses
                .iter()
                .any(|r| r.status == openapi_clientgen::ir::StatusMatch::Code(201)),
            "201 is declared"
        );
        // Its bodies fit the `200`'s schema, which it takes: both read as a `Pet`.
        assert_eq!(
            create.success,
            openapi_clientgen::ir::Outcome::Single(openapi_clientgen::ir::ResponseBody::Json(
                openapi_clientgen::ir::Ty::Named("Pet".to_owned())
            ))
        );
    }
}

#[test]
fn recordings_that_agree_give_no_findings_and_no_draft() {
    let agree = line(
        "getPet",
        200,
        "application/json",
        json!({"id": 1, "name": "Rex", "kind": "cat", "owner": {"name": "Ada"}}),
    );
    let report = drift(SPEC_30, &[], &agree).expect("compares");
    assert!(report.findings.is_empty(), "{}", report.markdown());
    assert!(report.draft.is_none());
    let unknown = line("nope", 200, "application/json", json!({}));
    let report = drift(SPEC_30, &[], &unknown).expect("compares");
    assert_eq!(report.findings.len(), 1);
    assert!(drift(SPEC_30, &[], "not json").is_err());
}
