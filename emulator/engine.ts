// The emulator's state machine: resources, id/IP allocation, asynchronous
// transitions (tasks with a due time) and idempotency tokens. Building the world from
// the seed is in seed-world.ts, what Describe* handlers share in describe.ts, and
// protocol concerns (HTTP, signatures, faults) in server.ts and http/.
import { ApiError, err, invalid } from "./errors";
import { cidrContains, intToIp, ipToInt, isReserved, parseCidr, usableCount } from "./ip";
import type { EipBinding, EipRec, EniRec, InstanceRec, InvocationRec, Task, TaskKind, World } from "./model";
import type { Params } from "./params";
import { Prng, seedFromString } from "./prng";
import { parseSeed, type ParsedSeed, type Seed } from "./seed";
import { emptyWorld, populateWorld } from "./seed-world";

/** Milliseconds each asynchronous transition takes. */
export type Latencies = {
  instanceCreate: number;
  instanceStart: number;
  instanceStop: number;
  eniAttach: number;
  eniDetach: number;
  eniDelete: number;
  eipAssociate: number;
  eipUnassociate: number;
  eipRelease: number;
  commandDelivery: number;
};

export const DEMO_LATENCIES: Latencies = {
  instanceCreate: 2000,
  instanceStart: 2000,
  instanceStop: 1500,
  eniAttach: 1500,
  eniDetach: 1200,
  eniDelete: 500,
  eipAssociate: 1000,
  eipUnassociate: 800,
  eipRelease: 500,
  commandDelivery: 500,
};

export const ZERO_LATENCIES: Latencies = Object.fromEntries(
  Object.keys(DEMO_LATENCIES).map((k) => [k, 0]),
) as Latencies;

/**
 * Extension point for a later "lab mode": something that really executes a Cloud
 * Assistant script for an instance (e.g. in a network namespace). Without a runner the
 * emulator behaves like instances whose agent is not online.
 */
export interface CommandRunner {
  run(req: {
    instance: InstanceRec;
    networkInterfaces: EniRec[];
    type: string;
    script: string;
    timeoutSeconds: number;
    username: string;
    workingDir: string;
  }): Promise<{ exitCode: number; output: string; timedOut?: boolean }>;
}

export type Body = Record<string, unknown>;

/**
 * A change of the world that something outside the API may need to mirror (lab mode wires
 * namespaces from these). Emitted when an asynchronous transition completes (`task`), when a
 * synchronous action changed what an instance's network looks like (`action`), and when
 * the world was replaced or changed behind the API (`world`: reset, drift, load).
 */
export type TransitionEvent =
  | { type: "task"; kind: TaskKind; target: string }
  | {
      type: "action";
      action: "AssignPrivateIpAddresses" | "UnassignPrivateIpAddresses" | "DeleteInstance";
      target: string;
      ips?: string[];
    }
  | { type: "world"; reason: string };

export interface TransitionObserver {
  onTransition(event: TransitionEvent): void;
}

export type TransitionHook = (kind: TaskKind, target: string) => { stuck: boolean; jitterFactor: number };

const REGION_PREFIX: Record<string, string> = {
  "cn-hangzhou": "bp1",
  "cn-shanghai": "uf6",
  "cn-beijing": "2ze",
  "cn-shenzhen": "wz9",
  "ap-northeast-1": "6we",
  "ap-southeast-1": "t4n",
  "us-west-1": "rj9",
  "eu-central-1": "gw8",
};

/** The VPC of the instance or ENI an EIP is bound to; undefined when that is gone. */
export function bindingVpcId(w: World, b: EipBinding): string | undefined {
  return b.instanceType === "EcsInstance" ? w.instances[b.instanceId]?.vpcId : w.enis[b.instanceId]?.vpcId;
}

export function isoNow(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export class Engine {
  private current!: World;
  /**
   * The InvalidRegionId.NotFound of the request being handled, held back by `regionParam`:
   * the reference (§5.1) checks parameters before the region, so a handler validates its
   * parameters first and the error is thrown the moment it first reads the world.
   */
  private heldRegionError: ApiError | null = null;
  get world(): World {
    const held = this.heldRegionError;
    if (held) {
      this.heldRegionError = null;
      throw held;
    }
    return this.current;
  }
  set world(w: World) {
    this.current = w;
  }
  private rng!: Prng;
  private seed: ParsedSeed;
  /**
   * An account world built from the same template as others (see worlds.ts): the seeded resources
   * are the template's, then the ids and addresses drawn at run time come from this, so that two
   * accounts never hand out the same new id.
   */
  private readonly idSeed: string | undefined;
  latencies: Latencies;
  runner: CommandRunner | null;
  transitionHook: TransitionHook = () => ({ stuck: false, jitterFactor: 1 });
  now: () => number;
  /** Called after any change of the world (persistence). */
  onChange: () => void = () => {};
  /** Notified of every completed transition (lab mode). */
  readonly observers = new Set<TransitionObserver>();

  constructor(
    seed: Seed,
    opts: {
      latencies?: Partial<Latencies>;
      runner?: CommandRunner | null;
      now?: () => number;
      world?: World;
      idSeed?: string;
    } = {},
  ) {
    this.seed = parseSeed(seed);
    this.idSeed = opts.idSeed;
    this.latencies = { ...DEMO_LATENCIES, ...opts.latencies };
    this.runner = opts.runner ?? null;
    this.now = opts.now ?? Date.now;
    if (opts.world) this.load(opts.world);
    else this.reset();
  }

  emit(event: TransitionEvent): void {
    for (const o of this.observers) {
      try {
        o.onTransition(event);
      } catch (e) {
        console.error("[emulator] transition observer failed", e);
      }
    }
  }

  load(world: World): void {
    this.world = world;
    this.rng = new Prng(world.rngState);
  }

  /** Rebuild the world from the seed. */
  reset(): void {
    const s = this.seed;
    const rngSeed = typeof s.rngSeed === "number" ? s.rngSeed : seedFromString(s.rngSeed);
    this.rng = new Prng(rngSeed);
    const created = isoNow(this.now() - 86_400_000 * 30);
    this.world = emptyWorld(s);
    populateWorld(this, s, created);
    if (this.idSeed !== undefined) this.rng = new Prng(seedFromString(this.idSeed));
    this.world.rngState = this.rng.state;
  }

  /** The public address pools EIPs are drawn from (lab mode keeps its internet outside them). */
  get eipPools(): string[] {
    return [...this.seed.eipPools];
  }

  // ---------- lookups ----------
  region(regionId: string) {
    return this.world.regions.find((r) => r.regionId === regionId);
  }
  zoneOf(regionId: string, zoneId: string) {
    return this.region(regionId)?.zones.find((z) => z.zoneId === zoneId);
  }
  /**
   * RegionId parameter: required, must be known. An unknown region is reported when the
   * handler first reads the world, i.e. after its parameter checks (see `world`).
   */
  regionParam(p: Params, required = true): string | undefined {
    const r = required ? p.req("RegionId") : p.str("RegionId");
    if (r !== undefined && !this.region(r))
      this.heldRegionError = err(404, "InvalidRegionId.NotFound", `The specified RegionId "${r}" does not exist.`);
    return r;
  }
  /**
   * A handler whose parameters are all checked and that is about to judge anything
   * else (the catalog, a ClientToken, a DryRun) calls this: an unknown region is the answer then.
   */
  requireRegion(): void {
    void this.world;
  }
  /** Runs one API handler; an unknown region it did not run into is still its answer. */
  handle(run: () => Body): Body {
    this.heldRegionError = null;
    try {
      const body = run();
      this.requireRegion();
      return body;
    } catch (e) {
      // "Request validation has been passed" cannot be the answer to a request for an unknown region.
      if (this.heldRegionError && e instanceof ApiError && e.code === "DryRunOperation") this.requireRegion();
      throw e;
    } finally {
      this.heldRegionError = null;
    }
  }

  // ---------- ids ----------
  newId(prefix: string, regionId: string): string {
    const rp = REGION_PREFIX[regionId] ?? "gw8";
    let id: string;
    do id = `${prefix}-${rp}${this.rng.chars(17)}`;
    while (this.idTaken(id));
    this.world.rngState = this.rng.state;
    return id;
  }
  private idTaken(id: string): boolean {
    const w = this.world;
    return !!(
      w.vpcs[id] ||
      w.vswitches[id] ||
      w.securityGroups[id] ||
      w.instances[id] ||
      w.enis[id] ||
      w.eips[id] ||
      w.invocations[id]
    );
  }
  random(): number {
    const v = this.rng.next();
    this.world.rngState = this.rng.state;
    return v;
  }
  hex(n: number): string {
    return this.rng.chars(n, "0123456789abcdef");
  }
  mac(): string {
    const b = () => this.rng.chars(2, "0123456789abcdef");
    return `00:16:3e:${b()}:${b()}:${b()}`;
  }

  makeEni(
    id: string,
    vSwitchId: string,
    ip: string,
    sgs: string[],
    type: "Primary" | "Secondary",
    created: string,
  ): EniRec {
    const vsw = this.world.vswitches[vSwitchId]!;
    return {
      networkInterfaceId: id,
      regionId: vsw.regionId,
      zoneId: vsw.zoneId,
      vpcId: vsw.vpcId,
      vSwitchId,
      type,
      status: "Available",
      instanceId: "",
      macAddress: this.mac(),
      primaryIp: ip,
      secondaryIps: [],
      securityGroupIds: sgs,
      networkInterfaceName: "",
      description: "",
      creationTime: created,
      deleteOnRelease: type === "Primary",
      deviceIndex: 0,
    };
  }

  nextDeviceIndex(instanceId: string): number {
    const used = new Set(
      Object.values(this.world.enis)
        .filter((e) => e.instanceId === instanceId)
        .map((e) => e.deviceIndex),
    );
    let i = 1;
    while (used.has(i)) i++;
    return i;
  }

  // ---------- private IPs ----------
  usedIps(vSwitchId: string): Set<string> {
    const s = new Set<string>();
    for (const e of Object.values(this.world.enis)) {
      if (e.vSwitchId !== vSwitchId) continue;
      s.add(e.primaryIp);
      for (const ip of e.secondaryIps) s.add(ip);
    }
    return s;
  }
  availableIpCount(vSwitchId: string): number {
    const c = parseCidr(this.world.vswitches[vSwitchId]!.cidrBlock)!;
    return usableCount(c) - this.usedIps(vSwitchId).size;
  }
  /** Why an explicitly requested IP cannot be used, or null. */
  checkIp(
    vSwitchId: string,
    ip: string,
    duplicateCode: { status: number; code: string } = { status: 403, code: "InvalidIp.IpAssigned" },
  ): ApiError | null {
    const c = parseCidr(this.world.vswitches[vSwitchId]!.cidrBlock)!;
    if (Number.isNaN(ipToInt(ip))) return invalid("PrivateIpAddress", `"${ip}" is not an IPv4 address.`);
    if (!cidrContains(c, ip))
      return err(
        403,
        "InvalidVSwitchId.IpInvalid",
        `The specified IP address ${ip} is not in the CIDR block of the vSwitch.`,
      );
    if (isReserved(c, ip))
      return err(
        403,
        "InvalidVSwitchId.IpInvalid",
        `The specified IP address ${ip} is reserved by the vSwitch (the first and the last three addresses of a CIDR block are reserved).`,
      );
    if (this.usedIps(vSwitchId).has(ip))
      return err(duplicateCode.status, duplicateCode.code, `The specified IP address ${ip} is already in use.`);
    return null;
  }
  /** Pick `n` idle addresses (random start, linear probe — like the cloud, not sequential). */
  allocIps(vSwitchId: string, n: number, exclude: Set<string> = new Set()): string[] {
    const c = parseCidr(this.world.vswitches[vSwitchId]!.cidrBlock)!;
    const used = this.usedIps(vSwitchId);
    const usable = usableCount(c);
    if (usable - used.size - exclude.size < n)
      throw err(403, "InvalidVSwitchId.IpNotEnough", "The vSwitch does not have enough idle private IP addresses.");
    const out: string[] = [];
    let off = Math.floor(this.random() * usable);
    for (let tries = 0; out.length < n && tries < usable; tries++, off = (off + 1) % usable) {
      const ip = intToIp(c.base + 1 + off);
      if (!used.has(ip) && !exclude.has(ip) && !out.includes(ip)) out.push(ip);
    }
    if (out.length < n)
      throw err(403, "InvalidVSwitchId.IpNotEnough", "The vSwitch does not have enough idle private IP addresses.");
    return out;
  }

  // ---------- public IPs ----------
  allocPublicIp(requested?: string): string {
    const used = new Set(Object.values(this.world.eips).map((e) => e.ipAddress));
    const pools = this.seed.eipPools.map((p) => parseCidr(p)!).filter(Boolean);
    if (requested) {
      if (!pools.some((c) => cidrContains(c, requested)))
        throw err(400, "ResourceNotFound.Ip", `The IP address ${requested} is not in the public IP address pool.`);
      if (used.has(requested)) throw err(400, "Ip.Allocated", `The IP address ${requested} is already allocated.`);
      return requested;
    }
    const all: number[] = [];
    for (const c of pools) for (let i = 1; i < c.size - 1; i++) all.push(c.base + i);
    const free = all.filter((n) => !used.has(intToIp(n)));
    if (!free.length) throw err(400, "OperationFailed.InsufficientEIP", "No EIP is available in the address pool.");
    return intToIp(free[Math.floor(this.random() * free.length)]!);
  }

  // ---------- EIP lookups ----------
  eipOnIp(ip: string, vpcId: string): EipRec | undefined {
    for (const e of Object.values(this.world.eips)) {
      const b = e.binding;
      if (!b || b.privateIpAddress !== ip) continue;
      if (bindingVpcId(this.world, b) === vpcId) return e;
    }
    return undefined;
  }
  eipsOnEni(eni: EniRec): EipRec[] {
    return Object.values(this.world.eips).filter((e) => {
      const b = e.binding;
      if (!b) return false;
      if (b.instanceType === "NetworkInterface") return b.instanceId === eni.networkInterfaceId;
      return eni.type === "Primary" && b.instanceId === eni.instanceId && b.privateIpAddress === eni.primaryIp;
    });
  }

  /**
   * Whether the ENI or instance a request names (InstanceId, NetworkInterfaceId, or the target
   * its AllocationId is bound to) has another operation in progress: an EIP of another
   * AllocationId associating or unassociating on it, or the ENI attaching or detaching.
   * Injected conflicts (faults.conflicts) are drawn only then.
   */
  targetBusy(p: Params): boolean {
    const allocationId = p.str("AllocationId");
    const ids = new Set([p.str("InstanceId"), p.str("NetworkInterfaceId")].filter((x) => x !== undefined));
    const own = allocationId ? this.world.eips[allocationId]?.binding : undefined;
    if (own) ids.add(own.instanceId);
    if (!ids.size) return false;
    const eipBusy = Object.values(this.world.eips).some(
      (x) =>
        x.allocationId !== allocationId &&
        (x.status === "Associating" || x.status === "Unassociating") &&
        !!x.binding &&
        ids.has(x.binding.instanceId),
    );
    return (
      eipBusy ||
      [...ids].some((id) => this.world.enis[id]?.status === "Attaching" || this.world.enis[id]?.status === "Detaching")
    );
  }

  // ---------- tasks (asynchronous transitions) ----------
  schedule(kind: TaskKind, target: string, latencyMs: number, extra?: string): void {
    const hook = this.transitionHook(kind, target);
    const due = hook.stuck ? null : this.now() + Math.max(0, Math.round(latencyMs * hook.jitterFactor));
    this.world.tasks.push({ id: ++this.world.taskSeq, kind, target, dueAt: due, extra });
  }
  cancelTasks(target: string): void {
    this.world.tasks = this.world.tasks.filter((t) => t.target !== target);
  }
  /** Apply every transition that is due. `force` completes stuck/pending ones too. */
  tick(force = false): number {
    const now = this.now();
    let applied = 0;
    for (;;) {
      const due = this.world.tasks
        .filter((t) => (t.dueAt !== null && t.dueAt <= now) || force)
        .sort((a, b) => (a.dueAt ?? now) - (b.dueAt ?? now) || a.id - b.id);
      if (!due.length) break;
      for (const t of due) {
        this.world.tasks = this.world.tasks.filter((x) => x.id !== t.id);
        this.apply(t);
        applied++;
        if (t.kind !== "invocation.delivered") this.emit({ type: "task", kind: t.kind, target: t.target });
      }
      if (!force) break;
    }
    if (applied) this.onChange();
    return applied;
  }
  private apply(t: Task): void {
    const w = this.world;
    switch (t.kind) {
      case "instance.created":
      case "instance.started": {
        const i = w.instances[t.target];
        if (i && (i.status === "Pending" || i.status === "Starting")) {
          i.status = "Running";
          i.stoppedMode = "Not-applicable";
          i.startTime = isoNow(this.now());
        }
        return;
      }
      case "instance.stopped": {
        const i = w.instances[t.target];
        if (i && i.status === "Stopping") i.status = "Stopped";
        return;
      }
      case "eni.attached": {
        const e = w.enis[t.target];
        if (e && e.status === "Attaching") e.status = "InUse";
        return;
      }
      case "eni.detached": {
        const e = w.enis[t.target];
        if (e && e.status === "Detaching") {
          e.status = "Available";
          e.instanceId = "";
          e.deviceIndex = 0;
        }
        return;
      }
      case "eni.deleted": {
        const e = w.enis[t.target];
        if (e && e.status === "Deleting") {
          for (const eip of this.eipsOnEni(e)) this.unbind(eip);
          delete w.enis[t.target];
        }
        return;
      }
      case "eip.associated": {
        const e = w.eips[t.target];
        if (e && e.status === "Associating") e.status = "InUse";
        return;
      }
      case "eip.unassociated": {
        const e = w.eips[t.target];
        if (e && e.status === "Unassociating") this.unbind(e);
        return;
      }
      case "eip.released": {
        const e = w.eips[t.target];
        if (e && e.status === "Releasing") delete w.eips[t.target];
        return;
      }
      case "invocation.delivered":
        this.deliver(t.target);
        return;
      default: {
        const never: never = t.kind;
        throw new Error(`unknown task ${String(never)}`);
      }
    }
  }
  unbind(e: EipRec): void {
    e.binding = null;
    e.status = "Available";
  }

  // ---------- Cloud Assistant ----------
  private deliver(invokeId: string): void {
    const inv = this.world.invocations[invokeId];
    if (!inv) return;
    for (const ii of inv.instances) {
      if (ii.status !== "Pending") continue;
      const inst = this.world.instances[ii.instanceId];
      ii.startTime = isoNow(this.now());
      if (!inst) {
        Object.assign(ii, {
          status: "Invalid",
          errorCode: "InstanceReleased",
          errorInfo: "the instance has been released",
          finishTime: ii.startTime,
        });
        continue;
      }
      if (inst.status !== "Running") {
        Object.assign(ii, {
          status: "Invalid",
          errorCode: "InstanceNotRunning",
          errorInfo: "the instance is not running",
          finishTime: ii.startTime,
        });
        continue;
      }
      if (!this.runner || !inst.cloudAssistant) {
        Object.assign(ii, {
          status: "Aborted",
          errorCode: "ClientNotRunning",
          errorInfo: "the Cloud Assistant agent is not running",
          finishTime: ii.startTime,
        });
        continue;
      }
      ii.status = "Running";
      const enis = Object.values(this.world.enis).filter((e) => e.instanceId === inst.instanceId);
      this.runner
        .run({
          instance: inst,
          networkInterfaces: enis,
          type: inv.commandType,
          script: inv.commandContent,
          timeoutSeconds: inv.timeout,
          username: inv.username,
          workingDir: inv.workingDir,
        })
        .then(
          (r) =>
            r.timedOut
              ? Object.assign(ii, {
                  status: "Timeout",
                  exitCode: r.exitCode,
                  output: r.output,
                  errorCode: "ExecutionTimeout",
                  errorInfo: `the command did not finish within ${inv.timeout} seconds`,
                })
              : Object.assign(ii, {
                  status: r.exitCode === 0 ? "Success" : "Failed",
                  exitCode: r.exitCode,
                  output: r.output,
                  errorCode: r.exitCode === 0 ? "" : "ExitCodeNonzero",
                  errorInfo: r.exitCode === 0 ? "" : `the command exited with code ${r.exitCode}`,
                }),
          (e: unknown) =>
            Object.assign(ii, {
              status: "Error",
              exitCode: null,
              errorCode: "ExecutionException",
              errorInfo: String(e),
            }),
        )
        .finally(() => {
          ii.finishTime = isoNow(this.now());
          this.onChange();
        });
    }
  }
  static aggregateStatus(inv: InvocationRec): string {
    const s = inv.instances.map((i) => i.status);
    if (s.some((x) => x === "Pending" || x === "Scheduled")) return "Pending";
    if (s.some((x) => x === "Running" || x === "Stopping")) return "Running";
    const ok = s.filter((x) => x === "Success").length;
    const stopped = s.filter((x) => x === "Stopped" || x === "Cancelled" || x === "Terminated").length;
    if (ok + stopped === s.length) return ok ? "Success" : "Stopped";
    if (ok === 0) return "Failed";
    return "PartialFailed";
  }

  // ---------- idempotency ----------
  /** Returns the stored body for a repeated ClientToken, throws on a mismatched repeat, or null. */
  tokenLookup(scope: string, action: string, p: Params): Body | null {
    const token = p.str("ClientToken");
    if (token !== undefined && (token.length > 64 || /[^\x20-\x7e]/.test(token)))
      throw invalid("ClientToken", "At most 64 ASCII characters.");
    // The region comes before the ClientToken (§5.1), whether or not the request has one.
    this.requireRegion();
    if (!token) return null;
    const key = `${scope}:${action}:${token}`;
    const rec = this.world.tokens[key];
    if (!rec) return null;
    if (rec.fingerprint !== p.fingerprint(key))
      throw err(
        400,
        "IdempotentParameterMismatch",
        "The request uses the same client token as a previous, but non-identical request.",
      );
    return structuredClone(rec.body);
  }
  tokenStore(scope: string, action: string, p: Params, body: Body): void {
    const token = p.str("ClientToken");
    if (!token) return;
    const { RequestId: _omit, ...rest } = body;
    const key = `${scope}:${action}:${token}`;
    this.world.tokens[key] = { fingerprint: p.fingerprint(key), body: rest };
  }
}
