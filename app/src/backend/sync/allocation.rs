//! How much of Prokip's stock one store is offered. What is available to sell anywhere is
//! `max(0, ⌊Prokip⌋ − committed − buffer)`; then the store's rules, in this order: 0 while fewer
//! than `zero_below` are available, else `percent` of it rounded down, at most `max`.

use super::mapping::whole_units;
use crate::backend::db::connections;
use rust_decimal::Decimal;

/// Safety buffer and allocation rules of one store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    pub buffer: i32,
    /// 0–100.
    pub percent: i16,
    pub max: Option<i32>,
    pub zero_below: i32,
}

impl Default for Rules {
    fn default() -> Self {
        Rules { buffer: 0, percent: 100, max: None, zero_below: 0 }
    }
}

/// A store's published quantity, and each step taken to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    /// `max(0, ⌊Prokip⌋ − committed − buffer)`.
    pub available: i64,
    /// Below `zero_below`: offered 0, whatever the other rules say.
    pub held_back: bool,
    /// After the percentage (when it is not 100).
    pub share: Option<i64>,
    /// The maximum, when it lowered the quantity.
    pub capped: Option<i64>,
    pub quantity: i64,
}

impl Rules {
    pub fn of(conn: &connections::Model) -> Rules {
        Rules {
            buffer: conn.safety_buffer,
            percent: conn.publish_percent,
            max: conn.publish_max,
            zero_below: conn.zero_below,
        }
    }

    /// What the store may show: never below zero, whole units only.
    pub fn publish(&self, prokip: Decimal, committed: i64) -> i64 {
        self.steps(prokip, committed).quantity
    }

    pub fn steps(&self, prokip: Decimal, committed: i64) -> Published {
        let available = whole_units(prokip).saturating_sub(committed).saturating_sub(i64::from(self.buffer)).max(0);
        let mut out = Published { available, held_back: false, share: None, capped: None, quantity: available };
        if available < i64::from(self.zero_below) {
            out.held_back = true;
            out.quantity = 0;
            return out;
        }
        if self.percent < 100 {
            // Whole units, rounded down: a share never offers a unit the store may not have.
            out.quantity = (i128::from(available) * i128::from(self.percent.clamp(0, 100)) / 100) as i64;
            out.share = Some(out.quantity);
        }
        if let Some(max) = self.max.map(i64::from)
            && out.quantity > max
        {
            out.quantity = max;
            out.capped = Some(max);
        }
        out
    }

    /// "max(0, 28 − 2 committed − 3 buffer) = 23 · 50 % = 11 · at most 10 = 10"; a fractional
    /// Prokip quantity shows as ⌊28.5⌋; the rules that leave the number as it is are not shown.
    pub fn formula(&self, prokip: Decimal, committed: i64) -> String {
        let p = self.steps(prokip, committed);
        let whole = whole_units(prokip);
        let q =
            if Decimal::from(whole) == prokip { whole.to_string() } else { format!("⌊{}⌋", prokip.normalize()) };
        let mut out = format!("max(0, {q} − {committed} committed − {} buffer) = {}", self.buffer, p.available);
        if p.held_back {
            out.push_str(&format!(" · fewer than {} available: 0", self.zero_below));
            return out;
        }
        if let Some(share) = p.share {
            out.push_str(&format!(" · {} % = {share}", self.percent));
        }
        if let Some(max) = p.capped {
            out.push_str(&format!(" · at most {max} = {max}"));
        }
        out
    }

    /// The rules beyond the buffer in words, `None` when there are none: "50 % · at most 10 · 0 below 3".
    pub fn summary(&self) -> Option<String> {
        let mut parts = Vec::new();
        if self.percent < 100 {
            parts.push(format!("{} %", self.percent));
        }
        if let Some(max) = self.max {
            parts.push(format!("at most {max}"));
        }
        if self.zero_below > 0 {
            parts.push(format!("0 below {}", self.zero_below));
        }
        (!parts.is_empty()).then(|| parts.join(" · "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(buffer: i32, percent: i16, max: Option<i32>, zero_below: i32) -> Rules {
        Rules { buffer, percent, max, zero_below }
    }

    #[test]
    fn without_rules_the_store_is_offered_what_is_available() {
        let r = Rules::default();
        assert_eq!(r.publish(Decimal::from(28), 2), 26);
        assert_eq!(r.publish(Decimal::new(285, 1), 0), 28);
        assert_eq!(r.publish(Decimal::from(1), 5), 0);
        assert_eq!(r.formula(Decimal::from(28), 2), "max(0, 28 − 2 committed − 0 buffer) = 26");
        assert_eq!(r.formula(Decimal::new(285, 1), 0), "max(0, ⌊28.5⌋ − 0 committed − 0 buffer) = 28");
        assert_eq!(r.summary(), None);
    }

    #[test]
    fn available_subtracts_committed_and_buffer_and_never_goes_negative() {
        let available =
            |prokip: Decimal, committed: i64, buffer: i32| rules(buffer, 100, None, 0).publish(prokip, committed);
        assert_eq!(available(Decimal::new(1050, 2), 2, 3), 5);
        assert_eq!(available(Decimal::from(4), 3, 2), 0);
        assert_eq!(available(Decimal::from(-2), 0, 0), 0);
        assert_eq!(available(Decimal::from(7), 0, 0), 7);
    }

    #[test]
    fn a_share_rounds_down_and_the_maximum_caps_it() {
        let r = rules(3, 50, Some(10), 0);
        assert_eq!(r.publish(Decimal::from(28), 2), 10);
        assert_eq!(
            r.formula(Decimal::from(28), 2),
            "max(0, 28 − 2 committed − 3 buffer) = 23 · 50 % = 11 · at most 10 = 10"
        );
        assert_eq!(r.publish(Decimal::from(10), 0), 3, "7 × 50 % = 3.5, rounded down");
        assert_eq!(r.formula(Decimal::from(10), 0), "max(0, 10 − 0 committed − 3 buffer) = 7 · 50 % = 3");
        assert_eq!(rules(0, 0, None, 0).publish(Decimal::from(99), 0), 0);
        assert_eq!(rules(0, 100, Some(0), 0).publish(Decimal::from(99), 0), 0);
        assert_eq!(r.summary().as_deref(), Some("50 % · at most 10"));
    }

    #[test]
    fn below_the_threshold_the_store_is_offered_nothing() {
        let r = rules(1, 50, None, 5);
        assert_eq!(r.publish(Decimal::from(5), 0), 0, "4 available, fewer than 5");
        assert_eq!(
            r.formula(Decimal::from(5), 0),
            "max(0, 5 − 0 committed − 1 buffer) = 4 · fewer than 5 available: 0"
        );
        assert_eq!(r.publish(Decimal::from(6), 0), 2, "5 available: not below 5, half of it");
        assert_eq!(r.summary().as_deref(), Some("50 % · 0 below 5"));
    }

    #[test]
    fn huge_quantities_do_not_overflow() {
        let huge = Decimal::from(i64::MAX);
        assert_eq!(rules(0, 50, None, 0).publish(huge, 0), i64::MAX / 2);
        assert_eq!(rules(5, 100, Some(7), 0).publish(huge, -3), 7);
    }
}
