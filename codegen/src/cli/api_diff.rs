//! The API change report between the spec at a git revision (or another file) and a spec
//! on disk, as Markdown for a pull request or JSON for tools.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::{Failure, read_spec};

/// The older spec a report compares with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Old {
    /// The same file at a git revision.
    Revision(String),
    /// Another file.
    File(PathBuf),
}

/// The overlays of each side.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Overlays {
    /// Applied to the new spec.
    pub new: Vec<PathBuf>,
    /// Applied to the old spec; comparing with a git revision and left empty, the new
    /// side's files as they were at that revision.
    pub old: Vec<PathBuf>,
}

/// Writes the report comparing `old` with `new`; with `deny_breaking`, breaking changes
/// are a failure (the report is still written).
pub fn run(
    old: &Old,
    new: &Path,
    overlays: &Overlays,
    json: bool,
    deny_breaking: bool,
    outside_root: bool,
) -> Result<(), Failure> {
    let new_text = read_spec(new)?;
    let new_overlays = super::read_overlays(&overlays.new)?;
    let limit = |files: crate::Files| {
        if outside_root {
            files.allow_outside_root()
        } else {
            files
        }
    };
    let (old_label, old_text, old_overlays, old_files) = match old {
        Old::File(path) => (
            path.display().to_string(),
            read_spec(path)?,
            super::read_overlays(&overlays.old)?,
            super::disk_files(path, outside_root),
        ),
        Old::Revision(rev) => {
            let old_overlays = if overlays.old.is_empty() {
                let mut then = Vec::new();
                for path in &overlays.new {
                    // An overlay added since the revision did not apply then.
                    match at_revision(path, rev) {
                        Ok(text) => then.push(crate::Overlay::new(
                            format!("{rev}:{}", path.display()),
                            text,
                        )),
                        Err(Failure::Usage(_)) => {}
                        Err(other) => return Err(other),
                    }
                }
                then
            } else {
                super::read_overlays(&overlays.old)?
            };
            // Every file of a split document as it was at the revision.
            let revision = rev.clone();
            let files = crate::Files::new(new.display().to_string(), move |path| {
                at_revision(Path::new(path), &revision)
                    .map(String::into_bytes)
                    .map_err(|failure| failure.message().to_owned())
            });
            (
                format!("{rev}:{}", new.display()),
                at_revision(new, rev)?,
                old_overlays,
                limit(files),
            )
        }
    };
    let new_label = new.display().to_string();
    let settings = |overlays: Vec<crate::Overlay>, files: crate::Files| crate::Settings {
        overlays,
        files,
        ..crate::Settings::default()
    };
    let report = crate::api_diff_settings(
        &old_text,
        &settings(old_overlays, old_files),
        &new_text,
        &settings(new_overlays, super::disk_files(new, outside_root)),
    )
    .map_err(|e| {
        let (label, diagnostics) = match &e {
            crate::ApiDiffError::Old(d) => (&old_label, d),
            crate::ApiDiffError::New(d) => (&new_label, d),
        };
        let shown: Vec<String> = diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.display_in(label).to_string())
            .collect();
        Failure::Problems(format!(
            "{}\n{label}: the spec does not load, so the APIs cannot be compared",
            shown.join("\n")
        ))
    })?;
    print!(
        "{}",
        if json {
            report.json()
        } else {
            report.markdown()
        }
    );
    if deny_breaking && report.has_breaking() {
        return Err(Failure::Problems(
            "the API has breaking changes (--deny-breaking)".to_owned(),
        ));
    }
    Ok(())
}

/// The file's content at a git revision, asked of the repository that holds it.
fn at_revision(path: &Path, rev: &str) -> Result<String, Failure> {
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
        .map_err(|e| Failure::Io(format!("cannot run git: {e}")))?;
    if output.status.success() {
        return String::from_utf8(output.stdout)
            .map_err(|_| Failure::Problems(format!("{} at {rev} is not UTF-8", path.display())));
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    if stderr.contains("exists on disk, but not in") || stderr.contains("does not exist in") {
        Err(Failure::Usage(format!(
            "{} does not exist at revision `{rev}`; pass an older spec with `--old FILE`",
            path.display()
        )))
    } else if stderr.contains("invalid object name")
        || stderr.contains("unknown revision")
        || stderr.contains("bad revision")
    {
        Err(Failure::Usage(format!(
            "`{rev}` is not a revision of the repository holding {}",
            path.display()
        )))
    } else {
        Err(Failure::Io(format!(
            "git could not read {} at `{rev}`: {}",
            path.display(),
            stderr.trim()
        )))
    }
}
