//! Bodies that stream, events, uploads and pages, against servers on 127.0.0.1: the
//! `streams` fixture's client, reading what a server sends as it sends it.

use std::time::Duration;

use livedesk_tests::fixtures::streams::{self, types};
use serde_json::json;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::raw::{RawServer, bytes, chunk, head, pause};

/// Every test is bounded: a stream that never ends fails the test instead of hanging it.
async fn bounded<T>(future: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(20), future)
        .await
        .expect("finished in time")
}

fn client(url: &str) -> streams::Client {
    streams::Client::builder()
        .base_url(url)
        .build()
        .expect("client")
}

// ---- Downloads --------------------------------------------------------------------

#[tokio::test]
async fn a_download_gives_status_and_headers_before_its_body_arrives() {
    bounded(async {
        let server = RawServer::start(|_, _| {
            vec![
                head(
                    "200 OK",
                    &[
                        ("content-type", "application/octet-stream"),
                        ("transfer-encoding", "chunked"),
                        ("x-file-sha", "abc"),
                    ],
                ),
                chunk(b"first "),
                // The rest comes much later: the response must not wait for it.
                pause(1500),
                chunk(b"second"),
                chunk(b""),
            ]
        })
        .await;
        let started = std::time::Instant::now();
        let response = client(&server.url)
            .download_file("report.bin")
            .await
            .expect("200");
        assert!(
            started.elapsed() < Duration::from_millis(1200),
            "the response waited for the whole body: {:?}",
            started.elapsed()
        );
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["x-file-sha"], "abc");
        let mut body = response.into_body();
        assert_eq!(body.next().await.expect("a chunk").expect("read"), "first ");
        assert_eq!(body.next().await.expect("a chunk").expect("read"), "second");
        assert!(body.next().await.is_none());
        assert!(body.next().await.is_none(), "the end stays the end");
    })
    .await;
}

#[tokio::test]
async fn a_download_collects_when_asked_and_any_media_type_streams() {
    bounded(async {
        let server = RawServer::start(|request, _| {
            let body = format!("you asked for {}", request.line);
            vec![
                head(
                    "200 OK",
                    &[
                        ("content-type", "text/csv"),
                        ("content-length", &body.len().to_string()),
                    ],
                ),
                bytes(body),
            ]
        })
        .await;
        let client = client(&server.url);
        // `*/*` without a schema, and `application/pdf`, are bytes whatever the server says.
        let export = client.download_export(7).await.expect("200").into_body();
        assert_eq!(
            export.bytes().await.expect("the body"),
            "you asked for GET /exports/7 HTTP/1.1"
        );
        let report = client.get_report(3).await.expect("200").into_body();
        assert_eq!(
            report.bytes().await.expect("the body"),
            "you asked for GET /reports/3 HTTP/1.1"
        );
        // A download does not ask for JSON.
        assert_eq!(server.received()[0].header("accept"), Some("*/*"));
    })
    .await;
}

#[tokio::test]
async fn a_download_cut_short_is_an_error_item() {
    bounded(async {
        let server = RawServer::start(|_, _| {
            vec![
                head("200 OK", &[("content-length", "100")]),
                bytes(b"only part of it"),
                // The connection closes here, 85 bytes short.
            ]
        })
        .await;
        let mut body = client(&server.url)
            .download_file("x")
            .await
            .expect("200")
            .into_body();
        let mut read = Vec::new();
        let mut failed = None;
        while let Some(chunk) = body.next().await {
            match chunk {
                Ok(chunk) => read.extend_from_slice(&chunk),
                Err(error) => failed = Some(error),
            }
        }
        assert_eq!(read, b"only part of it");
        let failed = failed.expect("the short body is an error");
        assert!(matches!(failed, streams::Error::Transport(_)), "{failed:?}");
    })
    .await;
}

#[tokio::test]
async fn a_download_that_fails_reads_the_error_body() {
    bounded(async {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(404).set_body_json(json!({"message": "no such file"})),
            )
            .mount(&server)
            .await;
        let error = client(&server.uri())
            .download_file("missing")
            .await
            .expect_err("404");
        let streams::Error::Status(response) = error else {
            panic!("not a status error: {error:?}");
        };
        assert_eq!(
            response.body().map(|p| p.message.as_str()),
            Some("no such file")
        );
    })
    .await;
}

// ---- The limit on bodies read whole -------------------------------------------------

#[tokio::test]
async fn a_body_over_the_limit_fails_before_it_is_read_when_its_length_is_known() {
    bounded(async {
        let server = MockServer::start().await;
        let things: Vec<_> = (0..100)
            .map(|id| json!({"id": id, "label": "x".repeat(50)}))
            .collect();
        let body = json!({ "data": things });
        let length = body.to_string().len();
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_json(&body))
            .mount(&server)
            .await;
        let limited = streams::Client::builder()
            .base_url(server.uri())
            .body_limit(1000)
            .build()
            .expect("client");
        let error = limited.list_things().await.expect_err("over the limit");
        let streams::Error::TooLarge(too_large) = &error else {
            panic!("not TooLarge: {error:?}");
        };
        assert_eq!(too_large.limit(), 1000);
        assert_eq!(too_large.length(), Some(length as u64));
        assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
        assert!(
            error.to_string().contains("over the limit of 1000 bytes"),
            "{error}"
        );
        // The request's own limit wins over the client's.
        let page = limited
            .list_things()
            .body_limit(1_000_000)
            .await
            .expect("within this request's limit");
        assert_eq!(page.data.len(), 100);
        // A body exactly at the limit is read.
        let page = limited
            .list_things()
            .body_limit(length)
            .await
            .expect("at the limit");
        assert_eq!(page.data[99].id, 99);
    })
    .await;
}

#[tokio::test]
async fn a_body_over_the_limit_without_a_length_fails_as_it_is_read() {
    bounded(async {
        let server = RawServer::start(|_, _| {
            let mut pieces = vec![head(
                "200 OK",
                &[
                    ("content-type", "application/json"),
                    ("transfer-encoding", "chunked"),
                ],
            )];
            pieces.push(chunk(br#"{"data": ["#));
            for id in 0..50 {
                pieces.push(chunk(format!(r#"{{"id": {id}}},"#)));
            }
            pieces.push(chunk(br#"{"id": 50}]}"#));
            pieces.push(chunk(b""));
            pieces
        })
        .await;
        let limited = streams::Client::builder()
            .base_url(&server.url)
            .body_limit(200)
            .build()
            .expect("client");
        let error = limited.list_things().await.expect_err("over the limit");
        let streams::Error::TooLarge(too_large) = &error else {
            panic!("not TooLarge: {error:?}");
        };
        assert_eq!((too_large.limit(), too_large.length()), (200, None));
        assert!(
            error
                .to_string()
                .contains("longer than the limit of 200 bytes"),
            "{error}"
        );
        let page = limited
            .list_things()
            .body_limit(10_000)
            .await
            .expect("read whole");
        assert_eq!(page.data.len(), 51);
    })
    .await;
}

// ---- Server-sent events -------------------------------------------------------------

/// An event stream written in awkward pieces: lines ended three ways, a comment, data over
/// two lines, an event split in the middle of a line and of a UTF-8 character.
fn completion_stream() -> Vec<crate::raw::Piece> {
    let chunk1 = r#"{"id":"c1","delta":"Hel"}"#;
    vec![
        head(
            "200 OK",
            &[
                ("content-type", "text/event-stream; charset=utf-8"),
                ("cache-control", "no-cache"),
            ],
        ),
        bytes(": keep-alive\n\n"),
        bytes(format!("id: 1\ndata: {chunk1}\n\n")),
        pause(50),
        bytes("id: 2\r\ndata: {\"id\":\"c1\",\r\ndata: \"delta\":\"lo w"),
        pause(50),
        // `ö` is two bytes; the first ends this piece.
        bytes(b"\xc3"),
        pause(50),
        bytes(b"\xb6rld\"}\r"),
        pause(50),
        bytes("\n\r\n"),
        bytes("event: usage\rdata: {\"id\":\"c1\",\"delta\":\"\",\"finish_reason\":\"stop\"}\r\r"),
        bytes("data: [DONE]\n\n"),
        // The server keeps the connection open after the end: the stream ends anyway.
        pause(30_000),
    ]
}

#[tokio::test]
async fn an_event_stream_decodes_each_event_as_it_arrives_and_ends_at_its_end_marker() {
    bounded(async {
        let server = RawServer::start(|_, _| completion_stream()).await;
        let request = types::CompletionRequest::new("Say hello").stream(true);
        let response = client(&server.url)
            .create_completion(&request)
            .stream()
            .await
            .expect("200");
        assert_eq!(response.status(), 200);
        let mut events = response.into_body();
        let first = events.next().await.expect("an event").expect("decoded");
        assert_eq!(first.name, "message");
        assert_eq!(first.id.as_deref(), Some("1"));
        assert_eq!(first.data, types::CompletionChunk::new("c1", "Hel"));
        let second = events.next().await.expect("an event").expect("decoded");
        assert_eq!(second.id.as_deref(), Some("2"));
        assert_eq!(second.data.delta, "lo wörld");
        let third = events.next().await.expect("an event").expect("decoded");
        assert_eq!(third.name, "usage");
        assert_eq!(third.id.as_deref(), Some("2"), "the last id stays");
        assert_eq!(third.data.finish_reason.as_deref(), Some("stop"));
        let started = std::time::Instant::now();
        assert!(events.next().await.is_none(), "[DONE] ends the stream");
        assert!(started.elapsed() < Duration::from_secs(5));
        assert_eq!(events.last_event_id(), Some("2"));

        let sent = &server.received()[0];
        assert_eq!(sent.header("accept"), Some("text/event-stream"));
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&sent.body).expect("JSON"),
            json!({"prompt": "Say hello", "stream": true})
        );
    })
    .await;
}

#[tokio::test]
async fn the_same_operation_awaited_gives_its_json_body() {
    bounded(async {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/chat/completions"))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(json!({"id": "c1", "text": "Hello"})),
            )
            .mount(&server)
            .await;
        let request = types::CompletionRequest::new("Say hello");
        let completion = client(&server.uri())
            .create_completion(&request)
            .await
            .expect("200")
            .into_body();
        assert_eq!(completion, types::Completion::new("c1", "Hello"));
        let sent = &server.received_requests().await.expect("recorded")[0];
        assert_eq!(sent.headers["accept"], "application/json");
    })
    .await;
}

#[tokio::test]
async fn a_bad_event_is_an_error_item_and_the_stream_goes_on() {
    bounded(async {
        let server = RawServer::start(|_, _| {
            vec![
                head("200 OK", &[("content-type", "text/event-stream")]),
                bytes("data: {\"percent\": 10}\n\n"),
                bytes("data: {\"percent\": \"ten\", \"stage\": 4}\n\n"),
                bytes("data: not json at all\n\n"),
                bytes("event: done\nid: 9\nretry: 2500\ndata: {\"result_url\": \"https://r/1\", \"took_ms\": 5}\n\n"),
                bytes("data: {\"error\": \"disk full\"}\n\n"),
                bytes("data: {\"unexpected\": true}\n\n"),
            ]
        })
        .await;
        let mut events = client(&server.url)
            .watch_job("j1")
            .await
            .expect("200")
            .into_body();
        let mut read = Vec::new();
        while let Some(event) = events.next().await {
            read.push(event);
        }
        assert_eq!(read.len(), 6);
        let progress = read[0].as_ref().expect("decoded");
        assert!(matches!(&progress.data, types::JobEvent::Progress(p) if p.percent == 10));
        // `percent` is not an integer: no variant fits, the union keeps the value whole.
        let kept = read[1].as_ref().expect("decoded");
        assert!(
            matches!(&kept.data, types::JobEvent::Unknown(v) if v["percent"] == "ten"),
            "{:?}",
            kept.data
        );
        let streams::Error::Decode(bad) = read[2].as_ref().expect_err("not JSON") else {
            panic!("not a decoding error: {:?}", read[2]);
        };
        assert_eq!(bad.excerpt(), "not json at all");
        let done = read[3].as_ref().expect("decoded");
        assert_eq!(done.name, "done");
        assert_eq!(done.id.as_deref(), Some("9"));
        assert_eq!(done.retry, Some(Duration::from_millis(2500)));
        assert!(
            matches!(&done.data, types::JobEvent::Finished(f) if f.result_url == "https://r/1" && f.took_ms == Some(5))
        );
        assert!(matches!(&read[4].as_ref().expect("decoded").data, types::JobEvent::Failed(f) if f.error == "disk full"));
        assert!(matches!(&read[5].as_ref().expect("decoded").data, types::JobEvent::Unknown(_)));
        assert_eq!(events.retry(), Some(Duration::from_millis(2500)));
        assert_eq!(server.received()[0].header("accept"), Some("text/event-stream"));
    })
    .await;
}

#[tokio::test]
async fn a_bad_event_names_where_it_fails() {
    bounded(async {
        let server = RawServer::start(|_, _| {
            vec![
                head("200 OK", &[("content-type", "text/event-stream")]),
                bytes("data: {\"id\": \"c\", \"delta\": 5}\n\n"),
                bytes("data: [DONE]\n\n"),
            ]
        })
        .await;
        let request = types::CompletionRequest::new("x");
        let mut events = client(&server.url)
            .create_completion(&request)
            .stream()
            .await
            .expect("200")
            .into_body();
        let error = events
            .next()
            .await
            .expect("an item")
            .expect_err("delta is no string");
        let streams::Error::Decode(bad) = &error else {
            panic!("{error:?}");
        };
        assert_eq!(bad.path(), "delta");
        assert!(bad.excerpt().contains("\"delta\": 5"), "{}", bad.excerpt());
        assert!(events.next().await.is_none());
    })
    .await;
}

#[tokio::test]
async fn text_events_keep_their_data_as_text() {
    bounded(async {
        let server = RawServer::start(|_, _| {
            vec![
                head("200 OK", &[("content-type", "text/event-stream")]),
                bytes("data: line one\ndata: line two\n\ndata: {\"not\": \"decoded\"}\n\n"),
            ]
        })
        .await;
        let events = client(&server.url)
            .tail_logs()
            .stream("stdout")
            .await
            .expect("200");
        let mut events = events.into_body();
        assert_eq!(
            events.next().await.expect("one").expect("text").data,
            "line one\nline two"
        );
        assert_eq!(
            events.next().await.expect("two").expect("text").data,
            "{\"not\": \"decoded\"}"
        );
        assert!(events.next().await.is_none());
        assert_eq!(
            server.received()[0].line,
            "GET /logs?stream=stdout HTTP/1.1"
        );
    })
    .await;
}

#[tokio::test]
async fn a_stream_runs_past_the_client_timeout_while_events_keep_coming() {
    bounded(async {
        let server = RawServer::start(|_, _| {
            let mut pieces = vec![head("200 OK", &[("content-type", "text/event-stream")])];
            for n in 0..8 {
                pieces.push(pause(150));
                pieces.push(bytes(format!("data: {{\"percent\": {n}}}\n\n")));
            }
            pieces
        })
        .await;
        let client = streams::Client::builder()
            .base_url(&server.url)
            .timeout(Duration::from_millis(500))
            .build()
            .expect("client");
        let mut events = client.watch_job("j").await.expect("200").into_body();
        let mut seen = Vec::new();
        while let Some(event) = events.next().await {
            match event.expect("no timeout").data {
                types::JobEvent::Progress(p) => seen.push(p.percent),
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(
            seen,
            (0..8).collect::<Vec<i64>>(),
            "1.2 s of events, a 0.5 s timeout"
        );
    })
    .await;
}

#[tokio::test]
async fn a_stream_that_goes_quiet_past_the_timeout_fails() {
    bounded(async {
        let server = RawServer::start(|_, _| {
            vec![
                head("200 OK", &[("content-type", "text/event-stream")]),
                bytes("data: {\"percent\": 1}\n\n"),
                pause(3000),
                bytes("data: {\"percent\": 2}\n\n"),
            ]
        })
        .await;
        let client = streams::Client::builder()
            .base_url(&server.url)
            .timeout(Duration::from_millis(400))
            .build()
            .expect("client");
        let mut events = client.watch_job("j").await.expect("200").into_body();
        assert!(events.next().await.expect("one").is_ok());
        let error = events
            .next()
            .await
            .expect("an item")
            .expect_err("quiet too long");
        assert!(error.is_timeout(), "{error:?}");
        assert!(
            events.next().await.is_none(),
            "a transport failure ends the stream"
        );
    })
    .await;
}

#[tokio::test]
async fn an_answer_that_is_no_event_stream_is_a_decoding_error() {
    bounded(async {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(json!({"id": "c1", "text": "Hello"})),
            )
            .mount(&server)
            .await;
        let request = types::CompletionRequest::new("x");
        let error = client(&server.uri())
            .create_completion(&request)
            .stream()
            .await
            .expect_err("JSON, not events");
        assert!(
            error
                .to_string()
                .contains("`application/json`, not an event stream"),
            "{error}"
        );
    })
    .await;
}

// ---- Uploads --------------------------------------------------------------------------

fn stored(status: &str) -> impl Fn(&crate::raw::Received, usize) -> Vec<crate::raw::Piece> {
    let status = status.to_owned();
    move |request, _| {
        let body = format!(r#"{{"size": {}}}"#, request.body.len());
        vec![
            head(
                &status,
                &[
                    ("content-type", "application/json"),
                    ("content-length", &body.len().to_string()),
                ],
            ),
            bytes(body),
        ]
    }
}

/// A stream of `count` chunks of `size` bytes each, every byte its index modulo 251.
fn generated_chunks(
    count: usize,
    size: usize,
) -> impl futures_core::Stream<Item = Result<Vec<u8>, std::io::Error>> + Send + 'static {
    struct Chunks {
        left: usize,
        size: usize,
        at: usize,
    }
    impl futures_core::Stream for Chunks {
        type Item = Result<Vec<u8>, std::io::Error>;
        fn poll_next(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Self::Item>> {
            if self.left == 0 {
                return std::task::Poll::Ready(None);
            }
            self.left -= 1;
            let start = self.at;
            self.at += self.size;
            let chunk = (start..start + self.size)
                .map(|i| (i % 251) as u8)
                .collect();
            std::task::Poll::Ready(Some(Ok(chunk)))
        }
    }
    Chunks {
        left: count,
        size,
        at: 0,
    }
}

fn expected_bytes(length: usize) -> Vec<u8> {
    (0..length).map(|i| (i % 251) as u8).collect()
}

#[tokio::test]
async fn uploads_come_from_bytes_files_and_streams() {
    bounded(async {
        let server = RawServer::start(stored("201 Created")).await;
        let client = client(&server.url);

        let stored = client
            .upload_file("a.bin", vec![1u8, 2, 3])
            .await
            .expect("201");
        assert_eq!(stored.size, 3);

        let dir = std::env::temp_dir().join(format!("streams-upload-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a directory");
        let file_path = dir.join("data.bin");
        std::fs::write(&file_path, expected_bytes(300_000)).expect("written");
        let from_file = streams::Body::open(&file_path).await.expect("opened");
        assert_eq!(from_file.length(), Some(300_000));
        let stored = client.upload_file("b.bin", from_file).await.expect("201");
        assert_eq!(stored.size, 300_000);

        let opened = tokio::fs::File::open(&file_path).await.expect("opened");
        let stored = client.upload_file("c.bin", opened).await.expect("201");
        assert_eq!(stored.size, 300_000);

        let unsized_stream = streams::Body::from_stream(generated_chunks(10, 1000));
        client
            .upload_file("d.bin", unsized_stream)
            .await
            .expect("201");
        let sized = streams::Body::from_sized_stream(generated_chunks(10, 1000), 10_000);
        client.upload_file("e.bin", sized).await.expect("201");

        let received = server.received();
        assert_eq!(received.len(), 5);
        assert_eq!(received[0].body, [1, 2, 3]);
        assert_eq!(received[0].header("content-length"), Some("3"));
        assert_eq!(
            received[0].header("content-type"),
            Some("application/octet-stream")
        );
        assert_eq!(received[1].header("content-length"), Some("300000"));
        assert_eq!(received[1].body, expected_bytes(300_000));
        // A file without a known length, and a stream without one, go chunked.
        assert_eq!(received[2].header("transfer-encoding"), Some("chunked"));
        assert_eq!(received[2].body, expected_bytes(300_000));
        assert_eq!(received[3].header("transfer-encoding"), Some("chunked"));
        assert_eq!(received[3].body, expected_bytes(10_000));
        assert_eq!(received[4].header("content-length"), Some("10000"));
        assert_eq!(received[4].body, expected_bytes(10_000));
        std::fs::remove_dir_all(&dir).expect("removed");
    })
    .await;
}

#[tokio::test]
async fn bytes_are_sent_again_on_a_retry_and_a_stream_is_not() {
    bounded(async {
        // The first request of each pair is answered 503, the second 201.
        let server = RawServer::start(|request, number| {
            if number % 2 == 0 {
                vec![head("503 Service Unavailable", &[("content-length", "0")])]
            } else {
                stored("201 Created")(request, number)
            }
        })
        .await;
        let client = streams::Client::builder()
            .base_url(&server.url)
            .retry(streams::Retry::new(3).initial_delay(Duration::from_millis(10)))
            .build()
            .expect("client");
        let stored = client
            .upload_file("a", vec![9u8; 10])
            .await
            .expect("retried");
        assert_eq!(stored.size, 10);
        assert_eq!(server.received().len(), 2);

        let streamed = streams::Body::from_stream(generated_chunks(2, 10));
        let error = client
            .upload_file("b", streamed.clone())
            .await
            .expect_err("not retried");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
        assert_eq!(server.received().len(), 3, "the stream was sent once");
        // Its clone shares the stream, which is spent.
        let error = client.upload_file("b", streamed).await.expect_err("spent");
        assert!(
            matches!(&error, streams::Error::InvalidRequest(m) if m.contains("sent once")),
            "{error:?}"
        );
        assert_eq!(server.received().len(), 3, "nothing sent");
    })
    .await;
}

#[tokio::test]
async fn multipart_files_come_from_bytes_or_files() {
    bounded(async {
        let server = RawServer::start(stored("201 Created")).await;
        let client = client(&server.url);
        let dir = std::env::temp_dir().join(format!("streams-multipart-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a directory");
        let file_path = dir.join("photo.png");
        std::fs::write(&file_path, b"\x89PNG not really").expect("written");

        let file = streams::File::open(&file_path)
            .await
            .expect("opened")
            .with_content_type("image/png");
        assert_eq!(file.file_name(), Some("photo.png"));
        assert_eq!(file.contents(), None, "read as it is sent");
        let body = types::AddAttachmentBody::new(file).note("holiday");
        client.add_attachment(&body).await.expect("201");

        let from_bytes = types::AddAttachmentBody::new(streams::File::new(b"plain".to_vec()));
        client.add_attachment(&from_bytes).await.expect("201");

        let received = server.received();
        let first = String::from_utf8_lossy(&received[0].body);
        assert!(
            first.contains(
                "filename=\"photo.png\"\r\nContent-Type: image/png\r\n\r\n\u{fffd}PNG not really"
            ),
            "{first}"
        );
        assert!(first.contains("name=\"note\"\r\n\r\nholiday"), "{first}");
        let second = String::from_utf8_lossy(&received[1].body);
        assert!(
            second.contains(
                "filename=\"file\"\r\nContent-Type: application/octet-stream\r\n\r\nplain"
            ),
            "{second}"
        );
        // A streamed file is spent once sent: the body cannot be sent again.
        let error = client.add_attachment(&body).await.expect_err("spent");
        assert!(
            matches!(error, streams::Error::InvalidRequest(_)),
            "{error:?}"
        );
        std::fs::remove_dir_all(&dir).expect("removed");
    })
    .await;
}

// ---- Pages ----------------------------------------------------------------------------

fn project(id: u128, name: &str) -> serde_json::Value {
    json!({"id": uuid::Uuid::from_u128(id), "name": name})
}

async fn dropshot_server(middle: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path("/projects"))
        .and(query_param_is_missing("page_token"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"items": [project(1, "a"), project(2, "b")], "next_page": "t1"}),
            ),
        )
        .mount(&server)
        .await;
    Mock::given(path("/projects"))
        .and(query_param("page_token", "t1"))
        .respond_with(middle)
        .mount(&server)
        .await;
    Mock::given(path("/projects"))
        .and(query_param("page_token", "t2"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"items": [], "next_page": null})),
        )
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn dropshot_pages_are_followed_item_by_item() {
    bounded(async {
        let server = dropshot_server(
            ResponseTemplate::new(200)
                .set_body_json(json!({"items": [project(3, "c")], "next_page": "t2"})),
        )
        .await;
        let client = client(&server.uri());
        let mut items = client
            .list_projects()
            .limit(2)
            .sort_by(types::ListProjectsSortBy::NameAscending)
            .items();
        let mut names = Vec::new();
        while let Some(item) = items.next().await {
            names.push(item.expect("a project").name);
        }
        assert_eq!(names, ["a", "b", "c"]);
        let queries: Vec<String> = server
            .received_requests()
            .await
            .expect("recorded")
            .iter()
            .map(|r| r.url.query().unwrap_or_default().to_owned())
            .collect();
        // Later pages send the token and the limit, not the scan's other parameters.
        assert_eq!(
            queries,
            [
                "limit=2&sort_by=name_ascending",
                "limit=2&page_token=t1",
                "limit=2&page_token=t2"
            ]
        );
    })
    .await;
}

#[tokio::test]
async fn an_error_in_the_middle_is_the_last_item() {
    bounded(async {
        let server = dropshot_server(ResponseTemplate::new(500).set_body_string("boom")).await;
        let client = client(&server.uri());
        let mut items = client.list_projects().items();
        assert_eq!(items.next().await.expect("a").expect("ok").name, "a");
        assert_eq!(items.next().await.expect("b").expect("ok").name, "b");
        let error = items
            .next()
            .await
            .expect("an item")
            .expect_err("the failed page");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
        assert!(
            items.next().await.is_none(),
            "the stream ends after the error"
        );
        assert_eq!(server.received_requests().await.expect("recorded").len(), 2);
    })
    .await;
}

#[tokio::test]
async fn pages_come_with_their_headers() {
    bounded(async {
        let server = dropshot_server(
            ResponseTemplate::new(200)
                .insert_header("x-page", "2")
                .set_body_json(json!({"items": [project(3, "c")], "next_page": "t2"})),
        )
        .await;
        let client = client(&server.uri());
        let mut pages = client.list_projects().pages();
        let mut sizes = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.expect("a page");
            sizes.push((page.items.len(), page.headers().get("x-page").is_some()));
        }
        assert_eq!(sizes, [(2, false), (1, true), (0, false)]);
    })
    .await;
}

#[tokio::test]
async fn link_headers_are_followed_within_the_api() {
    bounded(async {
        let server = MockServer::start().await;
        let uri = server.uri();
        let repos = |ids: &[i64]| {
            json!(ids.iter().map(|id| json!({"id": id, "full_name": format!("o/r{id}")})).collect::<Vec<_>>())
        };
        Mock::given(path("/repos"))
            .and(query_param_is_missing("page"))
            .respond_with(
                ResponseTemplate::new(200)
                    .insert_header(
                        "link",
                        format!(r#"<{uri}/repos?per_page=2&page=2>; rel="next", <{uri}/repos?per_page=2&page=3>; rel="last""#),
                    )
                    .set_body_json(repos(&[1, 2])),
            )
            .mount(&server)
            .await;
        // A relative link, resolved against the page's own URL.
        Mock::given(path("/repos"))
            .and(query_param("page", "2"))
            .respond_with(
                ResponseTemplate::new(200)
                    .insert_header("link", r#"<?per_page=2&page=3>; rel="next""#)
                    .set_body_json(repos(&[3, 4])),
            )
            .mount(&server)
            .await;
        Mock::given(path("/repos"))
            .and(query_param("page", "3"))
            .respond_with(ResponseTemplate::new(200).set_body_json(repos(&[])))
            .mount(&server)
            .await;
        let client = client(&uri);
        let mut items = client.list_repos().per_page(2).items();
        let mut ids = Vec::new();
        while let Some(repo) = items.next().await {
            ids.push(repo.expect("a repo").id);
        }
        assert_eq!(ids, [1, 2, 3, 4]);
        assert_eq!(server.received_requests().await.expect("recorded").len(), 3);
    })
    .await;
}

#[tokio::test]
async fn a_link_to_another_origin_is_not_followed() {
    bounded(async {
        let server = MockServer::start().await;
        Mock::given(path("/repos"))
            .respond_with(
                ResponseTemplate::new(200)
                    .insert_header(
                        "link",
                        r#"<https://elsewhere.example/steal?page=2>; rel="next""#,
                    )
                    .set_body_json(json!([{"id": 1, "full_name": "o/r"}])),
            )
            .mount(&server)
            .await;
        let client = client(&server.uri());
        let mut items = client.list_repos().items();
        assert_eq!(items.next().await.expect("one").expect("ok").id, 1);
        let error = items
            .next()
            .await
            .expect("an item")
            .expect_err("another origin");
        assert!(
            error.to_string().contains("leaves the API's origin"),
            "{error}"
        );
        assert!(items.next().await.is_none());
    })
    .await;
}

#[tokio::test]
async fn cursors_in_nested_fields_are_followed_until_none() {
    bounded(async {
        let server = MockServer::start().await;
        Mock::given(path("/things"))
            .and(query_param_is_missing("cursor"))
            .respond_with(ResponseTemplate::new(200).set_body_json(
                json!({"data": [{"id": 1}, {"id": 2}], "meta": {"next_cursor": "c2"}}),
            ))
            .mount(&server)
            .await;
        Mock::given(path("/things"))
            .and(query_param("cursor", "c2"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"data": [{"id": 3}], "meta": {"next_cursor": "c3"}})),
            )
            .mount(&server)
            .await;
        Mock::given(path("/things"))
            .and(query_param("cursor", "c3"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"data": [], "meta": {"next_cursor": null}})),
            )
            .mount(&server)
            .await;
        let client = client(&server.uri());
        let mut items = client.list_things().kind("blue").items();
        let mut ids = Vec::new();
        while let Some(thing) = items.next().await {
            ids.push(thing.expect("a thing").id);
        }
        assert_eq!(ids, [1, 2, 3]);
        let queries: Vec<String> = server
            .received_requests()
            .await
            .expect("recorded")
            .iter()
            .map(|r| r.url.query().unwrap_or_default().to_owned())
            .collect();
        // Other parameters stay on every page.
        assert_eq!(
            queries,
            ["kind=blue", "cursor=c2&kind=blue", "cursor=c3&kind=blue"]
        );
    })
    .await;
}

#[tokio::test]
async fn offsets_move_on_by_each_page_until_an_empty_one() {
    bounded(async {
        let server = MockServer::start().await;
        for (offset, ids) in [
            ("0", vec![1, 2]),
            ("2", vec![3, 4]),
            ("4", vec![5]),
            ("5", vec![]),
        ] {
            let records: Vec<_> = ids.iter().map(|id| json!({"id": id})).collect();
            let matcher = if offset == "0" {
                Mock::given(path("/records")).and(query_param_is_missing("offset"))
            } else {
                Mock::given(path("/records")).and(query_param("offset", offset))
            };
            matcher
                .respond_with(ResponseTemplate::new(200).set_body_json(json!({"records": records})))
                .mount(&server)
                .await;
        }
        let client = client(&server.uri());
        let mut items = client.list_records().limit(2).items();
        let mut ids = Vec::new();
        while let Some(record) = items.next().await {
            ids.push(record.expect("a record").id);
        }
        assert_eq!(ids, [1, 2, 3, 4, 5]);
        assert_eq!(server.received_requests().await.expect("recorded").len(), 4);
    })
    .await;
}

#[tokio::test]
async fn stripe_style_lists_ask_for_the_items_after_the_last_while_there_are_more() {
    bounded(async {
        let server = MockServer::start().await;
        for (after, ids, more) in [
            (None, ["cus_1", "cus_2"].as_slice(), true),
            (Some("cus_2"), ["cus_3", "cus_4"].as_slice(), true),
            (Some("cus_4"), ["cus_5"].as_slice(), false),
        ] {
            let data: Vec<_> = ids
                .iter()
                .map(|id| json!({"id": id, "name": "n"}))
                .collect();
            let matcher = match after {
                None => {
                    Mock::given(path("/customers")).and(query_param_is_missing("starting_after"))
                }
                Some(after) => {
                    Mock::given(path("/customers")).and(query_param("starting_after", after))
                }
            };
            matcher
                .respond_with(
                    ResponseTemplate::new(200)
                        .set_body_json(json!({"data": data, "has_more": more})),
                )
                .mount(&server)
                .await;
        }
        let client = client(&server.uri());
        let mut items = client.list_customers().limit(2).items();
        let mut ids = Vec::new();
        while let Some(customer) = items.next().await {
            ids.push(customer.expect("a customer").id);
        }
        assert_eq!(ids, ["cus_1", "cus_2", "cus_3", "cus_4", "cus_5"]);
        let queries: Vec<String> = server
            .received_requests()
            .await
            .expect("recorded")
            .iter()
            .map(|r| r.url.query().unwrap_or_default().to_owned())
            .collect();
        // The last page says there are no more: no fourth request.
        assert_eq!(
            queries,
            [
                "limit=2",
                "limit=2&starting_after=cus_2",
                "limit=2&starting_after=cus_4"
            ]
        );
    })
    .await;
}

#[tokio::test]
async fn a_cursor_that_does_not_move_ends_the_list() {
    bounded(async {
        let server = MockServer::start().await;
        Mock::given(path("/things"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"data": [{"id": 1}], "meta": {"next_cursor": "same"}})),
            )
            .mount(&server)
            .await;
        let client = client(&server.uri());
        let mut items = client.list_things().items();
        let mut count = 0;
        while let Some(item) = items.next().await {
            item.expect("a thing");
            count += 1;
        }
        // The first page, then the page for `same`, which names `same` again.
        assert_eq!(count, 2);
    })
    .await;
}

// ---- What the generator is told ---------------------------------------------------------

const STREAMS_SPEC: &str = include_str!("../../fixtures/streams.yaml");

fn generated_requests(spec: &str, settings: openapi_clientgen::Settings) -> (String, Vec<String>) {
    let mut options = openapi_clientgen::CrateOptions::new("streams-client");
    options.settings = settings;
    let output = openapi_clientgen::generate(spec, &options).expect("generates");
    let requests = crate::support::module_text(&output, "src/requests");
    let warnings = output.warnings.iter().map(|w| w.to_string()).collect();
    (requests, warnings)
}

/// The spec with `listThings`'s `x-pagination` taken out.
fn unmarked_spec() -> String {
    let mut doc: serde_yaml::Value = serde_yaml::from_str(STREAMS_SPEC).expect("YAML");
    let op = &mut doc["paths"]["/things"]["get"];
    op.as_mapping_mut()
        .expect("an operation")
        .remove("x-pagination")
        .expect("it was marked");
    serde_yaml::to_string(&doc).expect("YAML")
}

#[test]
fn settings_page_through_what_the_document_does_not_mark() {
    let (marked, _) = generated_requests(STREAMS_SPEC, openapi_clientgen::Settings::default());
    let unmarked = unmarked_spec();
    let (plain, _) = generated_requests(&unmarked, openapi_clientgen::Settings::default());
    assert!(!plain.contains("impl<'a> runtime::Paginated for ListThings<'a>"));
    let given: openapi_clientgen::Paginate =
        "listThings:cursor=cursor,next=meta.next_cursor,items=data"
            .parse()
            .expect("parses");
    assert_eq!(
        given.to_string(),
        "listThings:cursor=cursor,next=meta.next_cursor,items=data"
    );
    let mut settings = openapi_clientgen::Settings::default();
    settings.paginate.push(given);
    let (set, warnings) = generated_requests(&unmarked, settings);
    assert!(set.contains("impl<'a> runtime::Paginated for ListThings<'a>"));
    assert_eq!(set, marked, "the settings say what the extension says");
    assert!(warnings.is_empty(), "{warnings:?}");
}

#[test]
fn settings_page_after_the_last_item_as_the_extension_does() {
    let mut doc: serde_yaml::Value = serde_yaml::from_str(STREAMS_SPEC).expect("YAML");
    doc["paths"]["/customers"]["get"]
        .as_mapping_mut()
        .expect("an operation")
        .remove("x-pagination")
        .expect("it was marked");
    let unmarked = serde_yaml::to_string(&doc).expect("YAML");
    let given: openapi_clientgen::Paginate =
        "listCustomers:after=starting_after,key=id,more=has_more,items=data"
            .parse()
            .expect("parses");
    assert_eq!(
        given.to_string(),
        "listCustomers:after=starting_after,key=id,more=has_more,items=data"
    );
    let mut settings = openapi_clientgen::Settings::default();
    settings.paginate.push(given);
    let (set, warnings) = generated_requests(&unmarked, settings);
    let (marked, _) = generated_requests(STREAMS_SPEC, openapi_clientgen::Settings::default());
    assert!(set.contains("impl<'a> runtime::Paginated for ListCustomers<'a>"));
    assert_eq!(set, marked, "the settings say what the extension says");
    assert!(warnings.is_empty(), "{warnings:?}");
    // What the list cannot do is a warning.
    for (given, expected) in [
        (
            "listCustomers:after=starting_after,key=name2,items=data",
            "has no property `name2`",
        ),
        (
            "listCustomers:after=limit,key=id,items=data",
            "an item's `id` cannot be sent in the parameter `limit`",
        ),
        (
            "listCustomers:after=starting_after,key=id,more=data,items=data",
            "`data` is not a boolean",
        ),
    ] {
        let mut settings = openapi_clientgen::Settings::default();
        settings.paginate.push(given.parse().expect("parses"));
        let (requests, warnings) = generated_requests(&unmarked, settings);
        let all = warnings.join("\n");
        assert!(all.contains(expected), "{given}: {all}");
        assert!(!requests.contains("runtime::Paginated for ListCustomers"));
    }
}

#[test]
fn what_cannot_be_paged_through_is_a_warning() {
    let mut settings = openapi_clientgen::Settings::default();
    for given in [
        "noSuchOperation:offset=offset,items=data",
        "listThings:cursor=nope,next=meta.next_cursor,items=data",
        "listRecords:offset=offset,items=missing",
        "downloadFile:offset=offset,items=x",
    ] {
        settings.paginate.push(given.parse().expect("parses"));
    }
    let unmarked = unmarked_spec();
    let (requests, warnings) = generated_requests(&unmarked, settings);
    let all = warnings.join("\n");
    for expected in [
        "pagination is set for the operation `noSuchOperation`, which the document does not have",
        "it has no query parameter `nope`",
        "the page has no property `missing`",
        "a successful response is not one JSON body",
    ] {
        assert!(all.contains(expected), "{expected} missing from:\n{all}");
    }
    assert!(!requests.contains("runtime::Paginated for ListThings"));
    assert!(!requests.contains("runtime::Paginated for ListRecords"));
    for bad in [
        "listThings",
        "listThings:cursor=c",
        "x:cursor=c,next=n,offset=o",
        "x:offset=o,colour=red",
        ":offset=o",
    ] {
        assert!(bad.parse::<openapi_clientgen::Paginate>().is_err(), "{bad}");
    }
}

#[test]
fn a_malformed_extension_is_a_warning_and_the_end_marker_can_be_set() {
    let spec = STREAMS_SPEC
        .replace("        next: meta.next_cursor\n", "")
        .replace("              x-event-stream-end: '[DONE]'\n", "");
    let (requests, warnings) = generated_requests(&spec, openapi_clientgen::Settings::default());
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("`x-pagination` must be")),
        "{warnings:?}"
    );
    assert!(!requests.contains("runtime::Paginated for ListThings"));
    assert!(!requests.contains("EVENTS_END"));
    let mut settings = openapi_clientgen::Settings::default();
    settings.event_stream_end = Some("[END]".to_owned());
    let (requests, _) = generated_requests(&spec, settings);
    assert!(requests.contains(r#"const EVENTS_END: Option<&'static str> = Some("[END]");"#));
}

/// The next item of `stream`, through the `Stream` trait.
async fn next_of<S: futures_core::Stream + Unpin>(stream: &mut S) -> Option<S::Item> {
    std::future::poll_fn(|cx| std::pin::Pin::new(&mut *stream).poll_next(cx)).await
}

/// Items until the stream ends, read through the `Stream` trait: the values, then the
/// status of the error that ended it.
async fn drain<S, T, E>(mut stream: S) -> (Vec<T>, Option<u16>)
where
    S: futures_core::Stream<Item = Result<T, streams::Error<E>>> + Unpin,
{
    let mut values = Vec::new();
    while let Some(item) = next_of(&mut stream).await {
        match item {
            Ok(value) => values.push(value),
            Err(error) => {
                let status = error.status().map(|s| s.as_u16());
                assert!(
                    next_of(&mut stream).await.is_none(),
                    "an error is the last item"
                );
                return (values, status);
            }
        }
    }
    (values, None)
}

#[tokio::test]
async fn an_error_in_the_middle_ends_every_kind_of_list() {
    bounded(async {
        let server = MockServer::start().await;
        let uri = server.uri();
        // Link: the second page fails.
        Mock::given(path("/repos"))
            .and(query_param_is_missing("page"))
            .respond_with(
                ResponseTemplate::new(200)
                    .insert_header("link", format!(r#"<{uri}/repos?page=2>; rel="next""#))
                    .set_body_json(json!([{"id": 1, "full_name": "a"}])),
            )
            .mount(&server)
            .await;
        Mock::given(path("/repos"))
            .and(query_param("page", "2"))
            .respond_with(ResponseTemplate::new(502))
            .mount(&server)
            .await;
        // Cursor: the second page fails.
        Mock::given(path("/things"))
            .and(query_param_is_missing("cursor"))
            .respond_with(ResponseTemplate::new(200).set_body_json(
                json!({"data": [{"id": 1}, {"id": 2}], "meta": {"next_cursor": "c2"}}),
            ))
            .mount(&server)
            .await;
        Mock::given(path("/things"))
            .and(query_param("cursor", "c2"))
            .respond_with(ResponseTemplate::new(503))
            .mount(&server)
            .await;
        // Offset: the second page fails.
        Mock::given(path("/records"))
            .and(query_param_is_missing("offset"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"records": [{"id": 7}]})))
            .mount(&server)
            .await;
        Mock::given(path("/records"))
            .and(query_param("offset", "1"))
            .respond_with(ResponseTemplate::new(500))
            .mount(&server)
            .await;
        let client = client(&uri);

        let (ids, status) = drain(client.list_repos().items()).await;
        assert_eq!(
            (ids.iter().map(|r| r.id).collect::<Vec<_>>(), status),
            (vec![1], Some(502))
        );

        let (ids, status) = drain(client.list_things().items()).await;
        assert_eq!(
            (ids.iter().map(|t| t.id).collect::<Vec<_>>(), status),
            (vec![1, 2], Some(503))
        );

        let (pages, status) = drain(client.list_records().pages()).await;
        assert_eq!((pages.len(), status), (1, Some(500)));
        assert_eq!(server.received_requests().await.expect("recorded").len(), 6);
    })
    .await;
}

/// The generated `Cargo.toml` of `spec`.
fn manifest(spec: &str) -> String {
    let output = openapi_clientgen::generate(spec, &openapi_clientgen::CrateOptions::new("c"))
        .expect("generates");
    output
        .files
        .iter()
        .find(|f| f.path == "Cargo.toml")
        .expect("a manifest")
        .contents
        .clone()
}

#[test]
fn only_crates_that_stream_depend_on_what_streaming_needs() {
    let livedesk = manifest(include_str!("../../../spec/livedesk.yaml"));
    for absent in ["bytes", "futures-core", "\"stream\"", "\"fs\""] {
        assert!(!livedesk.contains(absent), "{absent} in:\n{livedesk}");
    }
    let streams = manifest(STREAMS_SPEC);
    for present in [
        "bytes = \"1\"",
        "futures-core = \"0.3\"",
        "\"stream\"",
        "\"fs\"",
    ] {
        assert!(
            streams.contains(present),
            "{present} missing from:\n{streams}"
        );
    }
    // Pages alone need the `Stream` trait, and nothing that reads or sends bytes.
    let mut doc: serde_yaml::Value = serde_yaml::from_str(STREAMS_SPEC).expect("YAML");
    let paths = doc["paths"].as_mapping_mut().expect("paths");
    paths.retain(|path, _| path.as_str() == Some("/repos"));
    let pages_only = manifest(&serde_yaml::to_string(&doc).expect("YAML"));
    assert!(
        pages_only.contains("futures-core = \"0.3\""),
        "{pages_only}"
    );
    for absent in ["bytes", "\"stream\"", "\"fs\""] {
        assert!(!pages_only.contains(absent), "{absent} in:\n{pages_only}");
    }
}

#[test]
fn event_types_shared_by_several_operations_are_named_once_everywhere() {
    // The same inline event schema in two operations is one type, renamed after what the
    // places' names share; every mention of it follows the rename.
    let event = "type: object\n                properties:\n                  tick:\n                    type: integer";
    let spec = format!(
        "openapi: 3.0.3
info: {{title: Ticks, version: '1'}}
paths:
  /a:
    get:
      operationId: watchA
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {{type: string}}
            text/event-stream:
              schema:
                {event}
  /b:
    get:
      operationId: watchB
      responses:
        '200':
          description: ok
          content:
            text/event-stream:
              schema:
                {event}
"
    );
    let output = openapi_clientgen::generate(&spec, &openapi_clientgen::CrateOptions::new("t"))
        .expect("generates");
    let file = |path: &str| crate::support::module_text(&output, path);
    let (requests, types) = (file("src/requests"), file("src/types"));
    let named: Vec<&str> = requests
        .match_indices("types::")
        .map(|(at, _)| {
            let rest = &requests[at + 7..];
            &rest[..rest
                .find(|c: char| !c.is_alphanumeric())
                .unwrap_or(rest.len())]
        })
        .collect();
    assert!(!named.is_empty());
    for name in &named {
        assert!(
            types.contains(&format!("pub struct {name} ")),
            "types::{name} is not defined"
        );
    }
    let structs = types.matches("pub struct").count();
    assert_eq!(structs, 1, "one type for the one shape:\n{types}");
}
