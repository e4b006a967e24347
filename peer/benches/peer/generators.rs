//! The generators, each run from a document's text to formatted source text, and what the
//! comparisons read from their output: line counts and the client's operation methods.

use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use progenitor_impl::{GenerationSettings, Generator, InterfaceStyle, TagStyle};

/// The package name of this project's generated crate in the scratch workspace.
pub const OURS: &str = "ours";
/// The package name of this project's generated crate that depends on the shared runtime
/// crate, in the scratch workspace.
pub const OURS_SHARED: &str = "ours-shared";
/// The package name of progenitor's generated crate in the scratch workspace.
pub const PROGENITOR: &str = "progenitor-generated";
/// The package name of openapi-to-rust's generated crate in the scratch workspace.
pub const OPENAPI_TO_RUST: &str = "openapi-to-rust-generated";

/// Runs `f` `runs` times (stopping at the first failure) and returns the median time with
/// the last result.
pub fn median_of<T, E>(
    runs: usize,
    mut f: impl FnMut() -> Result<T, E>,
) -> Result<(Duration, T), E> {
    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        let result = f()?;
        times.push(start.elapsed());
        last = Some(result);
    }
    Ok((crate::median(times), last.expect("at least one run")))
}

/// This project's crate for `spec`, with default settings: every file, as
/// [`openapi_clientgen::generate`] returns them. `standalone` makes the manifest a workspace
/// of its own rather than a member.
pub fn ours(spec: &str, standalone: bool) -> Result<openapi_clientgen::Output, String> {
    let mut options = openapi_clientgen::CrateOptions::new(OURS);
    options.standalone = standalone;
    ours_with(spec, options)
}

/// This project's crate for `spec` as a member depending on the shared runtime crate, a
/// member beside it.
pub fn ours_shared(spec: &str) -> Result<openapi_clientgen::Output, String> {
    let mut options = openapi_clientgen::CrateOptions::new(OURS_SHARED);
    options.standalone = false;
    options.runtime_crate = Some(format!("../{}", openapi_clientgen::RUNTIME_CRATE));
    ours_with(spec, options)
}

fn ours_with(
    spec: &str,
    mut options: openapi_clientgen::CrateOptions,
) -> Result<openapi_clientgen::Output, String> {
    options.source = "openapi.json".to_owned();
    options.command = "cargo xtask bench".to_owned();
    openapi_clientgen::generate(spec, &options).map_err(|diagnostics| {
        let shown: Vec<String> = diagnostics.iter().map(|d| format!("{d:?}")).collect();
        format!("the document does not generate: {}", shown.join("; "))
    })
}

/// Lines of this project's `src/**.rs`: the client and its operations, and apart the two
/// modules progenitor has no counterpart of in its `lib.rs`.
#[derive(Clone, Copy, Debug, Default)]
pub struct OursLines {
    /// Every `src/**.rs` but the runtime's and the mocks'.
    pub api: usize,
    /// Of `api`, the types: `src/types.rs` and the files of its groups (`src/types/*.rs`).
    pub types: usize,
    /// `src/runtime.rs`: the plumbing every operation shares (progenitor keeps its
    /// counterpart in the `progenitor-client` crate).
    pub runtime: usize,
    /// `src/mock.rs` and its groups' files: typed mocks behind the `mock` feature
    /// (progenitor generates its `httpmock` helpers as a separate crate).
    pub mock: usize,
}

impl OursLines {
    pub fn of(output: &openapi_clientgen::Output) -> Self {
        let mut lines = OursLines::default();
        for file in &output.files {
            let Some(module) = source_module(&file.path) else {
                continue;
            };
            let count = file.contents.lines().count();
            match module {
                "runtime" => lines.runtime += count,
                "mock" => lines.mock += count,
                _ => {
                    lines.api += count;
                    if module == "types" {
                        lines.types += count;
                    }
                }
            }
        }
        lines
    }
}

/// The module of the crate root a source file of ours belongs to (`types` for
/// `src/types.rs` and `src/types/GROUP.rs`), or `None` for a file that is not Rust source.
fn source_module(path: &str) -> Option<&str> {
    let name = path.strip_prefix("src/")?.strip_suffix(".rs")?;
    name.split('/').next()
}

/// An operation method of a generated `Client`, and how many arguments besides `self` it
/// takes.
#[derive(Clone, Debug)]
pub struct Method {
    pub name: String,
    /// An expression for each argument: a value of any type (`arg()`), or of one that
    /// converts into the parameter's `impl Into<..>` (bytes, for a body).
    pub arguments: Vec<&'static str>,
}

/// The operation methods of this project's `Client`: `pub fn`s of `impl Client` blocks that
/// return a `Request`, in source order.
pub fn ours_methods(output: &openapi_clientgen::Output) -> Vec<Method> {
    output
        .files
        .iter()
        .filter(|f| source_module(&f.path).is_some_and(|m| m != "runtime" && m != "mock"))
        .flat_map(|f| {
            let file = syn::parse_file(&f.contents)
                .unwrap_or_else(|e| panic!("{} does not parse: {e}", f.path));
            client_methods(&file, |output| {
                output
                    .path
                    .segments
                    .last()
                    .is_some_and(|s| s.ident == "Request")
            })
        })
        .collect()
}

/// The operation methods of progenitor's builder-style `Client`: `pub fn`s of `impl Client`
/// blocks that return a `builder::` type, in source order.
pub fn progenitor_methods(lib: &str) -> Vec<Method> {
    let file = syn::parse_file(lib).expect("progenitor's code parses");
    client_methods(&file, |output| {
        output
            .path
            .segments
            .first()
            .is_some_and(|s| s.ident == "builder")
    })
}

/// The `pub` methods with a receiver of inherent `impl Client` blocks whose return type
/// passes `returns`.
fn client_methods(file: &syn::File, returns: impl Fn(&syn::TypePath) -> bool) -> Vec<Method> {
    let mut methods = Vec::new();
    for item in &file.items {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let syn::Type::Path(self_ty) = &*block.self_ty else {
            continue;
        };
        if block.trait_.is_some() || !self_ty.path.is_ident("Client") {
            continue;
        }
        for item in &block.items {
            let syn::ImplItem::Fn(f) = item else {
                continue;
            };
            let public = matches!(f.vis, syn::Visibility::Public(_));
            let method = matches!(f.sig.inputs.first(), Some(syn::FnArg::Receiver(_)));
            let request = match &f.sig.output {
                syn::ReturnType::Type(_, ty) => match &**ty {
                    syn::Type::Path(path) => returns(path),
                    _ => false,
                },
                syn::ReturnType::Default => false,
            };
            if public && method && request {
                let arguments = f
                    .sig
                    .inputs
                    .iter()
                    .skip(1)
                    .map(|input| match input {
                        syn::FnArg::Typed(typed)
                            if matches!(&*typed.ty, syn::Type::ImplTrait(_)) =>
                        {
                            "arg::<Vec<u8>>()"
                        }
                        _ => "arg()",
                    })
                    .collect();
                methods.push(Method {
                    name: f.sig.ident.to_string(),
                    arguments,
                });
            }
        }
    }
    methods
}

/// Progenitor's crate for a document: its `lib.rs` and its `[dependencies]`.
pub struct ProgenitorCrate {
    pub lib: String,
    pub dependencies: Vec<String>,
}

/// Progenitor's client for `spec` in the builder style with merged tags, as a build script
/// generates it: the document parsed, tokens generated, parsed as a file and unparsed by
/// `prettyplease`. A panic in progenitor is an error here, its message and location.
pub fn progenitor(spec: &str) -> Result<ProgenitorCrate, String> {
    catch_panic(|| {
        let spec: openapiv3::OpenAPI =
            serde_json::from_str(spec).map_err(|e| format!("the document does not load: {e}"))?;
        let mut settings = GenerationSettings::default();
        settings
            .with_interface(InterfaceStyle::Builder)
            .with_tag(TagStyle::Merged);
        let mut generator = Generator::new(&settings);
        let tokens = generator
            .generate_tokens(&spec)
            .map_err(|e| format!("generation fails: {e}"))?;
        let file = syn::parse2::<syn::File>(tokens)
            .map_err(|e| format!("the generated code does not parse: {e}"))?;
        Ok(ProgenitorCrate {
            lib: prettyplease::unparse(&file),
            dependencies: progenitor_dependencies(&generator),
        })
    })
}

/// The dependencies `cargo progenitor` writes for a crate that depends on
/// `progenitor-client` (cargo-progenitor 0.15.1, `dependencies`), the client support crate
/// pinned to the generator's version.
fn progenitor_dependencies(generator: &Generator) -> Vec<String> {
    let types = generator.get_type_space();
    let mut dependencies = vec![
        r#"bytes = "1.9""#.to_owned(),
        r#"futures-core = "0.3""#.to_owned(),
        r#"progenitor-client = "=0.15.1""#.to_owned(),
        r#"reqwest = { version = "0.13", default-features = false, features = ["json", "query", "stream"] }"#.to_owned(),
        r#"serde = { version = "1.0", features = ["derive"] }"#.to_owned(),
        r#"serde_urlencoded = "0.7""#.to_owned(),
    ];
    let optional = [
        (types.uses_regress(), r#"regress = "0.10""#),
        (
            types.uses_uuid(),
            r#"uuid = { version = "1.0", features = ["serde", "v4"] }"#,
        ),
        (
            types.uses_chrono(),
            r#"chrono = { version = "0.4", default-features = false, features = ["serde"] }"#,
        ),
        (generator.uses_futures(), r#"futures = "0.3""#),
        (generator.uses_websockets(), r#"base64 = "0.22""#),
        (generator.uses_websockets(), r#"rand = "0.8""#),
        (types.uses_serde_json(), r#"serde_json = "1.0""#),
    ];
    dependencies.extend(
        optional
            .into_iter()
            .filter(|(used, _)| *used)
            .map(|(_, line)| line.to_owned()),
    );
    dependencies.sort_unstable();
    dependencies
}

/// openapi-to-rust's output for a document, as its CLI writes it into its output directory.
pub struct OpenapiToRustCrate {
    /// The Rust files (`types.rs`, `client.rs`, `mod.rs`), by path in the output directory.
    pub files: Vec<(String, String)>,
    /// `REQUIRED_DEPS.toml`: the dependencies the files need, a fragment of a manifest.
    pub dependencies: String,
}

impl OpenapiToRustCrate {
    /// Lines of the Rust files whose name passes `include`.
    pub fn lines(&self, include: impl Fn(&str) -> bool) -> usize {
        self.files
            .iter()
            .filter(|(path, _)| path.ends_with(".rs") && include(path))
            .map(|(_, contents)| contents.lines().count())
            .sum()
    }
}

/// openapi-to-rust's client for `spec`, read as the file `source`, as
/// `openapi-to-rust generate SOURCE` makes it with its default settings: the same steps as
/// its CLI's direct mode (openapi-to-rust 0.23.0, `run_generate`), from the text rather
/// than the file. A panic is an error here, as for progenitor.
pub fn openapi_to_rust(spec: &str, source: &str) -> Result<OpenapiToRustCrate, String> {
    use openapi_to_rust::spec_source::{parse_spec, sanitize_source_provenance};
    use openapi_to_rust::{CodeGenerator, GeneratorConfig, SchemaAnalyzer, TypeMapper};
    catch_panic(|| {
        let mut config = GeneratorConfig {
            spec_path: source.into(),
            output_dir: "src/generated".into(),
            module_name: "api".to_owned(),
            enable_async_client: true,
            enable_sse_client: false,
            tracing_enabled: false,
            ..GeneratorConfig::default()
        };
        let document =
            parse_spec(spec, source).map_err(|e| format!("the document does not load: {e}"))?;
        let document = openapi_to_rust::overlay::preprocess_spec(
            document,
            &config.schema_extensions,
            &config.overlays,
        )
        .map_err(|e| format!("the document does not load: {e}"))?;
        openapi_to_rust::spec_source::validate_oas_document(&document)?;
        config.apply_spec_server_default(&document);
        let mapper = TypeMapper::new(config.types.clone());
        let mut analysis = SchemaAnalyzer::with_type_mapper(document, mapper)
            .and_then(|mut analyzer| analyzer.analyze())
            .map_err(|e| format!("analysis fails: {e}"))?;
        let generator =
            CodeGenerator::new(config).with_source_provenance(sanitize_source_provenance(source));
        let result = generator
            .generate_all(&mut analysis)
            .map_err(|e| format!("generation fails: {e}"))?;
        let mut files = Vec::new();
        let mut dependencies = String::new();
        for (path, contents) in generator.output_artifacts(&result) {
            let path = path.to_string_lossy().replace('\\', "/");
            if path == "REQUIRED_DEPS.toml" {
                dependencies = contents;
            } else {
                files.push((path, contents));
            }
        }
        Ok(OpenapiToRustCrate {
            files,
            dependencies,
        })
    })
}

/// Runs `f`, turning a panic into an error that names where it happened, without printing
/// the usual panic message.
fn catch_panic<T>(f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    let location = Arc::new(Mutex::new(None::<String>));
    let previous = std::panic::take_hook();
    {
        let location = Arc::clone(&location);
        std::panic::set_hook(Box::new(move |info| {
            if let Ok(mut slot) = location.lock() {
                *slot = info
                    .location()
                    .map(|l| format!("{}:{}:{}", crate_relative(l.file()), l.line(), l.column()));
            }
        }));
    }
    let result = std::panic::catch_unwind(AssertUnwindSafe(f));
    std::panic::set_hook(previous);
    result.unwrap_or_else(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "(no message)".to_owned());
        let message = message.lines().next().unwrap_or_default().to_owned();
        let at = location
            .lock()
            .ok()
            .and_then(|slot| slot.clone())
            .map(|l| format!(" at {l}"))
            .unwrap_or_default();
        Err(format!("panicked{at}: {message}"))
    })
}

/// `file` from its crate's directory on (`typify-impl-0.8.0/src/convert.rs`), without the
/// machine's registry path.
fn crate_relative(file: &str) -> &str {
    file.rfind("/src/")
        .and_then(|src| file[..src].rfind('/'))
        .map_or(file, |start| &file[start + 1..])
}
