"use client";
// Settings → API tokens: make one (its value shown once, with a copy button), list them with their
// last use, revoke one (asks first).
import { useState, useTransition } from "react";
import { useTranslations } from "next-intl";
import { toast } from "sonner";
import type { ApiTokenDto } from "@/lib/auth/api-tokens";
import type { Role } from "@/lib/auth/permissions";
import { createApiTokenAction, revokeApiTokenAction } from "@/lib/actions/api-tokens.actions";
import { Button } from "@/components/ui/button";
import { Badge, Card } from "@/components/ui/card";
import { Field, Input, Select } from "@/components/ui/input";
import { CopyButton } from "@/components/ui/copy-id";
import { ConfirmButton } from "@/components/teams/confirm-button";
import { RelativeTime } from "@/components/deploy/status";

type Props = {
  teamId: string;
  userId: string;
  tokens: ApiTokenDto[];
  roles: Role[];
  canRevokeAll: boolean;
  apiBase: string;
};

export function ApiTokensView({ teamId, userId, tokens, roles, canRevokeAll, apiBase }: Props) {
  const t = useTranslations("settings.apiTokens");
  const [made, setMade] = useState<{ name: string; token: string } | null>(null);
  return (
    <div className="grid gap-6 lg:grid-cols-[1fr_380px]">
      <section aria-labelledby="tokens-heading" className="space-y-3">
        <h2 id="tokens-heading" className="sr-only">
          {t("title")}
        </h2>
        {made && <NewTokenCard made={made} apiBase={apiBase} onDone={() => setMade(null)} />}
        {tokens.length === 0 ? (
          <Card className="text-sm text-muted-fg">{t("empty")}</Card>
        ) : (
          <TokenTable tokens={tokens} teamId={teamId} userId={userId} canRevokeAll={canRevokeAll} />
        )}
      </section>
      <CreateTokenCard teamId={teamId} roles={roles} onMade={setMade} />
    </div>
  );
}

function NewTokenCard({
  made,
  apiBase,
  onDone,
}: {
  made: { name: string; token: string };
  apiBase: string;
  onDone: () => void;
}) {
  const t = useTranslations("settings.apiTokens");
  return (
    <Card className="space-y-2 border-primary" data-testid="new-token">
      <p className="font-medium">{t("madeTitle", { name: made.name })}</p>
      <p className="text-sm text-muted-fg">{t("madeOnce")}</p>
      <div className="flex items-center gap-2 rounded-md bg-muted p-2">
        <code className="break-all font-mono text-xs" data-testid="new-token-value">
          {made.token}
        </code>
        <CopyButton value={made.token} label={t("copy")} />
      </div>
      <p className="text-xs text-muted-fg">{t("curlHint")}</p>
      <pre className="overflow-x-auto rounded-md bg-muted p-2 font-mono text-xs">
        {`curl -H "Authorization: Bearer $EIPILOT_TOKEN" ${apiBase}/deployments`}
      </pre>
      <Button variant="secondary" size="sm" onClick={onDone}>
        {t("done")}
      </Button>
    </Card>
  );
}

function CreateTokenCard({
  teamId,
  roles,
  onMade,
}: {
  teamId: string;
  roles: Role[];
  onMade: (m: { name: string; token: string }) => void;
}) {
  const t = useTranslations("settings.apiTokens");
  const tr = useTranslations("common.roles");
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>(roles.includes("operator") ? "operator" : roles[roles.length - 1]!);
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const submit = () =>
    start(async () => {
      const r = await createApiTokenAction({ teamId, name, role });
      if (!r.ok) {
        setError(r.fieldErrors?.name ?? r.error);
        return;
      }
      setError(null);
      setName("");
      onMade({ name: r.data.name, token: r.data.token });
      toast.success(t("madeToast", { name: r.data.name }));
    });
  return (
    <Card className="space-y-3">
      <h2 className="font-semibold">{t("create")}</h2>
      <Field id="token-name" label={t("name")} hint={t("nameHint")} error={error ?? undefined}>
        <Input
          id="token-name"
          value={name}
          maxLength={100}
          aria-invalid={!!error}
          onChange={(e) => setName(e.target.value)}
        />
      </Field>
      <Field id="token-role" label={t("role")} hint={t("roleHint")}>
        <Select id="token-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {roles.map((r) => (
            <option key={r} value={r}>
              {tr(r)}
            </option>
          ))}
        </Select>
      </Field>
      <Button onClick={submit} disabled={pending || name.trim() === ""}>
        {t("createButton")}
      </Button>
    </Card>
  );
}

function TokenTable({
  tokens,
  teamId,
  userId,
  canRevokeAll,
}: {
  tokens: ApiTokenDto[];
  teamId: string;
  userId: string;
  canRevokeAll: boolean;
}) {
  const t = useTranslations("settings.apiTokens");
  const tr = useTranslations("common.roles");
  return (
    <Card className="overflow-x-auto p-0">
      <table className="w-full text-sm">
        <thead className="text-left text-xs text-muted-fg">
          <tr>
            {["name", "role", "createdBy", "created", "lastUsed", "state"].map((h) => (
              <th key={h} className="px-3 py-2 font-medium">
                {t(`columns.${h}`)}
              </th>
            ))}
            <th className="px-3 py-2">
              <span className="sr-only">{t("columns.actions")}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {tokens.map((k) => (
            <tr key={k.id} className="border-t border-border" data-testid={`token-${k.name}`}>
              <td className="px-3 py-2">
                <div className="font-medium">{k.name}</div>
                <div className="font-mono text-xs text-muted-fg">{k.prefix}…</div>
              </td>
              <td className="px-3 py-2">{tr(k.role)}</td>
              <td className="px-3 py-2">{k.createdByEmail ?? "—"}</td>
              <td className="px-3 py-2">
                <RelativeTime iso={k.createdAt} />
              </td>
              <td className="px-3 py-2">{k.lastUsedAt ? <RelativeTime iso={k.lastUsedAt} /> : t("never")}</td>
              <td className="px-3 py-2">
                {k.revokedAt ? (
                  <Badge tone="danger">{t("revoked")}</Badge>
                ) : (
                  <Badge tone="success">{t("active")}</Badge>
                )}
              </td>
              <td className="px-3 py-2 text-right">
                {!k.revokedAt && (canRevokeAll || k.createdById === userId) && (
                  <ConfirmButton
                    trigger={t("revoke")}
                    triggerLabel={t("revokeNamed", { name: k.name })}
                    triggerVariant="danger"
                    title={t("revokeTitle", { name: k.name })}
                    body={t("revokeBody")}
                    confirm={t("revoke")}
                    onConfirm={async () => {
                      const r = await revokeApiTokenAction({ teamId, id: k.id });
                      return r.ok ? null : r.error;
                    }}
                  />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}
