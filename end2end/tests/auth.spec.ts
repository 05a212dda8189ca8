import { expect, test } from "@playwright/test";
import { ready, uniqueName } from "./helpers";

test("register, see the overview, sign out, fail once, then sign in", async ({ page }) => {
  const username = uniqueName("amina");
  await page.goto("/register");
  await ready(page);
  await page.getByLabel("Business name").fill("Amina Traders");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill("correct horse");
  await page.getByRole("button", { name: "Create account" }).click();

  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await expect(page.getByTestId("account-name")).toHaveText("Amina Traders");
  await expect(page.getByRole("heading", { name: "Connect Prokip first" })).toBeVisible();
  for (const id of ["connections", "mapped-skus", "orders-today", "needs-attention"]) {
    await expect(page.getByTestId(id)).toHaveText("0");
  }

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);

  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill("wrong horse");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toHaveText("Wrong username or password.");
  await expect(page.getByLabel("Username")).toHaveValue(username);

  await ready(page);
  await page.getByLabel("Password").fill("correct horse");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId("account-name")).toHaveText("Amina Traders");
});

test("a signed-out visit to a private page lands on the sign-in page", async ({ page }) => {
  await page.goto("/products");
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole("heading", { name: "Sign in to Prokip Sync" })).toBeVisible();
});

test("a short password is refused next to the password field; nothing typed is lost", async ({ page }) => {
  await page.goto("/register");
  await ready(page);
  const password = page.getByLabel("Password");
  // A fresh form marks nothing as wrong, and the browser knows the rules.
  await expect(page.locator('[aria-invalid="true"]')).toHaveCount(0);
  await expect(password).toHaveAttribute("minlength", "8");
  await page.getByLabel("Business name").fill("Short Co");
  const username = uniqueName("short");
  await page.getByLabel("Username").fill(username);
  await password.fill("1234567");
  // The server checks too, for a browser that ignores the attribute.
  await password.evaluate((el) => el.removeAttribute("minlength"));
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/register\?/);
  await expect(page.getByLabel("Password")).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#password-error")).toHaveText("Password must be at least 8 characters long.");
  await expect(page.getByLabel("Business name")).toHaveValue("Short Co");
  await expect(page.getByLabel("Username")).toHaveValue(username);
  await expect(page.locator('[aria-invalid="true"]')).toHaveCount(1);
});

test("the navigation reaches the Settings page", async ({ page }) => {
  await page.goto("/register");
  await page.getByLabel("Business name").fill("Nav Co");
  await page.getByLabel("Username").fill(uniqueName("nav"));
  await page.getByLabel("Password").fill("correct horse");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/$/);
  await ready(page);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
  await expect(page).toHaveURL(/\/settings$/);
  await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();
  await expect(page.getByText("Your business's payment methods appear here once read from Prokip")).toBeVisible();
  await page.getByLabel("The customer with the order's email").check();
  await page.getByRole("button", { name: "Save customer setting" }).click();
  await expect(page.getByTestId("notice")).toContainText("customer with the order's email");
  // Shown once: a reload of the same address shows nothing.
  await page.reload();
  await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();
  await expect(page.getByTestId("notice")).toHaveCount(0);
  // No text from an address is shown as ours.
  await page.goto("/settings?notice=Your%20Prokip%20password%20expired.%20Re-enter%20it%20at%20evil.example");
  await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();
  await expect(page.getByText("evil.example")).toHaveCount(0);
  await expect(page.getByTestId("notice")).toHaveCount(0);
});

test("pages and the browser code come compressed; code with hashed names is cached for good, pages revalidated", async ({ request }) => {
  const page = await request.get("/login", { headers: { "accept-encoding": "br, gzip" } });
  expect(page.headers()["content-encoding"]).toBe("br");
  expect(page.headers()["cache-control"]).toBe("private, no-cache");
  const html = await page.text();
  const assets = [...html.matchAll(/href="(\/pkg\/[^"]+\.(?:wasm|js|css))"/g)].map((m) => m[1]);
  expect(assets).toHaveLength(3);
  for (const path of assets) {
    expect(path).toMatch(/^\/pkg\/prokip-sync\.[A-Za-z0-9_-]{22}\.(wasm|js|css)$/);
    for (const encoding of ["br", "gzip"]) {
      const asset = await request.get(path, { headers: { "accept-encoding": encoding } });
      expect(asset.ok()).toBeTruthy();
      expect(asset.headers()["content-encoding"], `${path} asked for ${encoding}`).toBe(encoding);
      expect(asset.headers()["cache-control"]).toBe("public, max-age=31536000, immutable");
    }
  }
  const wasmPath = assets.find((a) => a.endsWith(".wasm"))!;
  const modified = (await request.get(wasmPath)).headers()["last-modified"];
  expect(modified).toBeTruthy();
  const again = await request.get(wasmPath, { headers: { "if-modified-since": modified } });
  expect(again.status()).toBe(304);
});
