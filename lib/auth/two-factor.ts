// Two-factor sign-in (TOTP with backup codes) through better-auth's two-factor plugin: the rules the app
// adds to it. Turning it on or off enters the audit trail of each of the user's teams, whichever way it was
// done; it cannot be turned off while a team the user owns or administers asks for it.
import QRCode from "qrcode";
import { APIError } from "better-auth/api";
import { db } from "@/lib/db/client";
import { appendAuditEvent } from "@/lib/audit/chain";
import { actorFields } from "@/lib/audit/actor";
import { logger } from "@/lib/server/logger";
import { TWO_FACTOR_ROLES, type Role } from "./permissions";

/** The teams whose requirement keeps this user from turning two-factor sign-in off (they own or administer them). */
export async function teamsRequiringSecondFactor(userId: string): Promise<string[]> {
  const rows = await db().member.findMany({
    where: { userId, role: { in: [...TWO_FACTOR_ROLES] as Role[] }, organization: { requireTwoFactor: true } },
    select: { organization: { select: { name: true } } },
  });
  return rows.map((r) => r.organization.name);
}

/** Before better-auth's /two-factor/disable runs: refused while a team of the user's requires it of them. */
export async function refuseDisableWhileRequired(userId: string): Promise<void> {
  const teams = await teamsRequiringSecondFactor(userId);
  if (teams.length)
    throw new APIError("FORBIDDEN", {
      code: "TWO_FACTOR_REQUIRED_BY_TEAM",
      message: `Two-factor sign-in is required of owners and admins by: ${teams.join(", ")}.`,
    });
}

type HookContext = { path?: string; headers?: Headers | null } | null | undefined;

/**
 * After better-auth changed a user: when the change turned two-factor sign-in on (the first code verified)
 * or off, one event in each of the user's teams. Never blocks the change.
 */
export async function auditTwoFactorChange(user: { id: string; email?: string | null }, ctx: HookContext) {
  const path = ctx?.path;
  const action =
    path === "/two-factor/verify-totp"
      ? "app:auth.twoFactorEnabled"
      : path === "/two-factor/disable"
        ? "app:auth.twoFactorDisabled"
        : null;
  if (!action) return;
  try {
    const teams = await db().member.findMany({ where: { userId: user.id }, select: { organizationId: true } });
    const clientIp = ctx?.headers?.get("x-forwarded-for")?.split(",")[0]?.trim() || null;
    for (const t of teams)
      await appendAuditEvent(db(), {
        teamId: t.organizationId,
        ...actorFields({
          userId: user.id,
          email: user.email ?? null,
          clientIp,
          userAgent: ctx?.headers?.get("user-agent") ?? null,
        }),
        action,
        targets: [user.id],
        outcome: "success",
      });
  } catch (err) {
    logger.error({ err }, "could not audit a two-factor change");
  }
}

/** The authenticator app's QR code for an otpauth:// URI, as an SVG document. */
export function qrCodeSvg(uri: string): Promise<string> {
  return QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 1 });
}

/** The base32 secret inside an otpauth:// URI (for typing it into an app that cannot scan). */
export function secretOfUri(uri: string): string {
  return new URL(uri).searchParams.get("secret") ?? "";
}
