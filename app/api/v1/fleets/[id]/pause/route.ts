// POST /api/v1/fleets/{id}/pause → {"id","status":"pause_requested"}: the rollout stops after the batch in flight.
import { apiRoute } from "@/lib/access/api-route";
import { pauseFleetApi } from "@/lib/api/fleets.api";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ id: string }>(
  { name: "fleets.pause", capability: "deployments.apply" },
  async (_req, ctx) =>
    Response.json(await pauseFleetApi(ctx.teamId, ctx.params.id, ctx.actor), {
      status: 200,
      headers: { "cache-control": "no-store" },
    }),
);
