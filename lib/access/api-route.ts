import "server-only";
// The request boundary of the HTTP API v1 (app/api/v1/**/route.ts):
//   Authorization: Bearer <token> → its team and role (never above its creator's) → the capability
//   → an actor naming the token → the handler; any error answers through api-errors.ts.
// A route may also take better-auth's session cookie (`session: true`: the token endpoints, so a
// signed-in user can make the first token); a write with a cookie must come from the app's own
// origin (`Origin` header), or a page elsewhere could make the browser create tokens.
// Every write made with a token enters the team's audit trail as `api:<name>` with its outcome.
import type { z } from "zod";
import { can, type Capability, type Role } from "@/lib/auth/permissions";
import { authenticateApiToken, bearerToken } from "@/lib/auth/api-tokens";
import type { UserActor } from "@/lib/audit/actor";
import { actorFields } from "@/lib/audit/actor";
import { appendAuditEvent } from "@/lib/audit/chain";
import { db } from "@/lib/db/client";
import { env } from "@/lib/server/env";
import { UserFacingError } from "@/lib/server/errors";
import { logger } from "@/lib/server/logger";
import { msg } from "@/lib/i18n/errors";
import { safeParseIn } from "@/lib/validation/messages";
import { MAX_INPUT_DEPTH, nestedDeeperThan } from "@/lib/validation/depth";
import { readBodyText } from "@/lib/server/request-body";
import { ApiInputError, apiErrorResponse, zodProblems } from "./api-errors";
import { requestActor, requestMeta, type RequestMeta } from "./request-meta";
import { requireTeam } from "./team-context";

export type ApiContext<P> = {
  teamId: string;
  role: Role;
  user: { id: string; email: string; name: string };
  /** The token's name, or null when the caller came with a session cookie. */
  tokenName: string | null;
  actor: UserActor;
  meta: RequestMeta;
  /** The route's stable name ("deployments.apply"), for logs and the audit trail. */
  action: string;
  params: P;
  url: URL;
  /** The JSON body, parsed by `schema`: 400 with every problem (and its path) when it does not fit. */
  input: <S extends z.ZodType>(schema: S) => Promise<z.output<S>>;
};

export type ApiRouteDefinition = {
  /** Stable, dotted: "deployments.apply". */
  name: string;
  capability: Capability;
  /** Also accept better-auth's session cookie (the team: `?teamId=`, else the session's active team). */
  session?: boolean;
};

/** Each route's definition, for the authorization test (which proves the table matches the code). */
const definitions = new WeakMap<object, ApiRouteDefinition>();
export function apiRouteDefinition(handler: object): ApiRouteDefinition | undefined {
  return definitions.get(handler);
}

const WRITE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** The origins the app is served at (as better-auth trusts them). */
function appOrigins(): string[] {
  const { APP_URL, PORT } = env();
  return [new URL(APP_URL).origin, `http://localhost:${PORT}`, `http://127.0.0.1:${PORT}`];
}

/** The largest request body the API reads: a spec is a few KB; anything near this is not a client's mistake. */
export const API_BODY_MAX = 1024 * 1024;

async function readJson(req: Request): Promise<unknown> {
  const text = await readBodyText(req, API_BODY_MAX);
  if (text === null)
    throw new UserFacingError(msg("api.bodyTooLarge", { max: API_BODY_MAX }), { code: "BODY_TOO_LARGE" });
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    throw new ApiInputError(() => [{ path: "", message: detail }], msg("api.badJson"));
  }
}

function inputReader(req: Request, meta: RequestMeta) {
  let body: Promise<unknown> | null = null;
  return async <S extends z.ZodType>(schema: S): Promise<z.output<S>> => {
    body ??= readJson(req);
    const raw = await body;
    if (nestedDeeperThan(raw)) throw new ApiInputError(() => [], msg("tooDeep", { max: MAX_INPUT_DEPTH }));
    const parsed = safeParseIn(meta.locale, schema, raw);
    if (parsed.success) return parsed.data;
    throw new ApiInputError((l) => zodProblems(l === meta.locale ? parsed.error : safeParseIn(l, schema, raw).error!));
  };
}

type Caller = Pick<ApiContext<unknown>, "teamId" | "role" | "user" | "tokenName" | "actor">;

async function authenticate(req: Request, def: ApiRouteDefinition, meta: RequestMeta, url: URL): Promise<Caller> {
  const header = req.headers.get("authorization");
  if (header !== null || !def.session) {
    const identity = await authenticateApiToken(bearerToken(header));
    if (!identity) throw new UserFacingError(msg("api.tokenInvalid"), { code: "UNAUTHENTICATED" });
    const actor = { ...requestActor(identity.user, meta), tokenName: identity.tokenName };
    return { teamId: identity.teamId, role: identity.role, user: identity.user, tokenName: identity.tokenName, actor };
  }
  if (WRITE.has(req.method) && !appOrigins().includes(req.headers.get("origin") ?? ""))
    throw new UserFacingError(msg("api.originMismatch"), { code: "FORBIDDEN" });
  const ctx = await requireTeam(def.capability, url.searchParams.get("teamId"));
  const user = { id: ctx.user.id, email: ctx.user.email, name: ctx.user.name };
  return { teamId: ctx.team.teamId, role: ctx.role, user, tokenName: null, actor: requestActor(ctx.user, meta) };
}

/** A write made with a token, refused or not, in the team's trail (its cloud calls and changes have their own rows). */
async function auditTokenWrite(req: Request, caller: Caller, name: string, status: number, id?: string) {
  if (!caller.tokenName || !WRITE.has(req.method)) return;
  await appendAuditEvent(db(), {
    teamId: caller.teamId,
    ...actorFields(caller.actor),
    action: `api:${name}`,
    targets: id ? [id] : [],
    params: { method: req.method, path: new URL(req.url).pathname, status },
    outcome: status < 400 ? "success" : "failure",
    ...(status >= 400 ? { errorCode: String(status) } : {}),
  }).catch((err: unknown) => logger.error({ err, action: name }, "could not audit an API call"));
}

export function apiRoute<P extends Record<string, string> = Record<string, string>>(
  def: ApiRouteDefinition,
  handler: (req: Request, ctx: ApiContext<P>) => Promise<Response>,
) {
  const route = async (req: Request, context: { params?: Promise<P> } | undefined): Promise<Response> => {
    let meta: RequestMeta | null = null;
    let caller: Caller | null = null;
    let id: string | undefined;
    const site = () => ({ action: def.name, requestId: meta?.requestId ?? null });
    let res: Response;
    try {
      meta = await requestMeta();
      const url = new URL(req.url);
      caller = await authenticate(req, def, meta, url);
      if (!can(caller.role, def.capability))
        throw new UserFacingError(msg("auth.roleCannot", { role: msg(`roles.${caller.role}`) }), {
          code: "FORBIDDEN",
        });
      // A route without a dynamic segment gets no params from Next.js.
      const p = ((await context?.params) ?? {}) as P;
      id = p.id;
      res = await handler(req, { ...caller, meta, action: def.name, params: p, url, input: inputReader(req, meta) });
    } catch (error) {
      if (error instanceof UserFacingError) logger.info({ ...site(), code: error.details.code }, "API request refused");
      res = apiErrorResponse(error, meta?.locale ?? "en", site());
    }
    if (caller) await auditTokenWrite(req, caller, def.name, res.status, id);
    return res;
  };
  definitions.set(route, def);
  return route;
}
