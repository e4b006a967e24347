//! This project's generator beside other Rust generators, printed as Markdown tables with
//! the ratios ours/theirs measured in one run.
//!
//! Beside progenitor 0.15.1, on the documents progenitor's own repository tests with and on
//! GitHub's REST API:
//!
//! - generation time, from the document's text to formatted source text;
//! - lines of generated code, in all and per operation;
//! - the build of the generated crate alone, debug and release, dependencies built;
//! - the build of a binary calling one operation, and of one calling every operation.
//!
//! Beside openapi-to-rust 0.23.0 (`beside_openapi_to_rust.rs`), the other generator aimed
//! at large third-party documents, on nexus, GitHub's, Stripe's and Cloudflare's documents:
//! generation time, lines of generated code (and of types), and `cargo check` and the
//! debug build of the generated crate alone with peak memory, ours with its default
//! features (every tag's) and with none.
//!
//! `cargo xtask bench` runs it after the main benchmark, but not with `--quick`;
//! `cargo xtask bench --only peer` runs it alone, and `PEER=progenitor` or
//! `PEER=openapi-to-rust` in the environment runs only that comparison. Where a generator
//! cannot handle a document (progenitor panics on some) or its crate does not compile, one
//! line says why and its columns are left empty.
//!
//! The documents come from `../shared` beside the repository (or `CORPUS_DIR`); the
//! generated crates and their builds go to `peer-bench/` in the target directory
//! (`peer-bench/openapi-to-rust/` for the second comparison's workspaces).

#![allow(
    clippy::expect_used,
    clippy::panic,
    clippy::unwrap_used,
    reason = "a benchmark fails by panicking"
)]

mod beside_openapi_to_rust;
mod generators;
mod scratch;

use std::path::{Path, PathBuf};
use std::time::Duration;

use generators::{Method, OursLines, median_of};
use scratch::{Generator, Profile, Workspace};

/// The documents beside progenitor, by name and path in the shared directory.
const DOCUMENTS: [(&str, &str); 4] = [
    ("nexus", "bench/progenitor-nexus.json"),
    ("propolis-server", "specs/progenitor-propolis-server.json"),
    ("buildomat", "specs/progenitor-buildomat.json"),
    ("api.github.com", "bench/progenitor-api.github.com.json"),
];

/// How many times each generator runs on each document.
const GENERATION_RUNS: usize = 7;

/// How many times each timed build beside progenitor runs.
const BUILD_RUNS: usize = 3;

/// The highest ratio of the build of a binary calling one operation of ours to one calling
/// all of them, on api.github.com: what a user pays should follow what they use.
const ONE_OF_ALL_TARGET: f64 = 0.25;

fn main() {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shared = std::env::var_os("CORPUS_DIR")
        .map_or_else(|| manifest_dir.join("../../shared"), PathBuf::from);
    if !shared.is_dir() {
        println!(
            "(no shared documents at {}: the comparison with other generators is left out)",
            shared.display()
        );
        return;
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| manifest_dir.join("../target"), PathBuf::from)
        .join("peer-bench");

    let peer = std::env::var("PEER").unwrap_or_default();
    let (progenitor, openapi_to_rust) = match peer.as_str() {
        "" => (true, true),
        "progenitor" => (true, false),
        "openapi-to-rust" => (false, true),
        other => panic!("PEER={other}: expected progenitor or openapi-to-rust (or nothing, both)"),
    };
    if progenitor {
        beside_progenitor(&shared, &target);
    }
    if openapi_to_rust {
        beside_openapi_to_rust::run(&shared, &target);
    }
}

fn beside_progenitor(shared: &Path, target: &Path) {
    println!("## Beside progenitor 0.15.1\n");
    let mut results = Vec::new();
    for (name, path) in DOCUMENTS {
        let Ok(spec) = std::fs::read_to_string(shared.join(path)) else {
            println!("- {name}: no document at {path} in the shared directory; left out");
            continue;
        };
        results.push(measure(name, &spec, target));
    }
    println!();
    print_tables(&results);
}

/// What was measured on one document; `None` where a generator or a build failed.
struct Measured {
    name: &'static str,
    operations: usize,
    ours: Side<OursLines>,
    /// Ours, depending on the shared runtime crate (built before, as progenitor's
    /// `progenitor-client` is).
    shared: Side<OursLines>,
    progenitor: Side<usize>,
}

/// One generator's figures on a document.
struct Side<L> {
    generation: Option<Duration>,
    lines: Option<L>,
    debug: Option<Duration>,
    release: Option<Duration>,
    one: Option<Duration>,
    all: Option<Duration>,
}

impl<L> Side<L> {
    fn new(generation: Option<Duration>, lines: Option<L>) -> Self {
        Side {
            generation,
            lines,
            debug: None,
            release: None,
            one: None,
            all: None,
        }
    }
}

/// Generates both crates for `spec`, writes them with their users into a scratch
/// workspace and times everything.
fn measure(name: &'static str, spec: &str, target: &Path) -> Measured {
    eprintln!("peer: {name}: generating");
    let operations = operations(spec);
    let (time, output) = median_of(GENERATION_RUNS, || generators::ours(spec, true))
        .unwrap_or_else(|why| panic!("{name}: {why}"));
    let mut ours = Side::new(Some(time), Some(OursLines::of(&output)));
    let progenitor = median_of(GENERATION_RUNS, || generators::progenitor(spec))
        .map_err(|why| println!("- progenitor cannot generate {name}: {why}"))
        .ok();

    // In the scratch workspace, ours is a member rather than a workspace of its own.
    let output = generators::ours(spec, false).unwrap_or_else(|why| panic!("{name}: {why}"));
    let ours_methods = generators::ours_methods(&output);
    let features: Vec<String> = openapi_clientgen::lower_spec(spec)
        .map(|(api, _)| api.features.into_iter().map(|f| f.name).collect())
        .unwrap_or_default();
    let mut members = vec![scratch::ours_member(&output)];
    members.extend(users(
        Generator::Ours,
        &ours_methods[..ours_methods.len().min(1)],
        &ours_methods,
        &features,
    ));
    let shared_output = generators::ours_shared(spec).unwrap_or_else(|why| panic!("{name}: {why}"));
    let mut shared = Side::new(None, Some(OursLines::of(&shared_output)));
    members.push(scratch::ours_shared_member(&shared_output));
    members.push(scratch::runtime_member());
    members.extend(users(
        Generator::OursShared,
        &ours_methods[..ours_methods.len().min(1)],
        &ours_methods,
        &features,
    ));
    let mut theirs = Side::new(None, None);
    if let Some((time, generated)) = &progenitor {
        theirs = Side::new(Some(*time), Some(generated.lib.lines().count()));
        let methods = generators::progenitor_methods(&generated.lib);
        // The same operation as ours where progenitor names it alike.
        let one = methods
            .iter()
            .position(|m| ours_methods.first().is_some_and(|o| o.name == m.name))
            .unwrap_or(0);
        members.push(scratch::progenitor_member(
            &generated.lib,
            &generated.dependencies,
        ));
        members.extend(users(
            Generator::Progenitor,
            &methods[one..(one + 1).min(methods.len())],
            &methods,
            &[],
        ));
    }
    let workspace = Workspace::write(&target.join(name), &target.join("target"), &members);

    eprintln!("peer: {name}: building");
    time_builds(name, &workspace, Generator::Ours, &mut ours);
    time_builds(name, &workspace, Generator::OursShared, &mut shared);
    if progenitor.is_some() {
        time_builds(name, &workspace, Generator::Progenitor, &mut theirs);
    }
    Measured {
        name,
        operations,
        ours,
        shared,
        progenitor: theirs,
    }
}

/// The two binaries using `generator`'s crate (with its per-tag `features`): one
/// operation, and all.
fn users(
    generator: Generator,
    one: &[Method],
    all: &[Method],
    features: &[String],
) -> [scratch::Member; 2] {
    let prefix = generator.users();
    [
        scratch::user_member(&format!("{prefix}-one"), generator, one, features),
        scratch::user_member(&format!("{prefix}-all"), generator, all, features),
    ]
}

/// Times the builds of `generator`'s crate and of its users, printing a line for each
/// failure.
fn time_builds<L>(name: &str, workspace: &Workspace, generator: Generator, side: &mut Side<L>) {
    let timed = |package: &str, source: &str, profile: Profile| {
        workspace
            .rebuild_time(package, source, profile, &[], BUILD_RUNS)
            .map(|built| built.time)
            .map_err(|why| println!("- {name}: {why}"))
            .ok()
    };
    let (package, users) = (generator.package(), generator.users());
    side.debug = timed(package, "src/lib.rs", Profile::Debug);
    side.release = timed(package, "src/lib.rs", Profile::Release);
    side.one = timed(&format!("{users}-one"), "src/main.rs", Profile::Debug);
    side.all = timed(&format!("{users}-all"), "src/main.rs", Profile::Debug);
}

/// The operations the document (JSON or YAML) declares, counted alike for every generator.
fn operations(spec: &str) -> usize {
    const METHODS: [&str; 8] = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    let json = openapi_clientgen::overlaid_document(spec, &[]).expect("the document loads");
    let document: serde_json::Value = serde_json::from_str(&json).expect("a JSON document");
    document["paths"].as_object().map_or(0, |paths| {
        paths
            .values()
            .map(|item| METHODS.iter().filter(|m| item.get(**m).is_some()).count())
            .sum()
    })
}

/// The median of `times`, which are not empty.
pub fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn print_tables(results: &[Measured]) {
    println!(
        "Progenitor generates in the builder style with merged tags, its code rendered by \
         prettyplease as in a build script. Ours counts `src/**.rs` but `runtime.rs` (the \
         plumbing every operation shares; progenitor's is the `progenitor-client` crate) and \
         the mocks, `mock.rs` and its groups' files (behind a feature; progenitor generates \
         its `httpmock` helpers as a separate crate), shown apart. Builds are timed with dependencies built and \
         incremental compilation off: the median of {BUILD_RUNS} builds of one crate.\n"
    );

    println!("### Generation (ms, median of {GENERATION_RUNS}, text to formatted source)\n");
    println!("| document | operations | ours | progenitor | ours/progenitor |");
    println!("|---|---|---|---|---|");
    for r in results {
        let (ours, theirs) = (r.ours.generation, r.progenitor.generation);
        println!(
            "| {} | {} | {} | {} | {} |",
            r.name,
            r.operations,
            ms(ours),
            ms(theirs),
            ratio(secs(ours), secs(theirs))
        );
    }
    println!();

    println!("### Generated lines\n");
    println!(
        "| document | ours | ours/operation | progenitor | progenitor/operation | \
         ours/progenitor | ours mocks | ours `runtime.rs` |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for r in results {
        let ours = r.ours.lines.map(|l| l.api as f64);
        let theirs = r.progenitor.lines.map(|l| l as f64);
        let per_operation = |lines: Option<f64>| lines.map(|l| l / r.operations.max(1) as f64);
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            r.name,
            number(ours, 0),
            number(per_operation(ours), 0),
            number(theirs, 0),
            number(per_operation(theirs), 0),
            ratio(ours, theirs),
            number(r.ours.lines.map(|l| l.mock as f64), 0),
            number(r.ours.lines.map(|l| l.runtime as f64), 0),
        );
    }
    println!();

    println!("### Build of the generated crate alone (s, median of {BUILD_RUNS})\n");
    println!(
        "| document | ours, debug | progenitor, debug | ours/progenitor | ours, release | \
         progenitor, release | ours/progenitor |"
    );
    println!("|---|---|---|---|---|---|---|");
    for r in results {
        let (ours, theirs) = (&r.ours, &r.progenitor);
        println!(
            "| {} | {} | {} | {} | {} | {} | {} |",
            r.name,
            number(secs(ours.debug), 2),
            number(secs(theirs.debug), 2),
            ratio(secs(ours.debug), secs(theirs.debug)),
            number(secs(ours.release), 2),
            number(secs(theirs.release), 2),
            ratio(secs(ours.release), secs(theirs.release)),
        );
    }
    println!();

    println!(
        "### Build of a binary calling one operation or all of them (s, debug, median of \
         {BUILD_RUNS})\n"
    );
    println!(
        "| document | ours, one | ours, all | ours one/all | progenitor, one | progenitor, \
         all | progenitor one/all | all: ours/progenitor |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for r in results {
        let (ours, theirs) = (&r.ours, &r.progenitor);
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            r.name,
            number(secs(ours.one), 2),
            number(secs(ours.all), 2),
            ratio(secs(ours.one), secs(ours.all)),
            number(secs(theirs.one), 2),
            number(secs(theirs.all), 2),
            ratio(secs(theirs.one), secs(theirs.all)),
            ratio(secs(ours.all), secs(theirs.all)),
        );
    }
    println!();

    println!(
        "### Ours with the shared runtime crate (`--runtime-crate`), beside progenitor (s, \
         median of {BUILD_RUNS})\n\n\
         The runtime crate is built before, as a dependency, as `progenitor-client` is for \
         progenitor's crate; the crate holds only its API and the request type its operations \
         add methods to.\n"
    );
    println!(
        "| document | `runtime.rs` lines | debug | /progenitor | release | /progenitor | \
         one | /progenitor | all | /progenitor | crate and all, debug: /progenitor |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    for r in results {
        let (ours, theirs) = (&r.shared, &r.progenitor);
        let sum = |a: Option<Duration>, b: Option<Duration>| Some(secs(a)? + secs(b)?);
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            r.name,
            number(ours.lines.map(|l| l.runtime as f64), 0),
            number(secs(ours.debug), 2),
            ratio(secs(ours.debug), secs(theirs.debug)),
            number(secs(ours.release), 2),
            ratio(secs(ours.release), secs(theirs.release)),
            number(secs(ours.one), 2),
            ratio(secs(ours.one), secs(theirs.one)),
            number(secs(ours.all), 2),
            ratio(secs(ours.all), secs(theirs.all)),
            ratio(sum(ours.debug, ours.all), sum(theirs.debug, theirs.all)),
        );
    }
    println!();

    if let Some(github) = results.iter().find(|r| r.name == "api.github.com") {
        let one_of_all = ratio(secs(github.ours.one), secs(github.ours.all));
        println!(
            "- ours on api.github.com, a binary calling one operation / one calling all: \
             **{one_of_all}** (target under {ONE_OF_ALL_TARGET})\n"
        );
    }
}

fn secs(d: Option<Duration>) -> Option<f64> {
    d.map(|d| d.as_secs_f64())
}

fn ms(d: Option<Duration>) -> String {
    number(secs(d).map(|s| s * 1000.0), 1)
}

fn number(value: Option<f64>, decimals: usize) -> String {
    value.map_or_else(|| "-".to_owned(), |v| format!("{v:.decimals$}"))
}

fn ratio(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => format!("{:.2}", a / b),
        _ => "-".to_owned(),
    }
}
