//! After a key rotation (`ENCRYPTION_KEY` new, the old one in `ENCRYPTION_KEYS_PREVIOUS`), seals
//! every stored secret again with the current key, so the old key can be dropped: the stores'
//! credentials and webhook secrets, and the Prokip tokens. `server reseal` runs it.
//!
//! Each value is replaced only if it is still the one read (a token refreshed meanwhile is sealed
//! with the current key already), so it is safe beside running processes and can be run again.

use crate::{
    backend::{
        crypto::Keyring,
        db::{self as tables, connections, prokip_configs},
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

/// Where a sealed value is kept.
#[derive(Clone, Copy)]
enum Place {
    Connection(i64, connections::Column),
    Prokip(i64, prokip_configs::Column),
}

/// A stored secret: where it is, as it is stored, and the context it was sealed for (`None` when
/// that cannot be told, e.g. a store address that no longer parses).
struct Sealed {
    place: Place,
    value: Vec<u8>,
    context: Option<String>,
}

/// Every stored secret.
async fn all(db: &DatabaseConnection) -> Result<Vec<Sealed>, DbErr> {
    let mut out = Vec::new();
    for conn in connections::all_sealed(db).await? {
        if let Some(value) = conn.credentials_enc {
            let context = match conn.platform {
                Platform::Shopify => Some(shopify::credentials_context(&conn.store_url)),
                Platform::WooCommerce => {
                    StoreUrl::parse(&conn.store_url, true).ok().map(|u| woocommerce::credentials_context(&u))
                }
            };
            out.push(Sealed { place: Place::Connection(conn.id, connections::Column::CredentialsEnc), value, context });
        }
        if let Some(value) = conn.webhook_secret_enc {
            let context = Some(woocommerce::webhook_context(conn.id));
            out.push(Sealed {
                place: Place::Connection(conn.id, connections::Column::WebhookSecretEnc),
                value,
                context,
            });
        }
    }
    for cfg in prokip_configs::all(db).await? {
        let account = cfg.account_id;
        let context = Some(prokip::context(account, "access"));
        let place = Place::Prokip(account, prokip_configs::Column::AccessTokenEnc);
        out.push(Sealed { place, value: cfg.access_token_enc, context });
        if let Some(value) = cfg.refresh_token_enc {
            let context = Some(prokip::context(account, "refresh"));
            out.push(Sealed { place: Place::Prokip(account, prokip_configs::Column::RefreshTokenEnc), value, context });
        }
    }
    Ok(out)
}

/// Stores `new` where `old` was, unless it changed meanwhile (then a writer sealed it with the
/// current key already).
async fn replace(db: &DatabaseConnection, place: Place, old: &[u8], new: Vec<u8>) -> Result<bool, DbErr> {
    match place {
        Place::Connection(id, column) => {
            tables::replace_sealed::<connections::Entity, _>(db, connections::Column::Id, id, column, old, new).await
        }
        Place::Prokip(account, column) => {
            let key = prokip_configs::Column::AccountId;
            tables::replace_sealed::<prokip_configs::Entity, _>(db, key, account, column, old, new).await
        }
    }
}

/// Re-seals every stored secret sealed with a previous key.
pub async fn reseal_all(db: &DatabaseConnection, keyring: &Keyring) -> Result<Resealed, DbErr> {
    let mut done = Resealed::default();
    for s in all(db).await? {
        let Some(context) = s.context else {
            done.unopened += 1;
            continue;
        };
        match keyring.reseal(&s.value, &context) {
            Ok(None) => done.current += 1,
            Ok(Some(new)) => {
                replace(db, s.place, &s.value, new).await?;
                done.resealed += 1;
            }
            Err(_) => done.unopened += 1,
        }
    }
    tracing::info!(resealed = done.resealed, current = done.current, unopened = done.unopened, "secrets re-sealed");
    Ok(done)
}
