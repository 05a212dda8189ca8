//! The running or last full stock sync of an account, as the dashboard shows it.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncRunView {
    /// When it started, "HH:MM UTC".
    pub started: String,
    pub running: bool,
    /// Store items (SKU × store) to check, checked so far, and failed.
    pub total: i32,
    pub done: i32,
    pub failed: i32,
}

impl SyncRunView {
    /// "Syncing: 120 / 530" or "Last full sync 08:40 UTC: 530 items, 2 failed".
    pub fn line(&self) -> String {
        let failed = if self.failed > 0 { format!(", {} failed", self.failed) } else { String::new() };
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
        let mut run = SyncRunView { started: "08:40 UTC".into(), running: true, total: 530, done: 120, failed: 0 };
        assert_eq!(run.line(), "Syncing: 120 / 530");
        run.running = false;
        run.done = 530;
        run.failed = 2;
        assert_eq!(run.line(), "Last full sync 08:40 UTC: 530 items (SKU × store), 2 failed");
        run.failed = 0;
        assert_eq!(run.line(), "Last full sync 08:40 UTC: 530 items (SKU × store), none failed");
    }
}
