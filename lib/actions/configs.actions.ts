"use server";
// The config library: parse, authorize (teamAction loads the membership from
// the database), one service call, a small result.
import { revalidatePath } from "next/cache";
import { teamAction } from "@/lib/access/team-action";
import {
  addRevision,
  createConfig,
  duplicateConfig,
  importConfigFile,
  saveConfigFromDeployment,
  setArchived,
  updateConfigMeta,
} from "@/lib/configs/config.service";
import { createShareLink, revokeShareLink } from "@/lib/configs/share-link.service";
import {
  addRevisionInput,
  createConfigInput,
  createShareLinkInput,
  duplicateConfigInput,
  importConfigsInput,
  revokeShareLinkInput,
  saveConfigFromDeploymentInput,
  setArchivedInput,
  updateConfigMetaInput,
} from "./configs.schema";

export const createConfigAction = teamAction(
  { name: "configs.create", capability: "configs.manage", input: createConfigInput },
  async (input, ctx) => {
    const r = await createConfig(ctx.team.teamId, ctx.actor, input);
    revalidatePath("/configs");
    return r;
  },
);

export const addRevisionAction = teamAction(
  { name: "configs.addRevision", capability: "configs.manage", input: addRevisionInput },
  async ({ id, ...input }, ctx) => {
    const r = await addRevision(ctx.team.teamId, ctx.actor, id, input);
    revalidatePath(`/configs/${id}`);
    return r;
  },
);

export const updateConfigMetaAction = teamAction(
  { name: "configs.updateMeta", capability: "configs.manage", input: updateConfigMetaInput },
  async ({ id, ...input }, ctx) => {
    await updateConfigMeta(ctx.team.teamId, ctx.actor, id, input);
    revalidatePath(`/configs/${id}`);
    return { id };
  },
);

export const saveConfigFromDeploymentAction = teamAction(
  { name: "configs.saveFromDeployment", capability: "configs.manage", input: saveConfigFromDeploymentInput },
  async ({ deploymentId, ...input }, ctx) => {
    const r = await saveConfigFromDeployment(ctx.team.teamId, ctx.actor, deploymentId, input);
    revalidatePath("/configs");
    return r;
  },
);

export const duplicateConfigAction = teamAction(
  { name: "configs.duplicate", capability: "configs.manage", input: duplicateConfigInput },
  async ({ id, name }, ctx) => {
    const r = await duplicateConfig(ctx.team.teamId, ctx.actor, id, name);
    revalidatePath("/configs");
    return r;
  },
);

export const setArchivedAction = teamAction(
  { name: "configs.setArchived", capability: "configs.manage", input: setArchivedInput },
  async ({ id, archived }, ctx) => {
    await setArchived(ctx.team.teamId, ctx.actor, id, archived);
    revalidatePath("/configs");
    revalidatePath(`/configs/${id}`);
    return { id, archived };
  },
);

export const importConfigsAction = teamAction(
  { name: "configs.import", capability: "configs.manage", input: importConfigsInput },
  async ({ text }, ctx) => {
    const r = await importConfigFile(ctx.team.teamId, ctx.actor, text, ctx.meta.locale);
    if (r.ok) revalidatePath("/configs");
    return r;
  },
);

export const createShareLinkAction = teamAction(
  { name: "shareLinks.create", capability: "shareLinks.manage", input: createShareLinkInput },
  async ({ id, revision, expiresInHours }, ctx) => {
    const r = await createShareLink(ctx.team.teamId, ctx.actor, id, { revision, expiresInHours });
    revalidatePath(`/configs/${id}`);
    return { id: r.id, token: r.token, expiresAt: r.expiresAt.toISOString(), revision: r.revision };
  },
);

export const revokeShareLinkAction = teamAction(
  { name: "shareLinks.revoke", capability: "shareLinks.manage", input: revokeShareLinkInput },
  async ({ linkId, configId }, ctx) => {
    await revokeShareLink(ctx.team.teamId, ctx.actor, linkId);
    revalidatePath(`/configs/${configId}`);
    return { id: linkId };
  },
);
