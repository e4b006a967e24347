//! What emitted code refers to, read from its tokens: the runtime items it names
//! (`runtime::X`), the crates and sibling modules its paths start with, and the few names a
//! module imports unqualified. Everything a generated crate or module needs (runtime items,
//! dependencies, `use` lines) follows from this one walk over the code itself, so it cannot
//! drift from what the code uses. Each reference carries the [`Gate`] of the code that
//! makes it, so that what only some per-tag features compile is imported and carried
//! under those features alone.

use std::collections::BTreeMap;

use proc_macro2::{Spacing, TokenStream, TokenTree};

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
