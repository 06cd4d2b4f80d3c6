"use server";
// Settings → Team: members, invitations, ownership, leaving and deleting.
import { headers } from "next/headers";
import { revalidatePath } from "next/cache";
import { APIError } from "better-auth/api";
import { teamAction } from "@/lib/access/team-action";
import { auth } from "@/lib/auth/auth";
import { db } from "@/lib/db/client";
import { appendAuditEvent } from "@/lib/audit/chain";
import { actorFields } from "@/lib/audit/actor";
import { UserFacingError } from "@/lib/server/errors";
import { msg, verbatim, type ErrorKey } from "@/lib/i18n/errors";
import {
  changeMemberRole,
  deleteTeam,
  invitationUrl,
  leaveTeam,
  removeMember,
  revokeInvitation,
  transferOwnership,
} from "@/lib/teams/team.service";
import {
  changeMemberRoleInput,
  deleteTeamInput,
  inviteMemberInput,
  memberInput,
  revokeInvitationInput,
  teamInput,
} from "./teams.schema";

const INVITE_REFUSALS: Record<string, ErrorKey> = {
  USER_IS_ALREADY_A_MEMBER_OF_THIS_ORGANIZATION: "teams.alreadyMember",
  USER_IS_ALREADY_INVITED_TO_THIS_ORGANIZATION: "teams.alreadyInvited",
};

export const inviteMemberAction = teamAction(
  { name: "teams.invite", capability: "members.manage", input: inviteMemberInput },
  async ({ email, role }, ctx) => {
    try {
      const invitation = await auth().api.createInvitation({
        body: { email: email.toLowerCase(), role, organizationId: ctx.team.teamId },
        headers: await headers(),
      });
      await appendAuditEvent(db(), {
        teamId: ctx.team.teamId,
        ...actorFields(ctx.actor),
        action: "app:member.invite",
        targets: [invitation.id],
        outcome: "success",
        params: { email, role },
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
  { name: "teams.changeRole", capability: "members.manage", input: changeMemberRoleInput },
  async ({ memberId, role }, ctx) => {
    await changeMemberRole(ctx.team.teamId, ctx.actor, memberId, role);
    revalidatePath("/settings/team");
    return { memberId, role };
  },
);

export const removeMemberAction = teamAction(
  { name: "teams.removeMember", capability: "members.manage", input: memberInput },
  async ({ memberId }, ctx) => {
    const removed = await removeMember(ctx.team.teamId, ctx.actor, memberId);
    revalidatePath("/settings/team");
    return removed;
  },
);

export const revokeInvitationAction = teamAction(
  { name: "teams.revokeInvitation", capability: "members.manage", input: revokeInvitationInput },
  async ({ invitationId }, ctx) => {
    const revoked = await revokeInvitation(ctx.team.teamId, ctx.actor, invitationId);
    revalidatePath("/settings/team");
    return revoked;
  },
);

export const leaveTeamAction = teamAction(
  { name: "teams.leave", capability: "team.leave", input: teamInput },
  async (_input, ctx) => {
    await leaveTeam(ctx.team.teamId, ctx.actor);
    revalidatePath("/");
    return { left: ctx.team.teamId };
  },
);

export const transferOwnershipAction = teamAction(
  { name: "teams.transferOwnership", capability: "team.transfer", input: memberInput },
  async ({ memberId }, ctx) => {
    await transferOwnership(ctx.team.teamId, ctx.actor, memberId);
    revalidatePath("/settings/team");
    return { memberId };
  },
);

export const deleteTeamAction = teamAction(
  { name: "teams.delete", capability: "team.delete", input: deleteTeamInput },
  async ({ confirmName }, ctx) => {
    await deleteTeam(ctx.team.teamId, ctx.actor, confirmName);
    revalidatePath("/");
    return { deleted: ctx.team.teamId };
  },
);
