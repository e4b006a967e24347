//! The last lowering pass, over the IR alone: which types travel in requests and which in
//! responses (that decides how fields carry absence and null), which fields need a `Box`
//! to break recursion, which aliases must become newtypes, and the final order.

use std::collections::HashMap;

use crate::diagnostics::Diagnostic;
use crate::ir::{self, FieldRepr, Ty, TypeKind};

pub(crate) fn finalize(api: &mut ir::Api) -> Vec<Diagnostic> {
    api.types.sort_by(|a, b| a.name.cmp(&b.name));
    let index: HashMap<String, usize> = api
        .types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.clone(), i))
        .collect();
    let mut diagnostics = Vec::new();

    let (in_request, _in_response) = usage(api, &index);
    for (i, def) in api.types.iter_mut().enumerate() {
        if let TypeKind::Struct(s) = &mut def.kind {
            for f in &mut s.fields {
                f.repr = match (f.required, f.nullable) {
                    (true, false) => FieldRepr::Plain,
                    (true, true) => FieldRepr::Nullable,
                    (false, true) if in_request[i] => FieldRepr::Patch,
                    (false, _) => FieldRepr::Optional,
                };
            }
            s.derive_default = s
                .fields
                .iter()
                .all(|f| matches!(f.repr, FieldRepr::Optional | FieldRepr::Patch));
        }
    }

    break_recursion(api, &index, &mut diagnostics);
    diagnostics
}

/// Names of generated types that `ty` mentions; `direct` limits this to those stored inline
/// (not behind a `Vec`, map or `Box`), which are the ones that make a type infinitely large.
fn named_in<'t>(ty: &'t Ty, direct: bool, out: &mut Vec<&'t str>) {
    match ty {
        Ty::Named(n) => out.push(n),
        Ty::Option(inner) => named_in(inner, direct, out),
        Ty::Vec(inner) | Ty::Map(inner) | Ty::Box(inner) => {
            if !direct {
                named_in(inner, direct, out);
            }
        }
        Ty::Bool
        | Ty::I32
        | Ty::I64
        | Ty::F32
        | Ty::F64
        | Ty::String
        | Ty::Json
        | Ty::JsonObject => {}
    }
}

fn edges(def: &ir::TypeDef, direct: bool) -> Vec<&str> {
    let mut out = Vec::new();
    match &def.kind {
        TypeKind::Struct(s) => {
            for f in &s.fields {
                named_in(&f.ty, direct, &mut out);
            }
        }
        TypeKind::Alias(ty) | TypeKind::Newtype(ty) => named_in(ty, direct, &mut out),
        TypeKind::Enum(_) => {}
    }
    out
}

/// Marks every type reachable from request inputs and from responses.
fn usage(api: &ir::Api, index: &HashMap<String, usize>) -> (Vec<bool>, Vec<bool>) {
    let mut request_roots = Vec::new();
    let mut response_roots = Vec::new();
    for op in &api.operations {
        for p in &op.params {
            named_in(&p.ty, false, &mut request_roots);
        }
        if let Some(body) = &op.body {
            named_in(&body.ty, false, &mut request_roots);
        }
        for r in &op.responses {
            if let Some(ty) = &r.body {
                named_in(ty, false, &mut response_roots);
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
    (reach(request_roots), reach(response_roots))
}

/// Whether `from` reaches `to` through direct (unboxed) containment.
fn reaches(api: &ir::Api, index: &HashMap<String, usize>, from: usize, to: usize) -> bool {
    let mut seen = vec![false; api.types.len()];
    let mut stack = vec![from];
    while let Some(i) = stack.pop() {
        if i == to {
            return true;
        }
        if std::mem::replace(&mut seen[i], true) {
            continue;
        }
        stack.extend(
            edges(&api.types[i], true)
                .iter()
                .filter_map(|n| index.get(*n).copied()),
        );
    }
    false
}

/// Boxes struct fields that would make a type contain itself, turns aliases that mention
/// themselves into newtypes (a Rust alias cannot be recursive), and reports reference
/// cycles that no object interrupts.
fn break_recursion(
    api: &mut ir::Api,
    index: &HashMap<String, usize>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let n = api.types.len();
    let mut to_box: Vec<(usize, usize)> = Vec::new();
    let mut to_newtype = Vec::new();
    for i in 0..n {
        match &api.types[i].kind {
            TypeKind::Struct(s) => {
                for (fi, f) in s.fields.iter().enumerate() {
                    let mut direct = Vec::new();
                    named_in(&f.ty, true, &mut direct);
                    if direct
                        .iter()
                        .filter_map(|d| index.get(*d))
                        .any(|&t| reaches(api, index, t, i))
                    {
                        to_box.push((i, fi));
                    }
                }
            }
            TypeKind::Alias(ty) => {
                let mut all = Vec::new();
                named_in(ty, false, &mut all);
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
                } else if all
                    .iter()
                    .filter_map(|d| index.get(*d))
                    .any(|&t| reaches_any(api, index, t, i))
                {
                    to_newtype.push(i);
                }
            }
            TypeKind::Enum(_) | TypeKind::Newtype(_) => {}
        }
    }
    for (i, fi) in to_box {
        if let TypeKind::Struct(s) = &mut api.types[i].kind {
            let f = &mut s.fields[fi];
            f.ty = Ty::Box(Box::new(std::mem::replace(&mut f.ty, Ty::Json)));
        }
    }
    for i in to_newtype {
        if let TypeKind::Alias(ty) = &api.types[i].kind {
            api.types[i].kind = TypeKind::Newtype(ty.clone());
        }
    }
}

/// Whether `from` reaches `to` through anything (used for aliases, which may not recurse at all).
fn reaches_any(api: &ir::Api, index: &HashMap<String, usize>, from: usize, to: usize) -> bool {
    let mut seen = vec![false; api.types.len()];
    let mut stack = vec![from];
    while let Some(i) = stack.pop() {
        if i == to {
            return true;
        }
        if std::mem::replace(&mut seen[i], true) {
            continue;
        }
        stack.extend(
            edges(&api.types[i], false)
                .iter()
                .filter_map(|n| index.get(*n).copied()),
        );
    }
    false
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
