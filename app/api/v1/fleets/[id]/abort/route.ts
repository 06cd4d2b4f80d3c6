// POST /api/v1/fleets/{id}/abort → {"id","status":"abort_requested"|"aborted"}: the runs in flight are cancelled, nothing else starts.
import { apiRoute } from "@/lib/access/api-route";
import { abortFleetApi } from "@/lib/api/fleets.api";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ id: string }>(
  { name: "fleets.abort", capability: "deployments.apply" },
  async (_req, ctx) =>
    Response.json(await abortFleetApi(ctx.teamId, ctx.params.id, ctx.actor), {
      status: 200,
      headers: { "cache-control": "no-store" },
    }),
);
