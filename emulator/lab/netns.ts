// Building blocks for network-namespace labs (the emulator's --lab mode and e2e/lab):
// namespace lifecycle, running commands inside a namespace, nftables rulesets applied
// atomically, the what-is-my-IP echo service, and cleanup of an earlier run's leftovers.
// Self-contained: imports nothing from app/, components/ or lib/.
//
// Nothing here sends traffic from the host namespace: the host only runs `ip netns add/del`
// and `ip netns exec`; every link is a veth between two lab namespaces.
import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export type ExecResult = { code: number; stdout: string; stderr: string };

/** The tools the emulator's lab mode (`--lab`) runs: the lab's own ones and `unshare` for the guests' sandboxes. */
export const LAB_MODE_TOOLS = ["ip", "nft", "curl", "bash", "unshare"];

/** Why a namespace lab cannot run here, or null when it can. */
export function labUnavailable(tools: string[] = ["ip", "nft", "curl", "bash"]): string | null {
  if (process.platform !== "linux") return "the network lab needs Linux";
  if (process.getuid?.() !== 0) return "the network lab needs root (ip netns)";
  for (const tool of tools) {
    try {
      execFileSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" });
    } catch {
      return `the network lab needs ${tool} (apt-get install -y iproute2 nftables curl util-linux)`;
    }
  }
  const probe = `eiplprobe-${process.pid}`;
  try {
    execFileSync("ip", ["netns", "add", probe], { stdio: "ignore" });
    execFileSync("ip", ["netns", "del", probe], { stdio: "ignore" });
  } catch {
    return "cannot create network namespaces here";
  }
  return null;
}

export function listNamespaces(): string[] {
  const out = execFileSync("ip", ["netns", "list"], { encoding: "utf8" });
  return out
    .split("\n")
    .map((l) => l.split(" ")[0] ?? "")
    .filter(Boolean);
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function nsAdd(name: string): void {
  execFileSync("ip", ["netns", "add", name], { stdio: ["ignore", "ignore", "pipe"] });
}

export function nsDel(name: string): void {
  try {
    execFileSync("ip", ["netns", "del", name], { stdio: "ignore" });
  } catch {
    // already gone
  }
}

/**
 * Deletes namespaces matching `re` whose owning process (capture group `pid`) is gone, or
 * is this process when `includeSelf`. Namespaces of concurrent runs are left alone.
 * Returns the names deleted.
 */
export function cleanupNamespaces(re: RegExp, opts: { includeSelf?: boolean } = {}): string[] {
  const deleted: string[] = [];
  for (const name of listNamespaces()) {
    const m = re.exec(name);
    const pid = Number(m?.groups?.pid);
    if (!m || !Number.isInteger(pid)) continue;
    if (pidAlive(pid) && !(opts.includeSelf && pid === process.pid)) continue;
    nsDel(name);
    deleted.push(name);
  }
  return deleted;
}

/** Runs a command inside a namespace; resolves with code/stdout/stderr, never rejects on exit code. */
export async function nsExec(
  ns: string,
  cmd: string[],
  opts: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<ExecResult> {
  const envArgs = Object.entries(opts.env ?? {}).map(([k, v]) => `${k}=${v}`);
  try {
    const r = await run("ip", ["netns", "exec", ns, "env", ...envArgs, ...cmd], {
      timeout: opts.timeoutMs ?? 30_000,
      maxBuffer: 16 << 20,
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number | string; stdout?: string; stderr?: string };
    return {
      code: typeof err.code === "number" ? err.code : -1,
      stdout: err.stdout ?? "",
      stderr: err.stderr ?? String(e),
    };
  }
}

/** Runs `sh -ec script` in a namespace; throws with stderr when it fails. */
export async function nsSh(ns: string, script: string): Promise<string> {
  const r = await nsExec(ns, ["sh", "-ec", script]);
  if (r.code !== 0) throw new Error(`lab command failed in ${ns}: ${script}\n${r.stderr}`);
  return r.stdout;
}

/** Loads an nftables ruleset (file syntax) in a namespace. */
export async function nftApply(ns: string, ruleset: string): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "eipl-nft-"));
  try {
    const f = path.join(dir, "ruleset.nft");
    writeFileSync(f, ruleset);
    const r = await nsExec(ns, ["nft", "-f", f]);
    if (r.code !== 0) throw new Error(`nft failed in ${ns}: ${r.stderr}\n${ruleset}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Atomically replaces table `family name` with the given body (the text between the braces). */
export function replaceTable(family: string, name: string, body: string): string {
  return `table ${family} ${name}\ndelete table ${family} ${name}\ntable ${family} ${name} {\n${body}}\n`;
}

export const BASE_NS_SETUP =
  "ip link set lo up; sysctl -qw net.ipv6.conf.all.disable_ipv6=1; sysctl -qw net.ipv6.conf.default.disable_ipv6=1";

// ---------------------------------------------------------------- rulesets

export type PortFilter = { port: string; mac: string; ips: string[] };

/**
 * vSwitch anti-spoofing, like the VPC: a bridge port only forwards frames whose source MAC
 * is its ENI's and whose source IP (and ARP sender IP) is one of the ENI's private IPs.
 * A port with no allowed IP drops all IP and ARP traffic.
 */
export function portFilterRules(ports: PortFilter[]): string[] {
  return ports.flatMap((p) => [
    `    iifname "${p.port}" ether saddr != ${p.mac} drop`,
    ...(p.ips.length
      ? [
          `    iifname "${p.port}" ip saddr != { ${p.ips.join(", ")} } drop`,
          `    iifname "${p.port}" arp saddr ip != { ${p.ips.join(", ")} } drop`,
        ]
      : [`    iifname "${p.port}" ether type { ip, arp } drop`]),
  ]);
}

export function vswitchRuleset(ports: PortFilter[]): string {
  return `table bridge vswitch {\n  chain portfilter {\n    type filter hook forward priority 0; policy accept;\n${portFilterRules(ports).join("\n")}\n  }\n}\n`;
}

export type NatPair = { privateIp: string; eip: string };

/**
 * EIP NAT mode on the VPC gateway: 1:1 DNAT/SNAT between each EIP and its private IP, and
 * private sources without an EIP do not get out. `wan` is the internet-facing interface.
 */
export function eipNatBody(pairs: NatPair[], wan: string, lanMatch: string): string {
  const lines = [
    "  chain pre {",
    "    type nat hook prerouting priority dstnat;",
    ...pairs.map((p) => `    ip daddr ${p.eip} dnat to ${p.privateIp}`),
    "  }",
    "  chain post {",
    "    type nat hook postrouting priority srcnat;",
    ...pairs.map((p) => `    oifname "${wan}" ip saddr ${p.privateIp} snat to ${p.eip}`),
    "  }",
    "  chain egress_filter {",
    "    type filter hook forward priority 0; policy accept;",
    pairs.length
      ? `    ${lanMatch} oifname "${wan}" ip saddr != { ${pairs.map((p) => p.privateIp).join(", ")} } drop`
      : `    ${lanMatch} oifname "${wan}" drop`,
    "  }",
  ];
  return lines.join("\n") + "\n";
}

export function eipNatRuleset(pairs: NatPair[], wan: string, lanMatch: string): string {
  return `table ip eipnat {\n${eipNatBody(pairs, wan, lanMatch)}}\n`;
}

// ---------------------------------------------------------------- echo service

export const ECHO_SERVER_SCRIPT = path.join(import.meta.dirname, "echo-server.mjs");

/**
 * Starts the echo service in a namespace: mode "remote" answers with the client's address
 * (what-is-my-IP), "local" with the address the request arrived at. Resolves when ready.
 */
export function startEchoServer(
  ns: string,
  host: string,
  port: number,
  mode: "remote" | "local",
): Promise<ChildProcess> {
  return startNsServer(ns, ECHO_SERVER_SCRIPT, [host, String(port), mode], "echo server");
}

/** Runs `node script args…` inside a namespace; resolves once it prints "ready". */
export function startNsServer(ns: string, script: string, args: string[], what: string): Promise<ChildProcess> {
  const child = spawn("ip", ["netns", "exec", ns, process.execPath, script, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise<ChildProcess>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what} in ${ns} did not start in 30 s`)), 30_000);
    child.stdout!.on("data", (d: Buffer) => {
      if (d.toString().includes("ready")) {
        clearTimeout(t);
        resolve(child);
      }
    });
    child.on("exit", (code) => {
      clearTimeout(t);
      reject(new Error(`${what} in ${ns} exited with ${code}`));
    });
  });
}
