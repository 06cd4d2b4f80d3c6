import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Bundle } from "./bundle";

// Shared by the lib/os tests (not a test file itself).

/** The contract-4 example with expected EIPs. */
export const EXAMPLE = {
  os: "centos7",
  interfaces: [
    {
      device: "eth1",
      mac: "00:16:3e:12:34:56",
      primaryIp: "172.16.0.57",
      secondaryIps: ["172.16.0.77", "172.16.0.78"],
      prefixLength: 24,
      gateway: "172.16.0.253",
      routeTable: 1001,
      eips: { "172.16.0.57": "203.0.113.10", "172.16.0.77": "203.0.113.11", "172.16.0.78": "203.0.113.12" },
    },
  ],
};

export const FAMILY_CASES = [
  { name: "alinux2", os: "alinux2", persistence: "native" },
  { name: "centos7", os: "centos7", persistence: "native" },
  { name: "alinux3", os: "alinux3", persistence: "native" },
  { name: "rhel9", os: "rhel9", persistence: "native" },
  { name: "ubuntu", os: "ubuntu", persistence: "native" },
  { name: "debian", os: "debian", persistence: "native" },
  { name: "generic", os: "generic", persistence: "native" },
  { name: "alinux2-rc.local", os: "alinux2", persistence: "rc.local" },
  // The guest agent (spec `agent`), with an interface it must leave alone.
  { name: "ubuntu-agent", os: "ubuntu", persistence: "native", agent: { leaveAlone: ["eth3", "00:16:3E:99:00:03"] } },
] as const;

/** The spec of a FAMILY_CASES entry for `interfaces`. */
export function caseSpec(c: (typeof FAMILY_CASES)[number], interfaces: unknown[] = EXAMPLE.interfaces) {
  return { os: c.os, persistence: c.persistence, interfaces, ...("agent" in c ? { agent: c.agent } : {}) };
}

export function has(tool: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" }).status === 0;
}

export function writeBundle(bundle: Bundle, dir = mkdtempSync(path.join(os.tmpdir(), "eipilot-os-"))): string {
  for (const f of bundle.files) {
    const dst = path.join(dir, f.path);
    mkdirSync(path.dirname(dst), { recursive: true });
    writeFileSync(dst, f.content, { mode: parseInt(f.mode, 8) });
  }
  return dir;
}

/** Every shell program of a bundle: the *.sh scripts and programs such as files/usr/local/sbin/eipilot-netd. */
export function shellFiles(bundle: Bundle): string[] {
  return bundle.files
    .filter((f) => f.path.endsWith(".sh") || f.content.startsWith("#!/usr/bin/env bash\n"))
    .map((f) => f.path);
}

/**
 * bash -n and shellcheck at its default severity (style notes too, as `shellcheck apply.sh` run by
 * hand reports them) over every shell script of the bundles; returns problems ("" = clean).
 */
export function lintBundles(bundles: Bundle[], withShellcheck: boolean): string {
  const problems: string[] = [];
  for (const b of bundles) {
    const dir = writeBundle(b);
    try {
      const files = shellFiles(b).map((p) => path.join(dir, p));
      for (const f of files) {
        const r = spawnSync("bash", ["-n", f], { encoding: "utf8" });
        if (r.status !== 0) problems.push(`bash -n ${f}: ${r.stderr}`);
      }
      if (withShellcheck) {
        const r = spawnSync("shellcheck", ["-s", "bash", ...files], { encoding: "utf8" });
        if (r.status !== 0) problems.push(`shellcheck (${b.os}):\n${r.stdout}${r.stderr}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return problems.join("\n");
}

export function netplanGenerate(yaml: string): { ok: boolean; output: string; network: string } {
  const root = mkdtempSync(path.join(os.tmpdir(), "eipilot-netplan-"));
  try {
    mkdirSync(path.join(root, "etc/netplan"), { recursive: true });
    writeFileSync(path.join(root, "etc/netplan/90-eipilot.yaml"), yaml, { mode: 0o600 });
    const r = spawnSync("netplan", ["generate", "--root-dir", root], { encoding: "utf8" });
    let network = "";
    try {
      network = execFileSync("sh", ["-c", `cat "${root}"/run/systemd/network/*.network`], { encoding: "utf8" });
    } catch {
      // nothing generated
    }
    return { ok: r.status === 0, output: `${r.stdout}${r.stderr}`, network };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
