// POST /api/v1/deployments/{id}/refresh → {"inSync","drift":[…]}: compares the record with the live cloud.
import { apiRoute } from "@/lib/access/api-route";
import { refreshApi } from "@/lib/api/deployments.api";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ id: string }>(
  { name: "deployments.refresh", capability: "deployments.read" },
  async (_req, ctx) =>
    Response.json(await refreshApi(ctx.teamId, ctx.params.id, ctx.actor, ctx.meta.locale), {
      headers: { "cache-control": "no-store" },
    }),
);
