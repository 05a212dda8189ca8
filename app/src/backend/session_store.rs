//! tower-sessions store on the shared Postgres pool: one row per session, the record as
//! MessagePack, expired rows swept by the housekeeping job.

use async_trait::async_trait;
use sea_orm::{ConnectionTrait, DatabaseConnection, FromQueryResult, Statement, Value};
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

    async fn exec(&self, sql: &str, values: Vec<Value>) -> Result<u64> {
        let stmt = Statement::from_sql_and_values(self.db.get_database_backend(), sql, values);
        self.db.execute_raw(stmt).await.map(|r| r.rows_affected()).map_err(backend)
    }
}

fn backend(e: impl std::fmt::Display) -> Error {
    Error::Backend(e.to_string())
}

fn row_values(record: &Record) -> Result<Vec<Value>> {
    let data = rmp_serde::to_vec(record).map_err(|e| Error::Encode(e.to_string()))?;
    let expiry = chrono::DateTime::from_timestamp(record.expiry_date.unix_timestamp(), record.expiry_date.nanosecond())
        .ok_or_else(|| Error::Encode("session expiry out of range".into()))?;
    Ok(vec![record.id.to_string().into(), data.into(), expiry.into()])
}

#[derive(FromQueryResult)]
struct Row {
    data: Vec<u8>,
}

#[async_trait]
impl SessionStore for PgSessionStore {
    async fn create(&self, record: &mut Record) -> Result<()> {
        loop {
            let inserted = self
                .exec(
                    "INSERT INTO sessions (id, data, expiry_date) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING",
                    row_values(record)?,
                )
                .await?;
            if inserted == 1 {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> Result<()> {
        self.exec(
            "INSERT INTO sessions (id, data, expiry_date) VALUES ($1, $2, $3)
             ON CONFLICT (id) DO UPDATE SET data = excluded.data, expiry_date = excluded.expiry_date",
            row_values(record)?,
        )
        .await
        .map(|_| ())
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        let stmt = Statement::from_sql_and_values(
            self.db.get_database_backend(),
            "SELECT data FROM sessions WHERE id = $1 AND expiry_date > now()",
            [id.to_string().into()],
        );
        let row = Row::find_by_statement(stmt).one(&self.db).await.map_err(backend)?;
        row.map(|r| rmp_serde::from_slice(&r.data).map_err(|e| Error::Decode(e.to_string()))).transpose()
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        self.exec("DELETE FROM sessions WHERE id = $1", vec![id.to_string().into()]).await.map(|_| ())
    }
}

#[async_trait]
impl ExpiredDeletion for PgSessionStore {
    async fn delete_expired(&self) -> Result<()> {
        self.exec("DELETE FROM sessions WHERE expiry_date < now()", vec![]).await.map(|_| ())
    }
}
