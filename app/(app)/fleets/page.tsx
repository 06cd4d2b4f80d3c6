import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { Plus } from "lucide-react";
import { requireTeamPage } from "@/lib/access/team-context";
import { can } from "@/lib/auth/permissions";
import { ensureDeployEngine } from "@/lib/deploy/engine";
import { listFleets } from "@/lib/fleet/fleet-view";
import { AppShell } from "@/components/shell/app-shell";
import { FleetList } from "@/components/fleets/fleet-list";

export const metadata = { title: "Fleets" };

export default async function FleetsPage() {
  const ctx = await requireTeamPage("deployments.read");
  const t = await getTranslations("fleets.list");
  // The fleet reads go through the fleet runtime, which the deploy engine wires.
  ensureDeployEngine();
  const fleets = await listFleets(ctx.team.teamId);
  return (
    <AppShell ctx={ctx}>
      <div className="mb-5 flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">{t("title")}</h1>
          <p className="mt-1 max-w-3xl text-sm text-muted-fg">{t("intro")}</p>
        </div>
        {can(ctx.role, "deployments.apply") && (
          <Link
            href="/fleets/new"
            className="inline-flex h-10 items-center gap-2 rounded-md bg-primary px-4 text-sm font-medium text-primary-fg hover:opacity-90"
          >
            <Plus className="h-4 w-4" aria-hidden />
            {t("new")}
          </Link>
        )}
      </div>
      <FleetList fleets={fleets} />
    </AppShell>
  );
}
