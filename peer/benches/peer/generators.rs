//! The two generators, each run from a document's text to formatted source text, and what
//! the comparison reads from their output: line counts and the client's operation methods.

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

/// This project's crate for `spec`: every file, as [`openapi_clientgen::generate`] returns
/// them. `standalone` makes the manifest a workspace of its own rather than a member.
pub fn ours(spec: &str, standalone: bool) -> openapi_clientgen::Output {
    let mut options = openapi_clientgen::CrateOptions::new(OURS);
    options.standalone = standalone;
    ours_with(spec, options)
}

/// This project's crate for `spec` as a member depending on the shared runtime crate, a
/// member beside it.
pub fn ours_shared(spec: &str) -> openapi_clientgen::Output {
    let mut options = openapi_clientgen::CrateOptions::new(OURS_SHARED);
    options.standalone = false;
    options.runtime_crate = Some(format!("../{}", openapi_clientgen::RUNTIME_CRATE));
    ours_with(spec, options)
}

fn ours_with(
    spec: &str,
    mut options: openapi_clientgen::CrateOptions,
) -> openapi_clientgen::Output {
    options.source = "openapi.json".to_owned();
    options.command = "cargo xtask bench".to_owned();
    openapi_clientgen::generate(spec, &options).unwrap_or_else(|diagnostics| {
        let shown: Vec<String> = diagnostics.iter().map(|d| format!("{d:?}")).collect();
        panic!("the document does not generate:\n{}", shown.join("\n"))
    })
}

/// Lines of this project's `src/*.rs`: the client and its operations, and apart the two
/// files progenitor has no counterpart of in its `lib.rs`.
#[derive(Clone, Copy, Debug, Default)]
pub struct OursLines {
    /// Every `src/*.rs` but `runtime.rs` and `mock.rs`.
    pub api: usize,
    /// `src/runtime.rs`: the plumbing every operation shares (progenitor keeps its
    /// counterpart in the `progenitor-client` crate).
    pub runtime: usize,
    /// `src/mock.rs`: typed mocks behind the `mock` feature (progenitor generates its
    /// `httpmock` helpers as a separate crate).
    pub mock: usize,
}

impl OursLines {
    pub fn of(output: &openapi_clientgen::Output) -> Self {
        let mut lines = OursLines::default();
        for file in &output.files {
            let Some(name) = file.path.strip_prefix("src/") else {
                continue;
            };
            if name.contains('/') || !name.ends_with(".rs") {
                continue;
            }
            let count = file.contents.lines().count();
            match name {
                "runtime.rs" => lines.runtime += count,
                "mock.rs" => lines.mock += count,
                _ => lines.api += count,
            }
        }
        lines
    }
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
        .filter(|f| f.path.starts_with("src/") && f.path.ends_with(".rs"))
        .filter(|f| f.path != "src/runtime.rs" && f.path != "src/mock.rs")
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
