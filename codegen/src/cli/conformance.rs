//! `conformance`: generates a spec's client and a harness calling every operation, starts
//! Prism on the same document (on 127.0.0.1, request validation on, stopped by its process
//! id), runs the harness against it in static mode (the spec's examples) and dynamic mode
//! (responses made from the schemas, with a fixed seed), and reports per call.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use clap::{Args, ValueEnum};
use serde_json::{Value, json};

use super::{Failure, ReportFormat, default_name, files};
use crate::{CrateOptions, PlannedCall};

/// What to check, and how.
#[derive(Clone, Debug, Default, Args)]
pub struct ConformanceArgs {
    /// The OpenAPI document.
    #[arg(long, value_name = "FILE", required = true)]
    pub spec: Option<PathBuf>,
    /// An overlay correcting the document, applied before it is read; repeatable, applied
    /// in order. Prism is given the document with the overlays applied.
    #[arg(long = "overlay", value_name = "FILE")]
    pub overlays: Vec<PathBuf>,
    /// Where the client, the harness and the reports go (default
    /// `target/conformance/<spec name>`).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// The Prism executable (default: `$PRISM`, else `prism` on the `PATH`).
    #[arg(long, value_name = "FILE")]
    pub prism: Option<PathBuf>,
    /// Which of Prism's response modes to run.
    #[arg(long, value_enum, default_value_t = Modes::Both)]
    pub mode: Modes,
    /// The seed of Prism's dynamic responses.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Reads files outside the spec's directory when its `$ref`s name them.
    #[arg(long)]
    pub allow_outside_root: bool,
    /// Cargo's target directory for the harness build (default: `$CARGO_TARGET_DIR`, else
    /// `target` in the output directory); one shared by several runs builds dependencies
    /// once.
    #[arg(long, value_name = "DIR")]
    pub target_dir: Option<PathBuf>,
    /// A `Cargo.lock` to build the harness with (pins dependency versions).
    #[arg(long, value_name = "FILE")]
    pub lockfile: Option<PathBuf>,
    /// How the report is printed (both forms are written to the output directory).
    #[arg(long, value_enum, default_value_t = ReportFormat::Markdown)]
    pub format: ReportFormat,
    /// Exits 0 even when some call fails (the report says which).
    #[arg(long)]
    pub report_only: bool,
}

/// Prism's response modes to run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Modes {
    /// The spec's examples.
    Static,
    /// Responses made from the schemas.
    Dynamic,
    /// One, then the other.
    #[default]
    Both,
}

/// What one call gave in one mode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// `passed`; `rejected` (Prism found the request in violation of the spec);
    /// `undecodable` (the response did not decode into the client's types); `lossy` (it
    /// decoded, but a value the spec declares did not survive: missing or different when
    /// the decoded value is encoded again, or kept in a union's catch-all variant while one
    /// of its variants fits); `argument`
    /// (a value from the spec is not one of the client's type); `document` (the response
    /// Prism would send from the spec violates the spec's own schema); `error` (no
    /// response); `unmockable` (Prism cannot answer the operation); `skipped` (the
    /// harness cannot make the call); `missing` (the harness stopped before it).
    pub outcome: String,
    /// Prism's messages, the decoding error, or why the call was skipped.
    pub detail: String,
}

impl Outcome {
    /// Whether it shows a defect (of the client or of the document).
    pub fn failed(&self) -> bool {
        !matches!(self.outcome.as_str(), "passed" | "skipped" | "unmockable")
    }
}

/// One call and its outcome per mode.
#[derive(Clone, Debug)]
pub struct CallReport {
    /// The call.
    pub call: PlannedCall,
    /// Its outcome in each mode run, in order.
    pub results: Vec<(&'static str, Outcome)>,
}

/// The whole run.
#[derive(Clone, Debug)]
pub struct Report {
    /// The spec's file name.
    pub spec: String,
    /// The modes run.
    pub modes: Vec<&'static str>,
    /// Every call.
    pub calls: Vec<CallReport>,
}

impl Report {
    /// Operations all of whose calls passed, operations with some call failing, and all
    /// operations.
    pub fn summary(&self) -> (usize, usize, usize) {
        let mut by_operation: BTreeMap<(&str, &str, &str), (bool, bool)> = BTreeMap::new();
        for c in &self.calls {
            let key = (
                c.call.operation.as_str(),
                c.call.method.as_str(),
                c.call.path.as_str(),
            );
            let entry = by_operation.entry(key).or_insert((true, false));
            for (_, outcome) in &c.results {
                entry.0 &= outcome.outcome == "passed";
                entry.1 |= outcome.failed();
            }
        }
        let passed = by_operation.values().filter(|(p, _)| *p).count();
        let failed = by_operation.values().filter(|(_, f)| *f).count();
        (passed, failed, by_operation.len())
    }

    /// Whether some call failed.
    pub fn failed(&self) -> bool {
        self.calls
            .iter()
            .any(|c| c.results.iter().any(|(_, o)| o.failed()))
    }

    /// The report as a Markdown table with a summary line.
    pub fn markdown(&self) -> String {
        let (passed, failed, total) = self.summary();
        let mut out = format!(
            "## Conformance of `{}` against Prism\n\n{passed} of {total} operations passed in every mode \
             ({}); {failed} with a failing call.\n\n| operation | call | method | path |",
            self.spec,
            self.modes.join(", ")
        );
        for mode in &self.modes {
            let _ = write!(out, " {mode} |");
        }
        out.push_str(" detail |\n|---|---|---|---|");
        for _ in &self.modes {
            out.push_str("---|");
        }
        out.push_str("---|\n");
        for c in &self.calls {
            let _ = write!(
                out,
                "| `{}` | {} | {} | `{}` |",
                c.call.operation, c.call.call, c.call.method, c.call.path
            );
            let mut details = Vec::new();
            for (mode, outcome) in &c.results {
                let _ = write!(out, " {} |", outcome.outcome);
                if !outcome.detail.is_empty() && outcome.outcome != "passed" {
                    details.push(format!("{mode}: {}", outcome.detail));
                }
            }
            let detail = details.join("; ").replace('|', "\\|").replace('\n', " ");
            let _ = writeln!(out, " {detail} |");
        }
        out
    }

    /// The report as JSON.
    pub fn json(&self) -> Value {
        let (passed, failed, total) = self.summary();
        let calls: Vec<Value> = self
            .calls
            .iter()
            .map(|c| {
                let results: serde_json::Map<String, Value> = c
                    .results
                    .iter()
                    .map(|(mode, o)| {
                        (
                            (*mode).to_owned(),
                            json!({"outcome": o.outcome, "detail": o.detail}),
                        )
                    })
                    .collect();
                json!({
                    "operation": c.call.operation,
                    "method": c.call.method,
                    "path": c.call.path,
                    "call": c.call.call,
                    "results": results,
                })
            })
            .collect();
        json!({
            "spec": self.spec,
            "modes": self.modes,
            "summary": {"passed": passed, "failed": failed, "operations": total},
            "calls": calls,
        })
    }
}

/// Runs the check as the arguments say; prints the report.
pub fn run(args: &ConformanceArgs) -> Result<(), Failure> {
    let report = check(args)?;
    match args.format {
        ReportFormat::Markdown => println!("{}", report.markdown()),
        ReportFormat::Json => println!("{:#}", report.json()),
    }
    if report.failed() && !args.report_only {
        let (_, failed, total) = report.summary();
        return Err(Failure::Problems(format!(
            "{failed} of {total} operations have a failing call"
        )));
    }
    Ok(())
}

/// Generates, builds and runs the harness against Prism; writes `report.md` and
/// `report.json` to the output directory and returns the report.
pub fn check(args: &ConformanceArgs) -> Result<Report, Failure> {
    let spec_path = args
        .spec
        .as_deref()
        .ok_or_else(|| Failure::Usage("--spec FILE is required".to_owned()))?;
    let given_path = spec_path;
    let spec = std::fs::read_to_string(spec_path)
        .map_err(|e| Failure::Io(format!("{}: {e}", spec_path.display())))?;
    let name = default_name(spec_path);
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("target/conformance").join(&name));
    let spec_path = std::fs::canonicalize(spec_path)
        .map_err(|e| Failure::Io(format!("{}: {e}", spec_path.display())))?;
    let prism = args
        .prism
        .clone()
        .or_else(|| std::env::var_os("PRISM").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("prism"));
    // Before the long build: Prism must run.
    Command::new(&prism)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| {
            Failure::Io(format!(
                "cannot run Prism ({}): {e}; install `@stoplight/prism-cli` with npm, or name it with --prism",
                prism.display()
            ))
        })?;

    let problems = |diagnostics: Vec<crate::Diagnostic>| {
        Failure::Problems(
            diagnostics
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n"),
        )
    };
    let overlays = super::read_overlays(&args.overlays)?;
    let mut options = CrateOptions::new(name.clone());
    options.standalone = false;
    options.command = "openapi-clientgen conformance".to_owned();
    options.source = spec_path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    options.settings.overlays.clone_from(&overlays);
    options.settings.files = super::disk_files(given_path, args.allow_outside_root);
    let client = crate::generate(&spec, &options).map_err(problems)?;
    let (api, _) = crate::lower_spec_with(&spec, &options.settings).map_err(problems)?;
    let harness =
        crate::conformance_harness(&spec, &options.settings, args.seed).map_err(problems)?;
    // Prism reads the document the client was generated from: with its overlays applied,
    // and in one file when it is split across several.
    let spec_path = if overlays.is_empty() && client.inputs.is_empty() {
        spec_path
    } else {
        let overlaid = crate::bundled_document(&spec, &options.settings).map_err(problems)?;
        let path = out.join("overlaid.json");
        write(&path, &overlaid)?;
        path
    };

    files::write(&out.join("client"), &client).map_err(Failure::Io)?;
    write(&out.join("harness/src/main.rs"), &harness.main_rs)?;
    // A package name of its own per spec: runs sharing a target directory do not
    // overwrite each other's program.
    let package = format!("conformance-{name}");
    write(
        &out.join("harness/Cargo.toml"),
        &harness_manifest(&package, &name, &harness.extra_crates),
    )?;
    write(
        &out.join("Cargo.toml"),
        "[workspace]\nresolver = \"3\"\nmembers = [\"client\", \"harness\"]\n",
    )?;
    if let Some(lockfile) = &args.lockfile {
        std::fs::copy(lockfile, out.join("Cargo.lock"))
            .map_err(|e| Failure::Io(format!("{}: {e}", lockfile.display())))?;
    }
    let binary = build(&out, &package, args.target_dir.as_deref())?;
    let modes: Vec<&'static str> = match args.mode {
        Modes::Static => vec!["static"],
        Modes::Dynamic => vec!["dynamic"],
        Modes::Both => vec!["static", "dynamic"],
    };
    let mut results: Vec<Vec<(&'static str, Outcome)>> = vec![Vec::new(); harness.calls.len()];
    for &mode in &modes {
        let lines = run_mode(&api, &prism, &spec_path, &binary, &out, mode, args.seed)?;
        let mut made = lines.into_iter();
        for (planned, result) in harness.calls.iter().zip(&mut results) {
            let outcome = match &planned.skipped {
                Some(reason) => Outcome {
                    outcome: "skipped".to_owned(),
                    detail: reason.clone(),
                },
                None => made.next().unwrap_or_else(|| Outcome {
                    outcome: "missing".to_owned(),
                    detail: "the harness stopped before this call".to_owned(),
                }),
            };
            result.push((mode, outcome));
        }
    }
    let report = Report {
        spec: options.source.clone(),
        modes,
        calls: harness
            .calls
            .into_iter()
            .zip(results)
            .map(|(call, results)| CallReport { call, results })
            .collect(),
    };
    write(&out.join("report.md"), &report.markdown())?;
    write(&out.join("report.json"), &format!("{:#}\n", report.json()))?;
    Ok(report)
}

fn write(path: &Path, text: &str) -> Result<(), Failure> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| Failure::Io(format!("{}: {e}", parent.display())))?;
    }
    std::fs::write(path, text).map_err(|e| Failure::Io(format!("{}: {e}", path.display())))
}

fn harness_manifest(package: &str, client: &str, extra: &[&str]) -> String {
    let mut manifest = format!(
        "[package]\nname = \"{package}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\napi_client = {{ package = \"{client}\", path = \"../client\", features = [\"tracing\"] }}\n\
         http = \"1\"\nserde = \"1\"\nserde_json = \"1\"\n\
         tokio = {{ version = \"1\", features = [\"macros\", \"rt\"] }}\n\
         tracing = {{ version = \"0.1\", default-features = false, features = [\"std\"] }}\n"
    );
    for krate in extra {
        manifest.push_str(match *krate {
            "chrono" => {
                "chrono = { version = \"0.4\", default-features = false, features = [\"serde\", \"std\"] }\n"
            }
            _ => "uuid = { version = \"1\", features = [\"serde\"] }\n",
        });
    }
    manifest
}

/// Builds the harness; returns its executable.
fn build(out: &Path, package: &str, target_dir: Option<&Path>) -> Result<PathBuf, Failure> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let target = target_dir.map(Path::to_path_buf).unwrap_or_else(|| {
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| out.join("target"), PathBuf::from)
    });
    let status = Command::new(cargo)
        .args(["build", "--quiet", "-p", package, "--manifest-path"])
        .arg(out.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target)
        .status()
        .map_err(|e| Failure::Io(format!("cannot run cargo: {e}")))?;
    if !status.success() {
        return Err(Failure::Problems(format!(
            "the harness in {} does not build",
            out.display()
        )));
    }
    Ok(target.join("debug").join(package))
}

/// Stops Prism by its process id however the run ends.
struct Prism(Child);

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts Prism in `mode`, runs the harness against it, and returns the outcomes it
/// printed, in order.
fn run_mode(
    api: &crate::ir::Api,
    prism: &Path,
    spec: &Path,
    binary: &Path,
    out: &Path,
    mode: &str,
    seed: u64,
) -> Result<Vec<Outcome>, Failure> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| Failure::Io(format!("no free port on 127.0.0.1: {e}")))?
        .port();
    let log_path = out.join(format!("prism-{mode}.log"));
    let log = std::fs::File::create(&log_path)
        .map_err(|e| Failure::Io(format!("{}: {e}", log_path.display())))?;
    let mut command = Command::new(prism);
    command.arg("mock").arg(spec).args([
        "--host",
        "127.0.0.1",
        "--port",
        &port.to_string(),
        "--errors",
    ]);
    if mode == "dynamic" {
        command.args(["--dynamic", "--seed", &seed.to_string()]);
    }
    let stderr = log
        .try_clone()
        .map_err(|e| Failure::Io(format!("{}: {e}", log_path.display())))?;
    let child = command
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(stderr)
        .spawn()
        .map_err(|e| Failure::Io(format!("cannot start {}: {e}", prism.display())))?;
    let mut server = Prism(child);
    let deadline = Instant::now() + Duration::from_secs(120);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Ok(Some(status)) = server.0.try_wait() {
            let log = std::fs::read_to_string(&log_path).unwrap_or_default();
            let fatal = log
                .lines()
                .find(|l| l.contains("fatal"))
                .map(|l| l.split("fatal").nth(1).unwrap_or(l).trim().to_owned())
                .unwrap_or_default();
            return Err(Failure::Io(format!(
                "Prism could not mock the document ({status}): {fatal}; see {}",
                log_path.display()
            )));
        }
        if Instant::now() > deadline {
            return Err(Failure::Io(format!(
                "Prism did not listen on 127.0.0.1:{port} within 120 s; see {}",
                log_path.display()
            )));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let output = run_bounded(
        binary,
        &format!("http://127.0.0.1:{port}"),
        Duration::from_secs(1800),
    )?;
    drop(server);
    Ok(String::from_utf8_lossy(&output)
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .map(|line| outcome(api, &line, mode))
        .collect())
}

/// A harness line's outcome: a passed call whose body lost a value the spec declares on
/// its way through the client's types, or kept one in a union's catch-all variant that
/// fits one of its variants, is `lossy`.
pub fn outcome(api: &crate::ir::Api, line: &Value, mode: &str) -> Outcome {
    let outcome = line["outcome"].as_str().unwrap_or("error").to_owned();
    let detail = line["detail"].as_str().unwrap_or("").to_owned();
    if outcome == "undecodable" {
        if let Some(why) = mock_limit(api, line, mode) {
            return Outcome {
                outcome: "unmockable".to_owned(),
                detail: format!("{why} (a limit of the mock, not of the client): {detail}"),
            };
        }
    }
    let lost = crate::lossless::reported_losses(api, line);
    if outcome != "passed" || lost.is_empty() {
        return Outcome { outcome, detail };
    }
    let shown = lost.len().min(5);
    let more = lost.len() - shown;
    let mut detail = lost[..shown].join("; ");
    if more > 0 {
        let _ = write!(detail, "; and {more} more");
    }
    Outcome {
        outcome: "lossy".to_owned(),
        detail,
    }
}

/// Why a response the client could not decode is the mock's doing, when it is: Prism
/// builds responses for recursive schemas that end in values the schema does not allow,
/// and in dynamic mode makes integers of any size for formats such as `uint16` that have no
/// `maximum`, which the client's `u16` refuses.
fn mock_limit(api: &crate::ir::Api, line: &Value, mode: &str) -> Option<String> {
    let detail = line["detail"].as_str().unwrap_or("");
    let sized = ["u8", "u16", "u32", "i8", "i16", "i32"]
        .into_iter()
        .find(|ty| detail.contains(&format!("expected {ty} ")));
    if let (Some(ty), true, true) = (
        sized,
        mode == "dynamic",
        detail.contains("invalid value: integer"),
    ) {
        return Some(format!(
            "Prism's dynamic responses ignore the range of the integer format the client reads as `{ty}`"
        ));
    }
    let ty = crate::lossless::reported_type(api, line)?;
    let name = recursion_at(api, ty, line["at"].as_str()?)?;
    Some(format!(
        "Prism's response nests the recursive type `{name}` in itself and ends in a value its schema does not allow"
    ))
}

/// The generated type that the value at `at` (a path such as `items[0].children[2].name`)
/// in a body of type `ty` is nested in twice, when there is one: the value is part of a
/// recursive structure.
fn recursion_at<'a>(api: &'a crate::ir::Api, ty: &'a crate::ir::Ty, at: &str) -> Option<&'a str> {
    use crate::ir::{Ty, TypeKind};
    let mut seen: Vec<&str> = Vec::new();
    let mut current = ty;
    let mut segments = at
        .split('.')
        .flat_map(|part| part.split('['))
        .filter(|s| !s.is_empty())
        .peekable();
    for _ in 0..256 {
        current = match current {
            Ty::Option(inner) | Ty::Box(inner) => inner,
            Ty::Vec(inner) | Ty::Map(inner) => {
                segments.next()?;
                inner
            }
            Ty::Named(name) => {
                if seen.contains(&name.as_str()) {
                    return Some(name);
                }
                seen.push(name);
                match &api.find_type(name)?.kind {
                    TypeKind::Alias(inner) | TypeKind::Newtype(inner) => inner,
                    TypeKind::Struct(s) => {
                        let key = segments.next()?;
                        &s.fields.iter().find(|f| f.wire_name == key)?.ty
                    }
                    TypeKind::Union(u) => {
                        // Which variant failed is not known: the first that declares the
                        // next property.
                        let key = *segments.peek()?;
                        let declares = |ty: &Ty| {
                            let mut ty = ty;
                            while let Ty::Box(inner) | Ty::Option(inner) = ty {
                                ty = inner;
                            }
                            matches!(ty, Ty::Named(n) if matches!(
                                api.find_type(n).map(|t| &t.kind),
                                Some(TypeKind::Struct(s)) if s.fields.iter().any(|f| f.wire_name == key)
                            ))
                        };
                        &u.variants.iter().find(|v| declares(&v.ty))?.ty
                    }
                    _ => return None,
                }
            }
            _ => return None,
        };
    }
    None
}

/// Runs the harness with `base_url`, killing it after `limit`; returns what it printed.
fn run_bounded(binary: &Path, base_url: &str, limit: Duration) -> Result<Vec<u8>, Failure> {
    let mut child = Command::new(binary)
        .arg(base_url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| Failure::Io(format!("cannot run {}: {e}", binary.display())))?;
    let mut stdout = child.stdout.take();
    let reader = std::thread::spawn(move || {
        let mut text = Vec::new();
        if let Some(out) = stdout.as_mut() {
            let _ = std::io::Read::read_to_end(out, &mut text);
        }
        text
    });
    let deadline = Instant::now() + limit;
    loop {
        if child
            .try_wait()
            .map_err(|e| Failure::Io(e.to_string()))?
            .is_some()
        {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    reader
        .join()
        .map_err(|_| Failure::Io("reading the harness's output failed".to_owned()))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::outcome;

    const SPEC: &str = r##"
openapi: 3.1.0
info: {title: t, version: '1'}
paths:
  /tree:
    get:
      operationId: getTree
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Node'}
components:
  schemas:
    Node:
      type: object
      required: [name]
      properties:
        name: {type: string}
        weight: {type: integer, format: uint16}
        kind: {anyOf: [{$ref: '#/components/schemas/Leaf'}, {$ref: '#/components/schemas/Branch'}]}
        children:
          type: array
          items: {$ref: '#/components/schemas/Node'}
    Leaf:
      type: object
      properties:
        type: {const: leaf}
        colour: {type: string}
    Branch:
      type: object
      properties:
        type: {const: branch}
        fork: {type: integer}
"##;

    fn line(outcome: &str, fields: serde_json::Value) -> serde_json::Value {
        let mut line =
            json!({"operation": "getTree", "outcome": outcome, "detail": "d", "status": 200});
        for (key, value) in fields.as_object().into_iter().flatten() {
            line[key] = value.clone();
        }
        line
    }

    #[test]
    fn lost_values_make_a_passed_call_lossy() {
        let (api, _) = crate::lower_spec(SPEC).expect("lowers");
        let received =
            json!({"name": "root", "kind": {"type": "leaf", "colour": "red"}, "extra": 1});
        let same = line("passed", json!({"received": null, "reencoded": received}));
        assert_eq!(outcome(&api, &same, "static").outcome, "passed");
        let lost = line(
            "passed",
            json!({"received": received, "reencoded": {"name": "root", "kind": {"type": "leaf"}}}),
        );
        let lost = outcome(&api, &lost, "static");
        assert_eq!(lost.outcome, "lossy");
        assert_eq!(lost.detail, r#"$.kind.colour: "red" is lost"#);
        let kept = line(
            "passed",
            json!({"received": null, "reencoded": received, "unmatched": ["t::types::NodeKind"]}),
        );
        let kept = outcome(&api, &kept, "static");
        assert_eq!(kept.outcome, "lossy");
        assert!(
            kept.detail.starts_with("`NodeKind` kept a value whole"),
            "{}",
            kept.detail
        );
    }

    #[test]
    fn the_mock_s_own_values_are_not_the_client_s_failures() {
        let (api, _) = crate::lower_spec(SPEC).expect("lowers");
        let deep = line("undecodable", json!({"at": "children[0].children[1]"}));
        let deep = outcome(&api, &deep, "dynamic");
        assert_eq!(deep.outcome, "unmockable");
        assert!(
            deep.detail.contains("recursive type `Node`"),
            "{}",
            deep.detail
        );
        let big = line(
            "undecodable",
            json!({"at": "weight", "detail": "invalid value: integer `70000`, expected u16 at line 1 column 9"}),
        );
        let dynamic = outcome(&api, &big, "dynamic");
        assert_eq!(dynamic.outcome, "unmockable", "{}", dynamic.detail);
        assert!(dynamic.detail.contains("`u16`"), "{}", dynamic.detail);
        // From the spec's own examples, the same failure is the document's or the client's.
        assert_eq!(outcome(&api, &big, "static").outcome, "undecodable");
        let shallow = line("undecodable", json!({"at": "name"}));
        assert_eq!(outcome(&api, &shallow, "dynamic").outcome, "undecodable");
    }
}
