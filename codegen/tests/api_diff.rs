//! API change reports: each pair of specs in `tests/api-diff/<case>/` (`old.yaml`,
//! `new.yaml`) against the report it must produce (`report.md`, and `report.json` where
//! present). `UPDATE_SNAPSHOTS=1 cargo test -p openapi-clientgen` rewrites them; review the diff.

#![allow(
    clippy::expect_used,
    clippy::panic,
    clippy::unwrap_used,
    reason = "tests fail by panicking"
)]

use std::fs;
use std::path::{Path, PathBuf};

fn cases() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/api-diff");
    let mut cases: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("tests/api-diff")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    cases
}

fn updating() -> bool {
    std::env::var_os("UPDATE_SNAPSHOTS").is_some_and(|v| v != "0")
}

fn compare(path: &Path, actual: &str, mismatches: &mut Vec<String>) {
    let expected = fs::read_to_string(path).unwrap_or_default();
    if expected == actual {
        return;
    }
    if updating() {
        fs::write(path, actual).expect("write snapshot");
        return;
    }
    let diff = similar::TextDiff::from_lines(&expected, actual);
    let shown = path.display().to_string();
    mismatches.push(
        diff.unified_diff()
            .context_radius(2)
            .header(&shown, "reported now")
            .to_string(),
    );
}

#[test]
fn each_change_kind_is_reported_as_expected() {
    let mut mismatches = Vec::new();
    let cases = cases();
    assert!(cases.len() >= 10, "{cases:?}");
    for case in &cases {
        let read = |name: &str| {
            fs::read_to_string(case.join(name))
                .unwrap_or_else(|e| panic!("{}/{name}: {e}", case.display()))
        };
        let report = openapi_clientgen::api_diff(&read("old.yaml"), &read("new.yaml"))
            .unwrap_or_else(|e| panic!("{}: {e:?}", case.display()));
        compare(&case.join("report.md"), &report.markdown(), &mut mismatches);
        if case.join("report.json").exists() || (updating() && case.ends_with("request_fields")) {
            compare(&case.join("report.json"), &report.json(), &mut mismatches);
        }
    }
    assert!(
        mismatches.is_empty(),
        "reports differ; run `UPDATE_SNAPSHOTS=1 cargo test -p openapi-clientgen` if intended\n\n{}",
        mismatches.join("\n")
    );
}

#[test]
fn identical_specs_have_no_changes_and_documentation_is_a_patch() {
    let spec =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/livedesk.yaml"))
            .expect("spec");
    let report = openapi_clientgen::api_diff(&spec, &spec).expect("loads");
    assert!(report.changes.is_empty());
    assert_eq!(report.bump, openapi_clientgen::diff::Bump::None);
    let edited = spec.replacen(
        "description: Display name.",
        "description: The name people see.",
        1,
    );
    let report = openapi_clientgen::api_diff(&spec, &edited).expect("loads");
    assert!(report.changes.is_empty());
    assert_eq!(report.bump, openapi_clientgen::diff::Bump::Patch);
    assert_eq!(report.documentation_changes, 1);
}

#[test]
fn a_spec_that_does_not_load_is_named() {
    let good = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";
    match openapi_clientgen::api_diff("openapi: [", good) {
        Err(openapi_clientgen::ApiDiffError::Old(d)) => assert!(d.iter().any(|d| d.is_error())),
        other => panic!("{other:?}"),
    }
    match openapi_clientgen::api_diff(good, "swagger: '2.0'") {
        Err(openapi_clientgen::ApiDiffError::New(d)) => assert!(d[0].message.contains("Swagger")),
        other => panic!("{other:?}"),
    }
}
