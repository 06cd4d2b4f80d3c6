// npm run bench:wizard — figures for the wizard (report only; see issue 6):
//  1. first-load JavaScript of /deployments/new, gzipped, from the build output (.next);
//  2. the pre-flight round trip (runPreflight: DB read, live-state reads through the SDK, rules, DB write) against the emulator, p50/p95;
//  3. the dashboard's server work with 1,000 deployments (team-scoped query + DTO shaping + serialising the rows for the client table);
//  4. the interactions the document's scenario costs in quick deploy (goal ≤ 6) and in the wizard (goal ≤ 12), as
//     counted by the browser run e2e/interactions.spec.ts (every click, choice and typed field through one counter;
//     this script does not drive a browser, it reports what that run measured and when).
// Writes bench/results/wizard.json.
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import os from "node:os";
import { startEmulator, DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET } from "@/emulator/server";
import { createTestDb } from "@/lib/testing/test-db";
import { installDb } from "@/lib/db/client";
import { configureDeployEngine, createDraft, runPreflight } from "@/lib/deploy/deployment.service";
import { listDeploymentsForDashboard } from "@/lib/deploy/dashboard.queries";

const root = path.resolve(import.meta.dirname, "..");
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;
const round = (n: number) => Math.round(n * 10) / 10;

function firstLoadJs() {
  const dir = path.join(root, ".next");
  const manifest = path.join(dir, "server/app/(app)/deployments/new/page_client-reference-manifest.js");
  if (!fs.existsSync(manifest)) return { error: "no build output: run `npx next build` (or npm start) first" };
  const g = globalThis as unknown as { __RSC_MANIFEST?: Record<string, { entryJSFiles?: Record<string, string[]> }> };
  new Function(fs.readFileSync(manifest, "utf8"))();
  const entry = g.__RSC_MANIFEST?.["/(app)/deployments/new/page"]?.entryJSFiles ?? {};
  const build = JSON.parse(
    fs.readFileSync(path.join(dir, "server/app/(app)/deployments/new/page/build-manifest.json"), "utf8"),
  ) as { rootMainFiles: string[]; polyfillFiles: string[] };
  const files = new Set<string>([
    ...build.rootMainFiles,
    ...Object.entries(entry)
      .filter(([k]) => k.includes("app/layout") || k.includes("deployments/new/page"))
      .flatMap(([, v]) => v),
  ]);
  let raw = 0,
    gz = 0;
  for (const f of files) {
    const buf = fs.readFileSync(path.join(dir, f));
    raw += buf.length;
    gz += zlib.gzipSync(buf, { level: 9 }).length;
  }
  return {
    files: files.size,
    rawKB: round(raw / 1024),
    gzipKB: round(gz / 1024),
    budgetKB: 200,
    withinBudget: gz / 1024 <= 200,
    note: "root main files + layout + page client chunks (polyfills excluded: nomodule)",
  };
}

/** What the last run of e2e/interactions.spec.ts counted (bench/results/interactions.json). */
function interactions() {
  const file = path.join(root, "bench/results/interactions.json");
  if (!fs.existsSync(file))
    return { error: "not measured yet: run `npx playwright test e2e/interactions.spec.ts` (it writes " + file + ")" };
  const r = JSON.parse(fs.readFileSync(file, "utf8")) as Record<
    string,
    {
      interactions: number;
      keystrokes: number;
      goal: number;
      steps: string[];
      cloudAssistant: string;
      measuredAt: string;
    }
  >;
  return Object.fromEntries(
    Object.entries(r).map(([flow, x]) => [flow, { ...x, withinGoal: x.interactions <= x.goal }]),
  );
}

type Db = Awaited<ReturnType<typeof createTestDb>>["db"];

// The three-EIP wizard spec of the e2e test.
const spec = {
  specVersion: 1,
  cloudAccountId: "acct-bench",
  regionId: "ap-northeast-1",
  instance: { mode: "existing", instanceId: "i-6we1x9demoweb000001" },
  eni: { mode: "existing", networkInterfaceId: "eni-6we1x9demosecond001" },
  privateIps: { mode: "count", count: 2 },
  usePrimaryIp: true,
  eips: [
    { allocationId: "eip-6we1x9demofree00001" },
    { allocationId: "eip-6we1x9demofree00002" },
    { allocationId: "eip-6we1x9demofree00003" },
  ],
  os: "alinux2",
};

async function measurePreflight(teamId: string) {
  const { id } = await createDraft(teamId, { name: "bench", spec });
  for (let i = 0; i < 5; i++) await runPreflight(teamId, id);
  const pre: number[] = [];
  let ok = true;
  for (let i = 0; i < 60; i++) {
    const s = performance.now();
    const r = await runPreflight(teamId, id);
    pre.push(performance.now() - s);
    ok &&= r.ok;
  }
  return {
    runs: pre.length,
    allPassed: ok,
    p50ms: round(pct(pre, 50)),
    p95ms: round(pct(pre, 95)),
    maxMs: round(Math.max(...pre)),
    budgetMs: 300,
    withinBudget: pct(pre, 95) < 300,
  };
}

async function measureDashboard(db: Db, teamId: string) {
  const statuses = ["draft", "succeeded", "failed", "torn_down", "cancelled"];
  await db.user.create({ data: { id: "u-bench", name: "Bench User", email: "bench@example.com" } });
  await db.member.create({ data: { id: "m-bench", organizationId: teamId, userId: "u-bench", role: "owner" } });
  const rows = Array.from({ length: 1000 }, (_, i) => ({
    teamId,
    name: `deployment ${i}`,
    status: statuses[i % statuses.length]!,
    spec: spec as never,
    regionId: "ap-northeast-1",
    instanceId: "i-6we1x9demoweb000001",
    eniId: "eni-6we1x9demosecond001",
    createdById: "u-bench",
    resources: {
      eips: [0, 1, 2].map((k) => ({
        specIndex: k,
        allocationId: `eip-x${i}${k}`,
        ipAddress: `203.0.113.${k + 1}`,
        privateIp: `172.16.0.${k + 60}`,
        allocatedByUs: false,
        associatedByUs: true,
      })),
    } as never,
  }));
  for (let i = 0; i < rows.length; i += 200) await db.deployment.createMany({ data: rows.slice(i, i + 200) });
  for (let i = 0; i < 3; i++) await listDeploymentsForDashboard(teamId);
  const dash: number[] = [];
  let count = 0;
  for (let i = 0; i < 15; i++) {
    const s = performance.now();
    const list = await listDeploymentsForDashboard(teamId);
    JSON.stringify(list);
    dash.push(performance.now() - s);
    count = list.length;
  }
  return {
    deployments: count,
    p50ms: round(pct(dash, 50)),
    p95ms: round(pct(dash, 95)),
    budgetMs: 500,
    withinBudget: pct(dash, 95) < 500,
    measured: "listDeploymentsForDashboard + serialising the rows (embedded PGlite)",
  };
}

async function main() {
  const results: Record<string, unknown> = {
    host: { cpus: os.cpus().length, node: process.version },
    at: new Date().toISOString(),
  };
  results.firstLoadJs = firstLoadJs();
  results.interactions = interactions();

  const emu = await startEmulator({ port: 0 });
  const t = await createTestDb();
  installDb(t.db, t.conn);
  const teamId = "bench-wizard";
  await t.db.organization.create({ data: { id: teamId, name: "bench", slug: "bench-wizard" } });
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
  configureDeployEngine({ db: () => t.db, resolveCredentials: async () => creds });

  // 2. pre-flight round trip
  results.preflight = await measurePreflight(teamId);

  // 3. dashboard with 1,000 deployments
  results.dashboard = await measureDashboard(t.db, teamId);

  await emu.close();
  await t.close();
  fs.mkdirSync(path.join(root, "bench/results"), { recursive: true });
  fs.writeFileSync(path.join(root, "bench/results/wizard.json"), JSON.stringify(results, null, 2) + "\n");
  console.log(JSON.stringify(results, null, 2));
  process.exit(0);
}

void main();
