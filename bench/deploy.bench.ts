// npm run bench:deploy — the deployment engine against the emulator with realistic
// transition latencies. Reports mutating/total calls, wall time vs the critical-path
// bound, Describe polls per wait, a 20-instance run under a 10 req/s rate limit, a
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
import { configureRateLimit } from "@/lib/cloud/rate-limit";

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
  return {
    ...DEFAULT_SEED,
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

/** The emulator with the bench latencies, a test database with a team and its demo account, the engine on both. */
async function setup(seed: Seed, rateLimit: number | null) {
  const emu = await startEmulator({
    seed,
    latencies: { eniAttach: ATTACH, eipAssociate: ASSOCIATE, eniDetach: 1200, eipUnassociate: 800 },
  });
  // The emulator has no per-action response latency for the (synchronous) AssignPrivateIpAddresses,
  // so the assign term of the bound is what the call really took (reported), not 0.5 s.
  if (rateLimit) emu.setFaults({ rateLimit });
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
    },
  });
  const creds = { accessKeyId: DEMO_ACCESS_KEY_ID, accessKeySecret: DEMO_ACCESS_KEY_SECRET, endpoint: emu.endpoint };
  configureRateLimit(creds.accessKeyId, creds.endpoint, rateLimit, 1);
  configureDeployEngine({ db: () => t.db, resolveCredentials: async () => creds, concurrency: 8 });
  return {
    emu,
    t,
    teamId,
    close: async () => {
      configureRateLimit(creds.accessKeyId, creds.endpoint, null);
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

const mutatingOf = (calls: CallRecord[]) => calls.filter((c) => !c.action.startsWith("Describe"));
const countBy = (calls: CallRecord[]) =>
  Object.fromEntries(
    [...new Set(calls.map((c) => c.action))].sort().map((a) => [a, calls.filter((c) => c.action === a).length]),
  );

async function scenario(opts: { instances: number; eipsPer: number; rateLimit: number | null }) {
  const b = await setup(seedFor(opts.instances, opts.instances * opts.eipsPer), opts.rateLimit);
  const { t, teamId } = b;
  const calls: CallRecord[] = [];
  const off = observeCloudCalls((c) => calls.push(c));
  const ids: string[] = [];
  for (let k = 0; k < opts.instances; k++) {
    const spec = v2Spec(k, [existingEni(k, opts.eipsPer - 1, k * opts.eipsPer, opts.eipsPer)]);
    ids.push((await createDraft(teamId, { name: `bench-${k}`, spec })).id);
  }
  const t0 = Date.now();
  const runs = await Promise.all(
    ids.map(async (id) => {
      const s = await startDeployment(teamId, id);
      const tRun = Date.now();
      const r = await s.done;
      return { ...r, runMs: Date.now() - tRun };
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
  const result = {
    instances: opts.instances,
    eipsPerInstance: opts.eipsPer,
    rateLimitRps: opts.rateLimit,
    statuses: runs.map((r) => r.status),
    mutatingCalls: mutating.length,
    mutatingCallsPerDeployment: mutating.length / opts.instances,
    mutatingTarget: 2 + opts.eipsPer,
    totalCalls: calls.length,
    failedCalls: calls.filter((c) => !c.ok).length,
    throttledCalls: throttled,
    wallMs,
    executorMsAvg: Math.round(runs.reduce((a, r) => a + r.runMs, 0) / runs.length),
    criticalPathBoundMs: boundMs,
    ratioToBound: +(Math.max(...runs.map((r) => r.runMs)) / boundMs).toFixed(3),
    waits,
    describePollsForWaits: polls,
    pollsPerWait: +(polls / Math.max(1, waits)).toFixed(2),
    stepMsAvg: { attach: stepMs("AttachNetworkInterface"), assign: assignMs, associate: stepMs("AssociateEipAddress") },
    ...(opts.rateLimit
      ? {
          callsOverRateMs: Math.round((calls.length / opts.rateLimit) * 1000),
          ratioToCallsOverRate: +(wallMs / ((calls.length / opts.rateLimit) * 1000)).toFixed(3),
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
  addOneEip: [] as unknown[],
  twoEnisTenEips: null as unknown,
};
for (const n of [3, 8]) {
  const r = await scenario({ instances: 1, eipsPer: n, rateLimit: null });
  results.single.push(r);
  console.log(JSON.stringify(r));
}
results.fleet = await scenario({ instances: 20, eipsPer: 3, rateLimit: 10 });
console.log(JSON.stringify(results.fleet));
results.addOneEip = await addOneEip();
for (const r of results.addOneEip) console.log(JSON.stringify(r));
results.twoEnisTenEips = await twoEnisTenEips();
console.log(JSON.stringify(results.twoEnisTenEips));
const out = path.resolve("bench/results/deploy.json");
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, JSON.stringify(results, null, 2) + "\n");
console.log(`wrote ${out}`);
process.exit(0);
