//! `cargo xtask ci`: every check the project has, cheapest first, stopping at the first
//! failure. It installs the pinned Node tools (Spectral, Prism, Redocly's CLI) from
//! `xtask/node` and the pinned Prefect server from PyPI itself, so a fresh machine needs
//! only Rust, Node.js with npm, and Python 3.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Runs `cargo xtask ci`.
pub fn run(args: &[String]) -> Result<(), String> {
    if let Some(arg) = args.first() {
        return Err(format!("unknown argument `{arg}`\n\n{}", crate::USAGE));
    }
    let root = crate::root();
    let started = Instant::now();

    step("format", || {
        cargo(&root, &["fmt", "--all", "--check"], &[])?;
        // The runtime's files are included into one module with `include!`, which
        // `cargo fmt` does not follow; the end-to-end scenarios belong to no crate of
        // the workspace.
        let mut runtime_files: Vec<PathBuf> = Vec::new();
        for dir in ["codegen/runtime", "tests/e2e"] {
            runtime_files.extend(
                std::fs::read_dir(root.join(dir))
                    .map_err(|e| format!("{dir}: {e}"))?
                    .flatten()
                    .map(|entry| entry.path())
                    .filter(|path| path.extension().is_some_and(|e| e == "rs")),
            );
        }
        runtime_files.sort();
        run_command(
            Command::new("rustfmt")
                .args(["--check", "--edition", "2024"])
                .args(&runtime_files),
        )
    })?;
    step("clippy", || {
        cargo(
            &root,
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--locked",
                "--",
                "-D",
                "warnings",
            ],
            &[],
        )
    })?;
    // Cheap next to the tests, so a broken link fails the run early.
    step("documentation", || {
        cargo(
            &root,
            &["doc", "--workspace", "--no-deps", "--locked"],
            &[("RUSTDOCFLAGS", "-D warnings")],
        )
    })?;
    step("generated code is fresh", || {
        crate::codegen::run(&["--check".to_owned()])
    })?;
    let node = root.join("xtask/node");
    step("install Spectral, Prism and Redocly's CLI", || {
        install_node_tools(&node)
    })?;
    step("lint the spec with Spectral", || {
        let spectral = node.join("node_modules/.bin/spectral");
        let ruleset = root.join("spec/.spectral.yaml");
        let spec = root.join(crate::codegen::SPEC);
        run_command(
            Command::new(spectral)
                .arg("lint")
                .arg(spec)
                .arg("--ruleset")
                .arg(ruleset)
                .args(["--fail-severity", "warn"]),
        )
    })?;
    step(
        "split documents: Redocly's bundle generates the same code",
        || {
            let redocly = node.join("node_modules/.bin/redocly");
            let cargo_bin =
                std::env::var_os("CARGO").map_or_else(|| PathBuf::from("cargo"), PathBuf::from);
            let output = Command::new(cargo_bin)
                .current_dir(&root)
                .args([
                    "test",
                    "--locked",
                    "-p",
                    "openapi-clientgen",
                    "--test",
                    "split",
                    "redocly",
                    "--",
                    "--ignored",
                ])
                .env("REDOCLY", &redocly)
                .env("REDOCLY_TELEMETRY", "off")
                .output()
                .map_err(|e| format!("cannot run cargo test: {e}"))?;
            let stdout = String::from_utf8_lossy(&output.stdout);
            eprint!("{}{stdout}", String::from_utf8_lossy(&output.stderr));
            if !output.status.success() || !stdout.contains("test result: ok. 1 passed") {
                return Err("the Redocly bundle test did not run and pass".to_owned());
            }
            Ok(())
        },
    )?;
    step("tests", || {
        cargo(&root, &["test", "--workspace", "--locked"], &[])
    })?;
    step(
        "generated crates build alone, clippy-clean",
        crate::standalone::run,
    )?;
    // The generator's package holds the sources it includes as text (the runtime, the
    // conformance support code).
    step("the generator packages", || {
        cargo(
            &root,
            &[
                "package",
                "-p",
                "openapi-clientgen",
                "--no-verify",
                "--locked",
                "--allow-dirty",
                "--quiet",
            ],
            &[],
        )
    })?;
    step("conformance against Prism", || {
        let prism = node.join("node_modules/.bin/prism");
        let cargo_bin =
            std::env::var_os("CARGO").map_or_else(|| PathBuf::from("cargo"), PathBuf::from);
        let output = Command::new(cargo_bin)
            .current_dir(&root)
            .args([
                "test",
                "--locked",
                "-p",
                "livedesk-tests",
                "--test",
                "it",
                "prism::",
                "--",
                "--ignored",
            ])
            .env("PRISM", &prism)
            .output()
            .map_err(|e| format!("cannot run cargo test: {e}"))?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        eprint!("{}{stdout}", String::from_utf8_lossy(&output.stderr));
        // A renamed or filtered-out test must not pass by running nothing.
        if !output.status.success() || !stdout.contains("test result: ok. 1 passed") {
            return Err("the Prism conformance test did not run and pass".to_owned());
        }
        // Every operation of the spec, both response modes, through the generator's own
        // conformance run.
        crate::conformance::run(&["--prism".to_owned(), prism.display().to_string()])
    })?;
    step(
        "end-to-end against real servers (Prefect, localstripe)",
        || crate::e2e::run(&[]),
    )?;
    // Figures from a shared machine prove nothing; this only keeps the benchmark working,
    // so it is built in the test profile, whose dependencies the tests have built already,
    // rather than with a release build of everything.
    step("benchmark runs (--quick)", || {
        cargo(
            &root,
            &[
                "test",
                "--locked",
                "-p",
                "livedesk-tests",
                "--bench",
                "performance",
                "--",
                "--quick",
            ],
            &[],
        )
    })?;
    eprintln!("\nall checks passed in {:.0?}", started.elapsed());
    Ok(())
}

fn step(name: &str, f: impl FnOnce() -> Result<(), String>) -> Result<(), String> {
    eprintln!("\n==> {name}");
    let started = Instant::now();
    f().map_err(|e| format!("{e}\n\nfailed: {name}"))?;
    eprintln!("--> {name}: ok ({:.1?})", started.elapsed());
    Ok(())
}

/// Runs cargo (the one running this task) in `root`.
pub(crate) fn cargo(root: &Path, args: &[&str], env: &[(&str, &str)]) -> Result<(), String> {
    let cargo = std::env::var_os("CARGO").map_or_else(|| PathBuf::from("cargo"), PathBuf::from);
    let mut command = Command::new(cargo);
    command.current_dir(root).args(args);
    for (key, value) in env {
        command.env(key, value);
    }
    run_command(&mut command)
}

pub(crate) fn run_command(command: &mut Command) -> Result<(), String> {
    let shown = format!("{command:?}");
    let status = command
        .status()
        .map_err(|e| format!("cannot run {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} exited with {status}"))
    }
}

/// Installs the pinned tools with `npm ci` unless exactly those versions are installed.
pub(crate) fn install_node_tools(node: &Path) -> Result<(), String> {
    let manifest = std::fs::read_to_string(node.join("package.json"))
        .map_err(|e| format!("xtask/node/package.json: {e}"))?;
    let installed = [
        "@redocly/cli",
        "@stoplight/spectral-cli",
        "@stoplight/prism-cli",
    ]
    .iter()
    .all(|package| {
        let pinned = pinned_version(&manifest, package);
        let found =
            std::fs::read_to_string(node.join("node_modules").join(package).join("package.json"))
                .ok()
                .and_then(|text| pinned_version(&text, "version"));
        pinned.is_some() && pinned == found
    });
    if installed {
        eprintln!("pinned versions already installed in {}", node.display());
        return Ok(());
    }
    let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
    run_command(
        Command::new(npm)
            .current_dir(node)
            .args(["ci", "--no-audit", "--no-fund"]),
    )
    .map_err(|e| {
        format!("{e}\nNode.js 20 or later with npm is needed (Debian: `apt install nodejs npm`)")
    })
}

/// The string value of `"key": "value"` in a small JSON file, without a JSON parser.
fn pinned_version(json: &str, key: &str) -> Option<String> {
    let quoted = format!("\"{key}\"");
    let rest = &json[json.find(&quoted)? + quoted.len()..];
    let rest = rest
        .trim_start()
        .strip_prefix(':')?
        .trim_start()
        .strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinned_versions_are_read_from_package_files() {
        let manifest = r#"{ "devDependencies": { "@stoplight/prism-cli": "5.14.2", "@stoplight/spectral-cli": "6.16.3" } }"#;
        assert_eq!(
            pinned_version(manifest, "@stoplight/prism-cli").as_deref(),
            Some("5.14.2")
        );
        assert_eq!(
            pinned_version(manifest, "@stoplight/spectral-cli").as_deref(),
            Some("6.16.3")
        );
        assert_eq!(
            pinned_version(r#"{"name": "x", "version": "1.2.3"}"#, "version").as_deref(),
            Some("1.2.3")
        );
        assert_eq!(pinned_version("{}", "version"), None);
    }
}
