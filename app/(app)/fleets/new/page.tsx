import { redirect } from "next/navigation";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { requireTeamPage } from "@/lib/access/team-context";
import { can } from "@/lib/auth/permissions";
import { listCloudAccounts } from "@/lib/cloud/accounts";
import { listConfigs } from "@/lib/configs/config.service";
import { AppShell } from "@/components/shell/app-shell";
import { FleetForm } from "@/components/fleets/fleet-form";

export const metadata = { title: "New fleet" };

export default async function NewFleetPage() {
  const ctx = await requireTeamPage("deployments.read");
  // A viewer sees fleets but makes none.
  if (!can(ctx.role, "deployments.apply")) redirect("/fleets");
  const t = await getTranslations("fleets");
  const [accounts, configs] = await Promise.all([listCloudAccounts(ctx.team.teamId), listConfigs(ctx.team.teamId)]);
  return (
    <AppShell ctx={ctx}>
      <nav aria-label={t("view.breadcrumb")} className="mb-2 text-sm text-muted-fg">
        <Link href="/fleets" className="hover:underline">
          {t("view.fleets")}
        </Link>{" "}
        / <span className="text-fg">{t("form.title")}</span>
      </nav>
      <div className="mb-5">
        <h1 className="text-2xl font-semibold">{t("form.title")}</h1>
        <p className="mt-1 max-w-3xl text-sm text-muted-fg">{t("form.intro")}</p>
      </div>
      <FleetForm
        teamId={ctx.team.teamId}
        accounts={accounts.map((a) => ({ id: a.id, name: a.name, defaultRegion: a.defaultRegion }))}
        configs={configs.map((c) => ({ id: c.id, name: c.name, latestRevision: c.latestRevision }))}
      />
    </AppShell>
  );
}
