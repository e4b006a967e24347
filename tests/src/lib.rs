//! The generator's output for the fixture specs in `fixtures/`, compiled as modules of this
//! crate: a snapshot that does not compile fails the build, and one that warns fails
//! clippy `-D warnings`. The tests are in `tests/it`. The runtime that generated crates
//! carry is compiled and unit-tested here too.

#![warn(missing_docs)]
// What the `deep_nesting` fixture's warning asks of every crate holding its types: this
// crate compiles it as a module, so the attribute the generator puts in a crate root
// cannot come with it.
#![recursion_limit = "512"]

/// The runtime generated crates carry, compiled and tested here as ordinary code. Each
/// generated crate keeps only the items its code uses; here nothing uses them.
#[allow(
    dead_code,
    reason = "generated crates use these items; this crate only checks them"
)]
#[path = "../../codegen/runtime/runtime.rs"]
mod runtime;

// Conformance programs know the client they check as `api_client`.
extern crate livedesk_client as api_client;

/// What conformance programs share, compiled and linted here; `openapi-clientgen
/// conformance` puts it into each of its programs.
#[allow(
    dead_code,
    reason = "conformance programs use these items; this crate only checks them"
)]
#[path = "../../codegen/conformance/support.rs"]
mod conformance_support;

/// One module per fixture spec.
#[rustfmt::skip]
pub mod fixtures {
    include!(concat!(env!("OUT_DIR"), "/fixtures.rs"));
}

/// One module per real-world spec in `../shared/specs` (OpenAPI 3.0) and
/// `../shared/specs31` (3.1).
#[rustfmt::skip]
pub mod corpus {
    include!(concat!(env!("OUT_DIR"), "/corpus.rs"));
}

// The LiveDesk client's own sources, compiled as a module of this crate, whose `tracing`
// and `mock` features are on: the benchmark measures what spans cost against the
// `livedesk-client` crate, built without them. The module's documentation is the crate's
// own (its inner doc comments), so that its links resolve inside the module.
#[rustfmt::skip]
#[path = "../../generated/src/lib.rs"]
pub mod livedesk_traced;

/// The README's code, compiled as a doctest so that it cannot drift from the client.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct Readme;
