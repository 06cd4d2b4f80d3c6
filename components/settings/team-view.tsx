"use client";
import { useState, useTransition } from "react";
import { useFormatter, useTranslations } from "next-intl";
import { toast } from "sonner";
import { changeMemberRoleAction, inviteMemberAction } from "@/lib/teams/team.actions";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field, Input, Select } from "@/components/ui/input";

type Member = { id: string; role: string; name: string; email: string; createdAt: string };
type Invitation = { id: string; email: string; role: string };

export function TeamView({ teamId, canManage, members, invitations }: { teamId: string; canManage: boolean; members: Member[]; invitations: Invitation[] }) {
  const t = useTranslations("settings.team");
  const roles = useTranslations("common.roles");
  const format = useFormatter();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState("operator");
  const [error, setError] = useState<string>();
  const [link, setLink] = useState<{ url: string; email: string }>();
  const [pending, startTransition] = useTransition();
  const inviteUrl = (id: string) => `${window.location.origin}/invite/${id}`;

  return (
    <div className="grid gap-6 lg:grid-cols-[1fr_360px]">
      <Card>
        <h2 className="mb-3 font-semibold">{t("members")}</h2>
        <table className="w-full text-sm">
          <thead className="text-left text-muted-fg">
            <tr><th className="py-1">{t("inviteEmail")}</th><th>{t("role")}</th><th>{t("joined")}</th></tr>
          </thead>
          <tbody>
            {members.map((m) => (
              <tr key={m.id} className="border-t border-border">
                <td className="py-2">{m.name} <span className="text-muted-fg">{m.email}</span></td>
                <td>
                  {canManage && m.role !== "owner" ? (
                    <Select aria-label={`${t("role")}: ${m.email}`} className="h-8 w-32" defaultValue={m.role} disabled={pending}
                      onChange={(e) => startTransition(async () => {
                        const res = await changeMemberRoleAction({ teamId, memberId: m.id, role: e.target.value });
                        if (!res.ok) toast.error(res.error);
                      })}>
                      {(["admin", "operator", "viewer"] as const).map((r) => <option key={r} value={r}>{roles(r)}</option>)}
                    </Select>
                  ) : roles(m.role as "owner")}
                </td>
                <td title={m.createdAt}>{format.relativeTime(new Date(m.createdAt))}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {canManage && invitations.length > 0 && (
          <>
            <h3 className="mb-2 mt-6 font-medium">{t("pending")}</h3>
            <ul className="space-y-1 text-sm">
              {invitations.map((i) => <li key={i.id}>{i.email} · {roles(i.role as "viewer")} · <span className="font-mono text-xs">/invite/{i.id}</span></li>)}
            </ul>
          </>
        )}
      </Card>
      {canManage && (
        <Card>
          <h2 className="mb-3 font-semibold">{t("invite")}</h2>
          <form noValidate className="space-y-3" onSubmit={(e) => {
            e.preventDefault();
            startTransition(async () => {
              const res = await inviteMemberAction({ teamId, email, role });
              if (!res.ok) { setError(res.error); return; }
              setError(undefined);
              setLink({ url: inviteUrl(res.data.id), email: res.data.email });
              setEmail("");
            });
          }}>
            <Field id="invite-email" label={t("inviteEmail")} error={error}>
              <Input id="invite-email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} aria-invalid={error ? true : undefined} />
            </Field>
            <Field id="invite-role" label={t("inviteRole")}>
              <Select id="invite-role" value={role} onChange={(e) => setRole(e.target.value)}>
                {(["admin", "operator", "viewer"] as const).map((r) => <option key={r} value={r}>{roles(r)}</option>)}
              </Select>
            </Field>
            <Button type="submit" disabled={pending}>{t("sendInvite")}</Button>
          </form>
          {link && (
            <div className="mt-4 space-y-1 text-sm" role="status">
              <p>{t("inviteLink", { email: link.email })}</p>
              <Input readOnly value={link.url} aria-label="Invitation link" data-testid="invite-link" onFocus={(e) => e.currentTarget.select()} />
            </div>
          )}
        </Card>
      )}
    </div>
  );
}
