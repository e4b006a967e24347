//! Per-tag Cargo features: which features a document gets, which operations and types each
//! compiles, and how the generated files say it. Building the crates with each feature
//! alone is `cargo xtask standalone`'s part.

#![allow(
    clippy::expect_used,
    clippy::panic,
    clippy::unwrap_used,
    reason = "tests fail by panicking"
)]

use openapi_clientgen::ir::{Api, Gate};
use openapi_clientgen::{CrateOptions, Output, Settings};

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
    let features: Vec<(&str, Option<&str>, usize)> = api
        .features
        .iter()
        .map(|f| (f.name.as_str(), f.tag.as_deref(), f.operations))
        .collect();
    // `mock` is the crate's own feature; `store-orders` is the normalized name of two
    // tags, the declared first keeping it; `unused` has no operation; `Admin` is not
    // declared; operations without a tag come last.
    assert_eq!(
        features,
        [
            ("admin", Some("Admin"), 1),
            ("mock-2", Some("mock"), 1),
            ("pets", Some("Pets"), 4),
            ("store-orders", Some("Store Orders"), 1),
            ("store-orders-2", Some("store-orders"), 1),
            ("untagged", None, 1),
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
    // A schema no operation reaches is in every build, and so is what it names, though
    // an operation reaches that too.
    assert_eq!(type_gate(&api, "Catalogue"), ["*"]);
    assert_eq!(type_gate(&api, "Category"), ["*"]);
}

#[test]
fn the_generated_crate_gates_operations_types_mocks_and_runtime_items() {
    let output = generated(TAGS, Settings::default());
    let manifest = file(&output, "Cargo.toml");
    assert!(
        manifest.contains(
            "default = [\"rustls\", \"admin\", \"mock-2\", \"pets\", \"store-orders\", \"store-orders-2\", \"untagged\"]"
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

    let requests = file(&output, "src/requests.rs");
    assert!(
        requests.contains(
            "#[cfg(any(feature = \"pets\", feature = \"store-orders-2\"))]\nimpl Client {"
        ),
        "{requests}"
    );
    // Imports are gated like the code that uses them.
    assert!(requests.contains("#[cfg(\n    any(\n"), "{requests}");
    let mock = file(&output, "src/mock.rs");
    assert!(
        mock.contains("#[cfg(feature = \"mock-2\")]\npub fn upload_mock()"),
        "{mock}"
    );
    let types = file(&output, "src/types.rs");
    let category = types.find("pub struct Category").expect("Category");
    let before = &types[..category];
    let last_item = before.rfind("\n\n").unwrap_or(0);
    assert!(
        !before[last_item..].contains("#[cfg("),
        "Category is in every build: {}",
        &before[last_item..]
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
        reference.contains("| `store-orders-2` | `store-orders` | 1 |"),
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
    settings.tag_features = false;
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
