//! Tests of the generator and of the generated LiveDesk client, in one binary so the
//! workspace links it once.

#![allow(
    clippy::expect_used,
    clippy::panic,
    clippy::unwrap_used,
    reason = "tests fail by panicking"
)]

mod constructs;
mod generation;
mod prism;
mod wire;
