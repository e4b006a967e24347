//! Generated code weight: lines per operation, and how long the generated crate alone takes
//! to build in debug once its dependencies are built (what every downstream build pays).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Builds the crate in `dir`, returning how long `cargo build` took.
fn build(dir: &Path, target: &Path) -> Duration {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let start = Instant::now();
    let status = Command::new(cargo)
        .args(["build", "--quiet", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target)
        .status()
        .expect("cargo runs");
    assert!(status.success(), "{} builds", dir.display());
    start.elapsed()
}

/// Lines of a generated crate's sources: the shared runtime, and the rest.
struct Lines {
    runtime: usize,
    api: usize,
}

/// Generates a standalone crate for `spec` into `dir` and returns its line counts and
/// operation count.
fn generate(spec: &str, name: &str, dir: &Path) -> (Lines, usize) {
    let options = {
        let mut options = openapi_clientgen::CrateOptions::new(name.to_owned());
        options.source = format!("{name}.yaml");
        options.command = "cargo xtask bench".to_owned();
        options.standalone = true;
        options
    };
    let output = openapi_clientgen::generate(spec, &options).expect("the spec generates");
    let _ = std::fs::remove_dir_all(dir);
    for file in &output.files {
        let path = dir.join(&file.path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("directory");
        std::fs::write(path, &file.contents).expect("write");
    }
    // Resolve dependencies as the workspace does, not to whatever is newest today.
    std::fs::copy(workspace().join("Cargo.lock"), dir.join("Cargo.lock")).expect("copy Cargo.lock");
    let count = |runtime: bool| {
        output
            .files
            .iter()
            .filter(|f| f.path.starts_with("src/") && (f.path == "src/runtime.rs") == runtime)
            .map(|f| f.contents.lines().count())
            .sum()
    };
    let lines = Lines {
        runtime: count(true),
        api: count(false),
    };
    let api = openapi_clientgen::lower_spec(spec).expect("lowers").0;
    (lines, api.operations.len())
}

pub fn run(quick: bool) {
    let specs: Vec<(String, String)> = {
        let mut specs = vec![(
            "livedesk".to_owned(),
            std::fs::read_to_string(workspace().join("spec/livedesk.yaml")).expect("spec"),
        )];
        for name in [
            "progenitor-propolis-server.json",
            "progenitor-buildomat.json",
            "oai-link-example.yaml",
        ] {
            if let Ok(text) = std::fs::read_to_string(super::generation::corpus_dir().join(name)) {
                specs.push((name.split('.').next().unwrap_or(name).to_owned(), text));
            }
        }
        specs.push((
            "synthetic-100".to_owned(),
            super::generation::synthetic(100),
        ));
        specs
    };
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace().join("target"), PathBuf::from);
    let root = target_dir.join("bench-crates");
    let target = target_dir.join("bench-target");
    println!("## Generated code weight (debug build of the crate alone, dependencies built)\n");
    println!("Lines per operation leave out `runtime.rs`, the plumbing all operations share.\n");
    println!(
        "| crate | operations | lines (runtime) | lines (rest) | lines/operation | build (s) |"
    );
    println!("|---|---|---|---|---|---|");
    for (name, spec) in &specs {
        if quick && name != "livedesk" {
            continue;
        }
        let dir = root.join(name);
        let (lines, operations) = generate(spec, &format!("{name}-client"), &dir);
        build(&dir, &target);
        // Rebuild the crate alone: touch its root so that only it recompiles.
        let mut best = Duration::MAX;
        for _ in 0..if quick { 1 } else { 3 } {
            let lib = dir.join("src/lib.rs");
            let text = std::fs::read_to_string(&lib).expect("lib.rs");
            std::fs::write(&lib, format!("{text}\n")).expect("touch");
            best = best.min(build(&dir, &target));
            std::fs::write(&lib, text).expect("restore");
        }
        let per_op = if operations > 0 {
            format!("{:.0}", lines.api as f64 / operations as f64)
        } else {
            "-".to_owned()
        };
        println!(
            "| {name} | {operations} | {} | {} | {per_op} | {:.2} |",
            lines.runtime,
            lines.api,
            best.as_secs_f64()
        );
    }
    println!();
}
