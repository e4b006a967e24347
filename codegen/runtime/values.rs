// Values: three-state fields, enums, unions, lenient timestamps and base64.

/// A request field that can be left out, sent as `null`, or sent with a value.
///
/// For a partial update this says exactly what happens to the stored value:
/// [`Patch::Absent`] keeps it, [`Patch::Null`] clears it, [`Patch::Set`] replaces it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum Patch<T> {
    /// Left out of the JSON: the server keeps its current value.
    #[default]
    Absent,
    /// Sent as `null`: the server clears the value.
    Null,
    /// Sent with this value.
    Set(T),
}

impl<T> Patch<T> {
    /// Whether the field is left out of the JSON.
    pub fn is_absent(&self) -> bool {
        matches!(self, Patch::Absent)
    }

    /// The value, if one is set.
    pub fn value(&self) -> Option<&T> {
        match self {
            Patch::Set(value) => Some(value),
            Patch::Absent | Patch::Null => None,
        }
    }

    /// The value, if one is set; absent and null both give `None`.
    pub fn into_option(self) -> Option<T> {
        match self {
            Patch::Set(value) => Some(value),
            Patch::Absent | Patch::Null => None,
        }
    }
}

impl<T> From<T> for Patch<T> {
    fn from(value: T) -> Self {
        Patch::Set(value)
    }
}

impl<T: serde::Serialize> serde::Serialize for Patch<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Patch::Set(value) => value.serialize(serializer),
            Patch::Absent | Patch::Null => serializer.serialize_none(),
        }
    }
}

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Patch<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(deserializer)? {
            Some(value) => Patch::Set(value),
            None => Patch::Null,
        })
    }
}

/// Deserializes a string enum without allocating for known values.
pub(crate) fn deserialize_string_enum<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: for<'a> From<&'a str>,
{
    struct StrVisitor<T>(std::marker::PhantomData<T>);

    impl<T: for<'a> From<&'a str>> serde::de::Visitor<'_> for StrVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }

        fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
            Ok(T::from(value))
        }
    }

    deserializer.deserialize_str(StrVisitor(std::marker::PhantomData))
}

/// Deserializes an integer enum.
pub(crate) fn deserialize_integer_enum<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: From<i64>,
{
    Ok(T::from(<i64 as serde::Deserialize>::deserialize(
        deserializer,
    )?))
}

/// Writes a variant of a tagged union: its fields with the tag property set.
pub(crate) fn serialize_tagged<S: serde::Serializer, T: serde::Serialize>(
    serializer: S,
    property: &str,
    tag: &str,
    value: &T,
) -> Result<S::Ok, S::Error> {
    use serde::ser::Error as _;
    match serde_json::to_value(value).map_err(S::Error::custom)? {
        serde_json::Value::Object(mut map) => {
            map.insert(
                property.to_owned(),
                serde_json::Value::String(tag.to_owned()),
            );
            serde::Serialize::serialize(&map, serializer)
        }
        _ => Err(S::Error::custom("a tagged union variant must be an object")),
    }
}

/// Reads a tagged union: the tag, and the whole value to decode the variant from.
pub(crate) fn deserialize_tagged<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
    property: &str,
) -> Result<(Option<String>, serde_json::Value), D::Error> {
    let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
    let tag = value
        .get(property)
        .and_then(serde_json::Value::as_str)
        .map(str::to_owned);
    Ok((tag, value))
}

/// Decodes a union variant from the value read by [`deserialize_tagged`].
pub(crate) fn tagged_variant<T: serde::de::DeserializeOwned, E: serde::de::Error>(
    value: serde_json::Value,
) -> Result<T, E> {
    serde_json::from_value(value).map_err(E::custom)
}

/// Deserializes a string from a closed list (a constant: a schema that allows one value);
/// any other value is an error saying what was expected.
pub(crate) fn deserialize_listed_string<'de, D, T>(
    deserializer: D,
    listed: &'static [(&'static str, T)],
) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Copy + 'static,
{
    struct ListedVisitor<T: 'static>(&'static [(&'static str, T)]);

    impl<T: Copy + 'static> serde::de::Visitor<'_> for ListedVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            let wires: Vec<String> = self.0.iter().map(|(wire, _)| format!("{wire:?}")).collect();
            write!(f, "{}", wires.join(" or "))
        }

        fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
            match self.0.iter().find(|(wire, _)| *wire == value) {
                Some((_, found)) => Ok(*found),
                None => Err(E::invalid_value(serde::de::Unexpected::Str(value), &self)),
            }
        }
    }

    deserializer.deserialize_str(ListedVisitor(listed))
}

/// Deserializes an integer from a closed list (a constant), like
/// [`deserialize_listed_string`].
pub(crate) fn deserialize_listed_integer<'de, D, T>(
    deserializer: D,
    listed: &'static [(i64, T)],
) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Copy + 'static,
{
    let number = <i64 as serde::Deserialize>::deserialize(deserializer)?;
    match listed.iter().find(|(wire, _)| *wire == number) {
        Some((_, found)) => Ok(*found),
        None => {
            let wires: Vec<String> = listed.iter().map(|(wire, _)| wire.to_string()).collect();
            Err(<D::Error as serde::de::Error>::invalid_value(
                serde::de::Unexpected::Signed(number),
                &wires.join(" or ").as_str(),
            ))
        }
    }
}

/// What a union variant's JSON looks like: enough to tell the variants apart without
/// decoding the value into each of them.
#[derive(Clone, Copy, Debug)]
#[allow(
    dead_code,
    reason = "a crate builds the shapes its unions have, not every one"
)]
pub(crate) enum Shape {
    /// Any value.
    Any,
    /// `true` or `false`.
    Bool,
    /// An integer.
    Integer,
    /// Any number.
    Number,
    /// Any string.
    String,
    /// One of these strings, and no other value.
    Strings(&'static [&'static str]),
    /// One of these integers, and no other value.
    Integers(&'static [i64]),
    /// An array.
    Array,
    /// An object with these properties (and maybe others), each as its JSON name, whether
    /// the variant cannot be decoded without it, and what its value looks like (`null`
    /// fits any property).
    Object(&'static [(&'static str, bool, Shape)]),
    /// Any of these shapes: a variant that is itself a union.
    AnyOf(&'static [Shape]),
}

/// How well `value` fits `shape`: `None` when it contradicts it (another JSON type, a
/// value a constant or enum does not list, a required property missing, a property of
/// another type); otherwise how many of the value's properties the shape declares, then
/// how narrowly it describes the value (3: a listed value; 2: its type; 1: a number for an
/// integer; 0: anything).
fn shape_fit(value: &serde_json::Value, shape: &Shape) -> Option<(usize, u8)> {
    use serde_json::Value;
    match (shape, value) {
        (Shape::Any, _) => Some((0, 0)),
        (Shape::Bool, Value::Bool(_))
        | (Shape::String, Value::String(_))
        | (Shape::Array, Value::Array(_)) => Some((0, 2)),
        (Shape::Integer, Value::Number(n)) if n.is_i64() || n.is_u64() => Some((0, 2)),
        (Shape::Number, Value::Number(n)) => Some((0, if n.is_f64() { 2 } else { 1 })),
        (Shape::Strings(listed), Value::String(s)) if listed.contains(&s.as_str()) => Some((0, 3)),
        (Shape::Integers(listed), Value::Number(n))
            if n.as_i64().is_some_and(|n| listed.contains(&n)) =>
        {
            Some((0, 3))
        }
        (Shape::Object(properties), Value::Object(map)) => {
            let mut declared = 0;
            for (name, required, property) in *properties {
                match map.get(*name) {
                    None if *required => return None,
                    None | Some(Value::Null) => {}
                    Some(found) => {
                        shape_fit(found, property)?;
                    }
                }
                declared += usize::from(map.contains_key(*name));
            }
            Some((declared, 2))
        }
        (Shape::AnyOf(shapes), _) => shapes.iter().filter_map(|s| shape_fit(value, s)).max(),
        _ => None,
    }
}

/// The variants `value` may be, best fit first: those whose shapes it does not
/// contradict, by how many of its properties they declare, then by how narrowly they
/// describe it, then in the order the spec lists them.
pub(crate) fn rank_variants(value: &serde_json::Value, shapes: &[Shape]) -> Vec<usize> {
    let mut fits: Vec<(usize, (usize, u8))> = shapes
        .iter()
        .enumerate()
        .filter_map(|(index, shape)| Some((index, shape_fit(value, shape)?)))
        .collect();
    // Stable: equal fits keep the spec's order.
    fits.sort_by_key(|(_, fit)| std::cmp::Reverse(*fit));
    fits.into_iter().map(|(index, _)| index).collect()
}

/// Decodes an untagged union (or a tagged one whose tag is missing): the best-fitting
/// variant (see [`rank_variants`]) that decodes, tried from the value read once; when
/// none does, the value is kept as received by `unknown`.
///
/// With the `tracing` feature, a value that has some variant's shape but decodes as none
/// of them (the server and the spec disagree deeper inside) logs a warning naming the type.
pub(crate) fn decode_union<T>(
    value: serde_json::Value,
    shapes: &[Shape],
    decode: impl Fn(usize, &serde_json::Value) -> Result<T, serde_json::Error>,
    unknown: fn(serde_json::Value) -> T,
) -> T {
    let ranked = rank_variants(&value, shapes);
    for &index in &ranked {
        if let Ok(decoded) = decode(index, &value) {
            return decoded;
        }
    }
    #[cfg(feature = "tracing")]
    if !ranked.is_empty() {
        tracing::warn!(
            union = std::any::type_name::<T>(),
            "a value has the shape of a variant of this union but decodes as none of them; it is kept as received"
        );
    }
    unknown(value)
}

/// Timestamps (`format: date-time`) read as servers really send them: RFC 3339 with `T`,
/// `t` or a space between date and time and `Z` or `z` for UTC, and also without an
/// offset, as SQLite and naive Python datetimes write them, which is read as UTC. Text
/// that is not a timestamp stays an error.
pub(crate) mod lenient {
    /// A value read more leniently than its `Deserialize` impl reads it.
    pub(crate) trait Lenient: Sized {
        /// Reads the value.
        fn deserialize_lenient<'de, D: serde::Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Self, D::Error>;
    }

    /// A `T` read leniently, where serde needs a `Deserialize` type.
    struct Read<T>(T);

    impl<'de, T: Lenient> serde::Deserialize<'de> for Read<T> {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            T::deserialize_lenient(deserializer).map(Read)
        }
    }

    impl Lenient for chrono::DateTime<chrono::Utc> {
        fn deserialize_lenient<'de, D: serde::Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Self, D::Error> {
            let text =
                <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
            parse(&text).ok_or_else(|| {
                serde::de::Error::invalid_value(
                    serde::de::Unexpected::Str(&text),
                    &"an RFC 3339 timestamp",
                )
            })
        }
    }

    impl<T: Lenient> Lenient for Option<T> {
        fn deserialize_lenient<'de, D: serde::Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Self, D::Error> {
            let read = <Option<Read<T>> as serde::Deserialize>::deserialize(deserializer)?;
            Ok(read.map(|Read(value)| value))
        }
    }

    impl<T: Lenient> Lenient for Box<T> {
        fn deserialize_lenient<'de, D: serde::Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Self, D::Error> {
            T::deserialize_lenient(deserializer).map(Box::new)
        }
    }

    impl<T: Lenient> Lenient for Vec<T> {
        fn deserialize_lenient<'de, D: serde::Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Self, D::Error> {
            let read = <Vec<Read<T>> as serde::Deserialize>::deserialize(deserializer)?;
            Ok(read.into_iter().map(|Read(value)| value).collect())
        }
    }

    impl<T: Lenient> Lenient for std::collections::BTreeMap<String, T> {
        fn deserialize_lenient<'de, D: serde::Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Self, D::Error> {
            let read =
                <std::collections::BTreeMap<String, Read<T>> as serde::Deserialize>::deserialize(
                    deserializer,
                )?;
            Ok(read
                .into_iter()
                .map(|(key, Read(value))| (key, value))
                .collect())
        }
    }

    /// A timestamp: RFC 3339 as chrono reads it (which allows a space, `t` and `z`), else
    /// a date and time without an offset, taken as UTC.
    pub(crate) fn parse(text: &str) -> Option<chrono::DateTime<chrono::Utc>> {
        if let Ok(stamped) = text.parse::<chrono::DateTime<chrono::FixedOffset>>() {
            return Some(stamped.with_timezone(&chrono::Utc));
        }
        let mut naive = text.to_owned();
        if naive.len() > 10 && naive.is_char_boundary(10) && naive.is_char_boundary(11) {
            naive.replace_range(10..11, "T");
        }
        let local = naive.parse::<chrono::NaiveDateTime>().ok()?;
        Some(local.and_utc())
    }
}

/// Reads a value leniently (see [`lenient`]): for `#[serde(deserialize_with = "...")]`.
pub(crate) fn read_lenient<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: lenient::Lenient,
{
    T::deserialize_lenient(deserializer)
}

/// Reads a value leniently (see [`lenient`]) from JSON read before.
pub(crate) fn decode_lenient<T: lenient::Lenient>(
    value: &serde_json::Value,
) -> Result<T, serde_json::Error> {
    T::deserialize_lenient(value)
}

/// Reads a [`Patch`] of a value read leniently (see [`lenient`]).
pub(crate) fn read_lenient_patch<'de, D, T>(deserializer: D) -> Result<Patch<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: lenient::Lenient,
{
    Ok(
        match <Option<T> as lenient::Lenient>::deserialize_lenient(deserializer)? {
            Some(value) => Patch::Set(value),
            None => Patch::Null,
        },
    )
}

/// Base64 with the standard alphabet: written padded, read with or without padding.
const BASE64_STANDARD: base64::engine::GeneralPurpose =
    base64::engine::general_purpose::STANDARD_PAD_INDIFFERENT;

/// Base64 with the URL-safe alphabet, read with or without padding.
const BASE64_URL_SAFE: base64::engine::GeneralPurpose =
    base64::engine::general_purpose::URL_SAFE_PAD_INDIFFERENT;

/// Bytes that travel as base64 text (`format: byte`).
///
/// Written with the standard alphabet and padding. Read with the standard or the URL-safe
/// alphabet (one of them, not both), with or without padding; line breaks are ignored, and
/// anything else that is not base64 is an error.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Base64(pub Vec<u8>);

impl Base64 {
    /// Decodes base64 text; `None` if it is not base64.
    pub fn decode(text: &str) -> Option<Self> {
        let compact: String = text.chars().filter(|c| !matches!(c, '\r' | '\n')).collect();
        let engine = if compact.contains(['-', '_']) {
            &BASE64_URL_SAFE
        } else {
            &BASE64_STANDARD
        };
        base64::Engine::decode(engine, compact).ok().map(Base64)
    }

    /// The bytes as base64 text: standard alphabet, padded.
    pub fn encode(&self) -> String {
        base64::Engine::encode(&BASE64_STANDARD, &self.0)
    }
}

impl fmt::Debug for Base64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Base64({} bytes)", self.0.len())
    }
}

impl From<Vec<u8>> for Base64 {
    fn from(contents: Vec<u8>) -> Self {
        Base64(contents)
    }
}

impl serde::Serialize for Base64 {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.encode())
    }
}

impl<'de> serde::Deserialize<'de> for Base64 {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
        Base64::decode(&text).ok_or_else(|| serde::de::Error::custom("invalid base64"))
    }
}
