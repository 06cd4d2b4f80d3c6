import { z } from "zod";
import { zmsg } from "@/lib/validation/messages";
import { teamId } from "./common.schema";

/** better-auth's own password limits (lib/auth/auth.ts): a longer one cannot be right. */
export const passwordConfirmInput = z.object({ teamId, password: z.string().min(1).max(128) });
/** A 6-digit authenticator code (spaces as apps show them are allowed). */
export const totpCodeInput = z.object({
  teamId,
  code: z
    .string()
    .transform((s) => s.replace(/\s+/g, ""))
    .pipe(z.string().regex(/^\d{6}$/, zmsg("auth.twoFactorWrongCode"))),
});
export const requireTwoFactorInput = z.object({ teamId, required: z.boolean() });
