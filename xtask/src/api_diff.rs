//! `cargo xtask api-diff`: the generator's API change report, comparing the project's spec
//! (or `--new FILE`) with its version at a git revision (or `--old FILE`).

use std::path::PathBuf;

use openapi_clientgen::cli::{self, ApiDiffArgs, ReportFormat};

fn parse(args: &[String]) -> Result<ApiDiffArgs, String> {
    let mut parsed = ApiDiffArgs::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |flag: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("`{flag}` needs a value"))
        };
        match arg.as_str() {
            "--base" => parsed.base = Some(value("--base")?),
            "--old" => parsed.old = Some(PathBuf::from(value("--old")?)),
            "--new" | "--spec" => parsed.new = Some(PathBuf::from(value(arg)?)),
            "--format" => {
                parsed.format = match value("--format")?.as_str() {
                    "markdown" | "md" => ReportFormat::Markdown,
                    "json" => ReportFormat::Json,
                    other => {
                        return Err(format!(
                            "unknown format `{other}`: use `markdown` or `json`"
                        ));
                    }
                }
            }
            "--deny-breaking" => parsed.deny_breaking = true,
            "--overlay" => parsed.overlays.push(PathBuf::from(value("--overlay")?)),
            "--old-overlay" => parsed
                .old_overlays
                .push(PathBuf::from(value("--old-overlay")?)),
            other => return Err(format!("unknown argument `{other}`\n\n{}", crate::USAGE)),
        }
    }
    if parsed.base.is_some() && parsed.old.is_some() {
        return Err("`--base` and `--old` cannot be used together".to_owned());
    }
    if parsed.new.is_none() {
        parsed.new = Some(crate::root().join(crate::codegen::SPEC));
    }
    // The overlays kept beside the spec apply to it, and (at the revision, or beside the
    // old file) to the old one.
    if let Some(new) = &parsed.new {
        let mut overlays = cli::files::overlays_beside(new);
        overlays.append(&mut parsed.overlays);
        parsed.overlays = overlays;
    }
    if let Some(old) = &parsed.old {
        let mut overlays = cli::files::overlays_beside(old);
        overlays.append(&mut parsed.old_overlays);
        parsed.old_overlays = overlays;
    }
    Ok(parsed)
}

/// Runs `cargo xtask api-diff` with these arguments.
pub fn run(args: &[String]) -> Result<(), String> {
    cli::diff(&parse(args)?).map_err(|failure| failure.message().to_owned())
}
