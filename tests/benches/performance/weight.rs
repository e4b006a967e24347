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
    build_with(dir, target, &[])
}

/// Builds the crate in `dir` with more arguments (`--release`, features), returning how
/// long `cargo build` took.
fn build_with(dir: &Path, target: &Path, args: &[&str]) -> Duration {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let start = Instant::now();
    let status = Command::new(cargo)
        .args(["build", "--quiet", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .args(args)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_INCREMENTAL", "0")
        .status()
        .expect("cargo runs");
    assert!(status.success(), "{} builds with {args:?}", dir.display());
    start.elapsed()
}

/// The median of `runs` builds of the crate in `dir` alone (its root touched before each),
/// after one that builds what it needs.
fn rebuild(dir: &Path, target: &Path, args: &[&str], runs: usize) -> Duration {
    build_with(dir, target, args);
    let lib = dir.join("src/lib.rs");
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            std::fs::File::options()
                .write(true)
                .open(&lib)
                .and_then(|f| f.set_modified(std::time::SystemTime::now()))
                .expect("touch lib.rs");
            build_with(dir, target, args)
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

/// Per-tag features: the crate alone built with one mid-sized tag's feature against all
/// of them, debug and release, on the synthetic document (full size and a tenth) and on
/// GitHub's REST API, the last two also with the shared runtime crate (built before, as
/// a dependency).
fn tag_features(root: &Path, target: &Path) {
    // The synthetic document at full size groups its 1,000 operations in 100 tags of ten;
    // at a tenth of the size a tag is a tenth of the crate, which puts the ratio's floor at
    // 0.1 plus the part every build pays, so it is measured too.
    let small = super::generation::synthetic(100);
    let mut documents = vec![
        (
            "synthetic-1000",
            super::generation::synthetic(1000),
            "area49",
            1,
            false,
        ),
        ("synthetic-100", small.clone(), "area4", 3, false),
        ("synthetic-100", small, "area4", 3, true),
    ];
    match super::generation::github() {
        Some(spec) => {
            documents.push(("api.github.com", spec.clone(), "pulls", 1, false));
            documents.push(("api.github.com", spec, "pulls", 1, true));
        }
        None => println!("(no api.github.com document beside the corpus: left out)\n"),
    }
    println!("## Per-tag features (build of the crate alone, dependencies built, s)\n");
    println!(
        "| document | feature | operations | debug, one tag | debug, all | one/all | \
         release, one tag | release, all | one/all |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    let mut ratios = Vec::new();
    for (name, spec, feature, runs, shared) in &documents {
        let (dir, name) = if *shared {
            (
                root.join(format!("{name}-tags-shared")),
                format!("{name}, shared runtime"),
            )
        } else {
            (root.join(format!("{name}-tags")), (*name).to_owned())
        };
        let package = format!(
            "{}-client",
            dir.file_name().and_then(|n| n.to_str()).unwrap_or("")
        );
        generate_crate(spec, &package.replace('.', "-"), &dir, *shared);
        let api = openapi_clientgen::lower_spec(spec).expect("lowers").0;
        let total = api.operations.len();
        let ops = api
            .features
            .iter()
            .find(|f| f.name == *feature)
            .map_or(0, |f| f.operations);
        let one = ["--no-default-features", "--features", feature];
        let time = |release: bool, only: bool| {
            let mut args: Vec<&str> = if only { one.to_vec() } else { Vec::new() };
            if release {
                args.push("--release");
            }
            rebuild(&dir, target, &args, *runs).as_secs_f64()
        };
        let (debug_one, debug_all) = (time(false, true), time(false, false));
        let (release_one, release_all) = (time(true, true), time(true, false));
        println!(
            "| {name} | `{feature}` | {ops} of {total} | {debug_one:.2} | {debug_all:.2} | {:.2} | \
             {release_one:.2} | {release_all:.2} | {:.2} |",
            debug_one / debug_all,
            release_one / release_all
        );
        ratios.push((name, debug_one / debug_all, release_one / release_all));
    }
    println!();
    for (name, debug, release) in ratios {
        println!(
            "- {name}, one tag / all: debug **{debug:.2}**, release **{release:.2}** (target at most 0.15)"
        );
    }
    println!();
}

/// Lines of a generated crate's sources: the shared runtime, and the rest.
struct Lines {
    runtime: usize,
    api: usize,
}

/// Generates a standalone crate for `spec` into `dir` and returns its line counts and
/// operation count.
fn generate(spec: &str, name: &str, dir: &Path) -> (Lines, usize) {
    generate_crate(spec, name, dir, false)
}

/// [`generate`], the crate depending on the shared runtime crate beside it (written
/// there too) when `shared`.
fn generate_crate(spec: &str, name: &str, dir: &Path, shared: bool) -> (Lines, usize) {
    let options = {
        let mut options = openapi_clientgen::CrateOptions::new(name.to_owned());
        options.source = format!("{name}.yaml");
        options.command = "cargo xtask bench".to_owned();
        options.standalone = true;
        if shared {
            options.runtime_crate = Some(format!("../{}", openapi_clientgen::RUNTIME_CRATE));
        }
        options
    };
    if shared {
        let runtime = dir.with_file_name(openapi_clientgen::RUNTIME_CRATE);
        for file in openapi_clientgen::generate_runtime_crate(true).files {
            let path = runtime.join(&file.path);
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("directory");
            std::fs::write(path, &file.contents).expect("write");
        }
    }
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
    if !quick {
        tag_features(&root, &target);
    }
}
