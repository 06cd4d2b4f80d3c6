"use client";
// Owner-only team operations. The server checks the role again (team.transfer /
// team.delete) and the typed name; this only keeps the buttons honest.
import { useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { toast } from "sonner";
import { deleteTeamAction, transferOwnershipAction } from "@/lib/actions/teams.actions";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field, Input, Select } from "@/components/ui/input";
import { ConfirmButton } from "./confirm-button";

export function OwnerZone({
  teamId,
  teamName,
  members,
}: {
  teamId: string;
  teamName: string;
  members: { id: string; email: string }[];
}) {
  const t = useTranslations("teams.owner");
  const router = useRouter();
  const [to, setTo] = useState(members[0]?.id ?? "");
  const toEmail = members.find((m) => m.id === to)?.email ?? "";
  const [confirm, setConfirm] = useState("");
  const [pending, start] = useTransition();
  return (
    <Card className="border-danger/40 lg:col-span-2">
      <h2 className="mb-3 font-semibold">{t("title")}</h2>
      <div className="grid gap-6 md:grid-cols-2">
        {members.length > 0 && (
          <div className="space-y-2">
            <h3 className="font-medium">{t("transfer")}</h3>
            <p className="text-xs text-muted-fg">{t("transferHint")}</p>
            <Field id="owner-to" label={t("to")}>
              <Select id="owner-to" value={to} onChange={(e) => setTo(e.target.value)}>
                {members.map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.email}
                  </option>
                ))}
              </Select>
            </Field>
            {/* Irreversible for the one who clicks (only the new owner can hand it back): asked first. */}
            <ConfirmButton
              trigger={t("transferButton")}
              title={t("transferTitle", { email: toEmail })}
              body={t("transferBody", { email: toEmail })}
              confirm={t("transferConfirm")}
              onConfirm={async () => {
                const r = await transferOwnershipAction({ teamId, memberId: to });
                if (!r.ok) return r.error;
                toast.success(t("transferred"));
                router.refresh();
                return null;
              }}
            />
          </div>
        )}
        <form
          className="space-y-2"
          onSubmit={(e) => {
            e.preventDefault();
            start(async () => {
              const r = await deleteTeamAction({ teamId, confirmName: confirm });
              if (!r.ok) return void toast.error(r.error);
              toast.success(t("deleted", { team: teamName }));
              router.replace("/");
              router.refresh();
            });
          }}
        >
          <h3 className="font-medium">{t("delete")}</h3>
          <p className="text-xs text-muted-fg">{t("deleteHint")}</p>
          <Field id="owner-confirm" label={t("confirm")}>
            <Input
              id="owner-confirm"
              value={confirm}
              onChange={(e) => setConfirm(e.target.value)}
              autoComplete="off"
              placeholder={teamName}
            />
          </Field>
          <Button type="submit" variant="danger" size="sm" disabled={pending || confirm !== teamName}>
            {t("deleteButton")}
          </Button>
        </form>
      </div>
    </Card>
  );
}
