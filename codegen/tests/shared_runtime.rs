//! The shared runtime crate (`CrateOptions::runtime_crate`, `--runtime-crate`): what it
//! holds, what a client depending on it holds itself, and that the client's API is the
//! same as with its own copy. Building such clients, alone and together, is
//! `cargo xtask standalone`'s part.

#![allow(
    clippy::expect_used,
    clippy::panic,
    clippy::unwrap_used,
    reason = "tests fail by panicking"
)]

use openapi_clientgen::{CrateOptions, Output, RUNTIME_CRATE};

const STREAMS: &str = include_str!("../../tests/fixtures/streams.yaml");
const BODIES: &str = include_str!("../../tests/fixtures/bodies.yaml");
const LIVEDESK: &str = include_str!("../../spec/livedesk.yaml");

fn generated(spec: &str, runtime_crate: Option<&str>) -> Output {
    let mut options = CrateOptions::new("api-client");
    options.runtime_crate = runtime_crate.map(str::to_owned);
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

/// The items a Rust file defines at its top level, as `kind name` (`fn deliver`).
fn defined(text: &str) -> Vec<String> {
    let mut items = Vec::new();
    for line in text.lines().filter(|l| !l.starts_with(' ')) {
        let words: Vec<&str> = line
            .split(|c: char| !c.is_alphanumeric() && c != '_')
            .filter(|w| !w.is_empty())
            .collect();
        let words: Vec<&str> = words
            .into_iter()
            .skip_while(|w| matches!(*w, "pub" | "crate" | "async"))
            .collect();
        if let [
            kind @ ("fn" | "struct" | "enum" | "trait" | "type" | "const"),
            name,
            ..,
        ] = words[..]
        {
            items.push(format!("{kind} {name}"));
        }
    }
    items
}

#[test]
fn the_runtime_crate_holds_all_but_what_clients_add_methods_to() {
    let output = openapi_clientgen::generate_runtime_crate(false);
    let paths: Vec<&str> = output.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, ["Cargo.toml", "rustfmt.toml", "src/lib.rs"]);
    let lib = file(&output, "src/lib.rs");
    let items = defined(lib);
    for needed in [
        "struct Core",
        "fn deliver",
        "fn exchange",
        "enum Error",
        "struct PageStream",
        "fn mock_json",
    ] {
        assert!(items.iter().any(|i| i == needed), "{needed} missing");
    }
    // Generated code adds methods to `Request`, so each client defines it, and what
    // makes one.
    for local in [
        "struct Request",
        "fn start",
        "fn page_stream",
        "fn streaming",
    ] {
        assert!(!items.iter().any(|i| i == local), "{local} is shared");
    }
    // Every item is public, what only generated code calls hidden.
    assert!(!lib.contains("pub(crate)"));
    for line in lib.lines() {
        let private = [
            "fn ",
            "struct ",
            "enum ",
            "trait ",
            "type ",
            "const ",
            "async fn ",
        ]
        .iter()
        .any(|kind| line.starts_with(kind));
        assert!(!private, "not public: {line}");
    }
    assert!(lib.contains("#[doc(hidden)]\npub async fn deliver("));
    assert!(
        lib.contains("#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]\npub enum Patch<T>")
    );
    // What only some clients need is behind features (whether each builds alone is
    // `cargo xtask standalone`'s to check).
    assert!(lib.contains("#[cfg(feature = \"multipart\")]"), "{lib}");

    let manifest = file(&output, "Cargo.toml");
    assert!(manifest.contains(&format!("name = \"{RUNTIME_CRATE}\"")));
    assert!(manifest.contains(&format!("version = \"{}\"", env!("CARGO_PKG_VERSION"))));
    for feature in [
        "multipart = [\"reqwest/multipart\"]",
        "mock = [\"dep:wiremock\"]",
        "tracing = [\"dep:tracing\"]",
        "futures-core = [\"dep:futures-core\"]",
    ] {
        assert!(manifest.contains(feature), "{feature} missing:\n{manifest}");
    }
    assert!(manifest.contains("reqwest = { version = \"0.13\", default-features = false }"));
    assert!(manifest.contains("wiremock = { version = \"0.6\", optional = true }"));
    assert!(!manifest.contains("[workspace]"));
    let standalone = openapi_clientgen::generate_runtime_crate(true);
    assert!(file(&standalone, "Cargo.toml").ends_with("[workspace]\n"));
    // The same whichever client asks for it.
    assert_eq!(
        output.files,
        openapi_clientgen::generate_runtime_crate(false).files
    );
}

#[test]
fn a_client_sharing_the_runtime_holds_its_request_and_depends_on_the_crate() {
    let output = generated(STREAMS, Some("../runtime"));
    let runtime = file(&output, "src/runtime.rs");
    assert!(runtime.contains("\npub use openapi_clientgen_runtime::*;\n"));
    let items = defined(runtime);
    assert!(items.iter().any(|i| i == "struct Request"), "{items:?}");
    assert!(items.iter().any(|i| i == "fn streaming"), "{items:?}");
    assert!(
        !items
            .iter()
            .any(|i| i == "fn deliver" || i == "struct Core"),
        "{items:?}"
    );
    let manifest = file(&output, "Cargo.toml");
    let line = manifest
        .lines()
        .find(|l| l.starts_with(RUNTIME_CRATE))
        .unwrap_or_else(|| panic!("no dependency on the runtime crate:\n{manifest}"));
    assert!(
        line.starts_with(&format!(
            "{RUNTIME_CRATE} = {{ version = \"={}\", path = \"../runtime\", features = [",
            env!("CARGO_PKG_VERSION")
        )),
        "{line}"
    );
    // Event streams read bodies as streams of chunks.
    assert!(line.contains("\"futures-core\""), "{line}");
    assert!(line.contains("\"bytes\""), "{line}");
    assert!(
        manifest.contains(&format!(
            "mock = [\"dep:wiremock\", \"{RUNTIME_CRATE}/mock\"]"
        )),
        "{manifest}"
    );
    assert!(
        manifest.contains(&format!("tracing = [\"{RUNTIME_CRATE}/tracing\"]")),
        "{manifest}"
    );

    let runtime_line = |spec: &str| {
        let output = generated(spec, Some("../runtime"));
        let manifest = file(&output, "Cargo.toml");
        manifest
            .lines()
            .find(|l| l.starts_with(RUNTIME_CRATE))
            .unwrap_or_default()
            .to_owned()
    };
    assert!(runtime_line(BODIES).contains("\"multipart\""));
    // LiveDesk sends JSON with basic credentials: base64, and nothing that streams.
    assert_eq!(
        runtime_line(LIVEDESK),
        format!(
            "{RUNTIME_CRATE} = {{ version = \"={}\", path = \"../runtime\", features = [\"base64\"] }}",
            env!("CARGO_PKG_VERSION")
        )
    );
}

#[test]
fn sharing_the_runtime_changes_no_part_of_the_api() {
    for spec in [LIVEDESK, STREAMS, BODIES] {
        let copied = generated(spec, None);
        let shared = generated(spec, Some("../runtime"));
        for path in ["src/lib.rs", "src/requests.rs", "src/types.rs", "API.md"] {
            assert_eq!(file(&copied, path), file(&shared, path), "{path} differs");
        }
        let paths = |o: &Output| o.files.iter().map(|f| f.path.clone()).collect::<Vec<_>>();
        assert_eq!(paths(&copied), paths(&shared));
    }
    // Without the option, nothing names the runtime crate.
    let copied = generated(LIVEDESK, None);
    assert!(
        copied
            .files
            .iter()
            .all(|f| !f.contents.contains(RUNTIME_CRATE))
    );
}
