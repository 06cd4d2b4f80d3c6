// Issue 17, Sessions: a user lists their sessions and signs one or all others
// out; the owner signs a member out everywhere; each act is audited; a revoked
// session stops working at its next request. Through the server actions, with
// real better-auth sessions (better-auth's own session endpoints stay closed).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { actAs, actionTestDb, authPost, signUp } from "@/lib/testing/action-session";
import type { TestDb } from "@/lib/testing/test-db";

vi.mock("server-only", () => ({}));
vi.mock("next/headers", async () => (await import("@/lib/testing/action-session")).nextHeaders);
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));

let t: TestDb;
let owner: Awaited<ReturnType<typeof signUp>>;
let member: Awaited<ReturnType<typeof signUp>> & { memberId: string };

const actions = () => import("@/lib/actions/sessions.actions");
const lastEvent = () => t.db.auditEvent.findFirstOrThrow({ where: { teamId: owner.teamId }, orderBy: { seq: "desc" } });

/** Another sign-in of the same user (another browser): its cookie. */
async function signInAgain(userId: string, ip: string) {
  const { email } = await t.db.user.findUniqueOrThrow({ where: { id: userId } });
  const res = await authPost("/sign-in/email", { email, password: "correct-horse-battery-staple" }, { ip });
  expect(res.status).toBe(200);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

/** Whether a cookie still signs its holder in (what their next request would find). */
async function signedIn(cookie: string) {
  const { auth } = await import("@/lib/auth/auth");
  return (await auth().api.getSession({ headers: new Headers({ cookie }) })) !== null;
}

beforeAll(async () => {
  t = await actionTestDb("sessions-test-secret-");
  owner = await signUp(t.db, "owner");
  const m = await signUp(t.db, "member");
  const row = await t.db.member.create({
    data: { id: "m-member", organizationId: owner.teamId, userId: m.userId, role: "operator" },
  });
  member = { ...m, memberId: row.id };
});
afterAll(async () => {
  await t?.close();
});

describe("sessions", () => {
  it("lists your sessions, the current one first and marked, without tokens", async () => {
    const laptop = await signInAgain(owner.userId, "203.0.113.9");
    actAs(laptop);
    const res = await (await actions()).listSessionsAction({ teamId: owner.teamId });
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    expect(res.data).toHaveLength(2);
    expect(res.data[0]).toMatchObject({ current: true, ipAddress: "203.0.113.9" });
    expect(res.data[1]!.current).toBe(false);
    expect(JSON.stringify(res.data)).not.toMatch(/token/i);
    const tokens = await t.db.session.findMany({ where: { userId: owner.userId }, select: { token: true } });
    for (const { token } of tokens) expect(JSON.stringify(res.data)).not.toContain(token);
  });

  it("signs one session out: it stops working, the others go on, and the trail records it", async () => {
    const phone = await signInAgain(owner.userId, "203.0.113.10");
    const phoneId = (await t.db.session.findFirstOrThrow({ where: { ipAddress: "203.0.113.10" } })).id;
    actAs(owner.cookie);
    const res = await (await actions()).revokeSessionAction({ teamId: owner.teamId, sessionId: phoneId });
    expect(res).toEqual({ ok: true, data: { revoked: 1 } });
    expect(await signedIn(phone)).toBe(false);
    expect(await signedIn(owner.cookie)).toBe(true);
    expect(await lastEvent()).toMatchObject({ action: "app:session.revoke", targets: [phoneId], outcome: "success" });
  });

  it("refuses another user's session as not found, changing nothing", async () => {
    const theirs = (await t.db.session.findFirstOrThrow({ where: { userId: member.userId } })).id;
    actAs(owner.cookie);
    const before = await t.db.auditEvent.count({ where: { teamId: owner.teamId } });
    const res = await (await actions()).revokeSessionAction({ teamId: owner.teamId, sessionId: theirs });
    expect(res).toMatchObject({ ok: false, error: "No such session: it has ended already." });
    expect(await signedIn(member.cookie)).toBe(true);
    expect(await t.db.auditEvent.count({ where: { teamId: owner.teamId } })).toBe(before);
  });

  it("signs every other session out, keeping this one", async () => {
    const a = await signInAgain(owner.userId, "203.0.113.11");
    const b = await signInAgain(owner.userId, "203.0.113.12");
    actAs(owner.cookie);
    const res = await (await actions()).revokeOtherSessionsAction({ teamId: owner.teamId });
    expect(res.ok && res.data.revoked).toBeGreaterThanOrEqual(2);
    expect([await signedIn(a), await signedIn(b), await signedIn(owner.cookie)]).toEqual([false, false, true]);
    expect(await lastEvent()).toMatchObject({ action: "app:session.revokeOthers" });
  });

  it("the owner signs a member out everywhere; a member cannot do it to the owner", async () => {
    const second = await signInAgain(member.userId, "203.0.113.13");
    actAs(member.cookie);
    const ownerMember = await t.db.member.findFirstOrThrow({ where: { userId: owner.userId } });
    const refused = await (
      await actions()
    ).revokeMemberSessionsAction({
      teamId: owner.teamId,
      memberId: ownerMember.id,
    });
    expect(refused.ok).toBe(false);
    expect(await signedIn(owner.cookie)).toBe(true);

    actAs(owner.cookie);
    const res = await (await actions()).revokeMemberSessionsAction({ teamId: owner.teamId, memberId: member.memberId });
    expect(res).toMatchObject({ ok: true, data: { revoked: 2 } });
    expect([await signedIn(member.cookie), await signedIn(second)]).toEqual([false, false]);
    expect(await lastEvent()).toMatchObject({ action: "app:member.revokeSessions", targets: [member.userId] });
    // Not themselves: that is "sign out other sessions".
    const self = await (await actions()).revokeMemberSessionsAction({ teamId: owner.teamId, memberId: ownerMember.id });
    expect(self).toMatchObject({ ok: false });
    expect(await signedIn(owner.cookie)).toBe(true);
  });
});
