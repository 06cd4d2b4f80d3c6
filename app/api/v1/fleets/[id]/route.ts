// GET /api/v1/fleets/{id} → the fleet, every member (its deployment's id and status, EIP counts) and the totals.
import { apiRoute } from "@/lib/access/api-route";
import { getFleetApi } from "@/lib/api/fleets.api";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ id: string }>({ name: "fleets.get", capability: "deployments.read" }, async (_req, ctx) =>
  Response.json(await getFleetApi(ctx.teamId, ctx.params.id, ctx.meta.locale), {
    headers: { "cache-control": "no-store" },
  }),
);
