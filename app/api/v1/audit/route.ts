// GET /api/v1/audit?from&to&actor&action&resource&deploymentId&outcome&cursor&limit → the team's audit events,
// newest first, with the /audit page's filters: {"items":[…],"nextCursor"} ("events" holds the same list).
import { apiRoute } from "@/lib/access/api-route";
import { ApiInputError, zodProblems } from "@/lib/access/api-errors";
import { auditFilterSchema, listAuditEvents, resolveActor } from "@/lib/audit/audit.queries";
import { safeParseIn } from "@/lib/validation/messages";
import { auditQuery } from "@/lib/api/api.schema";

export const dynamic = "force-dynamic";

export const GET = apiRoute({ name: "audit.list", capability: "audit.read" }, async (_req, ctx) => {
  const raw = Object.fromEntries(
    [...ctx.url.searchParams.entries()].filter(([, v]) => v.trim() !== "").map(([k, v]) => [k, v.trim()]),
  );
  const parsed = safeParseIn(ctx.meta.locale, auditQuery, raw);
  if (!parsed.success) {
    const error = parsed.error;
    throw new ApiInputError(() => zodProblems(error));
  }
  const { cursor, limit, ...rest } = parsed.data;
  const filter = await resolveActor(ctx.teamId, auditFilterSchema.parse(rest));
  const page = await listAuditEvents(ctx.teamId, filter, { cursor, limit });
  return Response.json(
    { items: page.events, events: page.events, nextCursor: page.nextCursor },
    { headers: { "cache-control": "no-store" } },
  );
});
