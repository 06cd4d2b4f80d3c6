// POST /api/v1/deployments/{id}/teardown {"confirm":"<deployment name>"} → 202 {"id","status":"tearing_down"}:
// removes only what the deployment created or changed. A wrong name → 400, nothing changes.
import { apiRoute } from "@/lib/access/api-route";
import { teardownInput } from "@/lib/api/api.schema";
import { teardownApi } from "@/lib/api/deployments.api";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ id: string }>(
  { name: "deployments.teardown", capability: "deployments.apply" },
  async (_req, ctx) => {
    const { confirm } = await ctx.input(teardownInput);
    return Response.json(await teardownApi(ctx.teamId, ctx.params.id, ctx.actor, confirm), {
      status: 202,
      headers: { "cache-control": "no-store" },
    });
  },
);
