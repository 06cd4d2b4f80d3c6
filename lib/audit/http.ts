// Route handlers answer errors the same way actions do: only a UserFacingError's
// message reaches the client, with an HTTP status matching its code.
import "server-only";
import { toActionError } from "@/lib/server/errors";

const STATUS: Record<string, number> = { UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, INVALID_INPUT: 400, CONFLICT: 409 };

export function errorResponse(error: unknown): Response {
  const e = toActionError(error);
  return Response.json({ error: e.error, code: e.code }, { status: STATUS[e.code ?? ""] ?? 500, headers: { "cache-control": "no-store" } });
}
