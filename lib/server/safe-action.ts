import "server-only";
// Every server action is built with `teamAction`: parse input with zod, load the
// session and the membership from the database, check the capability, call one
// service function, return a small typed result. Failures never leak internals.
import { headers } from "next/headers";
import type { z } from "zod";
import { requireTeam, type TeamContext } from "@/lib/auth/session";
import type { Capability } from "@/lib/auth/permissions";
import { msg } from "@/lib/i18n/errors";
import type { Locale } from "@/lib/i18n/locales";
import { requestLocale } from "@/lib/i18n/request-locale";
import { safeParseIn } from "@/lib/validation/messages";
import { toActionError, type ActionResult } from "./errors";

/** `locale`: the language of the page that called (its errors are written in it). */
export type RequestMeta = {
  clientIp: string | null;
  userAgent: string | null;
  requestId: string | null;
  locale: Locale;
};

export async function requestMeta(): Promise<RequestMeta> {
  const h = await headers();
  return {
    clientIp: h.get("x-forwarded-for")?.split(",")[0]?.trim() ?? h.get("x-real-ip"),
    userAgent: h.get("user-agent"),
    requestId: h.get("x-request-id"),
    locale: await requestLocale(),
  };
}

export function fieldErrors(error: { issues: { path: PropertyKey[]; message: string }[] }): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.join(".") || "form";
    out[key] ??= issue.message;
  }
  return out;
}

export function teamAction<S extends z.ZodType, T>(
  capability: Capability,
  schema: S,
  run: (input: z.infer<S>, ctx: TeamContext & { meta: RequestMeta }) => Promise<T>,
) {
  return async (raw: unknown): Promise<ActionResult<T>> => {
    let meta: RequestMeta | null = null;
    try {
      meta = await requestMeta();
      const parsed = safeParseIn(meta.locale, schema, raw);
      if (!parsed.success) {
        const errors = fieldErrors(parsed.error);
        return {
          ok: false,
          error: Object.values(errors)[0] ?? msg("invalidInput")(meta.locale),
          code: "INVALID_INPUT",
          fieldErrors: errors,
        };
      }
      const teamId =
        typeof (parsed.data as { teamId?: unknown })?.teamId === "string"
          ? (parsed.data as { teamId: string }).teamId
          : undefined;
      const ctx = await requireTeam(capability, teamId);
      return { ok: true, data: await run(parsed.data, { ...ctx, meta }) };
    } catch (error) {
      // The log line carries the request id proxy.ts gave this request.
      return toActionError(error, meta?.locale ?? "en", meta?.requestId ?? null);
    }
  };
}
