import type { ChildProcess } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Bundle } from "@/lib/os/bundle";
import {
  BASE_NS_SETUP,
  cleanupNamespaces,
  eipNatRuleset,
  labUnavailable,
  nftApply,
  nsAdd,
  nsDel,
  nsExec,
  nsSh,
  startEchoServer,
  vswitchRuleset,
} from "@/emulator/lab/netns";

// A network-namespace model of the VPC for the guest-OS bundles:
//
//   instance ns ── eth0 (primary ENI) ─┐
//               ── eth1… (secondary) ──┤ vswitch ns: bridge br0; nftables drops frames whose source
//                                      │             MAC/IP does not belong to the port's ENI
//   gateway ns ── vpc0 172.16.0.253 ───┘  1:1 NAT (EIP NAT mode) between each EIP and its private IP
//              ── wan0 198.51.100.1 ───── internet ns: up0 198.51.100.10, what-is-my-IP on :8080
//
// Only documentation ranges are used on the public side and nothing runs in the host namespace
// except `ip netns add/del`. The namespace, nftables and echo-service building blocks are shared
// with the emulator's --lab mode (emulator/lab/).

export { labUnavailable };

export const VPC_GATEWAY = "172.16.0.253";
export const ECHO_IP = "198.51.100.10";
export const ECHO_URL = `http://${ECHO_IP}:8080/`;
const WAN_GW = "198.51.100.1";

/** `eips[j]` is the EIP bound to `ips[j]` in the cloud, or null when that private IP has none. */
export type LabPort = { name: string; mac: string; ips: string[]; eips: (string | null)[] };
export type LabTopology = { primary: LabPort; enis: LabPort[] };

/** Deletes namespaces left by earlier lab runs whose process is gone (concurrent runs are left alone). */
export function cleanupLeftovers(caseId: string) {
  cleanupNamespaces(new RegExp(`^eipl${caseId}-(?<pid>\\d+)-[a-z]$`), { includeSelf: true });
}

export class Lab {
  readonly ns: { inst: string; vsw: string; gw: string; net: string };
  private servers: ChildProcess[] = [];
  private localServer: ChildProcess | null = null;
  private tmp: string[] = [];

  /** `prefix` keeps the namespaces of different lab suites apart ("eipl" apply lab, "eipb" boot lab). */
  constructor(
    readonly caseId: string,
    readonly topo: LabTopology,
    readonly prefix = "eipl",
  ) {
    const p = `${prefix}${caseId}-${process.pid}`;
    this.ns = { inst: `${p}-i`, vsw: `${p}-s`, gw: `${p}-g`, net: `${p}-n` };
  }

  /** Runs a command inside a namespace; resolves with code/stdout/stderr, never rejects on exit code. */
  exec(ns: string, cmd: string[], env: Record<string, string> = {}, timeoutMs = 30_000) {
    return nsExec(ns, cmd, { env, timeoutMs });
  }

  sh(ns: string, script: string) {
    return nsSh(ns, script);
  }

  async up() {
    const { inst, vsw, gw, net } = this.ns;
    for (const n of [inst, vsw, gw, net]) nsAdd(n);
    const base = BASE_NS_SETUP;
    const ports = [this.topo.primary, ...this.topo.enis];
    await this.sh(inst, base);
    await this.sh(vsw, [base, "ip link add br0 type bridge", "ip link set br0 up"].join("\n"));
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
    await this.sh(
      net,
      [
        base,
        `ip addr add ${ECHO_IP}/24 dev up0`,
        "ip link set up0 up",
        `ip route add 203.0.113.0/24 via ${WAN_GW}`,
      ].join("\n"),
    );
    await this.sh(vsw, "ip link set portgw master br0\nip link set portgw up");
    // Gateway: EIP NAT mode, 1:1 per private IP; private sources without an EIP do not get out.
    const pairs = ports.flatMap((p) =>
      p.ips.flatMap((ip, j) => (p.eips[j] ? [{ privateIp: ip, eip: p.eips[j] }] : [])),
    );
    await nftApply(gw, eipNatRuleset(pairs, "wan0", 'iifname "vpc0"'));
    await this.server(net, ECHO_IP, "remote");
    await this.instanceUp();
  }

  /**
   * The instance side: one veth per ENI whose peer is a port of the vSwitch bridge, the primary
   * ENI's address and default route (what the cloud's DHCP gives it), and the local echo service.
   */
  private async instanceUp() {
    const { inst, vsw } = this.ns;
    const ports = [this.topo.primary, ...this.topo.enis];
    // RHEL-family default: strict reverse-path filtering, inherited by every interface created below.
    const instCmds = ["sysctl -qw net.ipv4.conf.all.rp_filter=1", "sysctl -qw net.ipv4.conf.default.rp_filter=1"];
    for (const [i, p] of ports.entries()) {
      instCmds.push(
        `ip link add ${p.name} address ${p.mac} type veth peer name port${i} netns ${vsw}`,
        `ip link set ${p.name} up`,
      );
    }
    const prim = this.topo.primary;
    instCmds.push(
      `ip addr add ${prim.ips[0]}/24 dev ${prim.name}`,
      `ip route add default via ${VPC_GATEWAY} dev ${prim.name} metric 100`,
    );
    await this.sh(inst, instCmds.join("\n"));
    // vSwitch: a bridge whose ports only accept their own ENI's MAC and private IPs (like the VPC).
    await this.sh(vsw, ports.map((_, i) => `ip link set port${i} master br0\nip link set port${i} up`).join("\n"));
    // Replaced, not added to, on a reboot.
    const filter = vswitchRuleset(ports.map((p, i) => ({ port: `port${i}`, mac: p.mac, ips: p.ips })));
    await nftApply(vsw, `table bridge vswitch\ndelete table bridge vswitch\n${filter}`);
    this.localServer = await startEchoServer(inst, "0.0.0.0", 8080, "local");
  }

  /**
   * A reboot as the network sees it: a fresh instance namespace (no address, rule, route or sysctl
   * survives) with the same ENIs plugged into the same vSwitch ports; the VPC side stays up.
   */
  async reboot() {
    this.localServer?.kill("SIGKILL");
    this.localServer = null;
    nsDel(this.ns.inst);
    nsAdd(this.ns.inst);
    await this.sh(this.ns.inst, BASE_NS_SETUP);
    await this.instanceUp();
  }

  private async server(ns: string, host: string, mode: "remote" | "local") {
    this.servers.push(await startEchoServer(ns, host, 8080, mode));
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
        'for f in /proc/sys/net/ipv4/conf/*/rp_filter /proc/sys/net/ipv4/conf/*/arp_ignore /proc/sys/net/ipv4/conf/*/arp_announce; do echo "$f $(cat $f)"; done',
    ]);
    if (r.code !== 0) throw new Error(`dump failed: ${r.stderr}`);
    return r.stdout;
  }

  /** What the echo service sees when the instance fetches it from `source` (or with the default source). */
  async egress(source?: string, maxTime = 5) {
    const r = await this.exec(this.ns.inst, [
      "curl",
      "-sS",
      "--max-time",
      String(maxTime),
      ...(source ? ["--interface", source] : []),
      ECHO_URL,
    ]);
    return r.code === 0 ? r.stdout.trim() : `error(${r.code})`;
  }

  /** Fetches http://EIP:8080/ from the internet; the instance answers with the private IP it was reached at. */
  async inbound(eip: string) {
    const r = await this.exec(this.ns.net, ["curl", "-sS", "--max-time", "3", `http://${eip}:8080/`]);
    return r.code === 0 ? r.stdout.trim() : `error(${r.code})`;
  }

  down() {
    for (const s of [...this.servers, this.localServer]) s?.kill("SIGKILL");
    for (const n of Object.values(this.ns)) nsDel(n);
    for (const d of this.tmp) rmSync(d, { recursive: true, force: true });
  }
}
