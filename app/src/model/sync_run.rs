//! Long runs of an account as the dashboard shows them (a full stock sync, a catalog match), and
//! why stock is pushed.

use serde::{Deserialize, Serialize};

/// Why stock is pushed; recorded with the push (its run, its log line). The names are those the
/// job rows carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PushReason {
    /// An online order or refund moved Prokip's stock.
    Order,
    /// The Prokip poll saw sales made at the till.
    ProkipPoll,
    /// The scheduled full push that first reads every store back.
    Reconcile,
    /// "Sync now", `POST /sync` or a Retry.
    Manual,
    /// Products were just created in a store.
    CreatedInStore,
    /// The merchant linked a store SKU to a Prokip SKU.
    Linked,
}

impl PushReason {
    pub const ALL: [PushReason; 6] = [
        PushReason::Order,
        PushReason::ProkipPoll,
        PushReason::Reconcile,
        PushReason::Manual,
        PushReason::CreatedInStore,
        PushReason::Linked,
    ];

    pub fn from_key(key: &str) -> Option<PushReason> {
        PushReason::ALL.into_iter().find(|r| r.as_str() == key)
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            PushReason::Order => "order",
            PushReason::ProkipPoll => "prokip-poll",
            PushReason::Reconcile => "reconcile",
            PushReason::Manual => "manual",
            PushReason::CreatedInStore => "created-in-store",
            PushReason::Linked => "linked",
        }
    }
}

impl std::fmt::Display for PushReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a run does, and what its items are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RunKind {
    /// A full stock push; items are SKU × store.
    StockSync,
    /// Matching store catalogs with Prokip by SKU (after a connect); items are stores.
    CatalogMatch,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncRunView {
    pub kind: RunKind,
    /// When it started, "HH:MM UTC".
    pub started: String,
    pub running: bool,
    /// Store items (SKU × store) to check, checked so far, and failed.
    pub total: i32,
    pub done: i32,
    pub failed: i32,
}

impl SyncRunView {
    /// "Syncing: 120 / 530" or "Last full sync 08:40 UTC: 530 items, 2 failed"; for a catalog
    /// match "Matching catalogs by SKU: 1 / 2 stores" or "Catalogs matched 08:40 UTC: 2 stores".
    pub fn line(&self) -> String {
        let failed = if self.failed > 0 { format!(", {} failed", self.failed) } else { String::new() };
        if self.kind == RunKind::CatalogMatch {
            return if self.running {
                format!("Matching catalogs by SKU: {} / {} stores{failed}", self.done, self.total)
            } else {
                format!("Catalogs matched {}: {} stores{failed}", self.started, self.total)
            };
        }
        if self.running {
            format!("Syncing: {} / {}{failed}", self.done, self.total)
        } else {
            format!(
                "Last full sync {}: {} items (SKU × store){}",
                self.started,
                self.total,
                if failed.is_empty() { ", none failed".to_owned() } else { failed }
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_says_how_far_a_running_sync_is_and_how_the_last_one_went() {
        let mut run = SyncRunView {
            kind: RunKind::StockSync,
            started: "08:40 UTC".into(),
            running: true,
            total: 530,
            done: 120,
            failed: 0,
        };
        assert_eq!(run.line(), "Syncing: 120 / 530");
        run.running = false;
        run.done = 530;
        run.failed = 2;
        assert_eq!(run.line(), "Last full sync 08:40 UTC: 530 items (SKU × store), 2 failed");
        run.failed = 0;
        assert_eq!(run.line(), "Last full sync 08:40 UTC: 530 items (SKU × store), none failed");
    }

    #[test]
    fn a_catalog_match_counts_stores() {
        let mut run = SyncRunView {
            kind: RunKind::CatalogMatch,
            started: "08:40 UTC".into(),
            running: true,
            total: 2,
            done: 1,
            failed: 0,
        };
        assert_eq!(run.line(), "Matching catalogs by SKU: 1 / 2 stores");
        run.running = false;
        run.done = 2;
        run.failed = 1;
        assert_eq!(run.line(), "Catalogs matched 08:40 UTC: 2 stores, 1 failed");
    }

    #[test]
    fn push_reasons_keep_the_names_queued_jobs_carry() {
        for r in PushReason::ALL {
            assert_eq!(PushReason::from_key(r.as_str()), Some(r));
            assert_eq!(serde_json::to_value(r).unwrap(), serde_json::json!(r.as_str()));
        }
    }
}
