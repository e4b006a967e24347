//! OpenAPI 3.1 documents generate exactly what the same API written in OpenAPI 3.0 does:
//! the LiveDesk sample against its 3.0 twin in `tests/dialects/`, and each 3.1 construct
//! against the 3.0 way of saying the same thing.

#![allow(
    clippy::expect_used,
    clippy::panic,
    clippy::unwrap_used,
    reason = "tests fail by panicking"
)]

use std::path::Path;

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// Both specs with the same options, so that even the header line must match.
fn crate_of(spec: &str) -> openapi_clientgen::Output {
    let options = {
        let mut options = openapi_clientgen::CrateOptions::new("livedesk-client".to_owned());
        options.source = "livedesk.yaml".to_owned();
        options.command = "test".to_owned();
        options.standalone = true;
        options
    };
    openapi_clientgen::generate(spec, &options)
        .unwrap_or_else(|ds| panic!("does not generate: {ds:?}"))
}

#[test]
fn the_livedesk_sample_in_3_1_and_its_3_0_twin_generate_the_same_crate() {
    let v31 = read(&root().join("tests/dialects/livedesk-3.1.yaml"));
    let v30 = read(&root().join("tests/dialects/livedesk-3.0-equivalent.yaml"));
    assert!(v31.starts_with("openapi: 3.1") && v30.contains("openapi: 3.0"));
    let (a, b) = (crate_of(&v31), crate_of(&v30));
    assert!(a.warnings.is_empty(), "{:?}", a.warnings);
    assert!(b.warnings.is_empty(), "{:?}", b.warnings);
    let paths =
        |o: &openapi_clientgen::Output| o.files.iter().map(|f| f.path.clone()).collect::<Vec<_>>();
    assert_eq!(paths(&a), paths(&b));
    for (x, y) in a.files.iter().zip(&b.files) {
        if x.contents != y.contents {
            let diff = similar::TextDiff::from_lines(&y.contents, &x.contents);
            panic!(
                "{} differs (- 3.0, + 3.1):\n{}",
                x.path,
                diff.unified_diff().context_radius(2)
            );
        }
    }
    // The 3.1 constructs land where the 3.0 ones do.
    let types = &a
        .files
        .iter()
        .find(|f| f.path == "src/types.rs")
        .unwrap()
        .contents;
    for expected in [
        "pub email: runtime::Patch<String>",
        "pub phone_number: runtime::Patch<String>",
        "pub last_activity_at: runtime::Patch<i64>",
        "pub location: Option<Vec<f64>>",
        "pub kind: ContactKind",
        "pub name: Option<String>",
    ] {
        assert!(types.contains(expected), "{expected}");
    }
}

#[test]
fn api_diff_sees_no_change_between_the_two_dialects() {
    let v31 = read(&root().join("tests/dialects/livedesk-3.1.yaml"));
    let v30 = read(&root().join("tests/dialects/livedesk-3.0-equivalent.yaml"));
    for (old, new) in [(&v30, &v31), (&v31, &v30)] {
        let report = openapi_clientgen::api_diff(old, new).expect("both load");
        assert!(report.changes.is_empty(), "{}", report.markdown());
        assert_eq!(report.documentation_changes, 0, "{}", report.markdown());
        assert_eq!(report.old_version, report.new_version);
    }
}

/// A document with `body` (YAML at the top level, after `info`).
fn doc(version: &str, body: &str) -> String {
    format!("openapi: {version}\ninfo: {{title: Dialects, version: 1.0.0}}\n{body}")
}

fn module(spec: &str) -> (String, Vec<String>) {
    let options = {
        let mut options = openapi_clientgen::ModuleOptions::new("spec.yaml".to_owned());
        options.command = "test".to_owned();
        options
    };
    match openapi_clientgen::generate_module(spec, &options) {
        Ok(output) => (
            output.files.into_iter().map(|f| f.contents).collect(),
            output
                .warnings
                .iter()
                .map(|w| format!("{}: {}", w.pointer, w.message))
                .collect(),
        ),
        Err(ds) => panic!("does not generate:\n{spec}\n{ds:?}"),
    }
}

/// One schema named `T` used as a response, in both dialects.
fn schemas(v31: &str, v30: &str) -> (String, String) {
    let paths = "paths:\n  /t:\n    get:\n      operationId: getT\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/T'}\n";
    (
        doc("3.1.0", &format!("{paths}components:\n  schemas:\n{v31}")),
        doc("3.0.3", &format!("{paths}components:\n  schemas:\n{v30}")),
    )
}

struct Case {
    name: &'static str,
    v31: String,
    v30: String,
    /// Rust the generated module must contain, so that both cannot fail alike.
    expect: &'static [&'static str],
}

fn cases() -> Vec<Case> {
    let schema_case = |name, v31: &str, v30: &str, expect| {
        let (v31, v30) = schemas(v31, v30);
        Case {
            name,
            v31,
            v30,
            expect,
        }
    };
    vec![
        schema_case(
            "type arrays with null, and null alone",
            "    T:\n      type: object\n      required: [a, n]\n      properties:\n        a: {type: [string, 'null']}\n        b: {type: ['null', integer], format: int32}\n        n: {type: 'null'}\n",
            "    T:\n      type: object\n      required: [a, n]\n      properties:\n        a: {type: string, nullable: true}\n        b: {type: integer, format: int32, nullable: true}\n        n: {nullable: true, enum: [null]}\n",
            &["pub a: Option<String>", "pub b: Option<i32>"],
        ),
        schema_case(
            "a type array of several types",
            "    T:\n      type: [string, integer, 'null']\n      maxLength: 3\n      minimum: 1\n      description: Text or number.\n",
            "    T:\n      description: Text or number.\n      nullable: true\n      oneOf:\n        - {type: string, maxLength: 3}\n        - {type: integer, minimum: 1}\n",
            &["pub enum T", "Text(String)", "Integer(i64)"],
        ),
        schema_case(
            "anyOf and oneOf with a null branch",
            "    U: {type: object, properties: {x: {type: string}}}\n    T:\n      type: object\n      properties:\n        r:\n          anyOf: [{$ref: '#/components/schemas/U'}, {type: 'null'}]\n          description: Nullable reference.\n        i:\n          anyOf: [{type: integer, exclusiveMinimum: 0}, {type: 'null'}]\n          title: Inline\n          default: null\n        u:\n          oneOf: [{type: string}, {type: boolean}, {type: 'null'}]\n",
            "    U: {type: object, properties: {x: {type: string}}}\n    T:\n      type: object\n      properties:\n        r:\n          allOf: [{$ref: '#/components/schemas/U'}]\n          nullable: true\n          description: Nullable reference.\n        i:\n          type: integer\n          minimum: 0\n          exclusiveMinimum: true\n          nullable: true\n          title: Inline\n          default: null\n        u:\n          oneOf: [{type: string}, {type: boolean}]\n          nullable: true\n",
            &["pub r: Option<U>", "pub i: Option<i64>", "pub u: Option<TU>"],
        ),
        schema_case(
            "const as a one-value enum, and as the tag of a oneOf",
            "    Cat: {type: object, required: [kind], properties: {kind: {const: cat}, meows: {type: boolean}}}\n    Dog: {type: object, required: [kind], properties: {kind: {const: dog}, barks: {type: boolean}}}\n    T:\n      oneOf: [{$ref: '#/components/schemas/Cat'}, {$ref: '#/components/schemas/Dog'}]\n",
            "    Cat: {type: object, required: [kind], properties: {kind: {type: string, enum: [cat]}, meows: {type: boolean}}}\n    Dog: {type: object, required: [kind], properties: {kind: {type: string, enum: [dog]}, barks: {type: boolean}}}\n    T:\n      oneOf: [{$ref: '#/components/schemas/Cat'}, {$ref: '#/components/schemas/Dog'}]\n",
            &["Told apart by the `kind` property.", "Cat(Cat)"],
        ),
        schema_case(
            "examples arrays and numeric exclusive bounds",
            "    T:\n      type: object\n      properties:\n        n: {type: number, exclusiveMinimum: 0, exclusiveMaximum: 10, maximum: 5, examples: [2.5, 3]}\n        s: {type: string, examples: [hello]}\n",
            "    T:\n      type: object\n      properties:\n        n: {type: number, minimum: 0, exclusiveMinimum: true, maximum: 5, example: 2.5}\n        s: {type: string, example: hello}\n",
            &["pub n: Option<f64>"],
        ),
        schema_case(
            "a $ref with sibling keywords stays the named type",
            "    Mode: {type: string, enum: [fast, slow]}\n    U: {type: object, properties: {x: {type: string}}}\n    T:\n      type: object\n      properties:\n        mode: {$ref: '#/components/schemas/Mode', default: fast, description: How.}\n        u: {$ref: '#/components/schemas/U', description: Maybe a U., type: [object, 'null']}\n",
            "    Mode: {type: string, enum: [fast, slow]}\n    U: {type: object, properties: {x: {type: string}}}\n    T:\n      type: object\n      properties:\n        mode: {allOf: [{$ref: '#/components/schemas/Mode'}], default: fast, description: How.}\n        u: {allOf: [{$ref: '#/components/schemas/U'}], description: Maybe a U., nullable: true}\n",
            &["pub mode: Option<Mode>", "pub u: Option<U>", "/// How."],
        ),
        schema_case(
            "a union's list of a referenced type, the reference alone or wrapped in allOf",
            "    U: {type: object, properties: {x: {type: string}}}\n    T:\n      oneOf:\n        - {type: string}\n        - {type: array, items: {$ref: '#/components/schemas/U', description: A U.}}\n",
            "    U: {type: object, properties: {x: {type: string}}}\n    T:\n      oneOf:\n        - {type: string}\n        - {type: array, items: {allOf: [{$ref: '#/components/schemas/U'}], description: A U.}}\n",
            &["UList(Vec<U>)", "Text(String)"],
        ),
        schema_case(
            "prefixItems, propertyNames, content encodings, boolean schemas",
            "    T:\n      type: object\n      properties:\n        pair: {type: array, prefixItems: [{type: number}, {type: number}], items: false}\n        tags: {type: object, propertyNames: {pattern: '^[a-z]+$'}, additionalProperties: {type: string}}\n        blob: {type: string, contentEncoding: base64}\n        anything: true\n",
            "    T:\n      type: object\n      properties:\n        pair: {type: array, items: {type: number}}\n        tags: {type: object, additionalProperties: {type: string}}\n        blob: {type: string, format: byte}\n        anything: {}\n",
            &["pub pair: Option<Vec<f64>>", "BTreeMap<String, String>", "Base64"],
        ),
        schema_case(
            "schemas under $defs become named types",
            "    T:\n      type: object\n      properties:\n        point: {$ref: '#/components/schemas/T/$defs/point'}\n      $defs:\n        point: {type: object, properties: {x: {type: number}}}\n",
            "    T:\n      type: object\n      properties:\n        point: {$ref: '#/components/schemas/Point'}\n    Point: {type: object, properties: {x: {type: number}}}\n",
            &["pub point: Option<Point>", "pub struct Point"],
        ),
        Case {
            name: "webhooks, pathItems, info.summary, license.identifier, the default dialect",
            v31: doc(
                "3.1.1",
                "jsonSchemaDialect: https://spec.openapis.org/oas/3.1/dialect/base\npaths:\n  /t: {$ref: '#/components/pathItems/T'}\nwebhooks:\n  orderShipped:\n    post:\n      requestBody:\n        content:\n          application/json:\n            schema: {type: object, properties: {order: {type: string}}}\n      responses:\n        '200': {description: ok}\ncomponents:\n  pathItems:\n    T:\n      get:\n        operationId: getT\n        responses:\n          '204': {description: done}\n",
            )
            .replace(
                "version: 1.0.0}",
                "version: 1.0.0, summary: One line., description: More., license: {name: MIT, identifier: MIT}}",
            ),
            v30: doc(
                "3.0.3",
                "paths:\n  /t:\n    get:\n      operationId: getT\n      responses:\n        '204': {description: done}\ncomponents:\n  schemas:\n    OrderShippedPayload: {type: object, properties: {order: {type: string}}}\n",
            )
            .replace(
                "version: 1.0.0}",
                "version: 1.0.0, description: \"One line.\\n\\nMore.\", license: {name: MIT, url: 'https://spdx.org/licenses/MIT.html'}}",
            ),
            expect: &["pub struct OrderShippedPayload", "pub fn get_t"],
        },
        Case {
            name: "no paths, and an operation without responses",
            v31: doc(
                "3.1.0",
                "webhooks:\n  ping:\n    post:\n      requestBody:\n        content:\n          application/json:\n            schema: {type: object, properties: {at: {type: string}}}\n",
            ),
            v30: doc(
                "3.0.3",
                "paths: {}\ncomponents:\n  schemas:\n    PingPayload: {type: object, properties: {at: {type: string}}}\n",
            ),
            expect: &["pub struct PingPayload"],
        },
    ]
}

#[test]
fn each_3_1_construct_generates_what_its_3_0_form_does() {
    for case in cases() {
        let (a, a_warnings) = module(&case.v31);
        let (b, b_warnings) = module(&case.v30);
        assert_eq!(a_warnings, b_warnings, "{}: warnings differ", case.name);
        if a != b {
            let diff = similar::TextDiff::from_lines(&b, &a);
            panic!(
                "{}: the 3.1 form generates differently (- 3.0, + 3.1):\n{}",
                case.name,
                diff.unified_diff().context_radius(3)
            );
        }
        for expected in case.expect {
            assert!(
                a.contains(expected),
                "{}: no `{expected}` in\n{a}",
                case.name
            );
        }
    }
}
