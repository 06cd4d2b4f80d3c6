// Polled by the deployment page (React Query) until the run reaches a terminal status.
import { routeHandler } from "@/lib/access/route-handler";
import { getDeploymentView } from "@/lib/deploy/deployment-view.service";

export const dynamic = "force-dynamic";

export const GET = routeHandler<{ id: string }>(
  { name: "deployments.progress", capability: "deployments.read" },
  async (_req, ctx) => {
    const view = await getDeploymentView(ctx.team.teamId, ctx.params.id);
    return Response.json(view, { headers: { "cache-control": "no-store" } });
  },
);
