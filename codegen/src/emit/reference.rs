//! `API.md`: a short Markdown reference of the generated API — operations with method,
//! path and Rust method, and types with their fields — so that a pull request shows
//! API-level changes next to the code changes. One line per item keeps its diffs small.

use std::fmt::Write;

use crate::ir::{self, TypeKind};

/// The reference text.
pub(crate) fn reference(api: &ir::Api, header: &str) -> String {
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
        out.push_str("## Features\n\nOne Cargo feature per tag, all on by default; with `default-features = false`, only the operations of the features turned on and the types they use are compiled.\n\n| Feature | Tag | Operations |\n|---|---|---|\n");
        for f in &api.features {
            let tag = f
                .tag
                .as_deref()
                .map_or_else(|| "*none*".to_owned(), |t| format!("`{}`", cell(t)));
            let _ = writeln!(out, "| `{}` | {tag} | {} |", f.name, f.operations);
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
    if !api.types.is_empty() {
        out.push_str("## Types\n\n");
        for t in &api.types {
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
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
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
