//! Products: every SKU from the last catalog index with its Prokip quantity, what is committed,
//! and per store what we publish and what the store last showed. Search, status filter and pages
//! travel in the query string (`?q=&status=&page=`); "Re-index", "Sync now", "Create in store"
//! (per SKU and store, or every missing SKU of a store) and the SKU links (a suggestion, all of
//! them, one chosen by hand, unlink) are plain forms.

use super::Banners;
use crate::components::pager::Pager;
use crate::components::post_form::PostForm;
use crate::components::post_form::data_version;
use crate::components::sync_progress::SyncProgress;
use crate::{
    api::load_products,
    model::{LinkSuggestion, PRODUCT_SORTS, ProductRow, ProductsView, STATUSES, StoreColumn},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ProductsPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let q = query.get();
            let page = q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
            let text = |name: &str| q.get(name).unwrap_or_default();
            (data_version(), text("q"), text("status"), page, text("sort"))
        },
        |(_, q, status, page, sort)| load_products(q, status, page, sort),
    );
    view! {
        <Title text="Products" />
        <h1>"Products"</h1>
        <p class="direction">"Stock flows one way: Prokip's quantity, less what unpaid orders hold and each store's safety buffer, then each store's rules, is published to every store."</p>
        <Banners />
        <SyncProgress />
        <div class="store-actions">
            <PostForm action="/products/reindex">
                <button type="submit">"Re-index"</button>
            </PostForm>
            <PostForm action="/products/sync">
                <button type="submit" class="primary">"Sync now"</button>
            </PostForm>
        </div>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! { <Products v /> }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn status_label(status: &str) -> &'static str {
    STATUSES.iter().find(|(s, _)| *s == status).map_or("Unknown", |(_, label)| label)
}

/// Percent-encodes a query value (everything but unreserved characters).
pub(crate) fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn page_link(v: &ProductsView, page: u64) -> String {
    format!("/products?q={}&status={}&sort={}&page={page}", encode(&v.q), encode(&v.status), encode(&v.sort))
}

/// A column heading that sorts by it: ascending first, descending when already ascending.
#[component]
fn SortHeading(v: ProductsView, column: &'static str, label: &'static str) -> impl IntoView {
    let current = if v.sort.is_empty() { "sku" } else { v.sort.as_str() };
    let (aria, next, mark) = match current.strip_prefix('-') {
        Some(c) if c == column => ("descending", column.to_owned(), " ▼"),
        None if current == column => ("ascending", format!("-{column}"), " ▲"),
        _ => ("none", column.to_owned(), ""),
    };
    let href = format!("/products?q={}&status={}&sort={next}", encode(&v.q), encode(&v.status));
    view! {
        <th scope="col" aria-sort=aria>
            <a href=href data-testid=format!("sort-{column}")>{label}{mark}</a>
        </th>
    }
}

#[component]
fn Products(v: ProductsView) -> impl IntoView {
    let status = v.status.clone();
    let (page, pages, paging) = (v.page, v.pages, v.clone());
    let columns = v.stores.clone();
    let suggestions = v.suggestions.clone();
    let choices = v.link_choices.clone();
    // What the headings need to link to the same list in another order.
    let sorting = ProductsView { rows: Vec::new(), suggestions: Vec::new(), link_choices: Vec::new(), ..v.clone() };
    view! {
        {(!suggestions.is_empty()).then(|| view! { <Suggestions suggestions /> })}
        <datalist id="prokip-skus">
            {choices.into_iter().map(|s| view! { <option value=s></option> }).collect_view()}
        </datalist>
        <form method="get" action="/products" class="inline-form" role="search">
            <label for="q">"Search SKU or name"</label>
            <input id="q" name="q" type="search" value=v.q.clone() />
            <label for="status">"Status"</label>
            <select id="status" name="status">
                <option value="" selected=status.is_empty()>"Any"</option>
                {STATUSES.iter().map(|(s, label)| view! { <option value=*s selected=status == *s>{*label}</option> }).collect_view()}
            </select>
            <input type="hidden" name="sort" value=v.sort.clone() />
            <button type="submit">"Filter"</button>
        </form>
        <div class="store-actions">
            {columns.iter().map(|c| {
                let label = format!("Create all missing in {}", c.label);
                view! {
                    <PostForm action=format!("/products/create/{}", c.id) key="all">
                        <button type="submit">{label}</button>
                    </PostForm>
                }
            }.into_any()).collect_view()}
        </div>
        <p data-testid="product-total">{format!("{} SKUs · page {} of {}", v.total, v.page, v.pages)}</p>
        <div class="table-wrap sticky-head">
            <table class="products">
                <caption class="visually-hidden">"SKUs with their stock in Prokip and in each store"</caption>
                <thead>
                    <tr>
                        {PRODUCT_SORTS
                            .iter()
                            .map(|(column, label)| view! { <SortHeading v=sorting.clone() column=*column label=*label /> })
                            .collect_view()}
                        {columns.iter().map(|c| view! {
                            <th scope="col" title=c.label.clone()>
                                <span class="visually-hidden">{format!("{} ", c.label)}</span>
                                <span aria-hidden="true">{c.short.clone()}</span>
                                <br /><small>{format!("buffer {} · published / shows", c.safety_buffer)}</small>
                                {c.rules.clone().map(|r| view! { <br /><small data-testid="store-rules">{r}</small> })}
                            </th>
                        }).collect_view()}
                    </tr>
                </thead>
                <tbody>{v.rows.into_iter().map(|r| view! { <Row r columns=columns.clone() /> }.into_any()).collect_view()}</tbody>
            </table>
        </div>
        <Pager page pages href=move |n| page_link(&paging, n) />
    }
}

/// Store-only SKUs that differ from a Prokip SKU only in case, spaces or dashes.
#[component]
fn Suggestions(suggestions: Vec<LinkSuggestion>) -> impl IntoView {
    let n = suggestions.len();
    view! {
        <section class="suggestions" aria-labelledby="suggestions-title" data-testid="link-suggestions">
            <h2 id="suggestions-title">{format!("Suggested links ({n})")}</h2>
            <p class="direction">"These store SKUs match no Prokip SKU exactly, but one differs only in case, spaces or dashes, or is the store's barcode for the product. Linking syncs them as that Prokip product; nothing is renamed."</p>
            <ul>
                {suggestions.into_iter().map(|s| {
                    let key = format!("suggested-{}", s.store_sku);
                    let testid = format!("suggestion-{}", s.store_sku);
                    let label = format!("Link {} to {}", s.store_sku, s.prokip_sku);
                    let pair = format!("{} → {}", s.store_sku, s.prokip_sku);
                    let barcode = s.barcode.map(|b| view! { <small class="muted">{format!(" (its barcode is {b})")}</small> });
                    view! {
                        <li data-testid=testid>
                            <PostForm action="/products/link" class="inline-form" key=key>
                                <input type="hidden" name="store_sku" value=s.store_sku />
                                <input type="hidden" name="prokip_sku" value=s.prokip_sku />
                                <span>{pair}</span>
                                {barcode}
                                <button type="submit" aria-label=label>"Link"</button>
                            </PostForm>
                        </li>
                    }
                }).collect_view()}
            </ul>
            {(n > 1).then(|| view! {
                <PostForm action="/products/link-suggested">
                    <button type="submit">{format!("Link all {n} suggestions")}</button>
                </PostForm>
            })}
        </section>
    }
}

/// What can be done about a SKU's match: unlink a link, take the suggestion, or link by hand.
#[component]
fn MatchActions(sku: String, status: String, linked_from: Vec<String>, suggestion: Option<String>) -> impl IntoView {
    let unlink = linked_from
        .into_iter()
        .map(|from| {
            view! {
                <PostForm action="/products/unlink" class="inline-form" key=from.clone()>
                    <small data-testid="linked-from">{format!("linked from {from}")}</small>
                    <input type="hidden" name="store_sku" value=from.clone() />
                    <button type="submit" aria-label=format!("Unlink {from}")>"Unlink"</button>
                </PostForm>
            }
        })
        .collect_view();
    let link = (status == "store_only").then(|| match suggestion {
        Some(p) => view! {
            <PostForm action="/products/link" class="inline-form" key=sku.clone()>
                <input type="hidden" name="store_sku" value=sku.clone() />
                <input type="hidden" name="prokip_sku" value=p.clone() />
                <button type="submit" aria-label=format!("Link {sku} to {p}")>{format!("Link to {p}")}</button>
            </PostForm>
        }
        .into_any(),
        None => view! {
            <PostForm action="/products/link" class="inline-form" key=sku.clone()>
                <input type="hidden" name="store_sku" value=sku.clone() />
                <label class="visually-hidden" for=format!("link-{sku}")>{format!("Prokip SKU for {sku}")}</label>
                <input id=format!("link-{sku}") name="prokip_sku" list="prokip-skus" placeholder="Prokip SKU" size="10" />
                <button type="submit" aria-label=format!("Link {sku} by hand")>"Link"</button>
            </PostForm>
        }
        .into_any(),
    });
    view! { {unlink}{link} }
}

#[component]
fn Row(r: ProductRow, columns: Vec<StoreColumn>) -> impl IntoView {
    let dash = || "—".to_owned();
    let class = if r.status == "matched" { "badge ok" } else { "badge warn" };
    view! {
        <tr data-testid=format!("sku-{}", r.sku)>
            <th scope="row"><a href=format!("/products/{}", encode(&r.sku)) data-testid="sku-link">{r.sku.clone()}</a></th>
            <td>{r.name}</td>
            <td>
                <span class=class data-testid="match-status">{status_label(&r.status)}</span>
                <MatchActions sku=r.sku.clone() status=r.status.clone() linked_from=r.linked_from suggestion=r.suggestion />
            </td>
            <td>
                <span data-testid="prokip-qty">{r.prokip_qty.unwrap_or_else(dash)}</span>
                {r.prokip_read.map(|ago| view! { <br /><small class="muted" data-testid="prokip-read">{format!("read {ago}")}</small> })}
            </td>
            <td>{r.committed}</td>
            {r.stores.into_iter().zip(columns).map(|(c, col)| {
                let published = c.published.map_or_else(dash, |q| q.to_string());
                let shows = c.last_known.map_or_else(dash, |q| q.to_string());
                // Prokip has the SKU, this store does not: offer to create it there.
                let (key, sku) = (r.sku.clone(), r.sku.clone());
                let create = (!c.in_store && c.published.is_some()).then(|| view! {
                    <PostForm action=format!("/products/create/{}", col.id) class="inline-form" key=key>
                        <button type="submit" aria-label=format!("Create {sku} in {}", col.label)>"Create in store"</button>
                        <input type="hidden" name="sku" value=sku />
                    </PostForm>
                }.into_any());
                view! { <td>{format!("{published} / {shows}")}{create}</td> }
            }).collect_view()}
        </tr>
    }
}
