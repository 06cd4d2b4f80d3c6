"use server";
// The wizard and quick deploy: inventory, drafts, review, apply, bundle preview.
// Parse → session + membership + capability (teamAction) → one service call.
import { revalidatePath } from "next/cache";
import { teamAction } from "@/lib/access/team-action";
import { UserFacingError } from "@/lib/server/errors";
import { msg } from "@/lib/i18n/errors";
import { parseCidr, vSwitchGateway } from "@/lib/net/ipv4";
import { generateBundle, SpecError } from "@/lib/os/bundle";
import {
  createDraft,
  deleteDraft,
  planDeployment,
  runPreflight,
  startDeployment,
  updateDraft,
} from "@/lib/deploy/deployment.service";
import { ensureDeployEngine } from "@/lib/deploy/engine";
import { loadInventory, locateEip } from "@/lib/deploy/inventory.service";
import { planWithoutSecrets } from "@/lib/deploy/secrets";
import { draftInput, inventoryInput, locateEipInput, previewBundleInput, saveDraftInput } from "./wizard.schema";

export const inventoryAction = teamAction(
  { name: "deployments.inventory", capability: "deployments.read", input: inventoryInput },
  async (q, ctx) => loadInventory(ctx.team.teamId, { ...q, actorId: ctx.actor.userId, locale: ctx.meta.locale }),
);

export const locateEipAction = teamAction(
  { name: "deployments.locateEip", capability: "deployments.read", input: locateEipInput },
  async (q, ctx) => locateEip(ctx.team.teamId, { ...q, actorId: ctx.actor.userId }),
);

export const saveDraftAction = teamAction(
  { name: "deployments.saveDraft", capability: "deployments.apply", input: saveDraftInput },
  async ({ id, name, spec }, ctx) => {
    if (id) {
      await updateDraft(ctx.team.teamId, id, { name, spec, actor: ctx.actor });
      return { id };
    }
    // No revalidatePath here: it would make the router refetch the wizard's own page (its URL now
    // names the draft) while the user goes on editing — a needless server render racing their next
    // clicks. The dashboard is dynamic and fetched fresh on the next visit anyway.
    return createDraft(ctx.team.teamId, { name, spec, actor: ctx.actor });
  },
);

export const deleteDraftAction = teamAction(
  { name: "deployments.deleteDraft", capability: "deployments.apply", input: draftInput },
  async ({ id }, ctx) => {
    await deleteDraft(ctx.team.teamId, id, ctx.actor);
    revalidatePath("/");
    return { id };
  },
);

/** Pre-flight and the plan of exact API calls, for the review step. */
export const reviewAction = teamAction(
  { name: "deployments.review", capability: "deployments.apply", input: draftInput },
  async ({ id }, ctx) => {
    ensureDeployEngine();
    const started = performance.now();
    const preflight = await runPreflight(ctx.team.teamId, id, { actor: ctx.actor });
    const plan =
      preflight.ok || preflight.findings.every((f) => f.code !== "SPEC_INVALID")
        ? await planDeployment(ctx.team.teamId, id, { actor: ctx.actor }).catch(() => null)
        : null;
    return { preflight, plan: plan && planWithoutSecrets(plan), ms: Math.round(performance.now() - started) };
  },
);

export const applyAction = teamAction(
  { name: "deployments.apply", capability: "deployments.apply", input: draftInput },
  async ({ id }, ctx) => {
    ensureDeployEngine();
    const r = await startDeployment(ctx.team.teamId, id, { actor: ctx.actor });
    revalidatePath("/");
    return { deploymentId: r.deploymentId, status: r.status };
  },
);

/** The gateway the generators assume: Alibaba Cloud's vSwitch gateway (lib/net/ipv4). */
function gatewayOf(cidr: string): { gateway: string; prefixLength: number } {
  const vSwitch = parseCidr(cidr)!; // the input schema accepted it as a CIDR
  return { gateway: vSwitchGateway(vSwitch), prefixLength: vSwitch.prefix };
}

/** Preview of the guest-OS bundle before anything exists (addresses may be examples). */
export const previewBundleAction = teamAction(
  { name: "deployments.previewBundle", capability: "deployments.read", input: previewBundleInput },
  async (q) => {
    const { gateway, prefixLength } = gatewayOf(q.cidr);
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
        ...(q.agent ? { agent: {} } : {}),
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
