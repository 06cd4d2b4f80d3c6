import { getTranslations } from "next-intl/server";
import { requireTeamPage } from "@/lib/access/team-context";
import { can } from "@/lib/auth/permissions";
import { AppShell } from "@/components/shell/app-shell";
import { SecurityView } from "@/components/settings/security-view";

export const metadata = { title: "Security" };

export default async function SecurityPage() {
  const ctx = await requireTeamPage("account.manage");
  const t = await getTranslations("settings.security");
  return (
    <AppShell ctx={ctx}>
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
      <p className="mb-6 mt-1 text-sm text-muted-fg">{t("intro")}</p>
      <SecurityView
        teamId={ctx.team.teamId}
        enabled={ctx.user.twoFactorEnabled === true}
        teamName={ctx.team.teamName}
        teamRequires={ctx.team.requireTwoFactor}
        canSetTeam={can(ctx.role, "team.security")}
      />
    </AppShell>
  );
}
