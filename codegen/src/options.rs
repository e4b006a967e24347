//! What callers of the library choose: the options of a generated crate or module, and
//! the settings that add to what a document says. Plain data, read by every stage.

use crate::overlay::Overlay;

/// Settings for generating a crate. Start from [`CrateOptions::new`] and change what
/// differs.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct CrateOptions {
    /// The package name, for example `livedesk-client`.
    pub name: String,
    /// How the spec is named in the header line of every file, for example `spec/livedesk.yaml`.
    pub source: String,
    /// The command that regenerates the files, named in the header line.
    pub command: String,
    /// Whether the crate is a workspace of its own (`[workspace]` in its manifest) rather
    /// than a member of an enclosing one.
    pub standalone: bool,
    /// The Rust edition the crate is written for.
    pub edition: Edition,
    /// The crate's `license`, an SPDX expression; none by default (the API's licence is
    /// not the client code's).
    pub license: Option<String>,
    /// Whether the crate may be published; by default `publish = false`.
    pub publish: bool,
    /// The crate's version; by default the spec's `info.version` (see [`ir::Api::crate_version`](crate::ir::Api::crate_version)).
    pub version: Option<String>,
    /// What the generator adds to what the document says.
    pub settings: Settings,
    /// The shared runtime crate's directory, relative to the crate's: the crate then
    /// depends on it ([`RUNTIME_CRATE`](crate::RUNTIME_CRATE), written by [`generate_runtime_crate`](crate::generate_runtime_crate)) rather
    /// than carrying its own copy of the runtime, so that the clients of one workspace
    /// compile it once. By default (`None`) the crate carries its copy and depends on
    /// nothing of this generator's.
    pub runtime_crate: Option<String>,
}

impl CrateOptions {
    /// A standalone crate called `name`, for edition 2024, not publishable, versioned after
    /// the spec, whose headers say it comes from `openapi.yaml` by `openapi-clientgen`.
    pub fn new(name: impl Into<String>) -> Self {
        CrateOptions {
            name: name.into(),
            source: "openapi.yaml".to_owned(),
            command: "openapi-clientgen".to_owned(),
            standalone: true,
            edition: Edition::E2024,
            license: None,
            publish: false,
            version: None,
            settings: Settings::default(),
            runtime_crate: None,
        }
    }
}

/// Settings for generating a single module file, for embedding in another crate. Start
/// from [`ModuleOptions::new`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ModuleOptions {
    /// How the spec is named in the header line.
    pub source: String,
    /// The command that regenerates the file, named in the header line.
    pub command: String,
    /// The edition of the crate that includes the module.
    pub edition: Edition,
    /// What the generator adds to what the document says.
    pub settings: Settings,
}

impl ModuleOptions {
    /// A module generated from `source` (named in its header) by a build script, for an
    /// edition 2024 crate.
    pub fn new(source: impl Into<String>) -> Self {
        ModuleOptions {
            source: source.into(),
            command: "a build script".to_owned(),
            edition: Edition::E2024,
            settings: Settings::default(),
        }
    }
}

/// What the generator adds to what a document says, for documents that do not say it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Settings {
    /// Operations whose responses are pages of a list, and how to ask for the next page:
    /// as an operation's `x-pagination` extension would say.
    pub paginate: Vec<Paginate>,
    /// The data that ends every event stream (such as `[DONE]`), unless a
    /// `text/event-stream` media type names its own with `x-event-stream-end`.
    pub event_stream_end: Option<String>,
    /// How a crate's operations are grouped into Cargo features (by tag unless set
    /// otherwise). The features are all on by default; a user who turns them off
    /// compiles only the operations of the features they name, with the types and
    /// runtime those need. A module from [`generate_module`](crate::generate_module) has
    /// no features of its own and ignores this.
    pub features: Grouping,
    /// Corrections to the document, applied to it in order before it is read: for what
    /// the document gets wrong about its API, kept apart so that they survive when the
    /// document is replaced by a newer one.
    pub overlays: Vec<Overlay>,
    /// Whether every object keeps the properties the document does not declare, in a map
    /// that sends them back as received (so that reading a value and writing it back
    /// loses nothing the server sent).
    pub keep_unknown_fields: bool,
    /// Where the files the document's `$ref`s name are read from, for a document split
    /// across files; none by default.
    pub files: Files,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            paginate: Vec::new(),
            event_stream_end: None,
            features: Grouping::Tags,
            overlays: Vec::new(),
            keep_unknown_fields: false,
            files: Files::default(),
        }
    }
}

/// How operations are grouped into Cargo features.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Grouping {
    /// One feature per tag, and one for the operations without a tag; a document whose
    /// operations have no tags at all is grouped by [`Grouping::Paths`].
    #[default]
    Tags,
    /// One feature per resource: the first segment of the operation's path after the
    /// prefix every path shares, leaving out parameters (`/v1/customers/{customer}/sources`
    /// is in `customers` when every path starts with `/v1`).
    Paths,
    /// No features: every build compiles every operation.
    None,
}

/// An operation whose responses are pages of a list: its items, and how the next page is
/// asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Paginate {
    /// The operation's `operationId`.
    pub operation: String,
    /// How the next page is asked for.
    pub style: PageStyle,
    /// Where a page holds its items: a property name, or a dotted path of them
    /// (`data.items`); empty when the body is the list.
    pub items: String,
}

/// How the next page is asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PageStyle {
    /// The response property `next` (a dotted path) holds a cursor, sent in the query
    /// parameter `param` for the next page; no cursor (or an empty one) ends the list.
    Cursor {
        /// The query parameter that carries the cursor.
        param: String,
        /// The response property that holds the next cursor.
        next: String,
    },
    /// The query parameter `param` counts the items before the page: the next page's is
    /// this page's plus its number of items; an empty page ends the list.
    Offset {
        /// The query parameter that carries the offset.
        param: String,
    },
    /// The query parameter `param` asks for the items after one: the next page's is the
    /// field `key` (a dotted path) of this page's last item, as Stripe's `starting_after`
    /// takes the last item's `id`. An empty page ends the list, and so does a page whose
    /// boolean field `more` (such as `has_more`), when one is named, is false.
    After {
        /// The query parameter that names the item the next page starts after.
        param: String,
        /// The field of an item that names it.
        key: String,
        /// The page's field that says whether more items follow, if any.
        more: Option<String>,
    },
}

impl std::fmt::Display for Paginate {
    /// Writes what [`FromStr`](std::str::FromStr) reads.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.style {
            PageStyle::Cursor { param, next } => {
                write!(f, "{}:cursor={param},next={next}", self.operation)?;
            }
            PageStyle::Offset { param } => write!(f, "{}:offset={param}", self.operation)?,
            PageStyle::After { param, key, more } => {
                write!(f, "{}:after={param},key={key}", self.operation)?;
                if let Some(more) = more {
                    write!(f, ",more={more}")?;
                }
            }
        }
        if !self.items.is_empty() {
            write!(f, ",items={}", self.items)?;
        }
        Ok(())
    }
}

impl std::str::FromStr for Paginate {
    type Err = String;

    /// Reads `OPERATION:cursor=PARAMETER,next=FIELD,items=FIELD`,
    /// `OPERATION:offset=PARAMETER,items=FIELD` or
    /// `OPERATION:after=PARAMETER,key=FIELD,more=FIELD,items=FIELD` (`more` optional).
    fn from_str(text: &str) -> Result<Self, String> {
        let usage = "expected `OPERATION:cursor=PARAMETER,next=FIELD,items=FIELD`, \
                     `OPERATION:offset=PARAMETER,items=FIELD` or \
                     `OPERATION:after=PARAMETER,key=FIELD,more=FIELD,items=FIELD`";
        let (operation, rest) = text
            .split_once(':')
            .ok_or_else(|| format!("`{text}`: {usage}"))?;
        let mut fields = std::collections::BTreeMap::new();
        for pair in rest.split(',').filter(|pair| !pair.trim().is_empty()) {
            let (key, value) = pair
                .split_once('=')
                .ok_or_else(|| format!("`{pair}` in `{text}`: {usage}"))?;
            fields.insert(key.trim(), value.trim().to_owned());
        }
        let items = fields.remove("items").unwrap_or_default();
        let style = match (
            fields.remove("cursor"),
            fields.remove("next"),
            fields.remove("offset"),
            fields.remove("after"),
            fields.remove("key"),
        ) {
            (Some(param), Some(next), None, None, None) => PageStyle::Cursor { param, next },
            (None, None, Some(param), None, None) => PageStyle::Offset { param },
            (None, None, None, Some(param), Some(key)) => PageStyle::After {
                param,
                key,
                more: fields.remove("more"),
            },
            _ => return Err(format!("`{text}`: {usage}")),
        };
        if let Some(key) = fields.keys().next() {
            return Err(format!("`{text}`: `{key}` is not a setting; {usage}"));
        }
        if operation.trim().is_empty() {
            return Err(format!("`{text}`: the operation is missing; {usage}"));
        }
        Ok(Paginate {
            operation: operation.trim().to_owned(),
            style,
            items,
        })
    }
}

/// A Rust edition generated code can be written for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Edition {
    /// Rust 2021.
    E2021,
    /// Rust 2024.
    #[default]
    E2024,
}

impl Edition {
    /// The edition as `Cargo.toml` writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Edition::E2021 => "2021",
            Edition::E2024 => "2024",
        }
    }
}

/// Where the other files of a document split across files are read from: the files its
/// `$ref`s name by relative path (`$ref: schemas/Pet.yaml`,
/// `$ref: ../common.json#/Error`). The library reads no files itself; the caller gives
/// the root document's path and a function that reads a path, which is the root's
/// directory joined with the reference, `/`-separated and normalized
/// (`spec/schemas/Pet.yaml`). Without one (the default), a reference to another file is
/// an error. Nothing outside the root document's directory is read unless
/// [`Files::allow_outside_root`] says so.
///
/// ```
/// # use openapi_clientgen::Files;
/// let files = Files::new("spec/openapi.yaml", |path| {
///     std::fs::read(path).map_err(|e| e.to_string())
/// });
/// ```
#[derive(Clone, Default)]
pub struct Files {
    pub(crate) root: String,
    pub(crate) read: Option<std::sync::Arc<ReadFile>>,
    pub(crate) outside_root: bool,
}

/// How [`Files`] reads one file: its bytes, or why it cannot.
pub type ReadFile = dyn Fn(&str) -> Result<Vec<u8>, String> + Send + Sync;

impl Files {
    /// The files beside the root document `root` (its path as `read` understands it),
    /// read by `read`.
    pub fn new(
        root: impl Into<String>,
        read: impl Fn(&str) -> Result<Vec<u8>, String> + Send + Sync + 'static,
    ) -> Self {
        Files {
            root: root.into().replace('\\', "/"),
            read: Some(std::sync::Arc::new(read)),
            outside_root: false,
        }
    }

    /// Lets references name files outside the root document's directory (`../x.yaml`
    /// from the root, or an absolute path).
    pub fn allow_outside_root(mut self) -> Self {
        self.outside_root = true;
        self
    }

    /// The root document's path, as given.
    pub fn root(&self) -> &str {
        &self.root
    }
}

impl std::fmt::Debug for Files {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Files")
            .field("root", &self.root)
            .field("readable", &self.read.is_some())
            .field("outside_root", &self.outside_root)
            .finish()
    }
}

/// Two `Files` are equal when they name the same root with the same reader and limits.
impl PartialEq for Files {
    fn eq(&self, other: &Self) -> bool {
        let same_reader = match (&self.read, &other.read) {
            (Some(a), Some(b)) => std::sync::Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        };
        self.root == other.root && self.outside_root == other.outside_root && same_reader
    }
}

impl Eq for Files {}
