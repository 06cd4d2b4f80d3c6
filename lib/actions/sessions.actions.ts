"use server";
// Settings → Sessions: your sign-in sessions, signing one or all others out;
// Settings → Team: the owner signs a member out everywhere. Not through
// better-auth's HTTP endpoints (closed: HTTP_AUTH_PATHS) but through the app's
// rules and audit trail (lib/teams/sessions.service.ts).
import { revalidatePath } from "next/cache";
import { teamAction } from "@/lib/access/team-action";
import { currentSessionId } from "@/lib/auth/current-session";
import { listSessions, revokeMemberSessions, revokeOtherSessions, revokeSession } from "@/lib/teams/sessions.service";
import {
  listSessionsInput,
  revokeMemberSessionsInput,
  revokeOtherSessionsInput,
  revokeSessionInput,
} from "./sessions.schema";

export const listSessionsAction = teamAction(
  { name: "sessions.list", capability: "account.manage", input: listSessionsInput },
  async (_input, ctx) => listSessions(ctx.user.id, await currentSessionId()),
);

export const revokeSessionAction = teamAction(
  { name: "sessions.revoke", capability: "account.manage", input: revokeSessionInput },
  async ({ sessionId }, ctx) => {
    const revoked = await revokeSession(ctx.team.teamId, ctx.actor, sessionId);
    revalidatePath("/settings/sessions");
    return revoked;
  },
);

export const revokeOtherSessionsAction = teamAction(
  { name: "sessions.revokeOthers", capability: "account.manage", input: revokeOtherSessionsInput },
  async (_input, ctx) => {
    const revoked = await revokeOtherSessions(ctx.team.teamId, ctx.actor, await currentSessionId());
    revalidatePath("/settings/sessions");
    return revoked;
  },
);

export const revokeMemberSessionsAction = teamAction(
  { name: "teams.revokeMemberSessions", capability: "members.sessions", input: revokeMemberSessionsInput },
  async ({ memberId }, ctx) => revokeMemberSessions(ctx.team.teamId, ctx.actor, memberId),
);
