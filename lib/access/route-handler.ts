import "server-only";
// Every authorized route handler (app/api/**/route.ts) is built with
// `routeHandler`: session → team → role → the handler; any error answers
// through the one mapping of http-errors.ts, logged with the route's name.
import type { Capability } from "@/lib/auth/permissions";
import type { UserActor } from "@/lib/audit/actor";
import { UserFacingError } from "@/lib/server/errors";
import { logger } from "@/lib/server/logger";
import { msg } from "@/lib/i18n/errors";
import { errorResponse } from "./http-errors";
import { requestActor, requestMeta, type RequestMeta } from "./request-meta";
import { requireTeam, type TeamContext } from "./team-context";

export type RouteContext<P> = TeamContext & {
  meta: RequestMeta;
  actor: UserActor;
  /** The route's stable name ("deployments.bundle"), for logs. */
  action: string;
  params: P;
  url: URL;
};

/** `?teamId=` names the team, always: a link or poll without it is refused, never served for another team. */
export function routeHandler<P extends Record<string, string> = Record<string, string>>(
  def: { name: string; capability: Capability },
  handler: (req: Request, ctx: RouteContext<P>) => Promise<Response>,
) {
  return async (req: Request, { params }: { params: Promise<P> }): Promise<Response> => {
    let meta: RequestMeta | null = null;
    try {
      meta = await requestMeta();
      const url = new URL(req.url);
      const teamId = url.searchParams.get("teamId");
      if (!teamId) throw new UserFacingError(msg("auth.teamIdRequired"), { code: "INVALID_INPUT", field: "teamId" });
      const team = await requireTeam(def.capability, teamId);
      const ctx = { ...team, meta, actor: requestActor(team.user, meta), action: def.name, params: await params, url };
      return await handler(req, ctx);
    } catch (error) {
      const site = { action: def.name, requestId: meta?.requestId ?? null };
      if (error instanceof UserFacingError) logger.info({ ...site, code: error.details.code }, "request refused");
      return errorResponse(error, meta?.locale ?? "en", site);
    }
  };
}
