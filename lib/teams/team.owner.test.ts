import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
vi.mock("server-only", () => ({}));
vi.mock("next/headers", () => ({
  headers: async () => new Headers(),
  cookies: async () => ({ get: () => undefined, getAll: () => [], set: () => {} }),
}));
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { userActor } from "@/lib/audit/actor";

let t: TestDb;
const ORIGIN = "http://localhost:3000";

beforeAll(async () => {
  process.env.APP_SECRET = "owner-test-secret-".padEnd(48, "o");
  process.env.AUTH_SIGNIN_LIMIT = "1000";
  t = await createTestDb();
});
afterAll(async () => {
  await t?.close();
});

async function post(path: string, body: unknown, ip: string) {
  const { auth } = await import("@/lib/auth/auth");
  return auth().handler(
    new Request(`${ORIGIN}/api/auth${path}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        origin: ORIGIN,
        "x-forwarded-for": ip,
        "user-agent": "owner-test",
      },
      body: JSON.stringify(body),
    }),
  );
}

describe("sign-in audit and owner-only team operations", () => {
  it("audits every sign-in in each of the user's teams, with client address, never the password", async () => {
    expect(
      (
        await post(
          "/sign-up/email",
          { name: "Olivia", email: "olivia@example.com", password: "correct-horse-battery" },
          "198.51.100.20",
        )
      ).status,
    ).toBe(200);
    expect(
      (
        await post(
          "/sign-in/email",
          { email: "olivia@example.com", password: "correct-horse-battery" },
          "198.51.100.21",
        )
      ).status,
    ).toBe(200);
    const user = await t.db.user.findUniqueOrThrow({
      where: { email: "olivia@example.com" },
      include: { members: true },
    });
    const events = await t.db.auditEvent.findMany({
      where: { teamId: user.members[0]!.organizationId, action: "app:auth.signIn" },
      orderBy: { seq: "asc" },
    });
    expect(events).toHaveLength(2); // the automatic sign-in after sign-up, then the explicit one
    expect(events[1]).toMatchObject({
      actorId: user.id,
      actorLabel: "olivia@example.com",
      clientIp: "198.51.100.21",
      userAgent: "owner-test",
      outcome: "success",
    });
    expect(JSON.stringify(events, (_k, v) => (typeof v === "bigint" ? String(v) : v))).not.toContain(
      "correct-horse-battery",
    );
  });

  it("transfers ownership (old owner becomes admin) and deletes a team only with its exact name, keeping its audit trail", async () => {
    const { transferOwnership, deleteTeam } = await import("./team.service");
    await post(
      "/sign-up/email",
      { name: "Bert", email: "bert@example.com", password: "correct-horse-battery" },
      "198.51.100.22",
    );
    const olivia = await t.db.user.findUniqueOrThrow({
      where: { email: "olivia@example.com" },
      include: { members: true },
    });
    const bert = await t.db.user.findUniqueOrThrow({ where: { email: "bert@example.com" } });
    const teamId = olivia.members[0]!.organizationId;
    const bertMember = await t.db.member.create({
      data: { id: "m-bert", organizationId: teamId, userId: bert.id, role: "operator" },
    });

    await expect(transferOwnership(teamId, userActor(bert.id), olivia.members[0]!.id)).rejects.toMatchObject({
      details: { code: "FORBIDDEN" },
    });
    await transferOwnership(teamId, userActor(olivia.id, olivia.email), bertMember.id);
    const roles = Object.fromEntries(
      (await t.db.member.findMany({ where: { organizationId: teamId } })).map((m) => [m.userId, m.role]),
    );
    expect(roles).toEqual({ [olivia.id]: "admin", [bert.id]: "owner" });

    const team = await t.db.organization.findUniqueOrThrow({ where: { id: teamId } });
    await expect(deleteTeam(teamId, userActor(bert.id), "wrong name")).rejects.toThrow(/Type the team's name/);
    await deleteTeam(teamId, userActor(bert.id, bert.email), team.name);
    expect(await t.db.organization.findUnique({ where: { id: teamId } })).toBeNull();
    const trail = await t.db.auditEvent.findMany({ where: { teamId }, orderBy: { seq: "desc" } });
    expect(trail[0]!.action).toBe("app:team.delete");
    expect(trail.map((e) => e.action)).toContain("app:team.transfer");
    const { verifyAuditChain } = await import("@/lib/audit/chain");
    expect((await verifyAuditChain(t.db, teamId)).ok).toBe(true);
  });
});
