"use client";
import { useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { useFormatter, useTranslations } from "next-intl";
import { toast } from "sonner";
import {
  changeMemberRoleAction,
  inviteMemberAction,
  removeMemberAction,
  revokeInvitationAction,
} from "@/lib/actions/teams.actions";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { CopyButton, CopyId } from "@/components/ui/copy-id";
import { Field, Input, Select } from "@/components/ui/input";
import { ConfirmButton } from "@/components/teams/confirm-button";
import { revokeMemberSessionsAction } from "@/lib/actions/sessions.actions";
import type { ActionResult } from "@/lib/server/errors";

type Member = { id: string; role: string; name: string; email: string; createdAt: string; isMe: boolean };
type Invitation = { id: string; email: string; role: string; url: string; expiresAt: string };

type Settle = (res: ActionResult<{ email: string }>, done: "removed" | "revoked") => string | null;
type Transition = {
  pending: boolean;
  startTransition: ReturnType<typeof useTransition>[1];
};

export function TeamView({
  teamId,
  teamName,
  canManage,
  canRevokeSessions = false,
  members,
  invitations,
}: {
  teamId: string;
  teamName: string;
  canManage: boolean;
  /** The owner may sign a member out everywhere. */
  canRevokeSessions?: boolean;
  members: Member[];
  invitations: Invitation[];
}) {
  const t = useTranslations("settings.team");
  const tm = useTranslations("teams.members");
  const router = useRouter();
  // One transition for the page: a pending role change disables the invite button, and the reverse.
  const [pending, startTransition] = useTransition();
  const transition = { pending, startTransition };
  /** After a confirmed removal or revocation: the server's refusal to show in the dialog, or a toast and fresh rows. */
  const settled: Settle = (res, done) => {
    if (!res.ok) return res.error;
    toast.success(tm(done, { email: res.data.email }));
    router.refresh();
    return null;
  };

  return (
    <div className="grid gap-6 lg:grid-cols-[1fr_360px]">
      {/* min-w-0 and the scroller: on a phone the table scrolls inside its card, the page never sideways
          (relative: the header's sr-only label is positioned, and would escape a static scroller). */}
      <Card className="min-w-0">
        <h2 className="mb-3 font-semibold">{t("members")}</h2>
        <div className="relative overflow-x-auto">
          <table className="w-full text-sm [&_td]:pr-3 [&_th]:pr-3">
            <thead className="text-left text-muted-fg">
              <tr>
                <th className="py-1">{t("inviteEmail")}</th>
                <th>{t("role")}</th>
                <th>{t("joined")}</th>
                {canManage && (
                  <th>
                    <span className="sr-only">{tm("actions")}</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {members.map((m) => (
                <MemberRow
                  key={m.id}
                  m={m}
                  teamId={teamId}
                  teamName={teamName}
                  canManage={canManage}
                  canRevokeSessions={canRevokeSessions}
                  transition={transition}
                  settled={settled}
                />
              ))}
            </tbody>
          </table>
        </div>
        {canManage && invitations.length > 0 && (
          <PendingInvitations teamId={teamId} invitations={invitations} settled={settled} />
        )}
      </Card>
      {canManage && <InviteCard teamId={teamId} transition={transition} />}
    </div>
  );
}

function MemberRow({
  m,
  teamId,
  teamName,
  canManage,
  canRevokeSessions,
  transition: { pending, startTransition },
  settled,
}: {
  m: Member;
  teamId: string;
  teamName: string;
  canManage: boolean;
  canRevokeSessions: boolean;
  transition: Transition;
  settled: Settle;
}) {
  const tm = useTranslations("teams.members");
  const t = useTranslations("settings.team");
  const roles = useTranslations("common.roles");
  const router = useRouter();
  const format = useFormatter();
  return (
    <tr className="border-t border-border">
      <td className="py-2">
        {m.name} <span className="text-muted-fg">{m.email}</span>
        {m.isMe && <span className="text-muted-fg"> ({tm("you")})</span>}
      </td>
      <td>
        {/* Your own role is changed by another admin or the owner (the server refuses it too). */}
        {canManage && m.role !== "owner" && !m.isMe ? (
          // Keyed by the role: after a refused change the select shows the stored role again.
          <Select
            key={m.role}
            aria-label={`${t("role")}: ${m.email}`}
            className="h-8 w-32"
            defaultValue={m.role}
            disabled={pending}
            onChange={(e) => {
              const role = e.target.value as "admin" | "operator" | "viewer";
              startTransition(async () => {
                const res = await changeMemberRoleAction({ teamId, memberId: m.id, role });
                if (!res.ok) toast.error(res.error);
                else toast.success(tm("roleChanged", { email: m.email, role: roles(role) }));
                router.refresh();
              });
            }}
          >
            {(["admin", "operator", "viewer"] as const).map((r) => (
              <option key={r} value={r}>
                {roles(r)}
              </option>
            ))}
          </Select>
        ) : (
          roles(m.role as "owner")
        )}
      </td>
      <td title={m.createdAt}>{format.relativeTime(new Date(m.createdAt))}</td>
      {canManage && (
        <td className="text-right">
          {/* The owner is never removed, and leaving is "Leave team"; the server checks both again. */}
          {m.role !== "owner" && !m.isMe && (
            <ConfirmButton
              trigger={tm("remove")}
              triggerLabel={tm("removeLabel", { email: m.email })}
              title={tm("removeTitle", { email: m.email })}
              body={tm("removeBody", { team: teamName })}
              confirm={tm("removeConfirm")}
              onConfirm={async () => settled(await removeMemberAction({ teamId, memberId: m.id }), "removed")}
            />
          )}
          {canRevokeSessions && !m.isMe && <RevokeMemberSessions teamId={teamId} m={m} />}
        </td>
      )}
    </tr>
  );
}

/** The owner signs a member out everywhere; they stay a member (the server checks and audits it). */
function RevokeMemberSessions({ teamId, m }: { teamId: string; m: Member }) {
  const t = useTranslations("sessions.member");
  return (
    <ConfirmButton
      trigger={t("revoke")}
      triggerLabel={t("revokeLabel", { email: m.email })}
      title={t("revokeTitle", { email: m.email })}
      body={t("revokeBody")}
      confirm={t("revokeConfirm")}
      onConfirm={async () => {
        const res = await revokeMemberSessionsAction({ teamId, memberId: m.id });
        if (!res.ok) return res.error;
        toast.success(t("revoked", { email: m.email, count: res.data.revoked }));
        return null;
      }}
    />
  );
}

function PendingInvitations({
  teamId,
  invitations,
  settled,
}: {
  teamId: string;
  invitations: Invitation[];
  settled: Settle;
}) {
  const t = useTranslations("settings.team");
  const tm = useTranslations("teams.members");
  const roles = useTranslations("common.roles");
  const format = useFormatter();
  return (
    <>
      <h3 className="mb-2 mt-6 font-medium">{t("pending")}</h3>
      <ul className="space-y-2 text-sm" data-testid="pending-invitations">
        {invitations.map((i) => (
          <li key={i.id} className="flex items-start justify-between gap-3 border-t border-border pt-2">
            <div className="min-w-0">
              <p>
                {i.email} · {roles(i.role as "viewer")} ·{" "}
                <span className="text-muted-fg" title={i.expiresAt}>
                  {tm("expires", { when: format.relativeTime(new Date(i.expiresAt)) })}
                </span>
              </p>
              <p className="break-all">
                <CopyId value={i.url} label={tm("copyLink")} />
              </p>
            </div>
            <ConfirmButton
              trigger={tm("revoke")}
              triggerLabel={tm("revokeLabel", { email: i.email })}
              title={tm("revokeTitle", { email: i.email })}
              body={tm("revokeBody")}
              confirm={tm("revokeConfirm")}
              onConfirm={async () => settled(await revokeInvitationAction({ teamId, invitationId: i.id }), "revoked")}
            />
          </li>
        ))}
      </ul>
    </>
  );
}

/** The invitation form, then the invitation link to copy. */
function InviteCard({ teamId, transition: { pending, startTransition } }: { teamId: string; transition: Transition }) {
  const t = useTranslations("settings.team");
  const tm = useTranslations("teams.members");
  const roles = useTranslations("common.roles");
  const router = useRouter();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState("operator");
  const [error, setError] = useState<string>();
  const [link, setLink] = useState<{ url: string; email: string }>();
  return (
    <Card>
      <h2 className="mb-3 font-semibold">{t("invite")}</h2>
      <form
        noValidate
        className="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          startTransition(async () => {
            const res = await inviteMemberAction({ teamId, email, role });
            if (!res.ok) {
              setError(res.error);
              return;
            }
            setError(undefined);
            setLink({ url: res.data.url, email: res.data.email });
            setEmail("");
            router.refresh();
          });
        }}
      >
        <Field id="invite-email" label={t("inviteEmail")} error={error}>
          <Input
            id="invite-email"
            type="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            aria-invalid={error ? true : undefined}
          />
        </Field>
        <Field id="invite-role" label={t("inviteRole")}>
          <Select id="invite-role" value={role} onChange={(e) => setRole(e.target.value)}>
            {(["admin", "operator", "viewer"] as const).map((r) => (
              <option key={r} value={r}>
                {roles(r)}
              </option>
            ))}
          </Select>
        </Field>
        <Button type="submit" disabled={pending}>
          {t("sendInvite")}
        </Button>
      </form>
      {link && (
        <div className="mt-4 space-y-1 text-sm" role="status">
          <p>{t("inviteLink", { email: link.email })}</p>
          <div className="flex items-center gap-1">
            <Input
              readOnly
              value={link.url}
              aria-label={tm("inviteLink")}
              data-testid="invite-link"
              onFocus={(e) => e.currentTarget.select()}
            />
            <CopyButton value={link.url} label={tm("copyLink")} />
          </div>
        </div>
      )}
    </Card>
  );
}
