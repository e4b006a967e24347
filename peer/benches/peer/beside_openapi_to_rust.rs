//! This project's generator beside openapi-to-rust 0.23.0, the other Rust generator aimed
//! at large third-party documents, on the largest documents of the shared directory:
//! generation time, lines, and `cargo check` and the debug build of each generated crate
//! alone, with peak memory.
//!
//! openapi-to-rust runs as its CLI's `generate SOURCE` does, with its default settings (an
//! async client, no SSE, no tracing; `types.rs`, `client.rs` and `mod.rs`), its crate
//! depending on what its `REQUIRED_DEPS.toml` names. Ours runs with default settings too;
//! its crate is measured with its default features, which turn on every tag's (or
//! resource's) operations, the fair match for a crate without features, and with none of
//! them (TLS only), which compiles what every build compiles.

use std::path::Path;
use std::time::Duration;

use crate::generators::{self, OursLines, median_of};
use crate::scratch::{self, Member, Profile, Timed, Workspace};
use crate::{GENERATION_RUNS, ms, number, ratio, secs};

/// The documents: name, path in the shared directory, and how many times each of its timed
/// builds runs (once for the largest, whose builds take minutes).
const DOCUMENTS: [(&str, &str, usize); 4] = [
    ("nexus", "bench/progenitor-nexus.json", 3),
    ("api.github.com", "bench/progenitor-api.github.com.json", 1),
    ("stripe", "bench/stripe-spec3.yaml", 1),
    ("cloudflare", "bench/cloudflare.json", 1),
];

/// Cargo's arguments for our crate without its tag features, TLS kept as in the default
/// build and in openapi-to-rust's crate.
const NO_FEATURE: [&str; 3] = ["--no-default-features", "--features", "rustls"];

/// What was measured on one document; `None` where a generator or a build failed.
struct Measured {
    name: &'static str,
    operations: usize,
    ours: Side,
    /// Ours built with no tag feature.
    ours_bare: Builds,
    theirs: Side,
}

/// One generator's figures on a document.
#[derive(Default)]
struct Side {
    generation: Option<Duration>,
    lines: Option<Lines>,
    builds: Builds,
}

/// Lines of generated Rust source.
#[derive(Clone, Copy)]
struct Lines {
    /// Everything the crate's default build compiles (ours: all but the mocks).
    all: usize,
    /// The schemas' types (ours: `src/types.rs` and `src/types/*.rs`; openapi-to-rust:
    /// `types.rs`).
    types: usize,
}

/// The crate alone, dependencies built.
#[derive(Default)]
struct Builds {
    check: Option<Timed>,
    debug: Option<Timed>,
}

pub fn run(shared: &Path, target: &Path) {
    println!("## Beside openapi-to-rust 0.23.0\n");
    let mut results = Vec::new();
    for (name, path, runs) in DOCUMENTS {
        let Ok(spec) = std::fs::read_to_string(shared.join(path)) else {
            println!("- {name}: no document at {path} in the shared directory; left out");
            continue;
        };
        let source = Path::new(path)
            .file_name()
            .map_or_else(|| path.into(), |f| f.to_string_lossy());
        results.push(measure(name, &spec, &source, runs, target));
    }
    println!();
    print_tables(&results);
}

/// Generates both crates for `spec` (the text of the file `source`), writes them into a
/// scratch workspace and times their checks and builds.
fn measure(name: &'static str, spec: &str, source: &str, runs: usize, target: &Path) -> Measured {
    eprintln!("peer: {name}: generating");
    let operations = crate::operations(spec);
    let mut ours = Side::default();
    let mut theirs = Side::default();
    let mut members: Vec<Member> = Vec::new();
    match median_of(GENERATION_RUNS, || generators::ours(spec, false)) {
        Ok((time, output)) => {
            let lines = OursLines::of(&output);
            ours.generation = Some(time);
            ours.lines = Some(Lines {
                all: lines.api + lines.runtime,
                types: lines.types,
            });
            members.push(scratch::ours_member(&output));
        }
        Err(why) => println!("- ours cannot generate {name}: {why}"),
    }
    match median_of(GENERATION_RUNS, || {
        generators::openapi_to_rust(spec, source)
    }) {
        Ok((time, generated)) => {
            theirs.generation = Some(time);
            theirs.lines = Some(Lines {
                all: generated.lines(|_| true),
                types: generated.lines(|path| path == "types.rs"),
            });
            members.push(scratch::openapi_to_rust_member(
                &generated.files,
                &generated.dependencies,
            ));
        }
        Err(why) => println!("- openapi-to-rust cannot generate {name}: {why}"),
    }
    let workspace = Workspace::write(
        &target.join("openapi-to-rust").join(name),
        &target.join("target"),
        &members,
    );

    let mut ours_bare = Builds::default();
    let timed = |package: &str, args: &[&str]| {
        let build = |profile| {
            workspace
                .rebuild_time(package, "src/lib.rs", profile, args, runs)
                .map_err(|why| println!("- {name}: {why}"))
                .ok()
        };
        eprintln!(
            "peer: {name}: checking and building {package} {}",
            args.join(" ")
        );
        Builds {
            check: build(Profile::Check),
            debug: build(Profile::Debug),
        }
    };
    if ours.lines.is_some() {
        ours.builds = timed(generators::OURS, &[]);
        ours_bare = timed(generators::OURS, &NO_FEATURE);
    }
    if theirs.lines.is_some() {
        theirs.builds = timed(generators::OPENAPI_TO_RUST, &[]);
    }
    Measured {
        name,
        operations,
        ours,
        ours_bare,
        theirs,
    }
}

fn print_tables(results: &[Measured]) {
    let runs: Vec<String> = DOCUMENTS
        .iter()
        .map(|(name, _, runs)| format!("{runs} on {name}"))
        .collect();
    println!(
        "openapi-to-rust generates as `openapi-to-rust generate SOURCE` does (its default \
         settings; its crate depends on what its `REQUIRED_DEPS.toml` names). Ours counts \
         every `src/**.rs` but the mocks (behind the `mock` feature); its crate is built with \
         its default features, every tag's (or resource's) operations, and apart with none \
         but TLS. Builds and checks are of the crate alone, dependencies built and \
         incremental compilation off, the median of as many runs as given ({}); peak memory \
         is rustc's, where `/usr/bin/time` reports it.\n",
        runs.join(", ")
    );

    println!("### Generation (ms, median of {GENERATION_RUNS}) and generated lines\n");
    println!(
        "| document | operations | ours | openapi-to-rust | ours/theirs | lines: ours | \
         openapi-to-rust | ours/theirs | types: ours | openapi-to-rust | ours/theirs |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    for r in results {
        let (ours, theirs) = (r.ours.lines, r.theirs.lines);
        let all = |l: Option<Lines>| l.map(|l| l.all as f64);
        let types = |l: Option<Lines>| l.map(|l| l.types as f64);
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            r.name,
            r.operations,
            ms(r.ours.generation),
            ms(r.theirs.generation),
            ratio(secs(r.ours.generation), secs(r.theirs.generation)),
            number(all(ours), 0),
            number(all(theirs), 0),
            ratio(all(ours), all(theirs)),
            number(types(ours), 0),
            number(types(theirs), 0),
            ratio(types(ours), types(theirs)),
        );
    }
    println!();

    print_builds(results, "`cargo check`", |b| b.check);
    print_builds(results, "Debug build", |b| b.debug);
}

/// The table of one kind of build, `of` each document's builds.
fn print_builds(results: &[Measured], title: &str, of: fn(&Builds) -> Option<Timed>) {
    println!("### {title} of the generated crate alone (s, peak MB)\n");
    println!(
        "| document | ours, default features | openapi-to-rust | time ours/theirs | \
         memory ours/theirs | ours, no feature |"
    );
    println!("|---|---|---|---|---|---|");
    let time = |t: Option<Timed>| secs(t.map(|t| t.time));
    let memory = |t: Option<Timed>| t.and_then(|t| t.peak_mb);
    for r in results {
        let (ours, theirs) = (of(&r.ours.builds), of(&r.theirs.builds));
        println!(
            "| {} | {} | {} | {} | {} | {} |",
            r.name,
            cell(ours),
            cell(theirs),
            ratio(time(ours), time(theirs)),
            ratio(memory(ours), memory(theirs)),
            cell(of(&r.ours_bare)),
        );
    }
    println!();
}

/// A build's seconds and peak memory.
fn cell(built: Option<Timed>) -> String {
    match built {
        None => "-".to_owned(),
        Some(Timed {
            time,
            peak_mb: Some(mb),
        }) => format!("{:.2} s, {mb:.0} MB", time.as_secs_f64()),
        Some(Timed { time, .. }) => format!("{:.2} s", time.as_secs_f64()),
    }
}
