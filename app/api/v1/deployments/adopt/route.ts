// POST /api/v1/deployments/adopt {"name","cloudAccountId","regionId","instanceId"} → 201 {"id","status":"succeeded","spec"}:
// discovers what an instance set up by hand holds, with no mutating cloud call.
import { apiRoute } from "@/lib/access/api-route";
import { adoptInput } from "@/lib/api/api.schema";
import { adoptApi } from "@/lib/api/deployments.api";

export const dynamic = "force-dynamic";

export const POST = apiRoute({ name: "deployments.adopt", capability: "deployments.apply" }, async (_req, ctx) => {
  const input = await ctx.input(adoptInput);
  const adopted = await adoptApi(ctx.teamId, ctx.actor, input);
  return Response.json(adopted, {
    status: 201,
    headers: { "cache-control": "no-store", location: `/api/v1/deployments/${adopted.id}` },
  });
});
