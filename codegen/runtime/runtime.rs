//! Support code shared by all requests: errors, responses, three-state fields, credentials,
//! and the helpers that write parameters and bodies and read responses.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use reqwest::header::HeaderName;
use reqwest::header::HeaderValue;

/// Longest body excerpt shown in messages, in bytes.
const EXCERPT_LIMIT: usize = 256;

/// Longest error body kept, in bytes; the rest is dropped.
const ERROR_BODY_LIMIT: usize = 64 * 1024;

include!("errors.rs");
include!("sending.rs");
include!("hooks.rs");
include!("retries.rs");
include!("parameters.rs");
include!("forms.rs");
include!("bodies.rs");
include!("responses.rs");
include!("streams.rs");
include!("pages.rs");
include!("values.rs");
include!("objects.rs");
include!("credentials.rs");
include!("recording.rs");
include!("mock.rs");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates_are_read_in_their_preferred_form_only() {
        let seconds = |text: &str| {
            http_date(text).map(|at| {
                at.duration_since(std::time::UNIX_EPOCH)
                    .expect("after 1970")
                    .as_secs()
            })
        };
        assert_eq!(seconds("Sun, 06 Nov 1994 08:49:37 GMT"), Some(784_111_777));
        assert_eq!(
            seconds("Thu, 29 Feb 2024 00:00:00 GMT"),
            Some(1_709_164_800)
        );
        assert_eq!(seconds("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        for text in [
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 32 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 1994 08:49 GMT",
            "Wed, 31 Dec 1969 23:59:59 GMT",
            "",
        ] {
            assert_eq!(seconds(text), None, "{text:?}");
        }
    }

    #[test]
    fn retry_after_is_seconds_or_a_date() {
        let asked = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(
                reqwest::header::RETRY_AFTER,
                HeaderValue::from_str(value).expect("a header value"),
            );
            retry_after(&headers)
        };
        assert_eq!(asked("3"), Some(std::time::Duration::from_secs(3)));
        assert_eq!(asked(" 120 "), Some(std::time::Duration::from_secs(120)));
        assert_eq!(
            asked("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(Default::default())
        );
        let later = asked("Fri, 01 Jan 2100 00:00:00 GMT").expect("a date");
        assert!(
            later > std::time::Duration::from_secs(365 * 86_400),
            "{later:?}"
        );
        assert_eq!(asked("-1"), None);
        assert_eq!(asked("soon"), None);
        assert_eq!(retry_after(&HeaderMap::new()), None);
    }

    /// A response with `status` and, if given, a `Retry-After` header.
    fn answer(status: u16, retry_after: Option<&str>) -> Result<reqwest::Response, SendError> {
        let mut built = http::Response::builder().status(status);
        if let Some(value) = retry_after {
            built = built.header("retry-after", value);
        }
        Ok(reqwest::Response::from(built.body("").expect("a response")))
    }

    #[test]
    fn retries_wait_longer_each_time_within_their_bounds() {
        let ms = std::time::Duration::from_millis;
        let retry = Retry::new(4).initial_delay(ms(100)).max_delay(ms(300));
        let delay = |number: u32| retry_delay(&retry, &answer(503, None), true, number, ms(0));
        for _ in 0..20 {
            let first = delay(1).expect("a second attempt");
            assert!((ms(50)..=ms(100)).contains(&first), "{first:?}");
            let second = delay(2).expect("a third attempt");
            assert!((ms(100)..=ms(200)).contains(&second), "{second:?}");
            // Doubled again, then held to `max_delay`.
            let third = delay(3).expect("a fourth attempt");
            assert!((ms(150)..=ms(300)).contains(&third), "{third:?}");
        }
        assert_eq!(delay(4), None, "four attempts in all");
        assert_eq!(
            retry_delay(&retry, &answer(503, None), true, 1, ms(29_990)),
            None,
            "the next attempt would start past the total time"
        );
    }

    #[test]
    fn only_throttling_and_unavailability_are_retried_and_not_every_method() {
        let retry = Retry::new(3);
        let decide =
            |outcome, idempotent| retry_delay(&retry, &outcome, idempotent, 1, Default::default());
        assert!(decide(answer(429, None), true).is_some());
        assert!(decide(answer(503, None), true).is_some());
        for status in [200, 400, 404, 500, 502] {
            assert_eq!(decide(answer(status, None), true), None, "{status}");
        }
        assert_eq!(
            decide(answer(429, None), false),
            None,
            "PATCH is not repeated"
        );
        let allowed = Retry::new(3).non_idempotent(true);
        assert!(retry_delay(&allowed, &answer(429, None), false, 1, Default::default()).is_some());
        let stopped = Err(SendError::Hook("no".into()));
        assert_eq!(decide(stopped, true), None, "a hook's refusal is final");
    }

    #[test]
    fn retry_after_sets_the_wait_unless_it_asks_too_much() {
        let retry = Retry::new(3).max_delay(std::time::Duration::from_secs(5));
        let decide = |value| {
            retry_delay(
                &retry,
                &answer(429, Some(value)),
                true,
                1,
                Default::default(),
            )
        };
        assert_eq!(decide("2"), Some(std::time::Duration::from_secs(2)));
        assert_eq!(decide("6"), None, "longer than the longest wait: given up");
        // A wait shorter than the backoff's is lengthened to it.
        let short = Retry::new(3).initial_delay(std::time::Duration::from_secs(4));
        let waited = retry_delay(&short, &answer(429, Some("0")), true, 1, Default::default())
            .expect("a second attempt");
        assert!(waited >= std::time::Duration::from_secs(2), "{waited:?}");
    }

    #[test]
    fn base64_reads_either_alphabet_with_or_without_padding() {
        let decoded = |text: &str| Base64::decode(text).map(|b| b.0);
        assert_eq!(decoded("aGVsbG8="), Some(b"hello".to_vec()));
        assert_eq!(decoded("aGVsbG8"), Some(b"hello".to_vec()));
        assert_eq!(decoded("+/8="), Some(vec![0xfb, 0xff]));
        assert_eq!(decoded("-_8"), Some(vec![0xfb, 0xff]));
        assert_eq!(decoded("aGVs\r\nbG8="), Some(b"hello".to_vec()));
        assert_eq!(decoded(""), Some(Vec::new()));
        assert_eq!(Base64(b"hello".to_vec()).encode(), "aGVsbG8=");
    }

    #[test]
    fn base64_refuses_what_is_not_base64() {
        for text in [
            "A",        // a length no encoding produces
            "+-8=",     // two alphabets at once
            "aGVsbG8*", // a character of neither
            "aGV=sbG8", // padding inside
            "QR==",     // bits set past the end of the data
            "aGVsbG8 ", // a space
        ] {
            assert_eq!(Base64::decode(text), None, "{text:?}");
        }
        let error = serde_json::from_str::<Base64>("\"A\"").expect_err("invalid base64");
        assert!(error.to_string().contains("invalid base64"), "{error}");
    }

    #[test]
    fn path_segments_that_would_address_another_resource_are_refused() {
        for value in ["", ".", ".."] {
            let refused = path_param::<()>("name", &value).expect_err(value);
            let Error::InvalidRequest(message) = refused else {
                panic!("{value:?} gave another error")
            };
            assert!(message.contains("`name`"), "{message}");
        }
        for segment in ["%2e", "%2E%2e", ".%2E", "%2e."] {
            assert!(
                path_segment::<()>("p", segment.to_owned()).is_err(),
                "{segment}"
            );
        }
        let sent = |value: &str| path_param::<()>("p", &value).expect(value);
        assert_eq!(sent("%2e%2e"), "%252e%252e");
        assert_eq!(sent("a/b"), "a%2Fb");
        assert_eq!(sent("a?b#c d"), "a%3Fb%23c%20d");
        assert_eq!(sent("名"), "%E5%90%8D");
        assert_eq!(sent("..."), "...");
        assert_eq!(sent("v1.2"), "v1.2");
    }

    #[test]
    fn query_styles_write_arrays_and_objects() {
        let written = |write: &dyn Fn(&mut reqwest::Url)| {
            let mut address = reqwest::Url::parse("http://h/p").expect("url");
            write(&mut address);
            address.query().unwrap_or("").to_owned()
        };
        let list = ["a b", "c"];
        let object = serde_json::json!({"r": 1, "g": "x"});
        assert_eq!(
            written(&|u| query_styled::<_, ()>(u, "k", &list, Style::Exploded).expect("writes")),
            "k=a+b&k=c"
        );
        assert_eq!(
            written(&|u| query_styled::<_, ()>(u, "k", &object, Style::Exploded).expect("writes")),
            "r=1&g=x"
        );
        assert_eq!(
            written(&|u| query_styled::<_, ()>(u, "k", &list, Style::Joined("|")).expect("writes")),
            "k=a+b%7Cc"
        );
        assert_eq!(
            written(
                &|u| query_styled::<_, ()>(u, "k", &object, Style::Joined(",")).expect("writes")
            ),
            "k=r%2C1%2Cg%2Cx"
        );
        assert_eq!(
            written(&|u| query_styled::<_, ()>(u, "k", &object, Style::Deep).expect("writes")),
            "k%5Br%5D=1&k%5Bg%5D=x"
        );
        let nested = serde_json::json!([{"a": 1}]);
        assert_eq!(
            written(&|u| query_styled::<_, ()>(u, "k", &nested, Style::Exploded).expect("writes")),
            "k=%7B%22a%22%3A1%7D"
        );
    }

    #[test]
    fn deep_objects_nest_as_form_parsers_read_them() {
        let value = serde_json::json!({
            "m": {"a": "1", "b": ""},
            "e": ["x", "y"],
            "i": [{"p": "q", "d": [{"c": 1}]}, {"p": null}],
            "z": [],
        });
        let written: Vec<(String, String)> = styled_pairs("k", &value, Style::Deep);
        let expected = [
            ("k[m][a]", "1"),
            ("k[m][b]", ""),
            ("k[e][]", "x"),
            ("k[e][]", "y"),
            ("k[i][0][p]", "q"),
            ("k[i][0][d][0][c]", "1"),
            ("k[i][1][p]", ""),
        ];
        let mut sorted = written.clone();
        sorted.sort();
        let mut wanted: Vec<(String, String)> = expected
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        wanted.sort();
        assert_eq!(sorted, wanted);
    }

    #[test]
    fn form_text_keeps_reserved_characters_only_when_allowed() {
        let encoded = |text: &str, allow: bool| {
            let mut out = String::new();
            form_encode(text, allow, &mut out);
            out
        };
        assert_eq!(
            encoded("a b&c=d+e/f?g:h[i]#", false),
            "a+b%26c%3Dd%2Be%2Ff%3Fg%3Ah%5Bi%5D%23"
        );
        assert_eq!(
            encoded("a b&c=d+e/f?g:h[i]#", true),
            "a+b%26c%3Dd%2Be/f?g:h[i]%23"
        );
        assert_eq!(encoded("名", true), "%E5%90%8D");
    }

    #[test]
    fn simple_style_encodes_items_in_paths_only() {
        let object = serde_json::json!({"a b": "c/d"});
        assert_eq!(
            simple::<_, ()>("h", &object, true).expect("writes"),
            "a b=c/d"
        );
        assert_eq!(
            simple_path::<_, ()>("p", &object, true).expect("writes"),
            "a%20b=c%2Fd"
        );
        assert_eq!(
            simple_path::<_, ()>("p", &["x", "y,z"], false).expect("writes"),
            "x,y%2Cz"
        );
    }

    #[test]
    fn excerpts_stop_at_a_character_boundary() {
        let body = "é".repeat(200);
        let shown = body_excerpt(body.as_bytes());
        assert!(shown.ends_with('…'), "{shown}");
        assert_eq!(shown.chars().count(), EXCERPT_LIMIT / 2 + 1);
        assert_eq!(body_excerpt(b"short"), "short");
    }

    #[test]
    fn decode_errors_name_the_failing_value() {
        #[derive(serde::Deserialize, Debug)]
        struct Inner {
            #[allow(dead_code)]
            id: i64,
        }
        #[derive(serde::Deserialize, Debug)]
        struct Outer {
            #[allow(dead_code)]
            items: Vec<Inner>,
        }
        let failed = from_json::<Outer>(br#"{"items": [{"id": 1}, {"id": "2"}]}"#)
            .expect_err("a string is not an integer");
        assert_eq!(failed.0, "items[1].id");
        assert!(
            failed.1.to_string().contains("invalid type: string"),
            "{}",
            failed.1
        );
        let whole = from_json::<Outer>(b"[]").expect_err("not an object");
        assert_eq!(whole.0, "");
        assert!(from_json::<Outer>(br#"{"items": []}"#).is_ok());
    }

    #[test]
    fn decode_error_paths_follow_the_text_to_the_failing_value() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Leaf {
            id: i64,
            name: Option<String>,
        }
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Tree {
            leaves: Vec<Leaf>,
            grid: Vec<Vec<u8>>,
            #[serde(default)]
            labels: std::collections::BTreeMap<String, Leaf>,
            when: Option<std::net::Ipv4Addr>,
        }
        let path = |json: &str| {
            from_json::<Tree>(json.as_bytes())
                .map(|_| ())
                .expect_err(json)
                .0
        };
        // A wrong type inside nested arrays; the same spread over lines.
        assert_eq!(
            path(r#"{"leaves": [], "grid": [[1], [2, "x"]]}"#),
            "grid[1][1]"
        );
        assert_eq!(
            path("{\n  \"leaves\": [],\n  \"grid\": [\n    [1],\n    [2, true]\n  ]\n}"),
            "grid[1][1]"
        );
        // A missing field names the object it is missing from.
        assert_eq!(
            path(r#"{"leaves": [{"id": 1}, {"name": "b"}], "grid": []}"#),
            "leaves[1]"
        );
        // An object or array where a scalar belongs; a scalar where an array belongs.
        assert_eq!(
            path(r#"{"leaves": [{"id": {"a": 1}}], "grid": []}"#),
            "leaves[0].id"
        );
        assert_eq!(
            path(r#"{"leaves": [{"id": [1]}], "grid": []}"#),
            "leaves[0].id"
        );
        assert_eq!(path(r#"{"leaves": 5, "grid": []}"#), "leaves");
        // A value a type's own parsing refuses, followed by more members.
        assert_eq!(
            path(r#"{"when": "yesterday", "leaves": [], "grid": []}"#),
            "when"
        );
        assert_eq!(
            path(r#"{"leaves": [], "grid": [], "when": "1.2.3"}"#),
            "when"
        );
        // Keys with escapes and punctuation, under a map.
        assert_eq!(
            path(r#"{"leaves": [], "grid": [], "labels": {"a \"b\" [c]": {"id": "1"}}}"#),
            "labels.a \"b\" [c].id"
        );
        // Strings holding brackets and commas do not open anything.
        assert_eq!(
            path(r#"{"leaves": [{"id": 1, "name": "[{,:"}, {"id": null}], "grid": []}"#),
            "leaves[1].id"
        );
        // Cut short.
        assert_eq!(path(r#"{"leaves": [{"id": 1"#), "leaves[0].id");
    }

    #[test]
    fn credentials_never_show_in_debug_output() {
        let shown = format!(
            "{:?} {:?} {:?}",
            BasicAuth::new("user", "hunter2"),
            BearerToken::new("token-123"),
            ApiKey::new("key-456")
        );
        for secret in ["hunter2", "token-123", "key-456", "dXNlcjpodW50ZXIy"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(shown.contains("user"), "{shown}");
    }

    #[test]
    fn files_default_to_the_property_name_and_the_spec_content_type() {
        let file = File::new(b"abc".to_vec());
        assert_eq!(file.file_name(), None);
        let named = file
            .clone()
            .with_file_name("a.png")
            .with_content_type("image/png");
        assert_eq!(named.file_name(), Some("a.png"));
        assert_eq!(named.content_type(), Some("image/png"));
        assert_eq!(named.contents(), Some(&b"abc"[..]));
        assert_eq!(
            serde_json::to_string(&file).expect("serializes"),
            "[97,98,99]"
        );
    }

    const CAT: Shape = Shape::Object(&[
        ("kind", false, Shape::Strings(&["cat"])),
        ("name", true, Shape::String),
        ("lives", false, Shape::Integer),
    ]);
    const DOG: Shape = Shape::Object(&[
        ("kind", false, Shape::Strings(&["dog"])),
        ("name", true, Shape::String),
        ("barks", false, Shape::Bool),
    ]);
    /// Every property optional: any object fits it, declaring none of its properties.
    const NOTE: Shape = Shape::Object(&[("text", false, Shape::String)]);

    fn ranked(value: serde_json::Value, shapes: &[Shape]) -> Vec<usize> {
        rank_variants(&value, shapes)
    }

    #[test]
    fn objects_go_to_the_variant_declaring_most_of_their_properties() {
        use serde_json::json;
        let shapes = [NOTE, CAT, DOG];
        // Constants rule a variant out; the one declaring most properties comes first.
        assert_eq!(
            ranked(json!({"kind": "dog", "name": "Rex"}), &shapes),
            [2, 0]
        );
        assert_eq!(
            ranked(json!({"name": "Rex", "barks": true}), &shapes),
            [2, 1, 0]
        );
        assert_eq!(
            ranked(json!({"name": "Tom", "lives": 9}), &shapes),
            [1, 2, 0]
        );
        // A tie keeps the spec's order.
        assert_eq!(ranked(json!({"name": "Tom"}), &shapes), [1, 2, 0]);
        // A required property missing, or a property of another type, rules a variant out.
        assert_eq!(ranked(json!({"text": "hi"}), &shapes), [0]);
        assert_eq!(
            ranked(json!({"name": "Rex", "barks": "loud"}), &shapes),
            [1, 0]
        );
        // `null` fits any property.
        assert_eq!(
            ranked(json!({"name": "Rex", "barks": null}), &shapes),
            [2, 1, 0]
        );
        // Not an object at all.
        assert_eq!(ranked(json!("Rex"), &shapes), Vec::<usize>::new());
    }

    #[test]
    fn scalars_go_to_the_narrowest_type_that_holds_them() {
        use serde_json::json;
        let numbers = [Shape::Number, Shape::Integer];
        assert_eq!(ranked(json!(3), &numbers), [1, 0]);
        assert_eq!(ranked(json!(3.5), &numbers), [0]);
        assert_eq!(ranked(json!(-3), &numbers), [1, 0]);
        assert_eq!(ranked(json!(u64::MAX), &numbers), [1, 0]);
        let text_or_object = [Shape::Object(&[]), Shape::String];
        assert_eq!(ranked(json!("x"), &text_or_object), [1]);
        assert_eq!(ranked(json!({"x": 1}), &text_or_object), [0]);
        assert_eq!(ranked(json!(true), &text_or_object), Vec::<usize>::new());
        // A listed value before any string; an unlisted one is not the enum's.
        let listed = [Shape::String, Shape::Strings(&["red", "green"])];
        assert_eq!(ranked(json!("red"), &listed), [1, 0]);
        assert_eq!(ranked(json!("blue"), &listed), [0]);
        let codes = [Shape::Integers(&[1, 2]), Shape::Any];
        assert_eq!(ranked(json!(2), &codes), [0, 1]);
        assert_eq!(ranked(json!(3), &codes), [1]);
    }

    #[test]
    fn a_variant_that_is_a_union_fits_as_its_best_variant() {
        use serde_json::json;
        const PET: Shape = Shape::AnyOf(&[CAT, DOG]);
        let shapes = [NOTE, PET, Shape::String];
        assert_eq!(
            ranked(json!({"name": "Rex", "barks": true}), &shapes),
            [1, 0]
        );
        assert_eq!(ranked(json!({"text": "hi"}), &shapes), [0]);
        assert_eq!(ranked(json!("hi"), &shapes), [2]);
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Cat {
        name: String,
        lives: Option<i64>,
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Dog {
        name: String,
        barks: Option<bool>,
    }

    #[derive(Debug, PartialEq)]
    enum Pet {
        Cat(Cat),
        Dog(Dog),
        Count(i64),
        Other(serde_json::Value),
    }

    impl<'de> serde::Deserialize<'de> for Pet {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
            Ok(decode_union(
                value,
                &[CAT, DOG, Shape::Integer],
                |index, value| match index {
                    0 => serde::Deserialize::deserialize(value).map(Pet::Cat),
                    1 => serde::Deserialize::deserialize(value).map(Pet::Dog),
                    _ => serde::Deserialize::deserialize(value).map(Pet::Count),
                },
                Pet::Other,
            ))
        }
    }

    #[test]
    fn unions_decode_into_the_best_fitting_variant_that_decodes() {
        let pets: Vec<Pet> = serde_json::from_str(
            r#"[{"name": "Tom"}, {"name": "Rex", "barks": true}, {"kind": "dog", "name": "Fido"},
                7, {"name": "Odd", "lives": "many"}, "text"]"#,
        )
        .expect("decodes");
        assert_eq!(
            pets,
            [
                Pet::Cat(Cat {
                    name: "Tom".to_owned(),
                    lives: None
                }),
                Pet::Dog(Dog {
                    name: "Rex".to_owned(),
                    barks: Some(true)
                }),
                Pet::Dog(Dog {
                    name: "Fido".to_owned(),
                    barks: None
                }),
                Pet::Count(7),
                // `lives` is not an integer: the cat is out, and the dog (which ignores
                // `lives`) is the next that fits.
                Pet::Dog(Dog {
                    name: "Odd".to_owned(),
                    barks: None
                }),
                Pet::Other(serde_json::json!("text")),
            ]
        );
        // A value that fits a variant's shape but does not decode into it is kept whole.
        let kept: Pet = serde_json::from_str("1.5").expect("decodes");
        assert_eq!(kept, Pet::Other(serde_json::json!(1.5)));
    }

    #[derive(Clone, Copy, Debug, PartialEq)]
    enum Kind {
        Abort,
    }

    #[test]
    fn constants_accept_their_value_only() {
        let listed: &[(&str, Kind)] = &[("abort_details", Kind::Abort)];
        let read = |json: &str| {
            deserialize_listed_string(&mut serde_json::Deserializer::from_str(json), listed)
                .map_err(|e| e.to_string())
        };
        assert_eq!(read(r#""abort_details""#), Ok(Kind::Abort));
        let refused = read(r#""reject_details""#).expect_err("another value is refused");
        assert!(refused.contains("\"abort_details\""), "{refused}");
        let numbers: &[(i64, Kind)] = &[(2, Kind::Abort)];
        let read = |json: &str| {
            deserialize_listed_integer(&mut serde_json::Deserializer::from_str(json), numbers)
                .map_err(|e| e.to_string())
        };
        assert_eq!(read("2"), Ok(Kind::Abort));
        assert!(read("3").is_err());
    }

    #[test]
    fn timestamps_are_read_as_servers_send_them() {
        let utc = |text: &str| lenient::parse(text).map(|t| t.to_rfc3339());
        let expected = Some("2026-12-05T09:51:35+00:00".to_owned());
        for text in [
            "2026-12-05T09:51:35Z",
            "2026-12-05t09:51:35z",
            "2026-12-05 09:51:35Z",
            "2026-12-05T10:51:35+01:00",
            "2026-12-05T09:51:35",
            "2026-12-05 09:51:35",
            "2026-12-05t09:51:35",
        ] {
            assert_eq!(utc(text), expected, "{text}");
        }
        assert_eq!(
            utc("2026-12-05T09:51:35.123456"),
            Some("2026-12-05T09:51:35.123456+00:00".to_owned())
        );
        for text in [
            "",
            "yesterday",
            "2026-12-05",
            "2026-13-05T09:51:35",
            "2026-12-05T09:51",
            "2026-12-05T09:51:35+",
        ] {
            assert_eq!(utc(text), None, "{text}");
        }
        #[derive(Debug, serde::Deserialize)]
        struct Seen {
            #[serde(deserialize_with = "read_lenient")]
            at: chrono::DateTime<chrono::Utc>,
            #[serde(default, deserialize_with = "read_lenient")]
            log: Option<Vec<Option<chrono::DateTime<chrono::Utc>>>>,
            #[serde(default, deserialize_with = "read_lenient_patch")]
            until: Patch<chrono::DateTime<chrono::Utc>>,
        }
        let seen: Seen = serde_json::from_str(
            r#"{"at": "2026-12-05 09:51:35", "log": ["2026-12-05T09:51:35", null], "until": null}"#,
        )
        .expect("decodes");
        assert_eq!(seen.at.to_rfc3339(), "2026-12-05T09:51:35+00:00");
        assert_eq!(seen.log.map(|l| l.len()), Some(2));
        assert_eq!(seen.until, Patch::Null);
        let error = serde_json::from_str::<Seen>(r#"{"at": "soon"}"#).expect_err("not a time");
        assert!(error.to_string().contains("RFC 3339"), "{error}");
        let missing: Seen =
            serde_json::from_str(r#"{"at": "2026-12-05T09:51:35Z"}"#).expect("decodes");
        assert_eq!(missing.until, Patch::Absent);
    }

    #[test]
    fn error_bodies_of_all_optional_types_need_one_of_their_properties() {
        #[derive(Debug, PartialEq, serde::Deserialize)]
        struct Problem {
            detail: Option<String>,
        }
        let read = |body: &str| json_error_declaring::<Problem>(422, body.as_bytes(), &["detail"]);
        assert_eq!(
            read(r#"{"detail": "bad"}"#),
            Some(Problem {
                detail: Some("bad".to_owned())
            })
        );
        assert_eq!(read(r#"{"detail": null}"#), Some(Problem { detail: None }));
        assert_eq!(read(r#"{"exception_message": "boom"}"#), None);
        assert_eq!(read("[]"), None);
        assert_eq!(read("not json"), None);
    }

    /// The events a parser reads from `chunks`, as (name, data, id, retry in ms).
    fn events_of(chunks: &[&[u8]]) -> Vec<(String, String, Option<String>, Option<u128>)> {
        let mut parser = EventParser::default();
        for chunk in chunks {
            parse_events(&mut parser, chunk);
        }
        parser
            .ready
            .into_iter()
            .map(|e| (e.name, e.data, e.id, e.retry.map(|r| r.as_millis())))
            .collect()
    }

    fn event(
        name: &str,
        data: &str,
        id: Option<&str>,
    ) -> (String, String, Option<String>, Option<u128>) {
        (
            name.to_owned(),
            data.to_owned(),
            id.map(str::to_owned),
            None,
        )
    }

    #[test]
    fn event_streams_end_lines_three_ways_and_join_data_lines() {
        let text = b"data: one\n\nevent: update\r\ndata: {\"a\":\r\ndata: 1}\r\n\r\n: a comment\rid: 7\rdata:two\r\r";
        let expected = vec![
            event("message", "one", None),
            event("update", "{\"a\":\n1}", None),
            event("message", "two", Some("7")),
        ];
        assert_eq!(events_of(&[text]), expected);
        // Split at every byte, and at every pair of places, the stream reads the same.
        let single: Vec<&[u8]> = text.chunks(1).collect();
        assert_eq!(events_of(&single), expected);
        for first in 1..text.len() {
            for second in first..text.len() {
                let chunks = [&text[..first], &text[first..second], &text[second..]];
                assert_eq!(
                    events_of(&chunks),
                    expected,
                    "split at {first} and {second}"
                );
            }
        }
    }

    #[test]
    fn a_carriage_return_ending_a_chunk_pairs_with_a_line_feed_starting_the_next() {
        // `\r` then `\n` in the next chunk is one line end, not a blank line.
        assert_eq!(
            events_of(&[b"data: a\r", b"\ndata: b\r\n\r\n"]),
            vec![event("message", "a\nb", None)]
        );
        // `\r` then `\r` is a line end and a blank line.
        assert_eq!(
            events_of(&[b"data: a\r", b"\r"]),
            vec![event("message", "a", None)]
        );
    }

    #[test]
    fn event_fields_follow_the_format() {
        let text = "\u{feff}data\n\nretry: 1500\ndata: x\n\nretry: 2s\nid: 3\0\nevent\ndata:  y \n\n: only a comment\n\nid: 9\n\ndata: z\n\nretry: 10\n\n";
        let read = events_of(&[text.as_bytes()]);
        assert_eq!(
            read,
            vec![
                // A `data` field with no colon is an empty line of data.
                event("message", "", None),
                ("message".to_owned(), "x".to_owned(), None, Some(1500)),
                // An invalid retry and an id holding NUL are ignored; one space is dropped.
                event("message", " y ", None),
                // An id with no data dispatches nothing but is remembered.
                event("message", "z", Some("9")),
            ]
        );
        let mut parser = EventParser::default();
        parse_events(&mut parser, text.as_bytes());
        assert_eq!(
            parser.last_retry,
            Some(std::time::Duration::from_millis(10))
        );
        assert_eq!(parser.last_id.as_deref(), Some("9"));
    }

    #[test]
    fn an_event_not_ended_by_a_blank_line_is_not_dispatched() {
        assert_eq!(events_of(&[b"data: partial\n"]), vec![]);
        assert_eq!(
            events_of(&[b"data: a\n\ndata: b"]),
            vec![event("message", "a", None)]
        );
    }

    #[test]
    fn invalid_utf8_in_an_event_is_replaced_not_fatal() {
        assert_eq!(
            events_of(&[b"data: \xff\xfe ok\n\n"]),
            vec![event("message", "\u{fffd}\u{fffd} ok", None)]
        );
    }

    #[test]
    fn the_next_link_is_found_among_others() {
        let github = r#"<https://api.example.com/r?page=2>; rel="next", <https://api.example.com/r?page=5>; rel="last""#;
        assert_eq!(
            next_link(github).as_deref(),
            Some("https://api.example.com/r?page=2")
        );
        let reordered =
            r#"<https://x/?a=1,2>; rel="prev"; title="a, b", </items?cursor=abc>; REL=NEXT"#;
        assert_eq!(next_link(reordered).as_deref(), Some("/items?cursor=abc"));
        let listed = r#"<https://x/3>; rel="last next""#;
        assert_eq!(next_link(listed).as_deref(), Some("https://x/3"));
        assert_eq!(next_link(r#"<https://x/1>; rel="prev""#), None);
        assert_eq!(next_link(r#"<https://x/1>; rel="nextpage""#), None);
        assert_eq!(next_link("garbage"), None);
        assert_eq!(next_link(""), None);
    }

    #[test]
    fn bytes_are_sent_again_and_a_stream_once() {
        let bytes = Body::from(b"abc");
        assert!(body_to_send(&bytes).is_ok());
        assert!(body_to_send(&bytes).is_ok());
        assert_eq!(bytes.as_bytes(), Some(&b"abc"[..]));
        assert_eq!(bytes.length(), Some(3));
        let chunks: Vec<Result<bytes::Bytes, std::io::Error>> =
            vec![Ok(bytes::Bytes::from_static(b"ab"))];
        let streamed = Body::from_sized_stream(StreamOf(chunks), 2);
        let clone = streamed.clone();
        assert_eq!(streamed, clone);
        assert_ne!(streamed, bytes);
        assert_eq!(streamed.as_bytes(), None);
        assert_eq!(body_to_send(&clone).map(|(_, length)| length), Ok(Some(2)));
        let again = body_to_send(&streamed).map(|(_, length)| length);
        assert_eq!(
            again,
            Err("a streamed body can be sent once, and it was sent already".to_owned())
        );
        assert!(format!("{streamed:?}").contains("streamed: true"));
    }

    #[test]
    fn mocked_event_streams_read_back_as_sent() {
        let data = ["{\"a\": 1}", "two\nlines", ""];
        let text = event_stream_text(&data);
        let read: Vec<String> = events_of(&[text.as_bytes()])
            .into_iter()
            .map(|(_, data, _, _)| data)
            .collect();
        assert_eq!(read, data);
    }

    /// A stream of the given items.
    struct StreamOf<T>(Vec<T>);

    impl<T: Unpin> futures_core::Stream for StreamOf<T> {
        type Item = T;

        fn poll_next(
            mut self: Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<T>> {
            let next = (!self.0.is_empty()).then(|| self.0.remove(0));
            std::task::Poll::Ready(next)
        }
    }

    /// An operation whose request cannot be built, and whose responses are never read.
    struct Unbuildable;

    impl Operation for Unbuildable {
        type Success = ();
        type Error = ();
        const ID: &'static str = "unbuildable";
        const METHOD: &'static str = "GET";
        const PATH: &'static str = "/";
        fn request(&self, _: &str, _: &reqwest::Client) -> Built<Self> {
            Err(Error::InvalidRequest("no request".to_owned()))
        }
        fn decode(_: Received) -> Decoded<Self> {
            Err(Error::InvalidRequest("read".to_owned()))
        }
        fn decode_error(_: u16, _: &[u8]) -> Option<()> {
            None
        }
    }

    #[test]
    fn an_exchange_gives_its_outcome_once_then_an_error() {
        let waker = std::task::Waker::noop();
        let mut context = std::task::Context::from_waker(waker);
        let message = |poll: std::task::Poll<Decoded<Unbuildable>>| match poll {
            std::task::Poll::Ready(Err(Error::InvalidRequest(text))) => text,
            other => format!("unexpected: {other:?}"),
        };
        let http = reqwest::Client::new();
        let built = Unbuildable.request("http://127.0.0.1", &http);
        let client = Core {
            base_url: "http://127.0.0.1".to_owned(),
            http,
            credentials: Vec::new(),
            hooks: Vec::new(),
            retry: None,
            timeout: None,
            body_limit: 1,
        };
        let mut unbuilt = exchange::<Unbuildable>(&client, built, RequestOptions::default());
        let mut pinned = Pin::new(&mut unbuilt);
        assert_eq!(message(pinned.as_mut().poll(&mut context)), "no request");
        assert_eq!(
            message(pinned.as_mut().poll(&mut context)),
            "the response was already given"
        );

        // A delivery that fails before any response is the request's error.
        let mut failed = Exchange::<Unbuildable> {
            delivery: Some(Box::pin(std::future::ready(Err(Error::InvalidRequest(
                "not sent".to_owned(),
            ))))),
            failed: None,
        };
        let mut pinned = Pin::new(&mut failed);
        assert_eq!(message(pinned.as_mut().poll(&mut context)), "not sent");
        assert_eq!(
            message(pinned.as_mut().poll(&mut context)),
            "the response was already given"
        );
    }

    /// A struct as the generator writes one that reads itself.
    #[derive(Debug, PartialEq)]
    struct Animal {
        id: i64,
        name: Option<String>,
        tag: Patch<String>,
        seen: chrono::DateTime<chrono::Utc>,
    }

    impl<'de> serde::Deserialize<'de> for Animal {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            read_object(deserializer)
        }
    }

    impl FromObject for Animal {
        const NAME: &'static str = "Animal";
        fn read<'de, A: serde::de::MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
            let mut id: Option<i64> = None;
            let mut name: Option<Option<String>> = None;
            let mut tag: Option<Patch<String>> = None;
            let mut seen: Option<chrono::DateTime<chrono::Utc>> = None;
            while let Some(key) = map.next_key::<ObjectKey<'de>>()? {
                match &*key {
                    "id" => object_field(&mut map, &mut id)?,
                    "name" => object_field(&mut map, &mut name)?,
                    "tag" => object_field(&mut map, &mut tag)?,
                    "seen" => object_lenient(&mut map, &mut seen)?,
                    _ => object_skip(&mut map)?,
                }
            }
            Ok(Self {
                id: object_required(id, "id")?,
                name: name.unwrap_or_default(),
                tag: tag.unwrap_or_default(),
                seen: object_present(seen, "seen")?,
            })
        }
    }

    #[test]
    fn structs_read_their_properties_by_name_and_skip_the_rest() {
        let pet: Animal = serde_json::from_str(
            r#"{"extra": {"deep": [1, {"x": null}]}, "seen": "2024-05-01 10:00:00", "id": 7, "tag": null, "n\u0061me": "Rex"}"#,
        )
        .unwrap();
        let seen = chrono::DateTime::parse_from_rfc3339("2024-05-01T10:00:00Z").unwrap();
        assert_eq!(
            pet,
            Animal {
                id: 7,
                name: Some("Rex".into()),
                tag: Patch::Null,
                seen: seen.into()
            }
        );
        // Absent: `None`, `Patch::Absent`; given twice: the last one counts.
        let pet: Animal =
            serde_json::from_str(r#"{"id": 1, "id": 2, "seen": "2024-05-01T10:00:00Z"}"#).unwrap();
        assert_eq!((pet.id, pet.name, pet.tag), (2, None, Patch::Absent));
        // The same from a JSON value, as unions read their variants.
        let value = serde_json::json!({"id": 3, "seen": "2024-05-01T10:00:00Z", "tag": "x"});
        let pet = <Animal as serde::Deserialize>::deserialize(&value).unwrap();
        assert_eq!((pet.id, pet.tag), (3, Patch::Set("x".into())));
    }

    #[test]
    fn structs_say_what_is_missing_or_wrong_as_serde_derive_does() {
        let error = |text: &str| {
            serde_json::from_str::<Animal>(text)
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            error(r#"{"seen": "2024-05-01T10:00:00Z"}"#),
            "missing field `id` at line 1 column 32"
        );
        assert_eq!(
            error(r#"{"id": 1}"#),
            "missing field `seen` at line 1 column 9"
        );
        assert_eq!(
            error(r#"{"id": "1"}"#),
            "invalid type: string \"1\", expected i64 at line 1 column 10"
        );
        assert_eq!(
            error("[1]"),
            "invalid type: sequence, expected struct Animal at line 1 column 0"
        );
        assert_eq!(
            error(r#"{"id": 1, "seen": "May"}"#),
            "invalid value: string \"May\", expected an RFC 3339 timestamp at line 1 column 24"
        );
    }
}
