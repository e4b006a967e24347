//! Rendering: token streams to source text with syn and prettyplease, under the header
//! line. Output never depends on the installed rustfmt. Top-level items are printed one
//! by one so they can be separated by blank lines, as people write them; imports and
//! module declarations stay in tight groups.

use proc_macro2::TokenStream;
use syn::{Attribute, File, Item, UseTree};

use crate::diagnostics::Diagnostic;

/// The longest file the generator writes, in lines: a module longer is split into
/// parts, so that each can be read in a pull request and navigated in an editor.
pub(crate) const MAX_FILE_LINES: usize = 20_000;

/// Formats `tokens` as a Rust source file starting with `// header`.
pub(crate) fn render(tokens: TokenStream, header: &str, what: &str) -> Result<String, Diagnostic> {
    let file = parse(tokens, what)?;
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
        out.push_str(&unparse_item(item));
    }
    Ok(out)
}

fn parse(tokens: TokenStream, what: &str) -> Result<File, Diagnostic> {
    syn::parse2(tokens).map_err(|e| {
        Diagnostic::error("#", format!("internal error: the generated {what} does not parse ({e}); please report this with the spec"))
    })
}

fn unparse_item(item: Item) -> String {
    prettyplease::unparse(&File {
        shebang: None,
        frontmatter: None,
        attrs: Vec::new(),
        items: vec![item],
    })
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

/// One item as emission made it: its tokens, the `#[cfg(...)]` attribute it goes under
/// (if only some features compile it), and what it refers to (`R`, returned in order).
pub(crate) struct Emitted<R> {
    pub tokens: TokenStream,
    pub cfg: Option<TokenStream>,
    pub refs: R,
}

/// Renders items `0..count`, which `emit` makes one at a time, as they follow a
/// preamble: each after a blank line, under its `#[cfg]`; returns each item's text and
/// what it refers to. Large modules are split into chunks that worker threads emit and
/// render at once (token streams cannot cross threads, so each worker makes its own); the
/// chunks are joined in order, so the text is the same however the work is shared.
pub(crate) fn render_items<F, R>(
    count: usize,
    emit: F,
    what: &str,
) -> Result<Vec<(String, R)>, Diagnostic>
where
    F: Fn(usize) -> Emitted<R> + Sync,
    R: Send,
{
    const MIN_CHUNK: usize = 16;
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(8);
    if threads == 1 || count < 2 * MIN_CHUNK {
        return render_range(0..count, &emit, what);
    }
    let size = (count / (threads * 4)).max(MIN_CHUNK);
    let chunks: Vec<std::ops::Range<usize>> = (0..count)
        .step_by(size)
        .map(|start| start..(start + size).min(count))
        .collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    type Rendered<R> = Result<Vec<(String, R)>, Diagnostic>;
    let mut rendered: Vec<(usize, Rendered<R>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(range) = chunks.get(i) else { break };
                        done.push((i, render_range(range.clone(), &emit, what)));
                    }
                    done
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| {
                worker.join().unwrap_or_else(|_| {
                    vec![(
                        0,
                        Err(Diagnostic::error(
                            "#",
                            format!("internal error while rendering the {what}"),
                        )),
                    )]
                })
            })
            .collect()
    });
    rendered.sort_by_key(|(i, _)| *i);
    let mut out = Vec::with_capacity(count);
    for (_, chunk) in rendered {
        out.extend(chunk?);
    }
    Ok(out)
}

fn render_range<F, R>(
    range: std::ops::Range<usize>,
    emit: &F,
    what: &str,
) -> Result<Vec<(String, R)>, Diagnostic>
where
    F: Fn(usize) -> Emitted<R>,
{
    let mut rendered = Vec::new();
    for i in range {
        let Emitted {
            tokens,
            cfg,
            refs: item_refs,
        } = emit(i);
        let mut out = String::new();
        let file = parse(tokens, what)?;
        for mut item in file.items {
            if let (Some(cfg), Some(attrs)) = (&cfg, attributes(&mut item)) {
                let cfg = parse_attribute(cfg.clone(), what)?;
                // After the documentation, before the derives.
                let at = attrs
                    .iter()
                    .position(|a| !a.path().is_ident("doc"))
                    .unwrap_or(attrs.len());
                attrs.insert(at, cfg);
            }
            out.push('\n');
            out.push_str(&unparse_item(item));
        }
        rendered.push((out, item_refs));
    }
    Ok(rendered)
}

fn parse_attribute(tokens: TokenStream, what: &str) -> Result<Attribute, Diagnostic> {
    let parsed = syn::parse::Parser::parse2(Attribute::parse_outer, tokens);
    match parsed.map(|mut attrs| attrs.pop()) {
        Ok(Some(attr)) => Ok(attr),
        _ => Err(Diagnostic::error(
            "#",
            format!(
                "internal error: a generated attribute of the {what} does not parse; please report this with the spec"
            ),
        )),
    }
}

/// The outer attributes of an item.
fn attributes(item: &mut Item) -> Option<&mut Vec<Attribute>> {
    Some(match item {
        Item::Const(i) => &mut i.attrs,
        Item::Enum(i) => &mut i.attrs,
        Item::ExternCrate(i) => &mut i.attrs,
        Item::Fn(i) => &mut i.attrs,
        Item::ForeignMod(i) => &mut i.attrs,
        Item::Impl(i) => &mut i.attrs,
        Item::Macro(i) => &mut i.attrs,
        Item::Mod(i) => &mut i.attrs,
        Item::Static(i) => &mut i.attrs,
        Item::Struct(i) => &mut i.attrs,
        Item::Trait(i) => &mut i.attrs,
        Item::TraitAlias(i) => &mut i.attrs,
        Item::Type(i) => &mut i.attrs,
        Item::Union(i) => &mut i.attrs,
        Item::Use(i) => &mut i.attrs,
        _ => return None,
    })
}

/// `items` in as few parts as keep each within [`MAX_FILE_LINES`] (one part when it
/// fits; an item longer than that is a part alone): an item's part follows from its key alone, so it stays in its part while the
/// others change, and items keep their order within a part.
pub(crate) fn split_by_key(
    items: &[usize],
    lines: &impl Fn(&[usize]) -> usize,
    key: &impl Fn(usize) -> String,
) -> Vec<Vec<usize>> {
    let total = lines(items);
    if total <= MAX_FILE_LINES {
        return vec![items.to_vec()];
    }
    let hashes: Vec<u64> = items.iter().map(|&i| fnv1a(key(i).as_bytes())).collect();
    // Parts filled to three quarters on average leave room for growth.
    let mut count = total.div_ceil(MAX_FILE_LINES * 3 / 4);
    loop {
        let mut parts = vec![Vec::new(); count];
        for (&i, &hash) in items.iter().zip(&hashes) {
            parts[usize::try_from(hash % count as u64).unwrap_or(0)].push(i);
        }
        parts.retain(|part: &Vec<usize>| !part.is_empty());
        // An item longer than a file alone cannot be split.
        if parts
            .iter()
            .all(|part| part.len() == 1 || lines(part) <= MAX_FILE_LINES)
        {
            return parts;
        }
        count += 1;
    }
}

/// The 64-bit FNV-1a hash: the same on every machine and in every release.
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}
