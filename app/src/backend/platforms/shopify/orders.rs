//! Order back-fill: orders updated since a time, read through GraphQL in pages that stay within the
//! single-query cost limit (an order's further line items are read page by page on their own), and
//! the typed order built from that GraphQL JSON, which is kept as the store sent it.

use super::graphql::collect_pages;
use super::{
    FinancialStatus, LineItem, Order, Page, Refund, RefundLineItem, ShopifyClient, ShopifyError,
    catalog::{Connection, PageInfo},
    gid_number,
    types::{Customer, PriceSet, ShippingLine, ShopMoney, TaxLine},
};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Deserialize;
use serde_json::{Value, json};

/// The line item fields both order queries read.
macro_rules! line_fields {
    () => {
        "id sku quantity originalUnitPriceSet { shopMoney { amount } } taxLines(first: 5) { priceSet { shopMoney { amount } } }"
    };
}

/// Orders with their first line items, shipping and refunds. Its requested cost at
/// [`ORDERS_PER_PAGE`] stays under Shopify's single-query limit of 1,000 points.
const ORDERS: &str = concat!(
    "query Orders($first: Int!, $after: String, $query: String) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    nodes {
      id legacyResourceId name email createdAt updatedAt cancelledAt displayFinancialStatus currencyCode taxesIncluded
      customer { firstName lastName }
      totalDiscountsSet { shopMoney { amount } }
      totalShippingPriceSet { shopMoney { amount } }
      shippingLines(first: 2) { nodes { originalPriceSet { shopMoney { amount } } taxLines { priceSet { shopMoney { amount } } } } }
      lineItems(first: 10) { nodes { ",
    line_fields!(),
    " } pageInfo { hasNextPage endCursor } }
      refunds(first: 3) { id createdAt refundLineItems(first: 10) { nodes { lineItem { id } quantity restockType } } }
    }
    pageInfo { hasNextPage endCursor } } }"
);

/// One order's further line items, after those [`ORDERS`] returned.
const ORDER_LINES: &str = concat!(
    "query OrderLines($id: ID!, $after: String) {
  order(id: $id) { lineItems(first: 50, after: $after) { nodes { ",
    line_fields!(),
    " } pageInfo { hasNextPage endCursor } } } }"
);

/// Orders per page of [`ORDERS`].
const ORDERS_PER_PAGE: u32 = 3;

/// An order as the GraphQL pull read it: typed, and the store's own JSON (all its line items).
#[derive(Debug, Clone)]
pub struct PulledOrder {
    pub order: Order,
    pub json: Value,
}

#[derive(Deserialize)]
struct IdOnly {
    id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MoneySet {
    shop_money: ShopMoney,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawTaxLine {
    price_set: MoneySet,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawLineItem {
    id: String,
    sku: Option<String>,
    quantity: i64,
    original_unit_price_set: MoneySet,
    #[serde(default)]
    tax_lines: Vec<RawTaxLine>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawShippingLine {
    original_price_set: MoneySet,
    #[serde(default)]
    tax_lines: Vec<RawTaxLine>,
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
    email: Option<String>,
    created_at: Option<DateTime<Utc>>,
    updated_at: DateTime<Utc>,
    cancelled_at: Option<DateTime<Utc>>,
    display_financial_status: Option<String>,
    currency_code: Option<String>,
    taxes_included: Option<bool>,
    total_discounts_set: Option<MoneySet>,
    total_shipping_price_set: Option<MoneySet>,
    shipping_lines: Option<Connection<RawShippingLine>>,
    line_items: Connection<RawLineItem>,
    #[serde(default)]
    refunds: Vec<RawRefund>,
    /// Absent for a guest checkout, or where the app may not read customers' names.
    #[serde(default)]
    customer: Option<RawCustomer>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawCustomer {
    first_name: Option<String>,
    last_name: Option<String>,
}

fn number(gid: &str) -> Result<i64, ShopifyError> {
    gid_number(gid).ok_or_else(|| ShopifyError::Malformed(format!("unexpected id {gid}")))
}

fn tax_lines(lines: Vec<RawTaxLine>) -> Vec<TaxLine> {
    lines.into_iter().map(|t| TaxLine { price: t.price_set.shop_money.amount }).collect()
}

fn refund(r: RawRefund) -> Result<Refund, ShopifyError> {
    let refund_line_items = r
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
        .collect::<Result<_, ShopifyError>>()?;
    Ok(Refund { id: number(&r.id)?, created_at: r.created_at, refund_line_items })
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
                    variant_id: None,
                    product_id: None,
                    sku: l.sku.filter(|s| !s.is_empty()),
                    quantity: l.quantity,
                    price: l.original_unit_price_set.shop_money.amount,
                    tax_lines: tax_lines(l.tax_lines),
                })
            })
            .collect::<Result<_, ShopifyError>>()?;
        let shipping_lines = o
            .shipping_lines
            .map(|c| c.nodes)
            .unwrap_or_default()
            .into_iter()
            .map(|s| ShippingLine { price: s.original_price_set.shop_money.amount, tax_lines: tax_lines(s.tax_lines) })
            .collect();
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
            email: o.email,
            taxes_included: o.taxes_included,
            total_discounts: o.total_discounts_set.map(|m| m.shop_money.amount),
            total_shipping_price_set: o.total_shipping_price_set.map(|m| PriceSet { shop_money: m.shop_money }),
            shipping_lines,
            line_items,
            refunds: o.refunds.into_iter().map(refund).collect::<Result<_, _>>()?,
            customer: o.customer.map(|c| Customer { first_name: c.first_name, last_name: c.last_name }),
        })
    }
}

impl Order {
    /// The typed order of one `orders` node as the GraphQL pull stores it.
    pub fn from_graphql(node: &Value) -> Result<Order, ShopifyError> {
        let raw: RawOrder =
            serde_json::from_value(node.clone()).map_err(|e| ShopifyError::Malformed(format!("order: {e}")))?;
        Order::try_from(raw)
    }
}

/// A line item page as JSON, and where the next starts.
#[derive(Deserialize)]
struct LinePage {
    nodes: Vec<Value>,
    #[serde(rename = "pageInfo")]
    page_info: Option<PageInfo>,
}

fn next_lines(node: &Value) -> Option<String> {
    let info = node.pointer("/lineItems/pageInfo")?;
    info["hasNextPage"].as_bool().filter(|more| *more)?;
    info["endCursor"].as_str().map(str::to_owned)
}

impl ShopifyClient {
    /// Reads the order's line items after those `node` holds, adding them to it.
    async fn complete_lines(&self, node: &mut Value) -> Result<(), ShopifyError> {
        #[derive(Deserialize)]
        struct Lines {
            #[serde(rename = "lineItems")]
            line_items: LinePage,
        }
        #[derive(Deserialize)]
        struct D {
            order: Option<Lines>,
        }
        let id = node["id"].clone();
        while let Some(after) = next_lines(node) {
            let d: D = self.graphql(ORDER_LINES, json!({ "id": id, "after": after })).await?;
            let page = d.order.ok_or_else(|| ShopifyError::Malformed(format!("order {id} vanished")))?.line_items;
            let (has_next, end) = page.page_info.map_or((false, None), |p| (p.has_next_page, p.end_cursor));
            if let Some(Value::Array(nodes)) = node.pointer_mut("/lineItems/nodes") {
                nodes.extend(page.nodes);
            }
            node["lineItems"]["pageInfo"] = json!({ "hasNextPage": has_next, "endCursor": end });
        }
        Ok(())
    }

    /// One page of orders updated at or after `since`, oldest update first, each with all its lines.
    pub async fn orders_updated_since(
        &self,
        since: DateTime<Utc>,
        after: Option<&str>,
    ) -> Result<Page<PulledOrder>, ShopifyError> {
        #[derive(Deserialize)]
        struct D {
            orders: Connection<Value>,
        }
        let query = format!("updated_at:>='{}'", since.to_rfc3339_opts(SecondsFormat::Secs, true));
        let vars = json!({ "first": ORDERS_PER_PAGE.min(self.page_size), "after": after, "query": query });
        let conn = self.graphql::<D>(ORDERS, vars).await?.orders;
        let next_cursor = conn.page_info.filter(|p| p.has_next_page).and_then(|p| p.end_cursor);
        let mut items = Vec::with_capacity(conn.nodes.len());
        for mut json in conn.nodes {
            self.complete_lines(&mut json).await?;
            items.push(PulledOrder { order: Order::from_graphql(&json)?, json });
        }
        Ok(Page { items, next_cursor })
    }

    /// Every order updated at or after `since`, typed and as the store sent it.
    pub async fn pull_orders_updated_since(&self, since: DateTime<Utc>) -> Result<Vec<PulledOrder>, ShopifyError> {
        collect_pages(|cursor| async move { self.orders_updated_since(since, cursor.as_deref()).await }).await
    }

    /// Every order updated at or after `since`.
    pub async fn all_orders_updated_since(&self, since: DateTime<Utc>) -> Result<Vec<Order>, ShopifyError> {
        Ok(self.pull_orders_updated_since(since).await?.into_iter().map(|p| p.order).collect())
    }
}
