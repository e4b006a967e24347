// Bodies sent as they are: text, bytes, and multipart forms with files.

/// Puts text or bytes on a request as they are.
pub(crate) fn raw_body(request: &mut reqwest::Request, content_type: &'static str, body: Vec<u8>) {
    static_header(request, reqwest::header::CONTENT_TYPE, content_type);
    *request.body_mut() = Some(body.into());
}

/// A file to upload in a `multipart/form-data` body: its contents (bytes, a file read as
/// it is sent, or a stream: see [`Body`]), and the file name and content type its part
/// is sent with.
///
/// Without a file name the part is named after the property; without a content type it
/// is sent with the one the spec gives for the property, or `application/octet-stream`.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct File {
    contents: Body,
    name: Option<String>,
    media_type: Option<String>,
}

impl File {
    /// A file with these contents: bytes, or a [`Body`] read from a file or a stream.
    pub fn new(contents: impl Into<Body>) -> Self {
        File {
            contents: contents.into(),
            name: None,
            media_type: None,
        }
    }

    /// The file at `path`, read as it is sent, named after its last component.
    pub async fn open(path: impl AsRef<std::path::Path>) -> std::io::Result<Self> {
        let path = path.as_ref();
        let file = File::new(Body::open(path).await?);
        Ok(match path.file_name() {
            Some(name) => file.with_file_name(name.to_string_lossy()),
            None => file,
        })
    }

    /// Sends the file under this name (the `filename` of its part).
    pub fn with_file_name(mut self, file_name: impl Into<String>) -> Self {
        self.name = Some(file_name.into());
        self
    }

    /// Sends the file with this `Content-Type`, for example `image/png`.
    pub fn with_content_type(mut self, content_type: impl Into<String>) -> Self {
        self.media_type = Some(content_type.into());
        self
    }

    /// The file's bytes, when it was made from bytes rather than a file or a stream.
    pub fn contents(&self) -> Option<&[u8]> {
        self.contents.as_bytes()
    }

    /// The file name it is sent under, if one is set.
    pub fn file_name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The content type it is sent with, if one is set.
    pub fn content_type(&self) -> Option<&str> {
        self.media_type.as_deref()
    }
}

impl From<Vec<u8>> for File {
    fn from(contents: Vec<u8>) -> Self {
        File::new(contents)
    }
}

impl From<Body> for File {
    fn from(contents: Body) -> Self {
        File::new(contents)
    }
}

impl fmt::Debug for File {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("File")
            .field("file_name", &self.name)
            .field("content_type", &self.media_type)
            .field("contents", &self.contents)
            .finish()
    }
}

impl serde::Serialize for File {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.contents.as_bytes() {
            Some(held) => serde::Serialize::serialize(held, serializer),
            None => Err(serde::ser::Error::custom(
                "a file read as it is sent cannot be serialized",
            )),
        }
    }
}

impl<'de> serde::Deserialize<'de> for File {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        <Vec<u8> as serde::Deserialize>::deserialize(deserializer).map(File::new)
    }
}

/// Adds a text part to a `multipart/form-data` body: strings as they are, numbers and
/// booleans as their text, arrays and objects as JSON. `content_type` is the one the
/// spec's `encoding` gives, if any, and `headers` the part headers it fixes.
pub(crate) fn multipart_text<T: serde::Serialize + ?Sized, E>(
    form: reqwest::multipart::Form,
    name: &str,
    value: &T,
    content_type: Option<&str>,
    headers: &[(&str, &str)],
) -> Result<reqwest::multipart::Form, Error<E>> {
    let value = serde_json::to_value(value).map_err(|error| {
        Error::InvalidRequest(format!("part `{name}` cannot be serialized: {error}"))
    })?;
    let (written, default_type) = match value {
        serde_json::Value::String(s) => (s, None),
        serde_json::Value::Number(_) | serde_json::Value::Bool(_) => (value.to_string(), None),
        other => (other.to_string(), Some("application/json")),
    };
    let mut part = reqwest::multipart::Part::text(written);
    if let Some(media) = content_type.or(default_type) {
        part = part.mime_str(media).map_err(|_| {
            Error::InvalidRequest(format!(
                "part `{name}`: `{media}` is not a valid content type"
            ))
        })?;
    }
    Ok(form.part(name.to_owned(), with_part_headers(part, name, headers)?))
}

/// Adds a value to a `multipart/form-data` body as the text parts its `style` writes it
/// as (`a[k]=v` a part named `a[k]`, in [`Style::Deep`]).
pub(crate) fn multipart_styled<T: serde::Serialize + ?Sized, E>(
    mut form: reqwest::multipart::Form,
    name: &str,
    value: &T,
    style: Style,
    headers: &[(&str, &str)],
) -> Result<reqwest::multipart::Form, Error<E>> {
    let value = serde_json::to_value(value).map_err(|error| {
        Error::InvalidRequest(format!("part `{name}` cannot be serialized: {error}"))
    })?;
    for (key, text) in styled_pairs(name, &value, style) {
        let part = with_part_headers(reqwest::multipart::Part::text(text), name, headers)?;
        form = form.part(key, part);
    }
    Ok(form)
}

/// Adds each property of an object (a map, or a value the spec does not describe) to a
/// `multipart/form-data` body as a text part.
pub(crate) fn multipart_object<T: serde::Serialize + ?Sized, E>(
    mut form: reqwest::multipart::Form,
    value: &T,
) -> Result<reqwest::multipart::Form, Error<E>> {
    let value = serde_json::to_value(value).map_err(|error| {
        Error::InvalidRequest(format!("the body cannot be serialized: {error}"))
    })?;
    let serde_json::Value::Object(map) = value else {
        return Err(Error::InvalidRequest(
            "a multipart body must be an object".to_owned(),
        ));
    };
    for (name, item) in &map {
        form = multipart_text(form, name, item, None, &[])?;
    }
    Ok(form)
}

/// Adds a file part to a `multipart/form-data` body, with the file's own name and content
/// type when it has them, else the property name and `content_type`, and the part
/// headers the spec fixes.
pub(crate) fn multipart_file<E>(
    form: reqwest::multipart::Form,
    name: &str,
    file: &File,
    content_type: &str,
    headers: &[(&str, &str)],
) -> Result<reqwest::multipart::Form, Error<E>> {
    let media = file.media_type.as_deref().unwrap_or(content_type);
    let (sent, length) = body_to_send(&file.contents)
        .map_err(|problem| Error::InvalidRequest(format!("part `{name}`: {problem}")))?;
    let part = match (file.contents.length(), length) {
        (_, Some(length)) | (Some(length), None) => {
            reqwest::multipart::Part::stream_with_length(sent, length)
        }
        (None, None) => reqwest::multipart::Part::stream(sent),
    };
    let part = part
        .file_name(file.name.clone().unwrap_or_else(|| name.to_owned()))
        .mime_str(media)
        .map_err(|_| {
            Error::InvalidRequest(format!(
                "part `{name}`: `{media}` is not a valid content type"
            ))
        })?;
    Ok(form.part(name.to_owned(), with_part_headers(part, name, headers)?))
}

/// `part` with these headers besides its `Content-Disposition` and `Content-Type`.
fn with_part_headers<E>(
    part: reqwest::multipart::Part,
    name: &str,
    headers: &[(&str, &str)],
) -> Result<reqwest::multipart::Part, Error<E>> {
    if headers.is_empty() {
        return Ok(part);
    }
    let mut map = HeaderMap::new();
    for (header, value) in headers {
        let header_name = HeaderName::from_bytes(header.as_bytes());
        let header_value = HeaderValue::from_str(value);
        let (Ok(header_name), Ok(header_value)) = (header_name, header_value) else {
            return Err(Error::InvalidRequest(format!(
                "part `{name}`: header `{header}` cannot carry `{value}`"
            )));
        };
        map.append(header_name, header_value);
    }
    Ok(part.headers(map))
}

/// Puts a `multipart/form-data` body on a request, with its boundary and length.
pub(crate) fn multipart_body<E>(
    http: &reqwest::Client,
    request: reqwest::Request,
    form: reqwest::multipart::Form,
) -> Result<reqwest::Request, Error<E>> {
    reqwest::RequestBuilder::from_parts(http.clone(), request)
        .multipart(form)
        .build()
        .map_err(|error| Error::InvalidRequest(format!("the body cannot be built: {error}")))
}
