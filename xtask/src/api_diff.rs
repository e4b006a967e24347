//! `cargo xtask api-diff`: what changed in the API between the spec at a git revision (or
//! another file) and the spec in the working tree, as a Markdown report for the pull
//! request or JSON for tools.

use std::path::{Path, PathBuf};
use std::process::Command;

struct Args {
    old: Old,
    new: PathBuf,
    json: bool,
    deny_breaking: bool,
}

enum Old {
    Revision(String),
    File(PathBuf),
}

fn parse(args: &[String]) -> Result<Args, String> {
    let mut base = None;
    let mut old = None;
    let mut new = None;
    let mut json = false;
    let mut deny_breaking = false;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |flag: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("`{flag}` needs a value"))
        };
        match arg.as_str() {
            "--base" => base = Some(value("--base")?),
            "--old" => old = Some(PathBuf::from(value("--old")?)),
            "--new" | "--spec" => new = Some(PathBuf::from(value(arg)?)),
            "--format" => match value("--format")?.as_str() {
                "markdown" | "md" => json = false,
                "json" => json = true,
                other => {
                    return Err(format!(
                        "unknown format `{other}`: use `markdown` or `json`"
                    ));
                }
            },
            "--deny-breaking" => deny_breaking = true,
            other => return Err(format!("unknown argument `{other}`\n\n{}", crate::USAGE)),
        }
    }
    let old = match (base, old) {
        (Some(_), Some(_)) => return Err("`--base` and `--old` cannot be used together".to_owned()),
        (None, Some(file)) => Old::File(file),
        (Some(rev), None) => Old::Revision(rev),
        (None, None) => Old::Revision("HEAD".to_owned()),
    };
    let new = new.unwrap_or_else(|| crate::root().join(crate::codegen::SPEC));
    Ok(Args {
        old,
        new,
        json,
        deny_breaking,
    })
}

/// Runs `cargo xtask api-diff` with these arguments.
pub fn run(args: &[String]) -> Result<(), String> {
    let args = parse(args)?;
    let new_text = read(&args.new)?;
    let (old_label, old_text) = match &args.old {
        Old::File(path) => (path.display().to_string(), read(path)?),
        Old::Revision(rev) => (
            format!("{rev}:{}", args.new.display()),
            at_revision(&args.new, rev)?,
        ),
    };
    let new_label = args.new.display().to_string();
    let report = codegen::api_diff(&old_text, &new_text).map_err(|e| {
        let (label, diagnostics) = match &e {
            codegen::ApiDiffError::Old(d) => (&old_label, d),
            codegen::ApiDiffError::New(d) => (&new_label, d),
        };
        let shown: Vec<String> = diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.display_in(label).to_string())
            .collect();
        format!(
            "{}\n{label}: the spec does not load, so the APIs cannot be compared",
            shown.join("\n")
        )
    })?;
    print!(
        "{}",
        if args.json {
            report.json()
        } else {
            report.markdown()
        }
    );
    if args.deny_breaking && report.has_breaking() {
        return Err("the API has breaking changes (--deny-breaking)".to_owned());
    }
    Ok(())
}

fn read(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path)
        .map_err(|e| format!("{}: cannot read the spec: {e}", path.display()))?;
    codegen::source_text(&bytes)
        .map(str::to_owned)
        .map_err(|d| d.display_in(&path.display().to_string()).to_string())
}

/// The file's content at a git revision, asked of the repository that holds it.
fn at_revision(path: &Path, rev: &str) -> Result<String, String> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["show", &format!("{rev}:./{name}")])
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if output.status.success() {
        return String::from_utf8(output.stdout)
            .map_err(|_| format!("{} at {rev} is not UTF-8", path.display()));
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    if stderr.contains("exists on disk, but not in") || stderr.contains("does not exist in") {
        Err(format!(
            "{} does not exist at revision `{rev}`; pass an older spec with `--old FILE`",
            path.display()
        ))
    } else if stderr.contains("invalid object name")
        || stderr.contains("unknown revision")
        || stderr.contains("bad revision")
    {
        Err(format!(
            "`{rev}` is not a revision of the repository holding {}",
            path.display()
        ))
    } else {
        Err(format!(
            "git could not read {} at `{rev}`: {}",
            path.display(),
            stderr.trim()
        ))
    }
}
