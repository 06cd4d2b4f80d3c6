import { describe, expect, it, afterAll, beforeAll } from "vitest";
import { pendingSchemaDiff } from "./migrate";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";

describe("migrations", () => {
  it("agree with prisma/schema.prisma (run `npm run db:migration -- <name>` when this fails)", async () => {
    expect(await pendingSchemaDiff()).toBe("");
  });

  describe("applied database", () => {
    let t: TestDb;
    beforeAll(async () => {
      t = await createTestDb();
    });
    afterAll(async () => {
      await t?.close();
    });

    it("refuses UPDATE and DELETE on the audit trail", async () => {
      const team = await t.db.organization.create({ data: { id: "team-a", name: "A", slug: "a" } });
      await t.db.auditEvent.create({
        data: {
          teamId: team.id,
          seq: 1,
          actorType: "system",
          action: "app:test",
          outcome: "success",
          prevHash: "0",
          hash: "h",
        },
      });
      await expect(t.db.auditEvent.updateMany({ where: { teamId: team.id }, data: { action: "x" } })).rejects.toThrow(
        /append-only/,
      );
      await expect(t.db.auditEvent.deleteMany({ where: { teamId: team.id } })).rejects.toThrow(/append-only/);
      expect(await t.db.auditEvent.count({ where: { teamId: team.id, action: "app:test" } })).toBe(1);
    });

    it("refuses UPDATE, DELETE and TRUNCATE of a config revision; deleting its template or team still cascades", async () => {
      const team = await t.db.organization.create({ data: { id: "team-cfg", name: "Cfg", slug: "cfg" } });
      const spec = { configSpecVersion: 1, regionId: "ap-northeast-1" };
      const mk = (name: string) =>
        t.db.configTemplate.create({
          data: {
            teamId: team.id,
            name,
            latestRevision: 2,
            revisions: {
              create: [
                { revision: 1, spec },
                { revision: 2, spec, message: "second" },
              ],
            },
          },
          select: { id: true },
        });
      const { id } = await mk("kept");
      const rev = await t.db.configRevision.findFirstOrThrow({ where: { templateId: id, revision: 1 } });

      await expect(
        t.db.configRevision.update({ where: { id: rev.id }, data: { message: "rewritten" } }),
      ).rejects.toThrow(/immutable/);
      await expect(
        t.db.configRevision.updateMany({ where: { templateId: id }, data: { spec: { evil: true } } }),
      ).rejects.toThrow(/immutable/);
      await expect(t.db.configRevision.delete({ where: { id: rev.id } })).rejects.toThrow(/immutable/);
      await expect(t.db.configRevision.deleteMany({ where: { templateId: id } })).rejects.toThrow(/immutable/);
      // Raw SQL, around the application, is refused the same way.
      await expect(
        t.db.$executeRawUnsafe(`UPDATE "config_revision" SET "revision" = 9 WHERE "templateId" = $1`, id),
      ).rejects.toThrow(/immutable/);
      await expect(t.db.$executeRawUnsafe(`DELETE FROM "config_revision" WHERE "id" = $1`, rev.id)).rejects.toThrow(
        /immutable/,
      );
      await expect(t.db.$executeRawUnsafe(`TRUNCATE "config_revision" CASCADE`)).rejects.toThrow(/immutable/);
      const after = await t.db.configRevision.findMany({ where: { templateId: id }, orderBy: { revision: "asc" } });
      expect(after.map((r) => [r.revision, r.message, r.spec])).toEqual([
        [1, "", spec],
        [2, "second", spec],
      ]);

      // Deleting a whole template takes its revisions with it (ON DELETE CASCADE)…
      const gone = await mk("deleted");
      await t.db.configTemplate.delete({ where: { id: gone.id } });
      expect(await t.db.configRevision.count({ where: { templateId: gone.id } })).toBe(0);
      // …and so does deleting the team (lib/teams deleteTeam), through the template.
      await t.db.shareLink.create({
        data: { teamId: team.id, templateId: id, expiresAt: new Date(Date.now() + 3600_000) },
      });
      await t.db.organization.delete({ where: { id: team.id } });
      expect(await t.db.configTemplate.count({ where: { teamId: team.id } })).toBe(0);
      expect(await t.db.configRevision.count({ where: { templateId: id } })).toBe(0);
    });
  });
});
