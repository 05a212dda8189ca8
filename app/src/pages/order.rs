//! One order in detail (`/orders/{id}`): its lines and the Prokip products they sell as, totals,
//! customer, payment and invoice, links to the store's order and the Prokip sell, and its
//! timeline; a failed order shows why, with Retry.

use super::{Banners, history::state_badge, products::encode};
use crate::{
    api::load_order,
    components::post_form::{PostForm, data_version},
    model::{OrderLineView, OrderPageView, OrderTotals, TimelineEntry},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn OrderPage() -> impl IntoView {
    let params = use_params_map();
    // Loads again after a Retry answered in place.
    let data = Resource::new(
        move || (data_version(), params.get().get("id").and_then(|id| id.parse::<i64>().ok()).unwrap_or(0)),
        |(_, id)| load_order(id),
    );
    view! {
        <p><a href="/orders">"← Orders"</a></p>
        <Banners />
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! { <Order v /> }.into_any(),
                    Err(e) => view! {
                        <Title text="Order" />
                        <h1>"Order"</h1>
                        <p class="form-error" role="alert">{e.to_string()}</p>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Order(v: OrderPageView) -> impl IntoView {
    let title = format!("Order {}", v.order);
    let id = v.id;
    let dash = || "—".to_owned();
    let (state, state_class) = state_badge(v.state);
    view! {
        <Title text=title.clone() />
        <h1>{title}</h1>
        <p class="direction">
            {v.store.clone()}" · "
            <span class=state_class data-testid="order-state">{state}</span>
        </p>
        {v.error.clone().map(|e| view! {
            <div class="order-failure" role="alert" data-testid="order-error">
                <p>{e}</p>
                {v.can_retry.then(|| view! {
                    <PostForm action=format!("/orders/{id}/retry?back=order")><button type="submit">"Retry"</button></PostForm>
                })}
            </div>
        })}
        <dl class="order-facts">
            <dt>"Customer"</dt>
            <dd data-testid="order-customer">
                {v.customer_name.clone().unwrap_or_else(dash)}
                {v.email.clone().map(|e| view! { " · "<a href=format!("mailto:{e}")>{e.clone()}</a> })}
            </dd>
            <dt>"Payment"</dt>
            <dd data-testid="order-payment">{v.payment.clone().unwrap_or_else(dash)}</dd>
            <dt>"Prokip invoice"</dt>
            <dd data-testid="order-invoice">
                {v.invoice_no.clone()}
                {v.prokip_sell_id.map(|s| match v.prokip_sell_link.clone() {
                    Some(href) => view! { " · "<a href=href target="_blank" rel="noopener">{format!("sell {s} in Prokip")}</a> }.into_any(),
                    None => view! { {format!(" · sell {s}")} }.into_any(),
                })}
            </dd>
            <dt>"In the store"</dt>
            <dd><a href=v.store_link.clone() target="_blank" rel="noopener" data-testid="order-store-link">"Open the order in the store"</a></dd>
        </dl>
        <h2>"Lines"</h2>
        {match v.lines.clone() {
            Some(lines) => view! { <Lines lines totals=v.totals.clone() /> }.into_any(),
            None => view! { <p class="muted">"This order was received before its lines were kept; open it in the store."</p> }.into_any(),
        }}
        <h2>"Timeline"</h2>
        <Timeline steps=v.timeline.clone() />
    }
}

#[component]
fn Lines(lines: Vec<OrderLineView>, totals: Option<OrderTotals>) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="data" data-testid="order-lines">
                <thead>
                    <tr><th scope="col">"SKU"</th><th scope="col">"Quantity"</th><th scope="col">"Unit price (tax incl.)"</th><th scope="col">"Prokip product"</th></tr>
                </thead>
                <tbody>
                    {lines.into_iter().map(|l| {
                        let href = l.sku_page.as_deref().map(|s| format!("/products/{}", encode(s)));
                        view! {
                            <tr>
                                <td>{l.sku.clone().unwrap_or_else(|| "(no SKU)".into())}</td>
                                <td>{l.quantity}</td>
                                <td>{l.unit_price.clone()}</td>
                                <td>
                                    {match (l.product.clone(), href) {
                                        (Some(name), Some(href)) => view! { <a href=href>{name}</a> }.into_any(),
                                        (Some(name), None) => view! { {name} }.into_any(),
                                        (None, Some(href)) => view! { <span class="badge warn">"not linked"</span>" "<a href=href>"SKU page"</a> }.into_any(),
                                        (None, None) => view! { <span class="badge warn">"not linked"</span> }.into_any(),
                                    }}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        {totals.map(|t| view! {
            <dl class="order-totals" data-testid="order-totals">
                <dt>"Subtotal"</dt><dd>{t.subtotal}</dd>
                <dt>"Discounts"</dt><dd>{format!("−{}", t.discount)}</dd>
                <dt>"Shipping"</dt><dd>{t.shipping}</dd>
                <dt>"Tax (included)"</dt><dd>{t.tax}</dd>
                <dt>"Total"</dt><dd><strong>{format!("{} {}", t.total, t.currency).trim_end().to_owned()}</strong></dd>
            </dl>
        })}
    }
}

#[component]
fn Timeline(steps: Vec<TimelineEntry>) -> impl IntoView {
    view! {
        <ol class="order-timeline" data-testid="order-timeline">
            {steps.into_iter().map(|s| {
                let class = match s.status.as_str() {
                    "failed" => "badge bad",
                    "needs_attention" => "badge warn",
                    "ok" => "badge ok",
                    _ => "badge muted",
                };
                let label = s.status.replace('_', " ");
                view! {
                    <li>
                        <time class="muted">{s.at}</time>" "
                        <span class=class>{label}</span>" "
                        <span>{s.what}</span>
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}
