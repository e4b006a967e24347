//! Generated crates built on their own, as users build them: each with exactly its own
//! manifest (no feature of another crate of a workspace helps it compile), under
//! `cargo clippy --all-targets -- -D warnings`. Snapshot modules compiled inside the test
//! crate cannot see a missing dependency or feature; this can.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use openapi_clientgen::CrateOptions;

/// Fixtures whose crates are built: between them they use every part of the runtime and
/// every optional dependency (`inline_formats` has dates, UUIDs and bytes only inline, in
/// responses and bodies; `bodies` needs reqwest's multipart feature; `recursion` has no
/// operations).
const FIXTURES: [&str; 8] = [
    "inline_formats",
    "bodies",
    "security",
    "query_styles",
    "composed_unions",
    "path_params",
    "refs_anywhere",
    "recursion",
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
    )];
    specs.extend(FIXTURES.iter().map(|fixture| {
        (
            format!("{}-client", fixture.replace('_', "-")),
            root.join("tests/fixtures").join(format!("{fixture}.yaml")),
        )
    }));
    let mut failed = Vec::new();
    for (name, spec) in specs {
        let dir = crates.join(&name);
        write_crate(&spec, &name, &dir, &lock)?;
        eprintln!("checking {name} alone");
        // The dependencies are those the workspace has fetched and built: no network, and
        // the workspace's target directory.
        let status = Command::new(cargo())
            .args([
                "clippy",
                "--all-targets",
                "--offline",
                "--quiet",
                "--manifest-path",
            ])
            .arg(dir.join("Cargo.toml"))
            .args(["--", "-D", "warnings"])
            .env("CARGO_TARGET_DIR", &target)
            .status()
            .map_err(|e| format!("cannot run cargo clippy: {e}"))?;
        if !status.success() {
            failed.push(name);
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "these generated crates do not build alone without warnings: {}",
            failed.join(", ")
        ))
    }
}

/// Writes the crate generated from `spec` to `dir`, replacing what was there, with the
/// workspace's lock file so that it builds with the same versions.
fn write_crate(spec: &Path, name: &str, dir: &Path, lock: &[u8]) -> Result<(), String> {
    let text = fs::read_to_string(spec).map_err(|e| format!("{}: {e}", spec.display()))?;
    let mut options = CrateOptions::new(name);
    options.source = spec
        .file_name()
        .map_or_else(String::new, |f| f.to_string_lossy().into_owned());
    options.command = "cargo xtask ci".to_owned();
    let output = openapi_clientgen::generate(&text, &options).map_err(|diagnostics| {
        let shown: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
        format!(
            "{} does not generate:\n{}",
            spec.display(),
            shown.join("\n")
        )
    })?;
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
    fs::write(dir.join("Cargo.lock"), lock).map_err(|e| format!("{}: {e}", dir.display()))
}

fn cargo() -> PathBuf {
    std::env::var_os("CARGO").map_or_else(|| PathBuf::from("cargo"), PathBuf::from)
}
