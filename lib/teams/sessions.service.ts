// Sign-in sessions: a user lists theirs and signs one or all others out; a
// team's owner signs a member out everywhere. Each revocation is audited in the
// team it was made from, in the same transaction as the deletion. A deleted
// session row ends that session at its next request (better-auth keeps no
// cookie cache here). Session tokens never leave the server: the list shows ids.
import { db } from "@/lib/db/client";
import { appendAuditEventIn } from "@/lib/audit/chain";
import { actorFields, type UserActor } from "@/lib/audit/actor";
import { UserFacingError } from "@/lib/server/errors";
import { msg } from "@/lib/i18n/errors";

export type SessionDto = {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  ipAddress: string | null;
  userAgent: string | null;
  current: boolean;
};

/** The user's live sessions, the current one first, then the most recently used. */
export async function listSessions(userId: string, currentSessionId: string | null): Promise<SessionDto[]> {
  const rows = await db().session.findMany({
    where: { userId, expiresAt: { gt: new Date() } },
    orderBy: { updatedAt: "desc" },
    select: { id: true, createdAt: true, updatedAt: true, expiresAt: true, ipAddress: true, userAgent: true },
  });
  return rows
    .map((r) => ({
      id: r.id,
      createdAt: r.createdAt.toISOString(),
      lastSeenAt: r.updatedAt.toISOString(),
      expiresAt: r.expiresAt.toISOString(),
      ipAddress: r.ipAddress,
      userAgent: r.userAgent?.slice(0, 300) ?? null,
      current: r.id === currentSessionId,
    }))
    .sort((a, b) => Number(b.current) - Number(a.current));
}

/** Signs out one of the actor's own sessions (the current one too: that is signing out here). */
export async function revokeSession(teamId: string, actor: UserActor, sessionId: string) {
  return db().$transaction(async (tx) => {
    const { count } = await tx.session.deleteMany({ where: { id: sessionId, userId: actor.userId } });
    if (count === 0) throw new UserFacingError(msg("sessions.notFound"));
    await appendAuditEventIn(tx, {
      teamId,
      ...actorFields(actor),
      action: "app:session.revoke",
      targets: [sessionId],
      outcome: "success",
    });
    return { revoked: count };
  });
}

/** Signs out every session of the actor's but the current one. */
export async function revokeOtherSessions(teamId: string, actor: UserActor, currentSessionId: string | null) {
  // Without the current session's id every session would go, this one too.
  if (!currentSessionId) throw new UserFacingError(msg("sessions.notFound"));
  return db().$transaction(async (tx) => {
    const { count } = await tx.session.deleteMany({ where: { userId: actor.userId, id: { not: currentSessionId } } });
    await appendAuditEventIn(tx, {
      teamId,
      ...actorFields(actor),
      action: "app:session.revokeOthers",
      outcome: "success",
      params: { count },
    });
    return { revoked: count };
  });
}

/** The owner signs a member of the team out everywhere (a lost laptop, a leaver). Not themselves: that is revokeOtherSessions. */
export async function revokeMemberSessions(teamId: string, actor: UserActor, memberId: string) {
  return db().$transaction(async (tx) => {
    const member = await tx.member.findFirst({
      where: { id: memberId, organizationId: teamId },
      select: { userId: true, user: { select: { email: true } } },
    });
    if (!member) throw new UserFacingError(msg("teams.noSuchMember"));
    if (member.userId === actor.userId) throw new UserFacingError(msg("sessions.notYourself"));
    const { count } = await tx.session.deleteMany({ where: { userId: member.userId } });
    await appendAuditEventIn(tx, {
      teamId,
      ...actorFields(actor),
      action: "app:member.revokeSessions",
      targets: [member.userId],
      outcome: "success",
      params: { email: member.user.email, count },
    });
    return { revoked: count, email: member.user.email };
  });
}
