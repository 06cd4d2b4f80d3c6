import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { appendAuditEvent, verifyAuditChain } from "./chain";
import { REDACTED } from "./redact";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
  await t.db.organization.create({ data: { id: "team-chain", name: "Chain", slug: "chain" } });
  await t.db.organization.create({ data: { id: "team-other", name: "Other", slug: "other" } });
});
afterAll(async () => { await t?.close(); });

async function seedEvents(teamId: string, n: number) {
  for (let i = 0; i < n; i++) {
    await appendAuditEvent(t.db, {
      teamId, actorType: "user", actorId: "u1", actorLabel: "alice@example.com", action: "cloud:ECS.AttachNetworkInterface",
      targets: ["i-abc", `eni-${i}`], params: { RegionId: "ap-northeast-1", NetworkInterfaceId: `eni-${i}` },
      requestId: `REQ-${i}`, outcome: i % 3 ? "success" : "failure", errorCode: i % 3 ? null : "Throttling.User", durationMs: 12.4,
    });
  }
}

/** What an attacker with direct database access would do: bypass the trigger and edit. */
async function tamper(sql: string) {
  await t.db.$executeRawUnsafe(`ALTER TABLE audit_event DISABLE TRIGGER USER`);
  try { await t.db.$executeRawUnsafe(sql); } finally { await t.db.$executeRawUnsafe(`ALTER TABLE audit_event ENABLE TRIGGER USER`); }
}

describe("audit chain", () => {
  it("chains events per team and verifies", async () => {
    await seedEvents("team-chain", 6);
    await seedEvents("team-other", 2);
    expect(await verifyAuditChain(t.db, "team-chain")).toEqual({ ok: true, checked: 6 });
    expect(await verifyAuditChain(t.db, "team-other")).toEqual({ ok: true, checked: 2 });
  });

  it.each([
    ["action", `UPDATE audit_event SET action='cloud:VPC.ReleaseEipAddress' WHERE "teamId"='team-chain' AND seq=3`, 3],
    ["params", `UPDATE audit_event SET params='{"RegionId":"cn-hangzhou"}' WHERE "teamId"='team-chain' AND seq=2`, 2],
    ["time", `UPDATE audit_event SET "at"="at" + interval '1 second' WHERE "teamId"='team-chain' AND seq=5`, 5],
    ["outcome", `UPDATE audit_event SET outcome='success' WHERE "teamId"='team-chain' AND seq=1`, 1],
    ["deletion", `DELETE FROM audit_event WHERE "teamId"='team-chain' AND seq=4`, 4],
  ])("detects tampering with %s and names the first broken link", async (_field, sql, seq) => {
    const snapshot = await t.db.$queryRawUnsafe<unknown[]>(`SELECT * FROM audit_event WHERE "teamId"='team-chain' ORDER BY seq`);
    await tamper(sql);
    const verdict = await verifyAuditChain(t.db, "team-chain");
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.brokenAt.seq).toBe(seq);
    // restore for the next case
    await tamper(`DELETE FROM audit_event WHERE "teamId"='team-chain'`);
    for (const row of snapshot as Record<string, unknown>[]) {
      await t.db.$executeRawUnsafe(`ALTER TABLE audit_event DISABLE TRIGGER USER`);
      await t.db.auditEvent.create({ data: row as never });
      await t.db.$executeRawUnsafe(`ALTER TABLE audit_event ENABLE TRIGGER USER`);
    }
    expect((await verifyAuditChain(t.db, "team-chain")).ok).toBe(true);
  });

  it("keeps only allow-listed parameters", async () => {
    await appendAuditEvent(t.db, {
      teamId: "team-chain", actorType: "user", action: "app:cloudAccount.create", outcome: "success",
      params: { name: "prod", accessKeyId: "LTAI123", accessKeySecret: "s3cr3t-value", Password: "hunter2", nested: { token: "x" } },
    });
    const row = await t.db.auditEvent.findFirstOrThrow({ where: { teamId: "team-chain" }, orderBy: { seq: "desc" } });
    const text = JSON.stringify(row.params);
    expect(text).not.toContain("s3cr3t-value");
    expect(text).not.toContain("hunter2");
    expect(row.params).toMatchObject({ name: "prod", accessKeyId: "LTAI123", accessKeySecret: REDACTED, Password: REDACTED });
  });
});
