import { notFound } from "next/navigation";
import { requireTeamPage } from "@/lib/access/team-context";
import { can } from "@/lib/auth/permissions";
import { ensureDeployEngine } from "@/lib/deploy/engine";
import { getFleetView } from "@/lib/fleet/fleet-view";
import { RunRefused } from "@/lib/deploy/executor";
import { AppShell } from "@/components/shell/app-shell";
import { FleetPage } from "@/components/fleets/fleet-view";

export const metadata = { title: "Fleet" };

export default async function FleetDetailPage({ params }: { params: Promise<{ id: string }> }) {
  const ctx = await requireTeamPage("deployments.read");
  const { id } = await params;
  // The fleet reads go through the fleet runtime, which the deploy engine wires.
  ensureDeployEngine();
  const view = await getFleetView(ctx.team.teamId, id).catch((e: unknown) => {
    if (e instanceof RunRefused && e.code === "NOT_FOUND") notFound();
    throw e;
  });
  return (
    <AppShell ctx={ctx}>
      <FleetPage teamId={ctx.team.teamId} initial={view} canApply={can(ctx.role, "deployments.apply")} />
    </AppShell>
  );
}
