//! What emitted code refers to, read from its tokens: the runtime items it names
//! (`runtime::X`), the crates and sibling modules its paths start with, and the few names a
//! module imports unqualified. Everything a generated crate or module needs (runtime items,
//! dependencies, `use` lines) follows from this one walk over the code itself, so it cannot
//! drift from what the code uses.

use std::collections::BTreeSet;

use proc_macro2::{Spacing, TokenStream, TokenTree};

/// Names that generated modules import and then use unqualified: serde's derive macros and
/// traits. The namer keeps them free for these.
const IMPORTED: [&str; 2] = ["Deserialize", "Serialize"];

/// What some emitted code refers to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Refs {
    /// The first two segments of every path that starts with a name: `("runtime",
    /// "Patch")`, `("reqwest", "multipart")`, `("types", "Pet")`, `("serde", "")` for
    /// `serde::{...}`.
    paths: BTreeSet<(String, String)>,
    /// The names of [`IMPORTED`] that appear.
    imported: BTreeSet<&'static str>,
}

impl Refs {
    /// Reads the references of `tokens`.
    pub(crate) fn scan(tokens: &TokenStream) -> Self {
        let mut refs = Refs::default();
        refs.walk(tokens.clone());
        refs
    }

    /// Adds the references of `other`.
    pub(crate) fn merge(&mut self, other: Refs) {
        self.paths.extend(other.paths);
        self.imported.extend(other.imported);
    }

    fn walk(&mut self, tokens: TokenStream) {
        let trees: Vec<TokenTree> = tokens.into_iter().collect();
        for (i, tree) in trees.iter().enumerate() {
            match tree {
                TokenTree::Group(group) => self.walk(group.stream()),
                TokenTree::Ident(ident) => {
                    // A method, a field, or a later segment of a path.
                    let member = i >= 1
                        && (is_punct(&trees[i - 1], '.')
                            || (i >= 2 && is_path_separator(&trees[i - 2..i])));
                    if !member {
                        if let Some(name) = IMPORTED.iter().find(|name| ident == *name) {
                            self.imported.insert(name);
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
                        self.paths.insert((ident.to_string(), next));
                    }
                }
                // serde's `with`-style attributes name functions in strings.
                TokenTree::Literal(literal) => {
                    let text = literal.to_string();
                    if let Some((first, next)) = quoted_path(&text) {
                        self.paths.insert((first.to_owned(), next.to_owned()));
                    }
                }
                TokenTree::Punct(_) => {}
            }
        }
    }

    /// The runtime items named as `runtime::X`.
    pub(crate) fn runtime_items(&self) -> impl Iterator<Item = &str> {
        self.paths
            .iter()
            .filter(|(first, _)| first == "runtime")
            .map(|(_, item)| item.as_str())
    }

    /// Whether some path starts with `first` (a crate or a sibling module).
    pub(crate) fn uses(&self, first: &str) -> bool {
        self.paths
            .range((first.to_owned(), String::new())..)
            .next()
            .is_some_and(|(f, _)| f == first)
    }

    /// The pairs of first path segments, for finding crates and their features.
    pub(crate) fn paths(&self) -> impl Iterator<Item = (&str, &str)> {
        self.paths.iter().map(|(a, b)| (a.as_str(), b.as_str()))
    }

    /// The names of [`IMPORTED`] the code uses, sorted.
    pub(crate) fn imported(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.imported.iter().copied()
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
        let items: Vec<&str> = refs.runtime_items().collect();
        assert_eq!(items, ["Base64", "Patch", "read_lenient"]);
        assert!(refs.uses("chrono") && refs.uses("types") && refs.uses("serde"));
        assert!(refs.uses("super"));
        assert!(!refs.uses("uuid"));
        let imported: Vec<&str> = refs.imported().collect();
        assert_eq!(imported, ["Deserialize", "Serialize"]);
    }
}
