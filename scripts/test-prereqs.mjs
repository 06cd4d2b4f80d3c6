// `npm test` first gets what the suite needs from outside npm, so that
// `npm ci && npm test` on a fresh machine runs everything it can: Debian's
// packages when it runs as root on Debian, otherwise one line per missing piece
// naming what it is for and the command that installs it. The tests that need a
// missing piece announce their own skip; nothing here fails the suite.
import { spawnSync } from "node:child_process";
import fs from "node:fs";

const NEEDS = [
  { pkg: "chromium", found: () => chromiumPath() !== null, for: "the browser end-to-end tests (Playwright)" },
  { pkg: "iproute2", found: () => onPath("ip"), for: "the network-namespace lab tests of the guest scripts" },
  { pkg: "nftables", found: () => onPath("nft"), for: "the network-namespace lab tests (NAT of the EIPs)" },
  { pkg: "shellcheck", found: () => onPath("shellcheck"), for: "linting the generated guest scripts" },
  { pkg: "curl", found: () => onPath("curl"), for: "verify.sh's what-is-my-IP check in the lab" },
];

function onPath(cmd) {
  return spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;
}

/** The Chromium the e2e tests drive: CHROMIUM_PATH, Debian's, or none. (Playwright's own download is used when present.) */
export function chromiumPath() {
  for (const p of [process.env.CHROMIUM_PATH, "/usr/bin/chromium"]) if (p && fs.existsSync(p)) return p;
  return null;
}

const log = (line) => console.log(`[test prerequisites] ${line}`);

function aptInstall(pkgs) {
  const install = () =>
    spawnSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...pkgs], {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    }).status === 0;
  if (install()) return true;
  spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
  return install();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  let missing = NEEDS.filter((n) => !n.found());
  const canApt = process.getuid?.() === 0 && fs.existsSync("/etc/debian_version") && onPath("apt-get");
  if (missing.length && canApt) {
    log(`installing Debian packages: ${missing.map((n) => n.pkg).join(" ")}`);
    aptInstall(missing.map((n) => n.pkg));
    missing = NEEDS.filter((n) => !n.found());
  }
  for (const n of missing) {
    const how = canApt || fs.existsSync("/etc/debian_version") ? `apt-get install -y ${n.pkg}` : `install ${n.pkg}`;
    log(`missing ${n.pkg}, needed for ${n.for}; those tests are skipped. Install it with: ${how}`);
  }
  if (!missing.length) log("all present (chromium, iproute2, nftables, shellcheck, curl)");
}
