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

    unknowns_once(api, &index);
    break_recursion(api, &index, &mut diagnostics);
    check_nesting(api, &index, &mut diagnostics);
    union_shapes(api, &index);
    diagnostics
}

/// A union flattened into an object reads the object's whole JSON: its variants would
/// keep the object's own properties as unknown ones and write them twice, so they keep
/// none (the object's unknown properties are then not kept).
fn unknowns_once(api: &mut ir::Api, index: &HashMap<String, usize>) {
    let mut flattened: Vec<usize> = api
        .types
        .iter()
        .filter_map(|def| match &def.kind {
            TypeKind::Struct(s) => Some(&s.flattened),
            _ => None,
        })
        .flatten()
        .filter_map(|(_, ty)| match ty {
            Ty::Named(name) => index.get(name).copied(),
            _ => None,
        })
        .collect();
    let mut seen = vec![false; api.types.len()];
    while let Some(i) = flattened.pop() {
        if std::mem::replace(&mut seen[i], true) {
            continue;
        }
        let variants: Vec<usize> = match &api.types[i].kind {
            TypeKind::Union(u) => u
                .variants
                .iter()
                .filter_map(|v| match &v.ty {
                    Ty::Named(name) => index.get(name).copied(),
                    _ => None,
                })
                .collect(),
            TypeKind::Alias(Ty::Named(name)) => index.get(name).copied().into_iter().collect(),
            _ => Vec::new(),
        };
        for v in variants {
            match &mut api.types[v].kind {
                TypeKind::Struct(s) if s.keeps_unknown => {
                    s.keeps_unknown = false;
                    s.additional = None;
                }
                // A union of unions is read whole too.
                TypeKind::Union(_) | TypeKind::Alias(_) => flattened.push(v),
                _ => {}
            }
        }
    }
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

/// The deepest nesting of obligations a crate may meet with rustc's default recursion
/// limit (128), leaving room for the containers and futures an application wraps the
/// types in.
const MAX_DEFAULT_DEPTH: usize = 96;

/// How deep rustc nests its work on a type that holds others, measured two ways that
/// match what overflows (both checked against rustc 1.95 on chains of types linked by
/// `Option<Box<_>>`, `Vec<_>`, `Option<Vec<_>>` and maps, and on Stripe's document):
///
/// - proving `Send` or `Sync` (E0275): each field becomes an obligation one level below
///   its holder, and each wrapper costs levels of its own (`Option` one, `Box` two, `Vec`
///   and maps three). Obligations already registered are not proved twice and the
///   fulfillment context processes them breadth first, so a type is reached at the
///   cheapest depth any path gives it: the cost is the longest of the shortest paths;
/// - drop checking (E0320): types with a destructor are walked depth first, each pushed
///   once, one level below the type that first names it (`Box`, `Vec` and `Option` a
///   level each, maps two, a field held by value none).
///
/// When either exceeds what the default limit holds, the crate sets a higher
/// `recursion_limit` and every crate that proves these types `Send` or drops them needs
/// it too, which a warning says.
fn check_nesting(
    api: &mut ir::Api,
    index: &HashMap<String, usize>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let send = nesting_graph(api, index, Cost::Send);
    let drop = nesting_graph(api, index, Cost::Drop);
    let (send_depth, send_root) = deepest(&send, shortest_depths);
    let (drop_depth, drop_root) = deepest(&drop, first_push_depths);
    let (depth, root) = if send_depth >= drop_depth {
        (send_depth, send_root)
    } else {
        (drop_depth, drop_root)
    };
    if depth <= MAX_DEFAULT_DEPTH {
        return;
    }
    let limit = (depth + 128).next_power_of_two();
    api.recursion_limit = Some(limit);
    let Some(first) = api.types.get(root) else {
        return;
    };
    diagnostics.push(Diagnostic::warning(
        first.pointer.clone(),
        format!(
            "`{}` holds generated types nested so deeply that proving it `Send` or dropping it \
             takes rustc {depth} levels, more than its default recursion limit (128) leaves \
             room for (errors E0275, E0320): the generated crate sets \
             `#![recursion_limit = \"{limit}\"]` in its root, and every crate that sends these \
             values between threads or drops them needs the same attribute",
            first.name,
        ),
    ));
}

/// For each type, the types it holds, each with the levels reaching it costs.
type Graph = [Vec<(usize, usize)>];

/// What a level of nesting costs.
#[derive(Clone, Copy)]
enum Cost {
    /// Proving `Send` and `Sync`.
    Send,
    /// Drop checking.
    Drop,
}

/// For each type, the types its fields (or variants, or the type it stands for) hold,
/// each with what reaching it costs, in field order.
fn nesting_graph(
    api: &ir::Api,
    index: &HashMap<String, usize>,
    cost: Cost,
) -> Vec<Vec<(usize, usize)>> {
    // The levels an `Option`, a `Box`, a `Vec` and a map cost, and the type itself.
    let (option, boxed, listed, map, named) = match cost {
        Cost::Send => (1, 2, 3, 3, 1),
        Cost::Drop => (1, 1, 1, 2, 0),
    };
    let walk = |ty: &Ty, spent: usize, held: &mut Vec<(usize, usize)>| {
        let mut ty = ty;
        let mut spent = spent;
        loop {
            match ty {
                Ty::Named(name) => {
                    if let Some(&i) = index.get(name.as_str()) {
                        held.push((i, spent + named));
                    }
                    return;
                }
                Ty::Option(inner) => (ty, spent) = (inner, spent + option),
                Ty::Box(inner) => (ty, spent) = (inner, spent + boxed),
                Ty::Vec(inner) => (ty, spent) = (inner, spent + listed),
                Ty::Map(inner) => (ty, spent) = (inner, spent + map),
                _ => return,
            }
        }
    };
    api.types
        .iter()
        .map(|def| {
            let mut held: Vec<(usize, usize)> = Vec::new();
            match &def.kind {
                TypeKind::Struct(s) => {
                    for f in &s.fields {
                        // An optional field is an `Option` (or a `Patch`, one level too).
                        let wrapper = usize::from(f.repr != ir::FieldRepr::Plain);
                        walk(&f.ty, wrapper, &mut held);
                    }
                    for (_, ty) in &s.flattened {
                        walk(ty, 0, &mut held);
                    }
                    if let Some((_, ty)) = &s.additional {
                        walk(ty, map, &mut held);
                    }
                }
                // An alias is the type it names, at no cost of its own.
                TypeKind::Alias(ty) => {
                    let mut aliased = Vec::new();
                    walk(ty, 0, &mut aliased);
                    held.extend(aliased.into_iter().map(|(i, spent)| (i, spent - named)));
                }
                TypeKind::Newtype(ty) => walk(ty, 0, &mut held),
                TypeKind::Union(u) => {
                    for v in &u.variants {
                        walk(&v.ty, 0, &mut held);
                    }
                }
                TypeKind::Outcome(variants) => {
                    for v in variants {
                        if let ResponseBody::Json(ty) = &v.body {
                            walk(ty, 0, &mut held);
                        }
                    }
                }
                TypeKind::Enum(_) => {}
            }
            held
        })
        .collect()
}

/// The deepest depth `depths` finds from any type, and the type it starts from.
fn deepest(graph: &Graph, depths: fn(&Graph, usize, &mut [usize]) -> usize) -> (usize, usize) {
    let mut scratch = vec![usize::MAX; graph.len()];
    (0..graph.len())
        .map(|root| (depths(graph, root, &mut scratch), root))
        .max_by_key(|&(depth, root)| (depth, std::cmp::Reverse(root)))
        .unwrap_or((0, 0))
}

/// The deepest of the cheapest depths at which the types `root` holds are reached.
fn shortest_depths(graph: &Graph, root: usize, depth: &mut [usize]) -> usize {
    depth.fill(usize::MAX);
    let mut queue = std::collections::BinaryHeap::new();
    depth[root] = 0;
    queue.push(std::cmp::Reverse((0, root)));
    let mut deepest = 0;
    while let Some(std::cmp::Reverse((at, node))) = queue.pop() {
        if at > depth[node] {
            continue;
        }
        deepest = deepest.max(at);
        for &(next, cost) in &graph[node] {
            if at + cost < depth[next] {
                depth[next] = at + cost;
                queue.push(std::cmp::Reverse((at + cost, next)));
            }
        }
    }
    deepest
}

/// The deepest depth at which a walk from `root` that pushes each type once, one level
/// (the edge's cost) below the type that first names it, and takes the last pushed
/// first, reaches a type.
fn first_push_depths(graph: &Graph, root: usize, depth: &mut [usize]) -> usize {
    depth.fill(usize::MAX);
    depth[root] = 0;
    let mut stack = vec![root];
    let mut deepest = 0;
    while let Some(node) = stack.pop() {
        let at = depth[node];
        deepest = deepest.max(at);
        for &(next, cost) in &graph[node] {
            if depth[next] == usize::MAX {
                depth[next] = at + cost;
                stack.push(next);
            }
        }
    }
    deepest
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
        for (_, body) in &r.media {
            any_body_named(body, &mut out);
        }
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
