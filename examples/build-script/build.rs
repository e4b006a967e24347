//! Generates the Petstore client from `petstore.yaml` into `OUT_DIR` on every build where
//! the spec changed; `src/lib.rs` includes it.

use std::path::PathBuf;

const SPEC: &str = "petstore.yaml";

fn main() {
    println!("cargo::rerun-if-changed={SPEC}");
    let text = match std::fs::read_to_string(SPEC) {
        Ok(text) => text,
        Err(error) => {
            println!("cargo::error={SPEC}: {error}");
            return;
        }
    };
    let options = openapi_clientgen::ModuleOptions::new(SPEC);
    let output = match openapi_clientgen::generate_module(&text, &options) {
        Ok(output) => output,
        Err(diagnostics) => {
            for diagnostic in &diagnostics {
                println!("cargo::error={}", diagnostic.display_in(SPEC));
            }
            return;
        }
    };
    for warning in &output.warnings {
        println!("cargo::warning={}", warning.display_in(SPEC));
    }
    let Some(out_dir) = std::env::var_os("OUT_DIR") else {
        println!("cargo::error=OUT_DIR is not set: run this through cargo");
        return;
    };
    for file in &output.files {
        let path = PathBuf::from(&out_dir).join("petstore.rs");
        if let Err(error) = std::fs::write(&path, &file.contents) {
            println!("cargo::error={}: {error}", path.display());
        }
    }
}
