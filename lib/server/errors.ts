// Only a UserFacingError reaches the browser. Anything else is logged with a
// reference id and shown as "Something went wrong (ref …)".
import crypto from "node:crypto";
import { logger } from "./logger";
import { CloudError, UserFacingCloudError } from "@/lib/cloud/errors";

export class UserFacingError extends Error {
  constructor(
    message: string,
    readonly details: { code?: string; field?: string; requestId?: string; hint?: string } = {},
  ) {
    super(message);
    this.name = "UserFacingError";
  }
}

export type ActionResult<T> =
  | { ok: true; data: T }
  | { ok: false; error: string; code?: string; fieldErrors?: Record<string, string>; requestId?: string; hint?: string };

export function toActionError(error: unknown, locale: "en" | "ja" = "en", requestId: string | null = null): Extract<ActionResult<never>, { ok: false }> {
  // A cloud error carries the cloud's own code, message and RequestId: safe and useful to show.
  if (error instanceof CloudError) error = new UserFacingCloudError(error);
  if (error instanceof UserFacingCloudError) {
    return { ok: false, error: error.message, code: error.code, requestId: error.requestId ?? undefined, hint: error.hint[locale] };
  }
  if (error instanceof UserFacingError) {
    const { code, field, requestId, hint } = error.details;
    return { ok: false, error: error.message, code, requestId, hint, ...(field ? { fieldErrors: { [field]: error.message } } : {}) };
  }
  const ref = crypto.randomBytes(4).toString("hex");
  logger.error({ err: error, ref, requestId: requestId ?? "none" }, "unexpected error in action");
  return { ok: false, error: `Something went wrong (ref ${ref})`, code: "INTERNAL" };
}
