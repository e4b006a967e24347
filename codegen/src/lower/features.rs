//! Cargo features, decided once for emitting to follow: one per tag that operations
//! carry and one for the operations without a tag, or, for a document without tags (or
//! when asked), one per resource, the first segment of the path after the prefix all
//! paths share. An operation compiles under the features of its groups; a type under
//! those of every operation that reaches it, through fields, variants, aliases and the
//! inline types nested in it. The types no operation reaches, and all they reach, get a
//! feature of their own.

use std::collections::{BTreeSet, HashMap};

use super::finalize::{edges, operation_types};
use crate::ir::{self, Feature, FeatureGroup, Gate};
use crate::options::Grouping;

/// The crate's own features, which no group's may take.
const RESERVED: [&str; 7] = [
    "default",
    "http2",
    "mock",
    "native-tls",
    "record",
    "rustls",
    "tracing",
];

/// The name of the feature of operations without a tag.
const UNTAGGED: &str = "untagged";

/// The most resources that get features: crates.io takes at most 300 features.
const MAX_RESOURCE_FEATURES: usize = 280;

/// The name of the feature of the types no operation uses.
const UNUSED: &str = "unused-schemas";

/// Makes the features of `api`'s operations as `grouping` asks (in the order of
/// `declared`, the document's `tags`, then the others by name; the list sorted by
/// feature name, untagged then unused schemas last) and gates every operation and type.
/// An API whose operations all fall in one group gets no features: there would be
/// nothing to leave out.
pub(super) fn assign(api: &mut ir::Api, declared: &[openapiv3::Tag], grouping: Grouping) {
    let tag_of = |t: &str| t.trim().to_owned();
    let tagged = api
        .operations
        .iter()
        .any(|op| op.tags.iter().any(|t| !t.trim().is_empty()));
    let groups: Vec<Option<FeatureGroup>> = match grouping {
        Grouping::None => return,
        Grouping::Tags if tagged => api
            .operations
            .iter()
            .map(|op| {
                op.tags
                    .iter()
                    .map(|t| tag_of(t))
                    .find(|t| !t.is_empty())
                    .map(FeatureGroup::Tag)
            })
            .collect(),
        Grouping::Tags | Grouping::Paths => resources(api).into_iter().map(Some).collect(),
    };
    // An operation with several tags is in each of them.
    let op_groups: Vec<Vec<FeatureGroup>> = api
        .operations
        .iter()
        .zip(&groups)
        .map(|(op, group)| match group {
            Some(FeatureGroup::Tag(_)) => op
                .tags
                .iter()
                .map(|t| tag_of(t))
                .filter(|t| !t.is_empty())
                .map(FeatureGroup::Tag)
                .collect(),
            Some(group) => vec![group.clone()],
            None => Vec::new(),
        })
        .collect();
    let used: BTreeSet<String> = op_groups.iter().flatten().filter_map(group_key).collect();
    let untagged = op_groups.iter().filter(|g| g.is_empty()).count();
    if used.len() + usize::from(untagged > 0) < 2 {
        return;
    }
    // Paths that name no resources shared by several operations (`/things1`,
    // `/things2`, ...) would make more features than a registry takes.
    let by_resource = op_groups
        .iter()
        .flatten()
        .any(|g| matches!(g, FeatureGroup::Resource(_)));
    if by_resource && used.len() > MAX_RESOURCE_FEATURES {
        return;
    }
    let mut order: Vec<String> = Vec::new();
    for tag in declared {
        let tag = tag_of(&tag.name);
        if used.contains(&tag) && !order.contains(&tag) {
            order.push(tag);
        }
    }
    for key in &used {
        if !order.contains(key) {
            order.push(key.clone());
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
    let group_of_key: HashMap<String, FeatureGroup> = op_groups
        .iter()
        .flatten()
        .filter_map(|g| group_key(g).map(|k| (k, g.clone())))
        .collect();
    let mut features: Vec<Feature> = order
        .iter()
        .map(|key| {
            let words = crate::names::words(key);
            let preferred = if words.is_empty() {
                "tag".to_owned()
            } else {
                words.join("-")
            };
            Feature {
                name: claim(&preferred),
                group: group_of_key[key].clone(),
                description: declared
                    .iter()
                    .find(|d| tag_of(&d.name) == *key)
                    .and_then(|d| d.description.clone()),
                operations: 0,
            }
        })
        .collect();
    features.sort_by(|a, b| a.name.cmp(&b.name));
    if untagged > 0 {
        features.push(Feature {
            name: claim(UNTAGGED),
            group: FeatureGroup::Untagged,
            description: None,
            operations: 0,
        });
    }
    let by_key: HashMap<String, usize> = features
        .iter()
        .enumerate()
        .filter_map(|(i, f)| group_key(&f.group).map(|k| (k, i)))
        .collect();
    let untagged_feature = features.len() - 1;
    for (op, groups) in api.operations.iter_mut().zip(&op_groups) {
        let set: BTreeSet<usize> = groups
            .iter()
            .filter_map(|g| group_key(g).and_then(|k| by_key.get(&k).copied()))
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
    let unused = claim(UNUSED);
    api.features = features;
    gate_types(api, unused);
}

/// The key a group's feature is named from: the tag, or the resource's segment.
fn group_key(group: &FeatureGroup) -> Option<String> {
    match group {
        FeatureGroup::Tag(tag) => Some(tag.clone()),
        FeatureGroup::Resource(path) => {
            Some(path.rsplit('/').next().unwrap_or_default().to_owned())
        }
        FeatureGroup::Untagged | FeatureGroup::Unused => None,
    }
}

/// Each operation's resource: the prefix all paths share (whole segments, none a
/// parameter), then the next segment that is not a parameter. An operation whose path
/// has nothing after the prefix is in the prefix's own group.
fn resources(api: &ir::Api) -> Vec<FeatureGroup> {
    let segments = |path: &str| -> Vec<String> {
        path.split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let paths: Vec<Vec<String>> = api.operations.iter().map(|op| segments(&op.path)).collect();
    let is_param = |s: &str| s.starts_with('{');
    let mut prefix = 0;
    if let Some(first) = paths.first() {
        'grow: while prefix < first.len() && !is_param(&first[prefix]) {
            for path in &paths {
                if path.get(prefix) != Some(&first[prefix]) {
                    break 'grow;
                }
            }
            prefix += 1;
        }
    }
    // The shared prefix never swallows the resource of a path that has nothing after it.
    while prefix > 0 && paths.iter().any(|p| p.len() == prefix) {
        prefix -= 1;
    }
    paths
        .iter()
        .map(|path| {
            let resource = path[prefix..].iter().find(|s| !is_param(s));
            let mut at: Vec<&str> = path[..prefix].iter().map(String::as_str).collect();
            at.push(resource.map_or("root", String::as_str));
            FeatureGroup::Resource(format!("/{}", at.join("/")))
        })
        .collect()
}

/// Gives each type the gate of the operations that reach it; a type none reaches, and all
/// it reaches, gets the feature `unused` (added to the API's when there is such a type).
fn gate_types(api: &mut ir::Api, unused: String) {
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
    let unreached: Vec<usize> = (0..api.types.len())
        .filter(|&t| gates[t].is_none())
        .collect();
    if !unreached.is_empty() {
        api.features.push(Feature {
            name: unused,
            group: FeatureGroup::Unused,
            description: None,
            operations: 0,
        });
    }
    let unused = Gate::feature(api.features.len() - 1);
    let unreached: Vec<(usize, Gate)> =
        unreached.into_iter().map(|t| (t, unused.clone())).collect();
    Gate::spread(&mut gates, unreached, next);
    for (def, gate) in api.types.iter_mut().zip(gates) {
        def.gate = gate.unwrap_or_default();
    }
}
