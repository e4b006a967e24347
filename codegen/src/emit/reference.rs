//! `API.md`: a short Markdown reference of the generated API — operations with method,
//! path and Rust method, and types with their fields — so that a pull request shows
//! API-level changes next to the code changes. One line per item keeps its diffs small.

use std::fmt::Write;

use crate::ir::{self, TypeKind};

/// The reference: `API.md`, and when the types' sections would make it longer than a
/// file may be, `api/types-N.md` holding them (each type's part follows from its name
/// alone, so that a change to one type changes one part), which `API.md` lists.
pub(crate) fn reference(api: &ir::Api, header: &str) -> Vec<(String, String)> {
    let mut out = String::new();
    let _ = writeln!(out, "<!-- {header} -->\n");
    let _ = writeln!(out, "# {} {}\n", cell(&api.title), cell(&api.version));
    if let Some(server) = api.servers.first() {
        let _ = writeln!(out, "Default base URL: `{}`\n", cell(&server.url));
    }
    if !api.security_schemes.is_empty() {
        out.push_str("## Authentication\n\n| Scheme | Builder method | Sends |\n|---|---|---|\n");
        for s in &api.security_schemes {
            let sends = match &s.kind {
                ir::SecurityKind::Basic => "HTTP Basic".to_owned(),
                ir::SecurityKind::Bearer => "bearer token".to_owned(),
                ir::SecurityKind::ApiKeyHeader { name } => {
                    format!("API key in header `{}`", cell(name))
                }
                ir::SecurityKind::ApiKeyQuery { name } => {
                    format!("API key in query `{}`", cell(name))
                }
            };
            let _ = writeln!(
                out,
                "| `{}` | `{}` | {sends} |",
                cell(&s.wire_name),
                s.rust_name
            );
        }
        out.push('\n');
    }
    let features = !api.features.is_empty();
    if features {
        out.push_str("## Features\n\nCargo features, all on by default; with `default-features = false`, only the operations of the features turned on and the types they use are compiled.\n\n| Feature | Holds | Operations |\n|---|---|---|\n");
        for f in &api.features {
            let holds = match &f.group {
                crate::ir::FeatureGroup::Tag(t) => format!("tag `{}`", cell(t)),
                crate::ir::FeatureGroup::Untagged => "operations without a tag".to_owned(),
                crate::ir::FeatureGroup::Resource(p) => format!("paths under `{}/`", cell(p)),
                crate::ir::FeatureGroup::Unused => "schemas no operation uses".to_owned(),
            };
            let _ = writeln!(out, "| `{}` | {holds} | {} |", f.name, f.operations);
        }
        out.push('\n');
    }
    if !api.operations.is_empty() {
        if features {
            out.push_str(
                "## Operations\n\n| Method | Path | Rust | Returns | Errors | Features |\n|---|---|---|---|---|---|\n",
            );
        } else {
            out.push_str(
                "## Operations\n\n| Method | Path | Rust | Returns | Errors |\n|---|---|---|---|---|\n",
            );
        }
        for op in &api.operations {
            let required: Vec<String> = op
                .params
                .iter()
                .filter(|p| p.required)
                .map(|p| p.rust_name.clone())
                .collect();
            let mut args = required;
            if op.body.as_ref().is_some_and(|b| b.required) {
                args.push("body".to_owned());
            }
            let optional: Vec<String> =
                op.params
                    .iter()
                    .filter(|p| !p.required)
                    .map(|p| format!(".{}()", p.rust_name))
                    .chain(
                        op.body
                            .as_ref()
                            .filter(|b| !b.required)
                            .map(|_| ".body()".to_owned()),
                    )
                    .chain(op.events.as_ref().map(|e| format!(".{}()", e.method)))
                    .chain(op.pagination.as_ref().into_iter().flat_map(|p| {
                        [format!(".{}()", p.methods.0), format!(".{}()", p.methods.1)]
                    }))
                    .collect();
            let rust = if optional.is_empty() {
                format!("`{}({})`", op.rust_name, args.join(", "))
            } else {
                format!(
                    "`{}({})` {}",
                    op.rust_name,
                    args.join(", "),
                    optional
                        .iter()
                        .map(|o| format!("`{o}`"))
                        .collect::<Vec<_>>()
                        .join(" ")
                )
            };
            let error = op
                .error
                .as_ref()
                .map_or_else(|| "-".to_owned(), |e| format!("`{}`", e.error_rust("")));
            let rust = match (&op.body, op.other_bodies.is_empty()) {
                (Some(body), false) => format!("{rust} (body as `{}`)", cell(&body.media_type)),
                _ => rust,
            };
            let deprecated = if op.deprecated { " (deprecated)" } else { "" };
            let gate = match op.gate.features(api) {
                Some(names) if features => format!(" {} |", feature_list(&names)),
                _ => String::new(),
            };
            let _ = writeln!(
                out,
                "| {} | `{}` | {rust}{deprecated} | `{}` | {error} |{gate}",
                op.method.as_str(),
                cell(&op.path),
                op.success.rust("")
            );
        }
        out.push('\n');
    }
    let sections: Vec<String> = api.types.iter().map(|t| type_section(api, t)).collect();
    let lines =
        |items: &[usize]| -> usize { items.iter().map(|&i| sections[i].lines().count()).sum() };
    let all: Vec<usize> = (0..sections.len()).collect();
    let mut files = Vec::new();
    if !sections.is_empty() {
        out.push_str("## Types\n\n");
        if out.lines().count() + lines(&all) <= crate::render::MAX_FILE_LINES {
            for section in &sections {
                out.push_str(section);
            }
        } else {
            let parts =
                crate::render::split_by_key(&all, &lines, &|i: usize| api.types[i].name.clone());
            let mut part_of = vec![0; sections.len()];
            for (n, part) in parts.iter().enumerate() {
                let path = format!("api/types-{}.md", n + 1);
                let mut text = format!(
                    "<!-- {header} -->\n\n# Types, part {} of {}\n\n",
                    n + 1,
                    parts.len()
                );
                for &i in part {
                    part_of[i] = n + 1;
                    text.push_str(&sections[i]);
                }
                while text.ends_with("\n\n") {
                    text.pop();
                }
                files.push((path, text));
            }
            out.push_str("Described in `api/types-N.md`:\n\n| Type | Part |\n|---|---|\n");
            for (t, n) in api.types.iter().zip(&part_of) {
                let _ = writeln!(out, "| `{}` | [{n}](api/types-{n}.md) |", t.name);
            }
            out.push('\n');
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    files.insert(0, ("API.md".to_owned(), out));
    files
}

/// A type's section: its heading, features and fields, variants or what it wraps.
fn type_section(api: &ir::Api, t: &ir::TypeDef) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "### `{}`\n", t.name);
    if let Some(names) = t.gate.features(api) {
        let _ = writeln!(out, "Features: {}\n", feature_list(&names));
    }
    match &t.kind {
        TypeKind::Struct(s) => {
            out.push_str("| Field | JSON | Type |\n|---|---|---|\n");
            for f in &s.fields {
                let _ = writeln!(
                    out,
                    "| `{}` | `{}` | `{}` |",
                    f.rust_name,
                    cell(&f.wire_name),
                    f.rust_type("")
                );
            }
            for (name, ty) in &s.flattened {
                let _ = writeln!(out, "| `{name}` | *flattened* | `{}` |", ty.rust(""));
            }
            if let Some((name, ty)) = &s.additional {
                let _ = writeln!(
                    out,
                    "| `{name}` | *others* | `BTreeMap<String, {}>` |",
                    ty.rust("")
                );
            }
        }
        TypeKind::Enum(e) => {
            let values: Vec<String> = e
                .variants
                .iter()
                .map(|v| match &v.value {
                    ir::EnumValue::String(s) => {
                        format!("`{}` = `{}`", v.rust_name, cell(s))
                    }
                    ir::EnumValue::Integer(i) => format!("`{}` = `{i}`", v.rust_name),
                })
                .collect();
            match &e.unknown_variant {
                Some(unknown) => {
                    let _ = writeln!(
                        out,
                        "Enum: {}; `{unknown}(_)` keeps other values.",
                        values.join(", ")
                    );
                }
                None => {
                    let _ = writeln!(out, "Constant: {}.", values.join(", "));
                }
            }
        }
        TypeKind::Union(u) => {
            let variants: Vec<String> = u
                .variants
                .iter()
                .map(|v| format!("`{}({})`", v.rust_name, v.ty.rust("")))
                .collect();
            let tag = u
                .tag
                .as_ref()
                .map(|t| format!(", told apart by `{}`", cell(&t.property)))
                .unwrap_or_default();
            let _ = writeln!(out, "One of {}{tag}.", variants.join(", "));
        }
        TypeKind::Outcome(variants) => {
            let variants: Vec<String> = variants
                .iter()
                .map(|v| format!("`{}` ({})", v.rust_name, v.status))
                .collect();
            let _ = writeln!(out, "By status: {}.", variants.join(", "));
        }
        TypeKind::Alias(ty) => {
            let _ = writeln!(out, "Alias of `{}`.", ty.rust(""));
        }
        TypeKind::Newtype(ty) => {
            let _ = writeln!(out, "Wraps `{}`.", ty.rust(""));
        }
    }
    out.push('\n');
    out
}

/// Text fit for a table cell: no line breaks, no pipes, no backticks.
fn cell(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
        .replace('`', "'")
}

/// Feature names as inline code, comma-separated.
fn feature_list(names: &[&str]) -> String {
    names
        .iter()
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
