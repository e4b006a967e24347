//! Naming: every Rust identifier the generator emits is made here, from any wire name.
//! Keywords, leading digits, empty names, punctuation and non-ASCII text all become valid,
//! stable identifiers; clashes within one scope are resolved by a [`Namer`].

use std::collections::HashSet;

/// Splits a wire name into lowercase ASCII words: at punctuation, at lower-to-upper case
/// changes (`contactInbox`), before the last capital of an acronym (`HTTPServer`), and
/// around non-ASCII characters, each of which becomes a word `u{hex}` so distinct names
/// stay distinct.
pub fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii() {
            flush(&mut words, &mut current);
            words.push(format!("u{:x}", c as u32));
            continue;
        }
        if !c.is_ascii_alphanumeric() {
            flush(&mut words, &mut current);
            continue;
        }
        if c.is_ascii_uppercase() && !current.is_empty() {
            let prev = chars[i - 1];
            let next_is_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if prev.is_ascii_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_ascii_uppercase() && next_is_lower)
            {
                flush(&mut words, &mut current);
            }
        }
        current.push(c.to_ascii_lowercase());
    }
    flush(&mut words, &mut current);
    words
}

fn flush(words: &mut Vec<String>, current: &mut String) {
    if !current.is_empty() {
        words.push(std::mem::take(current));
    }
}

/// Keywords of Rust 2024 (strict, reserved and `gen`); they need `r#` or a suffix.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super"];

fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

/// `snake_case` identifier for fields, parameters and methods. `fallback` is used when the
/// name has no letters or digits at all (an empty or all-punctuation name).
pub fn snake(name: &str, fallback: &str) -> String {
    let words = words(name);
    let mut s = if words.is_empty() {
        fallback.to_owned()
    } else {
        words.join("_")
    };
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    unraw_able(s)
}

/// Keywords that cannot be raw identifiers get a trailing underscore, so the name is the
/// identifier as written (other keywords are written `r#name`, which serde reads as `name`).
fn unraw_able(s: String) -> String {
    if NOT_RAW.contains(&s.as_str()) {
        format!("{s}_")
    } else {
        s
    }
}

/// `UpperCamelCase` identifier for types and enum variants; see [`snake`] for `fallback`.
pub fn pascal(name: &str, fallback: &str) -> String {
    let words = words(name);
    let mut s = String::new();
    for w in if words.is_empty() {
        vec![fallback.to_owned()]
    } else {
        words
    } {
        let mut cs = w.chars();
        if let Some(first) = cs.next() {
            s.push(first.to_ascii_uppercase());
            s.extend(cs);
        }
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, 'V');
    }
    unraw_able(s)
}

/// `SCREAMING_SNAKE_CASE`, for constants and environment variable names.
pub fn screaming(name: &str, fallback: &str) -> String {
    snake(name, fallback).to_ascii_uppercase()
}

/// The token form of an identifier made by [`snake`] or [`pascal`]: keywords become raw
/// identifiers (`r#type`); those Rust forbids as raw already carry a trailing underscore.
pub fn ident(name: &str) -> proc_macro2::Ident {
    let span = proc_macro2::Span::call_site();
    if NOT_RAW.contains(&name) {
        proc_macro2::Ident::new(&format!("{name}_"), span)
    } else if is_keyword(name) {
        proc_macro2::Ident::new_raw(name, span)
    } else {
        proc_macro2::Ident::new(name, span)
    }
}

/// A variant name for a documented response status: its reason phrase (`NotFound`), the
/// class of a range (`ClientError` for `4XX`), or `Default`.
pub fn status_name(status: &crate::ir::StatusMatch) -> String {
    use crate::ir::StatusMatch;
    let code = match status {
        StatusMatch::Default => return "Default".to_owned(),
        StatusMatch::Range(class) => {
            return match class {
                1 => "Informational",
                2 => "Success",
                3 => "Redirection",
                4 => "ClientError",
                5 => "ServerError",
                _ => "Other",
            }
            .to_owned();
        }
        StatusMatch::Code(code) => *code,
    };
    let reason = match code {
        100 => "Continue",
        101 => "SwitchingProtocols",
        200 => "Ok",
        201 => "Created",
        202 => "Accepted",
        203 => "NonAuthoritativeInformation",
        204 => "NoContent",
        205 => "ResetContent",
        206 => "PartialContent",
        207 => "MultiStatus",
        208 => "AlreadyReported",
        226 => "ImUsed",
        300 => "MultipleChoices",
        301 => "MovedPermanently",
        302 => "Found",
        303 => "SeeOther",
        304 => "NotModified",
        307 => "TemporaryRedirect",
        308 => "PermanentRedirect",
        400 => "BadRequest",
        401 => "Unauthorized",
        402 => "PaymentRequired",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        406 => "NotAcceptable",
        407 => "ProxyAuthenticationRequired",
        408 => "RequestTimeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "LengthRequired",
        412 => "PreconditionFailed",
        413 => "PayloadTooLarge",
        414 => "UriTooLong",
        415 => "UnsupportedMediaType",
        416 => "RangeNotSatisfiable",
        417 => "ExpectationFailed",
        418 => "ImATeapot",
        421 => "MisdirectedRequest",
        422 => "UnprocessableEntity",
        423 => "Locked",
        424 => "FailedDependency",
        425 => "TooEarly",
        426 => "UpgradeRequired",
        428 => "PreconditionRequired",
        429 => "TooManyRequests",
        431 => "RequestHeaderFieldsTooLarge",
        451 => "UnavailableForLegalReasons",
        500 => "InternalServerError",
        501 => "NotImplemented",
        502 => "BadGateway",
        503 => "ServiceUnavailable",
        504 => "GatewayTimeout",
        505 => "HttpVersionNotSupported",
        506 => "VariantAlsoNegotiates",
        507 => "InsufficientStorage",
        508 => "LoopDetected",
        510 => "NotExtended",
        511 => "NetworkAuthenticationRequired",
        _ => return format!("Status{code}"),
    };
    reason.to_owned()
}

/// Hands out distinct names within one scope. Names are claimed in a deterministic order
/// (spec order), so the same spec always yields the same names; a clash gets the smallest
/// free numeric suffix (`name2`, `name_2` for snake case).
#[derive(Debug, Default)]
pub struct Namer {
    taken: HashSet<String>,
}

impl Namer {
    /// A scope where `reserved` names are already taken (names the emitter uses itself).
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Namer {
            taken: reserved.iter().map(|s| normalize(s)).collect(),
        }
    }

    /// Claims `preferred`, or the first free variant of it.
    pub fn claim(&mut self, preferred: &str) -> String {
        if self.taken.insert(normalize(preferred)) {
            return preferred.to_owned();
        }
        let snake_like =
            preferred.contains('_') || preferred.starts_with(|c: char| c.is_ascii_lowercase());
        // `V1` clashing must not become `V12`, which reads as another value.
        let ends_in_digit = preferred.ends_with(|c: char| c.is_ascii_digit());
        let sep = if (snake_like || ends_in_digit) && !preferred.ends_with('_') {
            "_"
        } else {
            ""
        };
        (2..)
            .map(|n| format!("{preferred}{sep}{n}"))
            .find(|candidate| self.taken.insert(normalize(candidate)))
            .unwrap_or_default()
    }

    /// Whether `name` is already taken.
    pub fn is_taken(&self, name: &str) -> bool {
        self.taken.contains(&normalize(name))
    }
}

/// Identifiers that the emitter turns into the same token clash too: `self` and `self_`.
fn normalize(name: &str) -> String {
    if NOT_RAW.contains(&name) {
        format!("{name}_")
    } else {
        name.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_become_identifiers() {
        let cases: &[(&str, &str, &str)] = &[
            // wire name, snake, pascal
            ("contact_inboxes", "contact_inboxes", "ContactInboxes"),
            ("contactInboxes", "contact_inboxes", "ContactInboxes"),
            ("ContactInbox", "contact_inbox", "ContactInbox"),
            ("HTTPServer", "http_server", "HttpServer"),
            ("X-Request-Id", "x_request_id", "XRequestId"),
            ("labels[]", "labels", "Labels"),
            ("-name", "name", "Name"),
            ("2fa", "_2fa", "V2fa"),
            ("int64Value", "int64_value", "Int64Value"),
            ("v2", "v2", "V2"),
            ("", "fallback", "Fallback"),
            ("$", "fallback", "Fallback"),
            ("名字", "u540d_u5b57", "U540dU5b57"),
            ("café", "caf_ue9", "CafUe9"),
            ("Channel::Api", "channel_api", "ChannelApi"),
            ("type", "type", "Type"),
            ("self", "self_", "Self_"),
            ("crate", "crate_", "Crate"),
        ];
        for (wire, snake_case, pascal_case) in cases {
            assert_eq!(snake(wire, "fallback"), *snake_case, "snake of {wire:?}");
            assert_eq!(pascal(wire, "fallback"), *pascal_case, "pascal of {wire:?}");
        }
    }

    #[test]
    fn keywords_become_raw_or_suffixed() {
        assert_eq!(ident("type").to_string(), "r#type");
        assert_eq!(ident("gen").to_string(), "r#gen");
        assert_eq!(ident("self").to_string(), "self_");
        assert_eq!(ident("Self").to_string(), "Self_");
        assert_eq!(ident("crate").to_string(), "crate_");
        assert_eq!(ident("name").to_string(), "name");
    }

    #[test]
    fn namer_resolves_clashes_deterministically() {
        let mut n = Namer::with_reserved(&["Client"]);
        assert_eq!(n.claim("Client"), "Client2");
        assert_eq!(n.claim("ContactInbox"), "ContactInbox");
        assert_eq!(n.claim("ContactInbox"), "ContactInbox2");
        let mut f = Namer::default();
        assert_eq!(f.claim("a"), "a");
        assert_eq!(f.claim("a"), "a_2");
        assert_eq!(f.claim("self"), "self");
        assert_eq!(f.claim("self_"), "self_2");
        assert_eq!(n.claim("V1"), "V1");
        assert_eq!(n.claim("V1"), "V1_2");
    }
}
