//! Group commit for verified deliveries: deliveries that arrive while a write is in flight wait
//! for the next one, which stores them all, with their jobs, in one statement and one round trip
//! (each job is written as the job struct encodes around the id the statement takes). Under load
//! each write carries dozens of deliveries; alone, a delivery is written at once. Every caller is
//! answered only after its row is committed, so nothing acknowledged can be lost; an event is
//! never stored without its job; and a batch the database refuses is written again row by row,
//! so one bad row fails only its own delivery.

use crate::backend::{
    jobs::{self, Job, ProcessWebhook},
    metrics,
};
use sea_orm::{DatabaseConnection, DbErr, sqlx};
use std::{
    collections::VecDeque,
    sync::{Arc, Mutex},
};
use tokio::sync::oneshot;

/// Writes in flight at once (each holds one pooled connection while it runs).
const WRITERS: usize = 2;
/// Deliveries per write at most.
const BATCH: usize = 500;

/// Which connection a delivery belongs to.
#[derive(Debug, Clone)]
pub enum Target {
    /// Known already (WooCommerce deliveries name it in their URL; pulled orders).
    Connection(i64),
    /// Shopify's shop domain: looked up in the same statement that stores the row.
    Store(String),
}

/// One verified delivery to store.
#[derive(Debug)]
pub struct Row {
    pub target: Target,
    pub platform: &'static str,
    pub topic: String,
    pub dedupe_key: String,
    pub event_id: Option<String>,
    /// The JSON text of the payload (valid JSON without `\u0000`).
    pub payload: String,
}

/// What became of a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    /// A new event, stored and queued for processing.
    New(i64),
    /// The same delivery was stored before.
    Duplicate,
    /// No connection holds this store.
    NoConnection,
}

struct Pending {
    row: Row,
    reply: oneshot::Sender<Result<Stored, DbErr>>,
}

#[derive(Default)]
struct Waiting {
    rows: VecDeque<Pending>,
    writers: usize,
}

/// Cheap to clone; all clones share one queue.
#[derive(Clone)]
pub struct Intake {
    db: DatabaseConnection,
    waiting: Arc<Mutex<Waiting>>,
}

impl Intake {
    pub fn new(db: DatabaseConnection) -> Self {
        Intake { db, waiting: Arc::default() }
    }

    /// Stores one delivery (with whatever else is waiting) and answers once it is committed.
    pub async fn store(&self, row: Row) -> Result<Stored, DbErr> {
        let (reply, answer) = oneshot::channel();
        let start_writer = {
            let mut w = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
            w.rows.push_back(Pending { row, reply });
            let start = w.writers < WRITERS;
            if start {
                w.writers += 1;
            }
            start
        };
        if start_writer {
            // A task of its own: a caller that stops waiting (a timeout) does not stop the write others wait on.
            tokio::spawn(self.clone().write_while_waiting());
        }
        answer
            .await
            .unwrap_or_else(|_| Err(DbErr::Custom("the webhook intake stopped before storing the delivery".into())))
    }

    /// Writes batches until nobody waits.
    async fn write_while_waiting(self) {
        let slot = WriterSlot(self.waiting.clone());
        loop {
            let batch: Vec<Pending> = {
                let mut w = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
                let n = w.rows.len().min(BATCH);
                if n == 0 {
                    // Under the same lock hold that saw the queue empty: nothing queued meanwhile is left without a writer.
                    slot.leave(&mut w);
                    return;
                }
                w.rows.drain(..n).collect()
            };
            self.write(batch).await;
        }
    }

    async fn write(&self, batch: Vec<Pending>) {
        // A caller that gave up was answered 503: its platform delivers it again.
        let (rows, replies): (Vec<Row>, Vec<_>) =
            batch.into_iter().filter(|p| !p.reply.is_closed()).map(|p| (p.row, p.reply)).unzip();
        if rows.is_empty() {
            return;
        }
        metrics::intake_batch(rows.len());
        let started = std::time::Instant::now();
        let results: Vec<Result<Stored, DbErr>> = match insert(&self.db, &rows).await {
            Ok(results) => results.into_iter().map(Ok).collect(),
            // The database refused the statement (say one payload it cannot store): each row on
            // its own, so only that row's delivery fails.
            Err(sqlx::Error::Database(e)) if rows.len() > 1 => {
                tracing::warn!(rows = rows.len(), error = %e, "webhook batch refused; storing its rows one by one");
                let mut one_by_one = Vec::with_capacity(rows.len());
                for row in &rows {
                    one_by_one.push(insert(&self.db, std::slice::from_ref(row)).await.map(|r| r[0]).map_err(db_err));
                }
                one_by_one
            }
            // Unreachable or overloaded: every caller answers 503 and its platform retries.
            Err(e) => {
                let reason = e.to_string();
                rows.iter().map(|_| Err(DbErr::Custom(reason.clone()))).collect()
            }
        };
        for (reply, result) in replies.into_iter().zip(results) {
            let _ = reply.send(result);
        }
        tracing::debug!(rows = rows.len(), stored_us = started.elapsed().as_micros() as u64, "webhook batch written");
    }
}

/// A writer's place among the [`WRITERS`]: given back by [`WriterSlot::leave`], or when dropped
/// if the writer ends otherwise (a panic).
struct WriterSlot(Arc<Mutex<Waiting>>);

impl WriterSlot {
    fn leave(self, w: &mut Waiting) {
        w.writers -= 1;
        std::mem::forget(self);
    }
}

impl Drop for WriterSlot {
    fn drop(&mut self) {
        let mut w = self.0.lock().unwrap_or_else(|e| e.into_inner());
        w.writers -= 1;
    }
}

/// One statement: find each row's connection, insert what is new under the id taken for it
/// (duplicates by the unique dedupe key are skipped), write its job, note when the connection
/// last heard from its store (at most once a second, so concurrent writes rarely wait on that
/// row), and say what became of each row.
const INSERT: &str = "
WITH input AS MATERIALIZED (
    SELECT t.*, nextval(pg_get_serial_sequence('webhook_events', 'id')) AS id
      FROM unnest($1::int8[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
        WITH ORDINALITY AS t(connection_id, platform, store_url, topic, dedupe_key, event_id, payload, job_id, n)
), matched AS (
    SELECT i.n, i.id, c.id AS connection_id, i.platform, i.topic, i.dedupe_key, i.event_id, i.payload
      FROM input i JOIN connections c ON c.id = i.connection_id AND c.platform = i.platform
    UNION ALL
    SELECT i.n, i.id, c.id, i.platform, i.topic, i.dedupe_key, i.event_id, i.payload
      FROM input i JOIN connections c ON c.platform = i.platform AND c.store_url = i.store_url
     WHERE i.connection_id IS NULL
), inserted AS (
    INSERT INTO webhook_events (id, connection_id, platform, topic, dedupe_key, event_id, payload, enqueued_at)
    SELECT id, connection_id, platform, topic, dedupe_key, event_id, payload::jsonb, now() FROM matched ORDER BY n
    ON CONFLICT (connection_id, dedupe_key) DO NOTHING
    RETURNING id, connection_id, dedupe_key
), jobs AS (
    -- The event's job in the same statement, as apalis's own push writes it (queue, the job's
    -- JSON and attempt limit, no metadata): an event is never stored without its job.
    INSERT INTO apalis.jobs (id, job_type, job, status, attempts, max_attempts, run_at, priority, metadata, idempotency_key)
    SELECT i.job_id, $9, convert_to($11 || i.id::text || $12, 'UTF8'), 'Pending', 0, $10, now(), 0, ''::hstore, NULL
      FROM inserted ins JOIN input i ON i.id = ins.id
), touched AS (
    UPDATE connections SET last_webhook_at = now()
     WHERE id IN (SELECT connection_id FROM matched)
       AND (last_webhook_at IS NULL OR last_webhook_at < now() - interval '1 second')
)
SELECT i.n, m.connection_id, ins.id
  FROM input i
  LEFT JOIN matched m ON m.n = i.n
  LEFT JOIN inserted ins ON ins.connection_id = m.connection_id AND ins.dedupe_key = m.dedupe_key
 ORDER BY i.n";

/// The webhook job's encoding around its event id, `(before, after)`: `before || id || after`
/// is exactly [`jobs::encode`] of `ProcessWebhook { event_id: id }` (a connect test pins the
/// row against apalis's own), so the statement that takes each event's id writes its job too.
fn job_around_id() -> &'static (String, String) {
    static AROUND: std::sync::LazyLock<(String, String)> = std::sync::LazyLock::new(|| {
        // A number no other part of the encoding contains; ids print as plain decimals in both
        // serde_json and PostgreSQL.
        const MARK: i64 = 7_390_417_265_508_193_461;
        let encoded = jobs::encode(&ProcessWebhook { event_id: MARK }).expect("the webhook job encodes");
        let text = String::from_utf8(encoded).expect("the job encodes as UTF-8 JSON");
        let mark = MARK.to_string();
        assert_eq!(text.matches(&mark).count(), 1, "the event id appears once in the job: {text}");
        let (before, after) = text.split_once(&mark).expect("the id is in the job");
        (before.to_owned(), after.to_owned())
    });
    &AROUND
}

fn db_err(e: sqlx::Error) -> DbErr {
    DbErr::Custom(e.to_string())
}

async fn insert(db: &DatabaseConnection, rows: &[Row]) -> Result<Vec<Stored>, sqlx::Error> {
    let mut connection_ids = Vec::with_capacity(rows.len());
    let mut stores = Vec::with_capacity(rows.len());
    for r in rows {
        match &r.target {
            Target::Connection(id) => {
                connection_ids.push(Some(*id));
                stores.push(None);
            }
            Target::Store(s) => {
                connection_ids.push(None);
                stores.push(Some(s.as_str()));
            }
        }
    }
    let platforms: Vec<&str> = rows.iter().map(|r| r.platform).collect();
    let topics: Vec<&str> = rows.iter().map(|r| r.topic.as_str()).collect();
    let keys: Vec<&str> = rows.iter().map(|r| r.dedupe_key.as_str()).collect();
    let event_ids: Vec<Option<&str>> = rows.iter().map(|r| r.event_id.as_deref()).collect();
    let payloads: Vec<&str> = rows.iter().map(|r| r.payload.as_str()).collect();
    let job_ids: Vec<String> = rows.iter().map(|_| ulid::Ulid::generate().to_string()).collect();
    let pool = db.get_postgres_connection_pool();
    let (before_id, after_id) = job_around_id();
    let found: Vec<(i64, Option<i64>, Option<i64>)> = sqlx::query_as(INSERT)
        .bind(&connection_ids)
        .bind(&platforms)
        .bind(&stores)
        .bind(&topics)
        .bind(&keys)
        .bind(&event_ids)
        .bind(&payloads)
        .bind(&job_ids)
        .bind(ProcessWebhook::QUEUE)
        .bind(ProcessWebhook::RETRY.attempts as i32)
        .bind(before_id)
        .bind(after_id)
        .fetch_all(pool)
        .await?;
    // A key sent twice in one batch is one row: the first delivery stored it, the others are duplicates.
    let mut seen = std::collections::HashSet::new();
    let mut out = vec![Stored::NoConnection; rows.len()];
    for (n, connection, id) in found {
        let Some(slot) = usize::try_from(n - 1).ok().and_then(|i| out.get_mut(i)) else { continue };
        *slot = match (connection, id) {
            (None, _) => Stored::NoConnection,
            (Some(_), Some(id)) if seen.insert(id) => Stored::New(id),
            (Some(_), _) => Stored::Duplicate,
        };
    }
    Ok(out)
}
