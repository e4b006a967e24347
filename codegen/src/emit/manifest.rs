//! The generated crate's `Cargo.toml`. Dependency versions live here and nowhere else;
//! which crates a generated crate depends on follows from the paths its code names.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::ir;

/// A crate generated code may use: how a manifest asks for it, and the features that a
/// path into one of its modules turns on.
struct Crate {
    name: &'static str,
    version: &'static str,
    /// Whether the crate's default features stay on.
    default_features: bool,
    /// Features always asked for.
    features: &'static [&'static str],
    /// `(module, feature)`: code naming `name::module` needs `feature`.
    on_demand: &'static [(&'static str, &'static str)],
    /// The crate's feature that turns this optional dependency on, when code names it only
    /// under `cfg(feature = ...)`.
    optional: Option<&'static str>,
    /// The package's name, when it differs from the name code uses (`futures-core`).
    package: Option<&'static str>,
}

/// Every crate generated code may name, sorted by name.
const CRATES: &[Crate] = &[
    // The version reqwest itself uses, so it is built once.
    Crate {
        name: "base64",
        version: "0.23",
        default_features: true,
        features: &[],
        on_demand: &[],
        optional: None,
        package: None,
    },
    // Chunks of bytes, for bodies that stream.
    Crate {
        name: "bytes",
        version: "1",
        default_features: true,
        features: &[],
        on_demand: &[],
        optional: None,
        package: None,
    },
    Crate {
        name: "chrono",
        version: "0.4",
        default_features: false,
        // `clock` for `Utc::now()`, which users of timestamps reach for.
        features: &["clock", "serde", "std"],
        on_demand: &[],
        optional: None,
        package: None,
    },
    // The `Stream` trait, for bodies, events and pages that stream.
    Crate {
        name: "futures_core",
        version: "0.3",
        default_features: true,
        features: &[],
        on_demand: &[],
        optional: None,
        package: Some("futures-core"),
    },
    // Rebuilding a response read whole, when the crate's `record` feature is on.
    Crate {
        name: "http",
        version: "1",
        default_features: true,
        features: &[],
        on_demand: &[],
        optional: Some("record"),
        package: None,
    },
    Crate {
        name: "reqwest",
        version: "0.13",
        default_features: false,
        // TLS is the crate's choice, passed on by its features (see `TLS_FEATURES`).
        features: &[],
        on_demand: &[("multipart", "multipart"), ("Body", "stream")],
        optional: None,
        package: None,
    },
    Crate {
        name: "serde",
        version: "1",
        default_features: true,
        features: &["derive"],
        on_demand: &[],
        optional: None,
        package: None,
    },
    Crate {
        name: "serde_json",
        version: "1",
        default_features: true,
        features: &[],
        on_demand: &[],
        optional: None,
        package: None,
    },
    Crate {
        name: "tokio",
        version: "1",
        default_features: false,
        features: &[],
        on_demand: &[
            ("fs", "fs"),
            ("main", "macros"),
            ("main", "rt-multi-thread"),
            ("test", "macros"),
            ("test", "rt"),
            ("time", "time"),
        ],
        optional: None,
        package: None,
    },
    // Spans around requests, when the crate's `tracing` feature is on.
    Crate {
        name: "tracing",
        version: "0.1",
        default_features: false,
        features: &["std"],
        on_demand: &[],
        optional: Some("tracing"),
        package: None,
    },
    Crate {
        name: "uuid",
        version: "1",
        default_features: true,
        // `v4` for `Uuid::new_v4()`, which users of ids reach for.
        features: &["serde", "v4"],
        on_demand: &[],
        optional: None,
        package: None,
    },
    // Typed mocks for tests, when the crate's `mock` feature is on.
    Crate {
        name: "wiremock",
        version: "0.6",
        default_features: true,
        features: &[],
        on_demand: &[],
        optional: Some("mock"),
        package: None,
    },
];

/// The crates, and their features, that every client's runtime needs. The shared runtime
/// crate has a Cargo feature for each other crate or feature its items name.
const RUNTIME_CORE: [(&str, &[&str]); 4] = [
    ("reqwest", &[]),
    ("serde", &["derive"]),
    ("serde_json", &[]),
    ("tokio", &["time"]),
];

/// The Cargo feature of the shared runtime crate that an item naming the path
/// `first::second` needs, with what that feature turns on (`dep:bytes`,
/// `reqwest/multipart`); `None` when every client needs it or it names no crate. The
/// crates behind a generated crate's own features (`mock`, `tracing`) have none here: the
/// runtime's source puts what needs them under those features itself.
pub(crate) fn runtime_feature(first: &str, second: &str) -> Option<(&'static str, String)> {
    let krate = CRATES.iter().find(|c| c.name == first)?;
    if krate.optional.is_some() {
        return None;
    }
    let package = krate.package.unwrap_or(krate.name);
    match RUNTIME_CORE.iter().find(|(name, _)| *name == first) {
        None => Some((package, format!("dep:{package}"))),
        Some((_, always)) => krate
            .on_demand
            .iter()
            .find(|(module, feature)| *module == second && !always.contains(feature))
            .map(|(_, feature)| (*feature, format!("{package}/{feature}"))),
    }
}

/// The dependencies some code needs: each crate with the features its paths need.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Dependencies(BTreeMap<&'static str, Vec<&'static str>>);

impl Dependencies {
    /// The crates among the first segments of `paths` (pairs of a path's first two
    /// segments), with the features they need.
    pub(crate) fn of<'p>(paths: impl IntoIterator<Item = (&'p str, &'p str)>) -> Self {
        let mut found: BTreeMap<&'static str, Vec<&'static str>> = BTreeMap::new();
        for (first, second) in paths {
            let Some(krate) = CRATES.iter().find(|c| c.name == first) else {
                continue;
            };
            let features = found.entry(krate.name).or_default();
            features.extend(krate.features.iter().copied());
            features.extend(
                krate
                    .on_demand
                    .iter()
                    .filter(|(module, _)| *module == second)
                    .map(|(_, feature)| *feature),
            );
        }
        for features in found.values_mut() {
            features.sort_unstable();
            features.dedup();
        }
        Dependencies(found)
    }

    /// Whether the crate `name` is among them.
    pub(crate) fn contains(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }

    /// Asks for `feature` of the crate `name`, if it is among them.
    pub(crate) fn with_feature(mut self, name: &str, feature: &'static str) -> Self {
        if let Some(features) = self.0.get_mut(name) {
            features.push(feature);
            features.sort_unstable();
            features.dedup();
        }
        self
    }

    /// The features that turn optional dependencies on: `(feature, crate)`.
    pub(crate) fn optional(&self) -> impl Iterator<Item = (&'static str, &'static str)> + '_ {
        self.0.keys().filter_map(|name| {
            let krate = CRATES.iter().find(|c| c.name == *name)?;
            krate.optional.map(|feature| (feature, krate.name))
        })
    }

    /// Leaves out the crates `other` has with every feature these need.
    pub(crate) fn without(mut self, other: &Dependencies) -> Self {
        self.0.retain(|name, features| {
            other
                .0
                .get(name)
                .is_none_or(|theirs| !features.iter().all(|f| theirs.contains(f)))
        });
        self
    }

    /// Those of these crates named in `names`.
    pub(crate) fn only(&self, names: &[&str]) -> Self {
        let mut only = self.clone();
        only.0.retain(|name, _| names.contains(name));
        only
    }

    /// These and `other`, each crate with the features either asks for.
    pub(crate) fn union(mut self, other: Dependencies) -> Self {
        for (name, features) in other.0 {
            let ours = self.0.entry(name).or_default();
            ours.extend(features);
            ours.sort_unstable();
            ours.dedup();
        }
        self
    }

    /// The `[dependencies]` lines: `name = "version"` or `name = { ... }`.
    pub(crate) fn lines(&self) -> Vec<String> {
        self.lines_with(|krate| krate.optional.is_some())
    }

    /// The lines, each crate for which `optional` holds marked optional.
    fn lines_with(&self, optional: impl Fn(&Crate) -> bool) -> Vec<String> {
        self.0
            .iter()
            .filter_map(|(name, features)| {
                let krate = CRATES.iter().find(|c| c.name == *name)?;
                let optional = optional(krate);
                let name = krate.package.unwrap_or(name);
                let features: Vec<String> = features.iter().map(|f| format!("\"{f}\"")).collect();
                let mut table = Vec::new();
                if !krate.default_features {
                    table.push("default-features = false".to_owned());
                }
                if !features.is_empty() {
                    table.push(format!("features = [{}]", features.join(", ")));
                }
                if optional {
                    table.push("optional = true".to_owned());
                }
                Some(if table.is_empty() {
                    format!("{name} = \"{}\"", krate.version)
                } else {
                    format!(
                        "{name} = {{ version = \"{}\", {} }}",
                        krate.version,
                        table.join(", ")
                    )
                })
            })
            .collect()
    }
}

/// The features of a generated crate that uses reqwest, passing its TLS and HTTP choices
/// on: `(feature, reqwest's feature, what it is for)`. The first is the default.
const TLS_FEATURES: [(&str, &str, &str); 3] = [
    (
        "rustls",
        "reqwest/rustls",
        "TLS through rustls, in Rust (the default).",
    ),
    (
        "native-tls",
        "reqwest/native-tls",
        "TLS through the platform's library (OpenSSL on Linux, whose headers it needs to build).",
    ),
    (
        "http2",
        "reqwest/http2",
        "HTTP/2 besides HTTP/1.1, when the server offers it.",
    ),
];

/// The features that turn optional dependencies on, with what each is for.
const OPTIONAL_FEATURES: [(&str, &str); 3] = [
    (
        "mock",
        "Typed mocks of every operation on a `wiremock` server, in the `mock` module, for tests.",
    ),
    (
        "record",
        "`Recorder`, a hook writing every exchange down as a JSON line, for `openapi-clientgen drift`.",
    ),
    (
        "tracing",
        "A `tracing` span for every request: operation, method, path template, attempt, status, duration.",
    ),
];

/// The features a crate with these dependencies has, with what each is for, as the
/// crate's documentation lists them.
pub(crate) fn crate_features(dependencies: &Dependencies) -> Vec<(&'static str, &'static str)> {
    let mut features = Vec::new();
    if dependencies.contains("reqwest") {
        features.extend(TLS_FEATURES.iter().map(|(name, _, about)| (*name, *about)));
    }
    for (feature, _) in dependencies.optional() {
        if let Some(known) = OPTIONAL_FEATURES.iter().find(|(name, _)| *name == feature) {
            features.push(*known);
        }
    }
    features
}

/// What the manifest needs besides the IR.
pub(crate) struct ManifestOptions<'a> {
    pub name: &'a str,
    pub header: &'a str,
    pub standalone: bool,
    pub edition: crate::options::Edition,
    pub license: Option<&'a str>,
    pub publish: bool,
    /// The crate's version, when it is not the spec's.
    pub version: Option<&'a str>,
    /// What the library's code needs.
    pub dependencies: Dependencies,
    /// What the examples and tests need besides.
    pub dev_dependencies: Dependencies,
    /// The crate's own features its tests need, turned on by a dev-dependency on itself.
    pub test_features: Vec<&'static str>,
    /// Examples and tests (`("example", "list_pets")`, `("test", "mock")`) that call an
    /// operation only some per-tag features compile, with the feature they need.
    pub gated_targets: Vec<(&'static str, String, String)>,
    /// The shared runtime crate the crate depends on, if it does.
    pub shared_runtime: Option<SharedRuntime>,
}

/// A client's dependency on the shared runtime crate.
pub(crate) struct SharedRuntime {
    /// The runtime crate's directory, relative to the client's.
    pub path: String,
    /// The runtime crate's version, the generator's.
    pub version: &'static str,
    /// The runtime crate's features the client needs.
    pub features: std::collections::BTreeSet<&'static str>,
    /// The client's features that turn on optional dependencies of the runtime, `(feature,
    /// crate)`: each turns on the runtime crate's feature of the same name, and the crate
    /// when the client names it itself.
    pub optional: Vec<(&'static str, &'static str)>,
}

/// The shared runtime crate's manifest: `header` as its first comment, the generator's
/// `version`, and the crates that `paths` (those its items name) need, each that only
/// some clients need optional, behind a feature.
pub(crate) fn runtime_manifest<'p>(
    header: &str,
    version: &str,
    standalone: bool,
    paths: impl Iterator<Item = (&'p str, &'p str)>,
) -> String {
    let paths: Vec<(&str, &str)> = paths.collect();
    let mut features: BTreeMap<&str, String> = BTreeMap::new();
    let mut dependencies = Dependencies::of(paths.iter().copied());
    for &(first, second) in &paths {
        if let Some((feature, turns_on)) = runtime_feature(first, second) {
            if let Some((krate, dependency_feature)) = turns_on.split_once('/') {
                // Asked for by the feature, not always.
                if let Some(known) = CRATES.iter().find(|c| c.package.unwrap_or(c.name) == krate) {
                    if let Some(list) = dependencies.0.get_mut(known.name) {
                        list.retain(|f| *f != dependency_feature);
                    }
                }
            }
            features.insert(feature, format!("[{}]", toml_string(&turns_on)));
        }
    }
    for (feature, krate) in dependencies.optional() {
        let package = CRATES
            .iter()
            .find(|c| c.name == krate)
            .map_or(krate, |c| c.package.unwrap_or(c.name));
        features.insert(
            feature,
            format!("[{}]", toml_string(&format!("dep:{package}"))),
        );
    }
    let mut out = String::new();
    let _ = writeln!(out, "# {header}");
    out.push_str("\n[package]\n");
    let _ = writeln!(out, "name = {}", toml_string(super::runtime::RUNTIME_CRATE));
    let _ = writeln!(out, "version = {}", toml_string(version));
    out.push_str("edition = \"2024\"\nrust-version = \"1.85\"\n");
    out.push_str(
        "description = \"Support code shared by the API clients openapi-clientgen generates.\"\n\
         publish = false\n",
    );
    out.push_str(
        "\n# The clients turn on what they use: each feature is an optional dependency, or a\n\
         # feature of one, that only some clients need.\n[features]\n",
    );
    for (feature, list) in &features {
        let _ = writeln!(out, "{feature} = {list}");
    }
    out.push_str("\n[dependencies]\n");
    let optional = |krate: &Crate| {
        krate.optional.is_some() || !RUNTIME_CORE.iter().any(|(name, _)| *name == krate.name)
    };
    for line in dependencies.lines_with(optional) {
        let _ = writeln!(out, "{line}");
    }
    if standalone {
        out.push_str(
            "\n# A crate of its own, not a member of an enclosing workspace.\n[workspace]\n",
        );
    }
    out
}

/// What a per-tag feature is for, as its manifest comment and crate documentation say.
pub(crate) fn tag_feature_about(feature: &ir::Feature) -> String {
    let what = match &feature.group {
        ir::FeatureGroup::Tag(tag) => format!("tagged {}", super::docs::code(tag)),
        ir::FeatureGroup::Untagged => "without a tag".to_owned(),
        ir::FeatureGroup::Resource(path) => {
            format!("under {}", super::docs::code(&format!("{path}/")))
        }
        ir::FeatureGroup::Unused => {
            return "The types of the document's schemas that no operation uses.".to_owned();
        }
    };
    let count = match feature.operations {
        1 => "The operation".to_owned(),
        n => format!("The {n} operations"),
    };
    let they = if feature.operations == 1 {
        "it uses"
    } else {
        "they use"
    };
    let mut about = format!("{count} {what} and the types {they}.");
    if let Some(description) = &feature.description {
        let line = super::docs::one_line(description);
        let short: String = line.chars().take(100).collect();
        if !short.is_empty() {
            about.push(' ');
            about.push_str(&short);
            if short.len() < line.len() {
                about.push_str("...");
            } else if !short.ends_with(['.', '!', '?']) {
                about.push('.');
            }
        }
    }
    about
}

fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The manifest text.
pub(crate) fn manifest(api: &ir::Api, options: &ManifestOptions<'_>) -> String {
    let description = format!(
        "Client for {} {}, generated from its OpenAPI document.",
        super::api_name(&api.title),
        api.version.trim()
    );
    let mut out = String::new();
    let _ = writeln!(out, "# {}", options.header);
    out.push_str("\n[package]\n");
    let _ = writeln!(out, "name = {}", toml_string(options.name));
    let version = options.version.unwrap_or(&api.crate_version);
    let _ = writeln!(out, "version = {}", toml_string(version));
    let _ = writeln!(out, "edition = \"{}\"", options.edition.as_str());
    out.push_str("rust-version = \"1.85\"\n");
    let _ = writeln!(out, "description = {}", toml_string(&description));
    if let Some(license) = options.license {
        let _ = writeln!(out, "license = {}", toml_string(license));
    }
    if !options.publish {
        out.push_str("publish = false\n");
    }
    let tls = options.dependencies.contains("reqwest");
    // `feature = [what it turns on]`, for the optional dependencies.
    let optional: Vec<(&str, Vec<String>)> = match &options.shared_runtime {
        None => options
            .dependencies
            .optional()
            .map(|(feature, krate)| (feature, vec![format!("dep:{krate}")]))
            .collect(),
        Some(shared) => shared
            .optional
            .iter()
            .map(|&(feature, krate)| {
                let mut list = Vec::new();
                if options.dependencies.contains(krate) {
                    list.push(format!("dep:{krate}"));
                }
                list.push(format!("{}/{feature}", super::runtime::RUNTIME_CRATE));
                (feature, list)
            })
            .collect(),
    };
    if tls || !optional.is_empty() || !api.features.is_empty() {
        out.push_str("\n[features]\n");
    }
    let mut default: Vec<String> = Vec::new();
    if tls {
        default.push(toml_string(TLS_FEATURES[0].0));
    }
    default.extend(api.features.iter().map(|f| toml_string(&f.name)));
    if !default.is_empty() {
        let _ = writeln!(out, "default = [{}]", default.join(", "));
    }
    if tls {
        for (name, forwarded, about) in TLS_FEATURES {
            let _ = writeln!(out, "# {about}");
            let _ = writeln!(out, "{name} = [\"{forwarded}\"]");
        }
    }
    for (feature, list) in optional {
        if let Some((_, about)) = OPTIONAL_FEATURES.iter().find(|(name, _)| *name == feature) {
            let _ = writeln!(out, "# {about}");
        }
        let list: Vec<String> = list.iter().map(|item| toml_string(item)).collect();
        let _ = writeln!(out, "{feature} = [{}]", list.join(", "));
    }
    if !api.features.is_empty() {
        out.push_str(
            "# One feature per tag of the API: without the default features, only the \
             operations of the\n# tags turned on, and what they use, are compiled.\n",
        );
    }
    for feature in &api.features {
        let _ = writeln!(out, "# {}", tag_feature_about(feature));
        let _ = writeln!(out, "{} = []", feature.name);
    }
    for (kind, name, feature) in &options.gated_targets {
        let _ = writeln!(
            out,
            "\n[[{kind}]]\nname = {}\nrequired-features = [{}]",
            toml_string(name),
            toml_string(feature)
        );
    }
    for (section, dependencies) in [
        ("dependencies", &options.dependencies),
        ("dev-dependencies", &options.dev_dependencies),
    ] {
        let mut lines = dependencies.lines();
        if let Some(shared) = options
            .shared_runtime
            .as_ref()
            .filter(|_| section == "dependencies")
        {
            let features: Vec<String> = shared.features.iter().map(|f| toml_string(f)).collect();
            let features = if features.is_empty() {
                String::new()
            } else {
                format!(", features = [{}]", features.join(", "))
            };
            lines.push(format!(
                "{} = {{ version = \"={}\", path = {}{features} }}",
                super::runtime::RUNTIME_CRATE,
                shared.version,
                toml_string(&shared.path)
            ));
            lines.sort();
        }
        if section == "dev-dependencies" && !options.test_features.is_empty() {
            let features: Vec<String> = options
                .test_features
                .iter()
                .map(|f| toml_string(f))
                .collect();
            lines.push(format!(
                "{} = {{ path = \".\", features = [{}] }}",
                options.name,
                features.join(", ")
            ));
            lines.sort();
        }
        if !lines.is_empty() {
            let _ = writeln!(out, "\n[{section}]");
            for line in lines {
                let _ = writeln!(out, "{line}");
            }
        }
    }
    if options.standalone {
        out.push_str(
            "\n# A crate of its own, not a member of an enclosing workspace.\n[workspace]\n",
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dependencies_follow_the_paths_code_names() {
        let deps = Dependencies::of([
            ("reqwest", "Client"),
            ("reqwest", "multipart"),
            ("serde", ""),
            ("types", "Pet"),
            ("std", "fmt"),
            ("uuid", "Uuid"),
        ]);
        assert_eq!(
            deps.lines(),
            [
                r#"reqwest = { version = "0.13", default-features = false, features = ["multipart"] }"#,
                r#"serde = { version = "1", features = ["derive"] }"#,
                r#"uuid = { version = "1", features = ["serde", "v4"] }"#,
            ]
        );
        let dev = Dependencies::of([("tokio", "main"), ("serde", "Serialize")]).without(&deps);
        assert_eq!(
            dev.lines(),
            [
                r#"tokio = { version = "1", default-features = false, features = ["macros", "rt-multi-thread"] }"#
            ]
        );
        assert_eq!(
            Dependencies::of([("serde_json", "Value")]).lines(),
            [r#"serde_json = "1""#]
        );
    }

    #[test]
    fn toml_strings_are_escaped() {
        assert_eq!(toml_string("a \"b\" \\ c\n"), r#""a \"b\" \\ c\n""#);
    }
}
