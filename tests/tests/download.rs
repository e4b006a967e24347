//! A 1 GiB download through a generated client, from a server on 127.0.0.1, with the peak
//! resident memory of this process bounded: the body streams, nothing holds it whole. A
//! test binary of its own, so that no other test's memory counts.

#![allow(
    clippy::expect_used,
    clippy::panic,
    clippy::unwrap_used,
    reason = "tests fail by panicking"
)]

#[allow(dead_code, reason = "the server's other pieces serve the other tests")]
#[path = "it/raw.rs"]
mod raw;

use std::time::Duration;

use livedesk_tests::fixtures::streams;

const GIB: u64 = 1 << 30;
const BLOCK: usize = 64 * 1024;
const PEAK_LIMIT_KIB: u64 = 64 * 1024;

/// A field of `/proc/self/status`, in KiB.
fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gibibyte_downloads_in_bounded_memory() {
    // Every block is the same: byte `i` of the body is `i % 256`.
    let block: Vec<u8> = (0..BLOCK).map(|i| (i % 256) as u8).collect();
    let server = raw::RawServer::start(move |_, _| {
        vec![
            raw::head(
                "200 OK",
                &[
                    ("content-type", "application/octet-stream"),
                    ("content-length", &GIB.to_string()),
                ],
            ),
            raw::Piece::Repeated {
                block: block.clone(),
                times: GIB / BLOCK as u64,
            },
        ]
    })
    .await;
    let client = streams::Client::builder()
        .base_url(&server.url)
        .build()
        .expect("client");
    // Start the peak from what the process holds now (Linux: "5" resets VmHWM).
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let before = status_kib("VmHWM:").expect("VmHWM");

    let download = async {
        let response = client.download_file("big.bin").await.expect("200");
        assert_eq!(
            response.headers()["content-length"],
            GIB.to_string().as_str()
        );
        let mut body = response.into_body();
        let mut read = 0u64;
        while let Some(chunk) = body.next().await {
            let chunk = chunk.expect("a chunk");
            // Spot checks: the first and last byte of each chunk are where they belong.
            assert_eq!(u64::from(chunk[0]), read % 256);
            assert_eq!(
                u64::from(chunk[chunk.len() - 1]),
                (read + chunk.len() as u64 - 1) % 256
            );
            read += chunk.len() as u64;
        }
        read
    };
    let read = tokio::time::timeout(Duration::from_secs(300), download)
        .await
        .expect("downloaded in time");
    assert_eq!(read, GIB);

    let peak = status_kib("VmHWM:").expect("VmHWM");
    println!(
        "1 GiB downloaded; peak resident {peak} KiB (before the download: {before} KiB; peak reset: {reset})"
    );
    assert!(
        peak < PEAK_LIMIT_KIB,
        "peak resident memory {peak} KiB is over {PEAK_LIMIT_KIB} KiB"
    );
}
