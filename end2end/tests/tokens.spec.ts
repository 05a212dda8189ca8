import { expect, test } from "@playwright/test";
import { expectSameDocument, markDocument, ready, registerAndSignIn } from "./helpers";

test("an API token is made on Settings, shown once, used by a script and revoked", async ({ page, request }) => {
  await registerAndSignIn(page, "Token Traders");
  await page.goto("/settings");
  await ready(page);
  await markDocument(page);
  await page.getByLabel("Name", { exact: true }).fill("nightly report");
  await page.getByLabel(/Read and change/).check();
  await page.getByLabel("Expires after").selectOption({ label: "a year" });
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page.getByTestId("notice")).toContainText("Token “nightly report” (read+write) created. Copy it now");
  const token = await page.getByTestId("new-token").inputValue();
  expect(token).toMatch(/^pst_[A-Za-z0-9_-]{43}$/);
  await expectSameDocument(page);
  const row = page.getByTestId("api-token").filter({ hasText: "nightly report" });
  await expect(row).toContainText(token.slice(0, 8));
  await expect(row.locator("td").nth(4)).toHaveText("never");

  // A script, with no cookie of the dashboard's: the token alone opens the JSON API, never a page.
  const auth = { Authorization: `Bearer ${token}` };
  const status = await request.get("/sync/status", { headers: auth });
  expect(status.status()).toBe(200);
  expect(await status.json()).toEqual([]);
  const pageByToken = await request.get("/settings", { headers: auth, maxRedirects: 0 });
  expect(pageByToken.status()).toBe(403);

  await page.reload();
  await expect(page.getByTestId("new-token")).toHaveCount(0);
  await expect(row.locator("td").nth(4)).not.toHaveText("never");

  await ready(page);
  await markDocument(page);
  await page.getByRole("button", { name: "Revoke nightly report" }).click();
  await expect(page.getByTestId("notice")).toContainText("Token “nightly report” revoked");
  await expectSameDocument(page);
  await expect(row.locator("td").nth(6)).toHaveText("revoked");
  await expect(page.getByRole("button", { name: "Revoke nightly report" })).toHaveCount(0);
  expect((await request.get("/sync/status", { headers: auth })).status()).toBe(401);
});

test("a token form with no name says so beside the field and makes nothing", async ({ page }) => {
  await registerAndSignIn(page, "Token Traders");
  await page.goto("/settings");
  await ready(page);
  // Past the browser's own check, to see the server's answer.
  await page.getByLabel("Name", { exact: true }).evaluate((e) => e.removeAttribute("required"));
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page.getByTestId("form-error")).toContainText("Name the token");
  await expect(page.getByTestId("api-tokens")).toHaveCount(0);
  await expect(page.getByText("No tokens yet.")).toBeVisible();
});
