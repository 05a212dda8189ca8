//! Shopify: start the OAuth install (form, or the seed's JSON), the OAuth callback, and inbound
//! webhooks (orders, refunds, products, uninstall, compliance).

use super::api_doc::{ErrorBody, ShopifyAuthUrl, ShopifyInstall};

use super::{bad_body, connections::back, not_signed_in, success};
use app::backend::{
    auth::AuthSession,
    connect::{
        ConnectedFrom,
        shopify::{self as shop, PendingInstall, SESSION_KEY},
    },
    error::{Kind, ServerError},
    state::AppState,
    webhooks::shopify::{self as hooks, Delivery},
};
use app::{backend::flash, model::FlashView};
use axum::{
    Json,
    body::Bytes,
    extract::{RawQuery, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize)]
pub struct StartForm {
    #[serde(default, alias = "storeUrl")]
    store_url: String,
}

async fn begin(state: &AppState, auth: &AuthSession, input: &str, from: ConnectedFrom) -> Result<String, ServerError> {
    let user = auth.user.as_ref().ok_or_else(|| ServerError::new(Kind::Unauthorized, "Please sign in to continue."))?;
    let (url, pending) = shop::begin(state, user.account_id, input, from)?;
    auth.session.insert(SESSION_KEY, pending).await.map_err(ServerError::internal)?;
    Ok(url)
}

/// The Connections form: straight on to Shopify's approval page.
pub async fn start(State(state): State<AppState>, auth: AuthSession, axum::Form(f): axum::Form<StartForm>) -> Response {
    if auth.user.is_none() {
        return Redirect::to("/login").into_response();
    }
    match begin(&state, &auth, &f.store_url, ConnectedFrom::Dashboard).await {
        Ok(url) => Redirect::to(&url).into_response(),
        Err(e) => back(Err::<String, _>(e)),
    }
}

/// Seed parity: `POST /connections/shopify/initiate {"storeUrl"}` → `{"authUrl"}`.
#[utoipa::path(post, path = "/connections/shopify/initiate", tag = "connections", request_body = ShopifyInstall,
    security(("session" = [])),
    responses((status = 200, description = "Send the merchant to `authUrl` in the same browser session", body = ShopifyAuthUrl),
        (status = 400, description = "Not a shop address", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody)))]
pub async fn initiate(
    State(state): State<AppState>,
    auth: AuthSession,
    body: Bytes,
) -> Result<Json<serde_json::Value>, ServerError> {
    if auth.user.is_none() {
        return Err(not_signed_in());
    }
    let form: StartForm = serde_json::from_slice(&body).map_err(bad_body)?;
    let url = begin(&state, &auth, &form.store_url, ConnectedFrom::SeedApi).await?;
    Ok(success(json!({ "authUrl": url })))
}

/// Shopify sends the merchant back here: `/?shopify_success=true&store=…` or `/?shopify_error=…`.
pub async fn callback(State(state): State<AppState>, auth: AuthSession, RawQuery(query): RawQuery) -> Redirect {
    let Some(user) = auth.user.clone() else { return Redirect::to("/login") };
    let pending: Option<PendingInstall> = auth.session.remove(SESSION_KEY).await.ok().flatten();
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query.as_deref().unwrap_or("")).unwrap_or_default();
    // The seed's parameters, and the id of the message the page shows (it renders no text from
    // the address).
    let (mut q, flash) = match shop::finish(&state, pending, user.account_id, &pairs).await {
        Ok(shop) => {
            let notice =
                format!("{shop} is connected. Its orders now flow into Prokip and Prokip's stock flows to it.");
            (
                vec![("shopify_success", "true".to_owned()), ("store", shop)],
                FlashView { notice: Some(notice), ..Default::default() },
            )
        }
        Err(e) => {
            let message = ServerError::from(e).into_message();
            let error = Some(format!("Shopify was not connected: {message}"));
            (vec![("shopify_error", message)], FlashView { error, ..Default::default() })
        }
    };
    let kind = if flash.error.is_some() { "error" } else { "notice" };
    match flash::store(&auth.session, flash, &state.keyring).await {
        Ok(id) => q.push((kind, id)),
        Err(e) => tracing::warn!(error = %e, "flash message not kept"),
    }
    Redirect::to(&format!("/?{}", serde_urlencoded::to_string(q).unwrap_or_default()))
}

pub async fn webhook(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> StatusCode {
    // Header names are case-insensitive; `HeaderMap` already treats them so.
    let h = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let delivery = Delivery {
        hmac: h("x-shopify-hmac-sha256"),
        topic: h("x-shopify-topic"),
        shop: h("x-shopify-shop-domain"),
        webhook_id: h("x-shopify-webhook-id"),
        event_id: h("x-shopify-event-id"),
        body: &body,
    };
    match hooks::receive(&state, delivery).await {
        Ok(_) => StatusCode::OK,
        Err(e) => ServerError::from(e).into_status(),
    }
}
