// The filtered audit trail as CSV or NDJSON, streamed in keyset batches.
import { requireTeam } from "@/lib/auth/session";
import { requestMeta } from "@/lib/server/safe-action";
import { db } from "@/lib/db/client";
import { appendAuditEvent } from "@/lib/audit/chain";
import { filterToSearch, parseAuditFilter, resolveActor, type AuditFilter } from "@/lib/audit/audit.queries";
import { auditExportStream } from "@/lib/audit/export-stream";
import { errorResponse } from "@/lib/audit/http";

export const dynamic = "force-dynamic";

const filterToParams = (f: AuditFilter) => ({ filter: filterToSearch(f).toString() });

export async function GET(req: Request) {
  try {
    const url = new URL(req.url);
    const ctx = await requireTeam("audit.read", url.searchParams.get("teamId") ?? undefined);
    const format = url.searchParams.get("format") === "ndjson" ? "ndjson" : "csv";
    const filter = await resolveActor(ctx.team.teamId, parseAuditFilter(url.searchParams));
    const meta = await requestMeta();
    // Exporting the trail is itself an audited act (recorded before the first byte).
    await appendAuditEvent(db(), {
      teamId: ctx.team.teamId,
      actorType: "user",
      actorId: ctx.user.id,
      actorLabel: ctx.user.email,
      action: "app:audit.export",
      outcome: "success",
      params: { format, ...filterToParams(filter) },
      clientIp: meta.clientIp,
      userAgent: meta.userAgent,
    });
    const stamp = new Date().toISOString().replace(/[:.]/g, "-");
    return new Response(auditExportStream(ctx.team.teamId, filter, format), {
      headers: {
        "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8",
        "content-disposition": `attachment; filename="audit-${stamp}.${format === "csv" ? "csv" : "ndjson"}"`,
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
      },
    });
  } catch (e) {
    return errorResponse(e);
  }
}
