//! Laravel resource-collection pagination exactly as the Connector answers it: `per_page`
//! (default 10, `-1` = everything as a plain `{data: […]}`), `page`, `links` and `meta`.

use axum::{
    extract::FromRequestParts,
    http::{header, request::Parts},
};
use serde_json::{Value, json};
use std::{collections::HashMap, convert::Infallible};

pub(super) type Params = HashMap<String, String>;

/// A list request: its query parameters (junk reads as none) and the absolute URL of its path,
/// as Laravel puts it in `links` and `meta.path`.
pub(super) struct ListRequest {
    pub params: Params,
    pub path_url: String,
}

impl<S: Send + Sync> FromRequestParts<S> for ListRequest {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        let params = parts.uri.query().and_then(|q| serde_urlencoded::from_str(q).ok()).unwrap_or_default();
        let host = parts.headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
        Ok(ListRequest { params, path_url: format!("http://{host}{}", parts.uri.path()) })
    }
}

impl ListRequest {
    /// A non-blank query parameter, trimmed.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.params.get(key).map(|s| s.trim()).filter(|s| !s.is_empty())
    }

    /// Renders the requested page of `items`.
    pub fn page<T>(&self, items: &[T], render: impl Fn(&T) -> Value) -> Value {
        paginate(items, &self.params, &self.path_url, render)
    }

    /// The same, without collecting `items`: one pass counts them and the page is rendered from
    /// its offset, so a page of a large catalog costs a count, as `LIMIT … OFFSET` does.
    pub fn page_lazily<T>(&self, items: impl Iterator<Item = T> + Clone, render: impl Fn(&T) -> Value) -> Value {
        let Some(w) = window(&self.params) else {
            return self.page(&items.collect::<Vec<_>>(), render);
        };
        let total = items.clone().count();
        let start = (w.page - 1).saturating_mul(w.per_page).min(total);
        let data = items.skip(start).take(w.per_page).map(|item| render(&item)).collect();
        page_json(&w, total, start, data, &self.path_url)
    }
}

/// Which slice of `total` items a request asks for, or `None` for everything (`per_page=-1`).
pub(super) struct Window {
    pub page: usize,
    pub per_page: usize,
}

pub(super) fn window(params: &Params) -> Option<Window> {
    let per_page = match params.get("per_page").map(|s| s.trim().parse::<i64>()) {
        Some(Ok(-1)) => return None,
        Some(Ok(n)) if n > 0 => n as usize,
        _ => 10,
    };
    let page = match params.get("page").map(|s| s.trim().parse::<i64>()) {
        Some(Ok(n)) if n > 0 => n as usize,
        _ => 1,
    };
    Some(Window { page, per_page })
}

/// Renders only the requested page: `render` is called for the items on it.
pub(super) fn paginate<T>(items: &[T], params: &Params, path_url: &str, render: impl Fn(&T) -> Value) -> Value {
    let Some(w) = window(params) else {
        return json!({ "data": items.iter().map(render).collect::<Vec<_>>() });
    };
    let total = items.len();
    let start = (w.page - 1).saturating_mul(w.per_page).min(total);
    let end = start.saturating_add(w.per_page).min(total);
    let data: Vec<Value> = items[start..end].iter().map(render).collect();
    page_json(&w, total, start, data, path_url)
}

/// One page as Laravel answers it: `data` (the items from `start` on), `links` and `meta`.
fn page_json(w: &Window, total: usize, start: usize, data: Vec<Value>, path_url: &str) -> Value {
    let last_page = total.div_ceil(w.per_page).max(1);
    let end = start + data.len();
    let link = |p: usize| Value::String(format!("{path_url}?page={p}"));
    let (from, to) = if start < end { (json!(start + 1), json!(end)) } else { (Value::Null, Value::Null) };
    json!({
        "data": data,
        "links": {
            "first": link(1),
            "last": link(last_page),
            "prev": if w.page > 1 { link(w.page - 1) } else { Value::Null },
            "next": if w.page < last_page { link(w.page + 1) } else { Value::Null },
        },
        "meta": {
            "current_page": w.page,
            "from": from,
            "last_page": last_page,
            "path": path_url,
            "per_page": w.per_page,
            "to": to,
            "total": total,
        }
    })
}

/// MySQL `LIKE %needle%` with a case-insensitive collation.
pub(super) fn like(haystack: &str, needle: &str) -> bool {
    haystack.to_lowercase().contains(&needle.to_lowercase())
}

/// A comma-separated id list (`"1,2,3"`); junk entries are skipped, as `explode` + `whereIn` would.
pub(super) fn id_list(csv: &str) -> Vec<i64> {
    csv.split(',').filter_map(|s| s.trim().parse().ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Params {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn default_page_has_ten_items_and_links_to_the_next() {
        let items: Vec<i64> = (1..=23).collect();
        let v = paginate(&items, &params(&[]), "http://h/p", |i| json!(i));
        assert_eq!(v["data"].as_array().unwrap().len(), 10);
        assert_eq!(v["links"]["next"], "http://h/p?page=2");
        assert_eq!(v["meta"]["last_page"], 3);
        let last = paginate(&items, &params(&[("page", "3")]), "http://h/p", |i| json!(i));
        assert_eq!(last["data"], json!([21, 22, 23]));
        assert_eq!(last["links"]["next"], Value::Null);
    }

    #[test]
    fn a_page_read_lazily_is_the_page_of_the_collected_items() {
        let items: Vec<i64> = (1..=23).collect();
        for query in [vec![], vec![("page", "3")], vec![("page", "2"), ("per_page", "5")], vec![("per_page", "-1")]] {
            let list = ListRequest { params: params(&query), path_url: "http://h/p".into() };
            let lazily = list.page_lazily(items.iter().filter(|i| **i > 0), |i| json!(i));
            assert_eq!(lazily, list.page(&items, |i| json!(i)), "{query:?}");
        }
    }

    #[test]
    fn minus_one_returns_everything_without_links_or_meta() {
        let items: Vec<i64> = (1..=23).collect();
        let v = paginate(&items, &params(&[("per_page", "-1")]), "http://h/p", |i| json!(i));
        assert_eq!(v.as_object().unwrap().len(), 1);
        assert_eq!(v["data"].as_array().unwrap().len(), 23);
    }
}
