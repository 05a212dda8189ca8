//! The Orders page (every online order and the Prokip sale it became) and the Activity page
//! (every sync step; failures say why and can be retried).

use super::Banners;
use crate::components::pager::{Direction, Pager};
use crate::components::post_form::PostForm;
use crate::components::post_form::data_version;
use crate::{
    api::{load_activity, load_orders},
    model::{ActivitiesView, ActivityKind, ActivityView, OrderState, OrderView, OrdersView},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// An order state's label and badge class.
pub(super) fn state_badge(state: OrderState) -> (&'static str, &'static str) {
    let class = match state {
        OrderState::Sent => "badge ok",
        OrderState::NeedsAttention => "badge warn",
        OrderState::Failed => "badge bad",
        _ => "badge muted",
    };
    (state.label(), class)
}

#[component]
pub fn OrdersPage() -> impl IntoView {
    let query = use_query_map();
    // Follows the URL, so the filter keeps working once the page is hydrated.
    let data = Resource::new(
        move || {
            let q = query.get();
            let text = |key: &str| q.get(key).unwrap_or_default();
            let page = q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
            (data_version(), text("q"), text("state"), text("store"), text("from"), text("to"), page)
        },
        |(_, q, state, store, from, to, page)| load_orders(q, state, store, from, to, page),
    );
    view! {
        <Title text="Orders" />
        <h1>"Orders"</h1>
        <p class="direction">"Every paid online order becomes one Prokip sale; cancellations and refunds restock Prokip."</p>
        <Banners />
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! { <Orders v /> }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn orders_link(v: &OrdersView, page: u64) -> String {
    let e = super::products::encode;
    format!(
        "/orders?q={}&state={}&store={}&from={}&to={}&page={page}",
        e(&v.q),
        e(&v.state),
        e(&v.store),
        e(&v.from),
        e(&v.to)
    )
}

#[component]
fn Orders(v: OrdersView) -> impl IntoView {
    let (page, pages, paging) = (v.page, v.pages, v.clone());
    let chosen = v.state.clone();
    let store = v.store.clone();
    let filtered =
        !(v.q.is_empty() && v.state.is_empty() && v.store.is_empty() && v.from.is_empty() && v.to.is_empty());
    view! {
        <form method="get" action="/orders" class="inline-form" role="search">
            <label for="orders-q">"Order, invoice, SKU or email"</label>
            <input id="orders-q" name="q" type="search" value=v.q.clone() />
            <label for="orders-store">"Store"</label>
            <select id="orders-store" name="store">
                <option value="" selected=store.is_empty()>"Any"</option>
                {v.stores
                    .iter()
                    .map(|s| {
                        let id = s.id.to_string();
                        view! { <option value=id.clone() selected=store == id>{s.label.clone()}</option> }
                    })
                    .collect_view()}
            </select>
            <label for="orders-from">"Received from"</label>
            <input id="orders-from" name="from" type="date" value=v.from.clone() />
            <label for="orders-to">"to"</label>
            <input id="orders-to" name="to" type="date" value=v.to.clone() />
            <small class="muted">{format!("({})", v.time_zone)}</small>
            <label for="orders-state">"State"</label>
            <select id="orders-state" name="state">
                <option value="" selected=chosen.is_empty()>"Any"</option>
                {OrderState::ALL
                    .into_iter()
                    .map(|s| view! { <option value=s.key() selected=chosen == s.key()>{s.label()}</option> })
                    .collect_view()}
            </select>
            <button type="submit">"Filter"</button>
        </form>
        {if v.rows.is_empty() {
            let empty = if filtered { "No orders match." } else { "No online orders yet." };
            view! { <p class="muted">{empty}</p> }.into_any()
        } else {
            view! {
                <p data-testid="order-total">{format!("{} orders · page {} of {}", v.total, v.page, v.pages)}</p>
                <OrdersTable rows=v.rows />
                <Pager page pages href=move |n| orders_link(&paging, n) />
            }.into_any()
        }}
    }
}

#[component]
fn OrdersTable(rows: Vec<OrderView>) -> impl IntoView {
    view! {
        <table class="data">
            <thead>
                <tr><th scope="col">"Order"</th><th scope="col">"Customer"</th><th scope="col">"Store"</th><th scope="col">"Total"</th><th scope="col">"State"</th><th scope="col">"Prokip"</th><th scope="col">"Updated"</th><th scope="col"><span class="sr-only">"Actions"</span></th></tr>
            </thead>
            <tbody>
                {rows
                    .into_iter()
                    .map(|o| {
                        let (label, class) = state_badge(o.state);
                        let id = o.id;
                        view! {
                            <tr data-testid=format!("order-{id}")>
                                <td>
                                    <a href=format!("/orders/{id}")>{o.order.clone()}</a>
                                    " "<a href=o.store_link.clone() target="_blank" rel="noopener" class="muted small">"in the store"</a>
                                </td>
                                <td>{o.customer.unwrap_or_else(|| "—".into())}</td>
                                <td>
                                    <a href=format!("/orders?store={}", o.connection_id) title="This store's orders">
                                        {if o.platform == "shopify" { "Shopify" } else { "WooCommerce" }}
                                    </a>
                                    " · "<span class="muted">{o.store_url}</span>
                                </td>
                                <td>{o.total.clone().unwrap_or_else(|| "—".into())}</td>
                                <td>
                                    <span class=class data-testid="order-state">{label}</span>
                                    {o.error.map(|e| view! { <p class="muted small">{e}</p> })}
                                </td>
                                <td>{o.prokip_sell_id.map(|s| format!("{} (sell {s})", o.invoice_no)).unwrap_or_else(|| "—".into())}</td>
                                <td class="muted">{o.updated_at}</td>
                                <td>
                                    {o.can_retry.then(|| view! {
                                        <PostForm action=format!("/orders/{id}/retry")><button type="submit">"Retry"</button></PostForm>
                                    })}
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

#[component]
pub fn ActivityPage() -> impl IntoView {
    // Follows the URL: after hydration the filter links and the search navigate on the client.
    let query = use_query_map();
    let open_only = Memo::new(move |_| query.get().get("open").as_deref() == Some("1"));
    let data = Resource::new(
        move || {
            let q = query.get();
            let page = q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
            (data_version(), open_only.get(), q.get("q").unwrap_or_default(), q.get("kind").unwrap_or_default(), page)
        },
        |(_, open, q, kind, page)| load_activity(open, q, kind, page),
    );
    view! {
        <Title text="Activity" />
        <h1>"Activity"</h1>
        <nav class="filters" aria-label="Filter">
            <a href="/activity" aria-current=move || (!open_only.get()).then_some("page")>"Everything"</a>
            <a href="/activity?open=1" aria-current=move || open_only.get().then_some("page")>"Open problems only"</a>
        </nav>
        <Banners />
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! { <Activities v /> }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn activity_link(v: &ActivitiesView, page: u64) -> String {
    let open = if v.open_only { "open=1&" } else { "" };
    format!("/activity?{open}q={}&kind={}&page={page}", super::products::encode(&v.q), super::products::encode(&v.kind))
}

#[component]
fn Activities(v: ActivitiesView) -> impl IntoView {
    let (page, pages, paging) = (v.page, v.pages, v.clone());
    let chosen = v.kind.clone();
    let filtered = !v.q.is_empty() || !v.kind.is_empty();
    let retryable = v.rows.iter().any(|r| r.can_retry);
    view! {
        <form method="get" action="/activity" class="inline-form" role="search">
            {v.open_only.then(|| view! { <input type="hidden" name="open" value="1" /> })}
            <label for="activity-q">"Text"</label>
            <input id="activity-q" name="q" type="search" value=v.q.clone() />
            <label for="activity-kind">"Kind"</label>
            <select id="activity-kind" name="kind">
                <option value="" selected=chosen.is_empty()>"Any"</option>
                {ActivityKind::ALL
                    .into_iter()
                    .map(|k| view! { <option value=k.as_str() selected=chosen == k.as_str()>{k.as_str()}</option> })
                    .collect_view()}
            </select>
            <button type="submit">"Filter"</button>
        </form>
        {retryable.then(|| view! {
            <PostForm action="/activity/retry-all" class="inline-form">
                <button type="submit">"Retry all open problems"</button>
                <small class="muted">" Each failed order once, every failed stock item in one push; up to 200 at a time."</small>
            </PostForm>
        })}
        {if v.rows.is_empty() {
            let empty = if filtered { "Nothing matches." } else { "Nothing to show." };
            view! { <p class="muted">{empty}</p> }.into_any()
        } else {
            view! {
                <p data-testid="activity-total">{format!("{} entries · page {} of {}", v.total, v.page, v.pages)}</p>
                <ActivityList rows=v.rows />
                <Pager page pages href=move |n| activity_link(&paging, n) direction=Direction::History />
            }.into_any()
        }}
    }
}

#[component]
fn ActivityList(rows: Vec<ActivityView>) -> impl IntoView {
    view! {
        <ul class="activity">
            {rows
                .into_iter()
                .map(|a| {
                    let class = match (a.status.as_str(), a.resolved) {
                        (_, true) => "badge muted",
                        ("failed", _) => "badge bad",
                        ("needs_attention", _) => "badge warn",
                        ("ok", _) => "badge ok",
                        _ => "badge muted",
                    };
                    let label = if a.resolved { "resolved".to_owned() } else { a.status.replace('_', " ") };
                    let id = a.id;
                    view! {
                        <li data-testid=format!("activity-{id}")>
                            <div class="store-head">
                                <span class=class>{label}</span>
                                <strong>{a.subject}</strong>
                                <span class="muted">{a.kind}" · "{a.at}</span>
                            </div>
                            {a.detail.map(|d| view! { <p>{d}</p> })}
                            {a.can_retry.then(|| view! {
                                <PostForm action=format!("/activity/{id}/retry")><button type="submit">"Retry"</button></PostForm>
                            })}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
