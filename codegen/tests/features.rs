//! Per-tag Cargo features: which features a document gets, which operations and types each
//! compiles, and how the generated files say it. Building the crates with each feature
//! alone is `cargo xtask standalone`'s part.

#![allow(
    clippy::expect_used,
    clippy::panic,
    clippy::unwrap_used,
    reason = "tests fail by panicking"
)]

use openapi_clientgen::ir::{Api, FeatureGroup, Gate};
use openapi_clientgen::{CrateOptions, Grouping, Output, Settings};

const TAGS: &str = include_str!("../../tests/fixtures/tags.yaml");

fn lowered(spec: &str, settings: &Settings) -> Api {
    openapi_clientgen::lower_spec_with(spec, settings)
        .unwrap_or_else(|d| panic!("{d:#?}"))
        .0
}

fn generated(spec: &str, settings: Settings) -> Output {
    let mut options = CrateOptions::new("shop-client");
    options.settings = settings;
    openapi_clientgen::generate(spec, &options).unwrap_or_else(|d| panic!("{d:#?}"))
}

fn file<'a>(output: &'a Output, path: &str) -> &'a str {
    &output
        .files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("no {path}"))
        .contents
}

/// The names of the features that compile `gate`, or `["*"]` for every build.
fn names(api: &Api, gate: &Gate) -> Vec<String> {
    gate.features(api).map_or_else(
        || vec!["*".to_owned()],
        |names| names.into_iter().map(str::to_owned).collect(),
    )
}

fn operation_gate(api: &Api, id: &str) -> Vec<String> {
    let op = api
        .operations
        .iter()
        .find(|op| op.wire_id == id)
        .unwrap_or_else(|| panic!("no operation {id}"));
    names(api, &op.gate)
}

fn type_gate(api: &Api, name: &str) -> Vec<String> {
    let t = api
        .find_type(name)
        .unwrap_or_else(|| panic!("no type {name}"));
    names(api, &t.gate)
}

#[test]
fn each_tag_gets_a_feature_named_after_it_and_numbered_when_taken() {
    let api = lowered(TAGS, &Settings::default());
    let features: Vec<(&str, FeatureGroup, usize)> = api
        .features
        .iter()
        .map(|f| (f.name.as_str(), f.group.clone(), f.operations))
        .collect();
    let tag = |t: &str| FeatureGroup::Tag(t.to_owned());
    // `mock` is the crate's own feature; `store-orders` is the normalized name of two
    // tags, the declared first keeping it; `unused` has no operation; `Admin` is not
    // declared; operations without a tag come next, then the schemas no operation uses.
    assert_eq!(
        features,
        [
            ("admin", tag("Admin"), 1),
            ("mock-2", tag("mock"), 1),
            ("pets", tag("Pets"), 4),
            ("store-orders", tag("Store Orders"), 1),
            ("store-orders-2", tag("store-orders"), 1),
            ("untagged", FeatureGroup::Untagged, 1),
            ("unused-schemas", FeatureGroup::Unused, 0),
        ]
    );
    assert_eq!(operation_gate(&api, "getOrder"), ["pets", "store-orders-2"]);
    assert_eq!(operation_gate(&api, "health"), ["untagged"]);
    assert_eq!(operation_gate(&api, "uploadMock"), ["mock-2"]);
}

#[test]
fn a_type_compiles_under_the_features_of_every_operation_that_reaches_it() {
    let api = lowered(TAGS, &Settings::default());
    // Through allOf, a discriminated union and its variants, from `listPets`' pages and
    // `createPet`'s body and response.
    for name in ["Pet", "NewPet", "Kind", "Cat", "Dog", "PetPage"] {
        assert_eq!(type_gate(&api, name), ["pets"], "{name}");
    }
    // Nested inline types come with the type they are in; `getOrder` reaches `Order`
    // through the union of its response.
    for name in ["Order", "OrderLinesItem", "OrderLinesItemDelivery"] {
        assert_eq!(
            type_gate(&api, name),
            ["pets", "store-orders", "store-orders-2"],
            "{name}"
        );
    }
    assert_eq!(type_gate(&api, "Gone"), ["pets", "store-orders-2"]);
    // An error body shared by operations of two tags.
    assert_eq!(type_gate(&api, "Problem"), ["pets", "store-orders"]);
    assert_eq!(type_gate(&api, "UploadMockBody"), ["mock-2"]);
    // A schema no operation reaches has a feature of its own, which what it names
    // joins.
    assert_eq!(type_gate(&api, "Catalogue"), ["unused-schemas"]);
    assert_eq!(type_gate(&api, "Category"), ["pets", "unused-schemas"]);
}

#[test]
fn the_generated_crate_gates_operations_types_mocks_and_runtime_items() {
    let output = generated(TAGS, Settings::default());
    let manifest = file(&output, "Cargo.toml");
    assert!(
        manifest.contains(
            "default = [\"rustls\", \"admin\", \"mock-2\", \"pets\", \"store-orders\", \"store-orders-2\", \"untagged\", \"unused-schemas\"]"
        ),
        "{manifest}"
    );
    assert!(manifest.contains("\npets = []\n"), "{manifest}");
    assert!(
        manifest.contains(
            "# The 4 operations tagged `Pets` and the types they use. Animals for sale.\n"
        ),
        "{manifest}"
    );
    // The example and the test call an operation of one feature.
    assert!(
        manifest.contains("[[example]]\nname = \"admin_stats\"\nrequired-features = [\"admin\"]"),
        "{manifest}"
    );
    assert!(
        manifest.contains("[[test]]\nname = \"mock\"\nrequired-features = [\"admin\"]"),
        "{manifest}"
    );

    // Each group of features has its own file, which a build without them never reads:
    // the module is declared under the features' `#[cfg]` and its items re-exported.
    let requests = file(&output, "src/requests.rs");
    assert!(
        requests.contains(
            "#[cfg(any(feature = \"pets\", feature = \"store-orders-2\"))]\nmod pets_and_store_orders_2;\n"
        ),
        "{requests}"
    );
    assert!(
        requests.contains(
            "#[cfg(any(feature = \"pets\", feature = \"store-orders-2\"))]\npub use pets_and_store_orders_2::*;\n"
        ),
        "{requests}"
    );
    assert!(!requests.contains("impl Client {"), "{requests}");
    let part = file(&output, "src/requests/pets_and_store_orders_2.rs");
    assert!(part.contains("\nimpl Client {"), "{part}");
    assert!(!part.contains("#[cfg("), "the module has the gate: {part}");
    // A part imports by name what its code takes from its parent, not all of it.
    assert!(!part.contains("use super::*"), "{part}");
    assert!(
        part.contains("\nuse super::{Client, runtime, types};\n"),
        "{part}"
    );
    let untagged = file(&output, "src/requests/untagged.rs");
    assert!(
        untagged.contains("\nuse super::{Client, runtime};\n"),
        "{untagged}"
    );
    assert!(
        part.contains("//! The operations that the features `pets`, `store-orders-2` share.\n"),
        "{part}"
    );
    // Imports are gated like the code that uses them.
    assert!(requests.contains("#[cfg(\n    any(\n"), "{requests}");
    let mock = file(&output, "src/mock.rs");
    assert!(
        mock.contains("#[cfg(feature = \"mock-2\")]\nmod mock_2;"),
        "{mock}"
    );
    assert!(file(&output, "src/mock/mock_2.rs").contains("\npub fn upload_mock()"));
    let types = file(&output, "src/types.rs");
    assert!(
        types.contains("#[cfg(any(feature = \"pets\", feature = \"unused-schemas\"))]\nmod pets_and_unused_schemas;"),
        "{types}"
    );
    assert!(
        file(&output, "src/types/pets_and_unused_schemas.rs").contains("pub struct Category"),
        "Category is where `pets` and `unused-schemas` see it"
    );

    // The runtime's pages come with the feature that pages, multipart with the one that
    // uploads, byte streams with the one that downloads; sending with all of them.
    let runtime = file(&output, "src/runtime.rs");
    let gate_of = |item: &str| {
        let at = runtime
            .find(item)
            .unwrap_or_else(|| panic!("no `{item}` in the runtime"));
        let start = runtime[..at].rfind("\n\n").unwrap_or(0);
        runtime[start..at]
            .lines()
            .find(|line| line.starts_with("#[cfg("))
            .map(str::to_owned)
    };
    assert_eq!(
        gate_of("pub struct PageStream").as_deref(),
        Some("#[cfg(feature = \"pets\")]")
    );
    assert_eq!(
        gate_of("pub struct File ").as_deref(),
        Some("#[cfg(feature = \"mock-2\")]")
    );
    assert_eq!(
        gate_of("pub struct ByteStream").as_deref(),
        Some("#[cfg(feature = \"pets\")]")
    );
    assert_eq!(gate_of("pub enum Error"), None);
    let lib = file(&output, "src/lib.rs");
    assert!(
        lib.contains("#[cfg(feature = \"pets\")]\n#[rustfmt::skip]\npub use runtime::{"),
        "{lib}"
    );
    assert!(lib.contains("allow(dead_code)"), "{lib}");

    let reference = file(&output, "API.md");
    assert!(
        reference.contains("| `store-orders-2` | tag `store-orders` | 1 |"),
        "{reference}"
    );
    assert!(
        reference.contains(
            "| GET | `/orders/{id}` | `get_order(id)` | `GetOrderResponse` | - | `pets`, `store-orders-2` |"
        ),
        "{reference}"
    );
    assert!(reference.contains("### `Gone`\n\nFeatures: `pets`, `store-orders-2`\n"));
}

#[test]
fn without_tag_features_nothing_is_gated() {
    let mut settings = Settings::default();
    settings.features = Grouping::None;
    let api = lowered(TAGS, &settings);
    assert!(api.features.is_empty());
    assert!(api.operations.iter().all(|op| op.gate == Gate::Always));
    assert!(api.types.iter().all(|t| t.gate == Gate::Always));
    let output = generated(TAGS, settings);
    for f in &output.files {
        assert!(
            !f.contents.contains("feature = \"pets\""),
            "{} mentions the tag's feature",
            f.path
        );
    }
    assert!(!file(&output, "Cargo.toml").contains("pets"));
    assert!(!file(&output, "API.md").contains("## Features"));
    // A module has no features of its own, whatever the settings.
    let module = openapi_clientgen::generate_module(
        TAGS,
        &openapi_clientgen::ModuleOptions::new("tags.yaml"),
    )
    .unwrap_or_else(|d| panic!("{d:#?}"));
    assert!(!module.files[0].contents.contains("feature = \"pets\""));
}

#[test]
fn operations_of_one_group_get_no_features() {
    let one_tag = TAGS
        .replace("tags: [Store Orders]", "tags: [Pets]")
        .replace("tags: [store-orders, Pets]", "tags: [Pets]")
        .replace("tags: [mock]", "tags: [Pets]")
        .replace("tags: [Admin]", "tags: [Pets]")
        .replace(
            "      operationId: health\n",
            "      operationId: health\n      tags: [Pets]\n",
        );
    let api = lowered(&one_tag, &Settings::default());
    assert!(api.features.is_empty(), "{:?}", api.features);
    let output = generated(&one_tag, Settings::default());
    assert!(!file(&output, "src/types.rs").contains("#[cfg("));
}

/// A document whose operations have no tags, under a prefix every path shares.
const UNTAGGED: &str = r##"
openapi: 3.0.3
info: {title: Payments, version: "1"}
paths:
  /v1/customers:
    get:
      operationId: listCustomers
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Customer"}}}}}
  /v1/customers/{customer}/sources:
    parameters: [{name: customer, in: path, required: true, schema: {type: string}}]
    get:
      operationId: listSources
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Source"}}}}
  /v1/{account}/payment_intents/{intent}/confirm:
    parameters:
      - {name: account, in: path, required: true, schema: {type: string}}
      - {name: intent, in: path, required: true, schema: {type: string}}
    post:
      operationId: confirm
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Customer"}}}}
components:
  schemas:
    Customer: {type: object, properties: {id: {type: string}, source: {$ref: "#/components/schemas/Source"}}}
    Source: {type: object, properties: {id: {type: string}}}
"##;

#[test]
fn a_document_without_tags_gets_a_feature_per_resource() {
    let api = lowered(UNTAGGED, &Settings::default());
    let features: Vec<(&str, FeatureGroup, usize)> = api
        .features
        .iter()
        .map(|f| (f.name.as_str(), f.group.clone(), f.operations))
        .collect();
    let resource = |p: &str| FeatureGroup::Resource(p.to_owned());
    // After the prefix all paths share (`/v1`), the first segment that is no parameter.
    assert_eq!(
        features,
        [
            ("customers", resource("/v1/customers"), 2),
            ("payment-intents", resource("/v1/payment_intents"), 1),
        ]
    );
    assert_eq!(operation_gate(&api, "listSources"), ["customers"]);
    assert_eq!(type_gate(&api, "Source"), ["customers", "payment-intents"]);
    let output = generated(UNTAGGED, Settings::default());
    let manifest = file(&output, "Cargo.toml");
    assert!(
        manifest.contains("# The 2 operations under `/v1/customers/` and the types they use.\n"),
        "{manifest}"
    );
    assert!(file(&output, "API.md").contains("| `customers` | paths under `/v1/customers/` | 2 |"));
    // Asked for, tags give way to paths; and no grouping gives no features.
    let mut settings = Settings::default();
    settings.features = Grouping::Paths;
    let by_path = lowered(TAGS, &settings);
    let names: Vec<&str> = by_path.features.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "admin",
            "health",
            "mocks",
            "orders",
            "pets",
            "unused-schemas"
        ]
    );
    settings.features = Grouping::None;
    assert!(lowered(UNTAGGED, &settings).features.is_empty());
    // Paths that name no shared resources would give more features than a registry
    // takes: then there are none.
    let mut paths = serde_json::Map::new();
    for i in 0..300 {
        paths.insert(
            format!("/things{i}"),
            serde_json::json!({"get": {"operationId": format!("get{i}"), "responses": {"204": {"description": "none"}}}}),
        );
    }
    let many = serde_json::json!({"openapi": "3.0.3", "info": {"title": "Many", "version": "1"}, "paths": paths});
    assert!(
        lowered(&many.to_string(), &Settings::default())
            .features
            .is_empty()
    );
}

/// A document of `schemas` objects of twelve properties each (and `added` in the one
/// `extra` names), all of which one operation reaches: one group, far more than one
/// file's lines.
fn large_document(schemas: usize, extra: Option<usize>) -> String {
    let mut components = serde_json::Map::new();
    for i in 0..schemas {
        let mut properties = serde_json::Map::new();
        for p in 0..12 {
            properties.insert(
                format!("field_{p}"),
                serde_json::json!({"type": "string", "description": "A field."}),
            );
        }
        if extra == Some(i) {
            properties.insert("added".to_owned(), serde_json::json!({"type": "integer"}));
        }
        // A tree, so that the operation reaches every schema, not deeply.
        for child in [2 * i + 1, 2 * i + 2].into_iter().filter(|&c| c < schemas) {
            properties.insert(
                format!("child_{child}"),
                serde_json::json!({"$ref": format!("#/components/schemas/Thing{child}")}),
            );
        }
        components.insert(
            format!("Thing{i}"),
            serde_json::json!({"type": "object", "properties": properties}),
        );
    }
    serde_json::json!({
        "openapi": "3.0.3",
        "info": {"title": "Large", "version": "1"},
        "paths": {"/things": {"get": {
            "operationId": "getThings",
            "responses": {"200": {"description": "ok", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Thing0"}
            }}}}
        }}},
        "components": {"schemas": components}
    })
    .to_string()
}

fn longest_file(output: &Output) -> (usize, String) {
    output
        .files
        .iter()
        .map(|f| (f.contents.lines().count(), f.path.clone()))
        .max()
        .unwrap_or_default()
}

#[test]
fn a_module_longer_than_a_reviewer_can_open_is_split_and_stays_split_the_same_way() {
    let before = generated(&large_document(1200, None), Settings::default());
    let (lines, path) = longest_file(&before);
    assert!(lines <= 20_000, "{path} has {lines} lines");
    let parts: Vec<&str> = before
        .files
        .iter()
        .map(|f| f.path.as_str())
        .filter(|p| p.starts_with("src/types/"))
        .collect();
    assert!(parts.len() >= 2, "{parts:?}");
    assert!(parts.contains(&"src/types/common.rs"), "{parts:?}");
    let types = file(&before, "src/types.rs");
    assert!(types.contains("\nmod common;\n"), "{types}");
    assert!(types.contains("\npub use common::*;\n"), "{types}");
    // One more property changes the one part its type is in.
    let after = generated(&large_document(1200, Some(700)), Settings::default());
    let changed: Vec<&str> = after
        .files
        .iter()
        .filter(|f| {
            before
                .files
                .iter()
                .find(|b| b.path == f.path)
                .is_none_or(|b| b.contents != f.contents)
        })
        .map(|f| f.path.as_str())
        .collect();
    // The reference is split too, and lists where each type is described.
    assert_eq!(changed.len(), 2, "{changed:?}");
    let part = changed
        .iter()
        .find(|p| p.starts_with("src/types/"))
        .expect("a part");
    assert!(
        file(&after, part).contains("pub struct Thing700 {"),
        "{part}"
    );
    let described = changed
        .iter()
        .find(|p| p.starts_with("api/types-"))
        .expect("a part");
    assert!(
        file(&after, described).contains("### `Thing700`\n"),
        "{described}"
    );
    assert!(
        file(&after, "API.md").contains(&format!(
            "| `Thing700` | [{0}](api/types-{0}.md) |",
            described
                .trim_start_matches("api/types-")
                .trim_end_matches(".md")
        )),
        "API.md lists where Thing700 is"
    );
}

/// The largest documents beside the corpus (`CORPUS_DIR/bench`).
fn bench_document(name: &str) -> String {
    let path = std::path::Path::new(env!("CORPUS_DIR"))
        .join("bench")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Lines added and removed between two versions of a file.
fn changed_lines(old: &str, new: &str) -> (usize, usize) {
    let diff = similar::TextDiff::from_lines(old, new);
    let mut counts = (0, 0);
    for change in diff.iter_all_changes() {
        match change.tag() {
            similar::ChangeTag::Insert => counts.0 += 1,
            similar::ChangeTag::Delete => counts.1 += 1,
            similar::ChangeTag::Equal => {}
        }
    }
    counts
}

#[test]
#[cfg_attr(
    not(corpus),
    ignore = "no public corpus at CORPUS_DIR (by default ../shared beside the repository)"
)]
fn the_largest_documents_give_files_a_reviewer_can_open_and_one_field_one_hunk() {
    for name in ["stripe-spec3.yaml", "progenitor-api.github.com.json"] {
        let output = generated(&bench_document(name), Settings::default());
        let (lines, path) = longest_file(&output);
        assert!(lines <= 20_000, "{name}: {path} has {lines} lines");
    }
    let text = bench_document("cloudflare.json");
    let before = generated(&text, Settings::default());
    let (lines, path) = longest_file(&before);
    assert!(lines <= 20_000, "cloudflare.json: {path} has {lines} lines");
    let mut spec: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    spec["components"]["schemas"]["waitingroom_waitingroom"]["properties"]
        .as_object_mut()
        .expect("properties")
        .insert(
            "queue_note".to_owned(),
            serde_json::json!({"type": "string", "description": "A note."}),
        );
    let after = generated(&spec.to_string(), Settings::default());
    let mut changes = Vec::new();
    for file in &after.files {
        let old = before
            .files
            .iter()
            .find(|b| b.path == file.path)
            .map_or("", |b| b.contents.as_str());
        let (added, removed) = changed_lines(old, &file.contents);
        if added + removed > 0 {
            changes.push((file.path.clone(), added, removed));
        }
    }
    // The field, its documentation and serde attribute, and its setter, in the file of
    // the feature that uses the type; its row in the reference's part.
    assert_eq!(changes.len(), 2, "{changes:?}");
    let (code, added, removed) = &changes
        .iter()
        .find(|(p, ..)| p.starts_with("src/"))
        .expect("a source file")
        .clone();
    assert!(code.starts_with("src/types/waiting_room"), "{changes:?}");
    assert!(*added <= 12 && *removed == 0, "{changes:?}");
    assert!(
        changes
            .iter()
            .any(|(p, a, r)| p.starts_with("api/types-") && *a == 1 && *r == 0),
        "{changes:?}"
    );
}
