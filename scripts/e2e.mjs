// `npm run test:e2e`: Playwright against `npm start`, or — with no browser to
// drive — a one-line skip that says what to install, instead of a red suite.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { chromiumPath } from "./test-prereqs.mjs";

function playwrightsOwnChromium() {
  const r = spawnSync(process.execPath, ["-e", 'console.log(require("playwright-core").chromium.executablePath())'], {
    encoding: "utf8",
  });
  const p = r.stdout?.trim();
  return r.status === 0 && p && fs.existsSync(p) ? p : null;
}

if (!chromiumPath() && !playwrightsOwnChromium()) {
  console.log(
    "[e2e] SKIPPED: no Chromium to drive (looked at $CHROMIUM_PATH, /usr/bin/chromium and Playwright's download). " +
      "Install it with: apt-get install -y chromium (Debian), or npx playwright install chromium where downloads are allowed",
  );
  process.exit(0);
}
const cli = path.join(import.meta.dirname, "..", "node_modules", "@playwright", "test", "cli.js");
const r = spawnSync(process.execPath, [cli, "test", ...process.argv.slice(2)], { stdio: "inherit" });
process.exit(r.status ?? 1);
