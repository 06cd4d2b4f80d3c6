import { afterAll, beforeAll, expect, it } from "vitest";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startEmulator, type EmulatorHandle } from "@/emulator/server";
import { openConnection, type Connection } from "@/lib/db/connection";
import { createPrismaClient, type Db } from "@/lib/db/client";
import { applyMigrations } from "@/lib/db/migrate";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { configureDeployEngine, createDraft, getProgress, resumeInterruptedRuns } from "./deployment.service";
import { FAST, TEST_SEED, baseSpec, ENI } from "./testing/harness";

let emu: EmulatorHandle;
let t: TestDb | null = null;
let dir: string | null = null;
let conn: Connection;
let db: Db;
let target: string;
beforeAll(async () => {
  emu = await startEmulator({ seed: TEST_SEED, latencies: { ...FAST, eniAttach: 1500, eipAssociate: 800 } });
  if (process.env.DATABASE_URL?.startsWith("postgres")) {
    t = await createTestDb();
    conn = t.conn;
    db = t.db;
    target = (t.conn.target as { url: string }).url;
  } else {
    // A PGlite data directory belongs to one process at a time: the parent sets it up, closes it, the child runs.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "eipilot-crash-"));
    conn = openConnection({ kind: "pglite", dataDir: dir });
    await applyMigrations(conn.adapter);
    db = createPrismaClient(conn);
    target = dir;
  }
});
afterAll(async () => {
  await emu?.close();
  if (t) await t.close();
  else {
    await db?.$disconnect().catch(() => {});
    await conn?.close().catch(() => {});
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
});

it("a server killed with SIGKILL mid-run: the run is resumed by resumeInterruptedRuns and finishes once", async () => {
  const teamId = "crash-team";
  await db.organization.create({ data: { id: teamId, name: "crash", slug: "crash" } });
  await db.cloudAccount.create({
    data: {
      id: "acct-test",
      teamId,
      name: "emu",
      kind: "demo",
      accessKeyId: "LTAI5tEIPilotDemoKey01",
      secretCiphertext: "-",
      endpoint: emu.endpoint,
    },
  });
  configureDeployEngine({
    db: () => db,
    resolveCredentials: async () => ({
      accessKeyId: "LTAI5tEIPilotDemoKey01",
      accessKeySecret: "EIPilotDemoSecretNotForProduction01",
      endpoint: emu.endpoint,
    }),
  });
  const { id } = await createDraft(teamId, {
    name: "crashy",
    spec: baseSpec({ privateIps: { mode: "count", count: 2 }, eips: [{}, {}, {}] }),
  });
  if (dir) {
    await db.$disconnect();
    await conn.close();
  }
  const child = spawn(
    process.execPath,
    [
      "--experimental-wasm-modules",
      "--no-warnings",
      "--import",
      "tsx",
      "lib/deploy/testing/crash-child.ts",
      target,
      teamId,
      id,
      emu.endpoint,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  child.stderr.on("data", (c: Buffer) => (out += c.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`child never reached the attach wait:\n${out}`)), 45_000);
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
      // Kill while the ENI is Attaching (the call was made, its wait is in progress).
      if (out.includes("STEP eni.attach called")) {
        clearTimeout(timer);
        child.kill("SIGKILL");
        resolve();
      }
    });
  });
  await new Promise((r) => child.once("exit", r));
  if (dir) {
    conn = openConnection({ kind: "pglite", dataDir: dir });
    db = createPrismaClient(conn);
  }
  configureDeployEngine({
    db: () => db,
    owner: "restarted-server",
    waitScale: 0.05,
    pollCapMs: 100,
    leaseMs: 1000,
    retryBaseMs: 5,
    retryCapMs: 50,
  });
  const mid = await getProgress(teamId, id);
  expect(mid.status).toBe("running");
  await new Promise((r) => setTimeout(r, 1100)); // the dead server's lease expires
  const results = await resumeInterruptedRuns();
  expect(results.map((r) => r.status)).toEqual(["succeeded"]);
  const w = emu.state();
  expect(w.enis[ENI]!.status).toBe("InUse");
  expect(w.enis[ENI]!.secondaryIps).toHaveLength(2);
  expect(Object.values(w.eips).filter((e) => e.binding?.instanceId === ENI)).toHaveLength(3);
  // The attach was not issued twice: one AttachNetworkInterface request reached the cloud.
  expect(emu.requests().filter((q) => q.action === "AttachNetworkInterface" && q.status === 200)).toHaveLength(1);
  expect(
    emu.requests().filter((q) => q.action === "AllocateEipAddress" && q.status === 200).length,
  ).toBeLessThanOrEqual(3 + 3); // replays return the same EIP
  expect(Object.keys(w.eips)).toHaveLength(4 + 3);
}, 90_000);
