// GET /api/v1/tokens: the team's API tokens (never the tokens themselves).
// POST /api/v1/tokens {"name","role"}: a signed-in user (session cookie, from the app's origin) makes a
// token for the session's active team (or ?teamId=), with a role no higher than their own → 201 {"id","token"}.
import { apiRoute } from "@/lib/access/api-route";
import { createApiToken, listApiTokens } from "@/lib/auth/api-tokens";
import { UserFacingError } from "@/lib/server/errors";
import { msg } from "@/lib/i18n/errors";
import { tokenCreateInput } from "@/lib/api/api.schema";

export const dynamic = "force-dynamic";
const NO_STORE = { "cache-control": "no-store" };

export const GET = apiRoute({ name: "tokens.list", capability: "apiTokens.create", session: true }, async (_req, ctx) =>
  Response.json({ items: await listApiTokens(ctx.teamId) }, { headers: NO_STORE }),
);

export const POST = apiRoute(
  { name: "tokens.create", capability: "apiTokens.create", session: true },
  async (_req, ctx) => {
    if (ctx.tokenName) throw new UserFacingError(msg("api.sessionRequired"), { code: "FORBIDDEN" });
    const input = await ctx.input(tokenCreateInput);
    const t = await createApiToken(ctx.teamId, ctx.actor, ctx.role, input);
    return Response.json({ ...t.dto, id: t.id, token: t.token }, { status: 201, headers: NO_STORE });
  },
);
