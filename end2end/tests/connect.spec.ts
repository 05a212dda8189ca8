import { expect, test } from "@playwright/test";
import { mocks } from "../playwright.config";
import {
  expectSameDocument,
  markDocument,
  newWooStore,
  ready,
  registerAndSignIn,
  setReview,
  submitWooKeys,
  uniqueName,
} from "./helpers";

test("demo mode shows its badge and the mock credentials", async ({ page }) => {
  await page.goto("/login");
  const badge = page.getByTestId("demo-badge");
  await expect(badge).toBeVisible();
  await badge.getByText("Demo mode").click();
  await expect(badge).toContainText("demo-password");
});

test("connect Prokip with the Prokip login; the only location is chosen", async ({ page }) => {
  await registerAndSignIn(page, "Prokip Co");
  await page.goto("/connections");
  await ready(page);
  await markDocument(page);
  await page.getByLabel("Prokip username").fill("demo");
  await page.getByLabel("Prokip password").fill("wrong-password");
  await page.getByRole("button", { name: "Connect Prokip" }).click();
  await expect(page.getByTestId("form-error")).toContainText("Prokip did not accept that username and password");
  if (test.info().project.name === "js-on") {
    // In place: the error is beside the form, and what was typed is still there.
    const form = page.locator("form", { has: page.getByLabel("Prokip username") });
    await expect(form.getByTestId("form-error")).toBeVisible();
    await expect(page.getByLabel("Prokip username")).toHaveValue("demo");
    await expectSameDocument(page);
  }

  await ready(page);
  await page.getByLabel("Prokip username").fill("demo");
  await page.getByLabel("Prokip password").fill("demo-password");
  await page.getByRole("button", { name: "Connect Prokip" }).click();
  await expect(page.getByTestId("notice")).toContainText("Stock comes from the location Main Shop");
  await expect(page.getByTestId("prokip-location")).toHaveText("Main Shop");
  await expectSameDocument(page);

  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Connect Prokip first" })).toHaveCount(0);
});

test("connect a WooCommerce store with keys, pause it, then disconnect it", async ({ page, request }) => {
  const { name, storeUrl, keys } = await newWooStore(request);

  await registerAndSignIn(page, "Woo Co");
  await setReview(page, "off");
  await page.goto("/connections");
  await ready(page);
  await submitWooKeys(page, storeUrl, keys.consumer_key, "cs_wrong");
  await expect(page.getByTestId("form-error")).toContainText("WooCommerce did not accept those keys");

  // Without JavaScript the refusal loaded the page again, closing the keys form; in place it is
  // still open (the helper opens it when closed).
  await ready(page);
  await submitWooKeys(page, storeUrl, keys.consumer_key, keys.consumer_secret);
  await expect(page.getByTestId("notice")).toContainText("4 webhooks registered");
  const store = page.locator("li.store", { hasText: storeUrl });
  await expect(store.getByTestId("store-status")).toHaveText("Healthy");

  // The store now holds our four webhooks.
  const state = await (await request.get(`http://127.0.0.1:${mocks.woo}/_control/stores/${name}/state`)).json();
  expect(state.webhooks.map((h: { topic: string }) => h.topic).sort()).toEqual(["order.created", "order.deleted", "order.updated", "product.updated"]);

  await ready(page);
  await markDocument(page);
  await store.getByRole("button", { name: "Pause stock updates" }).click();
  await expect(page.getByTestId("notice")).toContainText("Stock updates paused");
  await expect(page.locator("li.store", { hasText: storeUrl }).getByTestId("store-status")).toHaveText("Stock paused");
  await expectSameDocument(page);
  await ready(page);
  await page.locator("li.store", { hasText: storeUrl }).getByRole("button", { name: "Resume stock updates" }).click();
  await expect(page.getByTestId("notice")).toContainText("Stock updates resumed");
  await expect(page.locator("li.store", { hasText: storeUrl }).getByTestId("store-status")).toHaveText("Healthy");

  await ready(page);
  const again = page.locator("li.store", { hasText: storeUrl });
  await again.getByText("Disconnect…").click();
  await again.getByLabel("Yes, disconnect this store").check();
  await again.getByRole("button", { name: "Disconnect", exact: true }).click();
  await expect(page.getByTestId("notice")).toContainText("is disconnected");
  await expect(page.locator("li.store", { hasText: storeUrl })).toHaveCount(0);
  await expectSameDocument(page);
});

test("connect a Shopify shop through its approval page", async ({ page, request }) => {
  const handle = uniqueName("shop");
  await request.post(`http://127.0.0.1:${mocks.shopify}/_control/shops`, { data: { shop: `${handle}.myshopify.com` } });

  await registerAndSignIn(page, "Shop Co");
  await page.goto("/connections");
  await ready(page);
  await page.getByLabel("Shop name").fill(handle);
  await page.getByRole("button", { name: "Connect Shopify" }).click();
  await expect(page.getByRole("heading", { name: `Install app on ${handle}.myshopify.com` })).toBeVisible();
  await page.getByRole("button", { name: "Approve" }).click();

  await expect(page).toHaveURL(/shopify_success=true/);
  await expect(page.getByTestId("notice")).toContainText(`${handle}.myshopify.com is connected`);
  await page.goto("/connections");
  // Connected from the dashboard: its stock waits for the merchant's review.
  await expect(page.locator("li.store", { hasText: `${handle}.myshopify.com` }).getByTestId("store-status")).toHaveText("Review before first sync");
});

test("cancelling on Shopify's approval page says nothing was connected", async ({ page, request }) => {
  const handle = uniqueName("shop");
  await request.post(`http://127.0.0.1:${mocks.shopify}/_control/shops`, { data: { shop: `${handle}.myshopify.com` } });
  await registerAndSignIn(page, "Cancel Co");
  await page.goto("/connections");
  await ready(page);
  await page.getByLabel("Shop name").fill(handle);
  await page.getByRole("button", { name: "Connect Shopify" }).click();
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page).toHaveURL(/shopify_error=/);
  await expect(page.getByTestId("form-error")).toContainText("declined");
});

test("connect a WooCommerce store with the one-click key grant", async ({ page, request }) => {
  const name = uniqueName("woo");
  await request.post(`http://127.0.0.1:${mocks.woo}/_control/stores`, { data: { name } });
  const storeUrl = `http://127.0.0.1:${mocks.woo}/${name}`;

  await registerAndSignIn(page, "Grant Co");
  await page.goto("/connections");
  await ready(page);
  await page.locator("#woo_grant_store_url").fill(storeUrl);
  await page.getByRole("button", { name: "Connect with WooCommerce" }).click();
  await expect(page.getByRole("heading", { name: "Prokip Sync would like to connect to your store" })).toBeVisible();
  await page.getByRole("link", { name: "Approve" }).click();

  await expect(page).toHaveURL(/\/connections\?notice=/);
  await expect(page.getByTestId("notice")).toContainText(`${storeUrl} is connected`);
  await expect(page.locator("li.store", { hasText: storeUrl }).getByTestId("store-status")).toHaveText("Review before first sync");
});

test("a business with two locations: choose one, then change to the other", async ({ page, request }) => {
  const prokip = `http://127.0.0.1:${mocks.prokip}`;
  const username = uniqueName("branches");
  const made = await request.post(`${prokip}/_control/businesses`, {
    data: { username, password: "branch-password", business_name: "Two Branches Ltd", locations: ["Town Branch", "Warehouse"] },
  });
  expect(made.ok()).toBeTruthy();
  const ids = await made.json();
  // The demo catalog at Town Branch (AS0001: 5); the Warehouse holds 7 of AS0001.
  const seeded = await request.post(`${prokip}/_control/seed`, {
    data: { business_id: ids.business_id, location_id: ids.location_ids[0], demo: true },
  });
  expect(seeded.ok()).toBeTruthy();
  const stocked = await request.post(`${prokip}/_control/stock`, {
    data: { location_id: ids.location_ids[1], sku: "AS0001", quantity: 7 },
  });
  expect(stocked.ok()).toBeTruthy();
  // The SKU page shows Prokip's quantity at the chosen location, once the catalog is read from it.
  const prokipQty = async (expected: string, location: string) => {
    await expect(async () => {
      await page.goto("/products/AS0001");
      await expect(page.getByTestId("sku-prokip")).toHaveText(expected, { timeout: 500 });
      await expect(page.locator(".sku-facts")).toContainText(`at ${location}`, { timeout: 500 });
    }).toPass({ timeout: 20_000 });
  };

  // A store to sell in: its catalog is matched against the location's (so the catalog is read).
  const woo = await newWooStore(request);
  await registerAndSignIn(page, "Branches Co");
  await setReview(page, "off");
  await page.goto("/connections");
  await ready(page);
  await submitWooKeys(page, woo.storeUrl, woo.keys.consumer_key, woo.keys.consumer_secret);
  await expect(page.getByTestId("notice")).toContainText("webhooks registered");
  await page.goto("/connections");
  await ready(page);
  await markDocument(page);
  await page.getByLabel("Prokip username").fill(username);
  await page.getByLabel("Prokip password").fill("branch-password");
  await page.getByRole("button", { name: "Connect Prokip" }).click();
  await expect(page.getByTestId("notice")).toContainText("Now choose the shop location");
  await expect(page.getByTestId("prokip-business")).toContainText("Two Branches Ltd");
  await expect(page.getByTestId("prokip-location")).toHaveText("not chosen yet");
  await expectSameDocument(page);

  await ready(page);
  await page.getByLabel("Choose the shop location").selectOption({ label: "Town Branch" });
  await page.getByRole("button", { name: "Use this location" }).click();
  await expect(page.getByTestId("notice")).toContainText("Stock now comes from the Prokip location Town Branch.");
  await expect(page.getByTestId("prokip-location")).toHaveText("Town Branch");
  await expectSameDocument(page);
  await prokipQty("5", "Town Branch");

  await page.goto("/connections");
  await ready(page);
  await markDocument(page);
  await expect(page.getByLabel("Change location")).toHaveValue(String(ids.location_ids[0]));
  await page.getByLabel("Change location").selectOption({ label: "Warehouse" });
  await page.getByRole("button", { name: "Use this location" }).click();
  await expect(page.getByTestId("notice")).toContainText("Stock now comes from the Prokip location Warehouse.");
  await expect(page.getByTestId("prokip-location")).toHaveText("Warehouse");
  await expectSameDocument(page);
  // The catalog is read again from the new location.
  await prokipQty("7", "Warehouse");
});
