import { notFound } from "next/navigation";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { db } from "@/lib/db/client";
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
  // A fleet member: a way back to its fleet.
  const member = await db().deployment.findFirst({
    where: { id, teamId: ctx.team.teamId },
    select: { fleet: { select: { id: true, name: true } } },
  });
  const t = await getTranslations("fleets.view");
  return (
    <AppShell ctx={ctx}>
      {member?.fleet && (
        <p className="mb-3 text-sm text-muted-fg" data-testid="fleet-link">
          {t("memberOf")}{" "}
          <Link href={`/fleets/${member.fleet.id}`} className="font-medium text-primary hover:underline">
            {member.fleet.name}
          </Link>
        </p>
      )}
      <DeploymentView teamId={ctx.team.teamId} initial={view} canApply={can(ctx.role, "deployments.apply")} />
      {can(ctx.role, "configs.manage") && (
        <SaveAsConfig teamId={ctx.team.teamId} deploymentId={view.id} defaultName={view.name} />
      )}
    </AppShell>
  );
}
