//! Writing available quantities to a Shopify location: `inventorySetQuantities` in calls of at most
//! 250 items, each compare-and-set from what we believe Shopify has (read first when we do not
//! know), with a fresh idempotency key per call. Shopify applies a call as a whole, so refused
//! items are taken out and the rest sent again; a stale item is re-read and retried once.

use crate::backend::platforms::shopify::{InventoryErrorCode, MAX_SET_ITEMS, SetItem, ShopifyClient, ShopifyError};
use crate::backend::stores::{Planned, Written};
use std::collections::HashSet;

/// An item ready to send: the plan and the quantity Shopify should still have.
struct Item {
    plan: Planned,
    from: i64,
}

pub(super) async fn write(
    client: &ShopifyClient,
    location: &str,
    planned: Vec<Planned>,
) -> Result<Written, ShopifyError> {
    let mut out = Written::default();
    let ready = with_current(client, location, planned, &mut out, |p| p.cached).await?;
    let stale = send(client, location, ready, &mut out).await?;
    if stale.is_empty() {
        return Ok(out);
    }
    // Someone changed these in Shopify since we last looked: read them again and retry once.
    let again = with_current(client, location, stale, &mut out, |_| None).await?;
    for item in send(client, location, again, &mut out).await? {
        let message = "Shopify's quantity changed again while we set it (CHANGE_FROM_QUANTITY_STALE twice); the next push retries it";
        out.failed.push((item.map.sku, message.to_owned()));
    }
    Ok(out)
}

/// Pairs each plan with the quantity Shopify has: `known(plan)` when we know it, else read.
/// Items already right are done; items Shopify cannot hold are failures.
async fn with_current(
    client: &ShopifyClient,
    location: &str,
    planned: Vec<Planned>,
    out: &mut Written,
    known: impl Fn(&Planned) -> Option<i64>,
) -> Result<Vec<Item>, ShopifyError> {
    let unknown: Vec<&str> = planned
        .iter()
        .filter(|p| known(p).is_none())
        .filter_map(|p| p.map.store_inventory_item_id.as_deref())
        .collect();
    let levels =
        if unknown.is_empty() { Default::default() } else { client.inventory_levels(&unknown, location).await? };
    let mut ready = Vec::new();
    for plan in planned {
        let sku = plan.map.sku.clone();
        let current = match (known(&plan), plan.map.store_inventory_item_id.as_deref()) {
            (Some(q), _) => Ok(q),
            (None, None) => Err("the SKU map has no Shopify inventory item for this SKU; re-index the catalog"),
            (None, Some(item)) => match levels.get(item) {
                Some(Some(q)) => Ok(*q),
                Some(None) => Err("the item is not stocked at the shop's location"),
                None => Err("Shopify no longer has this inventory item; re-index the catalog"),
            },
        };
        match current {
            Ok(q) if q == plan.target => out.done.push((sku, q)),
            Ok(from) => ready.push(Item { plan, from }),
            Err(message) => out.failed.push((sku, message.to_owned())),
        }
    }
    Ok(ready)
}

/// Sends `items` in calls of ≤ 250; returns the stale ones (not applied).
async fn send(
    client: &ShopifyClient,
    location: &str,
    items: Vec<Item>,
    out: &mut Written,
) -> Result<Vec<Planned>, ShopifyError> {
    let mut stale = Vec::new();
    let mut items = items.into_iter().peekable();
    while items.peek().is_some() {
        let mut pending: Vec<Item> = items.by_ref().take(MAX_SET_ITEMS).collect();
        while !pending.is_empty() {
            let set: Vec<SetItem> = pending
                .iter()
                .map(|i| SetItem {
                    inventory_item_id: i.plan.map.store_inventory_item_id.clone().unwrap_or_default(),
                    quantity: i.plan.target,
                    change_from_quantity: Some(i.from),
                })
                .collect();
            let key = uuid::Uuid::new_v4().to_string();
            let outcome =
                client.set_available(location, &set, &key, &format!("gid://prokip-sync/StockPush/{key}")).await?;
            if outcome.errors.is_empty() {
                out.done.extend(pending.drain(..).map(|i| (i.plan.map.sku, i.plan.target)));
                break;
            }
            if let Some(general) = outcome.errors.iter().find(|e| e.item.is_none_or(|i| i >= pending.len())) {
                let message = format!("Shopify refused the update: {}", general.message);
                out.failed.extend(pending.drain(..).map(|i| (i.plan.map.sku, message.clone())));
                break;
            }
            let mut refused = HashSet::new();
            for e in &outcome.errors {
                let Some(index) = e.item else { continue };
                if !refused.insert(index) {
                    continue;
                }
                let plan = &pending[index].plan;
                if e.code == InventoryErrorCode::ChangeFromQuantityStale {
                    stale.push(plan.clone());
                } else {
                    out.failed.push((plan.map.sku.clone(), format!("Shopify refused: {} ({:?})", e.message, e.code)));
                }
            }
            pending =
                pending.into_iter().enumerate().filter(|(i, _)| !refused.contains(i)).map(|(_, item)| item).collect();
        }
    }
    Ok(stale)
}
