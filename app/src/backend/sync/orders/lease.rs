//! The order lease while an import acts on it: renewed in the background so it can be short (a
//! killed process's order is free again within seconds), and stretched over a whole `POST /sell`
//! before one is sent, with that call bounded in time, so two workers never sell one order.

use super::ImportError;
use crate::backend::{
    db::sales_log::{self, LEASE_SECONDS, Row},
    platforms::prokip::ProkipError,
};
use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, DbErr};
use std::{
    convert::Infallible,
    sync::atomic::{AtomicBool, Ordering},
    time::Duration,
};

/// How often a held lease is renewed: a third of its length, so two renewals may fail before it
/// runs out.
const RENEW_EVERY: Duration = Duration::from_secs(LEASE_SECONDS as u64 / 3);
/// How long Prokip may still be storing a sell after we stopped waiting for its answer: the lease
/// outlasts a bounded call by this much, so the next worker's invoice look-up sees that sell.
const SETTLE: Duration = Duration::from_secs(5);

/// One held lease on a `sales_log` row.
pub(super) struct Lease {
    db: DatabaseConnection,
    id: i64,
    /// The end we hold (our token); `None` once we know another worker has the order. Locked
    /// across a renewal, so the background renewal and a stretch before a sell never race.
    until: tokio::sync::Mutex<Option<DateTime<Utc>>>,
    /// Kept to its end on release: a sell may still be landing in Prokip.
    keep: AtomicBool,
}

impl Lease {
    /// The lease a claim returned.
    pub fn of(db: &DatabaseConnection, row: &Row) -> Lease {
        let until = tokio::sync::Mutex::new(row.lease_until);
        Lease { db: db.clone(), id: row.id, until, keep: AtomicBool::new(false) }
    }

    /// Extends the lease to at least `secs` from now; `false` when it is no longer ours.
    async fn extend(&self, secs: f64) -> Result<bool, DbErr> {
        let mut until = self.until.lock().await;
        let Some(held) = *until else { return Ok(false) };
        *until = sales_log::renew(&self.db, self.id, held, secs).await?;
        Ok(until.is_some())
    }

    /// Renews the lease every [`RENEW_EVERY`], for as long as it is polled.
    async fn keep_alive(&self) -> Infallible {
        loop {
            tokio::time::sleep(RENEW_EVERY).await;
            match self.extend(LEASE_SECONDS as f64).await {
                Ok(true) => {}
                Ok(false) => tracing::warn!(sales_log = self.id, "order lease lost; no sell is sent under it"),
                Err(e) => tracing::warn!(sales_log = self.id, error = %e, "order lease not renewed"),
            }
        }
    }

    /// Runs `work` with the lease renewed meanwhile.
    pub async fn hold<T>(&self, work: impl Future<Output = T>) -> T {
        tokio::select! {
            out = work => out,
            never = self.keep_alive() => match never {},
        }
    }

    /// Runs a Prokip call that must not run twice (`POST /sell`): first the lease is stretched
    /// over the call's whole `bound` and [`SETTLE`], and the call is abandoned at `bound`.
    /// `Busy` when the lease is no longer ours (nothing is sent then). A call left without an
    /// answer (abandoned, or its connection lost) keeps the lease to its end, so nobody looks the
    /// sell up before Prokip could have stored it; an answered failure gives it back as usual.
    pub async fn covering<T>(
        &self,
        bound: Duration,
        call: impl Future<Output = Result<T, ProkipError>>,
    ) -> Result<Result<T, ProkipError>, ImportError> {
        if !self.extend((bound + SETTLE).as_secs_f64()).await? {
            return Err(ImportError::Busy);
        }
        let outcome = tokio::time::timeout(bound, call).await;
        if matches!(outcome, Err(_) | Ok(Err(ProkipError::Transport(_)))) {
            self.keep.store(true, Ordering::Relaxed);
        }
        outcome.map_err(|_| ImportError::Transient(format!("Prokip did not answer within {} s", bound.as_secs())))
    }

    /// Gives the lease back, unless an unanswered sell asks to keep it to its end.
    pub async fn release(self) -> Result<(), DbErr> {
        let keep = self.keep.load(Ordering::Relaxed);
        match *self.until.lock().await {
            Some(held) if !keep => sales_log::release(&self.db, self.id, held).await,
            _ => Ok(()),
        }
    }
}
