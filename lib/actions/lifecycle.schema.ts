import { z } from "zod";
import { id, teamId } from "./common.schema";
import { OS_FAMILIES } from "@/lib/os/os-families";
import { draftNameSchema } from "@/lib/deploy/spec.schema";
import { webhookInputSchema } from "@/lib/notify/webhook.schema";
import { driftScheduleInputSchema } from "@/lib/deploy/drift-schedule.schema";

export const repairInput = z.object({ teamId, id });

/** Adopt: which instance (the cloud account, region and instance the user picked). */
export const adoptTargetInput = z.object({
  teamId,
  cloudAccountId: id,
  regionId: z.string().trim().min(1).max(64),
  instanceId: z
    .string()
    .trim()
    .max(64)
    .regex(/^i-[a-z0-9]+$/),
  os: z.enum(OS_FAMILIES).optional(),
});
export const adoptInput = adoptTargetInput.extend({ name: draftNameSchema });

export const createWebhookInput = webhookInputSchema.extend({ teamId });
export const deleteWebhookInput = z.object({ teamId, id });
export const driftScheduleInput = driftScheduleInputSchema.extend({ teamId });
