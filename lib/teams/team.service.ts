// Teams: members, invitations, ownership. Every new user's personal team is made
// in lib/auth (personal-team.ts); invitations add people to more teams.
import { db, type Tx } from "@/lib/db/client";
import { appendAuditEventIn } from "@/lib/audit/chain";
import { actorFields, type UserActor } from "@/lib/audit/actor";
import { can, isRole, type Role } from "@/lib/auth/permissions";
import { UserFacingError } from "@/lib/server/errors";
import { msg, type Translatable } from "@/lib/i18n/errors";
import { env } from "@/lib/server/env";

export const memberListShape = {
  id: true,
  role: true,
  createdAt: true,
  user: { select: { id: true, name: true, email: true } },
} as const;

export async function listMembers(teamId: string) {
  return db().member.findMany({
    where: { organizationId: teamId },
    orderBy: { createdAt: "asc" },
    select: memberListShape,
  });
}

/** The full link an invitee opens (APP_URL is the address better-auth signs users in at). */
export function invitationUrl(id: string): string {
  return `${env().APP_URL.replace(/\/+$/, "")}/invite/${encodeURIComponent(id)}`;
}

export async function listInvitations(teamId: string) {
  const rows = await db().invitation.findMany({
    where: { organizationId: teamId, status: "pending", expiresAt: { gt: new Date() } },
    orderBy: { createdAt: "desc" },
    select: { id: true, email: true, role: true, expiresAt: true },
  });
  return rows.map((r) => ({ ...r, url: invitationUrl(r.id) }));
}

export type InvitationSummary = {
  id: string;
  email: string;
  role: Role;
  teamName: string;
  inviter: { name: string; email: string };
};

/**
 * What the holder of an invitation link may see about it (the link is the
 * secret): team, role, who invited and for which address. Null when it is not
 * pending or has expired.
 */
export async function findPendingInvitation(id: string): Promise<InvitationSummary | null> {
  const row = await db().invitation.findFirst({
    where: { id, status: "pending", expiresAt: { gt: new Date() } },
    select: {
      id: true,
      email: true,
      role: true,
      organization: { select: { name: true } },
      inviter: { select: { name: true, email: true } },
    },
  });
  if (!row) return null;
  return {
    id: row.id,
    email: row.email,
    role: isRole(row.role) ? row.role : "viewer",
    teamName: row.organization.name,
    inviter: row.inviter,
  };
}

/** The invitation a `next=/invite/<id>` sign-up or sign-in leads to, if any. */
export async function invitationFromNext(next: string | null | undefined): Promise<InvitationSummary | null> {
  const id = /^\/invite\/([\w-]{1,64})$/.exec(next ?? "")?.[1];
  return id ? findPendingInvitation(id) : null;
}

export async function changeMemberRole(teamId: string, actor: UserActor, memberId: string, role: string) {
  if (!isRole(role)) throw new UserFacingError(msg("teams.unknownRole", { role }), { field: "role" });
  const member = await db().member.findFirst({
    where: { id: memberId, organizationId: teamId },
    include: { user: { select: { email: true } } },
  });
  if (!member) throw new UserFacingError(msg("teams.noSuchMember"), { code: "NOT_FOUND" });
  if (member.role === "owner" || role === "owner") {
    throw new UserFacingError(msg("teams.ownershipByTransfer"), { field: "role" });
  }
  // One stray click would take an admin's own rights away, with nobody asked: another admin or the owner does it.
  if (member.userId === actor.userId)
    throw new UserFacingError(msg("teams.ownRole"), { code: "FORBIDDEN", field: "role" });
  await db().$transaction(async (tx) => {
    await tx.member.updateMany({ where: { id: memberId, organizationId: teamId }, data: { role } });
    // Who did it and to whom, by email: the trail must still say so after either leaves the team.
    await appendAuditEventIn(tx, {
      teamId,
      ...actorFields(actor),
      action: "app:member.role",
      targets: [member.userId],
      outcome: "success",
      params: { email: member.user.email, role },
    });
  });
}

const RANK: Record<Role, number> = { owner: 3, admin: 2, operator: 1, viewer: 0 };

/**
 * Ends a membership (removal or leaving), compare-and-set: a member who became owner meanwhile
 * stays (`conflict` is the message then). Sessions that had this team active fall back to the
 * user's first team.
 */
async function endMembership(tx: Tx, teamId: string, member: { id: string; userId: string }, conflict: Translatable) {
  const ended = await tx.member.deleteMany({
    where: { id: member.id, organizationId: teamId, role: { not: "owner" } },
  });
  if (ended.count !== 1) throw new UserFacingError(conflict, { code: "CONFLICT" });
  await tx.session.updateMany({
    where: { userId: member.userId, activeOrganizationId: teamId },
    data: { activeOrganizationId: null },
  });
}

/**
 * Owner or admin (members.manage, checked by the action): removes another
 * member. As in better-auth's organization plugin, the owner can never be
 * removed and an admin may remove admins too (equal or lower roles); leaving
 * is "Leave team", not removing oneself. Access ends at once: every request
 * reads the membership from the database.
 */
export async function removeMember(teamId: string, actor: UserActor, memberId: string) {
  const [me, member] = await Promise.all([
    db().member.findFirst({ where: { organizationId: teamId, userId: actor.userId }, select: { role: true } }),
    db().member.findFirst({
      where: { id: memberId, organizationId: teamId },
      select: { id: true, userId: true, role: true, user: { select: { email: true } } },
    }),
  ]);
  if (!member) throw new UserFacingError(msg("teams.noSuchMember"), { code: "NOT_FOUND", field: "memberId" });
  if (member.userId === actor.userId) throw new UserFacingError(msg("teams.removeSelf"), { field: "memberId" });
  if (member.role === "owner")
    throw new UserFacingError(msg("teams.removeOwner"), { code: "FORBIDDEN", field: "memberId" });
  if (
    !me ||
    !isRole(me.role) ||
    !isRole(member.role) ||
    !can(me.role, "members.manage") ||
    RANK[member.role] > RANK[me.role]
  ) {
    throw new UserFacingError(msg("teams.roleCannotRemove"), { code: "FORBIDDEN" });
  }
  await db().$transaction(async (tx) => {
    await endMembership(tx, teamId, member, msg("teams.memberChanged"));
    await appendAuditEventIn(tx, {
      teamId,
      ...actorFields(actor),
      action: "app:member.remove",
      targets: [member.userId],
      outcome: "success",
      params: { email: member.user.email, role: member.role },
    });
  });
  return { memberId: member.id, email: member.user.email };
}

/** Any member but the owner (team.leave, checked by the action) leaves the team. */
export async function leaveTeam(teamId: string, actor: UserActor) {
  const me = await db().member.findFirst({
    where: { organizationId: teamId, userId: actor.userId },
    select: { id: true, role: true },
  });
  if (!me) throw new UserFacingError(msg("auth.teamNotFound"), { code: "NOT_FOUND" });
  if (me.role === "owner") throw new UserFacingError(msg("teams.ownerCannotLeave"), { code: "FORBIDDEN" });
  await db().$transaction(async (tx) => {
    await endMembership(tx, teamId, { id: me.id, userId: actor.userId }, msg("teams.yourRoleChanged"));
    await appendAuditEventIn(tx, {
      teamId,
      ...actorFields(actor),
      action: "app:member.leave",
      targets: [actor.userId],
      outcome: "success",
      params: { role: me.role },
    });
  });
}

/** Owner or admin (members.manage): a pending invitation's link stops working. */
export async function revokeInvitation(teamId: string, actor: UserActor, invitationId: string) {
  const invitation = await db().invitation.findFirst({
    where: { id: invitationId, organizationId: teamId, status: "pending" },
    select: { id: true, email: true, role: true },
  });
  if (!invitation)
    throw new UserFacingError(msg("teams.noSuchInvitation"), { code: "NOT_FOUND", field: "invitationId" });
  // "canceled" is better-auth's own status for a cancelled invitation; acceptance requires "pending".
  await db().$transaction(async (tx) => {
    const revoked = await tx.invitation.updateMany({
      where: { id: invitation.id, organizationId: teamId, status: "pending" },
      data: { status: "canceled" },
    });
    if (revoked.count !== 1) throw new UserFacingError(msg("teams.invitationChanged"), { code: "CONFLICT" });
    await appendAuditEventIn(tx, {
      teamId,
      ...actorFields(actor),
      action: "app:member.revokeInvite",
      targets: [invitation.id],
      outcome: "success",
      params: { email: invitation.email, role: invitation.role },
    });
  });
  return { id: invitation.id, email: invitation.email };
}

/**
 * Owner only (checked by the action): hands the team to another member; the
 * previous owner stays on as admin. Both role changes commit together.
 */
export async function transferOwnership(teamId: string, actor: UserActor, toMemberId: string) {
  const [from, to] = await Promise.all([
    db().member.findFirst({ where: { organizationId: teamId, userId: actor.userId } }),
    db().member.findFirst({
      where: { id: toMemberId, organizationId: teamId },
      include: { user: { select: { email: true } } },
    }),
  ]);
  if (!from || from.role !== "owner") throw new UserFacingError(msg("teams.onlyOwnerTransfers"), { code: "FORBIDDEN" });
  if (!to) throw new UserFacingError(msg("teams.noSuchMember"), { code: "NOT_FOUND", field: "memberId" });
  if (to.userId === actor.userId) throw new UserFacingError(msg("teams.alreadyOwner"), { field: "memberId" });
  await db().$transaction(async (tx) => {
    const demoted = await tx.member.updateMany({
      where: { id: from.id, organizationId: teamId, role: "owner" },
      data: { role: "admin" },
    });
    if (demoted.count !== 1) throw new UserFacingError(msg("teams.ownershipChanged"), { code: "CONFLICT" });
    await tx.member.updateMany({ where: { id: to.id, organizationId: teamId }, data: { role: "owner" } });
    await appendAuditEventIn(tx, {
      teamId,
      ...actorFields(actor),
      action: "app:team.transfer",
      targets: [to.userId],
      outcome: "success",
      params: { email: to.user.email },
    });
  });
}

/**
 * Owner only: deletes the team and everything it owns (cloud accounts, configs,
 * share links, deployment records). The audit trail is kept — it is append-only
 * and not tied to the team row — ending with the deletion event. The caller
 * must type the team's name.
 */
export async function deleteTeam(teamId: string, actor: UserActor, confirmName: string) {
  const team = await db().organization.findFirst({ where: { id: teamId }, select: { name: true } });
  if (!team) throw new UserFacingError(msg("auth.teamNotFound"), { code: "NOT_FOUND" });
  if (confirmName !== team.name) throw new UserFacingError(msg("teams.typeTeamName"), { field: "confirmName" });
  const running = await db().deployment.count({ where: { teamId, status: { in: ["running", "tearing_down"] } } });
  if (running > 0) throw new UserFacingError(msg("teams.deploymentRunning"), { code: "CONFLICT" });
  await db().$transaction(async (tx) => {
    await tx.organization.delete({ where: { id: teamId } });
    // Sessions whose active team was this one fall back to the user's first team (requireTeam).
    await tx.session.updateMany({ where: { activeOrganizationId: teamId }, data: { activeOrganizationId: null } });
    await appendAuditEventIn(tx, {
      teamId,
      ...actorFields(actor),
      action: "app:team.delete",
      outcome: "success",
      params: { name: team.name },
    });
  });
}

/**
 * "Owners and admins must use two-factor sign-in": the one who turns it on must have it themselves, or the
 * setting would at once refuse them every change (lib/access/team-context.ts enforces it on the server).
 */
export async function setRequireTwoFactor(
  teamId: string,
  actor: UserActor,
  required: boolean,
  actorHasSecondFactor: boolean,
) {
  if (required && !actorHasSecondFactor)
    throw new UserFacingError(msg("auth.twoFactorSelfFirst"), { code: "CONFLICT", field: "requireTwoFactor" });
  await db().$transaction(async (tx) => {
    await tx.organization.update({ where: { id: teamId }, data: { requireTwoFactor: required } });
    await appendAuditEventIn(tx, {
      teamId,
      ...actorFields(actor),
      action: "app:team.requireTwoFactor",
      outcome: "success",
      params: { required },
    });
  });
}
