//! `cargo xtask e2e`: generated clients against real application servers, installed from
//! PyPI at pinned versions into virtualenvs under the target directory (reused when they
//! hold the pinned sets), started on 127.0.0.1 and stopped by their process ids however
//! the run ends:
//!
//! - Prefect's server, with its SQLite database in a directory of its own: the client is
//!   generated from the OpenAPI document the server serves, and `tests/e2e/prefect.rs`
//!   runs through it;
//! - localstripe, a stateful Stripe emulator that reads forms as Stripe does: the client is
//!   generated from Stripe's own document (`bench/stripe-spec3.yaml` of the public corpus)
//!   with `tests/e2e/stripe.overlay.yaml`, which says where localstripe answers otherwise,
//!   and `tests/e2e/stripe.rs` runs through it.
//!
//! Each client is generated with the installed tool and built alone (no rustc warning
//! allowed), and every 2xx body a scenario reads is checked for values lost on the way
//! through the client's types. Without Python or the package registry (or, for Stripe,
//! the corpus) a server's part is skipped with one line, except under `CI=true`, where it
//! fails.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Prefect's pinned server and everything it needs.
const PREFECT_REQUIREMENTS: &str = "tests/e2e/prefect-requirements.txt";
/// Where Prefect's server answers otherwise than its document, as an overlay on it.
const PREFECT_OVERLAY: &str = "tests/e2e/prefect.overlay.yaml";
/// localstripe and everything it needs.
const STRIPE_REQUIREMENTS: &str = "tests/e2e/localstripe-requirements.txt";
/// Where localstripe and Stripe's document disagree, as an overlay on the document.
const STRIPE_OVERLAY: &str = "tests/e2e/stripe.overlay.yaml";
/// Stripe's document, in the public corpus.
const STRIPE_DOCUMENT: &str = "bench/stripe-spec3.yaml";
/// How the Stripe client pages through the lists the scenario walks: after the last
/// item's `id`, while `has_more`.
const STRIPE_PAGES: [&str; 2] = [
    "GetCustomers:after=starting_after,key=id,more=has_more,items=data",
    "GetProducts:after=starting_after,key=id,more=has_more,items=data",
];

/// Runs `cargo xtask e2e [prefect|stripe]`: both servers' scenarios, or the one named.
pub fn run(args: &[String]) -> Result<(), String> {
    let root = crate::root();
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    match args {
        [] => {
            prefect(&root, &target)?;
            stripe(&root, &target)
        }
        [one] if one == "prefect" => prefect(&root, &target),
        [one] if one == "stripe" => stripe(&root, &target),
        [other, ..] => Err(format!("unknown argument `{other}`\n\n{}", crate::USAGE)),
    }
}

/// A server's part skipped for `why`, which fails the run under `CI=true`.
fn skipped(server: &str, why: String) -> Result<(), String> {
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        return Err(why);
    }
    eprintln!("skipping the end-to-end test against {server}: {why}");
    Ok(())
}

/// The Prefect scenario.
fn prefect(root: &Path, target: &Path) -> Result<(), String> {
    let dir = target.join("e2e");
    let started = Instant::now();
    let python = match install(root, &dir, PREFECT_REQUIREMENTS, "Prefect") {
        Ok(python) => python,
        Err(why) => return skipped("Prefect", why),
    };
    let installed = started.elapsed();
    let server = match Server::prefect(&python, &dir) {
        Ok(server) => server,
        Err(why) => return skipped("Prefect", why),
    };
    let serving = started.elapsed();
    let document = http_get(server.port, "/api/openapi.json")
        .map_err(|e| format!("downloading the OpenAPI document: {e}"))?;
    let spec = dir.join("openapi.json");
    std::fs::write(&spec, &document).map_err(|e| format!("{}: {e}", spec.display()))?;
    let client = Client {
        package: "prefect-client",
        scenario: "prefect-scenario",
        program: "tests/e2e/prefect.rs",
        spec,
        overlays: vec![root.join(PREFECT_OVERLAY)],
        paginate: &[],
        min_calls: 40,
        drift: true,
    };
    let base_url = format!("http://127.0.0.1:{}/api", server.port);
    client.run(
        root,
        target,
        &dir.join("work"),
        &base_url,
        started,
        [installed, serving],
        server,
    )
}

/// The Stripe scenario against localstripe.
fn stripe(root: &Path, target: &Path) -> Result<(), String> {
    let corpus =
        std::env::var_os("CORPUS_DIR").map_or_else(|| root.join("../shared"), PathBuf::from);
    let spec = corpus.join(STRIPE_DOCUMENT);
    if !spec.is_file() {
        return skipped(
            "localstripe",
            format!("Stripe's document {} is not there", spec.display()),
        );
    }
    let dir = target.join("e2e-stripe");
    let started = Instant::now();
    let python = match install(root, &dir, STRIPE_REQUIREMENTS, "localstripe") {
        Ok(python) => python,
        Err(why) => return skipped("localstripe", why),
    };
    let installed = started.elapsed();
    let server = match Server::localstripe(&python, &dir) {
        Ok(server) => server,
        Err(why) => return skipped("localstripe", why),
    };
    let serving = started.elapsed();
    let client = Client {
        package: "stripe-client",
        scenario: "stripe-scenario",
        program: "tests/e2e/stripe.rs",
        spec,
        overlays: vec![root.join(STRIPE_OVERLAY)],
        paginate: &STRIPE_PAGES,
        min_calls: 30,
        drift: false,
    };
    let base_url = format!("http://127.0.0.1:{}", server.port);
    client.run(
        root,
        target,
        &dir.join("work"),
        &base_url,
        started,
        [installed, serving],
        server,
    )
}

/// A client generated from a document, and the scenario program run through it.
struct Client {
    package: &'static str,
    scenario: &'static str,
    program: &'static str,
    spec: PathBuf,
    overlays: Vec<PathBuf>,
    paginate: &'static [&'static str],
    /// The fewest calls the scenario must make.
    min_calls: usize,
    /// Whether the scenario records its exchanges, for the drift report: against the
    /// document alone and with the overlays, and the round trip of the first's draft.
    drift: bool,
}

impl Client {
    /// Generates the client into a new workspace `work` with the scenario, builds both
    /// without warnings, runs the scenario against `base_url` (stopping `server` after
    /// it), and checks what it printed: enough calls, and nothing the server sent lost.
    #[allow(clippy::too_many_arguments)]
    fn run(
        &self,
        root: &Path,
        target: &Path,
        work: &Path,
        base_url: &str,
        started: Instant,
        [installed, serving]: [Duration; 2],
        server: Server,
    ) -> Result<(), String> {
        let text = std::fs::read_to_string(&self.spec)
            .map_err(|e| format!("{}: {e}", self.spec.display()))?;
        let mut settings = openapi_clientgen::Settings::default();
        for overlay in &self.overlays {
            let overlay_text = std::fs::read_to_string(overlay)
                .map_err(|e| format!("{}: {e}", overlay.display()))?;
            settings.overlays.push(openapi_clientgen::Overlay::new(
                overlay.display().to_string(),
                overlay_text,
            ));
        }
        let (api, _) =
            openapi_clientgen::lower_spec_with(&text, &settings).map_err(|diagnostics| {
                let shown: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
                shown.join("\n")
            })?;
        write_workspace(
            root,
            work,
            self.scenario,
            self.package,
            self.program,
            self.drift,
        )?;
        let every_type = every_response_type(&api);
        let program = work.join("scenario/src/every_type.rs");
        std::fs::create_dir_all(work.join("scenario/src"))
            .and_then(|()| std::fs::write(&program, &every_type.0))
            .map_err(|e| format!("{}: {e}", program.display()))?;
        let tool = crate::standalone::install_tool(root, target)?;
        eprintln!("generating {} with {}", self.package, tool.display());
        let mut generate = Command::new(&tool);
        generate.arg("--spec").arg(&self.spec);
        for overlay in &self.overlays {
            generate.arg("--overlay").arg(overlay);
        }
        for given in self.paginate {
            generate.args(["--paginate", given]);
        }
        generate
            .args([
                "--out",
                self.package,
                "--name",
                self.package,
                "--workspace-member",
            ])
            .current_dir(work);
        crate::ci::run_command(&mut generate)?;
        let generated = started.elapsed();
        build_without_warnings(work, target, self.package)?;
        build_without_warnings(work, target, self.scenario)?;
        let built = started.elapsed();
        // The application that holds every response type builds with no attribute (above)
        // and does what applications do with them.
        let used = Command::new(
            target
                .join("debug")
                .join(format!("{}-every-type", self.scenario)),
        )
        .output()
        .map_err(|e| format!("cannot run the every-type program: {e}"))?;
        if !used.status.success() {
            return Err(format!(
                "the every-type program failed:\n{}",
                String::from_utf8_lossy(&used.stderr)
            ));
        }
        eprintln!(
            "{} response types stored, cloned, compared, encoded and decoded, sent across threads",
            every_type.1
        );

        let binary = target.join("debug").join(self.scenario);
        let recording = work.join("recording.jsonl");
        eprintln!("running {} against {base_url}", self.program);
        let (success, output) = run_bounded(
            &binary,
            base_url,
            self.drift.then_some(recording.as_path()),
            Duration::from_secs(300),
        )?;
        drop(server);
        let ran = started.elapsed();

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
            "{}: {} calls; times from the start: installed {:.1?}, server up {:.1?}, client generated {:.1?}, built {:.1?}, scenario done {:.1?}",
            self.program,
            lines.len(),
            installed,
            serving,
            generated,
            built,
            ran
        );
        if !success {
            return Err(format!("{} failed (its message is above)", self.program));
        }
        if lines.len() < self.min_calls {
            return Err(format!(
                "{} made {} calls; at least {} are expected",
                self.program,
                lines.len(),
                self.min_calls
            ));
        }
        if !lossy.is_empty() {
            return Err(format!(
                "values the server sent were lost on the way through the client:\n{}",
                lossy.join("\n")
            ));
        }
        if self.drift {
            drift_round_trip(&text, &settings.overlays, &recording)?;
        }
        Ok(())
    }
}

/// The drift report of `recording` against the document alone and with `overlays`
/// (printed; with them, nothing may be left), then the round trip of the first's draft:
/// applied to the document, it generates, and it leaves nothing to report for the same
/// recording.
fn drift_round_trip(
    spec: &str,
    overlays: &[openapi_clientgen::Overlay],
    recording: &Path,
) -> Result<(), String> {
    let recorded =
        std::fs::read_to_string(recording).map_err(|e| format!("{}: {e}", recording.display()))?;
    let shown = |diagnostics: Vec<openapi_clientgen::Diagnostic>| {
        let lines: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
        lines.join("\n")
    };
    let before = openapi_clientgen::drift::drift(spec, &[], &recorded).map_err(shown)?;
    let after = openapi_clientgen::drift::drift(spec, overlays, &recorded).map_err(shown)?;
    eprintln!(
        "drift against the document alone:\n{}\ndrift with the overlay:\n{}",
        before.markdown(),
        after.markdown()
    );
    if before.findings.is_empty() {
        return Err(
            "the recording shows no drift from the document alone; the round trip checks nothing"
                .to_owned(),
        );
    }
    if !after.findings.is_empty() {
        return Err(format!(
            "the overlay does not describe everything the server did ({} findings above)",
            after.findings.len()
        ));
    }
    let draft = before
        .draft
        .ok_or("the drift report has findings but no draft")?;
    let draft_path = recording.with_file_name("drift.overlay.yaml");
    std::fs::write(&draft_path, &draft).map_err(|e| format!("{}: {e}", draft_path.display()))?;
    let drafted = openapi_clientgen::Overlay::new(draft_path.display().to_string(), draft);
    let mut settings = openapi_clientgen::Settings::default();
    settings.overlays.push(drafted.clone());
    let (_, warnings) = openapi_clientgen::lower_spec_with(spec, &settings).map_err(shown)?;
    if let Some(unused) = warnings.iter().find(|w| w.file.is_some()) {
        return Err(format!(
            "an action of the drift draft does not apply: {unused}"
        ));
    }
    let again = openapi_clientgen::drift::drift(spec, std::slice::from_ref(&drafted), &recorded)
        .map_err(shown)?;
    if !again.findings.is_empty() {
        return Err(format!(
            "with its draft ({}) applied, the document still drifts from the recording:\n{}",
            draft_path.display(),
            again.markdown()
        ));
    }
    eprintln!(
        "drift: {} findings against the document alone, {} with the overlay; the draft of the first ({} actions) leaves none",
        before.findings.len(),
        after.findings.len(),
        draft_actions(&drafted.text)
    );
    Ok(())
}

/// How many actions an overlay has.
fn draft_actions(text: &str) -> usize {
    text.lines()
        .filter(|line| line.starts_with("- target:"))
        .count()
}

/// Installs the pinned `requirements` of `server` into `dir/venv` unless it holds exactly
/// them; returns its Python.
fn install(root: &Path, dir: &Path, requirements: &str, server: &str) -> Result<PathBuf, String> {
    let named = requirements;
    let requirements = root.join(requirements);
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
    eprintln!("installing {named} into it");
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
    .map_err(|e| format!("installing {server} from PyPI failed: {e}"))?;
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

/// A server: its process, its port and the directory of its state. Dropping it stops
/// the process by its id and removes the directory.
struct Server {
    child: Child,
    port: u16,
    state: PathBuf,
}

/// localstripe's own start binds every interface and keeps its data in a file of the
/// system's temporary directory; this binds a free port of 127.0.0.1 (printed on the
/// first line), and keeps nothing on disk.
const LOCALSTRIPE_LAUNCHER: &str = "\
import socket
import aiohttp.web
import localstripe.resources
from localstripe.server import app
localstripe.resources.Store.dump_to_disk = lambda self: None
localstripe.resources.Store.try_load_from_disk = lambda self: None
sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sock.bind(('127.0.0.1', 0))
sock.listen(128)
print(sock.getsockname()[1], flush=True)
aiohttp.web.run_app(app, sock=sock, print=None)
";

impl Server {
    /// Starts localstripe on a free port of 127.0.0.1 and waits until it answers.
    fn localstripe(python: &Path, dir: &Path) -> Result<Server, String> {
        let state = fresh_state(dir)?;
        let log_path = state.join("server.log");
        let log = std::fs::File::create(&log_path).map_err(|e| e.to_string())?;
        let mut child = Command::new(python)
            .args(["-c", LOCALSTRIPE_LAUNCHER])
            .current_dir(&state)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .map_err(|e| format!("cannot start localstripe: {e}"))?;
        // The port, on the first line; a process that ends first says why in its log.
        let mut first = String::new();
        if let Some(stdout) = child.stdout.take() {
            let _ = BufReader::new(stdout).read_line(&mut first);
        }
        let port = first.trim().parse::<u16>();
        let mut server = Server {
            child,
            port: port.unwrap_or(0),
            state,
        };
        if server.port == 0 {
            let log = std::fs::read_to_string(&log_path).unwrap_or_default();
            return Err(format!("localstripe did not start:\n{log}"));
        }
        eprintln!(
            "started localstripe (process {}) on 127.0.0.1:{}",
            server.child.id(),
            server.port
        );
        // Without credentials it answers 401: it is up.
        server.wait_for("/v1/balance", None, &log_path, Duration::from_secs(60))?;
        Ok(server)
    }

    /// Waits until a `GET` of `path` answers with `status` (any status when `None`), or
    /// fails with the end of the server's log.
    fn wait_for(
        &mut self,
        path: &str,
        status: Option<&str>,
        log_path: &Path,
        limit: Duration,
    ) -> Result<(), String> {
        let deadline = Instant::now() + limit;
        loop {
            let answered = http_exchange(self.port, path)
                .is_ok_and(|(got, ..)| status.is_none_or(|wanted| wanted == got));
            if answered {
                return Ok(());
            }
            let exited = self.child.try_wait().ok().flatten();
            if exited.is_some() || Instant::now() > deadline {
                let log = std::fs::read_to_string(log_path).unwrap_or_default();
                let tail: Vec<&str> = log.lines().rev().take(20).collect();
                let tail: Vec<&str> = tail.into_iter().rev().collect();
                return Err(format!(
                    "the server did not answer `GET {path}` ({}):\n{}",
                    exited.map_or_else(|| format!("{limit:?}"), |s| s.to_string()),
                    tail.join("\n")
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Starts Prefect's API (no UI, no background services, no telemetry) on a free port
    /// of 127.0.0.1, its database in a new directory under `dir`, and waits until it
    /// answers its health check.
    fn prefect(python: &Path, dir: &Path) -> Result<Server, String> {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("no free port on 127.0.0.1: {e}"))?
            .port();
        let state = fresh_state(dir)?;
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
        server.wait_for(
            "/api/health",
            Some("200"),
            &log_path,
            Duration::from_secs(120),
        )?;
        Ok(server)
    }
}

/// A new directory for a server's state under `dir`.
fn fresh_state(dir: &Path) -> Result<PathBuf, String> {
    let state = dir.join(format!("server-{}", std::process::id()));
    if state.exists() {
        std::fs::remove_dir_all(&state).map_err(|e| format!("{}: {e}", state.display()))?;
    }
    std::fs::create_dir_all(&state).map_err(|e| format!("{}: {e}", state.display()))?;
    Ok(state)
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
    let (status, head, body) = http_exchange(port, path)?;
    if status != "200" {
        return Err(format!("GET {path} answered {head}"));
    }
    Ok(body)
}

/// The status, status line and body of a `GET` to 127.0.0.1:`port`.
fn http_exchange(port: u16, path: &str) -> Result<(String, String, Vec<u8>), String> {
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
    let status = head.split_whitespace().nth(1).unwrap_or("").to_owned();
    let line = head.lines().next().unwrap_or("").to_owned();
    Ok((status, line, response[split + 4..].to_vec()))
}

/// A workspace of the client (generated into it later) and the scenario, with the
/// repository's lock file so that both build with its versions.
fn write_workspace(
    root: &Path,
    work: &Path,
    name: &str,
    client: &str,
    program: &str,
    record: bool,
) -> Result<(), String> {
    let features = if record {
        "[\"tracing\", \"record\"]"
    } else {
        "[\"tracing\"]"
    };
    let scenario = root.join(program);
    let files = [
        (
            "Cargo.toml",
            "[workspace]\nresolver = \"3\"\nmembers = [\"scenario\"]\n".to_owned(),
        ),
        (
            "scenario/Cargo.toml",
            format!(
                "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\
                 publish = false\n\n[[bin]]\nname = \"{name}\"\npath = {:?}\n\n\
                 [[bin]]\nname = \"{name}-every-type\"\npath = \"src/every_type.rs\"\n\n\
                 [dependencies]\n\
                 api_client = {{ package = \"{client}\", path = \"../{client}\", features = {features} }}\n\
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

/// A program that stores, clones, compares, encodes, decodes and sends across threads
/// every type an operation of `api` answers with, as an application does, so that
/// building it shows the types need nothing from their users (no `recursion_limit`);
/// its text and the number of types.
fn every_response_type(api: &openapi_clientgen::ir::Api) -> (String, usize) {
    use openapi_clientgen::ir::{ResponseBody, Ty};
    fn named<'a>(ty: &'a Ty, out: &mut std::collections::BTreeSet<&'a str>) {
        match ty {
            Ty::Named(name) => {
                out.insert(name);
            }
            Ty::Option(inner) | Ty::Vec(inner) | Ty::Map(inner) | Ty::Box(inner) => {
                named(inner, out);
            }
            _ => {}
        }
    }
    let mut names = std::collections::BTreeSet::new();
    for op in &api.operations {
        for response in &op.responses {
            let bodies =
                std::iter::once(&response.body).chain(response.media.iter().map(|(_, b)| b));
            for body in bodies {
                if let ResponseBody::Json(ty) = body {
                    named(ty, &mut names);
                }
            }
        }
    }
    let mut text = String::from(
        "// Every type the client's operations answer with, used as applications use them.\n\n\
         use api_client::types;\n\n\
         fn exercise<T>(json: &str)\n\
         where\n    T: Clone + PartialEq + std::fmt::Debug + serde::Serialize + serde::de::DeserializeOwned + Send + Sync + 'static,\n\
         {\n    \
             let stored: Vec<T> = serde_json::from_str::<T>(json).into_iter().collect();\n    \
             let copy = stored.clone();\n    \
             assert_eq!(copy, stored);\n    \
             for value in &copy {\n        serde_json::to_string(value).expect(\"encodes\");\n    }\n    \
             std::thread::spawn(move || drop(copy)).join().expect(\"joins\");\n\
         }\n\nfn main() {\n",
    );
    for name in &names {
        text.push_str(&format!("    exercise::<types::{name}>(\"{{}}\");\n"));
    }
    text.push_str("}\n");
    (text, names.len())
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
fn run_bounded(
    binary: &Path,
    base_url: &str,
    recording: Option<&Path>,
    limit: Duration,
) -> Result<(bool, Vec<u8>), String> {
    if let Some(recording) = recording {
        // A recording of an earlier run would be compared again.
        let _ = std::fs::remove_file(recording);
    }
    let mut child = Command::new(binary)
        .arg(base_url)
        .args(recording)
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
