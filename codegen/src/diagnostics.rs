//! Diagnostics: every problem found in a spec, located by JSON pointer and, where the
//! loader knows it, by line and column. Errors stop generation; warnings mark a construct
//! that was degraded while the output still compiles.

use std::fmt;

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// A construct was degraded (for example to `serde_json::Value`); the output still compiles.
    Warning,
    /// The spec cannot be turned into code; no output is produced.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// One problem in a spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// JSON pointer (RFC 6901) to the offending node, as a URI fragment: `#/paths/...`.
    pub pointer: String,
    /// What is wrong, and where useful what to do about it.
    pub message: String,
    /// 1-based line and column of the node in the source text, when known.
    pub location: Option<(usize, usize)>,
    /// The file `location` is in, when it is not the document itself: the overlay that
    /// wrote the node, or that has the problem.
    pub file: Option<String>,
}

impl Diagnostic {
    /// An error at `pointer`.
    pub fn error(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            pointer: pointer.into(),
            message: message.into(),
            location: None,
            file: None,
        }
    }

    /// A warning at `pointer`.
    pub fn warning(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            pointer: pointer.into(),
            message: message.into(),
            location: None,
            file: None,
        }
    }

    /// Whether this diagnostic stops generation.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Formats the diagnostic as `FILE:LINE:COL: severity: POINTER: message`, the form
    /// editors and CI logs recognise, `FILE` being `file` unless the diagnostic is about
    /// another (an overlay). Without a known location, line and column are omitted.
    pub fn display_in<'a>(&'a self, file: &'a str) -> impl fmt::Display + 'a {
        DisplayIn {
            diagnostic: self,
            file,
        }
    }
}

struct DisplayIn<'a> {
    diagnostic: &'a Diagnostic,
    file: &'a str,
}

impl fmt::Display for DisplayIn<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.diagnostic;
        let file = d.file.as_deref().unwrap_or(self.file);
        match d.location {
            Some((line, column)) => write!(f, "{file}:{line}:{column}: ")?,
            None => write!(f, "{file}: ")?,
        }
        write!(f, "{}: {}: {}", d.severity, d.pointer, d.message)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some((line, column)) = self.location {
            write!(f, "{line}:{column}: ")?;
        }
        write!(f, "{}: {}: {}", self.severity, self.pointer, self.message)
    }
}

/// Builds JSON pointers, escaping `~` and `/` in segments as RFC 6901 requires.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pointer(String);

impl Pointer {
    /// The document root, `#`.
    pub fn root() -> Self {
        Pointer("#".to_owned())
    }

    /// Parses a pointer given as a `$ref` fragment (`#/components/schemas/Pet`), decoding
    /// the percent-encoding a URI fragment may use (`%7Bid%7D` for `{id}`).
    pub fn from_fragment(fragment: &str) -> Self {
        Pointer(percent_decode(fragment))
    }

    /// This pointer extended by one segment.
    pub fn push(&self, segment: impl AsRef<str>) -> Self {
        let segment = segment.as_ref();
        let mut out = String::with_capacity(self.0.len() + segment.len() + 1);
        out.push_str(&self.0);
        out.push('/');
        for c in segment.chars() {
            match c {
                '~' => out.push_str("~0"),
                '/' => out.push_str("~1"),
                c => out.push(c),
            }
        }
        Pointer(out)
    }

    /// The pointer one segment up; the root stays the root.
    pub fn parent_or_root(&self) -> Self {
        match self.0.rfind('/') {
            Some(i) => Pointer(self.0[..i].to_owned()),
            None => Pointer::root(),
        }
    }

    /// The pointer as text, starting with `#`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The unescaped segments after the leading `#`.
    pub fn segments(&self) -> Vec<String> {
        let path = self.0.strip_prefix('#').unwrap_or(&self.0);
        if path.is_empty() {
            return Vec::new();
        }
        path.trim_start_matches('/')
            .split('/')
            .map(|s| s.replace("~1", "/").replace("~0", "~"))
            .collect()
    }
}

/// Decodes `%XX` sequences; text that is not valid UTF-8 once decoded, or a `%` not
/// followed by two hex digits, stays as written.
fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_owned();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<Pointer> for String {
    fn from(p: Pointer) -> String {
        p.0
    }
}

impl From<&Pointer> for String {
    fn from(p: &Pointer) -> String {
        p.0.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_escapes_and_unescapes_segments() {
        let p = Pointer::root().push("paths").push("/a/{id}").push("x~y");
        assert_eq!(p.as_str(), "#/paths/~1a~1{id}/x~0y");
        assert_eq!(p.segments(), vec!["paths", "/a/{id}", "x~y"]);
        assert!(Pointer::root().segments().is_empty());
    }

    #[test]
    fn display_in_file_has_editor_form() {
        let mut d = Diagnostic::error("#/paths", "broken");
        assert_eq!(
            d.display_in("spec.yaml").to_string(),
            "spec.yaml: error: #/paths: broken"
        );
        d.location = Some((3, 7));
        assert_eq!(
            d.display_in("spec.yaml").to_string(),
            "spec.yaml:3:7: error: #/paths: broken"
        );
    }
}
