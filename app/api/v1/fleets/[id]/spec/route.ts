// PUT /api/v1/fleets/{id}/spec {"spec"} → {"generation","members":[{"instanceId","deploymentId","changes"}]}: every
// member's deployment gets the new spec; nothing runs until POST …/apply rolls the delta out.
import { apiRoute } from "@/lib/access/api-route";
import { fleetSpecApiInput } from "@/lib/api/fleets.schema";
import { getFleetApi, setFleetSpecApi } from "@/lib/api/fleets.api";

export const dynamic = "force-dynamic";

export const PUT = apiRoute<{ id: string }>(
  { name: "fleets.setSpec", capability: "deployments.apply" },
  async (_req, ctx) => {
    await getFleetApi(ctx.teamId, ctx.params.id, ctx.meta.locale);
    const { spec } = await ctx.input(fleetSpecApiInput);
    return Response.json(await setFleetSpecApi(ctx.teamId, ctx.params.id, ctx.actor, spec), {
      headers: { "cache-control": "no-store" },
    });
  },
);
