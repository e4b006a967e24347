//! The intermediate representation: plain data describing the client to generate, with Rust
//! names and wire names side by side. Built by `lower`, read by `emit`; it holds no tokens
//! and no `openapiv3` types. Lists are sorted when built, so emitting is a straight walk.

/// The whole API, ready to emit.
#[derive(Clone, Debug, PartialEq)]
pub struct Api {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// The generated crate's version: `info.version` when it is a semantic version,
    /// `0.1.0` otherwise.
    pub crate_version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// Servers, first one is the default base URL.
    pub servers: Vec<Server>,
    /// Security schemes used by at least one operation, in components order.
    pub security_schemes: Vec<SecurityScheme>,
    /// How the client holds the credentials of those schemes.
    pub credentials: Credentials,
    /// Named types, sorted by Rust name.
    pub types: Vec<TypeDef>,
    /// Operations, sorted by Rust name.
    pub operations: Vec<Operation>,
    /// The crate's per-tag Cargo features, in document order of their tags, operations
    /// without a tag last; empty when the API has fewer than two groups of operations or
    /// the features are turned off.
    pub features: Vec<Feature>,
    /// The `recursion_limit` a crate needs to compile these types, when their nesting
    /// exceeds what rustc allows by default.
    pub recursion_limit: Option<usize>,
    /// Whether objects keep the properties the document does not declare (see
    /// [`Struct::keeps_unknown`]).
    pub keeps_unknown_fields: bool,
}

/// A server the API is reachable at.
#[derive(Clone, Debug, PartialEq)]
pub struct Server {
    /// The URL with its variables' defaults filled in.
    pub url: String,
    /// The URL as written, with `{variable}` placeholders.
    pub template: String,
    /// `description`.
    pub description: Option<String>,
    /// The template's variables, in the order they appear in it.
    pub variables: Vec<ServerVariable>,
}

/// A variable of a server URL template.
#[derive(Clone, Debug, PartialEq)]
pub struct ServerVariable {
    /// The name in the template.
    pub wire_name: String,
    /// `snake_case` argument name.
    pub rust_name: String,
    /// `default`.
    pub default: String,
    /// `enum`: the values allowed, if listed.
    pub values: Vec<String>,
    /// `description`.
    pub description: Option<String>,
}

/// A Cargo feature that compiles the operations of one tag (or those without a tag) and
/// what they need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Feature {
    /// The feature's name: the tag's, lowercase words joined by `-`, numbered after a
    /// name already taken.
    pub name: String,
    /// What it holds.
    pub group: FeatureGroup,
    /// The tag's `description`.
    pub description: Option<String>,
    /// How many operations it compiles.
    pub operations: usize,
}

/// What a feature holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FeatureGroup {
    /// The operations of a tag.
    Tag(String),
    /// The operations without a tag.
    Untagged,
    /// The operations whose paths start with this (`/v1/customers`).
    Resource(String),
    /// The types no operation uses (the document's other schemas).
    Unused,
}

/// Which per-tag features compile an item.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Gate {
    /// Every build, whatever features are on.
    #[default]
    Always,
    /// A build with any of these features (indices into [`Api::features`], never empty).
    Any(std::collections::BTreeSet<usize>),
}

impl Gate {
    /// The gate of one feature.
    pub fn feature(index: usize) -> Gate {
        Gate::Any(std::collections::BTreeSet::from([index]))
    }

    /// Whether this gate opens in every build where `other` does.
    pub fn covers(&self, other: &Gate) -> bool {
        match (self, other) {
            (Gate::Always, _) => true,
            (Gate::Any(_), Gate::Always) => false,
            (Gate::Any(mine), Gate::Any(theirs)) => theirs.is_subset(mine),
        }
    }

    /// Widens this gate to also open where `other` does; whether it changed.
    pub fn widen(&mut self, other: &Gate) -> bool {
        match (&mut *self, other) {
            (Gate::Always, _) => false,
            (_, Gate::Always) => {
                *self = Gate::Always;
                true
            }
            (Gate::Any(mine), Gate::Any(theirs)) => {
                let before = mine.len();
                mine.extend(theirs.iter().copied());
                mine.len() != before
            }
        }
    }

    /// Gives nodes of a graph the widest gate that reaches them: each of `starts` opens
    /// its node, and whatever opens a node opens the nodes `next` gives for it. `gates`
    /// holds one slot per node, `None` where nothing reaches, and may come partly filled
    /// by an earlier spread.
    pub fn spread<N: IntoIterator<Item = usize>>(
        gates: &mut [Option<Gate>],
        starts: impl IntoIterator<Item = (usize, Gate)>,
        next: impl Fn(usize) -> N,
    ) {
        let mut pending: Vec<(usize, Gate)> = starts.into_iter().collect();
        while let Some((node, gate)) = pending.pop() {
            let widened = match &mut gates[node] {
                Some(mine) => mine.widen(&gate).then(|| mine.clone()),
                empty => Some(empty.insert(gate).clone()),
            };
            // What an unchanged node reaches has its gate already.
            if let Some(gate) = widened {
                pending.extend(next(node).into_iter().map(|n| (n, gate.clone())));
            }
        }
    }

    /// The names of the features that open it; `None` for [`Gate::Always`].
    pub fn features<'a>(&'a self, api: &'a Api) -> Option<Vec<&'a str>> {
        match self {
            Gate::Always => None,
            Gate::Any(set) => Some(set.iter().map(|&i| api.features[i].name.as_str()).collect()),
        }
    }
}

/// How the client takes credentials.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Credentials {
    /// The API uses no authentication.
    None,
    /// The API uses exactly one scheme (the first of `Api::security_schemes`): the client
    /// is built with it, always present.
    One,
    /// Several schemes: each is optional and set on the client builder.
    Several,
}

/// A way to authenticate, as declared under `components.securitySchemes`.
#[derive(Clone, Debug, PartialEq)]
pub struct SecurityScheme {
    /// The scheme's key in the spec.
    pub wire_name: String,
    /// `snake_case` name for the builder method and the client field.
    pub rust_name: String,
    /// Where the scheme is declared.
    pub pointer: String,
    /// `description`.
    pub description: Option<String>,
    /// What the scheme sends.
    pub kind: SecurityKind,
}

/// What a security scheme puts on the request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecurityKind {
    /// `Authorization: Basic base64(username:password)`.
    Basic,
    /// `Authorization: Bearer token`.
    Bearer,
    /// An API key in a header.
    ApiKeyHeader {
        /// The header name.
        name: String,
    },
    /// An API key in the query string.
    ApiKeyQuery {
        /// The query parameter name.
        name: String,
    },
}

/// A named Rust type generated from a schema.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeDef {
    /// The Rust type name.
    pub name: String,
    /// The schema's name under `components.schemas`, for types made from a component.
    pub wire_name: Option<String>,
    /// Where the schema stands in the spec.
    pub pointer: String,
    /// Doc text: title and description.
    pub docs: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// Whether the type travels in requests, in responses, or both.
    pub usage: Usage,
    /// Which per-tag features compile it: those of the operations that reach it.
    pub gate: Gate,
    /// The shape of the type.
    pub kind: TypeKind,
}

/// Where a type is used, as far as operations reach it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    /// Reachable from a parameter or request body.
    pub request: bool,
    /// Reachable from a response.
    pub response: bool,
}

/// The shape of a named type.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeKind {
    /// An object with known properties.
    Struct(Struct),
    /// A string or integer enumeration, open to values the spec does not list (a constant
    /// is closed).
    Enum(Enum),
    /// A named alias of another type (a component schema that is an array, map or primitive).
    Alias(Ty),
    /// A wrapper struct around another type, for aliases that mention themselves.
    Newtype(Ty),
    /// One of several shapes (`oneOf`, `anyOf`).
    Union(Union),
    /// The responses of one operation whose statuses carry different bodies, one variant
    /// per documented status, in spec order.
    Outcome(Vec<OutcomeVariant>),
}

/// A value that takes one of several shapes.
#[derive(Clone, Debug, PartialEq)]
pub struct Union {
    /// The property whose value says which variant an object is, when there is one;
    /// otherwise (and for objects without it) the variant is the one the value fits best.
    pub tag: Option<UnionTag>,
    /// The shapes, in spec order.
    pub variants: Vec<UnionVariant>,
    /// Name of the variant that keeps values matching none of the others.
    pub unknown_variant: String,
}

/// The property that tells a union's variants apart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnionTag {
    /// Its name on the wire.
    pub property: String,
    /// Every variant requires it, so an object without it is none of them; otherwise such
    /// an object is read as the variant it fits best.
    pub required: bool,
}

/// What a union variant's JSON looks like: enough to tell the variants apart without
/// decoding a value into each of them. Filled in by the last lowering pass.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Shape {
    /// Any value.
    #[default]
    Any,
    /// `true` or `false`.
    Bool,
    /// An integer.
    Integer,
    /// Any number.
    Number,
    /// Any string.
    String,
    /// One of these values and nothing else: a constant, or an enum standing as a variant.
    Values(Vec<EnumValue>),
    /// An array.
    Array,
    /// An object with these properties (it may have others).
    Object(Vec<ShapeProperty>),
    /// Any of these shapes: a variant that is a union itself.
    AnyOf(Vec<Shape>),
}

/// A property of an object [`Shape`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShapeProperty {
    /// The JSON property name.
    pub wire_name: String,
    /// Whether decoding needs it.
    pub required: bool,
    /// What its value looks like, one level deep (nested objects without properties).
    pub shape: Shape,
}

/// One shape of a union.
#[derive(Clone, Debug, PartialEq)]
pub struct UnionVariant {
    /// The Rust variant name.
    pub rust_name: String,
    /// The variant's type.
    pub ty: Ty,
    /// For tagged unions, the tag values that select this variant (the first is written).
    pub tag_values: Vec<String>,
    /// Doc text.
    pub docs: Option<String>,
    /// What the variant's JSON looks like.
    pub shape: Shape,
}

/// An object type.
#[derive(Clone, Debug, PartialEq)]
pub struct Struct {
    /// Properties, in spec order.
    pub fields: Vec<Field>,
    /// Properties not listed, when `additionalProperties` allows them or the crate keeps
    /// unknown fields: their values' type and the Rust name of the map field that keeps
    /// them.
    pub additional: Option<(String, Ty)>,
    /// Whether `additional` is the generator's own: the properties the document does not
    /// declare, kept as received so that they go back to the server as they came.
    pub keeps_unknown: bool,
    /// Unions (`oneOf`, `anyOf`) the object also is, beside its properties: the Rust name
    /// of the field each is flattened into, and the union's type.
    pub flattened: Vec<(String, Ty)>,
    /// Whether every field can be left out, so the type derives `Default`.
    pub derive_default: bool,
}

/// One property of an object.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// The Rust field name.
    pub rust_name: String,
    /// The JSON property name.
    pub wire_name: String,
    /// Where the property is defined.
    pub pointer: String,
    /// Doc text.
    pub docs: Option<String>,
    /// The value's type, without the optionality wrapper.
    pub ty: Ty,
    /// Listed in the schema's `required`.
    pub required: bool,
    /// `nullable: true` on the property or its target.
    pub nullable: bool,
    /// How optionality and null are represented; fixed once the type's usage is known.
    pub repr: FieldRepr,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// `readOnly: true`: sent by the server only, so never required in requests.
    pub read_only: bool,
    /// `writeOnly: true`: sent by the client only, so never required in responses.
    pub write_only: bool,
    /// `default`, documented on the field.
    pub default: Option<serde_json::Value>,
    /// The method that sets an optional field on a built value (its own name, or
    /// `set_<name>` where a trait method or the constructor has that name); fixed with the
    /// representation.
    pub setter: Option<String>,
}

/// How a field carries "absent" and "null".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldRepr {
    /// Required, never null: `T`.
    Plain,
    /// Required but nullable: `Option<T>`, `None` sent as `null`.
    Nullable,
    /// Optional: `Option<T>`, `None` left out of the JSON; `null` read as `None`.
    Optional,
    /// Optional and nullable in a request: `Patch<T>`, three states (absent, null, value).
    Patch,
}

/// An enumeration, open to values the spec does not list unless it is a constant.
#[derive(Clone, Debug, PartialEq)]
pub struct Enum {
    /// Whether the values are strings or integers.
    pub repr: EnumRepr,
    /// Known values, in spec order.
    pub variants: Vec<Variant>,
    /// Name of the variant that keeps values the spec does not list; `None` for a constant
    /// (a schema allowing exactly one value), which refuses any other value.
    pub unknown_variant: Option<String>,
    /// Index into `variants` of the schema's `default`.
    pub default: Option<usize>,
}

/// The JSON type of an enum's values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnumRepr {
    /// String values.
    String,
    /// Integer values.
    Integer,
}

/// One value of an enumeration.
#[derive(Clone, Debug, PartialEq)]
pub struct Variant {
    /// The Rust variant name.
    pub rust_name: String,
    /// The value on the wire.
    pub value: EnumValue,
}

/// A wire value of an enum.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnumValue {
    /// A string value.
    String(String),
    /// An integer value.
    Integer(i64),
}

/// A type as used in a field, parameter or body.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ty {
    /// `bool`.
    Bool,
    /// `i8`.
    I8,
    /// `i16`.
    I16,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `u8`.
    U8,
    /// `u16`.
    U16,
    /// `u32`.
    U32,
    /// `u64`.
    U64,
    /// `f32`.
    F32,
    /// `f64`.
    F64,
    /// `String`.
    String,
    /// An RFC 3339 timestamp (`format: date-time`).
    DateTime,
    /// A calendar date (`format: date`).
    Date,
    /// A UUID (`format: uuid`).
    Uuid,
    /// Bytes sent as base64 text (`format: byte`).
    Base64,
    /// Raw bytes (`format: binary`), for binary bodies.
    Binary,
    /// A file uploaded as a part of a `multipart/form-data` body (`format: binary`):
    /// bytes, with the file name and content type the part is sent with.
    File,
    /// Any JSON value.
    Json,
    /// A JSON object with any properties.
    JsonObject,
    /// A generated type, by Rust name.
    Named(String),
    /// A value that may be `null` inside an array or map.
    Option(Box<Ty>),
    /// A JSON array.
    Vec(Box<Ty>),
    /// A JSON object used as a map from string keys.
    Map(Box<Ty>),
    /// A boxed value, breaking a recursive type.
    Box(Box<Ty>),
}

/// One API operation.
#[derive(Clone, Debug, PartialEq)]
pub struct Operation {
    /// `snake_case` method name on the client.
    pub rust_name: String,
    /// `UpperCamelCase` name of the request builder.
    pub builder_name: String,
    /// `operationId`, or the name made from method and path when there is none.
    pub wire_id: String,
    /// Where the operation stands in the spec.
    pub pointer: String,
    /// HTTP method.
    pub method: Method,
    /// The path template as written in the spec.
    pub path: String,
    /// The path split into literal text and parameters.
    pub path_segments: Vec<PathSegment>,
    /// `summary`.
    pub summary: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// Path, query and header parameters, path ones first in path order, then the others
    /// in spec order.
    pub params: Vec<Param>,
    /// The request body.
    pub body: Option<Body>,
    /// Documented responses, in spec order, `default` last.
    pub responses: Vec<Response>,
    /// What a 2xx response decodes to.
    pub success: Outcome,
    /// What a non-2xx response body decodes to; `None` when no error body is documented.
    pub error: Option<Outcome>,
    /// Alternatives of security schemes (indices into `Api::security_schemes`): any one
    /// alternative, all its schemes applied, authorizes the call. Empty: no authentication.
    pub security: Vec<Vec<usize>>,
    /// The events a successful response offers besides its JSON body, asked for with
    /// `Accept: text/event-stream`.
    pub events: Option<OfferedEvents>,
    /// How its responses are pages of a list, when they are.
    pub pagination: Option<Pagination>,
    /// The media types its successful responses offer, in document order, when they are
    /// several: the `Accept` it sends.
    pub accept: Vec<String>,
    /// The other methods that send the same operation's body in another media type it is
    /// offered in, in document order (the one that sends the preferred media type first).
    pub other_bodies: Vec<OtherBody>,
    /// `tags`, as written.
    pub tags: Vec<String>,
    /// Which per-tag features compile it: those of its tags.
    pub gate: Gate,
}

/// A method that sends an operation's body in another media type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OtherBody {
    /// The method's `snake_case` name.
    pub rust_name: String,
    /// The media type it sends.
    pub media_type: String,
}

/// Events an operation offers besides its body.
#[derive(Clone, Debug, PartialEq)]
pub struct OfferedEvents {
    /// The events.
    pub events: Events,
    /// The request method that asks for them: `stream`, or `event_stream` when a
    /// parameter's setter has that name.
    pub method: String,
}

/// HTTP methods.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    /// GET
    Get,
    /// PUT
    Put,
    /// POST
    Post,
    /// DELETE
    Delete,
    /// OPTIONS
    Options,
    /// HEAD
    Head,
    /// PATCH
    Patch,
    /// TRACE
    Trace,
}

impl Method {
    /// The method as written on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }
}

/// A piece of a path template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathSegment {
    /// Text sent as is.
    Literal(String),
    /// The value of the parameter at this index of `Operation::params`, percent-encoded.
    Param(usize),
}

/// Where a parameter travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamLocation {
    /// In the path.
    Path,
    /// In the query string.
    Query,
    /// In a header.
    Header,
}

/// One parameter of an operation.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    /// `snake_case` argument or builder method name.
    pub rust_name: String,
    /// The parameter's name on the wire.
    pub wire_name: String,
    /// Where the parameter is defined.
    pub pointer: String,
    /// Path, query or header.
    pub location: ParamLocation,
    /// Required parameters are method arguments; the others are builder methods.
    pub required: bool,
    /// The value's type.
    pub ty: Ty,
    /// How the value becomes text.
    pub shape: ParamShape,
    /// `description`.
    pub docs: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// How arrays and objects are written.
    pub style: ParamStyle,
}

/// How a parameter's value becomes the text sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamShape {
    /// A scalar (number, string, boolean, date, enum) written as its text.
    Scalar,
    /// An array or object (or a union of shapes) written item by item in its `style`.
    Styled,
    /// Described by `content: application/json`: the value's JSON text.
    Json,
}

/// How a parameter's value is written (`style` and `explode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamStyle {
    /// `form`: `a=1&a=2` exploded, `a=1,2` not; objects `k=v` or `a=k,v`.
    Form {
        /// `explode`.
        explode: bool,
    },
    /// `spaceDelimited`: `a=1%202`.
    SpaceDelimited,
    /// `pipeDelimited`: `a=1|2`.
    PipeDelimited,
    /// `deepObject`: `a[k]=v`.
    DeepObject,
    /// `simple` (paths and headers): `1,2`; objects `k,v` or `k=v` exploded.
    Simple {
        /// `explode`.
        explode: bool,
    },
}

/// A request body.
#[derive(Clone, Debug, PartialEq)]
pub struct Body {
    /// The body's type.
    pub ty: Ty,
    /// How the body is encoded.
    pub encoding: BodyEncoding,
    /// The media type sent as `Content-Type`.
    pub media_type: String,
    /// For form and multipart bodies, how the spec's `encoding` writes each property it
    /// names, in spec order.
    pub encodings: Vec<PropertyEncoding>,
    /// `required`.
    pub required: bool,
    /// `description`.
    pub docs: Option<String>,
    /// The spec's example of a body, if it gives one.
    pub example: Option<serde_json::Value>,
}

/// How one property of a form or multipart body is written: its Encoding Object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PropertyEncoding {
    /// The property's name on the wire.
    pub wire_name: String,
    /// `style` and `explode`, when the document gives a style; a form body writes the
    /// others in `form` style, exploded, and a multipart body writes them a part each.
    pub style: Option<ParamStyle>,
    /// `allowReserved`: the reserved characters of RFC 3986 that a form does not use as
    /// delimiters are sent as they are.
    pub allow_reserved: bool,
    /// For a multipart part, its content type (the first the document lists).
    pub content_type: Option<String>,
    /// Whether that content type is JSON, in which an array is one part, not a part per
    /// item.
    pub json: bool,
    /// For a multipart part, the headers whose values the document fixes, in spec order.
    pub headers: Vec<(String, String)>,
}

/// How a request body is encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyEncoding {
    /// JSON (`application/json`, `+json` types, JSON merge patch).
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `multipart/form-data`, one part per property.
    Multipart,
    /// Text sent as is (`text/*`).
    Text,
    /// Bytes sent as is (`application/octet-stream` and other media types).
    Binary,
}

/// What a response body decodes to.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ResponseBody {
    /// No body, or one that is ignored.
    Empty,
    /// JSON of this type.
    Json(Ty),
    /// Text.
    Text,
    /// Bytes: as a stream when it is the only success body, else read whole.
    Binary,
    /// A `text/event-stream` of events whose data this describes (success bodies only).
    Events(Events),
}

/// The events of a `text/event-stream` response.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Events {
    /// What each event's data decodes to as JSON; `None` when it is kept as text.
    pub data: Option<Ty>,
    /// The data that ends the stream (such as `[DONE]`), when the document or the
    /// generator's settings name one.
    pub end: Option<String>,
}

/// How an operation's responses are pages of a list, which the client can follow.
#[derive(Clone, Debug, PartialEq)]
pub struct Pagination {
    /// How the next page is asked for.
    pub kind: PageKind,
    /// The fields from a page's body to its array of items; empty when the body is the
    /// array.
    pub items: Vec<PageStep>,
    /// The type of one item.
    pub item: Ty,
    /// The request methods that follow the pages and the items: `pages` and `items`, or
    /// `all_pages` and `all_items` when a parameter's setter has that name.
    pub methods: (String, String),
}

/// One field on the way from a page's body to a value in it.
#[derive(Clone, Debug, PartialEq)]
pub struct PageStep {
    /// The field's Rust name.
    pub rust_name: String,
    /// Whether the field is an `Option`.
    pub optional: bool,
}

/// How the next page is asked for.
#[derive(Clone, Debug, PartialEq)]
pub enum PageKind {
    /// The response's `Link` header names it (`rel="next"`, RFC 8288).
    Link,
    /// A response field holds a cursor that the next request sends in a parameter.
    Cursor {
        /// The parameter (an index into the operation's) that carries the cursor.
        param: usize,
        /// The fields from the page's body to the next cursor.
        next: Vec<PageStep>,
        /// The next cursor's type.
        next_ty: Ty,
        /// Parameters (indices) left out of the requests after the first, because the
        /// cursor stands for them (as Dropshot's page tokens do).
        cleared: Vec<usize>,
    },
    /// A parameter counts the items before the page; the next page's is this page's plus
    /// its number of items.
    Offset {
        /// The parameter (an index into the operation's).
        param: usize,
    },
    /// A parameter names the item the next page starts after: a field of this page's
    /// last item.
    After {
        /// The parameter (an index into the operation's).
        param: usize,
        /// The fields from an item to the value that names it.
        key: Vec<PageStep>,
        /// That value's type.
        key_ty: Ty,
        /// The fields from the page's body to the boolean that says whether more items
        /// follow, when there is one.
        more: Option<Vec<PageStep>>,
    },
}

/// What the successful (or the failed) responses of an operation decode to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Every documented status shares one body type.
    Single(ResponseBody),
    /// Statuses differ in body type: the named type (a [`TypeKind::Outcome`]) has a
    /// variant per status.
    ByStatus(String),
}

/// One variant of an outcome enum.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutcomeVariant {
    /// The Rust variant name.
    pub rust_name: String,
    /// The statuses it covers.
    pub status: StatusMatch,
    /// The media types whose answers it reads, when its status offers several that read
    /// differently; empty for the status's other answers.
    pub media: Vec<String>,
    /// Its body.
    pub body: ResponseBody,
    /// The response's description.
    pub description: String,
}

/// Which statuses a documented response covers.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum StatusMatch {
    /// One status code.
    Code(u16),
    /// A class such as `4XX`: the hundreds digit.
    Range(u16),
    /// `default`: every status not listed otherwise.
    Default,
}

/// One documented response.
#[derive(Clone, Debug, PartialEq)]
pub struct Response {
    /// The statuses it covers.
    pub status: StatusMatch,
    /// `description`.
    pub description: String,
    /// What its body decodes to.
    pub body: ResponseBody,
    /// The events it offers besides `body`, when it offers `text/event-stream` too.
    pub events: Option<Events>,
    /// Every media type it offers besides an event stream, in document order, each with
    /// what its body decodes to; `body` is how the preferred one reads.
    pub media: Vec<(String, ResponseBody)>,
    /// Whether it declares a `Link` header.
    pub links: bool,
}

impl Api {
    /// The named type called `name` (types are sorted by name).
    pub fn find_type(&self, name: &str) -> Option<&TypeDef> {
        self.types
            .binary_search_by(|t| t.name.as_str().cmp(name))
            .ok()
            .map(|i| &self.types[i])
    }

    /// `ty` as Rust sees it: every alias it names replaced by what it stands for.
    pub fn without_aliases(&self, ty: &Ty) -> Ty {
        self.without_aliases_within(ty, 0)
    }

    fn without_aliases_within(&self, ty: &Ty, depth: usize) -> Ty {
        let inner = |t: &Ty| Box::new(self.without_aliases_within(t, depth + 1));
        match ty {
            Ty::Named(name) if depth < 16 => match self.find_type(name).map(|d| &d.kind) {
                Some(TypeKind::Alias(aliased)) => self.without_aliases_within(aliased, depth + 1),
                _ => ty.clone(),
            },
            Ty::Option(t) => Ty::Option(inner(t)),
            Ty::Vec(t) => Ty::Vec(inner(t)),
            Ty::Map(t) => Ty::Map(inner(t)),
            Ty::Box(t) => Ty::Box(inner(t)),
            other => other.clone(),
        }
    }

    /// Whether `ty` is a constant: a generated enum of one allowed value, with no variant
    /// for others.
    pub fn is_constant(&self, ty: &Ty) -> bool {
        matches!(ty, Ty::Named(name) if matches!(
            self.find_type(name).map(|t| &t.kind),
            Some(TypeKind::Enum(e)) if e.unknown_variant.is_none()
        ))
    }

    /// Whether some type or field is deprecated: code that names them (the other modules,
    /// examples, tests) allows the lint, since deprecated parts of an API still work.
    pub fn deprecates_types(&self) -> bool {
        self.types.iter().any(|t| {
            t.deprecated
                || matches!(&t.kind, TypeKind::Struct(s) if s.fields.iter().any(|f| f.deprecated))
        })
    }

    /// Whether values of `ty` hold timestamps read as [`Ty::DateTime`] where `ty` stands:
    /// in it, or in the aliases it names (other named types read their own).
    pub fn holds_date_time(&self, ty: &Ty) -> bool {
        self.holds_date_time_within(ty, 0)
    }

    fn holds_date_time_within(&self, ty: &Ty, depth: usize) -> bool {
        ty.mentions(&|t| match t {
            Ty::DateTime => true,
            Ty::Named(name) if depth < 16 => match self.find_type(name).map(|d| &d.kind) {
                Some(TypeKind::Alias(inner)) => self.holds_date_time_within(inner, depth + 1),
                _ => false,
            },
            _ => false,
        })
    }

    /// The variants of the outcome type called `name`; empty if there is none.
    pub fn outcome_variants(&self, name: &str) -> &[OutcomeVariant] {
        match self.find_type(name).map(|t| &t.kind) {
            Some(TypeKind::Outcome(variants)) => variants,
            _ => &[],
        }
    }
}

impl Ty {
    /// Renames the generated types it names.
    pub fn rename(&mut self, renames: &std::collections::HashMap<String, String>) {
        match self {
            Ty::Named(name) => {
                if let Some(new) = renames.get(name) {
                    name.clone_from(new);
                }
            }
            Ty::Option(inner) | Ty::Vec(inner) | Ty::Map(inner) | Ty::Box(inner) => {
                inner.rename(renames);
            }
            _ => {}
        }
    }

    /// Whether `wanted` holds for this type or any type inside it.
    pub fn mentions(&self, wanted: &dyn Fn(&Ty) -> bool) -> bool {
        wanted(self)
            || match self {
                Ty::Option(inner) | Ty::Vec(inner) | Ty::Map(inner) | Ty::Box(inner) => {
                    inner.mentions(wanted)
                }
                _ => false,
            }
    }

    /// The type as it reads in Rust source, naming generated types with `types_prefix`
    /// (`"types::"` or `""`); for messages and documentation, not for code.
    pub fn rust(&self, types_prefix: &str) -> String {
        let inner = |ty: &Ty| ty.rust(types_prefix);
        match self {
            Ty::Bool => "bool".to_owned(),
            Ty::I8 => "i8".to_owned(),
            Ty::I16 => "i16".to_owned(),
            Ty::I32 => "i32".to_owned(),
            Ty::I64 => "i64".to_owned(),
            Ty::U8 => "u8".to_owned(),
            Ty::U16 => "u16".to_owned(),
            Ty::U32 => "u32".to_owned(),
            Ty::U64 => "u64".to_owned(),
            Ty::F32 => "f32".to_owned(),
            Ty::F64 => "f64".to_owned(),
            Ty::String => "String".to_owned(),
            Ty::DateTime => "chrono::DateTime<chrono::Utc>".to_owned(),
            Ty::Date => "chrono::NaiveDate".to_owned(),
            Ty::Uuid => "uuid::Uuid".to_owned(),
            Ty::Base64 => "Base64".to_owned(),
            Ty::Binary => "Vec<u8>".to_owned(),
            Ty::File => "File".to_owned(),
            Ty::Json => "serde_json::Value".to_owned(),
            Ty::JsonObject => "serde_json::Map<String, serde_json::Value>".to_owned(),
            Ty::Named(name) => format!("{types_prefix}{name}"),
            Ty::Option(t) => format!("Option<{}>", inner(t)),
            Ty::Vec(t) => format!("Vec<{}>", inner(t)),
            Ty::Map(t) => format!("BTreeMap<String, {}>", inner(t)),
            Ty::Box(t) => format!("Box<{}>", inner(t)),
        }
    }
}

impl Field {
    /// The field's Rust type, optionality wrapper included (see [`Ty::rust`]).
    pub fn rust_type(&self, types_prefix: &str) -> String {
        let inner = self.ty.rust(types_prefix);
        match self.repr {
            FieldRepr::Plain => inner,
            FieldRepr::Nullable | FieldRepr::Optional => format!("Option<{inner}>"),
            FieldRepr::Patch => format!("Patch<{inner}>"),
        }
    }
}

impl std::fmt::Display for StatusMatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StatusMatch::Code(c) => write!(f, "{c}"),
            StatusMatch::Range(r) => write!(f, "{r}XX"),
            StatusMatch::Default => f.write_str("default"),
        }
    }
}

impl ResponseBody {
    /// Renames the generated types it names.
    pub fn rename(&mut self, renames: &std::collections::HashMap<String, String>) {
        match self {
            ResponseBody::Json(ty) => ty.rename(renames),
            ResponseBody::Events(Events { data: Some(ty), .. }) => ty.rename(renames),
            _ => {}
        }
    }
}

impl Outcome {
    /// The Rust type error responses decode to: bodies of errors are read whole.
    pub fn error_rust(&self, types_prefix: &str) -> String {
        match self {
            Outcome::Single(ResponseBody::Binary) => "Vec<u8>".to_owned(),
            Outcome::Single(ResponseBody::Events(_)) => "String".to_owned(),
            other => other.rust(types_prefix),
        }
    }

    /// The Rust type successful responses decode to (see [`Ty::rust`]).
    pub fn rust(&self, types_prefix: &str) -> String {
        match self {
            Outcome::Single(ResponseBody::Empty) => "()".to_owned(),
            Outcome::Single(ResponseBody::Json(ty)) => ty.rust(types_prefix),
            Outcome::Single(ResponseBody::Text) => "String".to_owned(),
            Outcome::Single(ResponseBody::Binary) => "ByteStream".to_owned(),
            Outcome::Single(ResponseBody::Events(events)) => format!(
                "EventStream<{}>",
                events
                    .data
                    .as_ref()
                    .map_or_else(|| "String".to_owned(), |ty| ty.rust(types_prefix))
            ),
            Outcome::ByStatus(name) => format!("{types_prefix}{name}"),
        }
    }
}
