import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import Link from "next/link";
import { requireTeamPage } from "@/lib/access/team-context";
import { can } from "@/lib/auth/permissions";
import { db } from "@/lib/db/client";
import { listCloudAccounts } from "@/lib/cloud/accounts";
import { AppShell } from "@/components/shell/app-shell";
import { Wizard, type ChangeInput, type DraftInput } from "@/components/wizard/wizard";
import { deployedFromRecord, parseStep } from "@/components/wizard/form-model";
import { getRevision } from "@/lib/configs/config.service";
import { draftFromConfig } from "@/lib/configs/config.schema";
import { specWithoutSecrets } from "@/lib/deploy/secrets";

export const metadata = { title: "New deployment" };

type Search = { draft?: string; config?: string; revision?: string; step?: string; change?: string };

/** "Change" on a deployment (`?change=<id>`): one that succeeded (or drifted), for a user who may apply. */
async function loadChange(teamId: string, id: string, mayApply: boolean): Promise<ChangeInput> {
  const d = await db().deployment.findFirst({
    where: { id, teamId },
    select: { id: true, name: true, spec: true, status: true, resources: true, instanceId: true },
  });
  if (!d) redirect("/deployments/new");
  if (!mayApply || !["succeeded", "drifted"].includes(d.status)) redirect(`/deployments/${d.id}`);
  return {
    id: d.id,
    name: d.name,
    spec: specWithoutSecrets((d.spec ?? {}) as Record<string, unknown>),
    deployed: deployedFromRecord(d.resources),
    instanceId: d.instanceId,
  };
}

export default async function NewDeploymentPage({ searchParams }: { searchParams: Promise<Search> }) {
  const ctx = await requireTeamPage("deployments.read");
  const t = await getTranslations("wizard");
  const { draft: draftId, config: configId, revision, step, change: changeId } = await searchParams;
  const accounts = await listCloudAccounts(ctx.team.teamId);
  const canApply = can(ctx.role, "deployments.apply");
  let draft: DraftInput = null;
  const change = changeId ? await loadChange(ctx.team.teamId, changeId, canApply) : null;
  // A draft link of another team, or of a draft since deleted: said so, above an empty wizard.
  let missingDraft: string | null = null;
  // The Change form opens on the deployment's current state: no draft, no config.
  if (!change && draftId) {
    const d = await db().deployment.findFirst({
      where: { id: draftId, teamId: ctx.team.teamId },
      select: { id: true, name: true, spec: true, status: true },
    });
    if (!d) missingDraft = draftId.slice(0, 64);
    else if (!["draft", "ready"].includes(d.status)) redirect(`/deployments/${d.id}`);
    // A draft URL is shareable within the team: the instance password (if any) is never sent back.
    else
      draft = {
        id: d.id,
        name: d.name,
        spec: specWithoutSecrets((d.spec ?? {}) as Record<string, unknown>),
        status: d.status,
      };
  } else if (!change && configId) {
    // "Start a new deployment from this config": the config's shape, this account's choices left to the user.
    const n = revision && /^\d+$/.test(revision) ? Number(revision) : undefined;
    const config = await getRevision(ctx.team.teamId, configId, n).catch(() => null);
    if (!config) redirect("/deployments/new");
    draft = {
      id: null,
      name: `${config.name} (rev ${config.revision})`,
      spec: draftFromConfig(config.spec),
      status: "draft",
    };
  }
  return (
    <AppShell ctx={ctx}>
      <div className="mb-5 flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">
            {change
              ? t("change.title", { name: change.name })
              : draft
                ? t("titleDraft", { name: draft.name })
                : t("title")}
          </h1>
          <p className="mt-1 max-w-3xl text-sm text-muted-fg">{change ? t("change.intro") : t("intro")}</p>
        </div>
        {change ? (
          <Link href={`/deployments/${change.id}`} className="text-sm font-medium text-primary hover:underline">
            {t("change.back")}
          </Link>
        ) : (
          <Link href="/deployments/quick" className="text-sm font-medium text-primary hover:underline">
            {t("quickLink")}
          </Link>
        )}
      </div>
      {missingDraft && (
        <p
          role="alert"
          data-testid="missing-draft"
          className="mb-4 rounded-md border border-warning/40 bg-warning/5 p-3 text-sm"
        >
          {t("draftNotFound", { id: missingDraft })}
        </p>
      )}
      <Wizard
        teamId={ctx.team.teamId}
        accounts={accounts.map((a) => ({ id: a.id, name: a.name, defaultRegion: a.defaultRegion, kind: a.kind }))}
        canApply={canApply}
        draft={draft}
        initialStep={parseStep(step)}
        change={change}
      />
    </AppShell>
  );
}
