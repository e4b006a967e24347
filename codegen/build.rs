//! Tells the tests where the public corpus of OpenAPI documents is (`CORPUS_DIR`, by
//! default `../shared` beside the repository) and, with the `corpus` cfg, whether it is
//! there: tests that read it are ignored without it, rather than passing.

use std::path::PathBuf;

fn main() {
    println!("cargo::rerun-if-env-changed=CORPUS_DIR");
    println!("cargo::rustc-check-cfg=cfg(corpus)");
    let dir = match std::env::var_os("CORPUS_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default())
            .join("../../shared"),
    };
    let specs = dir.join("specs");
    // Noticed when it appears or goes.
    println!("cargo::rerun-if-changed={}", specs.display());
    if specs.is_dir() {
        println!("cargo::rustc-cfg=corpus");
    }
    println!("cargo::rustc-env=CORPUS_DIR={}", dir.display());
}
