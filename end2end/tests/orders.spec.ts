import { expect, test } from "@playwright/test";
import { mocks } from "../playwright.config";
import { connectedMerchant, ready } from "./helpers";

const shopify = `http://127.0.0.1:${mocks.shopify}`;

// The browser's zone: registration takes it with JavaScript on; without, the account is in UTC.
test.use({ timezoneId: "Africa/Nairobi" });

function day(offset: number): string {
  return new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
}

test("orders are filtered, and an order opens with its lines, totals and timeline", async ({ page, request }) => {
  const shop = await connectedMerchant(page, request);
  const place = async (data: object) => {
    const placed = await request.post(`${shopify}/_control/shops/${shop}/orders`, { data });
    expect(placed.ok()).toBeTruthy();
    return (await placed.json()).order;
  };
  const paid = await place({
    line_items: [{ sku: "AS0003", quantity: 2 }],
    financial_status: "paid",
    email: "wanjiru@example.com",
    tax_rate: "0.16",
    shipping: "9.99",
    discount: "5.00",
  });
  const unpaid = await place({ line_items: [{ sku: "AS0005", quantity: 1 }], financial_status: "pending" });
  const row = (o: { name: string }) => page.getByRole("row", { name: new RegExp(`${o.name}\\b`) });

  await expect(async () => {
    await page.goto("/orders");
    await expect(row(paid).getByTestId("order-state")).toHaveText("Sent to Prokip", { timeout: 500 });
    await expect(row(unpaid).getByTestId("order-state")).toHaveText("Unpaid: stock held", { timeout: 500 });
  }).toPass({ timeout: 20_000 });

  // Search by a line's SKU, then by the customer's email.
  await ready(page);
  await page.getByLabel("Order, invoice, SKU or email").fill("AS0005");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/q=AS0005/);
  await expect(row(unpaid)).toBeVisible();
  await expect(row(paid)).toHaveCount(0);
  await page.getByLabel("Order, invoice, SKU or email").fill("wanjiru@");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/q=wanjiru/);
  await expect(row(paid)).toBeVisible();
  await expect(row(unpaid)).toHaveCount(0);

  // A row's store lists that store's orders: a link, which navigates in place once hydrated.
  await row(paid).getByRole("link", { name: "Shopify" }).click();
  await expect(page).toHaveURL(/\/orders\?store=\d+$/);
  await expect(row(unpaid)).toBeVisible();
  await expect(row(paid)).toBeVisible();

  // Store and received days.
  await expect(page.getByLabel("Store")).toHaveValue(/\d+/);
  await page.getByLabel("Received from").fill(day(-1));
  await page.getByLabel("to", { exact: true }).fill(day(1));
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/store=\d+/);
  await expect(row(paid)).toBeVisible();
  await expect(row(unpaid)).toBeVisible();
  await page.getByLabel("Received from").fill(day(2));
  await page.getByLabel("to", { exact: true }).fill("");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByText("No orders match.")).toBeVisible();

  // The order page.
  await page.goto("/orders");
  await ready(page);
  await row(paid).getByRole("link", { name: paid.name }).click();
  await expect(page).toHaveURL(/\/orders\/\d+$/);
  await expect(page.getByRole("heading", { name: `Order ${paid.name}` })).toBeVisible();
  const lines = page.getByTestId("order-lines");
  await expect(lines.getByRole("row", { name: /AS0003/ })).toContainText("2");
  await expect(lines.getByRole("row", { name: /AS0003/ }).getByRole("link")).toHaveAttribute("href", "/products/AS0003");
  await expect(page.getByTestId("order-totals")).toContainText("−5.00");
  await expect(page.getByTestId("order-totals")).toContainText("9.99");
  await expect(page.getByTestId("order-totals")).toContainText(`${Number(paid.total_price).toFixed(2)} KES`);
  await expect(page.getByTestId("order-customer")).toContainText("wanjiru@example.com");
  await expect(page.getByTestId("order-invoice")).toContainText(/SHOP-\d+-\d+ · sell \d+ in Prokip/);
  const timeline = page.getByTestId("order-timeline");
  await expect(timeline).toContainText("Received from the store");
  await expect(timeline).toContainText("Sent to Prokip as invoice");
  const zone = test.info().project.name === "js-on" ? "EAT" : "UTC";
  await expect(timeline.locator("time").first()).toHaveText(new RegExp(`\\d{2}:\\d{2}:\\d{2} ${zone}$`));
});
