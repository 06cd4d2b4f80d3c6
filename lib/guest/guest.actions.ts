"use server";
// Thin server actions for the Guest configuration panel: parse → session + membership +
// capability (teamAction) → one service call → a small DTO.
import { z } from "zod";
import { teamAction } from "@/lib/server/safe-action";
import {
  applyThroughCloudAssistant,
  getGuestState,
  rollbackThroughCloudAssistant,
  verifyThroughCloudAssistant,
} from "./cloud-assistant.service";

const input = z.object({ teamId: z.string().min(1).max(64), id: z.string().min(1).max(64) });

/** Agent status, script version, echo URL and the last recorded results. */
export const guestStateAction = teamAction("deployments.read", input, async ({ id }, ctx) =>
  getGuestState(ctx.team.teamId, id, ctx.user.id),
);

/** apply.sh then verify.sh --echo-url … through Cloud Assistant. */
export const guestApplyAction = teamAction("deployments.apply", input, async ({ id }, ctx) =>
  applyThroughCloudAssistant(ctx.team.teamId, id, ctx.user.id),
);

/** verify.sh --echo-url … through Cloud Assistant. */
export const guestVerifyAction = teamAction("deployments.apply", input, async ({ id }, ctx) =>
  verifyThroughCloudAssistant(ctx.team.teamId, id, ctx.user.id),
);

/** rollback.sh through Cloud Assistant. */
export const guestRollbackAction = teamAction("deployments.apply", input, async ({ id }, ctx) =>
  rollbackThroughCloudAssistant(ctx.team.teamId, id, ctx.user.id),
);
