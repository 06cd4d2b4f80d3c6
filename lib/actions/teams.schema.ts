import { z } from "zod";
import { tooLong, zmsg } from "@/lib/validation/messages";
import { EMAIL_MAX } from "@/lib/validation/text";
import { id, teamId } from "./common.schema";

/** Roles an owner or admin may give (ownership moves only by transfer). */
const assignableRole = z.enum(["admin", "operator", "viewer"]);

export const inviteMemberInput = z.object({
  teamId,
  email: z.email(zmsg("teams.emailInvalid")).max(EMAIL_MAX, tooLong),
  role: z.enum(["admin", "operator", "viewer"], zmsg("teams.pickRole")),
});
export const changeMemberRoleInput = z.object({ teamId, memberId: id, role: assignableRole });
export const memberInput = z.object({ teamId, memberId: id });
export const revokeInvitationInput = z.object({ teamId, invitationId: id });
export const teamInput = z.object({ teamId });
export const deleteTeamInput = z.object({ teamId, confirmName: z.string().max(200) });
