// Forms: values written as `key=value` pairs in a style, for query strings, form bodies and
// the text parts of multipart bodies.

/// How a value becomes `key=value` pairs: an OpenAPI `style` with its `explode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(
    dead_code,
    reason = "a client writes only the styles its document names"
)]
pub(crate) enum Style {
    /// `form`, exploded: a pair per array item (`a=1&a=2`) and per object property
    /// (`k=v`).
    Exploded,
    /// One pair whose items are joined by this separator: `,` for `form` not exploded
    /// (`a=1,2`, objects `a=k,v`), ` ` for `spaceDelimited`, `|` for `pipeDelimited`.
    Joined(&'static str),
    /// `deepObject`, nested as form parsers read it: objects `a[k]=v`, arrays of scalars
    /// `a[]=1&a[]=2`, arrays of objects `a[0][k]=v`, at any depth.
    Deep,
}

/// The text of one item of a value: strings as they are, `null` as nothing, other scalars
/// as JSON, and arrays and objects (which only [`Style::Deep`] can write inside another
/// value) as JSON text.
fn scalar_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The pairs `value`, named `name`, is written as in `style`, not yet percent-encoded.
fn styled_pairs(name: &str, value: &serde_json::Value, style: Style) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    match (style, value) {
        (Style::Deep, _) => deep_pairs(name.to_owned(), value, &mut pairs),
        (Style::Exploded, serde_json::Value::Array(items)) => {
            pairs.extend(
                items
                    .iter()
                    .map(|item| (name.to_owned(), scalar_text(item))),
            );
        }
        (Style::Exploded, serde_json::Value::Object(map)) => {
            pairs.extend(
                map.iter()
                    .map(|(key, item)| (key.clone(), scalar_text(item))),
            );
        }
        (Style::Joined(separator), serde_json::Value::Array(items)) => {
            let texts: Vec<String> = items.iter().map(scalar_text).collect();
            pairs.push((name.to_owned(), texts.join(separator)));
        }
        (Style::Joined(separator), serde_json::Value::Object(map)) => {
            let texts: Vec<String> = map
                .iter()
                .flat_map(|(key, item)| [key.clone(), scalar_text(item)])
                .collect();
            pairs.push((name.to_owned(), texts.join(separator)));
        }
        (_, scalar) => pairs.push((name.to_owned(), scalar_text(scalar))),
    }
    pairs
}

/// `value` under `key` in [`Style::Deep`], appended to `pairs`. An empty array or object
/// writes nothing, `null` an empty value.
fn deep_pairs(key: String, value: &serde_json::Value, pairs: &mut Vec<(String, String)>) {
    match value {
        serde_json::Value::Object(map) => {
            for (name, item) in map {
                deep_pairs(format!("{key}[{name}]"), item, pairs);
            }
        }
        serde_json::Value::Array(items) => {
            let scalars = items
                .iter()
                .all(|item| !item.is_array() && !item.is_object());
            for (index, item) in items.iter().enumerate() {
                if scalars {
                    pairs.push((format!("{key}[]"), scalar_text(item)));
                } else {
                    deep_pairs(format!("{key}[{index}]"), item, pairs);
                }
            }
        }
        scalar => pairs.push((key, scalar_text(scalar))),
    }
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

/// Appends an array, object or union parameter to the query in `style`.
pub(crate) fn query_styled<T: serde::Serialize + ?Sized, E>(
    address: &mut reqwest::Url,
    name: &str,
    value: &T,
    style: Style,
) -> Result<(), Error<E>> {
    let value = parameter_value(name, value)?;
    let mut query = address.query_pairs_mut();
    for (key, text) in styled_pairs(name, &value, style) {
        query.append_pair(&key, &text);
    }
    Ok(())
}

/// Percent-encodes `text` for an `application/x-www-form-urlencoded` body: spaces as `+`,
/// and everything but letters, digits and `*-._` as `%XX`; with `allow_reserved`, the
/// reserved characters of RFC 3986 that a form does not use as delimiters
/// (`:/?[]@!$'(),;`) are kept as they are.
fn form_encode(text: &str, allow_reserved: bool, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in text.bytes() {
        let kept = b.is_ascii_alphanumeric()
            || matches!(b, b'*' | b'-' | b'.' | b'_')
            || (allow_reserved && b":/?[]@!$'(),;".contains(&b));
        if kept {
            out.push(char::from(b));
        } else if b == b' ' {
            out.push('+');
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
}

/// Serializes an `application/x-www-form-urlencoded` body: each property in the style its
/// encoding gives (`styles`, by property name; others `form`, exploded), the values of
/// the properties named in `reserved` (those whose encoding has `allowReserved`) with
/// RFC 3986's reserved characters kept.
pub(crate) fn form_body<T: serde::Serialize + ?Sized, E>(
    request: &mut reqwest::Request,
    body: &T,
    styles: &[(&str, Style)],
    reserved: &[&str],
) -> Result<(), Error<E>> {
    let value = serde_json::to_value(body).map_err(|error| {
        Error::InvalidRequest(format!("the body cannot be serialized: {error}"))
    })?;
    let serde_json::Value::Object(map) = value else {
        return Err(Error::InvalidRequest(
            "a form body must be an object".to_owned(),
        ));
    };
    let mut encoded = String::new();
    for (name, item) in &map {
        let style = styles
            .iter()
            .find(|(property, _)| property == name)
            .map_or(Style::Exploded, |(_, style)| *style);
        let keep_reserved = reserved.contains(&name.as_str());
        for (key, text) in styled_pairs(name, item, style) {
            if !encoded.is_empty() {
                encoded.push('&');
            }
            form_encode(&key, false, &mut encoded);
            encoded.push('=');
            form_encode(&text, keep_reserved, &mut encoded);
        }
    }
    static_header(
        request,
        reqwest::header::CONTENT_TYPE,
        "application/x-www-form-urlencoded",
    );
    *request.body_mut() = Some(encoded.into());
    Ok(())
}
