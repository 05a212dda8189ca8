import { expect, test, type APIRequestContext } from "@playwright/test";
import { mocks } from "../playwright.config";
import { connectedMerchant, demoLocation, expectSameDocument, markDocument, ready, shopAvailable } from "./helpers";

const shopify = `http://127.0.0.1:${mocks.shopify}`;

test("the Products page shows matched SKUs and the ones that do not match", async ({ page, request }) => {
  await connectedMerchant(page, request);
  await page.goto("/products?q=AS0001");
  await expect(page.getByTestId("sku-AS0001").getByTestId("match-status")).toHaveText("Matched");

  await page.goto("/products?status=prokip_only");
  await expect(page.getByTestId("sku-AS0040").getByTestId("match-status")).toHaveText("Missing in a store");
  await page.goto("/products?status=store_only");
  await expect(page.getByTestId("sku-as0040").getByTestId("match-status")).toHaveText("Only in a store");

  // Sorted by Prokip's quantity, most first, by pressing its heading twice.
  await page.goto("/products?status=matched");
  await ready(page);
  const prokipHeading = page.getByRole("columnheader", { name: /Prokip/ });
  await page.getByTestId("sort-prokip").click();
  await expect(prokipHeading).toHaveAttribute("aria-sort", "ascending");
  await page.getByTestId("sort-prokip").click();
  await expect(prokipHeading).toHaveAttribute("aria-sort", "descending");
  const quantities = (await page.getByTestId("prokip-qty").allTextContents()).map(Number);
  expect(quantities.length).toBeGreaterThan(1);
  expect(quantities).toEqual([...quantities].sort((a, b) => b - a));
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

const prokip = `http://127.0.0.1:${mocks.prokip}`;

test("Sync now says so and the store then shows Prokip's quantity", async ({ page, request }) => {
  const shop = await connectedMerchant(page, request);
  // A quantity the shop has never had, so the change is the push's doing.
  const qty = 100 + Math.floor(Math.random() * 800);
  const set = await request.post(`${prokip}/_control/stock`, {
    data: { location_id: await demoLocation(request), sku: "AS0017", quantity: qty },
  });
  expect(set.ok()).toBeTruthy();
  expect(await shopAvailable(request, shop, "AS0017")).not.toBe(qty);

  await page.goto("/products?q=AS0017");
  await ready(page);
  await page.getByRole("button", { name: "Sync now" }).click();
  await expect(page.getByTestId("notice")).toContainText("Sync started");
  await expect.poll(() => shopAvailable(request, shop, "AS0017"), { timeout: 20_000 }).toBe(qty);
  // The finished run is reported on the page.
  await expect(async () => {
    await page.goto("/products?q=AS0017");
    await expect(page.getByTestId("sync-progress")).toContainText("Last full sync", { timeout: 500 });
  }).toPass({ timeout: 20_000 });
});

test("a running sync's progress moves on in the browser without a reload", async ({ page, request }, testInfo) => {
  test.skip(testInfo.project.name === "js-off", "following a sync live needs JavaScript; without it a reload shows the state");
  test.setTimeout(90_000);
  await connectedMerchant(page, request);
  // Prokip answers the catalog read slowly, so the sync is seen running.
  const slow = { path_prefix: "/connector/api/variation", type: "latency", ms: 3000, times: 20 };
  expect((await request.post(`${prokip}/_control/faults`, { data: slow })).ok()).toBeTruthy();
  try {
    await page.goto("/products");
    await ready(page);
    await page.getByRole("button", { name: "Sync now" }).click();
    await expect(page.getByTestId("notice")).toContainText("Sync started");
    // Until the job has started the page may show the previous run: load it until it shows this one.
    await expect(async () => {
      await page.goto("/products");
      await expect(page.getByTestId("sync-progress")).toContainText("Syncing", { timeout: 300 });
    }).toPass({ timeout: 20_000 });
    await ready(page);
    // No reload from here on.
    await expect(page.getByTestId("sync-progress")).toContainText("Last full sync", { timeout: 30_000 });
  } finally {
    await request.delete(`${prokip}/_control/faults`);
  }
});

test("a Prokip product the shop lacks is created there and becomes matched", async ({ page, request }) => {
  const shop = await connectedMerchant(page, request);
  expect(await shopAvailable(request, shop, "AS0040")).toBeUndefined();
  await page.goto("/products?q=AS0040");
  await ready(page);
  await markDocument(page);
  const row = page.getByTestId("sku-AS0040");
  await expect(row.getByTestId("match-status")).toHaveText("Missing in a store");
  await row.getByRole("button", { name: /Create AS0040 in Shopify/ }).click();
  await expect(page.getByTestId("notice")).toContainText("1 created");
  await expectSameDocument(page);

  await page.goto("/products?q=AS0040");
  await expect(page.getByTestId("sku-AS0040").getByTestId("match-status")).toHaveText("Matched");
  expect(await shopAvailable(request, shop, "AS0040")).toBeDefined();
});

test("a near-miss SKU is linked from its suggestion and its page explains the published number", async ({ page, request }) => {
  const shop = await connectedMerchant(page, request);
  await page.goto("/products?status=store_only");
  await expect(page.getByTestId("link-suggestions")).toContainText("as0040 → AS0040");
  await page.getByTestId("suggestion-as0040").getByRole("button", { name: "Link as0040 to AS0040" }).click();
  await expect(page.getByTestId("notice")).toContainText("as0040 is linked to Prokip's AS0040");

  // The link takes effect in the background: the SKU matches, and the shop gets Prokip's quantity.
  await expect(async () => {
    await page.goto("/products?q=AS0040");
    await expect(page.getByTestId("sku-AS0040").getByTestId("match-status")).toHaveText("Matched", { timeout: 500 });
  }).toPass({ timeout: 20_000 });
  await expect(page.getByTestId("sku-AS0040").getByTestId("linked-from")).toHaveText("linked from as0040");
  await page.getByTestId("sku-AS0040").getByTestId("sku-link").click();
  await expect(page.getByRole("heading", { name: "SKU AS0040" })).toBeVisible();
  const prokipQty = Number(await page.getByTestId("sku-prokip").textContent());
  // Each store's index runs on its own: both formulas show once both have matched it.
  await expect(async () => {
    await page.reload();
    for (const formula of await page.getByTestId("sku-formula").all()) {
      await expect(formula).toHaveText(`max(0, ${prokipQty} − 0 committed − 0 buffer) = ${prokipQty}`, { timeout: 500 });
    }
  }).toPass({ timeout: 20_000 });
  await expect.poll(() => shopAvailable(request, shop, "as0040"), { timeout: 20_000 }).toBe(prokipQty);
});

/// Prokip's quantity of `sku` at the demo location, as the mock holds it.
async function prokipStock(request: APIRequestContext, location: number, sku: string): Promise<number> {
  const state = await (await request.get(`${prokip}/_control/state`)).json();
  return Number(state.stock[String(location)][sku]);
}

test("a sale at the till shows on Products and on the SKU page with its cause, without a re-index", async ({ page, request }) => {
  test.setTimeout(90_000);
  const shop = await connectedMerchant(page, request);
  const location = await demoLocation(request);
  const before = await prokipStock(request, location, "AS0021");
  const sale = await request.post(`${prokip}/_control/pos-sale`, { data: { location_id: location, sku: "AS0021", quantity: 2 } });
  expect(sale.ok()).toBeTruthy();
  const after = before - 2;
  // The poll would notice within a minute; Sync now reads Prokip at once.
  await page.goto("/products?q=AS0021");
  await ready(page);
  await page.getByRole("button", { name: "Sync now" }).click();
  await expect(page.getByTestId("notice")).toContainText("Sync started");
  await expect.poll(() => shopAvailable(request, shop, "AS0021"), { timeout: 45_000 }).toBe(after);

  await page.goto("/products?q=AS0021");
  await expect(page.getByTestId("sku-AS0021").getByTestId("prokip-qty")).toHaveText(String(after));
  await page.getByTestId("sku-AS0021").getByTestId("sku-link").click();
  await expect(page.getByRole("heading", { name: "SKU AS0021" })).toBeVisible();
  await expect(page.getByTestId("sku-prokip")).toHaveText(String(after));
  const sold = page.getByTestId("history-row").filter({ hasText: `Prokip quantity ${before} → ${after}` });
  await expect(sold).toContainText("a sale or stock change in Prokip, seen by");
  await expect(page.getByTestId("history-row").filter({ hasText: `Wrote ${after} (` }).first()).toBeVisible();
  await expect(page.getByTestId("sku-chart")).toBeVisible();
});

test("on a phone every page fits the screen; the activity filter works after hydration", async ({ page, request }) => {
  const shop = await connectedMerchant(page, request);
  await page.setViewportSize({ width: 390, height: 844 });
  for (const path of ["/", "/connections", "/products", "/products/AS0001", "/orders", "/activity", "/settings"]) {
    await page.goto(path);
    await ready(page);
    const [scroll, width] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    expect(scroll, `${path} is ${scroll}px wide on a ${width}px screen`).toBeLessThanOrEqual(width);
  }

  // The catalog match of the connect is in the log, and it is no problem.
  await page.goto("/activity");
  await expect(page.getByText(`Catalog of ${shop}`)).toBeVisible();
  await page.getByRole("link", { name: "Open problems only" }).click();
  await expect(page).toHaveURL(/open=1/);
  await expect(page.getByText(`Catalog of ${shop}`)).toHaveCount(0);
  await expect(page.getByText("Nothing to show.")).toBeVisible();
  await page.getByRole("link", { name: "Everything" }).click();
  await expect(page.getByText(`Catalog of ${shop}`)).toBeVisible();
});
