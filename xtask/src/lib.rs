//! Project tasks, run as `cargo xtask <task>` (the binary is a thin wrapper over [`main`]):
//!
//! - `codegen [--check]` regenerates `generated/` from `spec/livedesk.yaml`;
//! - `codegen --spec FILE --out DIR [--name CRATE] [--check]` generates a crate for any spec;
//! - `api-diff` reports the API changes between two versions of a spec;
//! - `bench` measures generation, generated code weight and client overhead, and compares
//!   the generator with progenitor;
//! - `conformance` calls every operation of a spec's client against Prism mocking the spec;
//! - `e2e` runs a scenario through a client generated from a real server's document,
//!   against that server (Prefect, installed from PyPI);
//! - `ci` runs every check the project has, installing the Node and Python tools it needs.

pub mod api_diff;
pub mod ci;
pub mod codegen;
pub mod conformance;
pub mod e2e;
pub mod standalone;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Runs the task named by the command-line arguments.
pub fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => codegen::run(&args[1..]),
        Some("ci") => ci::run(&args[1..]),
        Some("api-diff") => api_diff::run(&args[1..]),
        Some("bench") => bench(&args[1..]),
        Some("conformance") => conformance::run(&args[1..]),
        Some("e2e") => e2e::run(&args[1..]),
        Some("standalone") if args.len() == 1 => standalone::run(),
        Some("help" | "--help" | "-h") | None => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown task `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("{message}");
            }
            ExitCode::FAILURE
        }
    }
}

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  codegen [--check]                 regenerate generated/ from spec/livedesk.yaml;
                                    --check writes nothing and fails with a diff if stale
  codegen --spec FILE --out DIR [--name CRATE] [--overlay FILE]... [--check]
                                    generate a standalone client crate for any spec;
                                    the overlays kept beside a spec (NAME.overlay.yaml,
                                    NAME.*.overlay.yaml) apply first, then those named
  api-diff [--base REV] [--new FILE] [--overlay FILE]... [--format markdown|json] [--deny-breaking]
                                    report what changed in the API since a git revision
                                    (default HEAD), for the pull request; the overlays
                                    as they were at the revision apply to the old side
  api-diff --old FILE --new FILE [--old-overlay FILE]... [--overlay FILE]... [--format markdown|json] [--deny-breaking]
                                    compare two spec files
  bench [--quick] [--only generation|weight|giants|split|client|peer]
                                    measure generation time per stage, generated code
                                    weight and client overhead; print ratios as Markdown.
                                    Then, unless --quick, compare with progenitor (peer/):
                                    generation, lines, crate and user build times
                                    (--only peer runs just that)
  conformance [--spec FILE] [--mode static|dynamic|both] [--report-only] [--format markdown|json]
                                    generate the spec's client (default spec/livedesk.yaml) and
                                    a program calling every operation, run it against Prism
                                    mocking the spec, and report per call; fails when a
                                    request is rejected or a response does not decode
  conformance --all [--report-only] the same for every document in ../shared, with a
                                    summary table
  e2e [prefect|stripe]              install the pinned Prefect server and localstripe from
                                    PyPI, start them on 127.0.0.1, generate clients from
                                    Prefect's served document and from Stripe's (with
                                    tests/e2e/stripe.overlay.yaml), and run tests/e2e/*.rs
                                    through them, checking that no value a server sends is
                                    lost; one server's part alone when named
  standalone                        build the LiveDesk crate and a few fixture crates
                                    alone, as users do, with clippy's warnings denied
  ci                                run every check: format, clippy, freshness, spec lint,
                                    tests, generated crates built alone, conformance
                                    against a validating mock server, the end-to-end test
                                    against a real server
";

/// Runs the performance benchmark (`tests/benches/performance`) in release mode, then,
/// unless `--quick`, the comparison with progenitor (`peer/`).
fn bench(args: &[String]) -> Result<(), String> {
    let mut quick = false;
    let mut only = None;
    let mut options = args.iter();
    while let Some(arg) = options.next() {
        match arg.as_str() {
            "--quick" => quick = true,
            "--only" => match options.next().map(String::as_str) {
                Some(part @ ("generation" | "weight" | "giants" | "split" | "client" | "peer")) => {
                    only = Some(part)
                }
                _ => {
                    return Err(format!(
                        "--only takes generation, weight, giants, split, client or peer\n\n{USAGE}"
                    ));
                }
            },
            other => return Err(format!("unknown argument `{other}`\n\n{USAGE}")),
        }
    }
    if quick && only == Some("peer") {
        return Err(format!(
            "the comparison with progenitor has no quick mode\n\n{USAGE}"
        ));
    }
    let root = root();
    if only != Some("peer") {
        let mut command = vec![
            "bench",
            "--locked",
            "-p",
            "livedesk-tests",
            "--bench",
            "performance",
            "--",
        ];
        command.extend(args.iter().map(String::as_str));
        ci::cargo(&root, &command, &[])?;
    }
    if !quick && only.is_none_or(|part| part == "peer") {
        peer_bench(&root);
    }
    Ok(())
}

/// Runs the comparison with progenitor, a workspace of its own in `peer/` so that the rest
/// of the project never builds progenitor. It shares the main target directory. A failure
/// (say, no network to fetch progenitor) is reported and does not fail the benchmark.
fn peer_bench(root: &Path) {
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let target = target.to_string_lossy();
    let command = [
        "bench",
        "--locked",
        "--manifest-path",
        "peer/Cargo.toml",
        "--bench",
        "peer",
    ];
    if let Err(why) = ci::cargo(root, &command, &[("CARGO_TARGET_DIR", &target)]) {
        println!("(the comparison with progenitor did not run: {why})");
    }
}

/// The workspace root, where `spec/`, `generated/` and `xtask/` live.
pub fn root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map(PathBuf::from)
        .unwrap_or(manifest_dir)
}
