"use server";
// Living deployments: repair after drift, adopt a setup built by hand, team webhooks and the scheduled
// drift check. Parse → session + membership + capability (teamAction) → one service call → a small DTO.
import { revalidatePath } from "next/cache";
import { teamAction } from "@/lib/access/team-action";
import { ensureDeployEngine } from "@/lib/deploy/engine";
import { planRepair, startRepair } from "@/lib/deploy/repair.service";
import { adoptDeployment, previewAdoption } from "@/lib/deploy/adopt.service";
import { setDriftSchedule } from "@/lib/deploy/drift-schedule.service";
import { createWebhook, deleteWebhook } from "@/lib/notify/webhooks.service";
import {
  adoptInput,
  adoptTargetInput,
  createWebhookInput,
  deleteWebhookInput,
  driftScheduleInput,
  repairInput,
} from "./lifecycle.schema";

/** The repair's calls, shown before anything runs (nothing changes in the cloud). */
export const planRepairAction = teamAction(
  { name: "deployments.planRepair", capability: "deployments.apply", input: repairInput },
  async ({ id }, ctx) => {
    ensureDeployEngine();
    const r = await planRepair(ctx.team.teamId, id, { actor: ctx.actor });
    return {
      drift: r.drift,
      findings: r.findings,
      canRun: r.canRun,
      calls: r.plan.steps
        .filter((s) => !s.noop)
        .map((s) => ({ key: s.key, action: s.action, description: s.description })),
    };
  },
);

export const repairAction = teamAction(
  { name: "deployments.repair", capability: "deployments.apply", input: repairInput },
  async ({ id }, ctx) => {
    ensureDeployEngine();
    const r = await startRepair(ctx.team.teamId, ctx.actor, id);
    return { status: r.status, calls: r.plan.changes };
  },
);

/** What adopting the instance would take over and leave alone (reads only). */
export const previewAdoptAction = teamAction(
  { name: "deployments.previewAdopt", capability: "deployments.apply", input: adoptTargetInput },
  async ({ teamId: _t, ...target }, ctx) => {
    ensureDeployEngine();
    const p = await previewAdoption(ctx.team.teamId, ctx.actor, target);
    return {
      instance: p.instance,
      os: p.os,
      enis: p.enis,
      leftAlone: p.leftAlone,
      managedBy: p.managedBy,
      canAdopt: p.canAdopt,
      teardown: p.teardown,
    };
  },
);

export const adoptAction = teamAction(
  { name: "deployments.adopt", capability: "deployments.apply", input: adoptInput },
  async ({ teamId: _t, ...input }, ctx) => {
    ensureDeployEngine();
    const r = await adoptDeployment(ctx.team.teamId, ctx.actor, input);
    revalidatePath("/");
    return { id: r.id, status: r.status, bundleRevision: r.bundleRevision };
  },
);

/** The secret is in this answer only: it is never shown again. */
export const createWebhookAction = teamAction(
  { name: "notifications.createWebhook", capability: "notifications.manage", input: createWebhookInput },
  async ({ teamId: _t, ...input }, ctx) => {
    const r = await createWebhook(ctx.team.teamId, ctx.actor, input);
    revalidatePath("/settings/team");
    return { id: r.webhook.id, secret: r.secret };
  },
);

export const deleteWebhookAction = teamAction(
  { name: "notifications.deleteWebhook", capability: "notifications.manage", input: deleteWebhookInput },
  async ({ id }, ctx) => {
    await deleteWebhook(ctx.team.teamId, ctx.actor, id);
    revalidatePath("/settings/team");
    return { id };
  },
);

export const setDriftScheduleAction = teamAction(
  { name: "notifications.setDriftSchedule", capability: "notifications.manage", input: driftScheduleInput },
  async ({ teamId: _t, ...input }, ctx) => {
    const r = await setDriftSchedule(ctx.team.teamId, ctx.actor, input);
    revalidatePath("/settings/team");
    return { enabled: r.enabled, intervalMinutes: r.intervalMinutes };
  },
);
