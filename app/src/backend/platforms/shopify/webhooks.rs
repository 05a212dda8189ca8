//! Shop-specific webhook subscriptions (GraphQL `webhookSubscription*`) and the topics we use.

use super::graphql::collect_pages;
use super::{ShopifyClient, ShopifyError, UserError, WebhookSubscription, catalog::Connection};
use serde::Deserialize;
use serde_json::json;

const CREATE: &str = "mutation CreateWebhook($topic: WebhookSubscriptionTopic!, $uri: String!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: { uri: $uri, format: JSON }) {
    webhookSubscription { id topic uri } userErrors { field message } } }";
const LIST: &str = "query Webhooks($first: Int!, $after: String) {
  webhookSubscriptions(first: $first, after: $after) { nodes { id topic uri } pageInfo { hasNextPage endCursor } } }";
const DELETE: &str = "mutation DeleteWebhook($id: ID!) {
  webhookSubscriptionDelete(id: $id) { deletedWebhookSubscriptionId userErrors { field message } } }";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WebhookTopic {
    OrdersCreate,
    OrdersUpdated,
    OrdersPaid,
    OrdersCancelled,
    RefundsCreate,
    ProductsUpdate,
    InventoryLevelsUpdate,
    AppUninstalled,
}

impl WebhookTopic {
    pub const ALL: [WebhookTopic; 8] = [
        WebhookTopic::OrdersCreate,
        WebhookTopic::OrdersUpdated,
        WebhookTopic::OrdersPaid,
        WebhookTopic::OrdersCancelled,
        WebhookTopic::RefundsCreate,
        WebhookTopic::ProductsUpdate,
        WebhookTopic::InventoryLevelsUpdate,
        WebhookTopic::AppUninstalled,
    ];

    /// The spelling of `X-Shopify-Topic`, e.g. `orders/create`.
    pub fn as_rest(self) -> &'static str {
        match self {
            WebhookTopic::OrdersCreate => "orders/create",
            WebhookTopic::OrdersUpdated => "orders/updated",
            WebhookTopic::OrdersPaid => "orders/paid",
            WebhookTopic::OrdersCancelled => "orders/cancelled",
            WebhookTopic::RefundsCreate => "refunds/create",
            WebhookTopic::ProductsUpdate => "products/update",
            WebhookTopic::InventoryLevelsUpdate => "inventory_levels/update",
            WebhookTopic::AppUninstalled => "app/uninstalled",
        }
    }

    /// The GraphQL enum value, e.g. `ORDERS_CREATE`.
    pub fn as_graphql(self) -> String {
        self.as_rest().replace('/', "_").to_ascii_uppercase()
    }

    /// From either spelling (header names are matched case-insensitively).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_rest().eq_ignore_ascii_case(s) || t.as_graphql().eq_ignore_ascii_case(s))
    }
}

#[derive(Deserialize)]
struct RawSubscription {
    id: String,
    topic: String,
    uri: String,
}

impl From<RawSubscription> for WebhookSubscription {
    fn from(s: RawSubscription) -> Self {
        let topic = WebhookTopic::parse(&s.topic).map(|t| t.as_rest().to_owned()).unwrap_or(s.topic);
        WebhookSubscription { id: s.id, topic, uri: s.uri }
    }
}

impl ShopifyClient {
    pub async fn create_webhook(&self, topic: WebhookTopic, uri: &str) -> Result<WebhookSubscription, ShopifyError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Payload {
            webhook_subscription: Option<RawSubscription>,
            user_errors: Vec<UserError>,
        }
        #[derive(Deserialize)]
        struct D {
            #[serde(rename = "webhookSubscriptionCreate")]
            payload: Payload,
        }
        let p = self.graphql::<D>(CREATE, json!({ "topic": topic.as_graphql(), "uri": uri })).await?.payload;
        if !p.user_errors.is_empty() {
            return Err(ShopifyError::UserErrors(p.user_errors));
        }
        p.webhook_subscription.map(Into::into).ok_or_else(|| ShopifyError::Malformed("no subscription returned".into()))
    }

    /// Every shop-specific subscription of this app.
    pub async fn list_webhooks(&self) -> Result<Vec<WebhookSubscription>, ShopifyError> {
        #[derive(Deserialize)]
        struct D {
            #[serde(rename = "webhookSubscriptions")]
            subs: Connection<RawSubscription>,
        }
        collect_pages(|after| async move {
            let vars = json!({ "first": self.page_size, "after": after });
            Ok(self.graphql::<D>(LIST, vars).await?.subs.into_page(WebhookSubscription::from))
        })
        .await
    }

    pub async fn delete_webhook(&self, id: &str) -> Result<(), ShopifyError> {
        #[derive(Deserialize)]
        struct Payload {
            #[serde(rename = "userErrors")]
            user_errors: Vec<UserError>,
        }
        #[derive(Deserialize)]
        struct D {
            #[serde(rename = "webhookSubscriptionDelete")]
            payload: Payload,
        }
        let p = self.graphql::<D>(DELETE, json!({ "id": id })).await?.payload;
        if p.user_errors.is_empty() { Ok(()) } else { Err(ShopifyError::UserErrors(p.user_errors)) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_have_two_spellings() {
        assert_eq!(WebhookTopic::InventoryLevelsUpdate.as_graphql(), "INVENTORY_LEVELS_UPDATE");
        assert_eq!(WebhookTopic::parse("ORDERS_PAID"), Some(WebhookTopic::OrdersPaid));
        assert_eq!(WebhookTopic::parse("Refunds/Create"), Some(WebhookTopic::RefundsCreate));
        assert_eq!(WebhookTopic::parse("carts/create"), None);
    }
}
