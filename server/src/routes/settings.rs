//! Settings forms: the payment method, the customer setting, new stores' review, each store's
//! order trigger, the account's time zone, its API tokens and its alerts. Each answers with a redirect back to the Settings page carrying a notice or an
//! error.

use super::SignedIn;
use app::backend::{alerts, api_tokens, error::ServerError, flash, settings, state::AppState};
use app::model::FlashView;
use axum::{
    Form,
    extract::{Path, State},
    response::Response,
};
use serde::Deserialize;

fn back(result: Result<String, settings::SettingsError>) -> Response {
    super::back_to("/settings", result)
}

#[derive(Deserialize)]
pub struct PaymentForm {
    #[serde(default)]
    payment_method: String,
}

pub async fn payment_method(State(state): State<AppState>, user: SignedIn, Form(f): Form<PaymentForm>) -> Response {
    back(settings::set_payment_method(&state, user.account_id, &f.payment_method).await)
}

#[derive(Deserialize)]
pub struct CustomerForm {
    #[serde(default)]
    customer_mode: String,
}

pub async fn customer(State(state): State<AppState>, user: SignedIn, Form(f): Form<CustomerForm>) -> Response {
    back(settings::set_customer_mode(&state, user.account_id, &f.customer_mode).await)
}

#[derive(Deserialize)]
pub struct ReviewForm {
    #[serde(default)]
    review_new_stores: String,
}

pub async fn review(State(state): State<AppState>, user: SignedIn, Form(f): Form<ReviewForm>) -> Response {
    back(settings::set_review_new_stores(&state, user.account_id, &f.review_new_stores).await)
}

#[derive(Deserialize)]
pub struct TriggerForm {
    #[serde(default)]
    trigger: String,
}

pub async fn trigger(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<i64>,
    Form(f): Form<TriggerForm>,
) -> Response {
    back(settings::set_order_trigger(&state, user.account_id, id, &f.trigger).await)
}

#[derive(Deserialize)]
pub struct TimeZoneForm {
    #[serde(default)]
    time_zone: String,
}

pub async fn time_zone(State(state): State<AppState>, user: SignedIn, Form(f): Form<TimeZoneForm>) -> Response {
    back(settings::set_time_zone(&state, user.account_id, &f.time_zone).await)
}

#[derive(Deserialize)]
pub struct NewTokenForm {
    #[serde(default)]
    token_name: String,
    #[serde(default)]
    token_scope: String,
    #[serde(default)]
    token_lifetime: String,
}

/// Creates an API token and shows it once, on the Settings page.
pub async fn create_token(State(state): State<AppState>, user: SignedIn, Form(f): Form<NewTokenForm>) -> Response {
    let form =
        api_tokens::NewTokenForm { name: &f.token_name, scope: &f.token_scope, lifetime_days: &f.token_lifetime };
    match api_tokens::create(&state.db, &user, form).await {
        Ok(created) => {
            let notice = format!(
                "Token “{}” ({}) created. Copy it now: it is not shown again.",
                created.name,
                created.scope.label()
            );
            let flash = FlashView { notice: Some(notice), secret: Some(created.token), ..Default::default() };
            flash::redirect("/settings", flash)
        }
        Err(e) => ServerError::from(e).redirect("/settings", &[("token_name", &f.token_name)]),
    }
}

/// Revokes an API token at once.
pub async fn revoke_token(State(state): State<AppState>, user: SignedIn, Path(id): Path<i64>) -> Response {
    let result = api_tokens::revoke(&state.db, user.account_id, id)
        .await
        .map(|name| format!("Token “{name}” revoked: it no longer opens anything."));
    super::back_to("/settings", result)
}

#[derive(Deserialize)]
pub struct AlertsForm {
    #[serde(default)]
    alert_webhook_url: String,
    #[serde(default)]
    alert_email: String,
    /// A checkbox: present when ticked.
    #[serde(default)]
    alert_digest: Option<String>,
}

/// Where alerts go, and whether the daily digest is wanted.
pub async fn alerts(State(state): State<AppState>, user: SignedIn, Form(f): Form<AlertsForm>) -> Response {
    match alerts::save(&state, user.account_id, &f.alert_webhook_url, &f.alert_email, f.alert_digest.is_some()).await {
        Ok(notice) => super::back_to("/settings", Ok::<_, ServerError>(notice)),
        Err(e) => ServerError::from(e)
            .redirect("/settings", &[("alert_webhook_url", &f.alert_webhook_url), ("alert_email", &f.alert_email)]),
    }
}

/// Sends a test alert at once and says how the receiver answered.
pub async fn test_alert(State(state): State<AppState>, user: SignedIn) -> Response {
    super::back_to("/settings", alerts::send_test(&state, user.account_id).await)
}
