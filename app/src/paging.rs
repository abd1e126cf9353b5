//! Long lists come in pages: a page number from the address (`?page=2`), one page of rows
//! with whether more follow (the query fetches one row more than it shows, so no count is
//! needed), and the links between pages.

use leptos::prelude::*;
use leptos_router::hooks::use_location;
use serde::{Deserialize, Serialize};

/// A 1-based page number. Anything unreadable is the first page; very large numbers are
/// capped so that an address cannot ask the database to skip millions of rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageNumber(u32);

const LAST_PAGE: u32 = 10_000;

impl Default for PageNumber {
    fn default() -> Self {
        Self(1)
    }
}

impl PageNumber {
    pub fn parse(raw: Option<&str>) -> Self {
        raw.and_then(|r| r.trim().parse::<u32>().ok())
            .map_or_else(Self::default, Self::new)
    }

    pub fn new(number: u32) -> Self {
        Self(number.clamp(1, LAST_PAGE))
    }

    pub fn number(self) -> u32 {
        self.0
    }

    /// Rows to skip for pages of `size` rows.
    pub fn offset(self, size: usize) -> i64 {
        i64::from(self.0 - 1) * i64::try_from(size).unwrap_or(i64::MAX)
    }
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub page: u32,
    /// More rows follow this page.
    pub more: bool,
}

impl<T> Paged<T> {
    /// The page from rows fetched with a limit of `size + 1`.
    pub fn from_rows(mut rows: Vec<T>, page: PageNumber, size: usize) -> Self {
        let more = rows.len() > size;
        rows.truncate(size);
        Self {
            items: rows,
            page: page.number(),
            more,
        }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Paged<U> {
        Paged {
            items: self.items.into_iter().map(f).collect(),
            page: self.page,
            more: self.more,
        }
    }
}

/// The current address with `key` set to `page` (the first page drops the key).
pub fn address_with_page(path: &str, search: &str, key: &str, page: u32) -> String {
    let mut pairs: Vec<(String, String)> = url_pairs(search)
        .into_iter()
        .filter(|(k, _)| k != key && k != "__err" && k != "__sig")
        .collect();
    if page > 1 {
        pairs.push((key.to_owned(), page.to_string()));
    }
    if pairs.is_empty() {
        path.to_owned()
    } else {
        let query: Vec<String> = pairs
            .iter()
            .map(|(k, v)| {
                format!(
                    "{}={}",
                    crate::components::encode_query(k),
                    crate::components::encode_query(v)
                )
            })
            .collect();
        format!("{path}?{}", query.join("&"))
    }
}

fn url_pairs(search: &str) -> Vec<(String, String)> {
    search
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let decode = |s: &str| {
                percent_encoding::percent_decode_str(&s.replace('+', " "))
                    .decode_utf8_lossy()
                    .into_owned()
            };
            (decode(k), decode(v))
        })
        .collect()
}

/// Links to the previous and next page of a list, keeping the rest of the address.
#[component]
pub fn Pager(
    page: u32,
    more: bool,
    /// What the links page through, e.g. "Past interviews" (names the navigation).
    #[prop(into)]
    label: String,
    /// The query parameter holding the page number.
    #[prop(default = "page")]
    key: &'static str,
    #[prop(into, default = "Previous page".into())] previous: String,
    #[prop(into, default = "Next page".into())] next: String,
) -> impl IntoView {
    if page <= 1 && !more {
        return ().into_any();
    }
    let location = use_location();
    let path = location.pathname.get_untracked();
    let search = location.search.get_untracked();
    let link = |to: u32| address_with_page(&path, &search, key, to);
    view! {
        <nav class="pager" aria-label=format!("{label}: pages")>
            {(page > 1).then(|| view! { <a href=link(page - 1) rel="prev">{previous}</a> })}
            <span class="pager-page">{format!("Page {page}")}</span>
            {more.then(|| view! { <a href=link(page + 1) rel="next">{next}</a> })}
        </nav>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers_are_forgiving_and_bounded() {
        assert_eq!(PageNumber::parse(None).number(), 1);
        assert_eq!(PageNumber::parse(Some("0")).number(), 1);
        assert_eq!(PageNumber::parse(Some("-3")).number(), 1);
        assert_eq!(PageNumber::parse(Some("x")).number(), 1);
        assert_eq!(PageNumber::parse(Some("3")).number(), 3);
        assert_eq!(PageNumber::parse(Some("99999999")).number(), LAST_PAGE);
        assert_eq!(PageNumber::new(3).offset(25), 50);
    }

    #[test]
    fn a_page_knows_whether_more_follow() {
        let page = Paged::from_rows(vec![1, 2, 3], PageNumber::new(2), 2);
        assert_eq!((page.items, page.page, page.more), (vec![1, 2], 2, true));
        let last = Paged::from_rows(vec![1, 2], PageNumber::new(2), 2);
        assert!(!last.more);
    }

    #[test]
    fn page_links_keep_the_other_parameters() {
        assert_eq!(
            address_with_page("/candidates", "?q=ada+l&page=2", "page", 3),
            "/candidates?q=ada%20l&page=3"
        );
        assert_eq!(
            address_with_page("/candidates", "?page=2", "page", 1),
            "/candidates"
        );
        assert_eq!(
            address_with_page("/my-interviews", "?__err=x&__sig=y", "past", 2),
            "/my-interviews?past=2"
        );
    }
}
