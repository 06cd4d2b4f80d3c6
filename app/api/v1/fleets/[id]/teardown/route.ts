// POST /api/v1/fleets/{id}/teardown {"confirm":"<fleet name>"} → 202 {"id","status":"tearing_down","members"}: every
// member torn down, canary first, then batches. A wrong name → 400, nothing changes.
import { apiRoute } from "@/lib/access/api-route";
import { fleetTeardownApiInput } from "@/lib/api/fleets.schema";
import { teardownFleetApi } from "@/lib/api/fleets.api";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ id: string }>(
  { name: "fleets.teardown", capability: "deployments.apply" },
  async (_req, ctx) => {
    const { confirm } = await ctx.input(fleetTeardownApiInput);
    return Response.json(await teardownFleetApi(ctx.teamId, ctx.params.id, ctx.actor, confirm), {
      status: 202,
      headers: { "cache-control": "no-store" },
    });
  },
);
