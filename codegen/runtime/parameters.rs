// Parameters: headers, path segments, query strings, and JSON bodies.

/// Sets a header whose value is known to be valid.
fn static_header(request: &mut reqwest::Request, name: HeaderName, value: &'static str) {
    request
        .headers_mut()
        .insert(name, HeaderValue::from_static(value));
}

/// Asks for a JSON response.
pub(crate) fn accept_json(request: &mut reqwest::Request) {
    static_header(request, reqwest::header::ACCEPT, "application/json");
}

/// Asks for the media types a response may come in, in the document's order (a list for
/// `Accept`).
pub(crate) fn accept(request: &mut reqwest::Request, media_types: &'static str) {
    static_header(request, reqwest::header::ACCEPT, media_types);
}

/// Sets a header from a parameter value.
pub(crate) fn set_header<E>(
    request: &mut reqwest::Request,
    name: &'static str,
    value: &str,
) -> Result<(), Error<E>> {
    match HeaderValue::try_from(value) {
        Ok(valid) => {
            request
                .headers_mut()
                .insert(HeaderName::from_static(name), valid);
            Ok(())
        }
        Err(_) => Err(Error::InvalidRequest(format!(
            "the value of header `{name}` contains characters a header cannot carry"
        ))),
    }
}

/// Percent-encodes everything but unreserved characters (RFC 3986), so that the text
/// stays one path segment: `/`, `?`, `#`, `%`, spaces and non-ASCII text are all encoded.
fn percent_encode(text: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
    out
}

/// A path parameter's text, percent-encoded: a part of a path segment.
pub(crate) fn path_text(value: &impl fmt::Display) -> String {
    percent_encode(&value.to_string())
}

/// A path segment made of parameter values, refused when it would address another
/// resource: empty, `.` or `..` (in any spelling the URL parser reads as one, such as
/// `%2e`), which the URL parser would drop or resolve against the segments before it.
pub(crate) fn path_segment<E>(names: &str, segment: String) -> Result<String, Error<E>> {
    let dots = segment.to_ascii_lowercase().replace("%2e", ".");
    if dots.is_empty() || dots == "." || dots == ".." {
        let shown = if segment.is_empty() {
            "empty"
        } else {
            segment.as_str()
        };
        return Err(Error::InvalidRequest(format!(
            "path parameter `{names}` is {shown}, which would address another resource"
        )));
    }
    Ok(segment)
}

/// A path segment that is one parameter's value: percent-encoded and checked.
pub(crate) fn path_param<E>(name: &str, value: &impl fmt::Display) -> Result<String, Error<E>> {
    path_segment(name, path_text(value))
}

/// The JSON text of a parameter described by `content: application/json`.
pub(crate) fn json_text<T: serde::Serialize + ?Sized, E>(
    name: &str,
    value: &T,
) -> Result<String, Error<E>> {
    serde_json::to_string(value).map_err(|error| {
        Error::InvalidRequest(format!("parameter `{name}` cannot be written: {error}"))
    })
}

/// The items of an array or object parameter in `simple` style, each passed through
/// `encode`: `1,2`, objects `k,v` (or `k=v` exploded).
fn simple_parts<T: serde::Serialize + ?Sized, E>(
    name: &str,
    value: &T,
    explode: bool,
    encode: fn(&str) -> String,
) -> Result<String, Error<E>> {
    let value = parameter_value(name, value)?;
    let parts: Vec<String> = match &value {
        serde_json::Value::Array(items) => items
            .iter()
            .map(|item| encode(&scalar_text(item)))
            .collect(),
        serde_json::Value::Object(map) if explode => map
            .iter()
            .map(|(key, item)| format!("{}={}", encode(key), encode(&scalar_text(item))))
            .collect(),
        serde_json::Value::Object(map) => map
            .iter()
            .flat_map(|(key, item)| [encode(key), encode(&scalar_text(item))])
            .collect(),
        scalar => vec![encode(&scalar_text(scalar))],
    };
    Ok(parts.join(","))
}

/// The text of an array or object parameter in a header (`simple` style).
pub(crate) fn simple<T: serde::Serialize + ?Sized, E>(
    name: &str,
    value: &T,
    explode: bool,
) -> Result<String, Error<E>> {
    simple_parts(name, value, explode, str::to_owned)
}

/// The text of an array or object parameter in a path (`simple` style): each item
/// percent-encoded, the commas between them kept.
pub(crate) fn simple_path<T: serde::Serialize + ?Sized, E>(
    name: &str,
    value: &T,
    explode: bool,
) -> Result<String, Error<E>> {
    simple_parts(name, value, explode, percent_encode)
}

/// Serializes a JSON request body.
pub(crate) fn json_body<T: serde::Serialize + ?Sized, E>(
    request: &mut reqwest::Request,
    content_type: &'static str,
    body: &T,
) -> Result<(), Error<E>> {
    match serde_json::to_vec(body) {
        Ok(encoded) => {
            static_header(request, reqwest::header::CONTENT_TYPE, content_type);
            *request.body_mut() = Some(encoded.into());
            Ok(())
        }
        Err(error) => Err(Error::InvalidRequest(format!(
            "the body cannot be serialized: {error}"
        ))),
    }
}
