import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { requireTeamPage } from "@/lib/access/team-context";
import { can } from "@/lib/auth/permissions";
import { listConfigs } from "@/lib/configs/config.service";
import { AppShell } from "@/components/shell/app-shell";
import { Badge, Card } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Button } from "@/components/ui/button";
import { ImportForm } from "@/components/configs/import-form";

export const metadata = { title: "Configs" };
export const dynamic = "force-dynamic";

export default async function ConfigsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const ctx = await requireTeamPage("configs.read");
  const t = await getTranslations("configs");
  const sp = await searchParams;
  const archived = sp.archived === "1";
  const q = sp.q?.slice(0, 100) || undefined;
  const tag = sp.tag?.slice(0, 32) || undefined;
  const configs = await listConfigs(ctx.team.teamId, { archived, q, tag });
  const tab = (on: boolean) => `rounded-md px-3 py-1 text-sm ${on ? "bg-primary text-primary-fg" : "hover:bg-muted"}`;
  return (
    <AppShell ctx={ctx}>
      <div className="mb-4">
        <h1 className="text-2xl font-semibold">{t("title")}</h1>
        <p className="text-sm text-muted-fg">{t("intro")}</p>
      </div>
      <div className="grid gap-6 lg:grid-cols-[1fr_340px]">
        <div className="space-y-3">
          <div className="flex flex-wrap items-center gap-2">
            <Link className={tab(!archived)} href="/configs">
              {t("active")}
            </Link>
            <Link className={tab(archived)} href="/configs?archived=1">
              {t("archived")}
            </Link>
            <form method="get" className="flex w-full min-w-0 gap-2 sm:ml-auto sm:w-auto">
              {archived && <input type="hidden" name="archived" value="1" />}
              <Input
                name="q"
                aria-label={t("search")}
                placeholder={t("search")}
                defaultValue={q}
                className="h-8 min-w-0 flex-1 sm:w-48 sm:flex-none"
              />
              <Input
                name="tag"
                aria-label={t("tag")}
                placeholder={t("tag")}
                defaultValue={tag}
                className="h-8 w-24 shrink-0 sm:w-28"
              />
              <Button type="submit" size="sm" variant="secondary">
                {t("filter")}
              </Button>
            </form>
          </div>
          <ConfigsTable configs={configs} />
        </div>
        {can(ctx.role, "configs.manage") && (
          <div>
            <ImportForm teamId={ctx.team.teamId} />
          </div>
        )}
      </div>
    </AppShell>
  );
}

async function ConfigsTable({ configs }: { configs: Awaited<ReturnType<typeof listConfigs>> }) {
  const t = await getTranslations("configs");
  const format = await getFormatter();
  return (
    <Card className="overflow-x-auto p-0">
      {configs.length === 0 ? (
        <p className="p-6 text-center text-muted-fg">{t("empty")}</p>
      ) : (
        <table className="w-full text-sm" data-testid="configs-table">
          <thead className="bg-muted text-left text-muted-fg">
            <tr>
              <th className="px-4 py-2">{t("columns.name")}</th>
              <th>{t("columns.tags")}</th>
              <th>{t("columns.revision")}</th>
              <th>{t("columns.updated")}</th>
            </tr>
          </thead>
          <tbody>
            {configs.map((c) => (
              <tr key={c.id} className="border-t border-border align-top">
                <td className="px-4 py-2">
                  <Link href={`/configs/${c.id}`} className="font-medium hover:underline">
                    {c.name}
                  </Link>
                  {c.description && <p className="line-clamp-2 text-xs text-muted-fg">{c.description}</p>}
                </td>
                <td className="py-2">
                  <span className="flex flex-wrap gap-1">
                    {c.tags.map((x) => (
                      <Link key={x} href={`/configs?tag=${encodeURIComponent(x)}`}>
                        <Badge>{x}</Badge>
                      </Link>
                    ))}
                  </span>
                </td>
                <td className="py-2">{c.latestRevision}</td>
                <td className="py-2" title={c.updatedAt.toISOString()}>
                  {format.relativeTime(c.updatedAt)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
