//! `cargo xtask e2e`: a generated client against a real application server. Installs the
//! pinned Prefect server from PyPI into a virtualenv under the target directory (reused
//! when it holds the pinned set), starts it on 127.0.0.1 with its SQLite database in a
//! directory of its own, downloads the OpenAPI document it serves, generates a client from
//! it with the installed tool, builds the client alone (no rustc warning allowed), and runs
//! the scenario `tests/e2e/prefect.rs` through it. Every 2xx body the scenario reads is
//! checked for values lost on the way through the client's types. The server is stopped
//! by its process id however the run ends.
//!
//! Without Python or the package registry this is skipped with one line, except under
//! `CI=true`, where it fails.

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The pinned server and everything it needs.
const REQUIREMENTS: &str = "tests/e2e/prefect-requirements.txt";

/// The scenario program.
const SCENARIO: &str = "tests/e2e/prefect.rs";

/// The fewest calls the scenario must make.
const MIN_CALLS: usize = 40;

/// Runs `cargo xtask e2e`.
pub fn run(args: &[String]) -> Result<(), String> {
    if let Some(arg) = args.first() {
        return Err(format!("unknown argument `{arg}`\n\n{}", crate::USAGE));
    }
    let root = crate::root();
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let dir = target.join("e2e");
    let started = Instant::now();
    let python = match install(&root, &dir) {
        Ok(python) => python,
        Err(why) if std::env::var("CI").is_ok_and(|v| v == "true") => return Err(why),
        Err(why) => {
            eprintln!("skipping the end-to-end test against Prefect: {why}");
            return Ok(());
        }
    };
    let installed = started.elapsed();
    let server = match Server::start(&python, &dir) {
        Ok(server) => server,
        Err(why) if std::env::var("CI").is_ok_and(|v| v == "true") => return Err(why),
        Err(why) => {
            eprintln!("skipping the end-to-end test against Prefect: {why}");
            return Ok(());
        }
    };
    let serving = started.elapsed();
    let document = http_get(server.port, "/api/openapi.json")
        .map_err(|e| format!("downloading the OpenAPI document: {e}"))?;
    let spec = dir.join("openapi.json");
    std::fs::write(&spec, &document).map_err(|e| format!("{}: {e}", spec.display()))?;

    let work = dir.join("work");
    write_workspace(&root, &work)?;
    let tool = crate::standalone::install_tool(&root, &target)?;
    eprintln!("generating the client with {}", tool.display());
    crate::ci::run_command(
        Command::new(&tool)
            .arg("--spec")
            .arg(&spec)
            .args([
                "--out",
                "prefect-client",
                "--name",
                "prefect-client",
                "--workspace-member",
            ])
            .current_dir(&work),
    )?;
    let generated = started.elapsed();
    build_without_warnings(&work, &target, "prefect-client")?;
    build_without_warnings(&work, &target, "prefect-scenario")?;
    let built = started.elapsed();

    let base_url = format!("http://127.0.0.1:{}/api", server.port);
    let binary = target.join("debug").join("prefect-scenario");
    eprintln!("running the scenario against {base_url}");
    let (success, output) = run_bounded(&binary, &base_url, Duration::from_secs(300))?;
    drop(server);
    let ran = started.elapsed();

    let text = std::str::from_utf8(&document).map_err(|e| format!("the document: {e}"))?;
    let (api, _) = openapi_clientgen::lower_spec(text).map_err(|diagnostics| {
        let shown: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
        shown.join("\n")
    })?;
    let lines: Vec<Value> = String::from_utf8_lossy(&output)
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect();
    let mut lossy = Vec::new();
    for line in &lines {
        for loss in openapi_clientgen::lossless::reported_losses(&api, line) {
            lossy.push(format!(
                "{} ({}): {loss}",
                line["step"].as_str().unwrap_or("?"),
                line["operation"].as_str().unwrap_or("?")
            ));
        }
    }
    eprintln!(
        "{} calls; times from the start: installed {:.1?}, server up {:.1?}, client generated {:.1?}, built {:.1?}, scenario done {:.1?}",
        lines.len(),
        installed,
        serving,
        generated,
        built,
        ran
    );
    if !success {
        return Err("the scenario failed (its message is above)".to_owned());
    }
    if lines.len() < MIN_CALLS {
        return Err(format!(
            "the scenario made {} calls; at least {MIN_CALLS} are expected",
            lines.len()
        ));
    }
    if !lossy.is_empty() {
        return Err(format!(
            "values the server sent were lost on the way through the client:\n{}",
            lossy.join("\n")
        ));
    }
    Ok(())
}

/// Installs the pinned requirements into `dir/venv` unless it holds exactly them; returns
/// its Python.
fn install(root: &Path, dir: &Path) -> Result<PathBuf, String> {
    let requirements = root.join(REQUIREMENTS);
    let pinned = std::fs::read_to_string(&requirements)
        .map_err(|e| format!("{}: {e}", requirements.display()))?;
    let venv = dir.join("venv");
    let python = venv.join("bin").join("python");
    let marker = venv.join("installed-requirements.txt");
    if python.exists() && std::fs::read_to_string(&marker).is_ok_and(|m| m == pinned) {
        return Ok(python);
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    if !python.exists() {
        eprintln!("creating a virtualenv in {}", venv.display());
        quiet(Command::new("python3").arg("-m").arg("venv").arg(&venv))
            .map_err(|e| format!("Python 3 with venv is needed: {e}"))?;
    }
    eprintln!("installing {REQUIREMENTS} into it");
    quiet(
        Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
            ])
            .args(["--no-deps", "-r"])
            .arg(&requirements),
    )
    .map_err(|e| format!("installing Prefect from PyPI failed: {e}"))?;
    std::fs::write(&marker, pinned).map_err(|e| format!("{}: {e}", marker.display()))?;
    Ok(python)
}

/// Runs a command, its output shown only when it fails.
fn quiet(command: &mut Command) -> Result<(), String> {
    let output = command
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {command:?}: {e}"))?;
    if output.status.success() {
        return Ok(());
    }
    Err(format!(
        "{command:?} exited with {}:\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    ))
}

/// The Prefect server: its process, its port and the directory of its state. Dropping it
/// stops the process by its id and removes the directory.
struct Server {
    child: Child,
    port: u16,
    state: PathBuf,
}

impl Server {
    /// Starts the server's API (no UI, no background services, no telemetry) on a free port
    /// of 127.0.0.1, its database in a new directory under `dir`, and waits until it
    /// answers its health check.
    fn start(python: &Path, dir: &Path) -> Result<Server, String> {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("no free port on 127.0.0.1: {e}"))?
            .port();
        let state = dir.join(format!("server-{}", std::process::id()));
        if state.exists() {
            std::fs::remove_dir_all(&state).map_err(|e| format!("{}: {e}", state.display()))?;
        }
        std::fs::create_dir_all(&state).map_err(|e| format!("{}: {e}", state.display()))?;
        let log_path = state.join("server.log");
        let log = std::fs::File::create(&log_path).map_err(|e| e.to_string())?;
        let errors = log.try_clone().map_err(|e| e.to_string())?;
        let database = format!("sqlite+aiosqlite:///{}", state.join("prefect.db").display());
        let child = Command::new(python)
            .args([
                "-m",
                "uvicorn",
                "--factory",
                "prefect.server.api.server:create_app",
            ])
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .args(["--log-level", "warning"])
            .env("PREFECT_HOME", &state)
            .env("PREFECT_SERVER_DATABASE_CONNECTION_URL", database)
            .env("PREFECT__SERVER_WEBSERVER_ONLY", "1")
            .env("PREFECT_SERVER_UI_ENABLED", "false")
            .env("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
            .env("DO_NOT_TRACK", "1")
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(errors)
            .spawn()
            .map_err(|e| format!("cannot start the server: {e}"))?;
        let mut server = Server { child, port, state };
        eprintln!(
            "started Prefect (process {}) on 127.0.0.1:{port}",
            server.child.id()
        );
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            if http_get(port, "/api/health").is_ok() {
                return Ok(server);
            }
            let exited = server.child.try_wait().ok().flatten();
            if exited.is_some() || Instant::now() > deadline {
                let log = std::fs::read_to_string(&log_path).unwrap_or_default();
                let tail: Vec<&str> = log.lines().rev().take(20).collect();
                let tail: Vec<&str> = tail.into_iter().rev().collect();
                return Err(format!(
                    "the server did not answer its health check ({}):\n{}",
                    exited.map_or_else(|| "120 s".to_owned(), |s| s.to_string()),
                    tail.join("\n")
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.state);
    }
}

/// The body of a `GET` to 127.0.0.1:`port`, when the status is 200.
fn http_get(port: u16, path: &str) -> Result<Vec<u8>, String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .map_err(|e| e.to_string())?;
    write!(
        stream,
        "GET {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .map_err(|e| e.to_string())?;
    let mut response = Vec::new();
    stream
        .read_to_end(&mut response)
        .map_err(|e| e.to_string())?;
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("no HTTP response")?;
    let head = String::from_utf8_lossy(&response[..split]);
    let status = head.split_whitespace().nth(1).unwrap_or("");
    if status != "200" {
        return Err(format!(
            "GET {path} answered {}",
            head.lines().next().unwrap_or("")
        ));
    }
    Ok(response[split + 4..].to_vec())
}

/// A workspace of the client (generated into it later) and the scenario, with the
/// repository's lock file so that both build with its versions.
fn write_workspace(root: &Path, work: &Path) -> Result<(), String> {
    let scenario = root.join(SCENARIO);
    let files = [
        (
            "Cargo.toml",
            "[workspace]\nresolver = \"3\"\nmembers = [\"scenario\"]\n".to_owned(),
        ),
        (
            "scenario/Cargo.toml",
            format!(
                "[package]\nname = \"prefect-scenario\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\
                 publish = false\n\n[[bin]]\nname = \"prefect-scenario\"\npath = {:?}\n\n\
                 [dependencies]\n\
                 api_client = {{ package = \"prefect-client\", path = \"../prefect-client\", features = [\"tracing\"] }}\n\
                 http = \"1\"\nserde = \"1\"\nserde_json = \"1\"\n\
                 tokio = {{ version = \"1\", features = [\"macros\", \"rt\"] }}\n\
                 tracing = {{ version = \"0.1\", default-features = false, features = [\"std\"] }}\n",
                scenario.display().to_string()
            ),
        ),
    ];
    if work.exists() {
        std::fs::remove_dir_all(work).map_err(|e| format!("{}: {e}", work.display()))?;
    }
    for (path, text) in files {
        let path = work.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    std::fs::copy(root.join("Cargo.lock"), work.join("Cargo.lock"))
        .map_err(|e| format!("Cargo.lock: {e}"))?;
    Ok(())
}

/// Builds `package` of the workspace in `work`; a rustc warning in it is a failure.
fn build_without_warnings(work: &Path, target: &Path, package: &str) -> Result<(), String> {
    eprintln!("building {package}");
    let output = Command::new(crate::standalone::cargo())
        .args(["build", "--offline", "-p", package])
        .current_dir(work)
        .env("CARGO_TARGET_DIR", target)
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(format!("{package} does not build:\n{stderr}"));
    }
    let warned = stderr
        .lines()
        .any(|line| line.starts_with("warning:") && line.contains(&format!("`{package}`")));
    if warned {
        return Err(format!("{package} builds with warnings:\n{stderr}"));
    }
    Ok(())
}

/// Runs the scenario with `base_url`, killing it after `limit`; whether it succeeded, and
/// what it printed. What it writes to standard error is shown as it comes.
fn run_bounded(binary: &Path, base_url: &str, limit: Duration) -> Result<(bool, Vec<u8>), String> {
    let mut child = Command::new(binary)
        .arg(base_url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
    let mut stdout = child.stdout.take();
    let reader = std::thread::spawn(move || {
        let mut text = Vec::new();
        if let Some(out) = stdout.as_mut() {
            let _ = out.read_to_end(&mut text);
        }
        text
    });
    let deadline = Instant::now() + limit;
    let success = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status.success();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            eprintln!("the scenario did not finish within {limit:?}");
            break false;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let output = reader
        .join()
        .map_err(|_| "reading the scenario's output failed".to_owned())?;
    Ok((success, output))
}
