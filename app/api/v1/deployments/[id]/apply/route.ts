// POST /api/v1/deployments/{id}/apply → 202 {"id","status":"applying"}: pre-flight, then the run starts (422 with the findings when pre-flight finds errors).
// Progress shows in GET /api/v1/deployments/{id}; 409 while another run holds the instance or ENI.
import { apiRoute } from "@/lib/access/api-route";
import { applyApi } from "@/lib/api/deployments.api";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ id: string }>(
  { name: "deployments.apply", capability: "deployments.apply" },
  async (_req, ctx) =>
    Response.json(await applyApi(ctx.teamId, ctx.params.id, ctx.actor), {
      status: 202,
      headers: { "cache-control": "no-store" },
    }),
);
