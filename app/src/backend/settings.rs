//! The Settings page's backend: what it shows (the account's order settings and the payment
//! methods of its Prokip business, whether new stores start in review) and the checked changes its
//! forms ask for.

use crate::{
    backend::{
        alerts, api_tokens,
        connect::prokip::{self, ProkipConnectError},
        db::{
            account_settings::{self, CustomerMode, TRIGGER_COMPLETED, TRIGGER_PAID},
            accounts, connections, prokip_configs,
        },
        error::{Kind, ServerError},
        state::AppState,
        stores,
        time::Zone,
    },
    model::{SettingsView, StoreTrigger},
};
use std::collections::BTreeMap;

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("Connect Prokip first: payment methods come from your Prokip business.")]
    NotConnected,
    #[error("{0} Nothing was changed.")]
    Prokip(String),
    #[error("\"{0}\" is not one of your Prokip payment methods; nothing was changed.")]
    UnknownMethod(String),
    #[error("Choose how online customers appear in Prokip: walk-in or matched by email.")]
    BadCustomerMode,
    #[error("That store is not one of yours.")]
    UnknownStore,
    #[error("Choose when an order becomes a Prokip sale: when paid, or (WooCommerce) when completed.")]
    BadTrigger,
    #[error("Choose whether new stores start in review: on or off.")]
    BadReview,
    #[error("“{0}” is not a time zone; choose one from the list. Nothing was changed.")]
    UnknownZone(String),
    #[error("Could not save the settings; nothing was changed.")]
    Db(#[from] sea_orm::DbErr),
}

impl From<SettingsError> for ServerError {
    fn from(e: SettingsError) -> Self {
        let kind = match e {
            SettingsError::Prokip(_) => Kind::BadGateway,
            SettingsError::Db(_) => Kind::Internal,
            _ => Kind::BadRequest,
        };
        ServerError::from_error(kind, e)
    }
}

/// The page: the account's settings, with the payment methods to choose from (none when Prokip is
/// not connected or did not answer) and each store's order trigger. A failure here is a failure to
/// load, never to save.
pub async fn view(state: &AppState, account_id: i64) -> Result<SettingsView, ServerError> {
    let settings = account_settings::get(&state.db, account_id).await?;
    // What the database holds: the page never waits on Prokip.
    let methods = kept_payment_methods(state, account_id).await?;
    let stores = account_settings::order_triggers(&state.db, account_id).await?;
    let zone = Zone::of_account(&state.db, account_id).await?;
    Ok(SettingsView {
        payment_method: settings.payment_method,
        payment_methods: methods.into_iter().collect(),
        customer_mode: settings.customer_mode.as_str().to_owned(),
        review_new_stores: settings.review_new_stores,
        stores: stores
            .into_iter()
            .map(|(id, platform, store_url, trigger)| StoreTrigger { id, platform, store_url, trigger })
            .collect(),
        time_zone: zone.name().to_owned(),
        time_zones: Zone::all_names(),
        api_tokens: api_tokens::list(&state.db, account_id, &zone).await?,
        alerts: alerts::view(state, account_id, &zone).await?,
    })
}

/// Shows the dashboard's times in `zone`, an IANA zone name.
pub async fn set_time_zone(state: &AppState, account_id: i64, zone: &str) -> Result<String, SettingsError> {
    let zone = Zone::parse(zone).ok_or_else(|| SettingsError::UnknownZone(zone.chars().take(64).collect()))?;
    accounts::set_time_zone(&state.db, account_id, zone.name()).await?;
    Ok(format!("Times are now shown in {}.", zone.name()))
}

/// The business's payment methods as last read from Prokip (empty when never read).
async fn kept_payment_methods(state: &AppState, account_id: i64) -> Result<BTreeMap<String, String>, SettingsError> {
    let config = prokip_configs::for_account(&state.db, account_id).await?;
    Ok(config.map(|c| c.read_directory().payment_methods.into_iter().collect()).unwrap_or_default())
}

/// Books online sales with `method`, which must be one of the business's payment methods: those
/// kept, or (for one added in Prokip since) those Prokip lists now.
pub async fn set_payment_method(state: &AppState, account_id: i64, method: &str) -> Result<String, SettingsError> {
    let method = method.trim();
    let mut methods = kept_payment_methods(state, account_id).await?;
    if !methods.contains_key(method) {
        methods = match prokip::refresh_directory(state, account_id).await {
            Ok(d) => d.payment_methods.into_iter().collect(),
            Err(ProkipConnectError::NotConnected) => return Err(SettingsError::NotConnected),
            Err(e) => return Err(SettingsError::Prokip(e.to_string())),
        };
    }
    let label = methods.get(method).ok_or_else(|| SettingsError::UnknownMethod(method.to_owned()))?;
    account_settings::set_payment_method(&state.db, account_id, method).await?;
    Ok(format!("Online sales are now paid with \"{label}\" in Prokip."))
}

pub async fn set_customer_mode(state: &AppState, account_id: i64, mode: &str) -> Result<String, SettingsError> {
    let mode = CustomerMode::parse(mode.trim()).ok_or(SettingsError::BadCustomerMode)?;
    account_settings::set_customer_mode(&state.db, account_id, mode).await?;
    Ok(match mode {
        CustomerMode::WalkIn => "Online sales now go to the walk-in customer.".into(),
        CustomerMode::Email => {
            "Online sales now go to the Prokip customer with the order's email (created when new).".into()
        }
    })
}

/// "Review new stores before the first sync" (`on` or `off`).
pub async fn set_review_new_stores(state: &AppState, account_id: i64, value: &str) -> Result<String, SettingsError> {
    let review = match value.trim() {
        "on" => true,
        "off" => false,
        _ => return Err(SettingsError::BadReview),
    };
    account_settings::set_review_new_stores(&state.db, account_id, review).await?;
    Ok(if review {
        "Stores you connect from now on start in review: their stock is left alone until you start syncing them from \
         their preview."
    } else {
        "Stores you connect from now on get Prokip's quantities at once."
    }
    .into())
}

/// Which order state makes the sale for one of the account's stores. Only WooCommerce stores may
/// wait for `completed`.
pub async fn set_order_trigger(
    state: &AppState,
    account_id: i64,
    connection_id: i64,
    trigger: &str,
) -> Result<String, SettingsError> {
    let conn = connections::get(&state.db, account_id, connection_id).await?.ok_or(SettingsError::UnknownStore)?;
    let trigger = match trigger.trim() {
        TRIGGER_PAID => TRIGGER_PAID,
        TRIGGER_COMPLETED if stores::facts(conn.platform).completed_status.is_some() => TRIGGER_COMPLETED,
        _ => return Err(SettingsError::BadTrigger),
    };
    if !account_settings::set_order_trigger(&state.db, account_id, connection_id, trigger).await? {
        return Err(SettingsError::UnknownStore);
    }
    Ok(match trigger {
        TRIGGER_COMPLETED => format!("Orders of {} become Prokip sales when completed.", conn.store_url),
        _ => format!("Orders of {} become Prokip sales when paid.", conn.store_url),
    })
}
