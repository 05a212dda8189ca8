//! WooCommerce: connect with keys (form, or the seed's JSON), the one-click key grant (start,
//! the store's server-to-server callback, the merchant's return), and inbound webhooks.

use super::api_doc::{ErrorBody, Message, WooKeys};

use super::{SignedIn, bad_body, connections::back, success};
use app::backend::{
    connect::{ConnectedFrom, woocommerce as woo},
    error::{Kind, ServerError},
    secret::Secret,
    state::AppState,
    webhooks::woocommerce::{self as hooks, Delivery, Outcome},
};
use axum::{
    body::Bytes,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize)]
pub struct KeysForm {
    #[serde(default, alias = "storeUrl")]
    store_url: String,
    #[serde(default, alias = "consumerKey")]
    consumer_key: String,
    #[serde(default, alias = "consumerSecret")]
    consumer_secret: String,
}

/// `POST /connections/woocommerce`: a form (redirects back) or the seed's JSON (answers JSON).
#[utoipa::path(post, path = "/connections/woocommerce", tag = "connections", request_body = WooKeys, security(("session" = []), ("token" = [])),
    responses((status = 200, description = "The store is connected; its catalog is matched by a job", body = Message),
        (status = 400, description = "A body that does not parse, or an address that is refused", body = ErrorBody),
        (status = 401, description = "Not signed in, or an invalid API token", body = ErrorBody),
        (status = 403, description = "A read-only API token", body = ErrorBody),
        (status = 502, description = "The store refused the keys or did not answer", body = ErrorBody)))]
pub async fn connect_keys(State(state): State<AppState>, user: SignedIn, headers: HeaderMap, body: Bytes) -> Response {
    let json_body = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("application/json"));
    let form: Result<KeysForm, String> = if json_body {
        serde_json::from_slice(&body).map_err(|e| e.to_string())
    } else {
        serde_urlencoded::from_bytes(&body).map_err(|e| e.to_string())
    };
    let form = match form {
        Ok(f) => f,
        Err(e) if json_body => return bad_body(e).into_response(),
        Err(e) => return back(Err::<String, _>(ServerError::new(Kind::BadRequest, e))).into_response(),
    };
    let result = woo::connect_with_keys(
        &state,
        user.account_id,
        &form.store_url,
        &form.consumer_key,
        Secret::new(form.consumer_secret),
        if json_body { ConnectedFrom::SeedApi } else { ConnectedFrom::Dashboard },
    )
    .await;
    if !json_body {
        return back(result).into_response();
    }
    match result {
        Ok(message) => success(json!({ "message": message })).into_response(),
        Err(e) => ServerError::from(e).into_response(),
    }
}

#[derive(Deserialize)]
pub struct GrantForm {
    #[serde(default)]
    store_url: String,
}

pub async fn grant_start(
    State(state): State<AppState>,
    user: SignedIn,
    axum::Form(f): axum::Form<GrantForm>,
) -> Response {
    match woo::grant_url(&state, user.account_id, &f.store_url) {
        Ok(url) => Redirect::to(&url).into_response(),
        Err(e) => back(Err::<String, _>(e)),
    }
}

/// The store posts the new keys here; it revokes them unless we answer 200.
pub async fn grant_callback(State(state): State<AppState>, body: Bytes) -> StatusCode {
    match woo::receive_grant(&state, &body).await {
        Ok(_) => StatusCode::OK,
        Err(e) => ServerError::from(e).into_status(),
    }
}

#[derive(Deserialize)]
pub struct Returned {
    #[serde(default)]
    success: String,
    #[serde(default)]
    user_id: String,
}

pub async fn grant_return(State(state): State<AppState>, user: SignedIn, Query(q): Query<Returned>) -> Response {
    back(woo::grant_returned(&state, user.account_id, &q.user_id, q.success == "1").await)
}

pub async fn webhook(
    State(state): State<AppState>,
    path: Option<Path<i64>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let h = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let delivery = Delivery {
        connection_id: path.map(|Path(id)| id),
        content_type: h("content-type"),
        source: h("x-wc-webhook-source"),
        topic: h("x-wc-webhook-topic"),
        signature: h("x-wc-webhook-signature"),
        body: &body,
    };
    match hooks::receive(&state, delivery).await {
        Ok(Outcome::Ping | Outcome::Stored | Outcome::Duplicate) => StatusCode::OK.into_response(),
        Err(e) => ServerError::from(e).into_status().into_response(),
    }
}
