//! Helpers shared by the test files.

pub mod crate_check;
