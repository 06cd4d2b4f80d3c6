"use server";
// Settings → API tokens: make a token (shown once), revoke one.
import { revalidatePath } from "next/cache";
import { teamAction } from "@/lib/access/team-action";
import { createApiToken, revokeApiToken } from "@/lib/auth/api-tokens";
import { can } from "@/lib/auth/permissions";
import { createApiTokenInput, revokeApiTokenInput } from "./api-tokens.schema";

export const createApiTokenAction = teamAction(
  { name: "apiTokens.create", capability: "apiTokens.create", input: createApiTokenInput },
  async ({ name, role }, ctx) => {
    const made = await createApiToken(ctx.team.teamId, ctx.actor, ctx.role, { name, role });
    revalidatePath("/settings/api-tokens");
    return { id: made.id, token: made.token, name: made.dto.name };
  },
);

export const revokeApiTokenAction = teamAction(
  { name: "apiTokens.revoke", capability: "apiTokens.create", input: revokeApiTokenInput },
  async ({ id }, ctx) => {
    const t = await revokeApiToken(ctx.team.teamId, ctx.actor, id, can(ctx.role, "apiTokens.manage"));
    revalidatePath("/settings/api-tokens");
    return { id: t.id, revokedAt: t.revokedAt };
  },
);
