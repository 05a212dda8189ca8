//! The overview: the account's headline numbers, or the first step for a new account.

use super::{Banners, overview_chart::OrdersChart};
use crate::{
    api::load_overview,
    components::live_health::{HealthBadge, follow_store_health},
    model::{Overview, StoreHealthView},
};
use leptos::prelude::*;
use leptos_meta::Title;

/// The Shopify install lands here (the seed's `/?shopify_success=true&store=…` or
/// `/?shopify_error=…`); what the banner says comes from the message kept in the session, named by
/// the `notice=` or `error=` beside them, never from the address.
#[component]
pub fn OverviewPage() -> impl IntoView {
    let data = Resource::new(crate::components::post_form::data_version, |_| load_overview());
    follow_store_health();
    view! {
        <Title text="Overview" />
        <h1>"Overview"</h1>
        <Banners />
        <p class="direction">"Stock flows from Prokip to your stores; online sales flow back into Prokip as sales."</p>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(o) => view! { <Numbers o /> }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Numbers(o: Overview) -> impl IntoView {
    let cta = (!o.prokip_connected).then(|| {
        view! {
            <div class="cta" data-testid="connect-prokip">
                <h2>"Connect Prokip first"</h2>
                <p>"Prokip is where your stock lives. Connect your Prokip account and choose the shop location, then add your Shopify and WooCommerce stores."</p>
                <a class="button primary" href="/connections">"Connect Prokip"</a>
            </div>
        }
    });
    // Each number opens the page that lists what it counts.
    let cards = [
        ("Store connections", o.connections, "connections", "/connections"),
        ("Mapped SKUs", o.mapped_skus, "mapped-skus", "/products?status=matched"),
        ("Orders sent to Prokip today", o.orders_synced_today, "orders-today", "/orders"),
        ("Need attention", o.needs_attention, "needs-attention", "/activity?open=1"),
    ];
    view! {
        {cta}
        <dl class="stats">
            {cards
                .into_iter()
                .map(|(label, n, id, href)| {
                    let alert = id == "needs-attention" && n > 0;
                    view! {
                        <div class="stat" class:alert=alert>
                            <dt><a href=href>{label}</a></dt>
                            <dd data-testid=id>{n}</dd>
                        </div>
                    }
                })
                .collect_view()}
        </dl>
        {(!o.chart.is_empty()).then(|| view! { <OrdersChart days=o.chart.clone() /> })}
        {(!o.stores.is_empty()).then(|| view! { <StoresAtAGlance stores=o.stores.clone() /> })}
    }
}

/// Each store's badge, as on the Connections page, which each links to.
#[component]
fn StoresAtAGlance(stores: Vec<StoreHealthView>) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="stores-glance" data-testid="store-health">
            <h2 id="stores-glance">"Stores"</h2>
            <ul class="store-health">
                {stores
                    .into_iter()
                    .map(|s| {
                        view! {
                            <li data-testid=format!("health-{}", s.id)>
                                <a href=format!("/connections#store-{}", s.id)>
                                    <strong>{s.platform}</strong> " " {s.store_url}
                                </a>
                                " " <HealthBadge id=s.id label=s.health class=s.badge testid="store-health-badge" />
                                {s.reason.map(|r| view! { <br /><small class="muted">{r}</small> })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}
