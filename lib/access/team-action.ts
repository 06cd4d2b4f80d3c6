import "server-only";
// Every server action is built with `teamAction`: parse the input with zod, load
// the session and the membership of the team the input names from the database,
// check the capability, run one service call, return a small typed result.
// Failures never leak internals; each is logged with the action's name.
import type { z } from "zod";
import type { Capability } from "@/lib/auth/permissions";
import type { UserActor } from "@/lib/audit/actor";
import { UserFacingError, type ActionResult } from "@/lib/server/errors";
import { logger } from "@/lib/server/logger";
import { msg } from "@/lib/i18n/errors";
import { safeParseIn } from "@/lib/validation/messages";
import { MAX_INPUT_DEPTH, nestedDeeperThan } from "@/lib/validation/depth";
import { fieldErrors, toActionError } from "./action-errors";
import { requestActor, requestMeta, type RequestMeta } from "./request-meta";
import { requireTeam, type TeamContext } from "./team-context";

/** What an action's body gets: who, in which team with which role, from where, as which actor. */
export type ActionContext = TeamContext & {
  meta: RequestMeta;
  actor: UserActor;
  /** The action's stable name ("configs.create"), for logs and for audit rows that want it. */
  action: string;
};

export type ActionDefinition<S extends z.ZodType<{ teamId: string }>> = {
  /** Stable, dotted: "<surface>.<verb>" ("deployments.apply", "configs.create"). */
  name: string;
  capability: Capability;
  /** The zod input; it must name the team (`teamId`): there is no fallback to the session's active team. */
  input: S;
};

/** Each action's name and capability, for the authorization test (which proves the table matches the code). */
const definitions = new WeakMap<object, { name: string; capability: Capability }>();
export function actionDefinition(action: object): { name: string; capability: Capability } | undefined {
  return definitions.get(action);
}

export function teamAction<S extends z.ZodType<{ teamId: string }>, T>(
  def: ActionDefinition<S>,
  run: (input: z.infer<S>, ctx: ActionContext) => Promise<T>,
) {
  const action = async (raw: unknown): Promise<ActionResult<T>> => {
    let meta: RequestMeta | null = null;
    try {
      meta = await requestMeta();
      // Before zod, whose recursion a hostile argument thousands of levels deep would overflow.
      if (nestedDeeperThan(raw)) {
        logger.info({ action: def.name, requestId: meta.requestId ?? "none" }, "action input refused: too deep");
        const error = msg("tooDeep", { max: MAX_INPUT_DEPTH })(meta.locale);
        return { ok: false, error, code: "INVALID_INPUT", fieldErrors: {} };
      }
      const parsed = safeParseIn(meta.locale, def.input, raw);
      if (!parsed.success) {
        const errors = fieldErrors(parsed.error);
        logger.info(
          { action: def.name, requestId: meta.requestId ?? "none", fields: Object.keys(errors) },
          "action input refused",
        );
        return {
          ok: false,
          error: Object.values(errors)[0] ?? msg("invalidInput")(meta.locale),
          code: "INVALID_INPUT",
          fieldErrors: errors,
        };
      }
      const ctx = await requireTeam(def.capability, parsed.data.teamId);
      const actor = requestActor(ctx.user, meta);
      return { ok: true, data: await run(parsed.data, { ...ctx, meta, actor, action: def.name }) };
    } catch (error) {
      const site = { action: def.name, requestId: meta?.requestId ?? null };
      if (error instanceof UserFacingError) logger.info({ ...site, code: error.details.code }, "action refused");
      return toActionError(error, meta?.locale ?? "en", site);
    }
  };
  definitions.set(action, { name: def.name, capability: def.capability });
  return action;
}
