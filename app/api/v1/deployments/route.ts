// GET /api/v1/deployments → {"items":[…]}; POST {"name","spec"} (spec v1 or v2) → 201 {"id","status":"draft"}.
import { apiRoute } from "@/lib/access/api-route";
import { deploymentCreateInput } from "@/lib/api/api.schema";
import { createDeploymentApi, listDeploymentsApi } from "@/lib/api/deployments.api";

export const dynamic = "force-dynamic";
const NO_STORE = { "cache-control": "no-store" };

export const GET = apiRoute({ name: "deployments.list", capability: "deployments.read" }, async (_req, ctx) =>
  Response.json({ items: await listDeploymentsApi(ctx.teamId) }, { headers: NO_STORE }),
);

export const POST = apiRoute({ name: "deployments.create", capability: "deployments.apply" }, async (_req, ctx) => {
  const input = await ctx.input(deploymentCreateInput);
  const created = await createDeploymentApi(ctx.teamId, ctx.actor, input);
  return Response.json(created, {
    status: 201,
    headers: { ...NO_STORE, location: `/api/v1/deployments/${created.id}` },
  });
});
