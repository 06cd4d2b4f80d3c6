"use server";
// The Guest configuration panel: parse → session + membership + capability
// (teamAction) → one service call → a small DTO.
import { teamAction } from "@/lib/access/team-action";
import {
  applyThroughCloudAssistant,
  getGuestState,
  rollbackThroughCloudAssistant,
  verifyThroughCloudAssistant,
} from "@/lib/deploy/guest-run.service";
import { guestInput } from "./guest.schema";

/** Agent status, script version, echo URL and the last recorded results. */
export const guestStateAction = teamAction(
  { name: "guest.state", capability: "deployments.read", input: guestInput },
  async ({ id }, ctx) => getGuestState(ctx.team.teamId, id, ctx.actor),
);

/** apply.sh then verify.sh --echo-url … through Cloud Assistant. */
export const guestApplyAction = teamAction(
  { name: "guest.apply", capability: "deployments.apply", input: guestInput },
  async ({ id }, ctx) => applyThroughCloudAssistant(ctx.team.teamId, id, ctx.actor),
);

/** verify.sh --echo-url … through Cloud Assistant. */
export const guestVerifyAction = teamAction(
  { name: "guest.verify", capability: "deployments.apply", input: guestInput },
  async ({ id }, ctx) => verifyThroughCloudAssistant(ctx.team.teamId, id, ctx.actor),
);

/** rollback.sh through Cloud Assistant. */
export const guestRollbackAction = teamAction(
  { name: "guest.rollback", capability: "deployments.apply", input: guestInput },
  async ({ id }, ctx) => rollbackThroughCloudAssistant(ctx.team.teamId, id, ctx.actor),
);
