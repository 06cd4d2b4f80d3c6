"use server";
// Thin server actions for the config library: parse, authorize (teamAction
// loads the membership from the database), one service call, a small result.
import { z } from "zod";
import { revalidatePath } from "next/cache";
import { teamAction } from "@/lib/server/safe-action";
import type { TeamContext } from "@/lib/auth/session";
import type { RequestMeta } from "@/lib/server/safe-action";
import {
  addRevision,
  createConfig,
  createShareLink,
  duplicateConfig,
  importConfigFile,
  revokeShareLink,
  saveConfigFromDeployment,
  setArchived,
  updateConfigMeta,
  type Actor,
} from "./config.service";
import { CONFIG_FILE_MAX_BYTES, CONFIG_NAME_MAX, SHARE_MAX_HOURS } from "./config.schema";
import { zmsg } from "@/lib/validation/messages";

const teamId = z.string().min(1).max(64);
const id = z.string().min(1).max(64);
const actorOf = (ctx: TeamContext & { meta: RequestMeta }): Actor => ({
  id: ctx.user.id,
  email: ctx.user.email,
  clientIp: ctx.meta.clientIp,
  userAgent: ctx.meta.userAgent,
});
// Human messages: an API client (or a form that skipped its own checks) reads them as they are.
const shareHoursMessage = zmsg("configs.shareHours", { max: SHARE_MAX_HOURS });
const shareHours = z
  .number(shareHoursMessage)
  .int(shareHoursMessage)
  .min(1, shareHoursMessage)
  .max(SHARE_MAX_HOURS, shareHoursMessage);
const meta = {
  name: z.string().max(CONFIG_NAME_MAX + 80, zmsg("configs.nameTooLong", { max: CONFIG_NAME_MAX })),
  description: z.string().max(4000).optional(),
  tags: z.array(z.string().max(64)).max(40).optional(),
};

export const createConfigAction = teamAction(
  "configs.manage",
  z.object({ teamId, ...meta, spec: z.unknown(), message: z.string().max(500).optional() }),
  async (input, ctx) => {
    const r = await createConfig(ctx.team.teamId, actorOf(ctx), input);
    revalidatePath("/configs");
    return r;
  },
);

export const addRevisionAction = teamAction(
  "configs.manage",
  z.object({
    teamId,
    id,
    spec: z.unknown(),
    message: z.string().max(500).optional(),
    expectedRevision: z.number().int().optional(),
  }),
  async ({ id, ...input }, ctx) => {
    const r = await addRevision(ctx.team.teamId, actorOf(ctx), id, input);
    revalidatePath(`/configs/${id}`);
    return r;
  },
);

export const updateConfigMetaAction = teamAction(
  "configs.manage",
  z.object({ teamId, id, ...meta }),
  async ({ id, ...input }, ctx) => {
    await updateConfigMeta(ctx.team.teamId, actorOf(ctx), id, input);
    revalidatePath(`/configs/${id}`);
    return { id };
  },
);

export const saveConfigFromDeploymentAction = teamAction(
  "configs.manage",
  z.object({ teamId, deploymentId: id, ...meta }),
  async ({ deploymentId, ...input }, ctx) => {
    const r = await saveConfigFromDeployment(ctx.team.teamId, actorOf(ctx), deploymentId, input);
    revalidatePath("/configs");
    return r;
  },
);

export const duplicateConfigAction = teamAction(
  "configs.manage",
  z.object({ teamId, id, name: z.string().max(200).optional() }),
  async ({ id, name }, ctx) => {
    const r = await duplicateConfig(ctx.team.teamId, actorOf(ctx), id, name);
    revalidatePath("/configs");
    return r;
  },
);

export const setArchivedAction = teamAction(
  "configs.manage",
  z.object({ teamId, id, archived: z.boolean() }),
  async ({ id, archived }, ctx) => {
    await setArchived(ctx.team.teamId, actorOf(ctx), id, archived);
    revalidatePath("/configs");
    revalidatePath(`/configs/${id}`);
    return { id, archived };
  },
);

export const importConfigsAction = teamAction(
  "configs.manage",
  // A little headroom over the file limit so the service can report the size itself.
  z.object({ teamId, text: z.string().max(CONFIG_FILE_MAX_BYTES * 4, zmsg("configs.fileTooLarge")) }),
  async ({ text }, ctx) => {
    const r = await importConfigFile(ctx.team.teamId, actorOf(ctx), text, ctx.meta.locale);
    if (r.ok) revalidatePath("/configs");
    return r;
  },
);

export const createShareLinkAction = teamAction(
  "shareLinks.manage",
  z.object({ teamId, id, revision: z.number().int().min(1).nullable().optional(), expiresInHours: shareHours }),
  async ({ id, revision, expiresInHours }, ctx) => {
    const r = await createShareLink(ctx.team.teamId, actorOf(ctx), id, { revision, expiresInHours });
    revalidatePath(`/configs/${id}`);
    return { id: r.id, token: r.token, expiresAt: r.expiresAt.toISOString(), revision: r.revision };
  },
);

export const revokeShareLinkAction = teamAction(
  "shareLinks.manage",
  z.object({ teamId, linkId: id, configId: id }),
  async ({ linkId, configId }, ctx) => {
    await revokeShareLink(ctx.team.teamId, actorOf(ctx), linkId);
    revalidatePath(`/configs/${configId}`);
    return { id: linkId };
  },
);
