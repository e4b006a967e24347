//! The `types` module: one item per named type, in the IR's order.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::docs::doc_attrs;
use super::refs::Refs;
use super::{Scope, ty_tokens};
use crate::ir::{self, EnumRepr, EnumValue, FieldRepr, ResponseBody, TypeDef, TypeKind};
use crate::names::ident;

/// The module's docs and imports: what its items (read into `refs`) use.
pub(crate) fn preamble(api: &ir::Api, refs: &Refs) -> TokenStream {
    let allow = api
        .deprecates_types()
        .then(|| quote!(#![allow(deprecated)]));
    // A union or a response enum holds whichever value arrived; boxing its larger variants
    // would make every match on it dereference, for a move that rarely happens.
    let enums = api
        .types
        .iter()
        .any(|t| matches!(t.kind, TypeKind::Union(_) | TypeKind::Outcome(_)));
    let allow_large = enums.then(|| quote!(#![allow(clippy::large_enum_variant)]));
    let imported = refs
        .imported()
        .map(|(name, gate)| {
            let name = ident(name);
            (quote!(#name), gate.clone())
        })
        .collect();
    let serde_use = super::gated_use(api, quote!(use serde), imported);
    let runtime_use = refs.uses("runtime").map(|gate| {
        let cfg = super::cfg(api, &gate);
        quote!(
            #cfg
            use super::runtime;
        )
    });
    quote! {
        //! Request and response types, one per schema of the spec.
        #allow
        #allow_large

        #serde_use

        #runtime_use
    }
}

/// The whole module: preamble and every type.
pub(crate) fn types(api: &ir::Api) -> TokenStream {
    let items: TokenStream = api.types.iter().map(|t| type_def(api, t)).collect();
    let preamble = preamble(api, &Refs::scan(&items));
    quote!(#preamble #items)
}

/// One type and its impls.
pub(crate) fn type_def(api: &ir::Api, t: &TypeDef) -> TokenStream {
    let fallback = match &t.wire_name {
        Some(wire) => format!("The {} schema.", super::docs::code(wire)),
        None => format!("The `{}` type.", t.name),
    };
    let docs = doc_attrs(t.docs.as_deref().unwrap_or(&fallback));
    let deprecated = t.deprecated.then(|| quote!(#[deprecated]));
    let name = ident(&t.name);
    let body = match &t.kind {
        TypeKind::Struct(s) => structure(api, &name, s),
        TypeKind::Enum(e) => match &e.unknown_variant {
            Some(unknown) => enumeration(&name, e, unknown),
            None => constant(&name, e),
        },
        TypeKind::Alias(ty) => {
            let ty = ty_tokens(ty, Scope::Types);
            quote!(pub type #name = #ty;)
        }
        TypeKind::Union(u) => union(api, &name, u),
        TypeKind::Outcome(variants) => outcome(&name, variants),
        TypeKind::Newtype(ty) => {
            let lenient = api
                .holds_date_time(ty)
                .then(|| quote!(#[serde(deserialize_with = "runtime::read_lenient")]));
            let ty = ty_tokens(ty, Scope::Types);
            quote! {
                #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
                #[serde(transparent)]
                pub struct #name(#lenient pub #ty);
            }
        }
    };
    quote! {
        #docs
        #deprecated
        #body
    }
}

fn structure(api: &ir::Api, name: &proc_macro2::Ident, s: &ir::Struct) -> TokenStream {
    let derive_default = s.derive_default.then(|| quote!(Default,));
    let reads_itself = s.flattened.is_empty() && s.additional.is_none();
    // A struct of declared properties alone reads itself through the runtime; one that
    // flattens others in keeps serde's derive, which buffers what they take.
    let fields = s.fields.iter().map(|f| field(api, f, reads_itself));
    let flattened = s.flattened.iter().map(|(field_name, ty)| {
        let field_name = ident(field_name);
        let ty = ty_tokens(ty, Scope::Types);
        quote! {
            /// Which of its other shapes (`oneOf`/`anyOf`) the object has, with the
            /// properties that go with it.
            #[serde(flatten)]
            pub #field_name: #ty,
        }
    });
    let additional = s.additional.as_ref().map(|(field_name, ty)| {
        let field_name = ident(field_name);
        let serde = if api.holds_date_time(ty) {
            quote!(#[serde(flatten, deserialize_with = "runtime::read_lenient")])
        } else {
            quote!(#[serde(flatten)])
        };
        let ty = ty_tokens(ty, Scope::Types);
        let docs = if s.keeps_unknown {
            quote! {
                /// Properties the document does not declare, by name, as received: they
                /// are sent back as they came.
            }
        } else {
            quote! {
                /// Properties the spec does not list, by name.
            }
        };
        quote! {
            #docs
            #serde
            pub #field_name: std::collections::BTreeMap<String, #ty>,
        }
    });
    let construction = construction(api, name, s);
    let (derive_deserialize, deserialize) = if reads_itself {
        (None, Some(read_object(api, name, s)))
    } else {
        (Some(quote!(, Deserialize)), None)
    };
    quote! {
        #[derive(Clone, Debug, #derive_default PartialEq, Serialize #derive_deserialize)]
        pub struct #name {
            #(#fields)*
            #(#flattened)*
            #additional
        }

        #deserialize

        #construction
    }
}

/// `Deserialize` for a struct of declared properties: each read into a slot by name,
/// unknown ones skipped, then each slot's value, default or error (`runtime::FromObject`).
/// What it accepts from an object is what serde's derive accepts, with the same errors,
/// except that a property given twice is not an error: the last one counts. Its type
/// parameters start with underscores, as no type's name does.
fn read_object(api: &ir::Api, name: &proc_macro2::Ident, s: &ir::Struct) -> TokenStream {
    let taken: Vec<&str> = s.fields.iter().map(|f| f.rust_name.as_str()).collect();
    let free = |base: &str| {
        let mut local = base.to_owned();
        while taken.contains(&local.as_str()) {
            local.push('_');
        }
        ident(&local)
    };
    let (map, key) = (free("map"), free("key"));
    let mut slots = Vec::new();
    let mut arms = Vec::new();
    let mut values = Vec::new();
    for f in &s.fields {
        let field = ident(&f.rust_name);
        let wire = &f.wire_name;
        let ty = field_type(f);
        slots.push(quote!(let mut #field: Option<#ty> = None;));
        let lenient = api.holds_date_time(&f.ty);
        // A function of the runtime stores the value: an assignment here would drop the
        // slot's value in every arm, which costs each struct's borrow checking.
        let read = match (lenient, f.repr) {
            (true, FieldRepr::Patch) => quote!(runtime::object_lenient_patch),
            (true, _) => quote!(runtime::object_lenient),
            (false, _) => quote!(runtime::object_field),
        };
        arms.push(quote!(#wire => #read(&mut #map, &mut #field)?,));
        let value = match (lenient, f.repr) {
            (false, FieldRepr::Plain) => quote!(runtime::object_required(#field, #wire)?),
            // serde's derive reads nothing else into a field read by a function.
            (true, FieldRepr::Plain | FieldRepr::Nullable) => {
                quote!(runtime::object_present(#field, #wire)?)
            }
            _ => quote!(#field.unwrap_or_default()),
        };
        values.push(quote!(#field: #value,));
    }
    let type_name = name.to_string();
    let body = if arms.is_empty() {
        quote! {
            while #map.next_key::<serde::de::IgnoredAny>()?.is_some() {
                runtime::object_skip(&mut #map)?;
            }
        }
    } else {
        quote! {
            #(#slots)*
            while let Some(#key) = #map.next_key::<runtime::ObjectKey<'de>>()? {
                match &*#key {
                    #(#arms)*
                    _ => runtime::object_skip(&mut #map)?,
                }
            }
        }
    };
    quote! {
        impl<'de> Deserialize<'de> for #name {
            fn deserialize<__D: serde::Deserializer<'de>>(deserializer: __D) -> Result<Self, __D::Error> {
                runtime::read_object(deserializer)
            }
        }

        impl runtime::FromObject for #name {
            const NAME: &'static str = #type_name;

            fn read<'de, __A: serde::de::MapAccess<'de>>(mut #map: __A) -> Result<Self, __A::Error> {
                #body
                Ok(Self {
                    #(#values)*
                })
            }
        }
    }
}

/// How a struct is built: a constructor taking its required fields, in declaration order
/// (when it has any: otherwise it derives `Default`), and a setter per optional field,
/// which takes the value and gives the struct back, so that one chained expression sets
/// any of them. A required constant needs no argument: it has one value.
fn construction(api: &ir::Api, name: &proc_macro2::Ident, s: &ir::Struct) -> TokenStream {
    let constructor = (!s.derive_default).then(|| {
        let mut params = Vec::new();
        let mut values = Vec::new();
        for f in &s.fields {
            let field = ident(&f.rust_name);
            match f.repr {
                FieldRepr::Plain if api.is_constant(&f.ty) => {
                    values.push(quote!(#field: Default::default(),));
                }
                FieldRepr::Plain | FieldRepr::Nullable => {
                    let ty = field_type(f);
                    // A field named only by underscores and digits (`_1`) is no good
                    // parameter name: clippy says so.
                    let param = if f.rust_name.chars().all(|c| c == '_' || c.is_ascii_digit()) {
                        ident(&format!("field{}", f.rust_name))
                    } else {
                        field.clone()
                    };
                    params.push(quote!(#param: impl Into<#ty>));
                    values.push(quote!(#field: #param.into(),));
                }
                FieldRepr::Optional => values.push(quote!(#field: None,)),
                FieldRepr::Patch => values.push(quote!(#field: runtime::Patch::Absent,)),
            }
        }
        for (field, ty) in &s.flattened {
            let field = ident(field);
            let ty = ty_tokens(ty, Scope::Types);
            params.push(quote!(#field: impl Into<#ty>));
            values.push(quote!(#field: #field.into(),));
        }
        if let Some((field, _)) = &s.additional {
            let field = ident(field);
            values.push(quote!(#field: Default::default(),));
        }
        let many = (params.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
        quote! {
            /// Makes a value from its required fields; the optional ones are left unset (the
            /// method named after each sets it).
            #many
            pub fn new(#(#params),*) -> Self {
                Self {
                    #(#values)*
                }
            }
        }
    });
    let setters: Vec<TokenStream> = s
        .fields
        .iter()
        .filter_map(|f| Some((f, f.setter.as_deref()?)))
        .map(|(f, setter)| {
            let field = ident(&f.rust_name);
            let setter = ident(setter);
            let ty = ty_tokens(&f.ty, Scope::Types);
            let set = match f.repr {
                FieldRepr::Patch => quote!(runtime::Patch::Set(value.into())),
                _ => quote!(Some(value.into())),
            };
            let doc = format!(" Sets `{}`.", f.rust_name);
            let deprecated = f.deprecated.then(|| quote!(#[deprecated]));
            quote! {
                #[doc = #doc]
                #deprecated
                #[must_use]
                pub fn #setter(mut self, value: impl Into<#ty>) -> Self {
                    self.#field = #set;
                    self
                }
            }
        })
        .collect();
    if constructor.is_none() && setters.is_empty() {
        return TokenStream::new();
    }
    quote! {
        impl #name {
            #constructor
            #(#setters)*
        }
    }
}

/// A field's Rust type, with what carries its absence or `null`.
fn field_type(f: &ir::Field) -> TokenStream {
    let inner = ty_tokens(&f.ty, Scope::Types);
    match f.repr {
        FieldRepr::Plain => inner,
        FieldRepr::Nullable | FieldRepr::Optional => quote!(Option<#inner>),
        FieldRepr::Patch => quote!(runtime::Patch<#inner>),
    }
}

/// A field and its serde attributes: those of reading too unless `reads_itself` (then
/// [`read_object`] reads it).
fn field(api: &ir::Api, f: &ir::Field, reads_itself: bool) -> TokenStream {
    let fallback = match f.wire_name.as_str() {
        "" => "The property with an empty name.".to_owned(),
        wire => format!("The `{}` property.", wire.replace('`', "'")),
    };
    let mut text = f.docs.clone().unwrap_or(fallback);
    let mut notes = Vec::new();
    let mentions_default = text.to_ascii_lowercase().contains("default");
    if let (Some(default), false) = (&f.default, mentions_default) {
        notes.push(format!(
            "Defaults to `{}`.",
            default.to_string().replace('`', "'")
        ));
    }
    if f.read_only {
        notes.push("Set by the server; ignored in requests.".to_owned());
    }
    if f.write_only {
        notes.push("Sent by the client only; absent in responses.".to_owned());
    }
    if !notes.is_empty() {
        text.push_str("\n\n");
        text.push_str(&notes.join(" "));
    }
    let docs = doc_attrs(&text);
    let deprecated = f.deprecated.then(|| quote!(#[deprecated]));
    let name = ident(&f.rust_name);
    let inner = ty_tokens(&f.ty, Scope::Types);
    let mut serde = Vec::new();
    if f.rust_name != f.wire_name {
        let wire = &f.wire_name;
        serde.push(quote!(rename = #wire));
    }
    // Timestamps are read as servers send them, which chrono alone does not accept.
    let lenient = api.holds_date_time(&f.ty) && !reads_itself;
    let ty = match f.repr {
        FieldRepr::Plain => inner,
        FieldRepr::Nullable => quote!(Option<#inner>),
        FieldRepr::Optional => {
            if lenient {
                serde.push(quote!(default));
            }
            serde.push(quote!(skip_serializing_if = "Option::is_none"));
            quote!(Option<#inner>)
        }
        FieldRepr::Patch => {
            if !reads_itself {
                serde.push(quote!(default));
            }
            serde.push(quote!(skip_serializing_if = "runtime::Patch::is_absent"));
            quote!(runtime::Patch<#inner>)
        }
    };
    if lenient {
        serde.push(if f.repr == FieldRepr::Patch {
            quote!(deserialize_with = "runtime::read_lenient_patch")
        } else {
            quote!(deserialize_with = "runtime::read_lenient")
        });
    }
    let serde = (!serde.is_empty()).then(|| quote!(#[serde(#(#serde),*)]));
    quote! {
        #docs
        #deprecated
        #serde
        pub #name: #ty,
    }
}

fn enumeration(name: &proc_macro2::Ident, e: &ir::Enum, unknown: &str) -> TokenStream {
    let unknown = ident(unknown);
    let derive_default = e.default.is_some().then(|| quote!(Default,));
    let variants = e.variants.iter().enumerate().map(|(i, v)| {
        let variant = ident(&v.rust_name);
        let doc = match &v.value {
            EnumValue::String(s) if s.is_empty() => " `\"\"` (the empty string)".to_owned(),
            EnumValue::String(s) => format!(" {}", super::docs::code(s)),
            EnumValue::Integer(n) => format!(" `{n}`"),
        };
        let default = (e.default == Some(i)).then(|| quote!(#[default]));
        quote! {
            #[doc = #doc]
            #default
            #variant,
        }
    });
    let (payload, accessor, accessor_doc, from_ty, serialize, deserialize) = match e.repr {
        EnumRepr::String => (
            quote!(String),
            quote!(as_str),
            " The value as sent on the wire.",
            quote!(&str),
            quote!(serializer.serialize_str(self.as_str())),
            quote!(runtime::deserialize_string_enum(deserializer)),
        ),
        EnumRepr::Integer => (
            quote!(i64),
            quote!(as_i64),
            " The value as sent on the wire.",
            quote!(i64),
            quote!(serializer.serialize_i64(self.as_i64())),
            quote!(runtime::deserialize_integer_enum(deserializer)),
        ),
    };
    let to_wire = e.variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let value = wire_literal(&v.value);
        quote!(Self::#variant => #value,)
    });
    let from_wire = e.variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let value = wire_literal(&v.value);
        quote!(#value => Self::#variant,)
    });
    let (accessor_ret, unknown_arm, unknown_from, display) = match e.repr {
        EnumRepr::String => (
            quote!(&str),
            quote!(Self::#unknown(value) => value,),
            quote!(_ => Self::#unknown(value.to_owned()),),
            quote!(f.write_str(self.as_str())),
        ),
        EnumRepr::Integer => (
            quote!(i64),
            quote!(Self::#unknown(value) => *value,),
            quote!(_ => Self::#unknown(value),),
            quote!(write!(f, "{}", self.as_i64())),
        ),
    };
    let traits = value_traits(name, &display, &serialize, &deserialize);
    quote! {
        #[derive(Clone, Debug, #derive_default PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value the spec does not list, kept as received so that a server adding
            /// values does not break decoding.
            #unknown(#payload),
        }

        impl #name {
            #[doc = #accessor_doc]
            pub fn #accessor(&self) -> #accessor_ret {
                match self {
                    #(#to_wire)*
                    #unknown_arm
                }
            }
        }

        impl From<#from_ty> for #name {
            fn from(value: #from_ty) -> Self {
                match value {
                    #(#from_wire)*
                    #unknown_from
                }
            }
        }

        #traits
    }
}

/// A schema that allows one value: an enum of that value alone, which refuses any other.
fn constant(name: &proc_macro2::Ident, e: &ir::Enum) -> TokenStream {
    let variants = e.variants.iter().enumerate().map(|(i, v)| {
        let variant = ident(&v.rust_name);
        let doc = match &v.value {
            EnumValue::String(s) if s.is_empty() => " `\"\"` (the empty string)".to_owned(),
            EnumValue::String(s) => format!(" {}", super::docs::code(s)),
            EnumValue::Integer(n) => format!(" `{n}`"),
        };
        let default = (i == 0).then(|| quote!(#[default]));
        quote! {
            #[doc = #doc]
            #default
            #variant,
        }
    });
    let to_wire = e.variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let value = wire_literal(&v.value);
        quote!(Self::#variant => #value,)
    });
    let listed = e.variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let value = wire_literal(&v.value);
        quote!((#value, Self::#variant))
    });
    let (accessor, accessor_ret, display, serialize, deserialize) = match e.repr {
        EnumRepr::String => (
            quote!(as_str),
            quote!(&'static str),
            quote!(f.write_str(self.as_str())),
            quote!(serializer.serialize_str(self.as_str())),
            quote!(runtime::deserialize_listed_string(deserializer, &[#(#listed),*])),
        ),
        EnumRepr::Integer => (
            quote!(as_i64),
            quote!(i64),
            quote!(write!(f, "{}", self.as_i64())),
            quote!(serializer.serialize_i64(self.as_i64())),
            quote!(runtime::deserialize_listed_integer(deserializer, &[#(#listed),*])),
        ),
    };
    let traits = value_traits(name, &display, &serialize, &deserialize);
    quote! {
        ///
        /// A constant: any other value is not one of this type.
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#variants)*
        }

        impl #name {
            /// The value as sent on the wire.
            pub fn #accessor(&self) -> #accessor_ret {
                match self {
                    #(#to_wire)*
                }
            }
        }

        #traits
    }
}

/// The `Display`, `Serialize` and `Deserialize` impls of an enum of values, from their
/// bodies.
fn value_traits(
    name: &proc_macro2::Ident,
    display: &TokenStream,
    serialize: &TokenStream,
    deserialize: &TokenStream,
) -> TokenStream {
    quote! {
        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                #display
            }
        }

        impl Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                #serialize
            }
        }

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                #deserialize
            }
        }
    }
}

fn wire_literal(value: &EnumValue) -> Literal {
    match value {
        EnumValue::String(s) => Literal::string(s),
        EnumValue::Integer(n) => Literal::i64_unsuffixed(*n),
    }
}

fn union(api: &ir::Api, name: &proc_macro2::Ident, u: &ir::Union) -> TokenStream {
    let unknown = ident(&u.unknown_variant);
    let variants = u.variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let ty = ty_tokens(&v.ty, Scope::Types);
        let docs = doc_attrs(
            v.docs
                .as_deref()
                .unwrap_or(&format!("The `{}` shape.", v.rust_name)),
        );
        quote! {
            #docs
            #variant(#ty),
        }
    });
    // Read the value once, then decode the variant it fits best.
    let best_fit = || {
        let shapes = u.variants.iter().map(|v| shape(&v.shape));
        let count = u.variants.len();
        let arms = u.variants.iter().enumerate().map(|(i, v)| {
            let variant = ident(&v.rust_name);
            let pattern = if i + 1 == count {
                quote!(_)
            } else {
                let i = Literal::usize_unsuffixed(i);
                quote!(#i)
            };
            let decode = if api.holds_date_time(&v.ty) {
                quote!(runtime::decode_lenient(value))
            } else {
                quote!(Deserialize::deserialize(value))
            };
            quote!(#pattern => #decode.map(Self::#variant),)
        });
        quote! {
            runtime::decode_union(
                value,
                &[#(#shapes),*],
                |variant, value| match variant {
                    #(#arms)*
                },
                Self::#unknown,
            )
        }
    };
    // A value of a variant's type is that variant, where no other variant has the type (as
    // Rust sees it, through aliases) and the type is not the union itself.
    let rust_types: Vec<ir::Ty> = u
        .variants
        .iter()
        .map(|v| api.without_aliases(&v.ty))
        .collect();
    let conversions = u.variants.iter().zip(&rust_types).filter_map(|(v, ty)| {
        let same = rust_types.iter().filter(|other| *other == ty).count();
        let itself = *ty == ir::Ty::Named(name.to_string());
        (same == 1 && !itself).then(|| {
            let variant = ident(&v.rust_name);
            let ty = ty_tokens(&v.ty, Scope::Types);
            quote! {
                impl From<#ty> for #name {
                    fn from(value: #ty) -> Self {
                        Self::#variant(value)
                    }
                }
            }
        })
    });
    let conversions: TokenStream = conversions.collect();
    let definition = union_definition(name, u, &unknown, variants, best_fit);
    quote!(#definition #conversions)
}

/// A union's enum and its serde impls.
fn union_definition(
    name: &proc_macro2::Ident,
    u: &ir::Union,
    unknown: &proc_macro2::Ident,
    variants: impl Iterator<Item = TokenStream>,
    best_fit: impl Fn() -> TokenStream,
) -> TokenStream {
    match &u.tag {
        None => {
            let decode = best_fit();
            quote! {
                ///
                /// Read as the variant the value fits best: of those whose constants, required
                /// properties and types it does not contradict, the one declaring the most of
                /// its properties, the narrowest, the first.
                #[derive(Clone, Debug, PartialEq, Serialize)]
                #[serde(untagged)]
                #[non_exhaustive]
                pub enum #name {
                    #(#variants)*
                    /// A value matching none of the shapes above, kept as received.
                    #unknown(serde_json::Value),
                }

                impl<'de> Deserialize<'de> for #name {
                    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                        let value = serde_json::Value::deserialize(deserializer)?;
                        Ok(#decode)
                    }
                }
            }
        }
        Some(tag) => {
            let property = &tag.property;
            let write = u.variants.iter().map(|v| {
                let variant = ident(&v.rust_name);
                let tag = v.tag_values.first().cloned().unwrap_or_default();
                quote!(Self::#variant(value) => runtime::serialize_tagged(serializer, #property, #tag, value),)
            });
            let read = u.variants.iter().map(|v| {
                let variant = ident(&v.rust_name);
                let tags = &v.tag_values;
                quote!(Some(#(#tags)|*) => runtime::tagged_variant(value).map(Self::#variant),)
            });
            let (doc, untagged) = if tag.required {
                (
                    format!(
                        " Told apart by the {} property.",
                        super::docs::code(property)
                    ),
                    None,
                )
            } else {
                let decode = best_fit();
                (
                    format!(
                        " Told apart by the {} property; an object without it is read as the \
                         variant it fits best.",
                        super::docs::code(property)
                    ),
                    Some(quote!(None => Ok(#decode),)),
                )
            };
            quote! {
                ///
                #[doc = #doc]
                #[derive(Clone, Debug, PartialEq)]
                #[non_exhaustive]
                pub enum #name {
                    #(#variants)*
                    /// A variant this client does not know, kept as received so that a server
                    /// adding variants does not break decoding.
                    #unknown(serde_json::Value),
                }

                impl Serialize for #name {
                    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                        match self {
                            #(#write)*
                            Self::#unknown(value) => value.serialize(serializer),
                        }
                    }
                }

                impl<'de> Deserialize<'de> for #name {
                    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                        let (tag, value) = runtime::deserialize_tagged(deserializer, #property)?;
                        match tag.as_deref() {
                            #(#read)*
                            #untagged
                            _ => Ok(Self::#unknown(value)),
                        }
                    }
                }
            }
        }
    }
}

/// A variant's shape, as the runtime's `Shape`.
fn shape(shape: &ir::Shape) -> TokenStream {
    match shape {
        ir::Shape::Any => quote!(runtime::Shape::Any),
        ir::Shape::Bool => quote!(runtime::Shape::Bool),
        ir::Shape::Integer => quote!(runtime::Shape::Integer),
        ir::Shape::Number => quote!(runtime::Shape::Number),
        ir::Shape::String => quote!(runtime::Shape::String),
        ir::Shape::Array => quote!(runtime::Shape::Array),
        ir::Shape::Values(values) => {
            let strings: Vec<&str> = values
                .iter()
                .filter_map(|v| match v {
                    EnumValue::String(s) => Some(s.as_str()),
                    EnumValue::Integer(_) => None,
                })
                .collect();
            let integers: Vec<Literal> = values
                .iter()
                .filter_map(|v| match v {
                    EnumValue::Integer(n) => Some(Literal::i64_unsuffixed(*n)),
                    EnumValue::String(_) => None,
                })
                .collect();
            if integers.is_empty() {
                quote!(runtime::Shape::Strings(&[#(#strings),*]))
            } else {
                quote!(runtime::Shape::Integers(&[#(#integers),*]))
            }
        }
        ir::Shape::Object(properties) => {
            let properties = properties.iter().map(|p| {
                let name = &p.wire_name;
                let required = p.required;
                let value = self::shape(&p.shape);
                quote!((#name, #required, #value))
            });
            quote!(runtime::Shape::Object(&[#(#properties),*]))
        }
        ir::Shape::AnyOf(shapes) => {
            let shapes = shapes.iter().map(self::shape);
            quote!(runtime::Shape::AnyOf(&[#(#shapes),*]))
        }
    }
}

fn outcome(name: &proc_macro2::Ident, variants: &[ir::OutcomeVariant]) -> TokenStream {
    let variants = variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let status = match &v.status {
            ir::StatusMatch::Code(code) => format!("`{code}`"),
            ir::StatusMatch::Range(class) => format!("`{class}XX`"),
            ir::StatusMatch::Default => "any other status".to_owned(),
        };
        let status = match v.media.as_slice() {
            [] => status,
            media => {
                let listed: Vec<String> = media.iter().map(|m| format!("`{m}`")).collect();
                format!("{status} as {}", listed.join(" or "))
            }
        };
        let description = v.description.trim();
        let text = if description.is_empty() {
            status
        } else {
            format!("{status}: {description}")
        };
        let docs = doc_attrs(&text);
        match &v.body {
            ResponseBody::Empty => quote!(#docs #variant,),
            ResponseBody::Json(ty) => {
                let ty = ty_tokens(ty, Scope::Types);
                quote!(#docs #variant(#ty),)
            }
            ResponseBody::Text | ResponseBody::Events(_) => quote!(#docs #variant(String),),
            ResponseBody::Binary => quote!(#docs #variant(Vec<u8>),),
        }
    });
    quote! {
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
        }
    }
}
