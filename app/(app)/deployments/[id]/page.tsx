import { notFound } from "next/navigation";
import { requireTeamPage } from "@/lib/access/team-context";
import { can } from "@/lib/auth/permissions";
import { UserFacingError } from "@/lib/server/errors";
import { getDeploymentView } from "@/lib/deploy/deployment-view.service";
import { AppShell } from "@/components/shell/app-shell";
import { DeploymentView } from "@/components/deploy/deployment-view";
import { SaveAsConfig } from "@/components/configs/save-as-config";

export const metadata = { title: "Deployment" };

export default async function DeploymentPage({ params }: { params: Promise<{ id: string }> }) {
  const ctx = await requireTeamPage("deployments.read");
  const { id } = await params;
  const view = await getDeploymentView(ctx.team.teamId, id).catch((e: unknown) => {
    if (e instanceof UserFacingError && e.details.code === "NOT_FOUND") notFound();
    throw e;
  });
  return (
    <AppShell ctx={ctx}>
      <DeploymentView teamId={ctx.team.teamId} initial={view} canApply={can(ctx.role, "deployments.apply")} />
      {can(ctx.role, "configs.manage") && (
        <SaveAsConfig teamId={ctx.team.teamId} deploymentId={view.id} defaultName={view.name} />
      )}
    </AppShell>
  );
}
