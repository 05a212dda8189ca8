//! Shop, locations, variants (paged, by SKU) and product creation with `productSet`.

use super::graphql::collect_pages;
use super::{Location, NewProduct, Page, Shop, ShopifyClient, ShopifyError, UserError, Variant};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::{Value, json};

const SHOP: &str = "query Shop { shop { id name currencyCode myshopifyDomain } }";
const LOCATIONS: &str = "query Locations($first: Int!) { locations(first: $first) { nodes { id name isActive } pageInfo { hasNextPage endCursor } } }";
const VARIANTS: &str = "query Variants($first: Int!, $after: String, $query: String) {
  productVariants(first: $first, after: $after, query: $query) {
    nodes { id sku barcode title price product { id title } inventoryItem { id tracked } }
    pageInfo { hasNextPage endCursor } } }";
const PRODUCT_SET: &str = "mutation CreateProduct($input: ProductSetInput!, $synchronous: Boolean!) {
  productSet(input: $input, synchronous: $synchronous) {
    product { id title variants(first: 250) { nodes { id sku barcode title price product { id title } inventoryItem { id tracked } } } }
    userErrors { code field message } } }";
/// SKUs per search query; keeps the query string short.
const SKUS_PER_QUERY: usize = 50;

#[derive(Deserialize)]
pub(super) struct Connection<T> {
    pub nodes: Vec<T>,
    #[serde(rename = "pageInfo")]
    pub page_info: Option<PageInfo>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct PageInfo {
    pub has_next_page: bool,
    pub end_cursor: Option<String>,
}

impl<T> Connection<T> {
    pub fn into_page<U>(self, map: impl FnMut(T) -> U) -> Page<U> {
        let next_cursor = self.page_info.filter(|p| p.has_next_page).and_then(|p| p.end_cursor);
        Page { items: self.nodes.into_iter().map(map).collect(), next_cursor }
    }
}

#[derive(Deserialize)]
struct IdTitle {
    id: String,
    title: String,
}

#[derive(Deserialize)]
struct ItemRef {
    id: String,
    #[serde(default)]
    tracked: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawVariant {
    id: String,
    sku: Option<String>,
    #[serde(default)]
    barcode: Option<String>,
    title: String,
    price: Option<Decimal>,
    product: IdTitle,
    inventory_item: ItemRef,
}

impl From<RawVariant> for Variant {
    fn from(v: RawVariant) -> Self {
        Variant {
            id: v.id,
            sku: v.sku.filter(|s| !s.is_empty()),
            barcode: v.barcode.filter(|b| !b.trim().is_empty()),
            title: v.title,
            price: v.price,
            product_id: v.product.id,
            product_title: v.product.title,
            inventory_item_id: v.inventory_item.id,
            tracked: v.inventory_item.tracked,
        }
    }
}

/// Shopify search syntax for an exact SKU list: `sku:"A" OR sku:"B"`.
fn sku_query(skus: &[&str]) -> String {
    skus.iter()
        .map(|s| format!("sku:\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"")))
        .collect::<Vec<_>>()
        .join(" OR ")
}

impl ShopifyClient {
    pub async fn shop(&self) -> Result<Shop, ShopifyError> {
        #[derive(Deserialize)]
        struct D {
            shop: Shop,
        }
        Ok(self.graphql::<D>(SHOP, json!({})).await?.shop)
    }

    pub async fn locations(&self) -> Result<Vec<Location>, ShopifyError> {
        #[derive(Deserialize)]
        struct D {
            locations: Connection<Location>,
        }
        Ok(self.graphql::<D>(LOCATIONS, json!({ "first": 250 })).await?.locations.nodes)
    }

    /// One page of variants, optionally filtered by a search query.
    pub async fn product_variants(
        &self,
        after: Option<&str>,
        query: Option<&str>,
    ) -> Result<Page<Variant>, ShopifyError> {
        #[derive(Deserialize)]
        struct D {
            #[serde(rename = "productVariants")]
            variants: Connection<RawVariant>,
        }
        let vars = json!({ "first": self.page_size, "after": after, "query": query });
        Ok(self.graphql::<D>(VARIANTS, vars).await?.variants.into_page(Variant::from))
    }

    /// Every variant of the shop: a catalog of one page is read as it is; a larger one in one bulk
    /// operation (a page of variants costs ~750 points, a bulk read ~10), and page by page from
    /// where the first page stopped if the bulk read fails or bulk reads are off.
    pub async fn all_variants(&self) -> Result<Vec<Variant>, ShopifyError> {
        let first = self.product_variants(None, None).await?;
        let Some(cursor) = first.next_cursor.clone() else { return Ok(first.items) };
        if self.bulk_above < usize::MAX {
            match self.all_variants_bulk().await {
                Ok(all) => return Ok(all),
                Err(e) => tracing::warn!(error = %e, "bulk read of the catalog failed; reading it page by page"),
            }
        }
        let mut out = first.items;
        let mut next = Some(cursor);
        while let Some(c) = next {
            let page = self.product_variants(Some(&c), None).await?;
            out.extend(page.items);
            next = page.next_cursor;
        }
        Ok(out)
    }

    /// Variants whose SKU equals one of `skus` exactly (search is fuzzier, so results are filtered).
    pub async fn variants_by_sku(&self, skus: &[&str]) -> Result<Vec<Variant>, ShopifyError> {
        let mut out = Vec::new();
        for chunk in skus.chunks(SKUS_PER_QUERY) {
            let found = self.collect_variants(Some(&sku_query(chunk))).await?;
            out.extend(found.into_iter().filter(|v| v.sku.as_deref().is_some_and(|s| chunk.contains(&s))));
        }
        Ok(out)
    }

    async fn collect_variants(&self, query: Option<&str>) -> Result<Vec<Variant>, ShopifyError> {
        collect_pages(|cursor| async move { self.product_variants(cursor.as_deref(), query).await }).await
    }

    /// Creates an active product with tracked variants stocked at `location_id` (`productSet`, synchronous).
    pub async fn create_product(&self, product: &NewProduct, location_id: &str) -> Result<Vec<Variant>, ShopifyError> {
        #[derive(Deserialize)]
        struct Created {
            variants: Connection<RawVariant>,
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Payload {
            product: Option<Created>,
            user_errors: Vec<UserError>,
        }
        #[derive(Deserialize)]
        struct D {
            #[serde(rename = "productSet")]
            payload: Payload,
        }
        if product.option_name.is_none() && product.variants.len() != 1 {
            return Err(ShopifyError::InvalidInput("a product without an option name has exactly one variant".into()));
        }
        let p = self
            .graphql::<D>(PRODUCT_SET, json!({ "input": product_set_input(product, location_id), "synchronous": true }))
            .await?
            .payload;
        if !p.user_errors.is_empty() {
            return Err(ShopifyError::UserErrors(p.user_errors));
        }
        let created = p.product.ok_or_else(|| ShopifyError::Malformed("productSet returned no product".into()))?;
        Ok(created.variants.nodes.into_iter().map(Variant::from).collect())
    }
}

fn product_set_input(product: &NewProduct, location_id: &str) -> Value {
    let (option_name, values): (&str, Vec<&str>) = match &product.option_name {
        Some(name) => (name, product.variants.iter().map(|v| v.option_value.as_str()).collect()),
        None => ("Title", vec!["Default Title"]),
    };
    let variants: Vec<Value> = product
        .variants
        .iter()
        .zip(values.iter().cycle())
        .map(|(v, value)| {
            json!({
                "optionValues": [{ "optionName": option_name, "name": value }],
                "sku": v.sku,
                "price": v.price.to_string(),
                "inventoryItem": { "tracked": true },
                "inventoryQuantities": [{ "locationId": location_id, "name": "available", "quantity": v.available }],
            })
        })
        .collect();
    json!({
        "title": product.title,
        "status": "ACTIVE",
        "productOptions": [{ "name": option_name, "values": values.iter().map(|v| json!({ "name": v })).collect::<Vec<_>>() }],
        "variants": variants,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sku_search_quotes_each_sku() {
        assert_eq!(sku_query(&["AS0001", "A \"B\""]), r#"sku:"AS0001" OR sku:"A \"B\"""#);
    }
}
