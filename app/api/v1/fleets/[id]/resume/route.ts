// POST /api/v1/fleets/{id}/resume → 202 {"id","status","members"}: a paused fleet goes on with its pending members.
import { apiRoute } from "@/lib/access/api-route";
import { resumeFleetApi } from "@/lib/api/fleets.api";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ id: string }>(
  { name: "fleets.resume", capability: "deployments.apply" },
  async (_req, ctx) =>
    Response.json(await resumeFleetApi(ctx.teamId, ctx.params.id, ctx.actor), {
      status: 202,
      headers: { "cache-control": "no-store" },
    }),
);
