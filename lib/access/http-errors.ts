import "server-only";
// Every route handler answers an error the same way: only a UserFacingError's
// message reaches the client, in the request's language, as { error, code },
// with the HTTP status of its code. Anything else is a 500 whose message
// carries the reference id of its log line.
import type { Locale } from "@/lib/i18n/locales";
import { toActionError, type ErrorSite } from "./action-errors";

const STATUS: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  INVALID_INPUT: 400,
  CONFLICT: 409,
};

export function httpStatus(code: string | undefined): number {
  return STATUS[code ?? ""] ?? 500;
}

export function errorResponse(error: unknown, locale: Locale, site: ErrorSite = {}): Response {
  const e = toActionError(error, locale, site);
  return Response.json(
    { error: e.error, code: e.code },
    { status: httpStatus(e.code), headers: { "cache-control": "no-store" } },
  );
}
