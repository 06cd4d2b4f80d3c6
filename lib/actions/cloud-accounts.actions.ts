"use server";
// Settings → Cloud accounts.
import { revalidatePath } from "next/cache";
import { teamAction } from "@/lib/access/team-action";
import { createCloudAccount, deleteCloudAccount, testCloudAccount, updateCloudAccountRate } from "@/lib/cloud/accounts";
import { cloudAccountIdInput, createCloudAccountInput, updateCloudAccountRateInput } from "./cloud-accounts.schema";

export const createCloudAccountAction = teamAction(
  { name: "cloudAccounts.create", capability: "cloudAccounts.manage", input: createCloudAccountInput },
  async ({ account }, ctx) => {
    const dto = await createCloudAccount(ctx.team.teamId, ctx.actor, account);
    revalidatePath("/settings/cloud-accounts");
    return dto;
  },
);

/** The account's Cloud API rate (requests per second; null: the server's default). */
export const updateCloudAccountRateAction = teamAction(
  { name: "cloudAccounts.updateRate", capability: "cloudAccounts.manage", input: updateCloudAccountRateInput },
  async ({ id, rate }, ctx) => {
    const dto = await updateCloudAccountRate(ctx.team.teamId, ctx.actor, id, rate);
    revalidatePath("/settings/cloud-accounts");
    return dto;
  },
);

export const deleteCloudAccountAction = teamAction(
  { name: "cloudAccounts.delete", capability: "cloudAccounts.manage", input: cloudAccountIdInput },
  async ({ id }, ctx) => {
    await deleteCloudAccount(ctx.team.teamId, ctx.actor, id);
    revalidatePath("/settings/cloud-accounts");
    return { id };
  },
);

export const testCloudAccountAction = teamAction(
  { name: "cloudAccounts.test", capability: "cloudAccounts.read", input: cloudAccountIdInput },
  async ({ id }, ctx) => testCloudAccount(ctx.team.teamId, ctx.actor, id),
);
