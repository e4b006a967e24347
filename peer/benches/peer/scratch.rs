//! A scratch workspace per document, holding both generated crates and the binaries that use
//! them, and the timing of their builds.
//!
//! Every build runs with dependencies already built and incremental compilation off, so a
//! timed build compiles exactly one crate (and, for a binary, links it): the generated
//! crate alone, or a binary using one or every operation.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

use crate::generators::{Method, OURS, OURS_SHARED, PROGENITOR};

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

    /// Builds `package` once, then `runs` times more after touching `source` (a path in the
    /// package), returning the median of the timed builds; or the first compiler error.
    pub fn rebuild_time(
        &self,
        package: &str,
        source: &str,
        release: bool,
        runs: usize,
    ) -> Result<Duration, String> {
        self.build(package, release)?;
        let source = self.dir.join(package).join(source);
        let times = (0..runs.max(1))
            .map(|_| {
                touch(&source);
                self.build(package, release)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(crate::median(times))
    }

    /// Runs `cargo build -p package`, returning how long it took, or the first compiler
    /// error.
    fn build(&self, package: &str, release: bool) -> Result<Duration, String> {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut command = Command::new(cargo);
        command
            .current_dir(&self.dir)
            .args(["build", "--quiet", "-p", package])
            .env("CARGO_TARGET_DIR", &self.target)
            .env_remove("CARGO_INCREMENTAL");
        if release {
            command.arg("--release");
        }
        let start = Instant::now();
        let output = command
            .output()
            .map_err(|e| format!("cargo does not run: {e}"))?;
        let elapsed = start.elapsed();
        if output.status.success() {
            Ok(elapsed)
        } else {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let error = stderr
                .lines()
                .find(|l| l.starts_with("error"))
                .unwrap_or("cargo build failed");
            Err(format!("`cargo build -p {package}` fails: {error}"))
        }
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
