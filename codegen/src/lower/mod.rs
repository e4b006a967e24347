//! Lowering: the `openapiv3` model to the IR. Resolves `$ref`s, names every type (inline
//! schemas after where they stand), decides how each field carries absence and null, and
//! sorts everything. Constructs it cannot express become warnings and a degraded type,
//! never a panic.

mod features;
mod finalize;
mod operation;
mod paging;
mod schema;

use std::collections::HashMap;

use indexmap::IndexMap;
use openapiv3::{OpenAPI, ReferenceOr};

use crate::diagnostics::{Diagnostic, Pointer};
use crate::ir;
use crate::names::Namer;

/// Names no generated type takes: those the `types` module uses unqualified, the Rust
/// prelude's, `std::collections`'s, and the items the crate root exports, so that
/// `use types::*` beside the crate's and std's own imports shadows nothing. A schema with
/// one of these names gets [`RESERVED_SUFFIX`] (`Vec` becomes `VecSchema`).
const TYPES_RESERVED: &[&str] = &[
    "ApiKey",
    "AsMut",
    "AsRef",
    "BTreeMap",
    "BTreeSet",
    "Base64",
    "BasicAuth",
    "BearerToken",
    "BinaryHeap",
    "Body",
    "Box",
    "BoxFuture",
    "ByteStream",
    "Client",
    "ClientBuilder",
    "Clone",
    "Copy",
    "Debug",
    "DecodeError",
    "Default",
    "Deserialize",
    "Drop",
    "Eq",
    "Err",
    "Error",
    "ErrorResponse",
    "EventStream",
    "Extend",
    "File",
    "Fn",
    "FnMut",
    "FnOnce",
    "From",
    "FromIterator",
    "Hash",
    "HashMap",
    "HashSet",
    "Hook",
    "Into",
    "IntoIterator",
    "ItemStream",
    "Iterator",
    "LinkedList",
    "Next",
    "NextPage",
    "None",
    "OffersEvents",
    "Ok",
    "Operation",
    "OperationInfo",
    "Option",
    "Ord",
    "PageStream",
    "Paginated",
    "PartialEq",
    "PartialOrd",
    "Patch",
    "Received",
    "Request",
    "RequestInfo",
    "Response",
    "Result",
    "Retry",
    "Send",
    "SendError",
    "Serialize",
    "ServerEvent",
    "Sized",
    "Some",
    "Streaming",
    "String",
    "Sync",
    "ToOwned",
    "ToString",
    "TooLarge",
    "TryFrom",
    "TryInto",
    "Unpin",
    "Vec",
    "VecDeque",
];

/// What a schema whose name is reserved is called instead: the name and this suffix.
const RESERVED_SUFFIX: &str = "Schema";

/// Generated names (not the document's own) longer than this lose their leading words.
const MAX_COMPOSED_NAME: usize = 64;

/// An inline schema's type, and the names made from each place it stands.
pub(crate) struct SharedType {
    pub(crate) name: String,
    pub(crate) hints: Vec<String>,
}

/// Words the generator appends to names made from places, and property names so common
/// that alone they say nothing.
const GENERIC_WORDS: &[&str] = &[
    "Body", "Data", "Error", "Field", "Id", "Item", "Kind", "Name", "Object", "Param", "Response",
    "Success", "Type", "Value", "Variant",
];

/// The name of a type that stands in places whose names are `names`: the words they all
/// begin with and the words they all end with (the differing middle left out), unless
/// those are only one of [`GENERIC_WORDS`]; then the shortest of the names (the first of
/// the shortest).
fn shared_name(names: &[String]) -> String {
    let split: Vec<Vec<&str>> = names.iter().map(|n| camel_words(n)).collect();
    let shortest = split.iter().map(Vec::len).min().unwrap_or(0);
    let first = split.first().map(Vec::as_slice).unwrap_or(&[]);
    let common = |at: &dyn Fn(&[&str], usize) -> usize| {
        (0..shortest)
            .take_while(|&n| {
                split
                    .iter()
                    .all(|words| words[at(words, n)] == first[at(first, n)])
            })
            .count()
    };
    let suffix = common(&|words, n| words.len() - 1 - n);
    // The prefix stops where the suffix starts in the shortest name.
    let prefix = common(&|_, n| n).min(shortest - suffix);
    // A suffix that is only a word the generator adds (`Item`) keeps the words every
    // differing middle has too (`Actions` of `CreateActions`, `UpdateActionsOnTrigger`).
    let generic_end = suffix == 1 && GENERIC_WORDS.contains(&first[first.len() - 1]);
    let middle: Vec<&str> = if generic_end {
        split
            .iter()
            .map(|words| words[prefix..words.len() - suffix].to_vec())
            .reduce(|kept, words| common_subsequence(&kept, &words))
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let name = [&first[..prefix], &middle, &first[first.len() - suffix..]]
        .concat()
        .concat();
    if suffix > 0 && !GENERIC_WORDS.contains(&name.as_str()) {
        return name;
    }
    names
        .iter()
        .min_by_key(|n| n.len())
        .cloned()
        .unwrap_or_default()
}

/// The longest run of words both `a` and `b` have in this order, not necessarily
/// together.
fn common_subsequence<'w>(a: &[&'w str], b: &[&'w str]) -> Vec<&'w str> {
    let mut lengths = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lengths[i][j] = if a[i] == b[j] {
                lengths[i + 1][j + 1] + 1
            } else {
                lengths[i + 1][j].max(lengths[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut kept) = (0, 0, Vec::new());
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            kept.push(a[i]);
            i += 1;
            j += 1;
        } else if lengths[i + 1][j] >= lengths[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    kept
}

/// The words of an `UpperCamelCase` name, each starting at a capital letter.
fn camel_words(name: &str) -> Vec<&str> {
    let mut words = Vec::new();
    let mut start = 0;
    for (i, c) in name.char_indices().skip(1) {
        if c.is_ascii_uppercase() {
            words.push(&name[start..i]);
            start = i;
        }
    }
    words.push(&name[start..]);
    words
}

/// Renames generated types, wherever the API names them.
fn rename_types(api: &mut ir::Api, renames: &HashMap<String, String>) {
    if renames.is_empty() {
        return;
    }
    for def in &mut api.types {
        if let Some(name) = renames.get(&def.name) {
            def.name.clone_from(name);
        }
        match &mut def.kind {
            ir::TypeKind::Struct(s) => {
                for f in &mut s.fields {
                    f.ty.rename(renames);
                }
                for (_, ty) in &mut s.flattened {
                    ty.rename(renames);
                }
                if let Some((_, ty)) = &mut s.additional {
                    ty.rename(renames);
                }
            }
            ir::TypeKind::Alias(ty) | ir::TypeKind::Newtype(ty) => ty.rename(renames),
            ir::TypeKind::Union(u) => {
                for v in &mut u.variants {
                    v.ty.rename(renames);
                }
            }
            ir::TypeKind::Outcome(variants) => {
                for v in variants {
                    v.body.rename(renames);
                }
            }
            ir::TypeKind::Enum(_) => {}
        }
    }
    for op in &mut api.operations {
        for p in &mut op.params {
            p.ty.rename(renames);
        }
        if let Some(body) = &mut op.body {
            body.ty.rename(renames);
        }
        for r in &mut op.responses {
            r.body.rename(renames);
            for (_, body) in &mut r.media {
                body.rename(renames);
            }
            if let Some(ir::Events { data: Some(ty), .. }) = &mut r.events {
                ty.rename(renames);
            }
        }
        if let Some(ir::OfferedEvents {
            events: ir::Events { data: Some(ty), .. },
            ..
        }) = &mut op.events
        {
            ty.rename(renames);
        }
        for outcome in std::iter::once(&mut op.success).chain(op.error.as_mut()) {
            if let ir::Outcome::Single(body) = outcome {
                body.rename(renames);
            }
        }
    }
}

/// `name`, or, when it is reserved, `name` with [`RESERVED_SUFFIX`].
fn unreserved(name: &str) -> String {
    if TYPES_RESERVED.contains(&name) {
        format!("{name}{RESERVED_SUFFIX}")
    } else {
        name.to_owned()
    }
}

/// A composed `UpperCamelCase` name cut to [`MAX_COMPOSED_NAME`] characters by dropping
/// whole words from its front: the end says what the type is (`...SchedulesItem`).
fn shortened(name: &str) -> String {
    let mut rest = name;
    while rest.len() > MAX_COMPOSED_NAME {
        // The next word starts at the next capital letter (or digit run) after the first.
        let next = rest
            .char_indices()
            .skip(1)
            .find(|(_, c)| c.is_ascii_uppercase())
            .map(|(i, _)| i);
        match next {
            Some(i) if rest.len() - i >= 1 => rest = &rest[i..],
            _ => break,
        }
    }
    rest.to_owned()
}

/// Lowers a loaded document. Returns the IR when there are no errors, and every
/// diagnostic (errors and warnings) found on the way.
pub fn lower(
    doc: &OpenAPI,
    settings: &crate::options::Settings,
) -> (Option<ir::Api>, Vec<Diagnostic>) {
    let mut cx = Lowerer::new(doc, settings);
    cx.check_settings();
    cx.lower_components();
    let operations = cx.lower_operations();
    let errors = cx.diagnostics.iter().any(Diagnostic::is_error);
    if errors {
        return (None, cx.diagnostics);
    }
    let api = cx.finish(operations);
    if cx.diagnostics.iter().any(Diagnostic::is_error) {
        return (None, cx.diagnostics);
    }
    (Some(api), cx.diagnostics)
}

/// State shared by the lowering passes.
pub(crate) struct Lowerer<'a> {
    doc: &'a OpenAPI,
    /// Rust names of component schemas, by component name.
    component_names: HashMap<&'a str, String>,
    /// Named types made so far, by Rust name.
    types: IndexMap<String, ir::TypeDef>,
    /// The inline schemas given a type so far, by their shape (the schema without its
    /// descriptions and examples): one type per shape, wherever it stands.
    shapes: IndexMap<String, SharedType>,
    type_namer: Namer,
    diagnostics: Vec<Diagnostic>,
    /// What the generator adds to what the document says.
    settings: &'a crate::options::Settings,
    /// What operations (by where they stand) ask for to be paged through.
    paging: Vec<(Pointer, Result<paging::Requested, String>)>,
}

impl<'a> Lowerer<'a> {
    fn new(doc: &'a OpenAPI, settings: &'a crate::options::Settings) -> Self {
        let mut type_namer = Namer::with_reserved(TYPES_RESERVED);
        let mut component_names = HashMap::new();
        if let Some(components) = &doc.components {
            for name in components.schemas.keys() {
                let preferred = crate::names::pascal(name, "Schema");
                let rust = type_namer.claim(&unreserved(&preferred));
                component_names.insert(name.as_str(), rust);
            }
        }
        Lowerer {
            doc,
            component_names,
            types: IndexMap::new(),
            shapes: IndexMap::new(),
            type_namer,
            diagnostics: Vec::new(),
            settings,
            paging: Vec::new(),
        }
    }

    fn warn(&mut self, at: &Pointer, message: impl Into<String>) {
        self.diagnostics.push(Diagnostic::warning(at, message));
    }

    fn error(&mut self, at: &Pointer, message: impl Into<String>) {
        self.diagnostics.push(Diagnostic::error(at, message));
    }

    /// Claims a name for an inline type, made from where it stands: a reserved name gets
    /// its suffix, and one longer than [`MAX_COMPOSED_NAME`] loses leading words.
    fn claim_type_name(&mut self, preferred: &str) -> String {
        self.type_namer.claim(&unreserved(&shortened(preferred)))
    }

    fn finish(&mut self, operations: Vec<ir::Operation>) -> ir::Api {
        let info = &self.doc.info;
        let servers = self.lower_servers();
        let (security_schemes, operations) = self.lower_security(operations);
        let renames = self.shared_names();
        let types = std::mem::take(&mut self.types).into_values().collect();
        let credentials = match security_schemes.len() {
            0 => ir::Credentials::None,
            1 => ir::Credentials::One,
            _ => ir::Credentials::Several,
        };
        let mut api = ir::Api {
            title: info.title.clone(),
            version: info.version.clone(),
            crate_version: crate_version(&info.version),
            description: info.description.clone(),
            servers,
            security_schemes,
            credentials,
            types,
            operations,
            features: Vec::new(),
            recursion_limit: None,
            keeps_unknown_fields: self.settings.keep_unknown_fields,
        };
        rename_types(&mut api, &renames);
        let found = finalize::finalize(&mut api);
        self.diagnostics.extend(found);
        let found = paging::resolve(&mut api, std::mem::take(&mut self.paging));
        self.diagnostics.extend(found);
        features::assign(&mut api, &self.doc.tags, self.settings.features);
        api
    }

    /// Warns of settings that name operations the document does not have.
    fn check_settings(&mut self) {
        let ids: std::collections::HashSet<&str> = self
            .doc
            .paths
            .paths
            .values()
            .filter_map(|item| match item {
                ReferenceOr::Item(item) => Some(item),
                ReferenceOr::Reference { .. } => None,
            })
            .flat_map(|item| item.iter().map(|(_, op)| op))
            .filter_map(|op| op.operation_id.as_deref())
            .collect();
        for given in &self.settings.paginate {
            if !ids.contains(given.operation.as_str()) {
                self.diagnostics.push(Diagnostic::warning(
                    Pointer::root().push("paths"),
                    format!(
                        "pagination is set for the operation `{}`, which the document does not have",
                        given.operation
                    ),
                ));
            }
        }
    }

    /// New names for the types of inline schemas that stand in several places: what the
    /// names made from those places begin and end with (`IdOrName` for the `id_or_name`
    /// parameter of three operations, `EventTriggerType` for the `type` of
    /// `EventTriggerInput` and `EventTriggerOutput`), unless that is only a word the
    /// generator adds itself (`Item`, `Body`, `Type`, ...); then the shortest of those
    /// names. A name another type has is not taken: the type keeps its first place's name.
    fn shared_names(&mut self) -> HashMap<String, String> {
        let mut renames = HashMap::new();
        let shared: Vec<(String, String)> = self
            .shapes
            .values()
            .filter(|t| t.hints.len() > 1)
            .map(|t| (t.name.clone(), shared_name(&t.hints)))
            .collect();
        for (name, common) in shared {
            let common = unreserved(&shortened(&common));
            if common != name && !self.type_namer.is_taken(&common) {
                renames.insert(name, self.type_namer.claim(&common));
            }
        }
        // Types named after a renamed one (its inline parts) follow it.
        let mut parents: Vec<(String, String)> = renames.clone().into_iter().collect();
        parents.sort();
        for (old, new) in parents {
            let parts: Vec<String> = self
                .types
                .keys()
                .filter(|t| {
                    t.strip_prefix(old.as_str())
                        .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
                        && !renames.contains_key(*t)
                })
                .cloned()
                .collect();
            for part in parts {
                let renamed = format!("{new}{}", &part[old.len()..]);
                if !self.type_namer.is_taken(&renamed) {
                    renames.insert(part, self.type_namer.claim(&renamed));
                }
            }
        }
        renames
    }

    fn lower_servers(&mut self) -> Vec<ir::Server> {
        let mut servers = Vec::new();
        for (i, server) in self.doc.servers.iter().enumerate() {
            let at = Pointer::root().push("servers").push(i.to_string());
            let mut url = String::new();
            let mut variables: Vec<ir::ServerVariable> = Vec::new();
            let mut namer = Namer::default();
            let mut rest = server.url.as_str();
            while let Some(open) = rest.find('{') {
                url.push_str(&rest[..open]);
                let Some(close) = rest[open..].find('}') else {
                    self.warn(&at.push("url"), "unbalanced `{` in the server URL");
                    break;
                };
                let name = &rest[open + 1..open + close];
                match server.variables.as_ref().and_then(|v| v.get(name)) {
                    Some(var) => {
                        url.push_str(&var.default);
                        if !variables.iter().any(|v| v.wire_name == name) {
                            variables.push(ir::ServerVariable {
                                wire_name: name.to_owned(),
                                rust_name: namer.claim(&crate::names::snake(name, "variable")),
                                default: var.default.clone(),
                                values: var.enumeration.clone(),
                                description: var.description.clone(),
                            });
                        }
                    }
                    None => self.warn(
                        &at.push("url"),
                        format!("server variable `{name}` is not declared; it is left empty"),
                    ),
                }
                rest = &rest[open + close + 1..];
            }
            url.push_str(rest);
            if i == 0 && !(url.starts_with("http://") || url.starts_with("https://")) {
                self.warn(
                    &at.push("url"),
                    format!(
                        "the server URL `{url}` is not an absolute http(s) URL; clients must set one with \
                         `ClientBuilder::base_url`"
                    ),
                );
            }
            servers.push(ir::Server {
                url,
                template: server.url.clone(),
                description: server.description.clone(),
                variables,
            });
        }
        servers
    }

    /// Keeps the security schemes that operations use, and renumbers operations' references.
    fn lower_security(
        &mut self,
        mut operations: Vec<ir::Operation>,
    ) -> (Vec<ir::SecurityScheme>, Vec<ir::Operation>) {
        let declared = self.doc.components.as_ref().map(|c| &c.security_schemes);
        let mut all: Vec<Option<ir::SecurityScheme>> = Vec::new();
        let mut index_of: HashMap<String, usize> = HashMap::new();
        let mut namer = Namer::with_reserved(&[
            "base_url",
            "build",
            "connect_timeout",
            "http_client",
            "timeout",
            "user_agent",
        ]);
        if let Some(declared) = declared {
            for (name, scheme) in declared {
                let at = Pointer::root()
                    .push("components")
                    .push("securitySchemes")
                    .push(name);
                index_of.insert(name.clone(), all.len());
                all.push(self.security_scheme(name, scheme, &at, &mut namer));
            }
        }

        let mut used = vec![false; all.len()];
        for op in &mut operations {
            op.security.retain(|alternative| {
                alternative
                    .iter()
                    .all(|&i| all.get(i).is_some_and(Option::is_some))
            });
            for alternative in &op.security {
                for &i in alternative {
                    used[i] = true;
                }
            }
        }
        let mut renumber = vec![usize::MAX; all.len()];
        let mut kept = Vec::new();
        for (i, scheme) in all.into_iter().enumerate() {
            if let (true, Some(scheme)) = (used[i], scheme) {
                renumber[i] = kept.len();
                kept.push(scheme);
            }
        }
        for op in &mut operations {
            for alternative in &mut op.security {
                for i in alternative.iter_mut() {
                    *i = renumber[*i];
                }
            }
        }
        (kept, operations)
    }

    fn security_scheme(
        &mut self,
        name: &str,
        scheme: &'a ReferenceOr<openapiv3::SecurityScheme>,
        at: &Pointer,
        namer: &mut Namer,
    ) -> Option<ir::SecurityScheme> {
        use openapiv3::{APIKeyLocation, SecurityScheme as S};
        let ReferenceOr::Item(scheme) = scheme else {
            self.warn(
                at,
                "a `$ref` as a security scheme is not supported; the scheme is ignored",
            );
            return None;
        };
        let (kind, description) = match scheme {
            S::HTTP {
                scheme: http,
                description,
                ..
            } if http.eq_ignore_ascii_case("basic") => (ir::SecurityKind::Basic, description),
            S::HTTP {
                scheme: http,
                description,
                ..
            } if http.eq_ignore_ascii_case("bearer") => (ir::SecurityKind::Bearer, description),
            S::APIKey {
                location: APIKeyLocation::Header,
                name,
                description,
                ..
            } => {
                if !operation::is_header_name(name) {
                    self.warn(
                        at,
                        format!("`{name}` is not a valid header name; the scheme is ignored"),
                    );
                    return None;
                }
                (
                    ir::SecurityKind::ApiKeyHeader { name: name.clone() },
                    description,
                )
            }
            S::APIKey {
                location: APIKeyLocation::Query,
                name,
                description,
                ..
            } => (
                ir::SecurityKind::ApiKeyQuery { name: name.clone() },
                description,
            ),
            S::OAuth2 { description, .. } | S::OpenIDConnect { description, .. } => {
                self.warn(
                    at,
                    "OAuth 2 and OpenID Connect flows are not run by the client; it sends a bearer \
                     token that you obtain yourself",
                );
                (ir::SecurityKind::Bearer, description)
            }
            S::HTTP { scheme: http, .. } => {
                self.warn(at, format!("HTTP authentication scheme `{http}` is not supported; operations that need it are sent without it"));
                return None;
            }
            S::APIKey {
                location: APIKeyLocation::Cookie,
                ..
            } => {
                self.warn(at, "API keys in cookies are not supported; operations that need one are sent without it");
                return None;
            }
        };
        Some(ir::SecurityScheme {
            wire_name: name.to_owned(),
            rust_name: namer.claim(&crate::names::snake(name, "auth")),
            pointer: at.to_string(),
            description: description.clone(),
            kind,
        })
    }
}

/// The crate version: the spec's `info.version` when it is a semantic version
/// (`1.2.3`, `v1.2.3`, `1.2`, `2.0.0-beta.1`; build metadata dropped), `0.1.0` otherwise.
pub(crate) fn crate_version(info_version: &str) -> String {
    let v = info_version.trim().trim_start_matches(['v', 'V']);
    let v = v.split('+').next().unwrap_or(v);
    let (core, pre) = match v.split_once('-') {
        Some((core, pre)) => (core, Some(pre)),
        None => (v, None),
    };
    let parts: Vec<&str> = core.split('.').collect();
    let numeric = |s: &&str| {
        !s.is_empty()
            && s.bytes().all(|b| b.is_ascii_digit())
            && (s.len() == 1 || !s.starts_with('0'))
    };
    // One bare number is more often a date's year (`2021-03-01`) than a version.
    if !(2..=3).contains(&parts.len()) || !parts.iter().all(numeric) {
        return "0.1.0".to_owned();
    }
    let mut out: Vec<&str> = parts.clone();
    while out.len() < 3 {
        out.push("0");
    }
    let mut version = out.join(".");
    if let Some(pre) = pre {
        let valid = !pre.is_empty()
            && pre.split('.').all(|id| {
                !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            });
        if valid {
            version.push('-');
            version.push_str(pre);
        }
    }
    version
}

/// The component name a local `$ref` points to in `section` (`schemas`, `responses`, ...),
/// or a diagnostic message explaining why the reference cannot be followed.
pub(crate) fn ref_name(reference: &str, section: &str) -> Result<String, String> {
    let Some(fragment) = reference.strip_prefix('#') else {
        return Err(format!(
            "`{reference}` refers to another document where the generator does not follow \
             such references; refer to a component of this document instead, or bundle the \
             spec into one file first (for example with `npx @redocly/cli bundle`)"
        ));
    };
    let segments = Pointer::from_fragment(&format!("#{fragment}")).segments();
    match segments.as_slice() {
        [components, s, name] if components == "components" && s == section => Ok(name.clone()),
        _ => Err(format!(
            "`{reference}` does not point into `#/components/{section}/`"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_versions_follow_semver_info_versions() {
        let cases = [
            ("2.0.0", "2.0.0"),
            ("v1.2.3", "1.2.3"),
            ("1.2", "1.2.0"),
            ("3", "0.1.0"),
            ("2.0.0-beta.1", "2.0.0-beta.1"),
            ("1.0.0+build.5", "1.0.0"),
            ("1.0.0-rc.1+build", "1.0.0-rc.1"),
            ("2021-03-01", "0.1.0"),
            ("01.2.3", "0.1.0"),
            ("latest", "0.1.0"),
            ("", "0.1.0"),
        ];
        for (info, expected) in cases {
            assert_eq!(crate_version(info), expected, "{info:?}");
        }
    }

    #[test]
    fn shared_types_are_named_after_what_their_places_share() {
        let named = |names: &[&str]| {
            shared_name(&names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>())
        };
        // What they end with.
        assert_eq!(
            named(&[
                "ReadLimitV2IdOrName",
                "UpdateLimitV2PatchIdOrName",
                "DeleteIdOrName"
            ]),
            "IdOrName"
        );
        // What they begin with, too.
        assert_eq!(
            named(&["EventTriggerInputType", "EventTriggerOutputType"]),
            "EventTriggerType"
        );
        assert_eq!(
            named(&["LimitCreateTagsItem", "LimitUpdateTagsItem"]),
            "LimitTagsItem"
        );
        // A generic end keeps what every middle has.
        assert_eq!(
            named(&[
                "AutomationCreateActionsItem",
                "AutomationCreateActionsOnTriggerItem",
                "AutomationUpdateActionsOnResolveItem"
            ]),
            "AutomationActionsItem"
        );
        // A word that says nothing alone: the shortest name.
        assert_eq!(named(&["DeploymentType", "WorkPoolType"]), "WorkPoolType");
        assert_eq!(
            named(&["PauseDeploymentType", "PauseWorkPoolType"]),
            "PauseType"
        );
        assert_eq!(
            named(&[
                "EventTriggerInputMatchObjectValue",
                "ResourceSpecificationValue"
            ]),
            "ResourceSpecificationValue"
        );
        // Nothing in common: the shortest, the first of the shortest.
        assert_eq!(named(&["Alpha", "Beta", "Gamma"]), "Beta");
        assert_eq!(named(&["Same", "Same"]), "Same");
    }

    #[test]
    fn composed_names_lose_leading_words_and_reserved_ones_get_a_suffix() {
        let long = "ReadDeploymentByNameDeploymentsNameFlowNameDeploymentNameGetResponseItem";
        let short = shortened(long);
        assert!(short.len() <= MAX_COMPOSED_NAME, "{short}");
        assert!(
            long.ends_with(&short) && short.starts_with(char::is_uppercase),
            "{short}"
        );
        assert_eq!(shortened("Short"), "Short");
        assert_eq!(unreserved("HashMap"), "HashMapSchema");
        assert_eq!(unreserved("Error"), "ErrorSchema");
        assert_eq!(unreserved("Pet"), "Pet");
    }
}
