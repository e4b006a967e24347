//! Per-tag Cargo features, decided once for emitting to follow: one feature per tag that
//! operations carry and one for the operations without a tag. An operation compiles under
//! the features of its tags; a type under those of every operation that reaches it,
//! through fields, variants, aliases and the inline types nested in it. A type that no
//! operation reaches compiles in every build, and so does all it reaches.

use std::collections::{BTreeSet, HashMap};

use super::finalize::{edges, operation_types};
use crate::ir::{self, Feature, Gate};

/// The crate's own features, which no tag's may take.
const RESERVED: [&str; 6] = [
    "default",
    "http2",
    "mock",
    "native-tls",
    "rustls",
    "tracing",
];

/// The name of the feature of operations without a tag.
const UNTAGGED: &str = "untagged";

/// Makes the features of `api`'s operations (in the order of `declared`, the document's
/// `tags`, then the others by name; the list sorted by feature name, untagged last) and
/// gates every operation and type. An API whose operations all fall in one group gets no
/// features: there would be nothing to leave out.
pub(super) fn assign(api: &mut ir::Api, declared: &[openapiv3::Tag]) {
    let tag_of = |t: &str| t.trim().to_owned();
    let used: BTreeSet<String> = api
        .operations
        .iter()
        .flat_map(|op| op.tags.iter().map(|t| tag_of(t)))
        .filter(|t| !t.is_empty())
        .collect();
    let untagged = api
        .operations
        .iter()
        .filter(|op| op.tags.iter().all(|t| t.trim().is_empty()))
        .count();
    if used.len() + usize::from(untagged > 0) < 2 {
        return;
    }
    let mut order: Vec<String> = Vec::new();
    for tag in declared {
        let tag = tag_of(&tag.name);
        if used.contains(&tag) && !order.contains(&tag) {
            order.push(tag);
        }
    }
    for tag in &used {
        if !order.contains(tag) {
            order.push(tag.clone());
        }
    }
    let mut taken: BTreeSet<String> = RESERVED.iter().map(|&r| r.to_owned()).collect();
    let mut claim = |preferred: &str| {
        let mut name = preferred.to_owned();
        let mut n = 2;
        while !taken.insert(name.clone()) {
            name = format!("{preferred}-{n}");
            n += 1;
        }
        name
    };
    let mut features: Vec<Feature> = order
        .iter()
        .map(|tag| {
            let words = crate::names::words(tag);
            let preferred = if words.is_empty() {
                "tag".to_owned()
            } else {
                words.join("-")
            };
            Feature {
                name: claim(&preferred),
                tag: Some(tag.clone()),
                description: declared
                    .iter()
                    .find(|d| tag_of(&d.name) == *tag)
                    .and_then(|d| d.description.clone()),
                operations: 0,
            }
        })
        .collect();
    features.sort_by(|a, b| a.name.cmp(&b.name));
    if untagged > 0 {
        features.push(Feature {
            name: claim(UNTAGGED),
            tag: None,
            description: None,
            operations: 0,
        });
    }
    let by_tag: HashMap<String, usize> = features
        .iter()
        .enumerate()
        .filter_map(|(i, f)| f.tag.clone().map(|t| (t, i)))
        .collect();
    let untagged_feature = features.len() - 1;
    for op in &mut api.operations {
        let set: BTreeSet<usize> = op
            .tags
            .iter()
            .filter_map(|t| by_tag.get(&tag_of(t)).copied())
            .collect();
        op.gate = if set.is_empty() {
            Gate::feature(untagged_feature)
        } else {
            Gate::Any(set)
        };
        if let Gate::Any(set) = &op.gate {
            for &i in set {
                features[i].operations += 1;
            }
        }
    }
    api.features = features;
    gate_types(api);
}

/// Gives each type the gate of the operations that reach it; a type none reaches, and all
/// it reaches, compiles always.
fn gate_types(api: &mut ir::Api) {
    let index: HashMap<&str, usize> = api
        .types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.as_str(), i))
        .collect();
    let graph: Vec<Vec<usize>> = api
        .types
        .iter()
        .map(|t| {
            edges(t, false)
                .iter()
                .filter_map(|n| index.get(n).copied())
                .collect()
        })
        .collect();
    let mut gates: Vec<Option<Gate>> = vec![None; api.types.len()];
    let next = |t: usize| graph[t].iter().copied();
    let reached = api.operations.iter().flat_map(|op| {
        operation_types(op)
            .into_iter()
            .filter_map(|name| index.get(name).map(|&t| (t, op.gate.clone())))
    });
    Gate::spread(&mut gates, reached, next);
    let unreached: Vec<(usize, Gate)> = (0..api.types.len())
        .filter(|&t| gates[t].is_none())
        .map(|t| (t, Gate::Always))
        .collect();
    Gate::spread(&mut gates, unreached, next);
    for (def, gate) in api.types.iter_mut().zip(gates) {
        def.gate = gate.unwrap_or_default();
    }
}
