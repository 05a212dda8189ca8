import { expect, test } from "@playwright/test";

test("the OpenAPI document is valid OpenAPI 3.1 and its reference page loads nothing from elsewhere", async ({
  page,
  request,
  baseURL,
}) => {
  test.skip(test.info().project.name === "js-off", "the page has no script: once is enough");
  const r = await request.get("/api/openapi.json");
  expect(r.status()).toBe(200);
  const doc = await r.json();
  expect(doc.openapi).toMatch(/^3\.1\./);

  // A validator of the OpenAPI 3.1 schema itself, from npm.
  const { Validator } = await import("@seriousme/openapi-schema-validator");
  const result = await new Validator().validate(doc);
  expect(result.errors ?? []).toEqual([]);
  expect(result.valid).toBe(true);

  const elsewhere: string[] = [];
  page.on("request", (req) => {
    if (!req.url().startsWith(baseURL!)) elsewhere.push(req.url());
  });
  await page.goto("/api/reference");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("API reference");
  const shown = await page.locator("section.op h2 code").allTextContents();
  expect(new Set(shown)).toEqual(new Set(Object.keys(doc.paths)));
  expect(elsewhere).toEqual([]);
});
