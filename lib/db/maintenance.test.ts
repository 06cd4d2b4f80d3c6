import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { refreshPlannerStatistics } from "./maintenance";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t?.close();
});

const auditStats = async () =>
  (
    await t.db.$queryRawUnsafe<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM pg_stats WHERE tablename = 'audit_event'`,
    )
  )[0]!.n;

it("gives the planner statistics for the audit trail", async () => {
  await t.db.organization.create({ data: { id: "team-stats", name: "Stats", slug: "stats" } });
  await t.db.$executeRawUnsafe(`INSERT INTO audit_event ("teamId", seq, "actorType", action, outcome, "prevHash", hash)
    SELECT 'team-stats', g, 'system', 'app:bench', 'success', '', '' FROM generate_series(1, 500) g`);
  // PGlite never analyzes by itself (a PostgreSQL server's autovacuum might have by now).
  if (t.kind === "pglite") expect(await auditStats()).toBe(0);
  await refreshPlannerStatistics(t.db);
  expect(await auditStats()).toBeGreaterThan(0);
  const rows = await t.db.$queryRawUnsafe<{ reltuples: number }[]>(
    `SELECT reltuples::int AS reltuples FROM pg_class WHERE relname = 'audit_event'`,
  );
  expect(rows).toEqual([{ reltuples: 500 }]);
});
