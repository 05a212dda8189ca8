//! Settings: how online orders are booked in Prokip — the payment method, whom the sale is for,
//! and per store which order state makes the sale —, whether new stores start in review and the
//! time zone the dashboard's times are shown in — and the account's API tokens. Each form posts to a plain route that redirects
//! back here with a notice or an error (in place once the page is hydrated: [`PostForm`]).

use super::Banners;
use crate::components::post_form::PostForm;
use crate::{
    api::load_settings,
    model::{AlertsView, ApiTokenView, SettingsView, StoreTrigger, TOKEN_LIFETIMES, TokenScope, TokenState},
};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let data = Resource::new(crate::components::post_form::data_version, |_| load_settings());
    view! {
        <Title text="Settings" />
        <h1>"Settings"</h1>
        <Banners />
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! { <SettingsForms v /> }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn SettingsForms(v: SettingsView) -> impl IntoView {
    let current = v.payment_method.clone();
    let email = v.customer_mode == "email";
    let review = v.review_new_stores;
    let (zone, zones) = (v.time_zone.clone(), v.time_zones.clone());
    let tokens = v.api_tokens.clone();
    let alerts = v.alerts.clone();
    view! {
        <section class="card" aria-labelledby="payment-heading">
            <h2 id="payment-heading">"Payment method for online sales"</h2>
            {if v.payment_methods.is_empty() {
                view! {
                    <p class="muted">
                        "Online sales are paid with " <code>{current}</code>
                        ". Your business's payment methods appear here once read from Prokip: connect it, or use “Refresh from Prokip” on "
                        <a href="/connections">"Connections"</a>
                        "."
                    </p>
                }
                    .into_any()
            } else {
                view! {
                    <PostForm action="/settings/payment-method" class="stack">
                        <label for="payment_method">"Prokip payment method"</label>
                        <select id="payment_method" name="payment_method">
                            {v.payment_methods
                                .into_iter()
                                .map(|(key, label)| {
                                    let selected = key == current;
                                    view! { <option value=key selected=selected>{label}</option> }
                                })
                                .collect_view()}
                        </select>
                        <button type="submit" class="primary">"Save payment method"</button>
                    </PostForm>
                }
                    .into_any()
            }}
        </section>
        <section class="card" aria-labelledby="customer-heading">
            <h2 id="customer-heading">"Customer in Prokip"</h2>
            <PostForm action="/settings/customer" class="stack">
                <fieldset>
                    <legend>"Online sales are for"</legend>
                    <label>
                        <input type="radio" name="customer_mode" value="walk_in" checked=!email />
                        " The walk-in customer"
                    </label>
                    <label>
                        <input type="radio" name="customer_mode" value="email" checked=email />
                        " The customer with the order's email (created in Prokip when new)"
                    </label>
                </fieldset>
                <button type="submit" class="primary">"Save customer setting"</button>
            </PostForm>
        </section>
        <section class="card" aria-labelledby="review-heading">
            <h2 id="review-heading">"New stores"</h2>
            <PostForm action="/settings/review" class="stack">
                <fieldset>
                    <legend>"Review new stores before the first sync"</legend>
                    <label>
                        <input type="radio" name="review_new_stores" value="on" checked=review />
                        " On: a store connected here keeps its stock until you have seen its preview and pressed Start syncing"
                    </label>
                    <label>
                        <input type="radio" name="review_new_stores" value="off" checked=!review />
                        " Off: a store connected here gets Prokip's quantities at once"
                    </label>
                </fieldset>
                <p class="muted">"Orders are imported from the start either way."</p>
                <button type="submit" class="primary">"Save new-store setting"</button>
            </PostForm>
        </section>
        <section class="card" aria-labelledby="trigger-heading">
            <h2 id="trigger-heading">"When an order becomes a sale"</h2>
            {if v.stores.is_empty() {
                view! { <p class="muted">"No store connected yet."</p> }.into_any()
            } else {
                view! { <ul class="stores">{v.stores.into_iter().map(|s| view! { <TriggerRow s /> }).collect_view()}</ul> }.into_any()
            }}
        </section>
        <TimeZoneForm zone zones />
        <Alerts alerts />
        <ApiTokens tokens />
    }
}

/// Where alerts go: failed orders and stores needing attention at once, a digest every morning.
#[component]
fn Alerts(alerts: AlertsView) -> impl IntoView {
    let on = !alerts.webhook_url.is_empty() || !alerts.email.is_empty();
    let email_help = if alerts.email_available {
        "Up to 5 addresses, separated by commas."
    } else {
        "E-mail is not set up on this server: its operator sets SMTP_URL and SMTP_FROM. A webhook address works meanwhile."
    };
    view! {
        <section class="card" aria-labelledby="alerts-heading">
            <h2 id="alerts-heading">"Alerts"</h2>
            <p class="muted">
                "Told at once when an order fails or a store needs attention (at most one alert of each an hour), and a digest of the day before every morning at 07:00. Alerts are posted as JSON with a "
                <code>"text"</code>
                " field (a Slack incoming-webhook URL works as it is), e-mailed, or both."
            </p>
            <PostForm action="/settings/alerts" class="stack">
                <label for="alert_webhook_url">"Alert address (webhook URL)"</label>
                <input
                    id="alert_webhook_url"
                    name="alert_webhook_url"
                    type="url"
                    maxlength="2000"
                    placeholder="https://hooks.slack.com/services/…"
                    value=alerts.webhook_url.clone()
                />
                <label for="alert_email">"E-mail alerts to"</label>
                <input
                    id="alert_email"
                    name="alert_email"
                    type="text"
                    inputmode="email"
                    autocomplete="email"
                    maxlength="1300"
                    placeholder="owner@example.com"
                    aria-describedby="alert_email_help"
                    disabled=!alerts.email_available && alerts.email.is_empty()
                    value=alerts.email.clone()
                />
                <p id="alert_email_help" class="muted">{email_help}</p>
                <label>
                    <input type="checkbox" name="alert_digest" value="on" checked=alerts.digest />
                    " Send a daily digest"
                </label>
                <p class="muted">"Leave both empty to turn alerts off."</p>
                <button type="submit" class="primary">"Save alerts"</button>
            </PostForm>
            {on
                .then(|| {
                    view! {
                        <PostForm action="/settings/alerts/test" class="inline">
                            <button type="submit">"Send a test alert"</button>
                        </PostForm>
                    }
                })}
            {if alerts.sent.is_empty() {
                view! { <p class="muted">"No alert sent yet."</p> }.into_any()
            } else {
                view! {
                    <table class="data" data-testid="alerts-sent">
                        <caption class="visually-hidden">"Latest alerts"</caption>
                        <thead>
                            <tr>
                                <th scope="col">"Sent"</th>
                                <th scope="col">"About"</th>
                                <th scope="col">"Delivered"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {alerts
                                .sent
                                .into_iter()
                                .map(|a| {
                                    let delivered = if a.delivered { format!("yes, {}", a.outcome) } else { format!("no: {}", a.outcome) };
                                    view! {
                                        <tr data-testid="alert-sent">
                                            <td>{a.at}</td>
                                            <td>{a.summary}</td>
                                            <td>{delivered}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                }
                    .into_any()
            }}
        </section>
    }
}

/// Tokens for scripts: made here (shown once), listed with their last use, revoked at once.
#[component]
fn ApiTokens(tokens: Vec<ApiTokenView>) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="tokens-heading">
            <h2 id="tokens-heading">"API tokens"</h2>
            <p class="muted">
                "A script sends a token as " <code>"Authorization: Bearer pst_…"</code>
                " to use the JSON API (sync status, Sync now, pause and resume, pulls, the data behind every page) without signing in. A token never opens the dashboard itself."
            </p>
            <PostForm action="/settings/api-tokens" class="stack">
                <label for="token_name">"Name"</label>
                <input id="token_name" name="token_name" type="text" required maxlength="60" placeholder="Stock report script" />
                <fieldset>
                    <legend>"The token may"</legend>
                    {TokenScope::ALL
                        .into_iter()
                        .map(|scope| {
                            let text = match scope {
                                TokenScope::Read => " Read: status, orders, products, activity",
                                TokenScope::ReadWrite => " Read and change: also Sync now, pause, resume, pull orders, connect and disconnect",
                            };
                            view! {
                                <label>
                                    <input type="radio" name="token_scope" value=scope.as_str() checked=scope == TokenScope::Read />
                                    {text}
                                </label>
                            }
                        })
                        .collect_view()}
                </fieldset>
                <label for="token_lifetime">"Expires after"</label>
                <select id="token_lifetime" name="token_lifetime">
                    {TOKEN_LIFETIMES
                        .into_iter()
                        .map(|(days, label)| view! { <option value=days.to_string() selected=days == 90>{label}</option> })
                        .collect_view()}
                </select>
                <button type="submit" class="primary">"Create token"</button>
            </PostForm>
            {if tokens.is_empty() {
                view! { <p class="muted">"No tokens yet."</p> }.into_any()
            } else {
                view! {
                    <table class="data tokens" data-testid="api-tokens">
                        <thead>
                            <tr>
                                <th scope="col">"Name"</th>
                                <th scope="col">"May"</th>
                                <th scope="col">"Token"</th>
                                <th scope="col">"Created"</th>
                                <th scope="col">"Last used"</th>
                                <th scope="col">"Expires"</th>
                                <th scope="col">"State"</th>
                                <th scope="col"><span class="visually-hidden">"Revoke"</span></th>
                            </tr>
                        </thead>
                        <tbody>{tokens.into_iter().map(|t| view! { <TokenRow t /> }).collect_view()}</tbody>
                    </table>
                }
                    .into_any()
            }}
        </section>
    }
}

#[component]
fn TokenRow(t: ApiTokenView) -> impl IntoView {
    let active = t.state == TokenState::Active;
    let label = format!("Revoke {}", t.name);
    view! {
        <tr data-testid="api-token">
            <td>{t.name}</td>
            <td>{t.scope.label()}</td>
            <td><code>{t.shown_prefix}</code></td>
            <td>{t.created}</td>
            <td>{t.last_used.unwrap_or_else(|| "never".to_owned())}</td>
            <td>{t.expires.unwrap_or_else(|| "never".to_owned())}</td>
            <td>{t.state.label()}</td>
            <td>
                {active
                    .then(|| {
                        view! {
                            <PostForm action=format!("/settings/api-tokens/{}/revoke", t.id) class="inline">
                                <button type="submit" aria-label=label>"Revoke"</button>
                            </PostForm>
                        }
                    })}
            </td>
        </tr>
    }
}

/// The zone every time on the dashboard is shown in.
#[component]
fn TimeZoneForm(zone: String, zones: Vec<String>) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="zone-heading">
            <h2 id="zone-heading">"Time zone"</h2>
            <PostForm action="/settings/time-zone" class="stack">
                <label for="time_zone">"Times on the dashboard are shown in"</label>
                <select id="time_zone" name="time_zone">
                    {zones
                        .into_iter()
                        .map(|z| {
                            let (selected, label) = (z == zone, z.clone());
                            view! { <option value=z selected=selected>{label}</option> }
                        })
                        .collect_view()}
                </select>
                <button type="submit" class="primary">"Save time zone"</button>
            </PostForm>
        </section>
    }
}

#[component]
fn TriggerRow(s: StoreTrigger) -> impl IntoView {
    let id = format!("trigger-{}", s.id);
    let completed = s.trigger == "completed";
    view! {
        <li>
            {if s.platform == "woocommerce" {
                view! {
                    <PostForm action=format!("/settings/stores/{}/trigger", s.id) class="inline">
                        <label for=id.clone()>{s.store_url}</label>
                        <select id=id name="trigger">
                            <option value="paid" selected=!completed>"Processing or completed (paid)"</option>
                            <option value="completed" selected=completed>"Completed only"</option>
                        </select>
                        <button type="submit">"Save"</button>
                    </PostForm>
                }
                    .into_any()
            } else {
                view! { <p>{s.store_url} " — when the order is paid."</p> }.into_any()
            }}
        </li>
    }
}
