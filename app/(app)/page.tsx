import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { requireTeamPage } from "@/lib/access/team-context";
import { can } from "@/lib/auth/permissions";
import { listDeploymentsForDashboard } from "@/lib/deploy/dashboard.queries";
import { AppShell } from "@/components/shell/app-shell";
import { DeploymentsTable } from "@/components/dashboard/deployments-table";

export const metadata = { title: "Deployments" };

export default async function DashboardPage() {
  const ctx = await requireTeamPage("deployments.read");
  const t = await getTranslations("dashboard");
  const rows = await listDeploymentsForDashboard(ctx.team.teamId);
  const canApply = can(ctx.role, "deployments.apply");
  return (
    <AppShell ctx={ctx}>
      <div className="mb-5 flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">{t("title")}</h1>
          <p className="text-sm text-muted-fg">{t("intro")}</p>
        </div>
        {canApply && (
          <div className="flex gap-2">
            <Link
              href="/deployments/adopt"
              className="rounded-md border border-border px-4 py-2 text-sm font-medium hover:bg-muted"
            >
              {t("adopt")}
            </Link>
            <Link
              href="/deployments/quick"
              className="rounded-md border border-border px-4 py-2 text-sm font-medium hover:bg-muted"
            >
              {t("quick")}
            </Link>
            <Link
              href="/deployments/new"
              className="rounded-md bg-primary px-4 py-2 text-sm font-medium text-primary-fg"
            >
              {t("new")}
            </Link>
          </div>
        )}
      </div>
      <DeploymentsTable rows={rows} />
    </AppShell>
  );
}
