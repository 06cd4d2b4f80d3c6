// GET /api/v1/deployments/{id} → {"id","name","status","spec","resources","drift", …}; poll it while a run goes on.
import { apiRoute } from "@/lib/access/api-route";
import { getDeploymentApi } from "@/lib/api/deployments.api";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ id: string }>(
  { name: "deployments.get", capability: "deployments.read" },
  async (_req, ctx) =>
    Response.json(await getDeploymentApi(ctx.teamId, ctx.params.id, ctx.meta.locale), {
      headers: { "cache-control": "no-store" },
    }),
);
