import { expect, test } from "@playwright/test";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { expectSameDocument, markDocument, ready, registerAndSignIn } from "./helpers";

// A receiver for the alerts, as a chat's incoming webhook would be: keeps each JSON body, answers 200.
async function receiver(): Promise<{ url: string; bodies: unknown[]; close: () => void }> {
  const bodies: unknown[] = [];
  const server = http.createServer((req, res) => {
    let data = "";
    req.on("data", (chunk) => (data += chunk));
    req.on("end", () => {
      bodies.push(JSON.parse(data));
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, bodies, close: () => server.close() };
}

test("an alert address is saved on Settings and a test alert reaches it", async ({ page }) => {
  const hook = await receiver();
  try {
    await registerAndSignIn(page, "Alert Traders");
    await page.goto("/settings");
    await ready(page);
    await markDocument(page);
    // This server has no mail relay (SMTP_URL): the e-mail field is off and says why.
    await expect(page.getByLabel("E-mail alerts to")).toBeDisabled();
    await expect(page.getByText("E-mail is not set up on this server")).toBeVisible();
    await page.getByLabel("Alert address (webhook URL)").fill(hook.url);
    await page.getByRole("button", { name: "Save alerts" }).click();
    await expect(page.getByTestId("notice")).toContainText("Alerts will be sent to the webhook address");
    await expectSameDocument(page);

    await ready(page);
    await page.getByRole("button", { name: "Send a test alert" }).click();
    await expect(page.getByTestId("notice")).toContainText("Test alert delivered (answered 200).");
    await expect(page.getByTestId("alert-sent").first()).toContainText("yes, answered 200");
    // The morning digest may arrive too once the address is saved (after 07:00 the housekeeping
    // minute sends it): the test alert is the one asked for here.
    const tests = (hook.bodies as { text: string; kind: string }[]).filter((b) => b.kind === "test");
    expect(tests).toHaveLength(1);
    expect(tests[0].text).toContain("Alert Traders: a test alert");

    await page.getByLabel("Alert address (webhook URL)").fill("ftp://example.com/hook");
    await page.getByRole("button", { name: "Save alerts" }).click();
    await expect(page.getByTestId("form-error")).toContainText("The alert address is not valid");
    await page.reload();
    await expect(page.getByLabel("Alert address (webhook URL)")).toHaveValue(hook.url);
  } finally {
    hook.close();
  }
});
