//! Where each store's stock comes from and where its orders are sold. A store draws on one or
//! more Prokip locations of the business (their quantities summed) and sells at one of them;
//! by default both are the account's location. Committed stock is held at the location an order
//! is sold at, so it lowers every store drawing on that location, whichever store holds it.

use crate::backend::db::connections;
use rust_decimal::Decimal;
use std::collections::HashMap;

/// A store's source locations (never empty) and its sell location (one of them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sources {
    pub from: Vec<i64>,
    pub sell_at: i64,
}

impl Sources {
    /// `account_location`: the account's Prokip location, the default of both.
    pub fn of(conn: &connections::Model, account_location: i64) -> Sources {
        let from =
            if conn.source_locations.is_empty() { vec![account_location] } else { conn.source_locations.clone() };
        let sell_at = conn.sell_location.filter(|l| from.contains(l)).unwrap_or(from[0]);
        Sources { from, sell_at }
    }

    /// Whether the store draws on the account's location alone (what every store did before
    /// sources could be chosen).
    pub fn is_default(&self, account_location: i64) -> bool {
        self.from == [account_location]
    }
}

/// One place a store's stock is written: the store's own location (`location: None`; for a
/// Shopify shop its chosen location) or another Shopify location some of its sources feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub location: Option<String>,
    pub sources: Sources,
}

impl Target {
    /// The store's targets, its own location first: the sources that feed no other Shopify
    /// location feed the store's own. Should no source be left for it (the sources changed since
    /// the feeds were set), the feeds are not used: the shop's own location is never left stale.
    pub fn all(conn: &connections::Model, account_location: i64) -> Vec<Target> {
        let sources = Sources::of(conn, account_location);
        let feeds = conn.feeds();
        let elsewhere = |l: &i64| feeds.get(l).filter(|to| conn.location_id.as_deref() != Some(to.as_str())).cloned();
        let own: Vec<i64> = sources.from.iter().copied().filter(|l| elsewhere(l).is_none()).collect();
        if own.is_empty() || own.len() == sources.from.len() {
            return vec![Target { location: None, sources }];
        }
        let mut out = vec![Target { location: None, sources: Sources { from: own, sell_at: sources.sell_at } }];
        for l in &sources.from {
            let Some(to) = elsewhere(l) else { continue };
            match out.iter_mut().find(|t| t.location.as_deref() == Some(to.as_str())) {
                Some(t) => t.sources.from.push(*l),
                None => out
                    .push(Target { location: Some(to), sources: Sources { from: vec![*l], sell_at: sources.sell_at } }),
            }
        }
        out
    }
}

/// What was read of some SKUs: Prokip's quantity per location, and committed quantities per the
/// location their orders are sold at.
#[derive(Debug, Clone, Default)]
pub struct Holdings {
    pub prokip: HashMap<i64, HashMap<String, Decimal>>,
    pub committed: HashMap<i64, HashMap<String, i64>>,
}

impl Holdings {
    /// Each source's quantity of `sku`, in the store's order (absent where the location has no
    /// such SKU read); empty when no source has it.
    pub fn parts(&self, sources: &Sources, sku: &str) -> Vec<(i64, Decimal)> {
        sources.from.iter().filter_map(|l| self.prokip.get(l)?.get(sku).map(|q| (*l, *q))).collect()
    }

    /// (Σ Prokip over the store's sources, Σ committed at them) of `sku`; `None` when no source
    /// has the SKU.
    pub fn for_store(&self, sources: &Sources, sku: &str) -> Option<(Decimal, i64)> {
        let parts = self.parts(sources, sku);
        if parts.is_empty() {
            return None;
        }
        let committed =
            sources.from.iter().filter_map(|l| self.committed.get(l)?.get(sku)).fold(0i64, |a, q| a.saturating_add(*q));
        Some((parts.iter().map(|(_, q)| *q).sum(), committed))
    }

    /// Every location any of `stores` draws on, each once, in first-seen order.
    pub fn locations<'a>(stores: impl IntoIterator<Item = &'a Sources>) -> Vec<i64> {
        let mut out = Vec::new();
        for l in stores.into_iter().flat_map(|s| &s.from) {
            if !out.contains(l) {
                out.push(*l);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn holdings() -> Holdings {
        let mut h = Holdings::default();
        h.prokip.insert(1, HashMap::from([("A".to_owned(), Decimal::from(30)), ("B".to_owned(), Decimal::from(2))]));
        h.prokip.insert(2, HashMap::from([("A".to_owned(), Decimal::new(115, 1))]));
        h.committed.insert(1, HashMap::from([("A".to_owned(), 3)]));
        h.committed.insert(2, HashMap::from([("A".to_owned(), 1)]));
        h
    }

    #[test]
    fn a_store_is_offered_the_sum_of_its_sources_less_what_is_committed_there() {
        let h = holdings();
        let shop = Sources { from: vec![1], sell_at: 1 };
        let both = Sources { from: vec![1, 2], sell_at: 2 };
        let warehouse = Sources { from: vec![2], sell_at: 2 };
        assert_eq!(h.for_store(&shop, "A"), Some((Decimal::from(30), 3)));
        assert_eq!(h.for_store(&both, "A"), Some((Decimal::new(415, 1), 4)));
        assert_eq!(h.for_store(&warehouse, "A"), Some((Decimal::new(115, 1), 1)));
        assert_eq!(h.parts(&both, "B"), vec![(1, Decimal::from(2))], "B has no row at location 2");
        assert_eq!(h.for_store(&warehouse, "B"), None);
        assert_eq!(Holdings::locations([&warehouse, &both, &shop]), vec![2, 1]);
    }
}
