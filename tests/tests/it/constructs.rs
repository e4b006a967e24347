//! The constructs of the fixture specs, exercised through their compiled modules against a
//! real HTTP server on 127.0.0.1: what each sends on the wire and how each decodes.

use std::time::Duration;

use livedesk_tests::fixtures::{
    bodies, deep_nesting, fields, formats, one_of, outcomes, query_styles, recursion, security,
    servers,
};
use security::{ApiKey, BasicAuth, BearerToken};
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{header, json, multipart_parts, received, serve};

#[tokio::test]
async fn query_path_and_header_parameters_follow_their_styles() {
    use query_styles::types::{SearchFilter, SearchLabelsItem, SearchPoint};
    let server = serve(ResponseTemplate::new(204)).await;
    let client = query_styles::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client");
    let tags = ["a b".to_owned(), "c&d".to_owned()];
    let colors = ["red".to_owned(), "green".to_owned()];
    let words = ["x".to_owned(), "y".to_owned()];
    let filter = SearchFilter {
        status: Some("open".to_owned()),
        min: Some(2),
    };
    let point = SearchPoint {
        x: Some(1.5),
        y: Some(-2.0),
    };
    let labels = [
        SearchLabelsItem::Red,
        SearchLabelsItem::Unknown("pink".to_owned()),
    ];
    let trace = ["t1".to_owned(), "t2".to_owned()];
    client
        .search(&[1, 2, 3], true)
        .tags(&tags)
        .colors(&colors)
        .words(&words)
        .levels(&[4, 5])
        .filter(&filter)
        .point(&point)
        .labels(&labels)
        .x_trace(&trace)
        .await
        .expect("204");

    let request = received(&server).await;
    assert_eq!(request.url.path(), "/search/1,2,3");
    assert_eq!(
        request.url.query(),
        Some(
            "tags=a+b&tags=c%26d&colors=red%2Cgreen&words=x+y&levels=4%7C5\
             &filter%5Bstatus%5D=open&filter%5Bmin%5D=2&x=1.5&y=-2.0&labels%5B%5D=red&labels%5B%5D=pink"
        )
    );
    assert_eq!(header(&request, "x-trace").as_deref(), Some("t1,t2"));
    assert_eq!(header(&request, "x-flag").as_deref(), Some("true"));
}

#[tokio::test]
async fn optional_parameters_left_unset_are_not_sent() {
    let server = serve(ResponseTemplate::new(204)).await;
    let client = query_styles::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client");
    client.search(&[7], false).await.expect("204");
    let request = received(&server).await;
    assert_eq!(request.url.query(), None);
    assert_eq!(header(&request, "x-trace"), None);
}

#[tokio::test]
async fn path_values_are_percent_encoded_segments() {
    use livedesk_tests::fixtures::params;
    let server = serve(json(200, json!({"content": "x"}))).await;
    let client = params::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client");
    client
        .get_file("o/w n", "r?e#p", "dir/file.txt", "main")
        .await
        .expect("200");
    let request = received(&server).await;
    assert_eq!(
        request.url.path(),
        "/repos/o%2Fw%20n/r%3Fe%23p/files/dir%2Ffile.txt"
    );
    assert_eq!(request.url.query(), Some("ref=main"));
}

#[tokio::test]
async fn form_bodies_are_url_encoded_pairs() {
    let server = serve(ResponseTemplate::new(204)).await;
    let client = bodies::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client");
    let body = bodies::types::LoginBody {
        user: "ada lovelace".to_owned(),
        scopes: Some(vec!["read".to_owned(), "write&x".to_owned()]),
    };
    client.login(&body).await.expect("204");
    let request = received(&server).await;
    assert_eq!(
        header(&request, "content-type").as_deref(),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        std::str::from_utf8(&request.body).expect("utf-8"),
        "user=ada+lovelace&scopes=read&scopes=write%26x"
    );
}

#[tokio::test]
async fn multipart_bodies_carry_a_part_per_property() {
    use bodies::File;
    let server = serve(ResponseTemplate::new(201)).await;
    let client = bodies::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client");
    let body = bodies::types::UploadFileBody {
        file: File::new(vec![0, 159, 146, 150]),
        description: Some("a \"quoted\" note".to_owned()),
        meta: Some(bodies::types::UploadFileBodyMeta { size: Some(4) }),
        attachments: Some(vec![
            File::new(b"%PDF".to_vec())
                .with_file_name("report \"final\".pdf")
                .with_content_type("application/pdf"),
        ]),
        tags: Some(vec!["a".to_owned(), "b".to_owned()]),
    };
    client.upload_file(&body).await.expect("201");
    let request = received(&server).await;
    let parts = multipart_parts(&request);
    let find = |name: &str, headers: &[(String, String)]| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    let disposition: Vec<String> = parts
        .iter()
        .map(|(headers, _)| find("content-disposition", headers).expect("disposition"))
        .collect();
    assert_eq!(
        disposition,
        [
            r#"form-data; name="file"; filename="file""#,
            r#"form-data; name="description""#,
            r#"form-data; name="meta""#,
            r#"form-data; name="attachments"; filename="report \"final\".pdf""#,
            r#"form-data; name="tags""#,
        ]
    );
    let types: Vec<Option<String>> = parts
        .iter()
        .map(|(headers, _)| find("content-type", headers))
        .collect();
    assert_eq!(
        types,
        [
            // The first of the types the spec's `encoding` lists.
            Some("image/png".to_owned()),
            None,
            Some("application/json".to_owned()),
            // The caller's choice.
            Some("application/pdf".to_owned()),
            Some("application/json".to_owned()),
        ]
    );
    let contents: Vec<&[u8]> = parts.iter().map(|(_, c)| c.as_slice()).collect();
    assert_eq!(
        contents,
        [
            &[0, 159, 146, 150][..],
            b"a \"quoted\" note",
            br#"{"size":4}"#,
            b"%PDF",
            br#"["a","b"]"#,
        ]
    );
}

#[tokio::test]
async fn text_and_byte_bodies_are_sent_as_they_are() {
    let server_text = serve(ResponseTemplate::new(204)).await;
    let client = bodies::Client::builder()
        .base_url(server_text.uri())
        .build()
        .expect("client");
    client.put_note("héllo\nworld").await.expect("204");
    let request = received(&server_text).await;
    assert_eq!(
        header(&request, "content-type").as_deref(),
        Some("text/plain")
    );
    assert_eq!(request.body, "héllo\nworld".as_bytes());

    let server_bytes = serve(ResponseTemplate::new(204)).await;
    let client = bodies::Client::builder()
        .base_url(server_bytes.uri())
        .build()
        .expect("client");
    client.put_blob().body([1, 2, 255]).await.expect("204");
    let request = received(&server_bytes).await;
    assert_eq!(
        header(&request, "content-type").as_deref(),
        Some("application/octet-stream")
    );
    assert_eq!(request.body, vec![1, 2, 255]);
}

#[tokio::test]
async fn merge_patch_bodies_can_clear_any_optional_field() {
    use bodies::Patch;
    let server = serve(json(200, json!({"title": "t"}))).await;
    let client = bodies::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client");
    let body = bodies::types::Document {
        title: Patch::Null,
        body: Patch::Set("new".to_owned()),
    };
    let response = client.patch_document("d1", &body).await.expect("200");
    let request = received(&server).await;
    assert_eq!(
        header(&request, "content-type").as_deref(),
        Some("application/merge-patch+json")
    );
    assert_eq!(
        std::str::from_utf8(&request.body).expect("utf-8"),
        r#"{"title":null,"body":"new"}"#
    );
    assert_eq!(response.title, Patch::Set("t".to_owned()));
    assert_eq!(response.body, Patch::Absent);
}

#[tokio::test]
async fn a_body_offered_in_two_media_types_is_sent_as_json() {
    use bodies::Patch;
    let server = serve(ResponseTemplate::new(204)).await;
    let client = bodies::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client");
    let body = bodies::types::Document {
        title: Patch::Set("x".to_owned()),
        ..Default::default()
    };
    client.two_media_types(&body).await.expect("204");
    let request = received(&server).await;
    assert_eq!(
        header(&request, "content-type").as_deref(),
        Some("application/json")
    );
    assert_eq!(
        std::str::from_utf8(&request.body).expect("utf-8"),
        r#"{"title":"x"}"#
    );
}

#[tokio::test]
async fn successes_that_differ_by_status_decode_into_their_variants() {
    use outcomes::types::{ResultSchema as JobResult, SubmitJobSuccess as Success, Ticket};
    let cases = [
        (
            json(200, json!({"output": "done"})),
            Success::Ok(JobResult {
                output: Some("done".to_owned()),
            }),
        ),
        (
            json(202, json!({"id": "t-1"})),
            Success::Accepted(Ticket {
                id: Some("t-1".to_owned()),
            }),
        ),
        (ResponseTemplate::new(204), Success::NoContent),
    ];
    for (template, expected) in cases {
        let server = serve(template).await;
        let client = outcomes::Client::builder()
            .base_url(server.uri())
            .build()
            .expect("client");
        let response = client.submit_job().await.expect("success");
        assert_eq!(response.body(), &expected);
    }
    // A 2xx the spec does not list for this operation cannot be decoded blindly.
    let server = serve(json(201, json!({}))).await;
    let client = outcomes::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client");
    let error = client
        .submit_job()
        .await
        .expect_err("201 is not documented");
    assert!(matches!(&error, outcomes::Error::Decode(_)), "{error:?}");
    assert!(error.to_string().contains("not documented"), "{error}");
}

#[tokio::test]
async fn errors_that_differ_by_status_decode_into_their_variants() {
    use outcomes::types::{Conflict, Problem, SubmitJobError as Failure};
    let cases = [
        (
            json(409, json!({"running": "j-9"})),
            Some(Failure::Conflict(Conflict {
                running: Some("j-9".to_owned()),
            })),
        ),
        (
            ResponseTemplate::new(503).set_body_string("overloaded"),
            Some(Failure::ServerError("overloaded".to_owned())),
        ),
        (
            json(418, json!({"title": "teapot"})),
            Some(Failure::Default(Problem {
                title: Some("teapot".to_owned()),
            })),
        ),
        (ResponseTemplate::new(409).set_body_string("<html>"), None),
    ];
    for (template, expected) in cases {
        let server = serve(template).await;
        let client = outcomes::Client::builder()
            .base_url(server.uri())
            .build()
            .expect("client");
        let error = client.submit_job().await.expect_err("an error status");
        let outcomes::Error::Status(response) = error else {
            panic!("a status error")
        };
        assert_eq!(response.body(), expected.as_ref());
    }
}

#[tokio::test]
async fn text_and_binary_responses_are_read_as_such() {
    let server_text = serve(ResponseTemplate::new(206).set_body_string("line 1\nline 2")).await;
    let client = outcomes::Client::builder()
        .base_url(server_text.uri())
        .build()
        .expect("client");
    let logs = client.get_logs().await.expect("a 2XX text body");
    assert_eq!(logs.body(), "line 1\nline 2");
    assert_eq!(logs.status().as_u16(), 206);

    let server_bytes = serve(
        ResponseTemplate::new(200).set_body_raw(vec![0u8, 1, 2, 254], "application/octet-stream"),
    )
    .await;
    let client = outcomes::Client::builder()
        .base_url(server_bytes.uri())
        .build()
        .expect("client");
    let body = client.get_archive().await.expect("bytes").into_body();
    assert_eq!(
        body.bytes().await.expect("the whole body"),
        vec![0, 1, 2, 254]
    );

    let server_missing = serve(ResponseTemplate::new(404).set_body_string("no archive yet")).await;
    let client = outcomes::Client::builder()
        .base_url(server_missing.uri())
        .build()
        .expect("client");
    let outcomes::Error::Status(response) = client.get_archive().await.expect_err("404") else {
        panic!("a status error")
    };
    assert_eq!(response.body().map(String::as_str), Some("no archive yet"));
}

#[tokio::test]
async fn tagged_unions_write_and_read_their_tag() {
    use one_of::types::{Circle, Event, EventCreated, Shape};
    let server = serve(json(200, json!({"type": "created", "id": "e1"}))).await;
    let client = one_of::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client");
    // The variant decides the tag, whatever the struct's own field says.
    let shape = Shape::Circle(Circle {
        kind: "anything".to_owned(),
        radius: 2.5,
    });
    let event = client.draw_shape(&shape).await.expect("200").into_body();
    assert_eq!(
        event,
        Event::Created(EventCreated {
            id: "e1".to_owned()
        })
    );
    let sent: Value = serde_json::from_slice(&received(&server).await.body).expect("JSON");
    assert_eq!(sent, json!({"kind": "circle", "radius": 2.5}));

    let unknown: Event =
        serde_json::from_value(json!({"type": "paused", "for": 5})).expect("tolerated");
    assert_eq!(unknown, Event::Unknown(json!({"type": "paused", "for": 5})));
    assert_eq!(
        serde_json::to_value(&unknown).expect("encodes"),
        json!({"type": "paused", "for": 5})
    );
    let failed: Event =
        serde_json::from_value(json!({"type": "failed", "reason": "disk"})).expect("decodes");
    assert_eq!(
        serde_json::to_value(&failed).expect("encodes"),
        json!({"type": "failed", "reason": "disk"})
    );
}

#[test]
fn untagged_unions_pick_the_shape_the_value_fits() {
    use one_of::types::{IdOrName, Pet};
    assert_eq!(
        serde_json::from_value::<IdOrName>(json!(7)).expect("int"),
        IdOrName::Integer(7)
    );
    assert_eq!(
        serde_json::from_value::<IdOrName>(json!("seven")).expect("str"),
        IdOrName::Text("seven".to_owned())
    );
    assert_eq!(
        serde_json::from_value::<IdOrName>(json!(true)).expect("kept"),
        IdOrName::Unknown(json!(true))
    );
    let pet: Pet = serde_json::from_value(json!({"petType": "Dog", "barks": true})).expect("dog");
    assert!(
        matches!(pet, Pet::Dog(ref d) if d.barks == Some(true)),
        "{pet:?}"
    );
}

#[tokio::test]
async fn formats_travel_in_their_standard_text_forms() {
    use chrono::TimeZone;
    let id = uuid::Uuid::parse_str("6f1c6e3e-8b9f-4e44-9a8e-1f2b3c4d5e6f").expect("uuid");
    let body = json!({
        "created": "2026-03-01T12:30:00+02:00",
        "day": "2026-03-01",
        "id": id.to_string(),
        "blob": "aGVsbG8=",
        "unsigned": 18446744073709551615u64,
        "byte_sized": 255,
        "ratio": 0.5,
    });
    let server = serve(json(200, body)).await;
    let client = formats::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client");
    let since = chrono::Utc
        .with_ymd_and_hms(2026, 1, 2, 3, 4, 5)
        .single()
        .expect("a time");
    let record = client
        .get_record(id)
        .since(since)
        .await
        .expect("200")
        .into_body();
    let request = received(&server).await;
    assert_eq!(request.url.path(), format!("/records/{id}"));
    assert_eq!(request.url.query(), Some("since=2026-01-02T03%3A04%3A05Z"));
    assert_eq!(
        record.created,
        Some(
            chrono::Utc
                .with_ymd_and_hms(2026, 3, 1, 10, 30, 0)
                .single()
                .expect("a time")
        )
    );
    assert_eq!(record.day, chrono::NaiveDate::from_ymd_opt(2026, 3, 1));
    assert_eq!(record.id, Some(id));
    assert_eq!(
        record.blob.as_ref().map(|b| b.0.as_slice()),
        Some(&b"hello"[..])
    );
    assert_eq!(record.unsigned, Some(u64::MAX));
    assert_eq!(record.byte_sized, Some(255));
    assert_eq!(
        serde_json::to_value(&record.blob).expect("encodes"),
        json!("aGVsbG8=")
    );
}

#[test]
#[allow(
    deprecated,
    reason = "`nickname` is deprecated in the spec, which is what this checks"
)]
fn extra_properties_and_read_only_fields_round_trip() {
    use fields::types::Account;
    let wire = json!({"id": "a1", "name": "ada", "plan": "pro", "region": "eu", "tier": "gold"});
    let account: Account = serde_json::from_value(wire.clone()).expect("decodes");
    assert_eq!(account.id.as_deref(), Some("a1"));
    assert_eq!(account.password, None, "write-only: absent in responses");
    assert_eq!(
        account
            .additional_properties
            .get("region")
            .map(String::as_str),
        Some("eu")
    );
    assert_eq!(serde_json::to_value(&account).expect("encodes"), wire);
    // Read-only fields need not be set in a request body.
    let request = Account {
        id: None,
        name: "ada".to_owned(),
        password: Some("pw".to_owned()),
        plan: None,
        retries: None,
        nickname: None,
        additional_properties: Default::default(),
    };
    assert_eq!(
        serde_json::to_value(&request).expect("encodes"),
        json!({"name": "ada", "password": "pw"})
    );
}

#[test]
fn recursive_types_decode_to_any_depth() {
    use recursion::types::{Node, Tree};
    let node: Node = serde_json::from_value(json!({"value": "a", "next": {"value": "b", "next": {"value": "c"}}, "children": [{"value": "d"}]}))
        .expect("decodes");
    assert_eq!(
        node.next
            .as_ref()
            .and_then(|n| n.next.as_ref())
            .and_then(|n| n.value.as_deref()),
        Some("c")
    );
    let tree: Tree = serde_json::from_value(json!([[[]], []])).expect("decodes");
    assert_eq!(tree.0.len(), 2);
}

#[tokio::test]
async fn a_reference_cycle_longer_than_rustcs_default_limit_compiles_and_round_trips() {
    // 70 schemas in a ring, `Link00` to `Link69` and back: decode a lap and a half
    // (serde_json itself stops at 128 levels of nesting).
    let mut body = json!({"id": 104});
    for id in (0..104).rev() {
        body = json!({"id": id, "next": body});
    }
    let server = serve(json(200, body.clone())).await;
    let client = deep_nesting::Client::builder()
        .base_url(server.uri())
        .build()
        .expect("client");
    let link = client.get_link(0).await.expect("decodes").into_body();
    let second = link.next.as_ref().expect("a second link");
    assert_eq!((link.id, second.id), (0, 1));
    let last = link.clone();
    assert_eq!(serde_json::to_value(&link).expect("encodes"), body);
    drop(link);
    assert_eq!(last.next.expect("a second link").id, 1);
}

#[tokio::test]
async fn each_operation_sends_the_credentials_its_security_asks_for() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(json(200, json!({"name": "me"})))
        .mount(&server)
        .await;
    let client = security::Client::builder()
        .base_url(server.uri())
        .bearer(BearerToken::new("tok-123"))
        .api_key(ApiKey::new("hdr-key"))
        .api_key_query(ApiKey::new("qry-key"))
        .basic(BasicAuth::new("u", "p"))
        .build()
        .expect("client");
    client.who_am_i().await.expect("200");
    client.admin_action().await.expect("a 2xx");
    client.health().await.expect("a 2xx");
    let requests = server.received_requests().await.expect("recording is on");
    let [who, admin, health] = requests.as_slice() else {
        panic!("three requests")
    };
    // The first alternative (bearer) wins; the API key alternative is not sent with it.
    assert_eq!(
        header(who, "authorization").as_deref(),
        Some("Bearer tok-123")
    );
    assert_eq!(header(who, "x-api-key"), None);
    assert_eq!(
        header(admin, "authorization").as_deref(),
        Some("Basic dTpw")
    );
    assert_eq!(admin.url.query(), Some("api_key=qry-key"));
    assert_eq!(
        header(health, "authorization"),
        None,
        "security: [] sends nothing"
    );

    // Without the bearer token the second alternative is used.
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(json(200, json!({})))
        .mount(&server)
        .await;
    let client = security::Client::builder()
        .base_url(server.uri())
        .api_key(ApiKey::new("hdr-key"))
        .build()
        .expect("client");
    client.who_am_i().await.expect("200");
    let request = received(&server).await;
    assert_eq!(header(&request, "x-api-key").as_deref(), Some("hdr-key"));
    assert_eq!(header(&request, "authorization"), None);
}

/// What [`SeeErrors`] saw.
static SEEN_BY_HOOK: std::sync::Mutex<String> = std::sync::Mutex::new(String::new());

/// A hook that keeps how the errors it is handed show, as a logging hook would.
struct SeeErrors;

impl security::Hook for SeeErrors {
    fn send<'a>(
        &'a self,
        request: reqwest::Request,
        next: security::Next<'a>,
    ) -> security::BoxFuture<'a, Result<reqwest::Response, security::SendError>> {
        Box::pin(async move {
            let result = next.send(request).await;
            if let Err(error) = &result {
                SEEN_BY_HOOK
                    .lock()
                    .expect("lock")
                    .push_str(&format!("{error} {error:?}"));
            }
            result
        })
    }
}

#[tokio::test]
async fn credentials_never_appear_in_debug_output_or_errors() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let client = security::Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .bearer(BearerToken::new("tok-secret"))
        .api_key_query(ApiKey::new("query-secret"))
        .basic(BasicAuth::new("user", "pass-secret"))
        .timeout(Duration::from_secs(5))
        .hook(SeeErrors)
        .build()
        .expect("client");
    let error = client
        .admin_action()
        .await
        .expect_err("nothing listens there");
    let seen = SEEN_BY_HOOK.lock().expect("lock").clone();
    assert!(!seen.is_empty(), "the hook saw the failed attempt");
    for text in [
        format!("{client:?}"),
        format!("{error}"),
        format!("{error:?}"),
        seen,
    ] {
        for secret in ["tok-secret", "query-secret", "pass-secret"] {
            assert!(!text.contains(secret), "{secret} shows in: {text}");
        }
    }
}

#[test]
fn server_variables_fill_the_base_url() {
    assert_eq!(
        servers::client::DEFAULT_BASE_URL,
        "https://eu.api.example.com/v2"
    );
    let client = servers::Client::builder()
        .server("us", "v3")
        .build()
        .expect("client");
    assert_eq!(client.base_url(), "https://us.api.example.com/v3");
}
