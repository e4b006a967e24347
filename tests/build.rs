//! Lists the fixture snapshots as modules, so that adding a fixture needs no edit here.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    println!("cargo::rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    let stem = name.strip_suffix(".rs")?;
                    (stem != "runtime").then(|| stem.to_owned())
                })
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut out = String::new();
    for name in names {
        let path = dir.join(format!("{name}.rs"));
        let _ = writeln!(
            out,
            "#[path = {:?}]\npub mod {name};",
            path.display().to_string()
        );
    }
    let out_dir = std::env::var("OUT_DIR").unwrap_or_default();
    if let Err(e) = std::fs::write(Path::new(&out_dir).join("fixtures.rs"), out) {
        println!("cargo::error=cannot write the fixture list: {e}");
    }
}
