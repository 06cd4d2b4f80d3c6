// npm run bench:deploy — the deployment engine against the emulator with realistic
// transition latencies. Reports mutating/total calls, wall time vs the critical-path
// bound, Describe polls per wait, 20 (and 100, and 100 with 10 % injected Throttling) instances × 3
// EIPs run at once under a 10 req/s account rate — wall time vs the floor (mutating calls ÷ rate) — a
// change adding one EIP to a 3-EIP deployment (with and without a new private IP), and
// two new ENIs x 10 EIPs from nothing (the 10-IP rule: create with 9 secondaries, attach,
// assign the 10th). Every spec is v2 (DESIGN.md contract 5).
import os from "node:os";
import fs from "node:fs";
import path from "node:path";
import { startEmulator, DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET } from "@/emulator/server";
import { DEFAULT_SEED, type Seed } from "@/emulator/seed";
import { createTestDb } from "@/lib/testing/test-db";
import {
  configureDeployEngine,
  createDraft,
  setDeploymentSpec,
  startDeployment,
} from "@/lib/deploy/deployment.service";
import { observeCloudCalls, type CallRecord } from "@/lib/cloud/call";
import { rateKey } from "@/lib/cloud/rate-limit";

const ATTACH = 2000,
  ASSIGN = 500,
  ASSOCIATE = 1500;
const REGION = "ap-northeast-1";
const VSW = "vsw-6we1x9demotokyoa01";
const SG = "sg-6we1x9demotokyo00001";
const instanceId = (k: number) => `i-6we1x9benchvm${String(k).padStart(6, "0")}`;
const eniId = (k: number) => `eni-6we1x9benchen${String(k).padStart(6, "0")}`;
const eipId = (k: number) => `eip-6we1x9benchip${String(k).padStart(6, "0")}`;

/** A v2 spec: one existing instance and its ENI entries (DESIGN.md contract 5). */
function v2Spec(k: number, enis: unknown[]) {
  return {
    specVersion: 2,
    cloudAccountId: "acct-bench",
    regionId: REGION,
    instance: { mode: "existing", instanceId: instanceId(k) },
    enis,
    os: "alinux2",
  };
}

/** One existing ENI with `count` secondary IPs, its primary IP carrying an EIP too, and the EIPs `from`..`from+n`. */
function existingEni(k: number, count: number, from: number, n: number) {
  return {
    eni: { mode: "existing", networkInterfaceId: eniId(k) },
    privateIps: { mode: "count", count },
    usePrimaryIp: true,
    eips: Array.from({ length: n }, (_, j) => ({ allocationId: eipId(from + j) })),
  };
}

function seedFor(instances: number, eips: number): Seed {
  // 100 instances need ~400 private IPs: the bench's vSwitch is a /20 (the demo's /24 runs out: IpNotEnough).
  const vpcs = (DEFAULT_SEED.vpcs ?? []).map((v) => ({
    ...v,
    vSwitches: (v.vSwitches ?? []).map((w) =>
      w.id === VSW
        ? { ...w, cidrBlock: "172.16.0.0/20" }
        : w.cidrBlock === "172.16.1.0/24"
          ? { ...w, cidrBlock: "172.16.16.0/24" }
          : w,
    ),
  }));
  return {
    ...DEFAULT_SEED,
    vpcs,
    quotas: { eipPerRegion: 500, eniPerRegion: 1000, ipsPerAvailableEni: 10 },
    instances: Array.from({ length: instances }, (_, i) => ({
      id: instanceId(i),
      name: `bench-${i}`,
      vSwitch: VSW,
      instanceType: "ecs.g7.xlarge",
      imageId: "aliyun_2_1903_x64_20G_alibase_20240628.vhd",
      status: "Running" as const,
    })),
    networkInterfaces: Array.from({ length: instances }, (_, i) => ({
      id: eniId(i),
      vSwitch: VSW,
    })),
    eips: Array.from({ length: eips }, (_, i) => ({
      id: eipId(i),
      regionId: REGION,
    })),
  };
}

type Bench = Awaited<ReturnType<typeof setup>>;

/**
 * The emulator with the bench latencies, a test database with a team and its demo account, the engine on
 * both. `rateLimit`: the account's rate in EIPilot (CloudAccount.maxRequestsPerSecond) and the cloud's
 * per-API flow control in the emulator (Throttling.User beyond it); `throttle`: the share of all calls
 * the emulator answers Throttling.User at random on top.
 */
async function setup(seed: Seed, rateLimit: number | null, throttle = 0) {
  const emu = await startEmulator({
    seed,
    latencies: { eniAttach: ATTACH, eipAssociate: ASSOCIATE, eniDetach: 1200, eipUnassociate: 800 },
  });
  // The emulator has no per-action response latency for the (synchronous) AssignPrivateIpAddresses,
  // so the assign term of the bound is what the call really took (reported), not 0.5 s.
  if (rateLimit || throttle)
    emu.setFaults({
      seed: 19,
      rateLimit,
      rateLimitPer: "action",
      ...(throttle ? { errors: { "*": { "Throttling.User": throttle } } } : {}),
    });
  const t = await createTestDb();
  const teamId = "bench-team";
  await t.db.organization.create({ data: { id: teamId, name: "bench", slug: "bench" } });
  await t.db.cloudAccount.create({
    data: {
      id: "acct-bench",
      teamId,
      name: "emu",
      kind: "demo",
      accessKeyId: DEMO_ACCESS_KEY_ID,
      secretCiphertext: "-",
      endpoint: emu.endpoint,
      maxRequestsPerSecond: rateLimit,
    },
  });
  // What loadCloudCredentials gives for this account (the bench has no EMULATOR_ENDPOINT to load it through).
  const creds = {
    accessKeyId: DEMO_ACCESS_KEY_ID,
    accessKeySecret: DEMO_ACCESS_KEY_SECRET,
    endpoint: emu.endpoint,
    rateLimit: { key: rateKey(DEMO_ACCESS_KEY_ID, emu.endpoint), maxRequestsPerSecond: rateLimit },
  };
  configureDeployEngine({ db: () => t.db, resolveCredentials: async () => creds, concurrency: 8 });
  return {
    emu,
    t,
    teamId,
    close: async () => {
      await emu.close();
      await t.close();
    },
  };
}

/** Average duration of the finished steps of `action` in these deployments. */
async function stepMsAvg(b: Bench, ids: string[], action: string): Promise<number> {
  const steps = await b.t.db.deploymentStep.findMany({ where: { deploymentId: { in: ids }, action } });
  const xs = steps
    .filter((s) => s.startedAt && s.finishedAt)
    .map((s) => s.finishedAt!.getTime() - s.startedAt!.getTime());
  return xs.length ? Math.round(xs.reduce((x, y) => x + y, 0) / xs.length) : 0;
}

/** Runs `fn` and returns its result with every cloud call made meanwhile. */
async function observed<T>(fn: () => Promise<T>): Promise<{ result: T; calls: CallRecord[]; ms: number }> {
  const calls: CallRecord[] = [];
  const off = observeCloudCalls((c) => calls.push(c));
  const t0 = Date.now();
  try {
    const result = await fn();
    return { result, calls, ms: Date.now() - t0 };
  } finally {
    off();
  }
}

const countStatuses = (xs: string[]) =>
  Object.fromEntries([...new Set(xs)].map((x) => [x, xs.filter((y) => y === x).length]));
const mutatingOf = (calls: CallRecord[]) => calls.filter((c) => !c.action.startsWith("Describe"));
const countBy = (calls: CallRecord[]) =>
  Object.fromEntries(
    [...new Set(calls.map((c) => c.action))].sort().map((a) => [a, calls.filter((c) => c.action === a).length]),
  );

type ScenarioOpts = {
  instances: number;
  eipsPer: number;
  rateLimit: number | null;
  /** Share of calls answered Throttling.User at random. */
  throttle?: number;
  /** New EIPs (`{}`: AllocateEipAddress with a ClientToken) instead of existing ones. */
  allocate?: boolean;
};

/** Each member's EIPs in the cloud after the runs vs its spec, and every EIP the runs allocated. */
function duplicates(b: Bench, opts: ScenarioOpts, seededEips: number) {
  const world = b.emu.state();
  const eips = Object.values(world.eips);
  const perMember = Array.from(
    { length: opts.instances },
    (_, k) => eips.filter((e) => e.binding?.instanceId === eniId(k)).length,
  );
  return {
    membersWithWrongEipCount: perMember.filter((n) => n !== opts.eipsPer).length,
    eipsAllocated: eips.length - seededEips,
    eipsExpectedAllocated: opts.allocate ? opts.instances * opts.eipsPer : 0,
  };
}

async function scenario(opts: ScenarioOpts) {
  const seededEips = opts.allocate ? 0 : opts.instances * opts.eipsPer;
  const b = await setup(seedFor(opts.instances, seededEips), opts.rateLimit, opts.throttle ?? 0);
  const { t, teamId } = b;
  const calls: CallRecord[] = [];
  const off = observeCloudCalls((c) => calls.push(c));
  const ids: string[] = [];
  for (let k = 0; k < opts.instances; k++) {
    const eni = existingEni(k, opts.eipsPer - 1, k * opts.eipsPer, opts.eipsPer);
    const spec = v2Spec(k, [opts.allocate ? { ...eni, eips: eni.eips.map(() => ({})) } : eni]);
    ids.push((await createDraft(teamId, { name: `bench-${k}`, spec })).id);
  }
  const t0 = Date.now();
  const runs = await Promise.all(
    ids.map(async (id) => {
      const tRun = Date.now();
      try {
        const s = await startDeployment(teamId, id);
        const startMs = Date.now() - tRun;
        const r = await s.done;
        return { ...r, runMs: Date.now() - tRun, startMs };
      } catch (e) {
        // A pre-flight that could not read the cloud: a failed member, not a crashed bench.
        const code = (e as { code?: string }).code ?? String(e);
        return { status: `refused:${code}`, stats: { waits: 0, polls: 0 }, runMs: Date.now() - tRun, startMs: 0 };
      }
    }),
  );
  const wallMs = Date.now() - t0;
  off();
  const steps = await t.db.deploymentStep.findMany({ where: { deploymentId: { in: ids } } });
  const stepMs = (a: string) => {
    const xs = steps
      .filter((s) => s.action === a && s.startedAt && s.finishedAt)
      .map((s) => s.finishedAt!.getTime() - s.startedAt!.getTime());
    return xs.length ? Math.round(xs.reduce((x, y) => x + y, 0) / xs.length) : 0;
  };
  const mutating = calls.filter((c) => !c.action.startsWith("Describe"));
  const throttled = calls.filter((c) => c.code?.startsWith("Throttling")).length;
  const waits = runs.reduce((a, r) => a + r.stats.waits, 0);
  const polls = runs.reduce((a, r) => a + r.stats.polls, 0);
  const assignMs = stepMs("AssignPrivateIpAddresses");
  const boundMs = ATTACH + Math.max(ASSIGN, assignMs) + ASSOCIATE;
  const floorMs = opts.rateLimit ? Math.round((mutating.length / opts.rateLimit) * 1000) : null;
  const result = {
    instances: opts.instances,
    eipsPerInstance: opts.eipsPer,
    rateLimitRps: opts.rateLimit,
    injectedThrottling: opts.throttle ?? 0,
    newEips: !!opts.allocate,
    failedRuns: runs.filter((r) => r.status !== "succeeded").length,
    statuses: countStatuses(runs.map((r) => r.status)),
    ...duplicates(b, opts, seededEips),
    mutatingCalls: mutating.length,
    mutatingCallsPerDeployment: mutating.length / opts.instances,
    mutatingTarget: 2 + opts.eipsPer,
    totalCalls: calls.length,
    failedCalls: calls.filter((c) => !c.ok).length,
    failedByCode: countStatuses(calls.filter((c) => !c.ok).map((c) => `${c.action}:${c.code ?? "?"}`)),
    throttledCalls: throttled,
    wallMs,
    // Where the wall time goes: before the first change (pre-flights), the changes, after the last one.
    firstMutatingAtMs: mutating.length ? Math.min(...mutating.map((c) => c.startedAt)) - t0 : null,
    lastMutatingAtMs: mutating.length ? Math.max(...mutating.map((c) => c.startedAt)) - t0 : null,
    executorMsAvg: Math.round(runs.reduce((a, r) => a + r.runMs, 0) / runs.length),
    // Pre-flight, plan and the run recorded (startDeployment), first and last of the runs.
    startMsMin: Math.min(...runs.map((r) => r.startMs)),
    startMsMax: Math.max(...runs.map((r) => r.startMs)),
    criticalPathBoundMs: boundMs,
    ratioToBound: +(Math.max(...runs.map((r) => r.runMs)) / boundMs).toFixed(3),
    waits,
    describePollsForWaits: polls,
    pollsPerWait: +(polls / Math.max(1, waits)).toFixed(2),
    stepMsAvg: { attach: stepMs("AttachNetworkInterface"), assign: assignMs, associate: stepMs("AssociateEipAddress") },
    ...(floorMs
      ? {
          // The floor: the mutating calls at the account's rate (target: wall time ≤ 1.3 × floor).
          floorMs,
          ratioToFloor: +(wallMs / floorMs).toFixed(3),
          readCalls: calls.length - mutating.length,
          callsByAction: countBy(calls),
        }
      : {}),
  };
  await b.close();
  return result;
}

/**
 * +1 EIP on a 3-EIP deployment, as a change (setDeploymentSpec, then apply): deployment 0 has a
 * spare secondary IP (3 secondaries, 3 EIPs: the 4th EIP goes on the spare one: 1 associate);
 * deployment 1 has none (2 secondaries, 3 EIPs: 1 assign + 1 associate).
 */
async function addOneEip() {
  const b = await setup(seedFor(2, 8), null);
  const variants = [
    { name: "spare private IP", count: 3, newCount: 3, target: 1 },
    { name: "new private IP needed", count: 2, newCount: 3, target: 2 },
  ];
  const out: unknown[] = [];
  for (const [k, v] of variants.entries()) {
    const { id } = await createDraft(b.teamId, {
      name: `change-${k}`,
      spec: v2Spec(k, [existingEni(k, v.count, 4 * k, 3)]),
    });
    const first = await (await startDeployment(b.teamId, id)).done;
    const change = await observed(async () => {
      const set = await setDeploymentSpec(b.teamId, null, id, v2Spec(k, [existingEni(k, v.newCount, 4 * k, 4)]));
      const planned = set.plan?.steps.filter((x) => !x.noop).map((x) => x.action) ?? [];
      const run = await (await startDeployment(b.teamId, id)).done;
      return { planned, status: run.status };
    });
    const mutating = mutatingOf(change.calls);
    out.push({
      variant: v.name,
      firstApply: first.status,
      status: change.result.status,
      plannedSteps: change.result.planned,
      mutatingCalls: mutating.length,
      mutatingTarget: v.target,
      mutatingByAction: countBy(mutating),
      totalCalls: change.calls.length,
      wallMs: change.ms,
      // the association's transition; the emulator answers AssignPrivateIpAddresses at once
      associateBoundMs: ASSOCIATE,
    });
  }
  await b.close();
  return out;
}

/**
 * Two new ENIs x 10 EIPs from nothing on an existing instance: each ENI created with 9 secondary
 * IPs (10 with its primary, the most an unattached ENI may hold), attached, the 10th assigned, 10
 * existing EIPs associated with its 10 secondaries (usePrimaryIp false). Target: 2 creates + 2
 * attaches + 2 assigns + 20 associates = 26 mutating calls; the critical path is one ENI's chain
 * (create, attach, assign, associate) since both ENIs and all associations proceed in parallel.
 */
async function twoEnisTenEips() {
  const b = await setup({ ...seedFor(1, 20), networkInterfaces: [] }, null);
  const eni = (n: number) => ({
    eni: { mode: "create", vSwitchId: VSW, securityGroupId: SG },
    privateIps: { mode: "count", count: 10 },
    usePrimaryIp: false,
    eips: Array.from({ length: 10 }, (_, j) => ({ allocationId: eipId(10 * n + j) })),
  });
  const { id } = await createDraft(b.teamId, { name: "two-enis", spec: v2Spec(0, [eni(0), eni(1)]) });
  const run = await observed(async () => {
    const s = await startDeployment(b.teamId, id);
    const t0 = Date.now();
    const r = await s.done;
    return { ...r, executorMs: Date.now() - t0 };
  });
  const mutating = mutatingOf(run.calls);
  const step = {
    create: await stepMsAvg(b, [id], "CreateNetworkInterface"),
    attach: await stepMsAvg(b, [id], "AttachNetworkInterface"),
    assign: await stepMsAvg(b, [id], "AssignPrivateIpAddresses"),
    associate: await stepMsAvg(b, [id], "AssociateEipAddress"),
  };
  const boundMs = step.create + ATTACH + Math.max(ASSIGN, step.assign) + ASSOCIATE;
  const dep = await b.t.db.deployment.findFirstOrThrow({ where: { id }, select: { resources: true } });
  const enis = ((dep.resources as { enis?: { assignedIps?: unknown[] }[] })?.enis ?? []).map(
    (e) => e.assignedIps?.length ?? 0,
  );
  // What the cloud holds: each new ENI's private IPs, its primary one included (10 + 1).
  const world = b.emu.state();
  const live = (dep.resources as { enis: { eniId?: string }[] }).enis.map((e) => {
    const rec = world.enis[e.eniId ?? ""];
    return rec ? 1 + rec.secondaryIps.length : 0;
  });
  const created = run.calls.filter((c) => c.action === "CreateNetworkInterface");
  const result = {
    status: run.result.status,
    mutatingCalls: mutating.length,
    mutatingTarget: 26,
    mutatingByAction: countBy(mutating),
    totalCalls: run.calls.length,
    failedCalls: run.calls.filter((c) => !c.ok).length,
    secondaryIpsAddedPerEni: enis,
    privateIpsPerEniInCloud: live,
    createCallsOk: created.every((c) => c.ok),
    wallMs: run.ms,
    executorMs: run.result.executorMs,
    criticalPathBoundMs: boundMs,
    ratioToBound: +(run.result.executorMs / boundMs).toFixed(3),
    stepMsAvg: step,
    waits: run.result.stats.waits,
    describePollsForWaits: run.result.stats.polls,
  };
  await b.close();
  return result;
}

const results = {
  generatedAt: new Date().toISOString(),
  machine: {
    nproc: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? "",
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  },
  latencies: {
    attachMs: ATTACH,
    assignMs: ASSIGN,
    associateMs: ASSOCIATE,
    note: "assign: the emulator answers AssignPrivateIpAddresses synchronously (no per-action response latency yet); the bound uses max(0.5 s, measured)",
  },
  notes:
    "executorMs = from the run being recorded to its end (the pre-flight reads before it are in wallMs and totalCalls).",
  single: [] as unknown[],
  fleet: null as unknown,
  fleet100: null as unknown,
  fleet100Throttled: null as unknown,
  addOneEip: [] as unknown[],
  twoEnisTenEips: null as unknown,
};
// BENCH_DEPLOY_ONLY=fleet,fleet100 runs only those parts (the file is still written with what ran).
const only = process.env.BENCH_DEPLOY_ONLY?.split(",").filter(Boolean);
const runs = (part: string) => !only || only.includes(part);
const report = (r: unknown) => console.log(JSON.stringify(r));
if (runs("single"))
  for (const n of [3, 8]) {
    const r = await scenario({ instances: 1, eipsPer: n, rateLimit: null });
    results.single.push(r);
    report(r);
  }
if (runs("fleet")) report((results.fleet = await scenario({ instances: 20, eipsPer: 3, rateLimit: 10 })));
if (runs("fleet100"))
  report((results.fleet100 = await scenario({ instances: 100, eipsPer: 3, rateLimit: 10, allocate: true })));
if (runs("fleet100Throttled"))
  report(
    (results.fleet100Throttled = await scenario({
      instances: 100,
      eipsPer: 3,
      rateLimit: 10,
      allocate: true,
      throttle: 0.1,
    })),
  );
if (runs("addOneEip")) for (const r of (results.addOneEip = await addOneEip())) report(r);
if (runs("twoEnisTenEips")) report((results.twoEnisTenEips = await twoEnisTenEips()));
const out = path.resolve("bench/results/deploy.json");
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, JSON.stringify(results, null, 2) + "\n");
console.log(`wrote ${out}`);
process.exit(0);
