//! `SyncError`: why a mapping or a stock push could not run as a whole. Failures of single items
//! are not errors: they are reported per item in the activity log.

use crate::backend::{
    error::{Kind, ServerError},
    jobs::EnqueueError,
    stores::prokip::ProkipAccountError,
};

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("Connect Prokip and choose its shop location first.")]
    ProkipNotReady,
    #[error("That store is not connected to this account.")]
    NotFound,
    #[error("Prokip could not be read: {0}")]
    Prokip(String),
    #[error("The store could not be read: {0}")]
    Store(String),
    #[error(transparent)]
    Queue(#[from] EnqueueError),
    #[error("database error: {0}")]
    Db(#[from] sea_orm::DbErr),
}

impl From<ProkipAccountError> for SyncError {
    fn from(e: ProkipAccountError) -> Self {
        match e {
            ProkipAccountError::Db(e) => SyncError::Db(e),
            e => SyncError::Prokip(e.to_string()),
        }
    }
}

impl From<SyncError> for ServerError {
    fn from(e: SyncError) -> Self {
        let kind = match e {
            SyncError::Db(e) => return ServerError::internal(e).with_title("Sync failed"),
            SyncError::Queue(e) => return ServerError::internal(e).with_title("Sync failed"),
            SyncError::ProkipNotReady | SyncError::NotFound => Kind::BadRequest,
            SyncError::Prokip(_) | SyncError::Store(_) => Kind::BadGateway,
        };
        ServerError::from_error(kind, e).with_title("Sync failed")
    }
}
