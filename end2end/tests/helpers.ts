import { expect, test, type Page } from "@playwright/test";

// A name nobody has used yet, per run and per project.
export function uniqueName(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}

// With JavaScript on, wait until the page is hydrated, so clicks hit live handlers.
export async function ready(page: Page) {
  if (test.info().project.name === "js-on") {
    await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
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
