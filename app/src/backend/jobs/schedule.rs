//! The cron schedule: which ticks every job process fires, and when. Ticks that start
//! per-account work claim their slot in `sync_ticks` (so with several processes each runs once)
//! and enqueue one job per account; the others are idempotent, so every process may fire them.

use super::{Housekeeping, process_webhook};
use crate::backend::{
    config::SyncSettings,
    state::AppState,
    sync::{orders::pull, triggers},
};
use apalis::prelude::BoxDynError;
use chrono::{DateTime, Utc};
use std::str::FromStr;

/// What a tick starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tick {
    /// Re-enqueue stored webhook events that lost their job, and held orders (every minute).
    SweepWebhooks,
    /// Enqueue the housekeeping job (every minute).
    Housekeeping,
    /// One Prokip poll job per account (`PROKIP_POLL_SECONDS`).
    ProkipPoll,
    /// One reconciling full push per account (`RECONCILE_MINUTES`).
    Reconcile,
    /// One pull of missed orders per account (03:00 UTC).
    DailyPull,
}

/// A tick with its cron expression (seconds first) and a worker name for logs.
pub struct Scheduled {
    pub name: &'static str,
    pub schedule: cron::Schedule,
    pub tick: Tick,
}

const EVERY_MINUTE: &str = "0 * * * * *";
const DAILY_PULL_AT: &str = "0 0 3 * * *";

/// Every tick of the product; the poll and the reconcile only when turned on.
pub fn ticks(sync: &SyncSettings) -> Vec<Scheduled> {
    let fixed = |name, cron: &str, tick| Some(Scheduled { name, schedule: parse(cron)?, tick });
    [
        fixed("webhook-sweeper", EVERY_MINUTE, Tick::SweepWebhooks),
        fixed("housekeeping-cron", EVERY_MINUTE, Tick::Housekeeping),
        fixed("daily-order-pull", DAILY_PULL_AT, Tick::DailyPull),
        sync.poll_schedule().and_then(|c| fixed("prokip-poll-cron", &c, Tick::ProkipPoll)),
        sync.reconcile_schedule().and_then(|c| fixed("reconcile-cron", &c, Tick::Reconcile)),
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn parse(cron: &str) -> Option<cron::Schedule> {
    cron::Schedule::from_str(cron).ok()
}

impl Tick {
    /// Does what the tick of time `at` starts.
    pub async fn fire(self, state: &AppState, at: DateTime<Utc>) -> Result<(), BoxDynError> {
        match self {
            Tick::SweepWebhooks => process_webhook::sweep(state).await.map(|_| ())?,
            Tick::Housekeeping => state.queues.enqueue(Housekeeping { tick: at }).await?,
            Tick::ProkipPoll => triggers::poll_tick(state, at).await.map(|_| ())?,
            Tick::Reconcile => triggers::reconcile_tick(state, at).await?,
            Tick::DailyPull => pull::daily_tick(state, at).await.map(|_| ())?,
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tick_parses_and_the_sync_ticks_follow_the_settings() {
        let on = ticks(&SyncSettings::default());
        assert_eq!(on.len(), 5, "fixed and sync ticks all parse");
        let off = ticks(&SyncSettings { prokip_poll_seconds: 0, reconcile_minutes: 0 });
        let fired: Vec<Tick> = off.iter().map(|s| s.tick).collect();
        assert_eq!(fired, [Tick::SweepWebhooks, Tick::Housekeeping, Tick::DailyPull]);
    }
}
