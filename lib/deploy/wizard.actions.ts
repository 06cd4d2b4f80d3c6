"use server";
// Thin server actions for the wizard, quick deploy and the deployment page:
// parse → session + membership + capability (teamAction) → one service call.
import { z } from "zod";
import { revalidatePath } from "next/cache";
import { teamAction } from "@/lib/server/safe-action";
import { UserFacingError } from "@/lib/server/errors";
import { msg } from "@/lib/i18n/errors";
import { zmsg } from "@/lib/validation/messages";
import { isCidr, isIpv4, parseCidr, vSwitchGateway } from "@/lib/net/ipv4";
import { db } from "@/lib/db/client";
import { generateBundle, SpecError } from "@/lib/os/bundle";
import {
  cancelDeployment,
  createDraft,
  planDeployment,
  refreshDeployment,
  resumeDeployment,
  runPreflight,
  startDeployment,
  teardownDeployment,
  updateDraft,
} from "./deployment.service";
import { ensureDeployEngine } from "./engine";
import { loadInventory, locateEip, verifyDeployment } from "./inventory.service";
import { draftNameSchema, draftSpecSchema, OS_FAMILIES, SPEC_VERSION } from "./spec.schema";
import { planWithoutSecrets } from "./secrets";

const teamId = z.string().min(1).max(64);
const id = z.string().min(1).max(64);

export const inventoryAction = teamAction(
  "deployments.read",
  z.object({
    teamId,
    cloudAccountId: id,
    regionId: z.string().min(1).max(64),
    instanceId: z.string().max(64).nullish(),
  }),
  async (q, ctx) => loadInventory(ctx.team.teamId, { ...q, actorId: ctx.user.id, locale: ctx.meta.locale }),
);

export const locateEipAction = teamAction(
  "deployments.read",
  z.object({
    teamId,
    cloudAccountId: id,
    regionId: z.string().min(1).max(64),
    allocationId: z.string().regex(/^eip-[a-z0-9]+$/, zmsg("spec.idShape", { prefix: "eip" })),
  }),
  async (q, ctx) => locateEip(ctx.team.teamId, { ...q, actorId: ctx.user.id }),
);

/** Creates the draft on first save, updates it afterwards. The spec may be incomplete; its version is ours to stamp. */
const draftSpec = z
  .record(z.string(), z.unknown())
  .transform((s) => ({ ...s, specVersion: SPEC_VERSION }))
  .pipe(draftSpecSchema);
export const saveDraftAction = teamAction(
  "deployments.apply",
  z.object({ teamId, id: id.nullish(), name: draftNameSchema, spec: draftSpec }),
  async ({ id, name, spec }, ctx) => {
    if (id) {
      await updateDraft(ctx.team.teamId, id, { name, spec, actorId: ctx.user.id });
      return { id };
    }
    // No revalidatePath here: it would make the router refetch the wizard's own page (its URL now
    // names the draft) while the user goes on editing — a needless server render racing their next
    // clicks. The dashboard is dynamic and fetched fresh on the next visit anyway.
    return createDraft(ctx.team.teamId, { name, spec, actorId: ctx.user.id });
  },
);

/** Pre-flight and the plan of exact API calls, for the review step. */
export const reviewAction = teamAction("deployments.apply", z.object({ teamId, id }), async ({ id }, ctx) => {
  ensureDeployEngine();
  const started = performance.now();
  const preflight = await runPreflight(ctx.team.teamId, id, { actorId: ctx.user.id });
  const plan =
    preflight.ok || preflight.findings.every((f) => f.code !== "SPEC_INVALID")
      ? await planDeployment(ctx.team.teamId, id, { actorId: ctx.user.id }).catch(() => null)
      : null;
  return { preflight, plan: plan && planWithoutSecrets(plan), ms: Math.round(performance.now() - started) };
});

export const applyAction = teamAction("deployments.apply", z.object({ teamId, id }), async ({ id }, ctx) => {
  ensureDeployEngine();
  const r = await startDeployment(ctx.team.teamId, id, { actorId: ctx.user.id });
  revalidatePath("/");
  return { deploymentId: r.deploymentId, status: r.status };
});

export const cancelAction = teamAction("deployments.apply", z.object({ teamId, id }), async ({ id }, ctx) => {
  ensureDeployEngine();
  return cancelDeployment(ctx.team.teamId, id, { actorId: ctx.user.id });
});

export const resumeAction = teamAction("deployments.apply", z.object({ teamId, id }), async ({ id }, ctx) => {
  ensureDeployEngine();
  const r = await resumeDeployment(ctx.team.teamId, id, { actorId: ctx.user.id });
  return { status: r.status };
});

/**
 * Teardown asks the user to type the deployment's name: checked here too, not only in the browser.
 * `skipGuestRollback`: do not run rollback.sh through Cloud Assistant first (the operator runs it by hand).
 */
export const teardownAction = teamAction(
  "deployments.apply",
  z.object({ teamId, id, confirmName: z.string(), skipGuestRollback: z.boolean().optional() }),
  async ({ id, confirmName, skipGuestRollback }, ctx) => {
    ensureDeployEngine();
    const d = await db().deployment.findFirst({ where: { id, teamId: ctx.team.teamId }, select: { name: true } });
    if (!d) throw new UserFacingError(msg("deploy.notFound"), { code: "NOT_FOUND" });
    if (confirmName.trim() !== d.name)
      throw new UserFacingError(msg("deploy.typeName"), { code: "CONFIRMATION_MISMATCH", field: "confirmName" });
    const r = await teardownDeployment(ctx.team.teamId, id, { actorId: ctx.user.id, skipGuestRollback });
    revalidatePath("/");
    return { status: r.status, changes: r.plan.changes };
  },
);

export const refreshAction = teamAction("deployments.read", z.object({ teamId, id }), async ({ id }, ctx) => {
  ensureDeployEngine();
  return refreshDeployment(ctx.team.teamId, id, { actorId: ctx.user.id });
});

export const verifyAction = teamAction("deployments.read", z.object({ teamId, id }), async ({ id }, ctx) =>
  verifyDeployment(ctx.team.teamId, id, ctx.user.id),
);

const ipv4 = z.string().refine(isIpv4, zmsg("spec.ipv4"));
/** Preview of the guest-OS bundle before anything exists (addresses may be examples). */
export const previewBundleAction = teamAction(
  "deployments.read",
  z.object({
    teamId,
    os: z.enum(OS_FAMILIES),
    mac: z.string().max(32),
    primaryIp: ipv4,
    secondaryIps: z.array(ipv4).max(50),
    cidr: z.string().refine(isCidr),
    eips: z.record(z.string(), z.string()).optional(),
  }),
  async (q) => {
    const vSwitch = parseCidr(q.cidr)!;
    const prefixLength = vSwitch.prefix;
    const gateway = vSwitchGateway(vSwitch);
    try {
      const b = generateBundle({
        os: q.os,
        interfaces: [
          {
            device: "eth1",
            mac: q.mac || "00:16:3e:00:00:01",
            primaryIp: q.primaryIp,
            secondaryIps: q.secondaryIps,
            prefixLength,
            gateway,
            routeTable: 1001,
            eips: q.eips,
          },
        ],
      });
      return {
        version: b.version,
        sha256: b.sha256,
        persistence: b.persistence,
        files: b.files.map((f) => ({ path: f.path, content: f.content, mode: f.mode, sha256: f.sha256 })),
      };
    } catch (e) {
      if (e instanceof SpecError)
        throw new UserFacingError(msg("guest.bundleInvalid", { details: e.message }), { code: "BUNDLE_INVALID" });
      throw e;
    }
  },
);
