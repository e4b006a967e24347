//! The command-line front end (the `cli` feature): it reads specs, writes and checks
//! crates, and runs the API change report, for the `openapi-clientgen` binary and for
//! project tasks that drive the same code. The pipeline itself stays free of I/O.
//!
//! Exit codes: 0 done; 1 the spec has errors (or warnings, with `--deny-warnings`), the
//! output directory is stale (`--check`), or the API has breaking changes
//! (`--deny-breaking`), or a conformance run found a failing call (unless
//! `--report-only`); 2 the arguments are wrong, a file cannot be read or written, or a tool
//! (cargo, Prism) cannot be run.

pub mod api_diff;
pub mod conformance;
pub mod files;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::{CrateOptions, Diagnostic, Edition, Output};

/// Generates a Rust client crate from an OpenAPI 3.0 or 3.1 document.
///
/// Without a subcommand, generates (`openapi-clientgen --spec openapi.yaml --out client`).
#[derive(Debug, Parser)]
#[command(
    name = "openapi-clientgen",
    version,
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true
)]
pub struct Cli {
    /// What to do; generating a crate when left out.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// What to generate, when no subcommand is given.
    #[command(flatten)]
    pub generate: GenerateArgs,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generates a client crate (the default).
    Generate(GenerateArgs),
    /// Reports what changed in the API between two versions of a spec, as its users see
    /// it, for a pull request: breaking and other changes, and the version bump they call
    /// for.
    ApiDiff(ApiDiffArgs),
    /// Compares what a server did, as a generated client's `Recorder` wrote it down (its
    /// `record` feature), with what the document says: every contradiction with its
    /// operation and places in the body and the document; and writes an overlay draft
    /// that makes the document describe what was recorded.
    Drift(DriftArgs),
    /// Generates the client and a program calling every operation, runs it against Prism
    /// mocking the same document (request validation on; the spec's examples, then
    /// responses made from its schemas), and reports per call whether the request was
    /// accepted and the response decoded.
    Conformance(conformance::ConformanceArgs),
}

/// How diagnostics are printed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum DiagnosticsFormat {
    /// `FILE:LINE:COL: severity: POINTER: message` on standard error.
    #[default]
    Human,
    /// One JSON object per diagnostic and line on standard output: `severity`, `pointer`,
    /// `line`, `column`, `message`, `file`.
    Json,
}

/// An edition, as the command line names it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum EditionArg {
    /// Rust 2021.
    #[value(name = "2021")]
    E2021,
    /// Rust 2024.
    #[default]
    #[value(name = "2024")]
    E2024,
}

/// What to generate, and how.
#[derive(Clone, Debug, Default, Args)]
pub struct GenerateArgs {
    /// The OpenAPI document, YAML or JSON; `-` reads it from standard input.
    #[arg(long, value_name = "FILE", required = true)]
    pub spec: Option<PathBuf>,
    /// An overlay (OpenAPI Overlay 1.0 or 1.1) correcting the document, applied to it
    /// before it is read; repeatable, applied in the order given. The generated files'
    /// headers name the overlays.
    #[arg(long = "overlay", value_name = "FILE")]
    pub overlays: Vec<PathBuf>,
    /// The crate's directory. Only files whose content changes are written, and files this
    /// generator wrote before and no longer produces are removed; others are left alone.
    #[arg(long, value_name = "DIR", required = true)]
    pub out: Option<PathBuf>,
    /// The crate's package name (default: the spec's file name with `-client`).
    #[arg(long)]
    pub name: Option<String>,
    /// Writes nothing; fails with a unified diff when the directory is not what the spec
    /// generates.
    #[arg(long)]
    pub check: bool,
    /// How diagnostics are printed.
    #[arg(long, value_enum, default_value_t = DiagnosticsFormat::Human)]
    pub format: DiagnosticsFormat,
    /// Fails on warnings too, writing nothing.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Generates a member of the enclosing workspace, without a `[workspace]` table of its
    /// own.
    #[arg(long)]
    pub workspace_member: bool,
    /// The Rust edition of the crate.
    #[arg(long, value_enum, default_value_t = EditionArg::E2024)]
    pub edition: EditionArg,
    /// The crate's `license` (an SPDX expression); none by default.
    #[arg(long, value_name = "SPDX")]
    pub license: Option<String>,
    /// Makes the crate publishable (by default `publish = false`).
    #[arg(long)]
    pub publish: bool,
    /// The crate's version (default: the spec's `info.version`, or `0.1.0` when that is not
    /// a semantic version).
    #[arg(long, value_name = "SEMVER")]
    pub crate_version: Option<String>,
    /// Pages through an operation the document does not mark as paginated, as its
    /// `x-pagination` extension would: `OPERATION:cursor=PARAMETER,next=FIELD,items=FIELD`,
    /// `OPERATION:offset=PARAMETER,items=FIELD`, or
    /// `OPERATION:after=PARAMETER,key=FIELD,more=FIELD,items=FIELD` (the next page starts
    /// after the last item's `key`, while `more` is true; `more` optional). Fields may be
    /// dotted paths. Repeatable.
    #[arg(long, value_name = "OPERATION:SETTINGS")]
    pub paginate: Vec<crate::Paginate>,
    /// The data that ends every event stream, such as `[DONE]`, unless its media type names
    /// its own with `x-event-stream-end`.
    #[arg(long, value_name = "TEXT")]
    pub event_stream_end: Option<String>,
    /// How operations are grouped into Cargo features: `tags` (the default; a document
    /// without tags is grouped by paths), `paths` (one feature per resource, the first
    /// path segment after the prefix all paths share) or `none` (every build compiles
    /// every operation).
    #[arg(long, value_name = "GROUPING", value_parser = ["tags", "paths", "none"])]
    pub features: Option<String>,
    /// The same as `--features none`.
    #[arg(long)]
    pub no_tag_features: bool,
    /// Gives every object a map of the properties the document does not declare, read as
    /// received and written back as they came: a value read and sent back loses nothing
    /// the server sent. Decoding objects costs more.
    #[arg(long)]
    pub keep_unknown_fields: bool,
    /// Depends on the runtime crate at DIR (relative to `--out`), and writes it there,
    /// instead of carrying a copy of the runtime: the clients of one workspace that name
    /// the same DIR compile it once.
    #[arg(long, value_name = "DIR")]
    pub runtime_crate: Option<String>,
    /// Reads files outside the spec's directory when its `$ref`s name them (`../x.yaml`);
    /// by default such a reference is an error.
    #[arg(long)]
    pub allow_outside_root: bool,
}

/// What to compare.
#[derive(Clone, Debug, Default, Args)]
pub struct ApiDiffArgs {
    /// The spec as changed.
    #[arg(long, alias = "spec", value_name = "FILE", required = true)]
    pub new: Option<PathBuf>,
    /// Compares with the same file at this git revision (default `HEAD`).
    #[arg(long, value_name = "REV", conflicts_with = "old")]
    pub base: Option<String>,
    /// Compares with this file instead of a git revision.
    #[arg(long, value_name = "FILE")]
    pub old: Option<PathBuf>,
    /// An overlay applied to the new spec; repeatable, applied in order.
    #[arg(long = "overlay", value_name = "FILE")]
    pub overlays: Vec<PathBuf>,
    /// An overlay applied to the old spec; repeatable, applied in order. Comparing with a
    /// git revision, the old spec gets the `--overlay` files as they were at that
    /// revision (those that existed) unless this names others.
    #[arg(long = "old-overlay", value_name = "FILE")]
    pub old_overlays: Vec<PathBuf>,
    /// `markdown` for a pull request, `json` for tools.
    #[arg(long, value_enum, default_value_t = ReportFormat::Markdown)]
    pub format: ReportFormat,
    /// Fails when some change is breaking (the report is printed all the same).
    #[arg(long)]
    pub deny_breaking: bool,
    /// Reads files outside the spec's directory when its `$ref`s name them (`../x.yaml`);
    /// by default such a reference is an error.
    #[arg(long)]
    pub allow_outside_root: bool,
}

/// What to compare.
#[derive(Clone, Debug, Default, Args)]
pub struct DriftArgs {
    /// The OpenAPI document.
    #[arg(long, value_name = "FILE", required = true)]
    pub spec: Option<PathBuf>,
    /// An overlay correcting the document, applied before comparing; repeatable, applied
    /// in order.
    #[arg(long = "overlay", value_name = "FILE")]
    pub overlays: Vec<PathBuf>,
    /// Writes the overlay draft (YAML) here, when there is something to correct.
    #[arg(long, value_name = "FILE")]
    pub draft: Option<PathBuf>,
    /// `markdown` for people, `json` for tools.
    #[arg(long, value_enum, default_value_t = ReportFormat::Markdown)]
    pub format: ReportFormat,
    /// Fails when there is a finding (the report is printed all the same).
    #[arg(long)]
    pub deny_drift: bool,
    /// Reads files outside the spec's directory when its `$ref`s name them (`../x.yaml`);
    /// by default such a reference is an error.
    #[arg(long)]
    pub allow_outside_root: bool,
    /// The recordings: files of JSON lines a `Recorder` wrote.
    #[arg(value_name = "RECORDING", required = true)]
    pub recordings: Vec<PathBuf>,
}

/// How the API change report is printed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Markdown, for a pull request.
    #[default]
    #[value(alias = "md")]
    Markdown,
    /// JSON, for tools.
    Json,
}

/// Why a run failed, which decides its exit code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// The spec has problems, the output is stale, or the API breaks: exit code 1.
    Problems(String),
    /// The arguments are wrong: exit code 2.
    Usage(String),
    /// A file or a tool could not be read, written or run: exit code 2.
    Io(String),
}

impl Failure {
    /// The process's exit code.
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Problems(_) => 1,
            Failure::Usage(_) | Failure::Io(_) => 2,
        }
    }

    /// What went wrong.
    pub fn message(&self) -> &str {
        match self {
            Failure::Problems(m) | Failure::Usage(m) | Failure::Io(m) => m,
        }
    }
}

/// How generated files name what made them: the command and the spec, in their header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Provenance {
    /// The command that regenerates the files.
    pub command: String,
    /// How the spec is named.
    pub source: String,
}

/// Runs the binary: parses the process's arguments and exits as documented above.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Some(Command::Generate(args)) => generate(args, None),
        Some(Command::ApiDiff(args)) => diff(args),
        Some(Command::Drift(args)) => drift(args),
        Some(Command::Conformance(args)) => conformance::run(args),
        None => generate(&cli.generate, None),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            if !failure.message().is_empty() {
                eprintln!("{}", failure.message());
            }
            ExitCode::from(failure.exit_code())
        }
    }
}

/// The drift report of `args`.
pub fn drift(args: &DriftArgs) -> Result<(), Failure> {
    let spec = args
        .spec
        .as_deref()
        .ok_or_else(|| Failure::Usage("`--spec FILE` is required".to_owned()))?;
    let text = read_spec(spec)?;
    let overlays = read_overlays(&args.overlays)?;
    let mut recordings = String::new();
    for path in &args.recordings {
        let read = std::fs::read_to_string(path).map_err(|e| {
            Failure::Io(format!(
                "{}: cannot read the recording: {e}",
                path.display()
            ))
        })?;
        recordings.push_str(&read);
        recordings.push('\n');
    }
    let shown = spec.display().to_string();
    let settings = crate::Settings {
        overlays,
        files: disk_files(spec, args.allow_outside_root),
        ..crate::Settings::default()
    };
    let report =
        crate::drift::drift_with(&text, &settings, &recordings).map_err(|diagnostics| {
            let lines: Vec<String> = diagnostics
                .iter()
                .map(|d| d.display_in(&shown).to_string())
                .collect();
            Failure::Problems(lines.join("\n"))
        })?;
    print!(
        "{}",
        if args.format == ReportFormat::Json {
            report.json()
        } else {
            report.markdown()
        }
    );
    if let (Some(path), Some(draft)) = (&args.draft, &report.draft) {
        std::fs::write(path, draft).map_err(|e| Failure::Io(format!("{}: {e}", path.display())))?;
        eprintln!("wrote the overlay draft {}", path.display());
    }
    if args.deny_drift && !report.findings.is_empty() {
        return Err(Failure::Problems(format!(
            "{} findings (--deny-drift)",
            report.findings.len()
        )));
    }
    Ok(())
}

/// The API change report of `args`.
pub fn diff(args: &ApiDiffArgs) -> Result<(), Failure> {
    let new = args
        .new
        .as_deref()
        .ok_or_else(|| Failure::Usage("`--new FILE` is required".to_owned()))?;
    let old = match (&args.old, &args.base) {
        (Some(file), _) => api_diff::Old::File(file.clone()),
        (None, Some(rev)) => api_diff::Old::Revision(rev.clone()),
        (None, None) => api_diff::Old::Revision("HEAD".to_owned()),
    };
    api_diff::run(
        &old,
        new,
        &api_diff::Overlays {
            new: args.overlays.clone(),
            old: args.old_overlays.clone(),
        },
        args.format == ReportFormat::Json,
        args.deny_breaking,
        args.allow_outside_root,
    )
}

/// Generates (or, with `--check`, compares) the crate `args` describe. Its files name
/// `provenance` in their header, by default this tool with the arguments that decide the
/// output.
pub fn generate(args: &GenerateArgs, provenance: Option<&Provenance>) -> Result<(), Failure> {
    let (Some(spec), Some(out)) = (&args.spec, &args.out) else {
        return Err(Failure::Usage(
            "`--spec FILE` and `--out DIR` are required".to_owned(),
        ));
    };
    let stdin = spec.as_os_str() == "-";
    let file = if stdin {
        "standard input".to_owned()
    } else {
        spec.display().to_string()
    };
    let name = match &args.name {
        Some(name) => name.clone(),
        None if stdin => "api-client".to_owned(),
        None => default_name(spec),
    };
    validate_name(&name)?;
    if let Some(version) = &args.crate_version {
        validate_version(version)?;
    }
    let text = if stdin {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| Failure::Io(format!("cannot read the spec from standard input: {e}")))?;
        source_string(&bytes, &file, args.format)?
    } else {
        read_spec_as(spec, &file, args.format)?
    };
    let provenance = match provenance {
        Some(p) => p.clone(),
        None => Provenance {
            command: command_line(args),
            source: if stdin {
                file.clone()
            } else {
                spec.file_name().map_or_else(
                    || spec.display().to_string(),
                    |f| f.to_string_lossy().into_owned(),
                )
            },
        },
    };
    let mut options = CrateOptions::new(name);
    options.source = provenance.source;
    options.command = provenance.command.clone();
    options.standalone = !args.workspace_member;
    options.edition = match args.edition {
        EditionArg::E2021 => Edition::E2021,
        EditionArg::E2024 => Edition::E2024,
    };
    options.license.clone_from(&args.license);
    options.publish = args.publish;
    options.version.clone_from(&args.crate_version);
    options.settings.paginate.clone_from(&args.paginate);
    options
        .settings
        .event_stream_end
        .clone_from(&args.event_stream_end);
    options.settings.features = match args.features.as_deref() {
        _ if args.no_tag_features => crate::Grouping::None,
        Some("paths") => crate::Grouping::Paths,
        Some("none") => crate::Grouping::None,
        _ => crate::Grouping::Tags,
    };
    options.settings.overlays = read_overlays(&args.overlays)?;
    options.settings.keep_unknown_fields = args.keep_unknown_fields;
    options.settings.files = disk_files(spec, args.allow_outside_root);
    if let Some(dir) = &args.runtime_crate {
        if Path::new(dir).is_absolute()
            || Path::new(dir)
                .components()
                .all(|c| c == std::path::Component::CurDir)
        {
            return Err(Failure::Usage(format!(
                "`--runtime-crate {dir}`: give the runtime crate's own directory, relative to `--out`, as the manifest names it"
            )));
        }
        options.runtime_crate = Some(dir.replace('\\', "/"));
    }
    let output = match crate::generate(&text, &options) {
        Ok(output) => output,
        Err(diagnostics) => {
            report(&diagnostics, &file, args.format);
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            return Err(Failure::Problems(format!(
                "{file}: {errors} error{} found; nothing was generated",
                plural(errors)
            )));
        }
    };
    report(&output.warnings, &file, args.format);
    if args.deny_warnings && !output.warnings.is_empty() {
        let count = output.warnings.len();
        return Err(Failure::Problems(format!(
            "{file}: {count} warning{} found, denied by --deny-warnings; nothing was written",
            plural(count)
        )));
    }
    write_or_check(out, &output, args.check, &provenance.command)?;
    if let Some(dir) = &args.runtime_crate {
        let runtime = crate::generate_runtime_crate(options.standalone);
        write_or_check(&out.join(dir), &runtime, args.check, &provenance.command)?;
    }
    Ok(())
}

fn write_or_check(out: &Path, output: &Output, check: bool, command: &str) -> Result<(), Failure> {
    if check {
        return match files::check(out, output) {
            Ok(()) => {
                eprintln!("{} is up to date", out.display());
                Ok(())
            }
            Err(report) => Err(Failure::Problems(format!(
                "{report}\n{} is stale: run `{command}`",
                out.display()
            ))),
        };
    }
    let done = files::write(out, output).map_err(Failure::Io)?;
    for path in &done.written {
        eprintln!("wrote {}", path.display());
    }
    for path in &done.removed {
        eprintln!("removed {}", path.display());
    }
    if done.written.is_empty() && done.removed.is_empty() {
        eprintln!("{} is up to date", out.display());
    }
    Ok(())
}

/// The command that regenerates what `args` generate: this tool with the arguments that
/// decide the output, in a fixed order, so that `--check` compares with the same header.
fn command_line(args: &GenerateArgs) -> String {
    let mut words = vec!["openapi-clientgen".to_owned()];
    let mut push = |flag: &str, value: Option<String>| {
        words.push(flag.to_owned());
        words.extend(value.map(|v| shell_word(&v)));
    };
    if let Some(spec) = &args.spec {
        push("--spec", Some(spec.display().to_string()));
    }
    for overlay in &args.overlays {
        push("--overlay", Some(overlay.display().to_string()));
    }
    if let Some(out) = &args.out {
        push("--out", Some(out.display().to_string()));
    }
    if let Some(name) = &args.name {
        push("--name", Some(name.clone()));
    }
    if args.workspace_member {
        push("--workspace-member", None);
    }
    if args.edition != EditionArg::default() {
        push("--edition", Some("2021".to_owned()));
    }
    if let Some(license) = &args.license {
        push("--license", Some(license.clone()));
    }
    if args.publish {
        push("--publish", None);
    }
    if let Some(version) = &args.crate_version {
        push("--crate-version", Some(version.clone()));
    }
    for given in &args.paginate {
        push("--paginate", Some(given.to_string()));
    }
    if let Some(end) = &args.event_stream_end {
        push("--event-stream-end", Some(end.clone()));
    }
    if let Some(grouping) = &args.features {
        push("--features", Some(grouping.clone()));
    }
    if args.no_tag_features {
        push("--no-tag-features", None);
    }
    if args.keep_unknown_fields {
        push("--keep-unknown-fields", None);
    }
    if let Some(dir) = &args.runtime_crate {
        push("--runtime-crate", Some(dir.clone()));
    }
    words.join(" ")
}

/// A word as a shell reads it back: quoted when it holds anything but plain characters.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=+@,".contains(c));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// Reads overlay files, each named as given.
pub fn read_overlays(paths: &[PathBuf]) -> Result<Vec<crate::Overlay>, Failure> {
    paths
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).map_err(|e| {
                Failure::Io(format!("{}: cannot read the overlay: {e}", path.display()))
            })?;
            Ok(crate::Overlay::new(path.display().to_string(), text))
        })
        .collect()
}

/// Reads a spec file as text; a spec that is not UTF-8 is a problem of the spec.
/// The files of the document `spec` split across files, read from disk (`-`, standard
/// input, reads them beside the current directory).
pub fn disk_files(spec: &Path, outside_root: bool) -> crate::Files {
    let root = if spec.as_os_str() == "-" {
        "-".to_owned()
    } else {
        spec.display().to_string()
    };
    let files = crate::Files::new(root, |path| std::fs::read(path).map_err(|e| e.to_string()));
    if outside_root {
        files.allow_outside_root()
    } else {
        files
    }
}

pub(crate) fn read_spec(path: &Path) -> Result<String, Failure> {
    read_spec_as(path, &path.display().to_string(), DiagnosticsFormat::Human)
}

fn read_spec_as(path: &Path, file: &str, format: DiagnosticsFormat) -> Result<String, Failure> {
    let bytes = std::fs::read(path)
        .map_err(|e| Failure::Io(format!("{}: cannot read the spec: {e}", path.display())))?;
    source_string(&bytes, file, format)
}

fn source_string(bytes: &[u8], file: &str, format: DiagnosticsFormat) -> Result<String, Failure> {
    match crate::source_text(bytes) {
        Ok(text) => Ok(text.to_owned()),
        Err(d) => {
            report(std::slice::from_ref(&d), file, format);
            Err(Failure::Problems(format!(
                "{file}: the spec is not UTF-8 text; nothing was generated"
            )))
        }
    }
}

/// Prints diagnostics in the chosen format.
fn report(diagnostics: &[Diagnostic], file: &str, format: DiagnosticsFormat) {
    for d in diagnostics {
        match format {
            DiagnosticsFormat::Human => eprintln!("{}", d.display_in(file)),
            DiagnosticsFormat::Json => {
                let (line, column) = d.location.unzip();
                let object = serde_json::json!({
                    "severity": d.severity.to_string(),
                    "pointer": d.pointer,
                    "line": line,
                    "column": column,
                    "message": d.message,
                    "file": d.file.as_deref().unwrap_or(file),
                });
                println!("{object}");
            }
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `petstore.yaml` → `petstore-client`.
pub fn default_name(spec: &Path) -> String {
    let stem = spec
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let cleaned: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let cleaned = if cleaned.starts_with(|c: char| c.is_ascii_alphabetic()) {
        cleaned
    } else {
        format!("api-{cleaned}")
    };
    format!("{}-client", cleaned.trim_end_matches('-'))
}

fn validate_name(name: &str) -> Result<(), Failure> {
    let ok = name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(Failure::Usage(format!(
            "`{name}` is not a valid crate name: use letters, digits, `-` and `_`, starting with a letter"
        )))
    }
}

fn validate_version(version: &str) -> Result<(), Failure> {
    if crate::lower::crate_version(version) == version {
        Ok(())
    } else {
        Err(Failure::Usage(format!(
            "`{version}` is not a semantic version such as `1.2.3` or `2.0.0-beta.1`"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_crate_names_are_valid() {
        assert_eq!(
            default_name(Path::new("specs/oai-petstore.yaml")),
            "oai-petstore-client"
        );
        assert_eq!(
            default_name(Path::new("My API (v2).json")),
            "my-api-v2-client"
        );
        assert_eq!(default_name(Path::new("3d.yaml")), "api-3d-client");
        for name in ["oai-petstore-client", "my-api-v2-client", "api-3d-client"] {
            assert!(validate_name(name).is_ok());
        }
        assert!(validate_name("3d").is_err());
        assert!(validate_name("a b").is_err());
    }

    #[test]
    fn the_header_command_names_what_decides_the_output_in_a_fixed_order() {
        let args = GenerateArgs {
            spec: Some(PathBuf::from("my spec.yaml")),
            out: Some(PathBuf::from("client")),
            check: true,
            deny_warnings: true,
            format: DiagnosticsFormat::Json,
            license: Some("MIT OR Apache-2.0".to_owned()),
            workspace_member: true,
            edition: EditionArg::E2021,
            ..GenerateArgs::default()
        };
        assert_eq!(
            command_line(&args),
            "openapi-clientgen --spec 'my spec.yaml' --out client --workspace-member \
             --edition 2021 --license 'MIT OR Apache-2.0'"
        );
    }

    #[test]
    fn versions_must_be_semantic() {
        assert!(validate_version("1.2.3").is_ok());
        assert!(validate_version("2.0.0-beta.1").is_ok());
        assert!(validate_version("1.2").is_err());
        assert!(validate_version("latest").is_err());
    }
}
