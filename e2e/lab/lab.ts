import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { Bundle } from "@/lib/os/bundle";

// A network-namespace model of the VPC for the guest-OS bundles:
//
//   instance ns ── eth0 (primary ENI) ─┐
//               ── eth1… (secondary) ──┤ vswitch ns: bridge br0; nftables drops frames whose source
//                                      │             MAC/IP does not belong to the port's ENI
//   gateway ns ── vpc0 172.16.0.253 ───┘  1:1 NAT (EIP NAT mode) between each EIP and its private IP
//              ── wan0 198.51.100.1 ───── internet ns: up0 198.51.100.10, what-is-my-IP on :8080
//
// Only documentation ranges are used on the public side and nothing runs in the host namespace
// except `ip netns add/del`.

const run = promisify(execFile);

export const VPC_GATEWAY = "172.16.0.253";
export const ECHO_IP = "198.51.100.10";
export const ECHO_URL = `http://${ECHO_IP}:8080/`;
const WAN_GW = "198.51.100.1";

export type LabPort = { name: string; mac: string; ips: string[]; eips: string[] };
export type LabTopology = { primary: LabPort; enis: LabPort[] };

/** Why the lab cannot run here, or null when it can. */
export function labUnavailable(): string | null {
  if (process.platform !== "linux") return "the network lab needs Linux";
  if (process.getuid?.() !== 0) return "the network lab needs root (ip netns)";
  for (const tool of ["ip", "nft", "curl", "bash"]) {
    try {
      execFileSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" });
    } catch {
      return `the network lab needs ${tool} (apt-get install -y iproute2 nftables curl)`;
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

const NS_RE = /^eipl([a-z])-(\d+)-[a-z]$/;

/** Deletes namespaces left by earlier lab runs whose process is gone (concurrent runs are left alone). */
export function cleanupLeftovers(caseId: string) {
  const out = execFileSync("ip", ["netns", "list"], { encoding: "utf8" });
  for (const line of out.split("\n")) {
    const name = line.split(" ")[0] ?? "";
    const m = NS_RE.exec(name);
    if (!m || m[1] !== caseId) continue;
    const pid = Number(m[2]);
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch {
      alive = false;
    }
    if (!alive || pid === process.pid) execFileSync("ip", ["netns", "del", name], { stdio: "ignore" });
  }
}

export class Lab {
  readonly ns: { inst: string; vsw: string; gw: string; net: string };
  private servers: ChildProcess[] = [];
  private tmp: string[] = [];

  constructor(
    readonly caseId: string,
    readonly topo: LabTopology,
  ) {
    const p = `eipl${caseId}-${process.pid}`;
    this.ns = { inst: `${p}-i`, vsw: `${p}-s`, gw: `${p}-g`, net: `${p}-n` };
  }

  /** Runs a command inside a namespace; resolves with code/stdout/stderr, never rejects on exit code. */
  async exec(ns: string, cmd: string[], env: Record<string, string> = {}, timeoutMs = 30_000) {
    const envArgs = Object.entries(env).map(([k, v]) => `${k}=${v}`);
    try {
      const r = await run("ip", ["netns", "exec", ns, "env", ...envArgs, ...cmd], { timeout: timeoutMs, maxBuffer: 16 << 20 });
      return { code: 0, stdout: r.stdout, stderr: r.stderr };
    } catch (e) {
      const err = e as { code?: number | string; stdout?: string; stderr?: string };
      return { code: typeof err.code === "number" ? err.code : -1, stdout: err.stdout ?? "", stderr: err.stderr ?? String(e) };
    }
  }

  async sh(ns: string, script: string) {
    const r = await this.exec(ns, ["sh", "-ec", script]);
    if (r.code !== 0) throw new Error(`lab setup failed in ${ns}: ${script}\n${r.stderr}`);
    return r.stdout;
  }

  async up() {
    const { inst, vsw, gw, net } = this.ns;
    for (const n of [inst, vsw, gw, net]) execFileSync("ip", ["netns", "add", n]);
    const base = "ip link set lo up; sysctl -qw net.ipv6.conf.all.disable_ipv6=1; sysctl -qw net.ipv6.conf.default.disable_ipv6=1";
    const ports = [this.topo.primary, ...this.topo.enis];
    // Instance side: one veth per ENI, the peer is a port of the vSwitch bridge.
    // RHEL-family default: strict reverse-path filtering, inherited by every interface created below.
    const instCmds = [base, "sysctl -qw net.ipv4.conf.all.rp_filter=1", "sysctl -qw net.ipv4.conf.default.rp_filter=1"];
    for (const [i, p] of ports.entries()) {
      instCmds.push(`ip link add ${p.name} address ${p.mac} type veth peer name port${i} netns ${vsw}`, `ip link set ${p.name} up`);
    }
    const prim = this.topo.primary;
    instCmds.push(`ip addr add ${prim.ips[0]}/24 dev ${prim.name}`, `ip route add default via ${VPC_GATEWAY} dev ${prim.name} metric 100`);
    await this.sh(inst, instCmds.join("\n"));
    // Gateway and internet.
    await this.sh(
      gw,
      [
        base,
        `ip link add vpc0 type veth peer name portgw netns ${vsw}`,
        `ip link add wan0 type veth peer name up0 netns ${net}`,
        `ip addr add ${VPC_GATEWAY}/24 dev vpc0`,
        `ip addr add ${WAN_GW}/24 dev wan0`,
        "ip link set vpc0 up",
        "ip link set wan0 up",
        "sysctl -qw net.ipv4.ip_forward=1",
      ].join("\n"),
    );
    await this.sh(net, [base, `ip addr add ${ECHO_IP}/24 dev up0`, "ip link set up0 up", `ip route add 203.0.113.0/24 via ${WAN_GW}`].join("\n"));
    // vSwitch: a bridge whose ports only accept their own ENI's MAC and private IPs (like the VPC).
    const vswCmds = [base, "ip link add br0 type bridge", "ip link set br0 up"];
    for (const name of [...ports.map((_, i) => `port${i}`), "portgw"]) vswCmds.push(`ip link set ${name} master br0`, `ip link set ${name} up`);
    await this.sh(vsw, vswCmds.join("\n"));
    const filter = ports.flatMap((p, i) => [
      `    iifname "port${i}" ether saddr != ${p.mac} drop`,
      `    iifname "port${i}" ip saddr != { ${p.ips.join(", ")} } drop`,
      `    iifname "port${i}" arp saddr ip != { ${p.ips.join(", ")} } drop`,
    ]);
    await this.nft(vsw, `table bridge vswitch {\n  chain portfilter {\n    type filter hook forward priority 0; policy accept;\n${filter.join("\n")}\n  }\n}\n`);
    // Gateway: EIP NAT mode, 1:1 per private IP; private sources without an EIP do not get out.
    const pairs = ports.flatMap((p) => p.ips.map((ip, j) => [ip, p.eips[j]!] as const));
    await this.nft(
      gw,
      [
        "table ip eipnat {",
        "  chain pre {",
        "    type nat hook prerouting priority dstnat;",
        ...pairs.map(([priv, eip]) => `    ip daddr ${eip} dnat to ${priv}`),
        "  }",
        "  chain post {",
        "    type nat hook postrouting priority srcnat;",
        ...pairs.map(([priv, eip]) => `    oifname "wan0" ip saddr ${priv} snat to ${eip}`),
        "  }",
        "  chain egress_filter {",
        "    type filter hook forward priority 0; policy accept;",
        `    iifname "vpc0" oifname "wan0" ip saddr != { ${pairs.map(([priv]) => priv).join(", ")} } drop`,
        "  }",
        "}",
        "",
      ].join("\n"),
    );
    await this.server(net, ECHO_IP, "remote");
    await this.server(inst, "0.0.0.0", "local");
  }

  private async nft(ns: string, ruleset: string) {
    const dir = this.tempDir();
    const f = path.join(dir, "ruleset.nft");
    writeFileSync(f, ruleset);
    const r = await this.exec(ns, ["nft", "-f", f]);
    if (r.code !== 0) throw new Error(`nft failed in ${ns}: ${r.stderr}\n${ruleset}`);
  }

  private server(ns: string, host: string, mode: "remote" | "local") {
    const script = path.join(import.meta.dirname, "echo-server.mjs");
    const child = spawn("ip", ["netns", "exec", ns, process.execPath, script, host, "8080", mode], { stdio: ["ignore", "pipe", "pipe"] });
    this.servers.push(child);
    return new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`echo server in ${ns} did not start`)), 10_000);
      child.stdout!.on("data", (d: Buffer) => {
        if (d.toString().includes("ready")) {
          clearTimeout(t);
          resolve();
        }
      });
      child.on("exit", (code) => reject(new Error(`echo server in ${ns} exited with ${code}`)));
    });
  }

  tempDir() {
    const d = mkdtempSync(path.join(os.tmpdir(), `eipl${this.caseId}-`));
    this.tmp.push(d);
    return d;
  }

  /** Writes a bundle with its modes into a fresh directory. */
  writeBundle(bundle: Bundle) {
    const dir = this.tempDir();
    for (const f of bundle.files) {
      const dst = path.join(dir, f.path);
      mkdirSync(path.dirname(dst), { recursive: true });
      writeFileSync(dst, f.content);
      chmodSync(dst, parseInt(f.mode, 8));
    }
    return dir;
  }

  /** The instance's routing state: addresses, rules, every table, and the sysctls the bundle touches. */
  async dump() {
    const r = await this.exec(this.ns.inst, [
      "sh",
      "-c",
      "ip -4 -o addr show; echo; ip -4 rule show; echo; ip -4 route show table all; echo; " +
        "for f in /proc/sys/net/ipv4/conf/*/rp_filter /proc/sys/net/ipv4/conf/*/arp_ignore /proc/sys/net/ipv4/conf/*/arp_announce; do echo \"$f $(cat $f)\"; done",
    ]);
    if (r.code !== 0) throw new Error(`dump failed: ${r.stderr}`);
    return r.stdout;
  }

  /** What the echo service sees when the instance fetches it from `source` (or with the default source). */
  async egress(source?: string, maxTime = 5) {
    const r = await this.exec(this.ns.inst, ["curl", "-sS", "--max-time", String(maxTime), ...(source ? ["--interface", source] : []), ECHO_URL]);
    return r.code === 0 ? r.stdout.trim() : `error(${r.code})`;
  }

  /** Fetches http://EIP:8080/ from the internet; the instance answers with the private IP it was reached at. */
  async inbound(eip: string) {
    const r = await this.exec(this.ns.net, ["curl", "-sS", "--max-time", "3", `http://${eip}:8080/`]);
    return r.code === 0 ? r.stdout.trim() : `error(${r.code})`;
  }

  down() {
    for (const s of this.servers) s.kill("SIGKILL");
    for (const n of Object.values(this.ns)) {
      try {
        execFileSync("ip", ["netns", "del", n], { stdio: "ignore" });
      } catch {
        // already gone
      }
    }
    for (const d of this.tmp) rmSync(d, { recursive: true, force: true });
  }
}
