// One page of the team's audit trail (keyset pagination), for the /audit list.
import { routeHandler } from "@/lib/access/route-handler";
import { listAuditEvents, parseAuditFilter, resolveActor } from "@/lib/audit/audit.queries";

export const dynamic = "force-dynamic";

export const GET = routeHandler({ name: "audit.events", capability: "audit.read" }, async (_req, ctx) => {
  const page = await listAuditEvents(
    ctx.team.teamId,
    await resolveActor(ctx.team.teamId, parseAuditFilter(ctx.url.searchParams)),
    { cursor: ctx.url.searchParams.get("cursor") },
  );
  return Response.json(page, { headers: { "cache-control": "no-store" } });
});
