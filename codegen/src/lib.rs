//! Generates Rust API clients from OpenAPI 3.0 and 3.1 documents.
//!
//! The pipeline is one straight line, one module per step:
//! `loader` (text to the `openapiv3` model) → `validate` → `lower` (to the [`ir`]) →
//! `emit` (token streams) → `render` (source text). The library reads and writes no files:
//! [`generate`] takes the spec text and returns the files of a client crate, or the
//! diagnostics that prevent it.

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
mod overlay;
mod render;
mod validate;

use std::time::{Duration, Instant};

use proc_macro2::TokenStream;
use quote::quote;

use emit::refs::Refs;

pub use diagnostics::{Diagnostic, Pointer, Severity};
pub use loader::source_text;
pub use overlay::Overlay;

/// The source of the runtime that generated crates carry (`codegen/runtime/`), as one
/// file: for the checks of the rules that cutting it relies on.
#[doc(hidden)]
pub fn runtime_source() -> &'static str {
    emit::runtime::source()
}

/// Settings for generating a crate. Start from [`CrateOptions::new`] and change what
/// differs.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct CrateOptions {
    /// The package name, for example `livedesk-client`.
    pub name: String,
    /// How the spec is named in the header line of every file, for example `spec/livedesk.yaml`.
    pub source: String,
    /// The command that regenerates the files, named in the header line.
    pub command: String,
    /// Whether the crate is a workspace of its own (`[workspace]` in its manifest) rather
    /// than a member of an enclosing one.
    pub standalone: bool,
    /// The Rust edition the crate is written for.
    pub edition: Edition,
    /// The crate's `license`, an SPDX expression; none by default (the API's licence is
    /// not the client code's).
    pub license: Option<String>,
    /// Whether the crate may be published; by default `publish = false`.
    pub publish: bool,
    /// The crate's version; by default the spec's `info.version` (see [`ir::Api::crate_version`]).
    pub version: Option<String>,
    /// What the generator adds to what the document says.
    pub settings: Settings,
    /// The shared runtime crate's directory, relative to the crate's: the crate then
    /// depends on it ([`RUNTIME_CRATE`], written by [`generate_runtime_crate`]) rather
    /// than carrying its own copy of the runtime, so that the clients of one workspace
    /// compile it once. By default (`None`) the crate carries its copy and depends on
    /// nothing of this generator's.
    pub runtime_crate: Option<String>,
}

impl CrateOptions {
    /// A standalone crate called `name`, for edition 2024, not publishable, versioned after
    /// the spec, whose headers say it comes from `openapi.yaml` by `openapi-clientgen`.
    pub fn new(name: impl Into<String>) -> Self {
        CrateOptions {
            name: name.into(),
            source: "openapi.yaml".to_owned(),
            command: "openapi-clientgen".to_owned(),
            standalone: true,
            edition: Edition::E2024,
            license: None,
            publish: false,
            version: None,
            settings: Settings::default(),
            runtime_crate: None,
        }
    }
}

/// The package name of the runtime crate that clients can share (see
/// [`CrateOptions::runtime_crate`]).
pub const RUNTIME_CRATE: &str = "openapi-clientgen-runtime";

/// The runtime crate that clients generated with [`CrateOptions::runtime_crate`] depend
/// on: `Cargo.toml`, `src/lib.rs` and `rustfmt.toml`. It holds every part of the runtime
/// a client need not define itself, with a Cargo feature for each optional dependency;
/// its version is the generator's, which the clients ask for exactly, and it is the same
/// whichever client it is written for. `standalone` gives it a `[workspace]` table of its
/// own, as for a standalone client.
pub fn generate_runtime_crate(standalone: bool) -> Output {
    let shared = emit::runtime::shared();
    let version = env!("CARGO_PKG_VERSION");
    let header = header(&format!("openapi-clientgen {version}"), "its runtime");
    let lib_header = format!(
        "// {header}\n\n\
         //! Support code shared by the API clients that openapi-clientgen {version} generates\n\
         //! with a shared runtime: sending requests and reading responses, credentials,\n\
         //! retries, hooks, pages, streams and mocks. Each client re-exports what its users\n\
         //! name; what only generated code calls is hidden from the documentation.\n\
         //!\n\
         //! Every file of this crate is generated: regenerate rather than editing here.\n\n\
         #![forbid(unsafe_code)]\n"
    );
    let manifest = emit::manifest::runtime_manifest(&header, version, standalone, shared.paths());
    let mut files = vec![
        OutputFile {
            path: "Cargo.toml".to_owned(),
            contents: manifest,
        },
        OutputFile {
            path: "src/lib.rs".to_owned(),
            contents: shared.text(&lib_header),
        },
        rustfmt_file(&header),
    ];
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Output {
        files,
        warnings: Vec::new(),
        dependencies: Vec::new(),
    }
}

/// `rustfmt.toml`, which keeps `cargo fmt` off the generated files.
fn rustfmt_file(header: &str) -> OutputFile {
    OutputFile {
        path: "rustfmt.toml".to_owned(),
        contents: format!(
            "# {header}\n\n# The generator lays these files out itself: `cargo fmt` leaves them as they\n\
             # are, rather than making them differ from what the generator writes.\n\
             disable_all_formatting = true\n"
        ),
    }
}

/// Settings for generating a single module file, for embedding in another crate. Start
/// from [`ModuleOptions::new`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ModuleOptions {
    /// How the spec is named in the header line.
    pub source: String,
    /// The command that regenerates the file, named in the header line.
    pub command: String,
    /// The edition of the crate that includes the module.
    pub edition: Edition,
    /// What the generator adds to what the document says.
    pub settings: Settings,
}

impl ModuleOptions {
    /// A module generated from `source` (named in its header) by a build script, for an
    /// edition 2024 crate.
    pub fn new(source: impl Into<String>) -> Self {
        ModuleOptions {
            source: source.into(),
            command: "a build script".to_owned(),
            edition: Edition::E2024,
            settings: Settings::default(),
        }
    }
}

/// What the generator adds to what a document says, for documents that do not say it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Settings {
    /// Operations whose responses are pages of a list, and how to ask for the next page:
    /// as an operation's `x-pagination` extension would say.
    pub paginate: Vec<Paginate>,
    /// The data that ends every event stream (such as `[DONE]`), unless a
    /// `text/event-stream` media type names its own with `x-event-stream-end`.
    pub event_stream_end: Option<String>,
    /// Whether a crate whose operations fall in two or more tags gets one Cargo feature
    /// per tag (true unless set otherwise). The features are all on by default; a user who
    /// turns them off compiles only the operations of the tags they name, with the types
    /// and runtime those need. A module from [`generate_module`] has no features of its
    /// own and ignores this.
    pub tag_features: bool,
    /// Corrections to the document, applied to it in order before it is read: for what
    /// the document gets wrong about its API, kept apart so that they survive when the
    /// document is replaced by a newer one.
    pub overlays: Vec<Overlay>,
    /// Whether every object keeps the properties the document does not declare, in a map
    /// that sends them back as received (so that reading a value and writing it back
    /// loses nothing the server sent).
    pub keep_unknown_fields: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            paginate: Vec::new(),
            event_stream_end: None,
            tag_features: true,
            overlays: Vec::new(),
            keep_unknown_fields: false,
        }
    }
}

/// An operation whose responses are pages of a list: its items, and how the next page is
/// asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Paginate {
    /// The operation's `operationId`.
    pub operation: String,
    /// How the next page is asked for.
    pub style: PageStyle,
    /// Where a page holds its items: a property name, or a dotted path of them
    /// (`data.items`); empty when the body is the list.
    pub items: String,
}

/// How the next page is asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PageStyle {
    /// The response property `next` (a dotted path) holds a cursor, sent in the query
    /// parameter `param` for the next page; no cursor (or an empty one) ends the list.
    Cursor {
        /// The query parameter that carries the cursor.
        param: String,
        /// The response property that holds the next cursor.
        next: String,
    },
    /// The query parameter `param` counts the items before the page: the next page's is
    /// this page's plus its number of items; an empty page ends the list.
    Offset {
        /// The query parameter that carries the offset.
        param: String,
    },
    /// The query parameter `param` asks for the items after one: the next page's is the
    /// field `key` (a dotted path) of this page's last item, as Stripe's `starting_after`
    /// takes the last item's `id`. An empty page ends the list, and so does a page whose
    /// boolean field `more` (such as `has_more`), when one is named, is false.
    After {
        /// The query parameter that names the item the next page starts after.
        param: String,
        /// The field of an item that names it.
        key: String,
        /// The page's field that says whether more items follow, if any.
        more: Option<String>,
    },
}

impl std::fmt::Display for Paginate {
    /// Writes what [`FromStr`](std::str::FromStr) reads.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.style {
            PageStyle::Cursor { param, next } => {
                write!(f, "{}:cursor={param},next={next}", self.operation)?;
            }
            PageStyle::Offset { param } => write!(f, "{}:offset={param}", self.operation)?,
            PageStyle::After { param, key, more } => {
                write!(f, "{}:after={param},key={key}", self.operation)?;
                if let Some(more) = more {
                    write!(f, ",more={more}")?;
                }
            }
        }
        if !self.items.is_empty() {
            write!(f, ",items={}", self.items)?;
        }
        Ok(())
    }
}

impl std::str::FromStr for Paginate {
    type Err = String;

    /// Reads `OPERATION:cursor=PARAMETER,next=FIELD,items=FIELD`,
    /// `OPERATION:offset=PARAMETER,items=FIELD` or
    /// `OPERATION:after=PARAMETER,key=FIELD,more=FIELD,items=FIELD` (`more` optional).
    fn from_str(text: &str) -> Result<Self, String> {
        let usage = "expected `OPERATION:cursor=PARAMETER,next=FIELD,items=FIELD`, \
                     `OPERATION:offset=PARAMETER,items=FIELD` or \
                     `OPERATION:after=PARAMETER,key=FIELD,more=FIELD,items=FIELD`";
        let (operation, rest) = text
            .split_once(':')
            .ok_or_else(|| format!("`{text}`: {usage}"))?;
        let mut fields = std::collections::BTreeMap::new();
        for pair in rest.split(',').filter(|pair| !pair.trim().is_empty()) {
            let (key, value) = pair
                .split_once('=')
                .ok_or_else(|| format!("`{pair}` in `{text}`: {usage}"))?;
            fields.insert(key.trim(), value.trim().to_owned());
        }
        let items = fields.remove("items").unwrap_or_default();
        let style = match (
            fields.remove("cursor"),
            fields.remove("next"),
            fields.remove("offset"),
            fields.remove("after"),
            fields.remove("key"),
        ) {
            (Some(param), Some(next), None, None, None) => PageStyle::Cursor { param, next },
            (None, None, Some(param), None, None) => PageStyle::Offset { param },
            (None, None, None, Some(param), Some(key)) => PageStyle::After {
                param,
                key,
                more: fields.remove("more"),
            },
            _ => return Err(format!("`{text}`: {usage}")),
        };
        if let Some(key) = fields.keys().next() {
            return Err(format!("`{text}`: `{key}` is not a setting; {usage}"));
        }
        if operation.trim().is_empty() {
            return Err(format!("`{text}`: the operation is missing; {usage}"));
        }
        Ok(Paginate {
            operation: operation.trim().to_owned(),
            style,
            items,
        })
    }
}

/// A Rust edition generated code can be written for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Edition {
    /// Rust 2021.
    E2021,
    /// Rust 2024.
    #[default]
    E2024,
}

impl Edition {
    /// The edition as `Cargo.toml` writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Edition::E2021 => "2021",
            Edition::E2024 => "2024",
        }
    }
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
}

/// How long each stage of one generation took.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Timings {
    /// Parsing the text and deserializing the OpenAPI model.
    pub load: Duration,
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
        self.load + self.validate + self.lower + self.emit + self.render
    }
}

/// Loads, validates and lowers a spec to the IR, returning it with its warnings, or every
/// diagnostic when there are errors. Diagnostics carry line and column where known.
pub fn lower_spec(spec: &str) -> Result<(ir::Api, Vec<Diagnostic>), Vec<Diagnostic>> {
    lower_timed(spec, &Settings::default(), &mut Timings::default())
}

/// [`lower_spec`] with what the generator adds to what the document says.
pub fn lower_spec_with(
    spec: &str,
    settings: &Settings,
) -> Result<(ir::Api, Vec<Diagnostic>), Vec<Diagnostic>> {
    lower_timed(spec, settings, &mut Timings::default())
}

fn lower_timed(
    spec: &str,
    settings: &Settings,
    timings: &mut Timings,
) -> Result<(ir::Api, Vec<Diagnostic>), Vec<Diagnostic>> {
    let start = Instant::now();
    let (loaded, provenance) = loader::load(spec, &settings.overlays);
    timings.load = start.elapsed();
    let locate_all = |diagnostics| locate_all(spec, &provenance, diagnostics);
    let loader::Loaded { doc, warnings } = loaded.map_err(locate_all)?;
    // Lowering copes with what validation rejects, so both run and every problem is
    // reported in one pass.
    let start = Instant::now();
    let mut diagnostics = warnings;
    diagnostics.extend(validate::validate(&doc));
    timings.validate = start.elapsed();
    let start = Instant::now();
    let (api, lowered) = lower::lower(&doc, settings);
    diagnostics.extend(lowered);
    let result = match api {
        Some(api) if !diagnostics.iter().any(Diagnostic::is_error) => {
            Ok((api, locate_all(diagnostics)))
        }
        _ => Err(locate_all(diagnostics)),
    };
    timings.lower = start.elapsed();
    result
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
    let (old, _) = lower_spec_with(old_spec, &settings(old_overlays)).map_err(ApiDiffError::Old)?;
    let (new, _) = lower_spec_with(new_spec, &settings(new_overlays)).map_err(ApiDiffError::New)?;
    Ok(diff::diff(&old, &new))
}

/// The document with `overlays` applied, as JSON text, for tools that read OpenAPI
/// documents themselves (a mock server, a linter): the document they must see to agree
/// with the client generated with the same overlays.
pub fn overlaid_document(spec: &str, overlays: &[Overlay]) -> Result<String, Vec<Diagnostic>> {
    let mut doc = loader::parse_tree(spec).map_err(|d| vec![d])?;
    let applied = overlay::apply(&mut doc, overlays);
    let errors: Vec<Diagnostic> = applied
        .diagnostics
        .into_iter()
        .filter(Diagnostic::is_error)
        .collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    serde_json::to_string_pretty(&doc).map_err(|e| {
        vec![Diagnostic::error(
            "#",
            format!("the document cannot be written as JSON: {e}"),
        )]
    })
}

/// Why two specs could not be compared.
#[derive(Clone, Debug)]
pub enum ApiDiffError {
    /// The old spec does not load; its diagnostics.
    Old(Vec<Diagnostic>),
    /// The new spec does not load; its diagnostics.
    New(Vec<Diagnostic>),
}

/// Fills in line and column for diagnostics that lack them: in the overlay whose action
/// wrote the node, or else in the document.
fn locate_all(
    spec: &str,
    provenance: &overlay::Provenance,
    mut diagnostics: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    for d in diagnostics.iter_mut().filter(|d| d.location.is_none()) {
        if let Some(action) = provenance.writer(&d.pointer) {
            overlay::attribute(d, action);
        }
    }
    let wanted: Vec<String> = diagnostics
        .iter()
        .filter(|d| d.location.is_none())
        .map(|d| d.pointer.clone())
        .collect();
    let refs: Vec<&str> = wanted.iter().map(String::as_str).collect();
    let found = if refs.is_empty() {
        Vec::new()
    } else {
        locate::locate(spec, &refs)
    };
    let mut found = found.into_iter();
    for d in diagnostics.iter_mut().filter(|d| d.location.is_none()) {
        d.location = found.next().flatten();
    }
    // Document order reads best, the overlays' after the document's; diagnostics without
    // a position go last.
    diagnostics.sort_by(|a, b| {
        let key = |d: &Diagnostic| {
            (
                d.file.clone(),
                d.location.unwrap_or((usize::MAX, 0)),
                d.pointer.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
    diagnostics
}

fn header(command: &str, source: &str) -> String {
    format!("@generated by `{command}` from {source}. Do not edit by hand.")
}

/// The document as a header names it: with the overlays applied to it, if any, named by
/// their file names (as the document is), never by a path of the machine.
fn overlaid(source: &str, settings: &Settings) -> String {
    let names: Vec<&str> = settings
        .overlays
        .iter()
        .map(|o| o.name.rsplit(['/', '\\']).next().unwrap_or(&o.name))
        .collect();
    match names.as_slice() {
        [] => source.to_owned(),
        [one] => format!("{source} with the overlay {one}"),
        many => format!("{source} with the overlays {}", many.join(", ")),
    }
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
    let result = generate_with(spec, options, &mut timings);
    (result, timings)
}

fn generate_with(
    spec: &str,
    options: &CrateOptions,
    timings: &mut Timings,
) -> Result<Output, Vec<Diagnostic>> {
    let (api, warnings) = lower_timed(spec, &options.settings, timings)?;
    let header = header(
        &options.command,
        &overlaid(&options.source, &options.settings),
    );
    let one = |d: Diagnostic| vec![d];

    let start = Instant::now();
    let client = (!api.operations.is_empty()).then(|| emit::client::client(&api));
    let example = emit::example::example(&api, &options.name);
    timings.emit = start.elapsed();

    // The two large modules are emitted and rendered item by item, in parallel; their
    // time counts as rendering, and so does everything after them.
    let start = Instant::now();
    let mut refs = Refs::default();
    let mut files = Vec::new();
    files.push(render_module(
        &api,
        "src/types.rs",
        &header,
        api.types.len(),
        |i| {
            let t = &api.types[i];
            (emit::types::type_def(&api, t), t.gate.clone())
        },
        |items| emit::types::preamble(&api, items),
        &mut refs,
    )?);
    if let Some(client) = client {
        let credentials = emit::client::Credentials::of(&api);
        files.push(render_module(
            &api,
            "src/requests.rs",
            &header,
            api.operations.len(),
            |i| {
                let op = &api.operations[i];
                (
                    emit::requests::operation(&api, &credentials, op),
                    op.gate.clone(),
                )
            },
            |items| emit::requests::preamble(&api, items),
            &mut refs,
        )?);
        files.push(render_module(
            &api,
            "src/mock.rs",
            &header,
            api.operations.len(),
            |i| {
                let op = &api.operations[i];
                (emit::mock::operation(op), op.gate.clone())
            },
            |items| emit::mock::preamble(&api, items),
            &mut refs,
        )?);
        refs.merge(Refs::scan(&client));
        let contents = render::render(client, &header, "src/client.rs").map_err(one)?;
        files.push(OutputFile {
            path: "src/client.rs".to_owned(),
            contents,
        });
    }
    let feature_names: Vec<&str> = api.features.iter().map(|f| f.name.as_str()).collect();
    let runtime = emit::runtime::runtime().select_gated(&feature_names, refs.runtime_items());
    // With a shared runtime crate, the crate depends on what its own code and the part of
    // the runtime it holds name; its optional features are those the whole runtime has.
    let whole = emit::manifest::Dependencies::of(refs.paths().chain(runtime.paths()));
    let shared_runtime = options
        .runtime_crate
        .as_deref()
        .filter(|_| !runtime.is_empty());
    let (dependencies, shared_runtime) = match shared_runtime {
        None => (whole.clone(), None),
        Some(path) => {
            let own = emit::manifest::Dependencies::of(refs.paths().chain(runtime.local_paths()))
                .union(whole.only(&REEXPORTED));
            let shared = emit::manifest::SharedRuntime {
                path: path.to_owned(),
                version: env!("CARGO_PKG_VERSION"),
                features: emit::runtime::shared().features(&runtime),
                optional: whole.optional().collect(),
            };
            (own, Some(shared))
        }
    };
    if !runtime.is_empty() {
        let text = match shared_runtime {
            Some(_) => runtime.text_sharing(RUNTIME_CRATE),
            None => runtime.text(),
        };
        files.push(OutputFile {
            path: "src/runtime.rs".to_owned(),
            contents: format!("// {header}\n\n{text}"),
        });
    }
    let mut features: Vec<(String, String)> = emit::manifest::crate_features(&whole)
        .into_iter()
        .map(|(name, about)| (name.to_owned(), about.to_owned()))
        .collect();
    features.extend(
        api.features
            .iter()
            .map(|f| (f.name.clone(), emit::manifest::tag_feature_about(f))),
    );
    let contents = render::render(
        crate_root(&api, &runtime, &dependencies, &features),
        &header,
        "src/lib.rs",
    )
    .map_err(one)?;
    files.push(OutputFile {
        path: "src/lib.rs".to_owned(),
        contents,
    });
    let mut dev_dependencies = emit::manifest::Dependencies::default();
    // The example and the test call one operation, which only its own features compile.
    let needed_feature = emit::example::chosen(&api)
        .and_then(|op| op.gate.features(&api))
        .and_then(|names| names.first().map(|name| (*name).to_owned()));
    let mut gated_targets = Vec::new();
    if let Some((stem, tokens)) = example {
        if let Some(feature) = &needed_feature {
            gated_targets.push(("example", stem.clone(), feature.clone()));
        }
        dev_dependencies =
            emit::manifest::Dependencies::of(Refs::scan(&tokens).paths()).without(&dependencies);
        let path = format!("examples/{stem}.rs");
        let contents = render::render(tokens, &header, &path).map_err(one)?;
        files.push(OutputFile { path, contents });
    }
    let mut test_features = Vec::new();
    if let Some(tokens) = emit::example::mock_test(&api, &options.name) {
        // The test needs the crate's `mock` feature, which its dev-dependency on itself
        // turns on; the mock's crate comes with that feature.
        let needs =
            emit::manifest::Dependencies::of(Refs::scan(&tokens).paths()).without(&dependencies);
        dev_dependencies = dev_dependencies.union(needs);
        test_features.push("mock");
        if let Some(feature) = &needed_feature {
            gated_targets.push(("test", "mock".to_owned(), feature.clone()));
        }
        let path = "tests/mock.rs".to_owned();
        let contents = render::render(tokens, &header, &path).map_err(one)?;
        files.push(OutputFile { path, contents });
    }
    let listed = dependencies.lines();
    let manifest = emit::manifest::ManifestOptions {
        name: &options.name,
        header: &header,
        standalone: options.standalone,
        edition: options.edition,
        license: options.license.as_deref(),
        publish: options.publish,
        version: options.version.as_deref(),
        dependencies,
        dev_dependencies,
        test_features,
        gated_targets,
        shared_runtime,
    };
    files.push(OutputFile {
        path: "Cargo.toml".to_owned(),
        contents: emit::manifest::manifest(&api, &manifest),
    });
    files.push(rustfmt_file(&header));
    files.push(OutputFile {
        path: "API.md".to_owned(),
        contents: emit::reference::reference(&api, &header),
    });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    timings.render = start.elapsed();
    Ok(Output {
        files,
        warnings,
        dependencies: listed,
    })
}

/// A module of `count` items that `item` emits, rendered in parallel, after the preamble
/// `preamble` makes from what the items refer to; what the module refers to is added to
/// `refs`.
fn render_module(
    api: &ir::Api,
    path: &str,
    header: &str,
    count: usize,
    item: impl Fn(usize) -> (TokenStream, ir::Gate) + Sync,
    preamble: impl FnOnce(&Refs) -> TokenStream,
    refs: &mut Refs,
) -> Result<OutputFile, Vec<Diagnostic>> {
    let (items, items_refs) = render::render_items(api, count, item, path).map_err(|d| vec![d])?;
    let preamble = preamble(&items_refs);
    // The imports name crates too.
    refs.merge(Refs::scan(&preamble));
    refs.merge(items_refs);
    let mut contents = render::render(preamble, header, path).map_err(|d| vec![d])?;
    contents.push_str(&items);
    Ok(OutputFile {
        path: path.to_owned(),
        contents,
    })
}

/// Generates the client as one module file, to embed in another crate with `#[path]` or
/// `include!`: the same items as a generated crate, in inline modules. It needs the crate
/// to use edition 2024 and depend on what a generated crate's manifest lists for the
/// same spec (`reqwest`, `serde` and `serde_json`, and more as the spec needs).
pub fn generate_module(spec: &str, options: &ModuleOptions) -> Result<Output, Vec<Diagnostic>> {
    // A module has no Cargo features of its own.
    let settings = Settings {
        tag_features: false,
        ..options.settings.clone()
    };
    let (api, warnings) = lower_spec_with(spec, &settings)?;
    let header = header(&options.command, &overlaid(&options.source, &settings));
    let types = emit::types::types(&api);
    let mut refs = Refs::scan(&types);
    let client = (!api.operations.is_empty()).then(|| {
        let (client, requests) = (emit::client::client(&api), emit::requests::requests(&api));
        refs.merge(Refs::scan(&client));
        refs.merge(Refs::scan(&requests));
        quote! {
            pub mod client {
                #client
            }

            pub mod requests {
                #requests
            }
        }
    });
    let runtime = emit::runtime::runtime().select_gated(&[], refs.runtime_items());
    let needed = emit::manifest::Dependencies::of(refs.paths().chain(runtime.paths()));
    let exports = exports(&api, &runtime, &needed);
    // The including crate chooses reqwest's TLS; rustls is the one generated crates pick.
    let dependencies = needed.with_feature("reqwest", "rustls").lines();
    let tokens = quote! {
        #exports

        #client

        pub mod types {
            #types
        }
    };
    let mut contents = render::render(tokens, &header, "module").map_err(|d| vec![d])?;
    if !runtime.is_empty() {
        // The runtime is copied as written, indented into its inline module.
        contents.push_str("\npub mod runtime {\n");
        for line in runtime.text().lines() {
            if !line.is_empty() {
                contents.push_str("    ");
                contents.push_str(line);
            }
            contents.push('\n');
        }
        contents.push_str("}\n");
    }
    Ok(Output {
        files: vec![OutputFile {
            path: "mod.rs".to_owned(),
            contents,
        }],
        warnings,
        dependencies,
    })
}

/// The crates whose types a generated crate's API can name, which it re-exports when it
/// depends on them, so that the crate alone is enough to call it.
const REEXPORTED: [&str; 3] = ["chrono", "serde_json", "uuid"];

/// The items re-exported next to `types`: the client, the runtime's public types, and the
/// crates whose types the API names.
fn exports(
    api: &ir::Api,
    runtime: &emit::runtime::Selection,
    dependencies: &emit::manifest::Dependencies,
) -> TokenStream {
    let crates = REEXPORTED
        .into_iter()
        .filter(|name| dependencies.contains(name))
        .map(|name| {
            let krate = proc_macro2::Ident::new(name, proc_macro2::Span::call_site());
            let doc = format!(
                " The `{name}` crate, whose types this crate's API names, in the version it uses."
            );
            quote! {
                #[doc = #doc]
                #[doc(no_inline)]
                pub use #krate;
            }
        });
    let mock = (!api.operations.is_empty() && dependencies.contains("wiremock")).then(|| {
        quote! {
            /// The mock server [`mock`]'s mocks mount on, in the version this crate uses.
            #[cfg(feature = "mock")]
            #[doc(no_inline)]
            pub use wiremock;
        }
    });
    let client = (!api.operations.is_empty()).then(|| {
        quote! {
            #[rustfmt::skip]
            pub use client::{Client, ClientBuilder, DEFAULT_BASE_URL, DEFAULT_BODY_LIMIT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT};
            /// The HTTP library the client sends with, for writing a [`Hook`] or passing
            /// [`ClientBuilder::http_client`] a client of your own, in the version this
            /// crate uses.
            #[doc(no_inline)]
            pub use reqwest;
        }
    });
    // What only a feature of the crate compiles is re-exported under it.
    let mut by_feature: std::collections::BTreeMap<Option<&str>, Vec<(TokenStream, ir::Gate)>> =
        Default::default();
    for (name, gate, feature) in runtime.exports() {
        let name = proc_macro2::Ident::new(name, proc_macro2::Span::call_site());
        by_feature
            .entry(feature)
            .or_default()
            .push((quote!(#name), gate.clone()));
    }
    let runtime = by_feature.into_iter().map(|(feature, names)| {
        let head = match feature {
            Some(feature) => quote!(#[cfg(feature = #feature)] #[rustfmt::skip] pub use runtime),
            None => quote!(#[rustfmt::skip] pub use runtime),
        };
        emit::gated_use(api, head, names)
    });
    let runtime = quote!(#(#runtime)*);
    quote!(#client #runtime #(#crates)* #mock)
}

/// The crate root: documentation (with the crate's features and what each is for), lints,
/// modules and re-exports.
fn crate_root(
    api: &ir::Api,
    runtime: &emit::runtime::Selection,
    dependencies: &emit::manifest::Dependencies,
    features: &[(String, String)],
) -> TokenStream {
    let title = format!(
        " {}",
        emit::docs::one_line(&format!(
            "Client for {} {}.",
            emit::api_name(&api.title),
            api.version
        ))
    );
    let description = emit::docs::sanitize(api.description.as_deref().unwrap_or(""));
    let description = description.iter().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote!(#![doc = #line])
    });
    let blank = api.description.as_ref().map(|_| quote!(#![doc = ""]));

    // A build without every tag's operations can leave parts of the runtime unused (all
    // of what sends requests, without any); the full build still finds dead code.
    let partial = (!api.features.is_empty()).then(|| {
        let all = api.features.iter().map(|f| &f.name);
        quote!(#[cfg_attr(not(all(#(feature = #all),*)), allow(dead_code))])
    });
    let runtime_mod = (!runtime.is_empty()).then(|| {
        quote! {
            #partial
            #[rustfmt::skip]
            mod runtime;
        }
    });
    let (about, client_mods) = if !api.operations.is_empty() {
        (
            quote! {
                //!
                //! [`Client`] sends the requests, one method per operation; [`types`] holds the
                //! request and response types.
            },
            quote! {
                #[rustfmt::skip]
                mod client;
                #[cfg(feature = "mock")]
                #[rustfmt::skip]
                pub mod mock;
                #[rustfmt::skip]
                pub mod requests;
            },
        )
    } else {
        (
            quote! {
                //!
                //! The spec describes no operations; [`types`] holds its schemas.
            },
            quote!(),
        )
    };
    let exports = exports(api, runtime, dependencies);
    let features = (!features.is_empty()).then(|| {
        let items = features.iter().map(|(name, about)| {
            let line = format!(" - `{name}`: {about}");
            quote!(#![doc = #line])
        });
        quote! {
            //!
            //! # Cargo features
            //!
            #(#items)*
        }
    });
    let recursion_limit = api.recursion_limit.map(|limit| {
        let limit = limit.to_string();
        quote!(#![recursion_limit = #limit])
    });
    quote! {
        #![doc = #title]
        #blank
        #(#description)*
        #about
        #features
        //!
        //! Every file of this crate is generated from the OpenAPI document: change the document
        //! and regenerate rather than editing here.
        #![forbid(unsafe_code)]
        #![warn(missing_docs)]
        #recursion_limit

        #client_mods
        #runtime_mod
        #[rustfmt::skip]
        pub mod types;

        #exports
    }
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
    overlays: &[Overlay],
    seed: u64,
) -> Result<ConformanceHarness, Vec<Diagnostic>> {
    let settings = Settings {
        overlays: overlays.to_vec(),
        ..Settings::default()
    };
    let (api, _) = lower_spec_with(spec, &settings)?;
    let mut doc = loader::parse_tree(spec).map_err(|d| vec![d])?;
    overlay::apply(&mut doc, overlays);
    let harness = emit::conformance::harness(&api, &doc, seed);
    let main_rs = render::render(
        harness.tokens,
        &header("openapi-clientgen conformance", "the spec"),
        "conformance harness",
    )
    .map_err(|d| vec![d])?;
    let extra_crates = ["chrono", "uuid"]
        .into_iter()
        .filter(|krate| main_rs.contains(&format!("{krate}::")))
        .collect();
    Ok(ConformanceHarness {
        main_rs,
        calls: harness.calls,
        extra_crates,
    })
}
