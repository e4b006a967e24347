//! Schemas to types: component schemas become named types, inline objects and enums become
//! types named after where they stand, everything else maps onto Rust and serde_json types.

use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaKind,
    StringFormat, Type, VariantOrUnknownOrEmpty,
};

use super::{Lowerer, ref_name};
use crate::diagnostics::Pointer;
use crate::ir::{self, Ty};
use crate::names::{Namer, pascal, snake};

/// A schema as it appears in the model: a reference or an inline schema.
#[derive(Clone, Copy)]
pub(crate) enum SchemaRef<'a> {
    Ref(&'a str),
    Item(&'a Schema),
}

impl<'a> From<&'a ReferenceOr<Schema>> for SchemaRef<'a> {
    fn from(r: &'a ReferenceOr<Schema>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(s) => SchemaRef::Item(s),
        }
    }
}

impl<'a> From<&'a ReferenceOr<Box<Schema>>> for SchemaRef<'a> {
    fn from(r: &'a ReferenceOr<Box<Schema>>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(s) => SchemaRef::Item(s),
        }
    }
}

/// A lowered schema: its type, and whether `null` is one of its values.
pub(crate) struct Lowered {
    pub ty: Ty,
    pub nullable: bool,
}

/// How a schema is represented, decided before anything is named.
enum Shape<'a> {
    Struct {
        properties: Vec<(&'a String, SchemaRef<'a>)>,
        required: &'a [String],
    },
    StringEnum(Vec<String>, bool),
    IntegerEnum(Vec<i64>, bool),
    Array(Option<SchemaRef<'a>>),
    Map(SchemaRef<'a>),
    Primitive(Ty),
    /// Any JSON value, on purpose (a schema without constraints).
    Any,
    /// Something the generator cannot type yet; the reason goes into a warning.
    Unsupported(&'static str),
}

impl<'a> Lowerer<'a> {
    /// Turns every component schema into a named type, in spec order.
    pub(crate) fn lower_components(&mut self) {
        let Some(components) = &self.doc.components else {
            return;
        };
        let base = Pointer::root().push("components").push("schemas");
        for (name, schema) in &components.schemas {
            let Some(rust) = self.component_names.get(name.as_str()).cloned() else {
                continue;
            };
            self.component(&rust, schema.into(), &base.push(name));
        }
    }

    fn component(&mut self, rust_name: &str, schema: SchemaRef<'a>, at: &Pointer) {
        let (docs, deprecated) = match schema {
            SchemaRef::Item(s) => (docs_of(s), s.schema_data.deprecated),
            SchemaRef::Ref(_) => (None, false),
        };
        let kind = match schema {
            SchemaRef::Ref(_) => ir::TypeKind::Alias(self.schema_ty(schema, at, rust_name).ty),
            SchemaRef::Item(s) => match self.shape(s, at) {
                Shape::Struct {
                    properties,
                    required,
                } => ir::TypeKind::Struct(self.structure(rust_name, &properties, required, at)),
                Shape::StringEnum(values, _) => ir::TypeKind::Enum(string_enum(values, s)),
                Shape::IntegerEnum(values, _) => ir::TypeKind::Enum(integer_enum(values, s)),
                shape => ir::TypeKind::Alias(self.unnamed(shape, at, rust_name).ty),
            },
        };
        self.types.insert(
            rust_name.to_owned(),
            ir::TypeDef {
                name: rust_name.to_owned(),
                pointer: at.to_string(),
                docs,
                deprecated,
                kind,
            },
        );
    }

    /// The type of a schema used in a field, parameter or body. Inline objects and enums
    /// become named types called `hint`.
    pub(crate) fn schema_ty(&mut self, schema: SchemaRef<'a>, at: &Pointer, hint: &str) -> Lowered {
        match schema {
            SchemaRef::Ref(reference) => match ref_name(reference, "schemas") {
                Ok(name) => match self.component_names.get(name.as_str()) {
                    Some(rust) => Lowered {
                        ty: Ty::Named(rust.clone()),
                        nullable: self.ref_nullable(&name),
                    },
                    None => {
                        self.error(
                            at,
                            format!("`$ref: {reference}` points to a schema that does not exist"),
                        );
                        Lowered {
                            ty: Ty::Json,
                            nullable: false,
                        }
                    }
                },
                Err(message) => {
                    self.error(at, message);
                    Lowered {
                        ty: Ty::Json,
                        nullable: false,
                    }
                }
            },
            SchemaRef::Item(s) => {
                let nullable = s.schema_data.nullable;
                let ty = match self.shape(s, at) {
                    Shape::Struct {
                        properties,
                        required,
                    } => {
                        let name = self.claim_type_name(hint);
                        let def = self.structure(&name, &properties, required, at);
                        self.define(&name, s, at, ir::TypeKind::Struct(def))
                    }
                    Shape::StringEnum(values, null) => {
                        let name = self.claim_type_name(hint);
                        let kind = ir::TypeKind::Enum(string_enum(values, s));
                        return Lowered {
                            ty: self.define(&name, s, at, kind),
                            nullable: nullable || null,
                        };
                    }
                    Shape::IntegerEnum(values, null) => {
                        let name = self.claim_type_name(hint);
                        let kind = ir::TypeKind::Enum(integer_enum(values, s));
                        return Lowered {
                            ty: self.define(&name, s, at, kind),
                            nullable: nullable || null,
                        };
                    }
                    shape => self.unnamed(shape, at, hint).ty,
                };
                Lowered { ty, nullable }
            }
        }
    }

    fn define(&mut self, name: &str, s: &Schema, at: &Pointer, kind: ir::TypeKind) -> Ty {
        let def = ir::TypeDef {
            name: name.to_owned(),
            pointer: at.to_string(),
            docs: docs_of(s),
            deprecated: s.schema_data.deprecated,
            kind,
        };
        self.types.insert(name.to_owned(), def);
        Ty::Named(name.to_owned())
    }

    /// Types that need no name of their own: primitives, arrays, maps, any value.
    fn unnamed(&mut self, shape: Shape<'a>, at: &Pointer, hint: &str) -> Lowered {
        let ty = match shape {
            Shape::Primitive(ty) => ty,
            Shape::Any => Ty::Json,
            Shape::Array(None) => Ty::Vec(Box::new(Ty::Json)),
            Shape::Array(Some(items)) => {
                let item = self.schema_ty(items, &at.push("items"), &format!("{hint}Item"));
                Ty::Vec(Box::new(wrap_nullable(item)))
            }
            Shape::Map(values) => {
                let value = self.schema_ty(
                    values,
                    &at.push("additionalProperties"),
                    &format!("{hint}Value"),
                );
                Ty::Map(Box::new(wrap_nullable(value)))
            }
            Shape::Unsupported(what) => {
                self.warn(
                    at,
                    format!(
                        "{what} is not supported yet; this value is typed as `serde_json::Value`"
                    ),
                );
                Ty::Json
            }
            // Named shapes are handled by the callers.
            Shape::Struct { .. } | Shape::StringEnum(..) | Shape::IntegerEnum(..) => Ty::Json,
        };
        Lowered {
            ty,
            nullable: false,
        }
    }

    fn structure(
        &mut self,
        type_name: &str,
        properties: &[(&'a String, SchemaRef<'a>)],
        required: &[String],
        at: &Pointer,
    ) -> ir::Struct {
        let mut namer = Namer::default();
        let mut fields = Vec::with_capacity(properties.len());
        for (wire, schema) in properties {
            let field_at = at.push("properties").push(wire.as_str());
            let hint = format!("{type_name}{}", pascal(wire, "Field"));
            let lowered = self.schema_ty(*schema, &field_at, &hint);
            let (docs, deprecated) = match schema {
                SchemaRef::Item(s) => (docs_of(s), s.schema_data.deprecated),
                SchemaRef::Ref(reference) => (self.referenced_docs(reference), false),
            };
            fields.push(ir::Field {
                rust_name: namer.claim(&snake(wire, "field")),
                wire_name: (*wire).clone(),
                docs,
                ty: lowered.ty,
                required: required.contains(wire),
                nullable: lowered.nullable,
                repr: ir::FieldRepr::Optional,
                deprecated,
            });
        }
        ir::Struct {
            fields,
            derive_default: false,
        }
    }

    /// The first paragraph of a referenced schema's description, to document a property
    /// that is only a `$ref`.
    fn referenced_docs(&self, reference: &str) -> Option<String> {
        let name = ref_name(reference, "schemas").ok()?;
        let schema = self
            .doc
            .components
            .as_ref()?
            .schemas
            .get(&name)?
            .as_item()?;
        let docs = docs_of(schema)?;
        Some(docs.split("\n\n").next().unwrap_or(&docs).to_owned())
    }

    /// Whether the component schema `name` (following references) admits `null`.
    fn ref_nullable(&self, name: &str) -> bool {
        let Some(components) = &self.doc.components else {
            return false;
        };
        let mut current = name.to_owned();
        for _ in 0..32 {
            match components.schemas.get(&current) {
                Some(ReferenceOr::Item(s)) => return s.schema_data.nullable || enum_has_null(s),
                Some(ReferenceOr::Reference { reference }) => {
                    match ref_name(reference, "schemas") {
                        Ok(next) => current = next,
                        Err(_) => return false,
                    }
                }
                None => return false,
            }
        }
        false
    }

    fn shape(&mut self, s: &'a Schema, _at: &Pointer) -> Shape<'a> {
        match &s.schema_kind {
            SchemaKind::Type(Type::String(t)) => {
                if t.enumeration.is_empty() {
                    Shape::Primitive(string_ty(&t.format))
                } else {
                    let null = t.enumeration.iter().any(Option::is_none);
                    Shape::StringEnum(t.enumeration.iter().flatten().cloned().collect(), null)
                }
            }
            SchemaKind::Type(Type::Integer(t)) => {
                if t.enumeration.is_empty() {
                    Shape::Primitive(integer_ty(&t.format))
                } else {
                    let null = t.enumeration.iter().any(Option::is_none);
                    Shape::IntegerEnum(t.enumeration.iter().flatten().copied().collect(), null)
                }
            }
            SchemaKind::Type(Type::Number(t)) => Shape::Primitive(match t.format {
                VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => Ty::F32,
                _ => Ty::F64,
            }),
            SchemaKind::Type(Type::Boolean(_)) => Shape::Primitive(Ty::Bool),
            SchemaKind::Type(Type::Array(a)) => Shape::Array(a.items.as_ref().map(SchemaRef::from)),
            SchemaKind::Type(Type::Object(o)) => {
                object_shape(&o.properties, &o.required, o.additional_properties.as_ref())
            }
            SchemaKind::AllOf { .. } => Shape::Unsupported("`allOf`"),
            SchemaKind::OneOf { .. } => Shape::Unsupported("`oneOf`"),
            SchemaKind::AnyOf { .. } => Shape::Unsupported("`anyOf`"),
            SchemaKind::Not { .. } => Shape::Unsupported("`not`"),
            SchemaKind::Any(any) => any_shape(any),
        }
    }
}

fn object_shape<'a>(
    properties: &'a indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
    required: &'a [String],
    additional: Option<&'a AdditionalProperties>,
) -> Shape<'a> {
    if !properties.is_empty() {
        return Shape::Struct {
            properties: properties.iter().map(|(k, v)| (k, v.into())).collect(),
            required,
        };
    }
    match additional {
        Some(AdditionalProperties::Schema(values)) => Shape::Map(values.as_ref().into()),
        _ => Shape::Primitive(Ty::JsonObject),
    }
}

/// Schemas that openapiv3 could not classify: mixed or missing `type`.
fn any_shape(any: &openapiv3::AnySchema) -> Shape<'_> {
    if !any.all_of.is_empty() {
        return Shape::Unsupported("`allOf`");
    }
    if !any.one_of.is_empty() {
        return Shape::Unsupported("`oneOf`");
    }
    if !any.any_of.is_empty() {
        return Shape::Unsupported("`anyOf`");
    }
    if !any.properties.is_empty() || any.typ.as_deref() == Some("object") {
        return object_shape(
            &any.properties,
            &any.required,
            any.additional_properties.as_ref(),
        );
    }
    if !any.enumeration.is_empty() {
        let null = any.enumeration.iter().any(serde_json::Value::is_null);
        let values: Vec<_> = any.enumeration.iter().filter(|v| !v.is_null()).collect();
        if values.iter().all(|v| v.is_string()) {
            return Shape::StringEnum(
                values
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect(),
                null,
            );
        }
        if values.iter().all(|v| v.is_i64()) {
            return Shape::IntegerEnum(values.iter().filter_map(|v| v.as_i64()).collect(), null);
        }
    }
    match any.typ.as_deref() {
        Some("string") => Shape::Primitive(Ty::String),
        Some("integer") => Shape::Primitive(match any.format.as_deref() {
            Some("int32") => Ty::I32,
            _ => Ty::I64,
        }),
        Some("number") => Shape::Primitive(match any.format.as_deref() {
            Some("float") => Ty::F32,
            _ => Ty::F64,
        }),
        Some("boolean") => Shape::Primitive(Ty::Bool),
        Some("array") => Shape::Array(any.items.as_ref().map(SchemaRef::from)),
        Some(_) => Shape::Unsupported("this combination of `type` and keywords"),
        None if any.items.is_some() => Shape::Array(any.items.as_ref().map(SchemaRef::from)),
        None => Shape::Any,
    }
}

fn string_ty(_format: &VariantOrUnknownOrEmpty<StringFormat>) -> Ty {
    Ty::String
}

fn integer_ty(format: &VariantOrUnknownOrEmpty<IntegerFormat>) -> Ty {
    match format {
        VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => Ty::I32,
        _ => Ty::I64,
    }
}

fn wrap_nullable(lowered: Lowered) -> Ty {
    if lowered.nullable {
        Ty::Option(Box::new(lowered.ty))
    } else {
        lowered.ty
    }
}

fn enum_has_null(s: &Schema) -> bool {
    match &s.schema_kind {
        SchemaKind::Type(Type::String(t)) => t.enumeration.iter().any(Option::is_none),
        SchemaKind::Type(Type::Integer(t)) => t.enumeration.iter().any(Option::is_none),
        _ => false,
    }
}

/// Doc text of a schema: its title and description, as written.
pub(crate) fn docs_of(s: &Schema) -> Option<String> {
    let d = &s.schema_data;
    match (d.title.as_deref(), d.description.as_deref()) {
        (Some(t), Some(desc)) if !t.trim().is_empty() => {
            Some(format!("{}\n\n{}", t.trim(), desc.trim()))
        }
        (_, Some(desc)) if !desc.trim().is_empty() => Some(desc.trim().to_owned()),
        (Some(t), _) if !t.trim().is_empty() => Some(t.trim().to_owned()),
        _ => None,
    }
}

fn string_enum(values: Vec<String>, s: &Schema) -> ir::Enum {
    let mut namer = Namer::default();
    let mut variants: Vec<ir::Variant> = Vec::new();
    for value in values {
        if variants
            .iter()
            .any(|v| v.value == ir::EnumValue::String(value.clone()))
        {
            continue;
        }
        variants.push(ir::Variant {
            rust_name: namer.claim(&pascal(&value, "Empty")),
            value: ir::EnumValue::String(value),
        });
    }
    let default = s
        .schema_data
        .default
        .as_ref()
        .and_then(|d| d.as_str())
        .and_then(|d| {
            variants
                .iter()
                .position(|v| v.value == ir::EnumValue::String(d.to_owned()))
        });
    ir::Enum {
        repr: ir::EnumRepr::String,
        unknown_variant: unknown_variant(&mut namer),
        variants,
        default,
    }
}

fn integer_enum(values: Vec<i64>, s: &Schema) -> ir::Enum {
    let mut namer = Namer::default();
    let mut variants: Vec<ir::Variant> = Vec::new();
    for value in values {
        if variants
            .iter()
            .any(|v| v.value == ir::EnumValue::Integer(value))
        {
            continue;
        }
        let name = if value < 0 {
            format!("Minus{}", value.unsigned_abs())
        } else {
            format!("V{value}")
        };
        variants.push(ir::Variant {
            rust_name: namer.claim(&name),
            value: ir::EnumValue::Integer(value),
        });
    }
    let default = s
        .schema_data
        .default
        .as_ref()
        .and_then(serde_json::Value::as_i64)
        .and_then(|d| {
            variants
                .iter()
                .position(|v| v.value == ir::EnumValue::Integer(d))
        });
    ir::Enum {
        repr: ir::EnumRepr::Integer,
        unknown_variant: unknown_variant(&mut namer),
        variants,
        default,
    }
}

fn unknown_variant(namer: &mut Namer) -> String {
    if namer.is_taken("Unknown") {
        namer.claim("UnknownValue")
    } else {
        namer.claim("Unknown")
    }
}
