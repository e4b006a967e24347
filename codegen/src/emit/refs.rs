//! What emitted code refers to, read from its tokens: the runtime items it names
//! (`runtime::X`), the crates and sibling modules its paths start with, and the few names a
//! module imports unqualified. Everything a generated crate or module needs (runtime items,
//! dependencies, `use` lines) follows from this one walk over the code itself, so it cannot
//! drift from what the code uses. Each reference carries the [`Gate`] of the code that
//! makes it, so that what only some per-tag features compile is imported and carried
//! under those features alone.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};

use crate::ir::Gate;

/// Names that generated modules import and then use unqualified: serde's derive macros and
/// traits. The namer keeps them free for these.
const IMPORTED: [&str; 2] = ["Deserialize", "Serialize"];

/// What some emitted code refers to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Refs {
    /// The first two segments of every path that starts with a name: `("runtime",
    /// "Patch")`, `("reqwest", "multipart")`, `("types", "Pet")`, `("serde", "")` for
    /// `serde::{...}`.
    paths: BTreeMap<(String, String), Gate>,
    /// The names of [`IMPORTED`] that appear.
    imported: BTreeMap<&'static str, Gate>,
    /// Where the scanned code compiles, when there is any.
    code: Option<Gate>,
}

impl Refs {
    /// Reads the references of `tokens`, code that every build compiles.
    pub(crate) fn scan(tokens: &TokenStream) -> Self {
        Refs::scan_gated(tokens, &Gate::Always)
    }

    /// Reads the references of `tokens`, code that builds compile where `gate` opens.
    pub(crate) fn scan_gated(tokens: &TokenStream, gate: &Gate) -> Self {
        let mut refs = Refs::default();
        refs.walk(tokens.clone(), gate);
        if !tokens.is_empty() {
            refs.code = Some(gate.clone());
        }
        refs
    }

    /// Adds the references of `other`.
    pub(crate) fn merge(&mut self, other: Refs) {
        for (path, gate) in other.paths {
            self.paths
                .entry(path)
                .or_insert_with(|| gate.clone())
                .widen(&gate);
        }
        for (name, gate) in other.imported {
            self.imported
                .entry(name)
                .or_insert_with(|| gate.clone())
                .widen(&gate);
        }
        if let Some(gate) = other.code {
            self.code.get_or_insert_with(|| gate.clone()).widen(&gate);
        }
    }

    fn walk(&mut self, tokens: TokenStream, gate: &Gate) {
        let trees: Vec<TokenTree> = tokens.into_iter().collect();
        for (i, tree) in trees.iter().enumerate() {
            match tree {
                TokenTree::Group(group) => self.walk(group.stream(), gate),
                TokenTree::Ident(ident) => {
                    // A method, a field, or a later segment of a path.
                    let member = i >= 1
                        && (is_punct(&trees[i - 1], '.')
                            || (i >= 2 && is_path_separator(&trees[i - 2..i])));
                    if !member {
                        if let Some(name) = IMPORTED.iter().find(|name| ident == *name) {
                            self.imported.insert(name, gate.clone());
                        }
                    }
                    // `super::runtime::X` names the runtime too; other paths count from
                    // their first segment.
                    let starts_path = trees.get(i + 1..i + 3).is_some_and(is_path_separator);
                    if starts_path && (!member || ident == "runtime") {
                        let next = match trees.get(i + 3) {
                            Some(TokenTree::Ident(next)) => next.to_string(),
                            _ => String::new(),
                        };
                        self.paths.insert((ident.to_string(), next), gate.clone());
                    }
                }
                // serde's `with`-style attributes name functions in strings.
                TokenTree::Literal(literal) => {
                    let text = literal.to_string();
                    if let Some((first, next)) = quoted_path(&text) {
                        self.paths
                            .insert((first.to_owned(), next.to_owned()), gate.clone());
                    }
                }
                TokenTree::Punct(_) => {}
            }
        }
    }

    /// The runtime items named as `runtime::X`, with where they are named.
    pub(crate) fn runtime_items(&self) -> impl Iterator<Item = (&str, &Gate)> {
        self.paths
            .iter()
            .filter(|((first, _), _)| first == "runtime")
            .map(|((_, item), gate)| (item.as_str(), gate))
    }

    /// Where some path starts with `first` (a crate or a sibling module); `None` when
    /// none does.
    pub(crate) fn uses(&self, first: &str) -> Option<Gate> {
        let mut found: Option<Gate> = None;
        for (_, gate) in self
            .paths
            .range((first.to_owned(), String::new())..)
            .take_while(|((f, _), _)| f == first)
        {
            found.get_or_insert_with(|| gate.clone()).widen(gate);
        }
        found
    }

    /// Where the scanned code compiles; `None` when there is none.
    pub(crate) fn code(&self) -> Option<&Gate> {
        self.code.as_ref()
    }

    /// The pairs of first path segments, for finding crates and their features.
    pub(crate) fn paths(&self) -> impl Iterator<Item = (&str, &str)> {
        self.paths.keys().map(|(a, b)| (a.as_str(), b.as_str()))
    }

    /// The names of [`IMPORTED`] the code uses, sorted, with where they are used.
    pub(crate) fn imported(&self) -> impl Iterator<Item = (&'static str, &Gate)> + '_ {
        self.imported.iter().map(|(name, gate)| (*name, gate))
    }
}

/// The names one emitted item defines at its top level, and every name its code may
/// take from the module around it: each identifier that is not a member (`a.b`, `a::b`)
/// or a lifetime, the first segment of paths in serde's string attributes, and the first
/// segment of intra-doc links. More than the item uses (a variant or field may share a
/// type's name), never less, so a part module that imports these names from its parent
/// sees everything it did through `use super::*`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ItemNames {
    pub defined: Vec<String>,
    pub named: BTreeSet<String>,
}

impl ItemNames {
    pub(crate) fn scan(tokens: &TokenStream) -> Self {
        let mut names = ItemNames::default();
        let trees: Vec<TokenTree> = tokens.clone().into_iter().collect();
        for pair in trees.windows(2) {
            if let [TokenTree::Ident(keyword), TokenTree::Ident(name)] = pair {
                let defines = [
                    "struct", "enum", "union", "type", "fn", "trait", "const", "static", "mod",
                ];
                // `const fn f` defines `f`, not `fn`.
                let keyword_follows = ["fn", "mut", "unsafe", "async", "extern"];
                if defines.iter().any(|k| keyword == k)
                    && !keyword_follows.iter().any(|k| name == k)
                {
                    names.defined.push(name.to_string());
                }
            }
        }
        names.walk(&trees, false);
        names
    }

    /// Reads `trees`; `variants` when they are an enum's body, whose variants' names
    /// name nothing.
    fn walk(&mut self, trees: &[TokenTree], variants: bool) {
        let mut enum_body_next = false;
        for (i, tree) in trees.iter().enumerate() {
            match tree {
                TokenTree::Group(group) => {
                    let inner: Vec<TokenTree> = group.stream().into_iter().collect();
                    let body = enum_body_next && group.delimiter() == Delimiter::Brace;
                    if group.delimiter() == Delimiter::Brace {
                        enum_body_next = false;
                    }
                    self.walk(&inner, body);
                }
                TokenTree::Ident(ident) => {
                    let member = i >= 1
                        && (is_punct(&trees[i - 1], '.')
                            || is_punct(&trees[i - 1], '\'')
                            || (i >= 2 && is_path_separator(&trees[i - 2..i])));
                    if ident == "enum" && !member {
                        enum_body_next = true;
                    }
                    if !(member || variants && starts_variant(trees, i)) {
                        self.named.insert(ident.to_string());
                    }
                }
                TokenTree::Literal(literal) => {
                    let text = literal.to_string();
                    if let Some((first, _)) = quoted_path(&text) {
                        self.named.insert(first.to_owned());
                    }
                    for link in text.split("[`").skip(1) {
                        let first: String = link
                            .chars()
                            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                            .collect();
                        if !first.is_empty() {
                            self.named.insert(first);
                        }
                    }
                }
                TokenTree::Punct(_) => {}
            }
        }
    }
}

/// Whether the identifier at `i` of an enum's body is a variant's name: the first token
/// of the body or after a comma, attributes aside.
fn starts_variant(trees: &[TokenTree], i: usize) -> bool {
    let mut j = i;
    while j >= 2
        && matches!(&trees[j - 1], TokenTree::Group(g) if g.delimiter() == Delimiter::Bracket)
        && is_punct(&trees[j - 2], '#')
    {
        j -= 2;
    }
    j == 0 || is_punct(&trees[j - 1], ',')
}

/// The names a module's `use` items bring in, each with the attributes (`#[cfg]`) of its
/// `use`: `use super::{Client, runtime};` gives `Client` and `runtime`.
pub(crate) fn imported_names(tokens: &TokenStream) -> Vec<(String, TokenStream)> {
    let trees: Vec<TokenTree> = tokens.clone().into_iter().collect();
    let mut found = Vec::new();
    let mut attrs = TokenStream::new();
    let mut i = 0;
    while i < trees.len() {
        match &trees[i] {
            TokenTree::Punct(p) if p.as_char() == '#' => {
                // `#[...]` belongs to the next item; `#![...]` to the module.
                if let Some(TokenTree::Group(group)) = trees.get(i + 1) {
                    attrs.extend([trees[i].clone(), TokenTree::Group(group.clone())]);
                    i += 2;
                    continue;
                }
                i += 1;
                continue;
            }
            TokenTree::Ident(ident) if ident == "use" => {
                let end = (i..trees.len())
                    .find(|&j| is_punct(&trees[j], ';'))
                    .unwrap_or(trees.len());
                let mut leaves = Vec::new();
                use_leaves(&trees[i + 1..end], &mut leaves);
                for leaf in leaves {
                    found.push((leaf, attrs.clone()));
                }
                i = end + 1;
            }
            TokenTree::Punct(p) if p.as_char() == ';' => i += 1,
            TokenTree::Group(group) if group.delimiter() == Delimiter::Brace => i += 1,
            _ => {
                i += 1;
                continue;
            }
        }
        attrs = TokenStream::new();
    }
    found
}

/// The names a use tree binds: the last segment of each path, or its `as` name.
fn use_leaves(trees: &[TokenTree], leaves: &mut Vec<String>) {
    let mut last: Option<String> = None;
    let mut renamed = false;
    let flush = |last: &mut Option<String>, leaves: &mut Vec<String>| {
        if let Some(name) = last.take() {
            if name != "self" && name != "_" {
                leaves.push(name);
            }
        }
    };
    for (i, tree) in trees.iter().enumerate() {
        match tree {
            TokenTree::Ident(ident) if ident == "as" => renamed = true,
            TokenTree::Ident(ident) => {
                let continues = trees.get(i + 1..i + 3).is_some_and(is_path_separator);
                if renamed || !continues {
                    last = Some(ident.to_string());
                    renamed = false;
                }
            }
            TokenTree::Group(group) => {
                let inner: Vec<TokenTree> = group.stream().into_iter().collect();
                use_leaves(&inner, leaves);
            }
            TokenTree::Punct(p) if p.as_char() == ',' => flush(&mut last, leaves),
            TokenTree::Punct(_) => {}
            TokenTree::Literal(_) => {}
        }
    }
    flush(&mut last, leaves);
}

/// The first two segments of a string literal that is a path (`"runtime::Patch::is_absent"`).
fn quoted_path(literal: &str) -> Option<(&str, &str)> {
    let path = literal.strip_prefix('"')?.strip_suffix('"')?;
    let mut segments = path.split("::");
    let first = segments.next()?;
    let next = segments.next()?;
    let is_ident = |s: &str| {
        s.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    (is_ident(first) && is_ident(next) && segments.all(is_ident)).then_some((first, next))
}

fn is_punct(tree: &TokenTree, c: char) -> bool {
    matches!(tree, TokenTree::Punct(p) if p.as_char() == c)
}

/// Whether two tokens are `::`.
fn is_path_separator(trees: &[TokenTree]) -> bool {
    matches!(trees, [TokenTree::Punct(a), b] if a.as_char() == ':' && a.spacing() == Spacing::Joint && is_punct(b, ':'))
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    #[test]
    fn paths_runtime_items_and_imports_are_found() {
        let refs = Refs::scan(&quote! {
            #[derive(Clone, Serialize)]
            pub struct A {
                pub b: runtime::Patch<chrono::DateTime<chrono::Utc>>,
                pub c: types::Pet,
                #[serde(deserialize_with = "runtime::read_lenient")]
                #[doc = "not runtime::a path"]
                pub d: String,
            }
            fn f() { let x = super::runtime::Base64::decode(""); value.serde::not_a_path(); }
            use serde::{Deserialize};
        });
        let items: Vec<&str> = refs.runtime_items().map(|(item, _)| item).collect();
        assert_eq!(items, ["Base64", "Patch", "read_lenient"]);
        for used in ["chrono", "types", "serde", "super"] {
            assert_eq!(refs.uses(used), Some(Gate::Always), "{used}");
        }
        assert_eq!(refs.uses("uuid"), None);
        let imported: Vec<&str> = refs.imported().map(|(name, _)| name).collect();
        assert_eq!(imported, ["Deserialize", "Serialize"]);
    }

    #[test]
    fn an_item_names_what_it_defines_and_what_it_may_take_from_its_module() {
        let names = ItemNames::scan(&quote! {
            /// Links to [`Owner::pets`] and [`Request`](super::Request).
            #[derive(Serialize)]
            pub enum Pet {
                #[serde(rename = "cat")]
                Cat(Cat),
                Dog { bark: Volume },
                Status,
            }
            impl Pet {
                pub const fn r#type(&self, other: &'a Other) -> Self::Out {
                    let x = self.size.max(runtime::Patch::absent());
                    #[serde(deserialize_with = "read::lenient")]
                    Thing { field: x }
                }
            }
            pub type Alias = Vec<Pet>;
        });
        assert_eq!(names.defined, ["Pet", "Alias"]);
        for named in [
            "Owner",
            "Request",
            "Serialize",
            "Cat",
            "Volume",
            "Other",
            "runtime",
            "read",
            "Thing",
            "Vec",
            "r#type",
        ] {
            assert!(names.named.contains(named), "{named}");
        }
        // Variants, members, lifetimes and later path segments name nothing of the module.
        for not in [
            "Dog", "Status", "size", "max", "Patch", "absent", "a", "Out", "lenient", "pets",
        ] {
            assert!(!names.named.contains(not), "{not}");
        }
    }

    #[test]
    fn the_names_a_preamble_imports_keep_their_attributes() {
        let preamble = quote! {
            #![allow(deprecated)]
            use serde::{Deserialize, Serialize as Ser};
            #[cfg(feature = "a")]
            use super::types;
            use super::{self, Client, runtime::{Patch, File}};
            mod part;
            pub use part::*;
        };
        let found: Vec<(String, String)> = imported_names(&preamble)
            .into_iter()
            .map(|(name, attrs)| (name, attrs.to_string()))
            .collect();
        let cfg = quote!(#[cfg(feature = "a")]).to_string();
        let plain = |n: &str| (n.to_owned(), String::new());
        assert_eq!(
            found,
            [
                plain("Deserialize"),
                plain("Ser"),
                ("types".to_owned(), cfg),
                plain("Client"),
                plain("Patch"),
                plain("File")
            ]
        );
    }

    #[test]
    fn references_keep_the_widest_gate_of_the_code_making_them() {
        let one = |i| Gate::feature(i);
        let mut refs = Refs::scan_gated(
            &quote!(
                fn a() -> runtime::Patch {}
            ),
            &one(0),
        );
        refs.merge(Refs::scan_gated(
            &quote!(
                fn b() -> runtime::Patch {}
            ),
            &one(2),
        ));
        refs.merge(Refs::scan_gated(
            &quote!(
                #[derive(Serialize)]
                struct C(runtime::File);
            ),
            &one(1),
        ));
        let items: Vec<(&str, &Gate)> = refs.runtime_items().collect();
        let both = Gate::Any([0, 2].into());
        assert_eq!(items, [("File", &one(1)), ("Patch", &both)]);
        assert_eq!(refs.uses("runtime"), Some(Gate::Any([0, 1, 2].into())));
        assert_eq!(
            refs.imported().collect::<Vec<_>>(),
            [("Serialize", &one(1))]
        );
        assert_eq!(refs.code(), Some(&Gate::Any([0, 1, 2].into())));
        refs.merge(Refs::scan(&quote!(
            fn d() -> runtime::Patch {}
        )));
        assert_eq!(refs.uses("runtime"), Some(Gate::Always));
        assert_eq!(refs.runtime_items().nth(1), Some(("Patch", &Gate::Always)));
        assert_eq!(Refs::scan(&quote!()).code(), None);
    }
}
