//! The rules the runtime's source (`codegen/runtime/runtime.rs` and the files it
//! includes) keeps so that cutting it into items by name is sound: the generator selects
//! items by the names they mention, so a name must mean one thing wherever it appears.

#![allow(
    clippy::expect_used,
    clippy::panic,
    clippy::unwrap_used,
    reason = "tests fail by panicking"
)]

use std::collections::BTreeSet;

use quote::ToTokens;
use syn::visit::{self, Visit};

fn file() -> syn::File {
    syn::parse_file(openapi_clientgen::runtime_source()).expect("the runtime parses")
}

fn is_test_module(item: &syn::Item) -> bool {
    matches!(item, syn::Item::Mod(m) if m.attrs.iter().any(|a| {
        a.path().is_ident("cfg") && a.to_token_stream().to_string().contains("test")
    }))
}

/// The names top-level items define, the test module left out.
fn item_names(file: &syn::File) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for item in file.items.iter().filter(|i| !is_test_module(i)) {
        let name = match item {
            syn::Item::Fn(f) => Some(f.sig.ident.to_string()),
            syn::Item::Struct(s) => Some(s.ident.to_string()),
            syn::Item::Enum(e) => Some(e.ident.to_string()),
            syn::Item::Const(c) => Some(c.ident.to_string()),
            syn::Item::Static(s) => Some(s.ident.to_string()),
            syn::Item::Type(t) => Some(t.ident.to_string()),
            syn::Item::Use(u) => use_names(&u.tree).into_iter().next(),
            _ => None,
        };
        names.extend(name);
    }
    names
}

fn use_names(tree: &syn::UseTree) -> Vec<String> {
    match tree {
        syn::UseTree::Path(p) => use_names(&p.tree),
        syn::UseTree::Name(n) => vec![n.ident.to_string()],
        syn::UseTree::Rename(r) => vec![r.rename.to_string()],
        syn::UseTree::Glob(_) => vec!["*".to_owned()],
        syn::UseTree::Group(g) => g.items.iter().flat_map(use_names).collect(),
    }
}

/// Every name the source binds locally or gives to a field or a generic parameter.
#[derive(Default)]
struct Bindings(Vec<String>);

impl<'ast> Visit<'ast> for Bindings {
    fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
        self.0.push(p.ident.to_string());
        visit::visit_pat_ident(self, p);
    }

    fn visit_field(&mut self, f: &'ast syn::Field) {
        if let Some(ident) = &f.ident {
            self.0.push(ident.to_string());
        }
        visit::visit_field(self, f);
    }

    fn visit_field_pat(&mut self, f: &'ast syn::FieldPat) {
        if let syn::Member::Named(ident) = &f.member {
            self.0.push(ident.to_string());
        }
        visit::visit_field_pat(self, f);
    }

    fn visit_type_param(&mut self, t: &'ast syn::TypeParam) {
        self.0.push(t.ident.to_string());
        visit::visit_type_param(self, t);
    }

    fn visit_item(&mut self, item: &'ast syn::Item) {
        // Items nested in a function (a visitor struct, say) are local names too.
        if let syn::Item::Struct(s) = item {
            self.0.push(s.ident.to_string());
        }
        visit::visit_item(self, item);
    }
}

#[test]
fn no_local_field_or_parameter_reuses_an_item_name() {
    let file = file();
    let names = item_names(&file);
    let mut bindings = Bindings::default();
    for item in file.items.iter().filter(|i| !is_test_module(i)) {
        // Top-level structs are items, not local names.
        match item {
            syn::Item::Struct(s) => {
                for field in &s.fields {
                    bindings.visit_field(field);
                }
                bindings.visit_generics(&s.generics);
            }
            other => bindings.visit_item(other),
        }
    }
    let clashes: BTreeSet<&String> = bindings.0.iter().filter(|b| names.contains(*b)).collect();
    assert!(
        clashes.is_empty(),
        "these names are both items and locals, fields or parameters: {clashes:?}"
    );
}

#[test]
fn each_use_imports_one_name_and_nothing_is_a_macro() {
    for item in file().items.iter().filter(|i| !is_test_module(i)) {
        match item {
            syn::Item::Use(u) => {
                let names = use_names(&u.tree);
                assert!(
                    names.len() == 1 && names[0] != "*" && names[0] != "_",
                    "one name per `use`: {names:?}"
                );
            }
            syn::Item::Macro(_) => panic!("a macro's expansion cannot be read for names"),
            _ => {}
        }
    }
}

#[test]
fn inherent_impls_hold_only_the_public_api_of_public_types() {
    let file = file();
    let public: BTreeSet<String> = file
        .items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) if matches!(s.vis, syn::Visibility::Public(_)) => {
                Some(s.ident.to_string())
            }
            syn::Item::Enum(e) if matches!(e.vis, syn::Visibility::Public(_)) => {
                Some(e.ident.to_string())
            }
            _ => None,
        })
        .collect();
    for item in &file.items {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        if block.trait_.is_some() {
            continue;
        }
        let syn::Type::Path(owner) = block.self_ty.as_ref() else {
            panic!("an impl for a type that is not a path")
        };
        let owner = owner
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        assert!(
            public.contains(&owner),
            "`impl {owner}`: a type that is not `pub` gets no methods (each would be dead in \
             some crate); write free functions"
        );
        for member in &block.items {
            let syn::ImplItem::Fn(f) = member else {
                continue;
            };
            assert!(
                matches!(f.vis, syn::Visibility::Public(_)),
                "`{owner}::{}` is not `pub`: a crate carrying `{owner}` might not call it",
                f.sig.ident
            );
        }
    }
}

#[test]
fn the_unit_tests_come_last_and_no_string_spans_lines() {
    let file = file();
    let tests = file.items.iter().position(is_test_module);
    assert_eq!(
        tests,
        Some(file.items.len() - 1),
        "the `#[cfg(test)]` module is the last item"
    );
    // Generated modules indent the runtime's lines; a string that spans lines would change.
    struct Strings(Vec<String>);
    impl<'ast> Visit<'ast> for Strings {
        fn visit_lit_str(&mut self, s: &'ast syn::LitStr) {
            if s.value().contains('\n') {
                self.0.push(s.value());
            }
        }
    }
    let mut strings = Strings(Vec::new());
    for item in file.items.iter().filter(|i| !is_test_module(i)) {
        strings.visit_item(item);
    }
    assert!(strings.0.is_empty(), "{:?}", strings.0);
}
