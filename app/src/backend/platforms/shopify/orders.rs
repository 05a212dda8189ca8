//! Order back-fill: orders updated since a time, read through GraphQL and mapped to the REST shape
//! that `orders/*` webhooks carry.

use super::graphql::collect_pages;
use super::{
    FinancialStatus, LineItem, Order, Page, Refund, RefundLineItem, ShopifyClient, ShopifyError, catalog::Connection,
    gid_number,
};
use chrono::{DateTime, SecondsFormat, Utc};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::json;

const ORDERS: &str = "query Orders($first: Int!, $after: String, $query: String) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    nodes {
      id legacyResourceId name createdAt updatedAt cancelledAt displayFinancialStatus currencyCode
      lineItems(first: 100) { nodes { id sku quantity originalUnitPriceSet { shopMoney { amount } } variant { id } product { id } } }
      refunds { id createdAt refundLineItems(first: 100) { nodes { lineItem { id } quantity restockType } } }
    }
    pageInfo { hasNextPage endCursor } } }";
/// Orders per page (each carries up to 100 line items, which weighs on the query cost).
const ORDERS_PER_PAGE: u32 = 50;

#[derive(Deserialize)]
struct IdOnly {
    id: String,
}

#[derive(Deserialize)]
struct Money {
    amount: Decimal,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MoneySet {
    shop_money: Money,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawLineItem {
    id: String,
    sku: Option<String>,
    quantity: i64,
    original_unit_price_set: MoneySet,
    variant: Option<IdOnly>,
    product: Option<IdOnly>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawRefundLine {
    line_item: IdOnly,
    quantity: i64,
    restock_type: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawRefund {
    id: String,
    created_at: Option<DateTime<Utc>>,
    refund_line_items: Connection<RawRefundLine>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawOrder {
    id: String,
    legacy_resource_id: String,
    name: String,
    created_at: Option<DateTime<Utc>>,
    updated_at: DateTime<Utc>,
    cancelled_at: Option<DateTime<Utc>>,
    display_financial_status: Option<String>,
    currency_code: Option<String>,
    line_items: Connection<RawLineItem>,
    #[serde(default)]
    refunds: Vec<RawRefund>,
}

fn number(gid: &str) -> Result<i64, ShopifyError> {
    gid_number(gid).ok_or_else(|| ShopifyError::Malformed(format!("unexpected id {gid}")))
}

impl TryFrom<RawOrder> for Order {
    type Error = ShopifyError;
    fn try_from(o: RawOrder) -> Result<Self, ShopifyError> {
        let financial_status = o
            .display_financial_status
            .map(|s| serde_json::from_value(json!(s.to_ascii_lowercase())).unwrap_or(FinancialStatus::Unknown));
        let line_items = o
            .line_items
            .nodes
            .into_iter()
            .map(|l| {
                Ok(LineItem {
                    id: number(&l.id)?,
                    variant_id: l.variant.and_then(|v| gid_number(&v.id)),
                    product_id: l.product.and_then(|p| gid_number(&p.id)),
                    sku: l.sku.filter(|s| !s.is_empty()),
                    quantity: l.quantity,
                    price: l.original_unit_price_set.shop_money.amount,
                })
            })
            .collect::<Result<_, ShopifyError>>()?;
        let refunds = o
            .refunds
            .into_iter()
            .map(|r| {
                Ok(Refund {
                    id: number(&r.id)?,
                    created_at: r.created_at,
                    refund_line_items: r
                        .refund_line_items
                        .nodes
                        .into_iter()
                        .map(|rl| {
                            Ok(RefundLineItem {
                                line_item_id: number(&rl.line_item.id)?,
                                quantity: rl.quantity,
                                restock_type: rl.restock_type.map(|t| t.to_ascii_lowercase()),
                            })
                        })
                        .collect::<Result<_, ShopifyError>>()?,
                })
            })
            .collect::<Result<_, ShopifyError>>()?;
        Ok(Order {
            id: o
                .legacy_resource_id
                .parse()
                .map_err(|_| ShopifyError::Malformed(format!("order id {}", o.legacy_resource_id)))?,
            admin_graphql_api_id: o.id,
            name: o.name,
            financial_status,
            cancelled_at: o.cancelled_at,
            created_at: o.created_at,
            updated_at: o.updated_at,
            currency: o.currency_code,
            line_items,
            refunds,
        })
    }
}

impl ShopifyClient {
    /// One page of orders updated at or after `since`, oldest update first.
    pub async fn orders_updated_since(
        &self,
        since: DateTime<Utc>,
        after: Option<&str>,
    ) -> Result<Page<Order>, ShopifyError> {
        #[derive(Deserialize)]
        struct D {
            orders: Connection<RawOrder>,
        }
        let query = format!("updated_at:>='{}'", since.to_rfc3339_opts(SecondsFormat::Secs, true));
        let vars = json!({ "first": ORDERS_PER_PAGE.min(self.page_size), "after": after, "query": query });
        let conn = self.graphql::<D>(ORDERS, vars).await?.orders;
        let next_cursor = conn.page_info.filter(|p| p.has_next_page).and_then(|p| p.end_cursor);
        let items = conn.nodes.into_iter().map(Order::try_from).collect::<Result<_, _>>()?;
        Ok(Page { items, next_cursor })
    }

    /// Every order updated at or after `since`.
    pub async fn all_orders_updated_since(&self, since: DateTime<Utc>) -> Result<Vec<Order>, ShopifyError> {
        collect_pages(|cursor| async move { self.orders_updated_since(since, cursor.as_deref()).await }).await
    }
}
