//! The crate checker of `support/crate_check.rs` on crates it must pass, and on crates
//! broken on purpose, one way at a time, which it must catch.

#![allow(
    clippy::expect_used,
    clippy::panic,
    clippy::unwrap_used,
    reason = "tests fail by panicking"
)]

mod support;

use std::path::{Path, PathBuf};

use quote::ToTokens;

use support::crate_check::check_crate;

const NAME: &str = "probe-client";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn generate(spec: &str) -> Vec<openapi_clientgen::OutputFile> {
    let options = {
        let mut options = openapi_clientgen::CrateOptions::new(NAME.to_owned());
        options.source = "probe.yaml".to_owned();
        options.command = "test".to_owned();
        options.standalone = true;
        options
    };
    openapi_clientgen::generate(spec, &options)
        .unwrap_or_else(|d| panic!("generates: {d:#?}"))
        .files
}

fn fixture(stem: &str) -> Vec<openapi_clientgen::OutputFile> {
    let path = root().join(format!("tests/fixtures/{stem}.yaml"));
    generate(&std::fs::read_to_string(&path).expect("fixture"))
}

fn file<'f>(files: &'f mut [openapi_clientgen::OutputFile], path: &str) -> &'f mut String {
    &mut files
        .iter_mut()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("{path} is generated"))
        .contents
}

/// The problems the checker finds, which must include one containing each of `expected`.
fn assert_reported(files: &[openapi_clientgen::OutputFile], expected: &[&str]) {
    let problems = check_crate(files, NAME).expect_err("the checker finds the problem");
    assert!(
        problems
            .iter()
            .any(|p| expected.iter().all(|e| p.contains(e))),
        "no problem mentions all of {expected:?}:\n{}",
        problems.join("\n")
    );
}

fn assert_passes(files: &[openapi_clientgen::OutputFile]) {
    if let Err(problems) = check_crate(files, NAME) {
        panic!("{}", problems.join("\n"));
    }
}

/// Removes a top-level fn, with its documentation, from runtime source text.
fn remove_fn(text: &str, name: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|l| {
            let l = l
                .trim_start_matches("pub(crate) ")
                .trim_start_matches("pub ")
                .trim_start_matches("async ");
            l.starts_with(&format!("fn {name}(")) || l.starts_with(&format!("fn {name}<"))
        })
        .unwrap_or_else(|| panic!("runtime.rs has fn {name}"));
    let end = start + lines[start..].iter().position(|l| *l == "}").expect("end");
    let mut first = start;
    while first > 0 && lines[first - 1].starts_with("///") {
        first -= 1;
    }
    let mut kept: Vec<&str> = lines[..first].to_vec();
    kept.extend(&lines[end + 1..]);
    kept.join("\n") + "\n"
}

#[test]
fn generated_crates_pass() {
    for stem in ["bodies", "security", "params", "formats", "one_of"] {
        assert_passes(&fixture(stem));
    }
    let livedesk = std::fs::read_to_string(root().join("spec/livedesk.yaml")).expect("spec");
    assert_passes(&generate(&livedesk));
}

/// A spec without operations gives a crate of types alone, which derive serde's traits.
#[test]
fn a_crate_of_types_alone_passes() {
    let files = generate(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {type: object, properties: {x: {type: string}}}\n",
    );
    assert!(!files.iter().any(|f| f.path == "src/client.rs"));
    assert_passes(&files);
}

/// A response body whose type is a runtime item (bytes as base64): the generated test,
/// outside the crate, names it through the crate root.
#[test]
fn a_runtime_type_as_a_response_body_passes() {
    let files = generate(
        r#"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{"responses":{"200":{"description":"r","content":{"application/json":{"schema":{"type":"string","format":"byte"}}}}}}}},"components":{"securitySchemes":{"basic":{"type":"http","scheme":"basic"}}}}"#,
    );
    assert!(
        file(&mut files.clone(), "tests/mock.rs").contains("Base64"),
        "the test answers with bytes"
    );
    assert_passes(&files);
}

/// Control characters in names the docs show (a parameter's, a path's) never end up in a
/// doc comment, where a bare carriage return does not parse.
#[test]
fn control_characters_in_wire_names_stay_out_of_doc_comments() {
    let files = generate(
        r#"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/a\r":{"get":{"parameters":[{"name":"\t\rD?\u202e","in":"query","schema":{"type":"integer"}}],"responses":{"204":{"description":"r"}}}}}}"#,
    );
    assert_passes(&files);
}

/// The crate committed in `generated/`, as it is on disk.
#[test]
fn the_committed_crate_passes() {
    let dir = root().join("generated");
    let mut files = Vec::new();
    for sub in ["", "src", "examples"] {
        let Ok(entries) = std::fs::read_dir(dir.join(sub)) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_file() {
                let relative = path.strip_prefix(&dir).expect("inside");
                files.push(openapi_clientgen::OutputFile {
                    path: relative.to_string_lossy().replace('\\', "/"),
                    contents: std::fs::read_to_string(&path).expect("text"),
                });
            }
        }
    }
    assert!(files.iter().any(|f| f.path == "src/runtime.rs"));
    let name = std::fs::read_to_string(dir.join("Cargo.toml"))
        .expect("manifest")
        .lines()
        .find_map(|l| l.strip_prefix("name = \""))
        .map(|n| n.trim_end_matches('"').to_owned())
        .expect("package name");
    if let Err(problems) = check_crate(&files, &name) {
        panic!("{}", problems.join("\n"));
    }
}

#[test]
fn a_removed_runtime_item_is_reported() {
    // Named by the parts of src/requests.rs as `runtime::request_url`.
    let mut files = fixture("bodies");
    let runtime = file(&mut files, "src/runtime.rs");
    *runtime = remove_fn(runtime, "request_url");
    assert_reported(&files, &["src/requests/", "request_url", "does not define"]);

    // Named only by other runtime items, by bare name.
    let mut files = fixture("bodies");
    let runtime = file(&mut files, "src/runtime.rs");
    *runtime = remove_fn(runtime, "body_excerpt");
    assert_reported(
        &files,
        &["src/runtime.rs", "body_excerpt", "does not carry"],
    );
}

#[test]
fn an_unused_runtime_item_is_reported() {
    let mut files = fixture("bodies");
    file(&mut files, "src/runtime.rs").push_str("\nfn stray() {}\n");
    assert_reported(&files, &["src/runtime.rs", "fn stray", "unused"]);

    // Items that only use each other are unused all the same.
    let mut files = fixture("bodies");
    file(&mut files, "src/runtime.rs").push_str("\nfn ping() { pong() }\n\nfn pong() { ping() }\n");
    assert_reported(&files, &["fn ping", "only unused items"]);
    assert_reported(&files, &["fn pong", "only unused items"]);

    // An import nothing uses.
    let mut files = fixture("bodies");
    file(&mut files, "src/runtime.rs").push_str("\nuse std::collections::BTreeMap;\n");
    assert_reported(&files, &["use BTreeMap", "unused"]);

    // An `impl` does not make its type used.
    let mut files = fixture("bodies");
    file(&mut files, "src/runtime.rs")
        .push_str("\nstruct Lonely;\n\nimpl Lonely {\n    fn new() -> Lonely { Lonely }\n}\n");
    assert_reported(&files, &["struct Lonely", "unused"]);

    // A method that is not `pub` and that nothing calls.
    let mut files = fixture("bodies");
    file(&mut files, "src/runtime.rs")
        .push_str("\nimpl<T> Response<T> {\n    fn unheard_of(&self) {}\n}\n");
    assert_reported(&files, &["Response::unheard_of", "nothing calls it"]);
}

#[test]
fn a_missing_dependency_is_reported() {
    let mut files = fixture("bodies");
    let manifest = file(&mut files, "Cargo.toml");
    assert!(manifest.contains("\nserde_json = "));
    *manifest = manifest
        .lines()
        .filter(|l| !l.starts_with("serde_json ="))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_reported(&files, &["serde_json", "[dependencies] does not list"]);

    // An example's crate missing from [dev-dependencies].
    let mut files = fixture("bodies");
    assert!(files.iter().any(|f| f.path.starts_with("examples/")));
    let manifest = file(&mut files, "Cargo.toml");
    *manifest = manifest
        .lines()
        .filter(|l| !l.starts_with("tokio ="))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_reported(&files, &["examples/", "tokio", "neither"]);
}

#[test]
fn an_unused_dependency_is_reported() {
    let mut files = fixture("bodies");
    let manifest = file(&mut files, "Cargo.toml");
    *manifest = manifest.replace("[dependencies]\n", "[dependencies]\nunused_crate = \"1\"\n");
    assert_reported(
        &files,
        &["Cargo.toml", "[dependencies] lists `unused_crate`"],
    );

    let mut files = fixture("bodies");
    let manifest = file(&mut files, "Cargo.toml");
    *manifest = manifest.replace(
        "[dev-dependencies]\n",
        "[dev-dependencies]\nunused_dev = \"1\"\n",
    );
    assert_reported(
        &files,
        &["Cargo.toml", "[dev-dependencies] lists `unused_dev`"],
    );
}

#[test]
fn a_missing_feature_is_reported() {
    let mut files = fixture("bodies");
    let manifest = file(&mut files, "Cargo.toml");
    assert!(manifest.contains("\"multipart\""));
    *manifest = manifest
        .replace(", \"multipart\"", "")
        .replace("\"multipart\", ", "")
        .replace(", features = [\"multipart\"]", "");
    assert_reported(&files, &["reqwest::multipart", "feature `multipart`"]);
}

#[test]
fn a_path_to_a_missing_runtime_item_is_reported() {
    let mut files = fixture("bodies");
    file(&mut files, "src/types.rs").push_str("\npub fn probe(_: runtime::Missing) {}\n");
    assert_reported(
        &files,
        &["src/types.rs", "runtime::Missing", "does not define"],
    );

    // Also inside a `use` tree.
    let mut files = fixture("bodies");
    file(&mut files, "src/types.rs").push_str("\nuse super::runtime::{self, Absent};\n");
    assert_reported(&files, &["src/types.rs", "Absent", "does not define"]);
}

#[test]
fn a_private_or_unexported_runtime_item_is_reported() {
    let mut files = fixture("bodies");
    let runtime = file(&mut files, "src/runtime.rs");
    *runtime = runtime.replace("pub(crate) fn request_url", "fn request_url");
    assert_reported(&files, &["src/requests/", "request_url", "private"]);

    let mut files = fixture("security");
    let runtime = file(&mut files, "src/runtime.rs");
    assert!(runtime.contains("pub struct BasicAuth"));
    *runtime = runtime.replace("pub struct BasicAuth", "pub(crate) struct BasicAuth");
    assert_reported(&files, &["src/lib.rs", "BasicAuth", "not `pub`"]);

    let mut files = fixture("bodies");
    file(&mut files, "src/runtime.rs").push_str("\n/// Documented.\npub fn orphan() {}\n");
    assert_reported(&files, &["pub fn orphan", "not re-exported"]);
}

#[test]
fn a_runtime_path_without_a_runtime_is_reported() {
    let mut files = fixture("bodies");
    files.retain(|f| f.path != "src/runtime.rs");
    assert_reported(&files, &["runtime::", "no src/runtime.rs"]);
    assert_reported(&files, &["src/lib.rs", "mod runtime"]);
}

#[test]
fn modules_and_example_paths_are_checked() {
    let mut files = fixture("bodies");
    files.push(openapi_clientgen::OutputFile {
        path: "src/extra.rs".to_owned(),
        contents: "pub fn extra() {}\n".to_owned(),
    });
    assert_reported(&files, &["src/extra.rs", "mod extra"]);

    let mut files = fixture("bodies");
    let example = files
        .iter_mut()
        .find(|f| f.path.starts_with("examples/"))
        .expect("an example");
    example
        .contents
        .push_str("\nfn hidden() -> probe_client::Hidden { todo!() }\n");
    assert_reported(&files, &["probe_client::Hidden", "does not export"]);

    // A test is held to the same: its crates listed, the library's names exported.
    let mut files = fixture("bodies");
    file(&mut files, "tests/mock.rs").push_str(
        "
fn noise() -> u8 { rand::random() }
fn hidden() -> probe_client::Hidden { todo!() }
",
    );
    assert_reported(&files, &["tests/mock.rs", "`rand`"]);
    assert_reported(&files, &["probe_client::Hidden", "does not export"]);

    // A crate no manifest lists, named in a macro body.
    let mut files = fixture("bodies");
    file(&mut files, "src/client.rs")
        .push_str("\nfn noise() -> String { format!(\"{}\", rand::random::<u8>()) }\n");
    assert_reported(&files, &["src/client.rs", "`rand`"]);

    // In a macro body that is not a list of expressions, token by token.
    let mut files = fixture("bodies");
    file(&mut files, "src/client.rs").push_str(
        "\nfn noise() -> Vec<u8> { vec![rand::random::<u8>(); Vec::<u8>::new().len()] }\n",
    );
    assert_reported(&files, &["src/client.rs", "`rand`"]);
    let problems = check_crate(&files, NAME).expect_err("rand");
    assert_eq!(problems.len(), 1, "{problems:#?}");
}

/// The line ranges of the top-level items of runtime text as the generator writes it
/// (formatted: items start in the first column, after a blank line or a one-line item).
fn item_lines(text: &str) -> Vec<std::ops::Range<usize>> {
    let lines: Vec<&str> = text.lines().collect();
    let mut starts = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let first_column = line.starts_with(|c: char| c == '#' || c == '/' || c.is_alphabetic());
        let comment = line.starts_with("//") && !line.starts_with("///");
        if !first_column || comment || line.starts_with("where") {
            continue;
        }
        let before = if i == 0 { "" } else { lines[i - 1] };
        let after_item = before.is_empty()
            || (before.ends_with(';')
                && !before.starts_with(char::is_whitespace)
                && !before.starts_with("//"))
            || before == "}";
        if after_item {
            starts.push(i);
        }
    }
    let mut ranges: Vec<std::ops::Range<usize>> = starts.windows(2).map(|w| w[0]..w[1]).collect();
    if let Some(&last) = starts.last() {
        ranges.push(last..lines.len());
    }
    ranges
}

/// Every item of a generated runtime is there for a reason: whichever one is removed, the
/// checker notices.
#[test]
fn removing_any_runtime_item_is_reported() {
    for stem in ["bodies", "security", "outcomes", "query_styles", "formats"] {
        let files = fixture(stem);
        let text = files
            .iter()
            .find(|f| f.path == "src/runtime.rs")
            .map(|f| f.contents.clone())
            .expect("a runtime");
        let items = syn::parse_file(&text).expect("parses").items;
        let ranges = item_lines(&text);
        assert_eq!(ranges.len(), items.len(), "{stem}: items found by lines");
        let lines: Vec<&str> = text.lines().collect();
        for (range, item) in ranges.into_iter().zip(&items) {
            let kept: String = lines
                .iter()
                .enumerate()
                .filter(|(i, _)| !range.contains(i))
                .map(|(_, l)| format!("{l}\n"))
                .collect();
            let removed: Vec<syn::Item> = syn::parse_file(&lines[range].join("\n"))
                .expect("an item")
                .items;
            assert_eq!(removed.len(), 1);
            assert_eq!(
                removed[0].to_token_stream().to_string(),
                item.to_token_stream().to_string()
            );
            let mut files = files.clone();
            *file(&mut files, "src/runtime.rs") = kept;
            assert!(
                check_crate(&files, NAME).is_err(),
                "{stem}: removing this item goes unnoticed:\n{}",
                item.to_token_stream()
            );
        }
    }
}
