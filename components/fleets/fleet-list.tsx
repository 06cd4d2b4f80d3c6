"use client";
// The team's fleets: name, status, members by state, created. Refreshed while one is rolling out.
import { useEffect } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { Boxes } from "lucide-react";
import { Card } from "@/components/ui/card";
import { RelativeTime } from "@/components/deploy/status";
import type { FleetListItem } from "@/lib/fleet/fleet-view";
import { MEMBER_STATES } from "@/lib/fleet/fleet.schema";
import { FleetStatusBadge, MemberStateBadge } from "./fleet-status";

export function FleetList({ fleets }: { fleets: FleetListItem[] }) {
  const t = useTranslations("fleets.list");
  const router = useRouter();
  const live = fleets.some((f) => f.status === "rolling_out" || f.status === "tearing_down");
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => router.refresh(), 3000);
    return () => clearInterval(timer);
  }, [live, router]);
  if (fleets.length === 0)
    return (
      <Card className="flex flex-col items-center gap-2 py-10 text-center" data-testid="fleets-empty">
        <Boxes className="h-8 w-8 text-muted-fg" aria-hidden />
        <p className="font-medium">{t("empty")}</p>
        <p className="max-w-md text-sm text-muted-fg">{t("emptyHint")}</p>
      </Card>
    );
  return (
    <Card className="p-0">
      <div className="overflow-x-auto">
        <table className="w-full text-sm" data-testid="fleets-table">
          <caption className="sr-only">{t("title")}</caption>
          <thead className="bg-muted/60 text-left text-xs text-muted-fg">
            <tr>
              <th scope="col" className="px-4 py-2">
                {t("cols.name")}
              </th>
              <th scope="col" className="px-4 py-2">
                {t("cols.status")}
              </th>
              <th scope="col" className="px-4 py-2">
                {t("cols.members")}
              </th>
              <th scope="col" className="px-4 py-2">
                {t("cols.created")}
              </th>
            </tr>
          </thead>
          <tbody>
            {fleets.map((f) => (
              <tr key={f.id} className="border-t border-border hover:bg-muted/40" data-testid="fleet-row">
                <td className="px-4 py-2">
                  <Link href={`/fleets/${f.id}`} className="font-medium hover:underline">
                    {f.name}
                  </Link>
                  <span className="block font-mono text-xs text-muted-fg">{f.regionId}</span>
                </td>
                <td className="px-4 py-2">
                  <FleetStatusBadge status={f.status} />
                </td>
                <td className="px-4 py-2">
                  <span className="flex flex-wrap items-center gap-1">
                    <span className="mr-1 tabular-nums">{t("memberCount", { count: f.members })}</span>
                    {MEMBER_STATES.filter((s) => (f.byState[s] ?? 0) > 0).map((s) => (
                      <span key={s} className="flex items-center gap-1">
                        <MemberStateBadge state={s} />
                        <span className="tabular-nums">{f.byState[s]}</span>
                      </span>
                    ))}
                  </span>
                </td>
                <td className="px-4 py-2 text-muted-fg">
                  <RelativeTime iso={f.createdAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}
