//! Sync schedule: how often Prokip is polled for sales (`PROKIP_POLL_SECONDS`, default 60) and how
//! often stores are read back and reconciled (`RECONCILE_MINUTES`, default 5). `0` turns either
//! off. Intervals must divide a minute (seconds) or an hour (minutes), so every process ticks at
//! the same wall-clock moments and one claimed tick covers them all.

use super::{ConfigError, err};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncSettings {
    /// Seconds between Prokip polls; 0 = off.
    pub prokip_poll_seconds: u32,
    /// Minutes between reconciles; 0 = off.
    pub reconcile_minutes: u32,
}

impl Default for SyncSettings {
    fn default() -> Self {
        SyncSettings { prokip_poll_seconds: 60, reconcile_minutes: 5 }
    }
}

impl SyncSettings {
    pub(super) fn from_lookup(get: &impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let number = |var: &'static str, default: u32| -> Result<u32, ConfigError> {
            get(var)
                .map_or(Ok(default), |v| v.trim().parse().map_err(|_| err(var, format!("`{v}` is not a whole number"))))
        };
        let poll = number("PROKIP_POLL_SECONDS", 60)?;
        if poll != 0 && poll_cron(poll).is_none() {
            return Err(err(
                "PROKIP_POLL_SECONDS",
                "must divide 60 (e.g. 15, 30, 60), or be whole minutes dividing an hour (120, 300), or 0 for off",
            ));
        }
        let reconcile = number("RECONCILE_MINUTES", 5)?;
        if reconcile != 0 && reconcile_cron(reconcile).is_none() {
            return Err(err("RECONCILE_MINUTES", "must divide 60 (e.g. 1, 5, 15, 60), or 0 for off"));
        }
        Ok(SyncSettings { prokip_poll_seconds: poll, reconcile_minutes: reconcile })
    }

    /// The poll's cron expression (with seconds), `None` when off.
    pub fn poll_schedule(&self) -> Option<String> {
        poll_cron(self.prokip_poll_seconds)
    }

    /// The reconcile's cron expression (with seconds), `None` when off.
    pub fn reconcile_schedule(&self) -> Option<String> {
        reconcile_cron(self.reconcile_minutes)
    }
}

fn poll_cron(seconds: u32) -> Option<String> {
    match seconds {
        0 => None,
        60 => Some("0 * * * * *".into()),
        s if s < 60 && 60 % s == 0 => Some(format!("*/{s} * * * * *")),
        s if s % 60 == 0 => reconcile_cron(s / 60),
        _ => None,
    }
}

fn reconcile_cron(minutes: u32) -> Option<String> {
    match minutes {
        0 => None,
        60 => Some("0 0 * * * *".into()),
        m if m < 60 && 60 % m == 0 => Some(format!("0 */{m} * * * *")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(vars: &[(&str, &str)]) -> Result<SyncSettings, ConfigError> {
        SyncSettings::from_lookup(&|k: &str| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string()))
    }

    #[test]
    fn defaults_and_schedules() {
        let s = with(&[]).unwrap();
        assert_eq!(s, SyncSettings::default());
        assert_eq!(s.poll_schedule().as_deref(), Some("0 * * * * *"));
        assert_eq!(s.reconcile_schedule().as_deref(), Some("0 */5 * * * *"));
        assert_eq!(with(&[("PROKIP_POLL_SECONDS", "15")]).unwrap().poll_schedule().as_deref(), Some("*/15 * * * * *"));
        assert_eq!(with(&[("PROKIP_POLL_SECONDS", "300")]).unwrap().poll_schedule().as_deref(), Some("0 */5 * * * *"));
        assert_eq!(with(&[("RECONCILE_MINUTES", "0")]).unwrap().reconcile_schedule(), None);
    }

    #[test]
    fn bad_values_name_the_variable() {
        assert_eq!(with(&[("PROKIP_POLL_SECONDS", "7")]).unwrap_err().var, "PROKIP_POLL_SECONDS");
        assert_eq!(with(&[("PROKIP_POLL_SECONDS", "soon")]).unwrap_err().var, "PROKIP_POLL_SECONDS");
        assert_eq!(with(&[("RECONCILE_MINUTES", "7")]).unwrap_err().var, "RECONCILE_MINUTES");
    }
}
