// npm run bench:deploy — the deployment engine against the emulator with realistic
// transition latencies. Reports mutating/total calls, wall time vs the critical-path
// bound, Describe polls per wait, and a 20-instance run under a 10 req/s rate limit.
import os from "node:os";
import fs from "node:fs";
import path from "node:path";
import { startEmulator, DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET } from "@/emulator/server";
import { DEFAULT_SEED, type Seed } from "@/emulator/seed";
import { createTestDb } from "@/lib/testing/test-db";
import { configureDeployEngine, createDraft, startDeployment } from "@/lib/deploy/deployment.service";
import { observeCloudCalls, type CallRecord } from "@/lib/cloud/call";
import { configureRateLimit } from "@/lib/cloud/rate-limit";

const ATTACH = 2000,
  ASSIGN = 500,
  ASSOCIATE = 1500;
const REGION = "ap-northeast-1";
const VSW = "vsw-6we1x9demotokyoa01";

function seedFor(instances: number, eips: number): Seed {
  return {
    ...DEFAULT_SEED,
    quotas: { eipPerRegion: 500, eniPerRegion: 1000, ipsPerAvailableEni: 10 },
    instances: Array.from({ length: instances }, (_, i) => ({
      id: `i-6we1x9benchvm${String(i).padStart(6, "0")}`,
      name: `bench-${i}`,
      vSwitch: VSW,
      instanceType: "ecs.g7.xlarge",
      imageId: "aliyun_2_1903_x64_20G_alibase_20240628.vhd",
      status: "Running" as const,
    })),
    networkInterfaces: Array.from({ length: instances }, (_, i) => ({
      id: `eni-6we1x9benchen${String(i).padStart(6, "0")}`,
      vSwitch: VSW,
    })),
    eips: Array.from({ length: eips }, (_, i) => ({
      id: `eip-6we1x9benchip${String(i).padStart(6, "0")}`,
      regionId: REGION,
    })),
  };
}

async function scenario(opts: { instances: number; eipsPer: number; rateLimit: number | null }) {
  const emu = await startEmulator({
    seed: seedFor(opts.instances, opts.instances * opts.eipsPer),
    latencies: { eniAttach: ATTACH, eipAssociate: ASSOCIATE, eniDetach: 1200, eipUnassociate: 800 },
  });
  // The emulator has no per-action response latency for the (synchronous) AssignPrivateIpAddresses,
  // so the assign term of the bound is what the call really took (reported), not 0.5 s.
  if (opts.rateLimit) emu.setFaults({ rateLimit: opts.rateLimit });
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
  configureRateLimit(creds.accessKeyId, creds.endpoint, opts.rateLimit, 1);
  configureDeployEngine({ db: () => t.db, resolveCredentials: async () => creds, concurrency: 8 });
  const calls: CallRecord[] = [];
  const off = observeCloudCalls((c) => calls.push(c));
  const ids: string[] = [];
  for (let k = 0; k < opts.instances; k++) {
    const spec = {
      specVersion: 1,
      cloudAccountId: "acct-bench",
      regionId: REGION,
      instance: { mode: "existing", instanceId: `i-6we1x9benchvm${String(k).padStart(6, "0")}` },
      eni: { mode: "existing", networkInterfaceId: `eni-6we1x9benchen${String(k).padStart(6, "0")}` },
      privateIps: { mode: "count", count: opts.eipsPer - 1 },
      usePrimaryIp: true,
      eips: Array.from({ length: opts.eipsPer }, (_, j) => ({
        allocationId: `eip-6we1x9benchip${String(k * opts.eipsPer + j).padStart(6, "0")}`,
      })),
      os: "alinux2",
    };
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
  configureRateLimit(creds.accessKeyId, creds.endpoint, null);
  await emu.close();
  await t.close();
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
};
for (const n of [3, 8]) {
  const r = await scenario({ instances: 1, eipsPer: n, rateLimit: null });
  results.single.push(r);
  console.log(JSON.stringify(r));
}
results.fleet = await scenario({ instances: 20, eipsPer: 3, rateLimit: 10 });
console.log(JSON.stringify(results.fleet));
const out = path.resolve("bench/results/deploy.json");
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, JSON.stringify(results, null, 2) + "\n");
console.log(`wrote ${out}`);
process.exit(0);
