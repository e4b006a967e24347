//! `cargo xtask codegen`: the generator's command-line front end, run on the project's spec
//! (or, with `--spec` and `--out`, any spec), its files naming `cargo xtask codegen`.

use std::path::{Path, PathBuf};

use openapi_clientgen::cli::{self, GenerateArgs, Provenance};
use openapi_clientgen::{CrateOptions, Output};

/// The project's spec, relative to the workspace root.
pub const SPEC: &str = "spec/livedesk.yaml";
/// Where the project's client crate is generated.
pub const OUT: &str = "generated";
/// The project's client crate.
pub const NAME: &str = "livedesk-client";
/// The command named in every generated file's header.
pub const COMMAND: &str = "cargo xtask codegen";

/// `cargo xtask codegen [--check]` for the project, or `--spec FILE --out DIR [--name
/// CRATE] [--check]` for any spec: the arguments as the generator takes them, and how
/// the files name their origin. The overlays kept beside the spec
/// (`NAME.overlay.yaml`, `NAME.*.overlay.yaml`) are applied first, then any `--overlay`.
fn parse(args: &[String]) -> Result<(GenerateArgs, Provenance), String> {
    let mut parsed = GenerateArgs::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |flag: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("`{flag}` needs a value"))
        };
        match arg.as_str() {
            "--check" => parsed.check = true,
            "--spec" => parsed.spec = Some(PathBuf::from(value("--spec")?)),
            "--out" => parsed.out = Some(PathBuf::from(value("--out")?)),
            "--name" => parsed.name = Some(value("--name")?),
            "--overlay" => parsed.overlays.push(PathBuf::from(value("--overlay")?)),
            other => return Err(format!("unknown argument `{other}`\n\n{}", crate::USAGE)),
        }
    }
    let source = match (&parsed.spec, &parsed.out) {
        (None, None) => {
            if parsed.name.is_some() {
                return Err("`--name` goes with `--spec` and `--out`".to_owned());
            }
            let root = crate::root();
            parsed.spec = Some(root.join(SPEC));
            parsed.out = Some(root.join(OUT));
            parsed.name = Some(NAME.to_owned());
            parsed.workspace_member = true;
            SPEC.to_owned()
        }
        (Some(spec), Some(_)) => spec.file_name().map_or_else(
            || spec.display().to_string(),
            |f| f.to_string_lossy().into_owned(),
        ),
        _ => return Err("`--spec` and `--out` go together".to_owned()),
    };
    // The overlays kept beside the spec come first, then those named.
    if let Some(spec) = &parsed.spec {
        let mut overlays = cli::files::overlays_beside(spec);
        overlays.append(&mut parsed.overlays);
        parsed.overlays = overlays;
    }
    let provenance = Provenance {
        command: COMMAND.to_owned(),
        source,
    };
    Ok((parsed, provenance))
}

/// Runs `cargo xtask codegen` with these arguments.
pub fn run(args: &[String]) -> Result<(), String> {
    let (args, provenance) = parse(args)?;
    cli::generate(&args, Some(&provenance)).map_err(|failure| failure.message().to_owned())
}

/// Generates the project's client crate from its spec, as `cargo xtask codegen` does.
pub fn generate_project() -> Result<Output, String> {
    let root = crate::root();
    let text = std::fs::read_to_string(root.join(SPEC)).map_err(|e| format!("{SPEC}: {e}"))?;
    let mut options = CrateOptions::new(NAME);
    options.source = SPEC.to_owned();
    options.command = COMMAND.to_owned();
    options.standalone = false;
    options.settings.overlays = cli::read_overlays(&cli::files::overlays_beside(&root.join(SPEC)))
        .map_err(|failure| failure.message().to_owned())?;
    // The files a split spec refers to, named from the repository's root.
    let files_root = root.clone();
    options.settings.files = openapi_clientgen::Files::new(SPEC, move |path| {
        std::fs::read(files_root.join(path)).map_err(|e| e.to_string())
    });
    openapi_clientgen::generate(&text, &options).map_err(|diagnostics| {
        let shown: Vec<String> = diagnostics
            .iter()
            .map(|d| d.display_in(SPEC).to_string())
            .collect();
        shown.join("\n")
    })
}

/// Compares `output` with the files under `out`; `Err` carries a unified diff of every
/// difference and says how to fix it.
pub fn check(out: &Path, output: &Output) -> Result<(), String> {
    cli::files::check(out, output)
        .map_err(|report| format!("{report}\n{} is stale: run `{COMMAND}`", out.display()))
}
