//! Source positions for JSON pointers. The typed model keeps no positions, so when there are
//! diagnostics to report, the source is scanned once more with an event parser and each
//! wanted pointer is matched to the line and column where its node (or its key) starts.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser};

use crate::diagnostics::Pointer;

enum Frame {
    Map {
        key: Option<String>,
        key_mark: (usize, usize),
    },
    Seq {
        next: usize,
    },
}

/// Returns the 1-based (line, column) of each pointer in `wanted`, `None` where the pointer
/// names no node of the source (or the source does not parse).
pub fn locate(text: &str, wanted: &[&str]) -> Vec<Option<(usize, usize)>> {
    let mut found: HashMap<&str, (usize, usize)> = HashMap::new();
    let remaining: HashMap<&str, ()> = wanted.iter().map(|w| (*w, ())).collect();
    if remaining.is_empty() {
        return Vec::new();
    }

    let mut stack: Vec<(Frame, Pointer)> = Vec::new();
    let mut parser = Parser::new_from_str(text);
    while let Some(Ok((event, span))) = parser.next_event() {
        let mark = (span.start.line(), span.start.col() + 1);
        match event {
            Event::Scalar(value, ..) => {
                if let Some((Frame::Map { key, key_mark }, _)) = stack.last_mut() {
                    if key.is_none() {
                        *key = Some(value.into_owned());
                        *key_mark = mark;
                        continue;
                    }
                }
                let (pointer, at) = child(&mut stack, mark);
                record(&mut found, &remaining, pointer, at);
            }
            Event::Alias(_) => {
                child(&mut stack, mark);
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let is_map = matches!(event, Event::MappingStart(..));
                let (pointer, at) = match stack.last() {
                    None => (Pointer::root(), mark),
                    Some(_) => child(&mut stack, mark),
                };
                record(&mut found, &remaining, pointer.clone(), at);
                let frame = if is_map {
                    Frame::Map {
                        key: None,
                        key_mark: mark,
                    }
                } else {
                    Frame::Seq { next: 0 }
                };
                stack.push((frame, pointer));
            }
            Event::MappingEnd | Event::SequenceEnd => {
                stack.pop();
            }
            Event::DocumentEnd => break,
            _ => {}
        }
    }
    wanted.iter().map(|w| found.get(w).copied()).collect()
}

fn record<'w>(
    found: &mut HashMap<&'w str, (usize, usize)>,
    remaining: &HashMap<&'w str, ()>,
    pointer: Pointer,
    at: (usize, usize),
) {
    if let Some((key, ())) = remaining.get_key_value(pointer.as_str()) {
        found.entry(key).or_insert(at);
    }
}

/// Advances the innermost container past one child node and returns the child's pointer
/// and position (the key's position for mapping values, which is where editors should jump).
fn child(stack: &mut [(Frame, Pointer)], mark: (usize, usize)) -> (Pointer, (usize, usize)) {
    match stack.last_mut() {
        Some((Frame::Map { key, key_mark }, parent)) => {
            let name = key.take().unwrap_or_default();
            (parent.push(name), *key_mark)
        }
        Some((Frame::Seq { next }, parent)) => {
            let p = parent.push(next.to_string());
            *next += 1;
            (p, mark)
        }
        None => (Pointer::root(), mark),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_yaml_and_json_nodes() {
        let yaml = "openapi: 3.0.0\npaths:\n  /a/{id}:\n    get:\n      parameters:\n        - name: id\n          in: path\n";
        let got = locate(
            yaml,
            &[
                "#/paths/~1a~1{id}/get",
                "#/paths/~1a~1{id}/get/parameters/0/in",
                "#/nope",
                "#",
            ],
        );
        assert_eq!(got, vec![Some((4, 5)), Some((7, 11)), None, Some((1, 1))]);

        let json = "{\n  \"paths\": {\n    \"/a\": {\"get\": {}}\n  }\n}";
        assert_eq!(locate(json, &["#/paths/~1a/get"]), vec![Some((3, 12))]);
    }

    #[test]
    fn broken_source_yields_no_positions() {
        assert_eq!(locate("a: [\n", &["#/a/0"]), vec![None]);
    }
}
