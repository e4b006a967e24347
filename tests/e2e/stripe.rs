//! End-to-end scenario against localstripe 1.15.10 (a Stripe emulator), through the
//! client generated from Stripe's own document with `tests/e2e/stripe.overlay.yaml`.
//!
//! Usage: `stripe-scenario http://127.0.0.1:PORT`, against a fresh server.
//!
//! Every call prints one JSON line on stdout (see [`call`]); every value that comes back
//! is checked, and a failed check panics naming its step.

#[path = "../../codegen/conformance/support.rs"]
#[allow(
    dead_code,
    reason = "this program uses only part of the shared support code"
)]
mod support;

use std::time::Duration;

use api_client::types::*;
use api_client::{BearerToken, Client, Error, Operation, Request, Response};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let base_url = std::env::args()
        .nth(1)
        .expect("usage: stripe-scenario BASE_URL (like http://127.0.0.1:8420)");
    assert!(
        support::Unmatched::install(),
        "another tracing subscriber was installed first"
    );
    let client = Client::builder()
        .bearer_auth(BearerToken::new("sk_test_e2e"))
        .base_url(base_url)
        .hook(support::Capture)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("the client builds from the base URL");
    customers(&client).await;
    eprintln!("stripe scenario passed");
}

/// Sends `request` and prints one JSON line about it (see `support::passed`).
async fn call<Op>(
    step: &str,
    request: Request<'_, Op>,
) -> Result<Response<Op::Success>, Error<Op::Error>>
where
    Op: Operation,
    Op::Success: serde::Serialize,
{
    let outcome = request.send().await;
    let mut fields = serde_json::Map::new();
    fields.insert("step".to_owned(), step.into());
    fields.insert("operation".to_owned(), Op::ID.into());
    let line = match &outcome {
        Ok(response) => support::passed(
            fields,
            response.status().as_u16(),
            support::reencode(response.body()),
        ),
        Err(error) => {
            let (kind, detail) = match error {
                Error::Status(response) => ("status", response.text().to_owned()),
                other => ("error", other.to_string()),
            };
            fields.insert("outcome".to_owned(), kind.into());
            if let Some(status) = error.status() {
                fields.insert("status".to_owned(), status.as_u16().into());
            }
            fields.insert("detail".to_owned(), detail.into());
            serde_json::Value::Object(fields)
        }
    };
    println!("{line}");
    outcome
}

/// Sends `request`, checks that it succeeded with 200, and returns the decoded body.
async fn expect<Op>(step: &str, request: Request<'_, Op>) -> Op::Success
where
    Op: Operation,
    Op::Success: serde::Serialize,
{
    match call(step, request).await {
        Ok(response) => {
            assert_eq!(response.status().as_u16(), 200, "{step}: status");
            response.into_body()
        }
        Err(error) => panic!("{step}: expected 200, got: {error}"),
    }
}

async fn customers(client: &Client) {
    let body = PostCustomersBody::default()
        .name("Ada Lovelace")
        .email("ada@example.com");
    let created = expect("customers.create", client.post_customers().body(&body)).await;
    assert_eq!(created.name.as_deref(), Some("Ada Lovelace"), "customers.create: name");
    let read = expect("customers.read", client.get_customers_customer(&created.id)).await;
    let GetCustomersCustomerResponse::Customer(read) = read else {
        panic!("customers.read: a customer expected, got {read:?}");
    };
    assert_eq!(read, created, "customers.read");
}
