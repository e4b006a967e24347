//! An HTTP/1.1 server on 127.0.0.1 that writes each response in scripted pieces, with
//! pauses between them: for bodies that must arrive in chunks, slowly, or not whole (which
//! a mock server that answers with a whole body cannot do). It records every request,
//! head and body (chunked bodies decoded), answers one request per connection and closes
//! it (which ends a body of no stated length). The server stops when it is dropped.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// One piece of a scripted response.
pub enum Piece {
    /// Bytes written as they are (the status line and headers too).
    Bytes(Vec<u8>),
    /// A pause before the next piece.
    Pause(Duration),
    /// `times` copies of `block`, written one after another: a long body never held whole.
    #[allow(
        dead_code,
        reason = "the download test binary uses it; the others do not"
    )]
    Repeated { block: Vec<u8>, times: u64 },
}

/// A request the server received.
#[derive(Clone, Debug)]
pub struct Received {
    /// The request line.
    pub line: String,
    /// The headers, names lowercase, in order.
    pub headers: Vec<(String, String)>,
    /// The body, chunked transfer decoded.
    pub body: Vec<u8>,
}

impl Received {
    /// The value of the header `name` (lowercase), if sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What the server answers: from the request and its number (0 for the first), the pieces.
pub type Script = Arc<dyn Fn(&Received, usize) -> Vec<Piece> + Send + Sync>;

/// The server; it stops when dropped.
pub struct RawServer {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    received: Arc<Mutex<Vec<Received>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl RawServer {
    /// Starts a server answering with `script`.
    pub async fn start(
        script: impl Fn(&Received, usize) -> Vec<Piece> + Send + Sync + 'static,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let url = format!("http://{}", listener.local_addr().expect("its address"));
        let received: Arc<Mutex<Vec<Received>>> = Arc::default();
        let script: Script = Arc::new(script);
        let log = Arc::clone(&received);
        let task = tokio::spawn(async move {
            let mut connections = tokio::task::JoinSet::new();
            while let Ok((socket, _)) = listener.accept().await {
                let (log, script) = (Arc::clone(&log), Arc::clone(&script));
                connections.spawn(async move {
                    let (reader, mut writer) = socket.into_split();
                    let mut reader = BufReader::new(reader);
                    if let Some(request) = read_request(&mut reader).await {
                        let number = {
                            let mut log = log.lock().expect("the log");
                            log.push(request.clone());
                            log.len() - 1
                        };
                        for piece in script(&request, number) {
                            let written = match piece {
                                Piece::Bytes(bytes) => writer.write_all(&bytes).await,
                                Piece::Pause(pause) => {
                                    tokio::time::sleep(pause).await;
                                    Ok(())
                                }
                                Piece::Repeated { block, times } => {
                                    write_repeated(&mut writer, &block, times).await
                                }
                            };
                            if written.is_err() || writer.flush().await.is_err() {
                                return;
                            }
                        }
                        let _ = writer.shutdown().await;
                    }
                });
            }
        });
        RawServer {
            url,
            received,
            task,
        }
    }

    /// The requests received so far.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().expect("the log").clone()
    }
}

async fn write_repeated(
    writer: &mut tokio::net::tcp::OwnedWriteHalf,
    block: &[u8],
    times: u64,
) -> std::io::Result<()> {
    for _ in 0..times {
        writer.write_all(block).await?;
    }
    Ok(())
}

/// Reads one request, or `None` when the connection ends.
async fn read_request(reader: &mut BufReader<tokio::net::tcp::OwnedReadHalf>) -> Option<Received> {
    let mut line = String::new();
    if reader.read_line(&mut line).await.ok()? == 0 {
        return None;
    }
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).await.ok()?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let find = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v): &(String, String)| v.clone())
    };
    let mut body = Vec::new();
    if find("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).await.ok()?;
            let size = usize::from_str_radix(size.trim(), 16).ok()?;
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk).await.ok()?;
            if size == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..size]);
        }
    } else if let Some(length) = find("content-length").and_then(|v| v.parse::<usize>().ok()) {
        body = vec![0; length];
        reader.read_exact(&mut body).await.ok()?;
    }
    Some(Received {
        line: line.trim_end().to_owned(),
        headers,
        body,
    })
}

/// The status line and headers of a response, ending with the blank line.
pub fn head(status: &str, headers: &[(&str, &str)]) -> Piece {
    let mut text = format!("HTTP/1.1 {status}\r\nconnection: close\r\n");
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str("\r\n");
    Piece::Bytes(text.into_bytes())
}

/// Bytes of a body.
pub fn bytes(text: impl AsRef<[u8]>) -> Piece {
    Piece::Bytes(text.as_ref().to_vec())
}

/// A chunk of a `Transfer-Encoding: chunked` body; an empty one ends it.
pub fn chunk(data: impl AsRef<[u8]>) -> Piece {
    let data = data.as_ref();
    let mut out = format!("{:x}\r\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\r\n");
    Piece::Bytes(out)
}

/// A pause of `millis` milliseconds.
pub fn pause(millis: u64) -> Piece {
    Piece::Pause(Duration::from_millis(millis))
}
