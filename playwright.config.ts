import fs from "node:fs";
import { defineConfig } from "@playwright/test";

// End-to-end tests drive Debian's Chromium against the production build served by
// `npm start` (demo mode: emulator alongside) on a fresh data directory.
const PORT = Number(process.env.E2E_PORT ?? 3210);
export const BASE_URL = `http://127.0.0.1:${PORT}`;

export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  outputDir: "test-results",
  timeout: 120_000,
  expect: { timeout: 15_000 },
  workers: 1,
  // One retry under CI: a spec that fails twice is still red, and Playwright reports one that passed on
  // the retry as "flaky" by name in the summary (which scripts/run-parallel.mjs repeats at the end).
  retries: process.env.CI ? 1 : 0,
  reporter: [["list"]],
  use: {
    baseURL: BASE_URL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      // Debian's Chromium (or CHROMIUM_PATH); without either, Playwright's own download (scripts/e2e.mjs checks one exists).
      executablePath:
        process.env.CHROMIUM_PATH ?? (fs.existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined),
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: {
    command: "rm -rf data/e2e && node scripts/start.mjs",
    url: `${BASE_URL}/api/health`,
    timeout: 600_000,
    reuseExistingServer: false,
    // SIGTERM, not SIGKILL: the emulator's lab removes its network namespaces on the way out.
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
    stdout: "pipe",
    env: { PORT: String(PORT), DATA_DIR: "data/e2e", AUTH_SIGNIN_LIMIT: "1000", APP_URL: BASE_URL, LOG_LEVEL: "warn" },
  },
});
