// Pages: lists that span several responses, followed page by page and item by item.

/// An operation whose responses are pages of a list: a request's `pages()` and `items()`
/// follow them from the first to the last.
pub trait Paginated: Operation + Clone {
    /// One item of the list.
    type Item: Send;
    /// What asks for the page after `page`, if there is one.
    #[doc(hidden)]
    fn next_page(&self, page: &Response<Self::Success>) -> Option<NextPage<Self>>;
    /// The items of a page.
    #[doc(hidden)]
    fn page_items(page: Self::Success) -> Vec<Self::Item>;
}

/// What asks for the next page: the operation with other parameters, or the URL a
/// response links to.
#[doc(hidden)]
#[derive(Clone, Debug)]
pub enum NextPage<Op> {
    Parameters(Op),
    Link(String),
}

/// The next page a response's `Link` header names (`rel="next"`), per RFC 8288.
pub(crate) fn linked_page<T, Op>(page: &Response<T>) -> Option<NextPage<Op>> {
    page.headers
        .get_all(reqwest::header::LINK)
        .iter()
        .find_map(|value| next_link(&String::from_utf8_lossy(value.as_bytes())))
        .map(NextPage::Link)
}

/// The target of the `rel="next"` link in a `Link` header value.
fn next_link(header: &str) -> Option<String> {
    let mut rest = header;
    loop {
        let open = rest.find('<')?;
        let close = open + rest[open..].find('>')?;
        let target = &rest[open + 1..close];
        rest = &rest[close + 1..];
        // The link's parameters run to the next comma outside a quoted string.
        let mut quoted = false;
        let end = rest
            .char_indices()
            .find(|&(_, c)| {
                if c == '"' {
                    quoted = !quoted;
                }
                c == ',' && !quoted
            })
            .map_or(rest.len(), |(at, _)| at);
        let parameters = &rest[..end];
        rest = &rest[end..];
        let is_next = parameters.split(';').any(|parameter| {
            let Some((key, value)) = parameter.split_once('=') else {
                return false;
            };
            key.trim().eq_ignore_ascii_case("rel")
                && value
                    .trim()
                    .trim_matches('"')
                    .split_ascii_whitespace()
                    .any(|relation| relation.eq_ignore_ascii_case("next"))
        });
        if is_next {
            return Some(target.trim().to_owned());
        }
    }
}

/// A page and what follows it, as [`PageStream`] fetches them.
type Fetched<Op> = (
    Op,
    Option<reqwest::Url>,
    Result<Response<<Op as Operation>::Success>, Error<<Op as Operation>::Error>>,
);

/// Every page of a paginated list, in order: a [`futures_core::Stream`] of responses that
/// sends the next request only when the caller asks for the next page. A failed request
/// is the last item.
#[must_use = "a stream does nothing until it is read"]
pub struct PageStream<'a, Op: Paginated> {
    core: &'a Core,
    options: RequestOptions,
    /// The next request: the operation, the URL of the page before, and the link to
    /// follow from it.
    upcoming: Option<(Op, Option<reqwest::Url>, Option<String>)>,
    fetching: Option<BoxFuture<'a, Fetched<Op>>>,
}

// The operation is never pinned: only the boxed future is polled in place.
impl<Op: Paginated> Unpin for PageStream<'_, Op> {}

impl<'a, Op: Paginated + 'a> PageStream<'a, Op> {
    /// The next page; `None` after the last.
    pub async fn next(&mut self) -> Option<Result<Response<Op::Success>, Error<Op::Error>>> {
        next_of(self).await
    }
}

impl<'a, Op: Paginated + 'a> futures_core::Stream for PageStream<'a, Op> {
    type Item = Result<Response<Op::Success>, Error<Op::Error>>;

    fn poll_next(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        if self.fetching.is_none() {
            let Some((operation, from, link)) = self.upcoming.take() else {
                return std::task::Poll::Ready(None);
            };
            let core = self.core;
            let options = self.options.clone();
            self.fetching = Some(Box::pin(fetch_page(core, options, operation, from, link)));
        }
        let Some(fetching) = self.fetching.as_mut() else {
            return std::task::Poll::Ready(None);
        };
        let std::task::Poll::Ready((operation, url, result)) = fetching.as_mut().poll(cx) else {
            return std::task::Poll::Pending;
        };
        self.fetching = None;
        if let Ok(page) = &result {
            self.upcoming = match operation.next_page(page) {
                None => None,
                Some(NextPage::Parameters(next)) => Some((next, None, None)),
                Some(NextPage::Link(link)) => Some((operation, url, Some(link))),
            };
        }
        std::task::Poll::Ready(Some(result))
    }
}

impl<Op: Paginated> fmt::Debug for PageStream<'_, Op> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PageStream")
            .field(
                "done",
                &(self.upcoming.is_none() && self.fetching.is_none()),
            )
            .finish_non_exhaustive()
    }
}

/// Fetches a page: `operation` as it is, or at the URL `link` names, resolved against the
/// URL of the page before (`from`, else the operation's own). A link may not leave the
/// API's origin, which would take the credentials elsewhere.
async fn fetch_page<Op: Paginated>(
    core: &Core,
    options: RequestOptions,
    operation: Op,
    from: Option<reqwest::Url>,
    link: Option<String>,
) -> Fetched<Op> {
    let Some(link) = link else {
        let request = prepare(core, &operation, &options, None);
        let result = exchange::<Op>(core, request, options).await;
        return (operation, None, result);
    };
    let base = match from {
        Some(from) => Ok(from),
        None => operation
            .request(&core.base_url, &core.http)
            .map(|request| request.url().clone()),
    };
    let target = base.and_then(|base| {
        let target = base.join(&link).map_err(|error| {
            Error::InvalidRequest(format!("the next page's link `{link}` is invalid: {error}"))
        })?;
        let origin = reqwest::Url::parse(&core.base_url).map(|api| api.origin());
        if origin.ok() != Some(target.origin()) {
            return Err(Error::InvalidRequest(format!(
                "the next page's link `{link}` leaves the API's origin; it is not followed"
            )));
        }
        Ok(target)
    });
    match target {
        Ok(target) => {
            let request = prepare(core, &operation, &options, Some(target.clone()));
            let result = exchange::<Op>(core, request, options).await;
            (operation, Some(target), result)
        }
        Err(error) => (operation, None, Err(error)),
    }
}

/// The pages of a list, from the request's.
pub(crate) fn page_stream<Op: Paginated>(request: Request<'_, Op>) -> PageStream<'_, Op> {
    pages_from(request.core, request.options, request.operation)
}

/// The pages of a list, from the first one `operation` asks for with `options`.
fn pages_from<Op: Paginated>(
    core: &Core,
    options: RequestOptions,
    operation: Op,
) -> PageStream<'_, Op> {
    PageStream {
        core,
        options,
        upcoming: Some((operation, None, None)),
        fetching: None,
    }
}

/// Every item of a paginated list, page after page: a [`futures_core::Stream`] that asks
/// for the next page when the items of one run out. A failed request is the last item.
#[must_use = "a stream does nothing until it is read"]
pub struct ItemStream<'a, Op: Paginated> {
    source: PageStream<'a, Op>,
    buffered: std::collections::VecDeque<Op::Item>,
}

impl<Op: Paginated> Unpin for ItemStream<'_, Op> {}

impl<'a, Op: Paginated + 'a> ItemStream<'a, Op> {
    /// The next item; `None` after the last.
    pub async fn next(&mut self) -> Option<Result<Op::Item, Error<Op::Error>>> {
        next_of(self).await
    }
}

impl<'a, Op: Paginated + 'a> futures_core::Stream for ItemStream<'a, Op> {
    type Item = Result<Op::Item, Error<Op::Error>>;

    fn poll_next(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        loop {
            if let Some(item) = self.buffered.pop_front() {
                return std::task::Poll::Ready(Some(Ok(item)));
            }
            match futures_core::Stream::poll_next(Pin::new(&mut self.source), cx) {
                std::task::Poll::Ready(Some(Ok(page))) => {
                    let listed = Op::page_items(page.into_body());
                    self.buffered.extend(listed);
                }
                std::task::Poll::Ready(Some(Err(error))) => {
                    return std::task::Poll::Ready(Some(Err(error)));
                }
                std::task::Poll::Ready(None) => return std::task::Poll::Ready(None),
                std::task::Poll::Pending => return std::task::Poll::Pending,
            }
        }
    }
}

impl<Op: Paginated> fmt::Debug for ItemStream<'_, Op> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ItemStream")
            .field("pages", &self.source)
            .field("buffered", &self.buffered.len())
            .finish()
    }
}

/// Every item of a list, from the request's first page on.
pub(crate) fn item_stream<Op: Paginated>(request: Request<'_, Op>) -> ItemStream<'_, Op> {
    items_of(page_stream(request))
}

/// Every item of the pages `pages` reads.
fn items_of<Op: Paginated>(pages: PageStream<'_, Op>) -> ItemStream<'_, Op> {
    ItemStream {
        source: pages,
        buffered: std::collections::VecDeque::new(),
    }
}
