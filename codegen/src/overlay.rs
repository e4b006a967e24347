//! Overlays: a user's corrections to a document, kept apart from it so that they survive
//! when the vendor's document is replaced by a newer one. An overlay (the OpenAPI Overlay
//! Specification, 1.0 or 1.1) is a list of actions, each selecting nodes of the document
//! with an RFC 9535 JSONPath and merging a value into them (`update`), replacing them with
//! another node's value merged in (`copy`, 1.1) or removing them (`remove`). They are
//! applied in order to the document's tree before anything reads it, and every node an
//! action writes is remembered, so that a diagnostic about it can point at the action.

use serde_json::Value;
use serde_json_path::JsonPath;

use crate::diagnostics::{Diagnostic, Pointer};

/// An overlay: corrections to a document in the OpenAPI Overlay format (1.0 or 1.1),
/// applied to it before it is read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Overlay {
    /// How diagnostics and the generated files' headers name it (its path, say).
    pub name: String,
    /// Its text, YAML or JSON.
    pub text: String,
}

impl Overlay {
    /// The overlay `name`, whose text is `text`.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        Overlay {
            name: name.into(),
            text: text.into(),
        }
    }
}

/// Which action wrote which nodes of the document.
#[derive(Clone, Debug, Default)]
pub(crate) struct Provenance {
    /// Each node an action wrote (as a `#/...` pointer), with the action, in the order
    /// written: a later entry overrides an earlier one for the same node.
    written: Vec<(String, Action)>,
}

/// An action of an overlay, as a diagnostic names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Action {
    /// The overlay's name.
    pub overlay: String,
    /// The action's position in its overlay's list, from 1.
    pub number: usize,
    /// The action's `description`, if it has one.
    pub description: Option<String>,
    /// Where the action starts in the overlay's text.
    pub location: Option<(usize, usize)>,
}

impl Provenance {
    /// The action that last wrote the node at `pointer`, or a node holding it.
    pub(crate) fn writer(&self, pointer: &str) -> Option<&Action> {
        self.written
            .iter()
            .rev()
            .find(|(written, _)| {
                pointer == written
                    || pointer
                        .strip_prefix(written.as_str())
                        .is_some_and(|rest| rest.starts_with('/'))
            })
            .map(|(_, action)| action)
    }
}

/// Places a diagnostic about a node `action` wrote at the action, and says so.
pub(crate) fn attribute(diagnostic: &mut Diagnostic, action: &Action) {
    diagnostic.file = Some(action.overlay.clone());
    diagnostic.location = action.location;
    let about = match &action.description {
        Some(description) => format!(" ({})", description.trim()),
        None => String::new(),
    };
    diagnostic.message = format!(
        "{} [the node was written by action {}{about} of the overlay]",
        diagnostic.message, action.number
    );
}

/// What applying overlays gave: who wrote what, and the problems found.
pub(crate) struct Applied {
    pub provenance: Provenance,
    /// Errors in the overlays (malformed documents, targets that are not JSONPath), and
    /// warnings about actions that changed nothing, each located in its overlay.
    pub diagnostics: Vec<Diagnostic>,
}

/// Applies `overlays`, in order, to the document `doc`. An overlay with errors is not
/// applied at all.
pub(crate) fn apply(doc: &mut Value, overlays: &[Overlay]) -> Applied {
    let mut provenance = Provenance::default();
    let mut diagnostics = Vec::new();
    for overlay in overlays {
        let mut found = Vec::new();
        match crate::loader::parse_tree(&overlay.text) {
            Ok(tree) => {
                if let Some(actions) = check(&tree, &mut found) {
                    if !found.iter().any(Diagnostic::is_error) {
                        for (index, action) in actions.iter().enumerate() {
                            run(doc, index, action, &mut provenance, &mut found);
                        }
                    }
                }
            }
            Err(d) => found.push(d),
        }
        locate_in(overlay, &mut found, &mut provenance);
        diagnostics.extend(found);
    }
    Applied {
        provenance,
        diagnostics,
    }
}

/// One action, checked: what it selects, and what it does there.
struct Checked {
    target: JsonPath,
    description: Option<String>,
    change: Change,
}

enum Change {
    Remove,
    Update(Value),
    /// The one node the path selects is merged in as an update would be.
    Copy(JsonPath, String),
}

/// Checks an overlay's shape; its actions when they can be applied.
fn check(tree: &Value, found: &mut Vec<Diagnostic>) -> Option<Vec<Checked>> {
    let root = Pointer::root();
    let Some(map) = tree.as_object() else {
        found.push(Diagnostic::error("#", "an overlay must be a mapping"));
        return None;
    };
    let version = map.get("overlay").and_then(Value::as_str).unwrap_or("");
    let copies = if version.starts_with("1.0.") || version == "1.0" {
        false
    } else if version.starts_with("1.1.") || version == "1.1" {
        true
    } else {
        let shown = map
            .get("overlay")
            .map_or("nothing".to_owned(), Value::to_string);
        found.push(Diagnostic::error(
            root.push("overlay").as_str(),
            format!("`overlay` must name version 1.0.x or 1.1.x of the Overlay Specification (it is {shown})"),
        ));
        return None;
    };
    let info = map.get("info").and_then(Value::as_object);
    let named = info.is_some_and(|info| {
        info.get("title").is_some_and(Value::is_string)
            && info.get("version").is_some_and(Value::is_string)
    });
    if !named {
        found.push(Diagnostic::error(
            root.push("info").as_str(),
            "an overlay's `info` must give its `title` and `version` as strings",
        ));
    }
    let Some(actions) = map.get("actions").and_then(Value::as_array) else {
        found.push(Diagnostic::error(
            root.push("actions").as_str(),
            "an overlay must have a list of `actions`",
        ));
        return None;
    };
    if actions.is_empty() {
        found.push(Diagnostic::error(
            root.push("actions").as_str(),
            "an overlay's `actions` must not be empty",
        ));
    }
    let mut checked = Vec::new();
    for (index, action) in actions.iter().enumerate() {
        let at = root.push("actions").push(index.to_string());
        let mut error = |at: &Pointer, message: String| {
            found.push(Diagnostic::error(at.as_str(), message));
        };
        let Some(action) = action.as_object() else {
            error(&at, "an action must be a mapping".to_owned());
            continue;
        };
        let target = match action.get("target") {
            Some(Value::String(target)) => match JsonPath::parse(target) {
                Ok(path) => Some(path),
                Err(e) => {
                    error(
                        &at.push("target"),
                        format!("`{target}` is not an RFC 9535 JSONPath query: {e}"),
                    );
                    None
                }
            },
            _ => {
                error(
                    &at,
                    "an action must have a `target`, a JSONPath query".to_owned(),
                );
                None
            }
        };
        let description = match action.get("description") {
            None => None,
            Some(Value::String(text)) => Some(text.clone()),
            Some(_) => {
                error(
                    &at.push("description"),
                    "`description` must be text".to_owned(),
                );
                None
            }
        };
        let remove = match action.get("remove") {
            None => false,
            Some(Value::Bool(remove)) => *remove,
            Some(_) => {
                error(
                    &at.push("remove"),
                    "`remove` must be `true` or `false`".to_owned(),
                );
                false
            }
        };
        let copy = match action.get("copy") {
            None => None,
            Some(_) if !copies => {
                error(
                    &at.push("copy"),
                    "`copy` is an Overlay 1.1 action; this overlay says it is 1.0".to_owned(),
                );
                None
            }
            Some(Value::String(source)) => match JsonPath::parse(source) {
                Ok(path) => Some((path, source.clone())),
                Err(e) => {
                    error(
                        &at.push("copy"),
                        format!("`{source}` is not an RFC 9535 JSONPath query: {e}"),
                    );
                    None
                }
            },
            Some(_) => {
                error(
                    &at.push("copy"),
                    "`copy` must be a JSONPath query".to_owned(),
                );
                None
            }
        };
        let update = action.get("update");
        if update.is_some() && copy.is_some() {
            error(
                &at,
                "an action either updates or copies, not both".to_owned(),
            );
            continue;
        }
        // `remove: true` takes precedence over anything else the action says.
        let change = match (remove, update, copy) {
            (true, ..) => Change::Remove,
            (false, Some(update), None) => Change::Update(update.clone()),
            (false, None, Some((path, source))) => Change::Copy(path, source),
            (false, None, None) => {
                let what = if copies {
                    "`update`, `copy` or `remove: true`"
                } else {
                    "`update` or `remove: true`"
                };
                error(&at, format!("an action must have {what}"));
                continue;
            }
            (false, Some(_), Some(_)) => continue,
        };
        if let Some(target) = target {
            checked.push(Checked {
                target,
                description,
                change,
            });
        }
    }
    Some(checked)
}

/// Applies action `index`; what it writes is recorded under a placeholder action, located
/// later.
fn run(
    doc: &mut Value,
    index: usize,
    action: &Checked,
    provenance: &mut Provenance,
    found: &mut Vec<Diagnostic>,
) {
    let at = Pointer::root().push("actions").push(index.to_string());
    let targets: Vec<String> = action
        .target
        .query_located(doc)
        .locations()
        .map(|location| location.to_json_pointer())
        .collect();
    if targets.is_empty() {
        found.push(Diagnostic::warning(
            at.push("target").as_str(),
            "this action's target selects nothing in the document; the action changes nothing",
        ));
        return;
    }
    let placeholder = Action {
        overlay: String::new(),
        number: index + 1,
        description: action.description.clone(),
        location: None,
    };
    let mut written = Vec::new();
    match &action.change {
        Change::Remove => {
            // Later siblings first, so that removing one does not move the next.
            for target in targets.iter().rev() {
                if !remove(doc, target) {
                    found.push(Diagnostic::error(
                        at.push("target").as_str(),
                        "the document itself cannot be removed",
                    ));
                }
            }
        }
        Change::Update(update) => {
            for target in &targets {
                if let Some(node) = doc.pointer_mut(target) {
                    merge(node, update, &format!("#{target}"), &mut written);
                }
            }
        }
        Change::Copy(source, text) => {
            let selected: Vec<Value> = source.query(doc).all().into_iter().cloned().collect();
            let [copied] = selected.as_slice() else {
                found.push(Diagnostic::error(
                    at.push("copy").as_str(),
                    format!(
                        "`{text}` must select exactly one node to copy; it selects {}",
                        selected.len()
                    ),
                ));
                return;
            };
            for target in &targets {
                if let Some(node) = doc.pointer_mut(target) {
                    merge(node, copied, &format!("#{target}"), &mut written);
                }
            }
        }
    }
    provenance
        .written
        .extend(written.into_iter().map(|w| (w, placeholder.clone())));
}

/// Merges `update` into `node` (at `at`): objects key by key, recursively; into an array,
/// the update's items (or the update itself) are appended; anything else is replaced.
/// Every node written is added to `written`.
fn merge(node: &mut Value, update: &Value, at: &str, written: &mut Vec<String>) {
    match (node, update) {
        (Value::Object(into), Value::Object(from)) => {
            for (key, value) in from {
                let child = Pointer::from_fragment(at).push(key).as_str().to_owned();
                match into.get_mut(key) {
                    Some(existing) if existing.is_object() && value.is_object() => {
                        merge(existing, value, &child, written);
                    }
                    _ => {
                        into.insert(key.clone(), value.clone());
                        written.push(child);
                    }
                }
            }
        }
        (Value::Array(items), update) => {
            let added: Vec<Value> = match update {
                Value::Array(more) => more.clone(),
                one => vec![one.clone()],
            };
            for item in added {
                written.push(format!("{at}/{}", items.len()));
                items.push(item);
            }
        }
        (node, update) => {
            *node = update.clone();
            written.push(at.to_owned());
        }
    }
}

/// Removes the node at the RFC 6901 pointer `target` from its parent; `false` for the
/// whole document.
fn remove(doc: &mut Value, target: &str) -> bool {
    let Some((parent, last)) = target.rsplit_once('/') else {
        return false;
    };
    let key = last.replace("~1", "/").replace("~0", "~");
    match doc.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.shift_remove(&key);
        }
        Some(Value::Array(items)) => {
            if let Ok(index) = key.parse::<usize>() {
                if index < items.len() {
                    items.remove(index);
                }
            }
        }
        _ => {}
    }
    true
}

/// Gives an overlay's diagnostics, and the actions that wrote nodes, their file and line.
fn locate_in(overlay: &Overlay, found: &mut [Diagnostic], provenance: &mut Provenance) {
    let mut wanted: Vec<String> = found
        .iter()
        .filter(|d| d.location.is_none())
        .map(|d| d.pointer.clone())
        .collect();
    let unlocated: Vec<usize> = provenance
        .written
        .iter()
        .enumerate()
        .filter(|(_, (_, action))| action.overlay.is_empty())
        .map(|(i, _)| i)
        .collect();
    let actions: Vec<String> = unlocated
        .iter()
        .map(|&i| format!("#/actions/{}", provenance.written[i].1.number - 1))
        .collect();
    wanted.extend(actions.iter().cloned());
    let refs: Vec<&str> = wanted.iter().map(String::as_str).collect();
    let places = if refs.is_empty() {
        Vec::new()
    } else {
        crate::locate::locate(&overlay.text, &refs)
    };
    let mut places = places.into_iter();
    for d in found.iter_mut() {
        d.file = Some(overlay.name.clone());
        if d.location.is_none() {
            d.location = places.next().flatten();
        }
    }
    for i in unlocated {
        let action = &mut provenance.written[i].1;
        action.overlay.clone_from(&overlay.name);
        action.location = places.next().flatten();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn overlay(text: &str) -> Overlay {
        Overlay::new("fix.yaml", text)
    }

    #[test]
    fn updates_merge_recursively_and_arrays_grow() {
        let mut doc = json!({
            "info": {"title": "A", "contact": {"name": "x", "email": "e"}},
            "tags": [{"name": "a"}],
        });
        let applied = apply(
            &mut doc,
            &[overlay(
                "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.info\n    update: {contact: {name: y}, version: '2'}\n  - target: $.tags\n    update: {name: b}\n",
            )],
        );
        assert!(applied.diagnostics.is_empty(), "{:?}", applied.diagnostics);
        assert_eq!(
            doc,
            json!({
                "info": {"title": "A", "contact": {"name": "y", "email": "e"}, "version": "2"},
                "tags": [{"name": "a"}, {"name": "b"}],
            })
        );
        let writer = applied
            .provenance
            .writer("#/info/contact/name")
            .expect("written");
        assert_eq!(
            (writer.overlay.as_str(), writer.number, writer.location),
            ("fix.yaml", 1, Some((4, 5)))
        );
        assert_eq!(
            applied.provenance.writer("#/tags/1/name").map(|a| a.number),
            Some(2)
        );
        assert!(applied.provenance.writer("#/info/contact/email").is_none());
        assert!(applied.provenance.writer("#/tags/0").is_none());
    }

    #[test]
    fn removals_and_copies_follow_their_targets() {
        let mut doc = json!({"a": [1, 2, 3, 4], "b": {"x": 1}, "c": {"y": 2}});
        let applied = apply(
            &mut doc,
            &[overlay(
                "overlay: 1.1.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.a[?@ > 1]\n    remove: true\n  - target: $.c\n    copy: $.b\n",
            )],
        );
        assert!(applied.diagnostics.is_empty(), "{:?}", applied.diagnostics);
        assert_eq!(doc, json!({"a": [1], "b": {"x": 1}, "c": {"y": 2, "x": 1}}));
    }

    #[test]
    fn an_action_selecting_nothing_is_a_located_warning() {
        let mut doc = json!({"a": 1});
        let applied = apply(
            &mut doc,
            &[overlay(
                "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.a\n    update: 2\n  - target: $.missing\n    update: {x: 1}\n",
            )],
        );
        assert_eq!(doc, json!({"a": 2}));
        let [warning] = applied.diagnostics.as_slice() else {
            panic!("one warning expected: {:?}", applied.diagnostics);
        };
        assert!(!warning.is_error());
        assert_eq!(warning.file.as_deref(), Some("fix.yaml"));
        assert_eq!(warning.pointer, "#/actions/1/target");
        assert_eq!(warning.location, Some((6, 5)));
    }

    #[test]
    fn malformed_overlays_are_located_errors_and_change_nothing() {
        for (text, pointer, line) in [
            (
                "overlay: 2.0.0\ninfo: {title: t, version: '1'}\nactions: []\n",
                "#/overlay",
                1,
            ),
            (
                "overlay: 1.0.0\ninfo: {title: t}\nactions:\n  - target: $.a\n    remove: true\n",
                "#/info",
                2,
            ),
            (
                "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.a\n    copy: $.b\n",
                "#/actions/0/copy",
                5,
            ),
            (
                "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: '$[?'\n    remove: true\n",
                "#/actions/0/target",
                4,
            ),
            (
                "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.a\n",
                "#/actions/0",
                4,
            ),
            (
                "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.a\n    remove: yes please\n",
                "#/actions/0/remove",
                5,
            ),
        ] {
            let mut doc = json!({"a": 1, "b": 2});
            let applied = apply(&mut doc, &[overlay(text)]);
            assert_eq!(doc, json!({"a": 1, "b": 2}), "{text}");
            let error = applied
                .diagnostics
                .iter()
                .find(|d| d.is_error())
                .unwrap_or_else(|| panic!("an error expected for {text:?}"));
            assert_eq!(
                (error.pointer.as_str(), error.location.map(|l| l.0)),
                (pointer, Some(line)),
                "{text}"
            );
            assert_eq!(error.file.as_deref(), Some("fix.yaml"));
        }
        let mut doc = json!({"a": 1});
        let applied = apply(&mut doc, &[overlay("overlay: [")]);
        assert!(applied.diagnostics[0].is_error());
        assert_eq!(applied.diagnostics[0].file.as_deref(), Some("fix.yaml"));
    }
}
