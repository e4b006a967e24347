//! Tests of the generator and of the generated LiveDesk client, in one binary so the
//! workspace links it once.

#![allow(
    clippy::expect_used,
    clippy::panic,
    clippy::unwrap_used,
    reason = "tests fail by panicking"
)]
// The `deep_nesting` fixture's warning asks every crate that holds its types for this.
#![recursion_limit = "512"]

mod construction;
mod constructs;
mod extend;
mod generation;
mod legal_forms;
mod prism;
mod raw;
mod split;
mod streams;
mod support;
mod tolerance;
mod unions;
mod wire;
