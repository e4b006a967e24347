// Objects: how generated structs read themselves from a JSON object.

/// A struct read from an object, property by property: what its `Deserialize` impl
/// calls. One generic visitor serves every such struct, so each carries only the match
/// on its property names, where serde's derive would expand a visitor, a field enum and
/// the reading of arrays for each.
pub(crate) trait FromObject: Sized {
    /// The struct's name, for errors.
    const NAME: &'static str;

    /// Reads the struct from the object's properties.
    fn read<'de, A: serde::de::MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// Reads a [`FromObject`] from what `deserializer` holds: an object, else an error that
/// says which struct was expected.
pub(crate) fn read_object<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: FromObject,
{
    deserializer.deserialize_map(ObjectVisitor(std::marker::PhantomData))
}

/// The visitor of [`read_object`].
struct ObjectVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T: FromObject> serde::de::Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        write!(formatter, "struct {}", T::NAME)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::read(map)
    }
}

/// The name of a property, borrowed from the input when it can be.
pub(crate) struct ObjectKey<'de>(std::borrow::Cow<'de, str>);

impl std::ops::Deref for ObjectKey<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de> serde::Deserialize<'de> for ObjectKey<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(ObjectKeyVisitor)
    }
}

/// The visitor of [`ObjectKey`]: it copies a name only when the input cannot lend it
/// (escaped, or read from a stream).
struct ObjectKeyVisitor;

impl<'de> serde::de::Visitor<'de> for ObjectKeyVisitor {
    type Value = ObjectKey<'de>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a property name")
    }

    fn visit_borrowed_str<E: serde::de::Error>(self, text: &'de str) -> Result<Self::Value, E> {
        Ok(ObjectKey(std::borrow::Cow::Borrowed(text)))
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Self::Value, E> {
        Ok(ObjectKey(std::borrow::Cow::Owned(text.to_owned())))
    }

    fn visit_string<E: serde::de::Error>(self, text: String) -> Result<Self::Value, E> {
        Ok(ObjectKey(std::borrow::Cow::Owned(text)))
    }
}

/// Reads a property's value into its slot (given twice, the last one counts).
pub(crate) fn object_field<'de, A, T>(map: &mut A, slot: &mut Option<T>) -> Result<(), A::Error>
where
    A: serde::de::MapAccess<'de>,
    T: serde::Deserialize<'de>,
{
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Reads a property's value into its slot leniently (see [`lenient`]).
pub(crate) fn object_lenient<'de, A, T>(map: &mut A, slot: &mut Option<T>) -> Result<(), A::Error>
where
    A: serde::de::MapAccess<'de>,
    T: lenient::Lenient,
{
    *slot = Some(map.next_value_seed(LenientSeed(std::marker::PhantomData))?);
    Ok(())
}

/// Reads a [`Patch`] of a value read leniently (see [`lenient`]) into its slot.
pub(crate) fn object_lenient_patch<'de, A, T>(
    map: &mut A,
    slot: &mut Option<Patch<T>>,
) -> Result<(), A::Error>
where
    A: serde::de::MapAccess<'de>,
    T: lenient::Lenient,
{
    let mut read: Option<Option<T>> = None;
    object_lenient(map, &mut read)?;
    *slot = read.map(|value| match value {
        Some(value) => Patch::Set(value),
        None => Patch::Null,
    });
    Ok(())
}

/// Skips the value of a property the struct does not have.
pub(crate) fn object_skip<'de, A: serde::de::MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<serde::de::IgnoredAny>().map(|_| ())
}

/// The value of a required property, or what its type makes of its absence: `None` for
/// an `Option`, else the error that says it is missing.
pub(crate) fn object_required<'de, T, E>(slot: Option<T>, name: &'static str) -> Result<T, E>
where
    T: serde::Deserialize<'de>,
    E: serde::de::Error,
{
    match slot {
        Some(value) => Ok(value),
        None => T::deserialize(MissingField(name, std::marker::PhantomData)),
    }
}

/// The value of a required property read leniently: its absence is an error.
pub(crate) fn object_present<T, E: serde::de::Error>(
    slot: Option<T>,
    name: &'static str,
) -> Result<T, E> {
    slot.ok_or_else(|| serde::de::Error::missing_field(name))
}

/// A [`lenient`] read where serde takes a seed.
struct LenientSeed<T>(std::marker::PhantomData<T>);

impl<'de, T: lenient::Lenient> serde::de::DeserializeSeed<'de> for LenientSeed<T> {
    type Value = T;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        T::deserialize_lenient(deserializer)
    }
}

/// What a missing property reads as: nothing for an `Option`, an error for anything else.
struct MissingField<E>(&'static str, std::marker::PhantomData<E>);

impl<'de, E: serde::de::Error> serde::Deserializer<'de> for MissingField<E> {
    type Error = E;

    fn deserialize_any<V: serde::de::Visitor<'de>>(self, _visitor: V) -> Result<V::Value, E> {
        Err(serde::de::Error::missing_field(self.0))
    }

    fn deserialize_option<V: serde::de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_none()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier
        ignored_any
    }
}
