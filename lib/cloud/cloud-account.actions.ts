"use server";
import { z } from "zod";
import { revalidatePath } from "next/cache";
import { teamAction } from "@/lib/server/safe-action";
import { createCloudAccount, deleteCloudAccount, testCloudAccount } from "./accounts";

const teamId = z.string().min(1).max(64);

export const createCloudAccountAction = teamAction(
  "cloudAccounts.manage",
  z.object({ teamId, account: z.unknown() }),
  async ({ account }, ctx) => {
    const dto = await createCloudAccount(ctx.team.teamId, ctx.user.id, account, ctx.user.email);
    revalidatePath("/settings/cloud-accounts");
    return dto;
  },
);

export const deleteCloudAccountAction = teamAction(
  "cloudAccounts.manage",
  z.object({ teamId, id: z.string().min(1).max(64) }),
  async ({ id }, ctx) => {
    await deleteCloudAccount(ctx.team.teamId, ctx.user.id, id, ctx.user.email);
    revalidatePath("/settings/cloud-accounts");
    return { id };
  },
);

export const testCloudAccountAction = teamAction(
  "cloudAccounts.read",
  z.object({ teamId, id: z.string().min(1).max(64) }),
  async ({ id }, ctx) => testCloudAccount(ctx.team.teamId, ctx.user.id, id),
);
