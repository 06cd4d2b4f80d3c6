"use server";
// The deployment page: cancel, resume, teardown, refresh, verify.
// Parse → session + membership + capability (teamAction) → one service call.
import { revalidatePath } from "next/cache";
import { teamAction } from "@/lib/access/team-action";
import { UserFacingError } from "@/lib/server/errors";
import { msg } from "@/lib/i18n/errors";
import { db } from "@/lib/db/client";
import { cancelDeployment, resumeDeployment, teardownDeployment } from "@/lib/deploy/deployment.service";
import { checkDeploymentDrift } from "@/lib/deploy/drift-check.service";
import { ensureDeployEngine } from "@/lib/deploy/engine";
import { verifyDeployment } from "@/lib/deploy/deployment-view.service";
import { deploymentInput, teardownInput } from "./deployments.schema";

export const cancelAction = teamAction(
  { name: "deployments.cancel", capability: "deployments.apply", input: deploymentInput },
  async ({ id }, ctx) => {
    ensureDeployEngine();
    return cancelDeployment(ctx.team.teamId, id, { actor: ctx.actor });
  },
);

export const resumeAction = teamAction(
  { name: "deployments.resume", capability: "deployments.apply", input: deploymentInput },
  async ({ id }, ctx) => {
    ensureDeployEngine();
    const r = await resumeDeployment(ctx.team.teamId, id, { actor: ctx.actor });
    return { status: r.status };
  },
);

/** Teardown asks the user to type the deployment's name: checked here too, not only in the browser. */
export const teardownAction = teamAction(
  { name: "deployments.teardown", capability: "deployments.apply", input: teardownInput },
  async ({ id, confirmName, skipGuestRollback }, ctx) => {
    ensureDeployEngine();
    const d = await db().deployment.findFirst({ where: { id, teamId: ctx.team.teamId }, select: { name: true } });
    if (!d) throw new UserFacingError(msg("deploy.notFound"), { code: "NOT_FOUND" });
    if (confirmName.trim() !== d.name)
      throw new UserFacingError(msg("deploy.typeName"), { code: "CONFIRMATION_MISMATCH", field: "confirmName" });
    const r = await teardownDeployment(ctx.team.teamId, id, { actor: ctx.actor, skipGuestRollback });
    revalidatePath("/");
    return { status: r.status, changes: r.plan.changes };
  },
);

export const refreshAction = teamAction(
  { name: "deployments.refresh", capability: "deployments.read", input: deploymentInput },
  async ({ id }, ctx) => {
    ensureDeployEngine();
    // Marks the deployment drifted at once (or succeeded again when back in sync).
    return checkDeploymentDrift(ctx.team.teamId, id, { actor: ctx.actor, source: "refresh" });
  },
);

export const verifyAction = teamAction(
  { name: "deployments.verify", capability: "deployments.read", input: deploymentInput },
  async ({ id }, ctx) => verifyDeployment(ctx.team.teamId, id, ctx.actor.userId),
);
