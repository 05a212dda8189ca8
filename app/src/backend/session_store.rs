//! tower-sessions store on the shared Postgres pool: one row per session, the record as
//! MessagePack, expired rows swept by the housekeeping job.

use crate::backend::db::sessions;
use async_trait::async_trait;
use sea_orm::DatabaseConnection;
use tower_sessions::{
    SessionStore,
    session::{Id, Record},
    session_store::{Error, ExpiredDeletion, Result},
};

#[derive(Clone)]
pub struct PgSessionStore {
    db: DatabaseConnection,
}

impl std::fmt::Debug for PgSessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PgSessionStore")
    }
}

impl PgSessionStore {
    pub fn new(db: DatabaseConnection) -> Self {
        PgSessionStore { db }
    }
}

fn backend(e: impl std::fmt::Display) -> Error {
    Error::Backend(e.to_string())
}

/// The record as stored: MessagePack, and its expiry as a database time.
fn encode(record: &Record) -> Result<(Vec<u8>, chrono::DateTime<chrono::Utc>)> {
    let data = rmp_serde::to_vec(record).map_err(|e| Error::Encode(e.to_string()))?;
    let expiry = chrono::DateTime::from_timestamp(record.expiry_date.unix_timestamp(), record.expiry_date.nanosecond())
        .ok_or_else(|| Error::Encode("session expiry out of range".into()))?;
    Ok((data, expiry))
}

#[async_trait]
impl SessionStore for PgSessionStore {
    async fn create(&self, record: &mut Record) -> Result<()> {
        loop {
            let (data, expiry) = encode(record)?;
            if sessions::insert_new(&self.db, record.id.to_string(), data, expiry).await.map_err(backend)? {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> Result<()> {
        let (data, expiry) = encode(record)?;
        sessions::upsert(&self.db, record.id.to_string(), data, expiry).await.map_err(backend)
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        let data = sessions::load(&self.db, &id.to_string()).await.map_err(backend)?;
        data.map(|d| rmp_serde::from_slice(&d).map_err(|e| Error::Decode(e.to_string()))).transpose()
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        sessions::delete(&self.db, &id.to_string()).await.map_err(backend)
    }
}

#[async_trait]
impl ExpiredDeletion for PgSessionStore {
    async fn delete_expired(&self) -> Result<()> {
        sessions::delete_expired(&self.db).await.map(|_| ()).map_err(backend)
    }
}
