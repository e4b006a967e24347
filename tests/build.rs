//! Lists the generated snapshot modules (fixtures and the corpus of real specs), so that
//! adding a spec needs no edit here.

use std::fmt::Write;
use std::path::Path;

fn modules(dir: &Path) -> String {
    println!("cargo::rerun-if-changed={}", dir.display());
    let mut stems: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    name.strip_suffix(".rs").map(str::to_owned)
                })
                .collect()
        })
        .unwrap_or_default();
    stems.sort();
    let mut out = String::new();
    for stem in stems {
        let path = dir.join(format!("{stem}.rs"));
        let module = stem.replace(['-', '.'], "_");
        let _ = writeln!(
            out,
            "/// Generated from `{stem}`.
#[path = {:?}]
pub mod {module};",
            path.display().to_string()
        );
    }
    out
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out_dir = std::env::var("OUT_DIR").unwrap_or_default();
    for name in ["fixtures", "corpus"] {
        let list = modules(&root.join(name));
        if let Err(e) = std::fs::write(Path::new(&out_dir).join(format!("{name}.rs")), list) {
            println!("cargo::error=cannot write the {name} module list: {e}");
        }
    }
}
