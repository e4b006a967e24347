//! Schemas to types: component schemas become named types, inline objects, enums and unions
//! become types named after where they stand, `allOf` is merged into one object, and
//! everything else maps onto Rust and serde_json types.

use std::collections::HashSet;

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, OpenAPI, ReferenceOr, Schema, SchemaKind,
    StringFormat, Type, VariantOrUnknownOrEmpty,
};

use super::{Lowerer, ref_name};
use crate::diagnostics::Pointer;
use crate::ir::{self, Ty};
use crate::names::{Namer, pascal, snake};

/// How many schemas an `allOf` may pull in through references, one inside the other.
const MAX_ALL_OF_DEPTH: usize = 64;

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

/// The properties of an object, gathered from the schema and, for `allOf`, its parts.
struct Object<'a> {
    /// Name, schema and location of each property, in order of first appearance.
    properties: Vec<(&'a str, SchemaRef<'a>, Pointer)>,
    required: Vec<String>,
    additional: Additional<'a>,
    /// `oneOf`/`anyOf` beside the properties (or in an `allOf` part): the object is also
    /// one of these shapes.
    unions: Vec<FlatUnion<'a>>,
}

/// A union an object also is, flattened into it.
enum FlatUnion<'a> {
    /// Branches written in the object (or one of its parts), and where.
    Inline(Branches<'a>, Pointer),
    /// A component schema that is a union, by component name.
    Named(String),
}

enum Additional<'a> {
    No,
    Any,
    Schema(SchemaRef<'a>, Pointer),
}

/// The branches of a `oneOf` or `anyOf`.
struct Branches<'a> {
    items: Vec<(SchemaRef<'a>, Pointer)>,
    discriminator: Option<&'a openapiv3::Discriminator>,
}

/// How a schema is represented, decided before anything is named.
enum Shape<'a> {
    Struct(Object<'a>),
    StringEnum(Vec<String>, bool),
    IntegerEnum(Vec<i64>, bool),
    Array(Option<(SchemaRef<'a>, Pointer)>),
    Map(SchemaRef<'a>, Pointer),
    Primitive(Ty),
    Union(Branches<'a>),
    /// One schema wrapped (`allOf: [$ref]` or a one-branch `oneOf`), with the wrapper's
    /// own `nullable` and description applying.
    Wrapper(SchemaRef<'a>, Pointer, bool),
    /// Any JSON value, on purpose (a schema without constraints).
    Any,
    /// Something the generator cannot type; the reason goes into a warning.
    Unsupported(String),
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
            self.component(name, &rust, schema.into(), &base.push(name));
        }
    }

    fn component(&mut self, wire_name: &str, rust_name: &str, schema: SchemaRef<'a>, at: &Pointer) {
        let (docs, deprecated) = match schema {
            SchemaRef::Item(s) => (docs_of(s), s.schema_data.deprecated),
            SchemaRef::Ref(_) => (None, false),
        };
        let kind = match schema {
            SchemaRef::Ref(_) => ir::TypeKind::Alias(self.schema_ty(schema, at, rust_name).ty),
            SchemaRef::Item(s) => {
                let (mut s, mut at) = (s, at.clone());
                let mut shape = self.shape(s, &at);
                // A component that only wraps an inline schema (a one-branch `oneOf`, an
                // `allOf` of one part) is that schema's type, under the component's name.
                for _ in 0..MAX_ALL_OF_DEPTH {
                    let Shape::Wrapper(SchemaRef::Item(inner), inner_at, _) = shape else {
                        break;
                    };
                    (s, at) = (inner, inner_at);
                    shape = self.shape(s, &at);
                }
                match self.named_kind(rust_name, s, shape) {
                    Ok(kind) => kind,
                    Err(shape) => ir::TypeKind::Alias(self.unnamed(shape, &at, rust_name).ty),
                }
            }
        };
        self.types.insert(
            rust_name.to_owned(),
            ir::TypeDef {
                name: rust_name.to_owned(),
                wire_name: Some(wire_name.to_owned()),
                pointer: at.to_string(),
                docs,
                deprecated,
                usage: ir::Usage::default(),
                gate: ir::Gate::default(),
                kind,
            },
        );
    }

    /// The type kind for shapes that need a name of their own; other shapes come back.
    fn named_kind(
        &mut self,
        name: &str,
        s: &'a Schema,
        shape: Shape<'a>,
    ) -> Result<ir::TypeKind, Shape<'a>> {
        Ok(match shape {
            Shape::Struct(object) => ir::TypeKind::Struct(self.structure(name, object)),
            Shape::StringEnum(values, _) => ir::TypeKind::Enum(string_enum(values, s)),
            Shape::IntegerEnum(values, _) => ir::TypeKind::Enum(integer_enum(values, s)),
            Shape::Union(branches) => ir::TypeKind::Union(self.union(name, branches)),
            other => return Err(other),
        })
    }

    /// The type of a schema used in a field, parameter or body. Inline objects, enums and
    /// unions become named types called `hint`.
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
                let nullable = annotated(s).any(|a| a.schema_data.nullable);
                let shape = self.shape(s, at);
                let null_listed = matches!(
                    shape,
                    Shape::StringEnum(_, true) | Shape::IntegerEnum(_, true)
                );
                if let Shape::Wrapper(inner, inner_at, null_branch) = shape {
                    let lowered = self.schema_ty(inner, &inner_at, hint);
                    return Lowered {
                        ty: lowered.ty,
                        nullable: nullable || lowered.nullable || null_branch,
                    };
                }
                let needs_name = matches!(
                    shape,
                    Shape::Struct(_)
                        | Shape::StringEnum(..)
                        | Shape::IntegerEnum(..)
                        | Shape::Union(_)
                );
                let ty = if needs_name {
                    // One type per shape: the same schema elsewhere is the same type.
                    let key = shape_key(s, at);
                    if let Some(shared) = self.shapes.get_mut(&key) {
                        shared.hints.push(hint.to_owned());
                        Ty::Named(shared.name.clone())
                    } else {
                        let name = self.claim_type_name(hint);
                        self.shapes.insert(
                            key,
                            super::SharedType {
                                name: name.clone(),
                                hints: vec![hint.to_owned()],
                            },
                        );
                        match self.named_kind(&name, s, shape) {
                            Ok(kind) => self.define(&name, s, at, kind),
                            Err(shape) => self.unnamed(shape, at, hint).ty,
                        }
                    }
                } else {
                    self.unnamed(shape, at, hint).ty
                };
                Lowered {
                    ty,
                    nullable: nullable || null_listed || has_null_branch(s),
                }
            }
        }
    }

    fn define(&mut self, name: &str, s: &Schema, at: &Pointer, kind: ir::TypeKind) -> Ty {
        let def = ir::TypeDef {
            name: name.to_owned(),
            wire_name: None,
            pointer: at.to_string(),
            docs: docs_of(s),
            deprecated: s.schema_data.deprecated,
            usage: ir::Usage::default(),
            gate: ir::Gate::default(),
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
            Shape::Array(Some((items, items_at))) => {
                let item = self.schema_ty(items, &items_at, &format!("{hint}Item"));
                Ty::Vec(Box::new(wrap_nullable(item)))
            }
            Shape::Map(values, values_at) => {
                let value = self.schema_ty(values, &values_at, &format!("{hint}Value"));
                Ty::Map(Box::new(wrap_nullable(value)))
            }
            Shape::Wrapper(inner, inner_at, _) => return self.schema_ty(inner, &inner_at, hint),
            Shape::Unsupported(what) => {
                self.warn(
                    at,
                    format!("{what}; this value is typed as `serde_json::Value`"),
                );
                Ty::Json
            }
            // Named shapes are handled by the callers.
            Shape::Struct(_) | Shape::StringEnum(..) | Shape::IntegerEnum(..) | Shape::Union(_) => {
                Ty::Json
            }
        };
        Lowered {
            ty,
            nullable: false,
        }
    }

    fn structure(&mut self, type_name: &str, object: Object<'a>) -> ir::Struct {
        let mut namer = Namer::default();
        let mut fields = Vec::with_capacity(object.properties.len());
        for (wire, schema, field_at) in object.properties {
            let hint = format!("{type_name}{}", pascal(wire, "Field"));
            let lowered = self.schema_ty(schema, &field_at, &hint);
            let (docs, deprecated, read_only, write_only, default) = match schema {
                SchemaRef::Item(s) => {
                    let flag = |f: fn(&openapiv3::SchemaData) -> bool| {
                        annotated(s).any(|a| f(&a.schema_data))
                    };
                    (
                        docs_of(s),
                        flag(|d| d.deprecated),
                        flag(|d| d.read_only),
                        flag(|d| d.write_only),
                        annotated(s).find_map(|a| a.schema_data.default.clone()),
                    )
                }
                SchemaRef::Ref(reference) => {
                    (self.referenced_docs(reference), false, false, false, None)
                }
            };
            fields.push(ir::Field {
                rust_name: namer.claim(&snake(wire, "field")),
                wire_name: wire.to_owned(),
                pointer: field_at.to_string(),
                docs,
                ty: lowered.ty,
                required: object.required.iter().any(|r| r == wire),
                nullable: lowered.nullable,
                repr: ir::FieldRepr::Optional,
                deprecated,
                read_only,
                write_only,
                default,
                setter: None,
            });
        }
        let additional = match object.additional {
            Additional::No => None,
            Additional::Any => Some(Ty::Json),
            Additional::Schema(schema, at) => {
                let lowered = self.schema_ty(schema, &at, &format!("{type_name}Value"));
                Some(wrap_nullable(lowered))
            }
        };
        let additional = additional.map(|ty| (namer.claim("additional_properties"), ty));
        // Kept, every property the document does not declare goes back as it came; an
        // object that is also a union leaves them to its variants.
        let keeps_unknown =
            self.settings.keep_unknown_fields && additional.is_none() && object.unions.is_empty();
        let additional = match additional {
            None if keeps_unknown => Some((namer.claim("unknown_fields"), Ty::Json)),
            declared => declared,
        };
        let mut flattened = Vec::new();
        for union in object.unions {
            let (ty, tag) = match union {
                FlatUnion::Inline(branches, at) => {
                    let name = self.claim_type_name(&format!("{type_name}Variant"));
                    let union = self.union(&name, branches);
                    let tag = union.tag.as_ref().map(|t| t.property.clone());
                    let docs =
                        format!("The shapes a `{type_name}` also takes, one of which it has.");
                    self.types.insert(
                        name.clone(),
                        ir::TypeDef {
                            name: name.clone(),
                            wire_name: None,
                            pointer: at.to_string(),
                            docs: Some(docs),
                            deprecated: false,
                            usage: ir::Usage::default(),
                            gate: ir::Gate::default(),
                            kind: ir::TypeKind::Union(union),
                        },
                    );
                    (Ty::Named(name), tag)
                }
                FlatUnion::Named(component) => {
                    let tag = self.component_union_tag(&component);
                    let rust = self.component_names.get(component.as_str()).cloned();
                    (rust.map_or(Ty::Json, Ty::Named), tag)
                }
            };
            // The union writes and reads its tag; the object does not hold it twice.
            if let Some(tag) = tag {
                fields.retain(|f| f.wire_name != tag);
            }
            flattened.push((namer.claim("variant"), ty));
        }
        ir::Struct {
            fields,
            additional,
            keeps_unknown,
            flattened,
            derive_default: false,
        }
    }

    fn union(&mut self, name: &str, branches: Branches<'a>) -> ir::Union {
        let mut namer = Namer::default();
        let tagging = self.tagging(&branches);
        let mut variants = Vec::new();
        for (i, (branch, branch_at)) in branches.items.iter().enumerate() {
            let (preferred, docs) = match (branch, &tagging) {
                (_, Some(tagging)) => (pascal(&tagging.values[i][0], "Variant"), None),
                (SchemaRef::Ref(reference), None) => {
                    let rust = ref_name(reference, "schemas")
                        .ok()
                        .and_then(|n| self.component_names.get(n.as_str()).cloned())
                        .unwrap_or_else(|| format!("Variant{}", i + 1));
                    (rust, None)
                }
                // A reference wrapped in `allOf` to carry a description or `nullable` is
                // still that type.
                (SchemaRef::Item(s), None) if s.schema_data.title.is_none() => {
                    let wrapped = wrapped_reference(s).and_then(|reference| {
                        ref_name(reference, "schemas")
                            .ok()
                            .and_then(|n| self.component_names.get(n.as_str()).cloned())
                    });
                    let component = |n: &str| self.component_names.get(n).cloned();
                    (
                        wrapped.unwrap_or_else(|| variant_name(s, i, &component)),
                        docs_of(s),
                    )
                }
                (SchemaRef::Item(s), None) => {
                    let component = |n: &str| self.component_names.get(n).cloned();
                    (variant_name(s, i, &component), docs_of(s))
                }
            };
            let rust_name = namer.claim(&preferred);
            let hint = format!("{name}{rust_name}");
            let ty = match (branch, &tagging) {
                // An inline object in a tagged union loses its tag property: the union
                // writes and reads it.
                (SchemaRef::Item(s), Some(tagging)) => {
                    let shape = self.shape(s, branch_at);
                    match shape {
                        Shape::Struct(mut object) => {
                            object.properties.retain(|(p, ..)| *p != tagging.property);
                            object.required.retain(|r| *r != tagging.property);
                            let variant_name = self.claim_type_name(&hint);
                            let def = self.structure(&variant_name, object);
                            self.define(&variant_name, s, branch_at, ir::TypeKind::Struct(def))
                        }
                        _ => self.schema_ty(*branch, branch_at, &hint).ty,
                    }
                }
                _ => self.schema_ty(*branch, branch_at, &hint).ty,
            };
            let docs = match &tagging {
                Some(tagging) => Some(format!(
                    "`{}` is `{}`.",
                    tagging.property,
                    tagging.values[i].join("` or `")
                )),
                None => docs,
            };
            let tag_values = tagging
                .as_ref()
                .map(|t| t.values[i].clone())
                .unwrap_or_default();
            variants.push(ir::UnionVariant {
                rust_name,
                ty,
                tag_values,
                docs,
                // Known once every type is lowered.
                shape: ir::Shape::Any,
            });
        }
        let unknown_variant = if namer.is_taken("Unknown") {
            namer.claim("UnknownValue")
        } else {
            namer.claim("Unknown")
        };
        ir::Union {
            tag: tagging.map(|t| ir::UnionTag {
                property: t.property,
                required: t.required,
            }),
            variants,
            unknown_variant,
        }
    }

    /// The tag property of the union the component schema `name` is, if it is tagged.
    fn component_union_tag(&self, name: &str) -> Option<String> {
        let at = Pointer::root()
            .push("components")
            .push("schemas")
            .push(name);
        let doc: &'a OpenAPI = self.doc;
        let schema = self.resolve(doc.components.as_ref()?.schemas.get(name)?.into())?;
        let (branches, keyword) = union_of(schema)?;
        let (items, _) = branch_list(branches, keyword, &at);
        let branches = Branches {
            items,
            discriminator: schema.schema_data.discriminator.as_ref(),
        };
        self.tagging(&branches).map(|t| t.property)
    }

    /// The tag property and each branch's tag values, when a discriminator or a property
    /// with one constant value per branch tells the branches apart.
    fn tagging(&self, branches: &Branches<'a>) -> Option<Tagging> {
        if let Some(d) = branches.discriminator {
            let mut values = Vec::new();
            for (branch, _) in &branches.items {
                let SchemaRef::Ref(reference) = branch else {
                    return None;
                };
                let name = ref_name(reference, "schemas").ok()?;
                let mut tags: Vec<String> = d
                    .mapping
                    .iter()
                    .filter(|(_, target)| {
                        ref_name(target, "schemas").ok().as_deref() == Some(&name)
                            || **target == name
                    })
                    .map(|(value, _)| value.clone())
                    .collect();
                if tags.is_empty() {
                    tags.push(name);
                }
                values.push(tags);
            }
            return Some(Tagging {
                property: d.property_name.clone(),
                values,
                required: true,
            });
        }
        // A property that every branch declares with its own single string value (a
        // constant), whether or not it is required: pydantic's `Literal` fields with a
        // default are not.
        let objects: Vec<Object<'a>> = branches
            .items
            .iter()
            .map(|(branch, at)| self.object_of(*branch, at, &mut AllOfWalk::default()).ok())
            .collect::<Option<_>>()?;
        let first = objects.first()?;
        'candidates: for (candidate, ..) in &first.properties {
            let mut values: Vec<Vec<String>> = Vec::new();
            let mut required = true;
            for object in &objects {
                required &= object.required.iter().any(|r| r == candidate);
                let Some((_, schema, _)) = object.properties.iter().find(|(p, ..)| p == candidate)
                else {
                    continue 'candidates;
                };
                let Some(value) = self.single_string_value(*schema) else {
                    continue 'candidates;
                };
                if values.iter().any(|v| v[0] == value) {
                    continue 'candidates;
                }
                values.push(vec![value]);
            }
            return Some(Tagging {
                property: (*candidate).to_owned(),
                values,
                required,
            });
        }
        None
    }

    /// The one string a schema allows (`const`, or an `enum` of one value, `null` aside).
    fn single_string_value(&self, schema: SchemaRef<'a>) -> Option<String> {
        let s = self.resolve(schema)?;
        let mut values: Vec<&str> = match &s.schema_kind {
            SchemaKind::Type(Type::String(t)) => {
                t.enumeration.iter().flatten().map(String::as_str).collect()
            }
            SchemaKind::Any(any) if any.typ.as_deref().is_none_or(|t| t == "string") => {
                let strings: Option<Vec<&str>> = any
                    .enumeration
                    .iter()
                    .filter(|v| !v.is_null())
                    .map(serde_json::Value::as_str)
                    .collect();
                strings?
            }
            _ => return None,
        };
        values.dedup();
        match values.as_slice() {
            [only] => Some((*only).to_owned()),
            _ => None,
        }
    }

    /// Whether a schema is `type: string, format: binary`: raw bytes, whatever the media
    /// type that carries them says.
    pub(super) fn is_binary(&self, schema: &'a ReferenceOr<Schema>) -> bool {
        self.resolve(schema.into())
            .is_some_and(|s| match &s.schema_kind {
                SchemaKind::Type(Type::String(t)) => {
                    t.format == VariantOrUnknownOrEmpty::Item(StringFormat::Binary)
                }
                SchemaKind::Any(any) => {
                    any.typ.as_deref() == Some("string") && any.format.as_deref() == Some("binary")
                }
                _ => false,
            })
    }

    /// Whether `schema` is a string of any format, which an event's data is as it is.
    pub(super) fn is_string(&self, schema: &'a ReferenceOr<Schema>) -> bool {
        self.resolve(schema.into())
            .is_some_and(|s| match &s.schema_kind {
                SchemaKind::Type(Type::String(_)) => true,
                SchemaKind::Any(any) => any.typ.as_deref() == Some("string"),
                _ => false,
            })
    }

    /// The schema a reference points to, following chains of references.
    fn resolve(&self, schema: SchemaRef<'a>) -> Option<&'a Schema> {
        let mut current = schema;
        for _ in 0..32 {
            match current {
                SchemaRef::Item(s) => return Some(s),
                SchemaRef::Ref(reference) => {
                    let name = ref_name(reference, "schemas").ok()?;
                    current = self.doc.components.as_ref()?.schemas.get(&name)?.into();
                }
            }
        }
        None
    }

    /// The properties of an object schema, merging `allOf` parts; `Err` says why the schema
    /// is not an object.
    fn object_of(
        &self,
        schema: SchemaRef<'a>,
        at: &Pointer,
        walk: &mut AllOfWalk,
    ) -> Result<Object<'a>, String> {
        let (s, at) = match schema {
            SchemaRef::Item(s) => (s, at.clone()),
            SchemaRef::Ref(reference) => {
                let name = ref_name(reference, "schemas")?;
                if walk.chain.contains(&name) {
                    return Err(format!("`allOf` refers back to `{name}` in a cycle"));
                }
                // A schema that a sibling part already merged (a diamond: two parts
                // sharing a base) adds nothing the second time.
                if !walk.merged.insert(name.clone()) {
                    return Ok(Object::empty());
                }
                if walk.chain.len() >= MAX_ALL_OF_DEPTH {
                    return Err(format!(
                        "`allOf` parts refer to more than {MAX_ALL_OF_DEPTH} schemas in a chain"
                    ));
                }
                let target = self
                    .doc
                    .components
                    .as_ref()
                    .and_then(|c| c.schemas.get(&name));
                match target {
                    Some(ReferenceOr::Item(t)) if union_of(t).is_some() => {
                        return Ok(Object {
                            properties: Vec::new(),
                            required: Vec::new(),
                            additional: Additional::No,
                            unions: vec![FlatUnion::Named(name)],
                        });
                    }
                    Some(target) => {
                        let target_at = Pointer::root()
                            .push("components")
                            .push("schemas")
                            .push(&name);
                        walk.chain.push(name);
                        let object = self.object_of(target.into(), &target_at, walk);
                        walk.chain.pop();
                        return object;
                    }
                    None => {
                        return Err(format!(
                            "`$ref: {reference}` points to a schema that does not exist"
                        ));
                    }
                }
            }
        };
        let mut object = Object::empty();
        let mut flatten = |branches: &'a [ReferenceOr<Schema>], keyword: &str| {
            if is_real_union(branches) {
                let (items, _) = branch_list(branches, keyword, &at);
                object.unions.push(FlatUnion::Inline(
                    Branches {
                        items,
                        discriminator: s.schema_data.discriminator.as_ref(),
                    },
                    at.clone(),
                ));
            }
        };
        type Parts<'s> = (
            Option<&'s IndexMap<String, ReferenceOr<Box<Schema>>>>,
            &'s [String],
            Option<&'s AdditionalProperties>,
            &'s [ReferenceOr<Schema>],
        );
        let (properties, required, additional, all_of): Parts<'a> = match &s.schema_kind {
            SchemaKind::Type(Type::Object(o)) => (
                Some(&o.properties),
                &o.required,
                o.additional_properties.as_ref(),
                &[],
            ),
            SchemaKind::AllOf { all_of } => (None, &[], None, all_of),
            SchemaKind::OneOf { one_of } => {
                flatten(one_of, "oneOf");
                (None, &[], None, &[])
            }
            SchemaKind::AnyOf { any_of } => {
                flatten(any_of, "anyOf");
                (None, &[], None, &[])
            }
            SchemaKind::Any(any) if any.typ.as_deref().is_none_or(|t| t == "object") => {
                flatten(&any.one_of, "oneOf");
                flatten(&any.any_of, "anyOf");
                (
                    Some(&any.properties),
                    &any.required,
                    any.additional_properties.as_ref(),
                    &any.all_of,
                )
            }
            _ => return Err("an `allOf` part is not an object".to_owned()),
        };
        for (i, part) in all_of.iter().enumerate() {
            let part_at = at.push("allOf").push(i.to_string());
            let part = self.object_of(part.into(), &part_at, walk)?;
            object.merge(part);
        }
        let own = Object {
            properties: properties
                .into_iter()
                .flatten()
                .map(|(name, schema)| {
                    (
                        name.as_str(),
                        SchemaRef::from(schema),
                        at.push("properties").push(name),
                    )
                })
                .collect(),
            required: required.to_vec(),
            additional: match additional {
                Some(AdditionalProperties::Schema(schema)) => {
                    Additional::Schema(schema.as_ref().into(), at.push("additionalProperties"))
                }
                Some(AdditionalProperties::Any(true)) => Additional::Any,
                Some(AdditionalProperties::Any(false)) | None => Additional::No,
            },
            unions: Vec::new(),
        };
        object.merge(own);
        Ok(object)
    }

    /// The first paragraph of a referenced schema's description, to document a property
    /// that is only a `$ref`.
    fn referenced_docs(&self, reference: &str) -> Option<String> {
        let schema = self.resolve(SchemaRef::Ref(reference))?;
        let docs = docs_of(schema)?;
        Some(docs.split("\n\n").next().unwrap_or(&docs).to_owned())
    }

    /// Whether the component schema `name` (following references and wrappers) admits `null`.
    fn ref_nullable(&self, name: &str) -> bool {
        let Some(components) = &self.doc.components else {
            return false;
        };
        let mut current = name.to_owned();
        for _ in 0..32 {
            match components.schemas.get(&current) {
                Some(ReferenceOr::Item(s)) => {
                    return annotated(s).any(|a| a.schema_data.nullable)
                        || enum_has_null(s)
                        || has_null_branch(s);
                }
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

    fn shape(&mut self, s: &'a Schema, at: &Pointer) -> Shape<'a> {
        match &s.schema_kind {
            SchemaKind::Type(Type::String(t)) => {
                if t.enumeration.is_empty() {
                    Shape::Primitive(string_ty(&t.format))
                } else if t.enumeration.iter().all(Option::is_none) {
                    // `enum: [null]`: the value is always null.
                    Shape::Any
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
            SchemaKind::Type(Type::Array(a)) => {
                Shape::Array(a.items.as_ref().map(|i| (i.into(), at.push("items"))))
            }
            SchemaKind::Type(Type::Object(o)) => {
                if o.properties.is_empty() {
                    map_shape(o.additional_properties.as_ref(), at)
                } else {
                    self.object_shape(s, at)
                }
            }
            SchemaKind::AllOf { all_of } => self.all_of_shape(s, all_of, at),
            SchemaKind::OneOf { one_of } => self.union_shape(one_of, "oneOf", s, at),
            SchemaKind::AnyOf { any_of } => self.union_shape(any_of, "anyOf", s, at),
            SchemaKind::Not { .. } => {
                Shape::Unsupported("`not` cannot be expressed as a Rust type".to_owned())
            }
            SchemaKind::Any(any) => self.any_shape(s, any, at),
        }
    }

    fn object_shape(&mut self, s: &'a Schema, at: &Pointer) -> Shape<'a> {
        match self.object_of(SchemaRef::Item(s), at, &mut AllOfWalk::default()) {
            Ok(object) => Shape::Struct(object),
            Err(reason) => Shape::Unsupported(reason),
        }
    }

    fn all_of_shape(
        &mut self,
        s: &'a Schema,
        all_of: &'a [ReferenceOr<Schema>],
        at: &Pointer,
    ) -> Shape<'a> {
        match wrapped_part(all_of) {
            Some((i, only)) => {
                Shape::Wrapper(only.into(), at.push("allOf").push(i.to_string()), false)
            }
            None => self.object_shape(s, at),
        }
    }

    fn union_shape(
        &mut self,
        branches: &'a [ReferenceOr<Schema>],
        keyword: &str,
        s: &'a Schema,
        at: &Pointer,
    ) -> Shape<'a> {
        let (mut items, null) = branch_list(branches, keyword, at);
        match items.len() {
            0 => Shape::Any,
            1 => {
                let (only, only_at) = items.remove(0);
                Shape::Wrapper(only, only_at, null)
            }
            _ => Shape::Union(Branches {
                items,
                discriminator: s.schema_data.discriminator.as_ref(),
            }),
        }
    }

    /// Schemas that openapiv3 could not classify: mixed or missing `type`, or several of
    /// `allOf`, `oneOf` and `properties` together.
    fn any_shape(
        &mut self,
        s: &'a Schema,
        any: &'a openapiv3::AnySchema,
        at: &Pointer,
    ) -> Shape<'a> {
        let empty_branches = |branches: &[ReferenceOr<Schema>]| {
            branches
                .iter()
                .all(|b| matches!(b, ReferenceOr::Item(s) if is_empty_schema(s)))
        };
        if !any.one_of.is_empty() && !empty_branches(&any.one_of) {
            if any.all_of.is_empty() && any.properties.is_empty() {
                return self.union_shape(&any.one_of, "oneOf", s, at);
            }
            return self.object_shape(s, at);
        }
        if !any.any_of.is_empty() && !empty_branches(&any.any_of) {
            if any.all_of.is_empty() && any.properties.is_empty() {
                return self.union_shape(&any.any_of, "anyOf", s, at);
            }
            return self.object_shape(s, at);
        }
        if !any.all_of.is_empty() {
            if let (Some((i, only)), true) = (wrapped_part(&any.all_of), any.properties.is_empty())
            {
                return Shape::Wrapper(only.into(), at.push("allOf").push(i.to_string()), false);
            }
            return self.object_shape(s, at);
        }
        if !any.properties.is_empty() || any.typ.as_deref() == Some("object") {
            if any.properties.is_empty() {
                return map_shape(any.additional_properties.as_ref(), at);
            }
            return self.object_shape(s, at);
        }
        if !any.enumeration.is_empty() {
            if any.enumeration.iter().all(serde_json::Value::is_null) {
                // `enum: [null]`: the value is always null.
                return Shape::Any;
            }
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
                return Shape::IntegerEnum(
                    values.iter().filter_map(|v| v.as_i64()).collect(),
                    null,
                );
            }
        }
        match any.typ.as_deref() {
            Some(typ @ ("string" | "integer" | "number" | "boolean")) => {
                Shape::Primitive(format_ty(typ, any.format.as_deref()))
            }
            Some("array") => Shape::Array(any.items.as_ref().map(|i| (i.into(), at.push("items")))),
            Some(other) => Shape::Unsupported(format!("`type: {other}` is not an OpenAPI type")),
            None if any.items.is_some() => {
                Shape::Array(any.items.as_ref().map(|i| (i.into(), at.push("items"))))
            }
            None => Shape::Any,
        }
    }
}

struct Tagging {
    property: String,
    /// Tag values per branch, in branch order.
    values: Vec<Vec<String>>,
    /// Whether every branch requires the property.
    required: bool,
}

/// Where a walk through `allOf` parts stands: the component schemas on the way from the
/// first to the current one, and every component schema merged so far.
#[derive(Default)]
struct AllOfWalk {
    chain: Vec<String>,
    merged: HashSet<String>,
}

impl<'a> Object<'a> {
    /// An object without properties.
    fn empty() -> Self {
        Object {
            properties: Vec::new(),
            required: Vec::new(),
            additional: Additional::No,
            unions: Vec::new(),
        }
    }

    /// Adds `other`'s properties; a property defined again replaces the earlier definition
    /// in place (the later `allOf` part refines the earlier one).
    fn merge(&mut self, other: Object<'a>) {
        for (name, schema, at) in other.properties {
            match self.properties.iter_mut().find(|(n, ..)| *n == name) {
                Some(existing) => *existing = (name, schema, at),
                None => self.properties.push((name, schema, at)),
            }
        }
        for r in other.required {
            if !self.required.contains(&r) {
                self.required.push(r);
            }
        }
        if !matches!(other.additional, Additional::No) {
            self.additional = other.additional;
        }
        self.unions.extend(other.unions);
    }
}

/// What makes two inline schemas the same type: the schema as JSON without what only
/// documents it (titles, descriptions, examples) or only concerns where it stands
/// (`nullable`, a branch only `null` satisfies).
fn shape_key(s: &Schema, at: &Pointer) -> String {
    /// Strips a schema object, and the schemas inside it.
    fn strip(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(schema) => {
                for key in [
                    "description",
                    "example",
                    "examples",
                    "externalDocs",
                    "nullable",
                    "title",
                ] {
                    schema.shift_remove(key);
                }
                // A branch only `null` satisfies makes the union nullable, not another type.
                for key in ["anyOf", "oneOf"] {
                    if let Some(serde_json::Value::Array(branches)) = schema.get_mut(key) {
                        branches.retain(|b| {
                            b.get("type").and_then(serde_json::Value::as_str) != Some("null")
                                && b.get("enum") != Some(&serde_json::json!([null]))
                        });
                    }
                }
                // An `enum` of strings (or integers) says the type whether `type` does or not.
                if !schema.contains_key("type") {
                    let values = schema.get("enum").and_then(serde_json::Value::as_array);
                    let typ = values.and_then(|values| {
                        let mut values = values.iter().filter(|v| !v.is_null()).peekable();
                        values.peek()?;
                        if values.clone().all(serde_json::Value::is_string) {
                            Some("string")
                        } else if values.all(serde_json::Value::is_i64) {
                            Some("integer")
                        } else {
                            None
                        }
                    });
                    if let Some(typ) = typ {
                        schema.insert("type".to_owned(), typ.into());
                    }
                }
                for (key, inner) in schema.iter_mut() {
                    match key.as_str() {
                        // Maps from names to schemas: the names stay.
                        "properties" | "patternProperties" | "$defs" => {
                            if let serde_json::Value::Object(named) = inner {
                                named.values_mut().for_each(strip);
                            }
                        }
                        // Values, not schemas; `null` among them only makes it nullable.
                        "enum" => {
                            if let serde_json::Value::Array(values) = inner {
                                values.retain(|v| !v.is_null());
                            }
                        }
                        "default" | "const" => {}
                        _ => strip(inner),
                    }
                }
            }
            serde_json::Value::Array(schemas) => schemas.iter_mut().for_each(strip),
            _ => {}
        }
    }
    match serde_json::to_value(s) {
        Ok(mut value) => {
            strip(&mut value);
            sorted(&value).to_string()
        }
        // Not comparable: a shape of its own.
        Err(_) => format!("#{at}"),
    }
}

/// `value` with the members of every object in name order: the order a document writes
/// keywords in says nothing.
fn sorted(value: &serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => {
            let mut members: Vec<(&String, &serde_json::Value)> = map.iter().collect();
            members.sort_by(|a, b| a.0.cmp(b.0));
            serde_json::Value::Object(
                members
                    .into_iter()
                    .map(|(key, value)| (key.clone(), sorted(value)))
                    .collect(),
            )
        }
        serde_json::Value::Array(items) => {
            serde_json::Value::Array(items.iter().map(sorted).collect())
        }
        other => other.clone(),
    }
}

/// The branches of a `oneOf`/`anyOf` with where each stands, leaving out branches only
/// `null` satisfies; and whether there was one.
fn branch_list<'a>(
    branches: &'a [ReferenceOr<Schema>],
    keyword: &str,
    at: &Pointer,
) -> (Vec<(SchemaRef<'a>, Pointer)>, bool) {
    let mut items = Vec::new();
    let mut null = false;
    for (i, branch) in branches.iter().enumerate() {
        match branch {
            ReferenceOr::Item(b) if is_null_schema(b) => null = true,
            _ => items.push((
                SchemaRef::from(branch),
                at.push(keyword).push(i.to_string()),
            )),
        }
    }
    (items, null)
}

/// Whether a `oneOf`/`anyOf` list says something: not every branch is `{}`.
fn is_real_union(branches: &[ReferenceOr<Schema>]) -> bool {
    !branches
        .iter()
        .all(|b| matches!(b, ReferenceOr::Item(s) if is_empty_schema(s)))
}

/// The branches and keyword of a schema that is a `oneOf` or `anyOf` (alone, or with
/// only annotations beside it).
fn union_of(s: &Schema) -> Option<(&[ReferenceOr<Schema>], &'static str)> {
    match &s.schema_kind {
        SchemaKind::OneOf { one_of } => Some((one_of, "oneOf")),
        SchemaKind::AnyOf { any_of } => Some((any_of, "anyOf")),
        SchemaKind::Any(any)
            if any.properties.is_empty() && any.all_of.is_empty() && any.typ.is_none() =>
        {
            if is_real_union(&any.one_of) {
                Some((&any.one_of, "oneOf"))
            } else if is_real_union(&any.any_of) {
                Some((&any.any_of, "anyOf"))
            } else {
                None
            }
        }
        _ => None,
    }
}

fn map_shape<'a>(additional: Option<&'a AdditionalProperties>, at: &Pointer) -> Shape<'a> {
    match additional {
        Some(AdditionalProperties::Schema(values)) => {
            Shape::Map(values.as_ref().into(), at.push("additionalProperties"))
        }
        _ => Shape::Primitive(Ty::JsonObject),
    }
}

/// A variant name for an inline `oneOf` branch: its title, or what kind of value it is,
/// named as the type it becomes (`Uuid`, `Text`, `DateTime`, `PetList`), a constant after
/// its value; `component` names a referenced component's type.
fn variant_name(s: &Schema, index: usize, component: &dyn Fn(&str) -> Option<String>) -> String {
    if let Some(title) = s
        .schema_data
        .title
        .as_deref()
        .filter(|t| !t.trim().is_empty())
    {
        return pascal(title, "Variant");
    }
    let by_type = |typ: &str, format: Option<&str>| match (typ, format) {
        ("string", Some("uuid")) => "Uuid",
        ("string", Some("date-time")) => "DateTime",
        ("string", Some("date")) => "Date",
        ("string", Some("byte")) => "Bytes",
        ("string", Some("binary")) => "Binary",
        ("string", _) => "Text",
        ("integer", _) => "Integer",
        ("number", _) => "Number",
        ("boolean", _) => "Boolean",
        ("array", _) => "List",
        _ => "Object",
    };
    let listed = |reference: &str| {
        ref_name(reference, "schemas")
            .ok()
            .and_then(|n| component(&n))
            .map_or_else(|| "List".to_owned(), |n| format!("{n}List"))
    };
    let item_name = |items: Option<&ReferenceOr<Box<Schema>>>| match items {
        Some(ReferenceOr::Reference { reference }) => listed(reference),
        // A reference wrapped in `allOf` to carry a description or `nullable` is still
        // that type.
        Some(ReferenceOr::Item(item)) if wrapped_reference(item).is_some() => {
            wrapped_reference(item).map_or_else(|| "List".to_owned(), listed)
        }
        Some(ReferenceOr::Item(item)) => match variant_name(item, index, component) {
            // Items without a name of their own make any list.
            name if name == "Object" || name.starts_with("Variant") => "List".to_owned(),
            name => format!("{name}List"),
        },
        None => "List".to_owned(),
    };
    let constant = |values: Vec<String>| match values.as_slice() {
        // The empty string, which form APIs such as Stripe's take for "unset".
        [only] if only.is_empty() => "Empty".to_owned(),
        [only] => pascal(only, "Enum"),
        _ => "Enum".to_owned(),
    };
    match &s.schema_kind {
        SchemaKind::Type(Type::String(t)) if !t.enumeration.is_empty() => {
            constant(t.enumeration.iter().flatten().cloned().collect())
        }
        SchemaKind::Type(Type::String(t)) => {
            let format = match &t.format {
                VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Some("date-time"),
                VariantOrUnknownOrEmpty::Item(StringFormat::Date) => Some("date"),
                VariantOrUnknownOrEmpty::Item(StringFormat::Byte) => Some("byte"),
                VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => Some("binary"),
                VariantOrUnknownOrEmpty::Unknown(f) => Some(f.as_str()),
                _ => None,
            };
            by_type("string", format).to_owned()
        }
        SchemaKind::Type(Type::Integer(_)) => "Integer".to_owned(),
        SchemaKind::Type(Type::Number(_)) => "Number".to_owned(),
        SchemaKind::Type(Type::Boolean(_)) => "Boolean".to_owned(),
        SchemaKind::Type(Type::Array(a)) => item_name(a.items.as_ref()),
        SchemaKind::Type(Type::Object(o)) if o.properties.len() == 1 => o
            .properties
            .keys()
            .next()
            .map_or_else(|| "Object".to_owned(), |k| pascal(k, "Object")),
        SchemaKind::Type(Type::Object(_)) => "Object".to_owned(),
        SchemaKind::Any(any) if !any.enumeration.is_empty() && any.properties.is_empty() => {
            constant(
                any.enumeration
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect(),
            )
        }
        SchemaKind::Any(any) if any.typ.as_deref() == Some("array") => {
            item_name(any.items.as_ref())
        }
        SchemaKind::Any(any) if any.properties.is_empty() && any.typ.is_some() => {
            by_type(any.typ.as_deref().unwrap_or(""), any.format.as_deref()).to_owned()
        }
        SchemaKind::Any(any) if *any == openapiv3::AnySchema::default() => "Value".to_owned(),
        _ => format!("Variant{}", index + 1),
    }
}

/// A schema only `null` satisfies: `type: "null"` (3.1 written in 3.0), `enum: [null]`
/// (what 3.0 can say), or a union of such schemas.
fn is_null_schema(s: &Schema) -> bool {
    match &s.schema_kind {
        SchemaKind::Any(any) => {
            any.typ.as_deref() == Some("null")
                || (any.typ.is_none() && matches!(any.enumeration.as_slice(), [v] if v.is_null()))
        }
        SchemaKind::AnyOf { any_of: branches } | SchemaKind::OneOf { one_of: branches } => {
            !branches.is_empty()
                && branches
                    .iter()
                    .all(|b| matches!(b, ReferenceOr::Item(b) if is_null_schema(b)))
        }
        _ => false,
    }
}

fn is_empty_schema(s: &Schema) -> bool {
    matches!(&s.schema_kind, SchemaKind::Any(any) if *any == openapiv3::AnySchema::default())
}

/// The Rust type for a string, integer, number or boolean with a `format`.
fn format_ty(typ: &str, format: Option<&str>) -> Ty {
    match (typ, format) {
        ("string", Some("date-time")) => Ty::DateTime,
        ("string", Some("date")) => Ty::Date,
        ("string", Some("uuid")) => Ty::Uuid,
        ("string", Some("byte")) => Ty::Base64,
        ("string", Some("binary")) => Ty::Binary,
        ("string", _) => Ty::String,
        ("integer", Some("int8")) => Ty::I8,
        ("integer", Some("int16")) => Ty::I16,
        ("integer", Some("int32")) => Ty::I32,
        ("integer", Some("uint8")) => Ty::U8,
        ("integer", Some("uint16")) => Ty::U16,
        ("integer", Some("uint32")) => Ty::U32,
        ("integer", Some("uint64" | "uint")) => Ty::U64,
        ("integer", _) => Ty::I64,
        ("number", Some("float")) => Ty::F32,
        ("number", _) => Ty::F64,
        _ => Ty::Bool,
    }
}

fn string_ty(format: &VariantOrUnknownOrEmpty<StringFormat>) -> Ty {
    match format {
        VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Ty::DateTime,
        VariantOrUnknownOrEmpty::Item(StringFormat::Date) => Ty::Date,
        VariantOrUnknownOrEmpty::Item(StringFormat::Byte) => Ty::Base64,
        VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => Ty::Binary,
        VariantOrUnknownOrEmpty::Unknown(f) => format_ty("string", Some(f)),
        VariantOrUnknownOrEmpty::Item(StringFormat::Password) | VariantOrUnknownOrEmpty::Empty => {
            Ty::String
        }
    }
}

fn integer_ty(format: &VariantOrUnknownOrEmpty<IntegerFormat>) -> Ty {
    match format {
        VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => Ty::I32,
        VariantOrUnknownOrEmpty::Item(IntegerFormat::Int64) | VariantOrUnknownOrEmpty::Empty => {
            Ty::I64
        }
        VariantOrUnknownOrEmpty::Unknown(f) => format_ty("integer", Some(f)),
    }
}

fn wrap_nullable(lowered: Lowered) -> Ty {
    if lowered.nullable {
        Ty::Option(Box::new(lowered.ty))
    } else {
        lowered.ty
    }
}

/// Whether a `oneOf`/`anyOf` admits `null` through a branch only `null` satisfies (the
/// union is made of the other branches).
fn has_null_branch(s: &Schema) -> bool {
    match &s.schema_kind {
        SchemaKind::AnyOf { any_of: branches } | SchemaKind::OneOf { one_of: branches } => branches
            .iter()
            .any(|b| matches!(b, ReferenceOr::Item(b) if is_null_schema(b))),
        _ => false,
    }
}

fn enum_has_null(s: &Schema) -> bool {
    match &s.schema_kind {
        SchemaKind::Type(Type::String(t)) => t.enumeration.iter().any(Option::is_none),
        SchemaKind::Type(Type::Integer(t)) => t.enumeration.iter().any(Option::is_none),
        _ => false,
    }
}

/// The `allOf` part that holds a wrapped schema, when the other parts only annotate it
/// (`description`, `nullable`, `default`, `example`, ...): the most common way to
/// describe a reference in OpenAPI 3.0.
/// The reference a schema without a title only wraps in `allOf` (to carry a description
/// or `nullable`), as a branch or an item names it.
fn wrapped_reference(s: &Schema) -> Option<&str> {
    match &s.schema_kind {
        SchemaKind::AllOf { all_of } if s.schema_data.title.is_none() => {
            match wrapped_part(all_of) {
                Some((_, ReferenceOr::Reference { reference })) => Some(reference),
                _ => None,
            }
        }
        _ => None,
    }
}

fn wrapped_part(all_of: &[ReferenceOr<Schema>]) -> Option<(usize, &ReferenceOr<Schema>)> {
    if let [only] = all_of {
        return Some((0, only));
    }
    let mut parts = all_of
        .iter()
        .enumerate()
        .filter(|(_, part)| !matches!(part, ReferenceOr::Item(p) if is_empty_schema(p)));
    match (parts.next(), parts.next()) {
        (Some(only), None) => Some(only),
        _ => None,
    }
}

/// A schema and the `allOf` parts that only annotate it, whose annotations apply to it.
fn annotated(s: &Schema) -> impl Iterator<Item = &Schema> {
    let all_of: &[ReferenceOr<Schema>] = match &s.schema_kind {
        SchemaKind::AllOf { all_of } => all_of,
        SchemaKind::Any(any) => &any.all_of,
        _ => &[],
    };
    std::iter::once(s).chain(all_of.iter().filter_map(|part| match part {
        ReferenceOr::Item(p) if is_empty_schema(p) => Some(p),
        _ => None,
    }))
}

/// Doc text of a schema: its title and description, as written, or those of the `allOf`
/// parts that annotate it.
pub(crate) fn docs_of(s: &Schema) -> Option<String> {
    annotated(s).find_map(own_docs)
}

fn own_docs(s: &Schema) -> Option<String> {
    let d = &s.schema_data;
    match (d.title.as_deref(), d.description.as_deref()) {
        (Some(t), Some(desc)) if !t.trim().is_empty() && !desc.trim().is_empty() => {
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
        unknown_variant: unknown_variant(&mut namer, &variants),
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
        unknown_variant: unknown_variant(&mut namer, &variants),
        variants,
        default,
    }
}

/// The variant that keeps unlisted values, for every enum but a constant: a schema that
/// allows one value means "this value", and another is not a value of it.
fn unknown_variant(namer: &mut Namer, variants: &[ir::Variant]) -> Option<String> {
    if variants.len() == 1 {
        return None;
    }
    Some(if namer.is_taken("Unknown") {
        namer.claim("UnknownValue")
    } else {
        namer.claim("Unknown")
    })
}
