import { defineConfig, devices } from "@playwright/test";

// Debian's Chromium: Playwright cannot download its own browser here.
const launchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};

const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
// The mock platforms, on ports of their own so a running demo does not collide with the tests.
// E2E_MOCKS_PORT moves all three (e.g. to run beside another checkout's tests).
const mocksPort = Number(process.env.E2E_MOCKS_PORT ?? 14000);
export const mocks = { prokip: mocksPort, shopify: mocksPort + 1, woo: mocksPort + 2 };

export default defineConfig({
  testDir: "./tests",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 30_000,
  reporter: [["list"]],
  use: { baseURL, trace: "retain-on-failure", launchOptions },
  webServer: [
    {
      command: `${process.env.MOCKS_BIN ?? "../target/debug/mocks"} --prokip-port ${mocks.prokip} --shopify-port ${mocks.shopify} --woo-port ${mocks.woo}`,
      cwd: "..",
      url: `http://127.0.0.1:${mocks.prokip}/_control/state`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "pipe",
    },
    {
    command: process.env.SERVER_BIN ?? "../target/debug/server",
    cwd: "..",
    url: `${baseURL}/readyz`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "pipe",
    env: {
      DATABASE_URL: process.env.E2E_DATABASE_URL ?? "",
      PORT: String(port),
      PUBLIC_URL: baseURL,
      APP_ENV: "test",
      LEPTOS_SITE_ROOT: "target/site",
      RUST_LOG: "warn",
      MOCK_MODE: "true",
      PROKIP_API: `http://127.0.0.1:${mocks.prokip}`,
      SHOPIFY_SHOP_URL_TEMPLATE: `http://127.0.0.1:${mocks.shopify}/{shop}`,
      ENCRYPTION_KEY: "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
    },
    },
  ],
  projects: [
    { name: "js-on", use: { ...devices["Desktop Chrome"], launchOptions } },
    { name: "js-off", use: { ...devices["Desktop Chrome"], launchOptions, javaScriptEnabled: false } },
  ],
});
