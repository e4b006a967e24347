//! Doc comments from spec text. Descriptions are Markdown written for API portals, not for
//! rustdoc: code blocks would become doctests, `[x]` an intra-doc link, `<tag>` HTML and a
//! bare URL a lint warning. This module keeps the text readable and rustdoc quiet, and
//! turns it into one `#[doc = "..."]` literal per line, so nothing in it can become code.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc]` attributes for `text`, one per line (prettyplease prints them as `///`).
pub(crate) fn doc_attrs(text: &str) -> TokenStream {
    let lines = sanitize(text);
    let attrs = lines.iter().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote!(#[doc = #line])
    });
    quote!(#(#attrs)*)
}

/// `#[doc]` attributes for the generator's own text (rustdoc Markdown, links included),
/// wrapped to lines of at most 88 characters.
pub(crate) fn own_docs(text: &str) -> TokenStream {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > 88 {
            lines.push(std::mem::take(&mut line));
        }
        line.push(' ');
        line.push_str(word);
    }
    lines.push(line);
    quote!(#(#[doc = #lines])*)
}

/// Doc attributes for several paragraphs, skipping empty ones.
pub(crate) fn doc_paragraphs<'a>(
    paragraphs: impl IntoIterator<Item = Option<&'a str>>,
) -> TokenStream {
    let text: Vec<&str> = paragraphs
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    doc_attrs(&text.join("\n\n"))
}

/// Spec text for a single doc line: whitespace (newlines included) collapsed, other control
/// characters dropped, Markdown escaped as in [`sanitize`].
pub(crate) fn one_line(text: &str) -> String {
    let collapsed: String = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    prose(&collapsed)
}

/// Spec text shown as inline code on one line: `` `value` ``, or `""` for the empty string.
pub(crate) fn code(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let cleaned = cleaned.replace('`', "'");
    if cleaned.trim().is_empty() {
        "`\"\"`".to_owned()
    } else {
        format!("`{cleaned}`")
    }
}

/// Rewrites spec Markdown into lines that rustdoc renders as intended and does not compile.
pub(crate) fn sanitize(text: &str) -> Vec<String> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out: Vec<String> = Vec::new();
    let mut in_fence: Option<String> = None;
    let mut in_indented = false;
    let mut previous_blank = true;
    // The column a list item's text starts at, while its lines go on.
    let mut list_item: Option<usize> = None;
    for raw in text.trim_matches('\n').lines() {
        let line = raw.trim_end();
        let trimmed = line.trim_start();
        if let Some(fence) = &in_fence {
            if trimmed.starts_with(fence.as_str()) {
                out.push(fence.clone());
                in_fence = None;
            } else {
                out.push(line.to_owned());
            }
            previous_blank = false;
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            let fence: String = trimmed
                .chars()
                .take_while(|&c| c == '`' || c == '~')
                .collect();
            // Whatever language the spec names, the block is shown, never compiled.
            out.push(format!("{fence}text"));
            in_fence = Some(fence);
            previous_blank = false;
            continue;
        }
        let indented = line.starts_with("    ") || line.starts_with('\t');
        if indented && (previous_blank || in_indented) && !line.trim().is_empty() {
            if !in_indented {
                out.push("```text".to_owned());
                in_indented = true;
            }
            out.push(
                line.trim_start_matches('\t')
                    .strip_prefix("    ")
                    .unwrap_or(line)
                    .to_owned(),
            );
            previous_blank = false;
            continue;
        }
        if in_indented {
            out.push("```".to_owned());
            in_indented = false;
        }
        previous_blank = line.is_empty();
        let indent = line.len() - trimmed.len();
        if previous_blank {
            list_item = None;
        } else if let Some(column) = list_item_column(line) {
            list_item = Some(column);
        } else if let Some(column) = list_item.filter(|&c| indent < c) {
            // A line that goes on with a list item's text is indented to it, so that
            // Markdown does not depend on lazy continuation.
            out.push(prose(&format!("{}{trimmed}", " ".repeat(column))));
            continue;
        }
        out.push(prose(line));
    }
    if in_indented {
        out.push("```".to_owned());
    }
    if let Some(fence) = in_fence {
        out.push(fence);
    }
    out
}

/// The column where the text of a list item starting on `line` begins (`- a`, `* a`,
/// `1. a`), if `line` starts one.
fn list_item_column(line: &str) -> Option<usize> {
    let trimmed = line.trim_start();
    let indent = line.len() - trimmed.len();
    let marker = if trimmed.starts_with(['-', '*', '+']) {
        1
    } else {
        let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
        let delimiter = trimmed.as_bytes().get(digits);
        if (1..=9).contains(&digits) && matches!(delimiter, Some(b'.' | b')')) {
            digits + 1
        } else {
            return None;
        }
    };
    let after = &trimmed[marker..];
    let spaces = after.len() - after.trim_start_matches(' ').len();
    ((1..=4).contains(&spaces) && !after.trim().is_empty()).then_some(indent + marker + spaces)
}

/// One line of prose: brackets and angle brackets escaped, bare URLs made autolinks,
/// inline code left as it is.
fn prose(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut in_code = false;
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if c == '`' {
            in_code = !in_code;
            out.push(c);
            rest = &rest[1..];
            continue;
        }
        if !in_code {
            // A Markdown link to a web page stays one; other brackets are escaped below (so
            // that rustdoc does not read them as links to Rust items), and every other URL
            // becomes an autolink, or stays one.
            if let Some(link_len) = web_link_len(rest) {
                out.push_str(&rest[..link_len]);
                rest = &rest[link_len..];
                continue;
            }
            if let Some(url_len) = rest.strip_prefix('<').and_then(bare_url_len) {
                if rest[1 + url_len..].starts_with('>') {
                    out.push_str(&rest[..url_len + 2]);
                    rest = &rest[url_len + 2..];
                    continue;
                }
            }
            if let Some(url_len) = bare_url_len(rest) {
                out.push('<');
                out.push_str(&rest[..url_len]);
                out.push('>');
                rest = &rest[url_len..];
                continue;
            }
            match c {
                '[' | ']' | '<' | '>' | '\\' => {
                    out.push('\\');
                    out.push(c);
                    rest = &rest[1..];
                    continue;
                }
                _ => {}
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    if in_code {
        // An unclosed backtick would swallow the following lines' formatting.
        out.push('`');
    }
    out
}

/// Length of a Markdown link `[text](http(s)://...)` at the start of `s`, whose text has
/// no brackets or backticks.
fn web_link_len(s: &str) -> Option<usize> {
    let text_end = s.strip_prefix('[')?.find(']')? + 1;
    let text = &s[1..text_end];
    if text.is_empty() || text.contains(['[', '`']) {
        return None;
    }
    let target = s[text_end + 1..].strip_prefix('(')?;
    let url_len = bare_url_len(target)?;
    target[url_len..]
        .starts_with(')')
        .then_some(text_end + 2 + url_len + 1)
}

/// Length of an `http(s)://` URL at the start of `s`, without trailing punctuation.
fn bare_url_len(s: &str) -> Option<usize> {
    if !(s.starts_with("http://") || s.starts_with("https://")) {
        return None;
    }
    let end = s
        .find(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == '`' || c == '"')
        .unwrap_or(s.len());
    let mut url = &s[..end];
    loop {
        let trimmed = url.trim_end_matches(['.', ',', ';', ':', '!', '?', '\'']);
        // A closing parenthesis ends the URL unless the URL opened it.
        let unbalanced =
            trimmed.ends_with(')') && trimmed.matches('(').count() < trimmed.matches(')').count();
        url = if unbalanced {
            &trimmed[..trimmed.len() - 1]
        } else {
            trimmed
        };
        if !unbalanced {
            break;
        }
    }
    Some(url.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_is_escaped_for_rustdoc() {
        let cases = [
            ("plain text", "plain text"),
            (
                "see [docs] and <b>bold</b>",
                r"see \[docs\] and \<b\>bold\</b\>",
            ),
            (
                "visit https://example.com/a?b=c.",
                "visit <https://example.com/a?b=c>.",
            ),
            (
                "Aligned with Cohere API (https://docs.cohere.com/reference/rerank).",
                "Aligned with Cohere API (<https://docs.cohere.com/reference/rerank>).",
            ),
            (
                "see https://en.wikipedia.org/wiki/Tuple_(mathematics), or <https://x.example/>",
                "see <https://en.wikipedia.org/wiki/Tuple_(mathematics)>, or <https://x.example/>",
            ),
            (
                "read [the docs](https://x.example/a_(b)) or [that](ftp://y)",
                r"read [the docs](https://x.example/a_(b)) or \[that\](ftp://y)",
            ),
            (
                "keep `Vec<T>` and `[x]` as code",
                "keep `Vec<T>` and `[x]` as code",
            ),
            ("unclosed `code", "unclosed `code`"),
            ("a */ and \"; fn evil() {}", "a */ and \"; fn evil() {}"),
            ("back\\slash", "back\\\\slash"),
        ];
        for (input, expected) in cases {
            assert_eq!(sanitize(input), vec![expected.to_owned()], "{input:?}");
        }
    }

    #[test]
    fn list_items_going_on_over_lines_are_indented() {
        let lines =
            sanitize("Notes:\n* first item\nstill the first\n*   second\nstill second\n\nafter");
        assert_eq!(
            lines,
            [
                "Notes:",
                "* first item",
                "  still the first",
                "*   second",
                "    still second",
                "",
                "after"
            ]
        );
        assert_eq!(sanitize("1. one\ntwo"), ["1. one", "   two"]);
        assert_eq!(sanitize("-not a list\nline"), ["-not a list", "line"]);
        assert_eq!(
            sanitize("* a\n  * b\n  more b"),
            ["* a", "  * b", "    more b"]
        );
    }

    #[test]
    fn code_blocks_never_become_doctests() {
        let text = "Example:\n\n```json\n{\"a\": [1]}\n```\n\n    fn main() {}\n    more\n\nafter";
        assert_eq!(
            sanitize(text),
            vec![
                "Example:",
                "",
                "```text",
                "{\"a\": [1]}",
                "```",
                "",
                "```text",
                "fn main() {}",
                "more",
                "```",
                "",
                "after"
            ]
        );
        assert_eq!(
            sanitize("```\nunterminated"),
            vec!["```text", "unterminated", "```"]
        );
    }

    #[test]
    fn doc_attrs_are_string_literals() {
        let tokens = doc_attrs("a */ b\n\nc").to_string();
        assert_eq!(tokens, r#"# [doc = " a */ b"] # [doc = ""] # [doc = " c"]"#);
    }
}
