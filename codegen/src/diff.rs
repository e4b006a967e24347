//! API comparison: the IRs of two versions of a spec, compared as the generated crate's
//! users see them. Each change names the Rust item and the spec location, and is breaking
//! when code using the crate may stop compiling or lose data; the report recommends the
//! crate's next version.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use serde::Serialize;

use crate::ir::{
    self, Api, BodyEncoding, EnumValue, FieldRepr, Outcome, Param, ParamLocation, ResponseBody,
    TypeDef, TypeKind,
};

/// Whether a change can break code that uses the generated crate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Impact {
    /// Code using the crate may stop compiling, or reads or sends data differently.
    Breaking,
    /// Code using the crate keeps compiling and working.
    NonBreaking,
}

/// One change of the API.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Change {
    /// Breaking or not.
    pub impact: Impact,
    /// The Rust item, for example `types::Contact::email` or `Client::update_contact`.
    pub item: String,
    /// What changed, in a sentence.
    pub description: String,
    /// JSON pointer to the item in the spec that has it (the new one, or the old one for
    /// removals).
    pub pointer: String,
}

/// The version bump a set of changes calls for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bump {
    /// Nothing changed.
    None,
    /// Documentation only.
    Patch,
    /// Additions.
    Minor,
    /// Breaking changes.
    Major,
}

/// The comparison of two versions of an API.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Report {
    /// `info.title` of the new spec.
    pub title: String,
    /// The crate version the old spec gives.
    pub old_version: String,
    /// The crate version the new spec gives.
    pub new_version: String,
    /// What the changes call for.
    pub bump: Bump,
    /// The old version bumped as the changes call for (semver; below 1.0 a breaking change
    /// bumps the minor number).
    pub recommended_version: String,
    /// The changes, breaking first, each group sorted by item.
    pub changes: Vec<Change>,
    /// How many descriptions and summaries changed (documentation only, not listed).
    pub documentation_changes: usize,
}

/// Compares two APIs.
pub fn diff(old: &Api, new: &Api) -> Report {
    let mut d = Differ {
        changes: BTreeSet::new(),
        docs: 0,
        old,
        new,
    };
    d.servers();
    d.security();
    d.types();
    d.operations();
    let changes: Vec<Change> = d.changes.into_iter().collect();
    let bump = if changes.iter().any(|c| c.impact == Impact::Breaking) {
        Bump::Major
    } else if !changes.is_empty() {
        Bump::Minor
    } else if d.docs > 0 {
        Bump::Patch
    } else {
        Bump::None
    };
    let old_version = old.crate_version.clone();
    Report {
        title: new.title.clone(),
        new_version: new.crate_version.clone(),
        recommended_version: bumped(&old_version, bump),
        old_version,
        bump,
        changes,
        documentation_changes: d.docs,
    }
}

/// `version` bumped as `bump` says, semver style (below 1.0, one place lower).
fn bumped(version: &str, bump: Bump) -> String {
    let core = version.split(['-', '+']).next().unwrap_or(version);
    let mut parts: Vec<u64> = core.split('.').map(|p| p.parse().unwrap_or(0)).collect();
    parts.resize(3, 0);
    let (major, minor, patch) = (parts[0], parts[1], parts[2]);
    let (major, minor, patch) = match (bump, major) {
        (Bump::None, _) => return version.to_owned(),
        (Bump::Major, 0) => (0, minor + 1, 0),
        (Bump::Major, _) => (major + 1, 0, 0),
        (Bump::Minor, 0) => (0, minor, patch + 1),
        (Bump::Minor, _) => (major, minor + 1, 0),
        (Bump::Patch, _) => (major, minor, patch + 1),
    };
    format!("{major}.{minor}.{patch}")
}

fn version_at_least(version: &str, wanted: &str) -> bool {
    let key = |v: &str| -> Vec<u64> {
        v.split(['-', '+'])
            .next()
            .unwrap_or(v)
            .split('.')
            .map(|p| p.parse().unwrap_or(0))
            .collect()
    };
    key(version) >= key(wanted)
}

struct Differ<'a> {
    changes: BTreeSet<Change>,
    docs: usize,
    old: &'a Api,
    new: &'a Api,
}

impl Differ<'_> {
    /// The events an operation offers besides its body, and how it pages: the request
    /// methods `stream`, `pages` and `items` come and go with them.
    fn streams(&mut self, item: &str, responses: &str, o: &ir::Operation, n: &ir::Operation) {
        let events = |op: &ir::Operation| {
            op.events.as_ref().map(|e| {
                e.events
                    .data
                    .as_ref()
                    .map_or_else(|| "String".to_owned(), |ty| ty.rust("types::"))
            })
        };
        match (events(o), events(n)) {
            (None, Some(data)) => self.push(
                Impact::NonBreaking,
                item,
                responses,
                format!("`.stream()` added: events of `{data}`"),
            ),
            (Some(data), None) => self.push(
                Impact::Breaking,
                item,
                responses,
                format!("`.stream()` removed (it gave events of `{data}`)"),
            ),
            (Some(old), Some(new)) if old != new => self.push(
                Impact::Breaking,
                item,
                responses,
                format!("events now decode to `{new}` (was `{old}`)"),
            ),
            _ => {}
        }
        let items = |op: &ir::Operation| op.pagination.as_ref().map(|p| p.item.rust("types::"));
        match (items(o), items(n)) {
            (None, Some(item_ty)) => self.push(
                Impact::NonBreaking,
                item,
                &n.pointer,
                format!("`.pages()` and `.items()` added: items of `{item_ty}`"),
            ),
            (Some(item_ty), None) => self.push(
                Impact::Breaking,
                item,
                &n.pointer,
                format!("`.pages()` and `.items()` removed (they gave items of `{item_ty}`)"),
            ),
            (Some(old), Some(new)) if old != new => self.push(
                Impact::Breaking,
                item,
                &n.pointer,
                format!("the items of its pages are now `{new}` (was `{old}`)"),
            ),
            _ => {}
        }
    }

    fn push(
        &mut self,
        impact: Impact,
        item: impl Into<String>,
        pointer: &str,
        description: impl Into<String>,
    ) {
        self.changes.insert(Change {
            impact,
            item: item.into(),
            description: description.into(),
            pointer: pointer.to_owned(),
        });
    }

    fn doc(&mut self, old: &Option<String>, new: &Option<String>) {
        if old != new {
            self.docs += 1;
        }
    }

    fn servers(&mut self) {
        let (old, new) = (self.old.servers.first(), self.new.servers.first());
        let url = |s: Option<&ir::Server>| s.map_or_else(String::new, |s| s.url.clone());
        if url(old) != url(new) {
            let description = format!(
                "the default base URL is now `{}` (was `{}`)",
                url(new),
                url(old)
            );
            self.push(
                Impact::NonBreaking,
                "DEFAULT_BASE_URL",
                "#/servers/0/url",
                description,
            );
        }
        let variables = |s: Option<&ir::Server>| {
            s.map(|s| {
                s.variables
                    .iter()
                    .map(|v| v.rust_name.clone())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
        };
        let (old_vars, new_vars) = (variables(old), variables(new));
        if old_vars != new_vars {
            let impact = if old_vars.is_empty() {
                Impact::NonBreaking
            } else {
                Impact::Breaking
            };
            let description = if new_vars.is_empty() {
                "removed: the first server has no variables any more".to_owned()
            } else {
                format!("now takes the server variables ({})", new_vars.join(", "))
            };
            self.push(
                impact,
                "ClientBuilder::server",
                "#/servers/0/variables",
                description,
            );
        }
    }

    fn security(&mut self) {
        let mode = |api: &Api| match (api.credentials, api.security_schemes.first()) {
            (ir::Credentials::One, Some(s)) => format!("one credential ({})", s.rust_name),
            (ir::Credentials::Several, _) => "several optional credentials".to_owned(),
            (ir::Credentials::None | ir::Credentials::One, _) => "no credentials".to_owned(),
        };
        let (old_mode, new_mode) = (mode(self.old), mode(self.new));
        if old_mode != new_mode {
            self.push(
                Impact::Breaking,
                "Client::new",
                "#/components/securitySchemes",
                format!("now takes {new_mode} (took {old_mode})"),
            );
        }
        let several = self.new.credentials == ir::Credentials::Several;
        let old: BTreeMap<&str, &ir::SecurityScheme> = self
            .old
            .security_schemes
            .iter()
            .map(|s| (s.wire_name.as_str(), s))
            .collect();
        let new: BTreeMap<&str, &ir::SecurityScheme> = self
            .new
            .security_schemes
            .iter()
            .map(|s| (s.wire_name.as_str(), s))
            .collect();
        for (name, o) in &old {
            match new.get(name) {
                None => self.push(
                    Impact::Breaking,
                    format!("ClientBuilder::{}", o.rust_name),
                    &o.pointer,
                    format!("security scheme `{name}` removed"),
                ),
                Some(n) if n.kind != o.kind => self.push(
                    Impact::Breaking,
                    format!("ClientBuilder::{}", n.rust_name),
                    &n.pointer,
                    format!(
                        "security scheme `{name}` now sends {} (sent {})",
                        kind_name(&n.kind),
                        kind_name(&o.kind)
                    ),
                ),
                Some(n) => self.doc(&o.description, &n.description),
            }
        }
        for (name, n) in &new {
            if !old.contains_key(name) && several {
                self.push(
                    Impact::NonBreaking,
                    format!("ClientBuilder::{}", n.rust_name),
                    &n.pointer,
                    format!("security scheme `{name}` added"),
                );
            }
        }
    }

    fn types(&mut self) {
        let old: BTreeMap<&str, &TypeDef> = self
            .old
            .types
            .iter()
            .map(|t| (t.name.as_str(), t))
            .collect();
        let new: BTreeMap<&str, &TypeDef> = self
            .new
            .types
            .iter()
            .map(|t| (t.name.as_str(), t))
            .collect();
        let removed: Vec<&TypeDef> = old
            .iter()
            .filter(|(n, _)| !new.contains_key(*n))
            .map(|(_, t)| *t)
            .collect();
        let added: Vec<&TypeDef> = new
            .iter()
            .filter(|(n, _)| !old.contains_key(*n))
            .map(|(_, t)| *t)
            .collect();
        for o in &removed {
            // A type whose shape reappears under another name was renamed.
            match added.iter().find(|a| same_shape(&a.kind, &o.kind)) {
                Some(a) => self.push(
                    Impact::Breaking,
                    format!("types::{}", o.name),
                    &a.pointer,
                    format!(
                        "renamed to `types::{}` (the same shape under a new name)",
                        a.name
                    ),
                ),
                None => self.push(
                    Impact::Breaking,
                    format!("types::{}", o.name),
                    &o.pointer,
                    "removed",
                ),
            }
        }
        for a in &added {
            if !removed.iter().any(|o| same_shape(&o.kind, &a.kind)) {
                self.push(
                    Impact::NonBreaking,
                    format!("types::{}", a.name),
                    &a.pointer,
                    "added",
                );
            }
        }
        for (name, o) in &old {
            if let Some(n) = new.get(name) {
                self.type_def(o, n);
            }
        }
    }

    fn type_def(&mut self, o: &TypeDef, n: &TypeDef) {
        let item = format!("types::{}", n.name);
        self.doc(&o.docs, &n.docs);
        if n.deprecated && !o.deprecated {
            self.push(Impact::NonBreaking, &item, &n.pointer, "deprecated");
        }
        match (&o.kind, &n.kind) {
            (TypeKind::Struct(os), TypeKind::Struct(ns)) => self.structure(&item, o, n, os, ns),
            (TypeKind::Enum(oe), TypeKind::Enum(ne)) if oe.repr != ne.repr => {
                self.push(
                    Impact::Breaking,
                    &item,
                    &n.pointer,
                    "the values changed between strings and integers",
                );
            }
            (TypeKind::Enum(oe), TypeKind::Enum(ne)) => {
                match (&oe.unknown_variant, &ne.unknown_variant) {
                    (Some(unknown), None) => self.push(
                        Impact::Breaking,
                        format!("{item}::{unknown}"),
                        &n.pointer,
                        "the enum is now a constant: it refuses values the spec does not list",
                    ),
                    (None, Some(unknown)) => self.push(
                        Impact::Breaking,
                        format!("{item}::{unknown}"),
                        &n.pointer,
                        "variant added: the constant is now an enum that keeps values the spec does not list",
                    ),
                    _ => {}
                }
                let value = |v: &EnumValue| match v {
                    EnumValue::String(s) => format!("\"{s}\""),
                    EnumValue::Integer(i) => i.to_string(),
                };
                for ov in &oe.variants {
                    if !ne.variants.iter().any(|nv| nv.value == ov.value) {
                        let description = format!("value {} removed", value(&ov.value));
                        self.push(
                            Impact::Breaking,
                            format!("{item}::{}", ov.rust_name),
                            &o.pointer,
                            description,
                        );
                    }
                }
                for nv in &ne.variants {
                    match oe.variants.iter().find(|ov| ov.value == nv.value) {
                        None => {
                            let description = format!("value {} added", value(&nv.value));
                            self.push(
                                Impact::NonBreaking,
                                format!("{item}::{}", nv.rust_name),
                                &n.pointer,
                                description,
                            );
                        }
                        Some(ov) if ov.rust_name != nv.rust_name => {
                            let description = format!(
                                "value {} is now the variant `{}` (was `{}`)",
                                value(&nv.value),
                                nv.rust_name,
                                ov.rust_name
                            );
                            self.push(
                                Impact::Breaking,
                                format!("{item}::{}", ov.rust_name),
                                &n.pointer,
                                description,
                            );
                        }
                        Some(_) => {}
                    }
                }
            }
            (TypeKind::Union(ou), TypeKind::Union(nu)) => {
                let property = |u: &ir::Union| u.tag.as_ref().map(|t| t.property.clone());
                if property(ou) != property(nu) {
                    let tag = |t: Option<String>| {
                        t.map_or_else(|| "none".to_owned(), |t| format!("`{t}`"))
                    };
                    self.push(
                        Impact::Breaking,
                        &item,
                        &n.pointer,
                        format!(
                            "the tag property is now {} (was {})",
                            tag(property(nu)),
                            tag(property(ou))
                        ),
                    );
                }
                for ov in &ou.variants {
                    match nu.variants.iter().find(|nv| nv.rust_name == ov.rust_name) {
                        None => self.push(
                            Impact::Breaking,
                            format!("{item}::{}", ov.rust_name),
                            &o.pointer,
                            "variant removed",
                        ),
                        Some(nv) if nv.ty != ov.ty => self.push(
                            Impact::Breaking,
                            format!("{item}::{}", ov.rust_name),
                            &n.pointer,
                            format!(
                                "now holds `{}` (held `{}`)",
                                &nv.ty.rust("types::"),
                                &ov.ty.rust("types::")
                            ),
                        ),
                        Some(_) => {}
                    }
                }
                for nv in &nu.variants {
                    if !ou.variants.iter().any(|ov| ov.rust_name == nv.rust_name) {
                        self.push(
                            Impact::NonBreaking,
                            format!("{item}::{}", nv.rust_name),
                            &n.pointer,
                            "variant added",
                        );
                    }
                }
            }
            (TypeKind::Outcome(ov), TypeKind::Outcome(nv)) => {
                // A variant is a status, and a media type where its status offers several.
                let same = |a: &ir::OutcomeVariant, b: &ir::OutcomeVariant| {
                    a.status == b.status && a.media == b.media
                };
                let answer = |v: &ir::OutcomeVariant| match v.media.first() {
                    Some(media) => format!("status {} as `{media}`", v.status),
                    None => format!("status {}", v.status),
                };
                for o_variant in ov {
                    match nv.iter().find(|n_variant| same(n_variant, o_variant)) {
                        None => self.push(
                            Impact::Breaking,
                            format!("{item}::{}", o_variant.rust_name),
                            &o.pointer,
                            format!("{} removed", answer(o_variant)),
                        ),
                        Some(n_variant) if n_variant.body != o_variant.body => self.push(
                            Impact::Breaking,
                            format!("{item}::{}", n_variant.rust_name),
                            &n.pointer,
                            format!(
                                "the body of {} is now {} (was {})",
                                answer(n_variant),
                                body_name(&n_variant.body),
                                body_name(&o_variant.body)
                            ),
                        ),
                        Some(_) => {}
                    }
                }
                for n_variant in nv {
                    if !ov.iter().any(|o_variant| same(o_variant, n_variant)) {
                        self.push(
                            Impact::NonBreaking,
                            format!("{item}::{}", n_variant.rust_name),
                            &n.pointer,
                            format!("{} added", answer(n_variant)),
                        );
                    }
                }
            }
            (
                TypeKind::Alias(ot) | TypeKind::Newtype(ot),
                TypeKind::Alias(nt) | TypeKind::Newtype(nt),
            ) => {
                if ot != nt || std::mem::discriminant(&o.kind) != std::mem::discriminant(&n.kind) {
                    self.push(
                        Impact::Breaking,
                        &item,
                        &n.pointer,
                        format!(
                            "now `{}` (was `{}`)",
                            nt.rust("types::"),
                            ot.rust("types::")
                        ),
                    );
                }
            }
            (ok, nk) => self.push(
                Impact::Breaking,
                &item,
                &n.pointer,
                format!("now {} (was {})", kind_of(nk), kind_of(ok)),
            ),
        }
    }

    fn structure(
        &mut self,
        item: &str,
        o: &TypeDef,
        n: &TypeDef,
        os: &ir::Struct,
        ns: &ir::Struct,
    ) {
        for of in &os.fields {
            let Some(nf) = ns.fields.iter().find(|nf| nf.wire_name == of.wire_name) else {
                self.push(
                    Impact::Breaking,
                    format!("{item}::{}", of.rust_name),
                    &of.pointer,
                    "field removed",
                );
                continue;
            };
            let field_item = format!("{item}::{}", of.rust_name);
            self.doc(&of.docs, &nf.docs);
            if nf.rust_name != of.rust_name {
                self.push(
                    Impact::Breaking,
                    &field_item,
                    &nf.pointer,
                    format!("renamed to `{}`", nf.rust_name),
                );
            }
            if nf.ty != of.ty {
                let description = format!(
                    "type changed from `{}` to `{}`",
                    &of.ty.rust("types::"),
                    &nf.ty.rust("types::")
                );
                self.push(Impact::Breaking, &field_item, &nf.pointer, description);
            }
            if nf.repr != of.repr {
                let (old_ty, new_ty) = (of.rust_type("types::"), nf.rust_type("types::"));
                // The same Rust type with another meaning (`None` sent as null or left out)
                // keeps code compiling.
                let impact = if old_ty == new_ty {
                    Impact::NonBreaking
                } else {
                    Impact::Breaking
                };
                let description = format!(
                    "now `{new_ty}` ({}), was `{old_ty}` ({})",
                    repr_name(nf.repr),
                    repr_name(of.repr)
                );
                self.push(impact, &field_item, &nf.pointer, description);
            } else {
                // The Rust type is the same; the spec's contract changed.
                if nf.required != of.required {
                    let description = if nf.required {
                        "now required in the spec"
                    } else {
                        "now optional in the spec"
                    };
                    self.push(Impact::NonBreaking, &field_item, &nf.pointer, description);
                }
                if nf.nullable != of.nullable {
                    let description = if nf.nullable {
                        "may now be null"
                    } else {
                        "may no longer be null"
                    };
                    self.push(Impact::NonBreaking, &field_item, &nf.pointer, description);
                }
            }
            if nf.deprecated && !of.deprecated {
                self.push(Impact::NonBreaking, &field_item, &nf.pointer, "deprecated");
            }
        }
        for nf in &ns.fields {
            if os.fields.iter().any(|of| of.wire_name == nf.wire_name) {
                continue;
            }
            let field_item = format!("{item}::{}", nf.rust_name);
            let required = matches!(nf.repr, FieldRepr::Plain | FieldRepr::Nullable);
            // Adding a field breaks struct literals that build the type, unless it is
            // optional and the type has `Default` to fill it in. Types that only arrive in
            // responses are read, not built.
            let added = format!(
                "field added, `{}` ({})",
                nf.rust_type("types::"),
                repr_name(nf.repr)
            );
            let (impact, description) = if !n.usage.request {
                (Impact::NonBreaking, added)
            } else if required {
                (Impact::Breaking, format!("{added}; requests must set it"))
            } else if ns.derive_default {
                (
                    Impact::NonBreaking,
                    format!(
                        "{added}; struct literals ending in `..Default::default()` keep compiling"
                    ),
                )
            } else {
                (
                    Impact::Breaking,
                    format!("{added}; struct literals must list it"),
                )
            };
            self.push(impact, field_item, &nf.pointer, description);
        }
        if os.flattened != ns.flattened {
            let shown = |flattened: &[(String, ir::Ty)]| {
                let names: Vec<String> = flattened
                    .iter()
                    .map(|(name, ty)| format!("`{name}: {}`", ty.rust("types::")))
                    .collect();
                if names.is_empty() {
                    "none".to_owned()
                } else {
                    names.join(", ")
                }
            };
            let description = format!(
                "the shapes (`oneOf`/`anyOf`) flattened into it are now {} (were {})",
                shown(&ns.flattened),
                shown(&os.flattened)
            );
            self.push(Impact::Breaking, item.to_owned(), &n.pointer, description);
        }
        match (&os.additional, &ns.additional) {
            (Some((_, ot)), Some((name, nt))) if ot != nt => {
                let description = format!(
                    "the type of extra properties changed from `{}` to `{}`",
                    ot.rust("types::"),
                    nt.rust("types::")
                );
                self.push(
                    Impact::Breaking,
                    format!("{item}::{name}"),
                    &n.pointer,
                    description,
                );
            }
            (Some((name, _)), None) => self.push(
                Impact::Breaking,
                format!("{item}::{name}"),
                &o.pointer,
                "extra properties are no longer kept",
            ),
            (None, Some((name, _))) if n.usage.request && !ns.derive_default => self.push(
                Impact::Breaking,
                format!("{item}::{name}"),
                &n.pointer,
                "extra properties are now kept in this new field; struct literals must list it",
            ),
            (None, Some((name, _))) => self.push(
                Impact::NonBreaking,
                format!("{item}::{name}"),
                &n.pointer,
                "extra properties are now kept",
            ),
            _ => {}
        }
        if os.derive_default && !ns.derive_default && n.usage.request {
            self.push(
                Impact::Breaking,
                item,
                &n.pointer,
                "no longer implements `Default` (a field became required)",
            );
        }
    }

    /// The per-tag features that compile an operation: a build without the default
    /// features that had it loses it when a feature it was under no longer compiles it.
    fn features(&mut self, item: &str, o: &ir::Operation, n: &ir::Operation) {
        let names = |api: &Api, op: &ir::Operation| {
            op.gate.features(api).map(|names| {
                names
                    .into_iter()
                    .map(str::to_owned)
                    .collect::<BTreeSet<_>>()
            })
        };
        let shown = |names: &BTreeSet<String>| {
            let listed = names
                .iter()
                .map(|name| format!("`{name}`"))
                .collect::<Vec<_>>()
                .join(", ");
            match names.len() {
                1 => format!("the feature {listed}"),
                _ => format!("the features {listed}"),
            }
        };
        let (impact, description) = match (names(self.old, o), names(self.new, n)) {
            (Some(old), Some(new)) if old != new => (
                if old.is_subset(&new) {
                    Impact::NonBreaking
                } else {
                    Impact::Breaking
                },
                format!("compiled by {} (was {})", shown(&new), shown(&old)),
            ),
            (None, Some(new)) => (
                Impact::NonBreaking,
                format!("compiled by {} (on by default)", shown(&new)),
            ),
            (Some(old), None) => (
                Impact::NonBreaking,
                format!("compiled whatever the features (was by {})", shown(&old)),
            ),
            _ => return,
        };
        self.push(impact, item, &n.pointer, description);
    }

    fn operations(&mut self) {
        let old: BTreeMap<&str, &ir::Operation> = self
            .old
            .operations
            .iter()
            .map(|o| (o.rust_name.as_str(), o))
            .collect();
        let new: BTreeMap<&str, &ir::Operation> = self
            .new
            .operations
            .iter()
            .map(|o| (o.rust_name.as_str(), o))
            .collect();
        for (name, o) in &old {
            match new.get(name) {
                Some(n) => self.operation(o, n),
                None => {
                    // Methods of one operation's media types are no renames of each other.
                    let renamed = new.values().find(|n| {
                        n.method == o.method
                            && n.path == o.path
                            && !old.contains_key(n.rust_name.as_str())
                            && n.other_bodies.is_empty()
                            && o.other_bodies.is_empty()
                    });
                    // A method for a media type the body is no longer offered in.
                    let dropped_media = new.values().any(|n| n.pointer == o.pointer);
                    match renamed {
                        _ if dropped_media => self.push(
                            Impact::Breaking,
                            format!("Client::{name}"),
                            &o.pointer,
                            format!(
                                "removed: the body of `{} {}` is no longer taken as `{}`",
                                o.method.as_str(),
                                o.path,
                                o.body.as_ref().map_or("", |b| b.media_type.as_str())
                            ),
                        ),
                        Some(n) => self.push(
                            Impact::Breaking,
                            format!("Client::{name}"),
                            &n.pointer,
                            format!(
                                "renamed to `Client::{}` (operation `{}`)",
                                n.rust_name, n.wire_id
                            ),
                        ),
                        None => self.push(
                            Impact::Breaking,
                            format!("Client::{name}"),
                            &o.pointer,
                            format!("operation removed (`{} {}`)", o.method.as_str(), o.path),
                        ),
                    }
                }
            }
        }
        for (name, n) in &new {
            let renamed = old.values().any(|o| {
                o.method == n.method
                    && o.path == n.path
                    && !new.contains_key(o.rust_name.as_str())
                    && n.other_bodies.is_empty()
                    && o.other_bodies.is_empty()
            });
            if !old.contains_key(name) && !renamed {
                // A method for another media type the body is now offered in.
                let description = match &n.body {
                    Some(body) if old.values().any(|o| o.pointer == n.pointer) => format!(
                        "added: sends the body of `{} {}` as `{}`",
                        n.method.as_str(),
                        n.path,
                        body.media_type
                    ),
                    _ => format!("operation added (`{} {}`)", n.method.as_str(), n.path),
                };
                self.push(
                    Impact::NonBreaking,
                    format!("Client::{name}"),
                    &n.pointer,
                    description,
                );
            }
        }
    }

    fn operation(&mut self, o: &ir::Operation, n: &ir::Operation) {
        let item = format!("Client::{}", n.rust_name);
        let builder = format!("requests::{}", n.builder_name);
        self.doc(&o.summary, &n.summary);
        self.doc(&o.description, &n.description);
        if (o.method, &o.path) != (n.method, &n.path) {
            let description = format!(
                "now sends `{} {}` (sent `{} {}`)",
                n.method.as_str(),
                n.path,
                o.method.as_str(),
                o.path
            );
            self.push(Impact::NonBreaking, &item, &n.pointer, description);
        }
        if n.deprecated && !o.deprecated {
            self.push(Impact::NonBreaking, &item, &n.pointer, "deprecated");
        }
        self.features(&item, o, n);
        if o.builder_name != n.builder_name {
            self.push(
                Impact::Breaking,
                format!("requests::{}", o.builder_name),
                &n.pointer,
                format!("renamed to `{builder}`"),
            );
        }
        let key = |p: &Param| (location_name(p.location), p.wire_name.clone());
        for op in &o.params {
            let Some(np) = n.params.iter().find(|np| key(np) == key(op)) else {
                let (target, what) = param_item(&item, &builder, op);
                self.push(
                    Impact::Breaking,
                    target,
                    &op.pointer,
                    format!("{what} removed"),
                );
                continue;
            };
            self.doc(&op.docs, &np.docs);
            let (target, what) = param_item(&item, &builder, np);
            if op.required != np.required {
                let description = if np.required {
                    format!("{what} is now required: a method argument instead of a builder method")
                } else {
                    format!("{what} is now optional: a builder method instead of a method argument")
                };
                self.push(Impact::Breaking, &target, &np.pointer, description);
            }
            if op.ty != np.ty {
                let description = format!(
                    "{what} changed type from `{}` to `{}`",
                    &op.ty.rust("types::"),
                    &np.ty.rust("types::")
                );
                self.push(Impact::Breaking, &target, &np.pointer, description);
            } else if op.rust_name != np.rust_name {
                self.push(
                    Impact::Breaking,
                    &target,
                    &np.pointer,
                    format!("{what} renamed from `{}`", op.rust_name),
                );
            } else if op.style != np.style {
                self.push(
                    Impact::NonBreaking,
                    &target,
                    &np.pointer,
                    format!("{what} is written in another style"),
                );
            }
        }
        for np in &n.params {
            if o.params.iter().any(|op| key(op) == key(np)) {
                continue;
            }
            let (target, what) = param_item(&item, &builder, np);
            let impact = if np.required {
                Impact::Breaking
            } else {
                Impact::NonBreaking
            };
            self.push(impact, target, &np.pointer, format!("{what} added"));
        }
        let body_pointer = format!("{}/requestBody", n.pointer);
        match (&o.body, &n.body) {
            (None, None) => {}
            (Some(_), None) => self.push(
                Impact::Breaking,
                &item,
                &format!("{}/requestBody", o.pointer),
                "the request body was removed",
            ),
            (None, Some(nb)) => {
                let impact = if nb.required {
                    Impact::Breaking
                } else {
                    Impact::NonBreaking
                };
                let description = if nb.required {
                    "now takes a request body argument"
                } else {
                    "optional request body added (`body` builder method)"
                };
                self.push(impact, &item, &body_pointer, description);
            }
            (Some(ob), Some(nb)) => {
                if ob.required != nb.required {
                    let description = if nb.required {
                        "the request body is now required (a method argument)"
                    } else {
                        "the request body is now optional (a builder method)"
                    };
                    self.push(Impact::Breaking, &item, &body_pointer, description);
                }
                if ob.ty != nb.ty || ob.encoding != nb.encoding {
                    let description = format!(
                        "the request body is now `{}` (was `{}`)",
                        body_ty_name(nb),
                        body_ty_name(ob)
                    );
                    self.push(Impact::Breaking, &item, &body_pointer, description);
                } else if ob.media_type != nb.media_type {
                    let description = format!(
                        "the request body is sent as `{}` (was `{}`)",
                        nb.media_type, ob.media_type
                    );
                    self.push(Impact::NonBreaking, &item, &body_pointer, description);
                }
                self.doc(&ob.docs, &nb.docs);
            }
        }
        let responses = format!("{}/responses", n.pointer);
        if o.success.rust("types::") != n.success.rust("types::") {
            let description = format!(
                "successful responses now decode to `{}` (was `{}`)",
                n.success.rust("types::"),
                o.success.rust("types::")
            );
            self.push(Impact::Breaking, &item, &responses, description);
        }
        let error_name = |e: &Option<Outcome>| {
            e.as_ref().map_or_else(
                || "serde_json::Value".to_owned(),
                |e| e.error_rust("types::"),
            )
        };
        if error_name(&o.error) != error_name(&n.error) {
            let description = format!(
                "error bodies now decode to `{}` (was `{}`)",
                error_name(&n.error),
                error_name(&o.error)
            );
            self.push(Impact::Breaking, &item, &responses, description);
        }
        self.streams(&item, &responses, o, n);
        if o.security != n.security {
            let names = |api: &Api, op: &ir::Operation| -> String {
                if op.security.is_empty() {
                    return "none".to_owned();
                }
                op.security
                    .iter()
                    .map(|alternative| {
                        alternative
                            .iter()
                            .map(|&i| api.security_schemes[i].wire_name.clone())
                            .collect::<Vec<_>>()
                            .join(" + ")
                    })
                    .collect::<Vec<_>>()
                    .join(" or ")
            };
            let (old_names, new_names) = (names(self.old, o), names(self.new, n));
            if old_names != new_names {
                self.push(
                    Impact::NonBreaking,
                    &item,
                    &n.pointer,
                    format!("authenticates with {new_names} (was {old_names})"),
                );
            }
        }
    }
}

/// Whether two types have the same shape, whatever their docs and spec locations.
fn same_shape(a: &TypeKind, b: &TypeKind) -> bool {
    fn strip(kind: &TypeKind) -> TypeKind {
        let mut kind = kind.clone();
        match &mut kind {
            TypeKind::Struct(s) => {
                for f in &mut s.fields {
                    f.pointer.clear();
                    f.docs = None;
                }
            }
            TypeKind::Union(u) => {
                for v in &mut u.variants {
                    v.docs = None;
                }
            }
            TypeKind::Outcome(variants) => {
                for v in variants {
                    v.description.clear();
                }
            }
            TypeKind::Enum(_) | TypeKind::Alias(_) | TypeKind::Newtype(_) => {}
        }
        kind
    }
    strip(a) == strip(b)
}

fn param_item(method: &str, builder: &str, p: &Param) -> (String, String) {
    let what = format!("{} parameter `{}`", location_name(p.location), p.wire_name);
    if p.required {
        (format!("{method}({})", p.rust_name), what)
    } else {
        (format!("{builder}::{}", p.rust_name), what)
    }
}

fn location_name(location: ParamLocation) -> &'static str {
    match location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
    }
}

fn kind_name(kind: &ir::SecurityKind) -> String {
    match kind {
        ir::SecurityKind::Basic => "HTTP Basic credentials".to_owned(),
        ir::SecurityKind::Bearer => "a bearer token".to_owned(),
        ir::SecurityKind::ApiKeyHeader { name } => format!("an API key in the `{name}` header"),
        ir::SecurityKind::ApiKeyQuery { name } => {
            format!("an API key in the `{name}` query parameter")
        }
    }
}

fn kind_of(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct(_) => "a struct",
        TypeKind::Enum(_) => "an enum",
        TypeKind::Alias(_) => "a type alias",
        TypeKind::Newtype(_) => "a newtype",
        TypeKind::Union(_) => "a union",
        TypeKind::Outcome(_) => "a response enum",
    }
}

fn repr_name(repr: FieldRepr) -> &'static str {
    match repr {
        FieldRepr::Plain => "required",
        FieldRepr::Nullable => "required, nullable",
        FieldRepr::Optional => "optional",
        FieldRepr::Patch => "optional, nullable",
    }
}

fn body_name(body: &ResponseBody) -> String {
    match body {
        ResponseBody::Empty => "empty".to_owned(),
        ResponseBody::Json(ty) => format!("`{}`", ty.rust("types::")),
        ResponseBody::Text => "text".to_owned(),
        ResponseBody::Binary => "bytes".to_owned(),
        ResponseBody::Events(events) => match &events.data {
            Some(ty) => format!("events of `{}`", ty.rust("types::")),
            None => "events of text".to_owned(),
        },
    }
}

fn body_ty_name(body: &ir::Body) -> String {
    match body.encoding {
        BodyEncoding::Text => "&str".to_owned(),
        BodyEncoding::Binary => "&[u8]".to_owned(),
        BodyEncoding::Json | BodyEncoding::Form | BodyEncoding::Multipart => {
            body.ty.rust("types::")
        }
    }
}

impl Report {
    /// Whether any change is breaking.
    pub fn has_breaking(&self) -> bool {
        self.changes.iter().any(|c| c.impact == Impact::Breaking)
    }

    /// The report as Markdown, to paste into a pull request.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "## API changes: {} {} → {}\n",
            self.title.trim(),
            self.old_version,
            self.new_version
        );
        let bump = match self.bump {
            Bump::None => "none".to_owned(),
            Bump::Patch => "patch".to_owned(),
            Bump::Minor => "minor".to_owned(),
            Bump::Major => "major".to_owned(),
        };
        let _ = write!(out, "Recommended version bump: **{bump}**");
        if self.bump != Bump::None {
            let _ = write!(
                out,
                " ({} → {})",
                self.old_version, self.recommended_version
            );
        }
        out.push('.');
        if self.bump != Bump::None
            && !version_at_least(&self.new_version, &self.recommended_version)
        {
            let _ = write!(
                out,
                " The new spec's `info.version` gives {}; set it to {} or later.",
                self.new_version, self.recommended_version
            );
        }
        out.push_str("\n\n");
        if self.changes.is_empty() {
            out.push_str("No changes to the Rust API.\n");
        }
        for (impact, heading) in [
            (Impact::Breaking, "Breaking changes"),
            (Impact::NonBreaking, "Non-breaking changes"),
        ] {
            let changes: Vec<&Change> =
                self.changes.iter().filter(|c| c.impact == impact).collect();
            if changes.is_empty() {
                continue;
            }
            let _ = writeln!(out, "### {heading} ({})\n", changes.len());
            for c in changes {
                let _ = write!(out, "- `{}`: {}", c.item, c.description);
                if !c.pointer.is_empty() {
                    let _ = write!(out, " (`{}`)", c.pointer);
                }
                out.push('\n');
            }
            out.push('\n');
        }
        if self.documentation_changes > 0 {
            let _ = writeln!(
                out,
                "{} description(s) changed (documentation only).",
                self.documentation_changes
            );
        }
        out
    }

    /// The report as JSON, for tools.
    pub fn json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_bump_semver_style() {
        assert_eq!(bumped("2.0.0", Bump::Major), "3.0.0");
        assert_eq!(bumped("2.3.4", Bump::Minor), "2.4.0");
        assert_eq!(bumped("2.3.4", Bump::Patch), "2.3.5");
        assert_eq!(bumped("0.3.4", Bump::Major), "0.4.0");
        assert_eq!(bumped("0.3.4", Bump::Minor), "0.3.5");
        assert_eq!(bumped("1.0.0-beta.1", Bump::None), "1.0.0-beta.1");
        assert!(version_at_least("2.1.0", "2.0.1"));
        assert!(!version_at_least("2.0.0", "2.0.1"));
        assert!(version_at_least("10.0.0", "9.9.9"));
    }
}
