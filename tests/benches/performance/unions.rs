//! What reading a union costs: the generated unions of the `union_fit` fixture (the value
//! read once, then decoded into the variant it fits best) against serde's own derived
//! enums, which try variants in order (`untagged`) or need their tag (`tag = "type"`); and
//! the cost per value of long lists against short ones, which stays flat when decoding is
//! linear in the size of the value.

use std::time::Duration;

use livedesk_tests::fixtures::union_fit::types::{Anything, Contact, ProbeDetails};
use serde::Deserialize;

use crate::client::{cpu_of, ratio};

#[derive(Deserialize)]
#[allow(dead_code, reason = "decoded like the generated type, not read")]
struct HandPerson {
    first_name: Option<String>,
    last_name: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code, reason = "decoded like the generated type, not read")]
struct HandCompany {
    company_name: Option<String>,
    vat_id: Option<String>,
    employees: Option<i64>,
}

/// serde's untagged enum: the first variant that decodes wins (so every company is read as
/// a person: what the generated union fixes).
#[derive(Deserialize)]
#[serde(untagged)]
#[allow(dead_code, reason = "decoded like the generated type, not read")]
enum HandContact {
    Person(HandPerson),
    Company(HandCompany),
    Other(serde_json::Value),
}

#[derive(Deserialize)]
#[allow(dead_code, reason = "decoded like the generated type, not read")]
struct HandReason {
    reason: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code, reason = "decoded like the generated type, not read")]
struct HandWait {
    delay_seconds: Option<i64>,
    reason: Option<String>,
}

/// serde's internally tagged enum, which needs the tag on every value.
#[derive(Deserialize)]
#[serde(tag = "type")]
#[allow(dead_code, reason = "decoded like the generated type, not read")]
enum HandDetails {
    #[serde(rename = "accept_details")]
    Accept {},
    #[serde(rename = "wait_details")]
    Wait(HandWait),
    #[serde(rename = "reject_details")]
    Reject(HandReason),
    #[serde(rename = "abort_details")]
    Abort(HandReason),
}

/// A JSON list of `count` values, cycling through `values`.
fn list(values: &[&str], count: usize) -> String {
    let items: Vec<&str> = values.iter().copied().cycle().take(count).collect();
    format!("[{}]", items.join(","))
}

/// Median CPU time to decode `json` as `T`, over `rounds` rounds of `iterations`.
fn decoding<T: for<'de> Deserialize<'de>>(
    json: &str,
    rounds: usize,
    iterations: usize,
) -> Vec<Duration> {
    (0..rounds)
        .map(|_| {
            cpu_of(|| {
                for _ in 0..iterations {
                    let decoded: Vec<T> =
                        serde_json::from_str(std::hint::black_box(json)).expect("decodes");
                    std::hint::black_box(decoded);
                }
            })
        })
        .collect()
}

pub fn run(quick: bool) {
    let (rounds, iterations) = if quick { (3, 5) } else { (11, 100) };
    let contacts = [
        r#"{"first_name":"Ada","last_name":"Lovelace"}"#,
        r#"{"company_name":"Acme","vat_id":"GB1","employees":3}"#,
        r#"{"vat_id":"GB2"}"#,
    ];
    let details = [
        r#"{"type":"accept_details"}"#,
        r#"{"type":"wait_details","delay_seconds":30,"reason":"Scheduled"}"#,
        r#"{"type":"reject_details","reason":"Already done."}"#,
        r#"{"type":"abort_details","reason":"This run is in a PENDING state."}"#,
    ];
    let contacts_json = list(&contacts, 1_000);
    let details_json = list(&details, 1_000);

    let (untagged, ug, uh) = ratio(
        &mut decoding::<Contact>(&contacts_json, rounds, iterations),
        &mut decoding::<HandContact>(&contacts_json, rounds, iterations),
    );
    let (tagged, tg, th) = ratio(
        &mut decoding::<ProbeDetails>(&details_json, rounds, iterations),
        &mut decoding::<HandDetails>(&details_json, rounds, iterations),
    );
    // Linear: a hundred times the values costs a hundred times as much, nested unions too.
    let nested = [
        r#"{"company_name":"Acme","employees":3}"#,
        "4",
        "2.5",
        r#""text""#,
        r#"{"first_name":"Ada"}"#,
    ];
    let short = list(&nested, 100);
    let long = list(&nested, 10_000);
    let (linear, long_time, short_time) = ratio(
        &mut decoding::<Anything>(&long, rounds, iterations / 10 + 1),
        &mut decoding::<Anything>(&short, rounds, (iterations / 10 + 1) * 100),
    );

    let per = |d: Duration, n: usize| format!("{:.3} µs", d.as_secs_f64() * 1e6 / n as f64);
    println!("## Reading unions (CPU time per value)\n");
    println!("| what | generated | serde's derived enum | ratio |");
    println!("|---|---|---|---|");
    println!(
        "| untagged (`Contact`, no tag, optional fields): best fit / first that decodes | {} | {} | **{untagged:.3}** |",
        per(ug, 1_000 * iterations),
        per(uh, 1_000 * iterations)
    );
    println!(
        "| tagged by an optional constant (`ProbeDetails`) / `#[serde(tag = \"type\")]` | {} | {} | **{tagged:.3}** |",
        per(tg, 1_000 * iterations),
        per(th, 1_000 * iterations)
    );
    println!(
        "| nested unions (`Anything`): 10,000 values / 100 values, per value (1 = linear) | {} | {} | **{linear:.3}** |",
        per(long_time, 10_000 * (iterations / 10 + 1)),
        per(short_time, 100 * (iterations / 10 + 1) * 100)
    );
    println!();
    println!(
        "Medians of {rounds} rounds. serde's untagged enum reads every company as a person; the generated union reads it right."
    );
    println!();
}
