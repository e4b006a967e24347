//! Generation speed: per-stage times for every corpus document and for a synthetic document
//! of about 1,000 operations and 1,000 schemas, with the ratios the project targets.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{Map, Value, json};

/// A synthetic spec with `n` operations and `n` schemas: nested objects, enums, `$ref`s and
/// `allOf`, with path and query parameters and several responses, the operations of each
/// ten related resources under one tag.
pub fn synthetic(n: usize) -> String {
    let mut schemas = Map::new();
    let mut paths = Map::new();
    for i in 0..n {
        // References form cycles of ten resources, as related resources do in real APIs.
        let first = i - i % 10;
        let next = first + (i + 1 - first) % 10.min(n - first);
        schemas.insert(
            format!("Resource{i}"),
            json!({
                "type": "object",
                "description": format!("Resource number {i}, with a nested object, an enum and references."),
                "required": ["id", "name"],
                "properties": {
                    "id": {"type": "integer", "format": "int64"},
                    "name": {"type": "string", "description": "Display name."},
                    "status": {"type": "string", "enum": ["active", "paused", "deleted"], "default": "active"},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "score": {"type": "number", "format": "double", "nullable": true},
                    "created_at": {"type": "string", "format": "date-time"},
                    "settings": {
                        "type": "object",
                        "properties": {
                            "visible": {"type": "boolean"},
                            "limit": {"type": "integer", "format": "int32"},
                            "labels": {"type": "object", "additionalProperties": {"type": "string"}}
                        }
                    },
                    "next": {"$ref": format!("#/components/schemas/Resource{next}")},
                    "extra": {
                        "allOf": [
                            {"$ref": format!("#/components/schemas/Base{}", i % 50)},
                            {"type": "object", "properties": {"note": {"type": "string"}}}
                        ]
                    }
                }
            }),
        );
    }
    for b in 0..50.min(n) {
        schemas.insert(
            format!("Base{b}"),
            json!({"type": "object", "properties": {"owner": {"type": "string"}, "revision": {"type": "integer"}}}),
        );
    }
    schemas.insert(
        "Error".to_owned(),
        json!({"type": "object", "properties": {"message": {"type": "string"}, "code": {"type": "integer"}}}),
    );
    for i in 0..n {
        let operation = |verb: &str| {
            json!({
                "operationId": format!("{verb}Resource{i}"),
                "summary": format!("{verb} resource {i}"),
                // One tag per cycle of ten related resources, as an API groups them.
                "tags": [format!("area{}", i / 10)],
                "parameters": [
                    {"name": "id", "in": "path", "required": true, "schema": {"type": "integer", "format": "int64"}},
                    {"name": "expand", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}},
                    {"name": "verbose", "in": "query", "schema": {"type": "boolean"}}
                ],
                "responses": {
                    "200": {"description": "The resource.", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/Resource{i}")}}}},
                    "404": {"description": "Not found.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                    "default": {"description": "Error.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
                }
            })
        };
        let mut item = Map::new();
        if i % 2 == 0 {
            item.insert("get".to_owned(), operation("get"));
        } else {
            let mut op = operation("update");
            op["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/Resource{i}")}}}});
            item.insert("patch".to_owned(), op);
        }
        paths.insert(format!("/v1/resources{i}/{{id}}"), Value::Object(item));
    }
    json!({
        "openapi": "3.0.3",
        "info": {"title": "Synthetic", "version": "1.0.0"},
        "servers": [{"url": "https://api.example.com"}],
        "paths": paths,
        "components": {"schemas": schemas}
    })
    .to_string()
}

/// The bench documents beside the corpus (`bench` in `CORPUS_DIR`): GitHub's REST API.
pub fn github() -> Option<String> {
    let dir = corpus_dir().parent().map(|d| d.join("bench"))?;
    std::fs::read_to_string(dir.join("progenitor-api.github.com.json")).ok()
}

fn options() -> openapi_clientgen::CrateOptions {
    let mut options = openapi_clientgen::CrateOptions::new("bench-client".to_owned());
    options.source = "bench".to_owned();
    options.command = "bench".to_owned();
    options.standalone = true;
    options
}

/// The fastest of `runs` generations, stage by stage (the fastest run is the least disturbed
/// by other work on the machine), and the number of operations.
fn measure(spec: &str, runs: usize) -> (openapi_clientgen::Timings, usize) {
    let mut best: Option<openapi_clientgen::Timings> = None;
    for _ in 0..runs {
        let (result, timings) = openapi_clientgen::generate_timed(spec, &options());
        if let Err(d) = result {
            panic!("the spec generates: {d:?}");
        }
        if best.is_none_or(|b| timings.total() < b.total()) {
            best = Some(timings);
        }
    }
    let operations = openapi_clientgen::lower_spec(spec).map_or(0, |(api, _)| api.operations.len());
    (best.unwrap_or_default(), operations)
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

fn row(name: &str, t: &openapi_clientgen::Timings, operations: usize) {
    println!(
        "| {name} | {operations} | {} | {} | {} | {} | {} | {} | {:.2} |",
        ms(t.load),
        ms(t.validate),
        ms(t.lower),
        ms(t.emit),
        ms(t.render),
        ms(t.total()),
        t.total().as_secs_f64() / t.load.as_secs_f64().max(1e-9)
    );
}

/// The public OpenAPI 3.0 documents: `specs` in `CORPUS_DIR`, by default `../shared`
/// beside the repository. Without them the benchmark measures the rest and says so.
pub fn corpus_dir() -> PathBuf {
    std::env::var_os("CORPUS_DIR")
        .map_or_else(
            || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared"),
            PathBuf::from,
        )
        .join("specs")
}

pub fn run(quick: bool) {
    println!(
        "## Generation (ms, fastest of {} runs)\n",
        if quick { 1 } else { 5 }
    );
    println!(
        "| document | operations | load | validate | lower | emit | render | total | total/load |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    let runs = if quick { 1 } else { 5 };
    let livedesk = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/livedesk.yaml"),
    )
    .expect("spec");
    let (t, ops) = measure(&livedesk, runs);
    row("livedesk.yaml", &t, ops);
    let mut corpus: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
                .collect()
        })
        .unwrap_or_default();
    corpus.sort();
    if corpus.is_empty() {
        println!(
            "(no public corpus at {}: its documents are left out)\n",
            corpus_dir().display()
        );
    }
    for path in &corpus {
        let text = std::fs::read_to_string(path).expect("corpus spec");
        let (t, ops) = measure(&text, runs);
        row(
            &path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            &t,
            ops,
        );
    }
    let full = synthetic(1000);
    let small = synthetic(100);
    let (t_full, ops_full) = measure(&full, runs.min(3));
    let (t_small, ops_small) = measure(&small, runs);
    row(
        &format!(
            "synthetic, {ops_full} operations ({:.1} MB)",
            full.len() as f64 / 1e6
        ),
        &t_full,
        ops_full,
    );
    row(
        &format!("synthetic, {ops_small} operations"),
        &t_small,
        ops_small,
    );
    let per_op_full = t_full.total().as_secs_f64() / ops_full as f64;
    let per_op_small = t_small.total().as_secs_f64() / ops_small as f64;
    println!();
    println!(
        "- total / load on the synthetic document: **{:.2}x** (target at most 4x)",
        t_full.total().as_secs_f64() / t_full.load.as_secs_f64()
    );
    println!(
        "- per-operation cost, full size / one tenth: **{:.2}** (target at most 1.2; {:.3} ms vs {:.3} ms per operation)",
        per_op_full / per_op_small,
        per_op_full * 1000.0,
        per_op_small * 1000.0
    );
    // Per-tag features cost one walk over the types; alternate the two settings so that
    // both meet the same machine.
    let (name, spec) = match github() {
        Some(spec) => ("api.github.com", spec),
        None => ("the synthetic document", full),
    };
    let (mut with, mut without) = (Vec::new(), Vec::new());
    for _ in 0..runs.max(2) {
        with.push(generation_time(&spec, true));
        without.push(generation_time(&spec, false));
    }
    let fastest = |times: &[Duration]| times.iter().min().copied().unwrap_or_default();
    println!(
        "- generation with per-tag features / without, {name}: **{:.2}** ({} ms vs {} ms)",
        fastest(&with).as_secs_f64() / fastest(&without).as_secs_f64().max(1e-9),
        ms(fastest(&with)),
        ms(fastest(&without))
    );
    println!();
}

fn generation_time(spec: &str, tag_features: bool) -> Duration {
    let mut options = options();
    options.settings.features = if tag_features {
        openapi_clientgen::Grouping::Tags
    } else {
        openapi_clientgen::Grouping::None
    };
    let (result, timings) = openapi_clientgen::generate_timed(spec, &options);
    if let Err(d) = result {
        panic!("the spec generates: {d:?}");
    }
    timings.total()
}
