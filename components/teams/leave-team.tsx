"use client";
// "Leave team" for every member but the owner, who is told how to get out
// instead. The server checks the role again (team.leave).
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { toast } from "sonner";
import { leaveTeamAction } from "@/lib/actions/teams.actions";
import { Card } from "@/components/ui/card";
import { ConfirmButton } from "./confirm-button";

export function LeaveTeam({ teamId, teamName, isOwner }: { teamId: string; teamName: string; isOwner: boolean }) {
  const t = useTranslations("teams.leave");
  const router = useRouter();
  return (
    <Card>
      <h2 className="mb-2 font-semibold">{t("title")}</h2>
      {isOwner ? (
        <p className="text-sm text-muted-fg" data-testid="owner-cannot-leave">
          {t("ownerCannot")}
        </p>
      ) : (
        <div className="flex flex-wrap items-center justify-between gap-3">
          <p className="text-sm text-muted-fg">{t("hint", { team: teamName })}</p>
          <ConfirmButton
            trigger={t("button")}
            triggerVariant="danger"
            title={t("confirmTitle", { team: teamName })}
            body={t("hint", { team: teamName })}
            confirm={t("confirm")}
            onConfirm={async () => {
              const res = await leaveTeamAction({ teamId });
              if (!res.ok) return res.error;
              toast.success(t("left", { team: teamName }));
              router.replace("/");
              router.refresh();
              return null;
            }}
          />
        </div>
      )}
    </Card>
  );
}
