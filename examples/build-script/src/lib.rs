//! A crate that generates its API client when it is built: `build.rs` runs the generator on
//! `petstore.yaml` and this file includes the module it writes. The spec is the only source;
//! nothing generated is committed.

/// The Petstore client, generated from `petstore.yaml` by `build.rs`.
pub mod petstore {
    include!(concat!(env!("OUT_DIR"), "/petstore.rs"));
}
