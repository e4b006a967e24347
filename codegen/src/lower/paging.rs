//! Pagination: which operations answer with pages of a list, and how the next page is
//! asked for. An operation says so with Dropshot's `x-dropshot-pagination`, with
//! `x-pagination` (or the generator's settings, for a document that says nothing), or by
//! documenting a `Link` header on a list. What it asks for is checked against the lowered
//! types once their fields are final.

use crate::diagnostics::{Diagnostic, Pointer};
use crate::ir::{self, FieldRepr, Outcome, PageKind, PageStep, ParamLocation, ResponseBody, Ty};

/// The operation extension that names how its responses page: `{cursor, next, items}` or
/// `{offset, items}`.
pub(crate) const PAGINATION: &str = "x-pagination";

/// Dropshot's mark of a paginated operation: `page_token` and `limit` parameters, and
/// pages of `items` with a `next_page` token.
const DROPSHOT: &str = "x-dropshot-pagination";

/// How an operation asks to be paged through, by the names the document uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Requested {
    /// Follow the `Link` header; the body is the list.
    Link,
    /// The response field `next` (a dotted path) holds the cursor that the query
    /// parameter `param` sends for the next page.
    Cursor {
        param: String,
        next: String,
        items: String,
        /// Whether the other optional query parameters but `limit` are left out after
        /// the first page (the cursor stands for them).
        dropshot: bool,
    },
    /// The query parameter `param` counts the items before the page.
    Offset { param: String, items: String },
    /// The query parameter `param` names the item the next page starts after, by the
    /// field `key` of the page's last item, while the page's field `more` is true.
    After {
        param: String,
        key: String,
        more: Option<String>,
        items: String,
    },
}

/// What `op` asks for, if anything: the generator's settings first, then its
/// extensions, then a documented `Link` header. `Err` when an extension is malformed.
pub(crate) fn requested(
    op: &openapiv3::Operation,
    responses: &[ir::Response],
    settings: Option<&crate::options::Paginate>,
) -> Option<Result<Requested, String>> {
    if let Some(given) = settings {
        return Some(Ok(match &given.style {
            crate::options::PageStyle::Cursor { param, next } => Requested::Cursor {
                param: param.clone(),
                next: next.clone(),
                items: given.items.clone(),
                dropshot: false,
            },
            crate::options::PageStyle::Offset { param } => Requested::Offset {
                param: param.clone(),
                items: given.items.clone(),
            },
            crate::options::PageStyle::After { param, key, more } => Requested::After {
                param: param.clone(),
                key: key.clone(),
                more: more.clone(),
                items: given.items.clone(),
            },
        }));
    }
    if let Some(value) = op.extensions.get(PAGINATION) {
        return Some(from_extension(value));
    }
    if op.extensions.contains_key(DROPSHOT) {
        return Some(Ok(Requested::Cursor {
            param: "page_token".to_owned(),
            next: "next_page".to_owned(),
            items: "items".to_owned(),
            dropshot: true,
        }));
    }
    let links = responses
        .iter()
        .any(|r| super::operation::is_success(&r.status) && r.links);
    links.then_some(Ok(Requested::Link))
}

fn from_extension(value: &serde_json::Value) -> Result<Requested, String> {
    let text = |key: &str| value.get(key).and_then(|v| v.as_str()).map(str::to_owned);
    let items = text("items").unwrap_or_default();
    match (
        text("cursor"),
        text("next"),
        text("offset"),
        text("after"),
        text("key"),
    ) {
        (Some(param), Some(next), None, None, None) => Ok(Requested::Cursor {
            param,
            next,
            items,
            dropshot: false,
        }),
        (None, None, Some(param), None, None) => Ok(Requested::Offset { param, items }),
        (None, None, None, Some(param), Some(key)) => Ok(Requested::After {
            param,
            key,
            more: text("more"),
            items,
        }),
        _ => Err(format!(
            "`{PAGINATION}` must be `{{cursor: PARAMETER, next: FIELD, items: FIELD}}`, \
             `{{offset: PARAMETER, items: FIELD}}` or \
             `{{after: PARAMETER, key: FIELD, more: FIELD, items: FIELD}}`; this operation is \
             not paged through"
        )),
    }
}

/// Resolves what each operation (by its pointer) asked for against the final types,
/// setting its `pagination`; what cannot be done is a warning.
pub(crate) fn resolve(
    api: &mut ir::Api,
    requests: Vec<(Pointer, Result<Requested, String>)>,
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for (at, request) in requests {
        let pointer = at.to_string();
        // An operation whose body is offered in several media types has a method for
        // each, all paging alike.
        let indices: Vec<usize> = (0..api.operations.len())
            .filter(|&i| api.operations[i].pointer == pointer)
            .collect();
        let Some(&first) = indices.first() else {
            continue;
        };
        let resolved =
            request.and_then(|request| pagination(api, &api.operations[first], &request));
        match resolved {
            Ok(pagination) => {
                for i in indices {
                    api.operations[i].pagination.clone_from(&pagination);
                }
            }
            Err(problem) => found.push(Diagnostic::warning(&at, problem)),
        }
    }
    found
}

/// How `op` pages as `request` asks: `None` when a `Link` header is all there is and its
/// pages hold no one list (the header alone promises no pages, so that is no defect).
fn pagination(
    api: &ir::Api,
    op: &ir::Operation,
    request: &Requested,
) -> Result<Option<ir::Pagination>, String> {
    let Outcome::Single(ResponseBody::Json(page)) = &op.success else {
        if *request == Requested::Link {
            return Ok(None);
        }
        return Err(
            "its pages cannot be followed: a successful response is not one JSON body".to_owned(),
        );
    };
    let items_path = match request {
        Requested::Link => "",
        Requested::Cursor { items, .. }
        | Requested::Offset { items, .. }
        | Requested::After { items, .. } => items,
    };
    let (items, list) = walk(api, page, items_path)?;
    let (items, item) = match (element(api, &list), request) {
        (Some(item), _) => (items, item),
        // A linked page that is an object: its one list holds the items
        // (`{total_count, items: [...]}`); with none or several, nothing says which.
        (None, Requested::Link) => match only_list(api, page) {
            Some(found) => found,
            None => return Ok(None),
        },
        (None, _) => {
            return Err(format!(
                "the items of its pages, `{}`, are not a list; its pages are not followed",
                if items_path.is_empty() {
                    "the body"
                } else {
                    items_path
                }
            ));
        }
    };
    let kind = match request {
        Requested::Link => PageKind::Link,
        Requested::Cursor {
            param,
            next,
            dropshot,
            ..
        } => {
            let index = optional_query(op, param)?;
            let (next_steps, next_ty) = walk(api, page, next)?;
            let next_ty = api.without_aliases(&next_ty);
            let param_ty = &op.params[index].ty;
            let fits = match (param_ty, &next_ty) {
                (Ty::String, t) => t == &Ty::String || is_integer(t),
                (p, t) => is_integer(p) && is_integer(t),
            };
            if !fits {
                return Err(format!(
                    "the next cursor `{next}` cannot be sent in the parameter `{param}` (their types \
                     differ); its pages are not followed"
                ));
            }
            let cleared = if *dropshot {
                op.params
                    .iter()
                    .enumerate()
                    .filter(|(i, p)| {
                        *i != index
                            && !p.required
                            && p.location == ParamLocation::Query
                            && p.wire_name != "limit"
                    })
                    .map(|(i, _)| i)
                    .collect()
            } else {
                Vec::new()
            };
            PageKind::Cursor {
                param: index,
                next: next_steps,
                next_ty,
                cleared,
            }
        }
        Requested::Offset { param, .. } => {
            let index = optional_query(op, param)?;
            if !is_integer(&op.params[index].ty) {
                return Err(format!(
                    "the offset parameter `{param}` is not an integer; its pages are not followed"
                ));
            }
            PageKind::Offset { param: index }
        }
        Requested::After {
            param, key, more, ..
        } => {
            let index = optional_query(op, param)?;
            let (key_steps, key_ty) = walk(api, &item, key)?;
            let key_ty = api.without_aliases(&key_ty);
            let param_ty = &op.params[index].ty;
            let fits = match (param_ty, &key_ty) {
                (Ty::String, t) => t == &Ty::String || is_integer(t),
                (p, t) => is_integer(p) && is_integer(t),
            };
            if !fits {
                return Err(format!(
                    "an item's `{key}` cannot be sent in the parameter `{param}` (their types \
                     differ); its pages are not followed"
                ));
            }
            let more = match more {
                Some(more) => {
                    let (steps, more_ty) = walk(api, page, more)?;
                    if api.without_aliases(&more_ty) != Ty::Bool {
                        return Err(format!(
                            "`{more}` is not a boolean that says whether more items follow; \
                             its pages are not followed"
                        ));
                    }
                    Some(steps)
                }
                None => None,
            };
            PageKind::After {
                param: index,
                key: key_steps,
                key_ty,
                more,
            }
        }
    };
    let methods = (
        super::operation::request_method(&op.params, "pages", "all_pages"),
        super::operation::request_method(&op.params, "items", "all_items"),
    );
    Ok(Some(ir::Pagination {
        kind,
        items,
        item,
        methods,
    }))
}

/// The optional scalar query parameter `name`, by index.
fn optional_query(op: &ir::Operation, name: &str) -> Result<usize, String> {
    let index = op
        .params
        .iter()
        .position(|p| p.wire_name == name && p.location == ParamLocation::Query)
        .ok_or_else(|| {
            format!("it has no query parameter `{name}` to ask for the next page with; its pages are not followed")
        })?;
    let p = &op.params[index];
    let scalar = p.shape == ir::ParamShape::Scalar && (p.ty == Ty::String || is_integer(&p.ty));
    if p.required || !scalar {
        return Err(format!(
            "the parameter `{name}` must be an optional string or integer to ask for the next page \
             with; its pages are not followed"
        ));
    }
    Ok(index)
}

fn is_integer(ty: &Ty) -> bool {
    matches!(
        ty,
        Ty::I8 | Ty::I16 | Ty::I32 | Ty::I64 | Ty::U8 | Ty::U16 | Ty::U32 | Ty::U64
    )
}

/// The fields along a dotted `path` of JSON property names from a value of type `ty`, and
/// the type at its end.
fn walk(api: &ir::Api, ty: &Ty, path: &str) -> Result<(Vec<PageStep>, Ty), String> {
    let mut current = ty.clone();
    let mut steps = Vec::new();
    for name in path.split('.').filter(|name| !name.is_empty()) {
        let fields = object_fields(api, &current).ok_or_else(|| {
            format!("`{path}`: the value holding `{name}` is not an object with declared properties; its pages are not followed")
        })?;
        let field = fields.iter().find(|f| f.wire_name == name).ok_or_else(|| {
            format!("`{path}`: the page has no property `{name}`; its pages are not followed")
        })?;
        let optional = match field.repr {
            FieldRepr::Plain => false,
            FieldRepr::Optional | FieldRepr::Nullable => true,
            FieldRepr::Patch => {
                return Err(format!(
                    "`{path}`: `{name}` is a request field; its pages are not followed"
                ));
            }
        };
        steps.push(PageStep {
            rust_name: field.rust_name.clone(),
            optional,
        });
        current = field.ty.clone();
    }
    Ok((steps, current))
}

/// The fields of the struct `ty` stands for, through aliases and boxes.
fn object_fields<'a>(api: &'a ir::Api, ty: &Ty) -> Option<&'a [ir::Field]> {
    let mut current = ty.clone();
    for _ in 0..32 {
        match current {
            Ty::Box(inner) => current = *inner,
            Ty::Named(name) => match &api.find_type(&name)?.kind {
                ir::TypeKind::Struct(s) if s.flattened.is_empty() => return Some(&s.fields),
                ir::TypeKind::Alias(inner) => current = inner.clone(),
                _ => return None,
            },
            _ => return None,
        }
    }
    None
}

/// The one field of the object `ty` that is a list, with its element type.
fn only_list(api: &ir::Api, ty: &Ty) -> Option<(Vec<PageStep>, Ty)> {
    let fields = object_fields(api, ty)?;
    let mut lists = fields.iter().filter_map(|f| {
        let item = element(api, &f.ty)?;
        let optional = match f.repr {
            FieldRepr::Plain => false,
            FieldRepr::Optional | FieldRepr::Nullable => true,
            FieldRepr::Patch => return None,
        };
        let step = PageStep {
            rust_name: f.rust_name.clone(),
            optional,
        };
        Some((vec![step], item))
    });
    let first = lists.next()?;
    lists.next().is_none().then_some(first)
}

/// The element type of the list `ty` stands for.
fn element(api: &ir::Api, ty: &Ty) -> Option<Ty> {
    match api.without_aliases(ty) {
        Ty::Vec(item) => Some(*item),
        _ => None,
    }
}
