import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { requireTeamPage } from "@/lib/access/team-context";
import { can } from "@/lib/auth/permissions";
import { listCloudAccounts } from "@/lib/cloud/accounts";
import { AppShell } from "@/components/shell/app-shell";
import { QuickDeploy } from "@/components/wizard/quick-deploy";

export const metadata = { title: "Quick deploy" };

export default async function QuickDeployPage() {
  const ctx = await requireTeamPage("deployments.read");
  const t = await getTranslations("quick");
  const accounts = await listCloudAccounts(ctx.team.teamId);
  return (
    <AppShell ctx={ctx}>
      <div className="mb-5 flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">{t("title")}</h1>
          <p className="mt-1 max-w-3xl text-sm text-muted-fg">{t("intro")}</p>
        </div>
        <Link href="/deployments/new" className="text-sm font-medium text-primary hover:underline">
          {t("wizardLink")}
        </Link>
      </div>
      <QuickDeploy
        teamId={ctx.team.teamId}
        accounts={accounts.map((a) => ({ id: a.id, name: a.name, defaultRegion: a.defaultRegion, kind: a.kind }))}
        canApply={can(ctx.role, "deployments.apply")}
      />
    </AppShell>
  );
}
