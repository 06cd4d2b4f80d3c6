// Removing members, leaving a team and revoking invitations, through the server
// actions a signed-in user calls, on a real database with real sessions.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { actAs, actionTestDb, authPost, signUp as signUpUser } from "@/lib/testing/action-session";
import type { TestDb } from "@/lib/testing/test-db";
import { whileAuditRefused } from "@/lib/testing/refuse-audit";
import { userActor } from "@/lib/audit/actor";

vi.mock("server-only", () => ({}));
vi.mock("next/headers", async () => (await import("@/lib/testing/action-session")).nextHeaders);
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));

let t: TestDb;
type Person = { userId: string; cookie: string; email: string; memberId: string };
let teamId: string;
let owner: Person;
const people: Record<string, Person> = {};

async function join(name: string, role: "admin" | "operator" | "viewer"): Promise<Person> {
  const u = await signUpUser(t.db, name);
  const member = await t.db.member.create({
    data: { id: `m-${name}`, organizationId: teamId, userId: u.userId, role },
  });
  await t.db.session.updateMany({ where: { userId: u.userId }, data: { activeOrganizationId: teamId } });
  const { email } = await t.db.user.findUniqueOrThrow({ where: { id: u.userId } });
  return { userId: u.userId, cookie: u.cookie, email, memberId: member.id };
}

const actions = () => import("@/lib/actions/teams.actions");
/** A request that needs only membership: what a removed member's next click would be. */
async function readAudit(who: Person) {
  actAs(who.cookie);
  return (await import("@/lib/actions/audit.actions")).verifyAuditChainAction({ teamId });
}
const lastEvent = async () => t.db.auditEvent.findFirstOrThrow({ where: { teamId }, orderBy: { seq: "desc" } });

beforeAll(async () => {
  t = await actionTestDb("members-test-secret-");
  const o = await signUpUser(t.db, "owner");
  teamId = o.teamId;
  const row = await t.db.member.findFirstOrThrow({ where: { userId: o.userId }, include: { user: true } });
  owner = { userId: o.userId, cookie: o.cookie, email: row.user.email, memberId: row.id };
  for (const [name, role] of [
    ["ada", "admin"],
    ["abe", "admin"],
    ["otto", "operator"],
    ["vera", "viewer"],
    ["val", "viewer"],
  ] as const) {
    people[name] = await join(name, role);
  }
});
afterAll(async () => {
  await t?.close();
});

describe("removing members", () => {
  it("an admin removes an operator: the operator's next request is refused, and the removal is audited", async () => {
    const { removeMemberAction } = await actions();
    expect(await readAudit(people.otto!)).toMatchObject({ ok: true });
    actAs(people.ada!.cookie);
    expect(await removeMemberAction({ teamId, memberId: people.otto!.memberId })).toMatchObject({
      ok: true,
      data: { email: people.otto!.email },
    });

    expect(await t.db.member.findFirst({ where: { organizationId: teamId, userId: people.otto!.userId } })).toBeNull();
    expect(await readAudit(people.otto!)).toMatchObject({ ok: false, code: "NOT_FOUND", error: "Team not found." });
    // Their sessions no longer point at the team they were removed from.
    expect(await t.db.session.count({ where: { userId: people.otto!.userId, activeOrganizationId: teamId } })).toBe(0);
    expect(await lastEvent()).toMatchObject({
      action: "app:member.remove",
      actorId: people.ada!.userId,
      actorLabel: people.ada!.email,
      targets: [people.otto!.userId],
      outcome: "success",
      params: { email: people.otto!.email, role: "operator" },
    });
  });

  it("an admin may remove another admin but never the owner; nobody removes themselves; lower roles cannot remove", async () => {
    const { removeMemberAction } = await actions();
    actAs(people.ada!.cookie);
    expect(await removeMemberAction({ teamId, memberId: owner.memberId })).toMatchObject({
      ok: false,
      code: "FORBIDDEN",
      error: expect.stringMatching(/owner cannot be removed/),
    });
    expect(await removeMemberAction({ teamId, memberId: people.ada!.memberId })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/Leave team/),
    });
    actAs(people.vera!.cookie);
    expect(await removeMemberAction({ teamId, memberId: people.val!.memberId })).toMatchObject({
      ok: false,
      code: "FORBIDDEN",
    });
    actAs(owner.cookie);
    expect(await removeMemberAction({ teamId, memberId: owner.memberId })).toMatchObject({ ok: false });

    actAs(people.ada!.cookie);
    expect(await removeMemberAction({ teamId, memberId: people.abe!.memberId })).toMatchObject({ ok: true });
    expect(await readAudit(people.abe!)).toMatchObject({ ok: false, code: "NOT_FOUND" });
    const roles = (await t.db.member.findMany({ where: { organizationId: teamId } })).map((m) => m.role).sort();
    expect(roles).toEqual(["admin", "owner", "viewer", "viewer"]);
  });

  it("a member id of another team does not exist here", async () => {
    const { removeMemberAction } = await actions();
    const stranger = await signUpUser(t.db, "stranger");
    const theirs = await t.db.member.findFirstOrThrow({ where: { userId: stranger.userId } });
    actAs(owner.cookie);
    expect(await removeMemberAction({ teamId, memberId: theirs.id })).toMatchObject({ ok: false, code: "NOT_FOUND" });
    expect(await t.db.member.count({ where: { id: theirs.id } })).toBe(1);
  });
});

describe("changing a role", () => {
  it("the audit event names who changed it and whose role it was, by email (ids alone mean nothing once they leave)", async () => {
    const { changeMemberRoleAction } = await actions();
    actAs(people.ada!.cookie);
    expect(await changeMemberRoleAction({ teamId, memberId: people.vera!.memberId, role: "operator" })).toMatchObject({
      ok: true,
    });
    expect(await lastEvent()).toMatchObject({
      action: "app:member.role",
      actorId: people.ada!.userId,
      actorLabel: people.ada!.email,
      targets: [people.vera!.userId],
      params: { email: people.vera!.email, role: "operator" },
    });
    expect(await changeMemberRoleAction({ teamId, memberId: people.vera!.memberId, role: "viewer" })).toMatchObject({
      ok: true,
    });
  });

  it("nobody changes their own role (an admin would lock themselves out with one click)", async () => {
    const { changeMemberRoleAction } = await actions();
    actAs(people.ada!.cookie);
    expect(await changeMemberRoleAction({ teamId, memberId: people.ada!.memberId, role: "viewer" })).toMatchObject({
      ok: false,
      code: "FORBIDDEN",
      error: "You cannot change your own role. Another admin or the owner can.",
    });
    expect(
      await t.db.member.findUniqueOrThrow({ where: { id: people.ada!.memberId }, select: { role: true } }),
    ).toEqual({ role: "admin" });
  });
});

describe("leaving a team", () => {
  it("a viewer leaves: gone from the team, next request refused, audited", async () => {
    const { leaveTeamAction } = await actions();
    actAs(people.val!.cookie);
    expect(await leaveTeamAction({ teamId })).toMatchObject({ ok: true });
    expect(await t.db.member.findFirst({ where: { organizationId: teamId, userId: people.val!.userId } })).toBeNull();
    expect(await readAudit(people.val!)).toMatchObject({ ok: false, code: "NOT_FOUND" });
    expect(await lastEvent()).toMatchObject({
      action: "app:member.leave",
      actorId: people.val!.userId,
      targets: [people.val!.userId],
      params: { role: "viewer" },
    });
  });

  it("the owner cannot leave without transferring ownership first", async () => {
    const { leaveTeamAction } = await actions();
    actAs(owner.cookie);
    expect(await leaveTeamAction({ teamId })).toMatchObject({ ok: false, code: "FORBIDDEN" });
    const { leaveTeam } = await import("./team.service");
    await expect(leaveTeam(teamId, userActor(owner.userId))).rejects.toThrow(/Transfer ownership first/);
    expect(await t.db.member.count({ where: { organizationId: teamId, role: "owner" } })).toBe(1);
  });
});

describe("invitations", () => {
  it("the invitation link is a full URL, and the link shows team, role and inviter to whoever holds it", async () => {
    const { inviteMemberAction } = await actions();
    actAs(owner.cookie);
    const res = await inviteMemberAction({ teamId, email: "Newbie@Example.com", role: "operator" });
    if (!res.ok) throw new Error(res.error);
    expect(res.data.url).toBe(`http://localhost:3000/invite/${res.data.id}`);
    const { invitationFromNext, listInvitations } = await import("./team.service");
    expect((await listInvitations(teamId)).find((i) => i.id === res.data.id)?.url).toBe(res.data.url);
    const team = await t.db.organization.findUniqueOrThrow({ where: { id: teamId } });
    expect(await invitationFromNext(`/invite/${res.data.id}`)).toMatchObject({
      email: "newbie@example.com",
      role: "operator",
      teamName: team.name,
      inviter: { email: owner.email },
    });
    expect(await invitationFromNext("/deployments")).toBeNull();
    expect(await invitationFromNext(`https://evil.example/invite/${res.data.id}`)).toBeNull();
  });

  it("inviting a member or an address already invited says so in the team's words", async () => {
    const { inviteMemberAction } = await actions();
    actAs(owner.cookie);
    expect(await inviteMemberAction({ teamId, email: people.ada!.email, role: "viewer" })).toMatchObject({
      ok: false,
      error: "This person is already a member of the team.",
      fieldErrors: { email: expect.any(String) },
    });
    const first = await inviteMemberAction({ teamId, email: "twice@example.com", role: "viewer" });
    expect(first).toMatchObject({ ok: true });
    expect(await inviteMemberAction({ teamId, email: "Twice@Example.com", role: "operator" })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/already has a pending invitation.*Pending invitations/),
    });
  });

  it("an admin revokes a pending invitation: its link stops working, it leaves the list, and it is audited", async () => {
    const { inviteMemberAction, revokeInvitationAction } = await actions();
    const invitee = await signUpUser(t.db, "invitee");
    const { email } = await t.db.user.findUniqueOrThrow({ where: { id: invitee.userId } });
    actAs(owner.cookie);
    const inv = await inviteMemberAction({ teamId, email, role: "viewer" });
    if (!inv.ok) throw new Error(inv.error);

    actAs(people.ada!.cookie);
    expect(await revokeInvitationAction({ teamId, invitationId: inv.data.id })).toMatchObject({
      ok: true,
      data: { email },
    });
    expect(await lastEvent()).toMatchObject({
      action: "app:member.revokeInvite",
      actorId: people.ada!.userId,
      targets: [inv.data.id],
      params: { email, role: "viewer" },
    });
    const { findPendingInvitation, listInvitations } = await import("./team.service");
    expect((await listInvitations(teamId)).map((i) => i.id)).not.toContain(inv.data.id);
    expect(await findPendingInvitation(inv.data.id)).toBeNull();

    const accepted = await authPost(
      "/organization/accept-invitation",
      { invitationId: inv.data.id },
      { cookie: invitee.cookie },
    );
    expect(accepted.status).toBeGreaterThanOrEqual(400);
    expect(await t.db.member.count({ where: { organizationId: teamId, userId: invitee.userId } })).toBe(0);
    // A revoked invitation is no longer pending: revoking it again finds nothing.
    expect(await revokeInvitationAction({ teamId, invitationId: inv.data.id })).toMatchObject({
      ok: false,
      code: "NOT_FOUND",
    });
  });

  it("a change whose audit event cannot be written does not happen: removal, role change and revocation stay undone", async () => {
    const { removeMemberAction, changeMemberRoleAction, inviteMemberAction, revokeInvitationAction } = await actions();
    actAs(owner.cookie);
    const inv = await inviteMemberAction({ teamId, email: "later@example.com", role: "viewer" });
    if (!inv.ok) throw new Error(inv.error);
    const before = await lastEvent();
    await whileAuditRefused(t.db, `NEW.action LIKE 'app:member.%'`, async () => {
      expect(await removeMemberAction({ teamId, memberId: people.vera!.memberId })).toMatchObject({ ok: false });
      expect(await changeMemberRoleAction({ teamId, memberId: people.vera!.memberId, role: "operator" })).toMatchObject(
        { ok: false },
      );
      expect(await revokeInvitationAction({ teamId, invitationId: inv.data.id })).toMatchObject({ ok: false });
    });
    expect(await t.db.member.findFirst({ where: { id: people.vera!.memberId }, select: { role: true } })).toEqual({
      role: "viewer",
    });
    expect(await t.db.invitation.findUniqueOrThrow({ where: { id: inv.data.id }, select: { status: true } })).toEqual({
      status: "pending",
    });
    expect(await readAudit(people.vera!)).toMatchObject({ ok: true });
    expect(
      await t.db.auditEvent.count({
        where: { teamId, seq: { gt: before.seq }, action: { startsWith: "app:member." } },
      }),
    ).toBe(0);
  });

  it("a user left with no team gets a personal team again when they open a page (was a redirect loop)", async () => {
    const lone = await signUpUser(t.db, "lone");
    // Their only team gone (deleted by them, or they were removed from it).
    await t.db.member.deleteMany({ where: { userId: lone.userId } });
    const { requireTeamPage } = await import("@/lib/access/team-context");
    actAs(lone.cookie);
    const [a, b] = await Promise.all([requireTeamPage("deployments.read"), requireTeamPage("deployments.read")]);
    expect(a.team.teamId).toBe(b.team.teamId);
    expect(a).toMatchObject({ role: "owner", team: { teamName: "lone's team" } });
    expect(await t.db.member.count({ where: { userId: lone.userId } })).toBe(1);
    expect(
      await t.db.auditEvent.findFirst({ where: { teamId: a.team.teamId }, select: { action: true, actorId: true } }),
    ).toEqual({ action: "app:team.create", actorId: lone.userId });
    // Named in the language of the page they opened, as at sign-up.
    const hanako = await signUpUser(t.db, "hanako");
    await t.db.member.deleteMany({ where: { userId: hanako.userId } });
    actAs(hanako.cookie, { locale: "ja" });
    expect((await requireTeamPage("deployments.read")).team.teamName).toBe("hanako のチーム");
    // Someone who still has a team is not given another.
    actAs(people.vera!.cookie);
    await requireTeamPage("deployments.read");
    expect(await t.db.member.count({ where: { userId: people.vera!.userId } })).toBe(2);
  });

  it("the audit trail of all this still verifies", async () => {
    const { verifyAuditChain } = await import("@/lib/audit/chain");
    expect((await verifyAuditChain(t.db, teamId)).ok).toBe(true);
  });
});
