"use client";
// The second step of a sign-in for a user who turned two-factor sign-in on: a code from the authenticator
// app, or one of the backup codes. better-auth holds the half-done sign-in in a short-lived cookie.
import { useState } from "react";
import { useTranslations } from "next-intl";
import { authClient } from "@/lib/auth/auth-client";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/input";

/** better-auth's refusal of a code, as one of our messages. */
function refusalKey(error: { status: number; code?: string }, backup: boolean) {
  const code = error.code ?? "";
  if (error.status === 429 || code === "TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE" || code === "ACCOUNT_TEMPORARILY_LOCKED")
    return "tooMany";
  if (code === "INVALID_TWO_FACTOR_COOKIE") return "expired";
  return backup ? "wrongBackup" : "wrong";
}

export function TwoFactorStep({ onDone }: { onDone: () => void }) {
  const t = useTranslations("auth.twoFactor");
  const [backup, setBackup] = useState(false);
  const [code, setCode] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    const value = code.replace(/\s+/g, "");
    if (!backup && !/^\d{6}$/.test(value)) return setError(t("sixDigits"));
    if (!value) return setError(t("backupRequired"));
    setPending(true);
    const res = backup
      ? await authClient.twoFactor.verifyBackupCode({ code: value })
      : await authClient.twoFactor.verifyTotp({ code: value });
    setPending(false);
    if (res.error) return setError(t(refusalKey(res.error, backup)));
    onDone();
  }

  return (
    <form noValidate onSubmit={submit} className="mt-4 space-y-4">
      <p className="text-sm text-muted-fg">{backup ? t("backupIntro") : t("intro")}</p>
      <Field id="two-factor-code" label={backup ? t("backupLabel") : t("label")} error={error ?? undefined}>
        <Input
          id="two-factor-code"
          autoFocus
          inputMode={backup ? "text" : "numeric"}
          autoComplete="one-time-code"
          value={code}
          aria-invalid={error ? true : undefined}
          onChange={(e) => setCode(e.target.value)}
        />
      </Field>
      <Button type="submit" className="w-full" disabled={pending}>
        {t("verify")}
      </Button>
      <button
        type="button"
        className="text-sm font-medium text-primary underline"
        onClick={() => {
          setBackup((b) => !b);
          setCode("");
          setError(null);
        }}
      >
        {backup ? t("useApp") : t("useBackup")}
      </button>
    </form>
  );
}
