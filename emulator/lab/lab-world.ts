// Lab mode: every emulated instance is backed by real network namespaces, wired like the VPC.
//
//   <P>-i-…  instance ns: eth0 = primary ENI (IP + default route, as the image's DHCP would),
//            ethN = secondary ENI N (veth with the ENI's MAC, appears when the attach completes)
//   <P>-v-…  one per VPC: a bridge per vSwitch; nftables drops frames whose source MAC/IP is not
//            one of the port's ENI (private IPs count only once AssignPrivateIpAddresses is done)
//   <P>-g-…  one per VPC: the vRouter (vSwitch gateways) + 1:1 EIP NAT (NAT mode), rules present
//            while an association is complete (InUse/Unassociating)
//   <P>-net  the "internet": a bridge with the what-is-my-IP service on a documentation address
//
// The lab mirrors the world by reconciliation: on every transition event it computes what the
// namespaces should look like and changes only what differs (serialised, coalesced). RunCommand
// waits for the lab to be in sync before it runs a script.
//
// Names carry the prefix eipe<pid>x<n> so that parallel runs never collide and a later run can
// delete an earlier crashed run's leftovers (dead pid).
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  bindingVpcId,
  type CommandRunner,
  type Engine,
  type TransitionEvent,
  type TransitionObserver,
} from "../engine";
import { cidrContains, gatewayOf, intToIp, parseCidr } from "../ip";
import type { EniRec, InstanceRec, World } from "../model";
import { createSandbox, imageFamily, runInGuest } from "./guest";
import { instanceMetadata, METADATA_IP, METADATA_PORT } from "./metadata";
import {
  BASE_NS_SETUP,
  cleanupNamespaces,
  listNamespaces,
  nftApply,
  nsAdd,
  nsDel,
  nsExec,
  nsSh,
  pidAlive,
  startEchoServer,
  startNsServer,
  vswitchRuleset,
  eipNatBody,
} from "./netns";

export const ECHO_PORT = 8080;
const METADATA_SERVER_SCRIPT = path.join(import.meta.dirname, "metadata-server.mjs");
const DOC_RANGES = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"];
const PREFIX_RE = /^eipe(?<pid>\d+)x\d+-/;
const SANDBOX_RE = /^eipe(?<pid>\d+)x\d+-sandbox/;

let labSeq = 0;

/** Removes namespaces and sandbox directories of earlier lab runs whose process is gone. */
export function cleanupLabLeftovers(): string[] {
  const removed = cleanupNamespaces(PREFIX_RE);
  for (const name of readdirSync(os.tmpdir())) {
    const m = SANDBOX_RE.exec(name);
    if (m && !pidAlive(Number(m.groups!.pid))) {
      rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
      removed.push(name);
    }
  }
  return removed;
}

type VpcWiring = { k: number; ns: string; gw: string; wanIp: string; vswitches: Map<string, number> };
type EniWiring = { instanceId: string; device: string; port: string; vpcId: string; key: string };

export type LabStatus = {
  prefix: string;
  echoUrl: string;
  internetNamespace: string;
  vpcs: Record<string, { namespace: string; gatewayNamespace: string }>;
  instances: Record<string, { namespace: string; sandbox: string }>;
  networkInterfaces: Record<string, { instanceId: string; device: string; port: string }>;
  nat: Array<{ eip: string; privateIp: string; vpcId: string }>;
};

export class LabWorld implements TransitionObserver, CommandRunner {
  readonly prefix: string;
  readonly netNs: string;
  readonly echoIp: string;
  readonly echoUrl: string;
  private readonly internetCidr: string;
  private sandboxRoot: string;
  private echo: ChildProcess | null = null;
  private vpcs = new Map<string, VpcWiring>();
  private instances = new Map<string, { ns: string; sandbox: string }>();
  /** Per instance: its metadata service (null while stopped by setMetadataService) and the snapshot last written. */
  private metadata = new Map<string, { server: ChildProcess | null; written: string }>();
  private enis = new Map<string, EniWiring>();
  private portSeq = 0;
  private vpcSeq = 0;
  private applied = {
    ports: new Map<string, string>(),
    nat: new Map<string, string>(),
    routes: new Map<string, string>(),
  };
  private natPairs: LabStatus["nat"] = [];
  private chain: Promise<void> = Promise.resolve();
  private pending = false;
  private rebuild = false;
  private closed = false;
  private runSeq = 0;
  lastError: Error | null = null;

  constructor(
    private readonly engine: Engine,
    private readonly log: (msg: string) => void = () => {},
  ) {
    this.prefix = `eipe${process.pid}x${++labSeq}`;
    this.netNs = `${this.prefix}-net`;
    const pools = engine.eipPools.map((p) => parseCidr(p)).filter((c) => c !== null);
    this.internetCidr = DOC_RANGES.find((r) => !pools.some((c) => cidrContains(c, r.split("/")[0]!))) ?? "192.0.2.0/24";
    const base = parseCidr(this.internetCidr)!.base;
    this.echoIp = intToIp(base + 10);
    this.echoUrl = `http://${this.echoIp}:${ECHO_PORT}/`;
    this.sandboxRoot = mkdtempSync(path.join(os.tmpdir(), `${this.prefix}-sandbox-`));
  }

  /** Creates the internet namespace and the echo service, then wires the current world. */
  async start(): Promise<void> {
    const removed = cleanupLabLeftovers();
    if (removed.length) this.log(`removed ${removed.length} leftovers of an earlier lab run`);
    nsAdd(this.netNs);
    await nsSh(
      this.netNs,
      [
        BASE_NS_SETUP,
        "ip link add inet0 type bridge",
        `ip addr add ${this.echoIp}/24 dev inet0`,
        "ip link set inet0 up",
      ].join("\n"),
    );
    this.echo = await startEchoServer(this.netNs, this.echoIp, ECHO_PORT, "remote");
    this.schedule();
    await this.idle();
    if (this.lastError) throw this.lastError;
  }

  onTransition(event: TransitionEvent): void {
    if (event.type === "world" && event.reason === "reset") this.rebuild = true;
    this.schedule();
  }

  /** Resolves once every change seen so far is mirrored in the namespaces. */
  async idle(): Promise<void> {
    for (;;) {
      const c = this.chain;
      await c;
      if (c === this.chain && !this.pending) return;
    }
  }

  private schedule(): void {
    if (this.closed || this.pending) return;
    this.pending = true;
    this.chain = this.chain.then(async () => {
      this.pending = false;
      if (this.closed) return;
      try {
        if (this.rebuild) {
          this.rebuild = false;
          this.teardownWorld();
        }
        await this.reconcile();
        this.lastError = null;
      } catch (e) {
        this.lastError = e as Error;
        this.log(`lab wiring failed: ${(e as Error).message}`);
      }
    });
  }

  // ------------------------------------------------------------ reconcile

  private instNs(id: string) {
    return `${this.prefix}-${id}`;
  }

  private async ensureVpc(vpcId: string): Promise<VpcWiring> {
    let v = this.vpcs.get(vpcId);
    if (v) return v;
    const k = ++this.vpcSeq;
    const wanIp = intToIp(parseCidr(this.internetCidr)!.base + 100 + k);
    v = { k, ns: `${this.prefix}-v-${vpcId}`, gw: `${this.prefix}-g-${vpcId}`, wanIp, vswitches: new Map() };
    this.vpcs.set(vpcId, v);
    nsAdd(v.ns);
    nsAdd(v.gw);
    await nsSh(v.ns, BASE_NS_SETUP);
    await nsSh(
      v.gw,
      [
        BASE_NS_SETUP,
        `ip link add wan0 type veth peer name v${k} netns ${this.netNs}`,
        `ip addr add ${wanIp}/24 dev wan0`,
        "ip link set wan0 up",
        "sysctl -qw net.ipv4.ip_forward=1",
      ].join("\n"),
    );
    await nsSh(this.netNs, `ip link set v${k} master inet0\nip link set v${k} up`);
    await nftApply(v.ns, vswitchRuleset([]));
    await nftApply(v.gw, `table ip eipnat {\n${eipNatBody([], "wan0", 'iifname != "wan0"')}}\n`);
    return v;
  }

  private async ensureVSwitch(v: VpcWiring, vSwitchId: string): Promise<number> {
    const have = v.vswitches.get(vSwitchId);
    if (have !== undefined) return have;
    const sw = this.engine.world.vswitches[vSwitchId]!;
    const c = parseCidr(sw.cidrBlock)!;
    const j = v.vswitches.size + 1;
    await nsSh(
      v.gw,
      [
        `ip link add sw${j} type veth peer name g${j} netns ${v.ns}`,
        `ip addr add ${gatewayOf(c)}/${c.prefix} dev sw${j}`,
        `ip link set sw${j} up`,
      ].join("\n"),
    );
    await nsSh(
      v.ns,
      [
        `ip link add br${j} type bridge`,
        `ip link set br${j} up`,
        `ip link set g${j} master br${j}`,
        `ip link set g${j} up`,
      ].join("\n"),
    );
    v.vswitches.set(vSwitchId, j);
    return j;
  }

  private async ensureInstance(inst: InstanceRec): Promise<void> {
    if (this.instances.has(inst.instanceId)) return;
    const ns = this.instNs(inst.instanceId);
    const primary = this.engine.world.enis[inst.primaryEniId]!;
    const c = parseCidr(this.engine.world.vswitches[primary.vSwitchId]!.cidrBlock)!;
    const sandbox = path.join(this.sandboxRoot, inst.instanceId);
    createSandbox(sandbox, inst, {
      device: "eth0",
      mac: primary.macAddress,
      ip: primary.primaryIp,
      prefix: c.prefix,
      gateway: gatewayOf(c),
    });
    nsAdd(ns);
    this.instances.set(inst.instanceId, { ns, sandbox });
    // RHEL-family images use strict reverse-path filtering, Debian/Ubuntu loose; new interfaces inherit it.
    const rp = imageFamily(inst.imageId).rhel ? 1 : 2;
    await nsSh(
      ns,
      [
        BASE_NS_SETUP,
        `sysctl -qw net.ipv4.conf.all.rp_filter=${rp}`,
        `sysctl -qw net.ipv4.conf.default.rp_filter=${rp}`,
        // The metadata service's address is local to the instance, as on ECS (never routed to the VPC).
        `ip addr add ${METADATA_IP}/32 dev lo`,
      ].join("\n"),
    );
    this.writeMetadata(inst.instanceId);
    this.metadata.get(inst.instanceId)!.server = await this.startMetadataServer(ns, inst.instanceId);
  }

  private metadataFile(instanceId: string) {
    return path.join(this.sandboxRoot, `${instanceId}.metadata.json`);
  }

  private startMetadataServer(ns: string, instanceId: string): Promise<ChildProcess> {
    return startNsServer(
      ns,
      METADATA_SERVER_SCRIPT,
      [METADATA_IP, String(METADATA_PORT), this.metadataFile(instanceId)],
      "metadata service",
    );
  }

  /** The instance's metadata snapshot, rewritten (atomically) when the world changed what it says. */
  private writeMetadata(instanceId: string): void {
    const snap = instanceMetadata(this.engine.world, instanceId);
    if (!snap) return;
    const text = JSON.stringify(snap);
    const rec = this.metadata.get(instanceId) ?? { server: null, written: "" };
    this.metadata.set(instanceId, rec);
    if (rec.written === text) return;
    const file = this.metadataFile(instanceId);
    writeFileSync(`${file}.tmp`, text);
    renameSync(`${file}.tmp`, file);
    rec.written = text;
  }

  /**
   * Stops or starts an instance's metadata service (a metadata service that is down: connections to
   * 100.100.100.200 are refused). For tests of what a guest does then.
   */
  async setMetadataService(instanceId: string, up: boolean): Promise<void> {
    await this.idle();
    const inst = this.instances.get(instanceId);
    const rec = this.metadata.get(instanceId);
    if (!inst || !rec) throw new Error(`instance ${instanceId} has no lab namespace`);
    if (!up && rec.server) {
      const s = rec.server;
      rec.server = null;
      const gone = new Promise((r) => s.once("exit", r));
      s.kill("SIGKILL");
      await gone;
    } else if (up && !rec.server) rec.server = await this.startMetadataServer(inst.ns, instanceId);
  }

  private stopMetadataServers(): void {
    for (const rec of this.metadata.values()) rec.server?.kill("SIGKILL");
    this.metadata.clear();
  }

  private attachedEnis(): EniRec[] {
    const w = this.engine.world;
    return Object.values(w.enis).filter(
      (e) =>
        e.instanceId &&
        w.instances[e.instanceId] &&
        (e.status === "InUse" || e.status === "Detaching" || e.type === "Primary"),
    );
  }

  /** Makes the namespaces match the world: instances, ENIs, anti-spoofing filters, EIP NAT. */
  private async reconcile(): Promise<void> {
    // One snapshot of the world for the whole pass: a reset meanwhile schedules a rebuild after it.
    const w = this.engine.world;
    this.removeGoneInstances(w);
    for (const inst of Object.values(w.instances)) {
      await this.ensureVpc(inst.vpcId);
      await this.ensureInstance(inst);
    }
    await this.reconcileEnis(w);
    await this.applyPortFilters(w);
    await this.applyEipNat(w);
    for (const id of this.instances.keys()) this.writeMetadata(id);
  }

  /** Instances that are gone: their namespace (and every ENI veth inside) goes too. */
  private removeGoneInstances(w: World): void {
    for (const [id, rec] of this.instances) {
      if (w.instances[id]) continue;
      this.metadata.get(id)?.server?.kill("SIGKILL");
      this.metadata.delete(id);
      rmSync(this.metadataFile(id), { force: true });
      nsDel(rec.ns);
      rmSync(rec.sandbox, { recursive: true, force: true });
      this.instances.delete(id);
      for (const [eniId, e] of this.enis) if (e.instanceId === id) this.enis.delete(eniId);
    }
  }

  /** ENIs: a veth exists exactly while the ENI is attached (after the attach completed, until the detach completed). */
  private async reconcileEnis(w: World): Promise<void> {
    const want = new Map(this.attachedEnis().map((e) => [e.networkInterfaceId, e]));
    for (const [eniId, wired] of this.enis) {
      const e = want.get(eniId);
      const key = e ? `${e.instanceId}/${e.deviceIndex}/${e.macAddress}` : "";
      if (e && key === wired.key) continue;
      const inst = this.instances.get(wired.instanceId);
      if (inst) await nsExec(inst.ns, ["ip", "link", "del", "dev", wired.device]);
      this.enis.delete(eniId);
      this.log(`ENI ${eniId}: ${wired.device} removed from ${wired.instanceId}`);
    }
    for (const e of want.values()) {
      if (this.enis.has(e.networkInterfaceId)) continue;
      await this.wireEni(w, e);
    }
  }

  /** A veth from the instance's namespace to its vSwitch bridge; the primary ENI also gets its address and route. */
  private async wireEni(w: World, e: EniRec): Promise<void> {
    const inst = this.instances.get(e.instanceId)!;
    const v = await this.ensureVpc(e.vpcId);
    const j = await this.ensureVSwitch(v, e.vSwitchId);
    const device = `eth${e.type === "Primary" ? 0 : e.deviceIndex}`;
    const port = `p${++this.portSeq}`;
    const cmds = [
      `ip link del dev ${device} 2>/dev/null || true`,
      `ip link add ${device} address ${e.macAddress} type veth peer name ${port} netns ${v.ns}`,
    ];
    if (e.type === "Primary") {
      const c = parseCidr(w.vswitches[e.vSwitchId]!.cidrBlock)!;
      cmds.push(
        `ip link set ${device} up`,
        `ip addr add ${e.primaryIp}/${c.prefix} dev ${device}`,
        `ip route add default via ${gatewayOf(c)} dev ${device} metric 100`,
      );
    }
    await nsSh(inst.ns, cmds.join("\n"));
    await nsSh(v.ns, `ip link set ${port} master br${j}\nip link set ${port} up`);
    this.enis.set(e.networkInterfaceId, {
      instanceId: e.instanceId,
      device,
      port,
      vpcId: e.vpcId,
      key: `${e.instanceId}/${e.deviceIndex}/${e.macAddress}`,
    });
    this.log(`ENI ${e.networkInterfaceId}: ${device} (${e.macAddress}) in ${e.instanceId}`);
  }

  /** vSwitch anti-spoofing per VPC: the ENI's MAC and its currently assigned private IPs. */
  private async applyPortFilters(w: World): Promise<void> {
    for (const [vpcId, v] of this.vpcs) {
      const ports = [...this.enis.entries()]
        .filter(([, x]) => x.vpcId === vpcId)
        .map(([eniId, x]) => {
          const e = w.enis[eniId]!;
          return { port: x.port, mac: e.macAddress, ips: [e.primaryIp, ...e.secondaryIps] };
        });
      const text = vswitchRuleset(ports);
      if (this.applied.ports.get(vpcId) !== text) {
        await nftApply(v.ns, `table bridge vswitch\ndelete table bridge vswitch\n${text}`);
        this.applied.ports.set(vpcId, text);
      }
    }
  }

  /** EIP NAT per VPC gateway, and the internet's route back to each EIP. */
  private async applyEipNat(w: World): Promise<void> {
    const pairs: LabStatus["nat"] = [];
    for (const eip of Object.values(w.eips)) {
      const b = eip.binding;
      if (!b || eip.status === "Associating") continue;
      const vpcId = bindingVpcId(w, b);
      if (!vpcId || !this.vpcs.has(vpcId)) continue;
      pairs.push({ eip: eip.ipAddress, privateIp: b.privateIpAddress, vpcId });
    }
    pairs.sort((a, b) => (a.eip < b.eip ? -1 : a.eip > b.eip ? 1 : 0));
    for (const [vpcId, v] of this.vpcs) {
      const body = eipNatBody(
        pairs.filter((p) => p.vpcId === vpcId),
        "wan0",
        'iifname != "wan0"',
      );
      if (this.applied.nat.get(vpcId) !== body) {
        await nftApply(v.gw, `table ip eipnat\ndelete table ip eipnat\ntable ip eipnat {\n${body}}\n`);
        this.applied.nat.set(vpcId, body);
      }
    }
    const routes = new Map(pairs.map((p) => [p.eip, this.vpcs.get(p.vpcId)!.wanIp]));
    const cmds: string[] = [];
    for (const [eip, via] of this.applied.routes)
      if (routes.get(eip) !== via) cmds.push(`ip route del ${eip}/32 || true`);
    for (const [eip, via] of routes)
      if (this.applied.routes.get(eip) !== via) cmds.push(`ip route replace ${eip}/32 via ${via} dev inet0`);
    if (cmds.length) await nsSh(this.netNs, cmds.join("\n"));
    this.applied.routes = routes;
    this.natPairs = pairs;
  }

  /** Deletes every instance and VPC namespace (reset); the internet namespace stays. */
  private teardownWorld(): void {
    this.stopMetadataServers();
    for (const rec of this.instances.values()) nsDel(rec.ns);
    for (const v of this.vpcs.values()) {
      nsDel(v.ns);
      nsDel(v.gw);
    }
    for (const rec of this.instances.values()) rmSync(rec.sandbox, { recursive: true, force: true });
    this.instances.clear();
    this.vpcs.clear();
    this.enis.clear();
    this.applied.ports.clear();
    this.applied.nat.clear();
    // The wan veths died with the gateway namespaces; only routes are left in the internet ns.
    for (const eip of this.applied.routes.keys()) void nsExec(this.netNs, ["ip", "route", "del", `${eip}/32`]);
    this.applied.routes.clear();
    this.natPairs = [];
  }

  // ------------------------------------------------------------ Cloud Assistant

  async run(
    req: Parameters<CommandRunner["run"]>[0],
  ): Promise<{ exitCode: number; output: string; timedOut?: boolean }> {
    if (req.type !== "RunShellScript")
      return { exitCode: 1, output: `lab mode runs RunShellScript only, not ${req.type}\n` };
    if (req.username !== "root")
      return { exitCode: 1, output: `lab mode runs commands as root only (Username=${req.username})\n` };
    await this.idle();
    const inst = this.instances.get(req.instance.instanceId);
    if (!inst) throw new Error(`instance ${req.instance.instanceId} has no lab namespace`);
    return runInGuest({
      ns: inst.ns,
      sandbox: inst.sandbox,
      script: req.script,
      workingDir: req.workingDir,
      timeoutSeconds: req.timeoutSeconds,
      name: `lab-${++this.runSeq}`,
    });
  }

  // ------------------------------------------------------------ introspection and cleanup

  status(): LabStatus {
    return {
      prefix: this.prefix,
      echoUrl: this.echoUrl,
      internetNamespace: this.netNs,
      vpcs: Object.fromEntries([...this.vpcs].map(([id, v]) => [id, { namespace: v.ns, gatewayNamespace: v.gw }])),
      instances: Object.fromEntries(
        [...this.instances].map(([id, r]) => [id, { namespace: r.ns, sandbox: r.sandbox }]),
      ),
      networkInterfaces: Object.fromEntries(
        [...this.enis].map(([id, e]) => [id, { instanceId: e.instanceId, device: e.device, port: e.port }]),
      ),
      nat: [...this.natPairs],
    };
  }

  /** Namespaces of this lab that exist right now (for tests and the admin endpoint). */
  namespaces(): string[] {
    return listNamespaces().filter((n) => n.startsWith(`${this.prefix}-`));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.chain.catch(() => {});
    this.echo?.kill("SIGKILL");
    this.stopMetadataServers();
    for (const n of this.namespaces()) nsDel(n);
    rmSync(this.sandboxRoot, { recursive: true, force: true });
  }

  /** Synchronous last-resort cleanup (process exit handlers). */
  closeSync(): void {
    this.closed = true;
    this.echo?.kill("SIGKILL");
    this.stopMetadataServers();
    for (const n of this.namespaces()) nsDel(n);
    rmSync(this.sandboxRoot, { recursive: true, force: true });
  }
}
