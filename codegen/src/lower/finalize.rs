//! The last lowering pass, over the IR alone: which types travel in requests and which in
//! responses (that decides how fields carry absence and null), which fields need a `Box`
//! to break recursion, which aliases must become newtypes, and the final order.

use std::collections::HashMap;

use crate::diagnostics::Diagnostic;
use crate::ir::{
    self, BodyEncoding, FieldRepr, Outcome, ResponseBody, Shape, ShapeProperty, Ty, TypeKind,
};

pub(crate) fn finalize(api: &mut ir::Api) -> Vec<Diagnostic> {
    api.types.sort_by(|a, b| a.name.cmp(&b.name));
    let index: HashMap<String, usize> = api
        .types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.clone(), i))
        .collect();
    let mut diagnostics = Vec::new();

    let usage = usage(api, &index);
    for (i, def) in api.types.iter_mut().enumerate() {
        def.usage = ir::Usage {
            request: usage.request[i],
            response: usage.response[i],
        };
        if let TypeKind::Struct(s) = &mut def.kind {
            for f in &mut s.fields {
                // The server does not expect what only it writes, and may omit what only the
                // client writes.
                let required = f.required
                    && !(f.read_only && usage.request[i])
                    && !(f.write_only && usage.response[i]);
                f.repr = match (required, f.nullable) {
                    (true, false) => FieldRepr::Plain,
                    (true, true) => FieldRepr::Nullable,
                    (false, true) if usage.request[i] => FieldRepr::Patch,
                    (false, false) if usage.merge_patch[i] => FieldRepr::Patch,
                    (false, _) => FieldRepr::Optional,
                };
            }
        }
    }
    for def in &mut api.types {
        if let TypeKind::Struct(s) = &mut def.kind {
            name_setters(s);
        }
    }
    // A required constant has its one value as its default.
    let defaults: Vec<bool> = api
        .types
        .iter()
        .map(|def| match &def.kind {
            TypeKind::Struct(s) => {
                s.flattened.is_empty()
                    && s.fields.iter().all(|f| match f.repr {
                        FieldRepr::Optional | FieldRepr::Patch => true,
                        FieldRepr::Plain => api.is_constant(&f.ty),
                        FieldRepr::Nullable => false,
                    })
            }
            _ => false,
        })
        .collect();
    for (def, default) in api.types.iter_mut().zip(defaults) {
        if let TypeKind::Struct(s) = &mut def.kind {
            s.derive_default = default;
        }
    }

    break_recursion(api, &index, &mut diagnostics);
    check_nesting(api, &index, &mut diagnostics);
    union_shapes(api, &index);
    diagnostics
}

/// Method names a setter cannot take: the constructor's, and those of the traits the types
/// implement, which a method of the same name would hide. Such a setter is `set_<field>`.
const TAKEN_METHODS: &[&str] = &[
    "as_mut",
    "as_ref",
    "borrow",
    "borrow_mut",
    "clone",
    "clone_from",
    "cmp",
    "default",
    "deserialize",
    "eq",
    "fmt",
    "from",
    "hash",
    "into",
    "ne",
    "new",
    "partial_cmp",
    "serialize",
    "to_owned",
    "to_string",
    "try_from",
    "try_into",
    "type_id",
];

/// Names the setter of each optional field.
fn name_setters(s: &mut ir::Struct) {
    let mut methods = crate::names::Namer::with_reserved(&["new"]);
    for f in &mut s.fields {
        f.setter = matches!(f.repr, FieldRepr::Optional | FieldRepr::Patch).then(|| {
            if TAKEN_METHODS.contains(&f.rust_name.as_str()) {
                methods.claim(&format!("set_{}", f.rust_name))
            } else {
                methods.claim(&f.rust_name)
            }
        });
    }
}

/// How many generated types deep a variant's shape looks (through aliases and unions
/// standing as variants); deeper, any value fits.
const MAX_SHAPE_DEPTH: usize = 6;

/// Fills in what each union variant's JSON looks like, from the lowered types.
fn union_shapes(api: &mut ir::Api, index: &HashMap<String, usize>) {
    let mut shapes = Vec::new();
    for (i, def) in api.types.iter().enumerate() {
        if let TypeKind::Union(u) = &def.kind {
            for (v, variant) in u.variants.iter().enumerate() {
                shapes.push((i, v, shape_of(api, index, &variant.ty, 0, true)));
            }
        }
    }
    for (i, v, shape) in shapes {
        if let TypeKind::Union(u) = &mut api.types[i].kind {
            u.variants[v].shape = shape;
        }
    }
}

/// The shape of values of `ty`. `whole`: the value stands as a variant, so an object
/// lists its properties and an enum its values; inside an object (not `whole`), nested
/// objects are any object and open enums any string or integer.
fn shape_of(
    api: &ir::Api,
    index: &HashMap<String, usize>,
    ty: &Ty,
    depth: usize,
    whole: bool,
) -> Shape {
    match ty {
        Ty::Bool => Shape::Bool,
        Ty::I8 | Ty::I16 | Ty::I32 | Ty::I64 | Ty::U8 | Ty::U16 | Ty::U32 | Ty::U64 => {
            Shape::Integer
        }
        Ty::F32 | Ty::F64 => Shape::Number,
        Ty::String | Ty::DateTime | Ty::Date | Ty::Uuid | Ty::Base64 => Shape::String,
        Ty::Binary | Ty::Vec(_) => Shape::Array,
        Ty::JsonObject | Ty::Map(_) => Shape::Object(Vec::new()),
        Ty::File | Ty::Json => Shape::Any,
        Ty::Option(inner) | Ty::Box(inner) => shape_of(api, index, inner, depth, whole),
        Ty::Named(name) => {
            let Some(def) = index.get(name).map(|&i| &api.types[i]) else {
                return Shape::Any;
            };
            if depth >= MAX_SHAPE_DEPTH {
                return Shape::Any;
            }
            match &def.kind {
                TypeKind::Struct(s) if whole => Shape::Object(
                    s.fields
                        .iter()
                        .map(|f| ShapeProperty {
                            wire_name: f.wire_name.clone(),
                            required: matches!(f.repr, FieldRepr::Plain | FieldRepr::Nullable),
                            shape: shape_of(api, index, &f.ty, depth + 1, false),
                        })
                        .collect(),
                ),
                TypeKind::Struct(_) => Shape::Object(Vec::new()),
                TypeKind::Enum(e) if whole || e.unknown_variant.is_none() => {
                    Shape::Values(e.variants.iter().map(|v| v.value.clone()).collect())
                }
                TypeKind::Enum(e) => match e.repr {
                    ir::EnumRepr::String => Shape::String,
                    ir::EnumRepr::Integer => Shape::Integer,
                },
                TypeKind::Alias(inner) | TypeKind::Newtype(inner) => {
                    shape_of(api, index, inner, depth + 1, whole)
                }
                TypeKind::Union(u) => Shape::AnyOf(
                    u.variants
                        .iter()
                        .map(|v| shape_of(api, index, &v.ty, depth + 1, whole))
                        .collect(),
                ),
                TypeKind::Outcome(_) => Shape::Any,
            }
        }
    }
}

/// Chains of nested types longer than this make rustc overflow its default recursion limit
/// (128) in drop checking and layout: each type in the chain costs it up to two levels (the
/// type and the `Box`, `Vec` or map holding it), and a few more are spent around the chain.
const MAX_DEFAULT_NESTING: usize = 60;

/// Finds the longest chain of types nested in one another (counting every member of a
/// reference cycle, which rustc may walk in full) and, when rustc's default recursion limit
/// cannot hold it, records the limit the crate needs and says so.
fn check_nesting(
    api: &mut ir::Api,
    index: &HashMap<String, usize>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let component = components(api, index, false);
    let count = component.iter().max().map_or(0, |&c| c + 1);
    let mut size = vec![0usize; count];
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (i, &c) in component.iter().enumerate() {
        size[c] += 1;
        members[c].push(i);
    }
    // Tarjan numbers a component after every component it reaches, so one pass in
    // increasing order sees each successor's depth before it is needed.
    let mut depth = vec![0usize; count];
    let mut via = vec![None; count];
    for c in 0..count {
        let mut deepest = (0, None);
        for &i in &members[c] {
            for name in edges(&api.types[i], false) {
                if let Some(&t) = index.get(name) {
                    let d = component[t];
                    if d != c && depth[d] > deepest.0 {
                        deepest = (depth[d], Some(d));
                    }
                }
            }
        }
        depth[c] = size[c] + deepest.0;
        via[c] = deepest.1;
    }
    let Some(root) = (0..count).max_by_key(|&c| (depth[c], std::cmp::Reverse(c))) else {
        return;
    };
    if depth[root] <= MAX_DEFAULT_NESTING {
        return;
    }
    let limit = (4 * depth[root] + 32).next_power_of_two();
    api.recursion_limit = Some(limit);
    let first = members[root]
        .iter()
        .map(|&i| &api.types[i])
        .min_by(|a, b| a.name.cmp(&b.name));
    let Some(first) = first else {
        return;
    };
    let mut chain = Vec::new();
    let mut next = Some(root);
    while let Some(c) = next {
        chain.extend(members[c].iter().map(|&i| api.types[i].name.as_str()));
        next = via[c];
    }
    let shown = chain
        .iter()
        .take(4)
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ");
    diagnostics.push(Diagnostic::warning(
        first.pointer.clone(),
        format!(
            "`{}` nests up to {} generated types in one another ({shown}, ...), more than rustc's \
             default recursion limit allows (error E0320, overflow while adding drop-check rules): \
             a generated crate sets `#![recursion_limit = \"{limit}\"]` in its root, and every \
             crate that stores or drops these values needs the same attribute",
            first.name, depth[root],
        ),
    ));
}

/// Names of generated types that `ty` mentions; `direct` limits this to those stored inline
/// (not behind a `Vec`, map or `Box`), which are the ones that make a type infinitely large.
fn named_in<'t>(ty: &'t Ty, direct: bool, out: &mut Vec<&'t str>) {
    match ty {
        Ty::Named(n) => out.push(n),
        Ty::Option(inner) => named_in(inner, direct, out),
        Ty::Vec(inner) | Ty::Map(inner) | Ty::Box(inner) if !direct => named_in(inner, direct, out),
        _ => {}
    }
}

fn body_named<'t>(body: &'t ResponseBody, out: &mut Vec<&'t str>) {
    if let ResponseBody::Json(ty) = body {
        named_in(ty, false, out);
    }
}

/// Names of the generated types an operation's code mentions: its parameters, its request
/// body, the bodies and events of its responses, its outcomes and the items of its pages.
pub(super) fn operation_types(op: &ir::Operation) -> Vec<&str> {
    let mut out = Vec::new();
    for p in &op.params {
        named_in(&p.ty, false, &mut out);
    }
    if let Some(body) = &op.body {
        named_in(&body.ty, false, &mut out);
    }
    for r in &op.responses {
        any_body_named(&r.body, &mut out);
        if let Some(ty) = r.events.as_ref().and_then(|e| e.data.as_ref()) {
            named_in(ty, false, &mut out);
        }
    }
    for outcome in std::iter::once(&op.success).chain(op.error.as_ref()) {
        match outcome {
            Outcome::Single(body) => any_body_named(body, &mut out),
            Outcome::ByStatus(name) => out.push(name),
        }
    }
    if let Some(ty) = op.events.as_ref().and_then(|o| o.events.data.as_ref()) {
        named_in(ty, false, &mut out);
    }
    if let Some(pages) = &op.pagination {
        named_in(&pages.item, false, &mut out);
    }
    out
}

/// Names of generated types a response body mentions, events' data included.
fn any_body_named<'t>(body: &'t ResponseBody, out: &mut Vec<&'t str>) {
    match body {
        ResponseBody::Events(ir::Events { data: Some(ty), .. }) => named_in(ty, false, out),
        other => body_named(other, out),
    }
}

pub(super) fn edges(def: &ir::TypeDef, direct: bool) -> Vec<&str> {
    let mut out = Vec::new();
    match &def.kind {
        TypeKind::Struct(s) => {
            for f in &s.fields {
                named_in(&f.ty, direct, &mut out);
            }
            for (_, ty) in &s.flattened {
                named_in(ty, direct, &mut out);
            }
            if let (Some((_, ty)), false) = (&s.additional, direct) {
                named_in(ty, direct, &mut out);
            }
        }
        TypeKind::Alias(ty) | TypeKind::Newtype(ty) => named_in(ty, direct, &mut out),
        TypeKind::Union(u) => {
            for v in &u.variants {
                named_in(&v.ty, direct, &mut out);
            }
        }
        TypeKind::Outcome(variants) => {
            for v in variants {
                body_named(&v.body, &mut out);
            }
        }
        TypeKind::Enum(_) => {}
    }
    out
}

struct Usage {
    request: Vec<bool>,
    response: Vec<bool>,
    merge_patch: Vec<bool>,
}

/// Marks every type reachable from request inputs, from responses, and from JSON merge
/// patch bodies (where every optional field can be sent as `null`).
fn usage(api: &ir::Api, index: &HashMap<String, usize>) -> Usage {
    let mut request_roots = Vec::new();
    let mut response_roots = Vec::new();
    let mut merge_patch_roots = Vec::new();
    for op in &api.operations {
        for p in &op.params {
            named_in(&p.ty, false, &mut request_roots);
        }
        if let Some(body) = &op.body {
            named_in(&body.ty, false, &mut request_roots);
            if body.encoding == BodyEncoding::Json
                && body.media_type.to_ascii_lowercase().contains("merge-patch")
            {
                named_in(&body.ty, false, &mut merge_patch_roots);
            }
        }
        for outcome in std::iter::once(&op.success).chain(op.error.as_ref()) {
            match outcome {
                Outcome::Single(body) => body_named(body, &mut response_roots),
                Outcome::ByStatus(name) => response_roots.push(name),
            }
        }
    }
    let reach = |roots: Vec<&str>| {
        let mut seen = vec![false; api.types.len()];
        let mut stack: Vec<usize> = roots
            .iter()
            .filter_map(|r| index.get(*r).copied())
            .collect();
        while let Some(i) = stack.pop() {
            if std::mem::replace(&mut seen[i], true) {
                continue;
            }
            stack.extend(
                edges(&api.types[i], false)
                    .iter()
                    .filter_map(|n| index.get(*n).copied()),
            );
        }
        seen
    };
    Usage {
        request: reach(request_roots),
        response: reach(response_roots),
        merge_patch: reach(merge_patch_roots),
    }
}

/// The strongly connected component of every type in the graph of `edges` (direct or
/// all containment), computed once with Tarjan's algorithm, iteratively so that deep
/// graphs cannot exhaust the stack. Two types reach each other iff their components match.
fn components(api: &ir::Api, index: &HashMap<String, usize>, direct: bool) -> Vec<usize> {
    let n = api.types.len();
    let graph: Vec<Vec<usize>> = api
        .types
        .iter()
        .map(|t| {
            edges(t, direct)
                .iter()
                .filter_map(|e| index.get(*e).copied())
                .collect()
        })
        .collect();
    const UNSEEN: usize = usize::MAX;
    let mut order = vec![UNSEEN; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut component = vec![UNSEEN; n];
    let mut stack = Vec::new();
    let mut next = 0;
    let mut components = 0;
    for root in 0..n {
        if order[root] != UNSEEN {
            continue;
        }
        // Each frame: a node and how many of its edges have been followed.
        let mut frames = vec![(root, 0usize)];
        order[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (node, ref mut edge)) = frames.last_mut() {
            if let Some(&target) = graph[node].get(*edge) {
                *edge += 1;
                if order[target] == UNSEEN {
                    order[target] = next;
                    low[target] = next;
                    next += 1;
                    stack.push(target);
                    on_stack[target] = true;
                    frames.push((target, 0));
                } else if on_stack[target] {
                    low[node] = low[node].min(order[target]);
                }
                continue;
            }
            frames.pop();
            if let Some(&(parent, _)) = frames.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == order[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = components;
                    if member == node {
                        break;
                    }
                }
                components += 1;
            }
        }
    }
    component
}

fn boxed(ty: &mut Ty) {
    let inner = std::mem::replace(ty, Ty::Json);
    *ty = match inner {
        // Keep `Option` outermost: `Option<Box<T>>` reads better than `Box<Option<T>>`.
        Ty::Option(inner) => Ty::Option(Box::new(Ty::Box(inner))),
        other => Ty::Box(Box::new(other)),
    };
}

/// Boxes what would make a type contain itself (struct fields first, then union variants
/// where a cycle remains), turns aliases that mention themselves into newtypes (a Rust alias
/// cannot be recursive), and reports reference cycles that no object interrupts.
fn break_recursion(
    api: &mut ir::Api,
    index: &HashMap<String, usize>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let n = api.types.len();
    // A direct edge closes a cycle when its target is the owner or in the owner's component.
    let in_cycle = |component: &[usize], ty: &Ty, owner: usize| {
        let mut direct = Vec::new();
        named_in(ty, true, &mut direct);
        direct
            .iter()
            .filter_map(|d| index.get(*d))
            .any(|&t| t == owner || component[t] == component[owner])
    };

    let component = components(api, index, true);
    let mut to_box = Vec::new();
    for i in 0..n {
        if let TypeKind::Struct(s) = &api.types[i].kind {
            let tys = s
                .fields
                .iter()
                .map(|f| &f.ty)
                .chain(s.flattened.iter().map(|(_, ty)| ty));
            for (fi, ty) in tys.enumerate() {
                if in_cycle(&component, ty, i) {
                    to_box.push((i, fi));
                }
            }
        }
    }
    for (i, fi) in to_box {
        if let TypeKind::Struct(s) = &mut api.types[i].kind {
            let count = s.fields.len();
            match s.fields.get_mut(fi) {
                Some(f) => boxed(&mut f.ty),
                None => {
                    if let Some((_, ty)) = s.flattened.get_mut(fi - count) {
                        boxed(ty);
                    }
                }
            }
        }
    }

    let component = components(api, index, true);
    let mut to_box = Vec::new();
    for i in 0..n {
        if let TypeKind::Union(u) = &api.types[i].kind {
            for (vi, v) in u.variants.iter().enumerate() {
                if in_cycle(&component, &v.ty, i) {
                    to_box.push((i, vi));
                }
            }
        }
    }
    for (i, vi) in to_box {
        if let TypeKind::Union(u) = &mut api.types[i].kind {
            boxed(&mut u.variants[vi].ty);
        }
    }

    let any_component = components(api, index, false);
    let mut to_newtype = Vec::new();
    for i in 0..n {
        let TypeKind::Alias(ty) = &api.types[i].kind else {
            continue;
        };
        let mut direct = Vec::new();
        named_in(ty, true, &mut direct);
        let alias_cycle = direct
            .iter()
            .filter_map(|d| index.get(*d))
            .any(|&t| only_aliases_between(api, index, t, i));
        if alias_cycle {
            diagnostics.push(Diagnostic::error(
                api.types[i].pointer.clone(),
                "this schema is a `$ref` cycle with no object in between, so it describes no value",
            ));
            continue;
        }
        let mut all = Vec::new();
        named_in(ty, false, &mut all);
        if all
            .iter()
            .filter_map(|d| index.get(*d))
            .any(|&t| t == i || any_component[t] == any_component[i])
        {
            to_newtype.push(i);
        }
    }
    for i in to_newtype {
        if let TypeKind::Alias(ty) = &api.types[i].kind {
            api.types[i].kind = TypeKind::Newtype(ty.clone());
        }
    }
}

/// Whether `from` reaches `to` through aliases alone, each naming the next directly.
fn only_aliases_between(
    api: &ir::Api,
    index: &HashMap<String, usize>,
    from: usize,
    to: usize,
) -> bool {
    let mut current = from;
    for _ in 0..=api.types.len() {
        if current == to {
            return true;
        }
        let next = match &api.types[current].kind {
            TypeKind::Alias(Ty::Named(next)) => next,
            TypeKind::Alias(Ty::Option(inner)) => match inner.as_ref() {
                Ty::Named(next) => next,
                _ => return false,
            },
            _ => return false,
        };
        match index.get(next) {
            Some(&i) => current = i,
            None => return false,
        }
    }
    false
}
