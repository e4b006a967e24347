//! Snapshot tests of the generator's output: each fixture spec in `tests/fixtures/` against
//! its generated module (which carries its own runtime), each real
//! spec in the public corpus (`CORPUS_DIR`, by default `../shared`: `specs` and `specs31`)
//! against `tests/corpus/`, and each
//! broken spec in
//! `tests/diagnostics/` against the diagnostics it must produce. Each fixture and corpus spec
//! also generates a whole crate, which `support::crate_check` must find complete and free
//! of dead parts. The `livedesk-tests` crate
//! compiles the module snapshots. `UPDATE_SNAPSHOTS=1 cargo test -p openapi-clientgen` rewrites the
//! snapshots (it needs no snapshot to compile, so it works after any change); review the
//! diff like code.

#![allow(
    clippy::expect_used,
    clippy::panic,
    clippy::unwrap_used,
    reason = "tests fail by panicking"
)]

mod support;

use std::fs;
use std::path::{Path, PathBuf};

use support::crate_check::check_crate;

const COMMAND: &str = "UPDATE_SNAPSHOTS=1 cargo test -p openapi-clientgen";

fn dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests")
        .join(name)
}

fn updating() -> bool {
    std::env::var_os("UPDATE_SNAPSHOTS").is_some_and(|v| v != "0")
}

/// Files in `dir` with extension `ext`, by stem, sorted.
fn stems(dir: &Path, ext: &str) -> Vec<String> {
    let mut stems: Vec<String> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .filter_map(|e| {
            let path = e.path();
            if path.extension()? != ext {
                return None;
            }
            Some(path.file_stem()?.to_string_lossy().into_owned())
        })
        .collect();
    stems.sort();
    stems
}

/// Compares `actual` with the snapshot at `path`, or writes it when updating. Returns a
/// description of the mismatch.
fn check(path: &Path, actual: &str) -> Option<String> {
    let expected = fs::read_to_string(path).unwrap_or_default();
    if expected == actual {
        return None;
    }
    if updating() {
        fs::write(path, actual).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        return None;
    }
    let diff = similar::TextDiff::from_lines(&expected, actual);
    let shown = path.display().to_string();
    Some(format!(
        "{}",
        diff.unified_diff()
            .context_radius(2)
            .header(&shown, "generated now")
    ))
}

/// The warnings of a generation, as `cargo xtask codegen` prints them.
fn warnings_text(output: &openapi_clientgen::Output, file: &str) -> String {
    let warnings: String = output
        .warnings
        .iter()
        .map(|w| format!("{}\n", w.display_in(file)))
        .collect();
    if warnings.is_empty() {
        "no warnings\n".to_owned()
    } else {
        warnings
    }
}

fn finish(mismatches: Vec<String>) {
    assert!(
        mismatches.is_empty(),
        "{} snapshot(s) differ; if the change is intended, run `{COMMAND}` and review the diff\n\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

/// Generates the spec as a whole crate and checks that crate: the problems found, each
/// prefixed with the spec's name.
fn crate_problems(spec: &str, shown: &str, settings: openapi_clientgen::Settings) -> Vec<String> {
    const NAME: &str = "probe-client";
    let options = {
        let mut options = openapi_clientgen::CrateOptions::new(NAME.to_owned());
        options.source = shown.to_owned();
        options.command = COMMAND.to_owned();
        options.standalone = true;
        options.settings = settings;
        options
    };
    match openapi_clientgen::generate(spec, &options) {
        Err(ds) => vec![format!(
            "{shown}: generates a module but not a crate: {:?}",
            ds.iter().map(|d| &d.message).collect::<Vec<_>>()
        )],
        Ok(output) => match check_crate(&output.files, NAME) {
            Ok(()) => Vec::new(),
            Err(problems) => problems
                .into_iter()
                .map(|p| format!("{shown}: {p}"))
                .collect(),
        },
    }
}

/// Fails on snapshot mismatches and on problems of generated crates, listing them all.
fn finish_with_crates(mismatches: Vec<String>, problems: Vec<String>) {
    assert!(
        problems.is_empty(),
        "{} problem(s) in generated crates:\n{}{}",
        problems.len(),
        problems.join("\n"),
        if mismatches.is_empty() {
            String::new()
        } else {
            format!(
                "\n\nand {} snapshot(s) differ; if the change is intended, run `{COMMAND}` and review the diff\n\n{}",
                mismatches.len(),
                mismatches.join("\n")
            )
        }
    );
    finish(mismatches);
}

#[test]
fn fixture_modules_match_their_snapshots() {
    let fixtures = dir("fixtures");
    let mut mismatches = Vec::new();
    let mut problems = Vec::new();
    for stem in stems(&fixtures, "yaml") {
        let spec = fs::read_to_string(fixtures.join(format!("{stem}.yaml"))).expect("fixture spec");
        let options = {
            let mut options =
                openapi_clientgen::ModuleOptions::new(format!("tests/fixtures/{stem}.yaml"));
            options.command = COMMAND.to_owned();
            options.settings = fixture_settings(&fixtures, &stem);
            options
        };
        let output = openapi_clientgen::generate_module(&spec, &options)
            .unwrap_or_else(|d| panic!("fixtures/{stem}.yaml does not generate: {d:#?}"));
        let [file] = output.files.as_slice() else {
            panic!("one module expected")
        };
        mismatches.extend(check(&fixtures.join(format!("{stem}.rs")), &file.contents));
        let warnings = warnings_text(&output, &format!("{stem}.yaml"));
        mismatches.extend(check(&fixtures.join(format!("{stem}.txt")), &warnings));
        problems.extend(crate_problems(
            &spec,
            &format!("tests/fixtures/{stem}.yaml"),
            options.settings.clone(),
        ));
    }
    finish_with_crates(mismatches, problems);
}

/// The generator's settings for a fixture: the defaults, or what `NAME.settings.json`
/// beside it says (`{"keep_unknown_fields": true}`), reading the files a fixture split
/// across files refers to (`split.yaml`'s, under `split/`).
fn fixture_settings(fixtures: &Path, stem: &str) -> openapi_clientgen::Settings {
    let mut settings = openapi_clientgen::Settings::default();
    // The files a split fixture refers to, named from the repository's root as the
    // committed warnings show them.
    let root = fixtures.join("..").join("..");
    settings.files =
        openapi_clientgen::Files::new(format!("tests/fixtures/{stem}.yaml"), move |path| {
            fs::read(root.join(path)).map_err(|e| e.to_string())
        });
    let path = fixtures.join(format!("{stem}.settings.json"));
    if let Ok(text) = fs::read_to_string(&path) {
        let given: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for (key, value) in given.as_object().expect("an object of settings") {
            match (key.as_str(), value) {
                ("keep_unknown_fields", serde_json::Value::Bool(on)) => {
                    settings.keep_unknown_fields = *on;
                }
                _ => panic!("{}: `{key}` is not a setting fixtures take", path.display()),
            }
        }
    }
    settings
}

#[test]
fn every_fixture_has_a_snapshot_and_every_snapshot_a_fixture() {
    let fixtures = dir("fixtures");
    let specs = stems(&fixtures, "yaml");
    let snapshots = stems(&fixtures, "rs");
    assert!(!specs.is_empty());
    if !updating() {
        assert_eq!(
            specs, snapshots,
            "fixtures/*.yaml and fixtures/*.rs must pair up"
        );
        assert_eq!(
            specs,
            stems(&fixtures, "txt"),
            "fixtures/*.yaml and fixtures/*.txt must pair up"
        );
    }
    let diagnostics = dir("diagnostics");
    let (specs, expected) = (stems(&diagnostics, "yaml"), stems(&diagnostics, "txt"));
    if !updating() {
        assert_eq!(
            specs, expected,
            "diagnostics/*.yaml and diagnostics/*.txt must pair up"
        );
    }
}

/// Every broken spec yields exactly the diagnostics in its `.txt`, formatted as
/// `cargo xtask codegen` prints them, and no output.
#[test]
fn broken_specs_give_located_diagnostics() {
    let diagnostics = dir("diagnostics");
    let mut mismatches = Vec::new();
    for stem in stems(&diagnostics, "yaml") {
        let file = format!("{stem}.yaml");
        let bytes = fs::read(diagnostics.join(&file)).expect("diagnostics spec");
        let options = {
            let mut options = openapi_clientgen::CrateOptions::new("x".to_owned());
            options.source = file.clone();
            options.command = "test".to_owned();
            options.standalone = true;
            options
        };
        let printed = match openapi_clientgen::source_text(&bytes) {
            Err(d) => format!("{}\n", d.display_in(&file)),
            Ok(text) => match openapi_clientgen::generate(text, &options) {
                Ok(output) => {
                    let mut out = String::from("generated\n");
                    for w in &output.warnings {
                        out.push_str(&format!("{}\n", w.display_in(&file)));
                    }
                    out
                }
                Err(ds) => ds
                    .iter()
                    .map(|d| format!("{}\n", d.display_in(&file)))
                    .collect(),
            },
        };
        mismatches.extend(check(&diagnostics.join(format!("{stem}.txt")), &printed));
    }
    finish(mismatches);
}

/// The public specs other projects wrote, kept beside the repository (`CORPUS_DIR`, by
/// default `../shared`): OpenAPI 3.0 in `specs`, 3.1 in `specs31`.
const CORPUS_DIRS: [&str; 2] = ["specs", "specs31"];

/// Without the corpus, the tests that read it are ignored, except under `CI=true`: there
/// its absence is a failure.
#[cfg(not(corpus))]
#[test]
fn under_ci_the_public_corpus_is_at_hand() {
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI=true, but there is no public corpus at {}: the corpus tests did not run",
        env!("CORPUS_DIR")
    );
}

/// Every real-world spec generates a module (compiled by the `livedesk-tests` crate, so
/// with zero warnings under clippy `-D warnings`), and its warnings match
/// `corpus/<name>.txt`.
#[test]
#[cfg_attr(
    not(corpus),
    ignore = "no public corpus at CORPUS_DIR (by default ../shared beside the repository)"
)]
fn corpus_specs_generate_and_match_their_snapshots() {
    let corpus = dir("corpus");
    let mut mismatches = Vec::new();
    let mut problems = Vec::new();
    let mut seen = Vec::new();
    let mut files: Vec<(&str, PathBuf)> = Vec::new();
    for folder in CORPUS_DIRS {
        let specs = Path::new(env!("CORPUS_DIR")).join(folder);
        let before = files.len();
        files.extend(
            fs::read_dir(&specs)
                .unwrap_or_else(|e| panic!("{}: {e}; the corpus is not complete", specs.display()))
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
                .map(|p| (folder, p)),
        );
        assert!(files.len() > before, "no specs in {}", specs.display());
    }
    files.sort();
    for (folder, path) in files {
        let stem = path
            .file_stem()
            .expect("file name")
            .to_string_lossy()
            .into_owned();
        let file = path
            .file_name()
            .expect("file name")
            .to_string_lossy()
            .into_owned();
        let bytes = fs::read(&path).expect("spec");
        let text = openapi_clientgen::source_text(&bytes).unwrap_or_else(|d| panic!("{file}: {d}"));
        let options = {
            let mut options =
                openapi_clientgen::ModuleOptions::new(format!("shared/{folder}/{file}"));
            options.command = COMMAND.to_owned();
            options
        };
        let output = openapi_clientgen::generate_module(text, &options).unwrap_or_else(|ds| {
            let shown: Vec<String> = ds.iter().map(|d| d.display_in(&file).to_string()).collect();
            panic!("{file} does not generate:\n{}", shown.join("\n"))
        });
        let [module] = output.files.as_slice() else {
            panic!("one module expected")
        };
        mismatches.extend(check(&corpus.join(format!("{stem}.rs")), &module.contents));
        mismatches.extend(check(
            &corpus.join(format!("{stem}.txt")),
            &warnings_text(&output, &file),
        ));
        problems.extend(crate_problems(
            text,
            &format!("shared/{folder}/{file}"),
            openapi_clientgen::Settings::default(),
        ));
        seen.push(stem);
    }
    if !updating() {
        let mut snapshots = stems(&corpus, "rs");
        snapshots.sort();
        seen.sort();
        assert_eq!(
            seen, snapshots,
            "every corpus spec has a snapshot in tests/corpus and no snapshot is orphaned"
        );
    }
    finish_with_crates(mismatches, problems);
}
