// The export against the /audit pages: the same events for every filter, each
// line exactly what the page shows of its event. Runs on PGlite (the export in
// this process) and, under test:integration:pg, on PostgreSQL (the export in a
// process of its own, export.process.mjs).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
vi.mock("server-only", () => ({}));
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { childProcessStatuses } from "@/lib/testing/processes";
import { createPrismaClient } from "@/lib/db/client";
import { openConnection } from "@/lib/db/connection";
import { appendAuditEvent } from "./chain";
import { listAuditEvents, type AuditEventDto, type AuditFilter } from "./audit.queries";
import { auditExportStream, csvLine, EXPORT_COLUMNS } from "./export-stream";

const TEAM = "team-e";
let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
  for (const id of [TEAM, "team-other"]) await t.db.organization.create({ data: { id, name: id, slug: id } });
  for (let i = 0; i < 30; i++) {
    await appendAuditEvent(t.db, {
      teamId: TEAM,
      actorType: i % 6 ? "user" : "system",
      actorId: i % 6 ? `u-${i % 3}` : null,
      actorLabel: i % 6 ? `user${i % 3}@example.com` : null,
      action: [
        "cloud:VPC.AssociateEipAddress",
        "cloud:ECS.AttachNetworkInterface",
        "app:config.create",
        "app:deployment.apply",
      ][i % 4]!,
      targets: i % 5 ? [`eip-${i % 4}`, `eni-${i % 2}`] : [],
      deploymentId: i % 3 ? `dep-${i % 2}` : null,
      params:
        i % 4
          ? {
              RegionId: "ap-northeast-1",
              Amount: i,
              InstanceIds: ["i-1", null, 2],
              Mode: { name: "nested", count: i },
              Description: '東京 ✓ a,"b"\nc',
            }
          : undefined,
      requestId: i % 2 ? `REQ-${i}` : null,
      outcome: i % 7 === 3 ? "failure" : "success",
      errorCode: i % 7 === 3 ? "Throttling.User" : null,
      errorMessage: i === 10 ? `=cmd|' /C calc'!A0, "quoted"` : null,
      durationMs: i % 4 === 2 ? null : 20 + i,
      clientIp: "198.51.100.7",
      userAgent: "Mozilla/5.0 (X11; Linux x86_64)",
    });
  }
  await appendAuditEvent(t.db, {
    teamId: "team-other",
    actorType: "user",
    action: "cloud:VPC.AssociateEipAddress",
    targets: ["eip-1"],
    outcome: "success",
  });
  // Several events in one millisecond, where a keyset batch boundary must still be exact.
  await t.db.$executeRawUnsafe(`ALTER TABLE audit_event DISABLE TRIGGER USER`);
  await t.db.$executeRawUnsafe(
    `UPDATE audit_event SET "at" = '2026-11-02T10:00:00.123Z' WHERE "teamId" = '${TEAM}' AND seq BETWEEN 3 AND 17`,
  );
  await t.db.$executeRawUnsafe(
    `UPDATE audit_event SET "at" = '2026-11-01T23:59:59.999Z' WHERE "teamId" = '${TEAM}' AND seq IN (1, 2)`,
  );
  await t.db.$executeRawUnsafe(`ALTER TABLE audit_event ENABLE TRIGGER USER`);
  // A team with enough events that an export nobody reads fills its pipe and waits, alive (its chain is not checked here).
  await t.db.organization.create({ data: { id: "team-big", name: "team-big", slug: "team-big" } });
  await t.db
    .$executeRawUnsafe(`INSERT INTO audit_event ("teamId", seq, "actorType", action, targets, outcome, "prevHash", hash)
    SELECT 'team-big', g, 'user', 'app:bulk.event', ARRAY['eip-' || g], 'success', repeat('0', 64), repeat('1', 64) FROM generate_series(1, 3000) g`);
});
afterAll(async () => {
  await t?.close();
});

async function pages(filter: AuditFilter) {
  const seen: AuditEventDto[] = [];
  let cursor: string | null = null;
  do {
    const page = await listAuditEvents(TEAM, filter, { cursor, limit: 7, db: t.db });
    seen.push(...page.events);
    cursor = page.nextCursor;
  } while (cursor);
  return seen;
}

const text = (s: ReadableStream<Uint8Array>) => new Response(s).text();

const filters: Record<string, AuditFilter> = {
  everything: {},
  actorById: { actor: "u-1" },
  actorByEmail: { actor: "user2@example.com", actorUserId: "u-2" },
  exactAction: { action: "app:config.create" },
  actionPrefix: { action: "cloud:*" },
  resource: { resource: "eip-3" },
  deployment: { deploymentId: "dep-1" },
  outcome: { outcome: "failure" },
  fromDate: { from: "2026-11-02" },
  toDate: { to: "2026-11-01" },
  timeRange: { from: "2026-11-02T10:00:00.123Z", to: "2026-11-02T10:00:00.124Z" }, // "to" is exclusive
  combined: { action: "cloud:*", resource: "eni-1", outcome: "success" },
  // LIKE's wildcards in a prefix are plain characters: no action starts with "app_" or "%".
  underscorePrefix: { action: "app_*" },
  percentPrefix: { action: "%*" },
  nothing: { resource: "eip-none" },
};

describe("audit export", () => {
  it.each(Object.entries(filters))(
    "%s: the same events as the /audit pages, each line what the page shows",
    async (_name, filter) => {
      const expected = await pages(filter);
      const ndjson = await text(auditExportStream(TEAM, filter, "ndjson", { batchSize: 4, db: t.db }));
      expect(ndjson).toBe(expected.map((e) => JSON.stringify(e) + "\n").join(""));
      const csv = await text(auditExportStream(TEAM, filter, "csv", { batchSize: 4, db: t.db }));
      expect(csv).toBe([EXPORT_COLUMNS.join(",") + "\r\n", ...expected.map(csvLine)].join(""));
    },
  );

  it("covers what the filters cut: other teams excluded, ties within a millisecond across batches kept", async () => {
    expect((await pages({})).length).toBe(30);
    const csv = await text(auditExportStream(TEAM, {}, "csv", { batchSize: 2, db: t.db }));
    expect(csv.split("\r\n").filter(Boolean)).toHaveLength(31);
    expect(csv).not.toContain("team-other");
    expect(csv).toContain(`"'=cmd|' /C calc'!A0, ""quoted"""`);
    expect(csv).toContain(`"Description"":""東京 ✓ a,\\""b\\""\\nc""`);
    expect((await pages(filters.timeRange!)).length).toBe(15);
    expect(await pages(filters.underscorePrefix!)).toEqual([]);
    expect(await pages(filters.percentPrefix!)).toEqual([]);
  });

  it("a reader that stops early ends the export: nothing keeps reading the database", async () => {
    const reader = auditExportStream("team-big", {}, "ndjson", { batchSize: 100, db: t.db }).getReader();
    expect((await reader.read()).done).toBe(false);
    if (t.kind === "postgres") await expect.poll(() => exportSessions(), { timeout: 10_000 }).toBe(1);
    await reader.cancel();
    if (t.kind === "postgres") await expect.poll(() => exportSessions(), { timeout: 10_000 }).toBe(0);
  });
});

/** Sessions of export processes on this test's database (PostgreSQL). */
async function exportSessions() {
  const rows = await t.db.$queryRawUnsafe<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'eipilot-audit-export' AND datname = current_database()`,
  );
  return rows[0]!.n;
}

/** Live export processes started by this process. */
const exportProcesses = () => childProcessStatuses("export.process.mjs").length;

describe.runIf(process.env.DATABASE_URL?.startsWith("postgres"))("audit export on PostgreSQL", () => {
  it("runs in a process of its own, with its own database session", async () => {
    const reader = auditExportStream("team-big", {}, "csv", { batchSize: 100, db: t.db }).getReader();
    await reader.read();
    await expect.poll(() => exportProcesses(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => exportSessions(), { timeout: 10_000 }).toBe(1);
    for (;;) if ((await reader.read()).done) break;
    await expect.poll(() => exportSessions(), { timeout: 10_000 }).toBe(0);
  });

  it("runs at most 4 export processes at once; further downloads wait for one and then complete", async () => {
    const streams = Array.from({ length: 6 }, () => auditExportStream("team-big", {}, "csv", { db: t.db }));
    await expect.poll(() => exportProcesses(), { timeout: 10_000 }).toBe(4);
    await new Promise((r) => setTimeout(r, 500));
    expect(exportProcesses()).toBe(4);
    const texts = await Promise.all(streams.map(text));
    expect(texts.map((csv) => csv.split("\r\n").filter(Boolean).length)).toEqual(Array(6).fill(3001));
    await expect.poll(() => exportProcesses(), { timeout: 10_000 }).toBe(0);
  });

  it("downloads abandoned midway free their processes and slots: four more run after them", async () => {
    const readers = Array.from({ length: 4 }, () => auditExportStream("team-big", {}, "csv", { db: t.db }).getReader());
    for (const r of readers) await r.read();
    await expect.poll(() => exportProcesses(), { timeout: 10_000 }).toBe(4);
    await new Promise((r) => setTimeout(r, 500)); // their pipes fill up
    for (const r of readers) await r.cancel();
    await expect.poll(() => exportProcesses(), { timeout: 10_000 }).toBe(0);
    const again = await Promise.all(
      Array.from({ length: 4 }, () => text(auditExportStream("team-big", {}, "csv", { db: t.db }))),
    );
    expect(again.map((csv) => csv.split("\r\n").filter(Boolean).length)).toEqual(Array(4).fill(3001));
  }, 30_000);

  it("a download nobody reads any more is ended after the idle limit, and its process with it", async () => {
    const reader = auditExportStream("team-big", {}, "csv", { db: t.db, idleLimitMs: 300 }).getReader();
    await reader.read();
    await new Promise((r) => setTimeout(r, 1000));
    await expect(reader.read()).rejects.toThrow(/^audit export ended: the download was not read for 0.3 s$/);
    await expect.poll(() => exportProcesses(), { timeout: 10_000 }).toBe(0);
  });

  it("a database it cannot read fails the download with the reason, instead of ending it as if complete", async () => {
    const url = new URL(process.env.DATABASE_URL!);
    url.pathname = "/eipilot_no_such_database";
    const conn = openConnection({ kind: "postgres", url: url.toString() });
    const elsewhere = createPrismaClient(conn);
    await expect(text(auditExportStream(TEAM, {}, "csv", { db: elsewhere }))).rejects.toThrow(
      /^audit export failed: database "eipilot_no_such_database" does not exist/,
    );
    await elsewhere.$disconnect();
  });
});
