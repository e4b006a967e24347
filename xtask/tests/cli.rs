//! `cargo xtask codegen` as users run it: the binary, on specs and output directories of
//! its own, checking exit codes, what it prints and what it leaves on disk.

#![allow(
    clippy::expect_used,
    clippy::panic,
    clippy::unwrap_used,
    reason = "tests fail by panicking"
)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A directory of its own under the system's temporary directory, removed afterwards.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "xtask-cli-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("scratch dir");
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn xtask(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("xtask runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const SPEC: &str = "openapi: 3.0.3
info:
  title: Tiny
  version: 1.2.3
paths:
  /things/{id}:
    get:
      operationId: getThing
      parameters:
        - name: id
          in: path
          required: true
          schema:
            type: integer
      responses:
        '200':
          description: A thing.
          content:
            application/json:
              schema:
                type: object
                properties:
                  name:
                    type: string
";

#[test]
fn a_broken_spec_prints_located_diagnostics_and_exits_1() {
    let dir = Scratch::new();
    let spec = "openapi: 3.0.3\ninfo:\n  title: Broken\n  version: '1'\npaths:\n  /a/{id:\n    get:\n      responses:\n        '200':\n          description: x\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/Nope'\n";
    fs::write(dir.0.join("broken.yaml"), spec).unwrap();
    let out = xtask(
        &["codegen", "--spec", "broken.yaml", "--out", "out"],
        &dir.0,
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(
            "broken.yaml:6:3: error: #/paths/~1a~1{id: unbalanced `{` in the path template"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("broken.yaml:13:15: error: #/paths/~1a~1{id/get/responses/200/content/application~1json/schema: `$ref: #/components/schemas/Nope` points to a schema that does not exist"),
        "every error is reported in one run: {stderr}"
    );
    assert!(
        stderr.contains("2 errors found; nothing was generated"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        !dir.0.join("out").exists(),
        "nothing is written when there are errors"
    );
}

#[test]
fn input_that_is_not_a_spec_is_an_error_not_a_crash() {
    let dir = Scratch::new();
    let cases: [(&str, &[u8], &str); 4] = [
        ("empty.yaml", b"", "the document is empty"),
        ("binary.yaml", b"\xff\xfe\x00garbage", "not valid UTF-8"),
        ("list.json", b"[1, 2, 3]", "not a mapping"),
        ("deep.yaml", &[b'['; 5000], "error"),
    ];
    for (name, bytes, expected) in cases {
        fs::write(dir.0.join(name), bytes).unwrap();
        let out = xtask(&["codegen", "--spec", name, "--out", "out"], &dir.0);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {stderr}");
        assert!(stderr.contains(expected), "{name}: {stderr}");
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    }
    let out = xtask(
        &["codegen", "--spec", "missing.yaml", "--out", "out"],
        &dir.0,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("cannot read the spec"));
}

#[test]
fn regenerating_an_unchanged_spec_touches_no_file() {
    let dir = Scratch::new();
    fs::write(dir.0.join("tiny.yaml"), SPEC).unwrap();
    let first = xtask(&["codegen", "--spec", "tiny.yaml", "--out", "out"], &dir.0);
    assert!(first.status.success(), "{}", text(&first.stderr));
    let lib = dir.0.join("out/src/lib.rs");
    let manifest = fs::read_to_string(dir.0.join("out/Cargo.toml")).unwrap();
    assert!(
        manifest.contains("name = \"tiny-client\"") && manifest.contains("version = \"1.2.3\""),
        "{manifest}"
    );
    let mtimes = || {
        let mut all = Vec::new();
        let mut dirs = vec![dir.0.join("out")];
        while let Some(d) = dirs.pop() {
            for entry in fs::read_dir(d).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else {
                    let modified = fs::metadata(&path).unwrap().modified().unwrap();
                    all.push((path, modified));
                }
            }
        }
        all.sort();
        all
    };
    let before = mtimes();
    assert!(before.iter().any(|(path, _)| *path == lib));

    std::thread::sleep(std::time::Duration::from_millis(20));
    let second = xtask(&["codegen", "--spec", "tiny.yaml", "--out", "out"], &dir.0);
    assert!(second.status.success());
    assert!(
        text(&second.stderr).contains("is up to date"),
        "{}",
        text(&second.stderr)
    );
    assert_eq!(
        mtimes(),
        before,
        "no file is rewritten, so nothing rebuilds"
    );
}

#[test]
fn check_reports_a_stale_directory_with_a_diff_and_exit_1() {
    let dir = Scratch::new();
    fs::write(dir.0.join("tiny.yaml"), SPEC).unwrap();
    assert!(
        xtask(&["codegen", "--spec", "tiny.yaml", "--out", "out"], &dir.0)
            .status
            .success()
    );
    let check = xtask(
        &["codegen", "--spec", "tiny.yaml", "--out", "out", "--check"],
        &dir.0,
    );
    assert!(check.status.success(), "{}", text(&check.stderr));

    let types = dir.0.join("out/src/types.rs");
    let edited = fs::read_to_string(&types)
        .unwrap()
        .replace("pub name", "pub renamed");
    fs::write(&types, edited).unwrap();
    let check = xtask(
        &["codegen", "--spec", "tiny.yaml", "--out", "out", "--check"],
        &dir.0,
    );
    assert_eq!(check.status.code(), Some(1));
    let stderr = text(&check.stderr);
    assert!(
        stderr.contains("-    pub renamed: Option<String>,")
            && stderr.contains("+    pub name: Option<String>,"),
        "{stderr}"
    );
    assert!(stderr.contains("run `cargo xtask codegen`"), "{stderr}");
    let after = fs::read_to_string(&types).unwrap();
    assert!(after.contains("pub renamed"), "--check writes nothing");
}

#[test]
fn files_the_generator_no_longer_produces_are_removed_and_others_kept() {
    let dir = Scratch::new();
    fs::write(dir.0.join("tiny.yaml"), SPEC).unwrap();
    assert!(
        xtask(&["codegen", "--spec", "tiny.yaml", "--out", "out"], &dir.0)
            .status
            .success()
    );
    let stale = dir.0.join("out/src/old.rs");
    fs::write(
        &stale,
        "// @generated by `cargo xtask codegen` from tiny.yaml. Do not edit by hand.\n",
    )
    .unwrap();
    let mine = dir.0.join("out/NOTES.md");
    fs::write(&mine, "kept\n").unwrap();

    let check = xtask(
        &["codegen", "--spec", "tiny.yaml", "--out", "out", "--check"],
        &dir.0,
    );
    assert_eq!(
        check.status.code(),
        Some(1),
        "a stale generated file makes the directory stale"
    );
    assert!(
        xtask(&["codegen", "--spec", "tiny.yaml", "--out", "out"], &dir.0)
            .status
            .success()
    );
    assert!(!stale.exists(), "the generator's own stale file is removed");
    assert!(mine.exists(), "a file the generator did not write is kept");
}

#[test]
fn bad_arguments_are_explained() {
    let dir = Scratch::new();
    for (args, expected) in [
        (&["codegen", "--spec", "x.yaml"][..], "go together"),
        (
            &[
                "codegen", "--spec", "x.yaml", "--out", "o", "--name", "9lives",
            ][..],
            "not a valid crate name",
        ),
        (&["codegen", "--frobnicate"][..], "unknown argument"),
        (&["nonsense"][..], "unknown task"),
    ] {
        let out = xtask(args, &dir.0);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(
            text(&out.stderr).contains(expected),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.com",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

/// A repository with `SPEC` committed as `spec.yaml`.
fn repo_with_spec() -> Scratch {
    let dir = Scratch::new();
    git(&dir.0, &["init", "-q"]);
    fs::write(dir.0.join("spec.yaml"), SPEC).unwrap();
    git(&dir.0, &["add", "spec.yaml"]);
    git(&dir.0, &["commit", "-q", "-m", "spec"]);
    dir
}

#[test]
fn api_diff_reports_changes_since_a_revision() {
    let dir = repo_with_spec();
    let changed = SPEC.replace(
        "                  name:\n                    type: string\n",
        "                  title:\n                    type: string\n",
    );
    fs::write(dir.0.join("spec.yaml"), changed).unwrap();

    let out = xtask(&["api-diff", "--new", "spec.yaml"], &dir.0);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    assert!(
        report.starts_with("## API changes: Tiny 1.2.3 → 1.2.3"),
        "{report}"
    );
    assert!(
        report.contains("Recommended version bump: **major** (1.2.3 → 2.0.0)"),
        "{report}"
    );
    assert!(
        report.contains("- `types::GetThingResponse::name`: field removed"),
        "{report}"
    );
    assert!(
        report.contains("- `types::GetThingResponse::title`: field added"),
        "{report}"
    );

    let out = xtask(
        &["api-diff", "--new", "spec.yaml", "--deny-breaking"],
        &dir.0,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("Breaking changes"),
        "the report is still printed"
    );
    assert!(text(&out.stderr).contains("breaking changes"));

    let out = xtask(
        &["api-diff", "--new", "spec.yaml", "--format", "json"],
        &dir.0,
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    assert_eq!(json["bump"], "major");
    assert_eq!(json["changes"].as_array().map(Vec::len), Some(2));

    // Unchanged since HEAD: nothing to report, and nothing denied.
    git(&dir.0, &["commit", "-q", "-am", "rename"]);
    let out = xtask(
        &["api-diff", "--new", "spec.yaml", "--deny-breaking"],
        &dir.0,
    );
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("No changes to the Rust API."));
}

#[test]
fn api_diff_explains_a_revision_without_the_spec() {
    let dir = Scratch::new();
    git(&dir.0, &["init", "-q"]);
    fs::write(dir.0.join("README"), "x\n").unwrap();
    git(&dir.0, &["add", "README"]);
    git(&dir.0, &["commit", "-q", "-m", "first"]);
    fs::write(dir.0.join("spec.yaml"), SPEC).unwrap();

    let out = xtask(&["api-diff", "--new", "spec.yaml"], &dir.0);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("spec.yaml does not exist at revision `HEAD`"),
        "{}",
        text(&out.stderr)
    );

    let out = xtask(
        &["api-diff", "--new", "spec.yaml", "--base", "no-such-rev"],
        &dir.0,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("`no-such-rev` is not a revision"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn api_diff_names_a_spec_that_does_not_load() {
    let dir = Scratch::new();
    fs::write(dir.0.join("new.yaml"), SPEC).unwrap();
    fs::write(dir.0.join("old.yaml"), "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a/{id:\n    get:\n      responses: {}\n").unwrap();
    let out = xtask(
        &["api-diff", "--old", "old.yaml", "--new", "new.yaml"],
        &dir.0,
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr
            .contains("old.yaml:4:3: error: #/paths/~1a~1{id: unbalanced `{` in the path template"),
        "{stderr}"
    );
    assert!(
        stderr.contains("old.yaml: the spec does not load"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn api_diff_compares_a_3_0_and_a_3_1_spec_of_the_same_api_as_equal() {
    let dir = Scratch::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let v30 = root.join("tests/dialects/livedesk-3.0-equivalent.yaml");
    let v31 = root.join("tests/dialects/livedesk-3.1.yaml");
    let out = xtask(
        &[
            "api-diff",
            "--old",
            &v30.display().to_string(),
            "--new",
            &v31.display().to_string(),
            "--deny-breaking",
        ],
        &dir.0,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    assert!(report.contains("No changes to the Rust API."), "{report}");
}

#[test]
fn overlays_beside_the_spec_correct_it_and_survive_regeneration() {
    let dir = Scratch::new();
    fs::write(dir.0.join("tiny.yaml"), SPEC).unwrap();
    // A status the document does not declare, and a property it leaves out.
    fs::write(
        dir.0.join("tiny.server.overlay.yaml"),
        "overlay: 1.0.0
info: {title: What the server does, version: '1'}
actions:
  - target: $.paths['/things/{id}'].get.responses['200'].content['application/json'].schema.properties
    description: The server also sends the thing's size.
    update:
      size: {type: integer, format: int64}
  - target: $.paths['/nowhere']
    update: {description: never applied}
",
    )
    .unwrap();
    let out = xtask(&["codegen", "--spec", "tiny.yaml", "--out", "out"], &dir.0);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(
            "tiny.server.overlay.yaml:8:5: warning: #/actions/1/target: this action's target selects nothing"
        ),
        "{stderr}"
    );
    let types = fs::read_to_string(dir.0.join("out/src/types.rs")).unwrap();
    assert!(types.contains("pub size: Option<i64>"), "{types}");
    assert!(
        types.starts_with(
            "// @generated by `cargo xtask codegen` from tiny.yaml with the overlay tiny.server.overlay.yaml."
        ),
        "{}",
        types.lines().next().unwrap_or("")
    );
    // The vendor's next document, regenerated: the correction is still there, and the
    // check agrees.
    fs::write(
        dir.0.join("tiny.yaml"),
        SPEC.replace("version: 1.2.3", "version: 1.2.4"),
    )
    .unwrap();
    let again = xtask(&["codegen", "--spec", "tiny.yaml", "--out", "out"], &dir.0);
    assert!(again.status.success(), "{}", text(&again.stderr));
    let types = fs::read_to_string(dir.0.join("out/src/types.rs")).unwrap();
    assert!(types.contains("pub size: Option<i64>"), "{types}");
    let check = xtask(
        &["codegen", "--spec", "tiny.yaml", "--out", "out", "--check"],
        &dir.0,
    );
    assert!(check.status.success(), "{}", text(&check.stderr));

    // A problem in a node the overlay wrote points at the action; a malformed overlay is
    // an error in its own file.
    fs::write(
        dir.0.join("tiny.server.overlay.yaml"),
        "overlay: 1.0.0
info: {title: What the server does, version: '1'}
actions:
  - target: $.paths['/things/{id}'].get.responses['200'].content['application/json'].schema.properties
    update:
      size: {$ref: '#/components/schemas/Missing'}
",
    )
    .unwrap();
    let broken = xtask(&["codegen", "--spec", "tiny.yaml", "--out", "out"], &dir.0);
    assert_eq!(broken.status.code(), Some(1));
    let stderr = text(&broken.stderr);
    assert!(
        stderr.contains("tiny.server.overlay.yaml:4:5: error: #/paths/~1things~1{id}/get/responses/200/content/application~1json/schema/properties/size")
            && stderr.contains("written by action 1"),
        "{stderr}"
    );
    fs::write(
        dir.0.join("tiny.server.overlay.yaml"),
        "overlay: 1.0.0\nactions: {}\n",
    )
    .unwrap();
    let malformed = xtask(&["codegen", "--spec", "tiny.yaml", "--out", "out"], &dir.0);
    assert_eq!(malformed.status.code(), Some(1));
    let stderr = text(&malformed.stderr);
    assert!(
        stderr
            .lines()
            .any(|line| line.starts_with("tiny.server.overlay.yaml:")
                && line.contains(": error: #/info: an overlay's `info` must give")),
        "{stderr}"
    );
    assert!(
        !dir.0.join("out/src/types.rs").exists() || {
            let types = fs::read_to_string(dir.0.join("out/src/types.rs")).unwrap();
            types.contains("pub size: Option<i64>")
        },
        "nothing was written"
    );
}
