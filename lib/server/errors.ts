// Only a UserFacingError reaches the browser. Anything else is logged with a
// reference id and shown as "Something went wrong (ref …)" (lib/access/action-errors.ts).
import type { Translatable } from "@/lib/i18n/errors";

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
