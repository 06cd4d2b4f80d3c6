import { getTranslations } from "next-intl/server";
import { requireTeamPage } from "@/lib/access/team-context";
import { listCloudAccounts } from "@/lib/cloud/accounts";
import { AppShell } from "@/components/shell/app-shell";
import { AdoptForm } from "@/components/deploy/adopt-form";

export const metadata = { title: "Adopt an existing setup" };

export default async function AdoptPage() {
  const ctx = await requireTeamPage("deployments.apply");
  const t = await getTranslations("lifecycle.adopt");
  const accounts = await listCloudAccounts(ctx.team.teamId);
  return (
    <AppShell ctx={ctx}>
      <div className="mb-5">
        <h1 className="text-2xl font-semibold">{t("title")}</h1>
        <p className="mt-1 max-w-3xl text-sm text-muted-fg">{t("intro")}</p>
      </div>
      <AdoptForm
        teamId={ctx.team.teamId}
        accounts={accounts.map((a) => ({ id: a.id, name: a.name, defaultRegion: a.defaultRegion }))}
      />
    </AppShell>
  );
}
