// Route handlers answer errors the same way actions do: only a UserFacingError's
// message reaches the client, in the request's language, with an HTTP status matching its code.
import "server-only";
import { toActionError } from "@/lib/server/errors";
import { requestLocale } from "@/lib/i18n/request-locale";

const STATUS: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  INVALID_INPUT: 400,
  CONFLICT: 409,
};

export async function errorResponse(error: unknown): Promise<Response> {
  const e = toActionError(error, await requestLocale().catch(() => "en" as const));
  return Response.json(
    { error: e.error, code: e.code },
    { status: STATUS[e.code ?? ""] ?? 500, headers: { "cache-control": "no-store" } },
  );
}
