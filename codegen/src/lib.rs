//! Generates Rust API clients from OpenAPI 3.0 and 3.1 documents.
//!
//! The pipeline is one straight line, one module per stage, driven from `pipeline`:
//! `loader` (text to a JSON tree) → `overlay` (the user's corrections) → `loader` (the tree
//! to the `openapiv3` model) → `validate` → `lower` (to the [`ir`]) → `emit` (token
//! streams) → `render` (source text). The library reads and writes no files: [`generate`]
//! takes the spec text and returns the files of a client crate, or the diagnostics that
//! prevent it. This file is its public face: the options, the outputs and the entry
//! points.

#[cfg(feature = "cli")]
pub mod cli;
mod diagnostics;
pub mod diff;
pub mod drift;
mod emit;
pub mod ir;
mod loader;
mod locate;
pub mod lossless;
mod lower;
mod names;
mod options;
mod overlay;
mod pipeline;
mod render;
mod validate;

use std::time::Duration;

pub use diagnostics::{Diagnostic, Pointer, Severity};
pub use emit::runtime::RUNTIME_CRATE;
pub use loader::source_text;
pub use options::{
    CrateOptions, Edition, Files, Grouping, ModuleOptions, PageStyle, Paginate, ReadFile, Settings,
};
pub use overlay::Overlay;

/// The source of the runtime that generated crates carry (`codegen/runtime/`), as one
/// file: for the checks of the rules that cutting it relies on.
#[doc(hidden)]
pub fn runtime_source() -> &'static str {
    emit::runtime::source()
}

/// The runtime crate that clients generated with [`CrateOptions::runtime_crate`] depend
/// on: `Cargo.toml`, `src/lib.rs` and `rustfmt.toml`. It holds every part of the runtime
/// a client need not define itself, with a Cargo feature for each optional dependency;
/// its version is the generator's, which the clients ask for exactly, and it is the same
/// whichever client it is written for. `standalone` gives it a `[workspace]` table of its
/// own, as for a standalone client.
pub fn generate_runtime_crate(standalone: bool) -> Output {
    pipeline::runtime_crate(standalone)
}

/// One generated file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputFile {
    /// Path relative to the crate root, with `/` separators.
    pub path: String,
    /// The file's text.
    pub contents: String,
}

/// Generated files and the warnings about what was degraded.
#[derive(Clone, Debug)]
pub struct Output {
    /// Files, sorted by path.
    pub files: Vec<OutputFile>,
    /// Warnings, in document order.
    pub warnings: Vec<Diagnostic>,
    /// The crates the generated code needs, as `Cargo.toml` lines (`reqwest = { ... }`): a
    /// crate that includes a generated module must depend on them. A generated crate's
    /// manifest lists them already.
    pub dependencies: Vec<String>,
    /// The files of the document read besides the root, for a document split across
    /// files ([`Settings::files`]), in the order first read: what a build script names
    /// in `cargo::rerun-if-changed`, with the root.
    pub inputs: Vec<String>,
}

/// How long each stage of one generation took.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Timings {
    /// Parsing the text and deserializing the OpenAPI model.
    pub load: Duration,
    /// Applying the overlays.
    pub overlay: Duration,
    /// Consistency checks.
    pub validate: Duration,
    /// Building the IR, diagnostics located.
    pub lower: Duration,
    /// Building token streams (and the manifest and reference text), except for the items
    /// of the types and requests modules, which are built where they are rendered.
    pub emit: Duration,
    /// Parsing token streams and printing them, and building the items of the types and
    /// requests modules (in parallel, chunk by chunk).
    pub render: Duration,
}

impl Timings {
    /// All stages together.
    pub fn total(&self) -> Duration {
        self.load + self.overlay + self.validate + self.lower + self.emit + self.render
    }
}

/// Loads, validates and lowers a spec to the IR, returning it with its warnings, or every
/// diagnostic when there are errors. Diagnostics carry line and column where known.
pub fn lower_spec(spec: &str) -> Result<(ir::Api, Vec<Diagnostic>), Vec<Diagnostic>> {
    lower_spec_with(spec, &Settings::default())
}

/// [`lower_spec`] with what the generator adds to what the document says.
pub fn lower_spec_with(
    spec: &str,
    settings: &Settings,
) -> Result<(ir::Api, Vec<Diagnostic>), Vec<Diagnostic>> {
    pipeline::lower(spec, settings, &mut Timings::default(), &mut Vec::new())
}

/// Compares the APIs two specs describe, as users of the generated crate see them.
pub fn api_diff(old_spec: &str, new_spec: &str) -> Result<diff::Report, ApiDiffError> {
    api_diff_with(old_spec, &[], new_spec, &[])
}

/// [`api_diff`] of the specs with their overlays applied, each side its own.
pub fn api_diff_with(
    old_spec: &str,
    old_overlays: &[Overlay],
    new_spec: &str,
    new_overlays: &[Overlay],
) -> Result<diff::Report, ApiDiffError> {
    let settings = |overlays: &[Overlay]| Settings {
        overlays: overlays.to_vec(),
        ..Settings::default()
    };
    api_diff_settings(
        old_spec,
        &settings(old_overlays),
        new_spec,
        &settings(new_overlays),
    )
}

/// [`api_diff`] of the specs as each side's settings read them (overlays, and for a
/// document split across files, where its files are read).
pub fn api_diff_settings(
    old_spec: &str,
    old: &Settings,
    new_spec: &str,
    new: &Settings,
) -> Result<diff::Report, ApiDiffError> {
    let (old, _) = lower_spec_with(old_spec, old).map_err(ApiDiffError::Old)?;
    let (new, _) = lower_spec_with(new_spec, new).map_err(ApiDiffError::New)?;
    Ok(diff::diff(&old, &new))
}

/// The document with `overlays` applied, as JSON text, for tools that read OpenAPI
/// documents themselves (a mock server, a linter): the document they must see to agree
/// with the client generated with the same overlays.
pub fn overlaid_document(spec: &str, overlays: &[Overlay]) -> Result<String, Vec<Diagnostic>> {
    let settings = Settings {
        overlays: overlays.to_vec(),
        ..Settings::default()
    };
    pipeline::overlaid_document(spec, &settings)
}

/// The document as [`overlaid_document`] gives it, read with `settings`: one file holding
/// every file of a split document, with the overlays applied.
pub fn bundled_document(spec: &str, settings: &Settings) -> Result<String, Vec<Diagnostic>> {
    pipeline::overlaid_document(spec, settings)
}

/// Why two specs could not be compared.
#[derive(Clone, Debug)]
pub enum ApiDiffError {
    /// The old spec does not load; its diagnostics.
    Old(Vec<Diagnostic>),
    /// The new spec does not load; its diagnostics.
    New(Vec<Diagnostic>),
}

/// Generates a client crate: `Cargo.toml`, `src/*.rs`, `API.md` (a reference of the
/// generated API, for reviewing changes) and, where an operation can be called from a
/// command line, `examples/*.rs`. An API without operations yields its types alone.
pub fn generate(spec: &str, options: &CrateOptions) -> Result<Output, Vec<Diagnostic>> {
    generate_timed(spec, options).0
}

/// [`generate`], also telling how long each stage took.
pub fn generate_timed(
    spec: &str,
    options: &CrateOptions,
) -> (Result<Output, Vec<Diagnostic>>, Timings) {
    let mut timings = Timings::default();
    let result = pipeline::generate(spec, options, &mut timings);
    (result, timings)
}

/// Generates the client as one module file, to embed in another crate with `#[path]` or
/// `include!`: the same items as a generated crate, in inline modules. It needs the crate
/// to use edition 2024 and depend on what a generated crate's manifest lists for the
/// same spec (`reqwest`, `serde` and `serde_json`, and more as the spec needs).
pub fn generate_module(spec: &str, options: &ModuleOptions) -> Result<Output, Vec<Diagnostic>> {
    pipeline::module(spec, options)
}

#[cfg(feature = "cli")]
pub use emit::conformance::PlannedCall;

/// A program that calls every operation of a generated client: see
/// [`conformance_harness`].
#[cfg(feature = "cli")]
#[derive(Clone, Debug)]
pub struct ConformanceHarness {
    /// The program's `main.rs`. It takes the base URL as its argument and prints one JSON
    /// object per call and line: `operation`, `method`, `path`, `call` (`required` or
    /// `all`), `outcome` (`passed`, `rejected`, `undecodable`, `argument`, `unmockable`
    /// or `error`) and `detail`; for a passed call also `status`, `received` and
    /// `reencoded` (the JSON body and what its decoded value encodes to, when they differ)
    /// and `unmatched`, which [`lossless::reported_losses`] reads; for an undecodable
    /// response, `path` (where decoding failed).
    pub main_rs: String,
    /// Every call, in the order made, with those the program cannot make and why.
    pub calls: Vec<PlannedCall>,
    /// The crates `main_rs` names besides the client, `serde`, `serde_json` and `tokio`
    /// (`chrono`, `uuid`), for its manifest.
    pub extra_crates: Vec<&'static str>,
}

/// The conformance harness of the client that [`generate`] makes from `spec`, which it
/// depends on as the crate `api_client` (a renamed dependency): a program calling each
/// operation once with its required inputs and, where it has optional ones, once with all
/// of them, with values from the spec's examples and
/// defaults or made up from its schemas, always the same for the same spec. Pointed at a
/// validating mock of the spec, it tells which requests the spec rejects and which
/// responses the client cannot read or loses values of. `seed` chooses the strings made up
/// for `pattern`s.
#[cfg(feature = "cli")]
pub fn conformance_harness(
    spec: &str,
    settings: &Settings,
    seed: u64,
) -> Result<ConformanceHarness, Vec<Diagnostic>> {
    pipeline::conformance_harness(spec, settings, seed)
}
