// POST /api/v1/fleets/{id}/refresh → {"drifted","inSync","notChecked","members":[…]}: a drift check on every live
// member (a member that drifted is marked drifted, like a single deployment's refresh).
import { apiRoute } from "@/lib/access/api-route";
import { refreshFleetApi } from "@/lib/api/fleets.api";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ id: string }>(
  { name: "fleets.refresh", capability: "deployments.read" },
  async (_req, ctx) =>
    Response.json(await refreshFleetApi(ctx.teamId, ctx.params.id, ctx.actor), {
      headers: { "cache-control": "no-store" },
    }),
);
