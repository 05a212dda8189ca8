//! Settings forms: the payment method and the customer setting. Each answers with a redirect back
//! to the Settings page carrying a notice or an error.

use super::SignedIn;
use app::backend::{settings, state::AppState};
use axum::{Form, extract::State, response::Redirect};
use serde::Deserialize;

fn back(result: Result<String, settings::SettingsError>) -> Redirect {
    let (key, text) = match result {
        Ok(n) => ("notice", n),
        Err(e) => ("error", e.to_string()),
    };
    Redirect::to(&format!("/settings?{}", serde_urlencoded::to_string([(key, text)]).unwrap_or_default()))
}

#[derive(Deserialize)]
pub struct PaymentForm {
    #[serde(default)]
    payment_method: String,
}

pub async fn payment_method(State(state): State<AppState>, user: SignedIn, Form(f): Form<PaymentForm>) -> Redirect {
    back(settings::set_payment_method(&state, user.account_id, &f.payment_method).await)
}

#[derive(Deserialize)]
pub struct CustomerForm {
    #[serde(default)]
    customer_mode: String,
}

pub async fn customer(State(state): State<AppState>, user: SignedIn, Form(f): Form<CustomerForm>) -> Redirect {
    back(settings::set_customer_mode(&state, user.account_id, &f.customer_mode).await)
}
