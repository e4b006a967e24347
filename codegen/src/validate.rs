//! Validation: consistency checks on the loaded document that the typed model does not
//! enforce, reported before lowering so that lowering can rely on them.

use openapiv3::{OpenAPI, Parameter, ReferenceOr};

use crate::diagnostics::{Diagnostic, Pointer};

/// Every problem found, errors and warnings, in document order.
pub fn validate(doc: &OpenAPI) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (path, item) in &doc.paths.paths {
        let at = Pointer::root().push("paths").push(path);
        if !path.starts_with('/') {
            out.push(Diagnostic::error(&at, "a path must start with `/`"));
        }
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        let template = match template_names(path) {
            Ok(names) => names,
            Err(message) => {
                out.push(Diagnostic::error(&at, message));
                continue;
            }
        };
        for (method, op) in item.iter() {
            let op_at = at.push(method);
            let declared: Vec<(&str, Pointer)> = item
                .parameters
                .iter()
                .enumerate()
                .map(|(i, p)| (p, at.push("parameters").push(i.to_string())))
                .chain(
                    op.parameters
                        .iter()
                        .enumerate()
                        .map(|(i, p)| (p, op_at.push("parameters").push(i.to_string()))),
                )
                .filter_map(|(p, p_at)| path_param_name(doc, p).map(|name| (name, p_at)))
                .collect();
            for name in &template {
                if !declared.iter().any(|(d, _)| d == name) {
                    out.push(Diagnostic::error(
                        &op_at,
                        format!("the path uses `{{{name}}}` but the operation declares no path parameter `{name}`"),
                    ));
                }
            }
            for (name, p_at) in &declared {
                if !template.contains(name) {
                    out.push(Diagnostic::warning(
                        p_at,
                        format!("path parameter `{name}` does not appear in the path `{path}`; it is ignored"),
                    ));
                }
            }
        }
    }
    out
}

/// Names between braces in a path template, or why the template is malformed.
fn template_names(path: &str) -> Result<Vec<&str>, String> {
    let mut names = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find(['{', '}']) {
        if rest[open..].starts_with('}') {
            return Err("unbalanced `}` in the path template".to_owned());
        }
        let Some(close) = rest[open + 1..].find(['{', '}']).map(|c| open + 1 + c) else {
            return Err("unbalanced `{` in the path template".to_owned());
        };
        if rest[close..].starts_with('{') {
            return Err("nested `{` in the path template".to_owned());
        }
        let name = &rest[open + 1..close];
        if name.is_empty() {
            return Err("empty `{}` in the path template".to_owned());
        }
        names.push(name);
        rest = &rest[close + 1..];
    }
    Ok(names)
}

/// The name of a path parameter, following a `$ref` into `components.parameters`.
fn path_param_name<'a>(doc: &'a OpenAPI, p: &'a ReferenceOr<Parameter>) -> Option<&'a str> {
    let p = match p {
        ReferenceOr::Item(p) => p,
        ReferenceOr::Reference { reference } => {
            let name = crate::lower::ref_name(reference, "parameters").ok()?;
            doc.components.as_ref()?.parameters.get(&name)?.as_item()?
        }
    };
    match p {
        Parameter::Path { parameter_data, .. } => Some(&parameter_data.name),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_are_parsed_or_rejected() {
        assert_eq!(template_names("/a/{id}/b/{x}"), Ok(vec!["id", "x"]));
        assert!(template_names("/a/{id").is_err());
        assert!(template_names("/a/id}").is_err());
        assert!(template_names("/a/{}").is_err());
        assert!(template_names("/a/{{x}}").is_err());
    }
}
