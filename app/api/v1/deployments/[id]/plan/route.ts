// POST /api/v1/deployments/{id}/plan → {"findings":[…],"steps":[{"action","params"}]}: pre-flight and the
// exact calls an apply would make now. Nothing changes in the cloud.
import { apiRoute } from "@/lib/access/api-route";
import { planApi } from "@/lib/api/deployments.api";

export const dynamic = "force-dynamic";

export const POST = apiRoute<{ id: string }>(
  { name: "deployments.plan", capability: "deployments.apply" },
  async (_req, ctx) =>
    Response.json(await planApi(ctx.teamId, ctx.params.id, ctx.actor, ctx.meta.locale), {
      headers: { "cache-control": "no-store" },
    }),
);
