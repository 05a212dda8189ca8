import { expect, test } from "@playwright/test";
import { mocks } from "../playwright.config";
import { connectedMerchant, ready } from "./helpers";

const shopify = `http://127.0.0.1:${mocks.shopify}`;

test("pausing order import keeps new orders as paused; resuming makes them Prokip sales", async ({ page, request }) => {
  const shop = await connectedMerchant(page, request);
  await page.goto("/connections");
  await ready(page);
  const store = page.locator("li.store", { hasText: shop });
  await store.getByRole("button", { name: "Pause order import" }).click();
  await expect(page.getByTestId("notice")).toContainText("Order import paused: new orders from this store are kept");
  await expect(page.locator("li.store", { hasText: shop }).getByTestId("store-status")).toHaveText("Orders paused");
  await expect(page.locator("li.store", { hasText: shop }).getByTestId("stock-updates")).toHaveText("On");

  const placed = await request.post(`${shopify}/_control/shops/${shop}/orders`, {
    data: { line_items: [{ sku: "AS0003", quantity: 1 }], financial_status: "paid" },
  });
  expect(placed.ok()).toBeTruthy();
  const { order } = await placed.json();
  const row = () => page.getByRole("row", { name: new RegExp(order.name) }).getByTestId("order-state");
  await expect(async () => {
    await page.goto("/orders");
    await expect(row()).toHaveText("Paused: imported when you resume", { timeout: 500 });
  }).toPass({ timeout: 20_000 });

  await page.goto("/connections");
  await ready(page);
  await page.locator("li.store", { hasText: shop }).getByRole("button", { name: "Resume order import" }).click();
  await expect(page.getByTestId("notice")).toContainText("Order import resumed");
  await expect(page.locator("li.store", { hasText: shop }).getByTestId("store-status")).toHaveText("Healthy");
  await expect(async () => {
    await page.goto("/orders");
    await expect(row()).toHaveText("Sent to Prokip", { timeout: 500 });
  }).toPass({ timeout: 20_000 });
});

test("pausing stock updates says orders still come in, and resuming turns them back on", async ({ page, request }) => {
  const shop = await connectedMerchant(page, request);
  await page.goto("/connections");
  await ready(page);
  await page.locator("li.store", { hasText: shop }).getByRole("button", { name: "Pause stock updates" }).click();
  await expect(page.getByTestId("notice")).toContainText("Stock updates paused");
  await expect(page.getByTestId("notice")).toContainText("Order import is not affected.");
  const store = page.locator("li.store", { hasText: shop });
  await expect(store.getByTestId("store-status")).toHaveText("Stock paused");
  await expect(store.getByTestId("stock-updates")).toHaveText("Paused");
  await expect(store.getByTestId("order-import")).toHaveText("On");

  await ready(page);
  await page.locator("li.store", { hasText: shop }).getByRole("button", { name: "Resume stock updates" }).click();
  await expect(page.getByTestId("notice")).toContainText("Stock updates resumed");
  await expect(page.locator("li.store", { hasText: shop }).getByTestId("stock-updates")).toHaveText("On");
});
