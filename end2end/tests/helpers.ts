import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { mocks } from "../playwright.config";

// A name nobody has used yet, per run and per project.
export function uniqueName(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}

// With JavaScript on, wait until the page is hydrated, so clicks hit live handlers. Compiling the
// debug build's wasm takes seconds on a busy machine: allow for it.
export async function ready(page: Page) {
  if (test.info().project.name === "js-on") {
    await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true", { timeout: 20_000 });
  }
}

// With JavaScript on, a form answers in place: the page is not loaded again. `markDocument` tags
// the loaded document; `expectSameDocument` then checks that the tag survived the form's answer.
export async function markDocument(page: Page) {
  if (test.info().project.name === "js-on") {
    await page.evaluate(() => {
      (window as unknown as { sameDocument: boolean }).sameDocument = true;
    });
  }
}

export async function expectSameDocument(page: Page) {
  if (test.info().project.name === "js-on") {
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
  }
}

export async function registerAndSignIn(page: Page, business: string): Promise<string> {
  const username = uniqueName("m");
  await page.goto("/register");
  await ready(page);
  await page.getByLabel("Business name").fill(business);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill("correct horse");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/$/);
  return username;
}

/// "Review new stores before the first sync" on the Settings page: `on` or `off`.
export async function setReview(page: Page, value: "on" | "off") {
  await page.goto("/settings");
  await ready(page);
  await markDocument(page);
  await page.locator(`input[name=review_new_stores][value=${value}]`).check();
  await page.getByRole("button", { name: "Save new-store setting" }).click();
  await expect(page.getByTestId("notice")).toContainText("Stores you connect from now on");
  await expectSameDocument(page);
}

/// A fresh shop seeded with the demo catalog, and a merchant with Prokip and that shop connected.
/// The shop syncs at once, unless `review` leaves the account's default: review before the first sync.
export async function connectedMerchant(page: Page, request: APIRequestContext, { review = false } = {}): Promise<string> {
  const shop = `${uniqueName("shop")}.myshopify.com`;
  await request.post(`http://127.0.0.1:${mocks.shopify}/_control/shops`, { data: { shop } });
  const seeded = await request.post(`http://127.0.0.1:${mocks.shopify}/_control/shops/${shop}/seed`, {
    data: JSON.stringify("demo"),
    headers: { "content-type": "application/json" },
  });
  expect(seeded.ok()).toBeTruthy();

  await registerAndSignIn(page, "Sync Co");
  if (!review) await setReview(page, "off");
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
  // The connect answered at once; the catalog is matched by a background job right after.
  await expect(async () => {
    await page.goto("/products?q=AS0001");
    await expect(page.getByTestId("sku-AS0001").getByTestId("match-status")).toHaveText("Matched", { timeout: 500 });
  }).toPass({ timeout: 20_000 });
  return shop;
}

/// The demo Prokip business's "Main Shop" location, where the merchant's stock lives.
export async function demoLocation(request: APIRequestContext): Promise<number> {
  const state = await (await request.get(`http://127.0.0.1:${mocks.prokip}/_control/state`)).json();
  const business = state.businesses.find((b: { users: string[] }) => b.users.includes("demo"));
  return business.locations.find((l: { name: string }) => l.name === "Main Shop").id;
}

/// What the shop's variant with `sku` has available (the mock shop has one location).
export async function shopAvailable(request: APIRequestContext, shop: string, sku: string): Promise<number | undefined> {
  const state = await (await request.get(`http://127.0.0.1:${mocks.shopify}/_control/shops/${shop}/state`)).json();
  const variant = state.variants.find((v: { sku: string }) => v.sku === sku);
  return variant ? (Object.values(variant.inventory)[0] as number) : undefined;
}

/// What the shop's variant with `sku` has available at the location `location` (a gid).
export async function shopAvailableAt(request: APIRequestContext, shop: string, sku: string, location: string): Promise<number | undefined> {
  const state = await (await request.get(`http://127.0.0.1:${mocks.shopify}/_control/shops/${shop}/state`)).json();
  const variant = state.variants.find((v: { sku: string }) => v.sku === sku);
  return variant ? variant.inventory[location] : undefined;
}

/// A new store on the WooCommerce mock: its name, address and REST API keys.
export async function newWooStore(request: APIRequestContext) {
  const name = uniqueName("woo");
  const created = await request.post(`http://127.0.0.1:${mocks.woo}/_control/stores`, { data: { name } });
  expect(created.ok()).toBeTruthy();
  const keys: { consumer_key: string; consumer_secret: string } = await created.json();
  return { name, storeUrl: `http://127.0.0.1:${mocks.woo}/${name}`, keys };
}

/// Sends the Connections page's "Or enter REST API keys" form (opening it when it is closed).
export async function submitWooKeys(page: Page, storeUrl: string, key: string, secret: string) {
  const details = page.locator("details", { hasText: "Or enter REST API keys" });
  if (!(await details.evaluate((d) => (d as HTMLDetailsElement).open))) {
    await page.getByText("Or enter REST API keys").click();
  }
  const form = page.locator("form[action='/connections/woocommerce']");
  await form.getByLabel("Store address").fill(storeUrl);
  await form.getByLabel("Consumer key").fill(key);
  await form.getByLabel("Consumer secret").fill(secret);
  await form.getByRole("button", { name: "Connect with keys" }).click();
}
