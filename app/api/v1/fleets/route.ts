// GET /api/v1/fleets → {"items":[…]}; POST {"name","cloudAccountId","regionId","spec"|"configId","instances":{"ids"}|{"tag"},
// "rollout":{"batchSize","failureThreshold"}} → 201 {"id","status":"draft","members"}: one draft deployment per instance.
import { apiRoute } from "@/lib/access/api-route";
import { fleetCreateApiInput } from "@/lib/api/fleets.schema";
import { createFleetApi, listFleetsApi } from "@/lib/api/fleets.api";

export const dynamic = "force-dynamic";
const NO_STORE = { "cache-control": "no-store" };

export const GET = apiRoute({ name: "fleets.list", capability: "deployments.read" }, async (_req, ctx) =>
  Response.json({ items: await listFleetsApi(ctx.teamId) }, { headers: NO_STORE }),
);

export const POST = apiRoute({ name: "fleets.create", capability: "deployments.apply" }, async (_req, ctx) => {
  const input = await ctx.input(fleetCreateApiInput);
  const created = await createFleetApi(ctx.teamId, ctx.actor, input);
  return Response.json(created, { status: 201, headers: { ...NO_STORE, location: `/api/v1/fleets/${created.id}` } });
});
