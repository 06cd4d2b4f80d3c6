// POST /api/v1/fleets/{id}/repair → 202 {"id","status","members"}: the drifted members are repaired as a rollout.
import { apiRoute } from "@/lib/access/api-route";
import { repairFleetApi } from "@/lib/api/fleets.api";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ id: string }>(
  { name: "fleets.repair", capability: "deployments.apply" },
  async (_req, ctx) =>
    Response.json(await repairFleetApi(ctx.teamId, ctx.params.id, ctx.actor), {
      status: 202,
      headers: { "cache-control": "no-store" },
    }),
);
