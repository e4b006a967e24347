//! Generates the Petstore client from `petstore.yaml`, corrected by the overlay
//! `petstore.overlay.yaml`, into `OUT_DIR` on every build where either changed (or a file
//! the document's `$ref`s name, had it any); `src/lib.rs` includes it.

use std::path::PathBuf;

const SPEC: &str = "petstore.yaml";
const OVERLAY: &str = "petstore.overlay.yaml";

fn main() {
    println!("cargo::rerun-if-changed={SPEC}");
    println!("cargo::rerun-if-changed={OVERLAY}");
    let (text, overlay) = match (
        std::fs::read_to_string(SPEC),
        std::fs::read_to_string(OVERLAY),
    ) {
        (Ok(text), Ok(overlay)) => (text, overlay),
        (Err(error), _) | (_, Err(error)) => {
            println!("cargo::error={SPEC} or {OVERLAY}: {error}");
            return;
        }
    };
    let mut options = openapi_clientgen::ModuleOptions::new(SPEC);
    options
        .settings
        .overlays
        .push(openapi_clientgen::Overlay::new(OVERLAY, overlay));
    // A document split across files is read beside it.
    options.settings.files =
        openapi_clientgen::Files::new(SPEC, |path| std::fs::read(path).map_err(|e| e.to_string()));
    let output = match openapi_clientgen::generate_module(&text, &options) {
        Ok(output) => output,
        Err(diagnostics) => {
            for diagnostic in &diagnostics {
                println!("cargo::error={}", diagnostic.display_in(SPEC));
            }
            return;
        }
    };
    for input in &output.inputs {
        println!("cargo::rerun-if-changed={input}");
    }
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
