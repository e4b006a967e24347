//! What programs that check a generated client against a server share: every response
//! body kept as received, the unions that kept a value whole in their catch-all variant
//! (the client's `tracing` warnings), and the JSON line that reports a call, with what a
//! decoded body encodes to beside what was received, for finding what decoding lost.
//!
//! The client crate is named `api_client` (a renamed dependency), so this file compiles
//! against any generated crate; `openapi-clientgen conformance` puts it into its programs.

use std::sync::Mutex;

use api_client::{BoxFuture, Hook, Next, SendError, reqwest};

/// The body of the last response, as received.
static RECEIVED: Mutex<Vec<u8>> = Mutex::new(Vec::new());

/// The type names of the unions that kept a value whole since the last report.
static UNMATCHED: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// A hook that keeps every response body as received, then hands the response on.
pub struct Capture;

impl Hook for Capture {
    fn send<'a>(
        &'a self,
        request: reqwest::Request,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<reqwest::Response, SendError>> {
        Box::pin(async move {
            let response = next.send(request).await?;
            let (status, version) = (response.status(), response.version());
            let headers = response.headers().clone();
            let bytes = response.bytes().await?;
            if let Ok(mut received) = RECEIVED.lock() {
                received.clear();
                received.extend_from_slice(&bytes);
            }
            let mut rebuilt = http::Response::new(bytes);
            *rebuilt.status_mut() = status;
            *rebuilt.version_mut() = version;
            *rebuilt.headers_mut() = headers;
            Ok(reqwest::Response::from(rebuilt))
        })
    }
}

/// Collects the `union` field of the client's `tracing` events: the unions that kept a
/// value whole in their catch-all variant although it has the shape of one of their
/// variants.
pub struct Unmatched;

impl Unmatched {
    /// Makes this the process's subscriber; `false` if another one was set first.
    pub fn install() -> bool {
        tracing::subscriber::set_global_default(Unmatched).is_ok()
    }
}

/// Reads the `union` field of an event.
struct UnionField;

impl tracing::field::Visit for UnionField {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        if field.name() != "union" {
            return;
        }
        if let Ok(mut unmatched) = UNMATCHED.lock() {
            unmatched.push(value.to_owned());
        }
    }

    fn record_debug(&mut self, _: &tracing::field::Field, _: &dyn std::fmt::Debug) {}
}

impl tracing::Subscriber for Unmatched {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }

    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, event: &tracing::Event<'_>) {
        event.record(&mut UnionField);
    }

    fn enter(&self, _: &tracing::span::Id) {}

    fn exit(&self, _: &tracing::span::Id) {}
}

/// A decoded body as JSON again, for bodies that are JSON.
pub fn reencode<T: serde::Serialize>(body: &T) -> Option<serde_json::Value> {
    serde_json::to_value(body).ok()
}

/// For bodies that are not JSON.
pub fn not_json<T>(_: &T) -> Option<serde_json::Value> {
    None
}

/// The report of a call that got a 2xx response: `fields` (which say which call it was),
/// then `outcome: passed`, the `status`, and for a JSON body what its decoded value
/// encodes to (`reencoded`) and, when that differs, what was received (`received`); and
/// the unions that kept a value whole since the last report (`unmatched`).
pub fn passed(
    mut fields: serde_json::Map<String, serde_json::Value>,
    status: u16,
    reencoded: Option<serde_json::Value>,
) -> serde_json::Value {
    let received: Option<serde_json::Value> = RECEIVED
        .lock()
        .ok()
        .and_then(|body| serde_json::from_slice(&body).ok());
    let received = if reencoded.is_some() && received != reencoded {
        received
    } else {
        None
    };
    fields.insert("outcome".to_owned(), "passed".into());
    fields.insert("status".to_owned(), status.into());
    fields.insert("received".to_owned(), received.into());
    fields.insert("reencoded".to_owned(), reencoded.into());
    fields.insert("unmatched".to_owned(), take_unmatched().into());
    serde_json::Value::Object(fields)
}

/// The unions that kept a value whole since the last call, cleared.
pub fn take_unmatched() -> Vec<String> {
    UNMATCHED
        .lock()
        .map(|mut unmatched| std::mem::take(&mut *unmatched))
        .unwrap_or_default()
}
