//! An independent check that a generated crate is complete and has no dead parts.
//!
//! It reads the crate the way a reader would, not the way the generator builds it: every
//! `.rs` file is parsed with `syn` and walked for the paths it names, and `Cargo.toml` is
//! read line by line. It then checks that
//!
//! 1. every external crate a source names is a dependency: `[dependencies]` for `src/`,
//!    `[dependencies]` or `[dev-dependencies]` for `examples/` and `tests/`; and that the
//!    features a few
//!    well-known paths need are asked for (`reqwest::multipart`, `#[tokio::main]`, serde's
//!    derive macros, and `chrono` and `uuid` in types that derive serde's traits);
//! 2. every dependency is used: each crate of `[dependencies]` is named by `src/`, each of
//!    `[dev-dependencies]` by an example or a test (the crate itself, a dev-dependency
//!    that turns on its own features for them, by naming it);
//! 3. every runtime item the crate names (`runtime::X`, in paths and `use` trees) is a
//!    top-level item of `src/runtime.rs`, visible where it is named (`pub` when
//!    `src/lib.rs` re-exports it), and every `pub` runtime item is re-exported; and the
//!    runtime is a faithful selection of `codegen/runtime/`: each item is one of
//!    the source's, token for token, the source's `impl` blocks for each type it carries
//!    are there, and so is every item of the source that its items mention;
//! 4. nothing in the runtime is dead: every top-level item is reachable from a
//!    `runtime::X` path outside `src/runtime.rs`, through the names runtime items mention
//!    (an `impl` block comes with its type but does not make it used), and every method of
//!    an inherent `impl` that is not `pub` is called somewhere;
//!
//! and, around them, that each module file of `src/` is declared by its parent (`src/lib.rs`,
//! or `src/NAME.rs` for the parts in `src/NAME/`) and every declared module has its file, and that
//! examples name only what the library exports.
//!
//! Names are resolved by name, not by scope: a path's first segment is local when the same
//! file defines, imports or declares a generic parameter of that name. The runtime source
//! never shadows an item's name with a local, which makes that sound for it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use proc_macro2::{Spacing, TokenStream, TokenTree};
use quote::ToTokens;
use syn::ext::IdentExt;
use syn::punctuated::Punctuated;
use syn::visit::{self, Visit};

/// First segments that are never crates: path keywords and the standard crates.
const BUILTIN_ROOTS: &[&str] = &["std", "core", "alloc", "crate", "self", "super", "Self"];

/// Names the Rust 2024 prelude and the primitive types bring into every scope.
const PRELUDE: &[&str] = &[
    "Copy",
    "Send",
    "Sized",
    "Sync",
    "Unpin",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "AsyncFn",
    "AsyncFnMut",
    "AsyncFnOnce",
    "drop",
    "Box",
    "ToOwned",
    "Clone",
    "PartialEq",
    "PartialOrd",
    "Eq",
    "Ord",
    "AsRef",
    "AsMut",
    "Into",
    "From",
    "Default",
    "Iterator",
    "Extend",
    "IntoIterator",
    "DoubleEndedIterator",
    "ExactSizeIterator",
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "ToString",
    "Vec",
    "TryFrom",
    "TryInto",
    "FromIterator",
    "Future",
    "IntoFuture",
    "bool",
    "char",
    "str",
    "u8",
    "u16",
    "u32",
    "u64",
    "u128",
    "usize",
    "i8",
    "i16",
    "i32",
    "i64",
    "i128",
    "isize",
    "f32",
    "f64",
];

/// Tools whose attributes (`#[rustfmt::skip]`, `#[clippy::...]`) are not paths to crates.
const TOOLS: &[&str] = &[
    "rustfmt",
    "clippy",
    "rustdoc",
    "diagnostic",
    "rust_analyzer",
];

/// Keys of `#[serde(...)]` whose string value is a path to a function or module.
const SERDE_PATH_KEYS: &[&str] = &[
    "with",
    "serialize_with",
    "deserialize_with",
    "skip_serializing_if",
    "default",
    "getter",
    "remote",
];

/// Keys of `#[serde(...)]` whose string value is a type.
const SERDE_TYPE_KEYS: &[&str] = &["from", "try_from", "into"];

/// Checks a generated crate; the problems found, each naming its file and item.
pub fn check_crate(
    files: &[openapi_clientgen::OutputFile],
    crate_name: &str,
) -> Result<(), Vec<String>> {
    let mut problems = Vec::new();
    let lib_name = crate_name.replace('-', "_");
    let manifest = match files.iter().find(|f| f.path == "Cargo.toml") {
        Some(file) => Manifest::read(&file.contents),
        None => {
            problems.push("Cargo.toml: missing".to_owned());
            Manifest::default()
        }
    };
    let mut sources = Vec::new();
    for file in files.iter().filter(|f| f.path.ends_with(".rs")) {
        match syn::parse_file(&file.contents) {
            Ok(ast) => sources.push(Source::read(&file.path, &ast)),
            Err(e) => problems.push(format!("{}: does not parse: {e}", file.path)),
        }
    }
    for source in &sources {
        problems.extend(source.facts.problems.iter().cloned());
    }
    see_through_globs_of_super(&mut sources);
    check_modules(&sources, &mut problems);
    check_dependencies(&sources, &manifest, &lib_name, &mut problems);
    check_runtime(files, &sources, &mut problems);
    check_examples(&sources, &lib_name, &mut problems);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// A part module (`src/NAME/PART.rs`) that imports `super::*` knows the names its parent
/// (`src/NAME.rs`) defines and imports.
fn see_through_globs_of_super(sources: &mut [Source]) {
    /// The names a parent defines, and those it imports with their paths.
    type Names = (BTreeSet<String>, BTreeMap<String, Vec<String>>);
    let inherited: Vec<Option<Names>> = sources
        .iter()
        .map(|source| {
            let (dir, _) = source.path.rsplit_once('/')?;
            if dir == "src" || !dir.starts_with("src/") {
                return None;
            }
            let globs_super = source
                .facts
                .paths
                .iter()
                .any(|p| p.glob && p.in_use && p.segments == ["super"]);
            if !globs_super {
                return None;
            }
            let parent = format!("{dir}.rs");
            let parent = sources.iter().find(|s| s.path == parent)?;
            Some((parent.facts.defined.clone(), parent.facts.imports.clone()))
        })
        .collect();
    for (source, inherited) in sources.iter_mut().zip(inherited) {
        if let Some((defined, imports)) = inherited {
            source.facts.defined.extend(defined);
            for (name, path) in imports {
                source.facts.imports.entry(name).or_insert(path);
            }
        }
    }
}

// ---- Cargo.toml ----------------------------------------------------------------------------

/// A dependency line: `name = "1"` or `name = { version = "1", features = ["a"] }`.
#[derive(Debug)]
struct Dependency {
    features: BTreeSet<String>,
}

#[derive(Debug, Default)]
struct Manifest {
    dependencies: BTreeMap<String, Dependency>,
    dev_dependencies: BTreeMap<String, Dependency>,
}

impl Manifest {
    fn read(text: &str) -> Self {
        let mut manifest = Manifest::default();
        let mut section = String::new();
        for line in text.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if line.starts_with('[') {
                section = line.to_owned();
                continue;
            }
            let table = match section.as_str() {
                "[dependencies]" => &mut manifest.dependencies,
                "[dev-dependencies]" => &mut manifest.dev_dependencies,
                _ => continue,
            };
            let Some((name, value)) = line.split_once('=') else {
                continue;
            };
            let mut features = BTreeSet::new();
            if let Some((_, rest)) = value.split_once("features = [") {
                let list = rest.split(']').next().unwrap_or("");
                features.extend(
                    list.split(',')
                        .map(|f| f.trim().trim_matches('"').to_owned())
                        .filter(|f| !f.is_empty()),
                );
            }
            table.insert(name.trim().replace('-', "_"), Dependency { features });
        }
        manifest
    }
}

// ---- What a source file names --------------------------------------------------------------

/// Where a file sits in the crate.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Place {
    Lib,
    Runtime,
    /// Another module of the library, in `src/`.
    Module,
    /// An example or an integration test: built with the dev-dependencies too.
    Example,
    Other,
}

/// A path a file names.
#[derive(Clone, Debug)]
struct PathSeen {
    segments: Vec<String>,
    /// `::name::...`: always a crate.
    leading_colon: bool,
    /// Part of a `use` tree (whose root is a crate or a module even when alone).
    in_use: bool,
    /// Part of a `pub use`.
    public_use: bool,
    /// A `use` tree's `*`.
    glob: bool,
}

impl PathSeen {
    fn shown(&self) -> String {
        let mut shown = if self.leading_colon {
            "::".to_owned()
        } else {
            String::new()
        };
        shown.push_str(&self.segments.join("::"));
        if self.glob {
            shown.push_str("::*");
        }
        shown
    }
}

/// What some code names and defines, found by walking it.
#[derive(Debug, Default)]
struct Facts {
    paths: Vec<PathSeen>,
    /// Names the code defines (items at any depth) or declares as generic parameters.
    defined: BTreeSet<String>,
    /// Names `use` binds, with the path each imports.
    imports: BTreeMap<String, Vec<String>>,
    /// Names seen where no path is: identifier patterns, identifiers in macro bodies that
    /// do not parse as expressions, and names in format strings.
    loose: BTreeSet<String>,
    /// Methods called: `.name(...)`, and `.name` in macro bodies.
    methods: BTreeSet<String>,
    /// The paths of derive macros, as written.
    derives: Vec<Vec<String>>,
    /// Modules declared without a body: `mod name;`.
    modules: Vec<String>,
    /// Names of the public items (for `src/lib.rs`): `pub` items and `pub use` bindings.
    public_names: BTreeSet<String>,
    problems: Vec<String>,
}

impl Facts {
    /// Whether `first`, the first segment of a path, is a name of this code's own: an
    /// item, a generic parameter, or a name imported from elsewhere (not `use krate;`,
    /// which names the crate itself).
    fn is_local(&self, first: &str) -> bool {
        self.defined.contains(first)
            || self
                .imports
                .get(first)
                .is_some_and(|path| path.len() > 1 || path.first().is_some_and(|p| p != first))
    }

    /// The first segment of every path, and every loose name: what the code mentions.
    fn mentions(&self) -> BTreeSet<String> {
        let mut mentions: BTreeSet<String> = self
            .paths
            .iter()
            .filter(|p| !p.leading_colon)
            .filter_map(|p| p.segments.first().cloned())
            .collect();
        mentions.extend(self.loose.iter().cloned());
        mentions
    }
}

/// Walks code, filling in [`Facts`].
struct Collector<'f> {
    facts: &'f mut Facts,
    file: &'f str,
    /// Set by a qualified self type (`<T as Trait>::f`) for the path that follows it: its
    /// `position`, the number of the path's segments that name the trait (none in `<T>::f`).
    qself: Option<usize>,
}

impl<'f> Collector<'f> {
    fn new(facts: &'f mut Facts, file: &'f str) -> Self {
        Collector {
            facts,
            file,
            qself: None,
        }
    }

    fn record(&mut self, segments: Vec<String>, leading_colon: bool) {
        if segments.is_empty() {
            return;
        }
        self.facts.paths.push(PathSeen {
            segments,
            leading_colon,
            in_use: false,
            public_use: false,
            glob: false,
        });
    }

    fn use_tree(&mut self, tree: &syn::UseTree, prefix: &mut Vec<String>, public: bool) {
        let push = |facts: &mut Facts, segments: Vec<String>, glob: bool| {
            facts.paths.push(PathSeen {
                segments,
                leading_colon: false,
                in_use: true,
                public_use: public,
                glob,
            });
        };
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(name(&p.ident));
                self.use_tree(&p.tree, prefix, public);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                let ident = name(&n.ident);
                let (segments, bound) = if ident == "self" {
                    (prefix.clone(), prefix.last().cloned())
                } else {
                    let mut segments = prefix.clone();
                    segments.push(ident.clone());
                    (segments, Some(ident))
                };
                if let Some(bound) = bound {
                    self.bind(bound, &segments, public);
                }
                push(self.facts, segments, false);
            }
            syn::UseTree::Rename(r) => {
                let mut segments = prefix.clone();
                let ident = name(&r.ident);
                if ident != "self" {
                    segments.push(ident);
                }
                let bound = name(&r.rename);
                if bound != "_" {
                    self.bind(bound, &segments, public);
                }
                push(self.facts, segments, false);
            }
            syn::UseTree::Glob(_) => push(self.facts, prefix.clone(), true),
            syn::UseTree::Group(g) => {
                for tree in &g.items {
                    self.use_tree(tree, prefix, public);
                }
            }
        }
    }

    fn bind(&mut self, bound: String, segments: &[String], public: bool) {
        if public {
            self.facts.public_names.insert(bound.clone());
        }
        self.facts.imports.insert(bound, segments.to_vec());
    }

    /// A macro body: as comma-separated expressions when it parses as such, else token by
    /// token; and the names its format strings interpolate.
    fn macro_body(&mut self, tokens: &TokenStream) {
        let mut flat = Vec::new();
        flatten(tokens.clone(), &mut flat);
        for token in &flat {
            if let Tok::Lit(literal) = token {
                let tree = TokenTree::Literal(literal.clone());
                if let Ok(text) = syn::parse2::<syn::LitStr>(tree.into()) {
                    self.facts.loose.extend(format_names(&text.value()));
                }
            }
        }
        let parser = Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated;
        if let Ok(exprs) = syn::parse::Parser::parse2(parser, tokens.clone()) {
            for expr in &exprs {
                self.visit_expr(expr);
            }
            return;
        }
        let mut i = 0;
        while i < flat.len() {
            let before = i.checked_sub(1).map(|b| &flat[b]);
            let Tok::Ident(first) = &flat[i] else {
                i += 1;
                continue;
            };
            if matches!(before, Some(Tok::Dot | Tok::Colon2)) {
                // A method or field, or a path going on after generic arguments
                // (`Vec::<u8>::new`): a name reached through something else.
                self.facts.methods.insert(first.clone());
                i += 1;
                continue;
            }
            let mut segments = vec![first.clone()];
            let mut j = i + 1;
            while let (Some(Tok::Colon2), Some(Tok::Ident(next))) = (flat.get(j), flat.get(j + 1)) {
                segments.push(next.clone());
                j += 2;
            }
            self.facts.loose.insert(first.clone());
            self.record(segments, false);
            i = j;
        }
    }

    /// The paths in the string values of a `#[serde(...)]` attribute.
    fn serde_attribute(&mut self, tokens: &TokenStream) {
        let trees: Vec<TokenTree> = tokens.clone().into_iter().collect();
        for (i, tree) in trees.iter().enumerate() {
            match tree {
                TokenTree::Group(group) => self.serde_attribute(&group.stream()),
                TokenTree::Ident(key) => {
                    let key = key.to_string();
                    let (Some(TokenTree::Punct(eq)), Some(TokenTree::Literal(value))) =
                        (trees.get(i + 1), trees.get(i + 2))
                    else {
                        continue;
                    };
                    if eq.as_char() != '=' {
                        continue;
                    }
                    let Ok(value) =
                        syn::parse2::<syn::LitStr>(TokenTree::Literal(value.clone()).into())
                    else {
                        continue;
                    };
                    let text = value.value();
                    if SERDE_PATH_KEYS.contains(&key.as_str()) {
                        match syn::parse_str::<syn::Path>(&text) {
                            Ok(path) => self.visit_path(&path),
                            Err(e) => self.facts.problems.push(format!(
                                "{}: `#[serde({key} = \"{text}\")]` is not a path: {e}",
                                self.file
                            )),
                        }
                    } else if SERDE_TYPE_KEYS.contains(&key.as_str()) {
                        match syn::parse_str::<syn::Type>(&text) {
                            Ok(ty) => self.visit_type(&ty),
                            Err(e) => self.facts.problems.push(format!(
                                "{}: `#[serde({key} = \"{text}\")]` is not a type: {e}",
                                self.file
                            )),
                        }
                    } else if key == "bound" {
                        let parser =
                            Punctuated::<syn::WherePredicate, syn::Token![,]>::parse_terminated;
                        if let Ok(predicates) = syn::parse::Parser::parse_str(parser, &text) {
                            for predicate in &predicates {
                                self.visit_where_predicate(predicate);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

fn name(ident: &proc_macro2::Ident) -> String {
    ident.unraw().to_string()
}

fn path_segments(path: &syn::Path) -> Vec<String> {
    path.segments.iter().map(|s| name(&s.ident)).collect()
}

/// The names a format string interpolates: `{name}`, `{name:?}`.
fn format_names(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        rest = &rest[open + 1..];
        if let Some(after) = rest.strip_prefix('{') {
            rest = after;
            continue;
        }
        let end = rest.find('}').unwrap_or(rest.len());
        let inner = &rest[..end];
        let argument = inner.split(':').next().unwrap_or("").trim();
        if argument
            .chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
            && argument.chars().all(|c| c.is_alphanumeric() || c == '_')
        {
            names.push(argument.to_owned());
        }
        rest = &rest[end..];
    }
    names
}

/// A token of a macro body, as much of one as finding paths needs.
enum Tok {
    Ident(String),
    Colon2,
    Dot,
    Lit(proc_macro2::Literal),
    Other,
}

fn flatten(tokens: TokenStream, out: &mut Vec<Tok>) {
    let mut trees = tokens.into_iter().peekable();
    while let Some(tree) = trees.next() {
        match tree {
            TokenTree::Group(group) => {
                out.push(Tok::Other);
                flatten(group.stream(), out);
                out.push(Tok::Other);
            }
            TokenTree::Ident(ident) => out.push(Tok::Ident(name(&ident))),
            TokenTree::Punct(p) if p.as_char() == ':' && p.spacing() == Spacing::Joint => {
                if matches!(trees.peek(), Some(TokenTree::Punct(q)) if q.as_char() == ':') {
                    trees.next();
                    out.push(Tok::Colon2);
                } else {
                    out.push(Tok::Other);
                }
            }
            TokenTree::Punct(p) if p.as_char() == '.' => out.push(Tok::Dot),
            TokenTree::Punct(_) => out.push(Tok::Other),
            TokenTree::Literal(literal) => out.push(Tok::Lit(literal)),
        }
    }
}

fn is_public(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

/// Whether another module of the crate can name an item of this visibility.
fn is_visible_in_crate(vis: &syn::Visibility) -> bool {
    match vis {
        syn::Visibility::Public(_) => true,
        syn::Visibility::Restricted(r) => !r.path.is_ident("self"),
        syn::Visibility::Inherited => false,
    }
}

/// The name an item defines, its visibility and what kind of item it is; `None` for
/// `use`, `impl` and the rest.
fn item_name(item: &syn::Item) -> Option<(String, &syn::Visibility, &'static str)> {
    Some(match item {
        syn::Item::Const(i) => (name(&i.ident), &i.vis, "const"),
        syn::Item::Enum(i) => (name(&i.ident), &i.vis, "enum"),
        syn::Item::ExternCrate(i) => (
            name(i.rename.as_ref().map_or(&i.ident, |(_, r)| r)),
            &i.vis,
            "extern crate",
        ),
        syn::Item::Fn(i) => (name(&i.sig.ident), &i.vis, "fn"),
        syn::Item::Mod(i) => (name(&i.ident), &i.vis, "mod"),
        syn::Item::Static(i) => (name(&i.ident), &i.vis, "static"),
        syn::Item::Struct(i) => (name(&i.ident), &i.vis, "struct"),
        syn::Item::Trait(i) => (name(&i.ident), &i.vis, "trait"),
        syn::Item::TraitAlias(i) => (name(&i.ident), &i.vis, "trait alias"),
        syn::Item::Type(i) => (name(&i.ident), &i.vis, "type"),
        syn::Item::Union(i) => (name(&i.ident), &i.vis, "union"),
        _ => return None,
    })
}

impl<'ast> Visit<'ast> for Collector<'_> {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        if let Some((defined, vis, _)) = item_name(item) {
            if defined != "_" {
                self.facts.defined.insert(defined.clone());
                if is_public(vis) {
                    self.facts.public_names.insert(defined.clone());
                }
            }
            if let syn::Item::Mod(m) = item {
                if m.content.is_none() {
                    self.facts.modules.push(defined);
                }
            }
        }
        if let syn::Item::Macro(m) = item {
            if let Some(ident) = &m.ident {
                self.facts.defined.insert(name(ident));
            }
        }
        visit::visit_item(self, item);
    }

    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        for attr in &item.attrs {
            self.visit_attribute(attr);
        }
        let mut prefix = Vec::new();
        if item.leading_colon.is_some() {
            // `use ::name::...`: a crate, recorded as such.
            if let syn::UseTree::Path(p) = &item.tree {
                self.record(vec![name(&p.ident)], true);
            }
        }
        self.use_tree(&item.tree, &mut prefix, is_public(&item.vis));
    }

    fn visit_generic_param(&mut self, param: &'ast syn::GenericParam) {
        match param {
            syn::GenericParam::Type(t) => {
                self.facts.defined.insert(name(&t.ident));
            }
            syn::GenericParam::Const(c) => {
                self.facts.defined.insert(name(&c.ident));
            }
            syn::GenericParam::Lifetime(_) => {}
        }
        visit::visit_generic_param(self, param);
    }

    fn visit_qself(&mut self, qself: &'ast syn::QSelf) {
        visit::visit_qself(self, qself);
        self.qself = Some(qself.position);
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        // After a qualified self type the path starts with the trait's path
        // (`<T as serde::Deserialize>::deserialize`), or, without a trait (`<T>::f`), with
        // an associated item of `T`, which is no path of its own.
        if self.qself.take() != Some(0) {
            self.record(path_segments(path), path.leading_colon.is_some());
        }
        visit::visit_path(self, path);
    }

    fn visit_pat_ident(&mut self, pat: &'ast syn::PatIdent) {
        self.facts.loose.insert(name(&pat.ident));
        visit::visit_pat_ident(self, pat);
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        self.facts.methods.insert(name(&call.method));
        visit::visit_expr_method_call(self, call);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.visit_path(&mac.path);
        self.macro_body(&mac.tokens);
    }

    fn visit_item_macro(&mut self, item: &'ast syn::ItemMacro) {
        if item.ident.is_some() {
            // `macro_rules!`: its body is a pattern language, not code.
            for attr in &item.attrs {
                self.visit_attribute(attr);
            }
            return;
        }
        visit::visit_item_macro(self, item);
    }

    fn visit_attribute(&mut self, attr: &'ast syn::Attribute) {
        let path = attr.path();
        let first = path.segments.first().map(|s| name(&s.ident));
        if path.segments.len() > 1 && first.as_deref().is_some_and(|f| TOOLS.contains(&f)) {
            return;
        }
        if path.is_ident("derive") {
            let parser = Punctuated::<syn::Path, syn::Token![,]>::parse_terminated;
            match attr.parse_args_with(parser) {
                Ok(derives) => {
                    for derive in &derives {
                        self.facts.derives.push(path_segments(derive));
                        self.visit_path(derive);
                    }
                }
                Err(e) => self
                    .facts
                    .problems
                    .push(format!("{}: a `#[derive]` does not parse: {e}", self.file)),
            }
        } else if path.is_ident("serde") {
            if let syn::Meta::List(list) = &attr.meta {
                self.serde_attribute(&list.tokens);
            }
        }
        visit::visit_attribute(self, attr);
    }
}

// ---- The crate's files -----------------------------------------------------------------------

/// A parsed `.rs` file of the crate.
struct Source {
    path: String,
    place: Place,
    facts: Facts,
    /// The top-level items, for `src/runtime.rs`.
    items: Vec<RuntimeItem>,
}

impl Source {
    fn read(path: &str, ast: &syn::File) -> Self {
        let place = match path {
            "src/lib.rs" => Place::Lib,
            "src/runtime.rs" => Place::Runtime,
            p if p.starts_with("src/") => Place::Module,
            p if p.starts_with("examples/") || p.starts_with("tests/") => Place::Example,
            _ => Place::Other,
        };
        let mut facts = Facts::default();
        Collector::new(&mut facts, path).visit_file(ast);
        let items = if place == Place::Runtime {
            runtime_items(ast, path)
        } else {
            Vec::new()
        };
        Source {
            path: path.to_owned(),
            place,
            facts,
            items,
        }
    }

    fn in_library(&self) -> bool {
        matches!(self.place, Place::Lib | Place::Runtime | Place::Module)
    }
}

/// A top-level item of the runtime.
#[derive(Debug)]
struct RuntimeItem {
    kind: &'static str,
    /// The names it defines: one for a named item, those bound for a `use`, none for an
    /// `impl`.
    names: Vec<String>,
    /// Whether other modules of the crate can name it.
    visible: bool,
    public: bool,
    /// For an `impl`: the type it is for, and how to show the block
    /// (`impl fmt::Display for Error<E>`).
    owner: Option<String>,
    label: String,
    /// For an inherent `impl`: its methods that are not `pub`.
    private_methods: Vec<String>,
    /// The first segments of the paths it names, and other names it mentions.
    mentions: BTreeSet<String>,
    /// Its tokens, documentation included, as text: what it is, whatever its layout.
    tokens: String,
}

impl RuntimeItem {
    fn shown(&self) -> String {
        match (&self.owner, self.names.as_slice()) {
            (Some(_), _) => self.label.clone(),
            (None, []) => self.kind.to_owned(),
            (None, names) => format!("{} {}", self.kind, names.join(", ")),
        }
    }
}

fn item_attrs(item: &syn::Item) -> &[syn::Attribute] {
    match item {
        syn::Item::Const(i) => &i.attrs,
        syn::Item::Enum(i) => &i.attrs,
        syn::Item::ExternCrate(i) => &i.attrs,
        syn::Item::Fn(i) => &i.attrs,
        syn::Item::ForeignMod(i) => &i.attrs,
        syn::Item::Impl(i) => &i.attrs,
        syn::Item::Macro(i) => &i.attrs,
        syn::Item::Mod(i) => &i.attrs,
        syn::Item::Static(i) => &i.attrs,
        syn::Item::Struct(i) => &i.attrs,
        syn::Item::Trait(i) => &i.attrs,
        syn::Item::TraitAlias(i) => &i.attrs,
        syn::Item::Type(i) => &i.attrs,
        syn::Item::Union(i) => &i.attrs,
        syn::Item::Use(i) => &i.attrs,
        _ => &[],
    }
}

/// Whether an item exists only under `#[cfg(test)]`.
fn test_only(item: &syn::Item) -> bool {
    item_attrs(item).iter().any(|attr| {
        attr.path().is_ident("cfg")
            && attr
                .parse_args::<syn::Ident>()
                .is_ok_and(|ident| ident == "test")
    })
}

/// The name of the type a type expression names: `Error<E>` and `&Error<E>` give `Error`.
fn type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| name(&s.ident)),
        syn::Type::Reference(r) => type_name(&r.elem),
        syn::Type::Paren(p) => type_name(&p.elem),
        syn::Type::Group(g) => type_name(&g.elem),
        _ => None,
    }
}

fn runtime_items(ast: &syn::File, file: &str) -> Vec<RuntimeItem> {
    ast.items
        .iter()
        .filter(|item| !test_only(item))
        .map(|item| {
            let mut facts = Facts::default();
            Collector::new(&mut facts, file).visit_item(item);
            let mentions = facts.mentions();
            let tokens = without_feature_gates(&item.to_token_stream().to_string());
            match item {
                syn::Item::Use(u) => RuntimeItem {
                    kind: "use",
                    names: facts.imports.keys().cloned().collect(),
                    visible: is_visible_in_crate(&u.vis),
                    public: is_public(&u.vis),
                    owner: None,
                    label: String::new(),
                    private_methods: Vec::new(),
                    // What a `use` names is a path from elsewhere, not a runtime item.
                    mentions: BTreeSet::new(),
                    tokens,
                },
                syn::Item::Impl(i) => RuntimeItem {
                    kind: "impl",
                    names: Vec::new(),
                    visible: false,
                    public: false,
                    owner: type_name(&i.self_ty),
                    label: impl_label(i),
                    private_methods: if i.trait_.is_none() {
                        i.items
                            .iter()
                            .filter_map(|member| match member {
                                syn::ImplItem::Fn(f) if !is_public(&f.vis) => {
                                    Some(name(&f.sig.ident))
                                }
                                _ => None,
                            })
                            .collect()
                    } else {
                        Vec::new()
                    },
                    mentions,
                    tokens,
                },
                other => match item_name(other) {
                    Some((defined, vis, kind)) => RuntimeItem {
                        kind,
                        names: vec![defined],
                        visible: is_visible_in_crate(vis),
                        public: is_public(vis),
                        owner: None,
                        label: String::new(),
                        private_methods: Vec::new(),
                        mentions,
                        tokens,
                    },
                    None => RuntimeItem {
                        kind: "item",
                        names: Vec::new(),
                        visible: false,
                        public: false,
                        owner: None,
                        label: String::new(),
                        private_methods: Vec::new(),
                        mentions,
                        tokens,
                    },
                },
            }
        })
        .collect()
}

/// The top-level items of the full runtime source, outside its tests; read once.
fn runtime_source_items() -> Result<&'static [RuntimeItem], String> {
    static ITEMS: OnceLock<Result<Vec<RuntimeItem>, String>> = OnceLock::new();
    ITEMS
        .get_or_init(
            || match syn::parse_file(openapi_clientgen::runtime_source()) {
                Ok(ast) => Ok(runtime_items(&ast, "codegen/runtime")),
                Err(e) => Err(format!("codegen/runtime: does not parse: {e}")),
            },
        )
        .as_deref()
        .map_err(Clone::clone)
}

// ---- The checks ----------------------------------------------------------------------------

/// Each file of `src/` is the module its parent declares (`src/lib.rs` those of `src/`,
/// `src/NAME.rs` those of `src/NAME/`), and each module a file declares has its file.
fn check_modules(sources: &[Source], problems: &mut Vec<String>) {
    if !sources.iter().any(|s| s.place == Place::Lib) {
        problems.push("src/lib.rs: missing".to_owned());
        return;
    }
    // The directory a file's `mod` declarations look in.
    let dir_of = |path: &str| -> Option<String> {
        let module = path.strip_prefix("src/")?.strip_suffix(".rs")?;
        Some(if module == "lib" {
            "src".to_owned()
        } else {
            format!("src/{module}")
        })
    };
    for source in sources.iter().filter(|s| s.path.starts_with("src/")) {
        let Some(dir) = dir_of(&source.path) else {
            continue;
        };
        for module in &source.facts.modules {
            let file = format!("{dir}/{module}.rs");
            if !sources.iter().any(|s| s.path == file) {
                problems.push(format!(
                    "{}: declares `mod {module}`, but the crate has no {file}",
                    source.path
                ));
            }
        }
    }
    for source in sources.iter().filter(|s| s.path.starts_with("src/")) {
        let Some((dir, file)) = source.path.rsplit_once('/') else {
            continue;
        };
        let Some(module) = file.strip_suffix(".rs") else {
            continue;
        };
        if source.path == "src/lib.rs" {
            continue;
        }
        let parent = if dir == "src" {
            "src/lib.rs".to_owned()
        } else {
            format!("{dir}.rs")
        };
        let declared = sources
            .iter()
            .find(|s| s.path == parent)
            .is_some_and(|p| p.facts.modules.iter().any(|m| m == module));
        if !declared {
            problems.push(format!(
                "{}: not a module of the crate: {parent} declares no `mod {module}`",
                source.path
            ));
        }
    }
}

/// The external crates a file names, each with the first path that names it.
fn crates_named(source: &Source, lib_name: &str) -> BTreeMap<String, String> {
    let mut crates = BTreeMap::new();
    for path in &source.facts.paths {
        let Some(first) = path.segments.first() else {
            continue;
        };
        if !path.leading_colon {
            if path.segments.len() < 2 && !path.in_use {
                continue;
            }
            if BUILTIN_ROOTS.contains(&first.as_str())
                || PRELUDE.contains(&first.as_str())
                || source.facts.is_local(first)
            {
                continue;
            }
        }
        if source.place == Place::Example && first == lib_name {
            // Named as the crate's own name: recorded, for a dev-dependency on itself.
            crates.entry(first.clone()).or_insert_with(|| path.shown());
            continue;
        }
        crates.entry(first.clone()).or_insert_with(|| path.shown());
    }
    crates
}

/// The features some paths need of the crates they name: `(crate, feature, path)`.
fn features_needed(source: &Source) -> Vec<(&'static str, &'static str, String)> {
    let mut needed = Vec::new();
    for path in &source.facts.paths {
        let segments: Vec<&str> = path.segments.iter().map(String::as_str).collect();
        if path.leading_colon || !source.facts.is_local(segments[0]) {
            match segments.as_slice() {
                ["reqwest", "multipart", ..] => {
                    needed.push(("reqwest", "multipart", path.shown()));
                }
                ["tokio", "main"] => {
                    needed.push(("tokio", "macros", path.shown()));
                    needed.push(("tokio", "rt-multi-thread", path.shown()));
                }
                _ => {}
            }
        }
    }
    // Derive macros named by a path into serde, or by a name imported from it.
    let serde_derives: Vec<&Vec<String>> = source
        .facts
        .derives
        .iter()
        .filter(|derive| {
            let resolved = match derive.as_slice() {
                [one] => source.facts.imports.get(one).unwrap_or(derive),
                _ => derive,
            };
            resolved.first().is_some_and(|r| r == "serde")
        })
        .collect();
    for derive in &serde_derives {
        needed.push((
            "serde",
            "derive",
            format!("#[derive({})]", derive.join("::")),
        ));
    }
    if !serde_derives.is_empty() {
        // The fields of types that derive serde's traits serialize with these crates'
        // `serde` feature.
        for path in &source.facts.paths {
            match path.segments.first().map(String::as_str) {
                Some(krate @ ("chrono" | "uuid"))
                    if path.segments.len() > 1 && !source.facts.is_local(krate) =>
                {
                    let krate = if krate == "chrono" { "chrono" } else { "uuid" };
                    needed.push((krate, "serde", path.shown()));
                }
                _ => {}
            }
        }
    }
    needed
}

/// Checks 1 and 2: the crates the sources name are dependencies, with the features they
/// need, and every dependency is named.
fn check_dependencies(
    sources: &[Source],
    manifest: &Manifest,
    lib_name: &str,
    problems: &mut Vec<String>,
) {
    let mut named_by_library = BTreeSet::new();
    let mut named_by_examples = BTreeSet::new();
    for source in sources {
        let example = source.place == Place::Example;
        if !source.in_library() && !example {
            continue;
        }
        for (krate, shown) in crates_named(source, lib_name) {
            let listed = krate == lib_name
                || manifest.dependencies.contains_key(&krate)
                || (example && manifest.dev_dependencies.contains_key(&krate));
            if !listed {
                let sections = if example {
                    "neither [dependencies] nor [dev-dependencies] lists"
                } else {
                    "[dependencies] does not list"
                };
                problems.push(format!(
                    "{}: names crate `{krate}` (in `{shown}`), which {sections}",
                    source.path
                ));
            }
            if example {
                named_by_examples.insert(krate);
            } else {
                named_by_library.insert(krate);
            }
        }
        let mut reported = BTreeSet::new();
        for (krate, feature, shown) in features_needed(source) {
            // Examples build with both sections, whose features add up.
            let normal = manifest.dependencies.get(krate);
            let dev = example
                .then(|| manifest.dev_dependencies.get(krate))
                .flatten();
            if normal.is_some() || dev.is_some() {
                let asked = [normal, dev]
                    .into_iter()
                    .flatten()
                    .any(|d| d.features.contains(feature));
                if !asked && reported.insert((krate, feature)) {
                    problems.push(format!(
                        "{}: `{shown}` needs feature `{feature}` of `{krate}`, which Cargo.toml does not ask for",
                        source.path
                    ));
                }
            }
        }
    }
    for krate in manifest.dependencies.keys() {
        if !named_by_library.contains(krate) {
            let hint = if named_by_examples.contains(krate) {
                " (only examples do: it belongs in [dev-dependencies])"
            } else {
                ""
            };
            problems.push(format!(
                "Cargo.toml: [dependencies] lists `{krate}`, which no file of src/ names{hint}"
            ));
        }
    }
    for krate in manifest.dev_dependencies.keys() {
        if !named_by_examples.contains(krate) {
            problems.push(format!(
                "Cargo.toml: [dev-dependencies] lists `{krate}`, which no example names"
            ));
        }
    }
}

/// Item tokens without the `#[cfg(feature = ..)]` and `#[cfg(any(feature = ..))]`
/// attributes a crate with per-tag features puts on what only some of them need, so that a
/// carried item compares equal to its source.
fn without_feature_gates(tokens: &str) -> String {
    let mut out = String::with_capacity(tokens.len());
    let mut rest = tokens;
    loop {
        let found = ["# [cfg (feature = ", "# [cfg (any (feature = "]
            .iter()
            .filter_map(|start| rest.find(start))
            .min();
        let Some(at) = found else {
            out.push_str(rest);
            return out;
        };
        out.push_str(&rest[..at]);
        // `any(..)` closes with one more parenthesis.
        let close = if rest[at..].starts_with("# [cfg (any") {
            "))]"
        } else {
            ")]"
        };
        let end = rest[at..]
            .find(close)
            .map_or(rest.len(), |e| at + e + close.len());
        rest = rest[end..].trim_start();
    }
}

/// An `impl` block's header, for messages: `impl fmt::Display for Error<E>`.
fn impl_label(block: &syn::ItemImpl) -> String {
    let compact = |tokens: TokenStream| {
        tokens
            .to_string()
            .replace(" :: ", "::")
            .replace(" < ", "<")
            .replace(" >", ">")
            .replace("< ", "<")
    };
    let generics = compact(block.generics.to_token_stream());
    let ty = compact(block.self_ty.to_token_stream());
    match &block.trait_ {
        Some((path, _)) => format!(
            "impl{generics} {} for {ty}",
            compact(path.to_token_stream())
        ),
        None => format!("impl{generics} {ty}"),
    }
}

/// A path to a runtime item from another module.
struct RuntimeRef<'s> {
    file: &'s str,
    item: &'s str,
    public_use: bool,
    shown: String,
}

/// Checks 3 and 4: what the crate names of the runtime is there and visible, and
/// everything there is used.
fn check_runtime(
    files: &[openapi_clientgen::OutputFile],
    sources: &[Source],
    problems: &mut Vec<String>,
) {
    let refs = runtime_refs(files, sources, problems);
    let Some(runtime) = sources.iter().find(|s| s.place == Place::Runtime) else {
        return;
    };
    let items = &runtime.items;
    let mut by_name: BTreeMap<&str, usize> = BTreeMap::new();
    for (index, item) in items.iter().enumerate() {
        for defined in &item.names {
            if by_name.insert(defined, index).is_some() {
                problems.push(format!("src/runtime.rs: `{defined}` is defined twice"));
            }
        }
    }
    check_runtime_refs(&refs, items, &by_name, problems);
    check_runtime_copies(items, &by_name, problems);
    check_runtime_reachable(&refs, items, &by_name, problems);
    check_private_methods(sources, items, problems);
}

/// The paths to runtime items from other modules of the library.
fn runtime_refs<'s>(
    files: &[openapi_clientgen::OutputFile],
    sources: &'s [Source],
    problems: &mut Vec<String>,
) -> Vec<RuntimeRef<'s>> {
    let runtime_file = files.iter().any(|f| f.path == "src/runtime.rs");
    let mut refs = Vec::new();
    for source in sources
        .iter()
        .filter(|s| s.in_library() && s.place != Place::Runtime)
    {
        for path in source.facts.paths.iter().filter(|p| !p.leading_colon) {
            let mut segments = path.segments.as_slice();
            while let [first, rest @ ..] = segments {
                if matches!(first.as_str(), "crate" | "self" | "super") {
                    segments = rest;
                } else {
                    break;
                }
            }
            let [first, rest @ ..] = segments else {
                continue;
            };
            if first != "runtime" {
                continue;
            }
            if !runtime_file {
                problems.push(format!(
                    "{}: names `{}`, but the crate has no src/runtime.rs",
                    source.path,
                    path.shown()
                ));
                continue;
            }
            match rest.first() {
                None if path.glob => problems.push(format!(
                    "{}: `{}` imports all of the runtime, which cannot be checked item by item",
                    source.path,
                    path.shown()
                )),
                None => {}
                Some(item) if item == "self" => {}
                Some(item) => refs.push(RuntimeRef {
                    file: &source.path,
                    item,
                    public_use: path.public_use,
                    shown: path.shown(),
                }),
            }
        }
    }
    refs
}

/// Check 3: what other modules name of the runtime exists and is visible to them, and
/// what is `pub` in the runtime is re-exported.
fn check_runtime_refs(
    refs: &[RuntimeRef<'_>],
    items: &[RuntimeItem],
    by_name: &BTreeMap<&str, usize>,
    problems: &mut Vec<String>,
) {
    let mut exported = BTreeSet::new();
    for r in refs {
        let Some(&index) = by_name.get(r.item) else {
            problems.push(format!(
                "{}: `{}` names `{}`, which src/runtime.rs does not define",
                r.file, r.shown, r.item
            ));
            continue;
        };
        let item = &items[index];
        if !item.visible {
            problems.push(format!(
                "{}: `{}` names `{}`, which is private to src/runtime.rs",
                r.file, r.shown, r.item
            ));
        } else if r.public_use && !item.public {
            problems.push(format!(
                "{}: `{}` re-exports `{}`, which is not `pub` in src/runtime.rs",
                r.file, r.shown, r.item
            ));
        }
        if r.public_use && r.file == "src/lib.rs" {
            exported.insert(r.item);
        }
    }
    for item in items.iter().filter(|i| i.public && i.kind != "use") {
        for defined in &item.names {
            if !exported.contains(defined.as_str()) {
                problems.push(format!(
                    "src/runtime.rs: `pub {} {defined}` is not re-exported by src/lib.rs, so users cannot name it",
                    item.kind
                ));
            }
        }
    }
}

/// The runtime is a selection of the runtime source's items, copied as written: each of
/// its items is one of the source; the source's `impl` blocks for a type the crate carries
/// come with it; and what its items mention of the source's items is there too.
fn check_runtime_copies(
    items: &[RuntimeItem],
    by_name: &BTreeMap<&str, usize>,
    problems: &mut Vec<String>,
) {
    let source_items = match runtime_source_items() {
        Ok(items) => items,
        Err(problem) => {
            problems.push(problem);
            &[]
        }
    };
    let source_tokens: BTreeSet<&str> = source_items.iter().map(|i| i.tokens.as_str()).collect();
    let carried_tokens: BTreeSet<&str> = items.iter().map(|i| i.tokens.as_str()).collect();
    for item in items {
        if !source_tokens.contains(item.tokens.as_str()) {
            problems.push(format!(
                "src/runtime.rs: `{}` is not an item of the runtime source, or differs from it",
                item.shown()
            ));
        }
    }
    for item in source_items {
        let Some(owner) = &item.owner else {
            continue;
        };
        let carried = by_name
            .get(owner.as_str())
            .is_some_and(|&o| items[o].kind != "use");
        if carried && !carried_tokens.contains(item.tokens.as_str()) {
            problems.push(format!(
                "src/runtime.rs: lacks `{}` of the runtime source, which comes with {owner}",
                item.shown()
            ));
        }
    }
    // What runtime items mention of the full runtime source is in the crate too.
    let source_names: BTreeSet<String> = source_items
        .iter()
        .flat_map(|i| i.names.iter().cloned())
        .collect();
    for item in items {
        for mention in &item.mentions {
            if source_names.contains(mention) && !by_name.contains_key(mention.as_str()) {
                problems.push(format!(
                    "src/runtime.rs: `{}` mentions `{mention}`, an item of the runtime source that the crate does not carry",
                    item.shown()
                ));
            }
        }
        if let Some(owner) = &item.owner {
            if !by_name.contains_key(owner.as_str()) && !source_names.contains(owner) {
                problems.push(format!(
                    "src/runtime.rs: `impl` for `{owner}`, which is not a runtime item"
                ));
            }
        }
    }
}

/// Check 4: every runtime item is reachable from what other modules name, through what
/// runtime items mention; an `impl` comes with its type.
fn check_runtime_reachable(
    refs: &[RuntimeRef<'_>],
    items: &[RuntimeItem],
    by_name: &BTreeMap<&str, usize>,
    problems: &mut Vec<String>,
) {
    let mut reached = vec![false; items.len()];
    let mut pending: Vec<usize> = refs
        .iter()
        .filter_map(|r| by_name.get(r.item).copied())
        .collect();
    loop {
        while let Some(index) = pending.pop() {
            if std::mem::replace(&mut reached[index], true) {
                continue;
            }
            pending.extend(
                items[index]
                    .mentions
                    .iter()
                    .filter_map(|m| by_name.get(m.as_str()).copied()),
            );
        }
        // An `impl` comes with its type.
        for (index, item) in items.iter().enumerate() {
            let owner_reached = item
                .owner
                .as_deref()
                .and_then(|o| by_name.get(o))
                .is_some_and(|&o| reached[o]);
            if owner_reached && !reached[index] {
                pending.push(index);
            }
        }
        if pending.is_empty() {
            break;
        }
    }
    for (index, item) in items.iter().enumerate() {
        if reached[index] || item.owner.is_some() {
            // An `impl` of an unused type is reported with its type.
            continue;
        }
        for defined in &item.names {
            let users: Vec<String> = items
                .iter()
                .enumerate()
                .filter(|(other, i)| *other != index && i.mentions.contains(defined))
                .map(|(_, i)| format!("`{}`", i.shown()))
                .collect();
            if users.is_empty() {
                problems.push(format!(
                    "src/runtime.rs: `{} {defined}` is unused: no other file names `runtime::{defined}` and no other runtime item mentions it",
                    item.kind
                ));
            } else {
                problems.push(format!(
                    "src/runtime.rs: `{} {defined}` is unused: only unused items mention it ({})",
                    item.kind,
                    users.join(", ")
                ));
            }
        }
    }
}

/// Check 4, for methods: those of inherent `impl` blocks that are not `pub` are called
/// somewhere in the crate (by name: `.name(...)`, `Type::name`, `Self::name`).
fn check_private_methods(sources: &[Source], items: &[RuntimeItem], problems: &mut Vec<String>) {
    let mut called: BTreeSet<&str> = BTreeSet::new();
    for source in sources {
        called.extend(source.facts.methods.iter().map(String::as_str));
        called.extend(
            source
                .facts
                .paths
                .iter()
                .filter(|p| p.segments.len() > 1)
                .filter_map(|p| p.segments.last().map(String::as_str)),
        );
    }
    for item in items {
        for method in &item.private_methods {
            if !called.contains(method.as_str()) {
                problems.push(format!(
                    "src/runtime.rs: method `{}::{method}` is not `pub` and nothing calls it",
                    item.owner.as_deref().unwrap_or("?")
                ));
            }
        }
    }
}

/// Examples name only what the library exports: `lib_name::X` needs `X` public in
/// `src/lib.rs`.
fn check_examples(sources: &[Source], lib_name: &str, problems: &mut Vec<String>) {
    let Some(lib) = sources.iter().find(|s| s.place == Place::Lib) else {
        return;
    };
    for example in sources.iter().filter(|s| s.place == Place::Example) {
        for path in &example.facts.paths {
            if let [first, second, ..] = path.segments.as_slice() {
                if first == lib_name && !lib.facts.public_names.contains(second) {
                    problems.push(format!(
                        "{}: `{}` names `{second}`, which src/lib.rs does not export",
                        example.path,
                        path.shown()
                    ));
                }
            }
        }
    }
}
