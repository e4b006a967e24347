//! Documents split across files: Cloudflare's document (`bench` beside the corpus) split
//! into one file per schema and per path item, as vendors who keep their document in many
//! files do, generated beside the same document in one file. The split form's root keeps
//! the other components and names each schema's file (`X: {$ref: schemas/X.json}`), so
//! both forms describe the same API and must generate the same files. `--quick` splits a
//! synthetic document instead.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};

pub fn run(quick: bool) {
    let (name, spec) = if quick {
        ("synthetic-100", super::generation::synthetic(100))
    } else {
        let Some(path) = super::generation::corpus_dir()
            .parent()
            .map(|d| d.join("bench/cloudflare.json"))
        else {
            return;
        };
        match std::fs::read_to_string(&path) {
            Ok(spec) => ("cloudflare", spec),
            Err(_) => {
                println!("(no {}: the split document is left out)\n", path.display());
                return;
            }
        }
    };
    let target_dir = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"),
        PathBuf::from,
    );
    let dir = target_dir.join("bench-split").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    let files = split(&spec, &dir);
    let root_text = std::fs::read_to_string(dir.join("openapi.json")).expect("the root");

    let runs = if quick { 1 } else { 3 };
    let options = |files: openapi_clientgen::Files| {
        let mut options = openapi_clientgen::CrateOptions::new(format!("{name}-client"));
        options.source = "openapi.json".to_owned();
        options.settings.files = files;
        options
    };
    let (one, single) = fastest(runs, || {
        openapi_clientgen::generate(&spec, &options(openapi_clientgen::Files::default()))
    });
    let reader_dir = dir.clone();
    let disk = openapi_clientgen::Files::new("openapi.json", move |path| {
        std::fs::read(reader_dir.join(path)).map_err(|e| e.to_string())
    });
    let (many, split_output) = fastest(runs, || {
        openapi_clientgen::generate(&root_text, &options(disk.clone()))
    });
    let same = single.files == split_output.files;
    let ratio = many.as_secs_f64() / one.as_secs_f64();
    println!("## A document split across files (generation, fastest of {runs})\n");
    println!("| document | files | one file | split | split / one | same output |");
    println!("|---|---|---|---|---|---|");
    println!(
        "| {name} | {} | {:.2} s | {:.2} s | {ratio:.2} | {} |\n",
        files + 1,
        one.as_secs_f64(),
        many.as_secs_f64(),
        if same { "yes" } else { "**no**" }
    );
    assert!(
        same,
        "the split document generates other files than the whole one"
    );
    assert_eq!(split_output.inputs.len(), files, "every file read once");
}

/// The fastest of `runs` generations, and the output.
fn fastest(
    runs: usize,
    generate: impl Fn() -> Result<openapi_clientgen::Output, Vec<openapi_clientgen::Diagnostic>>,
) -> (Duration, openapi_clientgen::Output) {
    let mut best = Duration::MAX;
    let mut output = None;
    for _ in 0..runs {
        let start = Instant::now();
        let generated =
            generate().unwrap_or_else(|d| panic!("generates: {:?}", &d[..d.len().min(3)]));
        best = best.min(start.elapsed());
        output = Some(generated);
    }
    (best, output.expect("one run"))
}

/// Writes the document as `dir/openapi.json` (the root), `dir/schemas/NAME.json` (one per
/// schema) and `dir/paths/N.json` (one per path item); the number of files besides the root.
fn split(spec: &str, dir: &Path) -> usize {
    let mut doc: Value = serde_json::from_str(spec)
        .or_else(|_| serde_yaml::from_str(spec))
        .expect("a JSON or YAML document");
    std::fs::create_dir_all(dir.join("schemas")).expect("directory");
    std::fs::create_dir_all(dir.join("paths")).expect("directory");
    let mut written = 0;
    let schemas = doc["components"]["schemas"]
        .as_object_mut()
        .map(std::mem::take)
        .unwrap_or_default();
    let mut named = Map::new();
    for (name, mut schema) in schemas {
        assert!(
            name.chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c)),
            "{name} cannot be a file name"
        );
        retarget(&mut schema, "", "../openapi.json");
        write(&dir.join(format!("schemas/{name}.json")), &schema);
        named.insert(
            name.clone(),
            json!({"$ref": format!("schemas/{name}.json")}),
        );
        written += 1;
    }
    if !named.is_empty() {
        doc["components"]["schemas"] = Value::Object(named);
    }
    let paths = doc["paths"]
        .as_object_mut()
        .map(std::mem::take)
        .unwrap_or_default();
    let mut referred = Map::new();
    for (i, (path, mut item)) in paths.into_iter().enumerate() {
        retarget(&mut item, "../schemas/", "../openapi.json");
        let file = format!("paths/{i:05}.json");
        write(&dir.join(&file), &item);
        referred.insert(path, json!({ "$ref": file }));
        written += 1;
    }
    doc["paths"] = Value::Object(referred);
    // The root's other components, referred to from the files, stay in the root.
    write(&dir.join("openapi.json"), &doc);
    written
}

/// Points the references of a node moved into another file at where their targets are
/// now: a schema's own file (through `schemas`, the way from the node's file to the
/// schemas' directory), or the root.
fn retarget(value: &mut Value, schemas: &str, root: &str) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get_mut("$ref") {
                let new = match reference.strip_prefix("#/components/schemas/") {
                    Some(rest) => match rest.split_once('/') {
                        Some((name, inner)) => format!("{schemas}{name}.json#/{inner}"),
                        None => format!("{schemas}{rest}.json"),
                    },
                    None if reference.starts_with('#') => format!("{root}{reference}"),
                    None => reference.clone(),
                };
                *reference = new;
            }
            for (key, item) in map.iter_mut() {
                if key != "$ref" && !key.starts_with("x-") {
                    retarget(item, schemas, root);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| retarget(v, schemas, root)),
        _ => {}
    }
}

fn write(path: &Path, value: &Value) {
    std::fs::write(path, serde_json::to_string_pretty(value).expect("JSON")).expect("write");
}
