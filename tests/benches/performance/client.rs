//! Client overhead: the generated LiveDesk client against equivalent hand-written reqwest and
//! serde_json code, sending the same update-contact request to a server on 127.0.0.1 in
//! another process, so that the CPU time measured here is the client's alone. Also with a
//! hook that passes requests on, and with the `tracing` feature (the same sources compiled
//! with it, as `livedesk_tests::livedesk_traced`), without and with a subscriber.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use livedesk_client::types::{ContactResponse, ContactUpdate};
use livedesk_client::{BasicAuth, BoxFuture, Client, Hook, Next, SendError};
use livedesk_tests::livedesk_traced as traced;
use serde::{Deserialize, Serialize};

const KEY: &str = "bench-key";
const SECRET: &str = "bench-secret";

/// The spec's request and response examples, as JSON text.
fn examples() -> (String, String) {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../spec/livedesk.yaml"
    ))
    .expect("spec");
    let spec: serde_json::Value = serde_yaml::from_str(&text).expect("spec parses");
    let op = &spec["paths"]["/api/v2/accounts/contacts/{id}"]["patch"];
    let request = op["requestBody"]["content"]["application/json"]["example"].to_string();
    let response = op["responses"]["200"]["content"]["application/json"]["example"].to_string();
    (request, response)
}

// ---- The server, run in a child process -------------------------------------------------

/// `--serve`: answers every request on 127.0.0.1 with the response example, keeping
/// connections alive; prints its port, and exits when stdin closes or after ten minutes.
pub fn serve() {
    let (_, response) = examples();
    let reply = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{response}",
        response.len()
    );
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    println!("{}", listener.local_addr().expect("address").port());
    std::thread::spawn(|| {
        // The parent keeps our stdin open; when it goes away, so do we.
        let _ = std::io::stdin().read_to_end(&mut Vec::new());
        std::process::exit(0);
    });
    std::thread::spawn(|| {
        std::thread::sleep(Duration::from_secs(600));
        std::process::exit(0);
    });
    for stream in listener.incoming().flatten() {
        let reply = reply.clone();
        std::thread::spawn(move || connection(stream, reply.as_bytes()));
    }
}

fn connection(stream: TcpStream, reply: &[u8]) {
    let _ = stream.set_nodelay(true);
    let mut writer = match stream.try_clone() {
        Ok(writer) => writer,
        Err(_) => return,
    };
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    loop {
        let mut length = 0usize;
        loop {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            if line == "\r\n" {
                break;
            }
            let lower = line.to_ascii_lowercase();
            if let Some(value) = lower.strip_prefix("content-length:") {
                length = value.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() || writer.write_all(reply).is_err() {
            return;
        }
    }
}

struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start() -> Self {
        let mut child = Command::new(std::env::current_exe().expect("the bench binary"))
            .arg("--serve")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the server starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the server's port");
        let port = line.trim().parse().expect("a port");
        Server { child, port }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---- Hand-written equivalents -----------------------------------------------------------

#[derive(Serialize, Deserialize)]
struct HandUpdate {
    #[serde(skip_serializing_if = "Option::is_none")]
    additional_attributes: Option<HandAttributes>,
    #[serde(skip_serializing_if = "Option::is_none")]
    availability_status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    phone_number: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    blocked: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    identifier: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    thumbnail: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_activity_at: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    custom_attributes: Option<serde_json::Map<String, serde_json::Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    created_at: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_name: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct HandAttributes {
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    company_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    city: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    telegram: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    country: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    country_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    social_profiles: Option<HandProfiles>,
}

#[derive(Serialize, Deserialize)]
struct HandProfiles {
    #[serde(skip_serializing_if = "Option::is_none")]
    facebook: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    github: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    instagram: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    linkedin: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    twitter: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code, reason = "decoded like the generated type, not read")]
struct HandResponse {
    payload: HandContact,
}

#[derive(Deserialize)]
#[allow(dead_code, reason = "decoded like the generated type, not read")]
struct HandContact {
    additional_attributes: Option<HandAttributes>,
    availability_status: Option<String>,
    email: Option<String>,
    id: i64,
    name: Option<String>,
    phone_number: Option<String>,
    blocked: Option<bool>,
    identifier: Option<String>,
    thumbnail: Option<String>,
    custom_attributes: Option<serde_json::Map<String, serde_json::Value>>,
    created_at: Option<i64>,
    last_activity_at: Option<i64>,
    contact_inboxes: Option<Vec<HandInboxLink>>,
}

#[derive(Deserialize)]
#[allow(dead_code, reason = "decoded like the generated type, not read")]
struct HandInboxLink {
    source_id: Option<String>,
    inbox: Option<HandInbox>,
}

#[derive(Deserialize)]
#[allow(dead_code, reason = "decoded like the generated type, not read")]
struct HandInbox {
    id: Option<i64>,
    name: Option<String>,
    channel_type: Option<String>,
}

/// What a careful hand-written call does: build the URL, authenticate, send JSON, check
/// the status, decode the body.
async fn hand_written(http: &reqwest::Client, base: &str, body: &HandUpdate) -> HandResponse {
    let url = format!("{base}/api/v2/accounts/contacts/318763?include_contact_inboxes=true");
    let response = http
        .patch(url)
        .basic_auth(KEY, Some(SECRET))
        .header(reqwest::header::ACCEPT, "application/json")
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(serde_json::to_vec(body).expect("encodes"))
        .send()
        .await
        .expect("sent");
    assert!(response.status().is_success());
    let bytes = response.bytes().await.expect("body");
    serde_json::from_slice(&bytes).expect("decodes")
}

/// A hook that does nothing but pass the request on: what the hook point itself costs.
struct PassOn;

impl Hook for PassOn {
    fn send<'a>(
        &'a self,
        request: reqwest::Request,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<reqwest::Response, SendError>> {
        next.send(request)
    }
}

// ---- Measurement ------------------------------------------------------------------------

/// CPU time the calling thread spends in `f` (the thread's CPU clock, to the nanosecond).
pub fn cpu_of(f: impl FnOnce()) -> Duration {
    let start = cpu_time::ThreadTime::now();
    f();
    start.elapsed()
}

/// Ratio of the medians of paired rounds, generated / hand-written.
pub fn ratio(generated: &mut [Duration], hand: &mut [Duration]) -> (f64, Duration, Duration) {
    generated.sort();
    hand.sort();
    let (g, h) = (generated[generated.len() / 2], hand[hand.len() / 2]);
    (g.as_secs_f64() / h.as_secs_f64(), g, h)
}

pub fn run(quick: bool) {
    let (request_json, response_json) = examples();
    let generated_body: ContactUpdate = serde_json::from_str(&request_json).expect("example fits");
    let hand_body: HandUpdate = serde_json::from_str(&request_json).expect("example fits");
    let (rounds, per_round, codec_iterations) = if quick {
        (3, 200, 2_000)
    } else {
        (11, 3_000, 50_000)
    };

    let server = Server::start();
    let base = format!("http://127.0.0.1:{}", server.port);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let client = Client::builder(BasicAuth::new(KEY, SECRET))
        .base_url(&base)
        .build()
        .expect("client");
    let http = reqwest::Client::builder()
        .timeout(livedesk_client::DEFAULT_TIMEOUT)
        .connect_timeout(livedesk_client::DEFAULT_CONNECT_TIMEOUT)
        .build()
        .expect("reqwest client");

    let hooked = Client::builder(BasicAuth::new(KEY, SECRET))
        .base_url(&base)
        .hook(PassOn)
        .build()
        .expect("client");
    let traced_client = traced::Client::builder(traced::BasicAuth::new(KEY, SECRET))
        .base_url(&base)
        .build()
        .expect("client");
    let traced_body: traced::types::ContactUpdate =
        serde_json::from_str(&request_json).expect("example fits");

    // Warm them all: connections, allocator, caches.
    runtime.block_on(async {
        for _ in 0..200 {
            for client in [&client, &hooked] {
                client
                    .update_contact(318763, &generated_body)
                    .include_contact_inboxes(true)
                    .await
                    .expect("warm");
            }
            traced_client
                .update_contact(318763, &traced_body)
                .include_contact_inboxes(true)
                .await
                .expect("warm");
            hand_written(&http, &base, &hand_body).await;
        }
    });
    // Each variant sends `per_round` requests and returns the CPU time they took.
    let generated = |client: &Client| {
        cpu_of(|| {
            runtime.block_on(async {
                for _ in 0..per_round {
                    let response = client
                        .update_contact(318763, &generated_body)
                        .include_contact_inboxes(true)
                        .await
                        .expect("success");
                    std::hint::black_box(response);
                }
            });
        })
    };
    let traced = |client: &traced::Client| {
        cpu_of(|| {
            runtime.block_on(async {
                for _ in 0..per_round {
                    let response = client
                        .update_contact(318763, &traced_body)
                        .include_contact_inboxes(true)
                        .await
                        .expect("success");
                    std::hint::black_box(response);
                }
            });
        })
    };
    let hand = || {
        cpu_of(|| {
            runtime.block_on(async {
                for _ in 0..per_round {
                    std::hint::black_box(hand_written(&http, &base, &hand_body).await);
                }
            });
        })
    };
    // A subscriber keeping the client's spans, as an application filtering to its own
    // crates has: one that takes everything also turns on the HTTP stack's own events.
    let subscriber = {
        use tracing_subscriber::layer::SubscriberExt as _;
        let ours = tracing_subscriber::filter::Targets::new()
            .with_target("livedesk_tests", tracing::Level::INFO);
        tracing::Dispatch::new(tracing_subscriber::registry().with(ours))
    };
    let variants: [&dyn Fn() -> Duration; 5] = [
        &hand,
        &|| generated(&client),
        &|| generated(&hooked),
        &|| traced(&traced_client),
        &|| tracing::dispatcher::with_default(&subscriber, || traced(&traced_client)),
    ];
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); variants.len()];
    for round in 0..rounds {
        // Rotate which goes first, so drift in the machine's load cancels out.
        for i in 0..variants.len() {
            let which = (i + round) % variants.len();
            times[which].push(variants[which]());
        }
    }
    drop(server);
    let [hand_times, plain, hook, spans, subscribed] = times.try_into().expect("five variants");
    let (request_ratio, g, h) = ratio(&mut plain.clone(), &mut hand_times.clone());
    let (hook_ratio, hg, _) = ratio(&mut hook.clone(), &mut hand_times.clone());
    let (spans_ratio, sg, _) = ratio(&mut spans.clone(), &mut hand_times.clone());
    let (subscribed_ratio, tg, _) = ratio(&mut subscribed.clone(), &mut hand_times.clone());

    let encode = |iterations: usize| {
        let (mut generated, mut hand) = (Vec::new(), Vec::new());
        for _ in 0..rounds {
            generated.push(cpu_of(|| {
                for _ in 0..iterations {
                    std::hint::black_box(
                        serde_json::to_vec(std::hint::black_box(&generated_body)).expect("encodes"),
                    );
                }
            }));
            hand.push(cpu_of(|| {
                for _ in 0..iterations {
                    std::hint::black_box(
                        serde_json::to_vec(std::hint::black_box(&hand_body)).expect("encodes"),
                    );
                }
            }));
        }
        ratio(&mut generated, &mut hand)
    };
    let decode = |iterations: usize| {
        let (mut generated, mut hand) = (Vec::new(), Vec::new());
        for _ in 0..rounds {
            generated.push(cpu_of(|| {
                for _ in 0..iterations {
                    let body: ContactResponse =
                        serde_json::from_str(std::hint::black_box(&response_json))
                            .expect("decodes");
                    std::hint::black_box(body);
                }
            }));
            hand.push(cpu_of(|| {
                for _ in 0..iterations {
                    let body: HandResponse =
                        serde_json::from_str(std::hint::black_box(&response_json))
                            .expect("decodes");
                    std::hint::black_box(body);
                }
            }));
        }
        ratio(&mut generated, &mut hand)
    };
    let (encode_ratio, eg, eh) = encode(codec_iterations);
    let (decode_ratio, dg, dh) = decode(codec_iterations);

    let per = |d: Duration, n: usize| format!("{:.2} µs", d.as_secs_f64() * 1e6 / n as f64);
    println!(
        "## The client against hand-written reqwest + serde_json (CPU time of the client thread)\n"
    );
    println!("| what | generated | hand-written | ratio (target ≤ 1.05) |");
    println!("|---|---|---|---|");
    println!(
        "| update contact over HTTP on 127.0.0.1, per request | {} | {} | **{request_ratio:.3}** |",
        per(g, per_round),
        per(h, per_round)
    );
    println!(
        "| the same, with a hook that passes each request on | {} | {} | {hook_ratio:.3} |",
        per(hg, per_round),
        per(h, per_round)
    );
    println!(
        "| the same, with the `tracing` feature, no subscriber | {} | {} | {spans_ratio:.3} |",
        per(sg, per_round),
        per(h, per_round)
    );
    println!(
        "| the same, with the `tracing` feature and a subscriber keeping its spans | {} | {} | {subscribed_ratio:.3} |",
        per(tg, per_round),
        per(h, per_round)
    );
    println!(
        "| encode the page's full request body | {} | {} | **{encode_ratio:.3}** |",
        per(eg, codec_iterations),
        per(eh, codec_iterations)
    );
    println!(
        "| decode the page's response example | {} | {} | **{decode_ratio:.3}** |",
        per(dg, codec_iterations),
        per(dh, codec_iterations)
    );
    println!();
    println!(
        "Medians of {rounds} alternating rounds of {per_round} requests and {codec_iterations} encodings or decodings."
    );
    println!();
}
