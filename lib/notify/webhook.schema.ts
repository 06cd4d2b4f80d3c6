// A team webhook as the settings form submits it. Pure zod, no server imports: the form imports it too.
import { z } from "zod";
import { zmsg } from "@/lib/validation/messages";

/** What a webhook can subscribe to. */
export const WEBHOOK_EVENTS = [
  "drift",
  "run.failed",
  "run.finished",
  "fleet.paused",
  "fleet.failed",
  "fleet.finished",
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/**
 * http(s) only, no user:password in the URL (it would land in logs and the settings page), at most 2000
 * characters. Where the host points is checked again at each delivery (lib/notify/webhooks.service.ts).
 */
export const webhookUrlSchema = z
  .string()
  .trim()
  .max(2000, zmsg("notify.urlTooLong"))
  .refine((s) => URL.canParse(s), zmsg("notify.urlInvalid"))
  .refine((s) => !URL.canParse(s) || ["http:", "https:"].includes(new URL(s).protocol), zmsg("notify.urlScheme"))
  .refine((s) => !URL.canParse(s) || (!new URL(s).username && !new URL(s).password), zmsg("notify.urlCredentials"));

export const webhookInputSchema = z.object({
  url: webhookUrlSchema,
  events: z.array(z.enum(WEBHOOK_EVENTS)).min(1, zmsg("notify.noEvents")),
});
export type WebhookInput = z.input<typeof webhookInputSchema>;
