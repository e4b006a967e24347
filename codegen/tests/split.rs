//! Documents split across files: every place a `$ref` to another file may stand, names for
//! what lives in a file of its own, located errors and warnings, what is never read, and
//! (with Redocly's CLI at hand) the same code as the bundled document.
//!
//! The documents here live in memory: [`Files`] reads them from a map and records what it
//! read.

#![allow(
    clippy::expect_used,
    clippy::panic,
    clippy::unwrap_used,
    reason = "tests fail by panicking"
)]

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use openapi_clientgen::{Diagnostic, Files, ModuleOptions, Settings};

/// A document of several files in memory: the root's text, and every other file by its
/// path (relative to the current directory, as a reader gets it).
struct Split {
    root: &'static str,
    files: BTreeMap<String, String>,
    read: Arc<Mutex<Vec<String>>>,
}

impl Split {
    fn new(root: &'static str, files: &[(&str, &str)]) -> Self {
        Split {
            root,
            files: files
                .iter()
                .map(|(path, text)| ((*path).to_owned(), (*text).to_owned()))
                .collect(),
            read: Arc::default(),
        }
    }

    fn files(&self) -> Files {
        let files = self.files.clone();
        let read = Arc::clone(&self.read);
        Files::new("api/openapi.yaml", move |path| {
            read.lock().unwrap().push(path.to_owned());
            files
                .get(path)
                .map(|text| text.as_bytes().to_vec())
                .ok_or_else(|| "no such file".to_owned())
        })
    }

    fn settings(&self) -> Settings {
        let mut settings = Settings::default();
        settings.files = self.files();
        settings
    }

    fn generate(&self) -> Result<openapi_clientgen::Output, Vec<Diagnostic>> {
        let mut options = ModuleOptions::new("api/openapi.yaml");
        options.settings = self.settings();
        openapi_clientgen::generate_module(self.root, &options)
    }

    fn module(&self) -> String {
        let output = self
            .generate()
            .unwrap_or_else(|d| panic!("generates: {}", shown(&d)));
        output.files[0].contents.clone()
    }

    fn errors(&self) -> Vec<String> {
        let diagnostics = self.generate().expect_err("fails");
        diagnostics
            .iter()
            .map(|d| d.display_in("api/openapi.yaml").to_string())
            .collect()
    }

    fn reads(&self) -> Vec<String> {
        self.read.lock().unwrap().clone()
    }
}

fn shown(diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(|d| d.display_in("api/openapi.yaml").to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A root whose every kind of reference names another file.
const ROOT: &str = r##"
openapi: 3.0.3
info: {title: Zoo, version: '1'}
paths:
  /animals:
    $ref: paths/animals.yaml
  /keepers/{id}:
    get:
      operationId: getKeeper
      parameters:
        - $ref: common/parameters.yaml#/components/parameters/Id
        - $ref: common/parameters.json#/Trace
      responses:
        '200':
          description: The keeper.
          headers:
            X-Rate:
              $ref: common/headers.yaml#/Rate
          content:
            $ref: common/keeper-content.yaml
        '404':
          $ref: common/responses.yaml#/NotFound
components:
  schemas:
    Keeper:
      $ref: models/keeper/schema.yaml
"##;

const ANIMALS: &str = r##"
get:
  operationId: listAnimals
  responses:
    '200':
      description: Animals.
      content:
        application/json:
          schema:
            type: array
            items:
              $ref: ../models/Animal.yaml
          examples:
            one:
              $ref: ../examples/animal.json
post:
  operationId: addAnimal
  requestBody:
    $ref: ../common/bodies.yaml#/NewAnimal
  responses:
    '201':
      description: Added.
      content:
        application/json:
          $ref: ../common/media.yaml#/AnimalJson
"##;

fn zoo() -> Split {
    Split::new(
        ROOT,
        &[
            ("api/paths/animals.yaml", ANIMALS),
            (
                "api/models/Animal.yaml",
                "type: object\nrequired: [name]\nproperties:\n  name: {type: string}\n  \
                 keeper: {$ref: keeper/schema.yaml}\n  diet: {$ref: '../common/enums.yaml#/Diet'}\n",
            ),
            (
                "api/models/keeper/schema.yaml",
                "title: Keeper\ntype: object\nproperties:\n  name: {type: string}\n  \
                 animals: {type: array, items: {$ref: ../Animal.yaml}}\n",
            ),
            (
                "api/common/enums.yaml",
                "Diet:\n  type: string\n  enum: [meat, plants]\n",
            ),
            (
                "api/common/parameters.yaml",
                "components:\n  parameters:\n    Id: {name: id, in: path, required: true, schema: {type: string}}\n",
            ),
            (
                "api/common/parameters.json",
                r#"{"Trace": {"name": "trace", "in": "header", "schema": {"type": "string"}}}"#,
            ),
            (
                "api/common/headers.yaml",
                "Rate:\n  schema: {type: integer}\n",
            ),
            (
                "api/common/keeper-content.yaml",
                "application/json:\n  schema: {$ref: '../models/keeper/schema.yaml'}\n",
            ),
            (
                "api/common/responses.yaml",
                "NotFound:\n  description: Not there.\n  content:\n    application/json:\n      \
                 schema: {$ref: '#/Problem'}\nProblem:\n  type: object\n  properties:\n    detail: {type: string}\n",
            ),
            (
                "api/common/bodies.yaml",
                "NewAnimal:\n  required: true\n  content:\n    application/json:\n      \
                 schema: {$ref: '../models/Animal.yaml'}\n",
            ),
            (
                "api/common/media.yaml",
                "AnimalJson:\n  schema: {$ref: '../models/Animal.yaml'}\n",
            ),
            ("api/examples/animal.json", r#"{"value": {"name": "Rex"}}"#),
        ],
    )
}

#[test]
fn references_to_other_files_resolve_wherever_a_reference_may_stand() {
    let zoo = zoo();
    let (api, warnings) = openapi_clientgen::lower_spec_with(ROOT, &zoo.settings())
        .unwrap_or_else(|d| panic!("{}", shown(&d)));
    assert!(warnings.is_empty(), "{}", shown(&warnings));
    let types: Vec<&str> = api.types.iter().map(|t| t.name.as_str()).collect();
    // A whole file is named after the file (`Animal.yaml`), or by its title where the
    // file name says nothing (`keeper/schema.yaml`); a fragment by its last segment.
    for name in ["Animal", "Keeper", "Diet", "Problem"] {
        assert!(types.contains(&name), "{name} in {types:?}");
    }
    let operation = |id: &str| {
        api.operations
            .iter()
            .find(|o| o.wire_id == id)
            .unwrap_or_else(|| panic!("{id} is an operation"))
    };
    // A path item in another file; a request body, a media type and an example there.
    let list = operation("listAnimals");
    assert_eq!(list.path, "/animals");
    let add = operation("addAnimal");
    assert!(add.body.is_some(), "the request body of another file");
    // Parameters by fragment, YAML and JSON; a header; a whole `content` map; a response.
    let keeper = operation("getKeeper");
    let params: Vec<&str> = keeper.params.iter().map(|p| p.wire_name.as_str()).collect();
    assert_eq!(params, ["id", "trace"]);

    let module = zoo.module();
    assert!(module.contains("pub struct Animal {"), "{module}");
    assert!(module.contains("pub keeper: Option<Keeper>,"), "{module}");
    assert!(module.contains("pub diet: Option<Diet>,"));
    assert!(
        module.contains("pub animals: Option<Vec<Animal>>,"),
        "a cycle across files"
    );
    assert!(
        module.contains("type Success = types::Keeper;"),
        "the content map of a file"
    );
    assert!(
        module.contains("type Error = types::Problem;"),
        "a response by fragment"
    );

    // The document as one file: what can be a component is one, named after its file or
    // fragment; what cannot (a path item, a `content` map, a media type) stands in place.
    let bundled = openapi_clientgen::bundled_document(ROOT, &zoo.settings())
        .unwrap_or_else(|d| panic!("{}", shown(&d)));
    let doc: serde_json::Value = serde_json::from_str(&bundled).expect("JSON");
    let components = &doc["components"];
    for (section, name) in [
        ("schemas", "Animal"),
        ("schemas", "Keeper"),
        ("schemas", "Diet"),
        ("schemas", "Problem"),
        ("parameters", "Id"),
        ("parameters", "Trace"),
        ("headers", "Rate"),
        ("responses", "NotFound"),
        ("requestBodies", "NewAnimal"),
        ("examples", "animal"),
    ] {
        assert!(
            components[section][name].is_object(),
            "{section}/{name}: {bundled}"
        );
    }
    let keeper = &doc["paths"]["/keepers/{id}"]["get"]["responses"]["200"];
    assert_eq!(
        keeper["headers"]["X-Rate"]["$ref"],
        "#/components/headers/Rate"
    );
    assert_eq!(
        keeper["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/Keeper"
    );
    let added = &doc["paths"]["/animals"]["post"]["responses"]["201"]["content"];
    assert_eq!(
        added["application/json"]["schema"]["$ref"],
        "#/components/schemas/Animal"
    );
    assert!(
        !bundled.contains(".yaml") && !bundled.contains(".json"),
        "{bundled}"
    );
}

#[test]
fn each_file_is_read_once_however_many_references_reach_it_and_listed_for_rebuilds() {
    let zoo = zoo();
    let output = zoo.generate().unwrap_or_else(|d| panic!("{}", shown(&d)));
    let reads = zoo.reads();
    let mut once = reads.clone();
    once.sort();
    once.dedup();
    assert_eq!(once.len(), reads.len(), "read twice: {reads:?}");
    // `Animal.yaml` is reached from five places, in three directories.
    assert!(reads.contains(&"api/models/Animal.yaml".to_owned()));
    assert_eq!(output.inputs, reads, "every file read, in the order read");
    // The same document generates the same code every time.
    assert_eq!(zoo.module(), output.files[0].contents);
}

#[test]
fn names_of_files_that_clash_get_a_number_and_copies_are_one_type() {
    let root = r##"
openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /a:
    get:
      operationId: getA
      responses:
        '200': {description: A, content: {application/json: {schema: {$ref: a/Item.yaml}}}}
        '400': {description: E, content: {application/json: {schema: {$ref: a/Error.yaml}}}}
  /b:
    get:
      operationId: getB
      responses:
        '200': {description: B, content: {application/json: {schema: {$ref: b/Item.yaml}}}}
        '400': {description: E, content: {application/json: {schema: {$ref: b/Error.yaml}}}}
"##;
    let error = "type: object\nproperties:\n  message: {type: string}\n";
    let split = Split::new(
        root,
        &[
            (
                "api/a/Item.yaml",
                "type: object\nproperties:\n  a: {type: string}\n",
            ),
            (
                "api/b/Item.yaml",
                "type: object\nproperties:\n  b: {type: integer}\n",
            ),
            ("api/a/Error.yaml", error),
            ("api/b/Error.yaml", error),
        ],
    );
    let module = split.module();
    assert!(module.contains("pub struct Item {"), "{module}");
    assert!(module.contains("pub struct Item2 {"), "{module}");
    // `Error` is the client's error type, so the schema is `ErrorSchema`.
    assert!(module.contains("pub struct ErrorSchema {"), "{module}");
    assert!(
        !module.contains("pub struct ErrorSchema2"),
        "identical copies are one type"
    );
}

#[test]
fn broken_files_and_references_are_errors_naming_the_file_line_and_referring_place() {
    let root = r##"
openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /a:
    get:
      operationId: getA
      responses:
        '200':
          description: A
          content:
            application/json:
              schema:
                $ref: models/A.yaml
"##;
    let split = Split::new(
        root,
        &[
            (
                "api/models/A.yaml",
                "type: object\nproperties:\n  missing: {$ref: Missing.yaml}\n  broken: {$ref: Broken.yaml}\n  \
             pointer: {$ref: '#/nowhere'}\n  url: {$ref: 'https://example.com/x.yaml'}\n  \
             outside: {$ref: ../../x.yaml}\n  note: {$ref: notes.md}\n",
            ),
            ("api/models/Broken.yaml", "type: object\nproperties: [\n"),
            ("api/models/notes.md", "# Notes\n"),
        ],
    );
    let errors = split.errors();
    let expect = [
        "api/models/A.yaml:3:13: error: #/properties/missing/$ref: cannot read `api/models/Missing.yaml`: no such file",
        "api/models/A.yaml:5:13: error: #/properties/pointer/$ref: `#/nowhere`: `api/models/A.yaml` has nothing at `#/nowhere`",
        "api/models/A.yaml:6:9: error: #/properties/url/$ref: `https://example.com/x.yaml` is a URL; the generator reads no network",
        "api/models/A.yaml:7:13: error: #/properties/outside/$ref: `../../x.yaml` is outside the root document's directory",
        "api/models/Broken.yaml:3:1: error: #: not valid YAML or JSON",
        "(the file is referenced at api/models/A.yaml:4:12)",
        "`api/models/notes.md` is referenced as part of the document, but it is not a YAML or JSON file",
    ];
    for expected in expect {
        assert!(
            errors.iter().any(|e| e.contains(expected)),
            "no error contains {expected:?}:\n{}",
            errors.join("\n")
        );
    }
    assert!(
        !split.reads().contains(&"x.yaml".to_owned()),
        "nothing outside is read"
    );
}

#[test]
fn files_outside_the_root_directory_are_read_only_when_allowed_and_urls_never() {
    let root = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    $ref: ../shared/a.yaml\n";
    let a = "get:\n  operationId: getA\n  responses:\n    '200': {description: A}\n";
    let split = Split::new(root, &[("shared/a.yaml", a)]);
    let errors = split.errors();
    assert!(
        errors[0].contains("is outside the root document's directory"),
        "{errors:?}"
    );
    assert!(split.reads().is_empty());

    let mut options = ModuleOptions::new("api/openapi.yaml");
    options.settings.files = split.files().allow_outside_root();
    let output = openapi_clientgen::generate_module(root, &options)
        .unwrap_or_else(|d| panic!("{}", shown(&d)));
    assert!(output.files[0].contents.contains("pub fn get_a<"));
    assert_eq!(output.inputs, ["shared/a.yaml"]);

    // Without a way to read files, a reference to one says so.
    let errors =
        openapi_clientgen::generate_module(root, &ModuleOptions::new("x")).expect_err("fails");
    assert!(
        errors[0].message.contains("no way to read files"),
        "{errors:?}"
    );
}

#[test]
fn warnings_about_a_node_of_another_file_name_that_file_and_line() {
    let root =
        "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    $ref: paths/a.yaml\n";
    let path_item = "get:\n  operationId: getA\n  responses:\n    '200':\n      description: A\n      \
                     content:\n        application/json:\n          schema: {$ref: ../models/A.json}\n";
    let model = "{\n  \"type\": \"object\",\n  \"properties\": {\n    \"odd\": {\"not\": {\"type\": \"string\"}}\n  }\n}\n";
    let split = Split::new(
        root,
        &[
            ("api/paths/a.yaml", path_item),
            ("api/models/A.json", model),
        ],
    );
    let output = split.generate().unwrap_or_else(|d| panic!("{}", shown(&d)));
    let warnings: Vec<String> = output
        .warnings
        .iter()
        .map(|d| d.display_in("api/openapi.yaml").to_string())
        .collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("api/models/A.json:4:5: warning: #/properties/odd")),
        "{warnings:?}"
    );
}

#[test]
fn code_samples_are_never_read_and_descriptions_in_text_files_are_their_text() {
    let root = r##"
openapi: 3.0.3
info: {title: T, version: '1', description: {$ref: docs/intro.md}}
paths:
  /a:
    get:
      operationId: getA
      description: {$ref: docs/get-a.md}
      x-codeSamples:
        - lang: shell
          source: {$ref: samples/get-a.sh}
      responses:
        '200': {description: A}
"##;
    let split = Split::new(root, &[("api/docs/get-a.md", "Reads **the** A.\n")]);
    let output = split.generate().unwrap_or_else(|d| panic!("{}", shown(&d)));
    assert!(output.files[0].contents.contains("/// Reads **the** A."));
    assert!(
        !split.reads().iter().any(|r| r.contains("samples")),
        "{:?}",
        split.reads()
    );
    // A description that cannot be read is left out, with a warning: the client needs it not.
    let warnings: Vec<String> = output.warnings.iter().map(ToString::to_string).collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("cannot read `api/docs/intro.md`")
                && w.contains("the description is left out")),
        "{warnings:?}"
    );
}

#[test]
fn overlays_correct_the_split_document_as_one() {
    // The schema `Animal` lives in `models/Animal.yaml`; an overlay names it where the
    // document as one file has it.
    let zoo = zoo();
    let overlay = r#"
overlay: 1.0.0
info: {title: Fixes, version: 1.0.0}
actions:
  - target: $.components.schemas.Animal.properties
    update:
      weight: {type: number}
"#;
    let mut options = ModuleOptions::new("api/openapi.yaml");
    options.settings = zoo.settings();
    options
        .settings
        .overlays
        .push(openapi_clientgen::Overlay::new(
            "fixes.overlay.yaml",
            overlay,
        ));
    let output = openapi_clientgen::generate_module(ROOT, &options)
        .unwrap_or_else(|d| panic!("{}", shown(&d)));
    let module = &output.files[0].contents;
    assert!(module.contains("pub weight: Option<f64>,"), "{module}");
    assert!(
        module.contains("pub diet: Option<Diet>,"),
        "the file's own properties stay"
    );
}

#[test]
fn a_chain_of_thousands_of_files_neither_overflows_the_stack_nor_loses_a_link() {
    const LENGTH: usize = 3000;
    let root = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get:\n      \
                operationId: getA\n      responses:\n        '200':\n          description: A\n          \
                content:\n            application/json:\n              schema: {$ref: chain/Link0.yaml}\n";
    let links: Vec<(String, String)> = (0..LENGTH)
        .map(|i| {
            let next = if i + 1 < LENGTH {
                format!("  next: {{$ref: Link{}.yaml}}\n", i + 1)
            } else {
                "  next: {$ref: Link0.yaml}\n".to_owned()
            };
            (
                format!("api/chain/Link{i}.yaml"),
                format!("type: object\nproperties:\n  n: {{type: integer}}\n{next}"),
            )
        })
        .collect();
    let files: Vec<(&str, &str)> = links
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let split = Split::new(root, &files);
    let bundled = openapi_clientgen::bundled_document(root, &split.settings())
        .unwrap_or_else(|d| panic!("{}", shown(&d)));
    let doc: serde_json::Value = serde_json::from_str(&bundled).expect("JSON");
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    assert_eq!(schemas.len(), LENGTH);
    for i in 0..LENGTH {
        let next = format!("#/components/schemas/Link{}", (i + 1) % LENGTH);
        assert_eq!(
            schemas[&format!("Link{i}")]["properties"]["next"]["$ref"],
            next.as_str()
        );
    }
    assert_eq!(split.reads().len(), LENGTH);
}

#[test]
fn path_items_referring_within_the_root_are_written_in_place() {
    let root = r##"
openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /a:
    get:
      operationId: getA
      responses:
        '200': {description: A}
  /b:
    $ref: '#/paths/~1a'
"##;
    let output = openapi_clientgen::generate_module(root, &ModuleOptions::new("x"))
        .unwrap_or_else(|d| panic!("{}", shown(&d)));
    // Both path items have the operation, under one `operationId`.
    let [warning] = output.warnings.as_slice() else {
        panic!("{:?}", output.warnings)
    };
    assert!(
        warning.message.contains("`get_a` is already taken"),
        "{warning:?}"
    );
    let module = &output.files[0].contents;
    assert!(
        module.contains("`GET /a`") && module.contains("`GET /b`"),
        "{module}"
    );
}

/// The bundled form of `tests/fixtures/split.yaml` that Redocly's CLI makes generates
/// the same code as the split document. Run by `cargo xtask ci`, which installs the CLI
/// and names it in `REDOCLY`.
#[test]
#[ignore = "needs Redocly's CLI: REDOCLY=xtask/node/node_modules/.bin/redocly"]
fn redocly_s_bundle_of_the_split_fixture_generates_the_same_code() {
    let redocly = std::env::var("REDOCLY").expect("REDOCLY names Redocly's CLI");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = root.join("target/split-bundle");
    std::fs::create_dir_all(&out).expect("a scratch directory");
    let bundled = out.join("split.json");
    let status = std::process::Command::new(&redocly)
        .current_dir(&root)
        .args(["bundle", "tests/fixtures/split.yaml", "--ext", "json", "-o"])
        .arg(&bundled)
        .env("REDOCLY_TELEMETRY", "off")
        .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true")
        .status()
        .expect("Redocly's CLI runs");
    assert!(status.success(), "redocly bundle failed");

    let generate = |spec: &str, files: Files| {
        let mut options = openapi_clientgen::CrateOptions::new("split-client");
        options.source = "split.yaml".to_owned();
        options.settings.files = files;
        openapi_clientgen::generate(spec, &options).unwrap_or_else(|d| panic!("{}", shown(&d)))
    };
    let reader = |root: std::path::PathBuf| {
        move |path: &str| std::fs::read(root.join(path)).map_err(|e| e.to_string())
    };
    let split_text =
        std::fs::read_to_string(root.join("tests/fixtures/split.yaml")).expect("fixture");
    let split = generate(
        &split_text,
        Files::new("tests/fixtures/split.yaml", reader(root.clone())),
    );
    let bundled_text = std::fs::read_to_string(&bundled).expect("the bundle");
    let refs: serde_json::Value = serde_json::from_str(&bundled_text).expect("JSON");
    assert!(
        references(&refs).iter().all(|r| r.starts_with('#')),
        "the bundle names no other file"
    );
    let bundle = generate(&bundled_text, Files::default());
    assert!(split.inputs.len() >= 10, "{:?}", split.inputs);
    assert!(bundle.inputs.is_empty());
    assert_eq!(split.files.len(), bundle.files.len());
    for (a, b) in split.files.iter().zip(&bundle.files) {
        assert_eq!(a.path, b.path);
        assert!(
            a.contents == b.contents,
            "{} differs from the bundle's",
            a.path
        );
    }
}

/// Every `$ref` in a tree.
fn references(value: &serde_json::Value) -> Vec<&str> {
    match value {
        serde_json::Value::Object(map) => map
            .iter()
            .flat_map(|(key, v)| match (key.as_str(), v) {
                ("$ref", serde_json::Value::String(r)) => vec![r.as_str()],
                _ => references(v),
            })
            .collect(),
        serde_json::Value::Array(items) => items.iter().flat_map(references).collect(),
        _ => Vec::new(),
    }
}
