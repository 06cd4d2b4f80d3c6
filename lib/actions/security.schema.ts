import { z } from "zod";
import { zmsg } from "@/lib/validation/messages";
import { PASSWORD_MAX } from "@/lib/validation/text";
import { teamId } from "./common.schema";

/** better-auth's own password limits (lib/auth/auth.ts): a longer one cannot be right. */
export const passwordConfirmInput = z.object({ teamId, password: z.string().min(1).max(PASSWORD_MAX) });
/** A 6-digit authenticator code (spaces as apps show them are allowed). */
export const totpCodeInput = z.object({
  teamId,
  code: z
    .string()
    .max(20)
    .transform((s) => s.replace(/\s+/g, ""))
    .pipe(
      z
        .string()
        .max(6)
        .regex(/^\d{6}$/, zmsg("auth.twoFactorWrongCode")),
    ),
});
export const requireTwoFactorInput = z.object({ teamId, required: z.boolean() });
