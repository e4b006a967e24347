//! Rendering: token streams to source text with syn and prettyplease, under the header
//! line. Output never depends on the installed rustfmt. Top-level items are printed one
//! by one so they can be separated by blank lines, as people write them; imports and
//! module declarations stay in tight groups.

use proc_macro2::TokenStream;
use syn::{File, Item, UseTree};

use crate::diagnostics::Diagnostic;

/// Formats `tokens` as a Rust source file starting with `// header`.
pub(crate) fn render(tokens: TokenStream, header: &str, what: &str) -> Result<String, Diagnostic> {
    let file: File = syn::parse2(tokens).map_err(|e| {
        Diagnostic::error("#", format!("internal error: the generated {what} does not parse ({e}); please report this with the spec"))
    })?;
    let mut out = format!("// {header}\n");
    if !file.attrs.is_empty() {
        out.push('\n');
        out.push_str(&prettyplease::unparse(&File {
            shebang: None,
            frontmatter: None,
            attrs: file.attrs,
            items: Vec::new(),
        }));
    }
    let mut previous = None;
    for item in file.items {
        let group = group_of(&item);
        if group.is_none() || group != previous {
            out.push('\n');
        }
        previous = group;
        out.push_str(&prettyplease::unparse(&File {
            shebang: None,
            frontmatter: None,
            attrs: Vec::new(),
            items: vec![item],
        }));
    }
    Ok(out)
}

/// Items printed without blank lines between them: imports from the same root (`std`,
/// another crate, or this one), and module declarations.
#[derive(Clone, PartialEq, Eq)]
enum Group {
    Use(u8),
    Mod,
}

fn group_of(item: &Item) -> Option<Group> {
    match item {
        Item::Use(u) => {
            let root = match &u.tree {
                UseTree::Path(p) => p.ident.to_string(),
                UseTree::Name(n) => n.ident.to_string(),
                UseTree::Rename(r) => r.ident.to_string(),
                UseTree::Glob(_) | UseTree::Group(_) => String::new(),
            };
            let rank = match root.as_str() {
                "std" | "core" | "alloc" => 0,
                "crate" | "super" | "self" => 2,
                _ => 1,
            };
            Some(Group::Use(rank))
        }
        Item::Mod(m) if m.content.is_none() => Some(Group::Mod),
        _ => None,
    }
}
