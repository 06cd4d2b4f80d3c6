// DELETE /api/v1/tokens/{id}: revokes a token (its creator, an admin or the owner). With a session
// cookie or a token; the token stops working at once.
import { apiRoute } from "@/lib/access/api-route";
import { revokeApiToken } from "@/lib/auth/api-tokens";
import { can } from "@/lib/auth/permissions";

export const dynamic = "force-dynamic";

export const DELETE = apiRoute<{ id: string }>(
  { name: "tokens.revoke", capability: "apiTokens.create", session: true },
  async (_req, ctx) => {
    const t = await revokeApiToken(ctx.teamId, ctx.actor, ctx.params.id, can(ctx.role, "apiTokens.manage"));
    return Response.json(t, { headers: { "cache-control": "no-store" } });
  },
);
