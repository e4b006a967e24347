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

/// The crate version: the spec's `info.version` when it is a semantic version
/// (`1.2.3`, `v1.2.3`, `1.2`, `2.0.0-beta.1`; build metadata dropped), `0.1.0` otherwise.
pub(crate) fn crate_version(info_version: &str) -> String {
    let v = info_version.trim().trim_start_matches(['v', 'V']);
    let v = v.split('+').next().unwrap_or(v);
    let (core, pre) = match v.split_once('-') {
        Some((core, pre)) => (core, Some(pre)),
        None => (v, None),
    };
    let parts: Vec<&str> = core.split('.').collect();
    let numeric = |s: &&str| {
        !s.is_empty()
            && s.bytes().all(|b| b.is_ascii_digit())
            && (s.len() == 1 || !s.starts_with('0'))
    };
    // One bare number is more often a date's year (`2021-03-01`) than a version.
    if !(2..=3).contains(&parts.len()) || !parts.iter().all(numeric) {
        return "0.1.0".to_owned();
    }
    let mut out: Vec<&str> = parts.clone();
    while out.len() < 3 {
        out.push("0");
    }
    let mut version = out.join(".");
    if let Some(pre) = pre {
        let valid = !pre.is_empty()
            && pre.split('.').all(|id| {
                !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            });
        if valid {
            version.push('-');
            version.push_str(pre);
        }
    }
    version
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
    let _ = writeln!(
        out,
        "version = {}",
        toml_string(&crate_version(&api.version))
    );
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
    fn crate_versions_follow_semver_info_versions() {
        let cases = [
            ("2.0.0", "2.0.0"),
            ("v1.2.3", "1.2.3"),
            ("1.2", "1.2.0"),
            ("3", "0.1.0"),
            ("2.0.0-beta.1", "2.0.0-beta.1"),
            ("1.0.0+build.5", "1.0.0"),
            ("1.0.0-rc.1+build", "1.0.0-rc.1"),
            ("2021-03-01", "0.1.0"),
            ("01.2.3", "0.1.0"),
            ("latest", "0.1.0"),
            ("", "0.1.0"),
        ];
        for (info, expected) in cases {
            assert_eq!(crate_version(info), expected, "{info:?}");
        }
    }

    #[test]
    fn toml_strings_are_escaped() {
        assert_eq!(toml_string("a \"b\" \\ c\n"), r#""a \"b\" \\ c\n""#);
    }
}
