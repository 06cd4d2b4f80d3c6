import "server-only";
// Session → membership loaded from the database (never trusted from the client)
// → capability check. Used by every page, action and route handler.
import { redirect } from "next/navigation";
import { getSessionUser, type SessionUser } from "@/lib/auth/session";
import { listMemberships, type Membership } from "@/lib/auth/memberships";
import { ensurePersonalTeam } from "@/lib/auth/personal-team";
import { TWO_FACTOR_ROLES, can, isChange, type Capability, type Role } from "@/lib/auth/permissions";
import { UserFacingError } from "@/lib/server/errors";
import { msg } from "@/lib/i18n/errors";
import { requestLocale } from "@/lib/i18n/request-locale";

export type TeamContext = { user: SessionUser; team: Membership; role: Role; memberships: Membership[] };

/** For pages: the signed-in user's active team, or a redirect to sign in. */
export async function requireTeamPage(capability: Capability): Promise<TeamContext> {
  const s = await getSessionUser();
  if (!s) redirect("/sign-in");
  let ctx = await resolveTeam(s.user, s.activeTeamId, false);
  if (!ctx) {
    // No team left (their only one deleted, or removed from it): a personal team again, as at sign-up.
    await ensurePersonalTeam(s.user, await requestLocale());
    ctx = await resolveTeam(s.user, null, false);
    if (!ctx) throw new Error(`no team for user ${s.user.id} after creating one`);
  }
  if (!can(ctx.role, capability)) redirect("/?denied=" + encodeURIComponent(capability));
  return ctx;
}

/**
 * For actions and route handlers: throws a UserFacingError instead of redirecting.
 * `teamId` names the team; `null` (route handlers only: a download link or a poll
 * from a page, which shows the active team) means the session's active team.
 */
export async function requireTeam(capability: Capability, teamId: string | null): Promise<TeamContext> {
  const s = await getSessionUser();
  if (!s) throw new UserFacingError(msg("auth.signInAgain"), { code: "UNAUTHENTICATED" });
  const ctx =
    teamId !== null ? await resolveTeam(s.user, teamId, true) : await resolveTeam(s.user, s.activeTeamId, false);
  // A forged or foreign team id looks exactly like one that does not exist.
  if (!ctx) throw new UserFacingError(msg("auth.teamNotFound"), { code: "NOT_FOUND" });
  if (!can(ctx.role, capability)) {
    throw new UserFacingError(msg("auth.roleCannot", { role: msg(`roles.${ctx.role}`) }), { code: "FORBIDDEN" });
  }
  if (needsSecondFactor(ctx, capability))
    throw new UserFacingError(msg("auth.twoFactorRequired"), { code: "FORBIDDEN", field: "twoFactor" });
  return ctx;
}

/**
 * The team asks its owners and admins to use two-factor sign-in and this one has not turned it on: every
 * change is refused on the server (reads stay open, and so does turning the second factor on).
 */
export function needsSecondFactor(ctx: TeamContext, capability: Capability): boolean {
  return (
    ctx.team.requireTwoFactor &&
    TWO_FACTOR_ROLES.includes(ctx.role) &&
    !ctx.user.twoFactorEnabled &&
    isChange(capability)
  );
}

/** strict: the wanted team or nothing; otherwise fall back to the first team (a stale active team). */
async function resolveTeam(
  user: SessionUser,
  wanted: string | null | undefined,
  strict: boolean,
): Promise<TeamContext | null> {
  const memberships = await listMemberships(user.id);
  const found = wanted ? memberships.find((m) => m.teamId === wanted) : undefined;
  const team = found ?? (strict ? undefined : memberships[0]);
  return team ? { user, team, role: team.role, memberships } : null;
}
