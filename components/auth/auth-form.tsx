"use client";
import { useState } from "react";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useTranslations } from "next-intl";
import { z } from "zod";
import { authClient } from "@/lib/auth/auth-client";
import { OIDC_PROVIDER_ID } from "@/lib/auth/oidc";
import { EMAIL_MAX, PASSWORD_MAX, PERSON_NAME_MAX, textProblem } from "@/lib/validation/text";
import { safeNextPath } from "@/lib/validation/next-path";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/input";
import { Card } from "@/components/ui/card";
import { InvitationNote, type InvitationNoteData } from "@/components/teams/invitation-note";
import { TwoFactorStep } from "./two-factor-step";

type Mode = "sign-in" | "sign-up";
type Errors = Partial<Record<"name" | "email" | "password" | "form", string>>;
type Values = { name: string; email: string; password: string };
type T = ReturnType<typeof useTranslations<"auth">>;

/** Checked before the request, so most mistakes show at once without a round trip. */
function validate(mode: Mode, values: Values, t: T): Errors {
  const e: Errors = {};
  if (mode === "sign-up" && !values.name.trim()) e.name = t("errors.nameRequired");
  else if (mode === "sign-up" && values.name.trim().length > PERSON_NAME_MAX)
    e.name = t("errors.nameTooLong", { max: PERSON_NAME_MAX });
  else if (mode === "sign-up" && textProblem(values.name.trim())) e.name = t("errors.nameInvalid");
  if (!values.email.trim()) e.email = t("errors.emailRequired");
  else if (values.email.trim().length > EMAIL_MAX) e.email = t("errors.emailTooLong", { max: EMAIL_MAX });
  else if (!z.email().safeParse(values.email.trim()).success) e.email = t("errors.emailInvalid");
  if (mode === "sign-up" && values.password.length < 10) e.password = t("errors.passwordShort");
  if (mode === "sign-in" && !values.password) e.password = t("errors.passwordShort");
  return e;
}

/** The auth server's refusal, in our words. */
function serverMessage(error: { code?: string; status: number }, t: T): string {
  const code = error.code ?? "";
  const status = error.status;
  return status === 429
    ? t("errors.tooMany")
    : status === 413
      ? t("errors.tooLarge")
      : code === "INVALID_EMAIL_OR_PASSWORD"
        ? t("errors.wrongPassword")
        : code.startsWith("USER_ALREADY_EXISTS")
          ? t("errors.emailTaken")
          : code === "PASSWORD_TOO_SHORT"
            ? t("errors.passwordShort")
            : code === "PASSWORD_TOO_LONG"
              ? t("errors.passwordLong", { max: PASSWORD_MAX })
              : code === "INVALID_EMAIL"
                ? t("errors.emailInvalid")
                : code === "INVALID_NAME"
                  ? t("errors.nameInvalid")
                  : code === "NAME_TOO_LONG"
                    ? t("errors.nameTooLong", { max: PERSON_NAME_MAX })
                    : code === "EMAIL_TOO_LONG"
                      ? t("errors.emailTooLong", { max: EMAIL_MAX })
                      : t("errors.generic");
}

/** `invitation`: the one the `next` link leads to, if any; its address fills the email field. */
/** `sso`: the OpenID Connect provider's name when single sign-on is configured (sign-in page only). */
export function AuthForm({
  mode,
  invitation,
  sso,
}: {
  mode: Mode;
  invitation?: InvitationNoteData | null;
  sso?: { name: string } | null;
}) {
  const t = useTranslations("auth");
  const router = useRouter();
  const next = useSearchParams().get("next");
  const [values, setValues] = useState({ name: "", email: invitation?.email ?? "", password: "" });
  const [errors, setErrors] = useState<Errors>({});
  const [pending, setPending] = useState(false);
  const [secondFactor, setSecondFactor] = useState(false);
  const done = () => {
    router.replace(safeNextPath(next));
    router.refresh();
  };

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    const found = validate(mode, values, t);
    setErrors(found);
    if (Object.keys(found).length) return;
    setPending(true);
    const email = values.email.trim();
    const res =
      mode === "sign-up"
        ? await authClient.signUp.email({ name: values.name.trim(), email, password: values.password })
        : await authClient.signIn.email({ email, password: values.password });
    setPending(false);
    if (res.error) {
      setErrors({ form: serverMessage(res.error, t) });
      return;
    }
    // Two-factor sign-in: the password was right, a code from the app comes next.
    if (res.data && "twoFactorRedirect" in res.data && res.data.twoFactorRedirect) {
      setSecondFactor(true);
      return;
    }
    done();
  }

  const field = (name: "name" | "email" | "password") => ({
    id: name,
    name,
    value: values[name],
    "aria-invalid": errors[name] ? true : undefined,
    "aria-describedby": errors[name] ? `${name}-error` : undefined,
    onChange: (e: React.ChangeEvent<HTMLInputElement>) => setValues((v) => ({ ...v, [name]: e.target.value })),
  });

  return (
    <Card className="w-full max-w-sm">
      <h1 className="mb-1 text-xl font-semibold">{mode === "sign-in" ? t("signInTitle") : t("signUpTitle")}</h1>
      {invitation && <InvitationFor mode={mode} invitation={invitation} />}
      {secondFactor ? (
        <TwoFactorStep onDone={done} />
      ) : (
        <form noValidate onSubmit={submit} className="mt-4 space-y-4">
          {mode === "sign-up" && (
            <Field id="name" label={t("name")} error={errors.name}>
              <Input autoComplete="name" {...field("name")} />
            </Field>
          )}
          <Field id="email" label={t("email")} error={errors.email}>
            <Input type="email" autoComplete="email" {...field("email")} />
          </Field>
          <Field
            id="password"
            label={t("password")}
            hint={mode === "sign-up" ? t("passwordHint") : undefined}
            error={errors.password}
          >
            <Input
              type="password"
              autoComplete={mode === "sign-up" ? "new-password" : "current-password"}
              {...field("password")}
            />
          </Field>
          {errors.form && (
            <p role="alert" className="rounded-md bg-danger/10 p-2 text-sm text-danger">
              {errors.form}
            </p>
          )}
          <Button type="submit" className="w-full" disabled={pending}>
            {mode === "sign-in" ? t("signIn") : t("signUp")}
          </Button>
        </form>
      )}
      {sso && !secondFactor && <SingleSignOn name={sso.name} next={next} />}
      <OtherModeLink mode={mode} next={next} />
    </Card>
  );
}

/** "No account yet? Sign up" (or the other way round), keeping where to go afterwards. */
function OtherModeLink({ mode, next }: { mode: Mode; next: string | null }) {
  const t = useTranslations("auth");
  return (
    <p className="mt-4 text-sm text-muted-fg">
      {mode === "sign-in" ? t("noAccount") : t("haveAccount")}{" "}
      <Link
        className="font-medium text-primary underline"
        href={`${mode === "sign-in" ? "/sign-up" : "/sign-in"}${next ? `?next=${encodeURIComponent(next)}` : ""}`}
      >
        {mode === "sign-in" ? t("signUp") : t("signIn")}
      </Link>
    </p>
  );
}

/** "Sign in with <provider>": off to the OpenID Connect provider and back; a refusal comes back as ?sso=failed. */
function SingleSignOn({ name, next }: { name: string; next: string | null }) {
  const t = useTranslations("auth");
  const failed = useSearchParams().get("sso") === "failed";
  const [pending, setPending] = useState(false);
  async function start() {
    setPending(true);
    const back = next ? `?next=${encodeURIComponent(next)}&sso=failed` : "?sso=failed";
    const res = await authClient.signIn.social({
      provider: OIDC_PROVIDER_ID,
      callbackURL: safeNextPath(next),
      errorCallbackURL: `/sign-in${back}`,
    });
    if (res.error) setPending(false);
  }
  return (
    <div className="mt-4 space-y-2 border-t border-border pt-4">
      {failed && (
        <p role="alert" className="rounded-md bg-danger/10 p-2 text-sm text-danger">
          {t("ssoFailed", { name })}
        </p>
      )}
      <Button variant="secondary" className="w-full" disabled={pending} onClick={start}>
        {t("ssoSignIn", { name })}
      </Button>
    </div>
  );
}

/** Arriving from an invitation link: which team and role it is for, and the address to use. */
function InvitationFor({ mode, invitation }: { mode: Mode; invitation: InvitationNoteData }) {
  const ti = useTranslations("teams.invitation");
  return (
    <div className="mt-3">
      <InvitationNote invitation={invitation}>
        <p>
          {mode === "sign-in"
            ? ti("signInAs", { email: invitation.email })
            : ti("signUpAs", { email: invitation.email })}
        </p>
      </InvitationNote>
    </div>
  );
}
