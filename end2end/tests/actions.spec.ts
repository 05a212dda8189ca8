import { expect, test } from "@playwright/test";
import { mocks } from "../playwright.config";
import {
  connectedMerchant,
  expectSameDocument,
  markDocument,
  newWooStore,
  ready,
  registerAndSignIn,
  setReview,
  shopAvailable,
  shopAvailableAt,
  submitWooKeys,
  uniqueName,
} from "./helpers";

// Every action of the Settings, Connections, Products and Activity pages, with JavaScript on (in
// place, without loading the page again) and off (a post and a redirect).

const shopify = `http://127.0.0.1:${mocks.shopify}`;

test.afterEach(async ({ request }) => {
  await request.delete(`${shopify}/_control/faults`);
});

test("the payment method, the time zone, a safety buffer and a re-index each do what they say", async ({ page, request }) => {
  await connectedMerchant(page, request);

  await page.goto("/settings");
  await ready(page);
  await markDocument(page);
  await page.getByLabel("Prokip payment method").selectOption({ label: "M-Pesa" });
  await page.getByRole("button", { name: "Save payment method" }).click();
  await expect(page.getByTestId("notice")).toContainText('Online sales are now paid with "M-Pesa" in Prokip.');
  await expectSameDocument(page);
  await page.reload();
  await expect(page.getByLabel("Prokip payment method")).toHaveValue("custom_pay_1");

  await ready(page);
  await markDocument(page);
  const zone = page.getByLabel("Times on the dashboard are shown in");
  await zone.selectOption("Asia/Kolkata");
  await page.getByRole("button", { name: "Save time zone" }).click();
  await expect(page.getByTestId("notice")).toContainText("Times are now shown in Asia/Kolkata.");
  await expectSameDocument(page);
  await page.reload();
  await expect(zone).toHaveValue("Asia/Kolkata");

  // A buffer of 3: the store is offered 3 fewer than Prokip has (AS0001: 5 in Prokip).
  await page.goto("/connections");
  await ready(page);
  await markDocument(page);
  await page.getByLabel("Safety buffer").fill("3");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByTestId("notice")).toContainText("Safety buffer set to 3");
  await expectSameDocument(page);
  await page.goto("/products?q=AS0001");
  await expect(page.getByTestId("sku-AS0001").locator("td").last()).toHaveText(/^2 \//);

  await ready(page);
  await markDocument(page);
  await page.getByRole("button", { name: "Re-index" }).click();
  await expect(page.getByTestId("notice")).toContainText("53 matched");
  await expectSameDocument(page);
});

test("a store's share and maximum change what it is offered, and the SKU page explains it", async ({ page, request }) => {
  const shop = await connectedMerchant(page, request);
  await page.goto("/products/AS0001");
  const prokipQty = Number(await page.getByTestId("sku-prokip").textContent());
  const half = Math.floor(prokipQty / 2);

  // Half of what is available, as the form sends it (in place with JavaScript, a post without).
  await page.goto("/connections");
  await ready(page);
  await markDocument(page);
  const store = page.locator("li.store", { hasText: shop });
  await store.getByLabel("Share (%)").fill("50");
  await store.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByTestId("notice")).toContainText("then 50 %.");
  await expectSameDocument(page);
  await expect(page.locator("li.store", { hasText: shop }).getByLabel("Share (%)")).toHaveValue("50");

  // The Products page publishes half, and says why.
  await page.goto("/products?q=AS0001");
  await expect(page.getByTestId("sku-AS0001").locator("td").last()).toHaveText(new RegExp(`^${half} /`));
  await expect(page.getByTestId("store-rules")).toHaveText("50 %");
  // The SKU page shows each step with its numbers, and the change in the SKU's history.
  await page.getByTestId("sku-AS0001").getByTestId("sku-link").click();
  await expect(page.getByTestId("sku-formula")).toHaveText(
    `max(0, ${prokipQty} − 0 committed − 0 buffer) = ${prokipQty} · 50 % = ${half}`,
  );
  await expect(page.getByTestId("sku-rules")).toHaveText("rules: 50 %");
  await expect(page.getByTestId("sku-history")).toContainText("Stock rules none → 50 %");
  // And the shop itself is sent it.
  await expect.poll(() => shopAvailable(request, shop, "AS0001"), { timeout: 20_000 }).toBe(half);

  // A maximum below the share caps it.
  await page.goto("/connections");
  await ready(page);
  await page.locator("li.store", { hasText: shop }).getByLabel("At most").fill("1");
  await page.locator("li.store", { hasText: shop }).getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByTestId("notice")).toContainText("then 50 % · at most 1.");
  await page.goto("/products/AS0001");
  await expect(page.getByTestId("sku-formula")).toHaveText(
    `max(0, ${prokipQty} − 0 committed − 0 buffer) = ${prokipQty} · 50 % = ${half} · at most 1 = 1`,
  );
  await expect.poll(() => shopAvailable(request, shop, "AS0001"), { timeout: 20_000 }).toBe(1);
});

test("a shop drawing on two Prokip locations is offered their sum at the Shopify location chosen, and the SKU page adds it up", async ({ page, request }) => {
  // A business with a branch and a warehouse: AS0001 has 5 at the branch and 7 at the warehouse.
  const prokip = `http://127.0.0.1:${mocks.prokip}`;
  const username = uniqueName("two");
  const made = await request.post(`${prokip}/_control/businesses`, {
    data: { username, password: "two-password", business_name: "Branch and Warehouse Ltd", locations: ["Town Branch", "Warehouse"] },
  });
  expect(made.ok()).toBeTruthy();
  const ids = await made.json();
  const seeded = await request.post(`${prokip}/_control/seed`, {
    data: { business_id: ids.business_id, location_id: ids.location_ids[0], demo: true },
  });
  expect(seeded.ok()).toBeTruthy();
  const stocked = await request.post(`${prokip}/_control/stock`, {
    data: { location_id: ids.location_ids[1], sku: "AS0001", quantity: 7 },
  });
  expect(stocked.ok()).toBeTruthy();
  const shop = `${uniqueName("shop")}.myshopify.com`;
  await request.post(`${shopify}/_control/shops`, { data: { shop } });
  const shopSeeded = await request.post(`${shopify}/_control/shops/${shop}/seed`, {
    data: JSON.stringify("demo"),
    headers: { "content-type": "application/json" },
  });
  expect(shopSeeded.ok()).toBeTruthy();

  await registerAndSignIn(page, "Two Places Co");
  await setReview(page, "off");
  await page.goto("/connections");
  await ready(page);
  await page.getByLabel("Prokip username").fill(username);
  await page.getByLabel("Prokip password").fill("two-password");
  await page.getByRole("button", { name: "Connect Prokip" }).click();
  await expect(page.getByTestId("notice")).toContainText("Now choose the shop location");
  await ready(page);
  await page.getByLabel("Choose the shop location").selectOption({ label: "Town Branch" });
  await page.getByRole("button", { name: "Use this location" }).click();
  await expect(page.getByTestId("prokip-location")).toHaveText("Town Branch");
  await ready(page);
  await page.getByLabel("Shop name").fill(shop);
  await page.getByRole("button", { name: "Connect Shopify" }).click();
  await page.getByRole("button", { name: "Approve" }).click();
  await expect(page).toHaveURL(/shopify_success=true/);
  await expect.poll(() => shopAvailable(request, shop, "AS0001"), { timeout: 20_000 }).toBe(5);

  // The shop draws on both and sells at the warehouse (in place with JavaScript, a post without).
  await page.goto("/connections");
  await ready(page);
  await markDocument(page);
  const store = page.locator("li.store", { hasText: shop });
  await expect(store.getByTestId("store-sources")).toHaveText("Town Branch · orders sold at Town Branch");
  await store.getByRole("group", { name: "Stock from" }).getByLabel("Warehouse").check();
  await store.getByLabel("Sell orders at").selectOption({ label: "Warehouse" });
  await store.getByRole("button", { name: "Save locations" }).click();
  await expect(page.getByTestId("notice")).toContainText("stock now comes from Town Branch + Warehouse and its orders are sold at Warehouse.");
  await expectSameDocument(page);
  await expect(page.locator("li.store", { hasText: shop }).getByTestId("store-sources")).toHaveText(
    "Town Branch + Warehouse · orders sold at Warehouse",
  );
  await expect.poll(() => shopAvailable(request, shop, "AS0001"), { timeout: 20_000 }).toBe(12);

  // The shop opened a back room: its stock is written there from now on.
  const room = await request.post(`${shopify}/_control/shops/${shop}/locations`, { data: { name: "Back room", stock_all: true } });
  expect(room.ok()).toBeTruthy();
  const backRoom: string = (await room.json()).location_id;
  const firstLocation = await shopAvailable(request, shop, "AS0001");
  // Offered once the shop is read again (any index; the choice itself reads it too).
  await page.goto("/products");
  await ready(page);
  await page.getByRole("button", { name: "Re-index" }).click();
  await expect(page.getByTestId("notice")).toContainText("matched");
  await page.goto("/connections");
  await ready(page);
  await markDocument(page);
  await page.locator("li.store", { hasText: shop }).getByLabel("Shopify location").selectOption({ label: "Back room" });
  await page.locator("li.store", { hasText: shop }).getByRole("button", { name: "Write stock here" }).click();
  await expect(page.getByTestId("notice")).toContainText("stock is written at its location Back room from now on.");
  await expectSameDocument(page);
  await expect(page.locator("li.store", { hasText: shop }).getByTestId("store-location")).toHaveText("Back room");
  await expect.poll(() => shopAvailableAt(request, shop, "AS0001", backRoom), { timeout: 20_000 }).toBe(12);

  // Half of it: the Products page, the SKU page's steps and the shop all say 6.
  await ready(page);
  await page.locator("li.store", { hasText: shop }).getByLabel("Share (%)").fill("50");
  await page.locator("li.store", { hasText: shop }).getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByTestId("notice")).toContainText("then 50 %.");
  await page.goto("/products?q=AS0001");
  await expect(page.getByTestId("sku-AS0001").locator("td").last()).toHaveText(/^6 \//);
  await page.goto("/products/AS0001");
  await expect(page.getByTestId("sku-sources")).toHaveText("stock from Town Branch 5 + Warehouse 7 = 12");
  await expect(page.getByTestId("sku-formula")).toHaveText("max(0, 12 − 0 committed − 0 buffer) = 12 · 50 % = 6");
  await expect(page.getByTestId("sku-history")).toContainText(
    "Stock from Town Branch, sold at Town Branch → Town Branch + Warehouse, sold at Warehouse",
  );
  await expect.poll(() => shopAvailableAt(request, shop, "AS0001", backRoom), { timeout: 20_000 }).toBe(6);
  expect(await shopAvailable(request, shop, "AS0001")).toBe(firstLocation);

  // The warehouse feeds the shop's first location instead: each location gets half of its own
  // source (the branch's 5 → 2 in the back room, the warehouse's 7 → 3 at the first location).
  await page.goto("/connections");
  await ready(page);
  await markDocument(page);
  const feeds = page.locator("li.store", { hasText: shop }).locator("form.store-feeds");
  await expect(feeds.getByLabel("Town Branch feeds")).toHaveValue(backRoom);
  await feeds.getByLabel("Warehouse feeds").selectOption({ label: "Shop location" });
  await feeds.getByRole("button", { name: "Save feeds" }).click();
  await expect(page.getByTestId("notice")).toContainText("Town Branch into Back room, Warehouse into Shop location.");
  await expectSameDocument(page);
  await expect.poll(() => shopAvailableAt(request, shop, "AS0001", backRoom), { timeout: 20_000 }).toBe(2);
  await expect.poll(() => shopAvailable(request, shop, "AS0001"), { timeout: 20_000 }).toBe(3);
  await page.goto("/products/AS0001");
  const fedRow = page.getByTestId("sku-store").filter({ hasText: "at Shop location" });
  await expect(fedRow.getByTestId("sku-sources")).toHaveText("stock from Warehouse 7 = 7");
  await expect(fedRow.getByTestId("sku-formula")).toHaveText("max(0, 7 − 0 committed − 0 buffer) = 7 · 50 % = 3");
});

test("failed stock writes are retried one by one or all at once, and close when they succeed", async ({ page, request }) => {
  const shop = await connectedMerchant(page, request);
  // The shop refuses every write from now on.
  const fault = { path_prefix: `/${shop}`, method: "POST", type: "status", status: 500 };
  expect((await request.post(`${shopify}/_control/faults`, { data: fault })).ok()).toBeTruthy();
  await ready(page);
  await page.getByRole("button", { name: "Sync now" }).click();
  await expect(page.getByTestId("notice")).toContainText("Sync started");

  const retryOne = page.getByRole("button", { name: "Retry", exact: true }).first();
  await expect(async () => {
    await page.goto("/activity?open=1");
    await expect(retryOne).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 60_000 });

  // Retried while the shop still refuses: tried again, the problem stays open.
  await ready(page);
  await markDocument(page);
  await retryOne.click();
  await expect(page.getByTestId("notice")).toContainText("Retrying");
  await expectSameDocument(page);
  await ready(page);
  await markDocument(page);
  const retryAll = page.getByRole("button", { name: "Retry all open problems" });
  await retryAll.click();
  await expect(page.getByTestId("notice")).toContainText(/Retrying \d+ problems/);
  await expectSameDocument(page);

  // The shop is back: the next push that reaches it closes every open problem. A retry still
  // running from above may be that push; otherwise Retry all is pressed again.
  await request.delete(`${shopify}/_control/faults`);
  await expect(async () => {
    await page.goto("/activity?open=1");
    await ready(page);
    if (await retryAll.isVisible()) await retryAll.click();
    await expect(page.getByText("Nothing to show.")).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 60_000 });
});

test("a WooCommerce store is set to sell its orders only once completed", async ({ page, request }) => {
  const { storeUrl, keys } = await newWooStore(request);
  await registerAndSignIn(page, "Trigger Co");
  await setReview(page, "off");
  await page.goto("/connections");
  await ready(page);
  await submitWooKeys(page, storeUrl, keys.consumer_key, keys.consumer_secret);
  await expect(page.getByTestId("notice")).toContainText("webhooks registered");

  await page.goto("/settings");
  await ready(page);
  await markDocument(page);
  const trigger = page.getByLabel(storeUrl, { exact: true });
  await expect(trigger).toHaveValue("paid");
  await trigger.selectOption({ label: "Completed only" });
  await page.locator("form", { has: trigger }).getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("notice")).toContainText(`Orders of ${storeUrl} become Prokip sales when completed.`);
  await expectSameDocument(page);
  await page.reload();
  await expect(page.getByLabel(storeUrl, { exact: true })).toHaveValue("completed");
});
