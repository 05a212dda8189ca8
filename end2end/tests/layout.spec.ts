import AxeBuilder from "@axe-core/playwright";
import { expect, test, type APIRequestContext, type Locator, type Page } from "@playwright/test";
import { connectedMerchant, ready } from "./helpers";

// A phone held upright (iPhone 12–15 class).
const PHONE = { width: 390, height: 844 };

type Visit = { name: string; path: string };

/// Every page a merchant sees: signed in with a Shopify store still in review (so it has a
/// preview), one SKU page, then the two pages of a signed-out visitor. `check` runs on each.
async function everyPage(page: Page, request: APIRequestContext, check: (page: Page, visit: Visit) => Promise<void>) {
  test.setTimeout(120_000);
  await connectedMerchant(page, request, { review: true });
  await page.goto("/connections");
  const preview = await page.getByTestId("review-link").first().getAttribute("href");
  expect(preview).toMatch(/^\/connections\/\d+\/preview$/);
  await page.setViewportSize(PHONE);
  const signedIn: Visit[] = [
    { name: "Overview", path: "/" },
    { name: "Connections", path: "/connections" },
    { name: "Store preview", path: preview! },
    { name: "Products", path: "/products" },
    { name: "SKU page", path: "/products/AS0001" },
    { name: "Orders", path: "/orders" },
    { name: "Activity", path: "/activity" },
    { name: "Settings", path: "/settings" },
  ];
  for (const visit of signedIn) await visitAndCheck(page, visit, check);
  await page.context().clearCookies();
  for (const visit of [{ name: "Login", path: "/login" }, { name: "Register", path: "/register" }]) {
    await visitAndCheck(page, visit, check);
  }
}

async function visitAndCheck(page: Page, visit: Visit, check: (page: Page, visit: Visit) => Promise<void>) {
  await test.step(visit.name, async () => {
    await page.goto(visit.path);
    await ready(page);
    await expect(page).toHaveURL(new RegExp(`${visit.path.replace(/[?]/g, "\\$&")}$`));
    await check(page, visit);
  });
}

test("at 390 px no page scrolls sideways: wide tables scroll inside their own box", async ({ page, request }) => {
  const wider: string[] = [];
  await everyPage(page, request, async (page, { name }) => {
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({
      scrollWidth: document.scrollingElement!.scrollWidth,
      innerWidth: window.innerWidth,
    }));
    if (scrollWidth > innerWidth) wider.push(`${name}: ${scrollWidth} px wide in a ${innerWidth} px viewport`);
  });
  expect(wider, "pages wider than the phone").toEqual([]);
});

test("no page has a serious or critical accessibility violation (axe)", async ({ page, request }) => {
  // axe runs as a script in the page: with JavaScript off there is nothing to run it in, and the
  // markup it would check is the same server-rendered HTML.
  test.skip(test.info().project.name === "js-off", "axe needs JavaScript in the page");
  const found: string[] = [];
  await everyPage(page, request, async (page, { name }) => {
    const { violations } = await new AxeBuilder({ page }).analyze();
    for (const v of violations.filter((v) => v.impact === "serious" || v.impact === "critical")) {
      const targets = v.nodes.map((n) => n.target.join(" ")).join(", ");
      found.push(`${name}: ${v.id} (${v.impact}) at ${targets}`);
    }
  });
  expect(found, "serious or critical axe violations").toEqual([]);
});

/// Presses Tab until `target` has the focus (at most `limit` times), as a keyboard user would.
async function tabTo(page: Page, target: Locator, limit = 60) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press("Tab");
    if (await target.evaluate((el) => el === document.activeElement)) return;
  }
  throw new Error(`${target} was not reached with ${limit} presses of Tab`);
}

test("keyboard only: sign in, open Connections, set a store's safety buffer", async ({ page, request }) => {
  const shop = await connectedMerchant(page, request);
  const username = (await page.locator(".username").textContent())!.trim();
  await page.context().clearCookies();

  // From here on: key presses only.
  await page.goto("/login");
  await ready(page);
  await tabTo(page, page.getByLabel("Username"));
  await page.keyboard.type(username);
  await tabTo(page, page.getByLabel("Password"));
  await page.keyboard.type("correct horse");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/$/);

  await ready(page);
  await tabTo(page, page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Connections" }));
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/connections$/);

  await ready(page);
  const store = page.locator("li.store", { hasText: shop });
  await tabTo(page, store.getByLabel("Safety buffer"));
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.type("3");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("notice")).toContainText("Safety buffer set to 3");
  await expect(page.locator("li.store", { hasText: shop }).getByLabel("Safety buffer")).toHaveValue("3");
});
