//! `cargo xtask bench`: the three faces of performance, printed as Markdown tables with
//! ratios measured in one run (these machines are shared and noisy; ratios hold better
//! than absolute times).
//!
//! - generation: per-stage times on every corpus document and a synthetic one;
//! - generated code: lines per operation and the debug build time of the crate alone;
//! - the largest documents: generation, layout and `cargo check` with no, one and all
//!   features;
//! - a document split across thousands of files against the same document in one;
//! - the client: CPU time per request against hand-written reqwest code, the cost of
//!   encoding and decoding bodies against hand-written serde structs, of reading unions
//!   against serde's derived enums, and of keeping unknown fields.
//!
//! `--quick` runs each part briefly (a smoke test); `--only
//! generation|weight|giants|split|client` runs one part.

#![allow(
    clippy::expect_used,
    clippy::panic,
    clippy::unwrap_used,
    reason = "a benchmark fails by panicking"
)]

mod client;
mod generation;
mod giants;
mod kept;
mod split;
mod unions;
mod weight;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--serve") {
        client::serve();
        return;
    }
    let quick = args.iter().any(|a| a == "--quick");
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1))
        .map(String::as_str);
    let run = |part: &str| only.is_none_or(|o| o == part);
    if run("generation") {
        generation::run(quick);
    }
    if run("client") {
        client::run(quick);
        unions::run(quick);
        kept::run(quick);
    }
    if run("weight") {
        weight::run(quick);
    }
    if run("giants") {
        giants::run(quick);
    }
    if run("split") {
        split::run(quick);
    }
}
