//! Validation: consistency checks on the loaded document that the typed model does not
//! enforce, reported before lowering so that lowering can rely on them. Defects lowering
//! can work around (a path parameter missing or unused, say) are its to report.

use openapiv3::OpenAPI;

use crate::diagnostics::{Diagnostic, Pointer};

/// Every problem found, errors and warnings, in document order.
pub fn validate(doc: &OpenAPI) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for path in doc.paths.paths.keys() {
        let at = Pointer::root().push("paths").push(path);
        if !path.starts_with('/') {
            out.push(Diagnostic::error(&at, "a path must start with `/`"));
        }
        if let Err(message) = template_names(path) {
            out.push(Diagnostic::error(&at, message));
        }
    }
    out
}

/// Names between braces in a path template, or why the template is malformed.
pub(crate) fn template_names(path: &str) -> Result<Vec<&str>, String> {
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
