//! Whether decoding lost anything: the JSON a server sent beside the JSON its decoded value
//! encodes to, compared wherever the API's types declare a value. A property no type
//! declares is ignored on purpose and is no loss; a declared value missing or different
//! after the round trip is. Values the client writes in another spelling of the same thing
//! (`1` read as `1.0`, a timestamp's offset, the case of a UUID) are the same value.

use serde_json::Value;

use crate::ir::{Api, Outcome, ResponseBody, StatusMatch, Ty, TypeKind};

/// How deep the comparison follows nested values; deeper, values are compared whole.
const MAX_DEPTH: usize = 64;

/// A value the server sent that did not survive decoding and encoding again.
#[derive(Clone, Debug, PartialEq)]
pub struct Loss {
    /// Where, as a JSON path (`$.actions[1].deployment_id`).
    pub path: String,
    /// What the server sent there.
    pub received: Value,
    /// What the decoded value encodes to there; `None` when it is gone.
    pub reencoded: Option<Value>,
}

impl std::fmt::Display for Loss {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let received = excerpt(&self.received);
        match &self.reencoded {
            None => write!(f, "{}: {received} is lost", self.path),
            Some(value) => write!(
                f,
                "{}: {received} came back as {}",
                self.path,
                excerpt(value)
            ),
        }
    }
}

fn excerpt(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(80) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text,
    }
}

/// The type a 2xx JSON response of the operation `operation_id` (its `operationId`, or
/// the name made from method and path) decodes to for `status`.
pub fn response_type<'a>(api: &'a Api, operation_id: &str, status: u16) -> Option<&'a Ty> {
    let op = api
        .operations
        .iter()
        .find(|op| op.wire_id == operation_id)?;
    match &op.success {
        Outcome::Single(ResponseBody::Json(ty)) => Some(ty),
        Outcome::Single(_) => None,
        Outcome::ByStatus(name) => {
            let variants = api.outcome_variants(name);
            let covers = |s: &StatusMatch| match s {
                StatusMatch::Code(code) => *code == status,
                StatusMatch::Range(class) => status / 100 == *class,
                StatusMatch::Default => true,
            };
            // A listed code before a range, a range before `default`.
            let by_code = variants
                .iter()
                .filter(|v| covers(&v.status))
                .min_by_key(|v| match v.status {
                    StatusMatch::Code(_) => 0,
                    StatusMatch::Range(_) => 1,
                    StatusMatch::Default => 2,
                })?;
            match &by_code.body {
                ResponseBody::Json(ty) => Some(ty),
                _ => None,
            }
        }
    }
}

/// The values of `received` at places `ty` declares that `reencoded` lacks or holds
/// differently.
pub fn losses(api: &Api, ty: &Ty, received: &Value, reencoded: &Value) -> Vec<Loss> {
    let mut out = Vec::new();
    walk(api, ty, received, Some(reencoded), "$", 0, &mut out);
    out
}

/// The type of the 2xx JSON body a report line (see [`reported_losses`]) speaks of: its
/// `operation`'s for its `status`.
pub fn reported_type<'a>(api: &'a Api, line: &Value) -> Option<&'a Ty> {
    let id = line["operation"].as_str()?;
    let status = line["status"]
        .as_u64()
        .and_then(|s| u16::try_from(s).ok())?;
    response_type(api, id, status)
}

/// What a call's report line says was lost, in words. The line is what conformance
/// programs print per call: `operation` (its id), `status`, `received` (the JSON body, when
/// it differs from `reencoded`), `reencoded` (what the decoded body encodes to) and
/// `unmatched` (the unions that kept a value whole in their catch-all variant although it
/// has the shape of one of their variants, as the client's `tracing` warnings name them).
pub fn reported_losses(api: &Api, line: &Value) -> Vec<String> {
    let mut lost: Vec<String> = line["unmatched"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|union| {
            format!(
                "`{}` kept a value whole in its catch-all variant, though it has the shape of one of its variants",
                union.rsplit("::").next().unwrap_or(union)
            )
        })
        .collect();
    if let (Some(ty), false, Some(reencoded)) = (
        reported_type(api, line),
        line["received"].is_null(),
        line.get("reencoded").filter(|v| !v.is_null()),
    ) {
        lost.extend(
            losses(api, ty, &line["received"], reencoded)
                .iter()
                .map(ToString::to_string),
        );
    }
    lost
}

fn walk(
    api: &Api,
    ty: &Ty,
    received: &Value,
    reencoded: Option<&Value>,
    path: &str,
    depth: usize,
    out: &mut Vec<Loss>,
) {
    if received.is_null() {
        return;
    }
    let Some(reencoded) = reencoded.filter(|v| !v.is_null()) else {
        out.push(Loss {
            path: path.to_owned(),
            received: received.clone(),
            reencoded: None,
        });
        return;
    };
    let compare_whole = |out: &mut Vec<Loss>| {
        if !same(received, reencoded) {
            out.push(Loss {
                path: path.to_owned(),
                received: received.clone(),
                reencoded: Some(reencoded.clone()),
            });
        }
    };
    if depth > MAX_DEPTH {
        return compare_whole(out);
    }
    match (resolve(api, ty), received) {
        (Ty::Vec(item), Value::Array(items)) => {
            for (i, value) in items.iter().enumerate() {
                let at = format!("{path}[{i}]");
                walk(api, item, value, reencoded.get(i), &at, depth + 1, out);
            }
        }
        (Ty::Map(values), Value::Object(map)) => {
            for (key, value) in map {
                let at = member(path, key);
                walk(api, values, value, reencoded.get(key), &at, depth + 1, out);
            }
        }
        (Ty::Named(name), Value::Object(map)) => {
            for (key, value) in map {
                if let Some(declared) = declared(api, name, key, 0) {
                    let at = member(path, key);
                    walk(
                        api,
                        &declared,
                        value,
                        reencoded.get(key),
                        &at,
                        depth + 1,
                        out,
                    );
                }
            }
        }
        _ => compare_whole(out),
    }
}

/// `ty` with aliases, newtypes, boxes and options looked through.
fn resolve<'a>(api: &'a Api, mut ty: &'a Ty) -> &'a Ty {
    for _ in 0..MAX_DEPTH {
        ty = match ty {
            Ty::Option(inner) | Ty::Box(inner) => inner,
            Ty::Named(name) => match api.find_type(name).map(|t| &t.kind) {
                Some(TypeKind::Alias(inner) | TypeKind::Newtype(inner)) => inner,
                _ => return ty,
            },
            _ => return ty,
        };
    }
    ty
}

/// The type the named type declares for its property `key`: a field's, the map of the
/// properties it does not list, or, for a union, the first variant's that declares it
/// (any value when only a tag declares it). `None` when nothing declares it.
fn declared(api: &Api, name: &str, key: &str, depth: usize) -> Option<Ty> {
    if depth > MAX_DEPTH {
        return None;
    }
    match &api.find_type(name)?.kind {
        TypeKind::Struct(s) => {
            if let Some(field) = s.fields.iter().find(|f| f.wire_name == key) {
                return Some(field.ty.clone());
            }
            s.flattened
                .iter()
                .find_map(|(_, ty)| named_declared(api, ty, key, depth))
                .or_else(|| s.additional.as_ref().map(|(_, ty)| ty.clone()))
        }
        TypeKind::Union(u) => {
            if u.tag.as_ref().is_some_and(|t| t.property == key) {
                return Some(Ty::Json);
            }
            u.variants
                .iter()
                .find_map(|v| named_declared(api, &v.ty, key, depth))
        }
        TypeKind::Alias(ty) | TypeKind::Newtype(ty) => named_declared(api, ty, key, depth),
        TypeKind::Enum(_) | TypeKind::Outcome(_) => None,
    }
}

fn named_declared(api: &Api, ty: &Ty, key: &str, depth: usize) -> Option<Ty> {
    match resolve(api, ty) {
        Ty::Named(name) => declared(api, name, key, depth + 1),
        Ty::Map(values) => Some((**values).clone()),
        Ty::Json | Ty::JsonObject => Some(Ty::Json),
        _ => None,
    }
}

fn member(path: &str, key: &str) -> String {
    if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        format!("{path}.{key}")
    } else {
        format!("{path}[{}]", Value::from(key))
    }
}

/// Whether two JSON values say the same: numbers by value, timestamps by instant, UUIDs
/// and other hexadecimal text whatever its case, objects by the members `a` has (the
/// encoding may add a tag or a default), arrays item by item.
pub fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, _) => true,
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x == y,
            _ => match (x.as_u64(), y.as_u64()) {
                (Some(x), Some(y)) => x == y,
                _ => x.as_f64() == y.as_f64(),
            },
        },
        (Value::String(x), Value::String(y)) => {
            x == y
                || x.eq_ignore_ascii_case(y) && x.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
                || matches!((instant(x), instant(y)), (Some(p), Some(q)) if p == q)
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
        }
        (Value::Object(x), Value::Object(y)) => x
            .iter()
            .all(|(key, value)| value.is_null() || y.get(key).is_some_and(|v| same(value, v))),
        _ => a == b,
    }
}

/// A timestamp's instant, as seconds since 1970 and nanoseconds: RFC 3339 (a space or `t`
/// between date and time allowed, `Z` or `z`), or without an offset, taken as UTC.
fn instant(text: &str) -> Option<(i64, u32)> {
    let bytes = text.as_bytes();
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = text.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    if bytes.len() < 19
        || bytes[4] != b'-'
        || bytes[7] != b'-'
        || !matches!(bytes[10], b'T' | b't' | b' ')
        || bytes[13] != b':'
        || bytes[16] != b':'
    {
        return None;
    }
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    let mut rest = &text[19..];
    let mut nanos = 0u32;
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let kept = &fraction[..digits.min(9)];
        nanos = kept.parse::<u32>().ok()? * 10u32.pow(9 - u32::try_from(kept.len()).ok()?);
        rest = &fraction[digits..];
    }
    let offset = match rest {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let hours: i64 = rest.get(1..3)?.parse().ok()?;
            let minutes: i64 = rest.get(4..6)?.parse().ok()?;
            if rest.len() != 6 || rest.as_bytes()[3] != b':' {
                return None;
            }
            sign * (hours * 3600 + minutes * 60)
        }
    };
    // Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let days = era * 146_097 + day_of_era - 719_468;
    Some((
        days * 86_400 + hour * 3600 + minute * 60 + second - offset,
        nanos,
    ))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn api() -> Api {
        let spec = r##"
openapi: 3.1.0
info: {title: t, version: '1'}
paths:
  /runs:
    get:
      operationId: listRuns
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: array
                items: {$ref: '#/components/schemas/Run'}
components:
  schemas:
    Run:
      type: object
      properties:
        id: {type: string, format: uuid}
        started: {type: string, format: date-time}
        score: {type: number}
        details:
          anyOf:
            - {$ref: '#/components/schemas/Wait'}
            - {$ref: '#/components/schemas/Abort'}
        labels:
          type: object
          additionalProperties: {type: string}
    Wait:
      type: object
      properties:
        type: {const: wait}
        seconds: {type: integer}
    Abort:
      type: object
      properties:
        type: {const: abort}
        reason: {type: string}
"##;
        crate::lower_spec(spec).expect("lowers").0
    }

    #[test]
    fn declared_values_lost_or_changed_are_found_with_their_path() {
        let api = api();
        let ty = response_type(&api, "listRuns", 200)
            .expect("a JSON response")
            .clone();
        let received = json!([{
            "id": "6F1C6E3E-8B9F-4E44-9A8E-1F2B3C4D5E6F",
            "started": "2026-12-05T09:51:35",
            "score": 1,
            "details": {"type": "abort", "reason": "late"},
            "labels": {"a": "b"},
            "undeclared": "ignored by design"
        }]);
        // Another spelling of every value: nothing is lost.
        let spelled = json!([{
            "id": "6f1c6e3e-8b9f-4e44-9a8e-1f2b3c4d5e6f",
            "started": "2026-12-05T10:51:35+01:00",
            "score": 1.0,
            "details": {"type": "abort", "reason": "late"},
            "labels": {"a": "b"}
        }]);
        assert_eq!(losses(&api, &ty, &received, &spelled), []);
        // The wrong variant drops `reason`; a label changed.
        let wrong = json!([{
            "id": "6f1c6e3e-8b9f-4e44-9a8e-1f2b3c4d5e6f",
            "started": "2026-12-05T09:51:35Z",
            "score": 1,
            "details": {"type": "wait"},
            "labels": {"a": "c"}
        }]);
        let found: Vec<String> = losses(&api, &ty, &received, &wrong)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            found,
            [
                r#"$[0].details.type: "abort" came back as "wait""#,
                r#"$[0].details.reason: "late" is lost"#,
                r#"$[0].labels.a: "b" came back as "c""#,
            ]
        );
    }

    #[test]
    fn timestamps_compare_by_instant() {
        assert_eq!(instant("1970-01-01T00:00:00Z"), Some((0, 0)));
        assert_eq!(
            instant("2026-12-05 09:51:35.5"),
            instant("2026-12-05T10:51:35.500+01:00")
        );
        assert_eq!(
            instant("2000-02-29t12:00:00z").map(|t| t.0),
            Some(951_825_600)
        );
        for text in [
            "2026-12-05",
            "2026-13-05T00:00:00",
            "2026-12-05T00:00:00+01",
            "soon",
        ] {
            assert_eq!(instant(text), None, "{text}");
        }
        assert!(!same(
            &json!("2026-12-05T09:51:35Z"),
            &json!("2026-12-05T09:51:36Z")
        ));
        assert!(same(&json!("6F1C-AB"), &json!("6f1c-ab")));
        assert!(!same(&json!("name"), &json!("NAME")));
        assert!(same(
            &json!({"a": 1, "b": null}),
            &json!({"a": 1.0, "tag": "x"})
        ));
        assert!(!same(&json!([1, 2]), &json!([1])));
    }
}
