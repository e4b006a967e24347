//! `cargo xtask conformance`: the generator's conformance run (see
//! `openapi-clientgen conformance --help`) with the project's pinned Prism, its
//! `Cargo.lock` and one target directory shared by every run; `--all` runs it on every
//! document of the public corpus and prints the table the README shows.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::Parser as _;
use openapi_clientgen::cli::conformance::{self, ConformanceArgs};
use openapi_clientgen::cli::{Cli, Command};

/// The folders of the corpus whose documents `--all` checks.
const CORPUS: [&str; 3] = ["specs", "specs31", "bench"];

pub fn run(args: &[String]) -> Result<(), String> {
    let all = args.iter().any(|a| a == "--all");
    let rest: Vec<&String> = args.iter().filter(|a| *a != "--all").collect();
    let parsed = Cli::try_parse_from(
        ["openapi-clientgen", "conformance"]
            .into_iter()
            .map(String::from)
            .chain(rest.iter().map(|a| (*a).clone()))
            .chain(
                (all || !rest.iter().any(|a| *a == "--spec"))
                    .then(|| ["--spec".to_owned(), "-".to_owned()])
                    .into_iter()
                    .flatten(),
            ),
    )
    .map_err(|e| e.to_string())?;
    let Some(Command::Conformance(mut parsed)) = parsed.command else {
        return Err("expected the conformance arguments".to_owned());
    };
    let root = crate::root();
    if parsed.prism.is_none() {
        let node = root.join("xtask/node");
        crate::ci::install_node_tools(&node)?;
        parsed.prism = Some(node.join("node_modules/.bin/prism"));
    }
    parsed
        .lockfile
        .get_or_insert_with(|| root.join("Cargo.lock"));
    parsed
        .target_dir
        .get_or_insert_with(|| root.join("target/conformance"));
    if all {
        return run_all(&root, parsed);
    }
    if parsed.spec.as_deref() == Some(Path::new("-")) {
        parsed.spec = Some(root.join(crate::codegen::SPEC));
    }
    if let Some(spec) = &parsed.spec {
        let mut overlays = openapi_clientgen::cli::files::overlays_beside(spec);
        overlays.append(&mut parsed.overlays);
        parsed.overlays = overlays;
    }
    if parsed.out.is_none() {
        parsed.out = Some(root.join("target/conformance").join(spec_name(&parsed)));
    }
    conformance::run(&parsed).map_err(|f| f.message().to_owned())
}

fn spec_name(args: &ConformanceArgs) -> String {
    openapi_clientgen::cli::default_name(args.spec.as_deref().unwrap_or(Path::new("spec")))
}

/// Every corpus document, one after the other; prints per document how many operations
/// passed, and fails when one has a failing call (unless `--report-only`).
fn run_all(root: &Path, args: ConformanceArgs) -> Result<(), String> {
    let corpus =
        std::env::var_os("CORPUS_DIR").map_or_else(|| root.join("../shared"), PathBuf::from);
    if !corpus.is_dir() {
        if std::env::var_os("CI").is_some_and(|v| v == "true") {
            return Err(format!("no corpus at {}", corpus.display()));
        }
        println!("skipped: no corpus at {} (`../shared`)", corpus.display());
        return Ok(());
    }
    let mut documents = Vec::new();
    for folder in CORPUS {
        let Ok(entries) = std::fs::read_dir(corpus.join(folder)) else {
            continue;
        };
        let mut found: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension()
                    .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
            })
            .collect();
        found.sort();
        documents.extend(found.into_iter().map(|p| (folder, p)));
    }
    let mut table = String::from(
        "| document | operations | passed in both modes | with a failing call | not checked (Prism cannot mock, or skipped) | lossy calls | what fails |\n|---|---|---|---|---|---|---|\n",
    );
    let mut failed_any = false;
    for (folder, path) in documents {
        let mut one = args.clone();
        one.spec = Some(path.clone());
        one.out = Some(root.join("target/conformance").join(spec_name(&one)));
        let name = format!(
            "{folder}/{}",
            path.file_name().unwrap_or_default().to_string_lossy()
        );
        eprintln!("==> {name}");
        match conformance::check(&one) {
            Ok(report) => {
                let (passed, failed, total) = report.summary();
                failed_any |= failed > 0;
                // Failing calls by outcome, over both modes.
                let mut outcomes: BTreeMap<&str, usize> = BTreeMap::new();
                for (_, outcome) in report.calls.iter().flat_map(|c| &c.results) {
                    if outcome.failed() {
                        *outcomes.entry(outcome.outcome.as_str()).or_default() += 1;
                    }
                }
                let lossy = outcomes.get("lossy").copied().unwrap_or(0);
                let shown: Vec<String> = outcomes
                    .iter()
                    .map(|(outcome, count)| format!("{outcome} ×{count}"))
                    .collect();
                let _ = writeln!(
                    table,
                    "| {name} | {total} | {passed} | {failed} | {} | {lossy} | {} |",
                    total - passed - failed,
                    shown.join(", ")
                );
            }
            Err(failure) => {
                failed_any = true;
                let _ = writeln!(
                    table,
                    "| {name} | | | | | | not run: {} |",
                    failure.message().replace('\n', " ")
                );
            }
        }
    }
    println!("{table}");
    let summary = root.join("target/conformance/summary.md");
    std::fs::write(&summary, &table).map_err(|e| format!("{}: {e}", summary.display()))?;
    if failed_any && !args.report_only {
        return Err("some documents have failing calls; see the table".to_owned());
    }
    Ok(())
}
