// The filtered audit trail as CSV or NDJSON, streamed in keyset batches.
import { routeHandler } from "@/lib/access/route-handler";
import { db } from "@/lib/db/client";
import { appendAuditEvent } from "@/lib/audit/chain";
import { actorFields } from "@/lib/audit/actor";
import { filterToSearch, parseAuditFilter, resolveActor, type AuditFilter } from "@/lib/audit/audit.queries";
import { auditExportStream } from "@/lib/audit/export-stream";
import { checkpointNow } from "@/lib/audit/checkpoint";
import { logger } from "@/lib/server/logger";

export const dynamic = "force-dynamic";

const filterToParams = (f: AuditFilter) => ({ filter: filterToSearch(f).toString() });

export const GET = routeHandler({ name: "audit.export", capability: "audit.read" }, async (_req, ctx) => {
  const format = ctx.url.searchParams.get("format") === "ndjson" ? "ndjson" : "csv";
  const filter = await resolveActor(ctx.team.teamId, parseAuditFilter(ctx.url.searchParams));
  // Exporting the trail is itself an audited act (recorded before the first byte).
  await appendAuditEvent(db(), {
    teamId: ctx.team.teamId,
    ...actorFields(ctx.actor),
    action: "app:audit.export",
    outcome: "success",
    params: { format, ...filterToParams(filter) },
  });
  // And a signed checkpoint of the trail as exported, so the export verifies offline up to its newest event.
  await checkpointNow(db(), ctx.team.teamId, "export").catch((err: unknown) =>
    logger.error({ err, teamId: ctx.team.teamId }, "audit checkpoint at export not signed"),
  );
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  return new Response(auditExportStream(ctx.team.teamId, filter, format), {
    headers: {
      "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8",
      "content-disposition": `attachment; filename="audit-${stamp}.${format === "csv" ? "csv" : "ndjson"}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
});
