//! Documents split across files: every `$ref` that names another file (`schemas/Pet.yaml`,
//! `../common.json#/Error`) is resolved here, before anything else reads the tree, so the
//! rest of the generator meets one document whose references all stay inside it.
//!
//! What a reference names moves into `components` when it is what a component can be (a
//! schema, parameter, response, request body, header, example, link, callback or security
//! scheme), under the name of its file (`Pet` for `models/Pet.yaml`) or the last segment of
//! its pointer (`Error` for `common.json#/Error`), and the reference points there; the
//! same target reached along many routes is one component, and references in a circle
//! across files stay references. What cannot be a component in OpenAPI 3.0 (a path item,
//! a `content` map, a media type) is written in place. Each file is read and parsed once;
//! files are never listed, so the result does not depend on the file system's order.
//!
//! Every node that came from another file is recorded with its file and pointer there
//! ([`Sources`]), so a diagnostic about it names the file and line where it was written.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::diagnostics::{Diagnostic, Pointer};
use crate::options::Files;

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// How many components of other files are walked one inside the other before the next
/// waits: bounds the stack however long a chain of files is.
const MAX_CHAIN: usize = 64;

/// How many references in a row may lead from one to the next.
const MAX_HOPS: usize = 32;

/// File names that say nothing of what a schema is (`user/schema.yaml`): such a file's
/// schema is named by its title, or else its directory.
const GENERIC_STEMS: [&str; 6] = ["index", "schema", "model", "definition", "openapi", "main"];

/// What a reference stands for: the `components` section it moves into, or where it is
/// written in place.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Kind {
    Schema,
    Parameter,
    RequestBody,
    Response,
    Header,
    Example,
    Link,
    Callback,
    SecurityScheme,
    PathItem,
    Content,
    MediaType,
}

impl Kind {
    /// The section of `components` a node of this kind moves into; `None` for what is
    /// written in place.
    fn section(self) -> Option<&'static str> {
        Some(match self {
            Kind::Schema => "schemas",
            Kind::Parameter => "parameters",
            Kind::RequestBody => "requestBodies",
            Kind::Response => "responses",
            Kind::Header => "headers",
            Kind::Example => "examples",
            Kind::Link => "links",
            Kind::Callback => "callbacks",
            Kind::SecurityScheme => "securitySchemes",
            Kind::PathItem | Kind::Content | Kind::MediaType => return None,
        })
    }
}

/// The files of a document, and where each node that came from another file was written.
#[derive(Default)]
pub(crate) struct Sources {
    /// Every file read, the root first: its name (the path given to the reader) and text.
    files: Vec<(String, String)>,
    /// Bundled pointers of nodes that came from another file, with the file (an index
    /// into `files`) and the node's pointer there.
    places: HashMap<String, (usize, String)>,
}

impl Sources {
    /// The names of the files read besides the root, in the order first read.
    pub(crate) fn others(&self) -> impl Iterator<Item = &str> {
        self.files.iter().skip(1).map(|(name, _)| name.as_str())
    }

    /// The text of a file other than the root, by the name diagnostics give it.
    pub(crate) fn text(&self, name: &str) -> Option<&str> {
        self.files
            .iter()
            .skip(1)
            .find(|(n, _)| n == name)
            .map(|(_, text)| text.as_str())
    }

    /// Points a diagnostic about the bundled document at the file and pointer where its
    /// node was written, when that is another file than the root.
    pub(crate) fn attribute(&self, d: &mut Diagnostic) {
        if self.places.is_empty() || d.file.is_some() {
            return;
        }
        let mut prefix = d.pointer.as_str();
        loop {
            if let Some((file, at)) = self.places.get(prefix) {
                let rest = &d.pointer[prefix.len()..];
                let pointer = format!("{at}{rest}");
                if *file > 0 {
                    d.file = Some(self.files[*file].0.clone());
                }
                d.pointer = pointer;
                return;
            }
            match prefix.rfind('/') {
                Some(i) => prefix = &prefix[..i],
                None => return,
            }
        }
    }
}

/// Resolves every reference to another file in the document `root` (whose text is
/// `text`), reading files through `files`. Returns where each node came from, and the
/// problems found (errors name the file and the referring place).
pub(crate) fn bundle(root: &mut Value, text: &str, files: &Files) -> (Sources, Vec<Diagnostic>) {
    let root_name = files.root.clone();
    let mut bundler = Bundler {
        files,
        sources: Sources {
            files: vec![(root_name, text.to_owned())],
            places: HashMap::new(),
        },
        docs: vec![Doc {
            rel: Vec::new(),
            tree: None,
        }],
        by_path: HashMap::new(),
        placed: HashMap::new(),
        taken: HashMap::new(),
        added: Vec::new(),
        copies: HashMap::new(),
        claimed: HashMap::new(),
        depth: 0,
        pending: Vec::new(),
        inlining: Vec::new(),
        diagnostics: Vec::new(),
    };
    let Value::Object(map) = root else {
        return (bundler.sources, bundler.diagnostics);
    };
    if !mentions_other_files(map) {
        return (bundler.sources, bundler.diagnostics);
    }
    bundler.docs[0].rel = vec![file_name(&files.root).to_owned()];
    bundler.by_path.insert(files.root.clone(), 0);
    // References from other files into the root, and path items written in place, read
    // the root as it was written.
    bundler.docs[0].tree = Some(Ok(Value::Object(map.clone())));
    if let Some(Value::Object(components)) = map.get("components") {
        for (section, entries) in components {
            if let Value::Object(entries) = entries {
                bundler
                    .taken
                    .entry(section.clone())
                    .or_default()
                    .extend(entries.keys().cloned());
            }
        }
    }
    bundler.claim(map);
    bundler.document(map, &Ctx::root());
    while let Some((slot, mut value, ctx, kind)) = bundler.pending.pop() {
        bundler.walk(&mut value, &ctx, kind);
        bundler.added[slot].2 = value;
    }
    // The components made from other files join the root's, section by section, in the
    // order they were found.
    if !bundler.added.is_empty() {
        let components = map
            .entry("components")
            .or_insert_with(|| Value::Object(Map::new()));
        if !components.is_object() {
            *components = Value::Object(Map::new());
        }
        if let Value::Object(components) = components {
            for (section, name, value) in std::mem::take(&mut bundler.added) {
                let entries = components
                    .entry(section)
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(entries) = entries {
                    entries.insert(name, value);
                }
            }
        }
    }
    (bundler.sources, bundler.diagnostics)
}

/// Whether any `$ref` in the tree names something outside its own document, or a path
/// item (which is written in place): the common single-file document skips the walk.
fn mentions_other_files(map: &Map<String, Value>) -> bool {
    fn any(value: &Value, depth: usize) -> bool {
        if depth > super::MAX_DEPTH {
            return false;
        }
        match value {
            Value::Object(map) => map.iter().any(|(key, v)| match (key.as_str(), v) {
                ("$ref", Value::String(r)) => !r.starts_with('#'),
                _ => any(v, depth + 1),
            }),
            Value::Array(items) => items.iter().any(|v| any(v, depth + 1)),
            _ => false,
        }
    }
    let path_item_refs = map
        .get("paths")
        .and_then(Value::as_object)
        .is_some_and(|paths| paths.values().any(|item| item.get("$ref").is_some()));
    path_item_refs || map.values().any(|v| any(v, 1))
}

/// A component made from another file: the file's directory, the node as written there,
/// and the component's name.
type Twin = (Vec<String>, Value, String);

/// Whether a node holds a `$ref` anywhere.
fn mentions_any(value: &Value) -> bool {
    match value {
        Value::Object(map) => map.iter().any(|(key, v)| key == "$ref" || mentions_any(v)),
        Value::Array(items) => items.iter().any(mentions_any),
        _ => false,
    }
}

/// One file of the document.
struct Doc {
    /// Its path relative to the root document's directory, segment by segment (a leading
    /// `..` where references may leave it).
    rel: Vec<String>,
    /// Its tree; `None` until needed, and for the root (which is being rewritten).
    tree: Option<Result<Value, ()>>,
}

/// Where the walk stands: in which file, at which pointer of the bundled document and of
/// that file.
#[derive(Clone)]
struct Ctx {
    doc: usize,
    at: Pointer,
    src: Pointer,
}

impl Ctx {
    fn root() -> Self {
        Ctx {
            doc: 0,
            at: Pointer::root(),
            src: Pointer::root(),
        }
    }

    fn push(&self, segment: &str) -> Self {
        Ctx {
            doc: self.doc,
            at: self.at.push(segment),
            src: self.src.push(segment),
        }
    }
}

struct Bundler<'f> {
    files: &'f Files,
    sources: Sources,
    docs: Vec<Doc>,
    /// Documents by their path relative to the root's directory.
    by_path: HashMap<String, usize>,
    /// Targets already made components: (file, pointer, section) to the component's name.
    placed: HashMap<(usize, String, &'static str), String>,
    /// The names used in each section of `components`.
    taken: HashMap<String, std::collections::HashSet<String>>,
    /// Components made from other files, in the order found.
    added: Vec<(String, String, Value)>,
    /// The components made from other files, by section and preferred name: the
    /// directory of the file, the node as written there, and the component's name.
    copies: HashMap<(&'static str, String), Vec<Twin>>,
    /// Components of the root that only name a file whose node they are named after
    /// (`Pet: {$ref: schemas/Pet.yaml}`): the node is written there, by section and name,
    /// with its file and pointer.
    claimed: HashMap<(String, String), (usize, String)>,
    /// How many components are being walked, one inside the other.
    depth: usize,
    /// Components found too deep in a chain of files, to walk after the others: the slot
    /// in `added`, the node, where it stands and what it is.
    pending: Vec<(usize, Value, Ctx, Kind)>,
    /// The targets being written in place, to refuse a circle of them.
    inlining: Vec<(usize, String)>,
    diagnostics: Vec<Diagnostic>,
}

impl Bundler<'_> {
    fn error(&mut self, ctx: &Ctx, message: String) {
        let mut d = Diagnostic::error(ctx.src.push("$ref"), message);
        self.name_file(&mut d, ctx.doc);
        self.diagnostics.push(d);
    }

    fn warning(&mut self, ctx: &Ctx, message: String) {
        let mut d = Diagnostic::warning(ctx.src.push("$ref"), message);
        self.name_file(&mut d, ctx.doc);
        self.diagnostics.push(d);
    }

    fn name_file(&self, d: &mut Diagnostic, doc: usize) {
        if doc > 0 {
            d.file = Some(self.sources.files[doc].0.clone());
        }
    }

    /// Handles the node if it is a reference: a reference to another file moves its
    /// target into `components` (or writes it in place, for kinds that cannot be
    /// components). Returns `true` when the node was a reference and needs no further
    /// walking.
    fn reference(&mut self, node: &mut Value, ctx: &Ctx, kind: Kind) -> bool {
        let Some(reference) = node.get("$ref").and_then(Value::as_str).map(str::to_owned) else {
            return false;
        };
        // A reference within the root document stays as it is, unless it must be written
        // in place (3.1's `components/pathItems` are the 3.1 loader's to inline).
        if ctx.doc == 0 && reference.starts_with('#') {
            let path_items = Pointer::from_fragment(&reference)
                .segments()
                .starts_with(&["components".to_owned(), "pathItems".to_owned()]);
            if kind.section().is_some() || path_items {
                return true;
            }
        }
        let Some((doc, pointer)) = self.target(&reference, ctx, kind) else {
            return true;
        };
        match kind.section() {
            Some(section) => {
                let new = if doc == 0 {
                    Some(pointer)
                } else {
                    self.place(doc, pointer, section, kind, ctx)
                };
                if let (Some(new), Value::Object(map)) = (new, node) {
                    map.insert("$ref".to_owned(), Value::String(new));
                }
            }
            None => self.inline(node, doc, &pointer, ctx, kind),
        }
        true
    }

    /// Writes the target in place of the reference (keeping what stands beside the
    /// `$ref`, such as a 3.1 path item's `summary`), and walks it as what it is.
    fn inline(&mut self, node: &mut Value, doc: usize, pointer: &str, ctx: &Ctx, kind: Kind) {
        if self.inlining.iter().any(|(d, p)| *d == doc && p == pointer) {
            self.error(
                ctx,
                "the reference leads back to itself through other references; \
                 a path item, `content` map or media type cannot contain itself"
                    .to_owned(),
            );
            return;
        }
        let Some(mut target) = self.node(doc, pointer).cloned() else {
            return;
        };
        if let (Value::Object(target), Value::Object(here)) = (&mut target, &*node) {
            for (key, value) in here {
                if key != "$ref" && !target.contains_key(key) {
                    target.insert(key.clone(), value.clone());
                }
            }
        }
        *node = target;
        self.sources
            .places
            .insert(ctx.at.as_str().to_owned(), (doc, pointer.to_owned()));
        let inner = Ctx {
            doc,
            at: ctx.at.clone(),
            src: Pointer::from_fragment(pointer),
        };
        self.inlining.push((doc, pointer.to_owned()));
        self.walk(node, &inner, kind);
        self.inlining.pop();
    }

    /// The component a target of another file becomes: its `$ref`, made on first sight.
    fn place(
        &mut self,
        doc: usize,
        pointer: String,
        section: &'static str,
        kind: Kind,
        ctx: &Ctx,
    ) -> Option<String> {
        let key = (doc, pointer, section);
        if let Some(name) = self.placed.get(&key) {
            return Some(component_ref(section, name));
        }
        let (doc, pointer, _) = key;
        let mut value = self.node(doc, &pointer)?.clone();
        if !value.is_object() && kind != Kind::Schema {
            self.error(
                ctx,
                format!(
                    "`{}` is not an object, so it cannot be a {}",
                    self.shown(doc, &pointer),
                    section.trim_end_matches('s')
                ),
            );
            return None;
        }
        let preferred = self.preferred_name(doc, &pointer, &value);
        // The same node copied into two files (an `Error.yaml` in each directory) is one
        // component, when it means the same in both: it refers to nothing, or both copies
        // sit in one directory.
        let rel = &self.docs[doc].rel;
        let dir = rel[..rel.len().saturating_sub(1)].to_vec();
        let twin = self
            .copies
            .get(&(section, preferred.clone()))
            .and_then(|copies| {
                copies
                    .iter()
                    .find(|(d, raw, _)| *raw == value && (*d == dir || !mentions_any(raw)))
                    .map(|(_, _, name)| name.clone())
            });
        if let Some(name) = twin {
            self.placed.insert((doc, pointer, section), name.clone());
            return Some(component_ref(section, &name));
        }
        let name = self.free_name(section, &preferred);
        self.copies.entry((section, preferred)).or_default().push((
            dir,
            value.clone(),
            name.clone(),
        ));
        self.placed
            .insert((doc, pointer.clone(), section), name.clone());
        let at = Pointer::root().push("components").push(section).push(&name);
        self.sources
            .places
            .insert(at.as_str().to_owned(), (doc, pointer.clone()));
        let inner = Ctx {
            doc,
            at,
            src: Pointer::from_fragment(&pointer),
        };
        let slot = self.added.len();
        self.added
            .push((section.to_owned(), name.clone(), Value::Null));
        // Components are walked as they are found, so that names follow the document's
        // order; a chain of files deeper than the stack should hold waits its turn.
        if self.depth < MAX_CHAIN {
            self.depth += 1;
            self.walk(&mut value, &inner, kind);
            self.depth -= 1;
            self.added[slot].2 = value;
        } else {
            self.pending.push((slot, value, inner, kind));
        }
        Some(component_ref(section, &name))
    }

    /// A name for the component made of the node at `pointer` of file `doc`: the last
    /// segment of the pointer, or for a whole file its name without extension (its title
    /// or its directory's name when the file name says nothing, such as `schema.yaml`).
    fn preferred_name(&self, doc: usize, pointer: &str, value: &Value) -> String {
        if let Some(last) = Pointer::from_fragment(pointer).segments().pop() {
            return last;
        }
        let rel = &self.docs[doc].rel;
        let stem = stem(rel.last().map_or("", String::as_str));
        if !GENERIC_STEMS.contains(&stem.to_ascii_lowercase().as_str()) && !stem.is_empty() {
            return stem.to_owned();
        }
        if let Some(title) = value.get("title").and_then(Value::as_str) {
            if !title.trim().is_empty() {
                return title.trim().to_owned();
            }
        }
        rel.iter()
            .rev()
            .nth(1)
            .filter(|dir| *dir != "..")
            .map_or_else(|| stem.to_owned(), Clone::clone)
    }

    fn free_name(&mut self, section: &str, preferred: &str) -> String {
        let taken = self.taken.entry(section.to_owned()).or_default();
        let mut name = preferred.to_owned();
        let mut n = 2;
        while taken.contains(&name) {
            name = format!("{preferred}-{n}");
            n += 1;
        }
        taken.insert(name.clone());
        name
    }

    /// Where a reference leads, as a file and a pointer in it, following references that
    /// are nothing else on the way into a file (for what becomes a component; a pointer
    /// into a schema that only names another names that one). Problems are reported at
    /// the referring place.
    fn target(&mut self, reference: &str, ctx: &Ctx, kind: Kind) -> Option<(usize, String)> {
        let (mut doc, mut pointer) = self.resolve(reference, ctx)?;
        if kind.section().is_none() {
            return Some((doc, pointer));
        }
        for _ in 0..MAX_HOPS {
            // A whole file is a component of its own, even one that only names another (an
            // alias, as such a component of the root is).
            if doc == 0 || pointer == "#" {
                return Some((doc, pointer));
            }
            let next = match self.node(doc, &pointer) {
                Some(Value::Object(map)) if map.len() == 1 => {
                    map.get("$ref").and_then(Value::as_str).map(str::to_owned)
                }
                Some(_) => None,
                None => {
                    self.error(
                        ctx,
                        format!(
                            "`{reference}` leads to `{}`, which names nothing",
                            self.shown(doc, &pointer)
                        ),
                    );
                    return None;
                }
            };
            let Some(next) = next else {
                return Some((doc, pointer));
            };
            let from = Ctx {
                doc,
                at: ctx.at.clone(),
                src: Pointer::from_fragment(&pointer),
            };
            (doc, pointer) = self.resolve(&next, &from)?;
        }
        self.error(
            ctx,
            format!("`{reference}` leads through more than {MAX_HOPS} references, or in a circle"),
        );
        None
    }

    /// The file and pointer a reference written in the file of `ctx` names, reading the
    /// file if it was not read yet.
    fn resolve(&mut self, reference: &str, ctx: &Ctx) -> Option<(usize, String)> {
        let (path, fragment) = match reference.split_once('#') {
            Some((path, fragment)) => (path, format!("#{fragment}")),
            None => (reference, "#".to_owned()),
        };
        let pointer = if fragment == "#/" {
            "#".to_owned()
        } else {
            fragment
        };
        let doc = if path.is_empty() {
            ctx.doc
        } else {
            match self.open(path, ctx) {
                Ok(doc) => doc,
                Err(message) => {
                    self.error(ctx, message);
                    return None;
                }
            }
        };
        if !self.parse(doc, ctx) {
            return None;
        }
        if self.node(doc, &pointer).is_none() {
            self.error(
                ctx,
                format!(
                    "`{reference}`: `{}` has nothing at `{pointer}`",
                    self.sources.files[doc].0
                ),
            );
            return None;
        }
        Some((doc, pointer))
    }

    /// The document a path written in the file of `ctx` names, read on first sight (not
    /// yet parsed); why not when it cannot be.
    fn open(&mut self, path: &str, ctx: &Ctx) -> Result<usize, String> {
        let scheme = path.split_once(':').is_some_and(|(s, _)| {
            s.len() > 1
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
        });
        if scheme {
            return Err(format!(
                "`{path}` is a URL; the generator reads no network: save the document \
                 beside this one and refer to it by a relative path"
            ));
        }
        let Some(read) = self.files.read.clone() else {
            return Err(format!(
                "`{path}` is another file, and the generator was given no way to read \
                 files (`Settings::files`)"
            ));
        };
        let decoded = Pointer::from_fragment(path).as_str().to_owned();
        let absolute = decoded.starts_with('/');
        let mut rel: Vec<String> = if absolute {
            Vec::new()
        } else {
            let base = &self.docs[ctx.doc].rel;
            base[..base.len().saturating_sub(1)].to_vec()
        };
        let mut escapes = absolute;
        for segment in decoded.split(['/', '\\']) {
            match segment {
                "" | "." => {}
                ".." if rel.last().is_some_and(|s| s != "..") => {
                    rel.pop();
                }
                ".." => {
                    escapes = true;
                    rel.push("..".to_owned());
                }
                other => rel.push(other.to_owned()),
            }
        }
        if escapes && !self.files.outside_root {
            return Err(format!(
                "`{path}` is outside the root document's directory; \
                 such files are read only when allowed (`--allow-outside-root`)"
            ));
        }
        let name = if absolute {
            format!("/{}", rel.join("/"))
        } else {
            // The root's directory joined with the path, `..` taken off its end.
            let mut name: Vec<&str> = match self.files.root.rfind('/') {
                Some(i) => self.files.root[..i].split('/').collect(),
                None => Vec::new(),
            };
            for segment in &rel {
                match name.last() {
                    Some(&last) if segment == ".." && !matches!(last, "" | "." | "..") => {
                        name.pop();
                    }
                    _ => name.push(segment),
                }
            }
            name.join("/")
        };
        if let Some(&doc) = self.by_path.get(&name) {
            return Ok(doc);
        }
        let bytes = read(&name).map_err(|e| format!("cannot read `{name}`: {e}"))?;
        let text = super::source_text(&bytes)
            .map_err(|d| format!("`{name}`: {}", d.message))?
            .to_owned();
        let doc = self.docs.len();
        self.docs.push(Doc { rel, tree: None });
        self.sources.files.push((name.clone(), text));
        self.by_path.insert(name, doc);
        Ok(doc)
    }

    /// Parses a file on first use; `false` (reported once, in the file, naming the
    /// referring place) when it does not parse.
    fn parse(&mut self, doc: usize, ctx: &Ctx) -> bool {
        if self.docs[doc].tree.is_none() {
            let (name, text) = &self.sources.files[doc];
            let parsed = if is_structured(name) {
                super::parse_tree(text)
            } else {
                Err(Diagnostic::error(
                    "#",
                    format!(
                        "`{name}` is referenced as part of the document, but it is not a \
                         YAML or JSON file"
                    ),
                ))
            };
            let tree = parsed.map_err(|mut d| {
                // Where the file is referred to, scanned for only when it is broken.
                let at = ctx.src.push("$ref");
                let (file, text) = &self.sources.files[ctx.doc];
                let referrer = match crate::locate::locate(text, &[at.as_str()]).pop().flatten() {
                    Some((line, column)) => format!("{file}:{line}:{column}"),
                    None => format!("{file} {at}"),
                };
                d.file = Some(name.clone());
                d.message = format!("{} (the file is referenced at {referrer})", d.message);
                self.diagnostics.push(d);
            });
            self.docs[doc].tree = Some(tree);
        }
        matches!(self.docs[doc].tree, Some(Ok(_)))
    }

    /// The node at `pointer` of a file already parsed.
    fn node(&self, doc: usize, pointer: &str) -> Option<&Value> {
        let segments = Pointer::from_fragment(pointer).segments();
        let tree = self.docs[doc].tree.as_ref()?.as_ref().ok()?;
        segments
            .iter()
            .try_fold(tree, |value, segment| match value {
                Value::Object(map) => map.get(segment),
                Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
                _ => None,
            })
    }

    fn shown(&self, doc: usize, pointer: &str) -> String {
        format!("{}{pointer}", self.sources.files[doc].0)
    }

    /// A `description` or `summary` given as a reference to a text file (Markdown, say)
    /// becomes that file's text; one that cannot be read is dropped with a warning.
    fn texts(&mut self, map: &mut Map<String, Value>, ctx: &Ctx) {
        for key in ["description", "summary"] {
            let Some(reference) = map
                .get(key)
                .and_then(|v| v.get("$ref"))
                .and_then(Value::as_str)
                .map(str::to_owned)
            else {
                continue;
            };
            let here = ctx.push(key);
            let path = reference
                .split_once('#')
                .map_or(reference.as_str(), |(p, _)| p);
            let text = match path {
                "" => Err(format!("`{reference}` is not a file")),
                path => self.open(path, &here),
            }
            .map(|doc| self.sources.files[doc].1.clone());
            match text {
                Ok(text) => {
                    map.insert(key.to_owned(), Value::String(text));
                }
                Err(why) => {
                    // The text is not needed to generate the client.
                    self.warning(&here, format!("{why}; the {key} is left out"));
                    map.shift_remove(key);
                }
            }
        }
    }

    /// Finds the root's components that only name a file's node they are named after,
    /// so that every reference to that node names them.
    fn claim(&mut self, root: &Map<String, Value>) {
        let Some(Value::Object(components)) = root.get("components") else {
            return;
        };
        let ctx = Ctx::root().push("components");
        for (section, entries) in components {
            let (Some(kind), Value::Object(entries)) = (section_kind(section), entries) else {
                continue;
            };
            let Some(section) = kind.section() else {
                continue;
            };
            for (name, entry) in entries {
                let reference = match entry {
                    Value::Object(map) if map.len() == 1 => map.get("$ref").and_then(Value::as_str),
                    _ => None,
                };
                let Some(reference) = reference.filter(|r| !r.starts_with('#')) else {
                    continue;
                };
                // Problems are reported when the entry is walked.
                let reported = self.diagnostics.len();
                let target = self.target(reference, &ctx.push(section).push(name), kind);
                self.diagnostics.truncate(reported);
                let Some((doc, pointer)) = target.filter(|(doc, _)| *doc > 0) else {
                    continue;
                };
                let Some(value) = self.node(doc, &pointer) else {
                    continue;
                };
                let key = (doc, pointer, section);
                if self.preferred_name(doc, &key.1, value) == *name
                    && !self.placed.contains_key(&key)
                {
                    self.claimed
                        .insert((section.to_owned(), name.clone()), (doc, key.1.clone()));
                    self.placed.insert(key, name.clone());
                }
            }
        }
    }

    fn walk(&mut self, node: &mut Value, ctx: &Ctx, kind: Kind) {
        match kind {
            Kind::Schema => self.schema(node, ctx),
            Kind::Parameter | Kind::Header => self.parameter(node, ctx, kind),
            Kind::RequestBody => self.request_body(node, ctx),
            Kind::Response => self.response(node, ctx),
            Kind::Example | Kind::Link | Kind::SecurityScheme => {
                self.reference(node, ctx, kind);
            }
            Kind::Callback => self.callback(node, ctx),
            Kind::PathItem => self.path_item(node, ctx),
            Kind::Content => self.content(node, ctx),
            Kind::MediaType => self.media_type(node, ctx),
        }
    }

    fn document(&mut self, root: &mut Map<String, Value>, ctx: &Ctx) {
        if let Some(Value::Object(info)) = root.get_mut("info") {
            self.texts(info, &ctx.push("info"));
        }
        for section in ["paths", "webhooks"] {
            if let Some(Value::Object(items)) = root.get_mut(section) {
                let ctx = ctx.push(section);
                for (path, item) in items.iter_mut().filter(|(k, _)| !k.starts_with("x-")) {
                    self.path_item(item, &ctx.push(path));
                }
            }
        }
        if let Some(Value::Object(components)) = root.get_mut("components") {
            let ctx = ctx.push("components");
            for (section, entries) in components.iter_mut() {
                let (Some(kind), Value::Object(entries)) = (section_kind(section), entries) else {
                    continue;
                };
                let ctx = ctx.push(section);
                for (name, entry) in entries.iter_mut() {
                    let ctx = ctx.push(name);
                    match self.claimed.get(&(section.clone(), name.clone())).cloned() {
                        Some((doc, pointer)) => self.inline(entry, doc, &pointer, &ctx, kind),
                        None => self.walk(entry, &ctx, kind),
                    }
                }
            }
        }
    }

    fn path_item(&mut self, item: &mut Value, ctx: &Ctx) {
        if self.reference(item, ctx, Kind::PathItem) {
            return;
        }
        let Value::Object(map) = item else {
            return;
        };
        self.texts(map, ctx);
        self.parameters(map, ctx);
        for method in METHODS {
            let Some(Value::Object(op)) = map.get_mut(method) else {
                continue;
            };
            let ctx = ctx.push(method);
            self.texts(op, &ctx);
            self.parameters(op, &ctx);
            if let Some(body) = op.get_mut("requestBody") {
                self.request_body(body, &ctx.push("requestBody"));
            }
            if let Some(Value::Object(responses)) = op.get_mut("responses") {
                let ctx = ctx.push("responses");
                for (status, response) in responses.iter_mut() {
                    if !status.starts_with("x-") {
                        self.response(response, &ctx.push(status));
                    }
                }
            }
            if let Some(Value::Object(callbacks)) = op.get_mut("callbacks") {
                let ctx = ctx.push("callbacks");
                for (name, callback) in callbacks.iter_mut() {
                    self.callback(callback, &ctx.push(name));
                }
            }
        }
    }

    fn callback(&mut self, callback: &mut Value, ctx: &Ctx) {
        if self.reference(callback, ctx, Kind::Callback) {
            return;
        }
        if let Value::Object(expressions) = callback {
            for (expression, item) in expressions.iter_mut() {
                if !expression.starts_with("x-") {
                    self.path_item(item, &ctx.push(expression));
                }
            }
        }
    }

    fn parameters(&mut self, holder: &mut Map<String, Value>, ctx: &Ctx) {
        if let Some(Value::Array(parameters)) = holder.get_mut("parameters") {
            let ctx = ctx.push("parameters");
            for (i, p) in parameters.iter_mut().enumerate() {
                self.parameter(p, &ctx.push(&i.to_string()), Kind::Parameter);
            }
        }
    }

    /// A parameter or a header: a schema or content, and examples.
    fn parameter(&mut self, p: &mut Value, ctx: &Ctx, kind: Kind) {
        if self.reference(p, ctx, kind) {
            return;
        }
        let Value::Object(map) = p else {
            return;
        };
        self.texts(map, ctx);
        if let Some(schema) = map.get_mut("schema") {
            self.schema(schema, &ctx.push("schema"));
        }
        if let Some(content) = map.get_mut("content") {
            self.content(content, &ctx.push("content"));
        }
        self.examples(map, ctx);
    }

    fn examples(&mut self, map: &mut Map<String, Value>, ctx: &Ctx) {
        if let Some(Value::Object(examples)) = map.get_mut("examples") {
            let ctx = ctx.push("examples");
            for (name, example) in examples.iter_mut() {
                self.reference(example, &ctx.push(name), Kind::Example);
            }
        }
    }

    fn request_body(&mut self, body: &mut Value, ctx: &Ctx) {
        if self.reference(body, ctx, Kind::RequestBody) {
            return;
        }
        if let Value::Object(map) = body {
            self.texts(map, ctx);
            if let Some(content) = map.get_mut("content") {
                self.content(content, &ctx.push("content"));
            }
        }
    }

    fn response(&mut self, response: &mut Value, ctx: &Ctx) {
        if self.reference(response, ctx, Kind::Response) {
            return;
        }
        let Value::Object(map) = response else {
            return;
        };
        self.texts(map, ctx);
        if let Some(Value::Object(headers)) = map.get_mut("headers") {
            let ctx = ctx.push("headers");
            for (name, header) in headers.iter_mut() {
                self.parameter(header, &ctx.push(name), Kind::Header);
            }
        }
        if let Some(content) = map.get_mut("content") {
            self.content(content, &ctx.push("content"));
        }
        if let Some(Value::Object(links)) = map.get_mut("links") {
            let ctx = ctx.push("links");
            for (name, link) in links.iter_mut() {
                self.reference(link, &ctx.push(name), Kind::Link);
            }
        }
    }

    fn content(&mut self, content: &mut Value, ctx: &Ctx) {
        if self.reference(content, ctx, Kind::Content) {
            return;
        }
        if let Value::Object(media) = content {
            for (name, m) in media.iter_mut() {
                self.media_type(m, &ctx.push(name));
            }
        }
    }

    fn media_type(&mut self, m: &mut Value, ctx: &Ctx) {
        if self.reference(m, ctx, Kind::MediaType) {
            return;
        }
        let Value::Object(map) = m else {
            return;
        };
        if let Some(schema) = map.get_mut("schema") {
            self.schema(schema, &ctx.push("schema"));
        }
        self.examples(map, ctx);
        if let Some(Value::Object(encodings)) = map.get_mut("encoding") {
            let ctx = ctx.push("encoding");
            for (property, e) in encodings.iter_mut() {
                if let Some(Value::Object(headers)) = e.get_mut("headers") {
                    let ctx = ctx.push(property).push("headers");
                    for (name, h) in headers.iter_mut() {
                        self.parameter(h, &ctx.push(name), Kind::Header);
                    }
                }
            }
        }
    }

    fn schema(&mut self, schema: &mut Value, ctx: &Ctx) {
        if ctx.at.as_str().len() > 64 * super::MAX_DEPTH {
            return;
        }
        if self.reference(schema, ctx, Kind::Schema) {
            return;
        }
        let Value::Object(map) = schema else {
            return;
        };
        self.texts(map, ctx);
        for key in [
            "properties",
            "patternProperties",
            "$defs",
            "definitions",
            "dependentSchemas",
        ] {
            if let Some(Value::Object(properties)) = map.get_mut(key) {
                let ctx = ctx.push(key);
                for (name, s) in properties.iter_mut() {
                    self.schema(s, &ctx.push(name));
                }
            }
        }
        for key in [
            "items",
            "not",
            "additionalProperties",
            "additionalItems",
            "unevaluatedProperties",
            "unevaluatedItems",
            "contains",
            "propertyNames",
            "if",
            "then",
            "else",
        ] {
            match map.get_mut(key) {
                Some(s @ Value::Object(_)) => self.schema(s, &ctx.push(key)),
                Some(Value::Array(parts)) if key == "items" => {
                    let ctx = ctx.push(key);
                    for (i, s) in parts.iter_mut().enumerate() {
                        self.schema(s, &ctx.push(&i.to_string()));
                    }
                }
                _ => {}
            }
        }
        for key in ["allOf", "anyOf", "oneOf", "prefixItems"] {
            if let Some(Value::Array(parts)) = map.get_mut(key) {
                let ctx = ctx.push(key);
                for (i, s) in parts.iter_mut().enumerate() {
                    self.schema(s, &ctx.push(&i.to_string()));
                }
            }
        }
    }
}

/// What the entries of a section of `components` are.
fn section_kind(section: &str) -> Option<Kind> {
    Some(match section {
        "schemas" => Kind::Schema,
        "parameters" => Kind::Parameter,
        "headers" => Kind::Header,
        "requestBodies" => Kind::RequestBody,
        "responses" => Kind::Response,
        "examples" => Kind::Example,
        "links" => Kind::Link,
        "callbacks" => Kind::Callback,
        "securitySchemes" => Kind::SecurityScheme,
        "pathItems" => Kind::PathItem,
        _ => return None,
    })
}

fn component_ref(section: &str, name: &str) -> String {
    Pointer::root()
        .push("components")
        .push(section)
        .push(name)
        .into()
}

/// The last segment of a path.
fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// A file name without its extension.
fn stem(file: &str) -> &str {
    file.rsplit_once('.').map_or(file, |(stem, _)| stem)
}

/// Whether a file is read as YAML or JSON, by its extension; a file without one is.
fn is_structured(name: &str) -> bool {
    let file = file_name(name);
    match file.rsplit_once('.') {
        None => true,
        Some((_, ext)) => matches!(ext.to_ascii_lowercase().as_str(), "yaml" | "yml" | "json"),
    }
}
