// Who did something, as every audit row records it. One shape for every writer
// (actions, route handlers, sign-in, services, cloud calls): the request
// boundary (lib/access) builds it once per request and services pass it on.
import type { AuditInput } from "./chain";

export type AuditActor = {
  /** The signed-in user; null for the system (the deploy engine) or an anonymous caller (a share-link viewer). */
  userId: string | null;
  /** Kept with the event so the trail still names a user after they leave the team. */
  email: string | null;
  /** An API token's name, when the request came with one rather than a session. */
  tokenName?: string | null;
  /** What the trail shows when there is no email (e.g. "anonymous (share link)"). */
  label?: string | null;
  clientIp: string | null;
  userAgent: string | null;
};

/** An actor that is a signed-in user (what team management and cloud accounts require). */
export type UserActor = AuditActor & { userId: string };

/** The deploy engine acting on its own (a resumed run, a background reconcile). */
export const SYSTEM_ACTOR: AuditActor = { userId: null, email: null, clientIp: null, userAgent: null };

/** The label an audit row stores for the actor: their email (and token), else the given label. */
export function actorLabel(actor: AuditActor): string | null {
  const who = actor.email ?? actor.label ?? null;
  return actor.tokenName && who ? `${who} (token ${actor.tokenName})` : who;
}

/** The actor's columns of an audit row. No actor (an older caller, a background run): the system. */
export function actorFields(
  actor: AuditActor | null | undefined,
): Pick<AuditInput, "actorType" | "actorId" | "actorLabel" | "clientIp" | "userAgent"> {
  const a = actor ?? SYSTEM_ACTOR;
  return {
    actorType: a.userId ? "user" : "system",
    actorId: a.userId,
    actorLabel: actorLabel(a),
    clientIp: a.clientIp,
    userAgent: a.userAgent,
  };
}

/** A user known only by id (tests, scripts, an older caller): no label, no request. */
export function userActor(userId: string, email?: string | null): UserActor;
export function userActor(userId: string | null, email?: string | null): AuditActor;
export function userActor(userId: string | null, email: string | null = null): AuditActor {
  return { userId, email, clientIp: null, userAgent: null };
}
