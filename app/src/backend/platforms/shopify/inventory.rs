//! Available quantities: read per (item, location) and set absolutely with `inventorySetQuantities`
//! (compare-and-set via `changeFromQuantity`, `@idempotent` key, at most 250 items per call).

use super::{MAX_SET_ITEMS, ShopifyClient, ShopifyError};
use serde::Deserialize;
use serde_json::json;
use std::collections::HashMap;

const LEVELS: &str = r#"query Levels($ids: [ID!]!, $locationId: ID!) {
  nodes(ids: $ids) { ... on InventoryItem { id inventoryLevel(locationId: $locationId) { quantities(names: ["available"]) { name quantity } } } } }"#;
const SET_AVAILABLE: &str = "mutation SetAvailable($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) @idempotent(key: \"{KEY}\") {
    inventoryAdjustmentGroup { id changes { name delta quantityAfterChange item { id } location { id } } }
    userErrors { code field message } } }";
/// Ids per `nodes(ids:)` call.
const IDS_PER_QUERY: usize = 250;

/// One item of a set call. `change_from_quantity: Some(q)` applies only if Shopify still has `q`
/// (compare-and-set); `None` sends an explicit `null` (no check).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetItem {
    pub inventory_item_id: String,
    pub quantity: i64,
    pub change_from_quantity: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InventoryErrorCode {
    ChangeFromQuantityStale,
    IdempotencyKeyParameterMismatch,
    IdempotencyConcurrentRequest,
    IdempotencyPreviousAttemptFailed,
    InvalidInventoryItem,
    InvalidLocation,
    ItemNotStockedAtLocation,
    NonMutableInventoryItem,
    InvalidQuantityNegative,
    InvalidQuantityTooHigh,
    Other(String),
}

impl From<&str> for InventoryErrorCode {
    fn from(code: &str) -> Self {
        use InventoryErrorCode::*;
        match code {
            "CHANGE_FROM_QUANTITY_STALE" | "COMPARE_QUANTITY_STALE" => ChangeFromQuantityStale,
            "IDEMPOTENCY_KEY_PARAMETER_MISMATCH" => IdempotencyKeyParameterMismatch,
            "IDEMPOTENCY_CONCURRENT_REQUEST" => IdempotencyConcurrentRequest,
            "IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED" => IdempotencyPreviousAttemptFailed,
            "INVALID_INVENTORY_ITEM" => InvalidInventoryItem,
            "INVALID_LOCATION" => InvalidLocation,
            "ITEM_NOT_STOCKED_AT_LOCATION" => ItemNotStockedAtLocation,
            "NON_MUTABLE_INVENTORY_ITEM" => NonMutableInventoryItem,
            "INVALID_QUANTITY_NEGATIVE" => InvalidQuantityNegative,
            "INVALID_QUANTITY_TOO_HIGH" => InvalidQuantityTooHigh,
            other => Other(other.to_owned()),
        }
    }
}

/// A `userErrors[]` entry; `item` is the index into the items sent when the field path names one
/// (`["input", "quantities", "3", "changeFromQuantity"]` → 3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryUserError {
    pub code: InventoryErrorCode,
    pub item: Option<usize>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuantityChange {
    pub inventory_item_id: String,
    pub delta: i64,
    pub quantity_after: Option<i64>,
}

/// What a set call did. Shopify applies a call as a whole: with any user error nothing changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetOutcome {
    pub adjustment_group_id: Option<String>,
    pub changes: Vec<QuantityChange>,
    pub errors: Vec<InventoryUserError>,
}

impl SetOutcome {
    pub fn applied(&self) -> bool {
        self.errors.is_empty() && self.adjustment_group_id.is_some()
    }
}

#[derive(Deserialize)]
struct RawUserError {
    code: Option<String>,
    field: Option<Vec<String>>,
    message: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawChange {
    name: String,
    delta: i64,
    quantity_after_change: Option<i64>,
    item: Option<IdOnly>,
}

#[derive(Deserialize)]
struct IdOnly {
    id: String,
}

impl ShopifyClient {
    /// Available quantity at `location_id` per inventory item; `None` when the item is not stocked
    /// there, absent when the id is unknown. More than the bulk threshold are read in one bulk
    /// operation (page by page if it fails).
    pub async fn inventory_levels(
        &self,
        item_ids: &[&str],
        location_id: &str,
    ) -> Result<HashMap<String, Option<i64>>, ShopifyError> {
        #[derive(Deserialize)]
        struct Qty {
            name: String,
            quantity: i64,
        }
        #[derive(Deserialize)]
        struct Level {
            quantities: Vec<Qty>,
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Item {
            id: Option<String>,
            inventory_level: Option<Level>,
        }
        #[derive(Deserialize)]
        struct D {
            nodes: Vec<Option<Item>>,
        }
        if item_ids.len() > self.bulk_above {
            match self.all_levels_bulk(location_id).await {
                Ok(mut all) => {
                    let wanted: std::collections::HashSet<&str> = item_ids.iter().copied().collect();
                    all.retain(|id, _| wanted.contains(id.as_str()));
                    return Ok(all);
                }
                Err(e) => tracing::warn!(error = %e, "bulk read of inventory levels failed; reading them page by page"),
            }
        }
        let mut out = HashMap::new();
        for chunk in item_ids.chunks(IDS_PER_QUERY) {
            let d: D = self.graphql(LEVELS, json!({ "ids": chunk, "locationId": location_id })).await?;
            for item in d.nodes.into_iter().flatten() {
                let Some(id) = item.id else { continue };
                let available = item
                    .inventory_level
                    .and_then(|l| l.quantities.into_iter().find(|q| q.name == "available"))
                    .map(|q| q.quantity);
                out.insert(id, available);
            }
        }
        Ok(out)
    }

    /// Sets `available` absolutely for up to 250 items at one location. `idempotency_key` (letters,
    /// digits, `-`, `_`) makes a retry of the same call return the first result instead of applying twice.
    pub async fn set_available(
        &self,
        location_id: &str,
        items: &[SetItem],
        idempotency_key: &str,
        reference_document_uri: &str,
    ) -> Result<SetOutcome, ShopifyError> {
        if items.len() > MAX_SET_ITEMS {
            return Err(ShopifyError::TooManyItems(items.len()));
        }
        let key_ok = !idempotency_key.is_empty()
            && idempotency_key.len() <= 255
            && idempotency_key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !key_ok {
            return Err(ShopifyError::InvalidInput(format!("idempotency key {idempotency_key:?}")));
        }
        let quantities: Vec<_> = items
            .iter()
            .map(|i| json!({ "inventoryItemId": i.inventory_item_id, "locationId": location_id, "quantity": i.quantity, "changeFromQuantity": i.change_from_quantity }))
            .collect();
        let input = json!({ "name": "available", "reason": "correction", "referenceDocumentUri": reference_document_uri, "quantities": quantities });
        #[derive(Deserialize)]
        struct Group {
            id: String,
            changes: Vec<RawChange>,
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Payload {
            inventory_adjustment_group: Option<Group>,
            user_errors: Vec<RawUserError>,
        }
        #[derive(Deserialize)]
        struct D {
            #[serde(rename = "inventorySetQuantities")]
            payload: Payload,
        }
        let query = SET_AVAILABLE.replace("{KEY}", idempotency_key);
        let p = self.graphql::<D>(&query, json!({ "input": input })).await?.payload;
        let errors: Vec<_> = p.user_errors.into_iter().map(to_inventory_error).collect();
        for e in &errors {
            tracing::warn!(code = ?e.code, item = ?e.item, message = %e.message, "Shopify refused an inventory set");
        }
        let (adjustment_group_id, changes) = match p.inventory_adjustment_group {
            Some(g) => (
                Some(g.id),
                g.changes
                    .into_iter()
                    .filter(|c| c.name == "available")
                    .map(|c| QuantityChange {
                        inventory_item_id: c.item.map(|i| i.id).unwrap_or_default(),
                        delta: c.delta,
                        quantity_after: c.quantity_after_change,
                    })
                    .collect(),
            ),
            None => (None, Vec::new()),
        };
        Ok(SetOutcome { adjustment_group_id, changes, errors })
    }
}

fn to_inventory_error(e: RawUserError) -> InventoryUserError {
    let field = e.field.unwrap_or_default();
    let item = match field.as_slice() {
        [input, quantities, index, ..] if input == "input" && quantities == "quantities" => index.parse().ok(),
        _ => None,
    };
    InventoryUserError { code: e.code.as_deref().unwrap_or("").into(), item, message: e.message }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_path_names_the_item() {
        let e = to_inventory_error(RawUserError {
            code: Some("CHANGE_FROM_QUANTITY_STALE".into()),
            field: Some(vec!["input".into(), "quantities".into(), "3".into(), "changeFromQuantity".into()]),
            message: "stale".into(),
        });
        assert_eq!((e.code, e.item), (InventoryErrorCode::ChangeFromQuantityStale, Some(3)));
        let e = to_inventory_error(RawUserError { code: Some("NEW_CODE".into()), field: None, message: "x".into() });
        assert_eq!((e.code, e.item), (InventoryErrorCode::Other("NEW_CODE".into()), None));
    }
}
