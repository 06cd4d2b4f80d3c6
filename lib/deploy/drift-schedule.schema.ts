// The team's scheduled drift check as the settings form submits it. Pure zod: the form imports it too.
import { z } from "zod";
import { zmsg } from "@/lib/validation/messages";

export const DRIFT_DEFAULT_INTERVAL_MINUTES = 15;

export const driftScheduleInputSchema = z.object({
  enabled: z.boolean(),
  intervalMinutes: z
    .number()
    .int(zmsg("drift.intervalRange"))
    .min(5, zmsg("drift.intervalRange"))
    .max(1440, zmsg("drift.intervalRange")),
});
export type DriftScheduleInput = z.input<typeof driftScheduleInputSchema>;
