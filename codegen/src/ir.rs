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
    /// `info.description`.
    pub description: Option<String>,
    /// Servers, first one is the default base URL.
    pub servers: Vec<Server>,
    /// Security schemes used by at least one operation, in components order.
    pub security_schemes: Vec<SecurityScheme>,
    /// Named types, sorted by Rust name.
    pub types: Vec<TypeDef>,
    /// Operations, sorted by Rust name.
    pub operations: Vec<Operation>,
}

/// A server the API is reachable at.
#[derive(Clone, Debug, PartialEq)]
pub struct Server {
    /// The URL with its variables' defaults filled in.
    pub url: String,
    /// `description`.
    pub description: Option<String>,
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
    /// Where the schema stands in the spec.
    pub pointer: String,
    /// Doc text: title and description.
    pub docs: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// The shape of the type.
    pub kind: TypeKind,
}

/// The shape of a named type.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeKind {
    /// An object with known properties.
    Struct(Struct),
    /// A string or integer enumeration, open to values the spec does not list.
    Enum(Enum),
    /// A named alias of another type (a component schema that is an array, map or primitive).
    Alias(Ty),
    /// A wrapper struct around another type, for aliases that mention themselves.
    Newtype(Ty),
}

/// An object type.
#[derive(Clone, Debug, PartialEq)]
pub struct Struct {
    /// Properties, in spec order.
    pub fields: Vec<Field>,
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

/// An enumeration.
#[derive(Clone, Debug, PartialEq)]
pub struct Enum {
    /// Whether the values are strings or integers.
    pub repr: EnumRepr,
    /// Known values, in spec order.
    pub variants: Vec<Variant>,
    /// Name of the variant that keeps values the spec does not list.
    pub unknown_variant: String,
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
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `f32`.
    F32,
    /// `f64`.
    F64,
    /// `String`.
    String,
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
    pub success: Option<Ty>,
    /// What a non-2xx response body decodes to.
    pub error: Option<Ty>,
    /// Alternatives of security schemes (indices into `Api::security_schemes`): any one
    /// alternative, all its schemes applied, authorizes the call. Empty: no authentication.
    pub security: Vec<Vec<usize>>,
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
    /// Path, query or header.
    pub location: ParamLocation,
    /// Required parameters are method arguments; the others are builder methods.
    pub required: bool,
    /// The value's type.
    pub ty: Ty,
    /// `description`.
    pub docs: Option<String>,
    /// `deprecated: true`.
    pub deprecated: bool,
}

/// A request body.
#[derive(Clone, Debug, PartialEq)]
pub struct Body {
    /// The body's type.
    pub ty: Ty,
    /// The media type sent as `Content-Type`.
    pub media_type: String,
    /// `required`.
    pub required: bool,
    /// `description`.
    pub docs: Option<String>,
    /// The spec's example of a body, if it gives one.
    pub example: Option<serde_json::Value>,
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
    /// The body's type, if it has a JSON body.
    pub body: Option<Ty>,
}
