"use server";
// Settings → Security: one's own two-factor sign-in, and the team's "owners and admins must use it".
// Turning it on is two steps, as authenticator apps need: the password gives a secret (QR code) and
// backup codes, then the first code from the app switches it on. The audit events come from lib/auth
// (they are written however better-auth was reached).
import { headers } from "next/headers";
import { revalidatePath } from "next/cache";
import { APIError } from "better-auth/api";
import { teamAction } from "@/lib/access/team-action";
import { auth } from "@/lib/auth/auth";
import { qrCodeSvg, secretOfUri, teamsRequiringSecondFactor } from "@/lib/auth/two-factor";
import { setRequireTwoFactor } from "@/lib/teams/team.service";
import { UserFacingError } from "@/lib/server/errors";
import { msg, verbatim, type ErrorKey } from "@/lib/i18n/errors";
import { passwordConfirmInput, requireTwoFactorInput, totpCodeInput } from "./security.schema";

const REFUSALS: Record<string, { key: ErrorKey; field: string }> = {
  INVALID_PASSWORD: { key: "auth.twoFactorWrongPassword", field: "password" },
  INVALID_CODE: { key: "auth.twoFactorWrongCode", field: "code" },
  INVALID_TWO_FACTOR_AUTHENTICATION: { key: "auth.twoFactorWrongCode", field: "code" },
  TOTP_NOT_ENABLED: { key: "auth.twoFactorNotStarted", field: "code" },
  TOTP_ALREADY_ENABLED: { key: "auth.twoFactorAlreadyOn", field: "password" },
};

/** better-auth's refusal in the app's words (a wrong password or code); anything else is logged with a reference. */
async function refusal(e: unknown, userId: string): Promise<never> {
  if (!(e instanceof APIError)) throw e;
  const code = typeof e.body?.code === "string" ? e.body.code : "";
  if (code === "TWO_FACTOR_REQUIRED_BY_TEAM")
    throw new UserFacingError(
      msg("auth.twoFactorRequiredByTeam", { teams: (await teamsRequiringSecondFactor(userId)).join(", ") }),
      { code: "CONFLICT", field: "password" },
    );
  const known = REFUSALS[code];
  throw new UserFacingError(known ? msg(known.key) : verbatim(e.message), { field: known?.field ?? "form" });
}

export const startTwoFactorAction = teamAction(
  { name: "security.twoFactorStart", capability: "account.manage", input: passwordConfirmInput },
  async ({ password }, ctx) => {
    try {
      const r = await auth().api.enableTwoFactor({ body: { password }, headers: await headers() });
      if (!("totpURI" in r) || !r.totpURI) throw new Error("better-auth answered no TOTP URI");
      return {
        secret: secretOfUri(r.totpURI),
        qrSvg: await qrCodeSvg(r.totpURI),
        backupCodes: r.backupCodes ?? [],
      };
    } catch (e) {
      return refusal(e, ctx.user.id);
    }
  },
);

export const confirmTwoFactorAction = teamAction(
  { name: "security.twoFactorConfirm", capability: "account.manage", input: totpCodeInput },
  async ({ code }, ctx) => {
    try {
      await auth().api.verifyTOTP({ body: { code }, headers: await headers() });
    } catch (e) {
      return refusal(e, ctx.user.id);
    }
    revalidatePath("/settings/security");
    return { enabled: true };
  },
);

export const disableTwoFactorAction = teamAction(
  { name: "security.twoFactorDisable", capability: "account.manage", input: passwordConfirmInput },
  async ({ password }, ctx) => {
    try {
      await auth().api.disableTwoFactor({ body: { password }, headers: await headers() });
    } catch (e) {
      return refusal(e, ctx.user.id);
    }
    revalidatePath("/settings/security");
    return { enabled: false };
  },
);

export const requireTwoFactorAction = teamAction(
  { name: "teams.requireTwoFactor", capability: "team.security", input: requireTwoFactorInput },
  async ({ required }, ctx) => {
    await setRequireTwoFactor(ctx.team.teamId, ctx.actor, required, ctx.user.twoFactorEnabled === true);
    revalidatePath("/settings/security");
    return { required };
  },
);
