// POST /api/v1/fleets/{id}/plan → the fleet pre-flight (findings naming each member's instance; the EIP quota for
// all members together) and each member's calls. Nothing changes in the cloud.
import { apiRoute } from "@/lib/access/api-route";
import { planFleetApi } from "@/lib/api/fleets.api";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ id: string }>(
  { name: "fleets.plan", capability: "deployments.apply" },
  async (_req, ctx) =>
    Response.json(await planFleetApi(ctx.teamId, ctx.params.id, ctx.actor, ctx.meta.locale), {
      headers: { "cache-control": "no-store" },
    }),
);
