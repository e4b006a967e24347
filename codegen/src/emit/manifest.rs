//! The generated crate's `Cargo.toml`. Dependency versions live here and nowhere else.

use std::fmt::Write;

use crate::ir;

/// What the manifest needs besides the IR.
pub(crate) struct ManifestOptions<'a> {
    pub name: &'a str,
    pub header: &'a str,
    pub standalone: bool,
    pub example: bool,
    pub extra: super::ExtraCrates,
}

fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The manifest text.
pub(crate) fn manifest(api: &ir::Api, options: &ManifestOptions<'_>) -> String {
    let description = format!(
        "Client for {} {}, generated from its OpenAPI document.",
        super::api_name(&api.title),
        api.version.trim()
    );
    let mut out = String::new();
    let _ = writeln!(out, "# {}", options.header);
    out.push_str("\n[package]\n");
    let _ = writeln!(out, "name = {}", toml_string(options.name));
    let _ = writeln!(out, "version = {}", toml_string(&api.crate_version));
    out.push_str("edition = \"2024\"\nrust-version = \"1.85\"\n");
    let _ = writeln!(out, "description = {}", toml_string(&description));
    out.push_str("publish = false\n");
    out.push_str(
        "\n[dependencies]\n\
         reqwest = { version = \"0.13\", default-features = false, features = [\"rustls\"] }\n\
         serde = { version = \"1\", features = [\"derive\"] }\n\
         serde_json = \"1\"\n",
    );
    if options.extra.chrono {
        out.push_str("chrono = { version = \"0.4\", default-features = false, features = [\"serde\", \"std\"] }\n");
    }
    if options.extra.uuid {
        out.push_str("uuid = { version = \"1\", features = [\"serde\"] }\n");
    }
    if options.example {
        out.push_str("\n[dev-dependencies]\ntokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }\n");
    }
    if options.standalone {
        out.push_str(
            "\n# A crate of its own, not a member of an enclosing workspace.\n[workspace]\n",
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_strings_are_escaped() {
        assert_eq!(toml_string("a \"b\" \\ c\n"), r#""a \"b\" \\ c\n""#);
    }
}
