import "server-only";
// Only a UserFacingError reaches the browser. Anything else is logged with a
// reference id (and the action's name and request id) and shown as
// "Something went wrong (ref …)". A cloud error carries the cloud's own code,
// message and RequestId: safe and useful to show, with our fix hint.
import crypto from "node:crypto";
import { logger } from "@/lib/server/logger";
import { UserFacingError, type ActionResult } from "@/lib/server/errors";
import { CloudError, UserFacingCloudError } from "@/lib/cloud/errors";
import { msg } from "@/lib/i18n/errors";
import type { Locale } from "@/lib/i18n/locales";

export type ActionFailure = Extract<ActionResult<never>, { ok: false }>;

/** Where the error happened, for the log line of an unexpected one. */
export type ErrorSite = { action?: string; requestId?: string | null };

/** What the browser gets for `error`, written in `locale` (the request's: requestLocale()). */
export function toActionError(error: unknown, locale: Locale, site: ErrorSite = {}): ActionFailure {
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
  logger.error(
    { err: error, ref, action: site.action ?? "unnamed", requestId: site.requestId ?? "none" },
    "unexpected error in action",
  );
  return { ok: false, error: msg("internal", { ref })(locale), code: "INTERNAL" };
}

/** A zod error's first message per field ("form" for the whole input). */
export function fieldErrors(error: { issues: { path: PropertyKey[]; message: string }[] }): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.join(".") || "form";
    out[key] ??= issue.message;
  }
  return out;
}
