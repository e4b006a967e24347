//! A side-by-side benchmark against progenitor; see `benches/peer` and `cargo xtask bench`.
