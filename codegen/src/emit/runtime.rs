//! The runtime module of generated crates. Its source is `codegen/runtime/runtime.rs` and
//! the files it includes, one per concern (`include!("errors.rs");`), real Rust that the
//! workspace compiles, lints and tests; here the includes are put in place and the whole
//! is cut into its top-level items, and a generated crate gets exactly the items its code
//! names (`runtime::X`) and those they name in turn, copied as written. The crates the
//! chosen items name become dependencies of the generated crate, like those its own code
//! names.
//!
//! The cutting is lexical, which the runtime source makes sound by a few rules (checked by
//! a test): every `use` imports one name; items reach each other by bare name and never
//! reuse an item's name for a local, a parameter or a field; `impl` blocks hold only what
//! every user of their type needs (trait impls and `pub` methods of `pub` types), so an
//! `impl` comes with its type; and the unit tests are the last item, under `#[cfg(test)]`.

use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

use crate::ir::Gate;

/// The package name of the runtime crate that clients can share (see
/// [`CrateOptions::runtime_crate`](crate::CrateOptions::runtime_crate)).
pub const RUNTIME_CRATE: &str = "openapi-clientgen-runtime";

/// The runtime's main file, and the files it includes, by name.
const MAIN: &str = include_str!("../../runtime/runtime.rs");
const PARTS: &[(&str, &str)] = &[
    ("errors.rs", include_str!("../../runtime/errors.rs")),
    ("sending.rs", include_str!("../../runtime/sending.rs")),
    ("hooks.rs", include_str!("../../runtime/hooks.rs")),
    ("retries.rs", include_str!("../../runtime/retries.rs")),
    ("parameters.rs", include_str!("../../runtime/parameters.rs")),
    ("forms.rs", include_str!("../../runtime/forms.rs")),
    ("bodies.rs", include_str!("../../runtime/bodies.rs")),
    ("responses.rs", include_str!("../../runtime/responses.rs")),
    ("streams.rs", include_str!("../../runtime/streams.rs")),
    ("pages.rs", include_str!("../../runtime/pages.rs")),
    ("values.rs", include_str!("../../runtime/values.rs")),
    ("objects.rs", include_str!("../../runtime/objects.rs")),
    (
        "credentials.rs",
        include_str!("../../runtime/credentials.rs"),
    ),
    ("recording.rs", include_str!("../../runtime/recording.rs")),
    ("mock.rs", include_str!("../../runtime/mock.rs")),
];

/// The runtime's source as one file: each `include!("NAME");` line of the main file
/// replaced by that file, without the comment that opens it (which says what the file is
/// for, not what an item does).
pub(crate) fn source() -> &'static str {
    static SOURCE: OnceLock<String> = OnceLock::new();
    SOURCE.get_or_init(|| {
        let mut out =
            String::with_capacity(MAIN.len() + PARTS.iter().map(|(_, t)| t.len()).sum::<usize>());
        for line in MAIN.split_inclusive('\n') {
            let included = line
                .trim()
                .strip_prefix("include!(\"")
                .and_then(|rest| rest.strip_suffix("\");"))
                .and_then(|name| PARTS.iter().find(|(part, _)| *part == name));
            match included {
                Some((_, text)) => {
                    let body = text
                        .split_inclusive('\n')
                        .skip_while(|l| l.starts_with("// ") || l.trim().is_empty());
                    out.extend(body);
                    out.push('\n');
                }
                None => out.push_str(line),
            }
        }
        out
    })
}

/// The runtime source, cut into items.
pub(crate) struct Runtime {
    /// The module's `//!` documentation.
    header: &'static str,
    items: Vec<Item>,
    /// Index into `items` of the item that defines each name.
    by_name: HashMap<&'static str, usize>,
    /// Indices into `items` of the `impl` blocks of each type.
    impls: HashMap<&'static str, Vec<usize>>,
}

/// One top-level item of the runtime, with what it needs.
struct Item {
    /// The item's text, with its documentation and attributes.
    text: &'static str,
    kind: Kind,
    /// Whether it is `pub` (part of a generated crate's API, re-exported at its root).
    public: bool,
    /// The feature of the generated crate its `#[cfg(feature = "...")]` compiles it under.
    feature: Option<&'static str>,
    /// Names it mentions that other items may define.
    mentions: BTreeSet<&'static str>,
    /// The crates it names, with the next path segment (`("reqwest", "multipart")`).
    crates: BTreeSet<(&'static str, &'static str)>,
    /// Where in `text` its visibility (`pub`, `pub(crate)`, or nothing) is, after its
    /// documentation and attributes, as a range of bytes.
    visibility: std::ops::Range<usize>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    /// A named item: `fn`, `struct`, `enum`, `const`, `static`, `type`, `trait`, `mod`.
    Named(&'static str),
    /// A `use` importing one name, grouped with imports from the same root.
    Use(&'static str, ImportGroup),
    /// An `impl` block, which comes with its type.
    Impl(&'static str),
}

/// Imports from `std` and from other crates are printed in two groups.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum ImportGroup {
    Std,
    Other,
}

/// The runtime items a generated crate carries, each with the gate of the per-tag
/// features whose code needs it.
pub(crate) struct Selection {
    gates: Vec<Option<Gate>>,
    /// The names of the crate's per-tag features, which gates index.
    features: Vec<String>,
}

/// The runtime, cut once per process.
pub(crate) fn runtime() -> &'static Runtime {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| Runtime::cut(source()))
}

impl Runtime {
    fn cut(source: &'static str) -> Self {
        let header_end = source
            .lines()
            .take_while(|line| line.starts_with("//!"))
            .map(|line| line.len() + 1)
            .sum::<usize>()
            .min(source.len());
        let header = source[..header_end].trim_end();
        let tokens = lex(source);
        let mut items = Vec::new();
        let mut start = header_end;
        let mut i = 0;
        while i < tokens.len() {
            let end = item_end(&tokens, i);
            let item_tokens = &tokens[i..end];
            let last = item_tokens.last().map_or(source.len(), |t| t.end);
            let line_end = source[last..].find('\n').map_or(source.len(), |n| last + n);
            let text = source[start..line_end].trim_matches('\n');
            let offset = text.as_ptr() as usize - source.as_ptr() as usize;
            if let Some(item) = Item::read(text, offset, item_tokens) {
                items.push(item);
            }
            start = line_end;
            i = end;
        }
        let mut by_name = HashMap::new();
        let mut impls: HashMap<&'static str, Vec<usize>> = HashMap::new();
        for (index, item) in items.iter().enumerate() {
            match item.kind {
                Kind::Named(name) | Kind::Use(name, _) => {
                    by_name.insert(name, index);
                }
                Kind::Impl(owner) => impls.entry(owner).or_default().push(index),
            }
        }
        Runtime {
            header,
            items,
            by_name,
            impls,
        }
    }

    /// The items `roots` name (names of runtime items that generated code refers to as
    /// `runtime::NAME`), everything they need, and the `impl` blocks of the chosen types,
    /// for a crate without per-tag features.
    #[cfg(test)]
    pub(crate) fn select<'n>(&self, roots: impl IntoIterator<Item = &'n str>) -> Selection {
        self.select_gated(&[], roots.into_iter().map(|name| (name, &Gate::Always)))
    }

    /// The items `roots` name, each with the gate of the code that names it, everything
    /// they need and the `impl` blocks of the chosen types, each needed item under the
    /// widest gate of what needs it. `features` are the names gates index.
    pub(crate) fn select_gated<'n>(
        &self,
        features: &[&str],
        roots: impl IntoIterator<Item = (&'n str, &'n Gate)>,
    ) -> Selection {
        let mut gates: Vec<Option<Gate>> = vec![None; self.items.len()];
        let roots = roots
            .into_iter()
            .filter_map(|(name, gate)| Some((*self.by_name.get(name)?, gate.clone())));
        // What an item mentions comes with it, and so do a type's impls.
        Gate::spread(&mut gates, roots, |index| {
            let item = &self.items[index];
            let impls = match item.kind {
                Kind::Named(name) => self.impls.get(name).map_or(&[][..], Vec::as_slice),
                Kind::Use(..) | Kind::Impl(_) => &[],
            };
            item.mentions
                .iter()
                .filter_map(|name| self.by_name.get(name).copied())
                .chain(impls.iter().copied())
                .collect::<Vec<_>>()
        });
        Selection {
            gates,
            features: features.iter().map(|&name| name.to_owned()).collect(),
        }
    }
}

/// The runtime as a crate that clients share (`CrateOptions::runtime_crate`):
/// every item but those a client must hold itself, made public, each under the Cargo
/// features of the crates it needs beyond those every client needs.
pub(crate) struct Shared {
    /// Whether each item stays in the client's own crate: `Request`, to which generated
    /// code adds methods (which only the crate defining a type can), and what names it.
    local: Vec<bool>,
    /// The features of the shared crate each item needs.
    needs: Vec<BTreeSet<&'static str>>,
}

/// The runtime's split between the shared crate and the clients, made once per process.
pub(crate) fn shared() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED.get_or_init(|| Shared::split(runtime()))
}

impl Shared {
    fn split(runtime: &Runtime) -> Self {
        let count = runtime.items.len();
        let named = |name: &str| {
            runtime
                .by_name
                .get(name)
                .copied()
                .filter(|&i| matches!(runtime.items[i].kind, Kind::Named(_)))
        };
        let mut local = vec![false; count];
        if let Some(request) = named("Request") {
            local[request] = true;
        }
        let mut changed = true;
        while changed {
            changed = false;
            for (i, item) in runtime.items.iter().enumerate() {
                if local[i] {
                    continue;
                }
                let owner_local = matches!(item.kind, Kind::Impl(owner) if named(owner).is_some_and(|o| local[o]));
                if owner_local
                    || item
                        .mentions
                        .iter()
                        .any(|m| named(m).is_some_and(|m| local[m]))
                {
                    local[i] = true;
                    changed = true;
                }
            }
        }
        let mut needs: Vec<BTreeSet<&'static str>> = runtime
            .items
            .iter()
            .map(|item| {
                item.crates
                    .iter()
                    .filter_map(|&(first, second)| super::manifest::runtime_feature(first, second))
                    .map(|(feature, _)| feature)
                    .collect()
            })
            .collect();
        // An item needs what the items it names need; a type and its `impl` blocks, which
        // come together, need what any of them needs (one calls another's methods).
        let mut changed = true;
        while changed {
            changed = false;
            for (i, item) in runtime.items.iter().enumerate() {
                if local[i] {
                    continue;
                }
                let together: Vec<usize> = match item.kind {
                    Kind::Impl(owner) => named(owner).into_iter().collect(),
                    Kind::Named(name) => runtime.impls.get(name).cloned().unwrap_or_default(),
                    Kind::Use(..) => Vec::new(),
                };
                let sources: Vec<usize> = item
                    .mentions
                    .iter()
                    .filter_map(|m| runtime.by_name.get(m).copied())
                    .chain(together)
                    .filter(|&j| j != i && !local[j])
                    .collect();
                for j in sources {
                    let missing: Vec<&'static str> =
                        needs[j].difference(&needs[i]).copied().collect();
                    if !missing.is_empty() {
                        needs[i].extend(missing);
                        changed = true;
                    }
                }
            }
        }
        Shared { local, needs }
    }

    /// The shared crate's `src/lib.rs`: `lib_header` (its `//!` documentation and
    /// attributes), then every item a client need not hold, public, under its features'
    /// `#[cfg]`. Imports are under the features of the items that use them.
    pub(crate) fn text(&self, lib_header: &str) -> String {
        let runtime = runtime();
        let mut users: Vec<Vec<usize>> = vec![Vec::new(); runtime.items.len()];
        for (i, item) in runtime.items.iter().enumerate() {
            if self.local[i] || matches!(item.kind, Kind::Use(..)) {
                continue;
            }
            for m in &item.mentions {
                if let Some(&j) = runtime.by_name.get(m) {
                    if matches!(runtime.items[j].kind, Kind::Use(..)) {
                        users[j].push(i);
                    }
                }
            }
        }
        // The documentation's links to what the clients hold have nothing to point to.
        let local_names: Vec<&str> = runtime
            .items
            .iter()
            .zip(&self.local)
            .filter_map(|(item, local)| match item.kind {
                Kind::Named(name) if *local => Some(name),
                _ => None,
            })
            .collect();
        let mut out = String::from(lib_header);
        let mut previous: Option<Kind> = None;
        for (i, item) in runtime.items.iter().enumerate() {
            if self.local[i] {
                continue;
            }
            let cfg = match item.kind {
                Kind::Use(..) => {
                    if users[i].is_empty() {
                        continue;
                    }
                    let alternatives: BTreeSet<&BTreeSet<&str>> =
                        users[i].iter().map(|&u| &self.needs[u]).collect();
                    if alternatives.iter().any(|needs| needs.is_empty()) {
                        None
                    } else {
                        let each: Vec<String> =
                            alternatives.iter().map(|n| all_features(n)).collect();
                        Some(if each.len() == 1 {
                            each.concat()
                        } else {
                            format!("any({})", each.join(", "))
                        })
                    }
                }
                Kind::Named(_) | Kind::Impl(_) => {
                    (!self.needs[i].is_empty()).then(|| all_features(&self.needs[i]))
                }
            };
            separate(&mut out, previous, item.kind);
            let docs = item.docs_len();
            out.push_str(&unlinked(&item.text[..docs], &local_names));
            if let Some(cfg) = cfg {
                out.push_str(&format!("#[cfg({cfg})]\n"));
            }
            let rest = match item.kind {
                // Made public, and hidden from the documentation unless it was public.
                Kind::Named(_) => {
                    let before = &item.text[docs..item.visibility.start];
                    let after = &item.text[item.visibility.end..];
                    let space = if item.visibility.is_empty() { " " } else { "" };
                    let hidden = if item.public { "" } else { "#[doc(hidden)]\n" };
                    format!("{hidden}{before}pub{space}{after}")
                }
                Kind::Use(..) | Kind::Impl(_) => item.text[docs..].to_owned(),
            };
            out.push_str(&rest.replace("pub(crate)", "pub"));
            out.push('\n');
            previous = Some(item.kind);
        }
        out
    }

    /// The features of the shared crate that the items of `selection` it holds need.
    pub(crate) fn features(&self, selection: &Selection) -> BTreeSet<&'static str> {
        selection
            .gates
            .iter()
            .enumerate()
            .filter(|(i, gate)| gate.is_some() && !self.local[*i])
            .flat_map(|(i, _)| self.needs[i].iter().copied())
            .collect()
    }

    /// The paths the shared crate's items name (see [`Selection::paths`]).
    pub(crate) fn paths(&self) -> impl Iterator<Item = (&'static str, &'static str)> + '_ {
        runtime()
            .items
            .iter()
            .zip(&self.local)
            .filter(|(_, local)| !**local)
            .flat_map(|(item, _)| item.crates.iter().copied())
    }
}

/// `docs` with its intra-doc links to `names` (``[`Request`]``, ``[`Request::send`]``)
/// turned into plain code spans.
fn unlinked(docs: &str, names: &[&str]) -> String {
    let mut out = String::with_capacity(docs.len());
    let mut rest = docs;
    while let Some(open) = rest.find("[`") {
        let after = &rest[open + 2..];
        let link = after.find("`]").map(|close| &after[..close]);
        let named = link.is_some_and(|link| {
            let first = link.split("::").next().unwrap_or(link);
            names.contains(&first) && !after[link.len() + 2..].starts_with('(')
        });
        match link.filter(|_| named) {
            Some(link) => {
                out.push_str(&rest[..open]);
                out.push('`');
                out.push_str(link);
                out.push('`');
                rest = &after[link.len() + 2..];
            }
            None => {
                out.push_str(&rest[..open + 2]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A blank line before an item of `kind`, unless it is an import of the same group as the
/// item before it.
fn separate(out: &mut String, previous: Option<Kind>, kind: Kind) {
    let same_group = matches!(
        (previous, kind),
        (Some(Kind::Use(_, a)), Kind::Use(_, b)) if a == b
    );
    if !same_group {
        out.push('\n');
    }
}

/// `feature = "a"`, or `all(feature = "a", feature = "b")`.
fn all_features(names: &BTreeSet<&str>) -> String {
    let each: Vec<String> = names.iter().map(|n| format!("feature = \"{n}\"")).collect();
    if each.len() == 1 {
        each.concat()
    } else {
        format!("all({})", each.join(", "))
    }
}

impl Item {
    /// The length of the item's leading `///` documentation, which attributes follow.
    fn docs_len(&self) -> usize {
        self.text
            .split_inclusive('\n')
            .take_while(|line| line.trim_start().starts_with("///"))
            .map(str::len)
            .sum()
    }

    /// Reads an item from its text, which starts at `offset` in the source, and its
    /// tokens; `None` for the `#[cfg(test)]` module.
    fn read(text: &'static str, offset: usize, tokens: &[Token]) -> Option<Item> {
        let mut i = 0;
        let mut test_only = false;
        let mut feature = None;
        // Attributes.
        while tokens.get(i).is_some_and(|t| t.kind == Tok::Punct("#")) {
            let close = matching(tokens, i + 1);
            let words: Vec<Tok> = tokens[i + 1..close].iter().map(|t| t.kind).collect();
            test_only |= words
                .windows(3)
                .any(|w| w == [Tok::Ident("cfg"), Tok::Open('('), Tok::Ident("test")]);
            // `#[cfg(feature = "name")]`: the item is compiled with that feature only.
            if let [
                Tok::Open('['),
                Tok::Ident("cfg"),
                Tok::Open('('),
                Tok::Ident("feature"),
                Tok::Punct("="),
                Tok::Literal,
                ..,
            ] = words.as_slice()
            {
                let (equals, literal) = (tokens[i + 5].end - offset, tokens[i + 6].end - offset);
                feature = text[equals..literal]
                    .trim()
                    .strip_prefix('"')
                    .and_then(|name| name.strip_suffix('"'));
            }
            i = close + 1;
        }
        if test_only {
            return None;
        }
        let mut public = false;
        let start = tokens.get(i).map_or(0, |t| t.start() - offset);
        let mut visibility = start..start;
        if tokens.get(i).is_some_and(|t| t.kind == Tok::Ident("pub")) {
            i += 1;
            if tokens.get(i).is_some_and(|t| t.kind == Tok::Open('(')) {
                i = matching(tokens, i) + 1;
            } else {
                public = true;
            }
            visibility.end = tokens[i - 1].end - offset;
        }
        while let Some(Tok::Ident("async" | "unsafe" | "extern")) = tokens.get(i).map(|t| t.kind) {
            i += 1;
        }
        let keyword = match tokens.get(i).map(|t| t.kind) {
            Some(Tok::Ident(keyword)) => keyword,
            _ => return None,
        };
        let kind = match keyword {
            "use" => {
                let root = match tokens.get(i + 1).map(|t| t.kind) {
                    Some(Tok::Ident("std" | "core" | "alloc")) => ImportGroup::Std,
                    _ => ImportGroup::Other,
                };
                let name = tokens
                    .iter()
                    .rev()
                    .find_map(|t| match t.kind {
                        Tok::Ident(name) => Some(name),
                        _ => None,
                    })
                    .unwrap_or("");
                Kind::Use(name, root)
            }
            "impl" => Kind::Impl(impl_owner(&tokens[i + 1..])),
            _ => match tokens.get(i + 1).map(|t| t.kind) {
                Some(Tok::Ident(name)) => Kind::Named(name),
                _ => return None,
            },
        };
        let mut mentions = BTreeSet::new();
        let mut crates = BTreeSet::new();
        for (j, token) in tokens.iter().enumerate() {
            let Tok::Ident(name) = token.kind else {
                continue;
            };
            let before = j.checked_sub(1).map(|b| tokens[b].kind);
            if matches!(before, Some(Tok::Punct("." | "::"))) {
                continue;
            }
            if matches!(
                before,
                Some(Tok::Ident(
                    "fn" | "struct"
                        | "enum"
                        | "type"
                        | "const"
                        | "static"
                        | "trait"
                        | "mod"
                        | "let"
                ))
            ) {
                continue;
            }
            mentions.insert(name);
            if tokens.get(j + 1).map(|t| t.kind) == Some(Tok::Punct("::")) {
                let next = match tokens.get(j + 2).map(|t| t.kind) {
                    Some(Tok::Ident(next)) => next,
                    _ => "",
                };
                crates.insert((name, next));
            }
        }
        Some(Item {
            text,
            kind,
            public: public && !matches!(kind, Kind::Use(..) | Kind::Impl(_)),
            feature,
            mentions,
            crates,
            visibility,
        })
    }
}

/// The type an `impl` block is for: the first name after `for`, or after the generics.
fn impl_owner(tokens: &[Token]) -> &'static str {
    let mut depth = 0usize;
    let mut owner = None;
    for token in tokens {
        match token.kind {
            Tok::Punct("<") => depth += 1,
            Tok::Punct(">") => depth = depth.saturating_sub(1),
            Tok::Open('{') if depth == 0 => break,
            // `impl Trait for Type`: the type is what follows.
            Tok::Ident("for") if depth == 0 => owner = None,
            Tok::Ident(name) if depth == 0 && owner.is_none() => owner = Some(name),
            _ => {}
        }
    }
    owner.unwrap_or("")
}

impl Selection {
    /// Whether no item is chosen (the crate needs no runtime module).
    pub(crate) fn is_empty(&self) -> bool {
        self.gates.iter().all(Option::is_none)
    }

    fn items(&self) -> impl Iterator<Item = (&'static Item, &Gate)> + '_ {
        let runtime = runtime();
        runtime
            .items
            .iter()
            .zip(&self.gates)
            .filter_map(|(item, gate)| Some((item, gate.as_ref()?)))
    }

    /// The module's text: its documentation and the chosen items, as written in the
    /// source, each that only some features need under their `#[cfg]` (after its
    /// documentation).
    pub(crate) fn text(&self) -> String {
        self.text_of(runtime().header, |_| true)
    }

    /// The module's text for a crate that depends on the shared runtime crate `krate`:
    /// everything from there, and the chosen items a client holds itself (with the
    /// imports they use).
    pub(crate) fn text_sharing(&self, krate: &str) -> String {
        let local = self.held();
        let header = format!(
            "//! Support code for the generated modules: the `{krate}` crate, which clients\n\
             //! generated by the same version share, and what only this crate can define.\n\n\
             pub use {}::*;",
            krate.replace('-', "_")
        );
        self.text_of(&header, |i| local[i])
    }

    /// Which items a crate depending on the shared runtime crate holds itself: those no
    /// shared crate can define, and the imports those of them it chose use.
    fn held(&self) -> Vec<bool> {
        let runtime = runtime();
        let shared = shared();
        let mut held = shared.local.clone();
        for (i, item) in runtime.items.iter().enumerate() {
            if shared.local[i] && self.gates[i].is_some() {
                for m in &item.mentions {
                    if let Some(&j) = runtime.by_name.get(m) {
                        held[j] |= matches!(runtime.items[j].kind, Kind::Use(..));
                    }
                }
            }
        }
        held
    }

    /// The paths (see [`Selection::paths`]) of the chosen items that a crate depending on
    /// the shared runtime crate holds itself.
    pub(crate) fn local_paths(&self) -> Vec<(&'static str, &'static str)> {
        let held = self.held();
        runtime()
            .items
            .iter()
            .zip(&self.gates)
            .enumerate()
            .filter(|(i, (_, gate))| held[*i] && gate.is_some())
            .flat_map(|(_, (item, _))| item.crates.iter().copied())
            .collect()
    }

    fn text_of(&self, header: &str, keep: impl Fn(usize) -> bool) -> String {
        let mut out = String::from(header);
        out.push('\n');
        let mut previous: Option<Kind> = None;
        let runtime = runtime();
        let chosen = runtime
            .items
            .iter()
            .zip(&self.gates)
            .enumerate()
            .filter(|(i, _)| keep(*i))
            .filter_map(|(_, (item, gate))| Some((item, gate.as_ref()?)));
        for (item, gate) in chosen {
            separate(&mut out, previous, item.kind);
            match gate {
                Gate::Always => out.push_str(item.text),
                Gate::Any(set) => {
                    let names: Vec<&str> = set.iter().map(|&i| self.features[i].as_str()).collect();
                    let docs = item.docs_len();
                    out.push_str(&item.text[..docs]);
                    out.push_str(&super::cfg_text(&names));
                    out.push('\n');
                    out.push_str(&item.text[docs..]);
                }
            }
            out.push('\n');
            previous = Some(item.kind);
        }
        out
    }

    /// The chosen items that are part of the crate's API, sorted, with their gates and
    /// the feature their source puts them under, if any: the crate root re-exports them.
    pub(crate) fn exports(&self) -> Vec<(&'static str, &Gate, Option<&'static str>)> {
        let mut names: Vec<(&'static str, &Gate, Option<&'static str>)> = self
            .items()
            .filter(|(item, _)| item.public)
            .filter_map(|(item, gate)| match item.kind {
                Kind::Named(name) => Some((name, gate, item.feature)),
                Kind::Use(..) | Kind::Impl(_) => None,
            })
            .collect();
        names.sort_unstable_by_key(|(name, ..)| *name);
        names
    }

    /// The paths of the chosen items that start with a name followed by `::`, as pairs of
    /// their first two segments; the crates among them are dependencies.
    pub(crate) fn paths(&self) -> impl Iterator<Item = (&str, &str)> {
        self.items()
            .flat_map(|(item, _)| item.crates.iter().copied())
    }
}

/// A token of Rust source, as much of one as cutting needs.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tok {
    Ident(&'static str),
    /// Punctuation; `::`, `->` and `=>` are one token.
    Punct(&'static str),
    Open(char),
    Close(char),
    /// A string, character or number literal, or a lifetime.
    Literal,
}

#[derive(Clone, Copy, Debug)]
struct Token {
    kind: Tok,
    /// Byte offset just past the token.
    end: usize,
}

impl Token {
    /// Byte offset of the token's first byte, for the identifiers and punctuation whose
    /// text the token holds.
    fn start(&self) -> usize {
        match self.kind {
            Tok::Ident(text) | Tok::Punct(text) => self.end - text.len(),
            Tok::Open(_) | Tok::Close(_) => self.end - 1,
            Tok::Literal => self.end,
        }
    }
}

/// Splits Rust source into tokens, skipping whitespace and comments.
fn lex(source: &'static str) -> Vec<Token> {
    let bytes = source.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let start = i;
        let kind = match b {
            b if b.is_ascii_whitespace() => {
                i += 1;
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = source[i..].find('\n').map_or(bytes.len(), |n| i + n);
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = block_comment_end(bytes, i);
                continue;
            }
            b'"' => {
                i = string_end(bytes, i + 1);
                Tok::Literal
            }
            b'r' | b'b' | b'c' if raw_or_byte_string(bytes, i).is_some() => {
                i = raw_or_byte_string(bytes, i).unwrap_or(bytes.len());
                Tok::Literal
            }
            b'\'' => {
                i = quote_end(source, i);
                Tok::Literal
            }
            b if b.is_ascii_digit() => {
                i += 1;
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric()
                        || bytes[i] == b'_'
                        || (bytes[i] == b'.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)))
                {
                    i += 1;
                }
                Tok::Literal
            }
            b if b.is_ascii_alphabetic() || b == b'_' => {
                if b == b'r' && bytes.get(i + 1) == Some(&b'#') {
                    i += 2;
                }
                let name_start = i;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                Tok::Ident(&source[name_start..i])
            }
            b'(' | b'[' | b'{' => {
                i += 1;
                Tok::Open(char::from(b))
            }
            b')' | b']' | b'}' => {
                i += 1;
                Tok::Close(char::from(b))
            }
            _ => {
                let two = source.get(i..i + 2);
                let width = match two {
                    Some("::" | "->" | "=>") => 2,
                    _ => source[i..].chars().next().map_or(1, char::len_utf8),
                };
                i += width;
                Tok::Punct(&source[start..i])
            }
        };
        tokens.push(Token { kind, end: i });
    }
    tokens
}

fn block_comment_end(bytes: &[u8], mut i: usize) -> usize {
    let mut depth = 0;
    while i + 1 < bytes.len() {
        match (bytes[i], bytes[i + 1]) {
            (b'/', b'*') => {
                depth += 1;
                i += 2;
            }
            (b'*', b'/') => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return i;
                }
            }
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The end of a string whose opening quote ends just before `i`.
fn string_end(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The end of a raw string (`r"…"`, `r#"…"#`), a byte string or a C string starting at
/// `i`, if one starts there.
fn raw_or_byte_string(bytes: &[u8], i: usize) -> Option<usize> {
    let mut j = i;
    if matches!(bytes.get(j), Some(b'b' | b'c')) {
        j += 1;
    }
    let raw = bytes.get(j) == Some(&b'r');
    if raw {
        j += 1;
    }
    let hashes = bytes[j..].iter().take_while(|&&b| b == b'#').count();
    j += hashes;
    if bytes.get(j) != Some(&b'"') || (j == i) {
        return None;
    }
    if !raw {
        return Some(string_end(bytes, j + 1));
    }
    let closing: Vec<u8> = std::iter::once(b'"')
        .chain(std::iter::repeat_n(b'#', hashes))
        .collect();
    let rest = &bytes[j + 1..];
    let found = rest
        .windows(closing.len())
        .position(|w| w == closing.as_slice());
    Some(found.map_or(bytes.len(), |p| j + 1 + p + closing.len()))
}

/// The end of a character literal or a lifetime starting at the quote at `i`.
fn quote_end(source: &str, i: usize) -> usize {
    let bytes = source.as_bytes();
    if bytes.get(i + 1) == Some(&b'\\') {
        // An escaped character: up to the closing quote.
        return source[i + 2..]
            .find('\'')
            .map_or(bytes.len(), |n| i + 2 + n + 1);
    }
    let next = source[i + 1..].chars().next().map_or(0, char::len_utf8);
    if bytes.get(i + 1 + next) == Some(&b'\'') {
        return i + 1 + next + 1;
    }
    // A lifetime: the quote and a name.
    let mut j = i + 1;
    while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_') {
        j += 1;
    }
    j
}

/// The index of the token closing the group opened at `open`.
fn matching(tokens: &[Token], open: usize) -> usize {
    let mut depth = 0usize;
    for (j, token) in tokens.iter().enumerate().skip(open) {
        match token.kind {
            Tok::Open(_) => depth += 1,
            Tok::Close(_) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return j;
                }
            }
            _ => {}
        }
    }
    tokens.len().saturating_sub(1)
}

/// The index just past the top-level item starting at token `start`: after its closing
/// brace, or after its `;` for items that end with one.
fn item_end(tokens: &[Token], start: usize) -> usize {
    let mut i = start;
    let mut ends_with_semicolon = false;
    while i < tokens.len() {
        match tokens[i].kind {
            Tok::Punct("#") => {
                i = matching(tokens, i + 1) + 1;
                continue;
            }
            // A `const` generic parameter (`impl<const N: usize>`) starts no constant.
            Tok::Ident("const" | "static" | "type" | "use")
                if !matches!(
                    i.checked_sub(1).map(|b| tokens[b].kind),
                    Some(Tok::Punct("<" | ","))
                ) =>
            {
                ends_with_semicolon = true;
            }
            Tok::Punct(";") => return i + 1,
            Tok::Open(open) => {
                let close = matching(tokens, i);
                let braced_body = open == '{' && !ends_with_semicolon;
                i = close + 1;
                if braced_body {
                    return i;
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    tokens.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(selection: &Selection) -> Vec<String> {
        selection
            .items()
            .map(|(item, _)| match item.kind {
                Kind::Named(name) | Kind::Use(name, _) => name.to_owned(),
                Kind::Impl(owner) => format!("impl {owner}"),
            })
            .collect()
    }

    #[test]
    fn the_cut_covers_every_line_of_the_source() {
        let runtime = runtime();
        let mut rebuilt = String::from(runtime.header);
        for item in &runtime.items {
            rebuilt.push_str(item.text);
        }
        let strip = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        let source = strip(source());
        let without_tests = &source[..source.find("#[cfg(test)]").unwrap_or(source.len())];
        assert_eq!(strip(&rebuilt), without_tests);
    }

    #[test]
    fn every_item_of_the_source_is_cut_apart() {
        // Each named item is found by its name, whatever it looks like (a `const`
        // generic parameter once made an `impl` swallow the items after it).
        let runtime = runtime();
        for name in [
            "Paginated",
            "NextPage",
            "linked_page",
            "stream_body",
            "Fetched",
            "body_to_send",
        ] {
            assert!(
                runtime.by_name.contains_key(name),
                "`{name}` is not an item of its own"
            );
        }
        let generic_const = runtime
            .items
            .iter()
            .filter(|item| item.text.contains("impl<const N: usize>"))
            .count();
        assert!(generic_const > 0);
        assert!(runtime.items.iter().all(|item| {
            !item.text.contains("impl<const N: usize>") || matches!(item.kind, Kind::Impl("Body"))
        }));
    }

    #[test]
    fn items_are_named_and_impls_follow_their_types() {
        let runtime = runtime();
        let kinds: Vec<Kind> = runtime.items.iter().map(|item| item.kind).collect();
        assert!(kinds.contains(&Kind::Use("fmt", ImportGroup::Std)));
        assert!(kinds.contains(&Kind::Use("HeaderMap", ImportGroup::Other)));
        assert!(kinds.contains(&Kind::Named("Error")));
        assert!(kinds.contains(&Kind::Named("BASE64_STANDARD")));
        assert!(kinds.contains(&Kind::Impl("Patch")));
        assert!(kinds.contains(&Kind::Impl("Error")));
        assert!(
            runtime
                .items
                .iter()
                .all(|item| !item.text.contains("mod tests"))
        );
    }

    #[test]
    fn a_selection_holds_what_its_roots_need_and_nothing_else() {
        let selection = runtime().select(["Patch"]);
        assert_eq!(
            names(&selection),
            [
                "Patch",
                "impl Patch",
                "impl Patch",
                "impl Patch",
                "impl Patch"
            ]
        );
        assert_eq!(selection.exports(), [("Patch", &Gate::Always, None)]);
        let crates = super::super::manifest::Dependencies::of(selection.paths()).lines();
        assert_eq!(
            crates,
            [r#"serde = { version = "1", features = ["derive"] }"#]
        );

        let selection = runtime().select(["path_param"]);
        let chosen = names(&selection);
        for needed in [
            "path_param",
            "path_segment",
            "path_text",
            "percent_encode",
            "Error",
            "fmt",
        ] {
            assert!(
                chosen.iter().any(|c| c == needed),
                "{needed} missing from {chosen:?}"
            );
        }
        assert!(
            !chosen.iter().any(|c| c == "Patch" || c == "Base64"),
            "{chosen:?}"
        );
        assert!(runtime().select(std::iter::empty()).is_empty());
    }

    #[test]
    fn links_to_what_clients_hold_become_code_spans() {
        let docs = "/// As a [`Request`] carries it; see [`Request::send`], [`Error`] and\n\
                    /// [`the request`](Request), [`Requests`].\n";
        assert_eq!(
            unlinked(docs, &["Request"]),
            "/// As a `Request` carries it; see `Request::send`, [`Error`] and\n\
             /// [`the request`](Request), [`Requests`].\n"
        );
    }

    #[test]
    fn the_text_keeps_import_groups_and_documentation() {
        let text = runtime().select(["Base64"]).text();
        assert!(text.starts_with("//! Support code"), "{text}");
        assert!(text.contains("use std::fmt;\n\n"), "{text}");
        assert!(
            text.contains("/// Bytes that travel as base64 text"),
            "{text}"
        );
        assert!(text.ends_with("}\n"), "{text}");
    }
}
