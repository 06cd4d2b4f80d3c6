import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";
import { requireTeamPage } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { AppShell } from "@/components/shell/app-shell";
import { Badge, Card } from "@/components/ui/card";

export const metadata = { title: "Deployments" };

export default async function DashboardPage() {
  const ctx = await requireTeamPage("deployments.read");
  const t = await getTranslations("dashboard");
  const common = await getTranslations("common");
  const format = await getFormatter();
  const deployments = await db().deployment.findMany({
    where: { teamId: ctx.team.teamId },
    orderBy: { createdAt: "desc" },
    take: 100,
    select: { id: true, name: true, status: true, instanceId: true, createdAt: true },
  });
  return (
    <AppShell ctx={ctx}>
      <div className="mb-6 flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">{t("title")}</h1>
          <p className="text-sm text-muted-fg">{t("intro")}</p>
        </div>
        <Link href="/deployments/new" className="rounded-md bg-primary px-4 py-2 text-sm font-medium text-primary-fg">{t("new")}</Link>
      </div>
      {deployments.length === 0 ? (
        <Card className="text-center">
          <p className="mb-3 text-muted-fg">{t("empty")}</p>
          <Link href="/deployments/new" className="font-medium text-primary underline">{t("emptyCta")}</Link>
        </Card>
      ) : (
        <Card className="overflow-x-auto p-0">
          <table className="w-full text-sm">
            <thead className="bg-muted text-left text-muted-fg">
              <tr><th className="px-4 py-2">{t("columns.name")}</th><th>{t("columns.status")}</th><th>{t("columns.instance")}</th><th>{t("columns.created")}</th></tr>
            </thead>
            <tbody>
              {deployments.map((d) => (
                <tr key={d.id} className="border-t border-border">
                  <td className="px-4 py-2"><Link className="font-medium hover:underline" href={`/deployments/${d.id}`}>{d.name}</Link></td>
                  <td><Badge>{common(`status.${d.status as "draft"}`)}</Badge></td>
                  <td className="font-mono text-xs">{d.instanceId ?? "—"}</td>
                  <td title={d.createdAt.toISOString()}>{format.relativeTime(d.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      )}
    </AppShell>
  );
}
