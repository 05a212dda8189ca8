//! One SKU explained (`/products/{sku}`): Prokip's quantity and when it was read, the unpaid
//! orders holding stock, and per store the buffer, the published quantity as its formula with the
//! numbers filled in, and what the store last showed; below, a chart of the last two weeks, every
//! change to its numbers with its cause (paged: `?page=`), and the SKU's recent activity.

use super::{products::encode, sku_chart::QtyChart};
use crate::components::pager::{Direction, Pager};
use crate::components::post_form::data_version;
use crate::{
    api::load_sku,
    model::{HistoryEntryView, SkuStoreView, SkuView},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn SkuPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let page = query.get().get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
            (data_version(), params.get().get("sku").unwrap_or_default(), page)
        },
        |(_, sku, page)| load_sku(sku, page),
    );
    view! {
        <p><a href="/products">"← Products"</a></p>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! { <Sku v /> }.into_any(),
                    Err(e) => view! {
                        <Title text="SKU" />
                        <h1>"SKU"</h1>
                        <p class="form-error" role="alert">{e.to_string()}</p>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Sku(v: SkuView) -> impl IntoView {
    let dash = || "—".to_owned();
    let read = match (&v.prokip_read, &v.location) {
        (Some(ago), Some(l)) => format!("at {l}, read {ago}"),
        (Some(ago), None) => format!("read {ago}"),
        _ => "not in Prokip".to_owned(),
    };
    let committed: i64 = v.holders.iter().map(|h| h.qty).sum();
    let (chart, history) = (v.chart.clone(), v.clone());
    view! {
        <Title text=format!("SKU {}", v.sku) />
        <h1>{format!("SKU {}", v.sku)}</h1>
        <p class="direction">{v.name.clone()}</p>
        <dl class="sku-facts">
            <dt>"Prokip quantity"</dt>
            <dd><span data-testid="sku-prokip">{v.prokip_qty.clone().unwrap_or_else(dash)}</span>" "<small class="muted">{read}</small></dd>
            <dt>"Committed"</dt>
            <dd data-testid="sku-committed">{committed}" "<small class="muted">"held by unpaid orders, not yet sold in Prokip"</small></dd>
        </dl>
        {(!v.holders.is_empty()).then(|| view! {
            <h2>"Unpaid orders holding stock"</h2>
            <ul data-testid="sku-holders">
                {v.holders.iter().map(|h| view! { <li>{format!("{} order {}: {}", h.store, h.order, h.qty)}</li> }).collect_view()}
            </ul>
        })}
        <h2 id="per-store">"Per store"</h2>
        <p class="direction">
            "Published = Prokip's whole units, less what unpaid orders hold and the store's safety buffer, never below 0; "
            "then the store's rules, when it has any: 0 while fewer than its minimum are available, else its share (rounded down), at most its maximum."
        </p>
        // Focusable, so a keyboard can scroll the table where it is wider than a phone.
        <div class="table-wrap" role="region" aria-labelledby="per-store" tabindex="0">
            <table>
                <thead>
                    <tr>
                        <th scope="col">"Store"</th>
                        <th scope="col">"Store SKU"</th>
                        <th scope="col">"Published"</th>
                        <th scope="col">"Store shows"</th>
                    </tr>
                </thead>
                <tbody>{v.stores.into_iter().map(|s| view! { <StoreRow s /> }).collect_view()}</tbody>
            </table>
        </div>
        <h2>"Last 14 days"</h2>
        <QtyChart chart />
        <History v=history />
        <h2>"Recent activity"</h2>
        {if v.activity.is_empty() {
            view! { <p class="muted">"Nothing has been recorded about this SKU yet."</p> }.into_any()
        } else {
            view! {
                <ul class="sku-activity" data-testid="sku-activity">
                    {v.activity.into_iter().map(|a| view! {
                        <li><small class="muted">{a.at}</small>" "{a.subject}{a.detail.map(|d| format!(": {d}"))}</li>
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}

/// Every change to the SKU's numbers, newest first, a page at a time.
#[component]
fn History(v: SkuView) -> impl IntoView {
    let sku = encode(&v.sku);
    let link = move |page: u64| format!("/products/{sku}?page={page}");
    let (page, pages) = (v.history_page, v.history_pages);
    view! {
        <h2 id="history">"History"</h2>
        {if v.history.is_empty() {
            view! { <p class="muted">"No change to this SKU's numbers has been recorded yet."</p> }.into_any()
        } else {
            view! {
                <p data-testid="history-total">{format!("{} changes · page {} of {}", v.history_total, v.history_page, v.history_pages)}</p>
                <div class="table-wrap" role="region" aria-labelledby="history" tabindex="0">
                    <table data-testid="sku-history">
                        <thead>
                            <tr>
                                <th scope="col">"When"</th>
                                <th scope="col">"Where"</th>
                                <th scope="col">"Change"</th>
                                <th scope="col">"Why"</th>
                            </tr>
                        </thead>
                        <tbody>{v.history.into_iter().map(|e| view! { <HistoryRow e /> }).collect_view()}</tbody>
                    </table>
                </div>
                <Pager page pages href=link direction=Direction::History label="History pages" />
            }.into_any()
        }}
    }
}

#[component]
fn HistoryRow(e: HistoryEntryView) -> impl IntoView {
    view! {
        <tr data-testid="history-row" data-kind=e.kind>
            <td><small>{e.at}</small></td>
            <td>{e.side}</td>
            <td>{e.change}</td>
            <td>{e.why}</td>
        </tr>
    }
}

#[component]
fn StoreRow(s: SkuStoreView) -> impl IntoView {
    let store_sku = match (&s.store_sku, s.linked) {
        (Some(k), true) => format!("{k} (linked)"),
        (Some(k), false) => k.clone(),
        (None, _) => "not matched".to_owned(),
    };
    let published = match (&s.formula, s.receiving) {
        (Some(f), true) => f.clone(),
        (Some(f), false) => format!("{f} (not sent: the store is paused or needs attention)"),
        (None, _) => "nothing: not matched".to_owned(),
    };
    let shows = match (s.shows, &s.shows_at) {
        (Some(q), Some(at)) => format!("{q} ({at})"),
        (Some(q), None) => q.to_string(),
        _ => "not known yet".to_owned(),
    };
    view! {
        <tr data-testid="sku-store">
            <th scope="row">
                {s.label}
                {s.rules.map(|r| view! { <br /><small data-testid="sku-rules">{format!("rules: {r}")}</small> })}
                {s.sources.map(|f| view! { <br /><small data-testid="sku-sources">{format!("stock from {f}")}</small> })}
            </th>
            <td>{store_sku}</td>
            <td data-testid="sku-formula">{published}</td>
            <td data-testid="sku-shows">{shows}</td>
        </tr>
    }
}
