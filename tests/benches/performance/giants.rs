//! The largest documents (`bench` beside the corpus: Cloudflare's and Stripe's): how
//! long they take to generate, how their crates are laid out, and how long `cargo check`
//! of the crate alone takes (dependencies built) with no feature, with one and with all,
//! with the peak memory where `/usr/bin/time` reports it. `--quick` measures a synthetic
//! document instead, so that the code paths keep working without building the giants.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// A document, and the feature measured alone.
struct Giant {
    name: &'static str,
    spec: String,
    feature: &'static str,
}

fn giants(quick: bool) -> Vec<Giant> {
    if quick {
        return vec![Giant {
            name: "synthetic-100",
            spec: super::generation::synthetic(100),
            feature: "area4",
        }];
    }
    let Some(dir) = super::generation::corpus_dir()
        .parent()
        .map(|d| d.join("bench"))
    else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for (name, file, feature) in [
        ("cloudflare", "cloudflare.json", "waiting-room"),
        ("stripe", "stripe-spec3.yaml", "customers"),
    ] {
        match std::fs::read_to_string(dir.join(file)) {
            Ok(spec) => found.push(Giant {
                name,
                spec,
                feature,
            }),
            Err(_) => println!("(no {file} in {}: left out)\n", dir.display()),
        }
    }
    found
}

/// `cargo check` of the crate in `dir` alone (its root touched first): seconds, and the
/// peak memory in MB when the platform reports it.
fn check(dir: &Path, target: &Path, args: &[&str]) -> (f64, Option<f64>) {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let lib = dir.join("src/lib.rs");
    std::fs::File::options()
        .write(true)
        .open(&lib)
        .and_then(|f| f.set_modified(std::time::SystemTime::now()))
        .expect("touch lib.rs");
    let timer = Path::new("/usr/bin/time");
    let memory = dir.join("peak-memory.txt");
    let mut command = if timer.is_file() {
        let mut command = Command::new(timer);
        command
            .arg("-f")
            .arg("%M")
            .arg("-o")
            .arg(&memory)
            .arg(&cargo);
        command
    } else {
        Command::new(&cargo)
    };
    let start = Instant::now();
    let status = command
        .args(["check", "--quiet", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .args(args)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_INCREMENTAL", "0")
        .status()
        .expect("cargo runs");
    let elapsed = start.elapsed().as_secs_f64();
    assert!(status.success(), "{} checks with {args:?}", dir.display());
    let peak = std::fs::read_to_string(&memory)
        .ok()
        .and_then(|text| text.lines().last()?.trim().parse::<f64>().ok())
        .map(|kb| kb / 1024.0);
    (elapsed, peak)
}

fn cell((seconds, peak): (f64, Option<f64>)) -> String {
    match peak {
        Some(mb) => format!("{seconds:.1} s, {mb:.0} MB"),
        None => format!("{seconds:.1} s"),
    }
}

pub fn run(quick: bool) {
    let target_dir = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"),
        PathBuf::from,
    );
    let root = target_dir.join("bench-crates");
    let target = target_dir.join("bench-target");
    println!(
        "## The largest documents (generation; `cargo check` of the crate alone, dependencies built)\n"
    );
    println!(
        "| document | operations | features | files | lines | longest file | generation | \
         check, no feature | check, one feature | check, all |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for giant in giants(quick) {
        let mut options = openapi_clientgen::CrateOptions::new(format!("{}-client", giant.name));
        options.source = format!("{}.yaml", giant.name);
        options.command = "cargo xtask bench".to_owned();
        options.standalone = true;
        let mut fastest = Duration::MAX;
        let mut output = None;
        for _ in 0..if quick { 1 } else { 2 } {
            let start = Instant::now();
            output = Some(openapi_clientgen::generate(&giant.spec, &options).expect("generates"));
            fastest = fastest.min(start.elapsed());
        }
        let output = output.expect("generated once");
        let dir = root.join(format!("{}-giant", giant.name));
        let _ = std::fs::remove_dir_all(&dir);
        for file in &output.files {
            let path = dir.join(&file.path);
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("directory");
            std::fs::write(path, &file.contents).expect("write");
        }
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock"),
            dir.join("Cargo.lock"),
        )
        .expect("copy Cargo.lock");
        let sources: Vec<_> = output
            .files
            .iter()
            .filter(|f| f.path.ends_with(".rs"))
            .collect();
        let lines: usize = sources.iter().map(|f| f.contents.lines().count()).sum();
        let longest = sources
            .iter()
            .map(|f| (f.contents.lines().count(), f.path.as_str()))
            .max()
            .unwrap_or_default();
        let api = openapi_clientgen::lower_spec(&giant.spec)
            .expect("lowers")
            .0;
        // All features first: it builds the dependencies every other build uses.
        let all = check(&dir, &target, &[]);
        let none = check(
            &dir,
            &target,
            &["--no-default-features", "--features", "rustls"],
        );
        let one_feature = format!("rustls,{}", giant.feature);
        let one = check(
            &dir,
            &target,
            &["--no-default-features", "--features", &one_feature],
        );
        println!(
            "| {} | {} | {} | {} | {lines} | {} ({} lines) | {:.2} s | {} | `{}`: {} | {} |",
            giant.name,
            api.operations.len(),
            api.features.len(),
            sources.len(),
            longest.1,
            longest.0,
            fastest.as_secs_f64(),
            cell(none),
            giant.feature,
            cell(one),
            cell(all),
        );
    }
    println!();
}
