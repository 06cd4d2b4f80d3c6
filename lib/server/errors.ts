// Only a UserFacingError reaches the browser. Anything else is logged with a
// reference id and shown as "Something went wrong (ref …)".
import crypto from "node:crypto";
import { logger } from "./logger";
import { CloudError, UserFacingCloudError } from "@/lib/cloud/errors";
import { msg, type Translatable } from "@/lib/i18n/errors";
import type { Locale } from "@/lib/i18n/locales";

/**
 * An error written for the user: `text` is a message of messages/<locale>/errors.json
 * (`msg("configs.notFound")`), shown in the language of whoever reads it. `message`
 * is its English, for logs, audit rows and tests.
 */
export class UserFacingError extends Error {
  constructor(
    readonly text: Translatable,
    readonly details: { code?: string; field?: string; requestId?: string; hint?: string } = {},
  ) {
    super(text("en"));
    this.name = "UserFacingError";
  }
}

export type ActionResult<T> =
  | { ok: true; data: T }
  | {
      ok: false;
      error: string;
      code?: string;
      fieldErrors?: Record<string, string>;
      requestId?: string;
      hint?: string;
    };

/** What the browser gets for `error`, written in `locale` (the request's: requestLocale()). */
export function toActionError(
  error: unknown,
  locale: Locale,
  requestId: string | null = null,
): Extract<ActionResult<never>, { ok: false }> {
  // A cloud error carries the cloud's own code, message and RequestId: safe and useful to show.
  if (error instanceof CloudError) error = new UserFacingCloudError(error);
  if (error instanceof UserFacingCloudError) {
    return {
      ok: false,
      error: error.message,
      code: error.code,
      requestId: error.requestId ?? undefined,
      hint: error.hint[locale],
    };
  }
  if (error instanceof UserFacingError) {
    const { code, field, requestId, hint } = error.details;
    const text = error.text(locale);
    return { ok: false, error: text, code, requestId, hint, ...(field ? { fieldErrors: { [field]: text } } : {}) };
  }
  const ref = crypto.randomBytes(4).toString("hex");
  logger.error({ err: error, ref, requestId: requestId ?? "none" }, "unexpected error in action");
  return { ok: false, error: msg("internal", { ref })(locale), code: "INTERNAL" };
}
