//! The part of Shopify's Admin GraphQL schema the mock serves, with Shopify's own type, field and
//! argument names: what each field returns and which arguments it takes. `schema` checks, prices
//! and projects documents against it.

/// What a field returns.
#[derive(Clone, Copy)]
pub(super) enum Ty {
    Scalar,
    Object(&'static str),
    /// A connection of the node type: `nodes`, `edges { node cursor }`, `pageInfo`.
    Connection(&'static str),
    /// A plain list of objects (sized by `first` or `ids` when the field takes them).
    List(&'static str),
}

use Ty::{Connection as C, List as L, Object as O, Scalar as S};

const CONNECTION_ARGS: &[&str] = &["first", "after", "last", "before", "reverse"];
const SEARCH_ARGS: &[&str] = &["first", "after", "last", "before", "reverse", "query", "sortKey"];

/// (type, [(field, returns, arguments)]).
type TypeDef = (&'static str, &'static [(&'static str, Ty, &'static [&'static str])]);

const SCHEMA: &[TypeDef] = &[
    (
        "QueryRoot",
        &[
            ("shop", O("Shop"), &[]),
            (
                "locations",
                C("Location"),
                &[
                    "first",
                    "after",
                    "last",
                    "before",
                    "reverse",
                    "query",
                    "sortKey",
                    "includeInactive",
                    "includeLegacy",
                ],
            ),
            ("productVariants", C("ProductVariant"), SEARCH_ARGS),
            ("products", C("Product"), SEARCH_ARGS),
            ("inventoryItems", C("InventoryItem"), &["first", "after", "last", "before", "reverse", "query"]),
            ("nodes", L("Node"), &["ids"]),
            ("node", O("Node"), &["id"]),
            ("currentBulkOperation", O("BulkOperation"), &["type"]),
            (
                "orders",
                C("Order"),
                &["first", "after", "last", "before", "reverse", "query", "sortKey", "savedSearchId"],
            ),
            ("order", O("Order"), &["id"]),
            (
                "webhookSubscriptions",
                C("WebhookSubscription"),
                &["first", "after", "last", "before", "reverse", "sortKey", "topics", "format", "uri", "query"],
            ),
        ],
    ),
    (
        "Mutation",
        &[
            ("inventorySetQuantities", O("InventorySetQuantitiesPayload"), &["input"]),
            ("bulkOperationRunQuery", O("BulkOperationRunQueryPayload"), &["query", "groupObjects"]),
            ("productSet", O("ProductSetPayload"), &["input", "synchronous", "identifier"]),
            ("webhookSubscriptionCreate", O("WebhookSubscriptionCreatePayload"), &["topic", "webhookSubscription"]),
            ("webhookSubscriptionDelete", O("WebhookSubscriptionDeletePayload"), &["id"]),
        ],
    ),
    (
        "Shop",
        &[("id", S, &[]), ("name", S, &[]), ("email", S, &[]), ("currencyCode", S, &[]), ("myshopifyDomain", S, &[])],
    ),
    ("Location", &[("id", S, &[]), ("legacyResourceId", S, &[]), ("name", S, &[]), ("isActive", S, &[])]),
    (
        "PageInfo",
        &[("hasNextPage", S, &[]), ("hasPreviousPage", S, &[]), ("startCursor", S, &[]), ("endCursor", S, &[])],
    ),
    ("Node", &[("id", S, &[])]),
    (
        "BulkOperation",
        &[
            ("id", S, &[]),
            ("status", S, &[]),
            ("type", S, &[]),
            ("query", S, &[]),
            ("errorCode", S, &[]),
            ("createdAt", S, &[]),
            ("completedAt", S, &[]),
            ("objectCount", S, &[]),
            ("rootObjectCount", S, &[]),
            ("fileSize", S, &[]),
            ("url", S, &[]),
            ("partialDataUrl", S, &[]),
        ],
    ),
    (
        "BulkOperationRunQueryPayload",
        &[("bulkOperation", O("BulkOperation"), &[]), ("userErrors", L("BulkOperationUserError"), &[])],
    ),
    ("BulkOperationUserError", &[("code", S, &[]), ("field", S, &[]), ("message", S, &[])]),
    (
        "ProductVariant",
        &[
            ("id", S, &[]),
            ("legacyResourceId", S, &[]),
            ("sku", S, &[]),
            ("barcode", S, &[]),
            ("title", S, &[]),
            ("price", S, &[]),
            ("inventoryQuantity", S, &[]),
            ("product", O("Product"), &[]),
            ("inventoryItem", O("InventoryItem"), &[]),
        ],
    ),
    (
        "Product",
        &[
            ("id", S, &[]),
            ("legacyResourceId", S, &[]),
            ("title", S, &[]),
            ("handle", S, &[]),
            ("status", S, &[]),
            ("variants", C("ProductVariant"), CONNECTION_ARGS),
        ],
    ),
    (
        "InventoryItem",
        &[
            ("id", S, &[]),
            ("legacyResourceId", S, &[]),
            ("sku", S, &[]),
            ("tracked", S, &[]),
            ("inventoryLevel", O("InventoryLevel"), &["locationId"]),
        ],
    ),
    (
        "InventoryLevel",
        &[("id", S, &[]), ("quantities", L("InventoryQuantity"), &["names"]), ("location", O("Location"), &[])],
    ),
    ("InventoryQuantity", &[("id", S, &[]), ("name", S, &[]), ("quantity", S, &[]), ("updatedAt", S, &[])]),
    (
        "InventorySetQuantitiesPayload",
        &[
            ("inventoryAdjustmentGroup", O("InventoryAdjustmentGroup"), &[]),
            ("userErrors", L("InventorySetQuantitiesUserError"), &[]),
        ],
    ),
    (
        "InventoryAdjustmentGroup",
        &[
            ("id", S, &[]),
            ("createdAt", S, &[]),
            ("reason", S, &[]),
            ("referenceDocumentUri", S, &[]),
            ("changes", L("InventoryChange"), &["inventoryItemIds", "locationIds", "quantityNames"]),
        ],
    ),
    (
        "InventoryChange",
        &[
            ("name", S, &[]),
            ("delta", S, &[]),
            ("quantityAfterChange", S, &[]),
            ("item", O("InventoryItem"), &[]),
            ("location", O("Location"), &[]),
        ],
    ),
    ("InventorySetQuantitiesUserError", &[("code", S, &[]), ("field", S, &[]), ("message", S, &[])]),
    (
        "ProductSetPayload",
        &[
            ("product", O("Product"), &[]),
            ("productSetOperation", O("ProductSetOperation"), &[]),
            ("userErrors", L("ProductSetUserError"), &[]),
        ],
    ),
    ("ProductSetOperation", &[("id", S, &[]), ("status", S, &[])]),
    ("ProductSetUserError", &[("code", S, &[]), ("field", S, &[]), ("message", S, &[])]),
    ("UserError", &[("field", S, &[]), ("message", S, &[])]),
    (
        "WebhookSubscriptionCreatePayload",
        &[("webhookSubscription", O("WebhookSubscription"), &[]), ("userErrors", L("UserError"), &[])],
    ),
    (
        "WebhookSubscriptionDeletePayload",
        &[("deletedWebhookSubscriptionId", S, &[]), ("userErrors", L("UserError"), &[])],
    ),
    (
        "WebhookSubscription",
        &[
            ("id", S, &[]),
            ("legacyResourceId", S, &[]),
            ("topic", S, &[]),
            ("uri", S, &[]),
            ("format", S, &[]),
            ("includeFields", S, &[]),
            ("filter", S, &[]),
            ("createdAt", S, &[]),
            ("updatedAt", S, &[]),
        ],
    ),
    (
        "Order",
        &[
            ("id", S, &[]),
            ("legacyResourceId", S, &[]),
            ("name", S, &[]),
            ("email", S, &[]),
            ("createdAt", S, &[]),
            ("updatedAt", S, &[]),
            ("processedAt", S, &[]),
            ("cancelledAt", S, &[]),
            ("displayFinancialStatus", S, &[]),
            ("currencyCode", S, &[]),
            ("taxesIncluded", S, &[]),
            ("totalDiscountsSet", O("MoneyBag"), &[]),
            ("totalShippingPriceSet", O("MoneyBag"), &[]),
            ("shippingLines", C("ShippingLine"), &["first", "after", "last", "before", "reverse", "includeRemovals"]),
            ("lineItems", C("LineItem"), CONNECTION_ARGS),
            ("refunds", L("Refund"), &["first"]),
            ("customer", O("Customer"), &[]),
        ],
    ),
    ("Customer", &[("id", S, &[]), ("firstName", S, &[]), ("lastName", S, &[]), ("displayName", S, &[])]),
    ("MoneyBag", &[("shopMoney", O("MoneyV2"), &[]), ("presentmentMoney", O("MoneyV2"), &[])]),
    ("MoneyV2", &[("amount", S, &[]), ("currencyCode", S, &[])]),
    (
        "LineItem",
        &[
            ("id", S, &[]),
            ("sku", S, &[]),
            ("name", S, &[]),
            ("title", S, &[]),
            ("quantity", S, &[]),
            ("originalUnitPriceSet", O("MoneyBag"), &[]),
            ("taxLines", L("TaxLine"), &["first"]),
            ("variant", O("ProductVariant"), &[]),
            ("product", O("Product"), &[]),
        ],
    ),
    ("TaxLine", &[("title", S, &[]), ("rate", S, &[]), ("ratePercentage", S, &[]), ("priceSet", O("MoneyBag"), &[])]),
    (
        "ShippingLine",
        &[
            ("id", S, &[]),
            ("title", S, &[]),
            ("code", S, &[]),
            ("originalPriceSet", O("MoneyBag"), &[]),
            ("taxLines", L("TaxLine"), &[]),
        ],
    ),
    ("Refund", &[("id", S, &[]), ("createdAt", S, &[]), ("refundLineItems", C("RefundLineItem"), CONNECTION_ARGS)]),
    ("RefundLineItem", &[("lineItem", O("LineItem"), &[]), ("quantity", S, &[]), ("restockType", S, &[])]),
];

pub(super) fn type_def(name: &str) -> Option<&'static [(&'static str, Ty, &'static [&'static str])]> {
    SCHEMA.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
}

pub(super) fn field_def(ty: &str, name: &str) -> Option<(Ty, &'static [&'static str])> {
    type_def(ty)?.iter().find(|(n, _, _)| *n == name).map(|(_, t, a)| (*t, *a))
}
