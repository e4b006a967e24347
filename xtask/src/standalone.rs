//! Generated crates built on their own, as users build them: each with exactly its own
//! manifest (no feature of another crate of a workspace helps it compile), under
//! `cargo clippy --all-targets -- -D warnings`, in edition 2024 and (one of them) 2021,
//! and their generated tests run; the same crates as members of one workspace sharing the
//! runtime crate (`--runtime-crate`); and the crates of every document of the public
//! corpus, as members of one workspace, likewise.
//! Snapshot modules compiled inside the test crate cannot see a missing dependency or
//! feature; this can. Then the tool as users install it: `cargo install`, and a crate it
//! generates as a member of a workspace of theirs, built with an application using it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use openapi_clientgen::cli;
use openapi_clientgen::{CrateOptions, Edition};

/// Fixtures whose crates are built: between them they use every part of the runtime and
/// every optional dependency (`inline_formats` has dates, UUIDs and bytes only inline, in
/// responses and bodies; `bodies` needs reqwest's multipart feature; `recursion` has no
/// operations; `union_fit` has constants and every kind of union; `shared_shapes` has a
/// deprecated schema its mocks answer with; `tags` has per-tag features, each of which
/// is checked alone; `split` is a document split across files).
const FIXTURES: [&str; 13] = [
    "inline_formats",
    "bodies",
    "security",
    "query_styles",
    "composed_unions",
    "path_params",
    "refs_anywhere",
    "recursion",
    "union_fit",
    "shared_shapes",
    "streams",
    "tags",
    "split",
];

/// Generates the LiveDesk crate and the fixture crates under the target directory and
/// checks each with clippy, warnings denied.
pub fn run() -> Result<(), String> {
    let root = crate::root();
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let crates = target.join("standalone-crates");
    let lock = fs::read(root.join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    let mut specs = vec![(
        "livedesk-client".to_owned(),
        root.join(crate::codegen::SPEC),
        Edition::E2024,
    )];
    specs.extend(FIXTURES.iter().map(|fixture| {
        (
            format!("{}-client", fixture.replace('_', "-")),
            root.join("tests/fixtures").join(format!("{fixture}.yaml")),
            Edition::E2024,
        )
    }));
    // Edition 2021 differs in its prelude and keywords.
    specs.push((
        "composed-unions-2021-client".to_owned(),
        root.join("tests/fixtures/composed_unions.yaml"),
        Edition::E2021,
    ));
    let shared = specs.clone();
    let mut failed = Vec::new();
    for (name, spec, edition) in specs {
        let dir = crates.join(&name);
        let features = write_crate(&spec, &name, edition, &dir, &lock)?;
        eprintln!("checking {name} alone");
        if !clippy(&dir, &target, &[])? {
            failed.push(name.clone());
        } else if dir.join("tests").exists() {
            eprintln!("testing {name} alone");
            if !cargo_in(&dir, &target, "test")? {
                failed.push(format!("{name} (cargo test)"));
            }
        }
        // The TLS and HTTP features are passed on to reqwest: without TLS, with HTTP/2.
        if name == "livedesk-client" {
            eprintln!("checking {name} alone, without TLS and with HTTP/2");
            if !clippy(
                &dir,
                &target,
                &["--no-default-features", "--features", "http2"],
            )? {
                failed.push(format!("{name} (--features http2)"));
            }
        }
        for chosen in feature_builds(&features, features.len()) {
            eprintln!("checking {name} alone, {}", shown_features(&chosen));
            let mut args = vec!["--no-default-features".to_owned()];
            if !chosen.is_empty() {
                args.extend(["--features".to_owned(), chosen.join(",")]);
            }
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            if !clippy(&dir, &target, &args)? {
                failed.push(format!("{name} ({})", shown_features(&chosen)));
            }
        }
    }
    if !failed.is_empty() {
        return Err(format!(
            "these generated crates do not build alone without warnings: {}",
            failed.join(", ")
        ));
    }
    clients_sharing_the_runtime(&target, &lock, &shared)?;
    corpus_crates(&root, &target, &lock)?;
    installed_tool_generates_a_workspace_member(&root, &target, &lock)
}

/// The same crates as members of one workspace, depending on the shared runtime crate
/// (`--runtime-crate`) instead of each carrying a copy: each checked alone (with only the
/// runtime crate's features it turns on), the runtime crate without features and with
/// each alone, their tests run and their documentation built, warnings denied.
fn clients_sharing_the_runtime(
    target: &Path,
    lock: &[u8],
    specs: &[(String, PathBuf, Edition)],
) -> Result<(), String> {
    let workspace = target.join("shared-runtime-crates");
    if workspace.exists() {
        fs::remove_dir_all(&workspace).map_err(|e| format!("{}: {e}", workspace.display()))?;
    }
    let runtime_dir = "openapi-clientgen-runtime";
    let runtime = openapi_clientgen::generate_runtime_crate(false);
    write_output(&runtime, &workspace.join(runtime_dir))?;
    let mut members = vec![format!("{runtime_dir:?}")];
    for (name, spec, edition) in specs {
        let mut options = CrateOptions::new(name);
        options.edition = *edition;
        options.standalone = false;
        options.runtime_crate = Some(format!("../{runtime_dir}"));
        write_files(spec, &options, &workspace.join(name))?;
        members.push(format!("{name:?}"));
    }
    let manifest = format!(
        "[workspace]\nresolver = \"3\"\nmembers = [{}]\n",
        members.join(", ")
    );
    fs::write(workspace.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    fs::write(workspace.join("Cargo.lock"), lock).map_err(|e| e.to_string())?;
    let manifest_path = workspace.join("Cargo.toml");
    let run = |what: String, args: &[&str]| -> Result<(), String> {
        eprintln!("{what}");
        let mut command = cargo_at(target);
        command
            .args(args)
            .args(["--offline", "--quiet", "--manifest-path"])
            .arg(&manifest_path);
        if args[0] == "clippy" {
            command.args(["--", "-D", "warnings"]);
        }
        let status = command
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("failed: {what}"))
        }
    };
    for (name, ..) in specs {
        run(
            format!("checking {name} alone, with the shared runtime crate"),
            &["clippy", "--all-targets", "--package", name],
        )?;
    }
    let features = runtime_features(&runtime);
    let mut choices = vec![Vec::new()];
    choices.extend(features.iter().map(|feature| vec![feature.as_str()]));
    for chosen in choices {
        let mut args = vec!["clippy", "--package", openapi_clientgen::RUNTIME_CRATE];
        let shown = if chosen.is_empty() {
            "without features".to_owned()
        } else {
            args.extend(["--features", chosen[0]]);
            format!("with only --features {}", chosen[0])
        };
        run(format!("checking the shared runtime crate {shown}"), &args)?;
    }
    run(
        "testing the crates sharing the runtime crate".to_owned(),
        &["test", "--workspace"],
    )?;
    // The runtime crate's documentation must not link to what only the clients hold.
    eprintln!("documenting the crates sharing the runtime crate");
    let status = cargo_at(target)
        .args(["doc", "--no-deps", "--workspace", "--offline", "--quiet"])
        .arg("--manifest-path")
        .arg(&manifest_path)
        .env("RUSTDOCFLAGS", "-D warnings")
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err("the crates sharing the runtime crate do not document without warnings".to_owned())
    }
}

/// The features the runtime crate's manifest declares.
fn runtime_features(runtime: &openapi_clientgen::Output) -> Vec<String> {
    let manifest = runtime
        .files
        .iter()
        .find(|f| f.path == "Cargo.toml")
        .map_or("", |f| f.contents.as_str());
    manifest
        .lines()
        .skip_while(|line| *line != "[features]")
        .skip(1)
        .take_while(|line| !line.starts_with('['))
        .filter_map(|line| line.split_once(" = ").map(|(name, _)| name.to_owned()))
        .collect()
}

/// Generates every document of the public corpus (`CORPUS_DIR`, by default `../shared`
/// beside the repository) as a member of one workspace, and checks the crates with clippy,
/// warnings denied, and runs their generated tests: real documents, sloppy ones included,
/// must give crates whose examples and tests build and pass too. Without the corpus this
/// is skipped with one line, and fails under `CI=true`.
fn corpus_crates(root: &Path, target: &Path, lock: &[u8]) -> Result<(), String> {
    let corpus =
        std::env::var_os("CORPUS_DIR").map_or_else(|| root.join("../shared"), PathBuf::from);
    let mut specs: Vec<PathBuf> = ["specs", "specs31"]
        .iter()
        .filter_map(|dir| fs::read_dir(corpus.join(dir)).ok())
        .flat_map(|entries| entries.flatten().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
        .collect();
    specs.sort();
    if specs.is_empty() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            return Err(format!("no corpus at {}", corpus.display()));
        }
        eprintln!(
            "skipping the corpus crates: no corpus at {}",
            corpus.display()
        );
        return Ok(());
    }
    let workspace = target.join("corpus-crates");
    if workspace.exists() {
        fs::remove_dir_all(&workspace).map_err(|e| format!("{}: {e}", workspace.display()))?;
    }
    let mut members = Vec::new();
    let mut gated = Vec::new();
    for spec in &specs {
        let stem = spec
            .file_stem()
            .map(|s| s.to_string_lossy().replace('.', "-"))
            .unwrap_or_default();
        let name = format!("{stem}-client");
        let features = write_member(spec, &name, &workspace.join(&stem))?;
        members.push(format!("{stem:?}"));
        if !features.is_empty() {
            gated.push((name, features));
        }
    }
    let manifest = format!(
        "[workspace]\nresolver = \"3\"\nmembers = [{}]\n",
        members.join(", ")
    );
    fs::write(workspace.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    fs::write(workspace.join("Cargo.lock"), lock).map_err(|e| e.to_string())?;
    eprintln!(
        "checking and testing the crates of {} corpus documents",
        specs.len()
    );
    let manifest_path = workspace.join("Cargo.toml");
    for args in [
        &["clippy", "--workspace", "--all-targets"][..],
        &["test", "--workspace"][..],
    ] {
        let mut command = cargo_at(target);
        command
            .args(args)
            .args(["--offline", "--quiet", "--manifest-path"])
            .arg(&manifest_path);
        if args[0] == "clippy" {
            command.args(["--", "-D", "warnings"]);
        }
        let status = command
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        if !status.success() {
            return Err(format!("the corpus crates fail `cargo {}`", args.join(" ")));
        }
    }
    // Crates with per-tag features: without any, and with two of them alone.
    for (name, features) in &gated {
        for chosen in feature_builds(features, 2) {
            eprintln!("checking {name}, {}", shown_features(&chosen));
            let mut command = cargo_at(target);
            command
                .args([
                    "clippy",
                    "--all-targets",
                    "--offline",
                    "--quiet",
                    "--no-default-features",
                ])
                .args(["--package", name, "--manifest-path"])
                .arg(&manifest_path);
            if !chosen.is_empty() {
                command.args(["--features", &chosen.join(",")]);
            }
            let status = command
                .args(["--", "-D", "warnings"])
                .status()
                .map_err(|e| format!("cannot run cargo: {e}"))?;
            if !status.success() {
                return Err(format!(
                    "the corpus crate {name} fails clippy {}",
                    shown_features(&chosen)
                ));
            }
        }
    }
    Ok(())
}

/// The feature sets a crate with per-tag `features` is checked with besides its default
/// ones: none of them, then up to `alone` of them (the first and the last first) each on
/// its own, with the mocks, whose module follows the same features.
fn feature_builds(features: &[String], alone: usize) -> Vec<Vec<String>> {
    if features.is_empty() {
        return Vec::new();
    }
    let mut order: Vec<&String> = Vec::new();
    for f in [features.first(), features.last()]
        .into_iter()
        .flatten()
        .chain(features)
    {
        if !order.contains(&f) {
            order.push(f);
        }
    }
    let mut builds = vec![Vec::new()];
    builds.extend(
        order
            .into_iter()
            .take(alone)
            .map(|f| vec![f.clone(), "mock".to_owned()]),
    );
    builds
}

fn shown_features(chosen: &[String]) -> String {
    if chosen.is_empty() {
        "without tag features".to_owned()
    } else {
        format!("with only --features {}", chosen.join(","))
    }
}

/// Installs the tool with `cargo install` into a directory of its own, generates the
/// LiveDesk client with it as a member of a new workspace, and builds and runs an
/// application of that workspace that uses the client.
fn installed_tool_generates_a_workspace_member(
    root: &Path,
    target: &Path,
    lock: &[u8],
) -> Result<(), String> {
    let tool = install_tool(root, target)?;
    let workspace = target.join("install-workspace");
    if workspace.exists() {
        fs::remove_dir_all(&workspace).map_err(|e| format!("{}: {e}", workspace.display()))?;
    }
    fs::create_dir_all(workspace.join("app/src")).map_err(|e| e.to_string())?;
    let files = [
        (
            "Cargo.toml",
            "[workspace]\nresolver = \"3\"\nmembers = [\"app\", \"livedesk\"]\n",
        ),
        (
            "app/Cargo.toml",
            "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\nlivedesk-client = { path = \"../livedesk\" }\n",
        ),
        (
            "app/src/main.rs",
            "fn main() {\n    let credentials = livedesk_client::BasicAuth::new(\"key\", \"secret\");\n    \
             let client = livedesk_client::Client::new(credentials).expect(\"a client\");\n    \
             println!(\"{}\", client.base_url());\n}\n",
        ),
    ];
    for (path, text) in files {
        fs::write(workspace.join(path), text).map_err(|e| format!("{path}: {e}"))?;
    }
    fs::write(workspace.join("Cargo.lock"), lock).map_err(|e| e.to_string())?;
    eprintln!("generating a workspace member with the installed tool");
    crate::ci::run_command(
        Command::new(&tool)
            .arg("--spec")
            .arg(root.join(crate::codegen::SPEC))
            .args([
                "--out",
                "livedesk",
                "--name",
                "livedesk-client",
                "--workspace-member",
            ])
            .current_dir(&workspace),
    )?;
    eprintln!("building and running the workspace's application");
    let output = cargo_at(target)
        .args(["run", "--quiet", "--offline", "-p", "app"])
        .current_dir(&workspace)
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let printed = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() || printed.trim() != "https://livedesk-api.engagelab.com" {
        return Err(format!(
            "the application did not build and run: {}{printed}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(())
}

/// Installs the tool as users do, with `cargo install`, into `install-root` under the
/// target directory (whose builds it shares); returns the installed executable.
pub(crate) fn install_tool(root: &Path, target: &Path) -> Result<PathBuf, String> {
    let install = target.join("install-root");
    eprintln!("installing the tool into {}", install.display());
    crate::ci::run_command(
        Command::new(cargo())
            .args(["install", "--path"])
            .arg(root.join("codegen"))
            .arg("--root")
            .arg(&install)
            .args(["--debug", "--locked", "--offline", "--force", "--quiet"])
            .env("CARGO_TARGET_DIR", target),
    )?;
    Ok(install.join("bin").join("openapi-clientgen"))
}

/// `cargo clippy` on the crate in `dir` alone, warnings denied; whether it passed. The
/// dependencies are those the workspace has fetched and built: no network, and the
/// workspace's target directory.
fn clippy(dir: &Path, target: &Path, features: &[&str]) -> Result<bool, String> {
    let status = cargo_at(target)
        .args(["clippy", "--all-targets", "--offline", "--quiet"])
        .args(features)
        .arg("--manifest-path")
        .arg(dir.join("Cargo.toml"))
        .args(["--", "-D", "warnings"])
        .status()
        .map_err(|e| format!("cannot run cargo clippy: {e}"))?;
    Ok(status.success())
}

/// `cargo <command>` on the crate in `dir` alone, like [`clippy`]; whether it passed.
fn cargo_in(dir: &Path, target: &Path, command: &str) -> Result<bool, String> {
    let status = cargo_at(target)
        .args([command, "--offline", "--quiet", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .status()
        .map_err(|e| format!("cannot run cargo {command}: {e}"))?;
    Ok(status.success())
}

/// Writes the crate generated from `spec` to `dir` as a member of the workspace above it;
/// its per-tag features.
fn write_member(spec: &Path, name: &str, dir: &Path) -> Result<Vec<String>, String> {
    let mut options = CrateOptions::new(name);
    options.standalone = false;
    write_files(spec, &options, dir)
}

/// Writes the crate generated from `spec` to `dir`, replacing what was there, with the
/// workspace's lock file so that it builds with the same versions; its per-tag features.
fn write_crate(
    spec: &Path,
    name: &str,
    edition: Edition,
    dir: &Path,
    lock: &[u8],
) -> Result<Vec<String>, String> {
    let mut options = CrateOptions::new(name);
    options.edition = edition;
    let features = write_files(spec, &options, dir)?;
    fs::write(dir.join("Cargo.lock"), lock).map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok(features)
}

/// Generates from `spec` with `options` into `dir`, replacing what was there; the crate's
/// per-tag features.
fn write_files(spec: &Path, options: &CrateOptions, dir: &Path) -> Result<Vec<String>, String> {
    let text = fs::read_to_string(spec).map_err(|e| format!("{}: {e}", spec.display()))?;
    let mut options = options.clone();
    options.source = spec
        .file_name()
        .map_or_else(String::new, |f| f.to_string_lossy().into_owned());
    options.command = "cargo xtask ci".to_owned();
    options.settings.files = cli::disk_files(spec, false);
    let output = openapi_clientgen::generate(&text, &options).map_err(|diagnostics| {
        let shown: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
        format!(
            "{} does not generate:\n{}",
            spec.display(),
            shown.join("\n")
        )
    })?;
    write_output(&output, dir)?;
    let (api, _) = openapi_clientgen::lower_spec_with(&text, &options.settings)
        .map_err(|_| format!("{} does not lower", spec.display()))?;
    Ok(api.features.into_iter().map(|f| f.name).collect())
}

/// Writes `output`'s files into `dir`, replacing what was there.
fn write_output(output: &openapi_clientgen::Output, dir: &Path) -> Result<(), String> {
    if dir.exists() {
        fs::remove_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    for file in &output.files {
        let path = dir.join(&file.path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        fs::write(&path, &file.contents).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

/// Cargo building in `target` for these checks. The crates are built once and thrown
/// away, so they are built without debug information and without incremental caches:
/// their test and example binaries, dozens of them, would otherwise take gigabytes.
fn cargo_at(target: &Path) -> Command {
    let mut command = Command::new(cargo());
    command
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_INCREMENTAL", "0")
        .env("CARGO_PROFILE_DEV_DEBUG", "false");
    command
}

pub(crate) fn cargo() -> PathBuf {
    std::env::var_os("CARGO").map_or_else(|| PathBuf::from("cargo"), PathBuf::from)
}
