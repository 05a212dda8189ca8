//! Connections: Prokip (the stock master) and the stores it feeds. Every form posts to a plain
//! route that redirects back here with a notice or an error, so the page works without JavaScript;
//! once hydrated the same posts answer in place ([`PostForm`]).

use super::Banners;
use crate::components::live_health::{HealthBadge, follow_store_health};
use crate::components::post_form::PostForm;
use crate::{
    api::load_connections,
    components::form::TextField,
    model::{ConnectionsView, ProkipView, SourceChoice, StoreLocationChoice, StoreView, WebhookTopicView},
};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ConnectionsPage() -> impl IntoView {
    let data = Resource::new(crate::components::post_form::data_version, |_| load_connections());
    follow_store_health();
    view! {
        <Title text="Connections" />
        <h1>"Connections"</h1>
        <p class="direction">"Stock flows one way, from Prokip to your stores. Online orders flow back into Prokip as sales."</p>
        <crate::components::sync_progress::SyncProgress />
        <Banners />
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! { <Connections v /> }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Connections(v: ConnectionsView) -> impl IntoView {
    view! {
        <p class="muted" data-testid="schedule">{v.schedule.clone()}</p>
        <section class="card" aria-labelledby="prokip-heading">
            <h2 id="prokip-heading">"Prokip"</h2>
            {match v.prokip {
                None => view! { <ProkipConnectForms /> }.into_any(),
                Some(p) => view! { <ProkipConnected p /> }.into_any(),
            }}
        </section>
        <section class="card" aria-labelledby="stores-heading">
            <h2 id="stores-heading">"Stores"</h2>
            {if v.stores.is_empty() {
                view! { <p class="muted">"No store connected yet. Add a Shopify or WooCommerce store below."</p> }.into_any()
            } else {
                view! { <ul class="stores">{v.stores.into_iter().map(|s| view! { <StoreRow s /> }).collect_view()}</ul> }.into_any()
            }}
        </section>
        <section class="card" aria-labelledby="add-heading">
            <h2 id="add-heading">"Add a store"</h2>
            <div class="two-col">
                <PostForm action="/connections/shopify/start" class="stack">
                    <h3>"Shopify"</h3>
                    <TextField name="store_url" id="shopify_store_url" label="Shop name" hint="e.g. mystore or mystore.myshopify.com" />
                    <button type="submit" class="primary">"Connect Shopify"</button>
                </PostForm>
                <div class="stack">
                    <h3>"WooCommerce"</h3>
                    <PostForm action="/connections/woocommerce/grant" class="stack">
                        <TextField name="store_url" id="woo_grant_store_url" label="Store address" kind="url" hint="e.g. https://shop.example.com" />
                        <button type="submit" class="primary">"Connect with WooCommerce"</button>
                    </PostForm>
                    <details>
                        <summary>"Or enter REST API keys"</summary>
                        <PostForm action="/connections/woocommerce" class="stack">
                            <TextField name="store_url" id="woo_store_url" label="Store address" kind="url" />
                            <TextField name="consumer_key" label="Consumer key" hint="Starts with ck_" />
                            <TextField name="consumer_secret" label="Consumer secret" kind="password" hint="Starts with cs_" />
                            <button type="submit">"Connect with keys"</button>
                        </PostForm>
                    </details>
                </div>
            </div>
        </section>
    }
}

#[component]
fn ProkipConnectForms() -> impl IntoView {
    view! {
        <p>"Sign in with your Prokip username and password. The password is used once to get an access token and is never stored."</p>
        <PostForm action="/connections/prokip/login" class="stack narrow">
            <TextField name="username" label="Prokip username" autocomplete="username" />
            <TextField name="password" label="Prokip password" kind="password" autocomplete="current-password" />
            <button type="submit" class="primary">"Connect Prokip"</button>
        </PostForm>
        <details>
            <summary>"Or paste an access token"</summary>
            <PostForm action="/connections/prokip/token" class="stack narrow">
                <TextField name="token" label="Access token" kind="password" />
                <button type="submit">"Connect with token"</button>
            </PostForm>
        </details>
    }
}

#[component]
fn ProkipConnected(p: ProkipView) -> impl IntoView {
    let chosen = p.location_id;
    let picker = (!p.locations.is_empty()).then(|| {
        view! {
            <PostForm action="/connections/prokip/location" class="inline-form">
                <label for="location_id">{if chosen.is_some() { "Change location" } else { "Choose the shop location" }}</label>
                <select id="location_id" name="location_id" required=true>
                    {p.locations
                        .into_iter()
                        .map(|l| view! { <option value=l.id.to_string() selected=Some(l.id) == chosen>{l.name}</option> })
                        .collect_view()}
                </select>
                <button type="submit" class="primary">"Use this location"</button>
            </PostForm>
        }
    });
    view! {
        <dl class="facts">
            <dt>"Business"</dt>
            <dd data-testid="prokip-business">{p.business_name.unwrap_or_else(|| "—".into())}</dd>
            <dt>"Location"</dt>
            <dd data-testid="prokip-location">{p.location_name.unwrap_or_else(|| "not chosen yet".into())}</dd>
            <dt>"API"</dt>
            <dd>{p.api_url}</dd>
        </dl>
        {p.problem.map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        {picker}
        <PostForm action="/connections/prokip/refresh" class="inline-form">
            <span class="muted" data-testid="prokip-read-at">
                {match p.read_at {
                    Some(at) => format!("Locations and payment methods read from Prokip {at}."),
                    None => "Locations and payment methods not read from Prokip yet.".to_owned(),
                }}
            </span>
            <button type="submit">"Refresh from Prokip"</button>
        </PostForm>
        <PostForm action="/connections/prokip/disconnect" class="inline-form">
            <button type="submit" class="danger">"Disconnect Prokip"</button>
        </PostForm>
    }
}

/// The store's webhook topics with their last delivery, and why they could not be repaired.
#[component]
fn StoreWebhooks(webhooks: Option<Vec<WebhookTopicView>>, problem: Option<String>) -> impl IntoView {
    let topics = match webhooks {
        None => view! { <p class="muted">"Webhooks: not checked yet (checked at each reconcile)."</p> }.into_any(),
        Some(topics) => view! {
            <table class="webhooks" data-testid="store-webhooks">
                <thead><tr><th>"Webhook"</th><th>"Last delivery"</th></tr></thead>
                <tbody>
                    {topics
                        .into_iter()
                        .map(|t| view! {
                            <tr><td>{t.topic}</td><td>{t.last_delivery.unwrap_or_else(|| "none yet".into())}</td></tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
        }
        .into_any(),
    };
    view! {
        {problem.map(|p| view! { <p class="form-error" role="alert" data-testid="webhook-problem">{p}</p> })}
        {topics}
    }
}

fn stock_fact(s: &StoreView) -> &'static str {
    match (s.sync_enabled, s.in_review) {
        (true, _) => "On",
        (false, true) => "Off until you review what the first sync would change",
        (false, false) => "Paused",
    }
}

fn order_import_fact(on: bool, waiting: u64) -> String {
    match (on, waiting) {
        (true, 0) => "On".into(),
        (true, n) => format!("On, importing {n} kept while paused"),
        (false, 0) => "Paused: new orders are kept".into(),
        (false, n) => format!("Paused: {n} order updates kept"),
    }
}

/// "Main Shop + Warehouse · orders sold at Warehouse"; `None` while Prokip's location is not chosen.
fn sources_fact(choices: &[SourceChoice]) -> Option<String> {
    let from: Vec<&str> = choices.iter().filter(|c| c.drawn).map(|c| c.name.as_str()).collect();
    let sells = choices.iter().find(|c| c.sells)?;
    Some(format!("{} · orders sold at {}", from.join(" + "), sells.name))
}

/// Which Prokip locations a store's stock comes from (summed) and where its orders are sold;
/// shown when the business has more than one location.
#[component]
fn SourcesForm(id: i64, choices: Vec<SourceChoice>) -> impl IntoView {
    (choices.len() > 1).then(|| {
        let boxes = choices
            .iter()
            .map(|c| {
                view! {
                    <label class="check">
                        <input type="checkbox" name="source" value=c.id.to_string() checked=c.drawn />
                        {format!(" {}", c.name)}
                    </label>
                }
            })
            .collect_view();
        let options = choices
            .iter()
            .map(|c| view! { <option value=c.id.to_string() selected=c.sells>{c.name.clone()}</option> })
            .collect_view();
        view! {
            <PostForm action=format!("/connections/{id}/sources") class="inline-form store-sources">
                <fieldset>
                    <legend>"Stock from"</legend>
                    {boxes}
                </fieldset>
                <label for=format!("sell-at-{id}")>"Sell orders at"</label>
                <select id=format!("sell-at-{id}") name="sell_at">{options}</select>
                <button type="submit">"Save locations"</button>
                <small class="muted">"The store is offered the ticked locations' stock added up; its orders become Prokip sales at the chosen one."</small>
            </PostForm>
        }
    })
}

/// Which of a Shopify shop's locations its stock is written at; shown when it has more than one.
#[component]
fn StoreLocationForm(id: i64, choices: Vec<StoreLocationChoice>) -> impl IntoView {
    (choices.len() > 1).then(|| {
        let options = choices
            .iter()
            .map(|c| view! { <option value=c.id.clone() selected=c.chosen>{c.name.clone()}</option> })
            .collect_view();
        view! {
            <PostForm action=format!("/connections/{id}/store-location") class="inline-form store-location">
                <label for=format!("store-location-{id}")>"Shopify location"</label>
                <select id=format!("store-location-{id}") name="location">{options}</select>
                <button type="submit">"Write stock here"</button>
                <small class="muted">"Where this shop's available quantities are written. Items not stocked at that location are listed in Activity."</small>
            </PostForm>
        }
    })
}

/// Which of a Shopify shop's locations each of its Prokip sources feeds; shown when the shop has
/// more than one location and the store more than one source.
#[component]
fn FeedsForm(id: i64, sources: Vec<SourceChoice>, shop: Vec<StoreLocationChoice>) -> impl IntoView {
    let drawn: Vec<SourceChoice> = sources.into_iter().filter(|s| s.drawn).collect();
    (shop.len() > 1 && drawn.len() > 1).then(|| {
        let rows = drawn
            .into_iter()
            .map(|s| {
                let field = format!("feed-{}-{id}", s.id);
                let options = shop
                    .iter()
                    .map(|l| {
                        view! { <option value=l.id.clone() selected=s.feeds.as_deref() == Some(l.id.as_str())>{l.name.clone()}</option> }
                    })
                    .collect_view();
                view! {
                    <label for=field.clone()>{format!("{} feeds", s.name)}</label>
                    <select id=field name=format!("feed-{}", s.id)>{options}</select>
                }
            })
            .collect_view();
        view! {
            <PostForm action=format!("/connections/{id}/feeds") class="inline-form store-feeds">
                {rows}
                <button type="submit">"Save feeds"</button>
                <small class="muted">"Each Shopify location is written the stock of the Prokip locations feeding it, added up, by this store's rules."</small>
            </PostForm>
        }
    })
}

/// One of a store's two switches: a plain form posting the opposite of its state.
#[component]
fn Switch(id: i64, action: &'static str, on: bool, what: &'static str) -> impl IntoView {
    view! {
        <PostForm action=format!("/connections/{id}/{action}")>
            <input type="hidden" name="enabled" value=if on { "false" } else { "true" } />
            <button type="submit">{format!("{} {what}", if on { "Pause" } else { "Resume" })}</button>
        </PostForm>
    }
}

#[component]
fn StoreRow(s: StoreView) -> impl IntoView {
    let (label, class) = s.health();
    let stock = stock_fact(&s);
    let id = s.id;
    let platform = if s.platform == "shopify" { "Shopify" } else { "WooCommerce" };
    view! {
        <li class="store" id=format!("store-{id}") data-testid=format!("store-{id}")>
            <div class="store-head">
                <strong>{platform}</strong>
                <span class="store-url">{s.store_url.clone()}</span>
                <HealthBadge id label class />
            </div>
            {s.status_reason.map(|r| view! { <p class="muted">{r}</p> })}
            <StoreWebhooks webhooks=s.webhooks problem=s.webhook_problem />
            <dl class="facts">
                <dt>"Last sync"</dt>
                <dd>{s.last_sync.unwrap_or_else(|| "never".into())}</dd>
                <dt>"Last webhook"</dt>
                <dd>{s.last_webhook_at.unwrap_or_else(|| "none received yet".into())}</dd>
                <dt>"Stock updates"</dt>
                <dd data-testid="stock-updates">{stock}</dd>
                <dt>"Order import"</dt>
                <dd data-testid="order-import">{order_import_fact(s.order_import_enabled, s.orders_waiting)}</dd>
                {sources_fact(&s.sources).map(|f| view! { <dt>"Stock from"</dt><dd data-testid="store-sources">{f}</dd> })}
                {s.store_locations.iter().find(|l| l.chosen).map(|l| view! { <dt>"Shopify location"</dt><dd data-testid="store-location">{l.name.clone()}</dd> })}
            </dl>
            <div class="store-actions">
                {if s.in_review {
                    view! { <a class="button primary" href=format!("/connections/{id}/preview") data-testid="review-link">"Review and start syncing"</a> }.into_any()
                } else {
                    view! {
                        <Switch id action="sync" on=s.sync_enabled what="stock updates" />
                        <a class="button" href=format!("/connections/{id}/preview") data-testid="preview-link">"Preview next sync"</a>
                    }.into_any()
                }}
                <Switch id action="orders" on=s.order_import_enabled what="order import" />
                <PostForm action=format!("/connections/{id}/rules") class="inline-form stock-rules">
                    <label for=format!("buffer-{id}")>"Safety buffer"</label>
                    <input id=format!("buffer-{id}") name="safety_buffer" type="number" min="0" max="100000" value=s.safety_buffer.to_string() />
                    <label for=format!("percent-{id}")>"Share (%)"</label>
                    <input id=format!("percent-{id}") name="percent" type="number" min="0" max="100" value=s.publish_percent.to_string() />
                    <label for=format!("max-{id}")>"At most"</label>
                    <input id=format!("max-{id}") name="max" type="number" min="0" max="100000" placeholder="no maximum" value=s.publish_max.map(|m| m.to_string()).unwrap_or_default() />
                    <label for=format!("zero-below-{id}")>"Show 0 below"</label>
                    <input id=format!("zero-below-{id}") name="zero_below" type="number" min="0" max="100000" value=s.zero_below.to_string() />
                    <button type="submit">"Save"</button>
                    <small class="muted">"Offered: Prokip's stock less unpaid orders and the buffer; 0 while that is below the minimum, else the share of it (rounded down), at most the maximum."</small>
                </PostForm>
                <SourcesForm id choices=s.sources.clone() />
                <StoreLocationForm id choices=s.store_locations.clone() />
                <FeedsForm id sources=s.sources.clone() shop=s.store_locations.clone() />
                <details class="danger-zone">
                    <summary>"Disconnect…"</summary>
                    <PostForm action=format!("/connections/{id}/disconnect") class="stack">
                        <p>"Stops syncing and deletes this store's credentials, SKU map and stock cache. Sales history is kept."</p>
                        <label class="check">
                            <input type="checkbox" name="confirm" value="yes" required=true />
                            " Yes, disconnect this store"
                        </label>
                        <button type="submit" class="danger">"Disconnect"</button>
                    </PostForm>
                </details>
            </div>
        </li>
    }
}
