import { describe, expect, it, afterAll, beforeAll } from "vitest";
import { pendingSchemaDiff } from "./migrate";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";

describe("migrations", () => {
  it("agree with prisma/schema.prisma (run `npm run db:migration -- <name>` when this fails)", async () => {
    expect(await pendingSchemaDiff()).toBe("");
  });

  describe("applied database", () => {
    let t: TestDb;
    beforeAll(async () => { t = await createTestDb(); });
    afterAll(async () => { await t?.close(); });

    it("refuses UPDATE and DELETE on the audit trail", async () => {
      const team = await t.db.organization.create({ data: { id: "team-a", name: "A", slug: "a" } });
      await t.db.auditEvent.create({
        data: { teamId: team.id, seq: 1, actorType: "system", action: "app:test", outcome: "success", prevHash: "0", hash: "h" },
      });
      await expect(t.db.auditEvent.updateMany({ where: { teamId: team.id }, data: { action: "x" } })).rejects.toThrow(/append-only/);
      await expect(t.db.auditEvent.deleteMany({ where: { teamId: team.id } })).rejects.toThrow(/append-only/);
      expect(await t.db.auditEvent.count({ where: { teamId: team.id, action: "app:test" } })).toBe(1);
    });
  });
});
