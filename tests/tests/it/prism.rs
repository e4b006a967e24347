//! Conformance against a validating peer: Prism mocks the spec on 127.0.0.1 and checks every
//! request the generated client sends against it. Any request Prism finds in violation of
//! the spec fails the test. `cargo xtask ci` installs the pinned Prism and runs this test
//! with `PRISM` naming its executable.

use std::io::Read;
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use livedesk_client::types::{
    AdditionalAttributes, AvailabilityStatus, ContactUpdate, SocialProfiles,
};
use livedesk_client::{BasicAuth, Client, Patch};

/// Stops the server by its process id when the test ends, however it ends.
struct Server {
    child: Child,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Stops the server and returns everything it logged.
    fn stop(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let mut log = String::new();
        if let Some(mut out) = self.child.stdout.take() {
            let _ = out.read_to_string(&mut log);
        }
        log
    }
}

fn start_prism(prism: &str, port: u16) -> Server {
    let spec = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/livedesk.yaml");
    let child = Command::new(prism)
        .args([
            "mock",
            spec,
            "--host",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--errors",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {prism}: {e}"));
    let server = Server { child };
    let deadline = Instant::now() + Duration::from_secs(90);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "Prism did not listen on 127.0.0.1:{port} within 90 s"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    server
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// Splits Prism's log into one section per request received.
fn per_request(log: &str) -> Vec<String> {
    let mut sections: Vec<String> = Vec::new();
    for line in log.lines() {
        if line.contains("Request received") {
            sections.push(String::new());
        }
        if let Some(section) = sections.last_mut() {
            section.push_str(line);
            section.push('\n');
        }
    }
    sections
}

fn violates(section: &str) -> bool {
    section.contains("Violation") || section.contains("did not pass the validation rules")
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Prism: `cargo xtask ci` installs it and runs this test with PRISM set"]
async fn prism_finds_no_request_of_the_client_in_violation_of_the_spec() {
    let prism = std::env::var("PRISM").expect("PRISM must name the Prism executable");
    let port = free_port();
    let server = start_prism(&prism, port);
    let client = Client::builder(BasicAuth::new("api-key", "api-secret"))
        .base_url(format!("http://127.0.0.1:{port}"))
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client builds");

    let full: ContactUpdate = ContactUpdate {
        additional_attributes: Some(AdditionalAttributes {
            company_name: Some("EngageLab".to_owned()),
            social_profiles: Some(SocialProfiles {
                twitter: Some("engagelab".to_owned()),
                ..Default::default()
            }),
            ..Default::default()
        }),
        availability_status: Some(AvailabilityStatus::Busy),
        email: Some("support@example.com".to_owned()),
        name: Some("support".to_owned()),
        phone_number: Patch::Set("+86 10 1234 5678".to_owned()),
        blocked: Some(true),
        identifier: Some("2222".to_owned()),
        thumbnail: Some("https://example.com/a.png".to_owned()),
        last_activity_at: Some(1_765_441_908),
        custom_attributes: Some(serde_json::Map::from_iter([(
            "vip_level".to_owned(),
            "platinum".into(),
        )])),
        created_at: Some(1_765_441_895),
        first_name: Some("Ada".to_owned()),
        last_name: Some("Lovelace".to_owned()),
    };
    let scenarios: Vec<(&str, ContactUpdate, Option<bool>)> = vec![
        ("every field set", full, None),
        (
            "phone number cleared with null",
            ContactUpdate {
                phone_number: Patch::Null,
                ..Default::default()
            },
            Some(true),
        ),
        (
            "only the name, everything else absent",
            ContactUpdate {
                name: Some("Ada".to_owned()),
                ..Default::default()
            },
            Some(false),
        ),
        ("an empty body", ContactUpdate::default(), None),
    ];
    for (what, body, include) in &scenarios {
        let request = client.update_contact(318763, body);
        let request = match include {
            Some(value) => request.include_contact_inboxes(*value),
            None => request,
        };
        match request.await {
            Ok(response) => assert_eq!(
                response.payload.id, 318763,
                "{what}: Prism answers with the spec's example"
            ),
            Err(error) => panic!("{what}: Prism rejected the request: {error}"),
        }
    }

    // A control that breaks the spec on purpose, to show violations are caught.
    let control = reqwest::Client::new()
        .patch(format!(
            "http://127.0.0.1:{port}/api/v2/accounts/contacts/1"
        ))
        .basic_auth("api-key", Some("api-secret"))
        .header("content-type", "application/json")
        .body(r#"{"blocked":"yes"}"#)
        .send()
        .await
        .expect("Prism answers");
    assert!(
        !control.status().is_success(),
        "Prism must reject a body that breaks the spec"
    );

    let log = server.stop();
    let sections = per_request(&log);
    assert_eq!(
        sections.len(),
        scenarios.len() + 1,
        "one log section per request:\n{log}"
    );
    let (client_sections, control_section) = sections.split_at(scenarios.len());
    for ((what, ..), section) in scenarios.iter().zip(client_sections) {
        assert!(
            !violates(section),
            "{what}: Prism reports a violation:\n{section}"
        );
    }
    assert!(
        violates(&control_section[0]),
        "the control is reported as a violation:\n{}",
        control_section[0]
    );
}
