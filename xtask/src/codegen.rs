//! `cargo xtask codegen`: writes the generator's output to disk, touching only files whose
//! content changed and removing generated files that are no longer produced; `--check`
//! compares instead and prints a unified diff.

use std::fs;
use std::path::{Path, PathBuf};

use codegen::{CrateOptions, Output};

/// The project's own spec, output directory and crate name.
/// The project's spec, relative to the workspace root.
pub const SPEC: &str = "spec/livedesk.yaml";
/// Where the project's client crate is generated.
pub const OUT: &str = "generated";
/// The project's client crate.
pub const NAME: &str = "livedesk-client";
/// The command named in every generated file's header.
pub const COMMAND: &str = "cargo xtask codegen";

struct Args {
    spec: PathBuf,
    out: PathBuf,
    name: String,
    check: bool,
    standalone: bool,
    /// How the spec is named in headers and diagnostics.
    display: String,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let mut spec = None;
    let mut out = None;
    let mut name = None;
    let mut check = false;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |flag: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("`{flag}` needs a value"))
        };
        match arg.as_str() {
            "--check" => check = true,
            "--spec" => spec = Some(value("--spec")?),
            "--out" => out = Some(value("--out")?),
            "--name" => name = Some(value("--name")?),
            other => return Err(format!("unknown argument `{other}`\n\n{}", crate::USAGE)),
        }
    }
    let root = crate::root();
    match (spec, out) {
        (None, None) => {
            if name.is_some() {
                return Err("`--name` goes with `--spec` and `--out`".to_owned());
            }
            Ok(Args {
                spec: root.join(SPEC),
                out: root.join(OUT),
                name: NAME.to_owned(),
                check,
                standalone: false,
                display: SPEC.to_owned(),
            })
        }
        (Some(spec), Some(out)) => {
            let spec = PathBuf::from(spec);
            let name = match name {
                Some(name) => name,
                None => default_name(&spec),
            };
            validate_name(&name)?;
            let display = spec.file_name().map_or_else(
                || spec.display().to_string(),
                |f| f.to_string_lossy().into_owned(),
            );
            Ok(Args {
                spec,
                out: PathBuf::from(out),
                name,
                check,
                standalone: true,
                display,
            })
        }
        _ => Err("`--spec` and `--out` go together".to_owned()),
    }
}

/// `petstore.yaml` → `petstore-client`.
fn default_name(spec: &Path) -> String {
    let stem = spec
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let cleaned: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let cleaned = if cleaned.starts_with(|c: char| c.is_ascii_alphabetic()) {
        cleaned
    } else {
        format!("api-{cleaned}")
    };
    format!("{}-client", cleaned.trim_end_matches('-'))
}

fn validate_name(name: &str) -> Result<(), String> {
    let ok = name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{name}` is not a valid crate name: use letters, digits, `-` and `_`, starting with a letter"
        ))
    }
}

/// Runs `cargo xtask codegen` with these arguments.
pub fn run(args: &[String]) -> Result<(), String> {
    let args = parse(args)?;
    let output = generate(&args)?;
    if args.check {
        check(&args.out, &output)?;
        eprintln!("{} is up to date", args.out.display());
        Ok(())
    } else {
        write(&args.out, &output)
    }
}

/// Generates the project's client crate from its spec, as `cargo xtask codegen` does.
pub fn generate_project() -> Result<Output, String> {
    generate(&parse(&[])?)
}

/// Reads the spec and generates, printing diagnostics; `Err` when generation failed.
fn generate(args: &Args) -> Result<Output, String> {
    let bytes = fs::read(&args.spec)
        .map_err(|e| format!("{}: error: cannot read the spec: {e}", args.spec.display()))?;
    let file = args.spec.display().to_string();
    let text = codegen::source_text(&bytes).map_err(|d| d.display_in(&file).to_string())?;
    let options = CrateOptions {
        name: args.name.clone(),
        source: args.display.clone(),
        command: COMMAND.to_owned(),
        standalone: args.standalone,
    };
    match codegen::generate(text, &options) {
        Ok(output) => {
            for w in &output.warnings {
                eprintln!("{}", w.display_in(&file));
            }
            Ok(output)
        }
        Err(diagnostics) => {
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            for d in &diagnostics {
                eprintln!("{}", d.display_in(&file));
            }
            Err(format!(
                "{file}: {errors} error{} found; nothing was generated",
                if errors == 1 { "" } else { "s" }
            ))
        }
    }
}

/// Whether a file on disk was written by this generator (and so may be replaced or removed).
fn is_generated(path: &Path) -> bool {
    let Ok(text) = fs::read_to_string(path) else {
        return false;
    };
    let first = text.lines().next().unwrap_or("");
    ["// ", "# ", "<!-- "]
        .iter()
        .any(|comment| first.starts_with(&format!("{comment}@generated by `{COMMAND}`")))
}

/// Generated files under `out` that the current output does not contain.
fn stale_files(out: &Path, output: &Output) -> Vec<PathBuf> {
    let mut stale = Vec::new();
    let mut dirs = vec![out.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                if path
                    .file_name()
                    .is_some_and(|n| n != "target" && n != ".git")
                {
                    dirs.push(path);
                }
                continue;
            }
            let relative = path
                .strip_prefix(out)
                .map(|p| p.to_string_lossy().replace('\\', "/"))
                .unwrap_or_default();
            if !output.files.iter().any(|f| f.path == relative) && is_generated(&path) {
                stale.push(path);
            }
        }
    }
    stale.sort();
    stale
}

fn write(out: &Path, output: &Output) -> Result<(), String> {
    let mut written = 0;
    for file in &output.files {
        let path = out.join(&file.path);
        if fs::read(&path).is_ok_and(|old| old == file.contents.as_bytes()) {
            continue;
        }
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| format!("{}: cannot create directory: {e}", parent.display()))?;
        }
        fs::write(&path, &file.contents)
            .map_err(|e| format!("{}: cannot write: {e}", path.display()))?;
        eprintln!("wrote {}", path.display());
        written += 1;
    }
    let stale = stale_files(out, output);
    for path in &stale {
        fs::remove_file(path).map_err(|e| format!("{}: cannot remove: {e}", path.display()))?;
        eprintln!("removed {}", path.display());
    }
    if written == 0 && stale.is_empty() {
        eprintln!("{} is up to date", out.display());
    }
    Ok(())
}

/// Compares `output` with the files under `out`; `Err` carries a unified diff of every
/// difference and says how to fix it.
pub fn check(out: &Path, output: &Output) -> Result<(), String> {
    let mut report = String::new();
    for file in &output.files {
        let path = out.join(&file.path);
        let old = fs::read_to_string(&path).unwrap_or_default();
        if old != file.contents {
            let diff = similar::TextDiff::from_lines(&old, &file.contents);
            let shown = path.display().to_string();
            let regenerated = format!("{shown} (regenerated)");
            report.push_str(
                &diff
                    .unified_diff()
                    .context_radius(3)
                    .header(&shown, &regenerated)
                    .to_string(),
            );
        }
    }
    for path in stale_files(out, output) {
        report.push_str(&format!(
            "{} is generated but no longer produced; it would be removed\n",
            path.display()
        ));
    }
    if report.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{report}\n{} is stale: run `{COMMAND}`",
            out.display()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_crate_names_are_valid() {
        assert_eq!(
            default_name(Path::new("specs/oai-petstore.yaml")),
            "oai-petstore-client"
        );
        assert_eq!(
            default_name(Path::new("My API (v2).json")),
            "my-api-v2-client"
        );
        assert_eq!(default_name(Path::new("3d.yaml")), "api-3d-client");
        for name in ["oai-petstore-client", "my-api-v2-client", "api-3d-client"] {
            assert!(validate_name(name).is_ok());
        }
        assert!(validate_name("3d").is_err());
        assert!(validate_name("a b").is_err());
    }
}
