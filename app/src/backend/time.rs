//! The account's time zone and the one way the dashboard writes a time: every page's view
//! builder formats its times with [`Zone::show`].

use crate::backend::db::accounts;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use sea_orm::{ConnectionTrait, DbErr};

/// An IANA time zone, checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Zone(Tz);

/// One day in an account's zone, as the instants it spans.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Day {
    pub date: NaiveDate,
    pub starts: DateTime<Utc>,
    pub ends: DateTime<Utc>,
}

/// How much of a time a page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// "2026-12-03 21:46 EAT"
    DateTime,
    /// "2026-12-03 21:46:05 EAT"
    DateTimeSeconds,
    /// "21:46 EAT"
    Time,
    /// "21:46:05 EAT"
    TimeSeconds,
}

impl Default for Zone {
    fn default() -> Self {
        Zone(Tz::UTC)
    }
}

impl Zone {
    /// The zone named `name` ("Africa/Nairobi"), or `None` when there is no such IANA zone.
    pub fn parse(name: &str) -> Option<Zone> {
        name.trim().parse::<Tz>().ok().map(Zone)
    }

    /// The account's zone (UTC for a name no longer known).
    pub async fn of_account<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<Zone, DbErr> {
        Ok(accounts::time_zone(db, account_id).await?.as_deref().and_then(Zone::parse).unwrap_or_default())
    }

    pub fn name(&self) -> &'static str {
        self.0.name()
    }

    /// Every zone a merchant can choose, by name.
    pub fn all_names() -> Vec<String> {
        chrono_tz::TZ_VARIANTS.iter().map(|z| z.name().to_owned()).collect()
    }

    /// `t` as the dashboard shows it, in this zone with its abbreviation.
    pub fn show(&self, t: DateTime<Utc>, shown: Shown) -> String {
        let pattern = match shown {
            Shown::DateTime => "%Y-%m-%d %H:%M %Z",
            Shown::DateTimeSeconds => "%Y-%m-%d %H:%M:%S %Z",
            Shown::Time => "%H:%M %Z",
            Shown::TimeSeconds => "%H:%M:%S %Z",
        };
        t.with_timezone(&self.0).format(pattern).to_string()
    }

    /// The date in this zone at `t`.
    pub fn day_of(&self, t: DateTime<Utc>) -> NaiveDate {
        t.with_timezone(&self.0).date_naive()
    }

    /// The last `n` days in this zone up to the one holding `now`, oldest first: each with the
    /// instant it starts and the instant the next one does (23 or 25 hours apart across a DST change).
    pub fn last_days(&self, now: DateTime<Utc>, n: u32) -> Vec<Day> {
        let today = self.day_of(now);
        (0..i64::from(n))
            .rev()
            .map(|back| {
                let date = today - chrono::Duration::days(back);
                Day { date, starts: self.start_of(date), ends: self.start_of(date + chrono::Duration::days(1)) }
            })
            .collect()
    }

    /// The instant `day` starts in this zone (its first valid local time on a day a DST change
    /// skips midnight).
    pub fn start_of(&self, day: NaiveDate) -> DateTime<Utc> {
        let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
        (0..=3)
            .find_map(|h| self.0.from_local_datetime(&(midnight + chrono::Duration::hours(h))).earliest())
            .map_or_else(|| Utc.from_utc_datetime(&midnight), |t| t.with_timezone(&Utc))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_is_shown_in_the_zone_with_its_abbreviation() {
        let t = Utc.with_ymd_and_hms(2026, 12, 3, 18, 46, 5).unwrap();
        let nairobi = Zone::parse("Africa/Nairobi").unwrap();
        assert_eq!(nairobi.show(t, Shown::DateTime), "2026-12-03 21:46 EAT");
        assert_eq!(Zone::default().show(t, Shown::TimeSeconds), "18:46:05 UTC");
        assert!(Zone::parse("Mars/Olympus").is_none());
    }

    #[test]
    fn a_day_starts_at_local_midnight() {
        let nairobi = Zone::parse("Africa/Nairobi").unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        assert_eq!(nairobi.start_of(day), Utc.with_ymd_and_hms(2026, 12, 2, 21, 0, 0).unwrap());
    }

    #[test]
    fn the_last_days_follow_the_zone_across_a_dst_change() {
        // 23:30 UTC on 29 March 2026 is already 30 March in Berlin, whose 29 March lost an hour.
        let berlin = Zone::parse("Europe/Berlin").unwrap();
        let now = Utc.with_ymd_and_hms(2026, 3, 29, 23, 30, 0).unwrap();
        let days = berlin.last_days(now, 3);
        let dates: Vec<String> = days.iter().map(|d| d.date.to_string()).collect();
        assert_eq!(dates, ["2026-03-28", "2026-03-29", "2026-03-30"]);
        assert_eq!(days[1].starts, Utc.with_ymd_and_hms(2026, 3, 28, 23, 0, 0).unwrap());
        assert_eq!(days[1].ends - days[1].starts, chrono::Duration::hours(23));
        assert_eq!(days[1].ends, days[2].starts);
        assert!(days[2].starts <= now && now < days[2].ends);
    }
}
