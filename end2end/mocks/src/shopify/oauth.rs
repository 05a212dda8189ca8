//! OAuth: the install page (Approve / Cancel, or `auto_approve=1`), signed redirects back to the app,
//! and the token endpoint (code grant with optional expiring tokens; refresh grant with rotation).

use super::{MockError, ShopifyMock, not_found, signing, state};
use axum::{
    Json,
    extract::{Path, Query, State},
    http::{StatusCode, header},
    response::{Html, IntoResponse, Response},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{Duration, Utc};
use serde_json::{Value, json};
use std::collections::HashMap;

const ACCESS_TTL_SECS: i64 = 3600;
const REFRESH_TTL_SECS: i64 = 90 * 24 * 3600;

pub fn random_hex() -> String {
    format!("{:032x}", rand::random::<u128>())
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

impl ShopifyMock {
    /// What the merchant's click does: the signed redirect to the app's `redirect_uri`, with a code
    /// (approve) or `error=access_denied` (cancel). `query` is the authorize URL's parameters.
    pub fn authorize(&self, shop: &str, query: &HashMap<String, String>, approve: bool) -> Result<String, MockError> {
        let param = |k: &str| query.get(k).map(String::as_str).unwrap_or_default();
        let mut store = self.lock();
        if !store.shops.contains_key(shop) {
            return Err(not_found(shop));
        }
        if param("client_id") != store.client_id {
            return Err(MockError::Invalid("Oauth error invalid_request: The client_id is invalid".into()));
        }
        let redirect = param("redirect_uri");
        let mut target =
            url::Url::parse(redirect).ok().filter(|u| matches!(u.scheme(), "http" | "https")).ok_or_else(|| {
                MockError::Invalid("Oauth error invalid_request: The redirect_uri is missing or not whitelisted".into())
            })?;
        let handle = shop.split('.').next().unwrap_or(shop);
        let mut params: Vec<(&str, String)> = vec![
            ("host", URL_SAFE_NO_PAD.encode(format!("admin.shopify.com/store/{handle}"))),
            ("shop", shop.to_owned()),
            ("state", param("state").to_owned()),
            ("timestamp", Utc::now().timestamp().to_string()),
        ];
        if approve {
            let code = random_hex();
            store.codes.insert(
                code.clone(),
                state::Grant {
                    shop: shop.into(),
                    scope: param("scope").into(),
                    expires: Utc::now() + Duration::minutes(10),
                },
            );
            params.push(("code", code));
        } else {
            params.push(("error", "access_denied".into()));
        }
        let hmac = signing::sign_query(&store.client_secret, &params);
        params.push(("hmac", hmac));
        target.query_pairs_mut().extend_pairs(params.iter().map(|(k, v)| (*k, v.as_str())));
        Ok(target.to_string())
    }

    fn token_answer(&self, path_shop: &str, body: &Value) -> Result<Value, String> {
        let field = |k: &str| body.get(k).and_then(Value::as_str).unwrap_or_default();
        let mut store = self.lock();
        if field("client_id") != store.client_id || field("client_secret") != store.client_secret {
            return Err("The client credentials are invalid".into());
        }
        let now = Utc::now();
        let (shop, scope, expiring, predecessor) = if field("grant_type") == "refresh_token" {
            let token = field("refresh_token");
            let r = store
                .refresh_tokens
                .get(token)
                .filter(|r| r.expires > now && r.shop == path_shop)
                .ok_or("The refresh token is invalid or was replaced")?;
            let (shop, scope, predecessor) = (r.shop.clone(), r.scope.clone(), r.predecessor.clone());
            // Using a replacement retires the token it replaced.
            if let Some(old) = predecessor {
                store.refresh_tokens.remove(&old);
            }
            (shop, scope, true, Some(token.to_owned()))
        } else {
            let grant = store
                .codes
                .remove(field("code"))
                .filter(|g| g.expires > now && g.shop == path_shop)
                .ok_or("The authorization code was not found or was already used")?;
            let expiring = matches!(body.get("expiring"), Some(Value::String(s)) if s == "1")
                || body.get("expiring") == Some(&json!(1));
            (grant.shop, grant.scope, expiring, None)
        };
        let access = format!("shpat_{}", random_hex());
        let expires = expiring.then(|| now + Duration::seconds(ACCESS_TTL_SECS));
        store.access_tokens.insert(access.clone(), state::AccessToken { shop: shop.clone(), expires });
        if !expiring {
            return Ok(json!({ "access_token": access, "scope": scope }));
        }
        let refresh = format!("shprt_{}", random_hex());
        store.refresh_tokens.insert(
            refresh.clone(),
            state::RefreshToken {
                shop,
                scope: scope.clone(),
                expires: now + Duration::seconds(REFRESH_TTL_SECS),
                predecessor,
            },
        );
        Ok(json!({
            "access_token": access, "scope": scope, "expires_in": ACCESS_TTL_SECS,
            "refresh_token": refresh, "refresh_token_expires_in": REFRESH_TTL_SECS,
        }))
    }
}

pub async fn authorize_page(
    State(mock): State<ShopifyMock>,
    Path(shop): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let decision = query.get("decision").map(String::as_str);
    let auto = query.get("auto_approve").is_some_and(|v| v == "1");
    if auto || decision.is_some() {
        let approve = auto || decision == Some("approve");
        return match mock.authorize(&shop, &query, approve) {
            Ok(location) => (StatusCode::FOUND, [(header::LOCATION, location)]).into_response(),
            Err(e) => e.into_response(),
        };
    }
    if let Err(e) = mock.authorize(&shop, &query, false).map(|_| ()) {
        return e.into_response();
    }
    let hidden: String = query
        .iter()
        .filter(|(k, _)| *k != "decision")
        .map(|(k, v)| format!(r#"<input type="hidden" name="{}" value="{}">"#, esc(k), esc(v)))
        .collect();
    let form = |decision: &str, label: &str| {
        format!(
            r#"<form method="get"><input type="hidden" name="decision" value="{decision}">{hidden}<button type="submit">{label}</button></form>"#
        )
    };
    Html(format!(
        "<!doctype html><html><head><title>Install app</title></head><body><h1>Install app on {}</h1>\
         <p>The app asks for: {}</p>{}{}</body></html>",
        esc(&shop),
        esc(query.get("scope").map(String::as_str).unwrap_or_default()),
        form("approve", "Approve"),
        form("cancel", "Cancel"),
    ))
    .into_response()
}

pub async fn access_token(
    State(mock): State<ShopifyMock>,
    Path(shop): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    if !mock.lock().shops.contains_key(&shop) {
        return not_found(&shop).into_response();
    }
    let parsed: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    match mock.token_answer(&shop, &parsed) {
        Ok(answer) => Json(answer).into_response(),
        Err(description) => {
            (StatusCode::BAD_REQUEST, Json(json!({ "error": "invalid_request", "error_description": description })))
                .into_response()
        }
    }
}
