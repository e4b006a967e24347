//! The pipeline, driven stage by stage in one straight line: spec text --load--> a JSON
//! tree --overlay--> the tree as the user's overlays correct it --load--> the `openapiv3`
//! model --validate--> diagnostics --lower--> the IR --emit--> token streams per file
//! --render--> source text. Each stage takes the whole result of the one before; none
//! reaches back. The library's entry points (`lib.rs`) call these functions.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use proc_macro2::TokenStream;
use quote::quote;

use crate::diagnostics::Diagnostic;
use crate::emit::refs::{self, ItemNames, Refs};
use crate::options::{CrateOptions, ModuleOptions, Settings};
use crate::overlay;
use crate::{Output, OutputFile, Timings, emit, ir, loader, lower as lowering, render, validate};

/// The document's files besides the root, as [`lower`] read them.
pub(crate) type Inputs = Vec<String>;

pub(crate) fn lower(
    spec: &str,
    settings: &Settings,
    timings: &mut Timings,
    inputs: &mut Inputs,
) -> Result<(ir::Api, Vec<Diagnostic>), Vec<Diagnostic>> {
    // Load: the text as a tree, with the files its references name (a plain 3.0 JSON
    // document without overlays goes straight to the model).
    let start = Instant::now();
    let fast = settings
        .overlays
        .is_empty()
        .then(|| loader::fast(spec))
        .flatten();
    let mut sources = loader::Sources::default();
    let mut diagnostics = Vec::new();
    let tree = match fast {
        Some(_) => None,
        None => {
            let (tree, read, warnings) = bundled_tree(spec, settings)?;
            sources = read;
            diagnostics = warnings;
            Some(tree)
        }
    };
    inputs.extend(sources.others().map(str::to_owned));
    timings.load = start.elapsed();
    // Overlay: the user's corrections, in order.
    let start = Instant::now();
    let mut provenance = overlay::Provenance::default();
    let tree = tree.map(|mut tree| {
        let applied = overlay::apply(&mut tree, &settings.overlays);
        provenance = applied.provenance;
        diagnostics.extend(applied.diagnostics);
        tree
    });
    timings.overlay = start.elapsed();
    let locate_all = |diagnostics| locate_all(spec, &sources, &provenance, diagnostics);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(locate_all(diagnostics));
    }
    // Load, the rest: the tree as the model.
    let start = Instant::now();
    let loaded = match (fast, tree) {
        (Some(doc), _) => Ok(loader::Loaded {
            doc,
            warnings: Vec::new(),
        }),
        (None, Some(tree)) => loader::model(tree),
        (None, None) => Err(Vec::new()),
    };
    timings.load += start.elapsed();
    let loaded = loaded.map_err(|mut errors| {
        errors.append(&mut diagnostics);
        locate_all(errors)
    })?;
    diagnostics.extend(loaded.warnings);
    let doc = loaded.doc;
    // Lowering copes with what validation rejects, so both run and every problem is
    // reported in one pass.
    let start = Instant::now();
    diagnostics.extend(validate::validate(&doc));
    timings.validate = start.elapsed();
    let start = Instant::now();
    let (api, lowered) = lowering::lower(&doc, settings);
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

/// The document's tree with every file its references name resolved into it, the files
/// read and the warnings; the diagnostics, located, when a file or reference is broken.
fn bundled_tree(
    spec: &str,
    settings: &Settings,
) -> Result<(serde_json::Value, loader::Sources, Vec<Diagnostic>), Vec<Diagnostic>> {
    let no_overlays = overlay::Provenance::default();
    let mut tree = loader::parse_tree(spec)
        .map_err(|d| locate_all(spec, &loader::Sources::default(), &no_overlays, vec![d]))?;
    let (sources, diagnostics) = loader::bundle(&mut tree, spec, &settings.files);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(locate_all(spec, &sources, &no_overlays, diagnostics));
    }
    Ok((tree, sources, diagnostics))
}

/// Fills in line and column for diagnostics that lack them: in the overlay whose action
/// wrote the node, or else in the file of the document where the node was written.
fn locate_all(
    spec: &str,
    sources: &loader::Sources,
    provenance: &overlay::Provenance,
    mut diagnostics: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    for d in diagnostics.iter_mut().filter(|d| d.location.is_none()) {
        match provenance.writer(&d.pointer) {
            Some(action) => overlay::attribute(d, action),
            None => sources.attribute(d),
        }
    }
    // File by file (the root's first), each scanned once.
    let mut files: Vec<Option<String>> = diagnostics
        .iter()
        .filter(|d| d.location.is_none())
        .map(|d| d.file.clone())
        .collect();
    files.sort();
    files.dedup();
    for file in files {
        let text = match &file {
            None => Some(spec),
            Some(name) => sources.text(name),
        };
        let Some(text) = text else {
            continue;
        };
        let here = |d: &Diagnostic| d.location.is_none() && d.file == file;
        let wanted: Vec<String> = diagnostics
            .iter()
            .filter(|d| here(d))
            .map(|d| d.pointer.clone())
            .collect();
        let refs: Vec<&str> = wanted.iter().map(String::as_str).collect();
        let mut found = crate::locate::locate(text, &refs).into_iter();
        for d in diagnostics.iter_mut().filter(|d| here(d)) {
            d.location = found.next().flatten();
        }
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

pub(crate) fn header(command: &str, source: &str) -> String {
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

pub(crate) fn generate(
    spec: &str,
    options: &CrateOptions,
    timings: &mut Timings,
) -> Result<Output, Vec<Diagnostic>> {
    let mut inputs = Inputs::new();
    let (api, warnings) = lower(spec, &options.settings, timings, &mut inputs)?;
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
    files.extend(render_module(
        &api,
        &header,
        Module {
            name: "types",
            count: api.types.len(),
            item: |i: usize| {
                let t = &api.types[i];
                (emit::types::type_def(&api, t), t.gate.clone())
            },
            key: |i: usize| api.types[i].name.clone(),
            preamble: |items: &Refs| emit::types::preamble(&api, items),
            holds: "The types",
        },
        &mut refs,
    )?);
    if let Some(client) = client {
        let credentials = emit::client::Credentials::of(&api);
        files.extend(render_module(
            &api,
            &header,
            Module {
                name: "requests",
                count: api.operations.len(),
                item: |i: usize| {
                    let op = &api.operations[i];
                    (
                        emit::requests::operation(&api, &credentials, op),
                        op.gate.clone(),
                    )
                },
                key: |i: usize| api.operations[i].rust_name.clone(),
                preamble: |items: &Refs| emit::requests::preamble(&api, items),
                holds: "The operations",
            },
            &mut refs,
        )?);
        files.extend(render_module(
            &api,
            &header,
            Module {
                name: "mock",
                count: api.operations.len(),
                item: |i: usize| {
                    let op = &api.operations[i];
                    (emit::mock::operation(op), op.gate.clone())
                },
                key: |i: usize| api.operations[i].rust_name.clone(),
                preamble: |items: &Refs| emit::mock::preamble(&api, items),
                holds: "The mocks",
            },
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
                .union(whole.only(&emit::root::REEXPORTED));
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
            Some(_) => runtime.text_sharing(emit::runtime::RUNTIME_CRATE),
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
        emit::root::crate_root(&api, &runtime, &dependencies, &features),
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
    files.extend(
        emit::reference::reference(&api, &header)
            .into_iter()
            .map(|(path, contents)| OutputFile { path, contents }),
    );
    files.sort_by(|a, b| a.path.cmp(&b.path));
    timings.render = start.elapsed();
    Ok(Output {
        files,
        warnings,
        dependencies: listed,
        inputs,
    })
}

/// How one of the large modules (`types`, `requests`, `mock`) is emitted: its name, how
/// its items are made and told apart, its preamble and how its parts are described.
struct Module<'a, I, K, P> {
    name: &'a str,
    count: usize,
    /// An item's tokens and the features that compile it.
    item: I,
    /// A name that stays the same while the item's text changes: it decides which part
    /// of a split module the item goes to.
    key: K,
    preamble: P,
    /// What a part file holds: "The types", "The operations".
    holds: &'a str,
}

/// A module of items rendered in parallel, after the preamble made from what they refer
/// to (added to `refs`). In a crate with features, the items of each group of features
/// go to their own file, `src/NAME/GROUP.rs`, declared `#[cfg(...)] mod GROUP;` and
/// re-exported, so a build without those features never reads it; items every build
/// compiles stay in `src/NAME.rs`. A file longer than [`MAX_FILE_LINES`](render::MAX_FILE_LINES) is split into
/// parts by its items' keys, so that an item stays in its part while others change.
fn render_module<I, K, P>(
    api: &ir::Api,
    header: &str,
    module: Module<'_, I, K, P>,
    refs: &mut Refs,
) -> Result<Vec<OutputFile>, Vec<Diagnostic>>
where
    I: Fn(usize) -> (TokenStream, ir::Gate) + Sync,
    K: Fn(usize) -> String,
    P: Fn(&Refs) -> TokenStream,
{
    let name = module.name;
    let path = format!("src/{name}.rs");
    let split = !api.features.is_empty();
    // Emitting each item is its emitter's work, with what it refers to and its gate;
    // rendering prints it, under its `#[cfg]` unless its file has one.
    let emitted = |i| {
        let (tokens, gate) = (module.item)(i);
        let refs = Refs::scan_gated(&tokens, &gate);
        // What a part module imports from its parent follows from its items' names.
        let names = ItemNames::scan(&tokens);
        let cfg = if split { None } else { emit::cfg(api, &gate) };
        render::Emitted {
            tokens,
            cfg,
            refs: (refs, gate, names),
        }
    };
    let rendered = render::render_items(module.count, emitted, &path).map_err(|d| vec![d])?;
    let mut items_refs = Refs::default();
    let mut groups: std::collections::BTreeMap<ir::Gate, Vec<usize>> = Default::default();
    let mut texts = Vec::with_capacity(rendered.len());
    let mut gates = Vec::with_capacity(rendered.len());
    let mut names = Vec::with_capacity(rendered.len());
    let mut each_refs = Vec::with_capacity(rendered.len());
    for (i, (text, (item_refs, gate, item_names))) in rendered.into_iter().enumerate() {
        each_refs.push(item_refs.clone());
        items_refs.merge(item_refs);
        groups.entry(gate.clone()).or_default().push(i);
        texts.push(text);
        gates.push(gate);
        names.push(item_names);
    }
    let preamble = (module.preamble)(&items_refs);
    // The imports name crates too.
    refs.merge(Refs::scan(&preamble));
    refs.merge(items_refs);

    let lines =
        |items: &[usize]| -> usize { items.iter().map(|&i| texts[i].lines().count()).sum() };
    let mut own: Vec<usize> = groups.remove(&ir::Gate::Always).unwrap_or_default();
    // Parts: (module name, gate, items, what it holds).
    let mut parts: Vec<(String, ir::Gate, Vec<usize>, String)> = Vec::new();
    let mut taken: std::collections::BTreeSet<String> = Default::default();
    if lines(&own) > render::MAX_FILE_LINES {
        let items = std::mem::take(&mut own);
        let about = format!("{} every build compiles", module.holds);
        for items in render::split_by_key(&items, &lines, &module.key) {
            parts.push((
                claim_module(&mut taken, "common"),
                ir::Gate::Always,
                items,
                about.clone(),
            ));
        }
    }
    for (gate, items) in groups {
        let names = gate.features(api).unwrap_or_default();
        let about = match names.as_slice() {
            [one] => format!("{} of the `{one}` feature", module.holds),
            many => format!(
                "{} that the features {} share",
                module.holds,
                many.iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let stem = group_module_name(&names);
        for items in render::split_by_key(&items, &lines, &module.key) {
            parts.push((
                claim_module(&mut taken, &stem),
                gate.clone(),
                items,
                about.clone(),
            ));
        }
    }
    parts.sort_by(|a, b| a.0.cmp(&b.0));

    let declarations = parts.iter().map(|(part, gate, _, _)| {
        let cfg = emit::cfg(api, gate);
        let part = crate::names::ident(part);
        quote!(#cfg mod #part;)
    });
    let exports = parts.iter().map(|(part, gate, _, _)| {
        let cfg = emit::cfg(api, gate);
        let part = crate::names::ident(part);
        quote!(#cfg pub use #part::*;)
    });
    let head = quote! {
        #preamble
        #(#declarations)*
        #(#exports)*
    };
    let mut contents = render::render(head, header, &path).map_err(|d| vec![d])?;
    for &i in &own {
        contents.push_str(&texts[i]);
    }
    let mut files = vec![OutputFile { path, contents }];
    // The names each part may take from its parent's items, by the item defining them.
    let mut defined: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, item) in names.iter().enumerate() {
        for name in &item.defined {
            defined.insert(name, i);
        }
    }
    for (part, part_gate, items, about) in parts {
        let path = format!("src/{name}/{part}.rs");
        // What the parent imports for these items alone, the part imports from it.
        let mut part_refs = Refs::default();
        for &i in &items {
            part_refs.merge(each_refs[i].clone());
        }
        let imported = refs::imported_names(&(module.preamble)(&part_refs));
        let imported = imported.into_iter().map(|(name, _)| name).collect();
        let imports = part_imports(api, &part_gate, &items, &names, &defined, &gates, imported);
        let about = format!(" {about}.");
        let head = quote! {
            #![doc = #about]
            #imports
        };
        let mut contents = render::render(head, header, &path).map_err(|d| vec![d])?;
        for &i in &items {
            // Documentation links to the crate root's items go one module further up.
            contents.push_str(&texts[i].replace("](super::", "](super::super::"));
        }
        files.push(OutputFile { path, contents });
    }
    Ok(files)
}

/// The `use super::{...}` items of a part holding `items`: the names the parent imports
/// for them (`imported`), and each name of the parent's items that they may name and do
/// not define themselves, one `use` per gate. A name whose gate opens wherever the part's
/// does is imported plainly; another (a name an item only shares with a type, say) under
/// its own `#[cfg]`. Explicit lists, rather than `use super::*` in hundreds of parts over
/// thousands of names, keep name resolution proportional to what the code names.
fn part_imports(
    api: &ir::Api,
    part_gate: &ir::Gate,
    items: &[usize],
    names: &[ItemNames],
    defined: &BTreeMap<&str, usize>,
    gates: &[ir::Gate],
    imported: Vec<String>,
) -> TokenStream {
    let own: BTreeSet<&str> = items
        .iter()
        .flat_map(|&i| names[i].defined.iter().map(String::as_str))
        .collect();
    let named: BTreeSet<&str> = items
        .iter()
        .flat_map(|&i| names[i].named.iter().map(String::as_str))
        .collect();
    // Keyed by the attributes' text, so that the `use` items come in a stable order.
    let mut uses: BTreeMap<String, (TokenStream, Vec<&str>)> = BTreeMap::new();
    let plain: Vec<&str> = imported.iter().map(String::as_str).collect();
    uses.insert(String::new(), (TokenStream::new(), plain));
    for name in named.difference(&own) {
        let attrs = match defined.get(*name) {
            None => continue,
            Some(&i) if gates[i].covers(part_gate) => TokenStream::new(),
            Some(&i) => emit::cfg(api, &gates[i]).unwrap_or_default(),
        };
        uses.entry(attrs.to_string())
            .or_insert_with(|| (attrs, Vec::new()))
            .1
            .push(name);
    }
    let uses = uses
        .into_values()
        .filter(|(_, names)| !names.is_empty())
        .map(|(attrs, mut names)| {
            names.sort_unstable();
            // The names are identifiers as the code wrote them, raw ones included.
            let span = proc_macro2::Span::call_site();
            let names = names.iter().map(|n| match n.strip_prefix("r#") {
                Some(raw) => proc_macro2::Ident::new_raw(raw, span),
                None => proc_macro2::Ident::new(n, span),
            });
            quote! {
                #attrs
                #[allow(unused_imports)]
                use super::{#(#names),*};
            }
        });
    quote!(#(#uses)*)
}

/// The module of a group of features: their names in `snake_case`, joined by `_and_`
/// (a long list is cut, counted and told apart by a hash of the whole list).
fn group_module_name(features: &[&str]) -> String {
    let snake: Vec<String> = features
        .iter()
        .map(|f| crate::names::snake(f, "feature"))
        .collect();
    let joined = snake.join("_and_");
    if joined.len() <= 64 || snake.len() <= 2 {
        joined
    } else {
        // Told apart from other lists with the same first feature and length.
        let hash = render::fnv1a(joined.as_bytes()) & 0xff_ffff;
        format!("{}_and_{}_more_{hash:06x}", snake[0], snake.len() - 1)
    }
}

/// Names that a part module may not take: the modules and crates its parent names.
const TAKEN_MODULE_NAMES: [&str; 16] = [
    "alloc",
    "chrono",
    "client",
    "core",
    "crate",
    "mock",
    "requests",
    "reqwest",
    "runtime",
    "self",
    "serde",
    "serde_json",
    "std",
    "super",
    "types",
    "uuid",
];

/// `preferred`, or numbered after it when taken; a keyword or a name the parent uses
/// gets a trailing `_`.
fn claim_module(taken: &mut std::collections::BTreeSet<String>, preferred: &str) -> String {
    let mut preferred = preferred.to_owned();
    if TAKEN_MODULE_NAMES.contains(&preferred.as_str())
        || crate::names::ident(&preferred)
            .to_string()
            .starts_with("r#")
    {
        preferred.push('_');
    }
    let mut name = preferred.clone();
    let mut n = 2;
    while !taken.insert(name.clone()) {
        name = format!("{preferred}_part{n}");
        n += 1;
    }
    name
}

pub(crate) fn module(spec: &str, options: &ModuleOptions) -> Result<Output, Vec<Diagnostic>> {
    // A module has no Cargo features of its own.
    let settings = Settings {
        features: crate::options::Grouping::None,
        ..options.settings.clone()
    };
    let mut inputs = Inputs::new();
    let (api, warnings) = lower(spec, &settings, &mut Timings::default(), &mut inputs)?;
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
    let exports = emit::root::exports(&api, &runtime, &needed);
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
        inputs,
    })
}

/// The document's tree as the overlays correct it (the load and overlay stages alone),
/// for what reads the document as written: the drift report, Prism, examples.
pub(crate) fn overlaid_tree(
    spec: &str,
    settings: &Settings,
) -> Result<serde_json::Value, Vec<Diagnostic>> {
    let (mut tree, _, _) = bundled_tree(spec, settings)?;
    let applied = overlay::apply(&mut tree, &settings.overlays);
    let errors: Vec<Diagnostic> = applied
        .diagnostics
        .into_iter()
        .filter(Diagnostic::is_error)
        .collect();
    if errors.is_empty() {
        Ok(tree)
    } else {
        Err(errors)
    }
}

pub(crate) fn overlaid_document(
    spec: &str,
    settings: &Settings,
) -> Result<String, Vec<Diagnostic>> {
    let doc = overlaid_tree(spec, settings)?;
    serde_json::to_string_pretty(&doc).map_err(|e| {
        vec![Diagnostic::error(
            "#",
            format!("the document cannot be written as JSON: {e}"),
        )]
    })
}

#[cfg(feature = "cli")]
pub(crate) fn conformance_harness(
    spec: &str,
    settings: &Settings,
    seed: u64,
) -> Result<crate::ConformanceHarness, Vec<Diagnostic>> {
    let (api, _) = lower(spec, settings, &mut Timings::default(), &mut Inputs::new())?;
    let doc = overlaid_tree(spec, settings)?;
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
    Ok(crate::ConformanceHarness {
        main_rs,
        calls: harness.calls,
        extra_crates,
    })
}

/// The shared runtime crate (see [`crate::generate_runtime_crate`]).
pub(crate) fn runtime_crate(standalone: bool) -> Output {
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
        inputs: Vec::new(),
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
