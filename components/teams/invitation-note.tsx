// What an invitation offers, shown wherever its link leads: the invite page and
// the sign-up / sign-in forms a signed-out invitee is sent to.
import { useTranslations } from "next-intl";
import type { InvitationSummary } from "@/lib/teams/team.service";

export type InvitationNoteData = Pick<InvitationSummary, "email" | "role" | "teamName" | "inviter">;

export function InvitationNote({
  invitation,
  children,
}: {
  invitation: InvitationNoteData;
  children?: React.ReactNode;
}) {
  const t = useTranslations("teams.invitation");
  const roles = useTranslations("common.roles");
  return (
    <div
      role="status"
      data-testid="invitation-note"
      className="space-y-1 rounded-md border border-primary/30 bg-primary/5 p-3 text-sm"
    >
      <p className="font-medium">{t("invited", { team: invitation.teamName, role: roles(invitation.role) })}</p>
      <p className="text-muted-fg">{t(`roleHelp.${invitation.role === "owner" ? "admin" : invitation.role}`)}</p>
      <p className="text-muted-fg">
        {t("invitedBy", { name: invitation.inviter.name, email: invitation.inviter.email })}
      </p>
      {children}
    </div>
  );
}
