// POST /api/v1/fleets/{id}/retry-failed → 202 {"id","status","members"}: the failed members are resumed from the step that failed, then the rollout goes on.
import { apiRoute } from "@/lib/access/api-route";
import { retryFailedFleetApi } from "@/lib/api/fleets.api";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ id: string }>(
  { name: "fleets.retryFailed", capability: "deployments.apply" },
  async (_req, ctx) =>
    Response.json(await retryFailedFleetApi(ctx.teamId, ctx.params.id, ctx.actor), {
      status: 202,
      headers: { "cache-control": "no-store" },
    }),
);
