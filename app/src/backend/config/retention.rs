//! How long personal data is kept: webhook payloads (customer names, addresses, emails) are
//! redacted `PAYLOAD_RETENTION_DAYS` (default 30) after their event was processed, and activity
//! entries are deleted after `ACTIVITY_RETENTION_DAYS` (default 365), SKU history rows after
//! `HISTORY_RETENTION_DAYS` (default 90). The housekeeping job applies them.

use super::{ConfigError, err};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Days a processed webhook event keeps its payload.
    pub payload_days: u32,
    /// Days an activity entry is kept.
    pub activity_days: u32,
    /// Days a SKU history row is kept.
    pub history_days: u32,
}

impl Default for Retention {
    fn default() -> Self {
        Retention { payload_days: 30, activity_days: 365, history_days: 90 }
    }
}

impl Retention {
    pub(super) fn from_lookup(get: &impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let days = |var: &'static str, default: u32| -> Result<u32, ConfigError> {
            let Some(v) = get(var) else { return Ok(default) };
            match v.trim().parse::<u32>() {
                Ok(d) if (1..=36_500).contains(&d) => Ok(d),
                _ => Err(err(var, format!("`{v}` is not a whole number of days from 1 to 36500"))),
            }
        };
        Ok(Retention {
            payload_days: days("PAYLOAD_RETENTION_DAYS", 30)?,
            activity_days: days("ACTIVITY_RETENTION_DAYS", 365)?,
            history_days: days("HISTORY_RETENTION_DAYS", 90)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(vars: &[(&str, &str)]) -> Result<Retention, ConfigError> {
        Retention::from_lookup(&|k: &str| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string()))
    }

    #[test]
    fn defaults_and_bad_values() {
        assert_eq!(read(&[]).unwrap(), Retention { payload_days: 30, activity_days: 365, history_days: 90 });
        assert_eq!(read(&[("PAYLOAD_RETENTION_DAYS", "7")]).unwrap().payload_days, 7);
        assert_eq!(read(&[("PAYLOAD_RETENTION_DAYS", "0")]).unwrap_err().var, "PAYLOAD_RETENTION_DAYS");
        assert_eq!(read(&[("ACTIVITY_RETENTION_DAYS", "a year")]).unwrap_err().var, "ACTIVITY_RETENTION_DAYS");
        assert_eq!(read(&[("HISTORY_RETENTION_DAYS", "14")]).unwrap().history_days, 14);
    }
}
