// POST /api/v1/fleets/{id}/apply → 202 {"id","status":"rolling_out","members"}: pre-flight over the members that will run (422 with the findings), then the rollout — the canary alone, then batches.
import { apiRoute } from "@/lib/access/api-route";
import { applyFleetApi } from "@/lib/api/fleets.api";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ id: string }>(
  { name: "fleets.apply", capability: "deployments.apply" },
  async (_req, ctx) =>
    Response.json(await applyFleetApi(ctx.teamId, ctx.params.id, ctx.actor), {
      status: 202,
      headers: { "cache-control": "no-store" },
    }),
);
