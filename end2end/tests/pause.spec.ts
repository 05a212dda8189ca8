import { expect, test } from "@playwright/test";
import { mocks } from "../playwright.config";
import { connectedMerchant, expectSameDocument, markDocument, ready } from "./helpers";

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

test("store badges on an open page follow a pause made in another tab, without a reload", async ({ page, request }) => {
  test.skip(test.info().project.name === "js-off", "a page without JavaScript shows what it was sent");
  const shop = await connectedMerchant(page, request);
  await page.goto("/");
  await ready(page);
  await markDocument(page);
  const badge = page.getByTestId("store-health").locator("li", { hasText: shop }).getByTestId("store-health-badge");
  await expect(badge).toHaveText("Healthy");
  const connections = await page.context().newPage();
  await connections.goto("/connections");
  const store = connections.locator("li.store", { hasText: shop });
  await expect(store.getByTestId("store-status")).toHaveText("Healthy");
  await ready(connections);
  await markDocument(connections);

  // The other tab pauses order import: both pages' badges say so within seconds.
  const other = await page.context().newPage();
  await other.goto("/connections");
  await ready(other);
  await other.locator("li.store", { hasText: shop }).getByRole("button", { name: "Pause order import" }).click();
  await expect(other.getByTestId("notice")).toContainText("Order import paused");
  await expect(badge).toHaveText("Orders paused", { timeout: 15_000 });
  await expect(store.getByTestId("store-status")).toHaveText("Orders paused", { timeout: 15_000 });
  await expectSameDocument(page);
  await expectSameDocument(connections);

  await other.locator("li.store", { hasText: shop }).getByRole("button", { name: "Resume order import" }).click();
  await expect(other.getByTestId("notice")).toContainText("Order import resumed");
  await expect(badge).toHaveText("Healthy", { timeout: 15_000 });
  await expectSameDocument(page);
});
