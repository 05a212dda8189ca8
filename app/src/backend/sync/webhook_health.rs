//! Webhook health: each reconcile checks every store's webhook subscriptions and repairs what is
//! disabled or gone (WooCommerce disables a webhook after repeated failed deliveries; a merchant
//! can delete a Shopify subscription). Repairs show in Activity; a store whose webhooks cannot be
//! repaired needs attention, with the reason, until a later check repairs them. Stock keeps
//! flowing to it meanwhile: only its orders wait for the pull.

use crate::backend::{
    db::{
        activity::{self, About, NewActivity},
        connections,
    },
    state::AppState,
    stores::Store,
};
use crate::model::{ActivityKind, ActivityStatus};
use sea_orm::DbErr;

/// Checks and repairs the connection's webhooks; records what it did and what is left.
pub async fn check(state: &AppState, conn: &connections::Model) -> Result<(), DbErr> {
    // A store that cannot be opened is reported by the read-back that follows.
    let Ok(store) = Store::open(state, conn) else { return Ok(()) };
    match store.heal_webhooks(state, conn).await {
        Ok(healed) => {
            if !healed.repaired.is_empty() {
                let detail = format!("Repaired: {}. Orders arrive by webhook again.", healed.repaired.join("; "));
                record(state, conn, ActivityStatus::Ok, &detail).await?;
            }
            connections::set_webhook_health(&state.db, conn.id, Some(&healed.topics), None).await
        }
        Err(reason) => {
            let why = format!(
                "Webhooks: {reason}. Orders arrive only through the order pull until they are repaired; check \
                 the store's webhook settings."
            );
            tracing::warn!(connection = conn.id, %why, "webhooks could not be repaired");
            if conn.webhook_problem.as_deref() != Some(why.as_str()) {
                record(state, conn, ActivityStatus::NeedsAttention, &why).await?;
            }
            connections::set_webhook_health(&state.db, conn.id, None, Some(&why)).await
        }
    }
}

async fn record(
    state: &AppState,
    conn: &connections::Model,
    status: ActivityStatus,
    detail: &str,
) -> Result<(), DbErr> {
    let subject = format!("Webhooks → {}", conn.store_url);
    let entry = NewActivity {
        account_id: conn.account_id,
        kind: ActivityKind::Order,
        about: About::store(conn.id),
        subject: &subject,
        status,
        detail: Some(detail),
        retry: None,
    };
    activity::record(&state.db, entry).await.map(|_| ())
}
