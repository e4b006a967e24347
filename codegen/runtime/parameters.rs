// Parameters: headers, path segments, query strings, and JSON and form bodies.

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

/// A parameter value as JSON, to write it item by item.
fn parameter_value<T: serde::Serialize + ?Sized, E>(
    name: &str,
    value: &T,
) -> Result<serde_json::Value, Error<E>> {
    serde_json::to_value(value).map_err(|error| {
        Error::InvalidRequest(format!("parameter `{name}` cannot be written: {error}"))
    })
}

/// The text of one item of a parameter: strings as they are, other scalars as JSON, and
/// arrays and objects (which no style can write inside another) as JSON text.
fn scalar_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
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

/// Appends a parameter to the query as separate pairs (`form` style, exploded): arrays
/// as `a=1&a=2`, objects as `k=v` pairs.
pub(crate) fn query_exploded<T: serde::Serialize + ?Sized, E>(
    address: &mut reqwest::Url,
    name: &str,
    value: &T,
) -> Result<(), Error<E>> {
    let value = parameter_value(name, value)?;
    let mut query = address.query_pairs_mut();
    match &value {
        serde_json::Value::Array(items) => {
            for item in items {
                query.append_pair(name, &scalar_text(item));
            }
        }
        serde_json::Value::Object(map) => {
            for (key, item) in map {
                query.append_pair(key, &scalar_text(item));
            }
        }
        scalar => {
            query.append_pair(name, &scalar_text(scalar));
        }
    }
    Ok(())
}

/// Appends a parameter to the query as one pair whose items are joined by `separator`:
/// `,` for `form` style not exploded (`a=1,2`, objects `a=k,v`), ` ` for
/// `spaceDelimited`, `|` for `pipeDelimited`.
pub(crate) fn query_joined<T: serde::Serialize + ?Sized, E>(
    address: &mut reqwest::Url,
    name: &str,
    value: &T,
    separator: &str,
) -> Result<(), Error<E>> {
    let value = parameter_value(name, value)?;
    let parts: Vec<String> = match &value {
        serde_json::Value::Array(items) => items.iter().map(scalar_text).collect(),
        serde_json::Value::Object(map) => map
            .iter()
            .flat_map(|(key, item)| [key.clone(), scalar_text(item)])
            .collect(),
        scalar => vec![scalar_text(scalar)],
    };
    address
        .query_pairs_mut()
        .append_pair(name, &parts.join(separator));
    Ok(())
}

/// Appends an object parameter to the query in `deepObject` style: `a[k]=v`.
pub(crate) fn query_deep<T: serde::Serialize + ?Sized, E>(
    address: &mut reqwest::Url,
    name: &str,
    value: &T,
) -> Result<(), Error<E>> {
    let value = parameter_value(name, value)?;
    let mut query = address.query_pairs_mut();
    match &value {
        serde_json::Value::Object(map) => {
            for (key, item) in map {
                query.append_pair(&format!("{name}[{key}]"), &scalar_text(item));
            }
        }
        other => {
            query.append_pair(name, &scalar_text(other));
        }
    }
    Ok(())
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

/// Serializes an `application/x-www-form-urlencoded` body: one pair per property,
/// arrays as repeated pairs, nested objects as JSON text.
pub(crate) fn form_body<T: serde::Serialize + ?Sized, E>(
    request: &mut reqwest::Request,
    body: &T,
) -> Result<(), Error<E>> {
    let value = serde_json::to_value(body).map_err(|error| {
        Error::InvalidRequest(format!("the body cannot be serialized: {error}"))
    })?;
    let serde_json::Value::Object(map) = value else {
        return Err(Error::InvalidRequest(
            "a form body must be an object".to_owned(),
        ));
    };
    // A URL's query is the same encoding; its serializer writes the pairs.
    let mut encoder =
        reqwest::Url::parse("form:").map_err(|error| Error::InvalidRequest(error.to_string()))?;
    {
        let mut pairs = encoder.query_pairs_mut();
        for (key, item) in &map {
            match item {
                serde_json::Value::Null => {}
                serde_json::Value::Array(items) => {
                    for entry in items {
                        pairs.append_pair(key, &scalar_text(entry));
                    }
                }
                other => {
                    pairs.append_pair(key, &scalar_text(other));
                }
            }
        }
    }
    let encoded = encoder.query().unwrap_or("").to_owned();
    static_header(
        request,
        reqwest::header::CONTENT_TYPE,
        "application/x-www-form-urlencoded",
    );
    *request.body_mut() = Some(encoded.into());
    Ok(())
}
