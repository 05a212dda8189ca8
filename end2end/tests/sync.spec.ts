import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { mocks } from "../playwright.config";
import { ready, registerAndSignIn, uniqueName } from "./helpers";

const shopify = `http://127.0.0.1:${mocks.shopify}`;

/// A fresh shop seeded with the demo catalog, and a merchant with Prokip and that shop connected.
async function connectedMerchant(page: Page, request: APIRequestContext): Promise<string> {
  const shop = `${uniqueName("shop")}.myshopify.com`;
  await request.post(`${shopify}/_control/shops`, { data: { shop } });
  const seeded = await request.post(`${shopify}/_control/shops/${shop}/seed`, {
    data: JSON.stringify("demo"),
    headers: { "content-type": "application/json" },
  });
  expect(seeded.ok()).toBeTruthy();

  await registerAndSignIn(page, "Sync Co");
  await page.goto("/connections");
  await ready(page);
  await page.getByLabel("Prokip username").fill("demo");
  await page.getByLabel("Prokip password").fill("demo-password");
  await page.getByRole("button", { name: "Connect Prokip" }).click();
  await expect(page.getByTestId("notice")).toContainText("Main Shop");

  await ready(page);
  await page.getByLabel("Shop name").fill(shop);
  await page.getByRole("button", { name: "Connect Shopify" }).click();
  await page.getByRole("button", { name: "Approve" }).click();
  await expect(page).toHaveURL(/shopify_success=true/);
  return shop;
}

test("the Products page shows matched SKUs and the ones that do not match", async ({ page, request }) => {
  await connectedMerchant(page, request);
  await page.goto("/products?q=AS0001");
  await expect(page.getByTestId("sku-AS0001").getByTestId("match-status")).toHaveText("Matched");

  await page.goto("/products?status=prokip_only");
  await expect(page.getByTestId("sku-AS0040").getByTestId("match-status")).toHaveText("Missing in a store");
  await page.goto("/products?status=store_only");
  await expect(page.getByTestId("sku-as0040").getByTestId("match-status")).toHaveText("Only in a store");
});

test("an order placed in the store becomes a Prokip sale; cancelling it restocks", async ({ page, request }) => {
  const shop = await connectedMerchant(page, request);
  const placed = await request.post(`${shopify}/_control/shops/${shop}/orders`, {
    data: { line_items: [{ sku: "AS0003", quantity: 1 }], financial_status: "paid" },
  });
  expect(placed.ok()).toBeTruthy();
  const { order } = await placed.json();

  await expect(async () => {
    await page.goto("/orders");
    await expect(page.getByRole("row", { name: new RegExp(order.name) }).getByTestId("order-state")).toHaveText("Sent to Prokip", { timeout: 500 });
  }).toPass({ timeout: 20_000 });
  await expect(page.getByRole("row", { name: new RegExp(order.name) })).toContainText(/SHOP-\d+-\d+ \(sell \d+\)/);

  await request.post(`${shopify}/_control/shops/${shop}/orders/${order.id}/cancel`);
  await expect(async () => {
    await page.goto("/orders");
    await expect(page.getByRole("row", { name: new RegExp(order.name) }).getByTestId("order-state")).toHaveText("Cancelled: restocked", { timeout: 500 });
  }).toPass({ timeout: 20_000 });
});
