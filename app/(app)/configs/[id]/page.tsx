import Link from "next/link";
import { notFound } from "next/navigation";
import { getFormatter, getTranslations } from "next-intl/server";
import { requireTeamPage } from "@/lib/access/team-context";
import { can } from "@/lib/auth/permissions";
import { getConfig } from "@/lib/configs/config.service";
import { listShareLinks } from "@/lib/configs/share-link.service";
import { configSpecSchema, secondaryCount } from "@/lib/configs/config.schema";
import { diffSpecs, formatValue } from "@/lib/configs/diff";
import { revisionMessageText } from "@/lib/configs/revision-message";
import { UserFacingError } from "@/lib/server/errors";
import { AppShell } from "@/components/shell/app-shell";
import { Badge, Card } from "@/components/ui/card";
import { SpecSummary } from "@/components/configs/spec-summary";
import {
  BundleForm,
  ConfigButtons,
  NewRevisionForm,
  RevisionCompare,
  ShareLinks,
} from "@/components/configs/config-controls";

export const metadata = { title: "Config" };
export const dynamic = "force-dynamic";

export default async function ConfigPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const ctx = await requireTeamPage("configs.read");
  const { id } = await params;
  const sp = await searchParams;
  const t = await getTranslations("configs");
  const config = await getConfig(ctx.team.teamId, id).catch((e) => {
    if (e instanceof UserFacingError) notFound();
    throw e;
  });
  const canManage = can(ctx.role, "configs.manage");
  const canShare = can(ctx.role, "shareLinks.manage");
  const latest = config.revisions[0]!;
  const shown = config.revisions.find((r) => r.revision === Number(sp.revision)) ?? latest;
  const spec = configSpecSchema.parse(shown.spec);
  const from = config.revisions.find((r) => r.revision === Number(sp.from)) ?? config.revisions[1] ?? latest;
  const to = config.revisions.find((r) => r.revision === Number(sp.to)) ?? latest;
  // Both read as v2, so a v1 revision compares with a v2 one field by field.
  const diff = diffSpecs(configSpecSchema.parse(from.spec), configSpecSchema.parse(to.spec));
  const links = canShare ? await listShareLinks(ctx.team.teamId, id) : [];

  return (
    <AppShell ctx={ctx}>
      <ConfigHeader
        teamId={ctx.team.teamId}
        id={id}
        config={config}
        canApply={can(ctx.role, "deployments.apply")}
        canManage={canManage}
        revision={shown.revision}
      />

      <div className="grid gap-6 lg:grid-cols-[1fr_360px]">
        {/* min-w-0: a long path or value in the diff scrolls inside its card, the page never sideways on a phone. */}
        <div className="min-w-0 space-y-6">
          <Card>
            <h2 className="mb-3 font-semibold">
              {t("detail.spec")} · {t("detail.revision", { n: shown.revision })}
            </h2>
            <SpecSummary spec={spec} />
          </Card>

          <DiffCard revisions={config.revisions} from={from.revision} to={to.revision} diff={diff} />

          <ExportsCard
            teamId={ctx.team.teamId}
            id={id}
            revision={shown.revision}
            secondaryCount={spec.enis[0]!.privateIps.mode === "count" ? secondaryCount(spec.enis[0]!) : 0}
          />

          {canManage && !config.archived ? (
            <Card>
              <h2 className="mb-3 font-semibold">{t("detail.newRevision")}</h2>
              <NewRevisionForm teamId={ctx.team.teamId} id={id} latest={latest.revision} spec={latest.spec} />
            </Card>
          ) : !canManage ? (
            <p className="text-sm text-muted-fg">{t("detail.readOnly")}</p>
          ) : null}
        </div>

        <div className="min-w-0 space-y-6">
          <RevisionsCard id={id} revisions={config.revisions} latest={latest.revision} />
          {canShare && (
            <ShareLinks
              teamId={ctx.team.teamId}
              id={id}
              revisions={config.revisions.map((r) => r.revision)}
              links={links.map((l) => ({
                id: l.id,
                revision: l.revision,
                expiresAt: l.expiresAt.toISOString(),
                revokedAt: l.revokedAt?.toISOString() ?? null,
                expired: l.expired,
                token: l.token,
              }))}
            />
          )}
        </div>
      </div>
    </AppShell>
  );
}

type Config = Awaited<ReturnType<typeof getConfig>>;
type Revision = Config["revisions"][number];

/** Name, description, tags, and what this member may do with the config. */
async function ConfigHeader({
  teamId,
  id,
  config,
  canApply,
  canManage,
  revision,
}: {
  teamId: string;
  id: string;
  config: Config;
  canApply: boolean;
  canManage: boolean;
  revision: number;
}) {
  const t = await getTranslations("configs");
  return (
    <div className="mb-4 flex flex-wrap items-start gap-3">
      <div className="min-w-0 flex-1">
        <p className="text-sm">
          <Link href="/configs" className="text-muted-fg hover:underline">
            {t("title")}
          </Link>
        </p>
        <h1 className="break-words text-2xl font-semibold" data-testid="config-name">
          {config.name}
        </h1>
        {config.description && <p className="whitespace-pre-wrap text-sm text-muted-fg">{config.description}</p>}
        <div className="mt-1 flex flex-wrap gap-1">
          {config.archived && <Badge tone="warning">{t("archived")}</Badge>}
          {config.tags.map((x) => (
            <Badge key={x}>{x}</Badge>
          ))}
        </div>
      </div>
      <div className="flex flex-wrap gap-2">
        {canApply && !config.archived && (
          <Link
            href={`/deployments/new?config=${encodeURIComponent(id)}&revision=${revision}`}
            className="inline-flex h-8 items-center rounded-md bg-primary px-3 text-sm font-medium text-primary-fg"
          >
            {t("actions.startDeployment")}
          </Link>
        )}
        {canManage && <ConfigButtons teamId={teamId} id={id} archived={config.archived} />}
      </div>
    </div>
  );
}

/** Any two revisions side by side; a GET form keeps the choice in the URL. */
async function DiffCard({
  revisions,
  from,
  to,
  diff,
}: {
  revisions: Revision[];
  from: number;
  to: number;
  diff: ReturnType<typeof diffSpecs>;
}) {
  const t = await getTranslations("configs");
  return (
    <Card className="overflow-x-auto">
      <h2 className="mb-3 font-semibold">{t("detail.diff")}</h2>
      <RevisionCompare revisions={revisions.map((r) => r.revision)} from={from} to={to} />
      {diff.length === 0 ? (
        <p className="text-sm text-muted-fg">{t("detail.noChanges")}</p>
      ) : (
        <table className="w-full text-sm" data-testid="config-diff">
          <tbody>
            {diff.map((d) => (
              <tr key={d.path} className="border-t border-border">
                <td className="py-1 pr-2 font-mono text-xs">{d.path}</td>
                <td className="py-1 pr-2">
                  <Badge tone={d.kind === "added" ? "success" : d.kind === "removed" ? "danger" : "info"}>
                    {t(`detail.${d.kind}`)}
                  </Badge>
                </td>
                <td className="py-1 font-mono text-xs">
                  {d.kind !== "added" && <del className="text-danger">{formatValue(d.before)}</del>}
                  {d.kind === "changed" && " → "}
                  {d.kind !== "removed" && <ins className="text-success no-underline">{formatValue(d.after)}</ins>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}

async function ExportsCard({
  teamId,
  id,
  revision,
  secondaryCount,
}: {
  teamId: string;
  id: string;
  revision: number;
  secondaryCount: number;
}) {
  const t = await getTranslations("configs");
  const exportHref = (f: string) =>
    `/api/configs/${id}/export?${new URLSearchParams({ teamId, format: f, revision: String(revision) })}`;
  return (
    <Card>
      <h2 className="mb-1 font-semibold">{t("exports.title")}</h2>
      <p className="mb-3 text-xs text-muted-fg">{t("exports.intro")}</p>
      <div className="mb-4 flex flex-wrap gap-2">
        {(["json", "ros", "terraform"] as const).map((f) => (
          <a
            key={f}
            href={exportHref(f)}
            download
            className="inline-flex h-8 items-center rounded-md border border-border px-3 text-sm hover:bg-muted"
          >
            {t(`exports.${f}`)}
          </a>
        ))}
      </div>
      <h3 className="mb-2 text-sm font-medium">{t("exports.bundle")}</h3>
      <BundleForm teamId={teamId} id={id} revision={revision} secondaryCount={secondaryCount} />
    </Card>
  );
}

async function RevisionsCard({ id, revisions, latest }: { id: string; revisions: Revision[]; latest: number }) {
  const t = await getTranslations("configs");
  const format = await getFormatter();
  return (
    <Card>
      <h2 className="mb-3 font-semibold">{t("detail.revisions")}</h2>
      <ol className="space-y-2 text-sm" data-testid="revisions">
        {revisions.map((r) => (
          <li key={r.revision} className="border-t border-border pt-2 first:border-0 first:pt-0">
            <Link href={`/configs/${id}?revision=${r.revision}`} className="font-medium hover:underline">
              {t("detail.revision", { n: r.revision })}
            </Link>
            {r.revision === latest && (
              <Badge className="ml-2" tone="info">
                {t("detail.latest")}
              </Badge>
            )}
            <span className="ml-2 text-xs text-muted-fg" title={r.createdAt.toISOString()}>
              {format.relativeTime(r.createdAt)}
            </span>
            {r.message && (
              <p className="text-xs text-muted-fg" data-testid="revision-message">
                {revisionMessageText(r.message, (k, v) => t(`detail.defaultMessages.${k}`, v))}
              </p>
            )}
          </li>
        ))}
      </ol>
    </Card>
  );
}
