//! The Orders page (every online order and the Prokip sale it became) and the Activity page
//! (every sync step; failures say why and can be retried).

use super::FormOutcome;
use crate::{
    api::{load_activity, load_orders},
    model::{ActivityView, OrderState, OrderView},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn banners(outcome: FormOutcome) -> impl IntoView {
    (
        outcome.notice.map(|n| view! { <p class="notice-ok" role="status" data-testid="notice">{n}</p> }),
        outcome.error.map(|e| view! { <p class="form-error" role="alert" data-testid="form-error">{e}</p> }),
    )
}

fn state_badge(state: OrderState) -> (&'static str, &'static str) {
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
    let data = Resource::new(|| (), |_| load_orders());
    view! {
        <Title text="Orders" />
        <h1>"Orders"</h1>
        <p class="direction">"Every paid online order becomes one Prokip sale; cancellations and refunds restock Prokip."</p>
        {banners(FormOutcome::read())}
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(rows) if rows.is_empty() => view! { <p class="muted">"No online orders yet."</p> }.into_any(),
                    Ok(rows) => view! { <OrdersTable rows /> }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn OrdersTable(rows: Vec<OrderView>) -> impl IntoView {
    view! {
        <table class="data">
            <thead>
                <tr><th scope="col">"Order"</th><th scope="col">"Store"</th><th scope="col">"State"</th><th scope="col">"Prokip"</th><th scope="col">"Updated"</th><th scope="col"><span class="sr-only">"Actions"</span></th></tr>
            </thead>
            <tbody>
                {rows
                    .into_iter()
                    .map(|o| {
                        let (label, class) = state_badge(o.state);
                        let id = o.id;
                        view! {
                            <tr data-testid=format!("order-{id}")>
                                <td>{o.order.clone()}</td>
                                <td>{if o.platform == "shopify" { "Shopify" } else { "WooCommerce" }}" · "<span class="muted">{o.store_url}</span></td>
                                <td>
                                    <span class=class data-testid="order-state">{label}</span>
                                    {o.error.map(|e| view! { <p class="muted small">{e}</p> })}
                                </td>
                                <td>{o.prokip_sell_id.map(|s| format!("{} (sell {s})", o.invoice_no)).unwrap_or_else(|| "—".into())}</td>
                                <td class="muted">{o.updated_at}</td>
                                <td>
                                    {o.can_retry.then(|| view! {
                                        <form method="post" action=format!("/orders/{id}/retry")><button type="submit">"Retry"</button></form>
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
    // Follows the URL: after hydration the filter links navigate on the client.
    let query = use_query_map();
    let open_only = Memo::new(move |_| query.get().get("open").as_deref() == Some("1"));
    let data = Resource::new(move || open_only.get(), load_activity);
    view! {
        <Title text="Activity" />
        <h1>"Activity"</h1>
        <nav class="filters" aria-label="Filter">
            <a href="/activity" aria-current=move || (!open_only.get()).then_some("page")>"Everything"</a>
            <a href="/activity?open=1" aria-current=move || open_only.get().then_some("page")>"Open problems only"</a>
        </nav>
        {banners(FormOutcome::read())}
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(rows) if rows.is_empty() => view! { <p class="muted">"Nothing to show."</p> }.into_any(),
                    Ok(rows) => view! { <ActivityList rows /> }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
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
                                <form method="post" action=format!("/activity/{id}/retry")><button type="submit">"Retry"</button></form>
                            })}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
