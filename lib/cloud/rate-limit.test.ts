// The account's shared pacing: two app processes (two Prisma clients on one database) together never go
// faster than the account's rate, and a Throttling answer with a retry hint holds every caller of the
// account — not only the one the cloud refused.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { createPrismaClient, type Db } from "@/lib/db/client";
import { openConnection, type Connection } from "@/lib/db/connection";
import { applyMigrations } from "@/lib/db/migrate";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { harness, type Harness } from "@/lib/deploy/testing/harness";
import { cloudCall, type CloudContext } from "./call";
import { dbSlotStore, pace, rateKey, type RatePlan } from "./rate-limit";

/** Two clients, each with its own driver adapter (as two replicas have), on one database. */
async function twoClients(): Promise<{ a: Db; b: Db; close(): Promise<void> }> {
  if (process.env.DATABASE_URL?.startsWith("postgres")) {
    const t: TestDb = await createTestDb();
    const conn = openConnection(t.conn.target);
    const b = createPrismaClient(conn);
    return { a: t.db, b, close: async () => (await b.$disconnect(), await t.close()) };
  }
  // PGlite's data directory belongs to one process: the two clients share one PGlite database instead.
  const pg = new PGlite();
  const adapter = () => new PrismaPGlite(pg) as unknown as SqlMigrationAwareDriverAdapterFactory;
  await applyMigrations(adapter());
  const conn = (): Connection => ({
    target: { kind: "pglite", dataDir: null },
    adapter: adapter(),
    close: async () => {},
  });
  const a = createPrismaClient(conn());
  const b = createPrismaClient(conn());
  return { a, b, close: async () => (await a.$disconnect(), await b.$disconnect(), await pg.close()) };
}

describe("one rate per cloud account, shared through the database", () => {
  let dbs: Awaited<ReturnType<typeof twoClients>>;
  beforeAll(async () => {
    dbs = await twoClients();
  });
  afterAll(async () => dbs?.close());

  it("two processes pacing the same account together never exceed its rate", async () => {
    const plan: RatePlan = { key: "LTAIsharedtest|", maxRequestsPerSecond: 20 };
    const stores = [dbSlotStore(dbs.a), dbSlotStore(dbs.b)];
    const sent: { at: number; by: number }[] = [];
    await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        sent.push({ at: await pace(stores[i % 2]!, plan, "write"), by: i % 2 });
      }),
    );
    const at = sent.map((s) => s.at).sort((x, y) => x - y);
    // 30 calls at 20/s: the last goes ≥ 29/20 s after the first (a little slack for timer rounding).
    expect(at[29]! - at[0]!).toBeGreaterThanOrEqual(1300);
    // No one-second window of the schedule holds more than the rate allows (21 in an exact one; the rest is
    // slack for the database's answer taking longer for some callers than for others on a busy machine).
    for (const t0 of at) expect(at.filter((t) => t >= t0 && t < t0 + 1000).length).toBeLessThanOrEqual(25);
    expect(new Set(sent.map((s) => s.by))).toEqual(new Set([0, 1]));
  });

  it("another account's budget is its own", async () => {
    const store = dbSlotStore(dbs.a);
    const busy: RatePlan = { key: "LTAIbusyaccount|", maxRequestsPerSecond: 2 };
    await Promise.all([1, 2, 3].map(() => pace(store, busy, "write"))); // the busy account is now ~1 s ahead
    const t0 = Date.now();
    await pace(dbSlotStore(dbs.b), { key: "LTAIotheraccount|", maxRequestsPerSecond: 2 }, "write");
    expect(Date.now() - t0).toBeLessThan(400);
  });
});

describe("a Throttling answer holds the account for everyone", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });
  afterAll(async () => h?.close());

  it("delays the other callers of the account by the hint, not those of another account", async () => {
    h.emu.setFaults({ errors: { AllocateEipAddress: { "Throttling.User": 1 } }, throttleRetryAfterMs: 2000 });
    const plan = { key: rateKey(h.creds.accessKeyId, h.creds.endpoint), maxRequestsPerSecond: null };
    const refused: CloudContext = { ...h.ctx, creds: { ...h.creds, rateLimit: plan } };
    const e = await cloudCall(refused, "AllocateEipAddress", { RegionId: h.ctx.regionId }).catch((x: unknown) => x);
    expect((e as { code?: string }).code).toBe("Throttling.User");
    // Another run of the same account reads (another budget, but Throttling.User is account-wide): it waits.
    const t0 = Date.now();
    await cloudCall({ ...h.ctx, creds: { ...h.creds, rateLimit: plan } }, "DescribeInstances", {
      RegionId: h.ctx.regionId,
    });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1200);
    // An account with another key is not held.
    const t1 = Date.now();
    await pace(dbSlotStore(h.t.db), { key: "LTAIunrelated|", maxRequestsPerSecond: null }, "read:DescribeInstances");
    expect(Date.now() - t1).toBeLessThan(500);
    h.emu.setFaults({});
  });
});
