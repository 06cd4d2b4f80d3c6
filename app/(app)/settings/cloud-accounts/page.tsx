import { getTranslations } from "next-intl/server";
import { requireTeamPage } from "@/lib/access/team-context";
import { can } from "@/lib/auth/permissions";
import { listCloudAccounts } from "@/lib/cloud/accounts";
import { demoMode } from "@/lib/server/env";
import { AppShell } from "@/components/shell/app-shell";
import { CloudAccountsView } from "@/components/settings/cloud-accounts-view";

export const metadata = { title: "Cloud accounts" };

export default async function CloudAccountsPage() {
  const ctx = await requireTeamPage("cloudAccounts.read");
  const t = await getTranslations("settings.cloudAccounts");
  const accounts = await listCloudAccounts(ctx.team.teamId);
  return (
    <AppShell ctx={ctx}>
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
      <p className="mb-6 mt-1 text-sm text-muted-fg">{t("intro")}</p>
      <CloudAccountsView
        teamId={ctx.team.teamId}
        accounts={accounts}
        canManage={can(ctx.role, "cloudAccounts.manage")}
        demo={demoMode()}
      />
    </AppShell>
  );
}
