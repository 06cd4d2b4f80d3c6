// POST /api/v1/deployments/{id}/repair → 202 {"id","status":"applying"}: restores the recorded state: the calls that put back what changed, then the run starts.
// Progress shows in GET /api/v1/deployments/{id}; 409 while another run holds the instance or ENI.
import { apiRoute } from "@/lib/access/api-route";
import { repairApi } from "@/lib/api/deployments.api";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ id: string }>(
  { name: "deployments.repair", capability: "deployments.apply" },
  async (_req, ctx) =>
    Response.json(await repairApi(ctx.teamId, ctx.params.id, ctx.actor, ctx.meta.locale), {
      status: 202,
      headers: { "cache-control": "no-store" },
    }),
);
