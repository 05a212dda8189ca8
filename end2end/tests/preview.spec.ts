import { expect, test, type APIRequestContext } from "@playwright/test";
import { mocks } from "../playwright.config";
import { connectedMerchant, demoLocation, ready } from "./helpers";

const kinds = ["raised", "lowered", "zeroed", "unchanged", "unmatched"] as const;
type Kind = (typeof kinds)[number];

/// Every variant of the shop with what the next full sync would do to it, worked out from the
/// mocks: Prokip's whole units at the location (a new account holds no orders, no buffer) against
/// what the shop shows.
async function expected(request: APIRequestContext, shop: string): Promise<Record<Kind, number>> {
  const location = await demoLocation(request);
  const prokip = (await (await request.get(`http://127.0.0.1:${mocks.prokip}/_control/state`)).json()).stock[String(location)];
  const state = await (await request.get(`http://127.0.0.1:${mocks.shopify}/_control/shops/${shop}/state`)).json();
  const counts: Record<Kind, number> = { raised: 0, lowered: 0, zeroed: 0, unchanged: 0, unmatched: 0 };
  for (const v of state.variants as { sku: string; inventory: Record<string, number> }[]) {
    const shows = Object.values(v.inventory)[0];
    if (prokip[v.sku] === undefined) {
      counts.unmatched += 1;
      continue;
    }
    const sets = Math.max(0, Math.floor(Number(prokip[v.sku])));
    counts[shows === sets ? "unchanged" : sets === 0 ? "zeroed" : shows > sets ? "lowered" : "raised"] += 1;
  }
  return counts;
}

async function setProkip(request: APIRequestContext, sku: string, quantity: number) {
  const set = await request.post(`http://127.0.0.1:${mocks.prokip}/_control/stock`, {
    data: { location_id: await demoLocation(request), sku, quantity },
  });
  expect(set.ok()).toBeTruthy();
}

test("a new store shows a preview whose counts are what the mocks hold; Start syncing makes it match", async ({ page, request }) => {
  const shop = await connectedMerchant(page, request, { review: true });
  // One SKU of each kind of change, whatever earlier tests left in the shared Prokip business.
  await setProkip(request, "AS0005", 500 + Math.floor(Math.random() * 400));
  await setProkip(request, "AS0006", 1);
  await setProkip(request, "AS0007", 0);

  await page.goto("/connections");
  await ready(page);
  const store = page.locator("li.store", { hasText: shop });
  await expect(store.getByTestId("store-status")).toHaveText("Review before first sync");
  await store.getByRole("link", { name: "Review and start syncing" }).click();
  await expect(page).toHaveURL(/\/connections\/\d+\/preview$/);
  const want = await expected(request, shop);
  expect(want.raised).toBeGreaterThan(0);
  for (const k of kinds) await expect(page.getByTestId(`total-${k}`)).toHaveText(String(want[k]));

  // Filtered to one kind through its total's link: only its rows.
  await ready(page);
  await page.getByTestId("total-lowered").getByRole("link").click();
  await expect(page).toHaveURL(/show=lowered/);
  await expect(page.getByTestId("preview-AS0006")).toBeVisible();
  await expect(page.getByTestId("preview-AS0005")).toHaveCount(0);

  await ready(page);
  await page.getByRole("button", { name: "Start syncing" }).click();
  await expect(page.getByTestId("notice")).toContainText("Syncing started");
  await expect.poll(async () => (await expected(request, shop)).unchanged, { timeout: 20_000 }).toBe(want.raised + want.lowered + want.zeroed + want.unchanged);
  await page.goto(page.url().split("?")[0]);
  const after = await expected(request, shop);
  for (const k of kinds) await expect(page.getByTestId(`total-${k}`)).toHaveText(String(after[k]));
  await page.goto("/connections");
  await expect(page.locator("li.store", { hasText: shop }).getByTestId("store-status")).toHaveText("Healthy");
});
