//! A scratch workspace per document and comparison, holding the generated crates and the
//! binaries that use them, and the timing of their builds.
//!
//! Every build runs with dependencies already built and incremental compilation off, so a
//! timed build (or check) compiles exactly one crate (and, for a binary, links it): the
//! generated crate alone, or a binary using one or every operation.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

use crate::generators::{Method, OPENAPI_TO_RUST, OURS, OURS_SHARED, PROGENITOR};

/// A package of the scratch workspace: its directory (also its package name) and files.
pub struct Member {
    pub name: String,
    pub files: Vec<(String, String)>,
}

/// The scratch workspace of one document, built into a target directory shared by all
/// documents so that dependencies build once.
pub struct Workspace {
    dir: PathBuf,
    target: PathBuf,
}

impl Workspace {
    /// Writes the workspace and its members into `dir`. Files are written only when their
    /// contents change and its `Cargo.lock` is kept, so that a second run reuses the first
    /// one's resolution and builds.
    pub fn write(dir: &Path, target: &Path, members: &[Member]) -> Workspace {
        let names: Vec<String> = members.iter().map(|m| format!("{:?}", m.name)).collect();
        let manifest = format!(
            "# Written by the peer benchmark (peer/benches/peer) on every run.\n\n\
             [workspace]\n\
             resolver = \"3\"\n\
             members = [{}]\n\n\
             # A timed build compiles its crate whole, as a dependency is compiled.\n\
             [profile.dev]\n\
             incremental = false\n",
            names.join(", ")
        );
        write_if_changed(&dir.join("Cargo.toml"), &manifest);
        for member in members {
            for (path, contents) in &member.files {
                write_if_changed(&dir.join(&member.name).join(path), contents);
            }
        }
        Workspace {
            dir: dir.to_owned(),
            target: target.to_owned(),
        }
    }

    /// Builds `package` once (`cargo` with `args` besides the package: features, say), then
    /// `runs` times more after touching `source` (a path in the package), returning the
    /// median of the timed builds with the highest peak memory among them; or the first
    /// compiler error.
    pub fn rebuild_time(
        &self,
        package: &str,
        source: &str,
        profile: Profile,
        args: &[&str],
        runs: usize,
    ) -> Result<Timed, String> {
        self.build(package, profile, args)?;
        let source = self.dir.join(package).join(source);
        let builds = (0..runs.max(1))
            .map(|_| {
                touch(&source);
                self.build(package, profile, args)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Timed {
            time: crate::median(builds.iter().map(|b| b.time).collect()),
            peak_mb: builds.iter().filter_map(|b| b.peak_mb).reduce(f64::max),
        })
    }

    /// Runs `cargo build -p package` (or `cargo check`), under `/usr/bin/time` where there
    /// is one to read its peak memory, returning how long it took, or the first compiler
    /// error.
    fn build(&self, package: &str, profile: Profile, args: &[&str]) -> Result<Timed, String> {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let timer = Path::new("/usr/bin/time");
        let memory = self.dir.join("peak-memory.txt");
        let mut command = if timer.is_file() {
            let mut command = Command::new(timer);
            command
                .arg("-f")
                .arg("%M")
                .arg("-o")
                .arg(&memory)
                .arg(&cargo);
            command
        } else {
            Command::new(&cargo)
        };
        let subcommand = match profile {
            Profile::Check => "check",
            Profile::Debug | Profile::Release => "build",
        };
        command
            .current_dir(&self.dir)
            .args([subcommand, "--quiet", "-p", package])
            .args(args)
            .env("CARGO_TARGET_DIR", &self.target)
            .env_remove("CARGO_INCREMENTAL");
        if profile == Profile::Release {
            command.arg("--release");
        }
        let _ = std::fs::remove_file(&memory);
        let start = Instant::now();
        let output = command
            .output()
            .map_err(|e| format!("cargo does not run: {e}"))?;
        let time = start.elapsed();
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            return Err(format!(
                "`cargo {subcommand} -p {package}` fails: {}",
                first_error(&stderr)
            ));
        }
        // GNU time writes the kilobytes last, after a line on the exit status if any.
        let peak_mb = std::fs::read_to_string(&memory)
            .ok()
            .and_then(|text| text.lines().last()?.trim().parse::<f64>().ok())
            .map(|kb| kb / 1024.0);
        Ok(Timed { time, peak_mb })
    }
}

/// What a timed build runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    /// `cargo check`.
    Check,
    /// `cargo build`.
    Debug,
    /// `cargo build --release`.
    Release,
}

/// How long a build took, and the peak memory of its largest process (rustc) in MB where
/// the platform reports it.
#[derive(Clone, Copy, Debug)]
pub struct Timed {
    pub time: Duration,
    pub peak_mb: Option<f64>,
}

/// The first compiler error in cargo's output and where it points, on one line.
fn first_error(stderr: &str) -> String {
    let mut lines = stderr.lines().skip_while(|l| !l.starts_with("error"));
    let Some(error) = lines.next() else {
        return "cargo failed".to_owned();
    };
    match lines.take(3).find(|l| l.trim_start().starts_with("-->")) {
        Some(at) => format!("{error} ({})", at.trim_start().trim_start_matches("--> ")),
        None => error.to_owned(),
    }
}

/// Updates `path`'s modification time, so that cargo rebuilds the crate it belongs to.
fn touch(path: &Path) {
    std::fs::File::options()
        .write(true)
        .open(path)
        .and_then(|f| f.set_modified(SystemTime::now()))
        .unwrap_or_else(|e| panic!("cannot touch {}: {e}", path.display()));
}

fn write_if_changed(path: &Path, contents: &str) {
    if std::fs::read_to_string(path).is_ok_and(|old| old == contents) {
        return;
    }
    std::fs::create_dir_all(path.parent().expect("a parent directory")).expect("directory");
    std::fs::write(path, contents).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

/// This project's crate as a member: its generated files, the manifest a member's.
pub fn ours_member(output: &openapi_clientgen::Output) -> Member {
    generated_member(OURS, output)
}

/// This project's crate that depends on the shared runtime crate, as a member.
pub fn ours_shared_member(output: &openapi_clientgen::Output) -> Member {
    generated_member(OURS_SHARED, output)
}

/// The shared runtime crate, as a member, which the crate depending on it has built before
/// its timed builds, as progenitor's has `progenitor-client`.
pub fn runtime_member() -> Member {
    generated_member(
        openapi_clientgen::RUNTIME_CRATE,
        &openapi_clientgen::generate_runtime_crate(false),
    )
}

fn generated_member(name: &str, output: &openapi_clientgen::Output) -> Member {
    Member {
        name: name.to_owned(),
        files: output
            .files
            .iter()
            .map(|f| (f.path.clone(), f.contents.clone()))
            .collect(),
    }
}

/// Progenitor's crate as a member: a manifest as `cargo progenitor` writes it and the
/// rendered code as `src/lib.rs`.
pub fn progenitor_member(lib: &str, dependencies: &[String]) -> Member {
    let manifest = format!(
        "[package]\n\
         name = \"{PROGENITOR}\"\n\
         version = \"0.1.0\"\n\
         edition = \"2024\"\n\
         publish = false\n\n\
         [dependencies]\n\
         {}\n",
        dependencies.join("\n")
    );
    Member {
        name: PROGENITOR.to_owned(),
        files: vec![
            ("Cargo.toml".to_owned(), manifest),
            ("src/lib.rs".to_owned(), lib.to_owned()),
        ],
    }
}

/// openapi-to-rust's crate as a member: a manifest with the dependencies its
/// `REQUIRED_DEPS.toml` names, its files where its CLI writes them by default
/// (`src/generated/`), and a crate root mounting them.
pub fn openapi_to_rust_member(files: &[(String, String)], dependencies: &str) -> Member {
    let manifest = format!(
        "[package]\n\
         name = \"{OPENAPI_TO_RUST}\"\n\
         version = \"0.1.0\"\n\
         edition = \"2024\"\n\
         publish = false\n\n\
         {dependencies}"
    );
    let mut member_files = vec![
        ("Cargo.toml".to_owned(), manifest),
        ("src/lib.rs".to_owned(), "pub mod generated;\n".to_owned()),
    ];
    member_files.extend(
        files
            .iter()
            .map(|(path, contents)| (format!("src/generated/{path}"), contents.clone())),
    );
    Member {
        name: OPENAPI_TO_RUST.to_owned(),
        files: member_files,
    }
}

/// Which generated crate a binary uses, and how it calls an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Generator {
    Ours,
    /// Ours, depending on the shared runtime crate.
    OursShared,
    Progenitor,
}

impl Generator {
    /// The generated crate's package.
    pub fn package(self) -> &'static str {
        match self {
            Generator::Ours => OURS,
            Generator::OursShared => OURS_SHARED,
            Generator::Progenitor => PROGENITOR,
        }
    }

    /// The prefix of the packages of the binaries using the generated crate.
    pub fn users(self) -> &'static str {
        match self {
            Generator::Ours => "use-ours",
            Generator::OursShared => "use-ours-shared",
            Generator::Progenitor => "use-progenitor",
        }
    }

    /// The binary's dependency on the generated crate, without TLS: progenitor's crate has
    /// none (its users add a reqwest feature), ours has rustls by default. Linking a TLS
    /// library would weigh on one side only. Ours keeps its per-tag `features`, all of
    /// them, as the crate is built alone.
    fn dependency(self, features: &[String]) -> String {
        let package = self.package();
        match self {
            Generator::Ours | Generator::OursShared => {
                let features: Vec<String> = features.iter().map(|f| format!("{f:?}")).collect();
                format!(
                    "{package} = {{ path = \"../{package}\", default-features = false, features = [{}] }}",
                    features.join(", ")
                )
            }
            Generator::Progenitor => format!("{package} = {{ path = \"../{package}\" }}"),
        }
    }

    /// A statement making a client called `client`.
    fn client(self) -> &'static str {
        match self {
            Generator::Ours => "let Ok(client) = ours::Client::new() else { return };",
            Generator::OursShared => "let Ok(client) = ours_shared::Client::new() else { return };",
            Generator::Progenitor => {
                "let client = progenitor_generated::Client::new(\"http://192.0.2.1\");"
            }
        }
    }

    /// An expression sending `method`'s request and awaiting its response. Ours takes the
    /// required parameters as arguments; progenitor's builders take them as setters, and
    /// leaving them unset fails when sending, not when compiling.
    fn call(self, method: &Method) -> String {
        match self {
            Generator::Ours | Generator::OursShared => {
                let arguments = method.arguments.join(", ");
                format!("client.{}({arguments}).await", method.name)
            }
            Generator::Progenitor => format!("client.{}().send().await", method.name),
        }
    }
}

/// A binary called `name` that calls `methods` of `generator`'s client (with the crate's
/// `features`): compiled, never run, so that its build pays for what those calls cost a
/// user's crate.
pub fn user_member(
    name: &str,
    generator: Generator,
    methods: &[Method],
    features: &[String],
) -> Member {
    let package = generator.package();
    let manifest = format!(
        "[package]\n\
         name = \"{name}\"\n\
         version = \"0.1.0\"\n\
         edition = \"2024\"\n\
         publish = false\n\n\
         [dependencies]\n\
         {}\n",
        generator.dependency(features)
    );
    let calls: String = methods
        .iter()
        .map(|m| {
            format!(
                "        Box::pin(async move {{\n            let _ = {};\n        }}),\n",
                generator.call(m)
            )
        })
        .collect();
    let main = format!(
        "//! Calls {calls_what} of `{package}`. Built to be timed, never run.\n\n\
         use std::future::Future;\n\
         use std::pin::Pin;\n\
         use std::task::{{Context, Waker}};\n\n\
         /// A value of any type, for required arguments.\n\
         #[allow(dead_code)]\n\
         fn arg<T>() -> T {{\n    \
             unreachable!(\"built, never run\")\n\
         }}\n\n\
         fn main() {{\n    \
             {client}\n    \
             let client = &client;\n    \
             let calls: Vec<Pin<Box<dyn Future<Output = ()> + '_>>> = vec![\n\
         {calls}    \
             ];\n    \
             let mut context = Context::from_waker(Waker::noop());\n    \
             for mut call in calls {{\n        \
                 let _ = call.as_mut().poll(&mut context);\n    \
             }}\n\
         }}\n",
        calls_what = match methods {
            [one] => format!("one operation, `{}`,", one.name),
            all => format!("{} operations", all.len()),
        },
        client = generator.client(),
    );
    Member {
        name: name.to_owned(),
        files: vec![
            ("Cargo.toml".to_owned(), manifest),
            ("src/main.rs".to_owned(), main),
        ],
    }
}
