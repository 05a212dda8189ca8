//! After a key rotation (`ENCRYPTION_KEY` new, the old one in `ENCRYPTION_KEYS_PREVIOUS`), seals
//! every stored secret again with the current key, so the old key can be dropped: the stores'
//! credentials and webhook secrets, and the Prokip tokens. `server reseal` runs it.
//!
//! Each value is replaced only if it is still the one read (a token refreshed meanwhile is sealed
//! with the current key already), so it is safe beside running processes and can be run again.

use crate::{
    backend::{
        crypto::Keyring,
        db::{connections, prokip_configs},
        platforms::woocommerce::StoreUrl,
        stores::{prokip, shopify, woocommerce},
    },
    model::Platform,
};
use sea_orm::{DatabaseConnection, DbErr};

/// What a pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Resealed {
    /// Values sealed again with the current key.
    pub resealed: u64,
    /// Values the current key sealed already.
    pub current: u64,
    /// Values no key of the keyring opens (their key is not configured): left as they are.
    pub unopened: u64,
}

impl Resealed {
    fn count(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Resealed => self.resealed += 1,
            Outcome::Current => self.current += 1,
            Outcome::Unopened => self.unopened += 1,
        }
    }
}

enum Outcome {
    Resealed,
    Current,
    Unopened,
}

/// Seals `sealed` again when an older key sealed it, storing it with `store`.
async fn one<F, Fut>(keyring: &Keyring, sealed: &[u8], context: &str, store: F) -> Result<Outcome, DbErr>
where
    F: FnOnce(Vec<u8>) -> Fut,
    Fut: std::future::Future<Output = Result<bool, DbErr>>,
{
    match keyring.reseal(sealed, context) {
        Ok(None) => Ok(Outcome::Current),
        Ok(Some(new)) => {
            // Not replaced: changed meanwhile, by a writer that sealed with the current key.
            store(new).await?;
            Ok(Outcome::Resealed)
        }
        Err(_) => Ok(Outcome::Unopened),
    }
}

/// Re-seals every stored secret sealed with a previous key.
pub async fn reseal_all(db: &DatabaseConnection, keyring: &Keyring) -> Result<Resealed, DbErr> {
    let mut done = Resealed::default();
    for conn in connections::all_sealed(db).await? {
        if let Some(sealed) = conn.credentials_enc.as_deref() {
            let context = match conn.platform {
                Platform::Shopify => Some(shopify::credentials_context(&conn.store_url)),
                Platform::WooCommerce => {
                    StoreUrl::parse(&conn.store_url, true).ok().map(|u| woocommerce::credentials_context(&u))
                }
            };
            let outcome = match context {
                Some(context) => {
                    let column = connections::Column::CredentialsEnc;
                    one(keyring, sealed, &context, |new| connections::replace_sealed(db, conn.id, column, sealed, new))
                        .await?
                }
                None => Outcome::Unopened,
            };
            done.count(outcome);
        }
        if let Some(sealed) = conn.webhook_secret_enc.as_deref() {
            let context = woocommerce::webhook_context(conn.id);
            let column = connections::Column::WebhookSecretEnc;
            let outcome =
                one(keyring, sealed, &context, |new| connections::replace_sealed(db, conn.id, column, sealed, new))
                    .await?;
            done.count(outcome);
        }
    }
    for cfg in prokip_configs::all(db).await? {
        let account = cfg.account_id;
        let column = prokip_configs::Column::AccessTokenEnc;
        let sealed = &cfg.access_token_enc;
        let outcome = one(keyring, sealed, &prokip::context(account, "access"), |new| {
            prokip_configs::replace_sealed(db, account, column, sealed, new)
        })
        .await?;
        done.count(outcome);
        if let Some(sealed) = cfg.refresh_token_enc.as_deref() {
            let column = prokip_configs::Column::RefreshTokenEnc;
            let outcome = one(keyring, sealed, &prokip::context(account, "refresh"), |new| {
                prokip_configs::replace_sealed(db, account, column, sealed, new)
            })
            .await?;
            done.count(outcome);
        }
    }
    tracing::info!(resealed = done.resealed, current = done.current, unopened = done.unopened, "secrets re-sealed");
    Ok(done)
}
