"use client";
// Settings → Security: turn two-factor sign-in on (password → QR code, secret and backup codes → the first
// code from the app) or off, and — for owners and admins — require it of the team's owners and admins.
import { useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { toast } from "sonner";
import {
  confirmTwoFactorAction,
  disableTwoFactorAction,
  requireTwoFactorAction,
  startTwoFactorAction,
} from "@/lib/actions/security.actions";
import { Button } from "@/components/ui/button";
import { Badge, Card } from "@/components/ui/card";
import { Field, Input } from "@/components/ui/input";
import { CopyButton } from "@/components/ui/copy-id";

type Setup = { secret: string; qrSvg: string; backupCodes: string[] };
type Errors = Partial<Record<"password" | "code" | "form", string>>;

function errorsOf(r: { error: string; fieldErrors?: Record<string, string> }, fallback: keyof Errors): Errors {
  const f = r.fieldErrors ?? {};
  return Object.keys(f).length ? f : { [fallback]: r.error };
}

export function SecurityView({
  teamId,
  enabled,
  teamName,
  teamRequires,
  canSetTeam,
}: {
  teamId: string;
  enabled: boolean;
  teamName: string;
  teamRequires: boolean;
  canSetTeam: boolean;
}) {
  const t = useTranslations("settings.security");
  return (
    <div className="grid max-w-3xl gap-6">
      {teamRequires && !enabled && canSetTeam && (
        <p role="alert" className="rounded-md bg-warning/15 p-3 text-sm">
          {t("requiredNotice", { team: teamName })}
        </p>
      )}
      <Card>
        <div className="mb-3 flex items-center gap-3">
          <h2 className="text-lg font-semibold">{t("twoFactorTitle")}</h2>
          <Badge tone={enabled ? "success" : "neutral"} data-testid="two-factor-status">
            {enabled ? t("on") : t("off")}
          </Badge>
        </div>
        <p className="mb-4 text-sm text-muted-fg">{t("twoFactorIntro")}</p>
        {enabled ? <TurnOff teamId={teamId} /> : <TurnOn teamId={teamId} />}
      </Card>
      {canSetTeam && <TeamRequirement teamId={teamId} teamName={teamName} required={teamRequires} />}
    </div>
  );
}

function TurnOn({ teamId }: { teamId: string }) {
  const t = useTranslations("settings.security");
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const [setup, setSetup] = useState<Setup | null>(null);
  const [errors, setErrors] = useState<Errors>({});

  const start = (e: React.FormEvent) => {
    e.preventDefault();
    startTransition(async () => {
      const r = await startTwoFactorAction({ teamId, password });
      if (!r.ok) return setErrors(errorsOf(r, "password"));
      setErrors({});
      setPassword("");
      setSetup(r.data);
    });
  };
  const confirm = (e: React.FormEvent) => {
    e.preventDefault();
    startTransition(async () => {
      const r = await confirmTwoFactorAction({ teamId, code });
      if (!r.ok) return setErrors(errorsOf(r, "code"));
      toast.success(t("turnedOn"));
      router.refresh();
    });
  };

  if (!setup)
    return (
      <form onSubmit={start} noValidate className="max-w-sm space-y-3">
        <Field id="tf-password" label={t("password")} hint={t("passwordHint")} error={errors.password}>
          <Input
            id="tf-password"
            type="password"
            autoComplete="current-password"
            value={password}
            aria-invalid={errors.password ? true : undefined}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
        <Button type="submit" disabled={pending || !password}>
          {t("setUp")}
        </Button>
      </form>
    );
  return (
    <form onSubmit={confirm} noValidate className="space-y-4">
      <ol className="list-decimal space-y-4 pl-5 text-sm">
        <li>
          <p className="mb-2">{t("scan")}</p>
          {/* The SVG is made on the server by the qrcode package from our own otpauth:// URI. */}
          <div
            className="w-44 rounded bg-white p-2"
            role="img"
            aria-label={t("qrLabel")}
            dangerouslySetInnerHTML={{ __html: setup.qrSvg }}
          />
          <p className="mt-2">
            {t("orType")}{" "}
            <code data-testid="totp-secret" className="break-all rounded bg-muted px-1">
              {setup.secret}
            </code>{" "}
            <CopyButton value={setup.secret} label={t("copySecret")} />
          </p>
        </li>
        <li>
          <p className="mb-2">{t("backupCodesIntro")}</p>
          <ul data-testid="backup-codes" className="grid max-w-sm grid-cols-2 gap-1 font-mono">
            {setup.backupCodes.map((c) => (
              <li key={c}>{c}</li>
            ))}
          </ul>
          <CopyButton value={setup.backupCodes.join("\n")} label={t("copyBackupCodes")} />
        </li>
        <li className="max-w-sm">
          <Field id="tf-code" label={t("code")} hint={t("codeHint")} error={errors.code}>
            <Input
              id="tf-code"
              inputMode="numeric"
              autoComplete="one-time-code"
              value={code}
              aria-invalid={errors.code ? true : undefined}
              onChange={(e) => setCode(e.target.value)}
            />
          </Field>
        </li>
      </ol>
      <Button type="submit" disabled={pending || !code.trim()}>
        {t("turnOn")}
      </Button>
    </form>
  );
}

function TurnOff({ teamId }: { teamId: string }) {
  const t = useTranslations("settings.security");
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<Errors>({});
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    startTransition(async () => {
      const r = await disableTwoFactorAction({ teamId, password });
      if (!r.ok) return setErrors(errorsOf(r, "password"));
      toast.success(t("turnedOff"));
      router.refresh();
    });
  };
  return (
    <form onSubmit={submit} noValidate className="max-w-sm space-y-3">
      <Field id="tf-off-password" label={t("password")} error={errors.password}>
        <Input
          id="tf-off-password"
          type="password"
          autoComplete="current-password"
          value={password}
          aria-invalid={errors.password ? true : undefined}
          onChange={(e) => setPassword(e.target.value)}
        />
      </Field>
      <Button type="submit" variant="danger" disabled={pending || !password}>
        {t("turnOff")}
      </Button>
    </form>
  );
}

function TeamRequirement({ teamId, teamName, required }: { teamId: string; teamName: string; required: boolean }) {
  const t = useTranslations("settings.security");
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const toggle = (next: boolean) =>
    startTransition(async () => {
      const r = await requireTwoFactorAction({ teamId, required: next });
      if (!r.ok) return setError(r.error);
      setError(null);
      toast.success(next ? t("teamRequired") : t("teamNotRequired"));
      router.refresh();
    });
  return (
    <Card>
      <h2 className="mb-2 text-lg font-semibold">{t("teamTitle", { team: teamName })}</h2>
      <label className="flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          checked={required}
          disabled={pending}
          onChange={(e) => toggle(e.target.checked)}
          aria-describedby="team-2fa-hint"
        />
        {t("teamRequire")}
      </label>
      <p id="team-2fa-hint" className="mt-1 text-xs text-muted-fg">
        {t("teamRequireHint")}
      </p>
      {error && (
        <p role="alert" className="mt-2 text-sm text-danger">
          {error}
        </p>
      )}
    </Card>
  );
}
