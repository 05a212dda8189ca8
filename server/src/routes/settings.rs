//! Settings forms: the payment method, the customer setting, new stores' review, each store's
//! order trigger and the account's time zone. Each answers with a redirect back to the Settings page carrying a notice or an
//! error.

use super::SignedIn;
use app::backend::{settings, state::AppState};
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
