// PUT /api/v1/deployments/{id}/spec {"spec"}: the desired state (spec v1 or v2).
import { apiRoute } from "@/lib/access/api-route";
import { deploymentSpecInput } from "@/lib/api/api.schema";
import { loadRow, setSpecApi } from "@/lib/api/deployments.api";

export const dynamic = "force-dynamic";

export const PUT = apiRoute<{ id: string }>(
  { name: "deployments.setSpec", capability: "deployments.apply" },
  async (_req, ctx) => {
    await loadRow(ctx.teamId, ctx.params.id);
    const { spec } = await ctx.input(deploymentSpecInput);
    return Response.json(await setSpecApi(ctx.teamId, ctx.params.id, ctx.actor, spec, ctx.meta.locale), {
      headers: { "cache-control": "no-store" },
    });
  },
);
