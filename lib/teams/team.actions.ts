"use server";
import { z } from "zod";
import { headers } from "next/headers";
import { revalidatePath } from "next/cache";
import { teamAction } from "@/lib/server/safe-action";
import { APIError } from "better-auth/api";
import { auth } from "@/lib/auth/auth";
import { db } from "@/lib/db/client";
import { appendAuditEvent } from "@/lib/audit/chain";
import { UserFacingError } from "@/lib/server/errors";
import { msg, verbatim, type ErrorKey } from "@/lib/i18n/errors";
import { zmsg } from "@/lib/validation/messages";
import {
  changeMemberRole,
  deleteTeam,
  invitationUrl,
  leaveTeam,
  removeMember,
  revokeInvitation,
  transferOwnership,
} from "./team.service";

const teamId = z.string().min(1).max(64);

const INVITE_REFUSALS: Record<string, ErrorKey> = {
  USER_IS_ALREADY_A_MEMBER_OF_THIS_ORGANIZATION: "teams.alreadyMember",
  USER_IS_ALREADY_INVITED_TO_THIS_ORGANIZATION: "teams.alreadyInvited",
};

export const inviteMemberAction = teamAction(
  "members.manage",
  z.object({
    teamId,
    email: z.email(zmsg("teams.emailInvalid")),
    role: z.enum(["admin", "operator", "viewer"], zmsg("teams.pickRole")),
  }),
  async ({ email, role }, ctx) => {
    try {
      const invitation = await auth().api.createInvitation({
        body: { email: email.toLowerCase(), role, organizationId: ctx.team.teamId },
        headers: await headers(),
      });
      await appendAuditEvent(db(), {
        teamId: ctx.team.teamId,
        actorType: "user",
        actorId: ctx.user.id,
        actorLabel: ctx.user.email,
        action: "app:member.invite",
        targets: [invitation.id],
        outcome: "success",
        params: { email, role },
        clientIp: ctx.meta.clientIp,
        userAgent: ctx.meta.userAgent,
      });
      revalidatePath("/settings/team");
      return { id: invitation.id, email: invitation.email, url: invitationUrl(invitation.id) };
    } catch (e) {
      // better-auth's refusals speak of "organizations"; anything else is not the user's to read (logged with a reference).
      if (!(e instanceof APIError)) throw e;
      const code = typeof e.body?.code === "string" ? e.body.code : "";
      const refusal = INVITE_REFUSALS[code];
      throw new UserFacingError(refusal ? msg(refusal) : verbatim(e.message), { field: "email" });
    }
  },
);

export const changeMemberRoleAction = teamAction(
  "members.manage",
  z.object({ teamId, memberId: z.string().min(1).max(64), role: z.enum(["admin", "operator", "viewer"]) }),
  async ({ memberId, role }, ctx) => {
    await changeMemberRole(ctx.team.teamId, { id: ctx.user.id, email: ctx.user.email }, memberId, role);
    revalidatePath("/settings/team");
    return { memberId, role };
  },
);

export const removeMemberAction = teamAction(
  "members.manage",
  z.object({ teamId, memberId: z.string().min(1).max(64) }),
  async ({ memberId }, ctx) => {
    const removed = await removeMember(ctx.team.teamId, { id: ctx.user.id, email: ctx.user.email }, memberId);
    revalidatePath("/settings/team");
    return removed;
  },
);

export const revokeInvitationAction = teamAction(
  "members.manage",
  z.object({ teamId, invitationId: z.string().min(1).max(64) }),
  async ({ invitationId }, ctx) => {
    const revoked = await revokeInvitation(ctx.team.teamId, { id: ctx.user.id, email: ctx.user.email }, invitationId);
    revalidatePath("/settings/team");
    return revoked;
  },
);

export const leaveTeamAction = teamAction("team.leave", z.object({ teamId }), async (_input, ctx) => {
  await leaveTeam(ctx.team.teamId, { id: ctx.user.id, email: ctx.user.email });
  revalidatePath("/");
  return { left: ctx.team.teamId };
});

export const transferOwnershipAction = teamAction(
  "team.transfer",
  z.object({ teamId, memberId: z.string().min(1).max(64) }),
  async ({ memberId }, ctx) => {
    await transferOwnership(ctx.team.teamId, { id: ctx.user.id, email: ctx.user.email }, memberId);
    revalidatePath("/settings/team");
    return { memberId };
  },
);

export const deleteTeamAction = teamAction(
  "team.delete",
  z.object({ teamId, confirmName: z.string().max(200) }),
  async ({ confirmName }, ctx) => {
    await deleteTeam(ctx.team.teamId, { id: ctx.user.id, email: ctx.user.email }, confirmName);
    revalidatePath("/");
    return { deleted: ctx.team.teamId };
  },
);
