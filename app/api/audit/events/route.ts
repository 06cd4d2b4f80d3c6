// One page of the team's audit trail (keyset pagination), for the /audit list.
import { requireTeam } from "@/lib/auth/session";
import { listAuditEvents, parseAuditFilter, resolveActor } from "@/lib/audit/audit.queries";
import { errorResponse } from "@/lib/audit/http";

export const dynamic = "force-dynamic";

export async function GET(req: Request) {
  try {
    const url = new URL(req.url);
    const ctx = await requireTeam("audit.read", url.searchParams.get("teamId") ?? undefined);
    const page = await listAuditEvents(
      ctx.team.teamId,
      await resolveActor(ctx.team.teamId, parseAuditFilter(url.searchParams)),
      { cursor: url.searchParams.get("cursor") },
    );
    return Response.json(page, { headers: { "cache-control": "no-store" } });
  } catch (e) {
    return errorResponse(e);
  }
}
